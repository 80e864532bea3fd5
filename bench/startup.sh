#!/usr/bin/env bash
# Start-up time of the CLI on a built tree: ./osimg --version (goal: within 0.5 s), with the
# ahead-of-time class cache the launcher records, and without it for comparison.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/osimg" --version >/dev/null
java="${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25* | head -n 1)}/bin/java"
jar="$root/osimg-cli/target/osimg-cli.jar"
hyperfine -N --warmup 3 --runs "${RUNS:-20}" \
    -n "./osimg --version (AOT cache)" "$root/osimg --version" \
    -n "java -jar, no cache" "$java -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -jar $jar --version"
