//! Records logged from Python outside the `NativeLogger` fast path: the
//! pure-Python `_log` (filters, caller-side handlers, `extra`), and
//! records a handler passes on (`Handler.handle`, `MemoryHandler`).

use femto_abi::{femto_kv, femto_log_args, femto_str, FEMTO_STATUS_FILTERED};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::api::api;
use crate::attached::AttachedCell;
use crate::cast::{EngineFormatter, EngineHandler, EngineLogger};
use crate::status::{check, text_out};
use crate::types::{optional_utf8, utf8};

/// Hands `args` to `logger`'s handlers, or with `handler` to that handler
/// only, with the GIL held (as in `logger::NativeLogger::emit`).
fn send(
    py: Python<'_>,
    logger: &EngineLogger,
    handler: Option<&EngineHandler>,
    args: &femto_log_args,
) -> PyResult<i32> {
    let _held = crate::gil::HoldingGil::mark(py);
    let status = match handler {
        None => (api().logger_log_ex)(logger.ptr(), args),
        Some(handler) => (api().handler_log_ex)(handler.ptr(), logger.ptr(), args),
    };
    check(py, status)
}

/// The key-values of a record, borrowed from `pairs`.
fn key_values<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<femto_kv> {
    pairs
        .map(|(key, value)| femto_kv {
            key: femto_str::of(key),
            value: femto_str::of(value),
        })
        .collect()
}

/// `args` carrying `pairs` as its key-values (`pairs` must outlive it).
fn with_key_values(mut args: femto_log_args, pairs: &[femto_kv]) -> femto_log_args {
    if !pairs.is_empty() {
        args.key_values = pairs.as_ptr();
        args.key_value_count = pairs.len();
    }
    args
}

/// A record's fields as Python passes them (`logger_log`, `formatter_format`).
struct PyFields<'a, 'py> {
    level: i32,
    message: &'a Bound<'py, PyString>,
    pathname: &'a Bound<'py, PyString>,
    lineno: u32,
    func_name: &'a Bound<'py, PyString>,
    thread_name: &'a Bound<'py, PyString>,
    exc_text: Option<&'a Bound<'py, PyString>>,
    stack: Option<&'a Bound<'py, PyString>>,
    key_values: Option<Vec<(Bound<'py, PyString>, Bound<'py, PyString>)>>,
    created_ns: u64,
    thread_id: u64,
}

impl PyFields<'_, '_> {
    /// Runs `use_args` with the record's `femto_log_args` (text with lone
    /// surrogates backslash-escaped, never raised).
    fn with_args<R>(&self, use_args: impl FnOnce(femto_log_args) -> PyResult<R>) -> PyResult<R> {
        let message = utf8(self.message)?;
        let pathname = utf8(self.pathname)?;
        let func_name = utf8(self.func_name)?;
        let thread_name = utf8(self.thread_name)?;
        let exc_text = self.exc_text.map(utf8).transpose()?;
        let stack = self.stack.map(utf8).transpose()?;
        let texts = self
            .key_values
            .iter()
            .flatten()
            .map(|(key, value)| Ok((utf8(key)?, utf8(value)?)))
            .collect::<PyResult<Vec<_>>>()?;
        let pairs = key_values(texts.iter().map(|(k, v)| (k.as_ref(), v.as_ref())));
        let args = femto_log_args {
            file: femto_str::of(&pathname),
            line: self.lineno,
            function: femto_str::of(&func_name),
            exception: femto_str::of_opt(exc_text.as_deref()),
            stack: femto_str::of_opt(stack.as_deref()),
            thread_name: femto_str::of(&thread_name),
            created_ns: self.created_ns,
            thread_id: self.thread_id,
            ..femto_log_args::new(self.level, femto_str::of(&message))
        };
        use_args(with_key_values(args, &pairs))
    }
}

/// Logs one record. A full queue under `block` waits, with the GIL
/// released (`gil`). With `handler`, the record goes to that handler only
/// (`logger` names it). With `caller_side_done`, the logger skips its
/// caller-side handlers (the caller ran them) and the result says whether
/// the logger's filters let the record through; otherwise it is `True`.
#[pyfunction]
#[pyo3(signature = (logger, level, message, pathname, lineno, func_name, thread_name, exc_text=None, stack=None, key_values=None, created_ns=0, thread_id=0, handler=None, caller_side_done=false))]
#[allow(clippy::too_many_arguments)]
fn logger_log(
    py: Python<'_>,
    logger: &EngineLogger,
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
    handler: Option<&EngineHandler>,
    caller_side_done: bool,
) -> PyResult<bool> {
    let fields = PyFields {
        level,
        message,
        pathname,
        lineno,
        func_name,
        thread_name,
        exc_text,
        stack,
        key_values,
        created_ns,
        thread_id,
    };
    fields.with_args(|args| {
        let args = femto_log_args {
            caller_side_done,
            ..args
        };
        Ok(send(py, logger, handler, &args)? != FEMTO_STATUS_FILTERED)
    })
}

