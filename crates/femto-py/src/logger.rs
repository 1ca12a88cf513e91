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
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use femto_abi::{femto_log_args, femto_logger, femto_str, FEMTO_STATUS_FILTERED};

use crate::api::api;
use crate::cast::EngineLogger;
use crate::dispatch::{DispatchCache, Entry, WriteFailed};
use crate::methods::Arguments;
use crate::record::{Call, LogRecord};
use crate::status::check;
use crate::types::utf8;

/// The stdlib level numbers the methods log at.
const TRACE: i32 = 5;
const DEBUG: i32 = 10;
const INFO: i32 = 20;
const WARNING: i32 = 30;
const ERROR: i32 = 40;
const CRITICAL: i32 = 50;

#[pyclass(subclass, frozen, module = "femtologging._femtologging")]
pub struct NativeLogger {
    handle: EngineLogger,
    /// The logger's name, for the records of caller-side handlers.
    name: Py<PyAny>,
    /// Whether the Python logger has filters: they need a `LogRecord`, so
    /// calls take the Python path.
    filtered: AtomicBool,
    /// Whether the logger's records reach caller-side handlers (Python's
    /// `QueueHandler`, `MemoryHandler`), which this thread runs itself.
    caller_side: AtomicBool,
    /// Those handlers, as the fast path runs them.
    dispatch: DispatchCache,
    /// Made outside the registry (stdlib's `Logger(name)`): no engine logger.
    standalone: bool,
}

/// This thread's `threading.Thread`, looked up once, and its instance
/// dictionary: its `_name` is read there per record (so renaming a thread
/// takes effect at once) with one dictionary lookup, where `getattr` first
/// searched the class's bases (about 400 instructions a record, callgrind).
struct CurrentThread {
    thread: Py<PyAny>,
    /// `None` if the thread object has no `__dict__` (then `getattr`).
    dict: Option<Py<PyDict>>,
}

thread_local! {
    static CURRENT_THREAD: RefCell<Option<CurrentThread>> = const { RefCell::new(None) };
}

/// What the hot path looks up, made once at import (`prepare`): lazily
/// initialised statics are unsafe with `fork`, since a child forked while
/// another thread was initialising one would wait for it forever.
struct Prepared {
    /// femtologging's directory, with a trailing separator.
    package_dir: String,
    /// `collections.abc.Mapping`.
    mapping: Py<PyAny>,
    f_lasti: Py<PyString>,
    co_filename: Py<PyString>,
    co_name: Py<PyString>,
    /// `threading.Thread._name`.
    name: Py<PyString>,
    /// `femtologging._messages.report_bad_message`.
    report_bad_message: Py<PyAny>,
}

static PREPARED: std::sync::OnceLock<Prepared> = std::sync::OnceLock::new();

/// Makes what the hot path needs; called by the module's initialisation.
pub fn prepare(py: Python<'_>) -> PyResult<()> {
    let os_path = py.import("os")?.getattr("path")?;
    let file = py.import("femtologging")?.getattr("__file__")?;
    let dir = os_path.call_method1("dirname", (os_path.call_method1("abspath", (file,))?,))?;
    let prepared = Prepared {
        package_dir: format!("{}/", dir.extract::<String>()?),
        mapping: py.import("collections.abc")?.getattr("Mapping")?.unbind(),
        f_lasti: PyString::intern(py, "f_lasti").unbind(),
        co_filename: PyString::intern(py, "co_filename").unbind(),
        co_name: PyString::intern(py, "co_name").unbind(),
        name: PyString::intern(py, "_name").unbind(),
        report_bad_message: py
            .import("femtologging._messages")?
            .getattr("report_bad_message")?
            .unbind(),
    };
    let _ = PREPARED.set(prepared);
    Ok(())
}

fn prepared() -> PyResult<&'static Prepared> {
    PREPARED.get().ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("femtologging._femtologging is not initialised")
    })
}

/// `collections.abc.Mapping`.
pub(crate) fn mapping_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    Ok(prepared()?.mapping.bind(py).clone())
}

