#!/usr/bin/python3
"""Writes the PNG test fixtures by hand (zlib + struct, every filter type, Adam7, split IDATs) and prints the
expected decoded pixels as C# test rows (SHA-256 of the frame bytes), computed from pypng's independent decode.

Run: /usr/bin/python3 make_png_fixtures.py [skimage-data-dir]   (needs Debian's python3-png)
The expected output follows PngDecoder's documented conventions: grey -> 1 channel, colour/palette -> 3 (a palette of
greys -> 1), depths below 8 scaled by 255/(2^d-1), 16-bit kept (little-endian in the frame), alpha and tRNS
composited onto black with round-to-nearest: (v*a + max//2) // max.
"""
import hashlib, os, random, struct, sys, zlib
import png  # pypng: the independent reference decoder

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(values, depth):
    """Packs samples (ints) of one row at the given bit depth, big-endian, MSB first."""
    if depth == 8:
        return bytes(values)
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    out, acc, bits = bytearray(), 0, 0
    for v in values:
        acc = (acc << depth) | v
        bits += depth
        if bits == 8:
            out.append(acc); acc = bits = 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def filter_row(kind, row, prev, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - pred) & 0xFF)
    return bytes([kind]) + bytes(out)


def encode_rows(pixel_rows, depth, spp, first_filter):
    """pixel_rows: list of lists of samples. Filters cycle 0..4 from first_filter."""
    bpp = max(1, spp * depth // 8)
    data, prev = b"", None
    for r, samples in enumerate(pixel_rows):
        raw = pack_row(samples, depth)
        if prev is None:
            prev = bytes(len(raw))
        data += filter_row((first_filter + r) % 5, raw, prev, bpp)
        prev = raw
    return data


def write_png(name, width, height, depth, colour, pixels, interlace=False, palette=None, trns=None, idat_split=None):
    """pixels: list of rows, each a list of per-pixel sample tuples."""
    spp = SAMPLES[colour]
    if not interlace:
        raw = encode_rows([[s for px in row for s in px] for row in pixels], depth, spp, 0)
    else:
        raw = b""
        for p, (x0, y0, dx, dy) in enumerate(ADAM7):
            rows = [[s for px in pixels[y][x0::dx] for s in px] for y in range(y0, height, dy)]
            rows = [r for r in rows if r]
            if rows:
                raw += encode_rows(rows, depth, spp, p)
    comp = zlib.compress(raw, 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, int(interlace)))
    if palette is not None:
        out += chunk(b"PLTE", b"".join(bytes(e) for e in palette))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    out += chunk(b"tEXt", b"Comment\x00written by make_png_fixtures.py")
    step = idat_split or len(comp)
    for i in range(0, len(comp), step):
        out += chunk(b"IDAT", comp[i:i + step])
    out += chunk(b"IEND", b"")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(out)
    return os.path.join(HERE, name)


