#!/usr/bin/env bash
# Delta pull against a full pull through the real distribution registry (docker-registry on loopback),
# for a new image in which 1 chunk, 1 %, 10 % or 100 % of the system's 1 MiB chunks changed:
#   osimg pull REF DIR --reuse OLD_LAYOUT   (local chunks + Range requests)
#   osimg pull REF DIR                      (every blob)
# Bytes are what osimg reports as fetched (DeltaTransferTest checks these equal the bytes on the
# wire, counted by a proxy); times are whole ./osimg processes (hyperfine, RUNS runs): the median
# wall time, and the CPU time (user + system) that does not depend on how loaded the machine is.
# The system is a root-filesystem-like ext4 image (bench/rootfs.sh), stored seekable zstd (the default).
# Usage: bench/delta.sh [SIZE_MIB]   (default 1024; work files in $BENCH_DIR, default /tmp/osimg-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size_mib="${1:-1024}"
work="${BENCH_DIR:-/tmp/osimg-bench}/delta"
runs="${RUNS:-3}"
osimg="$root/osimg"
compression="${COMPRESSION:-zstd:3}"
mkdir -p "$work"
registry_pid=""
cleanup() {
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
    rm -rf "$work/reg" "$work"/img-* "$work"/pulled-* "$work"/system-*
}
trap cleanup EXIT

base="${BENCH_DIR:-/tmp/osimg-bench}/rootfs-${size_mib}m.ext4"
"$root/bench/rootfs.sh" "$size_mib" "$base"
"$osimg" --version >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/reg"
cat > "$work/reg/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/reg/storage
http:
  addr: 127.0.0.1:$port
YML
/usr/bin/docker-registry serve "$work/reg/config.yml" > "$work/reg/log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
host="127.0.0.1:$port"

kernel="$work/kernel.efi"
head -c 300000 /dev/urandom > "$kernel"
build() {  # build NAME SYSTEM [-o REF]
    "$osimg" build -q --compression "$compression" -p kernel.efi="$kernel" -p system="$2" --tag v "${@:3}" >/dev/null
}
build old "$base" -o "$work/img-old"

# A copy of the base with CHUNKS chunks (spread evenly) replaced by new random data.
variant() {  # variant NAME CHUNKS
    local out="$work/system-$1"
    cp --reflink=auto "$base" "$out"
    python3 - "$out" "$2" "$size_mib" <<'PY'
import os, sys
path, count, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "r+b") as f:
    for k in range(count):
        f.seek((k * total // count) * (1 << 20))
        f.write(os.urandom(1 << 20))
PY
}

one=1
pct1=$(( (size_mib + 99) / 100 ))
pct10=$(( (size_mib + 9) / 10 ))
printf "%-10s %7s %14s %14s %8s %8s %8s %10s %10s\n" "changed" "chunks" "delta bytes" "full bytes" "ratio" "delta s" "full s" "delta cpu" "full cpu"
for spec in "1-chunk:$one" "1%:$pct1" "10%:$pct10" "100%:$size_mib"; do
    name="${spec%%:*}"; chunks="${spec##*:}"
    variant "$name" "$chunks"
    build "$name" "$work/system-$name" -o "$host/bench/delta:${name//%/pct}"
    ref="$host/bench/delta:${name//%/pct}"
    json=$("$osimg" pull --json -q "$ref" "$work/pulled-json" --reuse "$work/img-old")
    rm -rf "$work/pulled-json"
    full_json=$("$osimg" pull --json -q "$ref" "$work/pulled-json")
    rm -rf "$work/pulled-json"
    hyperfine -N --style none --runs "$runs" --export-json "$work/delta.json" \
        --prepare "rm -rf $work/pulled-delta" "$osimg pull -q $ref $work/pulled-delta --reuse $work/img-old" >/dev/null
    hyperfine -N --style none --runs "$runs" --export-json "$work/full.json" \
        --prepare "rm -rf $work/pulled-full" "$osimg pull -q $ref $work/pulled-full" >/dev/null
    python3 - "$name" "$chunks" "$json" "$full_json" "$work/delta.json" "$work/full.json" <<'PY'
import json, sys
name, chunks, delta, full, dt, ft = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5], sys.argv[6]
d = delta["bytes_fetched"]; f = full["size"]
rd = json.load(open(dt))["results"][0]; rf = json.load(open(ft))["results"][0]
cd = rd["user"] + rd["system"]; cf = rf["user"] + rf["system"]
print(f"{name:10} {chunks:>7} {d:14,} {f:14,} {d/f:8.4f} {rd['median']:7.2f}s {rf['median']:7.2f}s {cd:9.2f}s {cf:9.2f}s")
PY
    rm -rf "$work/system-$name"
done
