"""The cffi backend: the same engine functions as ``_femtologging``, over
``libfemtologging.so`` loaded in ABI mode (no compiler needed at install
time). Used when the native extension cannot load, or when
``FEMTOLOGGING_BACKEND=cffi``.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from typing import Any

import cffi

from ._errors import error_for_status

_HERE = os.path.dirname(os.path.abspath(__file__))
#: As the native backend's ``callback::FLUSH_DELAY_US``.
_FLUSH_DELAY_US = 2_000

ffi = cffi.FFI()
with open(os.path.join(_HERE, "include", "femtologging_cffi.h"), encoding="utf-8") as _cdef:
    ffi.cdef(_cdef.read())
lib = ffi.dlopen(os.path.join(_HERE, "libfemtologging.so"))

ABI_VERSION = 2
if lib.femto_abi_version() != ABI_VERSION or lib.FEMTO_ABI_VERSION != ABI_VERSION:
    raise ImportError(
        f"libfemtologging ABI {lib.femto_abi_version()} does not match the cffi backend (ABI {ABI_VERSION}); "
        "reinstall femtologging"
    )


#: Every C type this module names. cffi parses a type name the first time
#: it sees it, holding a lock that is not re-entrant: a signal handler that
#: logs (or a SIGTERM that drains the handlers) while the interrupted call
#: is parsing would wait for itself for ever. Parsed here, at import, the
#: names are found later without the lock.
CDECLS = (
    "bool *",
    "char[]",
    "const femto_logger *[]",
    "const femto_logger **",
    "femto_config **",
    "femto_file_options",
    "femto_file_options *",
    "femto_formatter_options",
    "femto_formatter_options *",
    "femto_filter **",
    "femto_formatter **",
    "femto_handler **",
    "femto_handler *[]",
    "femto_handler_options",
    "femto_handler_options *",
    "femto_handler_stats",
    "femto_handler_stats *",
    "femto_kv[]",
    "femto_log_args",
    "femto_log_args *",
    "femto_logger_state[]",
    "femto_receiver **",
    "femto_receiver_stats",
    "femto_receiver_stats *",
    "femto_rotation_options",
    "femto_rotation_options *",
    "femto_timed_rotation_options",
    "femto_timed_rotation_options *",
    "int32_t *",
    "int64_t *",
    "size_t *",
    "uint16_t *",
    "uint64_t *",
    "uintptr_t",
)
for _cdecl in CDECLS:
    ffi.typeof(_cdecl)
# Each function of ``lib`` is looked up (under the same lock) the first time
# it is used: all of them now, for the same reason.
for _name in dir(lib):
    getattr(lib, _name)

# ---- waits for room in a full queue ---------------------------------------
# cffi releases the GIL for every engine call, so a waiting thread needs no
# hooks to let the workers run; it needs the poll, so that Python's signal
# handlers (Ctrl-C) run within 20 ms and end the wait: the record is dropped
# and counted, and the logging call raises what the handler raised.

_interrupted = threading.local()
_check_signals = ctypes.pythonapi.PyErr_CheckSignals
_check_signals.restype = ctypes.c_int


def _poll_raised(_type: Any, value: BaseException | None, _traceback: Any) -> bool:
    _interrupted.exception = value
    return True


@ffi.callback("void *(void *)")
def _wait_begin(_user_data: Any) -> Any:
    return ffi.NULL


@ffi.callback("void(void *, void *)")
def _wait_end(_user_data: Any, _token: Any) -> None:
    return None


@ffi.callback("bool(void *, void **)", onerror=_poll_raised)
def _wait_poll(_user_data: Any, _token: Any) -> bool:
    _check_signals()  # raises what a signal handler raised (then: _poll_raised)
    return False


def exit_begin() -> None:
    lib.femto_exit_begin()


def after_fork_in_child() -> None:
    """Drops what Python sinks had collected for the parent: the parent
    hands it over; the child would write it a second time."""
    for handle in list(_sinks.values()):
        ffi.from_handle(handle).pending.clear()


def confine_file(root: str, path: str) -> str:
    """See the native backend's ``confine_file``."""
    root_data, root_size = _str(root)
    path_data, path_size = _str(path)
    return _text_out(
        lambda buffer, capacity, length: lib.femto_confine_file(
            root_data, root_size, path_data, path_size, buffer, capacity, length
        )
    )


