"""PEP 517 build backend for femtologging: maturin, after staging the engine.

The wheel must carry exactly one engine: ``libfemtologging.so``, built from
``crates/femto-ffi``, beside the PyO3 extension that links it (RUNPATH
``$ORIGIN``). maturin builds only the extension, so this backend first runs
``cargo build -p femto-ffi`` and stages the library, the C header, the cffi
declarations and a pkg-config file inside ``python/femtologging``; maturin
then packs them with the extension. Everything else is maturin's.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
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


def _cargo() -> str:
    """The cargo to build with, or one clear sentence and exit when there is none."""
    cargo = os.environ.get("CARGO", "cargo")
    if shutil.which(cargo) is None:
        sys.stderr.write(
            "femtologging: building from source needs Rust (cargo, 1.85 or newer), which was not found: "
            "install it from https://rustup.rs (or set CARGO to its path) and run the install again.\n"
        )
        raise SystemExit(1)
    return cargo


def _stage_engine() -> None:
    subprocess.run([_cargo(), "build", "--release", "-p", "femto-ffi"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    shutil.copy2(target / "release" / "libfemtologging.so", PACKAGE / "libfemtologging.so")
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


# maturin's sdist holds the extension's crates only; the engine is built by
# this backend, so the sdist also needs the backend, the engine's crates and
# the committed headers, and a workspace that lists them.
SDIST_EXTRA = ("build_backend", "crates/femto-core", "crates/femto-ffi", "include")
SDIST_MEMBERS = ["crates/femto-abi", "crates/femto-core", "crates/femto-ffi", "crates/femto-py"]


def _sdist_workspace() -> bytes:
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    members = "members = [" + ", ".join(f'"{member}"' for member in SDIST_MEMBERS) + "]"
    cargo, count = re.subn(r"^members = \[.*?\]$", members, cargo, count=1, flags=re.M)
    if count != 1:
        raise RuntimeError("no [workspace] members line in Cargo.toml")
    return cargo.encode()


def _complete_sdist(path: Path) -> None:
    with tarfile.open(path, "r:gz") as original:
        members = [(member, original.extractfile(member)) for member in original.getmembers()]
        contents = [(member, data.read() if data else None) for member, data in members]
    top = contents[0][0].name.split("/")[0]
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as completed:
        for member, data in contents:
            if member.name == f"{top}/Cargo.toml":
                data = _sdist_workspace()
                member.size = len(data)
            completed.addfile(member, io.BytesIO(data) if data is not None else None)
        for folder in SDIST_EXTRA:
            for file in sorted((ROOT / folder).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts and "target" not in file.parts:
                    completed.add(file, arcname=f"{top}/{file.relative_to(ROOT)}", recursive=False)


def build_sdist(sdist_directory, config_settings=None):  # noqa: ANN001, ANN201
    name = maturin.build_sdist(sdist_directory, config_settings)
    _complete_sdist(Path(sdist_directory) / name)
    return name


def get_requires_for_build_wheel(config_settings=None):  # noqa: ANN001, ANN201
    _cargo()  # before maturin asks cargo anything
    return maturin.get_requires_for_build_wheel(config_settings)


get_requires_for_build_sdist = maturin.get_requires_for_build_sdist
get_requires_for_build_editable = maturin.get_requires_for_build_editable


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):  # noqa: ANN001, ANN201
    _cargo()
    return maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


prepare_metadata_for_build_editable = maturin.prepare_metadata_for_build_editable
