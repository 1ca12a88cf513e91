#!/usr/bin/env bash
# Builds the native benchmark programs (C, and the Rust one in bench/rust)
# and runs them side by side.
#   bench/c/run.sh LIBDIR BUILDDIR [compare.py options]
#   bench/c/run.sh LIBDIR BUILDDIR --build-only   (the C programs alone)
set -euo pipefail
LIBDIR=$(cd "$1" && pwd)
mkdir -p "$2"
BUILD=$(cd "$2" && pwd)
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CFLAGS=(-O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$ROOT/include" -I"$HERE")
cc -std=c11 "${CFLAGS[@]}" "$HERE/femto_bench.c" -L"$LIBDIR" -Wl,-rpath,"$LIBDIR" -lfemtologging -lpthread -o "$BUILD/femto_bench"
cc -std=c11 "${CFLAGS[@]}" "$HERE/floor_bench.c" -lpthread -o "$BUILD/floor_bench"
cc -std=c11 "${CFLAGS[@]}" "$HERE/core_to_core.c" -lpthread -o "$BUILD/core_to_core"
# shellcheck disable=SC2046
c++ -std=c++17 "${CFLAGS[@]}" "$HERE/spdlog_bench.cpp" $(pkg-config --cflags --libs spdlog) -o "$BUILD/spdlog_bench"
if [ "${1:-}" = --build-only ]; then
    exit 0
fi
cargo build -q --release -p femto-bench --manifest-path "$ROOT/Cargo.toml"
RUST_BIN=$(cargo metadata -q --format-version 1 --no-deps --manifest-path "$ROOT/Cargo.toml" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/femto-rust-bench
exec python3 "$HERE/compare.py" "$BUILD" --rust "$RUST_BIN" "$@"
