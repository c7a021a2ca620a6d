#!/usr/bin/python3
"""NIfTI-1 fixtures and reference values for NiftiReaderTests, computed independently of the C# reader:
headers packed by hand with struct, voxels with numpy, real volumes read with gzip + struct + numpy.

Run: /usr/bin/python3 make_nifti_fixtures.py   (needs Debian's python3-numpy and mricron-data)
Prints C# literals; the expected slices follow docs/formats-volumes-arrays.md: axial slice k shows rows j = ny-1..0,
coronal slice j and sagittal slice i show rows k = nz-1..0; uint8 stays 8-bit; other integers stay as they are when
within 0..65535, else are offset by the minimum when their range spans at most 65535; anything else maps
min..max onto 0..65535 with floor((v - min) * (65535 / (max - min)) + 0.5); NaN -> 0.
"""
import gzip, hashlib, os, struct
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
TEMPLATES = "/usr/share/mricron/templates"


def header(shape, datatype, bitpix, endian="<", vox_offset=352.0, slope=1.0, inter=0.0, magic=b"n+1\0", pixdim=(1, 1, 1)):
    h = bytearray(348)
    struct.pack_into(endian + "i", h, 0, 348)
    dims = [len(shape)] + list(shape) + [1] * (7 - len(shape))
    struct.pack_into(endian + "8h", h, 40, *dims)
    struct.pack_into(endian + "hh", h, 70, datatype, bitpix)
    struct.pack_into(endian + "8f", h, 76, 1.0, *pixdim, 1, 1, 1, 1)
    struct.pack_into(endian + "f", h, 108, vox_offset)
    struct.pack_into(endian + "ff", h, 112, slope, inter)
    h[148:148 + 17] = b"vigil test volume"
    h[344:348] = magic
    return bytes(h)


def write(name, data, compress=False):
    path = os.path.join(HERE, name)
    if compress:
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)


def volume_bytes(vol, dtype):
    # NIfTI stores i fastest: Fortran order of the (i, j, k[, t]) array.
    return np.asarray(vol, dtype=dtype).tobytes(order="F")


def mapping(vol, is_uint8):
    v = vol.astype(np.float64)
    finite = v[np.isfinite(v)]
    lo, hi = float(finite.min()), float(finite.max())
    if is_uint8:
        return 8, 0.0, 1.0
    if np.issubdtype(vol.dtype, np.integer):
        if lo >= 0 and hi <= 65535:
            return 16, 0.0, 1.0
        if hi - lo <= 65535:
            return 16, lo, 1.0
    return 16, lo, (65535.0 / (hi - lo)) if hi > lo else 1.0


def map_values(v, depth, lo, factor):
    v = v.astype(np.float64)
    x = np.floor((v - lo) * factor + 0.5)
    x = np.where(np.isnan(v), 0, x)
    top = 255 if depth == 8 else 65535
    x = np.clip(x, 0, top)
    return x.astype("<u2" if depth == 16 else "u1")


def slices(vol, axis):
    nx, ny, nz = vol.shape[:3]
    if axis == "axial":
        return [vol[:, ::-1, k].T for k in range(nz)]       # rows j descending, columns i
    if axis == "coronal":
        return [vol[:, j, ::-1].T for j in range(ny)]       # rows k descending, columns i
    return [vol[i, :, ::-1].T for i in range(nx)]           # rows k descending, columns j


def expected(vol, axis, skip_empty=True, is_uint8=False):
    depth, lo, factor = mapping(vol, is_uint8)
    rows = []
    for index, s in enumerate(slices(vol, axis)):
        out = map_values(s, depth, lo, factor)
        if skip_empty and (out == out.flat[0]).all():
            continue
        rows.append((f"{axis}-{index:03d}", out.shape[1], out.shape[0], depth, hashlib.sha256(out.tobytes()).hexdigest()))
    return rows


