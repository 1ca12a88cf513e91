"""A C extension (examples/c/extension) logs into the same pipeline as
Python: same loggers, same handlers, same worker threads."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")


@pytest.fixture(scope="module")
def extension_dir(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("build_ext", ROOT / "examples/c/extension/build.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    out = tmp_path_factory.mktemp("ext")
    builder.build(out)
    return out


def test_python_and_c_threads_write_one_file(run_script, tmp_path, extension_dir):
    result = run_script(
        """
        import sys, threading
        sys.path.insert(0, sys.argv[2])
        import femtologging as logging
        import femto_ext

        log = logging.getLogger("shared")
        log.setLevel(logging.INFO)
        log.propagate = False
        handler = logging.FileHandler(sys.argv[1])
        handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
        log.addHandler(handler)

        N = 20_000
        def python_work(n):
            for i in range(N):
                log.info("py thread %d record %d", n, i)
        threads = [threading.Thread(target=python_work, args=(n,)) for n in range(4)]
        threads.append(threading.Thread(target=femto_ext.log_from_threads, args=("shared.c", 4, N)))
        for t in threads:
            t.start()
        femto_ext.log("shared.c", logging.WARNING, "from the calling thread")
        for t in threads:
            t.join()
        logging.shutdown()
        """,
        str(tmp_path / "shared.log"),
        str(extension_dir),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "shared.log").read_text().splitlines()
    assert len(lines) == 4 * 20_000 + 4 * 20_000 + 1
    assert len(set(lines)) == len(lines)
    assert sum(line.startswith("shared.c C thread ") for line in lines) == 4 * 20_000
    assert "shared.c from the calling thread" in lines


def test_extension_respects_levels_set_in_python(run_script, tmp_path, extension_dir):
    result = run_script(
        """
        import io, sys
        sys.path.insert(0, sys.argv[1])
        import femtologging as logging
        import femto_ext

        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s %(funcName)s %(message)s"))
        log = logging.getLogger("levels")
        log.addHandler(handler)
        log.setLevel(logging.WARNING)
        femto_ext.log("levels.c", logging.INFO, "hidden")
        femto_ext.log("levels.c", logging.ERROR, "shown")
        handler.flush()
        print(stream.getvalue(), end="")
        """,
        str(extension_dir),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ERROR ext_log shown\n"
