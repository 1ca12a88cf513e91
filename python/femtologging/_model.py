"""The engine's configuration file format (TOML or JSON, shared with C and
Rust programs) turned into a ``dictConfig`` dictionary of femtologging's
own classes.

The engine reads and checks the file, so errors name the key path exactly
as they do in C and Rust (``handlers.file.max_bytes: invalid type: …``);
it hands back the configuration as JSON with every default filled in,
which this module maps onto the handler, formatter and filter classes.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any

from .builders import FilterBuilder, FormatterBuilder

#: The file format's handler classes and the stdlib names they map onto.
_HANDLER_CLASSES = {
    "stream": "logging.StreamHandler",
    "file": "logging.FileHandler",
    "watched_file": "logging.handlers.WatchedFileHandler",
    "rotating_file": "logging.handlers.RotatingFileHandler",
    "timed_rotating_file": "logging.handlers.TimedRotatingFileHandler",
}


def _formatter(model: dict[str, Any]) -> dict[str, Any]:
    if model["kind"] == "json":
        builder = FormatterBuilder.json()
    else:
        builder = FormatterBuilder(model["format"]).style(model["style"])
        builder.escape_controls(model.get("escape_controls", False))
    if model.get("datefmt") is not None:
        builder.datefmt(model["datefmt"])
    return {"()": builder.utc(model["utc"]).build}


def _filter(model: dict[str, Any]) -> dict[str, Any]:
    if "name" in model:
        return {"()": FilterBuilder.name(model["name"]).build}
    return {"()": FilterBuilder.levels(model["min_level"], model["max_level"]).build}


def _at_time(text: str) -> datetime.time:
    hour, minute, second = (int(part) for part in text.split(":"))
    return datetime.time(hour, minute, second)


def _handler(model: dict[str, Any]) -> dict[str, Any]:
    kind = model["class"]
    config: dict[str, Any] = {
        "class": _HANDLER_CLASSES["watched_file" if model.get("watch") else kind],
        "level": model["level"],
        "overflow": model["overflow"],
        "filters": model["filters"],
    }
    if model.get("formatter") is not None:
        config["formatter"] = model["formatter"]
    if "capacity" in model:
        config["capacity"] = model["capacity"]
    if "timeout_ms" in model:
        config["timeout_ms"] = model["timeout_ms"]
    if kind == "stream":
        config["stream"] = sys.stdout if model["stream"] == "stdout" else sys.stderr
        return config
    config["filename"] = model["path"]
    config["delay"] = model["delay"]
    if kind == "timed_rotating_file":
        config.update(
            when=model["when"], interval=model["interval"], utc=model["utc"], backupCount=model["backup_count"]
        )
        if "at_time" in model:
            config["atTime"] = _at_time(model["at_time"])
        return config
    config["mode"] = model["mode"]
    if kind == "rotating_file":
        config.update(maxBytes=model["max_bytes"], backupCount=model["backup_count"])
    return config


def _logger(model: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": model["level"],
        "propagate": model["propagate"],
        "handlers": model["handlers"],
        "filters": model["filters"],
    }


def dict_config(model: dict[str, Any]) -> dict[str, Any]:
    """The ``dictConfig`` dictionary for a configuration the engine exported."""
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": model["disable_existing_loggers"],
        "formatters": {name: _formatter(f) for name, f in model["formatters"].items()},
        "filters": {name: _filter(f) for name, f in model["filters"].items()},
        "handlers": {name: _handler(h) for name, h in model["handlers"].items()},
        "loggers": {name: _logger(logger) for name, logger in model["loggers"].items()},
    }
    if model.get("root") is not None:
        config["root"] = _logger(model["root"])
    return config
