"""Differential tests: the same program under stdlib ``logging`` and under
femtologging must write the same log files (volatile fields masked).

Each handler writes its own file: handlers run on their own worker threads,
so two handlers sharing one file interleave in no fixed order (stdlib calls
them one after the other), which is a documented difference."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

PROGRAMS: dict[str, str] = {
    "basic_config_default_format": """
        logging.basicConfig(filename=OUT, level=logging.DEBUG)
        logging.getLogger("app").debug("debug %s", 1)
        logging.getLogger("app.db").warning("disk %d%% full", 95)
        logging.error("from the root")
    """,
    "levels_and_inheritance": """
        logging.basicConfig(filename=OUT, format="%(levelname)s %(name)s %(message)s")
        a = logging.getLogger("a")
        b = logging.getLogger("a.b")
        a.setLevel("INFO")
        b.debug("hidden"); b.info("shown"); b.setLevel(logging.ERROR); b.warning("hidden"); b.error("shown")
        a.info("%s %s %s", b.getEffectiveLevel(), a.getEffectiveLevel(), logging.getLogger("a.b.c").getEffectiveLevel())
    """,
    "args_mapping_and_non_strings": """
        logging.basicConfig(filename=OUT, format="%(message)s", level=logging.INFO)
        log = logging.getLogger("args")
        log.info("%(user)s logged in from %(ip)s", {"user": "ann", "ip": "10.0.0.1"})
        log.info(42); log.info(["a", 1]); log.info("%r and %5.2f", "x", 3.14159); log.info("100%")
    """,
    "exception_and_exc_info": """
        logging.basicConfig(filename=OUT, format="%(levelname)s:%(message)s")
        log = logging.getLogger("exc")
        try:
            {}["missing"]
        except KeyError as error:
            log.exception("lookup")
            log.error("again", exc_info=error)
            log.warning("tuple", exc_info=sys.exc_info())
        log.exception("no active exception")
    """,
    "propagation": """
        root_handler = logging.FileHandler(OUT)
        root_handler.setFormatter(logging.Formatter("root %(name)s %(message)s"))
        logging.getLogger().addHandler(root_handler)
        app = logging.getLogger("app")
        app.setLevel(logging.INFO)
        own = logging.FileHandler(OUT + ".app")
        own.setFormatter(logging.Formatter("app %(name)s %(message)s"))
        app.addHandler(own)
        logging.getLogger("app.web").info("both")
        app.propagate = False
        logging.getLogger("app.web").info("app only")
        own.close(); root_handler.close()
    """,
    "brace_style_with_specs": """
        logging.basicConfig(filename=OUT, style="{", format="[{levelname:^10}] {name:>8}: {message}", level=10)
        logging.getLogger("web").info("started"); logging.getLogger("db").error("x={}".format(1))
    """,
    "dollar_style": """
        logging.basicConfig(filename=OUT, style="$", format="$levelname ${name}: $message $$", level=10)
        logging.getLogger("svc").warning("careful")
    """,
    "percent_widths_and_numbers": """
        logging.basicConfig(filename=OUT, format="%(levelname)-8s|%(levelno)03d|%(name)10s|%(message).5s", level=1)
        logging.getLogger("short").critical("truncated message"); logging.getLogger("x").log(15, "custom")
    """,
    "custom_level_names": """
        logging.addLevelName(25, "NOTICE")
        logging.basicConfig(filename=OUT, format="%(levelname)s %(levelno)d %(message)s", level=1)
        log = logging.getLogger("custom")
        log.log(25, "noticed"); log.log(35, "unnamed"); log.log(7, "low")
        log.info("%s %s %s", logging.getLevelName(25), logging.getLevelName("NOTICE"), logging.getLevelName(35))
    """,
    "caller_fields": """
        fmt = "%(filename)s %(module)s %(funcName)s %(lineno)d %(message)s"
        logging.basicConfig(filename=OUT, format=fmt, level=10)
        def outer():
            inner()
        def inner():
            logging.getLogger("caller").info("here")
            logging.getLogger("caller").info("one up", stacklevel=2)
        outer()
    """,
    "handler_levels": """
        logging.basicConfig(filename=OUT, format="%(levelname)s %(message)s", level=logging.DEBUG)
        logging.getLogger().handlers[0].setLevel(logging.WARNING)
        log = logging.getLogger("hl")
        for level in (10, 20, 30, 40, 50):
            log.log(level, "level %d", level)
    """,
    "two_files_two_formats": """
        log = logging.getLogger("two")
        log.setLevel(logging.DEBUG)
        first = logging.FileHandler(OUT); first.setFormatter(logging.Formatter("1 %(message)s"))
        second = logging.FileHandler(OUT + ".second"); second.setFormatter(logging.Formatter("2 %(levelname)s"))
        second.setLevel(logging.ERROR)
        log.addHandler(first); log.addHandler(second)
        log.info("a"); log.error("b")
        first.close(); second.close()
    """,
    "is_enabled_for_and_effective_levels": """
        logging.basicConfig(filename=OUT, format="%(message)s")
        log = logging.getLogger("q.r")
        results = [log.isEnabledFor(level) for level in (10, 20, 30, 40)]
        logging.getLogger("q").setLevel(logging.DEBUG)
        results += [log.isEnabledFor(10), log.getEffectiveLevel(), log.level, logging.getLogger().level]
        log.warning("%s", results)
    """,
    "module_level_functions_auto_configure": """
        logging.basicConfig(filename=OUT)
        logging.warning("w"); logging.info("not shown"); logging.critical("c %d", 1)
        logging.log(logging.ERROR, "e")
    """,
    "stack_info": """
        logging.basicConfig(filename=OUT, format="%(message)s")
        def where():
            logging.getLogger("st").warning("with stack", stack_info=True)
        where()
    """,
    "extra_fields_in_formats": """
        logging.basicConfig(filename=OUT, format="%(levelname)s [%(user)s/%(request_id)s] %(message)s", level=10)
        log = logging.getLogger("extra")
        log.info("login", extra={"user": "ann", "request_id": 7})
        log.warning("retry %d", 2, extra={"user": "bob", "request_id": "r-9"})
        try:
            log.info("clash", extra={"message": "no"})
        except KeyError as error:
            log.error("refused: %s", error, extra={"user": "-", "request_id": "-"})
    """,
    "null_handler_silences_library_loggers": """
        library = logging.getLogger("somelib")
        library.addHandler(logging.NullHandler())
        library.warning("not printed anywhere")
        app = logging.getLogger("app")
        handler = logging.FileHandler(OUT)
        app.addHandler(handler)
        app.warning("app %s", library.hasHandlers())
        handler.close()
    """,
    "disable_and_disabled": """
        logging.basicConfig(filename=OUT, format="%(levelname)s %(name)s %(message)s", level=10)
        a = logging.getLogger("a")
        logging.disable(logging.WARNING)
        a.warning("hidden"); a.error("shown 1")
        logging.disable(logging.NOTSET)
        a.debug("shown 2")
        a.disabled = True
        a.critical("hidden")
        a.disabled = False
        a.info("shown 3 %s", a.isEnabledFor(10))
    """,
    "datefmt_year_only": """
        logging.basicConfig(filename=OUT, format="%(asctime)s|%(message)s", datefmt="%Y", level=10)
        logging.getLogger("dates").info("dated")
    """,
    "basic_config_force_replaces_handlers": """
        logging.basicConfig(filename=OUT + ".first", format="first %(message)s")
        logging.warning("one")
        logging.basicConfig(filename=OUT, format="ignored %(message)s")
        logging.warning("two")
        logging.basicConfig(filename=OUT, format="forced %(message)s", force=True)
        logging.warning("three")
    """,
    "basic_config_handlers_and_stream": """
        import io
        stream = io.StringIO()
        logging.basicConfig(handlers=[logging.FileHandler(OUT), logging.StreamHandler(stream)],
                            format="%(levelname)s|%(message)s")
        logging.error("to both")
        logging.shutdown()
        with open(OUT + ".stream", "w") as copy:
            copy.write(stream.getvalue())
    """,
    "basic_config_rejects_conflicting_arguments": """
        import io
        errors = []
        for kwargs in ({"stream": io.StringIO(), "filename": OUT}, {"handlers": [], "filename": OUT}, {"bogus": 1}):
            try:
                logging.basicConfig(**kwargs)
            except ValueError as error:
                errors.append(str(error))
        logging.basicConfig(filename=OUT, format="%(message)s")
        logging.warning("%s", errors)
    """,
    "set_level_by_name_and_get_child": """
        logging.basicConfig(filename=OUT, format="%(name)s %(levelname)s %(message)s")
        parent = logging.getLogger("svc")
        parent.setLevel("DEBUG")
        child = parent.getChild("worker")
        child.debug("child %s", child.name)
        logging.getLogger().getChild("top").warning("from getChild on root")
    """,
    "log_requires_integer_level": """
        logging.basicConfig(filename=OUT, format="%(message)s")
        try:
            logging.getLogger("bad").log("WARNING", "x")
        except TypeError as error:
            logging.getLogger("bad").error("TypeError: %s", error)
    """,
    "names_and_levels_table": """
        logging.basicConfig(filename=OUT, format="%(message)s")
        rows = [(name, logging.getLevelName(name)) for name in ("DEBUG", "INFO", "WARN", "FATAL", "NOTSET")]
        rows += [(n, logging.getLevelName(n)) for n in (10, 20, 30, 40, 50, 0, 99)]
        logging.warning("%s", rows)
    """,
    "root_level_and_child_thresholds": """
        logging.basicConfig(filename=OUT, format="%(name)s:%(levelname)s:%(message)s", level=logging.ERROR)
        log = logging.getLogger("deep.child.logger")
        log.warning("hidden"); log.error("shown")
        logging.getLogger("deep").setLevel(logging.NOTSET)
        logging.getLogger("deep.child").setLevel(logging.DEBUG)
        log.debug("now shown")
        logging.getLogger("deep.child").setLevel(logging.NOTSET)
        log.debug("hidden again")
    """,
    "percent_literal_and_missing_args": """
        logging.basicConfig(filename=OUT, format="%(message)s", level=10)
        log = logging.getLogger("pct")
        log.info("50% done")
        log.info("%d%% done", 75)
        log.info("%s", None)
        log.info("tuple as single arg: %s", (1, 2))
    """,
    "logger_repr_and_has_handlers": """
        logging.basicConfig(filename=OUT, format="%(message)s")
        a = logging.getLogger("repr.a")
        a.setLevel(logging.INFO)
        lonely = logging.getLogger("lonely")
        lonely.propagate = False
        logging.warning("%r %r %s %s", a, logging.getLogger("repr"), a.hasHandlers(), lonely.hasHandlers())
    """,
    "many_loggers_many_levels": """
        logging.basicConfig(filename=OUT, format="%(name)s %(levelno)d %(message)s", level=1)
        for index in range(20):
            log = logging.getLogger(f"pool.worker{index % 4}.task{index}")
            log.setLevel(10 * (index % 5))
            for level in (10, 20, 30, 40, 50):
                log.log(level, "%d", index)
    """,
    "logger_adapter_adds_extra": """
        logging.basicConfig(filename=OUT, format="%(levelname)s [%(conn)s] %(message)s", level=10)
        adapter = logging.LoggerAdapter(logging.getLogger("db"), {"conn": "c-1"})
        adapter.info("opened %s", "x"); adapter.warning("slow"); adapter.debug("detail")
        adapter.log(logging.ERROR, "failed %d", 3)
        levels = (adapter.isEnabledFor(10), adapter.getEffectiveLevel())
        logging.getLogger("db").info("%s %s", *levels, extra={"conn": "-"})
    """,
    "capture_warnings": """
        import warnings
        logging.basicConfig(filename=OUT, format="%(name)s %(levelname)s %(message)s")
        logging.captureWarnings(True)
        warnings.warn("old api", DeprecationWarning, stacklevel=1)
        logging.captureWarnings(False)
    """,
    "python_handler_subclass_with_filter": """
        class Collect(logging.Handler):
            def __init__(self):
                super().__init__()
                self.lines = []

            def emit(self, record):
                self.lines.append(self.format(record))

        handler = Collect()
        handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(funcName)s:%(lineno)d:%(message)s"))
        handler.addFilter(lambda record: "secret" not in record.getMessage())
        log = logging.getLogger("custom")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.addHandler(handler)
        def work():
            log.info("hello %s", "x")
            log.debug("a secret")
            try:
                1 / 0
            except ZeroDivisionError:
                log.exception("failed")
        work()
        handler.flush()
        with open(OUT, "w") as out:
            out.write(chr(10).join(handler.lines) + chr(10))
    """,
    "formatter_format_on_a_made_record": """
        record = logging.makeLogRecord({"name": "made", "levelno": 30, "levelname": "WARNING",
                                        "msg": "value %d", "args": (7,), "lineno": 3, "funcName": "f"})
        formatter = logging.Formatter("%(name)s %(levelname)s %(funcName)s:%(lineno)d %(message)s")
        brace = logging.Formatter("{name}|{message}", style="{")
        with open(OUT, "w") as out:
            out.write(formatter.format(record) + chr(10) + brace.format(record) + chr(10))
            out.write(str(isinstance(record, logging.LogRecord)) + chr(10))
    """,
    "logger_filters_reject_modify_and_enrich": """
        logging.basicConfig(filename=OUT, format="%(levelname)s %(request)s %(message)s", level=10)
        log = logging.getLogger("filtered")

        class Context(logging.Filter):
            def filter(self, record):
                record.request = "req-42"
                return True

        def redact(record):
            record.msg = str(record.msg).replace("hunter2", "***")
            return "drop me" not in record.getMessage()

        log.addFilter(Context())
        log.addFilter(redact)
        log.info("password is %s", "hunter2")
        log.info("password is hunter2")
        log.warning("drop me")
        log.error("kept", extra={"unused": 1})
        log.removeFilter(redact)
        log.info("drop me is kept now")
    """,
    "set_logger_class": """
        class AppLogger(logging.Logger):
            def audit(self, msg, *args):
                self.warning("AUDIT " + msg, *args)

        logging.setLoggerClass(AppLogger)
        logging.basicConfig(filename=OUT, format="%(name)s %(funcName)s %(message)s")
        log = logging.getLogger("audit.trail")
        log.audit("user %s logged in", "ann")
        try:
            logging.setLoggerClass(dict)
        except TypeError as error:
            log.warning("refused: %s", type(error).__name__)
        log.warning("%s", logging.getLoggerClass() is AppLogger)
    """,
    "exceptions_repeated_chained_and_noted": """
        logging.basicConfig(filename=OUT, format="%(levelname)s %(message)s")
        log = logging.getLogger("exc.many")
        def fail(value):
            raise ValueError(f"bad value {value}" + ("\\n" if value == 2 else ""))
        for value in (1, 1, 2, 3):
            try:
                fail(value)
            except ValueError:
                log.exception("attempt %d", value)
        for value in range(2):
            try:
                try:
                    fail(value)
                except ValueError as error:
                    raise RuntimeError("wrapped") from error
            except RuntimeError:
                log.exception("chained")
            try:
                try:
                    fail(value)
                except ValueError:
                    {}["key"]
            except KeyError as error:
                if value:
                    error.add_note("a note")
                log.exception("during handling")
    """,
    "rotating_file_handler_by_size": """
        import importlib
        handlers = importlib.import_module(logging.__name__ + ".handlers")
        handler = handlers.RotatingFileHandler(OUT, maxBytes=100, backupCount=3)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        log = logging.getLogger("rotating")
        log.addHandler(handler)
        for i in range(30):
            log.warning("record %03d", i)
        handler.doRollover()
        log.warning("after an explicit rollover")
        handler.close()
    """,
    "dict_config_file_handlers_and_levels": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
            "handlers": {
                "file": {"class": "logging.FileHandler", "filename": OUT, "formatter": "plain", "level": "INFO"}
            },
            "root": {"level": "DEBUG", "handlers": ["file"]},
        })
        logging.getLogger("app").debug("hidden by the handler")
        logging.getLogger("app").info("shown")
        logging.getLogger("app.db").error("error %d", 3)
    """,
    "dict_config_loggers_propagate": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"f": {"format": "%(name)s:%(levelname)s:%(message)s"}},
            "handlers": {
                "all": {"class": "logging.FileHandler", "filename": OUT, "formatter": "f"},
                "db": {"class": "logging.FileHandler", "filename": OUT + ".db", "formatter": "f"},
            },
            "loggers": {
                "app.db": {"level": "WARNING", "handlers": ["db"], "propagate": False},
                "app": {"level": "INFO"},
            },
            "root": {"handlers": ["all"], "level": "WARNING"},
        })
        logging.getLogger("app").info("app info")
        logging.getLogger("app.db").info("db info hidden")
        logging.getLogger("app.db").warning("db warning")
        logging.getLogger("other").info("other info hidden")
        logging.getLogger("other").warning("other warning")
    """,
    "dict_config_filters": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "filters": {"only_app": {"name": "app"}},
            "handlers": {"file": {"class": "logging.FileHandler", "filename": OUT, "filters": ["only_app"]}},
            "root": {"level": "INFO", "handlers": ["file"]},
        })
        logging.getLogger("app.web").info("kept")
        logging.getLogger("library").info("filtered")
        logging.getLogger("app").info("kept too")
    """,
    "dict_config_logger_filters": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "filters": {"web": {"name": "app.web"}},
            "formatters": {"f": {"format": "%(name)s %(message)s"}},
            "handlers": {"file": {"class": "logging.FileHandler", "filename": OUT, "formatter": "f"}},
            "loggers": {"app.web": {"level": "INFO", "filters": ["web"], "handlers": ["file"]}},
        })
        logging.getLogger("app.web").info("through the logger filter")
        logging.getLogger("app.web.api").info("a child: filtered at its own logger? no")
    """,
    "dict_config_factories": """
        config = importlib.import_module(logging.__name__ + ".config")
        class Tagged(logging.Formatter):
            def __init__(self, tag, fmt):
                super().__init__(fmt)
                self.tag = tag
            def format(self, record):
                return self.tag + super().format(record)
        def make_file(filename):
            return logging.FileHandler(filename)
        config.dictConfig({
            "version": 1,
            "formatters": {"tagged": {"()": Tagged, "tag": "[T] ", "fmt": "%(levelname)s %(message)s"}},
            "handlers": {"made": {"()": make_file, "filename": OUT, "formatter": "tagged"}},
            "root": {"level": "INFO", "handlers": ["made"]},
        })
        logging.getLogger("x").warning("from a factory")
    """,
    "dict_config_ext_and_cfg_references": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "paths": {"main": OUT},
            "formats": ["%(levelname)s|%(message)s"],
            "formatters": {"f": {"format": "cfg://formats[0]"}},
            "handlers": {"file": {"class": "logging.FileHandler", "filename": "cfg://paths.main", "formatter": "f",
                                  "level": "ext://logging.INFO"}},
            "root": {"level": "DEBUG", "handlers": ["file"]},
        })
        logging.getLogger("x").debug("hidden")
        logging.getLogger("x").info("shown")
    """,
    "dict_config_rotating_by_stdlib_name": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"f": {"format": "%(message)s"}},
            "handlers": {"rot": {"class": "logging.handlers.RotatingFileHandler", "filename": OUT,
                                 "maxBytes": 50, "backupCount": 2, "formatter": "f"}},
            "root": {"level": "INFO", "handlers": ["rot"]},
        })
        for i in range(12):
            logging.getLogger("r").info("record number %02d", i)
    """,
    "dict_config_disables_existing_loggers": """
        config = importlib.import_module(logging.__name__ + ".config")
        early = logging.getLogger("early")
        early_child = logging.getLogger("kept.child")
        config.dictConfig({
            "version": 1,
            "handlers": {"file": {"class": "logging.FileHandler", "filename": OUT}},
            "loggers": {"kept": {"level": "INFO"}},
            "root": {"level": "INFO", "handlers": ["file"]},
        })
        early.warning("disabled: not in the configuration")
        early_child.warning("child of a configured logger: kept")
        logging.getLogger("kept").info("configured")
        logging.getLogger("late").warning("created after: enabled")
    """,
    "dict_config_keeps_existing_loggers": """
        config = importlib.import_module(logging.__name__ + ".config")
        early = logging.getLogger("early")
        config.dictConfig({
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"file": {"class": "logging.FileHandler", "filename": OUT}},
            "root": {"level": "INFO", "handlers": ["file"]},
        })
        early.warning("still enabled")
    """,
    "dict_config_incremental_levels": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"f": {"format": "%(levelname)s %(message)s"}},
            "handlers": {
                "file": {"class": "logging.FileHandler", "filename": OUT, "formatter": "f", "level": "WARNING"}
            },
            "loggers": {"app": {"level": "ERROR", "handlers": ["file"]}},
        })
        log = logging.getLogger("app")
        log.warning("hidden by the logger")
        config.dictConfig({
            "version": 1,
            "incremental": True,
            "handlers": {"file": {"level": "INFO"}},
            "loggers": {"app": {"level": "INFO"}},
        })
        log.info("now shown")
    """,
    "dict_config_memory_handler_target": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"f": {"format": "%(levelname)s %(message)s"}},
            "handlers": {
                "buffer": {
                    "class": "logging.handlers.MemoryHandler", "capacity": 3, "flushLevel": 40, "target": "out"
                },
                "out": {"class": "logging.FileHandler", "filename": OUT, "formatter": "f"},
            },
            "root": {"level": "INFO", "handlers": ["buffer"]},
        })
        log = logging.getLogger("m")
        log.info("a"); log.info("b"); log.error("c flushes")
        log.info("d")
        logging.shutdown()
    """,
    "dict_config_brace_style_and_datefmt": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"b": {"format": "{asctime} {levelname:<7} {message}", "style": "{", "datefmt": "%Y"}},
            "handlers": {"file": {"class": "logging.FileHandler", "filename": OUT, "formatter": "b"}},
            "root": {"level": "INFO", "handlers": ["file"]},
        })
        logging.getLogger("x").info("braced")
    """,
    "dict_config_reconfigure_replaces_handlers": """
        config = importlib.import_module(logging.__name__ + ".config")
        def configure(path):
            config.dictConfig({
                "version": 1,
                "handlers": {"file": {"class": "logging.FileHandler", "filename": path}},
                "root": {"level": "INFO", "handlers": ["file"]},
            })
        configure(OUT + ".first")
        logging.getLogger("x").info("to the first file")
        configure(OUT + ".second")
        logging.getLogger("x").info("to the second file")
    """,
    "dict_config_errors_name_the_part": """
        config = importlib.import_module(logging.__name__ + ".config")
        bad = [
            {"version": 2},
            {},
            {"version": 1, "handlers": {"h": {"class": "logging.NoSuchHandler"}}},
            {"version": 1, "handlers": {"h": {"class": "logging.StreamHandler", "formatter": "missing"}}},
            {"version": 1, "loggers": {"x": {"level": "LOUD"}}},
            {"version": 1, "handlers": {"h": {"class": "logging.FileHandler", "filename": OUT + ".x",
                                              "filters": ["nope"]}}},
        ]
        with open(OUT, "w") as out:
            for cfg in bad:
                try:
                    config.dictConfig(cfg)
                except ValueError as error:
                    out.write(str(error) + chr(10))
    """,
    "dict_config_handler_levels_and_null_handler": """
        config = importlib.import_module(logging.__name__ + ".config")
        config.dictConfig({
            "version": 1,
            "formatters": {"f": {"format": "%(name)s %(levelname)s %(message)s"}},
            "handlers": {
                "errors": {"class": "logging.FileHandler", "filename": OUT, "formatter": "f", "level": "ERROR"},
                "info": {"class": "logging.FileHandler", "filename": OUT + ".info", "formatter": "f", "level": "INFO"},
                "null": {"class": "logging.NullHandler"},
            },
            "loggers": {"quiet": {"handlers": ["null"], "propagate": False}},
            "root": {"level": "DEBUG", "handlers": ["errors", "info"]},
        })
        logging.getLogger("a").debug("nowhere")
        logging.getLogger("a").info("info only")
        logging.getLogger("a").error("both")
        logging.getLogger("quiet").error("swallowed")
    """,
    "file_config_root_and_formatter": """
        import io
        config = importlib.import_module(logging.__name__ + ".config")
        ini = '''
        [loggers]
        keys=root
        [handlers]
        keys=file
        [formatters]
        keys=plain
        [logger_root]
        level=INFO
        handlers=file
        [handler_file]
        class=FileHandler
        args=('%(out)s', 'a')
        formatter=plain
        [formatter_plain]
        format=%(levelname)s %(name)s %(message)s
        '''
        config.fileConfig(io.StringIO(textwrap.dedent(ini)), defaults={"out": OUT})
        logging.getLogger("app").debug("hidden")
        logging.getLogger("app").info("shown")
    """,
    "file_config_qualname_propagate_and_levels": """
        import io
        config = importlib.import_module(logging.__name__ + ".config")
        ini = '''
        [loggers]
        keys=root,db
        [handlers]
        keys=all,db
        [formatters]
        keys=f
        [logger_root]
        level=WARNING
        handlers=all
        [logger_db]
        level=DEBUG
        handlers=db
        propagate=0
        qualname=app.db
        [handler_all]
        class=FileHandler
        args=('%(out)s',)
        formatter=f
        [handler_db]
        class=FileHandler
        args=('%(out)s.db',)
        level=INFO
        formatter=f
        [formatter_f]
        format=%(name)s:%(levelname)s:%(message)s
        '''
        config.fileConfig(io.StringIO(textwrap.dedent(ini)), defaults={"out": OUT})
        logging.getLogger("app.db").debug("below the handler")
        logging.getLogger("app.db").info("db info")
        logging.getLogger("app").info("hidden by root")
        logging.getLogger("app").warning("app warning")
    """,
    "file_config_rotating_handler": """
        import io
        config = importlib.import_module(logging.__name__ + ".config")
        ini = '''
        [loggers]
        keys=root
        [handlers]
        keys=rot
        [formatters]
        keys=f
        [logger_root]
        level=INFO
        handlers=rot
        [handler_rot]
        class=handlers.RotatingFileHandler
        args=('%(out)s', 'a', 60, 2)
        formatter=f
        [formatter_f]
        format=%(message)s
        '''
        config.fileConfig(io.StringIO(textwrap.dedent(ini)), defaults={"out": OUT})
        for i in range(10):
            logging.getLogger("r").info("record number %02d", i)
    """,
    "file_config_keeps_or_disables_existing_loggers": """
        import io
        config = importlib.import_module(logging.__name__ + ".config")
        ini = '''
        [loggers]
        keys=root
        [handlers]
        keys=file
        [formatters]
        keys=
        [logger_root]
        level=INFO
        handlers=file
        [handler_file]
        class=FileHandler
        args=('%(out)s',)
        '''
        early = logging.getLogger("early")
        config.fileConfig(io.StringIO(textwrap.dedent(ini)), defaults={"out": OUT})
        early.warning("disabled")
        config.fileConfig(io.StringIO(textwrap.dedent(ini)), defaults={"out": OUT}, disable_existing_loggers=False)
        early.warning("enabled again")
    """,
    "file_config_kwargs_style_and_memory_target": """
        import io
        config = importlib.import_module(logging.__name__ + ".config")
        ini = '''
        [loggers]
        keys=root
        [handlers]
        keys=buffer,out
        [formatters]
        keys=braced
        [logger_root]
        level=INFO
        handlers=buffer
        [handler_buffer]
        class=handlers.MemoryHandler
        args=(2,)
        kwargs={"flushLevel": ERROR}
        target=out
        [handler_out]
        class=FileHandler
        kwargs={"filename": "%(out)s", "mode": "w"}
        formatter=braced
        [formatter_braced]
        format={levelname}|{message}
        style={
        '''
        config.fileConfig(io.StringIO(textwrap.dedent(ini)), defaults={"out": OUT})
        log = logging.getLogger("m")
        log.info("a")
        log.info("b fills the buffer")
        log.info("c")
        log.error("d flushes")
        logging.shutdown()
    """,
    "lone_surrogates_are_escaped": """
        logging.basicConfig(filename=OUT, format="%(name)s|%(message)s")
        name = b"caf\\xe9.txt".decode("utf-8", "surrogateescape")
        logging.getLogger("files").warning("cannot open %s", name)
        logging.getLogger("files").warning("direct " + name)
    """,
    "unicode_and_newlines": """
        logging.basicConfig(filename=OUT, format="%(name)s|%(message)s", encoding="utf-8")
        logging.getLogger("ünï").warning("snow ☃ and\\nsecond line, tab\\tend")
    """,
    "formatter_subclass_on_a_file_handler": """
        class Upper(logging.Formatter):
            def format(self, record):
                return "[" + super().format(record).upper() + "]"

        handler = logging.FileHandler(OUT)
        handler.setFormatter(Upper("%(levelname)s %(name)s %(funcName)s %(message)s"))
        log = logging.getLogger("sub")
        log.propagate = False
        log.addHandler(handler)
        def work():
            log.warning("hello %s", "there")
            try:
                1 / 0
            except ZeroDivisionError:
                log.exception("boom")
        work()
        handler.close()
    """,
    "formatter_converter_format_time_and_defaults": """
        import time
        utc = logging.Formatter("%(asctime)s %(message)s", datefmt="%Y %Z")
        utc.converter = time.gmtime
        class Fixed(logging.Formatter):
            def formatTime(self, record, datefmt=None):
                return "T" + str(record.levelno)
        with_defaults = logging.Formatter("%(message)s [%(tag)s]", defaults={"tag": "none"})
        for name, formatter in (("utc", utc), ("fixed", Fixed("%(asctime)s %(message)s")), ("defaults", with_defaults)):
            handler = logging.FileHandler(OUT + "." + name)
            handler.setFormatter(formatter)
            log = logging.getLogger(name)
            log.propagate = False
            log.addHandler(handler)
            log.warning("from %s", name)
            log.warning("tagged", extra={"tag": "t1"})
            handler.close()
    """,
    "filters_on_native_handlers": """
        handler = logging.FileHandler(OUT)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        only_db = logging.Filter("app.db")
        loud = lambda record: record.levelno >= logging.WARNING
        handler.addFilter(only_db)
        handler.addFilter(loud)
        handler.addFilter(loud)  # a second add is ignored
        logging.getLogger().addHandler(handler)
        logging.getLogger("app.db").warning("db warning")
        logging.getLogger("app.db").info("db info")
        logging.getLogger("app.web").error("web error")
        handler.removeFilter(only_db)
        logging.getLogger("app.web").error("web error after removal")
        logging.getLogger("app.web").info("web info after removal")
        handler.removeFilter(loud)
        logging.getLogger("app.web").warning("no filters left")
        handler.close()
    """,
    "queue_handler_and_listener": """
        import importlib, queue
        handlers = importlib.import_module(logging.__name__ + ".handlers")
        records = queue.Queue()
        target = logging.FileHandler(OUT)
        target.setFormatter(logging.Formatter("%(threadName)s %(name)s %(levelname)s %(funcName)s %(message)s"))
        listener = handlers.QueueListener(records, target)
        listener.start()
        log = logging.getLogger("queued")
        log.propagate = False
        log.setLevel(logging.DEBUG)
        queue_handler = handlers.QueueHandler(records)
        log.addHandler(queue_handler)
        def work():
            for i in range(5):
                log.debug("message %d", i)
            try:
                int("x")
            except ValueError:
                log.exception("parse failed")
        work()
        queue_handler.flush()
        listener.stop()
        target.close()
    """,
    "memory_handler_flushes_to_its_target": """
        import importlib
        handlers = importlib.import_module(logging.__name__ + ".handlers")
        target = logging.FileHandler(OUT)
        target.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        memory = handlers.MemoryHandler(3, flushLevel=logging.ERROR, target=target)
        log = logging.getLogger("buffered")
        log.propagate = False
        log.setLevel(logging.INFO)
        log.addHandler(memory)
        log.info("a"); log.info("b"); log.error("c flushes a, b, c")
        log.info("d"); log.info("e"); log.info("f fills the buffer")
        log.info("g waits for close")
        memory.flush()
        target.flush()
        with open(OUT + ".mid", "w") as out:
            out.write(str(len(memory.buffer)) + chr(10))
        log.info("h")
        memory.close()
        target.close()
    """,
    "file_handler_other_encoding_and_errors": """
        import os
        path = os.path.join(os.path.dirname(OUT), "latin-" + os.path.basename(OUT))
        handler = logging.FileHandler(path, mode="w", encoding="latin-1", errors="replace")
        log = logging.getLogger("enc")
        log.addHandler(handler)
        log.warning("café ☃ done")
        handler.close()
        with open(OUT, "w") as out:
            out.write(repr(open(path, "rb").read()) + chr(10))
        try:
            logging.FileHandler(path, encoding="no-such-codec")
        except LookupError:
            with open(OUT, "a") as out:
                out.write("LookupError" + chr(10))
    """,
    "file_handler_delay": """
        import os
        handler = logging.FileHandler(OUT + ".delayed", delay=True)
        before = os.path.exists(OUT + ".delayed")
        log = logging.getLogger("late")
        log.addHandler(handler)
        log.warning("now it exists")
        handler.flush()
        with open(OUT, "w") as out:
            out.write(f"{before} {os.path.exists(OUT + '.delayed')}" + chr(10))
        handler.close()
        never = logging.FileHandler(OUT + ".never", delay=True)
        never.close()
    """,
    "handle_error_and_raise_exceptions": """
        import io
        class Broken(logging.Formatter):
            def format(self, record):
                raise RuntimeError("cannot format " + record.getMessage())
        captured = io.StringIO()
        sys.stderr = captured
        handler = logging.FileHandler(OUT + ".handler")
        handler.setFormatter(Broken())
        log = logging.getLogger("broken")
        log.addHandler(handler)
        log.warning("first")
        handler.flush()
        logging.raiseExceptions = False
        log.warning("second")
        handler.flush()
        sys.stderr = sys.__stderr__
        lines = captured.getvalue().splitlines()
        errors = [line for line in lines if line.startswith("RuntimeError")]
        with open(OUT, "w") as out:
            out.write(chr(10).join([lines[0], *errors, str(len(errors))]) + chr(10))
        handler.close()
    """,
    "last_resort_none_and_a_replacement": """
        orphan = logging.getLogger("orphan")
        logging.lastResort = None
        orphan.warning("dropped: no handler, no last resort")
        handler = logging.FileHandler(OUT)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        handler.setLevel(logging.ERROR)
        logging.lastResort = handler
        orphan.warning("below the replacement's level")
        orphan.error("to the replacement")
        handler.close()
    """,
    "handle_and_emit_of_a_made_record": """
        handler = logging.FileHandler(OUT)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s user=%(user)s"))
        handler.addFilter(lambda record: record.user != "eve")
        made = logging.makeLogRecord(
            {"name": "made", "levelno": logging.ERROR, "levelname": "ERROR", "msg": "made %s", "args": ("by hand",),
             "user": "ann"}
        )
        handler.handle(made)
        def made_by(user, msg):
            return logging.makeLogRecord({"name": "m", "levelno": 40, "levelname": "ERROR", "msg": msg, "user": user})
        handler.handle(made_by("eve", "filtered out"))
        handler.emit(made_by("bob", "emit skips the filters"))
        handler.close()
    """,
}

MASKS = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"), "<asctime>"),
    (re.compile(r'File "[^"]*script\.py"'), 'File "script.py"'),
]


def run(program: str, implementation: str, tmp_path) -> str:
    header = "import logging" if implementation == "stdlib" else "import femtologging as logging"
    out = tmp_path / f"{implementation}.log"
    source = f"import importlib, sys, textwrap\n{header}\nOUT = {str(out)!r}\n" + textwrap.dedent(program)
    script = tmp_path / "script.py"
    script.write_text(source, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.glob(f"{implementation}.log*"))
    text = "".join(f"== {f.name.replace(implementation, 'out')}\n{f.read_text(encoding='utf-8')}" for f in files)
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_output_as_stdlib(name, tmp_path):
    expected = run(PROGRAMS[name], "stdlib", tmp_path)
    actual = run(PROGRAMS[name], "femtologging", tmp_path)
    assert actual == expected
