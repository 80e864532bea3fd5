#!/usr/bin/env bash
# What signatures cost: osimg sign (unencrypted and encrypted key), and the time the signature
# check adds to osimg verify (verify --key minus verify, same image, same local distribution
# registry), side by side with a script that checks the same signature without osimg (curl for the
# .sig manifest and the payload, jq, openssl dgst -verify). Prints each run, the medians and the
# ratio script/osimg (above 1: osimg's check is faster).
#
# Usage: bench/sign.sh                (runs osimg through ./osimg, as users do; it builds itself)
# Env:   RUNS (default 5), WORK (default /dev/shm/osimg-bench-sign), PORT (default 5125).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
WORK=${WORK:-/dev/shm/osimg-bench-sign}
PORT=${PORT:-5125}
HOST=127.0.0.1:$PORT

for tool in /usr/bin/docker-registry curl jq openssl bc; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 1; }
done

osimg() { "$ROOT/osimg" "$@"; }
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

rm -rf "$WORK"; mkdir -p "$WORK/storage"
REG_PID=
trap 'if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
cat > "$WORK/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/storage
http:
  addr: $HOST
YML
docker-registry serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do curl -sf "http://$HOST/v2/" > /dev/null && break; sleep 0.05; done

echo "== inputs: kernel 1 MiB, system 16 MiB (random), uncompressed, pushed to $HOST/bench/os:v1"
{ cat /usr/lib/systemd/boot/efi/linuxx64.efi.stub; head -c 1M /dev/urandom; } > "$WORK/kernel.efi"  # a UEFI application, as build checks
head -c 16M /dev/urandom > "$WORK/system"
osimg build -q -o "$HOST/bench/os:v1" --compression none -p kernel.efi="$WORK/kernel.efi" -p system="$WORK/system" > /dev/null
OSIMG_PASSWORD= osimg generate-key-pair --output-key-prefix "$WORK/plain" > /dev/null
OSIMG_PASSWORD=bench osimg generate-key-pair --output-key-prefix "$WORK/enc" > /dev/null
REF=$HOST/bench/os:v1

run() { # label, command...
  local label=$1; shift
  local times=() t0 t
  for i in $(seq "$RUNS"); do
    t0=$(now); "$@" > /dev/null; t=$(echo "$(now) - $t0" | bc -l); times+=("$t")
    printf '  %-28s run %d: %6.3f s\n' "$label" "$i" "$t" >&2
  done
  printf '%s\n' "${times[@]}" | median
}

script_verify() { # what a shell script without osimg or cosign does for the same check
  local digest manifest layer
  digest=$(curl -sfI -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$HOST/v2/bench/os/manifests/v1" \
    | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}')
  manifest=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$HOST/v2/bench/os/manifests/sha256-${digest#sha256:}.sig")
  layer=$(jq -r '.layers[0].digest' <<< "$manifest")
  curl -sf "http://$HOST/v2/bench/os/blobs/$layer" -o "$WORK/payload"
  jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' <<< "$manifest" | base64 -d > "$WORK/sig.der"
  [ "$(jq -r '.critical.image["docker-manifest-digest"]' "$WORK/payload")" = "$digest" ]
  openssl dgst -sha256 -verify "$WORK/plain.pub" -signature "$WORK/sig.der" "$WORK/payload"
}

sign_plain=$(run "osimg sign (unencrypted key)" osimg sign --key "$WORK/plain.key" "$REF")
sign_enc=$(run "osimg sign (encrypted key)" env OSIMG_PASSWORD=bench "$ROOT/osimg" sign --key "$WORK/enc.key" "$REF")
verify=$(run "osimg verify" osimg verify -q "$REF")
verify_key=$(run "osimg verify --key" osimg verify -q --key "$WORK/plain.pub" "$REF")
script=$(run "curl + jq + openssl" script_verify)
overhead=$(echo "$verify_key - $verify" | bc -l)

echo
echo "== medians of $RUNS runs (seconds)"
printf '  osimg sign, unencrypted key   %6.3f\n' "$sign_plain"
printf '  osimg sign, encrypted key     %6.3f  (PBKDF2, 600 000 iterations)\n' "$sign_enc"
printf '  osimg verify                  %6.3f\n' "$verify"
printf '  osimg verify --key            %6.3f  (signature check adds %.3f)\n' "$verify_key" "$overhead"
printf '  curl + jq + openssl check     %6.3f\n' "$script"
printf '  ratio script / osimg check    %6.2f\n' "$(echo "$script / $overhead" | bc -l)"
