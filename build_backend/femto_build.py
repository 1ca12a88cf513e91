"""PEP 517 build backend for femtologging: maturin, after staging the engine.

The wheel must carry exactly one engine: ``libfemtologging.so``, built from
``crates/femto-ffi``, beside the PyO3 extension that links it (RUNPATH
``$ORIGIN``). maturin builds only the extension, so this backend first runs
``cargo build -p femto-ffi`` and stages the library, the C header, the cffi
declarations and a pkg-config file inside ``python/femtologging``; maturin
then packs them with the extension. Everything else is maturin's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import maturin

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "femtologging"

PKG_CONFIG = """\
prefix=${{pcfiledir}}/..
libdir=${{prefix}}
includedir=${{prefix}}/include

Name: femtologging
Description: Logging engine with a stable C ABI (the copy inside the femtologging wheel)
Version: {version}
Libs: -L${{libdir}} -Wl,-rpath,${{libdir}} -lfemtologging
Cflags: -I${{includedir}}
"""


def _version() -> str:
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    match = re.search(r'^\[workspace\.package\][^\[]*?^version\s*=\s*"([^"]+)"', cargo, re.M | re.S)
    if not match:
        raise RuntimeError("no [workspace.package] version in Cargo.toml")
    return match.group(1)


def _stage_engine() -> None:
    cargo = os.environ.get("CARGO", "cargo")
    subprocess.run([cargo, "build", "--release", "-p", "femto-ffi"], cwd=ROOT, check=True)
    shutil.copy2(ROOT / "target" / "release" / "libfemtologging.so", PACKAGE / "libfemtologging.so")
    include = PACKAGE / "include"
    include.mkdir(exist_ok=True)
    for header in (
        "femtologging.h",
        "femtologging_inline.h",
        "femtologging_cffi.h",
        "femtologging_python.h",
    ):
        shutil.copy2(ROOT / "include" / header, include / header)
    pkgconfig = PACKAGE / "pkgconfig"
    pkgconfig.mkdir(exist_ok=True)
    (pkgconfig / "femtologging.pc").write_text(PKG_CONFIG.format(version=_version()), encoding="utf-8")
    # The extension's build script links the staged copy.
    os.environ["FEMTO_LIB_DIR"] = str(PACKAGE)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):  # noqa: ANN001, ANN201
    _stage_engine()
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):  # noqa: ANN001, ANN201
    _stage_engine()
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


build_sdist = maturin.build_sdist
get_requires_for_build_wheel = maturin.get_requires_for_build_wheel
get_requires_for_build_sdist = maturin.get_requires_for_build_sdist
get_requires_for_build_editable = maturin.get_requires_for_build_editable
prepare_metadata_for_build_wheel = maturin.prepare_metadata_for_build_wheel
prepare_metadata_for_build_editable = maturin.prepare_metadata_for_build_editable
