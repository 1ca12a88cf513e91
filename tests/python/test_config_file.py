"""``config.load_file``/``load_toml``/``load_json``: the engine's TOML and
JSON format, shared with C and Rust programs, read, checked and applied by
the engine (Python sees its handlers as ``NativeHandler``)."""

from __future__ import annotations

import json

import femtologging as logging
import pytest
from femtologging import config
from femtologging._handler import NativeHandler


@pytest.fixture(autouse=True)
def fresh_configuration():
    yield
    config.dictConfig({"version": 1, "disable_existing_loggers": False})  # closes what a test configured


def sample(tmp_path) -> str:
    return f"""
version = 1
[formatters.plain]
format = "%(levelname)s %(name)s: %(message)s"
[formatters.lines]
kind = "json"
[filters.db]
name = "app.db"
[filters.quiet]
max_level = "INFO"
[handlers.all]
class = "file"
path = {json.dumps(str(tmp_path / "all.log"))}
formatter = "plain"
[handlers.db]
class = "logging.handlers.RotatingFileHandler"
filename = {json.dumps(str(tmp_path / "db.log"))}
maxBytes = 100000
backupCount = 2
level = "DEBUG"
formatter = "plain"
filters = ["db"]
[handlers.quiet]
class = "file"
path = {json.dumps(str(tmp_path / "quiet.log"))}
formatter = "lines"
filters = ["quiet"]
capacity = 64
overflow = "timeout"
timeout_ms = 250
[root]
level = "INFO"
handlers = ["all", "quiet"]
[loggers.app]
level = "DEBUG"
handlers = ["db"]
"""


def log_sample() -> None:
    logging.getLogger("app").debug("app debug")
    logging.getLogger("app.db").debug("db debug %d", 1)
    logging.getLogger("app.db").warning("db warning")
    logging.getLogger().info("root info")
    logging.getLogger().debug("root debug")


def flush_all() -> None:
    for logger in (logging.getLogger(), logging.getLogger("app")):
        for handler in logger.handlers:
            handler.flush()


def test_a_toml_file_makes_femtologging_handlers(tmp_path):
    path = tmp_path / "logging.toml"
    path.write_text(sample(tmp_path), encoding="utf-8")
    config.load_file(path)
    root_handlers = logging.getLogger().handlers
    assert [(type(h), h.name) for h in root_handlers] == [(NativeHandler, "all"), (NativeHandler, "quiet")]
    (rotating,) = logging.getLogger("app").handlers
    assert (rotating.level, rotating.name) == (10, "db")
    assert logging.getLogger().level == logging.INFO
    log_sample()
    flush_all()
    assert (tmp_path / "all.log").read_text() == (
        "DEBUG app: app debug\nDEBUG app.db: db debug 1\nWARNING app.db: db warning\nINFO root: root info\n"
    )
    assert (tmp_path / "db.log").read_text() == "DEBUG app.db: db debug 1\nWARNING app.db: db warning\n"
    lines = [json.loads(line) for line in (tmp_path / "quiet.log").read_text().splitlines()]
    assert [(r["levelname"], r["name"], r["message"]) for r in lines] == [
        ("DEBUG", "app", "app debug"),
        ("DEBUG", "app.db", "db debug 1"),
        ("INFO", "root", "root info"),
    ]


