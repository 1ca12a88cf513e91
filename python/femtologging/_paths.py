"""Where a C build finds femtologging's header, library and pkg-config file."""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def get_include() -> str:
    """The directory holding ``femtologging.h`` (for ``-I``)."""
    return os.path.join(_HERE, "include")


def get_library_dir() -> str:
    """The directory holding ``libfemtologging.so`` (for ``-L`` and an rpath)."""
    return _HERE


def get_pkgconfig_dir() -> str:
    """The directory holding ``femtologging.pc`` (for ``PKG_CONFIG_PATH``)."""
    return os.path.join(_HERE, "pkgconfig")
