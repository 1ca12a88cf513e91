"""dictConfig's untrusted mode, and errors that leave no handler behind."""

from __future__ import annotations

import femtologging as logging
import pytest
from femtologging import config


def base(**extra: object) -> dict[str, object]:
    return {"version": 1, **extra}


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        (base(handlers={"h": {"()": "os.getcwd"}}), "'()' is not allowed"),
        (base(handlers={"h": {"class": "logging.StreamHandler", ".": {"x": 1}}}), "'.' is not allowed"),
        (base(handlers={"h": {"class": "subprocess.Popen"}}), "not a class an untrusted"),
        (base(formatters={"f": {"class": "os.system", "format": "echo hacked"}}), "not a class an untrusted"),
        (base(formatters={"f": {"()": "os.system"}}), "'()' factories are not allowed"),
        (base(filters={"f": {"()": "os.getcwd"}}), "'()' factories are not allowed"),
        (base(handlers={"h": {"class": "logging.StreamHandler", "stream": "ext://os.environ"}}), "ext://os.environ"),
    ],
)
def test_untrusted_configurations_cannot_run_code(cfg, message):
    with pytest.raises(ValueError) as caught:
        config.dictConfig(cfg, untrusted=True)
    chain = []
    error: BaseException | None = caught.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__
    assert any(message in text for text in chain), chain
    assert isinstance(caught.value.__cause__, config.UnsafeConfigError)


def test_untrusted_configurations_may_use_femtologging_classes(tmp_path):
    config.dictConfig(
        {
            "version": 1,
            "formatters": {"f": {"format": "%(levelname)s %(message)s"}},
            "handlers": {
                "file": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": "u.log",
                    "maxBytes": 1000,
                    "formatter": "f",
                    "level": "ext://logging.INFO",
                },
                "err": {"class": "femtologging.StreamHandler", "stream": "ext://sys.stderr", "level": "ERROR"},
            },
            "loggers": {"untrusted": {"level": "INFO", "handlers": ["file"], "propagate": False}},
        },
        untrusted=True,
        root=tmp_path,
    )
    log = logging.getLogger("untrusted")
    log.info("allowed")
    log.handlers[0].flush()
    assert (tmp_path / "u.log").read_text() == "INFO allowed\n"
    config.dictConfig({"version": 1, "disable_existing_loggers": False})  # closes them again


@pytest.mark.parametrize(
    "bad",
    [
        base(handlers={"h": {"class": "logging.NoSuchHandler"}}),
        base(handlers={"h": {"class": "logging.StreamHandler", "formatter": "missing"}}),
        base(handlers={"h": {"class": "logging.StreamHandler", "level": 12.5}}),
        base(loggers={"kept": {"level": "LOUD"}}),
        base(loggers={"kept": {"handlers": ["nope"]}}),
        base(formatters={"f": {"format": "cfg://formatters.f.format"}}),
    ],
)
def test_a_bad_configuration_leaves_the_previous_one_in_place(tmp_path, bad):
    path = tmp_path / "kept.log"
    config.dictConfig(
        base(
            handlers={"file": {"class": "logging.FileHandler", "filename": str(path)}},
            loggers={"kept": {"level": "INFO", "handlers": ["file"], "propagate": False}},
        )
    )
    log = logging.getLogger("kept")
    log.info("before")
    with pytest.raises(ValueError):
        config.dictConfig(bad)
    log.info("after the refused configuration")
    handler = log.handlers[0]
    handler.flush()
    assert path.read_text() == "before\nafter the refused configuration\n"
    assert log.level == logging.INFO and not log.disabled
    config.dictConfig({"version": 1, "disable_existing_loggers": False})


# Every escape from issue 22, and the neighbours we could think of: names
# that reach code through femtologging's own modules, and files outside
# the root.
CODE_ESCAPES = [
    "femtologging.os.popen",
    "femtologging.os.posix_spawn",
    "femtologging.os.system",
    "femtologging.config._stdlib.FileHandler",
    "femtologging.config._stdlib_config.DictConfigurator",
    "femtologging.config.os.system",
    "femtologging.handlers.os.system",
    "femtologging._handler.FileHandler",
    "femtologging._backend.engine",
    "femtologging.FileHandler.__init__",
    "femtologging.FileHandler.__class__",
    "femtologging.",
    "femtologging",
    "logging.FileHandler.__subclasses__",
    "builtins.eval",
]


