"""One pipeline (issue 16): code that logs through the standard library's
``logging`` reaches femtologging's handlers once the program configures
femtologging, with an opt-out, nothing written twice and no loop."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

THIRD_PARTY = """
import logging, sys, threading
import femtologging
from femtologging import bridge

def third_party():
    log = logging.getLogger("thirdparty.client")
    log.info("retrying %s", "GET /x")
    try:
        1 / 0
    except ZeroDivisionError:
        log.exception("gave up")
    log.debug("below the level")
"""


@pytest.mark.parametrize(
    "configure",
    [
        "femtologging.basicConfig(filename=sys.argv[1], level=femtologging.INFO, format=FORMAT)",
        "femtologging.config.dictConfig({'version': 1, "
        "'formatters': {'f': {'format': FORMAT}}, "
        "'handlers': {'file': {'class': 'logging.FileHandler', 'filename': sys.argv[1], 'formatter': 'f'}}, "
        "'loggers': {'thirdparty': {'level': 'INFO', 'handlers': ['file']}}})",
        "femtologging.getLogger().addHandler(femtologging.FileHandler(sys.argv[1])); "
        "femtologging.getLogger().handlers[0].setFormatter(femtologging.Formatter(FORMAT)); "
        "femtologging.getLogger().setLevel(femtologging.INFO)",
    ],
    ids=["basicConfig", "dictConfig", "root-handler"],
)
def test_configuring_femtologging_brings_library_records(run_script, tmp_path, configure):
    result = run_script(
        THIRD_PARTY
        + f"""
import femtologging.config
FORMAT = "%(name)s %(levelname)s %(funcName)s %(threadName)s %(message)s"
assert not bridge.installed()
{configure}
assert bridge.installed()
third_party()
femtologging.getLogger("thirdparty").error("native record")
""",
        str(tmp_path / "app.log"),
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "app.log").read_text().splitlines()
    assert lines[0] == "thirdparty.client INFO third_party MainThread retrying GET /x"
    assert lines[1] == "thirdparty.client ERROR third_party MainThread gave up"
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[-2].startswith("ZeroDivisionError")
    assert lines[-1] == "thirdparty ERROR <module> MainThread native record"
    text = "\n".join(lines)
    assert "below the level" not in text
    assert text.count("retrying") == text.count("gave up") == text.count("native record") == 1
    assert result.stderr == ""


def test_file_configuration_brings_library_records(run_script, tmp_path):
    (tmp_path / "logging.ini").write_text(
        "[loggers]\nkeys=root\n[handlers]\nkeys=file\n[formatters]\nkeys=plain\n"
        "[logger_root]\nlevel=INFO\nhandlers=file\n"
        "[handler_file]\nclass=FileHandler\nformatter=plain\nargs=('app.log',)\n"
        "[formatter_plain]\nformat=%(name)s %(message)s\n"
    )
    result = run_script(
        THIRD_PARTY + "import femtologging.config\nfemtologging.config.fileConfig('logging.ini')\nthird_party()\n"
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "app.log").read_text().splitlines()
    assert lines[:2] == ["thirdparty.client retrying GET /x", "thirdparty.client gave up"]


@pytest.mark.parametrize("opt_out", ["environment", "uninstall"])
def test_opting_out(run_script, tmp_path, opt_out):
    source = THIRD_PARTY + ("" if opt_out == "environment" else "bridge.uninstall()\n")
    source += """
