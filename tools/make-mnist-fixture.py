#!/usr/bin/env python3
"""Cuts the tests' MNIST fixture from a full MNIST folder (gzip IDX files):
the first 5,000 training and the first 1,000 test images with their labels.

    tools/make-mnist-fixture.py MNIST_DIR OUT_DIR

The output is reproducible byte for byte (gzip level 9, no file name, mtime 0)."""
import gzip
import os
import struct
import sys

CUTS = {
    "train-images-idx3-ubyte": 5000,
    "train-labels-idx1-ubyte": 5000,
    "t10k-images-idx3-ubyte": 1000,
    "t10k-labels-idx1-ubyte": 1000,
}


def cut(src_dir, out_dir, name, n):
    with gzip.open(os.path.join(src_dir, name + ".gz"), "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    n_dims = magic & 0xFF
    dims = struct.unpack(">" + "I" * n_dims, raw[4:4 + 4 * n_dims])
    if n > dims[0]:
        sys.exit(f"{name} holds only {dims[0]} items")
    item = 1
    for d in dims[1:]:
        item *= d
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * n_dims, n, *dims[1:])
    start = 4 + 4 * n_dims
    with open(os.path.join(out_dir, name + ".gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(header + raw[start:start + n * item])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, n in CUTS.items():
        cut(sys.argv[1], sys.argv[2], name, n)


if __name__ == "__main__":
    main()
