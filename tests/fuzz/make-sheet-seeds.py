#!/usr/bin/env python3
"""Writes the seed corpus of the sheet reader's fuzz target: tests/fuzz/corpus/sheet/.

Workbooks (.xlsx) and CSV files that reach every branch of core/bl-sheet.c and of the check
(core/bl-toy-check.c): shared strings with runs and phonetic runs, inline strings, booleans,
errors, formulas with cached values, cells without references, namespace prefixes, a header
block above the ledger, several sheets; CSV with commas, semicolons and decimal commas, tabs,
quotes, a byte-order mark; and the broken ones: parts missing, a truncated archive, an entity
bomb, references and shared strings out of range. Deterministic (fixed zip dates), so running
it again gives the same bytes.
Usage: tests/fuzz/make-sheet-seeds.py [CORPUS_DIR]   (default: tests/fuzz/corpus beside it)
"""
import io
import math
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus"), "sheet")
os.makedirs(OUT, exist_ok=True)

HEADERS = ["t1", "t2", "i1", "i2", "w1", "w2", "w3", "w4", "h1", "a_h1", "h2", "a_h2",
           "w5", "w6", "w7", "w8", "o1", "a_o1", "o2", "a_o2", "E1", "E2", "E_total",
           "dE/dw1", "dE/dw2", "dE/dw3", "dE/dw4", "dE/dw5", "dE/dw6", "dE/dw7", "dE/dw8"]


def sig(x):
    return 1 / (1 + math.exp(-x))


def ledger(rows, lr=0.5, slip=False):
    """The classroom ledger's rows, as the test computes it (slip: a_h1 in dE/dw3, dE/dw4)."""
    w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
    i1, i2, t1, t2 = 0.05, 0.10, 0.01, 0.99
    out = []
    for _ in range(rows):
        h1, h2 = w[0] * i1 + w[1] * i2, w[2] * i1 + w[3] * i2
        a1, a2 = sig(h1), sig(h2)
        o1, o2 = w[4] * a1 + w[5] * a2, w[6] * a1 + w[7] * a2
        y1, y2 = sig(o1), sig(o2)
        d1, d2 = (y1 - t1) * y1 * (1 - y1), (y2 - t2) * y2 * (1 - y2)
        dh1 = (d1 * w[4] + d2 * w[6]) * a1 * (1 - a1)
        dh2 = (d1 * w[5] + d2 * w[7]) * (a1 * (1 - a1) if slip else a2 * (1 - a2))
        g = [dh1 * i1, dh1 * i2, dh2 * i1, dh2 * i2, d1 * a1, d1 * a2, d2 * a1, d2 * a2]
        e1, e2 = 0.5 * (t1 - y1) ** 2, 0.5 * (t2 - y2) ** 2
        out.append([t1, t2, i1, i2] + w[:4] + [h1, a1, h2, a2] + w[4:] +
                   [o1, y1, o2, y2, e1, e2, e1 + e2] + g)
        w = [w[j] - lr * g[j] for j in range(8)]
    return out


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def xlsx(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text)
    return buf.getvalue()


RELS = ('<Relationships><Relationship Id="r" Type="x/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')


def workbook(names):
    sheets = "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (n, i + 1, i + 1)
                     for i, n in enumerate(names))
    rels = "".join('<Relationship Id="rId%d" Type="x/worksheet" Target="worksheets/sheet%d.xml"/>'
                   % (i + 1, i + 1) for i in range(len(names)))
    rels += '<Relationship Id="rS" Type="x/sharedStrings" Target="/xl/sharedStrings.xml"/>'
    return [("_rels/.rels", RELS),
            ("xl/workbook.xml", '<workbook xmlns:r="r"><sheets>%s</sheets></workbook>' % sheets),
            ("xl/_rels/workbook.xml.rels", "<Relationships>%s</Relationships>" % rels)]


