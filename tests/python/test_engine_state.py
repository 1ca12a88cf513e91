"""Loggers' handlers, ``propagate``, ``disabled`` and the registry are the
engine's: what C code in the process sets is what Python reads, and what
Python changes (``logger.handlers`` included) is where records go."""

from __future__ import annotations

import ctypes
import json
import os

import femtologging as logging
import pytest
from femtologging._handler import NativeHandler

Pointer = ctypes.c_void_p


@pytest.fixture(scope="module")
def c_library() -> ctypes.CDLL:
    """libfemtologging as a C extension in the process would use it."""
    library = ctypes.CDLL(os.path.join(logging.get_library_dir(), "libfemtologging.so"))
    library.femto_logger_get.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Pointer)]
    library.femto_file_handler_new.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_bool,
        Pointer,
        ctypes.POINTER(Pointer),
    ]
    library.femto_logger_add_handler.argtypes = [Pointer, Pointer]
    library.femto_logger_remove_handler.argtypes = [Pointer, Pointer]
    library.femto_logger_set_propagate.argtypes = [Pointer, ctypes.c_bool]
    library.femto_logger_set_disabled.argtypes = [Pointer, ctypes.c_bool]
    library.femto_handler_free.argtypes = [Pointer]
    return library


def c_logger(library: ctypes.CDLL, name: str) -> Pointer:
    out = Pointer()
    data = name.encode()
    assert library.femto_logger_get(data, len(data), ctypes.byref(out)) == 0
    return out


def c_file_handler(library: ctypes.CDLL, path: str) -> Pointer:
    out = Pointer()
    data = path.encode()
    assert library.femto_file_handler_new(data, len(data), False, None, ctypes.byref(out)) == 0
    return out


def test_a_handler_attached_to_the_root_from_c_is_seen_and_used_once(c_library, run_script, tmp_path):
    # In a fresh interpreter: the root logger must start without handlers.
    result = run_script(
        """
        import ctypes, os, sys
        import femtologging as logging
        library = ctypes.CDLL(os.path.join(logging.get_library_dir(), "libfemtologging.so"))
        P = ctypes.c_void_p
        library.femto_logger_get.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(P)]
        library.femto_file_handler_new.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_bool, P, ctypes.POINTER(P)
        ]
        library.femto_logger_add_handler.argtypes = [P, P]
        root, handler = P(), P()
        assert library.femto_logger_get(b"", 0, ctypes.byref(root)) == 0
        path = sys.argv[1].encode()
        assert library.femto_file_handler_new(path, len(path), False, None, ctypes.byref(handler)) == 0
        assert library.femto_logger_add_handler(root, handler) == 0
        [seen] = logging.getLogger().handlers
        assert type(seen).__name__ == "NativeHandler", seen
        assert logging.getLogger().hasHandlers()
        logging.warning("once")  # no basicConfig: the root has a handler
        seen.flush()
        """,
        str(tmp_path / "c.log"),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c.log").read_text().splitlines() == ["once"]
    assert result.stderr == ""


def test_python_sees_and_detaches_a_handler_c_attached(c_library, tmp_path):
    logger = logging.getLogger("state.c_attached")
    logger.propagate = False
    handle = c_file_handler(c_library, str(tmp_path / "c.log"))
    assert c_library.femto_logger_add_handler(c_logger(c_library, logger.name), handle) == 0
    c_library.femto_handler_free(handle)  # the logger keeps its own reference
    [seen] = logger.handlers
    assert isinstance(seen, NativeHandler)
    assert seen.name == f'file "{tmp_path / "c.log"}"'  # the engine's description of its target
    assert logger.handlers[0] is seen  # the same object while it is held
    logger.warning("to the C handler")
    seen.flush()
    logger.removeHandler(seen)
    assert logger.handlers == []
    logger.warning("to nobody")
    assert (tmp_path / "c.log").read_text().splitlines() == ["to the C handler"]


def test_propagate_and_disabled_set_from_c_are_read_in_python(c_library):
    logger = logging.getLogger("state.flags")
    pointer = c_logger(c_library, logger.name)
    assert logger.propagate and not logger.disabled
    assert c_library.femto_logger_set_propagate(pointer, False) == 0
    assert c_library.femto_logger_set_disabled(pointer, True) == 0
    assert not logger.propagate and logger.disabled
    logger.propagate, logger.disabled = True, False
    assert logger.propagate and not logger.disabled


@pytest.mark.parametrize(
    "change",
    [
        lambda handlers, new: handlers.append(new),
        lambda handlers, new: handlers.extend([new]),
        lambda handlers, new: handlers.insert(0, new),
        lambda handlers, new: handlers.__setitem__(slice(None), [new]),
        lambda handlers, new: handlers.__iadd__([new]),
    ],
    ids=["append", "extend", "insert", "slice", "iadd"],
)
def test_changing_logger_handlers_changes_where_records_go(tmp_path, change):
    logger = logging.getLogger(f"state.list.{id(change)}")
    logger.propagate = False
    handler = logging.FileHandler(str(tmp_path / "out.log"))
    handler.setFormatter(logging.Formatter("%(message)s"))
    change(logger.handlers, handler)
    assert logger.handlers == [handler]
    logger.warning("in")
    logger.handlers.clear()
    logger.warning("out")
    handler.flush()
    assert (tmp_path / "out.log").read_text().splitlines() == ["in"]
    logger.handlers = [handler]
    logger.warning("again")
    del logger.handlers[0]
    logger.warning("gone")
    handler.close()
    assert (tmp_path / "out.log").read_text().splitlines() == ["in", "again"]


def test_assigning_handlers_replaces_them_in_one_step(tmp_path):
    logger = logging.getLogger("state.assign")
    logger.propagate = False
    first, second = logging.FileHandler(str(tmp_path / "1.log")), logging.FileHandler(str(tmp_path / "2.log"))
    logger.addHandler(first)
    logger.handlers = [second, second]  # each once
    assert logger.handlers == [second]
    logger.handlers.append(first)
    logger.handlers.sort(key=lambda handler: handler is second)
    assert logger.handlers == [first, second]
    logger.handlers.remove(first)
    logger.warning("second only")
    first.close()
    second.close()
    assert (tmp_path / "1.log").read_text() == ""
    assert (tmp_path / "2.log").read_text().splitlines() == ["second only"]


def test_a_configuration_change_reads_its_own_pending_state(tmp_path):
    from femtologging._logger import configuration_change

    logger = logging.getLogger("state.batch")
    handler = logging.FileHandler(str(tmp_path / "b.log"))
    with configuration_change():
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.ERROR)
        assert logger.handlers == [handler]
        assert not logger.propagate and logger.level == logging.ERROR
    assert logger.handlers == [handler] and not logger.propagate and logger.level == logging.ERROR
    logger.handlers = []
    handler.close()


