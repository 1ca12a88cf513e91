#!/usr/bin/env python3
"""Compares the C ABI with its committed baseline.

    check_abi.py CDEF LIBRARY BASELINE            # fails on a break or an unrecorded change
    check_abi.py CDEF LIBRARY BASELINE --update   # records the current ABI

The ABI is read the way a C compiler lays it out: cffi parses the generated
declarations (the cdef, the same text the Python fallback loads) and reports
every function's signature, every struct's size and field offsets, and every
constant. The library's exported ``femto_*`` symbols must be exactly the
declared functions.

Under the same ``FEMTO_ABI_VERSION`` as the baseline, a change is compatible
only if it adds: new functions, new constants, new structs, and new fields
at the end of a versioned struct (one whose first field is ``size``). A
removed or changed function, a moved or retyped field, a grown struct
without ``size``, or a changed constant is a break: bump ``FEMTO_ABI_VERSION``
and record the new baseline. Compatible additions must be recorded too
(``make abi-baseline``), so the baseline always describes the library.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import cffi

# Constants that change with every release and are not part of the ABI.
_RELEASE_CONSTANTS = re.compile(r"FEMTO_VERSION_")


def describe(cdef_path: str, library_path: str) -> dict[str, Any]:
    """The ABI as laid out by the compiler cffi models."""
    with open(cdef_path, encoding="utf-8") as handle:
        cdef = handle.read()
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    lib = ffi.dlopen(library_path)
    functions: dict[str, str] = {}
    constants: dict[str, int] = {}
    for name in sorted(dir(lib)):
        value = getattr(lib, name)
        if isinstance(value, int):
            if not _RELEASE_CONSTANTS.match(name):
                constants[name] = value
        else:
            functions[name] = ffi.typeof(value).cname
    structs: dict[str, Any] = {}
    for name in sorted(set(re.findall(r"typedef struct (\w+) \{", cdef))):
        ctype = ffi.typeof(name)
        structs[name] = {
            "size": ffi.sizeof(ctype),
            "fields": [[field, info.offset, info.type.cname] for field, info in ctype.fields],
        }
    return {
        "abi_version": lib.FEMTO_ABI_VERSION,
        "functions": functions,
        "structs": structs,
        "constants": constants,
    }


def exported_symbols(library_path: str) -> set[str]:
    """The ``femto_*`` functions the shared library exports."""
    output = subprocess.run(
        ["nm", "-D", "--defined-only", library_path], check=True, capture_output=True, text=True
    ).stdout
    return {line.split()[-1] for line in output.splitlines() if line.split()[-1].startswith("femto_")}


def compare(baseline: dict[str, Any], current: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(breaks, additions) of `current` against `baseline`."""
    breaks: list[str] = []
    additions: list[str] = []
    for name, signature in baseline["functions"].items():
        now = current["functions"].get(name)
        if now is None:
            breaks.append(f"function {name} was removed")
        elif now != signature:
            breaks.append(f"function {name} changed: {signature} -> {now}")
    additions += [f"function {name}" for name in current["functions"] if name not in baseline["functions"]]
    for name, value in baseline["constants"].items():
        now = current["constants"].get(name)
        if now is None:
            breaks.append(f"constant {name} was removed")
        elif now != value:
            breaks.append(f"constant {name} changed: {value} -> {now}")
    additions += [f"constant {name}" for name in current["constants"] if name not in baseline["constants"]]
    for name, layout in baseline["structs"].items():
        now = current["structs"].get(name)
        if now is None:
            breaks.append(f"struct {name} was removed")
            continue
        old_fields, new_fields = layout["fields"], now["fields"]
        if new_fields[: len(old_fields)] != old_fields:
            breaks.append(f"struct {name}: fields moved or changed: {old_fields} -> {new_fields}")
        elif now["size"] != layout["size"] or len(new_fields) != len(old_fields):
            versioned = bool(old_fields) and old_fields[0][0] == "size"
            grown = [field[0] for field in new_fields[len(old_fields) :]]
            if now["size"] < layout["size"] or not versioned:
                breaks.append(f"struct {name} changed size {layout['size']} -> {now['size']} (no `size` field)")
            else:
                additions.append(f"struct {name} fields {', '.join(grown)}")
    additions += [f"struct {name}" for name in current["structs"] if name not in baseline["structs"]]
    return breaks, additions


def main(argv: list[str]) -> int:
    cdef_path, library_path, baseline_path = argv[:3]
    current = describe(cdef_path, library_path)
    exported = exported_symbols(library_path)
    declared = set(current["functions"])
    if exported != declared:
        print(f"exported but not declared: {sorted(exported - declared)}", file=sys.stderr)
        print(f"declared but not exported: {sorted(declared - exported)}", file=sys.stderr)
        return 1
    if "--update" in argv:
        with open(baseline_path, "w", encoding="utf-8") as handle:
            json.dump(current, handle, indent=1, sort_keys=True)
            handle.write("\n")
        print(f"abi: recorded ABI {current['abi_version']} in {baseline_path}")
        return 0
    with open(baseline_path, encoding="utf-8") as handle:
        baseline = json.load(handle)
    if baseline["abi_version"] != current["abi_version"]:
        print(
            f"abi: FEMTO_ABI_VERSION is {current['abi_version']}, the baseline records "
            f"{baseline['abi_version']}: run 'make abi-baseline' and commit it",
            file=sys.stderr,
        )
        return 1
    breaks, additions = compare(baseline, current)
    for line in breaks:
        print(f"abi break: {line}", file=sys.stderr)
    if breaks:
        print("abi: these break callers built against the baseline; bump FEMTO_ABI_VERSION", file=sys.stderr)
        return 1
    if additions:
        for line in additions:
            print(f"abi addition: {line}", file=sys.stderr)
        print("abi: compatible additions not recorded: run 'make abi-baseline' and commit it", file=sys.stderr)
        return 1
    print(
        f"abi: ABI {current['abi_version']} matches the baseline ({len(current['functions'])} functions, "
        f"{len(current['structs'])} structs, {len(current['constants'])} constants)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
