#!/usr/bin/env python3
"""Writes the seed corpora of the core's fuzz targets: tests/fuzz/corpus/{idx,checkpoint,
runlog,digit,toy-parse,toy-csv}/ (the downloader's tar and gzip seeds: make-seeds.py).

Seeds are small, hand-made and valid-ish, one per shape a reader meets, so the fuzzer starts
next to every branch; crashes found later join them under names saying what they were. The
checkpoint seeds are made from a real checkpoint written by the CLI (`mnist train` on the
fixture, deterministic), without its last 32 bytes: fuzz-checkpoint appends the SHA-256
itself. Deterministic: running it again gives the same bytes.
Usage: tests/fuzz/make-core-seeds.py BUILD_DIR [CORPUS_DIR]
"""
import gzip
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = sys.argv[1]
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "corpus")


def write(kind, name, data):
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    with open(os.path.join(OUT, kind, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, 9, mtime=0)


def idx(dims, payload=None, type_byte=8):
    head = bytes([0, 0, type_byte, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    n = 1
    for d in dims:
        n *= d
    return head + (payload if payload is not None else bytes(i * 37 % 256 for i in range(n)))


# ---- IDX
write("idx", "labels", idx([6], bytes([0, 1, 2, 7, 8, 9])))
write("idx", "labels.gz", gz(idx([6], bytes([3, 1, 4, 1, 5, 9]))))
write("idx", "images-2", idx([2, 28, 28]))
write("idx", "images-1.gz", gz(idx([1, 28, 28])))
write("idx", "images-small-side", idx([3, 4, 5]))
write("idx", "empty-set", idx([0, 28, 28]))
write("idx", "truncated", idx([2, 28, 28])[:-100])
write("idx", "longer", idx([2]) + b"xx")
write("idx", "longer.gz", gz(idx([2]) + b"xx"))
write("idx", "type-float", idx([2], b"\0" * 8, type_byte=0x0D))
write("idx", "four-dims", idx([1, 1, 1, 1]))
write("idx", "claims-4e9", idx([4000000000, 28, 28], b""))
write("idx", "claims-1GiB.gz", gz(idx([1 << 15, 1 << 15], b"\0" * 4096)))
write("idx", "header-cut", idx([5, 28, 28])[:9])
write("idx", "two-members.gz", gz(idx([3])[:6]) + gz(idx([3])[6:]))
write("idx", "gzip-magic-only", b"\x1f\x8b")

# ---- Checkpoint: a real one, then variants of its body.
with tempfile.TemporaryDirectory() as tmp:
    ckpt = os.path.join(tmp, "m.ckpt")
    subprocess.run([os.path.join(BUILD, "src", "cli", "backprop-lab-cli"), "mnist", "train",
                    "--data", os.path.join(ROOT, "tests", "data", "mnist-fixture"),
                    "--epochs", "1", "--train-subset", "32", "--test-subset", "32",
                    "--threads", "1", "--save", ckpt], check=True, capture_output=True)
    body = open(ckpt, "rb").read()[:-32]
write("checkpoint", "model", body)
spec_len = struct.unpack("<I", body[12:16])[0]
rate_at = 16 + spec_len                     # version 2: the dropout rate after the spec
meta_at = rate_at + 4
meta_len = struct.unpack("<I", body[meta_at:meta_at + 4])[0]
after_meta = meta_at + 4 + meta_len
# The variants stop shortly after what they change: what follows is only read if that passes,
# and the corpus stays small (one whole model, ~76 KB, is enough for the fuzzer to copy from).
conv1 = after_meta + 4 + 2 + len(b"conv1.weight") + 1 + 16   # conv1.weight's first value
# Version 1, as files written before the rate was stored are: its spec line names the rate
# ("drop0.25"), and no rate field follows it. Whole, so that the fuzzer reaches a version-1
# file that loads.
spec_v1 = body[16:rate_at].replace(b" drop ", b" drop0.25 ")
write("checkpoint", "model-v1", body[:8] + struct.pack("<I", 1) + struct.pack("<I", len(spec_v1))
      + spec_v1 + body[meta_at:])
write("checkpoint", "version-3", body[:8] + struct.pack("<I", 3) + body[12:40])
write("checkpoint", "dropout-one", body[:rate_at] + struct.pack("<f", 1.0) + body[meta_at:conv1 + 64])
write("checkpoint", "dropout-nan", body[:rate_at] + struct.pack("<f", float("nan"))
      + body[meta_at:conv1 + 64])
write("checkpoint", "other-spec", body[:16] + b"X" + body[17:after_meta + 8])
write("checkpoint", "no-description",
      body[:meta_at] + struct.pack("<I", 0) + body[after_meta:conv1 + 64])
write("checkpoint", "description-not-utf8",
      body[:meta_at] + struct.pack("<I", 4) + b"a\xffb\n" + body[after_meta:after_meta + 8])
write("checkpoint", "tensor-count-1",
      body[:after_meta] + struct.pack("<I", 1) + body[after_meta + 4:conv1 + 64])
write("checkpoint", "cut-in-tensors", body[:after_meta + 4 + 40])
nan = struct.pack("<f", float("nan"))
write("checkpoint", "nan-weight", body[:conv1] + nan + body[conv1 + 4:conv1 + 64 * 4])
write("checkpoint", "header-only", body[:16])
write("checkpoint", "not-a-model", b"hello, this is not a model at all")

# ---- Run logs
conf = "[" + ",".join("[" + ",".join(str(90 if t == p else t) for p in range(10)) + "]"
                      for t in range(10)) + "]"
run = ('{"run":{"lr":0.05,"schedule":"onecycle","epochs":20,"batch":128,"seed":1,'
       '"momentum":0.9,"rotate":7,"train_subset":0}}\n')
epoch = ('{"epoch":%d,"train_loss":0.25,"train_acc":0.93,"test_loss":0.12,"test_acc":0.97,'
         '"seconds":14.5,"lr":0.01,"confusion":' + conf + '}\n')
write("runlog", "two-epochs", run + epoch % 1 + epoch % 2)
write("runlog", "two-runs", run + epoch % 1 + run.replace("onecycle", "none") + epoch % 1)
write("runlog", "old-no-recipe", '{"epoch":1,"test_acc":0.98}\n\n{"epoch":2,"test_acc":0.985}')
write("runlog", "nulls", '{"run":{"lr":null,"momentum":null,"schedule":null}}\n'
                         '{"epoch":1,"test_acc":0.5,"train_loss":null,"seconds":null}\n')
write("runlog", "seed-64-bit", '{"run":{"seed":18446744073709551615}}\n{"epoch":1,"test_acc":1}\n')
write("runlog", "escapes", '{"run":{"schedule":"\\u00e9\\n\\"\\\\\\/\\ud83d\\ude00"}}\n'
                           '{"epoch":1,"test_acc":0}\r\n')
write("runlog", "unknown-keys", '{"x":[1,{"y":[true,false,null,"s"]},-2.5e-3],"epoch":3,'
                                '"test_acc":0.5,"z":{}}\n')
write("runlog", "empty-runs", '{"run":{}}\n{"run":{"lr":1}}\n{"epoch":1,"test_acc":0.1}\n{"run":{}}\n')
write("runlog", "nested", '{"a":[[[[[[[1]]]]]]],"epoch":1,"test_acc":0.5}\n')
write("runlog", "cut", (run + epoch % 1)[:200])
write("runlog", "bad-confusion", '{"epoch":1,"test_acc":0.5,"confusion":[[1,2],[3]]}\n')

# ---- Digit canvases: width byte, height byte, then the canvas.
def canvas(w, h, ink):
    return bytes([w - 1, h - 1]) + b"".join(struct.pack("<f", ink(x, y))
                                            for y in range(h) for x in range(w))
write("digit", "bar", canvas(20, 30, lambda x, y: 1.0 if 8 <= x < 12 and 3 <= y < 27 else 0.0))
write("digit", "dot", canvas(9, 9, lambda x, y: 1.0 if (x, y) == (4, 4) else 0.0))
write("digit", "grey-wide", canvas(40, 6, lambda x, y: (x % 7) / 7.0))
write("digit", "specials", canvas(4, 4, lambda x, y: [float("nan"), float("inf"), -1e30, 1e-45,
                                                       2.0, 0.04, 0.06, -0.0][(x + y) % 8]))
write("digit", "blank", canvas(8, 8, lambda x, y: 0.0))
write("digit", "bytes", bytes([30, 30]) + bytes(range(0, 250, 3)))
write("digit", "too-wide", bytes([0xff, 3, 1, 2, 3, 4]))
write("digit", "zero-high", bytes([3, 0xfe, 1, 2, 3, 4]))

# ---- Toy text
for name, text in [("rates", "0.1, 0.5;2\t1e-3"), ("subnormal", "4.9e-324"), ("iterations", "100000"),
                   ("set", "w1=0.3,i1=0.1,b1=0.35"), ("set-bad", "w9=1,w1=1e400"),
                   ("nan", "nan"), ("hex", "0x1p-3"), ("not-utf8", b"0.1,\xff\xfe"),
                   ("spaces", " ,; "), ("inf", "-inf")]:
    write("toy-parse", name, text)

# ---- Toy CSV: a real ledger, and shapes around it.
ledger = subprocess.run([os.path.join(BUILD, "src", "cli", "backprop-lab-cli"), "toy",
                         "--preset", "with-biases", "--iterations", "2", "--lr", "0.5,2"],
                        check=True, capture_output=True).stdout
write("toy-csv", "ledger", ledger)
write("toy-csv", "specials", "a,b\nnan,inf\n-inf,1e-320\n\n  \n")
write("toy-csv", "ragged", "a,b,c\n1,2\n")
write("toy-csv", "nul", b"a\n1\x002\n")
write("toy-csv", "crlf", "x\r\n1\r\n2\r\n")
