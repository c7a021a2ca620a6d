#!/usr/bin/python3
"""NumPy fixtures (written by numpy itself: np.savez, np.savez_compressed, np.save, np.lib.format) and the expected
decoded images for NpzReader/NpyReader tests, printed as C# rows.

Run: /usr/bin/python3 make_numpy_fixtures.py   (needs Debian's python3-numpy)
Expected pixels follow docs/formats-volumes-arrays.md: uint8 as is; bool -> 0/255; integers within 0..255 -> 8-bit as
is; floats within [0,1] -> floor(v*255 + 0.5) 8-bit; integers within 0..65535 -> 16-bit as is; integers spanning
at most 65535 -> v - min; anything else floor((v - min) * 65535 / (max - min) + 0.5); NaN -> 0; one map per array;
a fourth channel is dropped; channels-first data is interleaved.
"""
import hashlib, io, os, zipfile
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
CHEST = ["atelectasis", "cardiomegaly", "effusion", "infiltration", "mass", "nodule", "pneumonia", "pneumothorax",
         "consolidation", "edema", "emphysema", "fibrosis", "pleural", "hernia"]
DERMA = ["actinic keratoses and intraepithelial carcinoma", "basal cell carcinoma", "benign keratosis-like lesions",
         "dermatofibroma", "melanoma", "melanocytic nevi", "vascular lesions"]


def to_pixels(arr):
    """The whole array mapped as the readers do; returns (mapped array, bit depth)."""
    a = np.asarray(arr)
    if a.dtype == np.uint8:
        return a, 8
    if a.dtype == np.bool_:
        return a.astype(np.uint8) * 255, 8
    v = a.astype(np.float64)
    finite = v[np.isfinite(v)]
    lo, hi = float(finite.min()), float(finite.max())
    integer = np.issubdtype(a.dtype, np.integer)
    if integer and lo >= 0 and hi <= 255:
        return a.astype(np.uint8), 8
    if not integer and lo >= 0 and hi <= 1:
        depth, lo, factor = 8, 0.0, 255.0
    elif integer and lo >= 0 and hi <= 65535:
        return a.astype("<u2"), 16
    elif integer and hi - lo <= 65535:
        depth, factor = 16, 1.0
    else:
        depth, factor = 16, (65535.0 / (hi - lo) if hi > lo else 1.0)
    top = 255 if depth == 8 else 65535
    x = np.floor((v - lo) * factor + 0.5)
    x = np.where(np.isnan(v), 0, np.clip(x, 0, top))
    return x.astype("<u2" if depth == 16 else "u1"), depth


def image_rows(name, images, keys, labels=None, split="", channels_first=False):
    px, depth = to_pixels(images)
    rows = []
    for i, key in enumerate(keys):
        img = px[i] if len(keys) > 1 or images.ndim >= 3 and key != "" else px
        if channels_first:
            img = np.moveaxis(img, 0, -1)
        if img.ndim == 3:
            img = img[..., :3] if img.shape[-1] >= 3 else img[..., 0]
        h, w = img.shape[:2]
        c = 3 if img.ndim == 3 else 1
        label = "null" if labels is None or labels[i] is None else '"' + labels[i] + '"'
        rows.append(f'        {{ "{name}", "{key}", {w}, {h}, {c}, {depth}, "{hashlib.sha256(np.ascontiguousarray(img).tobytes()).hexdigest()}", {label}, "{split}" }},')
    return rows


