//! The caller-side handlers a logger's records reach, as the fast path
//! runs them, read from Python once per change instead of once per call.
//!
//! Python bumps [`GENERATION`] (`caller_side_changed()`) whenever anything
//! a [`Dispatch`] holds may have changed: a logger's caller-side handlers,
//! or a handler's formatter, stream, terminator, lock, level or filter
//! list. A logger reads its handlers again on its next call after a bump.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use femto_abi::{femto_log_args, femto_logger};

use crate::api::api;
use crate::attached::AttachedCell;
use crate::cast::EngineFormatter;
use crate::handler_lock::HandlerLock;
use crate::plain_queue::PlainQueue;
use crate::python_call::OneArgCall;

/// Bumped by Python on every change a [`Dispatch`] depends on.
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// Drops every logger's [`Dispatch`] (Python calls it on a change).
#[pyfunction]
pub fn caller_side_changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// One caller-side handler, as the fast path treats it.
pub(crate) enum Entry {
    /// A `StreamHandler` or `QueueHandler` whose records native code
    /// formats and writes or puts.
    Native(NativeWrite),
    /// Any other handler: its `handle(record)`, its level read at each call
    /// (a foreign handler's is its target's, which may change any time).
    Handler(Py<PyAny>),
}

/// What a handler planned for native writes (`_native_writes`, or
/// `_native_puts`): stdlib's `handle` for a record without filters,
/// done without a Python frame.
pub(crate) struct NativeWrite {
    pub(crate) handler: Py<PyAny>,
    pub(crate) level: i32,
    /// The handler's filter list: records go through `handle` while it is
    /// not empty (read at each call, since code may append to it).
    filters: Py<PyList>,
    formatter: Py<EngineFormatter>,
    lock: Lock,
    pub(crate) reads: Reads,
    pub(crate) output: Output,
}

/// Where a [`NativeWrite`] sends the formatted line.
pub(crate) enum Output {
    /// stdlib's `StreamHandler.emit`: `write(line + terminator)`, then
    /// `flush()` (`None` for a `StringIO`, whose `flush` does nothing).
    Stream {
        terminator: String,
        write: OneArgCall,
        flush: Option<Py<PyAny>>,
    },
    /// stdlib's `QueueHandler.emit`: `put_nowait` of the prepared record
    /// (`msg` and `message` the line; no arguments, exception or stack);
    /// natively for a plain `queue.Queue`.
    Queue {
        put_nowait: Py<PyAny>,
        plain: Option<PlainQueue>,
    },
}

/// What a handler's format prints beyond the level, name and message.
#[derive(Clone, Copy)]
pub(crate) struct Reads {
    /// The caller's file, line or function.
    pub(crate) location: bool,
    /// The time of the call.
    pub(crate) time: bool,
    /// The Python thread's name.
    pub(crate) thread_name: bool,
}

/// The handler's lock, as `write` takes it.
enum Lock {
    /// femtologging's own: taken with no Python call.
    Native(Py<HandlerLock>),
    /// Any other (code may assign `handler.lock`): its bound methods.
    Python {
        acquire: Py<PyAny>,
        release: Py<PyAny>,
    },
}

impl Lock {
    fn of(lock: &Bound<'_, PyAny>) -> PyResult<Lock> {
        let py = lock.py();
        Ok(match lock.cast_exact::<HandlerLock>() {
            Ok(native) => Lock::Native(native.clone().unbind()),
            Err(_) => Lock::Python {
                acquire: lock.getattr(intern!(py, "acquire"))?.unbind(),
                release: lock.getattr(intern!(py, "release"))?.unbind(),
            },
        })
    }

    fn acquire(&self, py: Python<'_>) -> PyResult<()> {
        match self {
            Lock::Native(lock) => lock.get().take(py, None).map(drop),
            Lock::Python { acquire, .. } => crate::python_call::call0(acquire.bind(py)).map(drop),
        }
    }

    fn release(&self, py: Python<'_>) -> PyResult<()> {
        match self {
            Lock::Native(lock) => lock.get().give_back(),
            Lock::Python { release, .. } => crate::python_call::call0(release.bind(py)).map(drop),
        }
    }
}