/// The current thread's name, as `threading.current_thread().name`.
pub(crate) fn thread_name(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let key = prepared()?.name.bind(py);
    let kept = CURRENT_THREAD.with_borrow(|slot| slot.as_ref().map(|t| t.clone_ref(py)));
    let current = match kept {
        Some(current) => current,
        None => {
            let current = CurrentThread::look_up(py)?;
            CURRENT_THREAD.set(Some(current.clone_ref(py)));
            current
        }
    };
    let named = current
        .dict
        .and_then(|dict| dict.into_bound(py).get_item(key).ok().flatten());
    match named {
        Some(name) => Ok(name),
        None => current.thread.into_bound(py).getattr(key),
    }
}

impl CurrentThread {
    /// `threading.current_thread()` and its instance dictionary.
    fn look_up(py: Python<'_>) -> PyResult<Self> {
        let thread = py.import("threading")?.call_method0("current_thread")?;
        let dict = thread
            .getattr(intern!(py, "__dict__"))
            .ok()
            .and_then(|dict| dict.cast_into_exact::<PyDict>().ok())
            .map(Bound::unbind);
        Ok(CurrentThread {
            thread: thread.unbind(),
            dict,
        })
    }

    fn clone_ref(&self, py: Python<'_>) -> Self {
        CurrentThread {
            thread: self.thread.clone_ref(py),
            dict: self.dict.as_ref().map(|dict| dict.clone_ref(py)),
        }
    }
}

/// What a record made by a logging call on the fast path is made from:
/// the site, thread name and time when they were read for the call, else
/// read (or stdlib's "unknown" site) when the record is made.
struct MadeAt<'a, 'py> {
    name: &'a Bound<'py, PyAny>,
    level: i32,
    site: Option<&'a CallSite>,
    thread: Option<&'a Bound<'py, PyAny>>,
    created_ns: Option<u64>,
}

impl<'py> MadeAt<'_, 'py> {
    fn with_call<R>(
        &self,
        py: Python<'py>,
        make: impl FnOnce(&Call<'_, 'py>) -> PyResult<R>,
    ) -> PyResult<R> {
        let unknown;
        let (pathname, lineno, func_name) = match self.site {
            Some(site) => (site.file.bind(py), site.line, site.function.bind(py)),
            // No handler was thought to read the site (a filter appended
            // since): stdlib's values for none.
            None => {
                unknown = (
                    PyString::new(py, "(unknown file)"),
                    PyString::new(py, "(unknown function)"),
                );
                (&unknown.0, 0, &unknown.1)
            }
        };
        let thread = match self.thread {
            Some(thread) => thread.clone(),
            None => thread_name(py)?,
        };
        make(&Call {
            name: self.name,
            level: self.level,
            pathname,
            lineno,
            func_name,
            thread_name: &thread,
            created_ns: self.created_ns.unwrap_or_else(crate::record::now_ns),
        })
    }
}

/// What a call site contributes to a record, cached per thread by (code
/// object, instruction offset): CPython computes a frame's line number by
/// scanning the code's line table, which was a fifth of an enabled call.
struct CallSite {
    /// Held so the address in the key cannot be reused while cached.
    code: Py<PyAny>,
    lasti: i64,
    line: u32,
    file: Py<PyString>,
    function: Py<PyString>,
    /// The code is femtologging's own (module-level `info()` …).
    in_package: bool,
}

const CALL_SITE_SLOTS: usize = 256;

thread_local! {
    static CALL_SITES: RefCell<Vec<Option<std::rc::Rc<CallSite>>>> =
        RefCell::new(vec![None; CALL_SITE_SLOTS]);
}

