"""Builds femto_ext next to this file: only a C compiler, Python's headers
and femtologging's header are needed (no link flags: the extension calls
the engine through the capsule's function table).

    python examples/c/extension/build.py [OUTPUT_DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import femtologging


def build(output_dir: Path) -> Path:
    here = Path(__file__).resolve().parent
    target = output_dir / f"femto_ext{sysconfig.get_config_var('EXT_SUFFIX')}"
    command = [
        os.environ.get("CC", "cc"),
        "-shared",
        "-fPIC",
        "-O2",
        "-std=c11",
        "-D_GNU_SOURCE",
        "-Wall",
        "-Wextra",
        "-Werror",
        f"-I{sysconfig.get_paths()['include']}",
        f"-I{femtologging.get_include()}",
        str(here / "femto_ext.c"),
        "-lpthread",
        "-o",
        str(target),
    ]
    subprocess.run(command, check=True)
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    print(build(out))
