//! `NativeLogger`: the hot path of `femtologging.Logger`, in Rust.
//!
//! `Logger` (Python) subclasses this class under the native backend, so
//! `logger.info(...)` runs here directly: the level check comes first (one
//! call into the engine), then `str(msg) % args`, the caller's file, line
//! and function from the current frame, the thread's name, and one call to
//! `femto_logger_log_ex`. Calls that need more (`exc_info`, `stack_info`,
//! `stacklevel`, `extra`, or a call made from inside the package) go to the
//! Python method `_log`, which has stdlib's full semantics.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use std::ffi::CStr;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::abi::{femto_log_args, femto_str};
use crate::{api, check, handle};

/// The stdlib level numbers the methods log at.
const TRACE: i32 = 5;
const DEBUG: i32 = 10;
const INFO: i32 = 20;
const WARNING: i32 = 30;
const ERROR: i32 = 40;
const CRITICAL: i32 = 50;

#[pyclass(subclass, frozen, module = "femtologging._femtologging")]
pub struct NativeLogger {
    handle: usize,
    /// Whether the Python logger has filters: they need a `LogRecord`, so
    /// calls take the Python path.
    filtered: AtomicBool,
}

thread_local! {
    /// This thread's `threading.Thread`, looked up once; its `_name` is read
    /// per record, so renaming a thread takes effect at once.
    static CURRENT_THREAD: RefCell<Option<Py<PyAny>>> = const { RefCell::new(None) };
}

static PACKAGE_DIR: PyOnceLock<String> = PyOnceLock::new();
static MAPPING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn package_dir(py: Python<'_>) -> PyResult<&'static str> {
    PACKAGE_DIR
        .get_or_try_init(py, || {
            let os_path = py.import("os")?.getattr("path")?;
            let file = py.import("femtologging")?.getattr("__file__")?;
            let dir =
                os_path.call_method1("dirname", (os_path.call_method1("abspath", (file,))?,))?;
            Ok::<_, PyErr>(format!("{}/", dir.extract::<String>()?))
        })
        .map(String::as_str)
}

fn thread_name(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let thread = CURRENT_THREAD.with(|slot| slot.borrow().as_ref().map(|t| t.clone_ref(py)));
    let thread = match thread {
        Some(thread) => thread,
        None => {
            let thread: Py<PyAny> = py
                .import("threading")?
                .call_method0("current_thread")?
                .unbind();
            CURRENT_THREAD.with(|slot| *slot.borrow_mut() = Some(thread.clone_ref(py)));
            thread
        }
    };
    thread.into_bound(py).getattr("_name")
}

/// stdlib's `LogRecord.getMessage`: `str(msg)`, then `% args` if there are
/// any (a single non-empty mapping argument is used as the mapping).
fn message<'py>(
    msg: &Bound<'py, PyAny>,
    args: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyString>> {
    let py = msg.py();
    let text = msg.str()?;
    if args.is_empty() {
        return Ok(text);
    }
    let mut operand = args.clone().into_any();
    if args.len() == 1 {
        let first = args.get_item(0)?;
        let mapping = MAPPING.get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("collections.abc")?.getattr("Mapping")?.unbind())
        })?;
        if (first.is_instance_of::<PyDict>() || first.is_instance(mapping.bind(py))?)
            && first.is_truthy()?
        {
            operand = first;
        }
    }
    text.rem(operand)?.str()
}

impl NativeLogger {
    pub(crate) fn emit(
        slf: &Bound<'_, Self>,
        level: i32,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let py = slf.py();
        let logger = slf.get().handle;
        if !(api().logger_is_enabled_for)(handle(logger), level) {
            return Ok(());
        }
        if kwargs.is_some_and(|k| !k.is_empty()) || slf.get().filtered.load(Ordering::Relaxed) {
            return Self::slow_path(slf, level, msg, args, kwargs);
        }
        // SAFETY: with the GIL held, the current frame (borrowed) is the
        // caller's: a native method pushes no frame of its own.
        let frame = unsafe { pyo3::ffi::PyEval_GetFrame() };
        if frame.is_null() {
            return Self::slow_path(slf, level, msg, args, kwargs);
        }
        // SAFETY: `frame` is a live frame; `PyFrame_GetCode` returns a new reference.
        let code = unsafe { Bound::from_owned_ptr(py, pyo3::ffi::PyFrame_GetCode(frame).cast()) };
        // SAFETY: as above.
        let lineno = unsafe { pyo3::ffi::PyFrame_GetLineNumber(frame) };
        let filename = code.getattr("co_filename")?;
        let filename = filename.cast::<PyString>()?.to_str()?;
        if filename.starts_with(package_dir(py)?) {
            // Called through the package (module-level functions): let
            // Python find the real caller.
            return Self::slow_path(slf, level, msg, args, kwargs);
        }
        let function = code.getattr("co_name")?;
        let function = function.cast::<PyString>()?.to_str()?;
        let text = message(msg, args)?;
        let text = text.to_str()?;
        let thread = thread_name(py)?;
        let thread = thread.cast::<PyString>()?.to_str()?;
        let args = femto_log_args {
            file: femto_str::of(filename),
            line: u32::try_from(lineno).unwrap_or(0),
            function: femto_str::of(function),
            thread_name: femto_str::of(thread),
            ..femto_log_args::new(level, text)
        };
        // The engine copies everything; release the GIL in case a full
        // queue makes the call wait (never block holding the GIL).
        let address = &args as *const femto_log_args as usize;
        let status = py.detach(move || {
            (api().logger_log_ex)(handle(logger), address as *const femto_log_args)
        });
        check(py, status).map(drop)
    }