def col(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def ledger_sheet(rows, first=0, shared=True, formulas=True, lr_label=True):
    """The ledger as a worksheet: an η label above, headers (shared strings), numbers."""
    xml = ["<worksheet><sheetData>"]
    if lr_label:
        xml.append('<row r="1"><c r="A1" t="inlineStr"><is><t>η</t></is></c>'
                   '<c r="B1"><v>0.5</v></c></row>')
    xml.append('<row r="%d">' % (first + 1))
    for c, h in enumerate(HEADERS):
        if shared:
            xml.append('<c r="%s%d" t="s"><v>%d</v></c>' % (col(c), first + 1, c))
        else:
            xml.append('<c t="inlineStr"><is><t>%s</t></is></c>' % h)
    xml.append("</row>")
    for k, row in enumerate(rows):
        r = first + 2 + k
        xml.append('<row r="%d">' % r)
        for c, v in enumerate(row):
            f = "<f>A%d+1</f>" % r if formulas and k > 0 else ""
            xml.append('<c r="%s%d">%s<v>%r</v></c>' % (col(c), r, f, v))
        xml.append("</row>")
    xml.append("</sheetData></worksheet>")
    return "".join(xml)


SHARED = "<sst>" + "".join("<si><t>%s</t></si>" % h for h in HEADERS) + "</sst>"

write("ledger.xlsx", xlsx(workbook(["lr 0.5"]) + [("xl/sharedStrings.xml", SHARED),
      ("xl/worksheets/sheet1.xml", ledger_sheet(ledger(4), first=3))]))
write("ledger-slip.xlsx", xlsx(workbook(["Seed", "Notes"]) + [
      ("xl/sharedStrings.xml", SHARED),
      ("xl/worksheets/sheet1.xml", ledger_sheet(ledger(3, slip=True), first=2)),
      ("xl/worksheets/sheet2.xml", '<worksheet><sheetData><row><c t="b"><v>1</v></c>'
       '<c t="e"><v>#N/A</v></c></row></sheetData></worksheet>')]))
write("inline-no-refs.xlsx", xlsx(workbook(["S"]) + [
      ("xl/worksheets/sheet1.xml", ledger_sheet(ledger(2), shared=False, formulas=False,
                                                lr_label=False))]))
write("prefixed-runs.xlsx", xlsx(workbook(["S"]) + [
      ("xl/sharedStrings.xml", '<x:sst xmlns:x="s"><x:si><x:r><x:t>w</x:t></x:r><x:r><x:t>1'
       '</x:t></x:r><x:rPh><x:t>ph</x:t></x:rPh></x:si><x:si><x:t xml:space="preserve"> a_h1 '
       '</x:t></x:si></x:sst>'),
      ("xl/worksheets/sheet1.xml", '<x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t="s">'
       '<x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>t</x:v>'
       '</x:c></x:row><x:row><x:c><x:v>0.15</x:v></x:c><x:c><x:v>1e-3</x:v></x:c></x:row>'
       '</x:sheetData></x:worksheet>')]))
write("missing-sheet-part.xlsx", xlsx(workbook(["S"])))
write("no-workbook.xlsx", xlsx([("[Content_Types].xml", "<Types/>")]))
write("bad-shared-index.xlsx", xlsx(workbook(["S"]) + [
      ("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row><c t="s"><v>9</v></c></row>'
       '</sheetData></worksheet>')]))
write("bad-reference.xlsx", xlsx(workbook(["S"]) + [
      ("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row r="2000000"><c r="A1"><v>1</v>'
       '</c></row></sheetData></worksheet>')]))
bomb = '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "lol">' + "".join(
    '<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(8)) + \
    ']><sst><si><t>&i;</t></si></sst>'
write("entity-bomb.xlsx", xlsx(workbook(["S"]) + [("xl/sharedStrings.xml", bomb),
      ("xl/worksheets/sheet1.xml", "<worksheet/>")]))
whole = xlsx(workbook(["lr 0.5"]) + [("xl/sharedStrings.xml", SHARED),
             ("xl/worksheets/sheet1.xml", ledger_sheet(ledger(2), first=3))])
write("truncated.xlsx", whole[:len(whole) * 2 // 3])
write("ods.zip", xlsx([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                       ("content.xml", "<office/>")]))


def csv(rows, sep=",", decimal=".", lr=None, iteration=False, digits=17):
    head = (["lr"] if lr is not None else []) + (["iteration"] if iteration else []) + HEADERS
    lines = [sep.join(head)]
    for k, row in enumerate(rows):
        cells = ([repr(lr)] if lr is not None else []) + ([str(k)] if iteration else []) + \
                [("%.*g" % (digits, v)).replace(".", decimal) for v in row]
        lines.append(sep.join(cells))
    return ("\n".join(lines) + "\n").encode()


write("ledger.csv", csv(ledger(4), lr=0.5, iteration=True))
write("ledger-slip.csv", csv(ledger(3, slip=True)))
write("two-runs.csv", csv(ledger(2), lr=0.5, iteration=True) +
      csv(ledger(2, lr=2.0), lr=2.0, iteration=True).split(b"\n", 1)[1])
write("semicolon-comma.csv", csv(ledger(2), sep=";", decimal=",", digits=10))
write("tabs-rounded.csv", csv(ledger(3), sep="\t", digits=8))
write("bom-quotes-crlf.csv", b"\xef\xbb\xbf" + b'"w1","a;b","say ""hi"""\r\n0.15,2,3\r\n')
write("unclosed-quote.csv", b'w1,"w2\n0.15,0.2\n')
write("nan-inf.csv", b"w1,w2,w3,w4,w5,w6,w7,w8,E_total\n" + b"nan,inf,-inf,1,1,1,1,1,0\n")
write("binary.bin", bytes(range(256)))
write("xls.bin", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(32))
