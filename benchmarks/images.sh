#!/usr/bin/env bash
# Images that unfold (docs/benchmarks.md, "Images"): a PNG of about 550 KB that decodes to
# 11,900 × 11,900 pixels, sent twice at once as a resource cover, then a 7,000 × 5,000
# photo (35 Mpx, accepted); prints the answers and the server's memory (peak RSS) after each.
# Usage: benchmarks/images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=8415
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
trap 'stop_demo; rm -rf "$work"' EXIT
start_demo "$work" "$work/log" MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 MAILLON_UPLOAD_MAX_MB=50 --
until grep -q "écoute" "$work/log" 2>/dev/null; do sleep 1; done
python3 - "$PORT" "$DEMO_PID" <<'PY'
import re, struct, sys, threading, zlib
sys.path.insert(0, "benchmarks")
from bench import Server
server = Server(int(sys.argv[1]))
pid = sys.argv[2]

def rss():
    status = open(f"/proc/{pid}/status").read()
    peak = re.search(r"VmHWM:\s+(\d+)", status).group(1)
    now = re.search(r"VmRSS:\s+(\d+)", status).group(1)
    return f"RSS {int(now) // 1024} MB, peak {int(peak) // 1024} MB"

cookie = server.sign_in("karim@jeanferrat.test")
_, page = server.request("GET", "/ressources", cookie=cookie)
rid = None
for i in re.findall(rb'href="/ressources/([0-9a-f-]{36})"', page):
    r, _ = server.request("GET", f"/ressources/{i.decode()}/couverture", cookie=cookie)
    if r.status == 200:
        rid = i.decode()
        break

def png(width, height, row):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + row for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

def upload(data, name):
    r, page = server.post_file(f"/ressources/{rid}/couverture", {"alt": "Une image"}, name, data, cookie)
    said = re.search(rb"(Cette image est trop grande[^<]*)", page)
    return r.status, said.group(1).decode()[:70] if said else "accepted"

print(f"before: {rss()}")
bomb = png(11_900, 11_900, bytes(11_900))
print(f"bomb: {len(bomb) // 1024} KB, 11,900 x 11,900 grey pixels")
out = [None, None]
threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, upload(bomb, "bombe.png"))) for i in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(f"two bombs at once: {out[0]} / {out[1]}; {rss()}")
photo = png(7_000, 5_000, bytes(range(256)) * 27 + bytes(88))
print(f"photo: {len(photo) // 1024} KB, 7,000 x 5,000 pixels: {upload(photo, 'photo.png')}; {rss()}")
PY
