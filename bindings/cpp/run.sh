#!/usr/bin/env bash
# Builds and runs the C++ wrapper's tests and example with g++
# -Wall -Wextra -Wpedantic -Werror under AddressSanitizer + UBSan (leak
# checking on), as C++17 and C++20.
#
#   bindings/cpp/run.sh LIBDIR BUILDDIR
set -euo pipefail

LIBDIR=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$2"
OUT=$(mktemp -d "$(cd "$2" && pwd)/cpp.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

FLAGS=(-Wall -Wextra -Wpedantic -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer -I"$ROOT/include" -I"$ROOT/bindings/cpp/include")
LINK=(-L"$LIBDIR" -Wl,-rpath,"$LIBDIR" -lfemtologging -lpthread)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for std in c++17 c++20; do
    echo "== bindings/cpp tests, -std=$std, ASan + UBSan"
    g++ -std=$std "${FLAGS[@]}" "$ROOT/bindings/cpp/tests/test_femtologging.cpp" "${LINK[@]}" -o "$OUT/test_$std"
    mkdir -p "$OUT/logs_$std"
    "$OUT/test_$std" "$OUT/logs_$std"
done

echo "== bindings/cpp example"
g++ -std=c++17 "${FLAGS[@]}" "$ROOT/bindings/cpp/examples/hello.cpp" "${LINK[@]}" -o "$OUT/hello"
(cd "$OUT" && ./hello >/dev/null)
grep -q "started with 4 workers" "$OUT/app.log" || { echo "FAILED: the example wrote no app.log line" >&2; exit 1; }
