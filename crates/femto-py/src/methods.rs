//! Native methods on Python classes, as method descriptors.
//!
//! A function PyO3 exports is a builtin, which does not bind to instances,
//! and a `#[pymethods]` method belongs to a Rust class. The hot methods of
//! the Python classes `femtologging.Logger` and `Formatter` are instead
//! `METH_FASTCALL | METH_KEYWORDS` method descriptors made for those
//! classes: a call is as cheap as a method of a built-in type (CPython
//! specialises calls on the instance's exact class), with no Python frame
//! and no argument tuple.

use std::ffi::CStr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

/// Sets `class.<name>` to a method descriptor calling `function`.
pub(crate) fn install(
    class: &Bound<'_, PyType>,
    name: &'static CStr,
    function: ffi::PyCFunctionFastWithKeywords,
    doc: &'static CStr,
) -> PyResult<()> {
    // The method table must live as long as the class: leak it (a small
    // struct per method, once per process).
    let definition: &'static mut ffi::PyMethodDef = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: name.as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: function,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: doc.as_ptr(),
    }));
    // SAFETY: a valid type object and a method definition with static
    // lifetime; returns a new reference or NULL with an error set.
    let descriptor = unsafe {
        Bound::from_owned_ptr_or_err(
            class.py(),
            ffi::PyDescr_NewMethod(class.as_type_ptr(), definition),
        )?
    };
    let name = name
        .to_str()
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    class.setattr(name, descriptor)
}

/// The `extern "C"` entry of a native method whose body is `body`
/// (`unsafe fn(Python, slf, args, nargs, kwnames) -> PyResult<*mut PyObject>`),
/// made by PyO3's own method trampoline, the one `#[pymethods]` use: it
/// counts the thread as attached (a `Py` dropped inside is released at
/// once, not queued for later), turns an error into a raised exception
/// and a panic into `PanicException`. `Python::attach` would instead go
/// through `PyGILState_Ensure`/`Release` on every call. PyO3 keeps the
/// trampoline out of its documented API, so `Cargo.toml` pins PyO3's
/// exact version: a new one is taken on purpose and checked by the whole
/// Python suite.
macro_rules! native_entry {
    ($body:path) => {
        pyo3::impl_::trampoline::get_trampoline_function!(fastcall_cfunction_with_keywords, $body)
    };
}
pub(crate) use native_entry;

/// The entry of a native method doing `call(self, arguments)` (see
/// [`native_entry`]).
macro_rules! native_method {
    ($call:path) => {{
        /// # Safety
        /// Called by CPython with the GIL held, with the arguments of a
        /// `METH_FASTCALL | METH_KEYWORDS` call (`slf` a valid borrowed
        /// reference).
        unsafe fn body(
            py: pyo3::Python<'_>,
            slf: *mut pyo3::ffi::PyObject,
            args: *const *mut pyo3::ffi::PyObject,
            nargs: pyo3::ffi::Py_ssize_t,
            kwnames: *mut pyo3::ffi::PyObject,
        ) -> pyo3::PyResult<*mut pyo3::ffi::PyObject> {
            // SAFETY: per this function's contract.
            let this = unsafe { pyo3::Bound::from_borrowed_ptr(py, slf) };
            // SAFETY: per this function's contract.
            let arguments =
                unsafe { $crate::methods::Arguments::borrowed(py, args, nargs, kwnames) }?;
            $call(&this, &arguments).map(pyo3::Bound::into_ptr)
        }
        $crate::methods::native_entry!(body)
    }};
}
pub(crate) use native_method;

/// The arguments of a `METH_FASTCALL | METH_KEYWORDS` call, borrowed for
/// the call: the positional ones, then one value per keyword name. They
/// are read where CPython put them (no list is made, no reference taken).
pub(crate) struct Arguments<'a, 'py> {
    values: &'a [Bound<'py, PyAny>],
    positional: usize,
    names: Option<Bound<'py, PyTuple>>,
}

// What `Arguments::borrowed` relies on: a `Bound<PyAny>` is one object
// pointer (pyo3 declares the chain `repr(transparent)`).
const _: () = assert!(
    std::mem::size_of::<Bound<'static, PyAny>>() == std::mem::size_of::<*mut ffi::PyObject>()
        && std::mem::align_of::<Bound<'static, PyAny>>()
            == std::mem::align_of::<*mut ffi::PyObject>()
);

impl<'a, 'py> Arguments<'a, 'py> {
    /// # Safety
    /// As CPython passes them: `args` holds `nargs` positional arguments,
    /// then one value per name in `kwnames` (a tuple of strings, or NULL),
    /// all valid for `'a` (the call).
    pub(crate) unsafe fn borrowed(
        py: Python<'py>,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
    ) -> PyResult<Self> {
        let names = if kwnames.is_null() {
            None
        } else {
            // SAFETY: `kwnames` is a tuple, borrowed for the call (above).
            Some(unsafe { Bound::from_borrowed_ptr(py, kwnames) }.cast_into::<PyTuple>()?)
        };
        let positional = if args.is_null() {
            0
        } else {
            usize::try_from(nargs).unwrap_or(0)
        };
        let count = positional + names.as_ref().map_or(0, |n| n.len());
        let values = if count == 0 || args.is_null() {
            &[]
        } else {
            // SAFETY: `args` holds `count` valid object pointers for the
            // call (above); a `Bound<PyAny>` has the layout of one (the
            // assertion above), and a shared slice never drops them, so
            // no reference count changes hands.
            unsafe { std::slice::from_raw_parts(args.cast::<Bound<'py, PyAny>>(), count) }
        };
        Ok(Self {
            values,
            positional,
            names,
        })
    }

    /// The positional arguments.
    pub(crate) fn positional(&self) -> &[Bound<'py, PyAny>] {
        &self.values[..self.positional]
    }

    /// The lone argument of a call with one positional argument and no
    /// keywords (what the fast paths handle).
    pub(crate) fn single(&self) -> Option<&Bound<'py, PyAny>> {
        match (self.values, &self.names) {
            ([only], None) => Some(only),
            _ => None,
        }
    }

    /// The keyword arguments as a dict, if there are any.
    #[inline]
    pub(crate) fn kwargs(&self) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(names) = &self.names else {
            return Ok(None);
        };
        let dict = PyDict::new(names.py());
        for (name, value) in names.iter().zip(&self.values[self.positional..]) {
            dict.set_item(name, value)?;
        }
        Ok(Some(dict))
    }

    /// `function(slf, *args, **kwargs)`: the Python method a native one
    /// falls back to.
    pub(crate) fn call_method(
        &self,
        function: &Bound<'py, PyAny>,
        slf: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut call = Vec::with_capacity(self.positional + 1);
        call.push(slf.clone());
        call.extend_from_slice(self.positional());
        let args = PyTuple::new(slf.py(), call)?;
        crate::python_call::call(function, &args, self.kwargs()?.as_ref())
    }
}
