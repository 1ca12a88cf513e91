//! `StreamHandler.handle` (so every femtologging handler's `handle`) as a
//! native method: a record handed to one of femtologging's own handlers
//! (by a `QueueListener`, a `MemoryHandler` or a caller) goes to the
//! handler's queue with no Python frame, when nothing Python needs to see
//! first (filters, a Python `emit`).

use std::sync::OnceLock;

use crate::cast::EngineHandler;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList, PyString, PyType};

use crate::dispatch::{NativeWrite, Output, WriteFailed};
use crate::methods::Arguments;

/// What `handle` needs from Python, set once by `install_handle_method`.
struct Installed {
    /// The Python `Handler.handle`, for every other case.
    python_handle: Py<PyAny>,
    /// `StreamHandler.emit`: the handler hands the record to the engine
    /// unless it writes a Python stream itself (`_caller_side`).
    engine_emit: Py<PyAny>,
}

static INSTALLED: OnceLock<Installed> = OnceLock::new();

/// Makes `handle` of `class` (`femtologging.StreamHandler`, whose
/// subclasses are the handlers the engine writes for) a native method that
/// hands a native record straight to the handler's queue when the handler
/// has no filters, its `emit` is still `StreamHandler.emit` and the engine
/// writes its output; anything else goes to `python_handle`
/// (`Handler.handle`).
#[pyfunction]
pub fn install_handle_method(
    class: &Bound<'_, PyType>,
    python_handle: Py<PyAny>,
    engine_emit: Py<PyAny>,
) -> PyResult<()> {
    let _ = INSTALLED.set(Installed {
        python_handle,
        engine_emit,
    });
    crate::methods::install(
        class,
        c"handle",
        crate::methods::native_method!(handle_call),
        c"Filters, then emits under the handler's lock (stdlib semantics; femtologging's own handlers need no lock: their queue is one).",
    )
}

/// The body of the native `handle` method.
fn handle_call<'py>(
    handler: &Bound<'py, PyAny>,
    arguments: &Arguments<'_, 'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = handler.py();
    let installed = INSTALLED.get().ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("Handler.handle is not installed")
    })?;
    // Only `StreamHandler.emit` is known: any other `emit` is Python's.
    let emit = handler.get_type().getattr(intern!(py, "emit"))?;
    if let (Some(record), true) = (arguments.single(), emit.is(installed.engine_emit.bind(py))) {
        if handler.getattr(intern!(py, "_caller_side"))?.is_truthy()? {
            if write_to_python_stream(handler, record)? {
                return Ok(PyBool::new(py, true).to_owned().into_any());
            }
        } else if let Some(queue) = engine_queue(handler)? {
            let queue = queue.get();
            // An error means the record was not queued: the Python path
            // below tries again and reports it as stdlib does (`handleError`).
            if let Ok(true) = crate::log::log_one_native_record(py, record, Some(queue)) {
                return Ok(PyBool::new(py, true).to_owned().into_any());
            }
        }
    }
    arguments.call_method(installed.python_handle.bind(py), handler)
}

/// stdlib's `handle` for a native record and a `StreamHandler` that
/// writes a Python stream on the calling thread (a `MemoryHandler`'s
/// target, a `QueueListener`'s handler): written as a logging call writes
/// it (`NativeWrite`), with no Python frame. Only for a record made in
/// this process, and a handler that planned native writes, has no filters
/// and prints no time (stdlib's `format` would leave `asctime` on the
/// record); `false` leaves the record to Python. `handler`'s `emit` is
/// `StreamHandler.emit` (the caller checked).
fn write_to_python_stream(handler: &Bound<'_, PyAny>, record: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = handler.py();
    let Some(stream) = NativeWrite::of(handler)? else {
        return Ok(false);
    };
    if !matches!(stream.output, Output::Stream { .. }) || stream.reads.time || stream.filtered(py) {
        return Ok(false);
    }
    let Ok(native) = record.cast_exact::<crate::record::LogRecord>() else {
        return Ok(false);
    };
    if !crate::record::LogRecord::made_here(native) {
        return Ok(false);
    }
    // A message that cannot be built, text UTF-8 cannot hold: Python
    // formats the record and reports what fails as stdlib does.
    let Ok(Some(view)) = crate::record::LogRecord::engine_view(native) else {
        return Ok(false);
    };
    // Text UTF-8 cannot hold (lone surrogates) reaches the stream as it is.
    let texts = [
        &view.pathname,
        &view.func_name,
        &view.thread_name,
        &view.exc_text,
        &view.stack,
    ];
    let exact = |text: &Bound<'_, PyString>| text.to_str().is_ok();
    if !exact(&view.name) || !exact(&view.message) || !texts.into_iter().flatten().all(exact) {
        return Ok(false);
    }
    let Ok(written) = crate::log::with_view_args(&view, |logger, args| {
        // A stream's write makes no record.
        Ok(stream.write(py, logger.ptr(), args, |line| Ok(line.into_any())))
    }) else {
        return Ok(false);
    };
    match written {
        Ok(()) => {}
        // Python formats it again, and reports the failure as stdlib does.
        Err(WriteFailed::Format(_)) => return Ok(false),
        Err(WriteFailed::Write(error)) => {
            let error = error.into_value(py).into_bound(py).into_any();
            handler.call_method1(intern!(py, "_report_emit_error"), (record, error))?;
        }
    }
    // As stdlib's `format` leaves it.
    record.setattr(intern!(py, "message"), view.message)?;
    Ok(true)
}

/// The engine handler of `handler` (one the engine writes for) when
/// records go straight to it: open, with no filters.
fn engine_queue<'py>(handler: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, EngineHandler>>> {
    let py = handler.py();
    let no_filters = |name| -> PyResult<bool> {
        Ok(handler
            .getattr(name)?
            .cast::<PyList>()
            .is_ok_and(|list| list.is_empty()))
    };
    if !no_filters(intern!(py, "filters"))? || !no_filters(intern!(py, "_engine_filters"))? {
        return Ok(None);
    }
    // `None` once the handler is closed.
    Ok(handler
        .getattr(intern!(py, "_handle"))?
        .cast_into::<EngineHandler>()
        .ok())
}
