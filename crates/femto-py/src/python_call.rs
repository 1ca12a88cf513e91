//! Calls from Rust into Python code that may release the GIL (a handler's
//! `emit` writing a stream), on the thread that logs.
//!
//! Before Python 3.14, a daemon thread that takes the GIL back while the
//! interpreter is finishing is ended with `pthread_exit`. Its forced
//! unwind would run up through this extension's frames, and unwinding out
//! of a native method aborts the process. As PyO3 does around its own GIL
//! calls (and as Python 3.14 does itself), the thread is parked for good
//! instead, at the call, before any Rust frame is unwound.

use std::ptr::null_mut;

use pyo3::ffi::PyObject;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Parks the thread for ever when dropped: only on a forced unwind.
struct ParkForGood;

impl Drop for ParkForGood {
    fn drop(&mut self) {
        loop {
            std::thread::park();
        }
    }
}

/// `PyObject_Call` as a function that may unwind. pyo3-ffi declares it
/// as one that cannot, and a second declaration of the symbol would be
/// merged with that one (no landing pad for the guard): the call goes
/// through a pointer the optimizer cannot see through instead.
type NonUnwindingCall =
    unsafe extern "C" fn(*mut PyObject, *mut PyObject, *mut PyObject) -> *mut PyObject;
type UnwindingCall =
    unsafe extern "C-unwind" fn(*mut PyObject, *mut PyObject, *mut PyObject) -> *mut PyObject;

fn py_object_call() -> UnwindingCall {
    let function: NonUnwindingCall = pyo3::ffi::PyObject_Call;
    // SAFETY: the same function and calling convention; "C-unwind" only
    // lets the caller expect an unwind, which `pthread_exit` makes.
    let unwinding = unsafe { std::mem::transmute::<NonUnwindingCall, UnwindingCall>(function) };
    std::hint::black_box(unwinding)
}

/// `callable(*args, **kwargs)`.
pub(crate) fn call<'py>(
    callable: &Bound<'py, PyAny>,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs: *mut PyObject = kwargs.map_or(null_mut(), |k| k.as_ptr());
    let guard = ParkForGood;
    // SAFETY: borrowed references valid for the call, the GIL held (a
    // `Bound` proves it); returns a new reference or NULL with an error set.
    let result = unsafe { py_object_call()(callable.as_ptr(), args.as_ptr(), kwargs) };
    std::mem::forget(guard);
    // SAFETY: `result` is the call's new reference, or NULL with an error set.
    unsafe { Bound::from_owned_ptr_or_err(callable.py(), result) }
}

type NonUnwindingCall0 = unsafe extern "C" fn(*mut PyObject) -> *mut PyObject;
type UnwindingCall0 = unsafe extern "C-unwind" fn(*mut PyObject) -> *mut PyObject;
type NonUnwindingCallArgs = unsafe extern "C" fn(*mut PyObject, ...) -> *mut PyObject;
type UnwindingCallArgs = unsafe extern "C-unwind" fn(*mut PyObject, ...) -> *mut PyObject;

/// `callable()`: no argument tuple (the hot path's lock and flush calls).
pub(crate) fn call0<'py>(callable: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let function: NonUnwindingCall0 = pyo3::ffi::PyObject_CallNoArgs;
    // SAFETY: as in `py_object_call`.
    let unwinding = unsafe { std::mem::transmute::<NonUnwindingCall0, UnwindingCall0>(function) };
    let guard = ParkForGood;
    // SAFETY: a borrowed reference valid for the call, the GIL held.
    let result = unsafe { std::hint::black_box(unwinding)(callable.as_ptr()) };
    std::mem::forget(guard);
    // SAFETY: `result` is the call's new reference, or NULL with an error set.
    unsafe { Bound::from_owned_ptr_or_err(callable.py(), result) }
}

/// `callable(arg)`, without an argument tuple: CPython passes the
/// argument on the stack (`PyObject_CallFunctionObjArgs`), so a call per
/// record allocates nothing the garbage collector counts.
pub(crate) fn call1<'py>(
    callable: &Bound<'py, PyAny>,
    arg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let function: NonUnwindingCallArgs = pyo3::ffi::PyObject_CallFunctionObjArgs;
    // SAFETY: as in `py_object_call`.
    let unwinding =
        unsafe { std::mem::transmute::<NonUnwindingCallArgs, UnwindingCallArgs>(function) };
    let guard = ParkForGood;
    // SAFETY: borrowed references valid for the call, the GIL held; the
    // argument list ends with NULL, as the function requires.
    let result = unsafe {
        std::hint::black_box(unwinding)(callable.as_ptr(), arg.as_ptr(), null_mut::<PyObject>())
    };
    std::mem::forget(guard);
    // SAFETY: `result` is the call's new reference, or NULL with an error set.
    unsafe { Bound::from_owned_ptr_or_err(callable.py(), result) }
}

type UnwindingCFunction =
    unsafe extern "C-unwind" fn(*mut PyObject, *mut PyObject) -> *mut PyObject;

/// A callable called with one argument for every record (a stream's
/// `write`, a deque's `append`). A builtin method taking exactly one
/// argument (`METH_O`: `StringIO.write`, `TextIOWrapper.write`,
/// `deque.append`) is called through its C function, as CPython's call
/// ends up doing, without the generic call's argument packing and
/// dispatch; any other callable through [`call1`].
pub(crate) struct OneArgCall {
    callable: Py<PyAny>,
    /// The C function of a `METH_O` builtin method (its `self` is read
    /// from the method, which keeps it alive).
    direct: Option<pyo3::ffi::PyCFunction>,
}

impl OneArgCall {
    pub(crate) fn of(callable: Bound<'_, PyAny>) -> OneArgCall {
        let method = callable.as_ptr();
        // SAFETY: a valid object, the GIL held (a `Bound` proves it); the
        // flags and function are read only from a builtin function.
        let direct = unsafe {
            if pyo3::ffi::PyCFunction_CheckExact(method) != 0
                && pyo3::ffi::PyCFunction_GetFlags(method) == pyo3::ffi::METH_O
            {
                pyo3::ffi::PyCFunction_GetFunction(method)
            } else {
                None
            }
        };
        OneArgCall {
            callable: callable.unbind(),
            direct,
        }
    }

    /// `callable(arg)`.
    pub(crate) fn call<'py>(&self, arg: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = arg.py();
        let Some(function) = self.direct else {
            return call1(self.callable.bind(py), arg);
        };
        // SAFETY: as in `py_object_call`: the same function, a caller
        // told it may unwind.
        let function =
            unsafe { std::mem::transmute::<pyo3::ffi::PyCFunction, UnwindingCFunction>(function) };
        let guard = ParkForGood;
        // SAFETY: a `METH_O` function is called with its method's `self`
        // (borrowed from the method, alive while it is) and one borrowed
        // argument, the GIL held; it returns a new reference or NULL with
        // an error set.
        let result = unsafe {
            let receiver = pyo3::ffi::PyCFunction_GetSelf(self.callable.as_ptr());
            std::hint::black_box(function)(receiver, arg.as_ptr())
        };
        std::mem::forget(guard);
        // SAFETY: `result` is the call's new reference, or NULL with an error set.
        unsafe { Bound::from_owned_ptr_or_err(py, result) }
    }
}

/// `object.name(*args)`.
pub(crate) fn call_method<'py>(
    object: &Bound<'py, PyAny>,
    name: &Bound<'py, pyo3::types::PyString>,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    call(&object.getattr(name)?, args, kwargs)
}
