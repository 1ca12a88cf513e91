"""Handlers that write files run on worker threads; ``flush()`` is the
barrier, and test suites can ask for write-through (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
import sys, threading
import femtologging

femtologging.basicConfig(filename=sys.argv[1], format="%(message)s", level=femtologging.INFO)
{switch}
log = femtologging.getLogger("app")

def check(prefix):
    for i in range(100):
        line = f"{{prefix}} {{i}}"
        log.info(line)
        with open(sys.argv[1]) as file:
            assert line + "\\n" in file.read(), line

threads = [threading.Thread(target=check, args=(f"thread {{t}}",)) for t in range(3)]
for thread in threads:
    thread.start()
check("main")
for thread in threads:
    thread.join()
print("ok")
"""


@pytest.mark.parametrize("how", ["function", "environment"])
def test_write_through_writes_before_the_call_returns(tmp_path, how):
    switch = "femtologging.set_write_through(True)" if how == "function" else ""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(SCRIPT.format(switch=switch)))
    env = dict(os.environ)
    if how == "environment":
        env["FEMTOLOGGING_WRITE_THROUGH"] = "1"
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "app.log")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
    assert len((tmp_path / "app.log").read_text().splitlines()) == 400


def test_module_flush_is_the_barrier(tmp_path):
    import femtologging

    handler = femtologging.FileHandler(tmp_path / "app.log")
    log = femtologging.getLogger("test_write_through.flush")
    log.propagate = False
    log.addHandler(handler)
    try:
        for i in range(20_000):
            log.warning("record %d", i)
        assert femtologging.flush()
        lines = (tmp_path / "app.log").read_text().splitlines()
        assert len(lines) == 20_000
        assert lines[-1] == "record 19999"
    finally:
        log.removeHandler(handler)
        handler.close()
