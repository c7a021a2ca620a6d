#!/usr/bin/python3
"""IDX fixtures (struct + numpy, big-endian as the IDX spec says) and expected decoded images for IdxReaderTests,
plus reference values of Debian's Fashion-MNIST files computed with gzip + numpy. Prints C# rows.

Run: /usr/bin/python3 make_idx_fixtures.py   (needs python3-numpy and dataset-fashion-mnist)
Pixels are mapped by make_numpy_fixtures.to_pixels (docs/formats-volumes-arrays.md).
"""
import gzip, hashlib, os, struct, sys
import numpy as np

# One pixel mapping for every array format's fixtures: the numpy fixtures' (the rules of docs/formats-volumes-arrays.md).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Numpy"))
from make_numpy_fixtures import to_pixels  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
CODES = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype(">i2"): 0x0B, np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx(arr):
    arr = np.ascontiguousarray(arr)
    return struct.pack(">BBBB", 0, 0, CODES[arr.dtype], arr.ndim) + struct.pack(">" + "i" * arr.ndim, *arr.shape) + arr.tobytes()


def write(rel, data, compress=False):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress(data, mtime=0) if compress else data)


def rows(rel, images, prefix, labels):
    px, depth = to_pixels(images)
    out = []
    for i in range(len(images)):
        h, w = px[i].shape
        label = "null" if labels is None else f'"{labels[i]}"'
        out.append(f'        {{ "{rel}", "{prefix}-{i:05d}", {w}, {h}, {depth}, "{hashlib.sha256(px[i].tobytes()).hexdigest()}", {label} }},')
    return out


def main():
    rng = np.random.default_rng(3)
    out = []
    # MNIST naming, uint8, plain files.
    d = rng.integers(0, 256, size=(4, 5, 6), dtype=np.uint8)
    dl = np.array([3, 0, 9, 7], dtype=np.uint8)
    write("digits/train-images-idx3-ubyte", idx(d)); write("digits/train-labels-idx1-ubyte", idx(dl))
    out += rows("digits/train-images-idx3-ubyte", d, "train", [str(v) for v in dl])
    # Kaggle naming, gzip, test split.
    k = rng.integers(0, 256, size=(3, 4, 4), dtype=np.uint8)
    kl = np.array([1, 2, 12], dtype=np.uint8)  # 12 has no digit name: kept as the number
    write("kaggle/t10k-images.idx3-ubyte.gz", idx(k), True); write("kaggle/t10k-labels.idx1-ubyte.gz", idx(kl), True)
    out += rows("kaggle/t10k-images.idx3-ubyte.gz", k, "test", ["1", "2", "12"])
    # Every other IDX type, no labels file.
    for name, arr in (("sbyte", rng.integers(-128, 128, size=(2, 3, 4)).astype("i1")),
                      ("short", rng.integers(-30000, 30000, size=(2, 3, 4)).astype(">i2")),
                      ("int", rng.integers(-10**7, 10**7, size=(2, 3, 4)).astype(">i4")),
                      ("float", rng.random(size=(2, 3, 4)).astype(">f4")),
                      ("double", rng.normal(0, 50, size=(2, 3, 4)).astype(">f8"))):
        write(f"types/{name}-images-idx3", idx(arr))
        out += rows(f"types/{name}-images-idx3", arr, "image", None)
    # Broken pairs and files.
    write("mismatch/train-images-idx3-ubyte", idx(rng.integers(0, 256, size=(3, 2, 2), dtype=np.uint8)))
    write("mismatch/train-labels-idx1-ubyte", idx(np.array([1, 2], dtype=np.uint8)))
    write("truncated/train-images-idx3-ubyte", idx(rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8))[:16 + 784 * 2 + 100])
    write("truncated/t10k-images-idx3-ubyte.gz", idx(rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8))[:16 + 784 * 2 + 100], True)
    huge = struct.pack(">BBBBiii", 0, 0, 8, 3, 2_000_000_000, 28, 28) + bytes(784)
    write("huge/train-images-idx3-ubyte.gz", huge, True)

    print("// file, key, width, height, bit depth, SHA-256, label")
    print("\n".join(out))

    print("// Fashion-MNIST (Debian dataset-fashion-mnist)")
    for split in ("train", "t10k"):
        b = gzip.open(f"/usr/share/datasets/fashion-mnist/{split}-images-idx3-ubyte.gz").read()
        n, h, w = struct.unpack(">iii", b[4:16])
        imgs = np.frombuffer(b, np.uint8, offset=16).reshape(n, h, w).astype(np.int64)
        lb = gzip.open(f"/usr/share/datasets/fashion-mnist/{split}-labels-idx1-ubyte.gz").read()
        labels = np.frombuffer(lb, np.uint8, offset=8)
        print(f"// {split}: {n} x {h}x{w}; sum image 0 = {imgs[0].sum()}, last = {imgs[-1].sum()}, pixel[0][14,14] = {imgs[0, 14, 14]}, "
              f"all = {imgs.sum()}; labels first {labels[:5].tolist()} last {labels[-1]}; histogram {np.bincount(labels).tolist()}")


if __name__ == "__main__":
    main()