def test_json_text_reads_as_toml_does(tmp_path):
    config.load_json(
        json.dumps(
            {
                "handlers": {"all": {"class": "file", "path": str(tmp_path / "j.log"), "mode": "w"}},
                "root": {"level": "WARNING", "handlers": ["all"]},
            }
        )
    )
    logging.getLogger().warning("from json")
    logging.getLogger().info("below")
    flush_all()
    assert (tmp_path / "j.log").read_text() == "from json\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[handlers.f]\nclass = "rotating_file"\npath = "x"\nmax_bytes = "big"', "handlers.f.max_bytes: invalid type"),
        ('[handlers.h]\nclass = "logging.handlers.SMTPHandler"', "handlers.h.class: unknown variant"),
        ('[handlers.h]\nclass = "stream"\nformatter = "gone"', 'handlers.h.formatter: no formatter named "gone"'),
        ('[root]\nhandlers = ["gone"]', 'root.handlers[0]: no handler named "gone"'),
        ('[root]\nlevel = "LOUD"', "root.level: unknown level name"),
        ("[root\n", "TOML syntax at line 1"),
    ],
)
def test_a_bad_file_names_the_key_and_changes_nothing(tmp_path, text, message):
    config.load_toml(sample(tmp_path))
    before = logging.getLogger().handlers[:]
    with pytest.raises(logging.FemtoValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.load_toml(text)
    assert logging.getLogger().handlers == before
    log_sample()
    flush_all()
    assert "root info" in (tmp_path / "all.log").read_text()


def test_an_unreadable_file_is_an_os_error(tmp_path):
    with pytest.raises(logging.FemtoOSError, match="cannot read"):
        config.load_file(tmp_path / "missing.toml")
    with pytest.raises(logging.FemtoValueError, match="expected a .toml or .json file"):
        config.load_file(tmp_path / "logging.ini")


def test_strings_in_a_file_are_data_not_references(tmp_path, monkeypatch):
    """A file is safe to load from an untrusted source: ``ext://`` and
    ``cfg://`` are file names like any other."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ext:").mkdir()
    config.load_toml('[handlers.h]\nclass = "file"\npath = "ext://os.system"\n[root]\nhandlers = ["h"]')
    logging.getLogger().warning("literal")
    flush_all()
    assert (tmp_path / "ext:" / "os.system").read_text() == "literal\n"


def test_timed_rotation_and_streams_are_the_engines(tmp_path):
    config.load_toml(
        f"""
[handlers.timed]
class = "timed_rotating_file"
path = {json.dumps(str(tmp_path / "t.log"))}
when = "midnight"
at_time = "01:02:03"
backup_count = 4
utc = true
delay = true
[handlers.out]
class = "stream"
stream = "stdout"
[loggers.timed]
handlers = ["timed", "out"]
propagate = false
"""
    )
    timed, out = logging.getLogger("timed").handlers
    assert (timed.name, out.name) == ("timed", "out")
    assert not (tmp_path / "t.log").exists()  # delay
    assert logging.getLogger("timed").propagate is False


def test_level_filter_and_json_formatter_work_alone(tmp_path):
    quiet = logging.LevelFilter(max_level="INFO")
    record = logging.makeLogRecord({"levelno": 30, "levelname": "WARNING", "msg": "x"})
    assert not quiet.filter(record)
    record.levelno = 20
    assert quiet.filter(record)
    with pytest.raises(ValueError, match="above"):
        logging.LevelFilter("ERROR", "INFO")
    record = logging.makeLogRecord({"name": "n", "levelno": 20, "levelname": "INFO", "msg": "hé %s", "args": ("x",)})
    formatted = json.loads(logging.JsonFormatter().format(record))
    assert formatted["message"] == "hé x"
    assert list(formatted)[:6] == ["asctime", "created", "levelname", "levelno", "name", "message"]


def test_swapping_configurations_under_load_loses_and_repeats_nothing(run_script, tmp_path):
    """4 threads log 200,000 records while the configuration is swapped 100
    times between two file handlers, alternately by ``dictConfig`` and by
    ``load_toml``: the two files hold every record once, and none reaches
    the last resort (which would mean a moment with no handler)."""
    result = run_script(
        """
        import json, threading, time
        import femtologging as logging
        from femtologging import config

        THREADS, PER_THREAD, SWAPS = 4, 50_000, 100
        paths = ["a.log", "b.log"]

        def swap(i):
            path = paths[i % 2]
            if i % 2:
                config.load_toml(
                    f'[handlers.f]\\nclass = "file"\\npath = "{path}"\\n'
                    '[loggers.load]\\nlevel = "INFO"\\nhandlers = ["f"]\\npropagate = false\\n'
                )
            else:
                config.dictConfig({
                    "version": 1,
                    "disable_existing_loggers": False,
                    "handlers": {"f": {"class": "logging.FileHandler", "filename": path}},
                    "loggers": {"load": {"level": "INFO", "handlers": ["f"], "propagate": False}},
                })

        swap(0)
        log = logging.getLogger("load")
        started = threading.Barrier(THREADS + 1)

        def produce(t):
            started.wait()
            for i in range(PER_THREAD):
                log.info("t%d %d", t, i)
                if i % 1000 == 0:
                    time.sleep(0.002)  # let the swapping thread in (the GIL)

        threads = [threading.Thread(target=produce, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        started.wait()
        for i in range(1, SWAPS + 1):
            swap(i)
        for thread in threads:
            thread.join()
        logging.shutdown()
        lines = [line for path in paths for line in open(path, encoding="utf-8").read().splitlines()]
        print(json.dumps([len(lines), len(set(lines))] + [len(open(p).read().splitlines()) for p in paths]))
        """,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    total, distinct, in_a, in_b = json.loads(result.stdout)
    assert (total, distinct) == (200_000, 200_000)
    assert in_a > 0 and in_b > 0
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("path", "extra"),
    [("../escape.log", ""), ("OUTSIDE", ""), ("link.log", ""), ("inside.log", 'mode = "w"')],
)
def test_an_untrusted_file_keeps_its_log_files_below_the_root(tmp_path, path, extra):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "target.log").write_text("keep\n")
    (root / "link.log").symlink_to(tmp_path / "target.log")
    if path == "OUTSIDE":
        path = str(tmp_path / "target.log")
    text = f'[handlers.h]\nclass = "file"\npath = {json.dumps(path)}\n{extra}\n[root]\nhandlers = ["h"]'
    with pytest.raises(ValueError, match="^handlers.h.(path|mode): "):
        config.load_toml(text, untrusted=True, root=root)
    assert (tmp_path / "target.log").read_text() == "keep\n"
    assert not (tmp_path / "escape.log").exists()


def test_an_untrusted_file_may_log_inside_the_root(tmp_path):
    (tmp_path / "conf.toml").write_text(
        '[handlers.h]\nclass = "file"\npath = "in.log"\n[loggers.u]\nhandlers = ["h"]\n'
    )
    config.load_file(tmp_path / "conf.toml", untrusted=True, root=tmp_path)
    logger = logging.getLogger("u")
    logger.warning("inside")
    logger.handlers[0].flush()
    assert (tmp_path / "in.log").read_text() == "inside\n"
    assert (tmp_path / "in.log").stat().st_mode & 0o777 & ~0o640 == 0
    config.dictConfig({"version": 1, "disable_existing_loggers": False})
