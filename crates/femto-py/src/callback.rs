//! Python sinks: a handler whose worker thread hands formatted records to a
//! Python callable, for streams such as `io.StringIO` or a replaced
//! `sys.stderr` that have no file descriptor.
//!
//! The worker collects a batch of lines without the GIL and takes it once
//! per batch: `sink(chunk)` with every line of the batch (terminators
//! included), then `sink(None)` to flush. Taking the GIL per record made the
//! logging thread and the worker trade it back and forth for every line.

use std::ffi::{c_char, c_void};
use std::sync::{Mutex, PoisonError};

use femto_abi::femto_record;
use pyo3::prelude::*;

use crate::api::api;
use crate::cast::{EngineFormatter, EngineHandler};
use crate::handler::handler_options;
use crate::record::LogRecord;
use crate::record_fields::RecordFields;

/// How long the worker of a Python sink may hold written records before
/// taking the GIL to hand them over: below the interpreter's 5 ms switch
/// interval, so the output is never far behind.
pub(crate) const FLUSH_DELAY_US: u32 = 2_000;

struct PySink {
    callable: Py<PyAny>,
    batch: Mutex<Pending>,
}

/// The batch, and the process that collected it: after `fork` the child's
/// worker drops what the parent's had collected (the parent hands it over).
struct Pending {
    process_id: u32,
    batch: Batch,
}

impl Pending {
    /// The batch, emptied first if another process collected it.
    fn of_process(&mut self, process_id: u32) -> &mut Batch {
        if self.process_id != process_id {
            self.process_id = process_id;
            match &mut self.batch {
                Batch::Text { pending, .. } => pending.clear(),
                Batch::Records(records) => records.clear(),
            }
        }
        &mut self.batch
    }
}

/// What the worker collects between two flushes; only it touches this.
enum Batch {
    /// Formatted lines, each followed by the terminator.
    Text { terminator: String, pending: String },
    /// Copies of the records' fields, for Python `Handler.emit`.
    Records(Vec<RecordFields>),
}

fn sink<'a>(user_data: *mut c_void) -> &'a PySink {
    // SAFETY: `user_data` is the `PySink` boxed by `callback_handler_new`,
    // alive until `destroy` runs after the last call.
    unsafe { &*(user_data as *const PySink) }
}

unsafe extern "C-unwind" fn write(
    user_data: *mut c_void,
    record: *const femto_record,
    text: *const c_char,
    len: usize,
) -> i32 {
    // SAFETY: the engine passes `len` bytes of formatted UTF-8, valid for the call.
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 2;
    };
    let sink = sink(user_data);
    // SAFETY: the engine passes a valid view for the duration of the call.
    let process_id = unsafe { (*record).process_id };
    let mut pending = sink.batch.lock().unwrap_or_else(PoisonError::into_inner);
    match pending.of_process(process_id) {
        Batch::Text {
            terminator,
            pending,
        } => {
            pending.push_str(text);
            pending.push_str(terminator);
        }
        // SAFETY: the engine passes a valid view for the duration of the call.
        Batch::Records(records) => records.push(unsafe { RecordFields::copy(&*record.cast()) }),
    }
    0
}

unsafe extern "C-unwind" fn flush(user_data: *mut c_void) -> i32 {
    let sink = sink(user_data);
    let batch = {
        let mut pending = sink.batch.lock().unwrap_or_else(PoisonError::into_inner);
        match pending.of_process(std::process::id()) {
            Batch::Text {
                terminator,
                pending,
            } => Batch::Text {
                terminator: terminator.clone(),
                pending: std::mem::take(pending),
            },
            Batch::Records(records) => Batch::Records(std::mem::take(records)),
        }
    };
    Python::attach(|py| {
        let delivered = match batch {
            Batch::Text { pending, .. } if pending.is_empty() => Ok(()),
            Batch::Records(records) if records.is_empty() => Ok(()),
            Batch::Text { pending, .. } => sink.callable.call1(py, (pending,)).map(drop),
            Batch::Records(records) => records
                .into_iter()
                .map(|fields| LogRecord::from_engine(py, fields))
                .collect::<PyResult<Vec<_>>>()
                .and_then(|records| sink.callable.call1(py, (records,)).map(drop)),
        };
        match delivered.and_then(|()| sink.callable.call1(py, (None::<&str>,)).map(drop)) {
            Ok(()) => 0,
            Err(error) => report_sink_error(py, error),
        }
    })
}

/// Reports a Python sink's exception as stdlib's `handleError` does (or
/// not, under `raiseExceptions = False`); -1 tells the engine to count it
/// without reporting it again.
fn report_sink_error(py: Python<'_>, error: PyErr) -> i32 {
    let reported = py
        .import("femtologging._messages")
        .and_then(|messages| messages.getattr("report_sink_error"))
        .and_then(|report| report.call1((error.into_value(py),)));
    if let Err(failure) = reported {
        failure.print(py);
    }
    -1
}

unsafe extern "C-unwind" fn destroy(user_data: *mut c_void) {
    // SAFETY: called once, after the last `write`/`flush`.
    let sink = unsafe { Box::from_raw(user_data as *mut PySink) };
    // Dropping a `Py` without the GIL defers the decref to PyO3's pool.
    drop(sink);
}

/// A handler whose worker calls `sink(chunk)` with each batch of lines
/// (each followed by `terminator`) and then `sink(None)`. With
/// `terminator=None` it calls `sink(records)` instead, a list of
/// `femtologging.LogRecord`, for Python `Handler.emit`. A `caller_side`
/// handler gets from the engine only the records Python did not hand it
/// on the logging thread (see `femto_handler_options.caller_side`).
#[pyfunction]
#[pyo3(signature = (sink, terminator="\n", level=0, formatter=None, capacity=0, overflow=0, timeout_ms=0, caller_side=false))]
#[allow(clippy::too_many_arguments)]
pub fn callback_handler_new(
    py: Python<'_>,
    sink: Py<PyAny>,
    terminator: Option<&str>,
    level: i32,
    formatter: Option<&EngineFormatter>,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
    caller_side: bool,
) -> PyResult<EngineHandler> {
    let mut options = handler_options(level, formatter, capacity, overflow, timeout_ms);
    options.caller_side = caller_side;
    // Each flush takes the GIL: at most every few milliseconds, not for
    // every few records (see `femto_handler_options.flush_delay_us`).
    options.flush_delay_us = FLUSH_DELAY_US;
    // A text sink (a Python stream) never sees the record's location.
    options.text_only = terminator.is_some();
    let batch = match terminator {
        Some(terminator) => Batch::Text {
            terminator: terminator.to_owned(),
            pending: String::new(),
        },
        None => Batch::Records(Vec::new()),
    };
    let user_data = Box::into_raw(Box::new(PySink {
        callable: sink,
        batch: Mutex::new(Pending {
            process_id: std::process::id(),
            batch,
        }),
    })) as *mut c_void;
    let mut out = std::ptr::null_mut();
    // The engine owns `user_data` from here on, and destroys it even if
    // the call fails.
    let status = (api().callback_handler_new)(
        Some(write),
        Some(flush),
        user_data,
        Some(destroy),
        &options,
        &mut out,
    );
    EngineHandler::made(py, status, out)
}