def test_logger_dict_lists_the_engines_loggers(c_library):
    c_logger(c_library, "state.made_in_c.child")
    names = logging.getLogger().manager.loggerDict
    assert "state.made_in_c.child" in names
    assert "state.made_in_c" in names  # its parent exists in the engine too
    assert "root" not in names
    assert names["state.made_in_c.child"] is logging.getLogger("state.made_in_c.child")
    assert logging.Logger.manager.getLogger("state.x") is logging.getLogger("state.x")


@pytest.mark.parametrize("utc", [False, True])
def test_json_formatter_text_is_the_engines_in_python_too(tmp_path, utc):
    """One JSON formatter: ``format(record)`` in Python is the line the
    engine's handler writes (``extra`` included, UTC included)."""
    formatter = logging.JsonFormatter(utc=utc)
    logger = logging.getLogger(f"state.json.{utc}")
    logger.propagate = False
    handler = logging.FileHandler(str(tmp_path / "j.log"))
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(formatter.format(record))

    keeper = Keep()
    logger.addHandler(keeper)
    logger.warning("hello %s", "json", extra={"user": "ada"})
    handler.flush()
    keeper.flush()
    written = (tmp_path / "j.log").read_text().splitlines()
    assert len(written) == 1 and len(seen) == 1
    line, python = json.loads(written[0]), json.loads(seen[0])
    assert line["user"] == python["user"] == "ada"
    assert line["message"] == python["message"] == "hello json"
    assert line["asctime"] == python["asctime"]
    logger.handlers = []
    handler.close()


def test_a_handler_python_attached_lives_while_a_logger_holds_it(run_script, tmp_path):
    """As in stdlib, a logger keeps the handler object it holds (made in a
    function, say): same object, same class, and at exit its records are
    written before Python goes (it used to crash the interpreter's exit)."""
    result = run_script(
        """
        import gc, sys
        import femtologging as logging
        out = open(sys.argv[1], "w")
        def setup():
            logger = logging.getLogger("held")
            logger.propagate = False
            logger.addHandler(logging.StreamHandler(out))
        setup()
        gc.collect()
        [handler] = logging.getLogger("held").handlers
        assert type(handler) is logging.StreamHandler, handler
        del handler
        for i in range(1000):
            logging.getLogger("held").warning("r%d", i)
        """,
        str(tmp_path / "held.log"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (tmp_path / "held.log").read_text().splitlines() == [f"r{i}" for i in range(1000)]


def test_a_detached_handler_is_not_kept(tmp_path):
    import gc
    import weakref

    logger = logging.getLogger("state.detached")
    handler = logging.FileHandler(str(tmp_path / "d.log"))
    logger.addHandler(handler)
    logger.addHandler(handler)  # once
    logger.removeHandler(handler)
    gone = weakref.ref(handler)
    del handler
    gc.collect()
    assert gone() is None
