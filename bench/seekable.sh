#!/usr/bin/env bash
# What seekable zstd costs against one whole-payload frame, on a root-filesystem-like payload:
# an ext4 image of /usr contents cut to SIZE_MIB (bench/rootfs.sh).
#   osimg build --compression zstd:3 --no-seekable  (one frame, the reference writer's layout)
#   osimg build --compression zstd:3 --seekable  (one frame per 1 MiB chunk + seek table)
#   zstd -3 -T2                                  (the CLI, for scale)
# Usage: bench/seekable.sh [SIZE_MIB]   (default 1024; work files in $BENCH_DIR, default /tmp/osimg-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size_mib="${1:-1024}"
work="${BENCH_DIR:-/tmp/osimg-bench}"
runs="${RUNS:-5}"
osimg="$root/osimg"
mkdir -p "$work"
trap 'rm -rf "$work/out-single" "$work/out-seekable" "$work/rootfs.zst"' EXIT

payload="$work/rootfs-${size_mib}m.ext4"
"$root/bench/rootfs.sh" "$size_mib" "$payload"
"$osimg" --version >/dev/null   # builds the CLI and its start-up cache before timing

hf() { hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/$1.json" "${@:2}" >/dev/null; }
hf single --prepare "rm -rf $work/out-single" "$osimg build --quiet --out $work/out-single --payload system=$payload --compression zstd:3 --no-seekable"
hf seekable --prepare "rm -rf $work/out-seekable" "$osimg build --quiet --out $work/out-seekable --payload system=$payload --compression zstd:3 --seekable"
hf zstd --prepare "rm -f $work/rootfs.zst" "zstd -q -3 -T2 $payload -o $work/rootfs.zst"

single_size=$(find "$work/out-single/blobs/sha256" -type f -size +1M -printf '%s\n')
seekable_size=$(find "$work/out-seekable/blobs/sha256" -type f -size +1M -printf '%s\n')
zstd_size=$(stat -c %s "$work/rootfs.zst")
python3 - "$work" "$size_mib" "$single_size" "$seekable_size" "$zstd_size" <<'PY'
import json, sys
work, size = sys.argv[1], int(sys.argv[2])
single, seekable, cli = (int(x) for x in sys.argv[3:6])
def t(name): return json.load(open(f"{work}/{name}.json"))["results"][0]["mean"]
print(f"payload: {size} MiB ext4 image of /usr/bin, /usr/share, /usr/lib/x86_64-linux-gnu")
print(f"{'what':40} {'time':>8} {'stored MiB':>11} {'ratio':>7}")
print(f"{'osimg build zstd:3 (one frame)':40} {t('single'):7.2f}s {single/2**20:11.1f} {single/(size*2**20):7.3f}")
print(f"{'osimg build zstd:3 --seekable':40} {t('seekable'):7.2f}s {seekable/2**20:11.1f} {seekable/(size*2**20):7.3f}")
print(f"{'zstd -3 -T2 (CLI)':40} {t('zstd'):7.2f}s {cli/2**20:11.1f} {cli/(size*2**20):7.3f}")
print(f"seekable vs one frame: size x{seekable/single:.3f}, build time x{t('seekable')/t('single'):.2f}")
PY
