#!/usr/bin/python3
"""A validation split of MNIST's training images, for choosing a recipe without the test set.

    bench/make-validation-split.py MNIST_DIR OUT_DIR

Writes four raw IDX files to OUT_DIR in the names the engine reads: the first 50,000 training
images as "train", the last 10,000 as "t10k". `backprop-lab-cli mnist train --data OUT_DIR`
then reports accuracy on the held-out 10,000, which a recipe may be tuned on; the real test
set stays for the final measurement only (bench/README.md).
"""
import gzip
import os
import struct
import sys

N_TRAIN = 50000


def read(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(path, "rb") as f:
                return f.read()
    sys.exit(f"{directory} has no {name} (nor .gz)")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    src, out = sys.argv[1], sys.argv[2]
    images = read(src, "train-images-idx3-ubyte")
    labels = read(src, "train-labels-idx1-ubyte")
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    if magic != 0x803 or (rows, cols) != (28, 28) or n <= N_TRAIN:
        sys.exit("not MNIST's training images")
    side = rows * cols
    os.makedirs(out, exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    for prefix, lo, hi in (("train", 0, N_TRAIN), ("t10k", N_TRAIN, n)):
        write(f"{prefix}-images-idx3-ubyte",
              struct.pack(">IIII", 0x803, hi - lo, rows, cols) + images[16 + lo * side:16 + hi * side])
        write(f"{prefix}-labels-idx1-ubyte",
              struct.pack(">II", 0x801, hi - lo) + labels[8 + lo:8 + hi])


main()
