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

use pyo3::exceptions::PyTypeError;
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

#[pyclass(subclass, module = "femtologging._femtologging")]
pub struct NativeLogger {
    handle: usize,
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
    fn emit(
        slf: &Bound<'_, Self>,
        level: i32,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let py = slf.py();
        let logger = slf.borrow().handle;
        if !(api().logger_is_enabled_for)(handle(logger), level) {
            return Ok(());
        }
        if kwargs.is_some_and(|k| !k.is_empty()) {
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
            size: std::mem::size_of::<femto_log_args>(),
            level,
            message: femto_str::of(text),
            file: femto_str::of(filename),
            line: u32::try_from(lineno).unwrap_or(0),
            function: femto_str::of(function),
            module: femto_str::ABSENT,
            key_values: std::ptr::null(),
            key_value_count: 0,
            exception: femto_str::ABSENT,
            stack: femto_str::ABSENT,
            thread_name: femto_str::of(thread),
            thread_id: 0,
            created_ns: 0,
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
        NativeLogger { handle }
    }

    #[pyo3(name = "isEnabledFor")]
    fn is_enabled_for(&self, level: i32) -> bool {
        (api().logger_is_enabled_for)(handle(self.handle), level)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn trace(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, TRACE, msg, args, kwargs)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn debug(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, DEBUG, msg, args, kwargs)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn info(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, INFO, msg, args, kwargs)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn warning(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, WARNING, msg, args, kwargs)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn error(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, ERROR, msg, args, kwargs)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn critical(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, CRITICAL, msg, args, kwargs)
    }

    #[pyo3(signature = (msg, *args, **kwargs))]
    fn fatal(
        slf: &Bound<'_, Self>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Self::emit(slf, CRITICAL, msg, args, kwargs)
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
