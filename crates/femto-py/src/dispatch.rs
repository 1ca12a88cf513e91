//! The caller-side handlers a logger's records reach, as the fast path
//! runs them, read from Python once per change instead of once per call.
//!
//! Python bumps [`GENERATION`] (`caller_side_changed()`) whenever anything
//! a [`Dispatch`] holds may have changed: a logger's caller-side handlers,
//! or a handler's formatter, stream, terminator, lock, level or filter
//! list. A logger reads its handlers again on its next call after a bump.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use femto_abi::{femto_log_args, femto_logger};

use crate::api::api;
use crate::cast::EngineFormatter;
use crate::handler_lock::HandlerLock;

/// Bumped by Python on every change a [`Dispatch`] depends on.
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// Drops every logger's [`Dispatch`] (Python calls it on a change).
#[pyfunction]
pub fn caller_side_changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// One caller-side handler, as the fast path treats it.
pub(crate) enum Entry {
    /// A `StreamHandler` whose lines native code formats and writes.
    Stream(StreamWrite),
    /// Any other handler: its `handle(record)`, its level read at each call
    /// (a foreign handler's is its target's, which may change any time).
    Handler(Py<PyAny>),
}

/// What a `StreamHandler` planned for native writes (`_native_writes`):
/// stdlib's `handle` for a record without filters, without a `LogRecord`.
pub(crate) struct StreamWrite {
    pub(crate) handler: Py<PyAny>,
    pub(crate) level: i32,
    /// The handler's filter list: records go through `handle` while it is
    /// not empty (read at each call, since code may append to it).
    filters: Py<PyList>,
    formatter: Py<EngineFormatter>,
    terminator: String,
    write: Py<PyAny>,
    /// `None` for a `StringIO`, whose `flush` does nothing.
    flush: Option<Py<PyAny>>,
    lock: Lock,
    pub(crate) reads: Reads,
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

/// Where a logger keeps its [`Dispatch`].
#[derive(Default)]
pub(crate) struct DispatchCache(Mutex<Option<Arc<Dispatch>>>);

impl DispatchCache {
    /// The logger's dispatch, read again from `logger` (the Python
    /// `Logger`) if something changed since it was read.
    pub(crate) fn get(&self, logger: &Bound<'_, PyAny>) -> PyResult<Arc<Dispatch>> {
        let now = GENERATION.load(Ordering::Acquire);
        if let Some(dispatch) = self.cached().filter(|d| d.generation == now) {
            return Ok(dispatch);
        }
        // Read without the lock held: reading calls Python, which may let
        // another thread run (and log through this logger) meanwhile.
        let fresh = Arc::new(Dispatch::read(logger, now)?);
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    fn cached(&self) -> Option<Arc<Dispatch>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

type Plan<'py> = (
    Bound<'py, EngineFormatter>,
    Bound<'py, PyString>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    bool,
    bool,
    bool,
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
            let Some(stream) = StreamWrite::of(&handler)? else {
                (needs_site, needs_time, needs_thread_name) = (true, true, true);
                entries.push(Entry::Handler(handler.unbind()));
                continue;
            };
            needs_site |= stream.reads.location;
            needs_time |= stream.reads.time;
            needs_thread_name |= stream.reads.thread_name;
            entries.push(Entry::Stream(stream));
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
    /// Where [`StreamWrite::write`] formats (kept: no allocation a call).
    static LINE: RefCell<Vec<u8>> = RefCell::new(vec![0u8; 4096]);
}

/// Why [`StreamWrite::write`] wrote nothing.
pub(crate) enum StreamFailed {
    /// The record could not be formatted: a bug, raised to the caller.
    Format(PyErr),
    /// The stream's `write` or `flush` raised: stdlib's `emit` hands this
    /// to `handleError`.
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

impl StreamWrite {
    /// The native writes `handler` planned (`_native_writes`), or `None`
    /// when Python must write its records (`handle`).
    pub(crate) fn of(handler: &Bound<'_, PyAny>) -> PyResult<Option<StreamWrite>> {
        let py = handler.py();
        let plan = handler.getattr(intern!(py, "_native_writes"))?;
        let filters = handler.getattr(intern!(py, "filters"))?;
        let (Ok(plan), Ok(filters)) = (plan.extract::<Plan<'_>>(), filters.cast_into::<PyList>())
        else {
            return Ok(None);
        };
        let (formatter, terminator, write, flush, lock, location, time, thread_name) = plan;
        Ok(Some(StreamWrite {
            level: handler.getattr(intern!(py, "_level"))?.extract()?,
            handler: handler.clone().unbind(),
            filters: filters.unbind(),
            formatter: formatter.unbind(),
            terminator: terminator.to_str()?.to_owned(),
            write: write.unbind(),
            flush: (!flush.is_none()).then(|| flush.unbind()),
            lock: Lock::of(&lock)?,
            reads: Reads {
                location,
                time,
                thread_name,
            },
        }))
    }

    /// Whether records must go through the handler's `handle` (it has
    /// filters now).
    pub(crate) fn filtered(&self, py: Python<'_>) -> bool {
        !self.filters.bind(py).is_empty()
    }

    /// stdlib's `StreamHandler.emit` under the handler's lock: the text of
    /// the (compiled) formatter, then `stream.write(text + terminator)` and
    /// `stream.flush()`.
    pub(crate) fn write(
        &self,
        py: Python<'_>,
        logger: *const femto_logger,
        log_args: &femto_log_args,
    ) -> Result<(), StreamFailed> {
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
                let end = len + self.terminator.len();
                if buffer.len() < end {
                    buffer.resize(end, 0);
                }
                buffer[len..end].copy_from_slice(self.terminator.as_bytes());
                python_text(py, &buffer[..end])
            })
            .map_err(StreamFailed::Format)?;
        use crate::python_call::{call0, call1};
        self.lock.acquire(py).map_err(StreamFailed::Format)?;
        let written = call1(self.write.bind(py), line.as_any()).and_then(|_| match &self.flush {
            None => Ok(()),
            Some(flush) => call0(flush.bind(py)).map(drop),
        });
        self.lock.release(py).map_err(StreamFailed::Format)?;
        written.map_err(StreamFailed::Write)
    }
}
