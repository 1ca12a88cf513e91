//! Handlers: the constructors of the engine's own kinds, and what Python
//! does to a handler (flush, close, level, formatter, filters, rotation,
//! counters). Calls that queue behind records or wait for the worker run
//! without the GIL: the worker may need it to finish a Python sink's call.

use femto_abi::{
    femto_handler, femto_handler_options, femto_handler_stats, femto_str,
    femto_timed_rotation_options, Versioned, FEMTO_STATUS_OK,
};
use pyo3::prelude::*;

use crate::api::api;
use crate::cast::{EngineFilter, EngineFormatter, EngineHandler};
use crate::status::{check, text_out};

/// The options every constructor takes.
pub(crate) fn handler_options(
    level: i32,
    formatter: Option<&EngineFormatter>,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> femto_handler_options {
    femto_handler_options {
        capacity,
        overflow,
        timeout_ms,
        level,
        formatter: EngineFormatter::ptr_or_null(formatter),
        ..femto_handler_options::defaults()
    }
}

fn new_handler(
    py: Python<'_>,
    make: impl FnOnce(*mut *mut femto_handler) -> i32,
) -> PyResult<EngineHandler> {
    let mut out = std::ptr::null_mut();
    let status = make(&mut out);
    EngineHandler::made(py, status, out)
}

/// A handler of any engine kind, from its description in the
/// configuration file's format (`{"class": "file", "path": …}`): the one
/// constructor every kind shares (`femto_handler_new`).
#[pyfunction]
#[pyo3(signature = (description, level=0, formatter=None, capacity=0, overflow=0, timeout_ms=0))]
fn handler_new(
    py: Python<'_>,
    description: &str,
    level: i32,
    formatter: Option<&EngineFormatter>,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> PyResult<EngineHandler> {
    let options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    new_handler(py, |out| {
        (api().handler_new)(
            description.as_ptr().cast(),
            description.len(),
            &options,
            out,
        )
    })
}

/// A handler writing to `path` that rolls over on Python's `when` schedule
/// by the clock `clock` (tests and simulations; without a clock,
/// `handler_new` makes it).
#[pyfunction]
#[pyo3(signature = (path, when, interval, utc, at_time, backup_count, delay=false, level=0, formatter=None, capacity=0, overflow=0, timeout_ms=0, clock=None))]
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
    formatter: Option<&EngineFormatter>,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
    clock: Option<Py<PyAny>>,
) -> PyResult<EngineHandler> {
    let options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    let (at_hour, at_minute, at_second) = at_time.unwrap_or_default();
    // The engine owns the clock from the call on (and frees it on failure).
    let (clock_now, clock_utc_offset, clock_user_data, clock_destroy) = match clock {
        Some(clock) => crate::hooks::clock_callbacks(clock),
        None => (None, None, std::ptr::null_mut(), None),
    };
    let schedule = femto_timed_rotation_options {
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
        ..femto_timed_rotation_options::defaults()
    };
    new_handler(py, |out| {
        (api().timed_rotating_file_handler_new)(
            path.as_ptr().cast(),
            path.len(),
            &schedule,
            &options,
            out,
        )
    })
}

/// A handler that discards every record.
#[pyfunction]
fn null_handler_new(py: Python<'_>) -> PyResult<EngineHandler> {
    new_handler(py, |out| (api().null_handler_new)(out))
}

#[pyfunction]
fn handler_set_backup_count(
    py: Python<'_>,
    handler: &EngineHandler,
    backup_count: u32,
) -> PyResult<()> {
    check(
        py,
        (api().handler_set_backup_count)(handler.ptr(), backup_count),
    )
    .map(drop)
}

#[pyfunction]
fn handler_set_rotation(
    py: Python<'_>,
    handler: &EngineHandler,
    max_bytes: u64,
    backup_count: u32,
) -> PyResult<()> {
    check(
        py,
        (api().handler_set_rotation)(handler.ptr(), max_bytes, backup_count),
    )
    .map(drop)
}

/// Whether the size-rotating `handler` rolls a file of `file_len` bytes
/// over before a record of `record_len` bytes (its worker's rule).
#[pyfunction]
fn handler_rollover_due(
    py: Python<'_>,
    handler: &EngineHandler,
    file_len: u64,
    record_len: u64,
) -> PyResult<bool> {
    let mut out = false;
    check(
        py,
        (api().handler_rollover_due)(handler.ptr(), file_len, record_len, &mut out),
    )?;
    Ok(out)
}

/// The time-rotating `handler`'s first rollover after `current` by its
/// schedule, and the rollover its worker will do next (`None` before it
/// opened the file).
#[pyfunction]
fn handler_rollover_times(
    py: Python<'_>,
    handler: &EngineHandler,
    current: i64,
) -> PyResult<(i64, Option<i64>)> {
    let (mut computed, mut next_at) = (0, 0);
    check(
        py,
        (api().handler_rollover_times)(handler.ptr(), current, &mut computed, &mut next_at),
    )?;
    Ok((computed, Some(next_at).filter(|&at| at != i64::MIN)))
}

#[pyfunction]
fn handler_roll_over(py: Python<'_>, handler: &EngineHandler) -> PyResult<()> {
    let status = py.detach(|| (api().handler_roll_over)(handler.ptr()));
    check(py, status).map(drop)
}

/// Returns `False` on timeout. The GIL is released while waiting.
#[pyfunction]
fn handler_flush(py: Python<'_>, handler: &EngineHandler, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(|| (api().handler_flush)(handler.ptr(), timeout_ms));
    Ok(check(py, status)? == FEMTO_STATUS_OK)
}

/// Returns `False` on timeout. The GIL is released while waiting.
#[pyfunction]
fn handler_close(py: Python<'_>, handler: &EngineHandler, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(|| (api().handler_close)(handler.ptr(), timeout_ms));
    Ok(check(py, status)? == FEMTO_STATUS_OK)
}

#[pyfunction]
fn handler_set_level(py: Python<'_>, handler: &EngineHandler, level: i32) -> PyResult<()> {
    check(py, (api().handler_set_level)(handler.ptr(), level)).map(drop)
}

#[pyfunction]
fn handler_set_formatter(
    py: Python<'_>,
    handler: &EngineHandler,
    formatter: &EngineFormatter,
) -> PyResult<()> {
    let status = py.detach(|| (api().handler_set_formatter)(handler.ptr(), formatter.ptr()));
    check(py, status).map(drop)
}

/// `(written, dropped, errors)`.
#[pyfunction]
fn handler_stats(py: Python<'_>, handler: &EngineHandler) -> PyResult<(u64, u64, u64)> {
    let mut stats = femto_handler_stats::defaults();
    check(py, (api().handler_stats_get)(handler.ptr(), &mut stats))?;
    Ok((stats.written, stats.dropped, stats.errors))
}

#[pyfunction]
fn handler_add_filter(
    py: Python<'_>,
    handler: &EngineHandler,
    filter: &EngineFilter,
) -> PyResult<()> {
    check(py, (api().handler_add_filter)(handler.ptr(), filter.ptr())).map(drop)
}

#[pyfunction]
fn handler_remove_filter(
    py: Python<'_>,
    handler: &EngineHandler,
    filter: &EngineFilter,
) -> PyResult<()> {
    check(
        py,
        (api().handler_remove_filter)(handler.ptr(), filter.ptr()),
    )
    .map(drop)
}

/// Where records reaching no handler go: `handler`, or nowhere with `None`.
#[pyfunction]
fn set_last_resort(py: Python<'_>, handler: Option<&EngineHandler>) -> PyResult<()> {
    check(
        py,
        (api().set_last_resort)(EngineHandler::ptr_or_null(handler)),
    )
    .map(drop)
}

/// A number equal for every reference to the same engine handler.
#[pyfunction]
fn handler_id(py: Python<'_>, handler: &EngineHandler) -> PyResult<u64> {
    let mut out = 0;
    check(py, (api().handler_id)(handler.ptr(), &mut out))?;
    Ok(out)
}

#[pyfunction]
fn handler_get_level(py: Python<'_>, handler: &EngineHandler) -> PyResult<i32> {
    let mut out = 0;
    check(py, (api().handler_get_level)(handler.ptr(), &mut out))?;
    Ok(out)
}

#[pyfunction]
fn handler_name(py: Python<'_>, handler: &EngineHandler) -> PyResult<String> {
    text_out(py, |buffer, capacity, len| {
        (api().handler_name)(handler.ptr(), buffer, capacity, len)
    })
}

/// The backups the time-rotating `handler` removes at its next rollover,
/// as a JSON array of paths.
#[pyfunction]
fn handler_backups_to_delete(py: Python<'_>, handler: &EngineHandler) -> PyResult<String> {
    text_out(py, |buffer, capacity, len| {
        (api().handler_backups_to_delete)(handler.ptr(), buffer, capacity, len)
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EngineHandler>()?;
    m.add_function(wrap_pyfunction!(handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(timed_rotating_file_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(null_handler_new, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_backup_count, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_rotation, m)?)?;
    m.add_function(wrap_pyfunction!(handler_roll_over, m)?)?;
    m.add_function(wrap_pyfunction!(handler_rollover_due, m)?)?;
    m.add_function(wrap_pyfunction!(handler_rollover_times, m)?)?;
    m.add_function(wrap_pyfunction!(handler_backups_to_delete, m)?)?;
    m.add_function(wrap_pyfunction!(handler_flush, m)?)?;
    m.add_function(wrap_pyfunction!(handler_close, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_level, m)?)?;
    m.add_function(wrap_pyfunction!(handler_set_formatter, m)?)?;
    m.add_function(wrap_pyfunction!(handler_stats, m)?)?;
    m.add_function(wrap_pyfunction!(handler_add_filter, m)?)?;
    m.add_function(wrap_pyfunction!(handler_remove_filter, m)?)?;
    m.add_function(wrap_pyfunction!(set_last_resort, m)?)?;
    m.add_function(wrap_pyfunction!(handler_id, m)?)?;
    m.add_function(wrap_pyfunction!(handler_get_level, m)?)?;
    m.add_function(wrap_pyfunction!(handler_name, m)?)?;
    m.add_function(wrap_pyfunction!(crate::callback::callback_handler_new, m)?)
}
