//! `femtologging._femtologging`: the native backend of the Python package.
//!
//! It holds no engine of its own: it links `libfemtologging.so` (the wheel
//! ships exactly one copy, beside this module) and calls it through the
//! library's function table, which it also publishes as the capsule
//! `femtologging._femtologging._C_API` so that C extensions log into the
//! same pipeline. Handles cross into Python as integers; the pure-Python
//! layer (`femtologging/__init__.py`) wraps them.

mod abi;
mod callback;
mod gil;
mod handler_method;
mod hooks;
mod logger;
mod methods;
mod percent;
mod record;
mod record_fields;
mod template;

use std::borrow::Cow;
use std::ffi::{c_char, c_void, CStr};

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

use abi::{
    femto_api, femto_handler_options, femto_handler_stats, femto_log_args, femto_str, Handle,
    Status,
};

/// The name C extensions pass to `PyCapsule_Import`.
const CAPSULE_NAME: &CStr = c"femtologging._femtologging._C_API";

fn api() -> &'static femto_api {
    // SAFETY: `femto_api_get` returns a pointer to a static, immutable table
    // that lives as long as the library, which stays loaded while this
    // module is; its layout was checked at import.
    unsafe { &*abi::femto_api_get() }
}

fn c_string(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: the library returns NUL-terminated strings that stay valid
    // at least until the next failing call on this thread.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// Raises `femtologging.FemtoError` (defined in Python, shared with the cffi
/// backend) for an error status; passes `OK`, `DROPPED` and `TIMEOUT`.
fn check(py: Python<'_>, status: Status) -> PyResult<Status> {
    if status == abi::STATUS_DROPPED {
        // A signal handler that ran while the call waited (crate::gil) may
        // have raised: the call raises it.
        if let Some(raised) = PyErr::take(py) {
            return Err(raised);
        }
    }
    if status < 7000 {
        return Ok(status);
    }
    let message = c_string((api().last_error)());
    let errors = py.import("femtologging._errors")?;
    let error = errors
        .getattr("error_for_status")?
        .call1((status, message))?;
    Err(PyErr::from_value(error))
}

fn handle(value: usize) -> Handle {
    value as Handle
}

/// The ABI version of the loaded library.
#[pyfunction]
fn abi_version() -> u32 {
    (api().abi_version_fn)()
}

/// The version of the loaded library.
#[pyfunction]
fn version() -> String {
    c_string((api().version)())
}

#[pyfunction]
fn logger_get(py: Python<'_>, name: &Bound<'_, PyString>) -> PyResult<usize> {
    // A name with lone surrogates names the engine logger with them
    // backslash-escaped, as the cffi backend does.
    engine_logger(py, &utf8(name)?)
}

/// The engine's logger `name`.
pub(crate) fn engine_logger(py: Python<'_>, name: &str) -> PyResult<usize> {
    let mut out: Handle = std::ptr::null();
    check(
        py,
        (api().logger_get)(name.as_ptr().cast(), name.len(), &mut out),
    )?;
    Ok(out as usize)
}

// Configuration changes (levels, handlers, propagation, disable) wait for
// logging calls under way on other threads, which may need the GIL to
// finish: they run without it.

#[pyfunction]
fn logger_set_level(py: Python<'_>, logger: usize, level: i32) -> PyResult<()> {
    let status = py.detach(move || (api().logger_set_level)(handle(logger), level));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_get_level(py: Python<'_>, logger: usize) -> PyResult<i32> {
    let mut level = 0;
    check(py, (api().logger_get_level)(handle(logger), &mut level))?;
    Ok(level)
}

#[pyfunction]
fn logger_effective_level(py: Python<'_>, logger: usize) -> PyResult<i32> {
    let mut level = 0;
    check(
        py,
        (api().logger_get_effective_level)(handle(logger), &mut level),
    )?;
    Ok(level)
}

#[pyfunction]
fn logger_is_enabled_for(logger: usize, level: i32) -> bool {
    (api().logger_is_enabled_for)(handle(logger), level)
}

#[pyfunction]
fn logger_set_propagate(py: Python<'_>, logger: usize, propagate: bool) -> PyResult<()> {
    let status = py.detach(move || (api().logger_set_propagate)(handle(logger), propagate));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_add_handler(py: Python<'_>, logger: usize, handler: usize) -> PyResult<()> {
    let status = py.detach(move || (api().logger_add_handler)(handle(logger), handle(handler)));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_remove_handler(py: Python<'_>, logger: usize, handler: usize) -> PyResult<()> {
    let status = py.detach(move || (api().logger_remove_handler)(handle(logger), handle(handler)));
    check(py, status).map(drop)
}

/// Sets several loggers' level, propagate, disabled flag and handlers in
/// one engine change (`femto_loggers_set`): `states` holds `(logger,
/// level, propagate, disabled, [handler, …])` tuples.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn loggers_set(py: Python<'_>, states: Vec<(usize, i32, bool, bool, Vec<usize>)>) -> PyResult<()> {
    let handlers: Vec<Vec<Handle>> = states
        .iter()
        .map(|(_, _, _, _, hs)| hs.iter().map(|&h| handle(h)).collect())
        .collect();
    let entries: Vec<abi::femto_logger_state> = states
        .iter()
        .zip(&handlers)
        .map(
            |(&(logger, level, propagate, disabled, _), hs)| abi::femto_logger_state {
                logger: handle(logger),
                level,
                propagate,
                disabled,
                handlers: hs.as_ptr(),
                handler_count: hs.len(),
            },
        )
        .collect();
    let (ptr, len) = (entries.as_ptr() as usize, entries.len());
    let status = py.detach(move || (api().loggers_set)(ptr as *const abi::femto_logger_state, len));
    drop(entries);
    check(py, status).map(drop)
}

/// Whether records from `logger` must carry the caller's location
/// (`femto_logger_needs_location`).
#[pyfunction]
fn logger_needs_location(logger: usize) -> bool {
    (api().logger_needs_location)(handle(logger))
}

#[pyfunction]
fn logger_set_disabled(py: Python<'_>, logger: usize, disabled: bool) -> PyResult<()> {
    let status = py.detach(move || (api().logger_set_disabled)(handle(logger), disabled));
    check(py, status).map(drop)
}

#[pyfunction]
fn disable(py: Python<'_>, level: i32) -> PyResult<()> {
    let status = py.detach(move || (api().disable)(level));
    check(py, status).map(drop)
}

#[pyfunction]
fn null_handler_new(py: Python<'_>) -> PyResult<usize> {
    let mut out: Handle = std::ptr::null();
    check(py, (api().null_handler_new)(&mut out))?;
    Ok(out as usize)
}

/// Logs one record. A full queue under `block` waits, with the GIL
/// released (`gil`). With `handler`, the record goes to that handler only
/// (`logger` names it). With `caller_side_done`, the logger skips its
/// caller-side handlers (the caller ran them) and the result says whether
/// the logger's filters let the record through; otherwise it is `True`.
#[pyfunction]
#[pyo3(signature = (logger, level, message, pathname, lineno, func_name, thread_name, exc_text=None, stack=None, key_values=None, created_ns=0, thread_id=0, handler=0, caller_side_done=false))]
#[allow(clippy::too_many_arguments)]
fn logger_log(
    py: Python<'_>,
    logger: usize,
    level: i32,
    message: &Bound<'_, PyString>,
    pathname: &Bound<'_, PyString>,
    lineno: u32,
    func_name: &Bound<'_, PyString>,
    thread_name: &Bound<'_, PyString>,
    exc_text: Option<&Bound<'_, PyString>>,
    stack: Option<&Bound<'_, PyString>>,
    key_values: Option<Vec<(Bound<'_, PyString>, Bound<'_, PyString>)>>,
    created_ns: u64,
    thread_id: u64,
    handler: usize,
    caller_side_done: bool,
) -> PyResult<bool> {
    // Text with lone surrogates is written backslash-escaped, never raised.
    let message = utf8(message)?;
    let pathname = utf8(pathname)?;
    let func_name = utf8(func_name)?;
    let thread_name = utf8(thread_name)?;
    let exc_text = exc_text.map(utf8).transpose()?;
    let stack = stack.map(utf8).transpose()?;
    let texts = key_values
        .iter()
        .flatten()
        .map(|(key, value)| Ok((utf8(key)?, utf8(value)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let pairs: Vec<abi::femto_kv> = texts
        .iter()
        .map(|(key, value)| abi::femto_kv {
            key: femto_str::of(key),
            value: femto_str::of(value),
        })
        .collect();
    let args = femto_log_args {
        file: femto_str::of(&pathname),
        line: lineno,
        function: femto_str::of(&func_name),
        key_values: if pairs.is_empty() {
            std::ptr::null()
        } else {
            pairs.as_ptr()
        },
        key_value_count: pairs.len(),
        exception: femto_str::of_opt(exc_text.as_deref()),
        stack: femto_str::of_opt(stack.as_deref()),
        thread_name: femto_str::of(&thread_name),
        created_ns,
        thread_id,
        caller_side_done,
        ..femto_log_args::new(level, &message)
    };
    // With the GIL held, as in `logger::NativeLogger::emit`.
    let _held = gil::HoldingGil::mark(py);
    let status = if handler == 0 {
        (api().logger_log_ex)(handle(logger), &args)
    } else {
        (api().handler_log_ex)(handle(handler), handle(logger), &args)
    };
    Ok(check(py, status)? != abi::STATUS_FILTERED)
}

/// [`utf8`] of an optional string.
fn optional_utf8<'a>(text: &'a Option<Bound<'_, PyString>>) -> PyResult<Option<Cow<'a, str>>> {
    text.as_ref().map(|t| utf8(t)).transpose()
}

/// `log_stdlib_record` for a `femtologging.LogRecord`, its fields read
/// from the struct: to the logger its name names, or with `handler` to
/// that handler only. Returns `False` (nothing logged) when Python must
/// convert the record (a subclass, an exception not yet formatted).
#[pyfunction]
#[pyo3(signature = (record, handler=0))]
fn log_native_record(py: Python<'_>, record: &Bound<'_, PyAny>, handler: usize) -> PyResult<bool> {
    log_one_native_record(py, record, handler)
}

/// `log_native_record` for each of `records` in order, up to the first
/// that Python must convert; returns how many were logged (a
/// `MemoryHandler` handing its buffer to a femtologging handler).
#[pyfunction]
fn log_native_records(
    py: Python<'_>,
    records: &Bound<'_, PyList>,
    handler: usize,
) -> PyResult<usize> {
    for (index, record) in records.iter().enumerate() {
        if !log_one_native_record(py, &record, handler)? {
            return Ok(index);
        }
    }
    Ok(records.len())
}

pub(crate) fn log_one_native_record(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    handler: usize,
) -> PyResult<bool> {
    let Ok(record) = record.cast_exact::<record::LogRecord>() else {
        return Ok(false);
    };
    let Some(view) = record::LogRecord::engine_view(record)? else {
        return Ok(false);
    };
    let name = utf8(&view.name)?;
    let logger = engine_logger(py, &name)?;
    let message = utf8(&view.message)?;
    let pathname = optional_utf8(&view.pathname)?;
    let func_name = optional_utf8(&view.func_name)?;
    let thread_name = optional_utf8(&view.thread_name)?;
    let exc_text = optional_utf8(&view.exc_text)?;
    let stack = optional_utf8(&view.stack)?;
    let pairs: Vec<abi::femto_kv> = view
        .extra
        .iter()
        .flatten()
        .map(|(key, value)| abi::femto_kv {
            key: femto_str::of(key),
            value: femto_str::of(value),
        })
        .collect();
    let args = femto_log_args {
        file: femto_str::of(pathname.as_deref().unwrap_or("")),
        line: view.lineno,
        function: femto_str::of(func_name.as_deref().unwrap_or("")),
        key_values: if pairs.is_empty() {
            std::ptr::null()
        } else {
            pairs.as_ptr()
        },
        key_value_count: pairs.len(),
        exception: femto_str::of_opt(exc_text.as_deref()),
        stack: femto_str::of_opt(stack.as_deref()),
        thread_name: femto_str::of(thread_name.as_deref().unwrap_or("")),
        created_ns: view.created_ns,
        thread_id: view.thread_id,
        ..femto_log_args::new(view.level, &message)
    };
    // With the GIL held, as in `logger::NativeLogger::emit`.
    let _held = gil::HoldingGil::mark(py);
    let status = if handler == 0 {
        (api().logger_log_ex)(handle(logger), &args)
    } else {
        (api().handler_log_ex)(handle(handler), handle(logger), &args)
    };
    check(py, status)?;
    Ok(true)
}

#[pyfunction]
#[pyo3(signature = (style, fmt, datefmt=None, escape_controls=false))]
fn formatter_new(
    py: Python<'_>,
    style: i32,
    fmt: &str,
    datefmt: Option<&str>,
    escape_controls: bool,
) -> PyResult<usize> {
    let mut out: Handle = std::ptr::null();
    let (date_ptr, date_len) =
        datefmt.map_or((std::ptr::null(), 0), |d| (d.as_ptr().cast(), d.len()));
    let options = abi::femto_formatter_options {
        size: std::mem::size_of::<abi::femto_formatter_options>(),
        escape_controls,
        utc: false,
    };
    check(
        py,
        (api().formatter_new_ex)(
            style,
            fmt.as_ptr().cast(),
            fmt.len(),
            date_ptr,
            date_len,
            &options,
            &mut out,
        ),
    )?;
    Ok(out as usize)
}

#[pyfunction]
#[pyo3(signature = (datefmt=None))]
fn formatter_new_json(py: Python<'_>, datefmt: Option<&str>) -> PyResult<usize> {
    let mut out: Handle = std::ptr::null();
    let (date_ptr, date_len) =
        datefmt.map_or((std::ptr::null(), 0), |d| (d.as_ptr().cast(), d.len()));
    check(py, (api().formatter_new_json)(date_ptr, date_len, &mut out))?;
    Ok(out as usize)
}

/// Reads a configuration (`kind` 0: TOML text, 1: JSON text, 2: a file
/// path) with the engine's loader, which checks it, and returns it as
/// JSON in the file format with every default filled in.
#[pyfunction]
fn config_export(py: Python<'_>, source: &str, kind: u8) -> PyResult<String> {
    let read = match kind {
        0 => api().config_from_toml,
        1 => api().config_from_json,
        _ => api().config_from_file,
    };
    let mut config: Handle = std::ptr::null();
    check(py, read(source.as_ptr().cast(), source.len(), &mut config))?;
    let json = text_out(py, |buffer, capacity, len| {
        (api().config_to_json)(config, buffer, capacity, len)
    });
    (api().config_free)(config);
    json
}

/// The text a C function writes to a caller's buffer (`buffer`, `capacity`,
/// `out_len`), asked for again with a larger buffer on `BUFFER_TOO_SMALL`.
fn text_out(
    py: Python<'_>,
    mut write: impl FnMut(*mut c_char, usize, *mut usize) -> Status,
) -> PyResult<String> {
    let mut buffer = vec![0u8; 4096];
    let mut len = 0usize;
    let mut status = write(buffer.as_mut_ptr().cast(), buffer.len(), &mut len);
    if status == abi::STATUS_BUFFER_TOO_SMALL {
        buffer = vec![0u8; len + 1];
        status = write(buffer.as_mut_ptr().cast(), buffer.len(), &mut len);
    }
    check(py, status)?;
    buffer.truncate(len);
    String::from_utf8(buffer).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

#[pyfunction]
fn formatter_free(formatter: usize) {
    (api().formatter_free)(handle(formatter));
}

fn handler_options(
    level: i32,
    formatter: usize,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> femto_handler_options {
    femto_handler_options {
        size: std::mem::size_of::<femto_handler_options>(),
        capacity,
        overflow,
        timeout_ms,
        level,
        formatter: handle(formatter),
        name: femto_str::ABSENT,
        text_only: false,
        caller_side: false,
        flush_delay_us: 0,
    }
}

/// A handler writing to file descriptor 1 or 2.
#[pyfunction]
#[pyo3(signature = (fd, level=0, formatter=0, capacity=0, overflow=0, timeout_ms=0))]
fn stream_handler_new(
    py: Python<'_>,
    fd: i32,
    level: i32,
    formatter: usize,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> PyResult<usize> {
    let options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    let mut out: Handle = std::ptr::null();
    check(py, (api().stream_handler_new)(fd, &options, &mut out))?;
    Ok(out as usize)
}

/// A handler appending to (or with `truncate`, first emptying) `path`;
/// with `delay`, the file is opened at the first record; with `watch`, it
/// is reopened when moved or removed.
#[pyfunction]
#[pyo3(signature = (path, truncate, delay=false, watch=false, level=0, formatter=0, capacity=0, overflow=0, timeout_ms=0))]
#[allow(clippy::too_many_arguments)]
fn file_handler_new(
    py: Python<'_>,
    path: &str,
    truncate: bool,
    delay: bool,
    watch: bool,
    level: i32,
    formatter: usize,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> PyResult<usize> {
    let options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    let mut out: Handle = std::ptr::null();
    check(
        py,
        (api().file_handler_new_ex)(
            path.as_ptr().cast(),
            path.len(),
            &abi::femto_file_options {
                size: std::mem::size_of::<abi::femto_file_options>(),
                truncate,
                delay,
                watch,
            },
            &options,
            &mut out,
        ),
    )?;
    Ok(out as usize)
}

/// A handler writing to `path` that rolls over by size (`max_bytes`, 0:
/// never) keeping `backup_count` backups.
#[pyfunction]
#[pyo3(signature = (path, truncate, max_bytes, backup_count, delay=false, level=0, formatter=0, capacity=0, overflow=0, timeout_ms=0))]
#[allow(clippy::too_many_arguments)]
fn rotating_file_handler_new(
    py: Python<'_>,
    path: &str,
    truncate: bool,
    max_bytes: u64,
    backup_count: u32,
    delay: bool,
    level: i32,
    formatter: usize,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> PyResult<usize> {
    let options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    let rotation = abi::femto_rotation_options {
        size: std::mem::size_of::<abi::femto_rotation_options>(),
        max_bytes,
        backup_count,
        truncate,
        delay,
    };
    let mut out: Handle = std::ptr::null();
    check(
        py,
        (api().rotating_file_handler_new)(
            path.as_ptr().cast(),
            path.len(),
            &rotation,
            &options,
            &mut out,
        ),
    )?;
    Ok(out as usize)
}

/// A handler writing to `path` that rolls over on Python's `when` schedule.
#[pyfunction]
#[pyo3(signature = (path, when, interval, utc, at_time, backup_count, delay=false, level=0, formatter=0, capacity=0, overflow=0, timeout_ms=0, clock=None))]
#[allow(clippy::too_many_arguments)]
fn timed_rotating_file_handler_new(
    py: Python<'_>,
    path: &str,
    when: &str,
    interval: u32,
    utc: bool,
    at_time: Option<(u32, u32, u32)>,
    backup_count: u32,
    delay: bool,
    level: i32,
    formatter: usize,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
    clock: Option<Py<PyAny>>,
) -> PyResult<usize> {
    let options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    let (at_hour, at_minute, at_second) = at_time.unwrap_or_default();
    // The engine owns the clock from the call on (and frees it on failure).
    let (clock_now, clock_utc_offset, clock_user_data, clock_destroy) = match clock {
        Some(clock) => hooks::clock_callbacks(clock),
        None => (None, None, std::ptr::null_mut(), None),
    };
    let schedule = abi::femto_timed_rotation_options {
        size: std::mem::size_of::<abi::femto_timed_rotation_options>(),
        when: femto_str::of(when),
        interval,
        utc,
        has_at_time: at_time.is_some(),
        at_hour,
        at_minute,
        at_second,
        backup_count,
        delay,
        clock_now,
        clock_utc_offset,
        clock_user_data,
        clock_destroy,
    };
    let mut out: Handle = std::ptr::null();
    check(
        py,
        (api().timed_rotating_file_handler_new)(
            path.as_ptr().cast(),
            path.len(),
            &schedule,
            &options,
            &mut out,
        ),
    )?;
    Ok(out as usize)
}

#[pyfunction]
fn handler_set_backup_count(py: Python<'_>, handler: usize, backup_count: u32) -> PyResult<()> {
    check(
        py,
        (api().handler_set_backup_count)(handle(handler), backup_count),
    )?;
    Ok(())
}

#[pyfunction]
fn handler_set_rotation(
    py: Python<'_>,
    handler: usize,
    max_bytes: u64,
    backup_count: u32,
) -> PyResult<()> {
    check(
        py,
        (api().handler_set_rotation)(handle(handler), max_bytes, backup_count),
    )?;
    Ok(())
}

#[pyfunction]
fn handler_roll_over(py: Python<'_>, handler: usize) -> PyResult<()> {
    // Queued behind the records: may wait for room, so without the GIL.
    let status = py.detach(move || (api().handler_roll_over)(handle(handler)));
    check(py, status)?;
    Ok(())
}

#[pyfunction]
fn handler_free(handler: usize) {
    (api().handler_free)(handle(handler));
}

/// Returns `False` on timeout. The GIL is released while waiting.
#[pyfunction]
fn handler_flush(py: Python<'_>, handler: usize, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(move || (api().handler_flush)(handle(handler), timeout_ms));
    Ok(check(py, status)? == abi::STATUS_OK)
}

/// Returns `False` on timeout. The GIL is released while waiting.
#[pyfunction]
fn handler_close(py: Python<'_>, handler: usize, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(move || (api().handler_close)(handle(handler), timeout_ms));
    Ok(check(py, status)? == abi::STATUS_OK)
}

#[pyfunction]
fn handler_set_level(py: Python<'_>, handler: usize, level: i32) -> PyResult<()> {
    check(py, (api().handler_set_level)(handle(handler), level)).map(drop)
}

#[pyfunction]
fn handler_set_formatter(py: Python<'_>, handler: usize, formatter: usize) -> PyResult<()> {
    // Queued behind the records: may wait for room, so without the GIL.
    let status =
        py.detach(move || (api().handler_set_formatter)(handle(handler), handle(formatter)));
    check(py, status).map(drop)
}

/// `(written, dropped, errors)`.
#[pyfunction]
fn handler_stats(py: Python<'_>, handler: usize) -> PyResult<(u64, u64, u64)> {
    let mut stats = femto_handler_stats {
        size: std::mem::size_of::<femto_handler_stats>(),
        ..Default::default()
    };
    check(py, (api().handler_stats_get)(handle(handler), &mut stats))?;
    Ok((stats.written, stats.dropped, stats.errors))
}

#[pyfunction]
fn flush_all(py: Python<'_>, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(move || (api().flush_all)(timeout_ms));
    Ok(check(py, status)? == abi::STATUS_OK)
}

#[pyfunction]
fn shutdown(py: Python<'_>, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(move || (api().shutdown)(timeout_ms));
    Ok(check(py, status)? == abi::STATUS_OK)
}

/// The drain at exit (`femto_exit_drain`); `False` if something was
/// abandoned. The GIL is released while waiting.
#[pyfunction]
fn exit_drain(py: Python<'_>) -> PyResult<bool> {
    let status = py.detach(|| (api().exit_drain)());
    Ok(check(py, status)? == abi::STATUS_OK)
}

/// Begins exit (`femto_exit_begin`): later waits give up without progress.
#[pyfunction]
fn exit_begin() {
    (api().exit_begin)();
}

#[pyfunction]
fn set_exit_timeout(py: Python<'_>, timeout_ms: u64) -> PyResult<()> {
    check(py, (api().set_exit_timeout)(timeout_ms))?;
    Ok(())
}

/// Before `fork` (`femto_fork_quiesce`), with the GIL released: the
/// workers of Python sinks may need it to finish their call.
#[pyfunction]
fn fork_quiesce(py: Python<'_>, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(|| (api().fork_quiesce)(timeout_ms));
    Ok(check(py, status)? == abi::STATUS_OK)
}

/// Whether the engine's default error reporter writes to stderr
/// (`femto_set_error_output`; `raiseExceptions`).
#[pyfunction]
fn set_error_output(enabled: bool) {
    (api().set_error_output)(enabled);
}

/// `femto_confine_file`: the resolved path of a file an untrusted
/// configuration names, created private; `FemtoValueError` with the reason
/// for a path the rules refuse.
#[pyfunction]
fn confine_file(py: Python<'_>, root: &str, path: &str) -> PyResult<String> {
    text_out(py, |buffer, capacity, len| {
        (api().confine_file)(
            root.as_ptr().cast(),
            root.len(),
            path.as_ptr().cast(),
            path.len(),
            buffer,
            capacity,
            len,
        )
    })
}

#[pyfunction]
fn exit_abandoned() -> u64 {
    (api().exit_abandoned)()
}

#[pyfunction]
fn add_level_name(py: Python<'_>, level: i32, name: &str) -> PyResult<()> {
    check(
        py,
        (api().add_level_name)(level, name.as_ptr().cast(), name.len()),
    )
    .map(drop)
}

#[pyfunction]
fn handler_add_filter(py: Python<'_>, handler: usize, filter: usize) -> PyResult<()> {
    check(
        py,
        (api().handler_add_filter)(handle(handler), handle(filter)),
    )?;
    Ok(())
}

#[pyfunction]
fn handler_remove_filter(py: Python<'_>, handler: usize, filter: usize) -> PyResult<()> {
    check(
        py,
        (api().handler_remove_filter)(handle(handler), handle(filter)),
    )?;
    Ok(())
}

/// Where records reaching no handler go: `handler`, or nowhere with 0.
#[pyfunction]
fn set_last_resort(py: Python<'_>, handler: usize) -> PyResult<()> {
    check(py, (api().set_last_resort)(handle(handler)))?;
    Ok(())
}

#[pyfunction]
fn filter_free(filter: usize) {
    (api().filter_free)(handle(filter));
}

/// The UTF-8 of a Python string. Lone surrogates (undecodable bytes kept by
/// `surrogateescape`, as in some file names) cannot be UTF-8: they become
/// backslash escapes, as stdlib's `basicConfig` files write them, instead
/// of failing the logging call.
pub(crate) fn utf8<'a>(text: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    if let Ok(text) = text.to_str() {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.call_method1("encode", ("utf-8", "backslashreplace"))?;
    Ok(Cow::Owned(
        String::from_utf8_lossy(bytes.cast::<PyBytes>()?.as_bytes()).into_owned(),
    ))
}

/// Sizes of the C structs as this module sees them, for the layout test.
#[pyfunction]
fn struct_sizes() -> Vec<(&'static str, usize)> {
    vec![
        ("femto_api", std::mem::size_of::<femto_api>()),
        ("femto_log_args", std::mem::size_of::<femto_log_args>()),
        (
            "femto_handler_options",
            std::mem::size_of::<femto_handler_options>(),
        ),
        (
            "femto_handler_stats",
            std::mem::size_of::<femto_handler_stats>(),
        ),
        ("femto_str", std::mem::size_of::<femto_str>()),
        (
            "femto_file_options",
            std::mem::size_of::<abi::femto_file_options>(),
        ),
        (
            "femto_rotation_options",
            std::mem::size_of::<abi::femto_rotation_options>(),
        ),
        (
            "femto_timed_rotation_options",
            std::mem::size_of::<abi::femto_timed_rotation_options>(),
        ),
        (
            "femto_logger_state",
            std::mem::size_of::<abi::femto_logger_state>(),
        ),
    ]
}

/// Refuses to load against a library whose ABI differs from ours.
fn check_abi() -> PyResult<()> {
    let table = api();
    if table.abi_version != abi::ABI_VERSION || table.size < std::mem::size_of::<femto_api>() {
        return Err(PyImportError::new_err(format!(
            "libfemtologging ABI {} (table of {} bytes) does not match this extension (ABI {}, {} bytes); \
             reinstall femtologging",
            table.abi_version,
            table.size,
            abi::ABI_VERSION,
            std::mem::size_of::<femto_api>()
        )));
    }
    Ok(())
}

/// Makes this backend the one whose hooks run during waits (the engine has
/// one set per process: only the backend in use installs them).
#[pyfunction]
fn install_wait_hooks() -> PyResult<()> {
    gil::release_while_waiting()
}

#[pymodule]
fn _femtologging(m: &Bound<'_, PyModule>) -> PyResult<()> {
    check_abi()?;
    let table = abi::femto_api_get as unsafe extern "C" fn() -> *const femto_api;
    // SAFETY: `femto_api_get` has no preconditions.
    let table_ptr = unsafe { table() } as *mut c_void;
    // SAFETY: the pointer is the library's static table (never freed, so no
    // destructor); the name is a static C string, as the capsule requires.
    let capsule = unsafe { pyo3::ffi::PyCapsule_New(table_ptr, CAPSULE_NAME.as_ptr(), None) };
    // SAFETY: `PyCapsule_New` returns a new reference or NULL with an error set.
    let capsule = unsafe { Bound::from_owned_ptr_or_err(m.py(), capsule)? };
    m.add("_C_API", capsule)?;
    m.add_function(wrap_pyfunction!(install_wait_hooks, m)?)?;
    m.add_function(wrap_pyfunction!(exit_drain, m)?)?;
    m.add_function(wrap_pyfunction!(exit_begin, m)?)?;
    m.add_function(wrap_pyfunction!(set_exit_timeout, m)?)?;
    m.add_function(wrap_pyfunction!(exit_abandoned, m)?)?;
    m.add_function(wrap_pyfunction!(fork_quiesce, m)?)?;
    m.add_function(wrap_pyfunction!(set_error_output, m)?)?;
    m.add_function(wrap_pyfunction!(confine_file, m)?)?;
    m.add("ABI_VERSION", abi::ABI_VERSION)?;
    logger::prepare(m.py())?;
    m.add_class::<logger::NativeLogger>()?;
    m.add_class::<record::LogRecord>()?;
    m.add_class::<template::RecordTemplate>()?;
    m.add_function(wrap_pyfunction!(record::record_setup, m)?)?;
    m.add_function(wrap_pyfunction!(record::record_after_fork, m)?)?;
    logger::install_native_level_methods(m.py())?;
    m.add_function(wrap_pyfunction!(logger::install_level_methods, m)?)?;
    m.add_function(wrap_pyfunction!(template::install_format_method, m)?)?;
    m.add_function(wrap_pyfunction!(handler_method::install_handle_method, m)?)?;
    m.add_function(wrap_pyfunction!(abi_version, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(logger_get, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_level, m)?)?;
    m.add_function(wrap_pyfunction!(logger_get_level, m)?)?;
    m.add_function(wrap_pyfunction!(logger_effective_level, m)?)?;
    m.add_function(wrap_pyfunction!(logger_is_enabled_for, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_propagate, m)?)?;
    m.add_function(wrap_pyfunction!(logger_add_handler, m)?)?;
    m.add_function(wrap_pyfunction!(logger_remove_handler, m)?)?;
    m.add_function(wrap_pyfunction!(logger_log, m)?)?;
    m.add_function(wrap_pyfunction!(log_native_record, m)?)?;
    m.add_function(wrap_pyfunction!(log_native_records, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_disabled, m)?)?;
    m.add_function(wrap_pyfunction!(disable, m)?)?;
    m.add_function(wrap_pyfunction!(null_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(formatter_new, m)?)?;
    m.add_function(wrap_pyfunction!(formatter_free, m)?)?;
    m.add_function(wrap_pyfunction!(stream_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(file_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(callback::callback_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(handler_free, m)?)?;
    m.add_function(wrap_pyfunction!(handler_flush, m)?)?;
    m.add_function(wrap_pyfunction!(handler_close, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_level, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_formatter, m)?)?;
    m.add_function(wrap_pyfunction!(handler_stats, m)?)?;
    m.add_function(wrap_pyfunction!(flush_all, m)?)?;
    m.add_function(wrap_pyfunction!(shutdown, m)?)?;
    m.add_function(wrap_pyfunction!(add_level_name, m)?)?;
    m.add_function(wrap_pyfunction!(struct_sizes, m)?)?;
    m.add_function(wrap_pyfunction!(handler_add_filter, m)?)?;
    m.add_function(wrap_pyfunction!(handler_remove_filter, m)?)?;
    m.add_function(wrap_pyfunction!(filter_free, m)?)?;
    m.add_function(wrap_pyfunction!(set_last_resort, m)?)?;
    m.add_function(wrap_pyfunction!(rotating_file_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_rotation, m)?)?;
    m.add_function(wrap_pyfunction!(handler_roll_over, m)?)?;
    m.add_function(wrap_pyfunction!(timed_rotating_file_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_backup_count, m)?)?;
    m.add_function(wrap_pyfunction!(formatter_new_json, m)?)?;
    m.add_function(wrap_pyfunction!(config_export, m)?)?;
    m.add_function(wrap_pyfunction!(loggers_set, m)?)?;
    m.add_function(wrap_pyfunction!(logger_needs_location, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::formatter_new_callback, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::filter_new_callback, m)?)?;
    Ok(())
}
