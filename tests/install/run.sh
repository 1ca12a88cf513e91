#!/usr/bin/env bash
# `make install` as a C or C++ user meets it: installs into a scratch
# prefix, then builds and runs small consumers through pkg-config and
# through the CMake package, shared and static. A DESTDIR install is
# checked for its layout and for naming PREFIX, not the staging directory.
#
#   tests/install/run.sh BUILDDIR
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
OUT=$(mktemp -d "$(cd "$1" && pwd)/install.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
HERE=$ROOT/tests/install
PREFIX=$OUT/prefix

expect_log() { # file text
    grep -q "$2" "$1" || { echo "FAILED: '$2' not in $1" >&2; cat "$1" >&2; exit 1; }
}

echo "== make install PREFIX=$PREFIX"
make -s -C "$ROOT" install PREFIX="$PREFIX" >/dev/null
readelf -d "$PREFIX/lib/libfemtologging.so" | grep -q 'SONAME.*\[libfemtologging.so\]'
! readelf -S "$PREFIX/lib/libfemtologging.so" | grep -q '\.debug_' || { echo "FAILED: debug info installed" >&2; exit 1; }

echo "== pkg-config"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
[ "$(pkg-config --modversion femtologging)" = "$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)" ]
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c11 -Wall -Wextra -Werror "$HERE/consumer.c" $(pkg-config --cflags --libs femtologging) \
    -Wl,-rpath,"$PREFIX/lib" -o "$OUT/pc_consumer"
"$OUT/pc_consumer" "$OUT/pc.log"
expect_log "$OUT/pc.log" "hello from C, ABI"
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Wextra -Werror "$HERE/consumer.cpp" $(pkg-config --cflags --libs femtologging) \
    -Wl,-rpath,"$PREFIX/lib" -o "$OUT/pc_consumer_cpp"
"$OUT/pc_consumer_cpp" "$OUT/pc_cpp.log"
expect_log "$OUT/pc_cpp.log" "hello from C++, ABI"
# Static: the archive by name, its system libraries from Libs.private.
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$HERE/consumer.c" $(pkg-config --cflags femtologging) \
    "$PREFIX/lib/libfemtologging.a" $(pkg-config --libs-only-other --libs-only-l --static femtologging | sed 's/-lfemtologging//') \
    -o "$OUT/pc_consumer_static"
! readelf -d "$OUT/pc_consumer_static" | grep -q libfemtologging || { echo "FAILED: static consumer needs the .so" >&2; exit 1; }
"$OUT/pc_consumer_static" "$OUT/pc_static.log"
expect_log "$OUT/pc_static.log" "hello from C, ABI"

echo "== CMake: find_package(femtologging)"
cmake -S "$HERE" -B "$OUT/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$OUT/cmake" -j 2 >/dev/null
"$OUT/cmake/consumer" "$OUT/cmake.log"
"$OUT/cmake/consumer_static" "$OUT/cmake_static.log"
"$OUT/cmake/consumer_cpp" "$OUT/cmake_cpp.log"
expect_log "$OUT/cmake.log" "hello from C, ABI"
expect_log "$OUT/cmake_static.log" "hello from C, ABI"
expect_log "$OUT/cmake_cpp.log" "hello from C++, ABI"
readelf -d "$OUT/cmake/consumer" | grep -q 'NEEDED.*\[libfemtologging.so\]'
! readelf -d "$OUT/cmake/consumer_static" | grep -q libfemtologging || { echo "FAILED: static target needs the .so" >&2; exit 1; }
# A version the package does not promise is refused.
mkdir -p "$OUT/too-new"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(too_new NONE)\nfind_package(femtologging 9.0 REQUIRED)\n' \
    >"$OUT/too-new/CMakeLists.txt"
if cmake -S "$OUT/too-new" -B "$OUT/too-new/build" -DCMAKE_PREFIX_PATH="$PREFIX" >"$OUT/too-new.log" 2>&1; then
    echo "FAILED: find_package(femtologging 9.0) accepted version 0.x" >&2
    exit 1
fi
grep -q 'not accepted' "$OUT/too-new.log" || { cat "$OUT/too-new.log" >&2; exit 1; }

echo "== make install DESTDIR=... PREFIX=/opt/femtologging"
make -s -C "$ROOT" install DESTDIR="$OUT/stage" PREFIX=/opt/femtologging >/dev/null
for file in include/femtologging.h include/femtologging_inline.h include/femtologging.hpp \
    lib/libfemtologging.so lib/libfemtologging.a lib/pkgconfig/femtologging.pc \
    lib/cmake/femtologging/femtologging-config.cmake lib/cmake/femtologging/femtologging-config-version.cmake; do
    [ -f "$OUT/stage/opt/femtologging/$file" ] || { echo "FAILED: $file not staged" >&2; exit 1; }
done
grep -qx 'prefix=/opt/femtologging' "$OUT/stage/opt/femtologging/lib/pkgconfig/femtologging.pc"
! grep -rq "$OUT/stage" "$OUT/stage/opt/femtologging/lib/pkgconfig" "$OUT/stage/opt/femtologging/lib/cmake" ||
    { echo "FAILED: the staging directory leaked into installed files" >&2; exit 1; }
echo "install: pkg-config and CMake consumers (shared, static, C++) passed"
