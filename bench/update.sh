#!/usr/bin/env bash
# Benchmarks `osimg update` against `osimg install` of the same image, side by side on the same filesystem:
#   (a) zstd image, verified (the default path of both)
#   (b) uncompressed image, verified
# The update writes slot B of an installed disk file (never committed, so every run writes B again:
# prepare, system, kernel, record, state, each flushed); the install creates a new disk file.
# Prints each ratio. Needs hyperfine, jq and a built osimg (mvn -o package -DskipTests).
# Usage: bench/update.sh [WORKDIR]   (default: a new directory under /var/tmp)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OSIMG=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$ROOT/osimg-cli/target/osimg-cli.jar")
WORK=${1:-$(mktemp -d /var/tmp/osimg-bench.XXXXXX)}
RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-512}

cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

for tool in hyperfine jq; do
    command -v "$tool" >/dev/null || { echo "bench/update.sh: $tool is missing" >&2; exit 1; }
done
[ -f "$ROOT/osimg-cli/target/osimg-cli.jar" ] || { echo "build osimg first: mvn -o package -DskipTests" >&2; exit 1; }

echo "# work directory: $WORK ($(stat -f -c %T "$WORK")), system payload $SIZE_MIB MiB"
mkdir -p "$WORK/payloads"
head -c $((SIZE_MIB * 786432)) /dev/urandom | base64 -w 0 | head -c $((SIZE_MIB * 1048576)) > "$WORK/payloads/system"
{ cat /usr/lib/systemd/boot/efi/linuxx64.efi.stub; head -c 20000000 /dev/urandom; } > "$WORK/payloads/kernel.efi"  # a UEFI application, as build checks
LAYOUT=(--esp-size 128 --system-size $((SIZE_MIB + 64)) --data-size 0)

ratio() { # NAME JSON_FILE
    jq -r --arg name "$1" '.results as $r | "\($name): update \($r[0].mean*1000|floor) ms (± \($r[0].stddev*1000|floor)), install \($r[1].mean*1000|floor) ms (± \($r[1].stddev*1000|floor)), ratio \(($r[0].mean/$r[1].mean)*100|floor/100)"' "$2"
}

for compression in zstd:3 none; do
    name=${compression%%:*}
    "${OSIMG[@]}" build -q -o "$WORK/$name" --variant x86_64 --compression "$compression" \
        -p kernel.efi="$WORK/payloads/kernel.efi" -p system="$WORK/payloads/system" >/dev/null
    "${OSIMG[@]}" install "oci:$WORK/$name" --disk "$WORK/installed.img" "${LAYOUT[@]}" -q >/dev/null
    hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$WORK/$name.json" \
        --prepare "sh -c 'rm -f $WORK/new.img && sync'" \
        -n "osimg update" "${OSIMG[*]} update oci:$WORK/$name --disk $WORK/installed.img -q" \
        -n "osimg install" "${OSIMG[*]} install oci:$WORK/$name --disk $WORK/new.img ${LAYOUT[*]} -q" >/dev/null
    ratio "$name" "$WORK/$name.json"
    # The phases of one more update, as its progress lines report them.
    "${OSIMG[@]}" update "oci:$WORK/$name" --disk "$WORK/installed.img" 2>&1 >/dev/null | sed "s/^/  $name update: /"
    rm -f "$WORK/installed.img" "$WORK/new.img"
done
