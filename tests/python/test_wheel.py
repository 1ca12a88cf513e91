"""The built wheel carries exactly one engine and everything C builds need."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

WHEEL_DIR = os.environ.get("FEMTO_WHEEL_DIR")


@pytest.mark.skipif(not WHEEL_DIR, reason="FEMTO_WHEEL_DIR not set (make test sets it)")
def test_wheel_holds_exactly_one_engine():
    wheels = sorted(Path(WHEEL_DIR).glob("femtologging-*.whl"))
    assert len(wheels) == 1, wheels
    names = zipfile.ZipFile(wheels[0]).namelist()
    engines = [n for n in names if Path(n).name.startswith("libfemtologging") and ".so" in n]
    assert engines == ["femtologging/libfemtologging.so"]
    for needed in (
        "femtologging/include/femtologging.h",
        "femtologging/include/femtologging_cffi.h",
        "femtologging/include/femtologging_python.h",
        "femtologging/pkgconfig/femtologging.pc",
        "femtologging/py.typed",
    ):
        assert needed in names
    assert [n for n in names if "_femtologging" in n and n.endswith(".so")] == ["femtologging/_femtologging.abi3.so"]


# The stripped wheel measured 3.0 MB on 2026-12-05 (unstripped: 12 MB); a
# build that ships debug information again fails here.
MAX_WHEEL_BYTES = 5_000_000


@pytest.mark.skipif(not WHEEL_DIR, reason="FEMTO_WHEEL_DIR not set (make test sets it)")
def test_wheel_is_one_an_index_accepts(tmp_path):
    (wheel,) = sorted(Path(WHEEL_DIR).glob("femtologging-*.whl"))
    # A manylinux platform tag (a package index refuses linux_x86_64), abi3.
    assert re.fullmatch(r"femtologging-[\d.]+-cp310-abi3-manylinux_2_\d+_x86_64\.whl", wheel.name), wheel.name
    tags = zipfile.ZipFile(wheel).read(next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("/WHEEL")))
    assert re.search(rb"^Tag: cp310-abi3-manylinux_2_\d+_x86_64$", tags, re.M), tags
    assert wheel.stat().st_size < MAX_WHEEL_BYTES, wheel.stat().st_size
    # Nothing grafted beside the engine (auditwheel's femtologging.libs/).
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if ".libs/" in n], names
    # Both libraries stripped of debug information; the extension still
    # finds the engine next to it.
    zipfile.ZipFile(wheel).extractall(tmp_path)
    for library in ("libfemtologging.so", "_femtologging.abi3.so"):
        sections = subprocess.run(
            ["readelf", "-S", "-W", str(tmp_path / "femtologging" / library)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert ".debug_info" not in sections, library
    dynamic = subprocess.run(
        ["readelf", "-d", str(tmp_path / "femtologging" / "_femtologging.abi3.so")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "[libfemtologging.so]" in dynamic
    assert "$ORIGIN" in dynamic
