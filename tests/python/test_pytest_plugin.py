"""pytest works with femtologging as with the standard library (issue 16):
real pytest runs of small test files, through the plugin the package
registers (``pytest11`` entry point)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

TESTS = """
import femtologging as logging

log = logging.getLogger("app.db")


def test_caplog_records_and_text(caplog):
    log.warning("disk %d%% full", 91)
    log.info("not captured: root is at WARNING")
    assert [r.getMessage() for r in caplog.records] == ["disk 91% full"]
    assert caplog.records[0].name == "app.db"
    assert "disk 91% full" in caplog.text


def test_caplog_set_level(caplog):
    caplog.set_level(logging.INFO)
    log.info("now %s", "captured")
    assert caplog.messages == ["now captured"]


def test_caplog_set_level_is_undone_after_the_test():
    assert logging.getLogger().level == logging.WARNING


def test_caplog_at_level_for_one_logger(caplog):
    with caplog.at_level(logging.DEBUG, logger="app.db"):
        log.debug("inside")
    log.debug("outside")
    assert caplog.messages == ["inside"]


def test_basic_config_on_captured_stderr(capsys):
    logging.basicConfig(force=True)
    log.warning("to stderr")
    assert "WARNING:app.db:to stderr" in capsys.readouterr().err


def test_fails_and_shows_its_log():
    log.error("the reason it failed")
    assert False
"""


def run_pytest(tmp_path, *args: str, stdlib: bool = False) -> subprocess.CompletedProcess[str]:
    source = textwrap.dedent(TESTS)
    if stdlib:  # the same tests on the standard library, without the plugin
        source = source.replace("import femtologging as logging", "import logging")
        args = ("-p", "no:femtologging", *args)
    (tmp_path / "test_app.py").write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path / "test_app.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )


def test_caplog_capsys_and_failure_reports(tmp_path):
    result = run_pytest(tmp_path)
    assert "1 failed, 5 passed" in result.stdout, result.stdout[-3000:]
    assert "Captured log call" in result.stdout
    assert "ERROR    app.db:test_app.py" in result.stdout and "the reason it failed" in result.stdout
    # A handler left on a stream pytest has closed: reported once, in the
    # next test that logs, as the standard library reports it; nothing at exit.
    stdlib = run_pytest(tmp_path, stdlib=True)
    assert "1 failed, 5 passed" in stdlib.stdout, stdlib.stdout[-3000:]
    assert result.stdout.count("--- Logging error ---") == stdlib.stdout.count("--- Logging error ---") == 1
    assert result.stderr == stdlib.stderr == ""


@pytest.mark.parametrize("option", ["--log-cli-level=INFO"])
def test_live_logging(tmp_path, option):
    result = run_pytest(tmp_path, option, "-k", "set_level")
    assert "live log call" in result.stdout, result.stdout[-3000:]
    assert "now captured" in result.stdout


LIBRARY_TESTS = """
import logging as stdlib_logging
import femtologging


def test_library_records_are_captured_once(caplog, tmp_path):
    femtologging.getLogger().addHandler(femtologging.FileHandler(tmp_path / "app.log"))
    stdlib_logging.getLogger("lib.http").warning("from a library")
    femtologging.getLogger("app").warning("from the application")
    assert caplog.messages == ["from a library", "from the application"]
    femtologging.getLogger().handlers[-1].flush()
    assert (tmp_path / "app.log").read_text() == "from a library\\nfrom the application\\n"


def test_and_in_the_next_test_too(caplog):
    caplog.set_level(femtologging.INFO)
    stdlib_logging.getLogger("lib.http").info("library info")
    assert caplog.messages == ["library info"]
"""


def test_library_records_with_femtologging_configured(tmp_path):
    (tmp_path / "test_lib.py").write_text(LIBRARY_TESTS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--log-cli-level=INFO", "test_lib.py"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert "2 passed" in result.stdout, result.stdout[-3000:]
    # Live logging shows each record once.
    assert result.stdout.count("from a library") == 1, result.stdout
    assert result.stdout.count("library info") == 1, result.stdout
