#!/usr/bin/python3
"""Seed files for the mutation tests in the formats no installed corpus holds (BMP, WebP, progressive JPEG):
scikit-image's chelsea.png (a real photograph) cropped to 64x48 and written by PIL, an independent encoder.

Run: /usr/bin/python3 make_fuzz_seeds.py SKIMAGE_DATA_DIR   (needs python3-pil; the folder is .build/testdata/skimage)
"""
import os, sys
from PIL import Image

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Seeds")
os.makedirs(HERE, exist_ok=True)
cat = Image.open(os.path.join(sys.argv[1], "chelsea.png")).convert("RGB").crop((120, 40, 184, 88))
cat.save(os.path.join(HERE, "chelsea_24bit.bmp"))
cat.quantize(colors=64).save(os.path.join(HERE, "chelsea_palette.bmp"))
cat.convert("L").save(os.path.join(HERE, "chelsea_grey.bmp"))
cat.save(os.path.join(HERE, "chelsea_lossy.webp"), quality=80)
cat.save(os.path.join(HERE, "chelsea_lossless.webp"), lossless=True)
cat.save(os.path.join(HERE, "chelsea_progressive.jpg"), quality=85, progressive=True)