def emit(name, rows):
    for key, w, h, depth, sha in rows:
        print(f'        {{ "{name}", "{key}", {w}, {h}, {depth}, "{sha}" }},')


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = np.random.default_rng(7)

    # Big-endian int16, 4D (two volumes), with scl_slope/scl_inter.
    v4 = rng.integers(-300, 900, size=(7, 5, 4, 2)).astype(np.int16)
    write("be_int16_4d.nii", header((7, 5, 4, 2), 4, 16, ">", slope=2.0, inter=-10.0) + b"\0" * 4 + volume_bytes(v4, ">i2"))
    # Little-endian float64 with a NaN, gzip-compressed.
    vf = rng.normal(50.0, 20.0, size=(6, 5, 3))
    vf[2, 1, 1] = np.nan
    write("le_float64.nii.gz", header((6, 5, 3), 64, 64, pixdim=(0.5, 0.75, 2.0)) + b"\0" * 4 + volume_bytes(vf, "<f8"), compress=True)
    # ni1 header/image pair, uint16 (values within 0..65535 stay as they are).
    vu = rng.integers(0, 60000, size=(5, 4, 3)).astype(np.uint16)
    write("pair_uint16.hdr", header((5, 4, 3), 512, 16, vox_offset=0.0, magic=b"ni1\0"))
    write("pair_uint16.img", volume_bytes(vu, "<u2"))
    # uint8 volume whose first and last axial slices are constant (skipped as empty).
    v8 = rng.integers(0, 256, size=(4, 3, 5)).astype(np.uint8)
    v8[:, :, 0] = 0
    v8[:, :, 4] = 17
    write("uint8_empty_ends.nii", header((4, 3, 5), 2, 8) + b"\0" * 4 + volume_bytes(v8, "u1"))
    # uint32 spanning more than 65535: stretched min..max.
    v32 = rng.integers(1000, 3_000_000, size=(3, 4, 2)).astype(np.uint32)
    write("uint32_wide.nii", header((3, 4, 2), 768, 32) + b"\0" * 4 + volume_bytes(v32, "<u4"))
    # int8 with negatives: offset by the minimum.
    vi8 = rng.integers(-128, 128, size=(3, 3, 2)).astype(np.int8)
    write("int8.nii", header((3, 3, 2), 256, 8) + b"\0" * 4 + volume_bytes(vi8, "i1"))
    # Rejected: complex64, and sizes the data cannot back.
    write("complex64.nii", header((2, 2, 2), 32, 64) + b"\0" * 4 + bytes(64))
    write("huge_dims.nii.gz", header((30000, 30000, 30000), 4, 16) + b"\0" * 4 + bytes(1000), compress=True)
    write("more_than_data.nii.gz", header((2000, 2000, 100), 4, 16) + b"\0" * 4 + bytes(5000), compress=True)
    write("more_than_data.nii", header((2000, 2000, 100), 4, 16) + b"\0" * 4 + bytes(5000))

    print("// Fixture slices: file, key, width, height, bit depth, SHA-256")
    emit("be_int16_4d.nii", expected(v4[..., 0], "axial"))
    emit("be_int16_4d.nii#1", expected(v4[..., 1], "axial"))
    emit("le_float64.nii.gz", expected(vf, "coronal"))
    emit("pair_uint16.hdr", expected(vu, "sagittal"))
    emit("uint8_empty_ends.nii", expected(v8, "axial", is_uint8=True))
    emit("uint32_wide.nii", expected(v32, "axial"))
    emit("int8.nii", expected(vi8, "axial"))
    for name, vol, u8 in (("be_int16_4d.nii", v4[..., 0], False), ("le_float64.nii.gz", vf, False), ("uint32_wide.nii", v32, False), ("int8.nii", vi8, False)):
        depth, lo, factor = mapping(vol, u8)
        print(f"// {name}: min {lo!r} factor {factor!r} scale(1/factor) {1.0 / factor!r}")

    print("// Real volumes")
    for name in ("ch2.nii.gz", "inia19-t1-brain.nii.gz"):
        raw = gzip.open(os.path.join(TEMPLATES, name)).read()
        e = "<" if struct.unpack("<i", raw[:4])[0] == 348 else ">"
        dim = struct.unpack(e + "8h", raw[40:56])
        datatype = struct.unpack(e + "h", raw[70:72])[0]
        vox = int(struct.unpack(e + "f", raw[108:112])[0])
        nx, ny, nz = dim[1:4]
        dtype = {2: "u1", 16: e + "f4"}[datatype]
        vol = np.frombuffer(raw, dtype=dtype, count=nx * ny * nz, offset=vox).reshape((nx, ny, nz), order="F")
        u8 = datatype == 2
        depth, lo, factor = mapping(vol, u8)
        print(f"// {name}: dims {nx}x{ny}x{nz} datatype {datatype} mapping min {lo!r} factor {factor!r}")
        for axis in ("axial", "coronal", "sagittal"):
            print(f"//   {axis}: {len(expected(vol, axis))} non-empty of {len(slices(vol, axis))}")
        k = nz // 2
        s = map_values(slices(vol, "axial")[k], depth, lo, factor).astype(np.int64)
        print(f"//   axial-{k:03d}: sum {s.sum()} min {s.min()} max {s.max()} pixel(row 100, col 80) {s[100, 80]} = voxel i=80 j={ny - 1 - 100} k={k} -> {vol[80, ny - 1 - 100, k]}")
        j = ny // 2
        s = map_values(slices(vol, "coronal")[j], depth, lo, factor).astype(np.int64)
        print(f"//   coronal-{j:03d}: sum {s.sum()} min {s.min()} max {s.max()} pixel(row 30, col 70) {s[30, 70]}")
        i = nx // 2
        s = map_values(slices(vol, "sagittal")[i], depth, lo, factor).astype(np.int64)
        print(f"//   sagittal-{i:03d}: sum {s.sum()} min {s.min()} max {s.max()} pixel(row 40, col 100) {s[40, 100]}")


if __name__ == "__main__":
    main()
