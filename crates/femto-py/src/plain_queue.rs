//! `queue.Queue.put_nowait` done natively for a plain `queue.Queue` (the
//! queue a `QueueHandler` is most often given).
//!
//! Why: stdlib's `put_nowait` is Python code (a `with` on a condition, the
//! size check, `_put`, the task count, `notify`), about 0.7 µs a record,
//! more than the rest of a `QueueHandler` call. The same steps in the same
//! order under the queue's own mutex take a few C calls: the queue stays
//! consistent for the Python code that shares it (`get`, `join`, another
//! `put`), and its listener is woken as `notify` wakes it. A subclass of
//! `queue.Queue`, or any other queue, keeps its own `put_nowait`.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::python_call::{call0, OneArgCall};

/// A plain `queue.Queue`, with the parts of it `put` uses. `Queue.__init__`
/// makes them and nothing in `queue` replaces them.
pub(crate) struct PlainQueue {
    queue: Py<PyAny>,
    /// `queue.mutex.acquire` and `release`: `not_full` and `not_empty` are
    /// conditions on this lock.
    acquire: Py<PyAny>,
    release: Py<PyAny>,
    /// The deque of items (`queue.queue`) and its `append` (`_put`).
    items: Py<PyAny>,
    append: OneArgCall,
    /// `queue.not_empty`, and its deque of waiting `get` calls.
    not_empty: Py<PyAny>,
    waiters: Py<PyAny>,
}

impl PlainQueue {
    /// `Some` when `put_nowait` is the bound method of an instance of
    /// `queue.Queue` itself.
    pub(crate) fn of(put_nowait: &Bound<'_, PyAny>) -> PyResult<Option<PlainQueue>> {
        let py = put_nowait.py();
        let Ok(queue) = put_nowait.getattr(intern!(py, "__self__")) else {
            return Ok(None);
        };
        if !queue.get_type().is(queue_class(py)?) {
            return Ok(None);
        }
        let mutex = queue.getattr(intern!(py, "mutex"))?;
        let items = queue.getattr(intern!(py, "queue"))?;
        let not_empty = queue.getattr(intern!(py, "not_empty"))?;
        Ok(Some(PlainQueue {
            acquire: mutex.getattr(intern!(py, "acquire"))?.unbind(),
            release: mutex.getattr(intern!(py, "release"))?.unbind(),
            append: OneArgCall::of(items.getattr(intern!(py, "append"))?),
            items: items.unbind(),
            waiters: not_empty.getattr(intern!(py, "_waiters"))?.unbind(),
            not_empty: not_empty.unbind(),
            queue: queue.unbind(),
        }))
    }

    /// stdlib's `put(item, block=False)`: raises `queue.Full` when the
    /// queue has a size limit and is at it.
    pub(crate) fn put_nowait(&self, item: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = item.py();
        call0(self.acquire.bind(py))?;
        let put = self.put_locked(item);
        call0(self.release.bind(py))?;
        put
    }

    /// The body of `put` under the queue's mutex.
    fn put_locked(&self, item: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = item.py();
        let queue = self.queue.bind(py);
        let maxsize = queue.getattr(intern!(py, "maxsize"))?;
        if maxsize.gt(0)? && self.items.bind(py).len()? >= maxsize.extract::<usize>()? {
            let full = py
                .import(intern!(py, "queue"))?
                .getattr(intern!(py, "Full"))?;
            return Err(PyErr::from_value(call0(&full)?));
        }
        self.append.call(item)?;
        let unfinished = queue.getattr(intern!(py, "unfinished_tasks"))?;
        queue.setattr(intern!(py, "unfinished_tasks"), unfinished.add(1)?)?;
        // `notify()` wakes one waiting `get`; with nobody waiting it does
        // nothing, and its Python frame is skipped.
        if self.waiters.bind(py).is_truthy()? {
            self.not_empty
                .bind(py)
                .call_method0(intern!(py, "notify"))?;
        }
        Ok(())
    }
}

/// `queue.Queue`.
fn queue_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "queue", "Queue")
}