femtologging.basicConfig(filename=sys.argv[1], level=femtologging.INFO, format="%(name)s %(message)s")
assert not bridge.installed()
third_party()
femtologging.getLogger("app").warning("native record")
"""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    env = {**os.environ, "FEMTOLOGGING_BRIDGE": "0"} if opt_out == "environment" else dict(os.environ)
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "app.log")], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "app.log").read_text().splitlines() == ["app native record"]
    # The standard library's own last resort still says what it had.
    assert "gave up" in result.stderr and "retrying" not in result.stderr


def test_python_handlers_get_the_record_itself_on_the_calling_thread_in_order(run_script):
    result = run_script(
        """
        import io, logging, threading
        import femtologging

        seen = []
        class Recording(femtologging.Handler):
            def emit(self, record):
                seen.append((record.msg, record.args, threading.current_thread().name, type(record).__module__))

        stream = io.StringIO()
        femtologging.basicConfig(stream=stream, level=femtologging.INFO, format="%(name)s %(message)s")
        femtologging.getLogger().addHandler(Recording())
        logging.getLogger("lib").info("one %s", 1)
        femtologging.getLogger("app").info("two")
        logging.getLogger("lib").warning("three")
        # Written when the calls return, in call order.
        assert stream.getvalue() == "lib one 1\\napp two\\nlib three\\n", stream.getvalue()
        assert seen[0] == ("one %s", (1,), "MainThread", "logging"), seen
        assert [s[0] for s in seen] == ["one %s", "two", "three"]
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_a_handler_on_both_libraries_gets_each_record_once(run_script):
    result = run_script(
        """
        import logging
        import femtologging

        class Counting(logging.Handler):
            def __init__(self):
                super().__init__()
                self.messages = []
            def emit(self, record):
                self.messages.append(record.getMessage())

        both = Counting()
        logging.getLogger().addHandler(both)          # as pytest's caplog does
        femtologging.getLogger().addHandler(both)
        femtologging.getLogger().setLevel(femtologging.INFO)
        logging.getLogger("lib").info("library")
        femtologging.getLogger("app").info("application")
        assert both.messages == ["library", "application"], both.messages
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_a_handler_that_logs_through_the_standard_library_does_not_loop(run_script):
    result = run_script(
        """
        import io, logging
        import femtologging

        class Chatty(femtologging.Handler):
            def __init__(self):
                super().__init__()
                self.count = 0
            def emit(self, record):
                self.count += 1
                logging.getLogger("chatty.internal").warning("handled %s", record.getMessage())

        chatty = Chatty()
        stream = io.StringIO()
        femtologging.basicConfig(stream=stream, format="%(message)s")
        femtologging.getLogger("lib").addHandler(chatty)
        femtologging.getLogger("lib").propagate = False
        logging.getLogger("lib").warning("from a library")
        assert chatty.count == 1
        # The nested record still reached the root's handler (through the bridge).
        assert stream.getvalue() == "handled from a library\\n", stream.getvalue()
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_a_record_passed_back_to_the_standard_library_is_not_bridged_again(run_script):
    result = run_script(
        """
        import io, logging
        import femtologging

        class ToStdlib(logging.Handler):
            \"\"\"A handler that hands records on to a standard-library logger.\"\"\"
            def __init__(self):
                super().__init__()
                self.count = 0
            def emit(self, record):
                self.count += 1
                logging.getLogger("audit").handle(record)

        passing = ToStdlib()
        stream = io.StringIO()
        femtologging.basicConfig(stream=stream, format="%(message)s")
        femtologging.getLogger().addHandler(passing)
        logging.getLogger("lib").warning("from a library")
        femtologging.getLogger("app").warning("from the application")
        assert passing.count == 2, passing.count
        # Neither record came back through the bridge: each written once.
        assert stream.getvalue() == "from a library\\nfrom the application\\n", stream.getvalue()
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_levels_and_disable_reach_the_standard_library(run_script):
    result = run_script(
        """
        import io, logging
        import femtologging

        stream = io.StringIO()
        femtologging.basicConfig(stream=stream, format="%(levelname)s %(name)s %(message)s")
        assert logging.getLogger().level == logging.WARNING
        femtologging.getLogger("lib.db").setLevel(femtologging.DEBUG)
        assert logging.getLogger("lib.db").level == logging.DEBUG
        logging.getLogger("lib.db.pool").debug("checked out")
        logging.getLogger("lib.http").info("not wanted")
        femtologging.disable(femtologging.WARNING)
        logging.getLogger("lib.db").warning("disabled")
        femtologging.disable(femtologging.NOTSET)
        logging.getLogger("lib.db").warning("enabled again")
        assert stream.getvalue() == "DEBUG lib.db.pool checked out\\nWARNING lib.db enabled again\\n", stream.getvalue()
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