def set_error_output(enabled: bool) -> None:
    """See the native backend's ``set_error_output``."""
    lib.femto_set_error_output(enabled)


def set_write_through(enabled: bool) -> None:
    """See the native backend's ``set_write_through``."""
    lib.femto_set_write_through(enabled)


def install_wait_hooks() -> None:
    """Makes this backend the one whose hooks run during waits (the engine
    has one set per process: only the backend in use installs them)."""
    _check(lib.femto_set_wait_hooks_ex(_wait_begin, _wait_end, _wait_poll, ffi.NULL))


def _check(status: int) -> int:
    if status == lib.FEMTO_STATUS_DROPPED:
        raised = getattr(_interrupted, "exception", None)
        if raised is not None:
            _interrupted.exception = None
            raise raised
    if status >= 7000:
        raise error_for_status(status, ffi.string(lib.femto_last_error()).decode("utf-8", "replace"))
    return status


# ---- the calls that are one C function each ----------------------------------
# What the native backend defines one by one (see its ``_femtologging.pyi``)
# is made here from a table: the C function, and how its result is read.


def _status_only(function: Any) -> Any:
    """Raises on an error status; returns nothing."""

    def call(*args: Any) -> None:
        _check(function(*args))

    return call


def _finished(function: Any) -> Any:
    """``True`` when done, ``False`` on ``FEMTO_STATUS_TIMEOUT``."""
    return lambda *args: _check(function(*args)) == lib.FEMTO_STATUS_OK


def _read(function: Any, out_type: str, convert: Any) -> Any:
    """The value the C function writes through its last argument."""

    def call(*args: Any) -> Any:
        out = ffi.new(out_type)
        _check(function(*args, out))
        return convert(out[0])

    return call


for _name, _function in {
    "logger_set_level": lib.femto_logger_set_level,
    "logger_set_propagate": lib.femto_logger_set_propagate,
    "logger_set_disabled": lib.femto_logger_set_disabled,
    "logger_add_handler": lib.femto_logger_add_handler,
    "logger_remove_handler": lib.femto_logger_remove_handler,
    "handler_set_level": lib.femto_handler_set_level,
    "handler_set_formatter": lib.femto_handler_set_formatter,
    "handler_add_filter": lib.femto_handler_add_filter,
    "handler_remove_filter": lib.femto_handler_remove_filter,
    "handler_set_backup_count": lib.femto_handler_set_backup_count,
    "handler_set_rotation": lib.femto_handler_set_rotation,
    "handler_roll_over": lib.femto_handler_roll_over,
    "disable": lib.femto_disable,
    "set_exit_timeout": lib.femto_set_exit_timeout,
}.items():
    globals()[_name] = _status_only(_function)
for _name, _function in {
    "handler_flush": lib.femto_handler_flush,
    "handler_close": lib.femto_handler_close,
    "flush_all": lib.femto_flush_all,
    "shutdown": lib.femto_shutdown,
    "exit_drain": lib.femto_exit_drain,
    "fork_quiesce": lib.femto_fork_quiesce,  # cffi releases the GIL
}.items():
    globals()[_name] = _finished(_function)
for _name, (_function, _out_type, _convert) in {
    "logger_get_level": (lib.femto_logger_get_level, "int32_t *", int),
    "logger_effective_level": (lib.femto_logger_get_effective_level, "int32_t *", int),
    "logger_get_propagate": (lib.femto_logger_get_propagate, "bool *", bool),
    "logger_get_disabled": (lib.femto_logger_get_disabled, "bool *", bool),
    "handler_id": (lib.femto_handler_id, "uint64_t *", int),
    "handler_get_level": (lib.femto_handler_get_level, "int32_t *", int),
}.items():
    globals()[_name] = _read(_function, _out_type, _convert)


