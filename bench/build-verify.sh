#!/usr/bin/env bash
# Side-by-side speed of osimg build/verify against the tools that bound them, on one 2 GiB payload:
#   osimg build --compression none   vs  openssl dgst -sha256   (one core's SHA-256 limit; goal <= 1.25x)
#   osimg verify (uncompressed)      vs  openssl dgst -sha256   (chunks verify on all cores; goal <= 0.7x)
#   osimg build --compression zstd:3 vs  zstd -3 -T2            (goal <= 1.3x)
# The payload compresses like a root filesystem: half random, half repetitive.
# Usage: bench/build-verify.sh [SIZE_MIB]   (default 2048; work files in $BENCH_DIR, default /tmp/osimg-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size_mib="${1:-2048}"
work="${BENCH_DIR:-/tmp/osimg-bench}"
runs="${RUNS:-5}"
osimg="$root/osimg"
mkdir -p "$work"
trap 'rm -rf "$work/out-none" "$work/out-zstd" "$work/payload.zst"' EXIT

payload="$work/payload-${size_mib}m.img"
if [ ! -f "$payload" ]; then
    half=$((size_mib / 2))
    set +o pipefail   # yes(1) ends by SIGPIPE
    { head -c "${half}M" /dev/urandom; yes "osimg root filesystem block $(seq -s ' ' 1 20)" | head -c "$((size_mib - half))M"; } > "$payload.tmp"
    set -o pipefail
    mv "$payload.tmp" "$payload"
fi
"$osimg" --version >/dev/null   # builds the CLI and its start-up cache before timing
"$osimg" build --quiet --out "$work/out-none" --payload system="$payload" --compression none >/dev/null

hf() { hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/$1.json" "${@:2}" >/dev/null; }
mean() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean'])" "$work/$1.json" "$2"; }

hf openssl "openssl dgst -sha256 $payload"
hf build-none --prepare "rm -rf $work/out-none" "$osimg build --quiet --out $work/out-none --payload system=$payload --compression none"
hf verify "$osimg verify --quiet $work/out-none"
hf zstd --prepare "rm -f $work/payload.zst" "zstd -q -3 -T2 $payload -o $work/payload.zst"
hf build-zstd --prepare "rm -rf $work/out-zstd" "$osimg build --quiet --out $work/out-zstd --payload system=$payload --compression zstd:3"

python3 - "$work" "$size_mib" <<'PY'
import json, sys
work, size = sys.argv[1], int(sys.argv[2])
def t(name): return json.load(open(f"{work}/{name}.json"))["results"][0]["mean"]
rows = [
    ("osimg build --compression none", "build-none", "openssl dgst -sha256", "openssl", 1.25),
    ("osimg verify (uncompressed)", "verify", "openssl dgst -sha256", "openssl", 0.7),
    ("osimg build --compression zstd:3", "build-zstd", "zstd -3 -T2", "zstd", 1.3),
]
print(f"payload: {size} MiB (half random, half repetitive)")
print(f"{'osimg':34} {'time':>8} {'MiB/s':>8}   {'peer':22} {'time':>8}   ratio  goal")
for label, ours, peer_label, peer, goal in rows:
    a, b = t(ours), t(peer)
    print(f"{label:34} {a:7.2f}s {size/a:8.0f}   {peer_label:22} {b:7.2f}s   {a/b:5.2f}  <= {goal}  {'ok' if a/b <= goal else 'MISSED'}")
PY
