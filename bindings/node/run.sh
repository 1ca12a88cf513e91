#!/usr/bin/env bash
# Tests the Node.js binding against an installed femtologging: installs the
# built library into a scratch prefix, installs koffi from the npm registry
# (`npm ci`, pinned by package-lock.json; a no-op when already there), then
# node --test and the example.
#
#   bindings/node/run.sh LIBDIR BUILDDIR
set -euo pipefail

LIBDIR=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$2"
OUT=$(mktemp -d "$(cd "$2" && pwd)/node.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
"$ROOT/tools/install.sh" "$LIBDIR" "$OUT/prefix" >/dev/null
export FEMTOLOGGING_LIBRARY=$OUT/prefix/lib/libfemtologging.so
cd "$ROOT/bindings/node"

if ! node -e "require('koffi')" 2>/dev/null || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
echo "== bindings/node: node --test"
node --test test/
echo "== bindings/node: the example"
node example/hello.js "$OUT/app.log" | grep -q "refused: femto_handler_new: path" ||
    { echo "FAILED: the example did not report the bad description" >&2; exit 1; }
grep -q "INFO app: started with 4 workers" "$OUT/app.log" || { echo "FAILED: the example's log" >&2; exit 1; }