def host_exit_at_exit() -> None:
    """At interpreter exit (after femtologging's own exit functions): the
    library runs no more Python callbacks (``femto_host_exit``), so a
    worker still holding records for a Python stream cannot call into an
    interpreter that has gone."""
    lib.femto_host_exit(2000)


def _owned(handle: object, free: Any) -> object:
    """``handle`` as a pointer released with ``free`` when its last Python
    reference goes; left alone at interpreter teardown, when releasing it
    could call a Python sink's destroy callback in a dying interpreter."""

    def release(pointer: object, _finalizing: Any = sys.is_finalizing) -> None:
        if not _finalizing():
            free(pointer)

    return ffi.gc(handle, release)


def _str(text: str | None) -> tuple[object, int]:
    """UTF-8 for the engine; lone surrogates become backslash escapes (as
    in the native backend) rather than failing the call."""
    if text is None:
        return ffi.NULL, 0
    data = text.encode("utf-8", "backslashreplace")
    return data, len(data)


def abi_version() -> int:
    return lib.femto_abi_version()


def version() -> str:
    return ffi.string(lib.femto_version()).decode()


def logger_get(name: str) -> object:
    out = ffi.new("const femto_logger **")
    data, size = _str(name)
    _check(lib.femto_logger_get(data, size, out))
    return out[0]


def logger_is_enabled_for(logger: object, level: int) -> bool:
    return bool(lib.femto_logger_is_enabled_for(logger, level))


def _log_args(
    level: int,
    message: str,
    pathname: str,
    lineno: int,
    func_name: str,
    thread_name: str,
    exc_text: str | None = None,
    stack: str | None = None,
    key_values: list[tuple[str, str]] | None = None,
    created_ns: int = 0,
    thread_id: int = 0,
) -> tuple[Any, list[object]]:
    """The record's ``femto_log_args``, and what must outlive its use."""
    args = ffi.new("femto_log_args *")
    args.size = ffi.sizeof("femto_log_args")
    args.level = level
    keep: list[object] = []  # the encoded bytes must outlive the call
    for field, text in (
        ("message", message),
        ("file", pathname),
        ("function", func_name),
        ("thread_name", thread_name),
        ("exception", exc_text),
        ("stack", stack),
    ):
        data, size = _str(text)
        keep.append(data)
        target = getattr(args, field)
        target.ptr = data if data is ffi.NULL else ffi.from_buffer(data)
        target.len = size
    args.line = lineno
    args.created_ns = created_ns
    args.thread_id = thread_id
    if key_values:
        pairs = ffi.new("femto_kv[]", len(key_values))
        keep.append(pairs)
        for pair, (key, value) in zip(pairs, key_values, strict=True):
            for target, text in ((pair.key, key), (pair.value, value)):
                data = text.encode("utf-8", "backslashreplace")
                keep.append(data)
                target.ptr = ffi.from_buffer(data)
                target.len = len(data)
        args.key_values = pairs
        args.key_value_count = len(key_values)
    return args, keep


def logger_log(
    logger: object, *fields: Any, handler: object = None, caller_side_done: bool = False, **named: Any
) -> bool:
    """See the native backend's ``logger_log``."""
    args, _keep = _log_args(*fields, **named)
    args.caller_side_done = caller_side_done
    if handler is not None:
        return _check(lib.femto_handler_log_ex(handler, logger, args)) != lib.FEMTO_STATUS_FILTERED
    return _check(lib.femto_logger_log_ex(logger, args)) != lib.FEMTO_STATUS_FILTERED


def formatter_format(formatter: object, logger: object, *fields: Any, **named: Any) -> str:
    """See the native backend's ``formatter_format``."""
    args, _keep = _log_args(*fields, **named)
    return _text_out(
        lambda buffer, capacity, length: lib.femto_formatter_format(formatter, logger, args, buffer, capacity, length)
    )


def logger_needs_location(logger: object) -> bool:
    return bool(lib.femto_logger_needs_location(logger))


