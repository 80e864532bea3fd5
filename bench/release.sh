#!/usr/bin/env bash
# Size and start-up of the release (scripts/release) against ./osimg from the source tree:
# `osimg --version` and `osimg inspect` of a small image, whole processes, with hyperfine.
# Usage: bench/release.sh   (run scripts/release first; RUNS=20 by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -n 1)"
arch="$(dpkg --print-architecture)"
tarball="$root/dist/osimg-$version-linux-$arch.tar.gz"
deb="$root/dist/osimg_${version}_${arch}.deb"
[ -f "$tarball" ] || { echo "bench/release.sh: run scripts/release first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$tarball"
release="$work/osimg-$version/bin/osimg"
printf 'tarball %s: %.1f MiB (unpacked %s)\n' "$(basename "$tarball")" "$(echo "$(stat -c %s "$tarball") / 1048576" | bc -l)" \
    "$(du -sh "$work/osimg-$version" | cut -f1)"
printf 'deb %s: %.1f MiB\n' "$(basename "$deb")" "$(echo "$(stat -c %s "$deb") / 1048576" | bc -l)"
head -c 1048576 /dev/urandom > "$work/system"
"$root/osimg" build -q --out "$work/img" --payload system="$work/system" >/dev/null
hyperfine -N --warmup 3 --runs "${RUNS:-20}" \
    -n "release --version" "$release --version" \
    -n "./osimg --version" "$root/osimg --version" \
    -n "release inspect" "$release inspect $work/img" \
    -n "./osimg inspect" "$root/osimg inspect $work/img"