/// The text `formatter` makes of the record these fields describe (as
/// `logger_log` takes them), without logging it: the engine's formatters
/// render for Python code too (`JsonFormatter.format`).
#[pyfunction]
#[pyo3(signature = (formatter, logger, level, message, pathname, lineno, func_name, thread_name, exc_text=None, stack=None, key_values=None, created_ns=0, thread_id=0))]
#[allow(clippy::too_many_arguments)]
fn formatter_format(
    py: Python<'_>,
    formatter: &EngineFormatter,
    logger: &EngineLogger,
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
) -> PyResult<String> {
    let fields = PyFields {
        level,
        message,
        pathname,
        lineno,
        func_name,
        thread_name,
        exc_text,
        stack,
        key_values,
        created_ns,
        thread_id,
    };
    fields.with_args(|args| {
        text_out(py, |buffer, capacity, len| {
            (api().formatter_format)(formatter.ptr(), logger.ptr(), &args, buffer, capacity, len)
        })
    })
}

/// `log_stdlib_record` for a `femtologging.LogRecord`, its fields read
/// from the struct: to the logger its name names, or with `handler` to
/// that handler only. Returns `False` (nothing logged) when Python must
/// convert the record (a subclass, an exception not yet formatted).
#[pyfunction]
#[pyo3(signature = (record, handler=None))]
fn log_native_record(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    handler: Option<&EngineHandler>,
) -> PyResult<bool> {
    log_one_native_record(py, record, handler)
}

/// `log_native_record` for each of `records` in order, up to the first
/// that Python must convert; returns how many were logged (a
/// `MemoryHandler` handing its buffer to a femtologging handler).
#[pyfunction]
fn log_native_records(
    py: Python<'_>,
    records: &Bound<'_, PyList>,
    handler: &EngineHandler,
) -> PyResult<usize> {
    for (index, record) in records.iter().enumerate() {
        if !log_one_native_record(py, &record, Some(handler))? {
            return Ok(index);
        }
    }
    Ok(records.len())
}

pub(crate) fn log_one_native_record(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    handler: Option<&EngineHandler>,
) -> PyResult<bool> {
    let Ok(record) = record.cast_exact::<crate::record::LogRecord>() else {
        return Ok(false);
    };
    let Some(view) = crate::record::LogRecord::engine_view(record)? else {
        return Ok(false);
    };
    with_view_args(&view, |logger, args| send(py, logger, handler, args))?;
    Ok(true)
}

/// The name object of the last record [`logger_named`] looked up, and its
/// engine logger (loggers are never freed).
static LAST_LOGGER: AttachedCell<Option<(Py<PyString>, EngineLogger)>> = AttachedCell::new(None);

/// The engine logger a record's name names. Why the cache: records handed
/// to a handler one by one (a `QueueListener`, a `MemoryHandler` flushing)
/// mostly share one logger and one name object, and the registry's lookup
/// takes its lock and hashes the name (about a tenth of a `handle` call).
fn logger_named(name: &Bound<'_, PyString>) -> PyResult<EngineLogger> {
    let py = name.py();
    if let Ok(last) = LAST_LOGGER.borrow(py) {
        if let Some((last_name, logger)) = &*last {
            if last_name.is(name) {
                return EngineLogger::from_library(logger.ptr());
            }
        }
    }
    let logger = EngineLogger::get(py, &utf8(name)?)?;
    let entry = (
        name.clone().unbind(),
        EngineLogger::from_library(logger.ptr())?,
    );
    // The name it held is released once the cell is free again.
    let _old = match LAST_LOGGER.borrow_mut(py) {
        Ok(mut last) => last.replace(entry),
        Err(_) => None,
    };
    Ok(logger)
}

/// Runs `use_args` with the `femto_log_args` of a native record's `view`
/// and the engine logger its name names.
pub(crate) fn with_view_args<R>(
    view: &crate::record::EngineView<'_>,
    use_args: impl FnOnce(&EngineLogger, &femto_log_args) -> PyResult<R>,
) -> PyResult<R> {
    let logger = logger_named(&view.name)?;
    let message = utf8(&view.message)?;
    let pathname = optional_utf8(&view.pathname)?;
    let func_name = optional_utf8(&view.func_name)?;
    let thread_name = optional_utf8(&view.thread_name)?;
    let exc_text = optional_utf8(&view.exc_text)?;
    let stack = optional_utf8(&view.stack)?;
    let pairs = key_values(
        view.extra
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let args = femto_log_args {
        file: femto_str::of(pathname.as_deref().unwrap_or("")),
        line: view.lineno,
        function: femto_str::of(func_name.as_deref().unwrap_or("")),
        exception: femto_str::of_opt(exc_text.as_deref()),
        stack: femto_str::of_opt(stack.as_deref()),
        thread_name: femto_str::of(thread_name.as_deref().unwrap_or("")),
        created_ns: view.created_ns,
        thread_id: view.thread_id,
        ..femto_log_args::new(view.level, femto_str::of(&message))
    };
    use_args(&logger, &with_key_values(args, &pairs))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(logger_log, m)?)?;
    m.add_function(wrap_pyfunction!(formatter_format, m)?)?;
    m.add_function(wrap_pyfunction!(log_native_record, m)?)?;
    m.add_function(wrap_pyfunction!(log_native_records, m)?)
}