def logger_only_caller_side(logger: object) -> bool:
    return bool(lib.femto_logger_only_caller_side(logger))


def loggers_set(states: list[tuple[object, int, bool, bool, list[object]]]) -> None:
    """See the native backend's ``loggers_set``."""
    entries = ffi.new("femto_logger_state[]", len(states))
    keep = []  # the handler arrays must outlive the call
    for entry, (logger, level, propagate, disabled, handlers) in zip(entries, states, strict=True):
        array = ffi.new("femto_handler *[]", handlers)
        keep.append(array)
        entry.logger = logger
        entry.level = level
        entry.propagate = propagate
        entry.disabled = disabled
        entry.handlers = array
        entry.handler_count = len(handlers)
    _check(lib.femto_loggers_set(entries, len(states)))


def _array_out(item: str, write: Any) -> list[object]:
    """The items a C function writes to a caller's array (``out``,
    ``capacity``, ``out_count``), asked for again with a larger array on
    ``BUFFER_TOO_SMALL`` (the number may grow between the calls)."""
    count = ffi.new("size_t *")
    capacity = 16
    while True:
        items = ffi.new(f"{item}[]", capacity)
        status = write(items, capacity, count)
        if status != lib.FEMTO_STATUS_BUFFER_TOO_SMALL:
            _check(status)
            return [items[index] for index in range(count[0])]
        capacity = count[0] + 16


def logger_handlers(logger: object) -> list[object]:
    """The logger's own handlers (new references), in order."""
    handlers = _array_out(
        "femto_handler *", lambda out, capacity, count: lib.femto_logger_handlers(logger, out, capacity, count)
    )
    return [_owned(handler, lib.femto_handler_free) for handler in handlers]


def logger_handler_count(logger: object) -> int:
    """How many handlers the logger has of its own (nothing is copied)."""
    count = ffi.new("size_t *")
    status = lib.femto_logger_handlers(logger, ffi.NULL, 0, count)
    if status != lib.FEMTO_STATUS_BUFFER_TOO_SMALL:
        _check(status)
    return int(count[0])


def loggers_get() -> list[tuple[str, object]]:
    """Every logger of the registry as ``(name, logger)``, the root first."""
    loggers = _array_out("const femto_logger *", lib.femto_loggers_get)
    return [(ffi.string(lib.femto_logger_name(logger)).decode(), logger) for logger in loggers]


def handler_name(handler: object) -> str:
    return _text_out(lambda buffer, capacity, length: lib.femto_handler_name(handler, buffer, capacity, length))


def logger_set_handlers(logger: object, handlers: list[object]) -> None:
    array = ffi.new("femto_handler *[]", handlers) if handlers else ffi.NULL
    _check(lib.femto_logger_set_handlers(logger, array, len(handlers)))


def null_handler_new() -> object:
    out = ffi.new("femto_handler **")
    _check(lib.femto_null_handler_new(out))
    return _owned(out[0], lib.femto_handler_free)


def formatter_new(style: int, fmt: str, datefmt: str | None = None, escape_controls: bool = False) -> object:
    out = ffi.new("femto_formatter **")
    fmt_data, fmt_size = _str(fmt)
    date_data, date_size = _str(datefmt)
    options = ffi.new("femto_formatter_options *")
    options.size = ffi.sizeof("femto_formatter_options")
    options.escape_controls = escape_controls
    _check(lib.femto_formatter_new_ex(style, fmt_data, fmt_size, date_data, date_size, options, out))
    return _owned(out[0], lib.femto_formatter_free)


def formatter_new_json(datefmt: str | None = None, utc: bool = False) -> object:
    out = ffi.new("femto_formatter **")
    date_data, date_size = _str(datefmt)
    options = ffi.new("femto_formatter_options *")
    options.size = ffi.sizeof("femto_formatter_options")
    options.utc = utc
    _check(lib.femto_formatter_new_json_ex(date_data, date_size, options, out))
    return _owned(out[0], lib.femto_formatter_free)


