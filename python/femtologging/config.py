"""``logging.config`` for femtologging: ``dictConfig`` with the standard
library's schema.

Class names in the dictionary may be the standard library's
(``logging.StreamHandler``, ``logging.handlers.RotatingFileHandler``,
``logging.Formatter`` …): they map onto femtologging's classes. ``ext://``
and ``cfg://`` references, ``()`` factories, ``.`` properties, filters,
``incremental`` and ``disable_existing_loggers`` behave as in stdlib.

As in the standard library, a configuration dictionary is code: ``()``
factories, ``class`` names and ``ext://`` references import and call
whatever they name. For configurations from untrusted sources, use
``dictConfig(config, untrusted=True, root=...)``:

- classes resolve only through one explicit table (``untrusted_classes()``):
  femtologging's handlers, formatters and filters by their public names and
  by the standard library names that map onto them; no prefix matching, no
  walk through module attributes, nothing imported;
- ``()`` factories and ``.`` properties are refused; ``ext://`` may name
  only ``sys.stdout``, ``sys.stderr`` and the level constants;
- files stay below ``root`` (default: the current directory): ``..``, an
  absolute path outside it, and a symbolic link anywhere between ``root``
  and the file are refused; files open only for appending (``mode`` ``"a"``);
  a file that does not exist yet is created with mode ``0o640``, and
  rotation gives new files the permissions of the file they replace.

Everything refused raises ``UnsafeConfigError`` before any handler is made.
The checks cannot stop another process that swaps a directory for a link
between the check and the open: keep ``root`` out of reach of whoever
writes the configuration.
"""

from __future__ import annotations

import logging as _stdlib
import logging.config as _stdlib_config
import os
import threading
from typing import Any

from . import bridge
from . import handlers as _handlers
from ._formatter import Formatter
from ._handler import FileHandler, Handler, NullHandler, StreamHandler
from ._levels import check_level
from ._listen import DEFAULT_LOGGING_CONFIG_PORT, listen, stopListening
from ._logger import _loggers, configuration_change, getLogger, root

__all__ = [
    "DEFAULT_LOGGING_CONFIG_PORT",
    "DictConfigurator",
    "UnsafeConfigError",
    "confined_path",
    "dictConfig",
    "fileConfig",
    "load_file",
    "load_json",
    "listen",
    "load_toml",
    "stopListening",
    "untrusted_classes",
]

#: stdlib class names and the femtologging classes they stand for.
CLASS_MAP: dict[str, Any] = {
    "logging.Formatter": Formatter,
    "logging.Filter": _stdlib.Filter,
    "logging.Handler": Handler,
    "logging.StreamHandler": StreamHandler,
    "logging.FileHandler": FileHandler,
    "logging.NullHandler": NullHandler,
    "logging.handlers.RotatingFileHandler": _handlers.RotatingFileHandler,
    "logging.handlers.TimedRotatingFileHandler": _handlers.TimedRotatingFileHandler,
    "logging.handlers.WatchedFileHandler": _handlers.WatchedFileHandler,
    "logging.handlers.MemoryHandler": _handlers.MemoryHandler,
    "logging.handlers.BufferingHandler": _handlers.BufferingHandler,
    "logging.handlers.QueueHandler": _handlers.QueueHandler,
    "logging.handlers.QueueListener": _handlers.QueueListener,
}


#: stdlib's configurator base class (``cfg://`` and ``ext://`` conversion),
#: for code that extends it.
BaseConfigurator = _stdlib_config.BaseConfigurator


class _TargetNotReadyError(ValueError):
    """A MemoryHandler's target handler is configured later in the order."""


_lock = threading.RLock()
#: Handlers made by the last non-incremental configuration, by name.
_configured_handlers: dict[str, Handler] = {}


