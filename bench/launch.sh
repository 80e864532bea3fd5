#!/usr/bin/env bash
# Benchmarks `osimg launch`, side by side with what it replaces:
#   (a) the disk build at launch for a 1 GiB system payload (uncompressed image, the clone path), on a
#       loop-mounted XFS with reflinks and on ext4, beside `cp --reflink=auto` of the same payload blob
#       (what a hand-made launcher does at best);
#   (b) the whole `osimg launch --expect` (image -> disk -> KVM probe -> QEMU -> marker line -> VM stopped)
#       beside QEMU started by hand on a prebuilt disk with the same flags until the guest powers off.
# The guest is scripts/make-sample-os's kernel: it prints OSIMG-SAMPLE-BOOTED and powers off.
# Needs root (XFS loop mount), jq, xfsprogs, qemu-system-x86, ovmf and a built CLI
# (mvn -o package -DskipTests). Usage: bench/launch.sh [WORKDIR on ext4] (default: under /var/tmp).
# RUNS (default 5) disk builds per filesystem; BOOTS (default 3) boots per side in (b).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OSIMG=("$JAVA_HOME/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -jar "$ROOT/osimg-cli/target/osimg-cli.jar")
WORK=${1:-$(mktemp -d /var/tmp/osimg-bench-launch.XXXXXX)}
RUNS=${RUNS:-5}
BOOTS=${BOOTS:-3}
MEMORY=256
MARKER=OSIMG-SAMPLE-BOOTED
MNT="$WORK/xfs"
LOOP=""
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