/// The cached call site of `frame` (the caller of a logging method).
fn call_site(py: Python<'_>, frame: *mut ffi::PyFrameObject) -> PyResult<std::rc::Rc<CallSite>> {
    // SAFETY: `frame` is the live current frame, borrowed for this call.
    let frame_object = unsafe { Bound::from_borrowed_ptr(py, frame.cast()) };
    let names = prepared()?;
    let lasti: i64 = frame_object.getattr(names.f_lasti.bind(py))?.extract()?;
    // SAFETY: as above; `PyFrame_GetCode` returns a new reference.
    let code = unsafe { Bound::from_owned_ptr(py, ffi::PyFrame_GetCode(frame).cast()) };
    let address = code.as_ptr() as usize;
    let slot = ((address >> 4) ^ (lasti as usize).wrapping_mul(0x9E37_79B1)) % CALL_SITE_SLOTS;
    let cached = CALL_SITES.with(|sites| {
        sites.borrow()[slot]
            .as_ref()
            .filter(|site| site.code.as_ptr() as usize == address && site.lasti == lasti)
            .cloned()
    });
    if let Some(site) = cached {
        return Ok(site);
    }
    // SAFETY: as above.
    let line = unsafe { ffi::PyFrame_GetLineNumber(frame) };
    let file = code
        .getattr(names.co_filename.bind(py))?
        .cast_into::<PyString>()?;
    let function = code
        .getattr(names.co_name.bind(py))?
        .cast_into::<PyString>()?;
    let in_package = file.to_str()?.starts_with(&names.package_dir);
    let site = std::rc::Rc::new(CallSite {
        code: code.unbind(),
        lasti,
        line: u32::try_from(line).unwrap_or(0),
        file: file.unbind(),
        function: function.unbind(),
        in_package,
    });
    CALL_SITES.with(|sites| sites.borrow_mut()[slot] = Some(std::rc::Rc::clone(&site)));
    Ok(site)
}

/// The call site of the code that called the logging method, or `None`
/// when Python must find it (no frame, or a call made through the
/// package's own functions such as the module-level `info()`).
fn current_site(py: Python<'_>) -> PyResult<Option<std::rc::Rc<CallSite>>> {
    // SAFETY: with the GIL held, the current frame (borrowed) is the
    // caller's: a native method pushes no frame of its own.
    let frame = unsafe { pyo3::ffi::PyEval_GetFrame() };
    if frame.is_null() {
        return Ok(None);
    }
    let site = call_site(py, frame)?;
    Ok((!site.in_package).then_some(site))
}

/// A record's message: made by Python, or by `percent` in Rust.
enum Message<'py> {
    Python(Bound<'py, PyString>),
    Rust(crate::percent::Formatted),
}

impl Message<'_> {
    fn text(&self) -> PyResult<std::borrow::Cow<'_, str>> {
        match self {
            Message::Python(text) => utf8(text),
            Message::Rust(text) => Ok(std::borrow::Cow::Borrowed(text)),
        }
    }
}