/// A logger's caller-side handlers, in stdlib's `callHandlers` order.
///
/// A Python object (never seen by Python code): a call holds it by a
/// reference count CPython changes under the GIL with a plain add, where
/// an `Arc`'s two locked read-modify-writes were 4% of a `StringIO` call.
#[pyclass(frozen, module = "femtologging._femtologging")]
pub(crate) struct Dispatch {
    generation: u64,
    pub(crate) entries: Vec<Entry>,
    /// Some handler reads the caller's file, line or function (a record
    /// for `handle`, or a format that prints them).
    pub(crate) needs_site: bool,
    /// Some handler reads the time of the call (as `needs_site`).
    pub(crate) needs_time: bool,
    /// Some handler reads the Python thread's name (as `needs_site`).
    pub(crate) needs_thread_name: bool,
}

/// Where a logger keeps its [`Dispatch`]: guarded by the GIL (see
/// `attached`) rather than a `Mutex`, whose lock and unlock were two
/// atomic read-modify-writes on every call.
pub(crate) struct DispatchCache(AttachedCell<Option<Py<Dispatch>>>);

impl Default for DispatchCache {
    fn default() -> Self {
        DispatchCache(AttachedCell::new(None))
    }
}

impl DispatchCache {
    /// The logger's dispatch, read again from `logger` (the Python
    /// `Logger`) if something changed since it was read.
    pub(crate) fn get<'py>(&self, logger: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Dispatch>> {
        let py = logger.py();
        let now = GENERATION.load(Ordering::Acquire);
        let cached = self
            .0
            .borrow(py)
            .ok()
            .and_then(|cached| cached.as_ref().map(|d| d.bind(py).clone()));
        if let Some(dispatch) = cached.filter(|d| d.get().generation == now) {
            return Ok(dispatch);
        }
        // Read with no borrow held: reading calls Python, which may log
        // through this logger.
        let fresh = Bound::new(py, Dispatch::read(logger, now)?)?;
        // The old one is released once the cell is free again (releasing
        // it may run a finaliser that logs through this logger); should
        // such code be the one replacing it, this call keeps its own.
        let _old = match self.0.borrow_mut(py) {
            Ok(mut slot) => slot.replace(fresh.clone().unbind()),
            Err(_) => None,
        };
        Ok(fresh)
    }
}

/// `_native_writes`: formatter, terminator, write, flush, lock, and
/// whether the format reads the location, the time, the thread's name.
type StreamPlan<'py> = (
    Bound<'py, EngineFormatter>,
    Bound<'py, PyString>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    bool,
    bool,
    bool,
);

/// `_native_puts`: formatter, `queue.put_nowait`, lock.
type QueuePlan<'py> = (
    Bound<'py, EngineFormatter>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
);

impl Dispatch {
    fn read(logger: &Bound<'_, PyAny>, generation: u64) -> PyResult<Dispatch> {
        let py = logger.py();
        let mut entries = Vec::new();
        let (mut needs_site, mut needs_time, mut needs_thread_name) = (false, false, false);
        for handler in logger
            .getattr(intern!(py, "_caller_side_handlers"))?
            .try_iter()?
        {
            let handler = handler?;
            let Some(native) = NativeWrite::of(&handler)? else {
                (needs_site, needs_time, needs_thread_name) = (true, true, true);
                entries.push(Entry::Handler(handler.unbind()));
                continue;
            };
            needs_site |= native.reads.location;
            needs_time |= native.reads.time;
            needs_thread_name |= native.reads.thread_name;
            entries.push(Entry::Native(native));
        }
        Ok(Dispatch {
            generation,
            entries,
            needs_site,
            needs_time,
            needs_thread_name,
        })
    }
}

thread_local! {
    /// Where [`NativeWrite::write`] formats (kept: no allocation a call).
    static LINE: RefCell<Vec<u8>> = RefCell::new(vec![0u8; 4096]);
}

/// Why [`NativeWrite::write`] wrote nothing.
pub(crate) enum WriteFailed {
    /// The record could not be formatted: a bug, raised to the caller.
    Format(PyErr),
    /// The stream's `write` or `flush`, or the queue's `put_nowait`,
    /// raised: stdlib's `emit` hands this to `handleError`.
    Write(PyErr),
}

/// The `str` of UTF-8 `bytes`, decoded once (by Python, which checks them:
/// no `str::from_utf8` pass before it).
fn python_text<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let len = isize::try_from(bytes.len())
        .map_err(|_| pyo3::exceptions::PyOverflowError::new_err("line too long"))?;
    // SAFETY: `bytes` is valid for `len` bytes during the call and the GIL
    // is held; returns a new reference, or NULL with an error set (text
    // that is not UTF-8 raises UnicodeDecodeError).
    let text = unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            pyo3::ffi::PyUnicode_FromStringAndSize(bytes.as_ptr().cast(), len),
        )?
    };
    text.cast_into::<PyString>().map_err(Into::into)
}

