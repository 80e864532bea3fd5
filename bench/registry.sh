#!/usr/bin/env bash
# osimg push/pull against skopeo copy, the same 1 GiB OS image (uncompressed and zstd), the same
# local distribution registry (docker-registry on loopback). Prints each run, the medians side by
# side and the ratio skopeo/osimg (above 1: osimg is faster).
#
# Usage: bench/registry.sh            (runs osimg through ./osimg, as users do; it builds itself)
# Env:   RUNS (default 3), WORK (default /dev/shm/osimg-bench-registry: tmpfs, so the tools are
#        measured rather than the disk), SIZE_MIB (default 1024), PORT (default 5123).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
RUNS=${RUNS:-3}
WORK=${WORK:-/dev/shm/osimg-bench-registry}
SIZE_MIB=${SIZE_MIB:-1024}
PORT=${PORT:-5123}
HOST=127.0.0.1:$PORT

for tool in "$JAVA" /usr/bin/docker-registry /usr/bin/skopeo; do
  [ -x "$tool" ] || { echo "missing $tool" >&2; exit 1; }
done

osimg() { "$ROOT/osimg" "$@"; }
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

rm -rf "$WORK"; mkdir -p "$WORK"
REG_PID=
stop_registry() { if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; REG_PID=; fi; }
trap 'stop_registry; rm -rf "$WORK"' EXIT

# A fresh registry with empty storage, so that neither tool can skip or mount a blob it pushed before.
start_registry() {
  stop_registry
  rm -rf "$WORK/storage"; mkdir -p "$WORK/storage"
  cat > "$WORK/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/storage
  delete:
    enabled: true
http:
  addr: $HOST
YML
  docker-registry serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 100); do curl -sf "http://$HOST/v2/" > /dev/null && return; sleep 0.05; done
  echo "registry did not start: $(cat "$WORK/registry.log")" >&2; exit 1
}

echo "== inputs: system payload of $SIZE_MIB MiB (half random, half zeros), kernel 8 MiB random"
head -c $((SIZE_MIB / 2))M /dev/urandom > "$WORK/system"
head -c $((SIZE_MIB - SIZE_MIB / 2))M /dev/zero >> "$WORK/system"
{ cat /usr/lib/systemd/boot/efi/linuxx64.efi.stub; head -c 8M /dev/urandom; } > "$WORK/kernel.efi"  # a UEFI application, as build checks
osimg build -q -o "$WORK/img-none" --compression none -p kernel.efi="$WORK/kernel.efi" -p system="$WORK/system" --tag v1 > /dev/null
osimg build -q -o "$WORK/img-zstd" --compression zstd:3 -p kernel.efi="$WORK/kernel.efi" -p system="$WORK/system" --tag v1 > /dev/null
rm "$WORK/system"
echo "osimg: $(osimg --version | head -1); $(skopeo --version); $(docker-registry --version)"

declare -A RESULT
for variant in none zstd; do
  layout=$WORK/img-$variant
  stored=$(du -sm --apparent-size "$layout/blobs" | cut -f1)
  echo "== $variant ($stored MiB stored)"
  for tool in osimg skopeo; do
    times=()
    for i in $(seq "$RUNS"); do
      start_registry
      sync
      t0=$(now)
      if [ $tool = osimg ]; then
        osimg push -q "$layout" "$HOST/bench/os:v1" > /dev/null
      else
        skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$layout:v1" "docker://$HOST/bench/os:v1"
      fi
      t=$(echo "$(now) - $t0" | bc -l); times+=("$t")
      printf '  push %-6s run %d: %6.2f s\n' $tool "$i" "$t"
    done
    RESULT[push-$variant-$tool]=$(printf '%s\n' "${times[@]}" | median)
  done
  start_registry
  osimg push -q "$layout" "$HOST/bench/os:v1" > /dev/null
  for tool in osimg skopeo; do
    times=()
    for i in $(seq "$RUNS"); do
      rm -rf "$WORK/pulled"
      sync
      t0=$(now)
      if [ $tool = osimg ]; then
        osimg pull -q "$HOST/bench/os:v1" "$WORK/pulled" > /dev/null
      else
        skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$HOST/bench/os:v1" "oci:$WORK/pulled:v1"
      fi
      t=$(echo "$(now) - $t0" | bc -l); times+=("$t")
      printf '  pull %-6s run %d: %6.2f s\n' $tool "$i" "$t"
    done
    RESULT[pull-$variant-$tool]=$(printf '%s\n' "${times[@]}" | median)
  done
done

echo
echo "== medians of $RUNS runs (seconds; ratio = skopeo / osimg, above 1 means osimg is faster)"
printf '%-6s %-5s %8s %8s %7s\n' op image osimg skopeo ratio
for op in push pull; do
  for variant in none zstd; do
    o=${RESULT[$op-$variant-osimg]}; s=${RESULT[$op-$variant-skopeo]}
    printf '%-6s %-5s %8.2f %8.2f %7.2f\n' $op $variant "$o" "$s" "$(echo "$s / $o" | bc -l)"
  done
done