_CONFIG_READERS = ("femto_config_from_toml", "femto_config_from_json", "femto_config_from_file")


def config_apply(source: str, kind: int, confine_root: str | None = None) -> None:
    """See the native backend's ``config_apply``."""
    config = ffi.new("femto_config **")
    data, size = _str(source)
    _check(getattr(lib, _CONFIG_READERS[min(kind, 2)])(data, size, config))
    try:
        if confine_root is not None:
            root, root_size = _str(confine_root)
            _check(lib.femto_config_confine_files(config[0], root, root_size))
        _check(lib.femto_config_apply(config[0]))
    finally:
        lib.femto_config_free(config[0])


def _text_out(write: Any) -> str:
    """The text a C function writes to a caller's buffer (``buffer``,
    ``capacity``, ``out_len``), asked for again with a larger buffer on
    ``BUFFER_TOO_SMALL``."""
    length = ffi.new("size_t *")
    buffer = ffi.new("char[]", 4096)
    status = write(buffer, len(buffer), length)
    if status == lib.FEMTO_STATUS_BUFFER_TOO_SMALL:
        buffer = ffi.new("char[]", length[0] + 1)
        status = write(buffer, len(buffer), length)
    _check(status)
    return ffi.string(buffer, length[0]).decode("utf-8")


def _options(level: int, formatter: object, capacity: int, overflow: int, timeout_ms: int) -> object:
    options = ffi.new("femto_handler_options *")
    options.size = ffi.sizeof("femto_handler_options")
    options.capacity = capacity
    options.overflow = overflow
    options.timeout_ms = timeout_ms
    options.level = level
    options.formatter = formatter or ffi.NULL
    return options


def handler_new(
    description: str,
    level: int = 0,
    formatter: object = None,
    capacity: int = 0,
    overflow: int = 0,
    timeout_ms: int = 0,
) -> object:
    """See the native backend's ``handler_new``."""
    out = ffi.new("femto_handler **")
    data, size = _str(description)
    _check(lib.femto_handler_new(data, size, _options(level, formatter, capacity, overflow, timeout_ms), out))
    return _owned(out[0], lib.femto_handler_free)


def timed_rotating_file_handler_new(
    path: str,
    when: str,
    interval: int,
    utc: bool,
    at_time: tuple[int, int, int] | None,
    backup_count: int,
    delay: bool = False,
    level: int = 0,
    formatter: object = None,
    capacity: int = 0,
    overflow: int = 0,
    timeout_ms: int = 0,
    clock: object = None,
) -> object:
    out = ffi.new("femto_handler **")
    data = path.encode("utf-8")
    when_data, when_size = _str(when)
    schedule = ffi.new("femto_timed_rotation_options *")
    schedule.size = ffi.sizeof("femto_timed_rotation_options")
    schedule.when.ptr = ffi.from_buffer(when_data)
    schedule.when.len = when_size
    schedule.interval = interval
    schedule.utc = utc
    if at_time is not None:
        schedule.has_at_time = True
        schedule.at_hour, schedule.at_minute, schedule.at_second = at_time
    schedule.backup_count = backup_count
    schedule.delay = delay
    if clock is not None:
        schedule.clock_now = _clock_now
        schedule.clock_utc_offset = _clock_utc_offset
        schedule.clock_user_data = _keep(clock)
        schedule.clock_destroy = _release
    options = _options(level, formatter, capacity, overflow, timeout_ms)
    _check(lib.femto_timed_rotating_file_handler_new(data, len(data), schedule, options, out))
    return _owned(out[0], lib.femto_handler_free)


def handler_rollover_due(handler: object, file_len: int, record_len: int) -> bool:
    out = ffi.new("bool *")
    _check(lib.femto_handler_rollover_due(handler, file_len, record_len, out))
    return bool(out[0])


def handler_rollover_times(handler: object, current: int) -> tuple[int, int | None]:
    computed, next_at = ffi.new("int64_t *"), ffi.new("int64_t *")
    _check(lib.femto_handler_rollover_times(handler, current, computed, next_at))
    return computed[0], None if next_at[0] == -(2**63) else next_at[0]