/// stdlib's `LogRecord.getMessage`: `str(msg)`, then `% args` if there are
/// any (a single non-empty mapping argument is used as the mapping).
fn message<'py>(msg: &Bound<'py, PyAny>, args: &[Bound<'py, PyAny>]) -> PyResult<Message<'py>> {
    let py = msg.py();
    if args.is_empty() {
        // `str(msg)` of a `str` is the `str` itself: no call.
        return Ok(Message::Python(match msg.cast_exact::<PyString>() {
            Ok(text) => text.clone(),
            Err(_) => msg.str()?,
        }));
    }
    if let Ok(text) = msg.cast_exact::<PyString>() {
        if let Some(formatted) = text
            .to_str()
            .ok()
            .and_then(|t| crate::percent::format(t, args.iter()))
        {
            return Ok(Message::Rust(formatted));
        }
    }
    let text = msg.str()?;
    let operand = match args {
        [first] if crate::record::is_message_mapping(first)? => first.clone(),
        _ => PyTuple::new(py, args)?.into_any(),
    };
    Ok(Message::Python(text.rem(operand)?.str()?))
}

/// Prints stdlib's "--- Logging error ---" report for a message that
/// cannot be built (`femtologging._messages`) instead of raising into the
/// logging call.
fn report_bad_message<'py>(
    py: Python<'py>,
    error: PyErr,
    msg: &Bound<'py, PyAny>,
    args: &[Bound<'py, PyAny>],
) -> PyResult<()> {
    let report = &prepared()?.report_bad_message;
    let args = PyTuple::new(py, args)?;
    report
        .bind(py)
        .call1((error.into_value(py), msg, args))
        .map(drop)
}

/// The stamp of a record whose time no handler reads: not 0, which would
/// have the engine read the clock (about 40 ns) for nothing.
const UNREAD_TIME_NS: u64 = 1;

impl NativeLogger {
    pub(crate) fn emit<'py>(
        slf: &Bound<'py, Self>,
        level: i32,
        msg: &Bound<'py, PyAny>,
        args: &[Bound<'py, PyAny>],
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<()> {
        let py = slf.py();
        if slf.get().standalone {
            // Its level and state are Python's (stdlib's `Logger(name)`).
            let enabled = slf.call_method1(intern!(py, "isEnabledFor"), (level,))?;
            if !enabled.is_truthy()? {
                return Ok(());
            }
            return Self::slow_path(slf, level, msg, args, kwargs);
        }
        if !slf.get().handle.is_enabled_for(level) {
            return Ok(());
        }
        let logger = slf.get().handle.ptr();
        if kwargs.is_some_and(|k| !k.is_empty()) || slf.get().filtered.load(Ordering::Relaxed) {
            return Self::slow_path(slf, level, msg, args, kwargs);
        }
        if slf.get().caller_side.load(Ordering::Relaxed) {
            return Self::emit_caller_side(slf, level, msg, args);
        }
        // The caller's file, line and function, only if a handler prints
        // or reads them.
        let site = if (api().logger_needs_location)(logger) {
            match current_site(py)? {
                Some(site) => Some(site),
                None => return Self::slow_path(slf, level, msg, args, kwargs),
            }
        } else {
            None
        };
        let filename = site.as_ref().map(|s| utf8(s.file.bind(py))).transpose()?;
        let function = site
            .as_ref()
            .map(|s| utf8(s.function.bind(py)))
            .transpose()?;
        let text = match message(msg, args) {
            Ok(text) => text,
            // stdlib reports a message that cannot be built and carries on.
            Err(error) => return report_bad_message(py, error, msg, args),
        };
        let text = text.text()?;
        let thread = thread_name(py)?;
        let thread = utf8(thread.cast::<PyString>()?)?;
        let log_args = femto_log_args {
            file: filename
                .as_deref()
                .map_or(femto_str::absent(), femto_str::of),
            line: site.as_ref().map_or(0, |s| s.line),
            function: function
                .as_deref()
                .map_or(femto_str::absent(), femto_str::of),
            thread_name: femto_str::of(&thread),
            ..femto_log_args::new(level, femto_str::of(&text))
        };
        Self::log_to_engine(py, logger, &log_args).map(drop)
    }

    /// A record that reaches caller-side handlers: handed to the engine
    /// (told to skip those handlers) unless they are all it reaches, then
    /// to each of them as stdlib's `callHandlers` would, if the engine's
    /// filters let it through. A `StreamHandler` on a Python stream is
    /// written here ([`StreamWrite::write`]); the others get stdlib's
    /// record, made only if one of them needs it.
    fn emit_caller_side<'py>(
        slf: &Bound<'py, Self>,
        level: i32,
        msg: &Bound<'py, PyAny>,
        args: &[Bound<'py, PyAny>],
    ) -> PyResult<()> {
        let py = slf.py();
        let logger = slf.get().handle.ptr();
        // Held for the call (CPython's reference count), read through `dispatch`.
        let held = slf.get().dispatch.get(slf.as_any())?;
        let dispatch = held.get();
        let only_caller_side = (api().logger_only_caller_side)(logger);
        // The engine's handlers are asked only if the record reaches them.
        let site = if dispatch.needs_site
            || (!only_caller_side && (api().logger_needs_location)(logger))
        {
            match current_site(py)? {
                Some(site) => Some(site),
                None => return Self::slow_path(slf, level, msg, args, None),
            }
        } else {
            None
        };
        // The engine's handlers read every field; the caller-side ones only
        // what their formats print, unless a record must be made for them
        // (then the time and thread are read there, still in this call).
        let thread = if !only_caller_side || dispatch.needs_thread_name {
            Some(thread_name(py)?)
        } else {
            None
        };
        let created_ns = (!only_caller_side || dispatch.needs_time).then(crate::record::now_ns);
        let made = match message(msg, args) {
            Ok(made) => Some(made),
            // The engine needs the message: stdlib's report, as on the fast path.
            Err(error) if !only_caller_side => return report_bad_message(py, error, msg, args),
            // Only handlers here: each formats the record and reports a
            // message that cannot be made as stdlib's handlers do.
            Err(_) => None,
        };
        let text = made.as_ref().map(Message::text).transpose()?;
        // Text that UTF-8 cannot hold (lone surrogates) reaches a Python
        // stream as it is, through `handle`, as in stdlib; so does a
        // message that could not be made.
        let exact = matches!(text, Some(std::borrow::Cow::Borrowed(_)));
        let text = text.unwrap_or_default();
        let file = site.as_ref().map(|s| utf8(s.file.bind(py))).transpose()?;
        let function = site
            .as_ref()
            .map(|s| utf8(s.function.bind(py)))
            .transpose()?;
        let thread_text = thread
            .as_ref()
            .map(|name| utf8(name.cast::<PyString>()?))
            .transpose()?;
        let log_args = femto_log_args {
            file: file.as_deref().map_or(femto_str::absent(), femto_str::of),
            line: site.as_ref().map_or(0, |s| s.line),
            function: function
                .as_deref()
                .map_or(femto_str::absent(), femto_str::of),
            thread_name: thread_text
                .as_deref()
                .map_or(femto_str::absent(), femto_str::of),
            created_ns: created_ns.unwrap_or(UNREAD_TIME_NS),
            caller_side_done: true,
            ..femto_log_args::new(level, femto_str::of(&text))
        };
        if !only_caller_side && Self::log_to_engine(py, logger, &log_args)? == FEMTO_STATUS_FILTERED
        {
            return Ok(());
        }
        // What a record made here is made from; the site, thread and time
        // were read above when some handler prints them.
        let made_at = MadeAt {
            name: slf.get().name.bind(py),
            level,
            site: site.as_deref(),
            thread: thread.as_ref(),
            created_ns,
        };
        let mut record = None;
        for entry in &dispatch.entries {
            let (handler, failed) = match entry {
                Entry::Native(native) => {
                    if level < native.level {
                        continue;
                    }
                    if !exact || native.filtered(py) {
                        (&native.handler, None)
                    } else {
                        let prepared = |line: Bound<'py, PyString>| {
                            made_at.with_call(py, |call| LogRecord::prepared_from_call(call, line))
                        };
                        match native.write(py, logger, &log_args, prepared) {
                            Ok(()) => continue,
                            Err(WriteFailed::Format(error)) => return Err(error),
                            Err(WriteFailed::Write(error)) => (&native.handler, Some(error)),
                        }
                    }
                }
                Entry::Handler(handler) => {
                    let threshold = handler.bind(py).getattr(intern!(py, "_level"))?;
                    if level < threshold.extract::<i32>()? {
                        continue;
                    }
                    (handler, None)
                }
            };
            let handler = handler.bind(py);
            let record = match &record {
                Some(record) => record,
                None => {
                    let made =
                        made_at.with_call(py, |call| LogRecord::from_call(call, msg, args))?;
                    record.insert(PyTuple::new(py, [made])?)
                }
            };
            match failed {
                None => {
                    crate::python_call::call_method(handler, intern!(py, "handle"), record, None)?
                }
                Some(error) => {
                    let error = error.into_value(py).into_bound(py).into_any();
                    let args = PyTuple::new(py, [record.get_item(0)?, error])?;
                    let report = intern!(py, "_report_emit_error");
                    crate::python_call::call_method(handler, report, &args, None)?
                }
            };
        }
        Ok(())
    }

    fn log_to_engine(
        py: Python<'_>,
        logger: *const femto_logger,
        args: &femto_log_args,
    ) -> PyResult<i32> {
        // The GIL stays held: releasing it per call would hand it to a
        // worker writing a Python stream for every few records. The engine
        // releases it only if a full queue makes the call wait
        // (`crate::gil`), so nothing blocks while holding it.
        let status = {
            let _held = crate::gil::HoldingGil::mark(py);
            (api().logger_log_ex)(logger, args)
        };
        check(py, status)
    }

    fn slow_path<'py>(
        slf: &Bound<'py, Self>,
        level: i32,
        msg: &Bound<'py, PyAny>,
        args: &[Bound<'py, PyAny>],
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<()> {
        let py = slf.py();
        let args = PyTuple::new(py, args)?;
        let call = (level, msg, args).into_pyobject(py)?;
        crate::python_call::call_method(slf.as_any(), intern!(py, "_log"), &call, kwargs).map(drop)
    }
}

#[pymethods]
impl NativeLogger {
    /// Only `getLogger` makes loggers: `handle` must be the engine's own
    /// for `name`, so no number a caller passes (stdlib's
    /// `Logger(name, level)`) ever reaches the engine as a logger. With no
    /// handle, a standalone logger (stdlib's `Logger(name)`, outside the
    /// registry): every call goes to Python's `_log`, which runs stdlib's
    /// algorithm on the logger's own handlers.
    #[new]
    #[pyo3(signature = (name, handle=None))]
    fn new(
        py: Python<'_>,
        name: Bound<'_, PyAny>,
        handle: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let Some(handle) = handle else {
            name.cast::<PyString>()?;
            return Ok(NativeLogger {
                // Never logged to: the calls of a standalone logger all
                // take the Python path.
                handle: EngineLogger::get(py, "root")?,
                name: name.unbind(),
                filtered: AtomicBool::new(true),
                caller_side: AtomicBool::new(false),
                standalone: true,
                dispatch: DispatchCache::default(),
            });
        };
        let refuse = || {
            PyTypeError::new_err(format!(
                "femtologging loggers come from femtologging.getLogger(name) (the engine keeps one \
                 logger per name); Logger({}, {}) cannot make one",
                name.repr().map_or_else(|_| "?".into(), |r| r.to_string()),
                handle.repr().map_or_else(|_| "?".into(), |r| r.to_string()),
            ))
        };
        let (Ok(text), Ok(handle)) = (name.cast::<PyString>(), handle.cast::<EngineLogger>())
        else {
            return Err(refuse());
        };
        let engine = EngineLogger::get(py, &utf8(text)?)?;
        if engine != *handle.get() {
            return Err(refuse());
        }
        Ok(NativeLogger {
            handle: engine,
            name: name.unbind(),
            filtered: AtomicBool::new(false),
            caller_side: AtomicBool::new(false),
            standalone: false,
            dispatch: DispatchCache::default(),
        })
    }

    /// Tells the fast path whether the logger has filters and whether its
    /// records reach caller-side handlers.
    fn _set_paths(&self, filtered: bool, caller_side: bool) {
        if self.standalone {
            return;
        }
        self.filtered.store(filtered, Ordering::Relaxed);
        self.caller_side.store(caller_side, Ordering::Relaxed);
    }

    #[pyo3(name = "isEnabledFor")]
    fn is_enabled_for(&self, level: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.handle.is_enabled_for(engine_level(level)?))
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
            // As stdlib: raised only while `raiseExceptions` holds.
            let package = slf.py().import(intern!(slf.py(), "femtologging"))?;
            if package
                .getattr(intern!(slf.py(), "raiseExceptions"))?
                .is_truthy()?
            {
                return Err(PyTypeError::new_err("level must be an integer"));
            }
            return Ok(());
        }
        let level = engine_level(level)?;
        let args: Vec<_> = args.iter().collect();
        Self::emit(slf, level, msg, &args, kwargs)
    }
}