cleanup() {
    if mountpoint -q "$MNT" 2>/dev/null; then umount "$MNT"; fi
    if [ -n "$LOOP" ]; then losetup -d "$LOOP" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in jq bc mkfs.xfs losetup qemu-system-x86_64; do
    command -v "$tool" >/dev/null || { echo "bench/launch.sh: $tool is missing" >&2; exit 1; }
done
[ -f "$ROOT/osimg-cli/target/osimg-cli.jar" ] || { echo "build osimg first: mvn -o package -DskipTests" >&2; exit 1; }

echo "# work directory: $WORK ($(stat -f -c %T "$WORK")), $(nproc) cores, $(qemu-system-x86_64 --version | head -1)"
"$ROOT/scripts/make-sample-os" "$WORK/payloads" >/dev/null
# 1 GiB of base64 text as the system payload (its content does not matter to the clone path).
head -c 805306368 /dev/urandom | base64 -w 0 | head -c 1073741824 > "$WORK/payloads/system"

build() { # LAYOUT_DIR
    "${OSIMG[@]}" build -q -o "$1" --variant x86_64 --compression none \
        -p kernel.efi="$WORK/payloads/kernel.efi" -p system="$WORK/payloads/system" >/dev/null
}

system_blob() { # LAYOUT_DIR
    local digest
    digest=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
    jq -r '.layers[1].digest' "$1/blobs/sha256/$digest" | sed 's|sha256:|'"$1"'/blobs/sha256/|'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# (a) Disk build at launch. QEMU is started paused (-S) and the launch ends at its 1 s timeout: only the
# disk build figure of --json is used here.
disk_build() { # NAME LAYOUT_DIR WORK_PARENT
    local name=$1 layout=$2 parent=$3 times=() copies=() blob i t0 t1
    for i in $(seq "$RUNS"); do
        sync
        times+=("$({ "${OSIMG[@]}" launch "oci:$layout" --work-dir "$parent" --memory $MEMORY --accel tcg \
            --qemu-arg -S --timeout 1 --json 2>/dev/null || true; } | jq '.disk_build_seconds * 1000')")
    done
    blob=$(system_blob "$layout")
    for i in $(seq "$RUNS"); do
        sync
        t0=$(date +%s%N)
        cp --reflink=auto "$blob" "$parent/copy"
        t1=$(date +%s%N)
        copies+=("$(( (t1 - t0) / 1000 ))")
        rm -f "$parent/copy"
    done
    local ms peer
    ms=$(printf '%s\n' "${times[@]}" | median)
    peer=$(printf '%s\n' "${copies[@]}" | median)
    printf '%s: osimg launch disk build %.1f ms (median of %d), cp --reflink=auto of the 1 GiB blob %.1f ms, ratio %.2f\n' \
        "$name" "$ms" "$RUNS" "$(echo "$peer / 1000" | bc -l)" "$(echo "$ms / ($peer / 1000)" | bc -l)"
}

build "$WORK/plain"
disk_build ext4 "$WORK/plain" "$WORK"

truncate -s 8G "$WORK/xfs.img"
mkfs.xfs -q -m reflink=1 "$WORK/xfs.img"
LOOP=$(losetup --find --show "$WORK/xfs.img")
mkdir -p "$MNT"
mount "$LOOP" "$MNT"
build "$MNT/plain"
disk_build xfs "$MNT/plain" "$MNT"

# (b) The whole launch against QEMU by hand on a prebuilt disk, same flags, same filesystem (XFS).
"${OSIMG[@]}" install "oci:$MNT/plain" --disk "$MNT/prebuilt.img" --size 5G --unverified -q >/dev/null
cat > "$WORK/by-hand.sh" <<EOF
#!/bin/sh
# QEMU as osimg launch starts it (TCG here), the console read until the marker, as a test would.
qemu-system-x86_64 -machine q35 -accel tcg -cpu max -display none -nodefaults -m ${MEMORY}M -smp 1 \\
    -drive if=pflash,format=raw,readonly=on,file=$OVMF_CODE -drive if=pflash,format=raw,file=$MNT/vars.fd \\
    -drive if=virtio,format=raw,cache=unsafe,file=$MNT/prebuilt.img \\
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0,mac=52:54:00:6f:73:01 -device virtio-rng-pci \\
    -serial stdio | grep -q -m1 $MARKER
EOF
chmod +x "$WORK/by-hand.sh"
# Rounds alternate the two sides (osimg first in odd rounds), so that the other load on the machine, which
# changes over minutes, weighs on both alike; each side gets a fresh variable store.
launch_ms=() hand_ms=()
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# The whole launch runs ./osimg as users do (its start-up cache included); made ready before the rounds.
"$ROOT/osimg" --version >/dev/null
run_osimg() {
    local t0; t0=$(now_ms)
    "$ROOT/osimg" launch "oci:$MNT/plain" --work-dir "$MNT" --memory $MEMORY --expect $MARKER -q >/dev/null
    launch_ms+=($(( $(now_ms) - t0 )))
}
run_hand() {
    local t0; cp "$OVMF_VARS" "$MNT/vars.fd"; t0=$(now_ms)
    "$WORK/by-hand.sh"
    hand_ms+=($(( $(now_ms) - t0 )))
}
for i in $(seq "$BOOTS"); do
    if [ $((i % 2)) -eq 1 ]; then run_osimg; run_hand; else run_hand; run_osimg; fi
done
mean() { awk '{s+=$1} END {printf "%.2f", s/NR/1000}'; }
minimum() { sort -n | head -1 | awk '{printf "%.2f", $1/1000}'; }
overheads=()
for i in $(seq 0 $((BOOTS - 1))); do overheads+=($(( launch_ms[i] - hand_ms[i] ))); done
echo "boot to marker ($BOOTS alternating rounds): osimg launch --expect $(printf '%s\n' "${launch_ms[@]}" | mean) s" \
     "(min $(printf '%s\n' "${launch_ms[@]}" | minimum)), QEMU by hand $(printf '%s\n' "${hand_ms[@]}" | mean) s" \
     "(min $(printf '%s\n' "${hand_ms[@]}" | minimum)); overhead per round: ${overheads[*]} ms," \
     "median $(printf '%s\n' "${overheads[@]}" | median) ms"
