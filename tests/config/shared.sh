#!/usr/bin/env bash
# One TOML file configures a C, a Rust and a Python program alike: each
# runs examples/config/logging.toml in a directory of its own, and the
# logs they write must be identical, byte for byte.
#
#   tests/config/shared.sh LIBDIR BUILDDIR PYTHON
set -euo pipefail

LIBDIR=$(cd "$1" && pwd)
mkdir -p "$2"
BUILD=$(cd "$2" && pwd)
PYTHON=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONFIG=$ROOT/examples/config/logging.toml
OUT=$(mktemp -d "$BUILD/shared-config.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$ROOT/include" "$ROOT/examples/c/configured.c" \
    -L"$LIBDIR" -Wl,-rpath,"$LIBDIR" -lfemtologging -o "$OUT/configured_c"
cargo build -q -p femto-core --example configured --manifest-path "$ROOT/Cargo.toml"
RUST_BIN=$(cargo metadata -q --format-version 1 --no-deps --manifest-path "$ROOT/Cargo.toml" |
    "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/debug/examples/configured

mkdir "$OUT/c" "$OUT/rust" "$OUT/python-native" "$OUT/python-cffi"
(cd "$OUT/c" && "$OUT/configured_c" "$CONFIG")
(cd "$OUT/rust" && "$RUST_BIN" "$CONFIG")
for backend in native cffi; do
    (cd "$OUT/python-$backend" &&
        FEMTOLOGGING_BACKEND=$backend "$PYTHON" "$ROOT/examples/python/configured.py" "$CONFIG")
done

status=0
for log in app.log problems.log db.log; do
    [ -s "$OUT/c/$log" ] || { echo "the C program wrote no $log" >&2; status=1; continue; }
    for other in rust python-native python-cffi; do
        diff -u "$OUT/c/$log" "$OUT/$other/$log" >&2 ||
            { echo "$other's $log differs from C's" >&2; status=1; }
    done
done
[ "$(wc -l < "$OUT/c/app.log")" -eq 5 ] || { echo "app.log should hold 5 records" >&2; status=1; }
[ "$status" -eq 0 ] && echo "shared configuration: C, Rust and Python (both backends) wrote the same 3 logs"
exit "$status"
