# Helpers shared by the fault scripts in this folder (sourced, not run).

# Images $1 to $1+$2 of Fashion-MNIST's test set, as an uncompressed IDX image file and its label file in folder $3:
# organize decodes them and writes one PNG per image, so a dataset folder holds images as well as CSV and JSON.
idx_slice() {
  python3 - "$@" <<'PY'
import gzip, os, struct, sys
first, count, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(folder, exist_ok=True)
base = "/usr/share/datasets/fashion-mnist/t10k-"
images = gzip.open(base + "images-idx3-ubyte.gz").read(); labels = gzip.open(base + "labels-idx1-ubyte.gz").read()
_, _, rows, cols = struct.unpack(">IIII", images[:16])
with open(os.path.join(folder, "t10k-images-idx3-ubyte"), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, count, rows, cols) + images[16 + first * rows * cols:16 + (first + count) * rows * cols])
with open(os.path.join(folder, "t10k-labels-idx1-ubyte"), "wb") as f:
    f.write(struct.pack(">II", 0x801, count) + labels[8 + first:8 + first + count])
PY
}

# A dataset folder's digest: its file count and a hash over every file's path and SHA-256, metadata.json without "created".
dataset_digest() {
  python3 - "$1" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
if not os.path.isdir(root): print("missing"); sys.exit()
h = hashlib.sha256(); n = 0
for dirpath, dirs, files in os.walk(root):
    dirs.sort()
    for name in sorted(files):
        path = os.path.join(dirpath, name); rel = os.path.relpath(path, root)
        data = open(path, "rb").read()
        if rel == "metadata.json":
            meta = json.loads(data); meta.pop("created", None)
            data = json.dumps(meta, sort_keys=True).encode()
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest()); n += 1
print(f"{n}:{h.hexdigest()[:16]}")
PY
}

# Checks every *.ckpt and *.vigil under a run folder: a whole zip (CRCs), and for a checkpoint every entry's SHA-256
# against the one its header.json lists; prints "OK <files>" or one line per bad file.
verify_run_files() {
  python3 - "$1" <<'PY'
import hashlib, json, os, sys, zipfile
bad = []; n = 0
for dirpath, _, files in os.walk(sys.argv[1]):
    for name in files:
        if not (name.endswith(".ckpt") or name.endswith(".vigil")): continue
        path = os.path.join(dirpath, name); n += 1
        try:
            with zipfile.ZipFile(path) as z:
                if z.testzip() is not None: raise ValueError("CRC mismatch")
                if name.endswith(".ckpt"):
                    header = json.loads(z.read("header.json"))
                    for e in header["entries"]:
                        if hashlib.sha256(z.read(e["entry"])).hexdigest().lower() != e["sha256"].lower():
                            raise ValueError(e["entry"] + " hash mismatch")
        except Exception as e:
            bad.append(f"{path}: {e}")
print("\n".join(bad) if bad else f"OK {n}")
PY
}