#: What ``ext://`` may name in untrusted configurations.
SAFE_EXTERNALS = frozenset(
    ["sys.stdout", "sys.stderr"]
    + [f"logging.{level}" for level in ("CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "NOTSET")]
)


class UnsafeConfigError(ValueError):
    """An untrusted configuration asked for code to be imported or called,
    or for a file outside its root."""


def untrusted_classes() -> dict[str, Any]:
    """The only names an untrusted configuration may use for a class."""
    import sys

    package = sys.modules[__package__ or "femtologging"]

    top = (
        "StreamHandler",
        "FileHandler",
        "NullHandler",
        "Formatter",
        "JsonFormatter",
        "Filter",
        "LevelFilter",
        "FemtoStreamHandler",
        "FemtoFileHandler",
        "FemtoRotatingFileHandler",
        "FemtoTimedRotatingFileHandler",
        "FemtoWatchedFileHandler",
    )
    in_handlers = (
        "RotatingFileHandler",
        "TimedRotatingFileHandler",
        "WatchedFileHandler",
        "MemoryHandler",
        "BufferingHandler",
        "FemtoRotatingFileHandler",
        "FemtoTimedRotatingFileHandler",
        "FemtoWatchedFileHandler",
    )
    table = {name: cls for name, cls in CLASS_MAP.items() if "Queue" not in name}
    table.update({f"femtologging.{name}": getattr(package, name) for name in top})
    table.update({f"femtologging.handlers.{name}": getattr(_handlers, name) for name in in_handlers})
    return table


#: Untrusted configurations may append only.
_UNTRUSTED_MODES = frozenset(["a"])


def confined_path(filename: Any, root: str | os.PathLike[str]) -> str:
    """The absolute path of ``filename`` if it stays below ``root`` with no
    ``..`` and no symbolic link on the way, the file created with mode
    0o640 if it does not exist; ``UnsafeConfigError`` if not. The engine's
    rule (``femto_confine_file``), the one its own file loaders apply."""
    from ._backend import engine
    from ._errors import FemtoValueError

    if not isinstance(filename, (str, os.PathLike)):
        raise UnsafeConfigError(f"filename {filename!r} is not a path")
    name = os.fspath(filename)
    if not isinstance(name, str) or not name or "\x00" in name:
        raise UnsafeConfigError(f"filename {name!r} is not a usable path")
    try:
        return str(engine.confine_file(os.fspath(root), name))
    except FemtoValueError as error:
        raise UnsafeConfigError(str(error)) from None


class DictConfigurator(_stdlib_config.DictConfigurator):
    """stdlib's ``DictConfigurator`` over femtologging's loggers and classes;
    with ``untrusted``, refuses anything that would import or call code."""

    def __init__(self, config: Any, untrusted: bool = False, root: str | os.PathLike[str] | None = None) -> None:
        super().__init__(config)
        self.untrusted = untrusted
        self.root = os.getcwd() if root is None else os.fspath(root)
        self._allowed = untrusted_classes() if untrusted else {}

    def resolve(self, s: str) -> Any:
        if self.untrusted:
            allowed = self._allowed.get(s) if isinstance(s, str) else None
            if allowed is None:
                raise UnsafeConfigError(f"{s!r} is not a class an untrusted configuration may name")
            return allowed
        mapped = CLASS_MAP.get(s)
        if mapped is not None:
            return mapped
        return super().resolve(s)

    def ext_convert(self, value: str) -> Any:
        if not self.untrusted:
            return super().ext_convert(value)
        if value not in SAFE_EXTERNALS:
            raise UnsafeConfigError(f"ext://{value} is not allowed in an untrusted configuration")
        return _stdlib_config.BaseConfigurator.resolve(self, value)

    def configure_custom(self, config: Any) -> Any:
        if self.untrusted:
            raise UnsafeConfigError("'()' factories are not allowed in an untrusted configuration")
        return super().configure_custom(config)

    def configure_handler(self, config: Any) -> Any:
        if self.untrusted:
            if "()" in config or "." in config:
                key = "()" if "()" in config else "."
                raise UnsafeConfigError(f"{key!r} is not allowed in an untrusted configuration")
            if not isinstance(config.get("class"), str):
                raise UnsafeConfigError("an untrusted configuration names a handler's class as a string")
            self.resolve(config["class"])
            self._confine_files(config)
        return self._configure_handler(config)

    def _confine_files(self, config: Any) -> None:
        """Checks an untrusted handler's file and mode, and creates the
        file privately (see the module's docs)."""
        mode = config.get("mode", "a")
        if mode not in _UNTRUSTED_MODES:
            raise UnsafeConfigError(f"mode {mode!r} is not allowed in an untrusted configuration (only 'a')")
        if "filename" in config:
            config["filename"] = confined_path(config["filename"], self.root)

    def configure(self) -> None:
        config = self.config
        if "version" not in config:
            raise ValueError("dictionary doesn't specify a version")
        if config["version"] != 1:
            raise ValueError(f"Unsupported version: {config['version']}")
        with _lock:
            if config.pop("incremental", False):
                self._configure_incrementally()
            else:
                self._configure_afresh()
        bridge.configured()

    def _configure_incrementally(self) -> None:
        config = self.config
        for name, handler_config in config.get("handlers", {}).items():
            handler = _configured_handlers.get(name)
            if handler is None:
                raise ValueError(f"No handler found with name {name!r}")
            level = handler_config.get("level", None)
            if level:
                handler.setLevel(check_level(level))
        for name, logger_config in config.get("loggers", {}).items():
            try:
                self.configure_logger(name, logger_config, True)
            except Exception as error:
                raise ValueError(f"Unable to configure logger {name!r}") from error
        root_config = config.get("root", None)
        if root_config:
            try:
                self.configure_root(root_config, True)
            except Exception as error:
                raise ValueError("Unable to configure root logger") from error

    def _configure_afresh(self) -> None:
        """Builds and checks the whole new configuration first; only then
        swaps it in and closes (draining) the previous handlers. A bad
        configuration raises and leaves the previous one in place."""
        config = self.config
        disable_existing = config.pop("disable_existing_loggers", True)
        made: list[Any] = []
        try:
            self._build_objects(made)
            self._check_loggers()
        except BaseException:
            for handler in made:
                handler.close()
            raise
        # One engine change: no record sees a logger half configured.
        with configuration_change():
            previous = _detach_all_handlers()
            _configured_handlers.clear()
            _configured_handlers.update({handler.name: handler for handler in made})
            existing = _existing_loggers()
            child_loggers: list[str] = []
            loggers = config.get("loggers", {})
            for name in loggers:
                _claim(name, existing, child_loggers)
                self.configure_logger(name, loggers[name])
            _handle_existing_loggers(existing, child_loggers, disable_existing)
            root_config = config.get("root", None)
            if root_config:
                self.configure_root(root_config)
        _close(previous)

    def _build_objects(self, made: list[Any]) -> None:
        """Formatters, filters and handlers (``made`` collects the handlers,
        to close them if anything fails)."""
        config = self.config
        formatters = config.get("formatters", {})
        for name in formatters:
            try:
                formatters[name] = self.configure_formatter(formatters[name])
            except Exception as error:
                raise ValueError(f"Unable to configure formatter {name!r}") from error
        filters = config.get("filters", {})
        for name in filters:
            try:
                filters[name] = self.configure_filter(filters[name])
            except Exception as error:
                raise ValueError(f"Unable to configure filter {name!r}") from error
        handlers = config.get("handlers", {})
        deferred = []
        for name in sorted(handlers):
            try:
                made.append(self._make_handler(name, handlers))
            except _TargetNotReadyError:
                deferred.append(name)  # a MemoryHandler whose target comes later
            except Exception as error:
                raise ValueError(f"Unable to configure handler {name!r}") from error
        for name in deferred:
            try:
                made.append(self._make_handler(name, handlers))
            except Exception as error:
                raise ValueError(f"Unable to configure handler {name!r}") from error

    def _check_loggers(self) -> None:
        """What configuring the loggers could fail on, checked before any
        change: levels, and the handlers and filters they name."""
        config = self.config
        named = [(f"logger {name!r}", cfg) for name, cfg in config.get("loggers", {}).items()]
        if config.get("root"):
            named.append(("root logger", config["root"]))
        for what, logger_config in named:
            try:
                level = logger_config.get("level", None)
                if level is not None:
                    check_level(level)
                for handler in logger_config.get("handlers", None) or []:
                    if handler not in config.get("handlers", {}):
                        raise ValueError(f"Unable to add handler {handler!r}")
                for filter_ in logger_config.get("filters", None) or []:
                    is_object = callable(filter_) or callable(getattr(filter_, "filter", None))
                    if not is_object and filter_ not in config.get("filters", {}):
                        raise ValueError(f"Unable to add filter {filter_!r}")
            except Exception as error:
                raise ValueError(f"Unable to configure {what}") from error

    def _make_handler(self, name: str, handlers: Any) -> Any:
        handler = self.configure_handler(handlers[name])
        handler.name = name
        handlers[name] = handler
        return handler

    def _configure_handler(self, config: Any) -> Any:
        # stdlib resolves a MemoryHandler's target only for its own class.
        cname = config.get("class")
        if "()" not in config and self.resolve(cname) is _handlers.MemoryHandler and "target" in config:
            target_name = config.pop("target")
            target = self.config["handlers"].get(target_name)
            if not isinstance(target, (Handler, _stdlib.Handler)):
                config["target"] = target_name
                if target is None:
                    raise ValueError(f"target {target_name!r} is not a configured handler")
                raise _TargetNotReadyError(target_name)
            config["target"] = target
        return super().configure_handler(config)

    def configure_formatter(self, config: Any) -> Any:
        if "()" in config:
            return super().configure_formatter(config)
        fmt = config.get("format", None)
        datefmt = config.get("datefmt", None)
        style = config.get("style", "%")
        cname = config.get("class", None)
        # Through our resolve (stdlib's imports the class unchecked).
        factory = self.resolve(cname) if cname else Formatter
        if factory is Formatter:
            return Formatter(fmt, datefmt, style, config.get("validate", True), defaults=config.get("defaults"))
        if "validate" in config:
            return factory(fmt, datefmt, style, config["validate"])
        return factory(fmt, datefmt, style)

    def common_logger_config(self, logger: Any, config: Any, incremental: bool = False) -> None:
        # stdlib's version checks levels against its own names; ours knows TRACE too.
        level = config.get("level", None)
        if level is not None:
            logger.setLevel(check_level(level))
        if not incremental:
            for handler in logger.handlers[:]:
                logger.removeHandler(handler)
            handlers = config.get("handlers", None)
            if handlers:
                self.add_handlers(logger, handlers)
            filters = config.get("filters", None)
            if filters:
                self.add_filters(logger, filters)

    def configure_logger(self, name: str, config: Any, incremental: bool = False) -> None:
        logger = getLogger(name)
        self.common_logger_config(logger, config, incremental)
        logger.disabled = False
        propagate = config.get("propagate", None)
        if propagate is not None:
            logger.propagate = propagate

    def configure_root(self, config: Any, incremental: bool = False) -> None:
        self.common_logger_config(root, config, incremental)


def _existing_loggers() -> list[str]:
    return sorted(name for name in _loggers if name != "root")


def _claim(name: str, existing: list[str], child_loggers: list[str]) -> None:
    """Marks logger ``name`` as configured; its existing children stay
    enabled (stdlib finds them through the parent's placeholder)."""
    prefix = name + "."
    child_loggers.extend(other for other in existing if other.startswith(prefix))
    if name in existing:
        existing.remove(name)


def _handle_existing_loggers(existing: list[str], child_loggers: list[str], disable_existing: bool) -> None:
    """Loggers the new configuration does not name: children of configured
    ones are reset, the others disabled (unless ``disable_existing`` is false)."""
    for name in existing:
        logger = _loggers[name]
        if name in child_loggers:
            logger.setLevel(0)
            for handler in logger.handlers[:]:
                logger.removeHandler(handler)
            logger.propagate = True
        else:
            logger.disabled = disable_existing


def _detach_all_handlers() -> list[Any]:
    """Takes every handler off every logger; returns them with the handlers
    of the previous configuration, to close once the new one is in place."""
    detached: list[Any] = []
    for logger in list(_loggers.values()):
        for handler in logger.handlers[:]:
            logger.removeHandler(handler)
            detached.append(handler)
    return detached + list(_configured_handlers.values())


def _close(handlers: list[Any]) -> None:
    """Closes each handler once (draining what it has queued)."""
    seen: set[int] = set()
    for handler in handlers:
        if id(handler) not in seen:
            seen.add(id(handler))
            handler.close()


def dictConfig(  # noqa: N802 (stdlib name)
    config: dict[str, Any], *, untrusted: bool = False, root: str | os.PathLike[str] | None = None
) -> None:
    """Configures femtologging from a dictionary in the standard library's
    schema (``logging.config.dictConfig``). With ``untrusted``, refuses
    anything that would import or call code, and any file outside ``root``
    (default: the current directory); see the module's docs."""
    DictConfigurator(config, untrusted, root).configure()


class _ModelConfigurator(DictConfigurator):
    """Applies a configuration the engine's loader read and checked. Its
    strings are data (file names, formats), never ``ext://`` or ``cfg://``
    references; its factories are femtologging's own callables."""

    def __init__(self, config: Any, untrusted: bool = False, root: str | os.PathLike[str] | None = None) -> None:
        super().__init__(config, root=root)
        self.untrusted_files = untrusted

    def convert(self, value: Any) -> Any:
        return value if isinstance(value, str) else super().convert(value)

    def configure_handler(self, config: Any) -> Any:
        if self.untrusted_files:
            self._confine_files(config)
        return self._configure_handler(config)


_TOML, _JSON, _FILE = 0, 1, 2


def _apply_file(source: str, kind: int, untrusted: bool, root: str | os.PathLike[str] | None) -> None:
    """The engine reads, checks and applies the configuration (the same
    loader as C and Rust programs); the handlers it took off are closed."""
    from ._backend import engine

    confine_root = os.fspath(root if root is not None else os.getcwd()) if untrusted else None
    previous = _attached_handlers()
    engine.config_apply(source, kind, confine_root)
    _close([handler for handler in previous if id(handler) not in {id(h) for h in _attached_handlers()}])


def _attached_handlers() -> list[Any]:
    """Every handler attached to a logger now."""
    return [handler for logger in list(_loggers.values()) for handler in logger.handlers]


def load_file(
    path: str | os.PathLike[str], *, untrusted: bool = False, root: str | os.PathLike[str] | None = None
) -> None:
    """Configures femtologging from a ``.toml`` or ``.json`` file in the
    format C and Rust programs read too (see ``docs/configuration.md``). A
    bad file raises ``FemtoValueError`` naming the key
    (``handlers.file.max_bytes: invalid type: string "big", expected u64``)
    and leaves the previous configuration in place; an unreadable one
    raises ``FemtoOSError``. Nothing in a file is imported or called; with
    ``untrusted``, its log files must also stay below ``root`` (default: the
    current directory) under the rules of ``dictConfig(untrusted=True)``."""
    _apply_file(os.fspath(path), _FILE, untrusted, root)


def load_toml(text: str, *, untrusted: bool = False, root: str | os.PathLike[str] | None = None) -> None:
    """``load_file`` for TOML text."""
    _apply_file(text, _TOML, untrusted, root)


def load_json(text: str, *, untrusted: bool = False, root: str | os.PathLike[str] | None = None) -> None:
    """``load_file`` for JSON text."""
    _apply_file(text, _JSON, untrusted, root)


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def fileConfig(  # noqa: N802 (stdlib name)
    fname: Any,
    defaults: dict[str, str] | None = None,
    disable_existing_loggers: bool = True,
    encoding: str | None = None,
) -> None:
    """Configures femtologging from an INI file in the standard library's
    ``fileConfig`` format. As there, ``class``, ``args`` and ``kwargs`` are
    evaluated as Python (in femtologging's namespace, so ``StreamHandler``
    and ``handlers.RotatingFileHandler`` are femtologging's): only load
    files you trust."""
    import configparser
    import sys

    if isinstance(fname, configparser.RawConfigParser):
        parser = fname
    else:
        if isinstance(fname, (str, os.PathLike)):
            if not os.path.exists(fname):
                raise FileNotFoundError(f"{fname} doesn't exist")
            if not os.path.getsize(fname):
                raise RuntimeError(f"{fname} is an empty file")
        parser = configparser.ConfigParser(defaults)
        try:
            if hasattr(fname, "readline"):
                parser.read_file(fname)
            else:
                parser.read(fname, encoding=encoding or "utf-8")
        except configparser.ParsingError as error:
            raise RuntimeError(f"{fname} is invalid: {error}") from error
    namespace = dict(vars(sys.modules[__package__ or "femtologging"]))
    namespace["handlers"] = _handlers
    formatters = {}
    for name in _names(parser["formatters"]["keys"]):
        section = f"formatter_{name}"
        fmt = parser.get(section, "format", raw=True, fallback=None)
        datefmt = parser.get(section, "datefmt", raw=True, fallback=None)
        style = parser.get(section, "style", raw=True, fallback="%")
        class_name = parser[section].get("class")
        factory = DictConfigurator({}).resolve(class_name) if class_name else Formatter
        formatters[name] = factory(fmt, datefmt, style)
    # One engine change; the previous handlers close after it.
    previous: list[Any] = []
    with _lock, configuration_change():
        previous = _detach_all_handlers()
        _configured_handlers.clear()
        made: dict[str, Any] = {}
        targets = []
        for name in _names(parser["handlers"]["keys"]):
            section = parser[f"handler_{name}"]
            class_name = section["class"]
            try:
                klass = eval(class_name, namespace)  # noqa: S307 (stdlib's format is code)
            except (AttributeError, NameError):
                klass = DictConfigurator({}).resolve(class_name)
            args = eval(section.get("args", "()"), namespace)  # noqa: S307
            kwargs = eval(section.get("kwargs", "{}"), namespace)  # noqa: S307
            handler = klass(*args, **kwargs)
            handler.name = name
            if "level" in section:
                handler.setLevel(section["level"])
            if section.get("formatter", ""):
                handler.setFormatter(formatters[section["formatter"]])
            if isinstance(handler, _handlers.MemoryHandler) and section.get("target", ""):
                targets.append((handler, section["target"]))
            made[name] = handler
            _configured_handlers[name] = handler
        for handler, target in targets:
            handler.setTarget(made[target])
        logger_names = _names(parser["loggers"]["keys"])
        logger_names.remove("root")
        section = parser["logger_root"]
        if "level" in section:
            root.setLevel(section["level"])
        for name in _names(section.get("handlers", "")):
            root.addHandler(made[name])
        existing = _existing_loggers()
        child_loggers: list[str] = []
        for name in logger_names:
            section = parser[f"logger_{name}"]
            qualname = section["qualname"]
            _claim(qualname, existing, child_loggers)
            logger = getLogger(qualname)
            if "level" in section:
                logger.setLevel(section["level"])
            logger.propagate = bool(section.getint("propagate", fallback=1))
            logger.disabled = False
            for handler_name in _names(section.get("handlers", "")):
                logger.addHandler(made[handler_name])
        _handle_existing_loggers(existing, child_loggers, disable_existing_loggers)
    _close(previous)
    bridge.configured()
