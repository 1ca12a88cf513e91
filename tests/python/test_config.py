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
        (base(handlers={"h": {"class": "subprocess.Popen"}}), "not a femtologging class"),
        (base(formatters={"f": {"class": "os.system", "format": "echo hacked"}}), "not a femtologging class"),
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
                    "filename": str(tmp_path / "u.log"),
                    "maxBytes": 1000,
                    "formatter": "f",
                    "level": "ext://logging.INFO",
                },
                "err": {"class": "femtologging.StreamHandler", "stream": "ext://sys.stderr", "level": "ERROR"},
            },
            "loggers": {"untrusted": {"level": "INFO", "handlers": ["file"], "propagate": False}},
        },
        untrusted=True,
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
