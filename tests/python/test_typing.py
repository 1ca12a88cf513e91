"""``mypy --strict`` on code written against the standard library gives the
same result with ``import femtologging as logging``: the same errors, with
the same codes, on the same lines, and none in a program that is right."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "typing" / "stdlib_user.py"

pytestmark = pytest.mark.skipif(
    os.environ.get("FEMTOLOGGING_BACKEND") == "cffi",
    reason="typing does not depend on the backend: checked once, under the native one",
)

#: ``file:line: error: message  [code]``
_ERROR = re.compile(r"^[^:]+:(\d+): error: .*\[([a-z-]+)\]$")


def _substituted(source: str) -> str:
    """The sample with femtologging in place of ``logging``."""
    source = re.sub(r"^import logging$", "import femtologging as logging", source, flags=re.M)
    source = re.sub(r"^import logging\.(config|handlers)$", r"import femtologging.\1", source, flags=re.M)
    return re.sub(r"\blogging\.(config|handlers)\.", r"femtologging.\1.", source)


def _errors(path: Path, cache: Path) -> list[tuple[int, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(cache), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return [(int(m[1]), m[2]) for m in map(_ERROR.match, done.stdout.splitlines()) if m]


def test_mypy_strict_reports_the_same_with_femtologging(tmp_path: Path) -> None:
    stdlib = tmp_path / "stdlib_user.py"
    stdlib.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    femto = tmp_path / "femto_user.py"
    femto.write_text(_substituted(stdlib.read_text(encoding="utf-8")), encoding="utf-8")
    assert "import femtologging as logging" in femto.read_text(encoding="utf-8")
    expected = _errors(stdlib, tmp_path / "cache")
    # The sample's deliberate mistakes, and nothing else, against the standard library.
    mistakes = SAMPLE.read_text(encoding="utf-8").split("def mistakes", 1)[0].count("\n") + 1
    assert expected and all(line > mistakes for line, _ in expected), expected
    assert _errors(femto, tmp_path / "cache") == expected
