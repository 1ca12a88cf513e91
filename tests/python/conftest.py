"""The suite runs once per backend: ``make test`` sets FEMTOLOGGING_BACKEND."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import femtologging
import pytest


def pytest_report_header() -> str:
    return f"femtologging {femtologging.__version__}, backend {femtologging.BACKEND}"


@pytest.fixture(scope="session", autouse=True)
def expected_backend() -> None:
    wanted = os.environ.get("FEMTOLOGGING_BACKEND")
    if wanted:
        assert femtologging.BACKEND == wanted


@pytest.fixture
def run_script(tmp_path: Path):
    """Runs a Python program in a fresh interpreter (same backend); returns
    its completed process."""

    def run(source: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        script = tmp_path / "script.py"
        script.write_text(textwrap.dedent(source), encoding="utf-8")
        return subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
            check=False,
        )

    return run


@pytest.fixture
def logger(request):
    """A logger of the test's own (DEBUG, not propagating); its handlers
    are removed and closed after the test. Modules that need another kind
    define their own ``logger``."""
    name = f"{request.module.__name__}.{request.node.name}".replace("[", "_").replace("]", "_")
    log = femtologging.getLogger(name)
    log.setLevel(femtologging.DEBUG)
    log.propagate = False
    yield log
    for handler in log.handlers[:]:
        log.removeHandler(handler)
        handler.close()
