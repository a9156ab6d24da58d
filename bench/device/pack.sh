#!/usr/bin/env bash
# Packs what gpu-check.sh needs on a device machine, which has no Java: a jlink'd Java runtime and
# the server, CLI and model-server jars without other platforms' ONNX Runtime libraries, as one
# solid xz archive, CARRY/carry.txz (what travels there is limited to 64 MiB).
# Usage, from the repository root after `./mvnw -DskipTests package`:
#   bash bench/device/pack.sh CARRY
# CARRY should be a folder that git ignores (e.g. listed in .git/info/exclude), named in `carry`.
set -euo pipefail
CARRY="${1:?carry dir}"
ROOT="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The modules Spring Boot, H2, Netty, grpc-java and ONNX Runtime use; --strip-debug and no man
# pages or headers keep it small.
jlink --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs,jdk.httpserver \
  --strip-debug --no-header-files --no-man-pages --output "$work/jre"
for jar in capstan-server/target/capstan-server.jar capstan-cli/target/capstan-cli.jar \
  capstan-serving/target/capstan-model-server.jar; do
  [ -f "$ROOT/$jar" ] || { echo "missing $jar: run ./mvnw -DskipTests package first" >&2; exit 1; }
  python3 "$ROOT/bench/device/strip_jar.py" "$ROOT/$jar" "$work/$(basename "$jar")"
done
mkdir -p "$CARRY"
tar cf - -C "$work" jre capstan-server.jar capstan-cli.jar capstan-model-server.jar \
  | xz -T0 -9 >"$CARRY/carry.txz"
ls -l "$CARRY/carry.txz"
