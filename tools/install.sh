#!/usr/bin/env bash
# Installs femtologging for C and C++ users (`make install` runs it):
#
#   tools/install.sh LIBDIR PREFIX [DESTDIR]
#
# LIBDIR is where cargo put the libraries (target/release). Installs into
# DESTDIR/PREFIX:
#   include/  femtologging.h, femtologging_inline.h, femtologging_python.h,
#             femtologging.hpp (the C++17 wrapper of bindings/cpp)
#   lib/      libfemtologging.so (its SONAME is its file name: one engine
#             per process, see ARCHITECTURE.md; the ABI version is checked at
#             run time), libfemtologging.a
#   lib/pkgconfig/femtologging.pc
#   lib/cmake/femtologging/  femtologging-config.cmake and its version file:
#             find_package(femtologging) gives femtologging::femtologging
#             (shared) and femtologging::femtologging_static.
# The files name PREFIX, not DESTDIR, so a staged tree works once moved into
# place; the CMake package finds its prefix from its own location.
set -euo pipefail

LIBDIR=$1
PREFIX=$2
DESTDIR=${3:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# What a static Rust library needs from the system
# (`cargo rustc -- --print native-static-libs`).
STATIC_DEPS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

case "$PREFIX" in
/*) ;;
*) echo "install: PREFIX must be an absolute path, not '$PREFIX'" >&2; exit 2 ;;
esac
for library in libfemtologging.so libfemtologging.a; do
    [ -f "$LIBDIR/$library" ] || { echo "install: $LIBDIR/$library is missing: run 'make build' first" >&2; exit 1; }
done

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml")
ABI=$(sed -n 's/^#define FEMTO_ABI_VERSION \([0-9]*\)$/\1/p' "$ROOT/include/femtologging.h")
STAGE=$DESTDIR$PREFIX

install -d "$STAGE/include" "$STAGE/lib/pkgconfig" "$STAGE/lib/cmake/femtologging"
install -m 644 "$ROOT/include/femtologging.h" "$ROOT/include/femtologging_inline.h" \
    "$ROOT/include/femtologging_python.h" "$ROOT/bindings/cpp/include/femtologging.hpp" "$STAGE/include/"
install -m 755 "$LIBDIR/libfemtologging.so" "$STAGE/lib/"
install -m 644 "$LIBDIR/libfemtologging.a" "$STAGE/lib/"
# Build outputs keep their debug information; an install does not need it.
strip --strip-unneeded "$STAGE/lib/libfemtologging.so"
strip --strip-debug "$STAGE/lib/libfemtologging.a"

cat >"$STAGE/lib/pkgconfig/femtologging.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: femtologging
Description: Logging engine with a stable C ABI (ABI version $ABI)
Version: $VERSION
Libs: -L\${libdir} -lfemtologging
Libs.private: $STATIC_DEPS
Cflags: -I\${includedir}
EOF

cat >"$STAGE/lib/cmake/femtologging/femtologging-config.cmake" <<EOF
# femtologging $VERSION (C ABI version $ABI), installed by tools/install.sh.
#   find_package(femtologging REQUIRED)
#   target_link_libraries(app PRIVATE femtologging::femtologging)         # shared
#   target_link_libraries(app PRIVATE femtologging::femtologging_static)  # static
get_filename_component(_femto_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET femtologging::femtologging)
  add_library(femtologging::femtologging SHARED IMPORTED)
  set_target_properties(femtologging::femtologging PROPERTIES
    IMPORTED_LOCATION "\${_femto_prefix}/lib/libfemtologging.so"
    IMPORTED_SONAME "libfemtologging.so"
    INTERFACE_INCLUDE_DIRECTORIES "\${_femto_prefix}/include")
  add_library(femtologging::femtologging_static STATIC IMPORTED)
  set_target_properties(femtologging::femtologging_static PROPERTIES
    IMPORTED_LOCATION "\${_femto_prefix}/lib/libfemtologging.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_femto_prefix}/include"
    INTERFACE_LINK_LIBRARIES "$(echo "$STATIC_DEPS" | sed 's/-l//g; s/ /;/g')")
endif()
set(femtologging_ABI_VERSION $ABI)
unset(_femto_prefix)
EOF

MAJOR=${VERSION%%.*}
MINOR=$(echo "$VERSION" | cut -d. -f2)
cat >"$STAGE/lib/cmake/femtologging/femtologging-config-version.cmake" <<EOF
# Compatible: the same major version, not older than asked for; before 1.0,
# the same minor version (0.x releases may change the C ABI).
set(PACKAGE_VERSION "$VERSION")
if(NOT PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(NOT PACKAGE_FIND_VERSION_MAJOR EQUAL $MAJOR)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif($MAJOR EQUAL 0 AND NOT PACKAGE_FIND_VERSION_MINOR EQUAL $MINOR)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
EOF
echo "installed femtologging $VERSION into $STAGE"