    fn slow_path(
        slf: &Bound<'_, Self>,
        level: i32,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        slf.call_method("_log", (level, msg, args), kwargs)
            .map(drop)
    }
}

#[pymethods]
impl NativeLogger {
    #[new]
    #[pyo3(signature = (_name, handle))]
    fn new(_name: &str, handle: usize) -> Self {
        NativeLogger {
            handle,
            filtered: AtomicBool::new(false),
        }
    }

    /// Tells the fast path whether the logger has filters.
    fn _set_filtered(&self, filtered: bool) {
        self.filtered.store(filtered, Ordering::Relaxed);
    }

    #[pyo3(name = "isEnabledFor")]
    fn is_enabled_for(&self, level: i32) -> bool {
        (api().logger_is_enabled_for)(handle(self.handle), level)
    }

    #[pyo3(signature = (level, msg, *args, **kwargs))]
    fn log(
        slf: &Bound<'_, Self>,
        level: &Bound<'_, PyAny>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        if level.is_instance_of::<pyo3::types::PyBool>()
            || !level.is_instance_of::<pyo3::types::PyInt>()
        {
            return Err(PyTypeError::new_err("level must be an integer"));
        }
        let level: i32 = level.extract()?;
        Self::emit(slf, level, msg, args, kwargs)
    }
}

/// `trace` … `critical` as raw `METH_FASTCALL | METH_KEYWORDS` method
/// descriptors: PyO3's generated wrappers build the `*args` tuple before the
/// body runs, while here a disabled call costs a type check and one load of
/// the logger's threshold, and builds nothing.
const LEVEL_METHODS: [(&CStr, &str, ffi::PyCFunctionFastWithKeywords); 7] = [
    (c"trace", "trace", fast_trace),
    (c"debug", "debug", fast_debug),
    (c"info", "info", fast_info),
    (c"warning", "warning", fast_warning),
    (c"error", "error", fast_error),
    (c"critical", "critical", fast_critical),
    (c"fatal", "fatal", fast_critical),
];

macro_rules! level_entry {
    ($name:ident, $level:expr) => {
        unsafe extern "C" fn $name(
            slf: *mut ffi::PyObject,
            args: *const *mut ffi::PyObject,
            nargs: ffi::Py_ssize_t,
            kwnames: *mut ffi::PyObject,
        ) -> *mut ffi::PyObject {
            // SAFETY: CPython calls this with the GIL held and the
            // METH_FASTCALL | METH_KEYWORDS argument convention.
            unsafe { fast_level_call($level, slf, args, nargs, kwnames) }
        }
    };
}

level_entry!(fast_trace, TRACE);
level_entry!(fast_debug, DEBUG);
level_entry!(fast_info, INFO);
level_entry!(fast_warning, WARNING);
level_entry!(fast_error, ERROR);
level_entry!(fast_critical, CRITICAL);

/// # Safety
/// Called by CPython with the GIL held; `args` holds `nargs` positional
/// arguments followed by one value per name in the `kwnames` tuple (or NULL).
unsafe fn fast_level_call(
    level: i32,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the GIL is held (see above).
    let py = unsafe { Python::assume_attached() };
    // SAFETY: `slf` is a valid borrowed reference for the call.
    let slf = unsafe { Bound::from_borrowed_ptr(py, slf) };
    let result = (|| -> PyResult<()> {
        let logger = slf.cast::<NativeLogger>()?;
        if !(api().logger_is_enabled_for)(handle(logger.get().handle), level) {
            return Ok(());
        }
        let positional = usize::try_from(nargs).unwrap_or(0);
        if positional == 0 {
            return Err(PyTypeError::new_err("missing required argument: 'msg'"));
        }
        // SAFETY: CPython passes `nargs` positional arguments, then the
        // keyword values, all borrowed for the call.
        let item = |i: usize| unsafe { Bound::from_borrowed_ptr(py, *args.add(i)) };
        let msg = item(0);
        let rest = PyTuple::new(py, (1..positional).map(item))?;
        let kwargs = if kwnames.is_null() {
            None
        } else {
            // SAFETY: `kwnames` is a tuple of strings, borrowed for the call.
            let names = unsafe { Bound::from_borrowed_ptr(py, kwnames) }.cast_into::<PyTuple>()?;
            let dict = PyDict::new(py);
            for (offset, name) in names.iter().enumerate() {
                dict.set_item(name, item(positional + offset))?;
            }
            Some(dict)
        };
        NativeLogger::emit(logger, level, &msg, &rest, kwargs.as_ref())
    })();
    match result {
        Ok(()) => {
            // SAFETY: returning a new reference to None.
            unsafe { ffi::Py_IncRef(ffi::Py_None()) };
            unsafe { ffi::Py_None() }
        }
        Err(error) => {
            error.restore(py);
            std::ptr::null_mut()
        }
    }
}

/// Puts the fast level methods on the class (called once, at import).
pub fn install_level_methods(py: Python<'_>) -> PyResult<()> {
    let class = py.get_type::<NativeLogger>();
    for (c_name, name, function) in LEVEL_METHODS {
        // The method table must live as long as the class: leak it (seven
        // small structs, once per process).
        let definition: &'static mut ffi::PyMethodDef = Box::leak(Box::new(ffi::PyMethodDef {
            ml_name: c_name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFastWithKeywords: function,
            },
            ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
            ml_doc: c"Logs `msg % args` at this level if the logger is enabled for it.".as_ptr(),
        }));
        // SAFETY: a valid type object and a method definition with static
        // lifetime; returns a new reference or NULL with an error set.
        let descriptor = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyDescr_NewMethod(class.as_type_ptr(), definition),
            )?
        };
        class.setattr(name, descriptor)?;
    }
    Ok(())
}
