#!/usr/bin/env bash
# Benchmarks `osimg install` against the peer tools, side by side, on the same filesystem:
#   (a) ext4 (the work directory): unverified install vs `cp --reflink=auto` of the same 1 GiB payload
#   (b) a loop-mounted XFS with reflinks: the same pair (install should clone, not copy)
#   (c) verified install from a zstd image vs `zstd -d` of the same payload
# Prints each ratio and the output file's allocated bytes. Needs root (for the XFS loop mount),
# hyperfine, xfsprogs, zstd and a built osimg (mvn -o package -DskipTests).
# Usage: bench/install.sh [WORKDIR]   (WORKDIR on ext4; default: a new directory under /var/tmp)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OSIMG=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$ROOT/osimg-cli/target/osimg-cli.jar")
WORK=${1:-$(mktemp -d /var/tmp/osimg-bench.XXXXXX)}
RUNS=${RUNS:-5}
MNT="$WORK/xfs"
LOOP=""

cleanup() {
    if mountpoint -q "$MNT" 2>/dev/null; then umount "$MNT"; fi
    if [ -n "$LOOP" ]; then losetup -d "$LOOP" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in hyperfine zstd mkfs.xfs losetup jq; do
    command -v "$tool" >/dev/null || { echo "bench/install.sh: $tool is missing" >&2; exit 1; }
done
[ -f "$ROOT/osimg-cli/target/osimg-cli.jar" ] || { echo "build osimg first: mvn -o package -DskipTests" >&2; exit 1; }

echo "# work directory: $WORK ($(stat -f -c %T "$WORK"))"
mkdir -p "$WORK/payloads"
# 1 GiB of base64 text: incompressible enough to be honest, compressible enough for zstd to matter.
head -c 805306368 /dev/urandom | base64 -w 0 | head -c 1073741824 > "$WORK/payloads/system"
{ cat /usr/lib/systemd/boot/efi/linuxx64.efi.stub; head -c 20000000 /dev/urandom; } > "$WORK/payloads/kernel.efi"  # a UEFI application, as build checks

build() { # DIR COMPRESSION
    "${OSIMG[@]}" build -q -o "$1" --variant x86_64 --compression "$2" \
        -p kernel.efi="$WORK/payloads/kernel.efi" -p system="$WORK/payloads/system" >/dev/null
}

allocated() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }

ratio() { # NAME JSON_FILE
    jq -r --arg name "$1" '.results as $r | "\($name): osimg \($r[0].mean*1000|floor) ms, peer \($r[1].mean*1000|floor) ms, ratio \(($r[0].mean/$r[1].mean)*100|floor/100)"' "$2"
}

pair() { # NAME DIR IMAGE PEER_COMMAND [osimg flags...]
    local name=$1 dir=$2 image=$3 peer=$4
    shift 4
    hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$WORK/$name.json" \
        --prepare "sh -c 'rm -f $dir/out.img $dir/copy && sync'" \
        -n "osimg install" "${OSIMG[*]} install $image --disk $dir/out.img -q $*" \
        -n "peer" "$peer" >/dev/null
    ratio "$name" "$WORK/$name.json"
    rm -f "$dir/out.img"
    sync
    # One more install to report the work measured inside the JVM and the space taken: st_blocks counts
    # reflinked extents too, so the filesystem's used space before and after shows what was really written.
    local before after
    before=$(df --output=used -B1 "$dir" | tail -1)
    "${OSIMG[@]}" install "$image" --disk "$dir/out.img" --json "$@" > "$WORK/$name.install.json"
    sync
    after=$(df --output=used -B1 "$dir" | tail -1)
    echo "$name: install work (plan + write) $(jq '.install_seconds*1000|floor' "$WORK/$name.install.json") ms," \
         "reading the image $(jq '.open_seconds*1000|floor' "$WORK/$name.install.json") ms, JVM start not counted;" \
         "out.img allocates $(( $(allocated "$dir/out.img") / 1048576 )) MiB for payloads of" \
         "$(( ( $(stat -c %s "$WORK/payloads/system") + $(stat -c %s "$WORK/payloads/kernel.efi") ) / 1048576 )) MiB;" \
         "the filesystem's used space grew by $(( (after - before) / 1048576 )) MiB"
    rm -f "$dir/out.img" "$dir/copy"
}

SYSTEM_BLOB() { # LAYOUT
    local digest
    digest=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
    jq -r '.layers[1].digest' "$1/blobs/sha256/$digest" | sed 's|sha256:|'"$1"'/blobs/sha256/|'
}

# (a) ext4
build "$WORK/plain" none
PLAIN_BLOB=$(SYSTEM_BLOB "$WORK/plain")
pair ext4-unverified "$WORK" "oci:$WORK/plain" "cp --reflink=auto $PLAIN_BLOB $WORK/copy" --unverified

# (b) XFS with reflinks, loop-mounted
truncate -s 8G "$WORK/xfs.img"
mkfs.xfs -q -m reflink=1 "$WORK/xfs.img"
LOOP=$(losetup --find --show "$WORK/xfs.img")
mkdir -p "$MNT"
mount "$LOOP" "$MNT"
build "$MNT/plain" none
XFS_BLOB=$(SYSTEM_BLOB "$MNT/plain")
pair xfs-unverified "$MNT" "oci:$MNT/plain" "cp --reflink=auto $XFS_BLOB $MNT/copy" --unverified

# (c) verified install from zstd vs zstd -d
build "$WORK/zstd" zstd:3
ZSTD_BLOB=$(SYSTEM_BLOB "$WORK/zstd")
pair ext4-zstd-verified "$WORK" "oci:$WORK/zstd" "zstd -q -d -f $ZSTD_BLOB -o $WORK/copy"