def handler_backups_to_delete(handler: object) -> str:
    def write(buffer: object, capacity: int, length: object) -> int:
        return int(lib.femto_handler_backups_to_delete(handler, buffer, capacity, length))

    return _text_out(write)


def handler_stats(handler: object) -> tuple[int, int, int]:
    stats = ffi.new("femto_handler_stats *")
    stats.size = ffi.sizeof("femto_handler_stats")
    _check(lib.femto_handler_stats_get(handler, stats))
    return stats.written, stats.dropped, stats.errors


def receiver_new(description: str) -> object:
    """See the native backend's ``receiver_new``."""
    data, size = _str(description)
    out = ffi.new("femto_receiver **")
    _check(lib.femto_receiver_new(data, size, out))
    return _owned(out[0], lib.femto_receiver_free)


def receiver_port(receiver: object) -> int:
    port = ffi.new("uint16_t *")
    _check(lib.femto_receiver_port(receiver, port))
    return int(port[0])


def receiver_stats(receiver: object) -> tuple[int, int, int]:
    stats = ffi.new("femto_receiver_stats *")
    stats.size = ffi.sizeof("femto_receiver_stats")
    _check(lib.femto_receiver_stats_get(receiver, stats))
    return stats.records, stats.bad_frames, stats.connections


def receiver_stop(receiver: object, grace_ms: int) -> None:
    _check(lib.femto_receiver_stop(receiver, grace_ms))


def set_last_resort(handler: object) -> None:
    _check(lib.femto_set_last_resort(handler or ffi.NULL))


def add_level_name(level: int, name: str) -> None:
    data, size = _str(name)
    _check(lib.femto_add_level_name(level, data, size))


# Python sinks: the worker thread collects a batch of lines, then calls
# ``sink(chunk)`` with all of them and ``sink(None)`` to flush. The engine
# owns the handle from the call on and releases it through ``_destroy``
# exactly once.
class _PySink:
    def __init__(self, sink: object, terminator: str | None) -> None:
        self.sink = sink
        self.terminator = terminator  # None: pass record fields, not text
        self.pending: list[object] = []


def _text(value: object) -> str | None:
    return None if value.ptr == ffi.NULL else ffi.unpack(value.ptr, value.len).decode("utf-8", "replace")


_sinks: dict[int, object] = {}


@ffi.callback("int32_t(void *, const femto_record *, const char *, size_t)", onerror=lambda *_: 1)
def _write(user_data: object, record: object, text: object, length: int) -> int:
    state = ffi.from_handle(user_data)
    if state.terminator is not None:
        state.pending.append(ffi.unpack(text, length).decode("utf-8") + state.terminator)
        return 0
    state.pending.append(_record(record))
    return 0


_make_record: Any = None


def _record(view: object) -> object:
    """A stdlib ``LogRecord`` made from the engine's record view."""
    global _make_record
    if _make_record is None:
        from ._records import record_from_fields  # imported late: it imports this module

        _make_record = record_from_fields
    return _make_record(_fields(view))


def _fields(r: object) -> tuple[object, ...]:
    """The record view as the field tuple ``_records.record_from_fields`` reads."""
    pairs = (r.key_values[i] for i in range(r.key_value_count))
    key_values = [(_text(pair.key) or "", _text(pair.value) or "") for pair in pairs]
    return (
        _text(r.logger) or "",
        r.level,
        _text(r.message) or "",
        r.created_ns,
        r.thread_id,
        _text(r.thread_name) or "",
        r.process_id,
        _text(r.file) or "",
        r.line,
        _text(r.function) or "",
        _text(r.exception),
        _text(r.stack),
        key_values,
    )


def _sink_raised(_type: Any, value: BaseException | None, _traceback: Any) -> int:
    # Reported here as stdlib would (or not, under raiseExceptions = False);
    # -1 tells the engine to count it without a second report.
    if value is not None:
        from ._messages import report_sink_error

        report_sink_error(value)
    return -1