/// A Python level as the engine's 32-bit level: any int is accepted, as in
/// stdlib, and one beyond the 32-bit range is taken as the nearest end of
/// it (a level above 2**31 - 1 logs as 2**31 - 1).
fn engine_level(level: &Bound<'_, PyAny>) -> PyResult<i32> {
    if let Ok(value) = level.extract::<i64>() {
        return Ok(value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32);
    }
    if level.is_instance_of::<pyo3::types::PyInt>() {
        return Ok(if level.gt(0)? { i32::MAX } else { i32::MIN });
    }
    level.extract::<i32>()
}

/// `trace` … `critical` as raw `METH_FASTCALL | METH_KEYWORDS` method
/// descriptors (`crate::methods`): PyO3's generated wrappers build the
/// `*args` tuple before the body runs, while here a disabled call costs a
/// type check and one load of the logger's threshold, and builds nothing.
const LEVEL_METHODS: [(&CStr, ffi::PyCFunctionFastWithKeywords); 7] = [
    (c"trace", fast_trace),
    (c"debug", fast_debug),
    (c"info", fast_info),
    (c"warning", fast_warning),
    (c"error", fast_error),
    (c"critical", fast_critical),
    (c"fatal", fast_critical),
];

macro_rules! level_entry {
    ($name:ident, $level:expr) => {
        unsafe extern "C" fn $name(
            slf: *mut ffi::PyObject,
            args: *const *mut ffi::PyObject,
            nargs: ffi::Py_ssize_t,
            kwnames: *mut ffi::PyObject,
        ) -> *mut ffi::PyObject {
            // SAFETY: CPython calls this with the GIL held and `slf` an
            // instance of a `NativeLogger` subclass.
            if let Some(none) = unsafe { disabled_call($level, slf) } {
                return none;
            }
            /// The enabled call, under PyO3's entry.
            ///
            /// # Safety
            /// As the method's: the GIL held, CPython's
            /// METH_FASTCALL | METH_KEYWORDS arguments.
            unsafe fn enabled(
                py: Python<'_>,
                slf: *mut ffi::PyObject,
                args: *const *mut ffi::PyObject,
                nargs: ffi::Py_ssize_t,
                kwnames: *mut ffi::PyObject,
            ) -> PyResult<*mut ffi::PyObject> {
                // SAFETY: as above.
                unsafe { enabled_call(py, $level, slf, args, nargs, kwnames) }
            }
            let entry = crate::methods::native_entry!(enabled);
            // SAFETY: as above.
            unsafe { entry(slf, args, nargs, kwnames) }
        }
    };
}