def npz(name, compressed, **arrays):
    (np.savez_compressed if compressed else np.savez)(os.path.join(HERE, name), **arrays)


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = np.random.default_rng(11)
    rows = []

    # MedMNIST-shaped PneumoniaMNIST: uint8 (N,28,28), labels (N,1); deflated like the official files.
    pn = {s: rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8) for s, n in (("train", 6), ("val", 2), ("test", 3))}
    pl = {s: rng.integers(0, 2, size=(len(pn[s]), 1), dtype=np.uint8) for s in pn}
    npz("pneumoniamnist.npz", True, **{f"{s}_images": pn[s] for s in pn}, **{f"{s}_labels": pl[s] for s in pn})
    for s in pn:
        rows += image_rows("pneumoniamnist.npz", pn[s], [f"{s}-{i:05d}" for i in range(len(pn[s]))],
                           [["normal", "pneumonia"][int(v)] for v in pl[s][:, 0]], s)

    # ChestMNIST: multi-label (N,14), stored (np.savez), train and test only.
    ci = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    cl = np.zeros((5, 14), dtype=np.uint8)
    cl[1, 6] = 1; cl[2, [0, 3, 13]] = 1; cl[4, 2] = 1
    ti = rng.integers(0, 256, size=(1, 28, 28), dtype=np.uint8)
    npz("chestmnist.npz", False, train_images=ci, train_labels=cl, test_images=ti, test_labels=np.zeros((1, 14), np.uint8))
    names = ["|".join(CHEST[k] for k in np.nonzero(r)[0]) or "normal" for r in cl]
    rows += image_rows("chestmnist.npz", ci, [f"train-{i:05d}" for i in range(5)], names, "train")
    rows += image_rows("chestmnist.npz", ti, ["test-00000"], ["normal"], "test")

    # DermaMNIST at a MedMNIST+ size suffix: RGB (N,H,W,3).
    di = rng.integers(0, 256, size=(4, 8, 6, 3), dtype=np.uint8)
    dl = np.array([[5], [4], [0], [6]], dtype=np.uint8)
    npz("dermamnist_64.npz", True, val_images=di, val_labels=dl)
    rows += image_rows("dermamnist_64.npz", di, [f"val-{i:05d}" for i in range(4)], [DERMA[int(v)] for v in dl[:, 0]], "val")

    # Unknown dataset: float32 images in [0,1] (-> x255, 8-bit), int64 labels (N,) named by index, one unlabeled (-1).
    fi = rng.random(size=(5, 5, 4), dtype=np.float32)
    fl = np.array([0, 12, 3, -1, 7], dtype=np.int64)
    npz("custom_float.npz", True, images=fi, labels=fl)
    rows += image_rows("custom_float.npz", fi, [f"image-{i:05d}" for i in range(5)], ["0", "12", "3", None, "7"])

    # Keras layout, uint16 images spanning more than 0..255 (16-bit as is).
    kx = rng.integers(0, 4096, size=(3, 6, 7), dtype=np.uint16)
    ky = np.array([1, 9, 4], dtype=np.uint8)
    kt = rng.integers(0, 4096, size=(2, 6, 7), dtype=np.uint16)
    npz("keras_mnist.npz", False, x_train=kx, y_train=ky, x_test=kt, y_test=np.array([0, 2], dtype=np.uint8))
    rows += image_rows("keras_mnist.npz", kx, [f"train-{i:05d}" for i in range(3)], ["1", "9", "4"], "train")
    rows += image_rows("keras_mnist.npz", kt, [f"test-{i:05d}" for i in range(2)], ["0", "2"], "test")

    # Plain .npy files.
    def npy(name, arr, keys, channels_first=False, fortran=False, version=None):
        path = os.path.join(HERE, name)
        if fortran:
            arr = np.asfortranarray(arr)
        if version is None:
            np.save(path, arr)
        else:
            with open(path, "wb") as f:
                np.lib.format.write_array(f, arr, version=version)
        return image_rows(name, arr, keys, channels_first=channels_first)

    rows += npy("single_u16.npy", rng.integers(0, 65536, size=(9, 5), dtype=np.uint16), [""])
    rows += npy("single_rgb.npy", rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8), [""])
    rows += npy("single_rgba.npy", rng.integers(0, 256, size=(6, 5, 4), dtype=np.uint8), [""])
    rows += npy("stack_i16_neg.npy", rng.integers(-2000, 3000, size=(3, 4, 6), dtype=np.int16), [f"image-{i:05d}" for i in range(3)])
    rows += npy("stack_fortran_u8.npy", rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8), [f"image-{i:05d}" for i in range(3)], fortran=True)
    rows += npy("stack_be_u2.npy", rng.integers(0, 60000, size=(2, 3, 4)).astype(">u2"), [f"image-{i:05d}" for i in range(2)])
    rows += npy("mask_bool.npy", rng.random(size=(6, 7)) > 0.5, [""])
    f64 = rng.normal(0, 100, size=(2, 4, 4)); f64[1, 2, 3] = np.nan
    rows += npy("stack_f64_nan.npy", f64, [f"image-{i:05d}" for i in range(2)])
    rows += npy("stack_chw_u8.npy", rng.integers(0, 256, size=(2, 3, 4, 5), dtype=np.uint8), [f"image-{i:05d}" for i in range(2)], channels_first=True)
    rows += npy("stack_nhwc1_f16.npy", (rng.random(size=(2, 3, 3, 1)) * 8).astype("<f2"), [f"image-{i:05d}" for i in range(2)])
    rows += npy("v2_header_u8.npy", rng.integers(0, 256, size=(2, 3, 3), dtype=np.uint8), [f"image-{i:05d}" for i in range(2)], version=(2, 0))
    rows += npy("v3_header_i64.npy", rng.integers(0, 200, size=(2, 3, 3), dtype=np.int64), [f"image-{i:05d}" for i in range(2)], version=(3, 0))

    # Rejected files.
    np.save(os.path.join(HERE, "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.save(os.path.join(HERE, "complex.npy"), np.zeros((4, 4), dtype=np.complex64))
    npz("organmnist3d.npz", True, train_images=np.zeros((2, 8, 8, 8), np.uint8), train_labels=np.zeros((2, 1), np.uint8))
    npz("label_mismatch.npz", True, train_images=np.zeros((3, 4, 4), np.uint8), train_labels=np.zeros((2, 1), np.uint8))
    # A header that declares a billion images over 784 bytes of data.
    with open(os.path.join(HERE, "huge_shape.npy"), "wb") as f:
        header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1000000000, 28, 28), }"
        header += " " * (63 - (10 + len(header)) % 64) + "\n"
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1") + bytes(784))
    with open(os.path.join(HERE, "bad_header.npy"), "wb") as f:
        header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3 3), }\n"
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1") + bytes(18))

    print("// file, key, width, height, channels, bit depth, SHA-256, label, split")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
