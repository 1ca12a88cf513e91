#!/usr/bin/env python3
"""Fails when an export or public type in the generated header has no doc comment.

cbindgen copies Rust doc comments into the header as `//` lines; a
declaration without one means an undocumented export.
"""

import re
import sys

DECLARATION = re.compile(
    r"^(?:typedef\s+(?:struct|enum)\s+(?P<type>\w+)\s*[{;]"
    r"|typedef\s+[\w\s\*]+\(\*(?P<callback>\w+)\)"
    r"|[\w\s\*]+?\b(?P<function>femto_\w+)\s*\()"
)


def undocumented(lines):
    missing = []
    in_body = False
    for number, line in enumerate(lines):
        if line.startswith("/* ---"):
            break  # the hand-written trailer documents itself
        match = DECLARATION.match(line)
        if not match or line.startswith((" ", "\t")) or in_body:
            in_body = in_body and not line.startswith("}")
            continue
        name = match.group("type") or match.group("callback") or match.group("function")
        previous = lines[number - 1].strip() if number else ""
        if not previous.startswith(("//", "*", "/*")):
            missing.append((number + 1, name))
    return missing


def main(path):
    with open(path, encoding="utf-8") as header:
        lines = header.read().splitlines()
    missing = undocumented(lines)
    for number, name in missing:
        print(f"{path}:{number}: `{name}` has no doc comment", file=sys.stderr)
    exports = sum(1 for line in lines if re.match(r"^[\w\s\*]+\bfemto_\w+\(", line))
    if exports < 40:
        print(f"{path}: only {exports} exports found; is the header complete?", file=sys.stderr)
        return 1
    print(f"{path}: {exports} exports, every declaration documented" if not missing else "")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
