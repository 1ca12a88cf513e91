#!/usr/bin/env python3
"""Checks that cffi parses the generated cdef and can call the library with it.

    check_cdef.py include/femtologging_cffi.h target/release/libfemtologging.so

This is the declaration file the Python fallback backend will load in ABI
mode (`ffi.dlopen`), so it must stay parseable by cffi.
"""

import sys

import cffi


def main(cdef_path, library_path):
    ffi = cffi.FFI()
    with open(cdef_path, encoding="utf-8") as cdef:
        ffi.cdef(cdef.read())
    lib = ffi.dlopen(library_path)
    abi = lib.femto_abi_version()
    if abi != lib.FEMTO_ABI_VERSION:
        print(f"ABI mismatch: library {abi}, cdef {lib.FEMTO_ABI_VERSION}", file=sys.stderr)
        return 1
    level = ffi.new("int32_t *")
    name = b"warn"
    if lib.femto_level_from_name(name, len(name), level) != lib.FEMTO_STATUS_OK or level[0] != 30:
        print("femto_level_from_name failed through cffi", file=sys.stderr)
        return 1
    api = lib.femto_api_get()
    if api.size != ffi.sizeof("femto_api"):
        print(f"femto_api size {api.size} != {ffi.sizeof('femto_api')}", file=sys.stderr)
        return 1
    version = ffi.string(lib.femto_version()).decode()
    print(f"cffi: cdef parsed, library {version} (ABI {abi}) callable")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