level_entry!(fast_trace, TRACE);
level_entry!(fast_debug, DEBUG);
level_entry!(fast_info, INFO);
level_entry!(fast_warning, WARNING);
level_entry!(fast_error, ERROR);
level_entry!(fast_critical, CRITICAL);

/// `None` (a new reference) when `level` is disabled for the logger: one
/// load and a compare, nothing made that PyO3 would have to release later.
///
/// # Safety
/// Called by CPython with the GIL held; `slf` a valid borrowed reference
/// to an instance of a `NativeLogger` subclass (the descriptor's own type
/// check, or CPython's specialisation on the exact type, ensures it).
#[inline(always)]
unsafe fn disabled_call(level: i32, slf: *mut ffi::PyObject) -> Option<*mut ffi::PyObject> {
    // SAFETY: the GIL is held (see above).
    let py = unsafe { Python::assume_attached() };
    // SAFETY: no reference count is taken: nothing outlives the call.
    let slf = unsafe { pyo3::Borrowed::from_ptr(py, slf) };
    // SAFETY: see above.
    let logger = unsafe { slf.cast_unchecked::<NativeLogger>() }.get();
    (!logger.standalone && !logger.handle.is_enabled_for(level)).then(|| py.None().into_ptr())
}

/// The rest of a level method's call, once the level is enabled.
///
/// # Safety
/// As `disabled_call`, and `args` holds `nargs` positional arguments
/// followed by one value per name in the `kwnames` tuple (or NULL).
unsafe fn enabled_call(
    py: Python<'_>,
    level: i32,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: as above.
    let slf = unsafe { Bound::from_borrowed_ptr(py, slf) };
    // SAFETY: as above.
    let logger = unsafe { slf.cast_unchecked::<NativeLogger>() };
    // SAFETY: CPython's METH_FASTCALL | METH_KEYWORDS arguments.
    let arguments = unsafe { Arguments::borrowed(py, args, nargs, kwnames) }?;
    let Some((msg, rest)) = arguments.positional().split_first() else {
        return Err(PyTypeError::new_err("missing required argument: 'msg'"));
    };
    let kwargs = arguments.kwargs()?;
    NativeLogger::emit(logger, level, msg, rest, kwargs.as_ref())?;
    Ok(py.None().into_ptr())
}

/// Puts the fast level methods on `NativeLogger` (called once, at import).
pub fn install_native_level_methods(py: Python<'_>) -> PyResult<()> {
    put_level_methods(&py.get_type::<NativeLogger>())
}

/// Puts the fast level methods on `class`, a subclass of `NativeLogger`
/// (`femtologging.Logger`). CPython's call specialisation for method
/// descriptors only applies when the instance's type is exactly the
/// descriptor's class, so the methods `Logger` inherits would take the
/// generic (slower) call path on every call.
#[pyfunction]
pub fn install_level_methods(class: &Bound<'_, pyo3::types::PyType>) -> PyResult<()> {
    if !class.is_subclass_of::<NativeLogger>()? {
        return Err(PyTypeError::new_err("not a subclass of NativeLogger"));
    }
    put_level_methods(class)
}

fn put_level_methods(class: &Bound<'_, pyo3::types::PyType>) -> PyResult<()> {
    for (name, function) in LEVEL_METHODS {
        crate::methods::install(
            class,
            name,
            function,
            c"Logs `msg % args` at this level if the logger is enabled for it.",
        )?;
    }
    Ok(())
}
