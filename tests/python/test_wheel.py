"""The built wheel carries exactly one engine and everything C builds need."""

from __future__ import annotations

import os
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
