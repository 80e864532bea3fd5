#!/usr/bin/env bash
# Makes a root-filesystem-like payload: an ext4 image filled (mkfs.ext4 -d) with a copy of /usr/bin,
# /usr/share and /usr/lib/x86_64-linux-gnu (executables, libraries, text, compressed documentation),
# cut to SIZE_MIB so that it is file data, not empty space. Kept when it exists.
# Usage: bench/rootfs.sh SIZE_MIB OUT
set -euo pipefail
size_mib="$1"
out="$2"
[ -f "$out" ] && exit 0
src="$out.src"
rm -rf "$src"
mkdir -p "$src/usr/lib"
# Hard links: the same files without copying them (when on the same filesystem as /usr).
cp -al /usr/bin /usr/share "$src/usr/" 2>/dev/null || cp -a /usr/bin /usr/share "$src/usr/"
cp -al /usr/lib/x86_64-linux-gnu "$src/usr/lib/" 2>/dev/null || cp -a /usr/lib/x86_64-linux-gnu "$src/usr/lib/"
truncate -s "$((size_mib * 3))M" "$out.tmp"
# The filesystem is smaller than the files: mkfs stops when it is full, which is what is wanted.
mkfs.ext4 -q -F -E root_owner=0:0 -d "$src" "$out.tmp" 2>/dev/null || true
truncate -s "${size_mib}M" "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$src"
