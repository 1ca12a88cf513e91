"""Packaging: backends, the capsule, ABI checks, paths for C builds."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import femtologging
import pytest


def test_backend_is_reported():
    assert femtologging.BACKEND in ("native", "cffi")


def test_version_matches_the_library():
    assert femtologging.__version__ == femtologging._backend.engine.version()


def test_every_struct_field_lies_where_the_header_puts_it():
    """The Rust types both the library and the native module are built from
    (femto-abi) against cffi's C layout of the generated declarations:
    every struct's size and every field's offset, and the same fields."""
    from femtologging import _cffi_backend, _femtologging

    rust = sorted(_femtologging.struct_layout())
    c = sorted(_cffi_backend.struct_layout())
    assert {name for name, _, _ in c} >= {"femto_api", "femto_log_args", "femto_handler_options", "femto_record"}
    assert rust == c


def test_handles_are_objects_not_numbers():
    """No number reaches the library as a handle: functions taking one
    refuse anything but the owning object."""
    from femtologging import _femtologging

    handler = _femtologging.null_handler_new()
    for bad in (0, 1, 123456789, None, "x"):
        with pytest.raises(TypeError):
            _femtologging.handler_flush(bad, 0)
        with pytest.raises(TypeError):
            _femtologging.logger_get_level(bad)
    with pytest.raises(TypeError):
        _femtologging.logger_add_handler(_femtologging.logger_get("app"), _femtologging.formatter_new(0, "%(message)s"))
    assert _femtologging.handler_flush(handler, 0) in (True, False)
    assert _femtologging.logger_get("app") == _femtologging.logger_get("app")


def test_capsule_holds_the_librarys_function_table():
    from femtologging import _femtologging

    capsule = _femtologging._C_API
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    table = get_pointer(capsule, b"femtologging._femtologging._C_API")
    library = ctypes.CDLL(os.path.join(femtologging.get_library_dir(), "libfemtologging.so"))
    library.femto_api_get.restype = ctypes.c_void_p
    assert table == library.femto_api_get()
    assert ctypes.c_size_t.from_address(table).value > 0  # femto_api.size


def test_paths_for_c_builds():
    assert Path(femtologging.get_include(), "femtologging.h").is_file()
    assert Path(femtologging.get_library_dir(), "libfemtologging.so").is_file()
    pc = Path(femtologging.get_pkgconfig_dir(), "femtologging.pc").read_text()
    assert f"Version: {femtologging.__version__}" in pc and "-lfemtologging" in pc


def test_one_engine_in_the_process():
    """The extension links the bundled library rather than carrying its own engine."""
    maps = Path("/proc/self/maps").read_text()
    engines = {line.split()[-1] for line in maps.splitlines() if "libfemtologging" in line}
    assert len(engines) == 1, engines


def test_unknown_backend_is_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-c", "import femtologging"],
        env={**os.environ, "FEMTOLOGGING_BACKEND": "fortran"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "expected 'native' or 'cffi'" in result.stderr


def test_the_cffi_backend_without_cffi_says_what_to_install():
    """cffi is an optional dependency: the fallback without it is a clear ImportError."""
    hide_cffi = "import sys; sys.modules['cffi'] = None; import femtologging"
    result = subprocess.run(
        [sys.executable, "-c", hide_cffi],
        env={**os.environ, "FEMTOLOGGING_BACKEND": "cffi"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImportError: femtologging: the cffi backend needs the cffi package: pip install 'femtologging[cffi]'" in (
        result.stderr
    )
    # The native backend does not need it.
    native = subprocess.run(
        [sys.executable, "-c", hide_cffi + "; print(femtologging.BACKEND)"],
        env={**os.environ, "FEMTOLOGGING_BACKEND": "native"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert native.stdout.strip() == "native"


def test_cffi_is_used_when_the_extension_cannot_load(tmp_path):
    """A broken extension falls back to cffi (simulated by shadowing it)."""
    shadow = tmp_path / "femtologging"
    shadow.mkdir()
    source = Path(femtologging.__file__).parent
    for item in source.iterdir():
        if item.name.startswith("_femtologging"):
            continue
        target = shadow / item.name
        target.symlink_to(item)
    result = subprocess.run(
        [sys.executable, "-c", "import femtologging; print(femtologging.BACKEND)"],
        env={k: v for k, v in os.environ.items() if k != "FEMTOLOGGING_BACKEND"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "cffi", result.stderr
