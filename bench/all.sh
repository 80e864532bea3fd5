#!/usr/bin/env bash
# The performance table of docs/benchmarks.md in one run: every osimg figure beside its peer's,
# measured side by side, whole processes (JVM start included, through ./osimg as users run it),
# medians of RUNS runs (default 3) with hyperfine.
#
#   build --compression none   1 GiB random          vs  openssl dgst -sha256
#   verify (uncompressed)      the same image        vs  openssl dgst -sha256
#   build --compression zstd   1 GiB half random,    vs  zstd -3 -T2
#                              half text
#   pull / push 512 MiB uncompressed image           vs  skopeo copy (local distribution registry)
#   pull / push 70 MiB image                         vs  skopeo copy
#   install --unverified ext4 (1 GiB system)         vs  cp
#   install --unverified XFS with reflinks           vs  cp --reflink
#   --version / inspect of a layout                  vs  skopeo --version / skopeo inspect
#
# Usage: bench/all.sh    (root: the XFS row loop-mounts a file; needs hyperfine, skopeo,
#                         docker-registry, xfsprogs, zstd, openssl, jq: scripts/install-deps test)
# Env:   RUNS (3), WORK (a new directory under /var/tmp), PORT (5124), ONLY (a regex of row
#        names to run, e.g. ONLY='build|verify').
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d /var/tmp/osimg-bench-all.XXXXXX)}
PORT=${PORT:-5124}
HOST=127.0.0.1:$PORT
ONLY=${ONLY:-.}
OSIMG="$ROOT/osimg"
MNT="$WORK/xfs"
LOOP=""
REG_PID=""