def expected_from_pypng(path):
    """Decodes with pypng and applies the documented conversion. Returns (w, h, channels, depth, bytes)."""
    r = png.Reader(filename=path)
    w, h, rows, info = r.read()
    rows = [list(row) for row in rows]
    depth, planes = info["bitdepth"], info["planes"]
    out = bytearray()
    if "palette" in info:
        pal = info["palette"]
        comp = []
        for e in pal:
            a = e[3] if len(e) == 4 else 255
            comp.append(tuple((c * a + 127) // 255 for c in e[:3]))
        grey = all(c[0] == c[1] == c[2] for c in comp)
        for row in rows:
            for idx in row:
                c = comp[idx] if idx < len(comp) else (0, 0, 0)
                out += bytes(c[:1] if grey else c)
        return w, h, 1 if grey else 3, 8, bytes(out)
    top = (1 << depth) - 1
    alpha = info["alpha"]
    colours = planes - 1 if alpha else planes
    transparent = info.get("transparent")
    out_depth = 16 if depth == 16 else 8
    for row in rows:
        for x in range(w):
            px = row[x * planes:(x + 1) * planes]
            if alpha:
                a = px[-1]
                vals = [(v * a + top // 2) // top for v in px[:-1]]
            else:
                t = transparent if transparent is None or isinstance(transparent, tuple) else (transparent,)
                vals = [0] * colours if t is not None and tuple(px) == tuple(t) else list(px)
                if depth < 8:
                    vals = [v * (255 // top) for v in vals]
            for v in vals:
                out += struct.pack("<H", v) if out_depth == 16 else bytes([v])
    return w, h, colours, out_depth, bytes(out)


def rand_pixels(rng, w, h, spp, top, alpha=False):
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            px = [rng.randint(0, top) for _ in range(spp)]
            if alpha:
                px[-1] = [0, top, rng.randint(0, top)][(x + y) % 3]
            row.append(tuple(px))
        rows.append(row)
    return rows


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = random.Random(20240601)
    made = []
    for depth in (1, 2, 4, 8, 16):
        for il in (False, True):
            px = rand_pixels(rng, 13, 11, 1, (1 << depth) - 1)
            made.append(write_png(f"grey{depth}{'_adam7' if il else ''}_13x11.png", 13, 11, depth, 0, px, il))
    for colour, cname in ((4, "greyalpha"), (2, "rgb"), (6, "rgba")):
        for depth in (8, 16):
            for il in (False, True):
                px = rand_pixels(rng, 9, 7, SAMPLES[colour], (1 << depth) - 1, alpha=colour in (4, 6))
                made.append(write_png(f"{cname}{depth}{'_adam7' if il else ''}_9x7.png", 9, 7, depth, colour, px, il))
    for depth in (1, 2, 4, 8):
        n = 1 << depth
        pal = [(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)) for _ in range(n)]
        trns = bytes([0, 128][: n] + ([255] if n > 2 else []))
        for il in (False, True):
            px = [[(rng.randint(0, n - 1),) for _ in range(11)] for _ in range(5)]
            made.append(write_png(f"palette{depth}{'_adam7' if il else ''}_11x5.png", 11, 5, depth, 3, px, il, palette=pal, trns=trns))
    greys = [(v, v, v) for v in range(0, 256, 17)]
    px = [[(rng.randint(0, len(greys) - 1),) for _ in range(6)] for _ in range(4)]
    made.append(write_png("palette8_greys_6x4.png", 6, 4, 8, 3, px, palette=greys))
    # tRNS single transparent colour: make sure some pixels hit it.
    px = rand_pixels(rng, 8, 6, 1, 255); px[0][0] = px[2][3] = (77,)
    made.append(write_png("grey8_trns_8x6.png", 8, 6, 8, 0, px, trns=struct.pack(">H", 77)))
    px = rand_pixels(rng, 8, 6, 1, 65535); px[1][1] = px[5][7] = (40000,)
    made.append(write_png("grey16_trns_8x6.png", 8, 6, 16, 0, px, trns=struct.pack(">H", 40000)))
    px = rand_pixels(rng, 8, 6, 1, 3); 
    made.append(write_png("grey2_trns_8x6.png", 8, 6, 2, 0, px, trns=struct.pack(">H", 2)))
    px = rand_pixels(rng, 7, 5, 3, 255); px[0][0] = px[4][6] = (10, 20, 30)
    made.append(write_png("rgb8_trns_7x5.png", 7, 5, 8, 2, px, trns=struct.pack(">HHH", 10, 20, 30)))
    px = rand_pixels(rng, 7, 5, 3, 65535); px[3][3] = (1000, 2000, 3000)
    made.append(write_png("rgb16_trns_7x5.png", 7, 5, 16, 2, px, trns=struct.pack(">HHH", 1000, 2000, 3000)))
    # Tiny interlaced images leave Adam7 passes empty.
    made.append(write_png("rgba16_adam7_1x1.png", 1, 1, 16, 6, rand_pixels(rng, 1, 1, 4, 65535, True), True))
    made.append(write_png("grey4_adam7_3x2.png", 3, 2, 4, 0, rand_pixels(rng, 3, 2, 1, 15), True))
    # A larger smooth 16-bit image whose compressed stream is split over many IDAT chunks.
    px = [[((x * 997 + y * 131 + (x * y) % 251) % 65536,) for x in range(61)] for y in range(47)]
    made.append(write_png("grey16_multi_idat_61x47.png", 61, 47, 16, 0, px, idat_split=7))
    px = [[(x * 4 % 256, y * 5 % 256, (x + y) % 256) for x in range(33)] for y in range(29)]
    made.append(write_png("rgb8_adam7_multi_idat_33x29.png", 33, 29, 8, 2, px, True, idat_split=16))

    print("// Fixtures (generated):")
    for path in made:
        w, h, c, d, data = expected_from_pypng(path)
        print(f'        ["{os.path.basename(path)}", {w}, {h}, {c}, {d}, "{hashlib.sha256(data).hexdigest()}"],')
    if len(sys.argv) > 1:
        print("// scikit-image sample data:")
        for name in sorted(os.listdir(sys.argv[1])):
            if name.endswith(".png"):
                w, h, c, d, data = expected_from_pypng(os.path.join(sys.argv[1], name))
                print(f'        ["{name}", {w}, {h}, {c}, {d}, "{hashlib.sha256(data).hexdigest()}"],')


if __name__ == "__main__":
    main()
