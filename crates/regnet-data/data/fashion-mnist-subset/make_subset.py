#!/usr/bin/env python3
"""Build the class-balanced Fashion-MNIST subset embedded in regnet-data.

Usage (from this directory):
    python3 make_subset.py /usr/share/datasets/fashion-mnist .

Selection rule: for each split, walk the original file in order and keep an
image iff fewer than N images of its class have been kept so far
(N = 1000 for train, 200 for test), i.e. the first N images of every class in
file order. Kept images stay in their original relative order. Output files are
IDX (big-endian, magic 0x00000803 / 0x00000801) compressed with gzip level 9
and mtime 0, so the script is byte-for-byte reproducible.
Only the Python standard library is needed.
"""

import gzip
import hashlib
import os
import struct
import sys

PER_CLASS = {"train": 1000, "t10k": 200}
NUM_CLASSES = 10


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return magic, dims, data[4 + 4 * ndim :]


def write_idx_gz(path, magic, dims, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)


def main(src, dst):
    for split, per_class in PER_CLASS.items():
        _, img_dims, images = read_idx(os.path.join(src, f"{split}-images-idx3-ubyte.gz"))
        _, lbl_dims, labels = read_idx(os.path.join(src, f"{split}-labels-idx1-ubyte.gz"))
        n, rows, cols = img_dims
        assert lbl_dims == (n,)
        size = rows * cols
        counts = [0] * NUM_CLASSES
        keep = []
        for i, label in enumerate(labels):
            if counts[label] < per_class:
                counts[label] += 1
                keep.append(i)
        assert counts == [per_class] * NUM_CLASSES, counts
        out_images = b"".join(images[i * size : (i + 1) * size] for i in keep)
        out_labels = bytes(labels[i] for i in keep)
        write_idx_gz(os.path.join(dst, f"{split}-images-idx3-ubyte.gz"), 0x803, (len(keep), rows, cols), out_images)
        write_idx_gz(os.path.join(dst, f"{split}-labels-idx1-ubyte.gz"), 0x801, (len(keep),), out_labels)
        print(f"{split}: kept {len(keep)} of {n}; last original index kept = {keep[-1]}")
    for name in sorted(os.listdir(dst)):
        if name.endswith(".gz"):
            with open(os.path.join(dst, name), "rb") as f:
                print(hashlib.sha256(f.read()).hexdigest(), name)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