@pytest.mark.parametrize("name", CODE_ESCAPES)
@pytest.mark.parametrize("section", ["handlers", "formatters"])
def test_untrusted_class_names_come_only_from_the_table(tmp_path, name, section):
    entry = {"class": name, "filename": "x.log"} if section == "handlers" else {"class": name}
    with pytest.raises(ValueError) as caught:
        config.dictConfig(base(**{section: {"x": entry}}), untrusted=True, root=tmp_path)
    assert isinstance(caught.value.__cause__, config.UnsafeConfigError)
    assert list(tmp_path.iterdir()) == []


def test_an_untrusted_class_must_be_a_name(tmp_path):
    import logging as stdlib

    with pytest.raises(ValueError) as caught:
        config.dictConfig(base(handlers={"h": {"class": stdlib.FileHandler, "filename": "x"}}), untrusted=True)
    assert isinstance(caught.value.__cause__, config.UnsafeConfigError)


@pytest.fixture
def outside(tmp_path):
    """A root, and a directory beside it that must stay untouched."""
    root = tmp_path / "root"
    other = tmp_path / "other"
    root.mkdir()
    other.mkdir()
    (other / "secret.log").write_text("keep\n")
    (root / "sub").mkdir()
    (root / "link-dir").symlink_to(other, target_is_directory=True)
    (root / "link.log").symlink_to(other / "secret.log")
    return root, other


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("../other/secret.log", "'..'"),
        ("sub/../../other/secret.log", "'..'"),
        ("OTHER_ABSOLUTE", "outside the configuration's root"),
        ("link-dir/secret.log", "symbolic link"),
        ("link.log", "symbolic link"),
        ("", "not a usable path"),
        ("a\x00b", "not a usable path"),
        (".", "the root itself"),
    ],
)
@pytest.mark.parametrize("cls", ["logging.FileHandler", "logging.handlers.RotatingFileHandler"])
def test_untrusted_files_stay_below_the_root(outside, filename, message, cls):
    root, other = outside
    if filename == "OTHER_ABSOLUTE":
        filename = str(other / "secret.log")
    with pytest.raises(ValueError) as caught:
        config.dictConfig(base(handlers={"h": {"class": cls, "filename": filename}}), untrusted=True, root=root)
    assert isinstance(caught.value.__cause__, config.UnsafeConfigError)
    assert message in str(caught.value.__cause__)
    assert (other / "secret.log").read_text() == "keep\n"
    assert sorted(p.name for p in other.iterdir()) == ["secret.log"]


@pytest.mark.parametrize("mode", ["w", "x", "w+", "r+", "ab"])
def test_untrusted_files_are_only_appended_to(tmp_path, mode):
    (tmp_path / "app.log").write_text("earlier\n")
    cfg = base(handlers={"h": {"class": "logging.FileHandler", "filename": "app.log", "mode": mode}})
    with pytest.raises(ValueError) as caught:
        config.dictConfig(cfg, untrusted=True, root=tmp_path)
    assert isinstance(caught.value.__cause__, config.UnsafeConfigError)
    assert (tmp_path / "app.log").read_text() == "earlier\n"


def test_untrusted_files_are_created_private_and_stay_private(tmp_path):
    config.dictConfig(
        base(
            handlers={
                "h": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": "app.log",
                    "maxBytes": 20,
                    "backupCount": 2,
                }
            },
            loggers={"private": {"level": "INFO", "handlers": ["h"], "propagate": False}},
        ),
        untrusted=True,
        root=tmp_path,
    )
    log = logging.getLogger("private")
    for number in range(5):
        log.info("record number %d", number)
    log.handlers[0].flush()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2"]
    for name in names:
        assert (tmp_path / name).stat().st_mode & 0o777 & ~0o640 == 0, name
    config.dictConfig({"version": 1, "disable_existing_loggers": False})


def test_an_absolute_path_inside_the_root_is_allowed(tmp_path):
    config.dictConfig(
        base(
            handlers={"h": {"class": "femtologging.FileHandler", "filename": str(tmp_path / "in.log")}},
            loggers={"inside": {"level": "INFO", "handlers": ["h"], "propagate": False}},
        ),
        untrusted=True,
        root=tmp_path,
    )
    log = logging.getLogger("inside")
    log.info("written")
    log.handlers[0].flush()
    assert (tmp_path / "in.log").read_text() == "written\n"
    config.dictConfig({"version": 1, "disable_existing_loggers": False})