cleanup() {
    if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; fi
    if mountpoint -q "$MNT" 2>/dev/null; then umount "$MNT"; fi
    if [ -n "$LOOP" ]; then losetup -d "$LOOP" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in hyperfine skopeo docker-registry mkfs.xfs losetup zstd openssl jq curl; do
    command -v "$tool" >/dev/null || { echo "bench/all.sh: $tool is missing (scripts/install-deps test)" >&2; exit 1; }
done
"$OSIMG" --version >/dev/null   # builds the CLI and its start-up cache before anything is timed
mkdir -p "$WORK/in"
declare -a ROWS=()

# hyperfine's median of one command, in seconds.
median() { jq -r ".results[$2].median" "$WORK/$1.json"; }

# row NAME GOAL LIMIT OSIMG_LABEL PEER_LABEL PREPARE OSIMG_CMD PEER_CMD
row() {
    local name=$1 goal=$2 limit=$3 label=$4 peer_label=$5 prepare=$6 ours=$7 peer=$8
    [[ "$name" =~ $ONLY ]] || return 0
    echo "# $name" >&2
    hyperfine -N --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/$name.json" \
        --prepare "sh -c '$prepare; sync'" -n osimg "$ours" -n peer "$peer" >/dev/null
    local a b
    a=$(median "$name" 0)
    b=$(median "$name" 1)
    ROWS+=("$(printf '| %s | %.2f s | %s | %.2f s | %.2f× | %s | %s |' "$label" "$a" "$peer_label" "$b" \
        "$(echo "$a / $b" | bc -l)" "$limit" "$goal")")
}

# Inputs: 1 GiB random; 1 GiB half random half text; 512 MiB and 70 MiB random; an 8 MiB kernel.
head -c 1G /dev/urandom > "$WORK/in/random"
set +o pipefail   # yes(1) ends by SIGPIPE
{ head -c 512M /dev/urandom; yes "osimg root filesystem block $(seq -s ' ' 1 20)" | head -c 512M; } > "$WORK/in/mixed"
set -o pipefail
head -c 512M "$WORK/in/random" > "$WORK/in/r512"
head -c 70M "$WORK/in/random" > "$WORK/in/r70"
{ cat /usr/lib/systemd/boot/efi/linuxx64.efi.stub; head -c 8M /dev/urandom; } > "$WORK/in/kernel.efi"  # a UEFI application, as build checks
build() { # OUT SYSTEM COMPRESSION
    "$OSIMG" build -q -o "$1" --compression "$3" -p kernel.efi="$WORK/in/kernel.efi" -p system="$2" --tag v1 >/dev/null
}
build "$WORK/img-1g" "$WORK/in/random" none
build "$WORK/img-512" "$WORK/in/r512" none
build "$WORK/img-70" "$WORK/in/r70" none
blob() { # LAYOUT: the system payload's blob
    local m
    m=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
    jq -r '.layers[1].digest' "$1/blobs/sha256/$m" | sed "s|sha256:|$1/blobs/sha256/|"
}

row build-none "≤ 1.5×" "≈1.2× (two SHA-256 passes, copy, JVM start)" "build --compression none" "openssl dgst -sha256" \
    "rm -rf $WORK/out" "$OSIMG build -q -o $WORK/out --compression none -p system=$WORK/in/random" \
    "openssl dgst -sha256 $WORK/in/random"
row verify "≤ 0.8×" "≈0.7× (chunk hashes on both cores)" "verify (uncompressed)" "openssl dgst -sha256" \
    "true" "$OSIMG verify -q $WORK/img-1g" "openssl dgst -sha256 $WORK/in/random"
row build-zstd "≤ 2.5×" "≈2.4× (compression on both cores, two hash passes)" "build --compression zstd" "zstd -3 -T2" \
    "rm -rf $WORK/out $WORK/out.zst" "$OSIMG build -q -o $WORK/out --compression zstd:3 -p system=$WORK/in/mixed" \
    "zstd -q -3 -T2 $WORK/in/mixed -o $WORK/out.zst"

# The registry rows: a local distribution registry with fresh storage for every push.
start_registry() {
    if [ -n "$REG_PID" ]; then kill "$REG_PID"; wait "$REG_PID" 2>/dev/null || true; fi
    rm -rf "$WORK/storage"
    mkdir -p "$WORK/storage"
    printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n' \
        "$WORK/storage" "$HOST" > "$WORK/registry.yml"
    docker-registry serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 &
    REG_PID=$!
    for _ in $(seq 100); do curl -sf "http://$HOST/v2/" >/dev/null && return; sleep 0.05; done
    echo "registry did not start: $(cat "$WORK/registry.log")" >&2
    exit 1
}
if [[ "push-pull" =~ $ONLY ]] || [[ "pull-512 push-512 pull-70 push-70" =~ $ONLY ]]; then
    start_registry
    for size in 512 70; do
        "$OSIMG" push -q "$WORK/img-$size" "$HOST/bench/os$size:v1" >/dev/null
        row "pull-$size" "$([ $size = 512 ] && echo '< 1.0×' || echo '≤ 0.6 s')" "—" "pull $size MiB" "skopeo copy" \
            "rm -rf $WORK/pulled" "$OSIMG pull -q $HOST/bench/os$size:v1 $WORK/pulled" \
            "skopeo --insecure-policy copy -q --src-tls-verify=false docker://$HOST/bench/os$size:v1 oci:$WORK/pulled:v1"
        # Every push starts from empty registry storage (the registry runs without a cache), so that
        # neither tool finds blobs it pushed before.
        row "push-$size" "$([ $size = 512 ] && echo '< 1.0×' || echo '≤ 0.6 s')" "—" "push $size MiB" "skopeo copy" \
            "rm -rf $WORK/storage/docker" "$OSIMG push -q $WORK/img-$size $HOST/bench/push:v1" \
            "skopeo --insecure-policy copy -q --dest-tls-verify=false oci:$WORK/img-$size:v1 docker://$HOST/bench/push:v1"
    done
fi

row install-ext4 "≤ 2.5×" "≈2.3× (JVM start + the copy)" "install --unverified (ext4)" "cp" \
    "rm -f $WORK/disk.img $WORK/copy" "$OSIMG install oci:$WORK/img-1g --disk $WORK/disk.img --unverified -q" \
    "cp --reflink=never $(blob "$WORK/img-1g") $WORK/copy"
if [[ "install-xfs" =~ $ONLY ]]; then
    truncate -s 3G "$WORK/xfs.img"
    mkfs.xfs -q -m reflink=1 "$WORK/xfs.img"
    LOOP=$(losetup -f --show "$WORK/xfs.img")
    mkdir -p "$MNT"
    mount "$LOOP" "$MNT"
    cp -r "$WORK/img-1g" "$MNT/img"
    row install-xfs "≤ 0.5 s" "—" "install --unverified (XFS)" "cp --reflink" \
        "rm -f $MNT/disk.img $MNT/copy" "$OSIMG install oci:$MNT/img --disk $MNT/disk.img --unverified -q" \
        "cp --reflink=always $(blob "$MNT/img") $MNT/copy"
fi
row version "≤ 0.3 s" "—" "--version" "skopeo --version" "true" "$OSIMG --version" "skopeo --version"
row inspect "≤ 0.4 s" "—" "inspect of a layout" "skopeo inspect" "true" "$OSIMG inspect oci:$WORK/img-70:v1" \
    "skopeo inspect --raw oci:$WORK/img-70:v1"

echo
echo "osimg $("$OSIMG" --version | head -1), $(skopeo --version), $(nproc) cores, $(date -u +%F), medians of $RUNS runs"
echo
echo "| work | osimg | peer | peer time | ratio | limit on 2 cores | goal |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
