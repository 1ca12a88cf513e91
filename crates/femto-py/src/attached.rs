//! A cell for data that only threads attached to the interpreter touch.
//!
//! Why: pyo3 guards every mutable `#[pyclass]` with an atomic borrow flag,
//! so each access from Rust or each attribute read from Python takes two
//! locked instructions (a compare-exchange and a decrement). `perf` of
//! `Formatter.format` on a `LogRecord`, which reads five or six fields one
//! by one, found three quarters of the samples of the function reading
//! them on those two instructions.
//! A `LogRecord` is instead a `frozen` class holding its fields in this
//! cell: a `RefCell` (same borrow rules, same error when Python code
//! re-enters and writes a field a caller is reading) whose flag is an
//! ordinary integer, guarded by the GIL.

use std::cell::{Ref, RefCell, RefMut};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// A `RefCell` reachable from several threads, borrowed only with proof
/// (`Python<'_>`) that the borrowing thread is attached.
pub(crate) struct AttachedCell<T>(RefCell<T>);

// SAFETY: the cell's flag and value are read and written only through
// `borrow`/`borrow_mut` (which need a `Python` token, so the thread holds
// the GIL) and when the value is dropped (by its Python object's
// deallocation, with the GIL held). The extension is built for the stable
// ABI, which exists only for interpreters with a GIL, and the GIL lets one
// attached thread run at a time, with taking and releasing it ordering
// their memory operations: no two threads touch the cell at once. A `Ref`
// kept while Python code releases the GIL stays counted in the flag, so
// another thread's conflicting borrow fails as in a `RefCell`.
unsafe impl<T: Send> Sync for AttachedCell<T> {}

impl<T> AttachedCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        AttachedCell(RefCell::new(value))
    }

    /// Reads the value; `RuntimeError` while Python code called from a
    /// writer (such as a value's `__str__`) is running.
    pub(crate) fn borrow<'a>(&'a self, _py: Python<'_>) -> PyResult<Ref<'a, T>> {
        self.0
            .try_borrow()
            .map_err(|_| PyRuntimeError::new_err("Already mutably borrowed"))
    }

    /// Writes the value; `RuntimeError` while a reader or writer is active.
    pub(crate) fn borrow_mut<'a>(&'a self, _py: Python<'_>) -> PyResult<RefMut<'a, T>> {
        self.0
            .try_borrow_mut()
            .map_err(|_| PyRuntimeError::new_err("Already borrowed"))
    }
}