@ffi.callback("int32_t(void *)", onerror=_sink_raised)
def _flush(user_data: object) -> int:
    state = ffi.from_handle(user_data)
    if state.pending:
        batch = "".join(state.pending) if state.terminator is not None else list(state.pending)
        state.pending.clear()
        state.sink(batch)
    state.sink(None)
    return 0


@ffi.callback("void(void *)")
def _destroy(user_data: object, _sinks: dict[int, object] = _sinks, _cast: Any = ffi.cast) -> None:
    # Bound now: the last handlers may go at interpreter teardown.
    _sinks.pop(int(_cast("uintptr_t", user_data)), None)


def callback_handler_new(
    sink: object,
    terminator: str | None = "\n",
    level: int = 0,
    formatter: object = None,
    capacity: int = 0,
    overflow: int = 0,
    timeout_ms: int = 0,
    caller_side: bool = False,
) -> object:
    handle = ffi.new_handle(_PySink(sink, terminator))
    _sinks[int(ffi.cast("uintptr_t", handle))] = handle
    out = ffi.new("femto_handler **")
    options = _options(level, formatter, capacity, overflow, timeout_ms)
    options.text_only = terminator is not None  # a text sink never sees the location
    options.caller_side = caller_side
    options.flush_delay_us = _FLUSH_DELAY_US  # each flush takes the GIL: not for every few records
    _check(lib.femto_callback_handler_new(_write, _flush, handle, _destroy, options, out))
    return _owned(out[0], lib.femto_handler_free)


# Python formatters and filters the engine calls (see crates/femto-py/src/hooks.rs):
# the callables report their own exceptions, so a failure returns -1 (skip,
# count, do not report again) or False.
_callables: dict[int, object] = {}


def _keep(callable_: object) -> object:
    handle = ffi.new_handle(callable_)
    _callables[int(ffi.cast("uintptr_t", handle))] = handle
    return handle


@ffi.callback("void(void *)")
def _release(user_data: object) -> None:
    _callables.pop(int(ffi.cast("uintptr_t", user_data)), None)


@ffi.callback("int32_t(void *, const femto_record *, femto_text *)", onerror=lambda *_: -1)
def _format(user_data: object, record: object, out: object) -> int:
    text = ffi.from_handle(user_data)(_record(record))
    if text is None:
        return -1
    data = text.encode("utf-8", "backslashreplace")
    return lib.femto_text_append(out, data, len(data))


@ffi.callback("bool(void *, const femto_record *)", onerror=lambda *_: False)
def _filter(user_data: object, record: object) -> bool:
    return bool(ffi.from_handle(user_data)(_record(record)))


@ffi.callback("int64_t(void *)", onerror=lambda *_: 0)
def _clock_now(user_data: object) -> int:
    return int(ffi.from_handle(user_data).now())


@ffi.callback("int32_t(void *, int64_t)", onerror=lambda *_: 0)
def _clock_utc_offset(user_data: object, at: int) -> int:
    return int(ffi.from_handle(user_data).utc_offset(at))


def formatter_new_callback(format_record: object) -> object:
    out = ffi.new("femto_formatter **")
    _check(lib.femto_formatter_new_callback(_format, _keep(format_record), _release, out))
    return _owned(out[0], lib.femto_formatter_free)


def filter_new_callback(keep: object) -> object:
    out = ffi.new("femto_filter **")
    _check(lib.femto_filter_new_callback(_filter, _keep(keep), _release, out))
    return _owned(out[0], lib.femto_filter_free)


def struct_layout() -> list[tuple[str, str, int]]:
    """Every C struct's size and field offsets as cffi lays out the
    declarations (compared with the native module's in the tests)."""
    layout = []
    for name in ffi.list_types()[0]:
        kind = ffi.typeof(name)
        if kind.kind != "struct" or kind.fields is None:  # opaque handles have no layout
            continue
        layout.append((name, "", ffi.sizeof(kind)))
        layout += [(name, field, ffi.offsetof(kind, field)) for field, _ in kind.fields]
    return layout