impl NativeWrite {
    /// The native writes `handler` planned (`_native_writes` or
    /// `_native_puts`), or `None` when Python must handle its records.
    pub(crate) fn of(handler: &Bound<'_, PyAny>) -> PyResult<Option<NativeWrite>> {
        let py = handler.py();
        let Ok(filters) = handler
            .getattr(intern!(py, "filters"))?
            .cast_into::<PyList>()
        else {
            return Ok(None);
        };
        let stream = handler.getattr(intern!(py, "_native_writes"))?;
        let (formatter, lock, reads, output) = if let Ok(plan) = stream.extract::<StreamPlan<'_>>()
        {
            let (formatter, terminator, write, flush, lock, location, time, thread_name) = plan;
            let output = Output::Stream {
                terminator: terminator.to_str()?.to_owned(),
                write: OneArgCall::of(write),
                flush: (!flush.is_none()).then(|| flush.unbind()),
            };
            let reads = Reads {
                location,
                time,
                thread_name,
            };
            (formatter, lock, reads, output)
        } else if let Ok((formatter, put_nowait, lock)) = handler
            .getattr(intern!(py, "_native_puts"))?
            .extract::<QueuePlan<'_>>()
        {
            let output = Output::Queue {
                plain: PlainQueue::of(&put_nowait)?,
                put_nowait: put_nowait.unbind(),
            };
            // The prepared record carries every field.
            let reads = Reads {
                location: true,
                time: true,
                thread_name: true,
            };
            (formatter, lock, reads, output)
        } else {
            return Ok(None);
        };
        Ok(Some(NativeWrite {
            level: handler.getattr(intern!(py, "_level"))?.extract()?,
            handler: handler.clone().unbind(),
            filters: filters.unbind(),
            formatter: formatter.unbind(),
            lock: Lock::of(&lock)?,
            reads,
            output,
        }))
    }

    /// Whether records must go through the handler's `handle` (it has
    /// filters now).
    pub(crate) fn filtered(&self, py: Python<'_>) -> bool {
        !self.filters.bind(py).is_empty()
    }

    /// stdlib's `emit` under the handler's lock: the text of the
    /// (compiled) formatter, then for a stream `write(text + terminator)`
    /// and `flush()`, for a queue `put_nowait(prepared(text))`.
    pub(crate) fn write<'py>(
        &self,
        py: Python<'py>,
        logger: *const femto_logger,
        log_args: &femto_log_args,
        prepared: impl FnOnce(Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>>,
    ) -> Result<(), WriteFailed> {
        let terminator = match &self.output {
            Output::Stream { terminator, .. } => terminator.as_str(),
            Output::Queue { .. } => "",
        };
        let line = LINE
            .with_borrow_mut(|buffer| {
                let len = crate::status::text_out_into(py, buffer, |out, capacity, len| {
                    (api().formatter_format)(
                        self.formatter.get().ptr(),
                        logger,
                        log_args,
                        out,
                        capacity,
                        len,
                    )
                })?;
                let end = len + terminator.len();
                if buffer.len() < end {
                    buffer.resize(end, 0);
                }
                buffer[len..end].copy_from_slice(terminator.as_bytes());
                python_text(py, &buffer[..end])
            })
            .map_err(WriteFailed::Format)?;
        use crate::python_call::{call0, call1};
        let send = |line: Bound<'py, PyString>| -> Result<(), WriteFailed> {
            match &self.output {
                Output::Stream { write, flush, .. } => write
                    .call(line.as_any())
                    .and_then(|_| match flush {
                        None => Ok(()),
                        Some(flush) => call0(flush.bind(py)).map(drop),
                    })
                    .map_err(WriteFailed::Write),
                Output::Queue { put_nowait, plain } => {
                    let record = prepared(line).map_err(WriteFailed::Format)?;
                    match plain {
                        Some(queue) => queue.put_nowait(&record),
                        None => call1(put_nowait.bind(py), &record).map(drop),
                    }
                    .map_err(WriteFailed::Write)
                }
            }
        };
        self.lock.acquire(py).map_err(WriteFailed::Format)?;
        let sent = send(line);
        self.lock.release(py).map_err(WriteFailed::Format)?;
        sent
    }
}
