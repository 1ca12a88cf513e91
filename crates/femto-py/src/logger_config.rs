//! What Python reads and changes on a logger: its level, `propagate`,
//! `disabled`, handlers, and several loggers at once. Changes wait for
//! logging calls under way on other threads, which may need the GIL to
//! finish: they run without it.

use femto_abi::{femto_handler, femto_logger, femto_logger_state, FEMTO_STATUS_BUFFER_TOO_SMALL};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::api::api;
use crate::cast::{EngineHandler, EngineLogger};
use crate::status::{c_string, check};
use crate::types::utf8;

#[pyfunction]
fn logger_get(py: Python<'_>, name: &Bound<'_, PyString>) -> PyResult<EngineLogger> {
    // A name with lone surrogates names the engine logger with them
    // backslash-escaped, as the cffi backend does.
    EngineLogger::get(py, &utf8(name)?)
}

#[pyfunction]
fn logger_set_level(py: Python<'_>, logger: &EngineLogger, level: i32) -> PyResult<()> {
    let status = py.detach(|| (api().logger_set_level)(logger.ptr(), level));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_get_level(py: Python<'_>, logger: &EngineLogger) -> PyResult<i32> {
    let mut level = 0;
    check(py, (api().logger_get_level)(logger.ptr(), &mut level))?;
    Ok(level)
}

#[pyfunction]
fn logger_effective_level(py: Python<'_>, logger: &EngineLogger) -> PyResult<i32> {
    let mut level = 0;
    check(
        py,
        (api().logger_get_effective_level)(logger.ptr(), &mut level),
    )?;
    Ok(level)
}

#[pyfunction]
fn logger_is_enabled_for(logger: &EngineLogger, level: i32) -> bool {
    logger.is_enabled_for(level)
}

/// Whether records from `logger` must carry the caller's location
/// (`femto_logger_needs_location`).
#[pyfunction]
fn logger_needs_location(logger: &EngineLogger) -> bool {
    (api().logger_needs_location)(logger.ptr())
}

/// Whether every handler `logger`'s records reach is caller-side and the
/// logger has no engine filters (`femto_logger_only_caller_side`): the
/// engine then needs no message.
#[pyfunction]
fn logger_only_caller_side(logger: &EngineLogger) -> bool {
    (api().logger_only_caller_side)(logger.ptr())
}

#[pyfunction]
fn logger_set_propagate(py: Python<'_>, logger: &EngineLogger, propagate: bool) -> PyResult<()> {
    let status = py.detach(|| (api().logger_set_propagate)(logger.ptr(), propagate));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_set_disabled(py: Python<'_>, logger: &EngineLogger, disabled: bool) -> PyResult<()> {
    let status = py.detach(|| (api().logger_set_disabled)(logger.ptr(), disabled));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_add_handler(
    py: Python<'_>,
    logger: &EngineLogger,
    handler: &EngineHandler,
) -> PyResult<()> {
    let status = py.detach(|| (api().logger_add_handler)(logger.ptr(), handler.ptr()));
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_remove_handler(
    py: Python<'_>,
    logger: &EngineLogger,
    handler: &EngineHandler,
) -> PyResult<()> {
    let status = py.detach(|| (api().logger_remove_handler)(logger.ptr(), handler.ptr()));
    check(py, status).map(drop)
}

/// Replaces `logger`'s own handlers in one step (`femto_logger_set_handlers`).
#[pyfunction]
fn logger_set_handlers(
    py: Python<'_>,
    logger: &EngineLogger,
    handlers: Vec<PyRef<'_, EngineHandler>>,
) -> PyResult<()> {
    let pointers: Vec<*const femto_handler> =
        handlers.iter().map(|h| h.ptr().cast_const()).collect();
    // The engine reads the array (and the handlers, which `handlers` keeps
    // alive) during the call only.
    let (array, count) = (pointers.as_ptr() as usize, pointers.len());
    let status = py.detach(move || {
        (api().logger_set_handlers)(logger.ptr(), array as *const *const femto_handler, count)
    });
    check(py, status).map(drop)
}

/// One logger's whole state for [`loggers_set`].
type LoggerState<'py> = (
    PyRef<'py, EngineLogger>,
    i32,
    bool,
    bool,
    Vec<PyRef<'py, EngineHandler>>,
);

/// Sets several loggers' level, propagate, disabled flag and handlers in
/// one engine change (`femto_loggers_set`): `states` holds `(logger,
/// level, propagate, disabled, [handler, …])` tuples.
#[pyfunction]
fn loggers_set(py: Python<'_>, states: Vec<LoggerState<'_>>) -> PyResult<()> {
    let handlers: Vec<Vec<*const femto_handler>> = states
        .iter()
        .map(|state| state.4.iter().map(|h| h.ptr().cast_const()).collect())
        .collect();
    let entries: Vec<femto_logger_state> = states
        .iter()
        .zip(&handlers)
        .map(|(state, hs)| femto_logger_state {
            logger: state.0.ptr(),
            level: state.1,
            propagate: state.2,
            disabled: state.3,
            handlers: hs.as_ptr(),
            handler_count: hs.len(),
        })
        .collect();
    // The engine reads the entries (and the objects they point at, which
    // `states` keeps alive) during the call only.
    let (ptr, len) = (entries.as_ptr() as usize, entries.len());
    let status = py.detach(move || (api().loggers_set)(ptr as *const femto_logger_state, len));
    drop(entries);
    check(py, status).map(drop)
}

#[pyfunction]
fn logger_get_propagate(py: Python<'_>, logger: &EngineLogger) -> PyResult<bool> {
    let mut out = false;
    check(py, (api().logger_get_propagate)(logger.ptr(), &mut out))?;
    Ok(out)
}

#[pyfunction]
fn logger_get_disabled(py: Python<'_>, logger: &EngineLogger) -> PyResult<bool> {
    let mut out = false;
    check(py, (api().logger_get_disabled)(logger.ptr(), &mut out))?;
    Ok(out)
}

/// The items a C function writes to a caller's array (`out`, `capacity`,
/// `out_count`), asked for again with a larger array on `BUFFER_TOO_SMALL`
/// (the number may grow between the calls).
fn array_out<T>(
    py: Python<'_>,
    empty: T,
    write: impl Fn(*mut T, usize, *mut usize) -> i32,
) -> PyResult<Vec<T>>
where
    T: Copy,
{
    let mut items = vec![empty; 16];
    loop {
        let mut count = 0usize;
        let status = write(items.as_mut_ptr(), items.len(), &mut count);
        if status == FEMTO_STATUS_BUFFER_TOO_SMALL {
            items = vec![empty; count + 16];
            continue;
        }
        check(py, status)?;
        items.truncate(count);
        return Ok(items);
    }
}

/// The logger's own handlers (new references), in order.
#[pyfunction]
fn logger_handlers(py: Python<'_>, logger: &EngineLogger) -> PyResult<Vec<EngineHandler>> {
    let handlers = array_out(
        py,
        std::ptr::null_mut::<femto_handler>(),
        |out, capacity, count| (api().logger_handlers)(logger.ptr(), out, capacity, count),
    )?;
    handlers
        .into_iter()
        .map(|handler| EngineHandler::made(py, femto_abi::FEMTO_STATUS_OK, handler))
        .collect()
}

/// How many handlers the logger has of its own (nothing is copied).
#[pyfunction]
fn logger_handler_count(py: Python<'_>, logger: &EngineLogger) -> PyResult<usize> {
    let mut count = 0;
    let status = (api().logger_handlers)(logger.ptr(), std::ptr::null_mut(), 0, &mut count);
    if status != FEMTO_STATUS_BUFFER_TOO_SMALL {
        check(py, status)?;
    }
    Ok(count)
}

/// Every logger of the registry as `(name, logger)`, the root first.
#[pyfunction]
fn loggers_get(py: Python<'_>) -> PyResult<Vec<(String, EngineLogger)>> {
    let loggers = array_out(
        py,
        std::ptr::null::<femto_logger>(),
        |out, capacity, count| (api().loggers_get)(out, capacity, count),
    )?;
    loggers
        .into_iter()
        .map(|logger| {
            let name = c_string((api().logger_name)(logger));
            Ok((name, EngineLogger::from_library(logger)?))
        })
        .collect()
}

#[pyfunction]
fn disable(py: Python<'_>, level: i32) -> PyResult<()> {
    let status = py.detach(|| (api().disable)(level));
    check(py, status).map(drop)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EngineLogger>()?;
    m.add_function(wrap_pyfunction!(logger_get, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_level, m)?)?;
    m.add_function(wrap_pyfunction!(logger_get_level, m)?)?;
    m.add_function(wrap_pyfunction!(logger_effective_level, m)?)?;
    m.add_function(wrap_pyfunction!(logger_is_enabled_for, m)?)?;
    m.add_function(wrap_pyfunction!(logger_needs_location, m)?)?;
    m.add_function(wrap_pyfunction!(logger_only_caller_side, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_propagate, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_disabled, m)?)?;
    m.add_function(wrap_pyfunction!(logger_add_handler, m)?)?;
    m.add_function(wrap_pyfunction!(logger_remove_handler, m)?)?;
    m.add_function(wrap_pyfunction!(loggers_set, m)?)?;
    m.add_function(wrap_pyfunction!(logger_set_handlers, m)?)?;
    m.add_function(wrap_pyfunction!(logger_get_propagate, m)?)?;
    m.add_function(wrap_pyfunction!(logger_get_disabled, m)?)?;
    m.add_function(wrap_pyfunction!(logger_handlers, m)?)?;
    m.add_function(wrap_pyfunction!(logger_handler_count, m)?)?;
    m.add_function(wrap_pyfunction!(loggers_get, m)?)?;
    m.add_function(wrap_pyfunction!(disable, m)?)
}
