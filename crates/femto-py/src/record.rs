//! `femtologging.LogRecord` under the native backend: stdlib's record, with
//! its attributes in a Rust struct instead of an instance dictionary.
//!
//! stdlib's `LogRecord.__init__` is Python code that stores about twenty
//! attributes and calls `os.path`, `threading` and `time` for them; making
//! one took 2.6 us, four times picologging's C record. Here the attributes
//! are struct fields (read and written as attributes, as before), the file
//! name split is cached per path, and `extra` or attributes a filter adds
//! go to the ordinary instance dictionary. `record.__dict__` copies the
//! fields into that dictionary first, so code written for stdlib
//! (`fmt % record.__dict__`, `dict(record.__dict__)`) sees every attribute.

use std::cell::{Ref, RefCell, RefMut};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::OnceLock;

use pyo3::exceptions::{PyAttributeError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyString, PyTuple};
use pyo3::{ffi, intern, IntoPyObjectExt};

use crate::attached::AttachedCell;
use crate::record_fields::RecordFields;

/// What records are made with, given by `femtologging._records` at import.
struct Context {
    /// `femtologging._levels._level_to_name` (follows `addLevelName`).
    level_names: Py<PyDict>,
    /// `logging._startTime`, in seconds.
    start_time: f64,
    /// `sys.modules`, to find `multiprocessing` and `asyncio` as stdlib does.
    modules: Py<PyDict>,
    /// `femtologging.makeLogRecord`, which unpickles a record.
    make_record: Py<PyAny>,
    /// Whether this Python's records have `taskName` (3.12 and later).
    task_names: bool,
    main_process: Py<PyString>,
    /// `FIELD_NAMES`, interned.
    field_keys: Vec<Py<PyString>>,
    /// `(filename, module)` per path (see `file_parts`).
    file_parts: Py<PyDict>,
    /// The float of every whole millisecond, 0 to 999: `msecs` of a record
    /// is one of them, shared instead of made for each record.
    msecs: Vec<Py<PyAny>>,
}

static CONTEXT: OnceLock<Context> = OnceLock::new();

/// The process id, read once and again in a forked child (`after_fork`):
/// `getpid` is a system call per record otherwise.
static PROCESS_ID: AtomicU32 = AtomicU32::new(0);

fn context() -> PyResult<&'static Context> {
    CONTEXT
        .get()
        .ok_or_else(|| PyRuntimeError::new_err("femtologging._records is not imported"))
}

/// Called once by `femtologging._records`.
#[pyfunction]
pub fn record_setup(
    py: Python<'_>,
    level_names: Py<PyDict>,
    start_time: f64,
    make_record: Py<PyAny>,
    task_names: bool,
) -> PyResult<()> {
    let modules = py
        .import("sys")?
        .getattr("modules")?
        .cast_into::<PyDict>()?;
    let _ = CONTEXT.set(Context {
        level_names,
        start_time,
        modules: modules.unbind(),
        make_record,
        task_names,
        main_process: PyString::intern(py, "MainProcess").unbind(),
        field_keys: FIELD_NAMES
            .iter()
            .map(|name| PyString::intern(py, name).unbind())
            .collect(),
        file_parts: PyDict::new(py).unbind(),
        msecs: (0..1000u32)
            .map(|ms| f64::from(ms).into_py_any(py))
            .collect::<PyResult<_>>()?,
    });
    record_after_fork();
    Ok(())
}

/// stdlib's `logThreads`, `logProcesses` and `logMultiprocessing`: whether
/// records carry the thread, the process id and the process name.
static LOG_THREADS: AtomicBool = AtomicBool::new(true);
static LOG_PROCESSES: AtomicBool = AtomicBool::new(true);
static LOG_MULTIPROCESSING: AtomicBool = AtomicBool::new(true);

/// Set by `femtologging`'s module attributes of those names.
#[pyfunction]
pub fn record_options(threads: bool, processes: bool, multiprocessing: bool) {
    LOG_THREADS.store(threads, Ordering::Relaxed);
    LOG_PROCESSES.store(processes, Ordering::Relaxed);
    LOG_MULTIPROCESSING.store(multiprocessing, Ordering::Relaxed);
}

/// Reads the process id again (registered with `os.register_at_fork`).
#[pyfunction]
pub fn record_after_fork() {
    PROCESS_ID.store(std::process::id(), Ordering::Relaxed);
}

/// The names of the attributes a record keeps in its struct, in stdlib's
/// order; `message` and `asctime` follow once a formatter sets them.
const FIELD_NAMES: [&str; 20] = [
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "processName",
    "process",
];

/// A field's value; `None` stands for Python's `None` (a record starts
/// with every field unset, at no reference-counting cost).
type Field = Option<Py<PyAny>>;

/// A field as a Python object.
fn bind<'py>(field: &Field, py: Python<'py>) -> Bound<'py, PyAny> {
    match field {
        Some(value) => value.bind(py).clone(),
        None => py.None().into_bound(py),
    }
}

/// Where a record attribute is kept (see `LogRecord::slot`).
#[derive(Clone, Copy)]
pub(crate) enum Slot {
    Field(usize),
    Message,
    Asctime,
    TaskName,
    Extra,
}

/// stdlib's `LogRecord`. A `frozen` class: its attributes live in an
/// [`AttachedCell`] instead of behind pyo3's atomic borrow flag (see
/// `attached`), so reading one costs no locked instruction.
#[pyclass(
    frozen,
    name = "LogRecord",
    module = "femtologging",
    subclass,
    dict,
    weakref
)]
pub struct LogRecord {
    data: AttachedCell<RecordData>,
}

/// A record's attributes (see [`LogRecord`]).
pub(crate) struct RecordData {
    name: Field,
    msg: Field,
    args: Field,
    levelname: Field,
    levelno: Field,
    pathname: Field,
    filename: Field,
    module: Field,
    exc_info: Field,
    exc_text: Field,
    stack_info: Field,
    lineno: Field,
    func_name: Field,
    created: Field,
    msecs: Field,
    relative_created: Field,
    thread: Field,
    thread_name: Field,
    process_name: Field,
    process: Field,
    task_name: Field,
    /// Set by `Formatter.format`; absent (`AttributeError`) before.
    message: Option<Py<PyAny>>,
    asctime: Option<Py<PyAny>>,
}

impl RecordData {
    fn blank() -> Self {
        RecordData {
            name: None,
            msg: None,
            args: None,
            levelname: None,
            levelno: None,
            pathname: None,
            filename: None,
            module: None,
            exc_info: None,
            exc_text: None,
            stack_info: None,
            lineno: None,
            func_name: None,
            created: None,
            msecs: None,
            relative_created: None,
            thread: None,
            thread_name: None,
            process_name: None,
            process: None,
            task_name: None,
            message: None,
            asctime: None,
        }
    }

    /// A record with the same field values (shared, as a shallow copy).
    fn copied(&self, py: Python<'_>) -> RecordData {
        let share = |field: &Field| field.as_ref().map(|value| value.clone_ref(py));
        RecordData {
            name: share(&self.name),
            msg: share(&self.msg),
            args: share(&self.args),
            levelname: share(&self.levelname),
            levelno: share(&self.levelno),
            pathname: share(&self.pathname),
            filename: share(&self.filename),
            module: share(&self.module),
            exc_info: share(&self.exc_info),
            exc_text: share(&self.exc_text),
            stack_info: share(&self.stack_info),
            lineno: share(&self.lineno),
            func_name: share(&self.func_name),
            created: share(&self.created),
            msecs: share(&self.msecs),
            relative_created: share(&self.relative_created),
            thread: share(&self.thread),
            thread_name: share(&self.thread_name),
            process_name: share(&self.process_name),
            process: share(&self.process),
            task_name: share(&self.task_name),
            message: share(&self.message),
            asctime: share(&self.asctime),
        }
    }

    /// Every field, `message` and `asctime` included.
    fn every_field_mut(&mut self) -> [&mut Field; 23] {
        [
            &mut self.name,
            &mut self.msg,
            &mut self.args,
            &mut self.levelname,
            &mut self.levelno,
            &mut self.pathname,
            &mut self.filename,
            &mut self.module,
            &mut self.exc_info,
            &mut self.exc_text,
            &mut self.stack_info,
            &mut self.lineno,
            &mut self.func_name,
            &mut self.created,
            &mut self.msecs,
            &mut self.relative_created,
            &mut self.thread,
            &mut self.thread_name,
            &mut self.process_name,
            &mut self.process,
            &mut self.task_name,
            &mut self.message,
            &mut self.asctime,
        ]
    }

    /// The fields in `FIELD_NAMES` order.
    fn fields(&self) -> [&Field; 20] {
        [
            &self.name,
            &self.msg,
            &self.args,
            &self.levelname,
            &self.levelno,
            &self.pathname,
            &self.filename,
            &self.module,
            &self.exc_info,
            &self.exc_text,
            &self.stack_info,
            &self.lineno,
            &self.func_name,
            &self.created,
            &self.msecs,
            &self.relative_created,
            &self.thread,
            &self.thread_name,
            &self.process_name,
            &self.process,
        ]
    }

    /// The value in a field slot (`None` for an unset `message`/`asctime`
    /// or for `Slot::Extra`, which the caller looks up in the dictionary).
    pub(crate) fn value<'py>(&self, py: Python<'py>, slot: Slot) -> Option<Bound<'py, PyAny>> {
        match slot {
            Slot::Field(at) => Some(bind(self.fields()[at], py)),
            Slot::Message => Some(self.message.as_ref()?.bind(py).clone()),
            Slot::Asctime => Some(self.asctime.as_ref()?.bind(py).clone()),
            Slot::TaskName => Some(bind(&self.task_name, py)),
            Slot::Extra => None,
        }
    }

    /// `created`, `msecs` and `relativeCreated` from nanoseconds since the
    /// epoch, as Python 3.12's `LogRecord` computes them.
    fn set_time(&mut self, py: Python<'_>, created_ns: u64, context: &Context) -> PyResult<()> {
        let created = created_ns as f64 / 1e9;
        let start_time = context.start_time;
        self.created = Some(created.into_py_any(py)?);
        let msecs = (created_ns % 1_000_000_000 / 1_000_000) as usize;
        self.msecs = Some(match context.msecs.get(msecs) {
            Some(shared) => shared.clone_ref(py),
            None => (msecs as f64).into_py_any(py)?,
        });
        self.relative_created = Some(((created - start_time) * 1000.0).into_py_any(py)?);
        Ok(())
    }

    fn set_level(&mut self, level: &Bound<'_, PyAny>, context: &Context) -> PyResult<()> {
        let py = level.py();
        self.levelname = Some(match context.level_names.bind(py).get_item(level)? {
            Some(name) => name.unbind(),
            None => format!("Level {}", level.str()?).into_py_any(py)?,
        });
        self.levelno = Some(level.clone().unbind());
        Ok(())
    }

    fn set_path(&mut self, pathname: &Bound<'_, PyAny>) -> PyResult<()> {
        let (filename, module) = file_parts(pathname)?;
        self.pathname = Some(pathname.clone().unbind());
        self.filename = Some(filename);
        self.module = Some(module);
        Ok(())
    }

    fn set_process(&mut self, py: Python<'_>, context: &Context) -> PyResult<()> {
        self.process = Some(if LOG_PROCESSES.load(Ordering::Relaxed) {
            process_id_int(py)?
        } else {
            py.None()
        });
        self.process_name = Some(if LOG_MULTIPROCESSING.load(Ordering::Relaxed) {
            process_name(py, context)
        } else {
            py.None()
        });
        if context.task_names {
            self.task_name = Some(task_name(py, context));
        }
        Ok(())
    }

    /// What `__init__` takes from the moment and place of the call: the
    /// path's parts, the time (nanoseconds since the epoch), the thread
    /// and the process.
    fn set_call(
        &mut self,
        pathname: &Bound<'_, PyAny>,
        thread_name: &Bound<'_, PyAny>,
        created_ns: u64,
    ) -> PyResult<()> {
        let py = pathname.py();
        let context = context()?;
        self.set_path(pathname)?;
        self.set_time(py, created_ns, context)?;
        if LOG_THREADS.load(Ordering::Relaxed) {
            self.thread = Some(thread_id_int(py)?);
            self.thread_name = Some(thread_name.clone().unbind());
        } else {
            self.thread = Some(py.None());
            self.thread_name = Some(py.None());
        }
        self.set_process(py, context)?;
        Ok(())
    }

    /// Sets `message`, as `Formatter.format` does; returns the old value,
    /// for the caller to release once the record is no longer borrowed.
    pub(crate) fn set_message(&mut self, message: Py<PyAny>) -> Field {
        self.message.replace(message)
    }

    /// Sets `asctime`, as `Formatter.format` does when the format uses
    /// it; returns the old value (as `set_message`).
    pub(crate) fn set_asctime(&mut self, asctime: Py<PyAny>) -> Field {
        self.asctime.replace(asctime)
    }
}

impl LogRecord {
    fn of(data: RecordData) -> Self {
        LogRecord {
            data: AttachedCell::new(data),
        }
    }

    /// The attributes, to read.
    pub(crate) fn data(&self, py: Python<'_>) -> PyResult<Ref<'_, RecordData>> {
        self.data.borrow(py)
    }

    /// The attributes, to write.
    pub(crate) fn data_mut(&self, py: Python<'_>) -> PyResult<RefMut<'_, RecordData>> {
        self.data.borrow_mut(py)
    }

    /// stdlib's `getMessage`: `str(msg)`, then `% args` if `args` is not
    /// empty. The fields are read first: `str` and `%` run Python code,
    /// which may set the record's attributes (as stdlib allows).
    pub(crate) fn message_text<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        let (msg, args) = {
            let record = self.data(py)?;
            (bind(&record.msg, py), bind(&record.args, py))
        };
        if !args.is_truthy()? {
            return msg.str();
        }
        if let (Ok(text), Ok(tuple)) = (msg.cast_exact::<PyString>(), args.cast_exact::<PyTuple>())
        {
            if let Some(formatted) = text
                .to_str()
                .ok()
                .and_then(|t| crate::percent::format(t, tuple.iter()))
            {
                return Ok(PyString::new(py, &formatted));
            }
        }
        msg.str()?.rem(args)?.str()
    }

    /// Whether stdlib's `format` would append an exception or a stack
    /// (truth tests run Python code: the fields are read first).
    pub(crate) fn has_appendix(&self, py: Python<'_>) -> PyResult<bool> {
        let values = {
            let record = self.data(py)?;
            [&record.exc_info, &record.exc_text, &record.stack_info].map(|field| bind(field, py))
        };
        for value in values {
            if !value.is_none() && value.is_truthy()? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// One attribute as a Python object.
    fn read(
        &self,
        py: Python<'_>,
        field: impl FnOnce(&RecordData) -> &Field,
    ) -> PyResult<Py<PyAny>> {
        Ok(bind(field(&*self.data(py)?), py).unbind())
    }

    /// Sets one attribute; the old value is released after the write.
    fn write(
        &self,
        py: Python<'_>,
        value: Py<PyAny>,
        field: impl FnOnce(&mut RecordData) -> &mut Field,
    ) -> PyResult<()> {
        let _old = field(&mut *self.data_mut(py)?).replace(value);
        Ok(())
    }

    /// Where attribute `key` lives: a field, or the instance dictionary.
    pub(crate) fn slot(key: &str) -> Slot {
        match key {
            "message" => Slot::Message,
            "asctime" => Slot::Asctime,
            _ => match FIELD_NAMES.iter().position(|name| *name == key) {
                Some(at) => Slot::Field(at),
                // `taskName` is a field only where stdlib records have it.
                None if key == "taskName" && context().is_ok_and(|c| c.task_names) => {
                    Slot::TaskName
                }
                None => Slot::Extra,
            },
        }
    }

    /// The record a Python handler, formatter or filter receives for one
    /// the engine carries: its message is the formatted text (`args` is
    /// `None`), its `extra` values are strings.
    pub(crate) fn from_engine(py: Python<'_>, fields: RecordFields) -> PyResult<Bound<'_, Self>> {
        let context = context()?;
        let mut record = RecordData::blank();
        record.name = Some(fields.name.into_py_any(py)?);
        record.msg = Some(fields.message.into_py_any(py)?);
        record.set_level(&fields.level.into_bound_py_any(py)?, context)?;
        record.set_path(&PyString::new(py, &fields.pathname).into_any())?;
        record.exc_text = fields.exc_text.map(|t| t.into_py_any(py)).transpose()?;
        record.stack_info = fields.stack.map(|t| t.into_py_any(py)).transpose()?;
        record.lineno = Some(fields.lineno.into_py_any(py)?);
        record.func_name = Some(fields.func_name.into_py_any(py)?);
        record.set_time(py, fields.created_ns, context)?;
        record.thread = Some(fields.thread_id.into_py_any(py)?);
        record.thread_name = Some(fields.thread_name.into_py_any(py)?);
        record.set_process(py, context)?;
        record.process = Some(fields.process_id.into_py_any(py)?);
        let record = Bound::new(py, LogRecord::of(record))?;
        if !fields.key_values.is_empty() {
            let dict = instance_dict(&record)?;
            for (key, value) in fields.key_values {
                dict.set_item(key, value)?;
            }
        }
        Ok(record)
    }
}

/// Now, in nanoseconds since the epoch (a record's time; 0 before it).
///
/// `clock_gettime` itself (the vDSO, no system call): `SystemTime::now()
/// .duration_since(UNIX_EPOCH)` cost about 90 instructions more for its
/// checked subtraction and `Duration`, on every logging call.
#[inline]
pub(crate) fn now_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the call; the clock
    // id is a constant every platform we build for has.
    let failed = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) } != 0;
    match (u64::try_from(now.tv_sec), u64::try_from(now.tv_nsec)) {
        (Ok(seconds), Ok(nanoseconds)) if !failed => seconds
            .saturating_mul(1_000_000_000)
            .saturating_add(nanoseconds),
        _ => 0,
    }
}

/// Where a logging call was made, for [`LogRecord::from_call`].
pub(crate) struct Call<'a, 'py> {
    pub name: &'a Bound<'py, PyAny>,
    pub level: i32,
    pub pathname: &'a Bound<'py, PyString>,
    pub lineno: u32,
    pub func_name: &'a Bound<'py, PyString>,
    pub thread_name: &'a Bound<'py, PyAny>,
    /// When the call was made (nanoseconds since the epoch).
    pub created_ns: u64,
}

impl LogRecord {
    /// The record `LogRecord(name, level, pathname, lineno, msg, args,
    /// None, func)` would make, for the logger's fast path (no argument
    /// parsing, the thread name and the time already at hand).
    pub(crate) fn from_call<'py>(
        call: &Call<'_, 'py>,
        msg: &Bound<'py, PyAny>,
        args: &[Bound<'py, PyAny>],
    ) -> PyResult<Bound<'py, Self>> {
        let py = msg.py();
        let mut record = RecordData::blank();
        record.name = Some(call.name.clone().unbind());
        record.msg = Some(msg.clone().unbind());
        record.args = Some(record_args(PyTuple::new(py, args)?.as_any())?.unbind());
        record.set_level(&call.level.into_bound_py_any(py)?, context()?)?;
        record.exc_info = Some(py.None());
        record.lineno = Some(call.lineno.into_py_any(py)?);
        record.func_name = Some(call.func_name.clone().into_any().unbind());
        record.set_call(call.pathname.as_any(), call.thread_name, call.created_ns)?;
        Bound::new(py, LogRecord::of(record))
    }

    /// The record `QueueHandler.prepare` makes of the call's record once
    /// formatted as `line`, made from the call (the copy `prepare` takes
    /// is of a record nobody else has seen).
    pub(crate) fn prepared_from_call<'py>(
        call: &Call<'_, 'py>,
        line: Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = line.py();
        let mut record = RecordData::blank();
        record.name = Some(call.name.clone().unbind());
        record.set_level(&call.level.into_bound_py_any(py)?, context()?)?;
        record.lineno = Some(call.lineno.into_py_any(py)?);
        record.func_name = Some(call.func_name.clone().into_any().unbind());
        record.set_call(call.pathname.as_any(), call.thread_name, call.created_ns)?;
        record.prepare(line.into_any());
        Ok(Bound::new(py, LogRecord::of(record))?.into_any())
    }
}

impl RecordData {
    /// `QueueHandler.prepare`'s changes to its copy: `msg` and `message`
    /// are the formatted `message`; no arguments, exception or stack.
    fn prepare(&mut self, message: Bound<'_, PyAny>) {
        self.msg = Some(message.clone().unbind());
        self.message = Some(message.unbind());
        self.args = None;
        self.exc_info = None;
        self.exc_text = None;
        self.stack_info = None;
    }
}

/// A record's fields as the engine takes them (`log_stdlib_record`).
pub(crate) struct EngineView<'py> {
    pub name: Bound<'py, PyString>,
    pub level: i32,
    pub message: Bound<'py, PyString>,
    pub pathname: Option<Bound<'py, PyString>>,
    pub lineno: u32,
    pub func_name: Option<Bound<'py, PyString>>,
    pub thread_name: Option<Bound<'py, PyString>>,
    pub exc_text: Option<Bound<'py, PyString>>,
    pub stack: Option<Bound<'py, PyString>>,
    pub created_ns: u64,
    pub thread_id: u64,
    pub extra: Option<Vec<(String, String)>>,
}

/// A text field: `Ok(None)` for `None`, `Err(())` for anything but a `str`.
fn text_field<'py>(field: &Field, py: Python<'py>) -> Result<Option<Bound<'py, PyString>>, ()> {
    match field {
        None => Ok(None),
        Some(value) if value.is_none(py) => Ok(None),
        Some(value) => value
            .bind(py)
            .cast_exact::<PyString>()
            .map(|t| Some(t.clone()))
            .map_err(drop),
    }
}

impl LogRecord {
    /// Whether the record was made in this process: the engine prints its
    /// own process id, which a record from another one (through a
    /// `QueueListener`) does not have.
    pub(crate) fn made_here(slf: &Bound<'_, Self>) -> bool {
        let py = slf.py();
        slf.get()
            .read(py, |record| &record.process)
            .is_ok_and(|process| {
                process
                    .extract::<u32>(py)
                    .is_ok_and(|pid| pid == PROCESS_ID.load(Ordering::Relaxed))
            })
    }

    /// The record's fields for the engine, read straight from the struct;
    /// `None` when Python must convert it: an exception not yet turned
    /// into text, or a field of an unusual type.
    pub(crate) fn engine_view<'py>(slf: &Bound<'py, Self>) -> PyResult<Option<EngineView<'py>>> {
        let py = slf.py();
        // The fields are copied out first: reading them as numbers or truth
        // values may run Python code, which may set the record's attributes.
        let [exc_info, exc_text, levelno, lineno, thread, created, name, pathname, func_name, thread_name, stack_info] = {
            let record = slf.get().data(py)?;
            [
                &record.exc_info,
                &record.exc_text,
                &record.levelno,
                &record.lineno,
                &record.thread,
                &record.created,
                &record.name,
                &record.pathname,
                &record.func_name,
                &record.thread_name,
                &record.stack_info,
            ]
            .map(|field| field.as_ref().map(|value| value.clone_ref(py)))
        };
        if bind(&exc_info, py).is_truthy()? && exc_text.as_ref().is_none_or(|t| t.is_none(py)) {
            return Ok(None);
        }
        let int = |field: &Field| -> PyResult<Option<i64>> {
            match field {
                Some(value) if !value.is_none(py) => Ok(value.bind(py).extract::<i64>().ok()),
                _ => Ok(Some(0)),
            }
        };
        let (Some(level), Some(lineno), Some(thread_id)) =
            (int(&levelno)?, int(&lineno)?, int(&thread)?)
        else {
            return Ok(None);
        };
        let Ok(created) = bind(&created, py).extract::<f64>() else {
            return Ok(None);
        };
        let texts = (
            text_field(&name, py),
            text_field(&pathname, py),
            text_field(&func_name, py),
            text_field(&thread_name, py),
            text_field(&exc_text, py),
            text_field(&stack_info, py),
        );
        let (Ok(Some(name)), Ok(pathname), Ok(func_name), Ok(thread_name), Ok(exc_text), Ok(stack)) =
            texts
        else {
            return Ok(None);
        };
        let message = slf.get().message_text(py)?;
        Ok(Some(EngineView {
            name,
            level: i32::try_from(level).unwrap_or(i32::MAX),
            message,
            pathname,
            lineno: u32::try_from(lineno).unwrap_or(0),
            func_name,
            thread_name,
            exc_text,
            stack,
            created_ns: (created * 1e9) as u64,
            thread_id: u64::try_from(thread_id).unwrap_or(0),
            extra: Self::_femto_extra(slf)?,
        }))
    }
}

/// The record's own dictionary (made on first use): `extra`, attributes
/// set by filters, and the copies `__dict__` makes.
pub(crate) fn instance_dict<'py>(record: &Bound<'py, LogRecord>) -> PyResult<Bound<'py, PyDict>> {
    // SAFETY: `record` is a live object of a class with an instance
    // dictionary; the call returns a new reference or NULL with an error set.
    let dict = unsafe { ffi::PyObject_GenericGetDict(record.as_ptr(), std::ptr::null_mut()) };
    // SAFETY: as above.
    let dict = unsafe { Bound::from_owned_ptr_or_err(record.py(), dict)? };
    Ok(dict.cast_into::<PyDict>()?)
}

/// Paths cached in `Context::file_parts` before it starts over.
const FILE_PARTS_LIMIT: usize = 4096;

/// `(filename, module)` of `pathname` as stdlib's `LogRecord` sets them.
fn file_parts(pathname: &Bound<'_, PyAny>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
    let py = pathname.py();
    let Ok(path) = pathname.cast_exact::<PyString>() else {
        return file_parts_in_python(pathname);
    };
    // The path of this thread's last record, by identity: most records
    // come from a few call sites, whose code objects hold their path.
    let last = LAST_FILE_PARTS.with_borrow(|last| match last {
        Some((known, filename, module)) if known.is(path) => {
            Some((filename.clone_ref(py), module.clone_ref(py)))
        }
        _ => None,
    });
    if let Some(parts) = last {
        return Ok(parts);
    }
    // A dict keyed by the path object: its hash is cached in the string
    // and the same code object's path compares by identity.
    let cache = context()?.file_parts.bind(py);
    if let Some(parts) = cache.get_item(path)? {
        let (filename, module): (Py<PyAny>, Py<PyAny>) = parts.extract()?;
        remember_file_parts(path, &filename, &module);
        return Ok((filename, module));
    }
    let Ok(text) = path.to_str() else {
        return file_parts_in_python(pathname);
    };
    let (filename, module) = split_path(text);
    let parts = (
        PyString::new(py, filename).into_any().unbind(),
        PyString::new(py, module).into_any().unbind(),
    );
    if cache.len() >= FILE_PARTS_LIMIT {
        cache.clear();
    }
    cache.set_item(path, (&parts.0, &parts.1))?;
    remember_file_parts(path, &parts.0, &parts.1);
    Ok(parts)
}

/// A path with its `(filename, module)`.
type PathParts = (Py<PyString>, Py<PyAny>, Py<PyAny>);

thread_local! {
    /// The last path [`file_parts`] split on this thread, with its parts
    /// (held, so the path's address cannot be reused while kept).
    static LAST_FILE_PARTS: RefCell<Option<PathParts>> = const { RefCell::new(None) };
    /// This process's id as a Python `int`, made once per process id
    /// (a fork makes a new one).
    static PROCESS_ID_INT: KeptInt = const { KeptInt::new() };
    /// This thread's id as a Python `int`: a thread id does not fit a
    /// small int, so making one for each record allocates and frees it.
    static THREAD_ID_INT: KeptInt = const { KeptInt::new() };
}

/// A number's Python `int`, kept while the number stays the same.
struct KeptInt(RefCell<Option<(u64, Py<PyAny>)>>);

impl KeptInt {
    const fn new() -> Self {
        KeptInt(RefCell::new(None))
    }

    fn get(&self, py: Python<'_>, number: u64) -> PyResult<Py<PyAny>> {
        let known = self
            .0
            .borrow()
            .as_ref()
            .and_then(|(kept, value)| (*kept == number).then(|| value.clone_ref(py)));
        if let Some(value) = known {
            return Ok(value);
        }
        let value = number.into_py_any(py)?;
        // The old value is released after the borrow ends.
        let _old = self.0.borrow_mut().replace((number, value.clone_ref(py)));
        Ok(value)
    }
}

fn remember_file_parts(path: &Bound<'_, PyString>, filename: &Py<PyAny>, module: &Py<PyAny>) {
    let py = path.py();
    let parts = (
        path.clone().unbind(),
        filename.clone_ref(py),
        module.clone_ref(py),
    );
    // The old entry is released after the borrow ends.
    let _old = LAST_FILE_PARTS.with_borrow_mut(|last| last.replace(parts));
}

/// The process id (`PROCESS_ID`) as a Python `int`.
fn process_id_int(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let pid = PROCESS_ID.load(Ordering::Relaxed);
    PROCESS_ID_INT.with(|kept| kept.get(py, pid.into()))
}

/// The calling thread's id (`threading.get_ident()`) as a Python `int`.
fn thread_id_int(py: Python<'_>) -> PyResult<Py<PyAny>> {
    // SAFETY: no preconditions; the GIL is held.
    let ident = unsafe { ffi::PyThread_get_thread_ident() };
    // `c_ulong` is `u64` here but `u32` on other targets.
    #[allow(clippy::useless_conversion)]
    THREAD_ID_INT.with(|kept| kept.get(py, ident.into()))
}

/// `os.path.basename(path)` and `os.path.splitext` of that (POSIX rules:
/// the extension starts at the last dot that is not one of the leading dots).
fn split_path(path: &str) -> (&str, &str) {
    let filename = path.rsplit('/').next().unwrap_or(path);
    let leading_dots = filename.len() - filename.trim_start_matches('.').len();
    let module = match filename[leading_dots..].rfind('.') {
        Some(dot) => &filename[..leading_dots + dot],
        None => filename,
    };
    (filename, module)
}

/// stdlib's computation for a path that is not a `str` (bytes, None…).
fn file_parts_in_python(pathname: &Bound<'_, PyAny>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
    let py = pathname.py();
    let os_path = py.import("os")?.getattr("path")?;
    let split = || -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let filename = os_path.call_method1("basename", (pathname,))?;
        let module = os_path
            .call_method1("splitext", (&filename,))?
            .get_item(0)?;
        Ok((filename.unbind(), module.unbind()))
    };
    match split() {
        Ok(parts) => Ok(parts),
        Err(error)
            if error.is_instance_of::<pyo3::exceptions::PyTypeError>(py)
                || error.is_instance_of::<pyo3::exceptions::PyValueError>(py)
                || error.is_instance_of::<PyAttributeError>(py) =>
        {
            Ok((pathname.clone().unbind(), "Unknown module".into_py_any(py)?))
        }
        Err(error) => Err(error),
    }
}

/// stdlib's `processName`: `multiprocessing.current_process().name` once
/// `multiprocessing` is imported, else `"MainProcess"`.
fn process_name(py: Python<'_>, context: &Context) -> Py<PyAny> {
    let modules = context.modules.bind(py);
    let Ok(Some(multiprocessing)) = modules.get_item(intern!(py, "multiprocessing")) else {
        return context.main_process.clone_ref(py).into_any();
    };
    multiprocessing
        .call_method0(intern!(py, "current_process"))
        .and_then(|process| process.getattr(intern!(py, "name")))
        .map_or_else(
            |_| context.main_process.clone_ref(py).into_any(),
            Bound::unbind,
        )
}

/// stdlib's `taskName` (3.12+): the current asyncio task's name, if any.
fn task_name(py: Python<'_>, context: &Context) -> Py<PyAny> {
    let modules = context.modules.bind(py);
    let Ok(Some(asyncio)) = modules.get_item(intern!(py, "asyncio")) else {
        return py.None();
    };
    asyncio
        .call_method0(intern!(py, "current_task"))
        .and_then(|task| task.call_method0(intern!(py, "get_name")))
        .map_or_else(|_| py.None(), Bound::unbind)
}

/// Whether a lone argument is the mapping `msg % args` formats with
/// (stdlib: a non-empty `collections.abc.Mapping`). The common arguments
/// are answered without the ABC's `isinstance` check.
pub(crate) fn is_message_mapping(first: &Bound<'_, PyAny>) -> PyResult<bool> {
    if first.is_exact_instance_of::<PyString>()
        || first.is_exact_instance_of::<PyInt>()
        || first.is_exact_instance_of::<PyFloat>()
        || first.is_none()
    {
        return Ok(false);
    }
    let is_mapping = first.is_instance_of::<PyDict>()
        || first.is_instance(&crate::logger::mapping_type(first.py())?)?;
    Ok(is_mapping && first.is_truthy()?)
}

/// A record's `args` as stdlib keeps them: a lone non-empty mapping
/// argument replaces the tuple.
fn record_args<'py>(args: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let Ok(tuple) = args.cast::<PyTuple>() else {
        return Ok(args.clone());
    };
    if tuple.len() != 1 {
        return Ok(args.clone());
    }
    let first = tuple.get_item(0)?;
    if is_message_mapping(&first)? {
        return Ok(first);
    }
    Ok(args.clone())
}

impl Drop for RecordData {
    /// Releases the fields with one check that this thread is attached to
    /// the interpreter (it is: a record is freed by its Python object's
    /// deallocation), instead of the check pyo3 makes for each `Py` it
    /// drops (a thread-local read each, about a sixth of making and freeing
    /// a record). Should the thread not be attached, the fields drop as
    /// usual.
    fn drop(&mut self) {
        Python::try_attach(|py| {
            for field in self.every_field_mut() {
                if let Some(value) = field.take() {
                    value.drop_ref(py);
                }
            }
        });
    }
}

#[pymethods]
impl LogRecord {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn __new__(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        LogRecord::of(RecordData::blank())
    }

    /// stdlib's signature; `kwargs` are accepted and ignored, as there.
    #[pyo3(signature = (name, level, pathname, lineno, msg, args, exc_info, func=None, sinfo=None, **_kwargs))]
    #[allow(clippy::too_many_arguments)]
    fn __init__(
        &self,
        name: &Bound<'_, PyAny>,
        level: &Bound<'_, PyAny>,
        pathname: &Bound<'_, PyAny>,
        lineno: &Bound<'_, PyAny>,
        msg: &Bound<'_, PyAny>,
        args: &Bound<'_, PyAny>,
        exc_info: &Bound<'_, PyAny>,
        func: Option<&Bound<'_, PyAny>>,
        sinfo: Option<&Bound<'_, PyAny>>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let py = name.py();
        // Filled in place, borrowed throughout (a copy to swap in costs a
        // tenth of making a record): the Python code run meanwhile (the
        // level's name, `args`' mapping check, the process's name) is handed
        // the arguments, not this record, which is not yet anyone else's.
        let context = context()?;
        let thread_name = crate::logger::thread_name(py)?;
        let mut record = self.data_mut(py)?;
        record.name = Some(name.clone().unbind());
        record.msg = Some(msg.clone().unbind());
        record.args = Some(record_args(args)?.unbind());
        record.set_level(level, context)?;
        record.exc_info = Some(exc_info.clone().unbind());
        record.exc_text = None;
        record.stack_info = sinfo.map(|s| s.clone().unbind());
        record.lineno = Some(lineno.clone().unbind());
        record.func_name = func.map(|f| f.clone().unbind());
        record.set_call(pathname, &thread_name, now_ns())
    }

    // stdlib's attributes, one getter and setter each (a `frozen` class
    // cannot have pyo3 make them from the fields): a setter stores any
    // value, `None` included; deleting one is an `AttributeError`, as before.

    #[getter(name)]
    fn get_name(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.name)
    }

    #[setter(name)]
    fn set_name(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.name)
    }

    #[getter(msg)]
    fn get_msg(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.msg)
    }

    #[setter(msg)]
    fn set_msg(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.msg)
    }

    #[getter(args)]
    fn get_args(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.args)
    }

    #[setter(args)]
    fn set_args(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.args)
    }

    #[getter(levelname)]
    fn get_levelname(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.levelname)
    }

    #[setter(levelname)]
    fn set_levelname(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.levelname)
    }

    #[getter(levelno)]
    fn get_levelno(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.levelno)
    }

    #[setter(levelno)]
    fn set_levelno(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.levelno)
    }

    #[getter(pathname)]
    fn get_pathname(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.pathname)
    }

    #[setter(pathname)]
    fn set_pathname(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.pathname)
    }

    #[getter(filename)]
    fn get_filename(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.filename)
    }

    #[setter(filename)]
    fn set_filename(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.filename)
    }

    #[getter(module)]
    fn get_module(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.module)
    }

    #[setter(module)]
    fn set_module(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.module)
    }

    #[getter(exc_info)]
    fn get_exc_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.exc_info)
    }

    #[setter(exc_info)]
    fn set_exc_info(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.exc_info)
    }

    #[getter(exc_text)]
    fn get_exc_text(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.exc_text)
    }

    #[setter(exc_text)]
    fn set_exc_text(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.exc_text)
    }

    #[getter(stack_info)]
    fn get_stack_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.stack_info)
    }

    #[setter(stack_info)]
    fn set_stack_info(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.stack_info)
    }

    #[getter(lineno)]
    fn get_lineno(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.lineno)
    }

    #[setter(lineno)]
    fn set_lineno(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.lineno)
    }

    #[getter(funcName)]
    fn get_func_name(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.func_name)
    }

    #[setter(funcName)]
    fn set_func_name(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.func_name)
    }

    #[getter(created)]
    fn get_created(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.created)
    }

    #[setter(created)]
    fn set_created(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.created)
    }

    #[getter(msecs)]
    fn get_msecs(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.msecs)
    }

    #[setter(msecs)]
    fn set_msecs(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.msecs)
    }

    #[getter(relativeCreated)]
    fn get_relative_created(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.relative_created)
    }

    #[setter(relativeCreated)]
    fn set_relative_created(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.relative_created)
    }

    #[getter(thread)]
    fn get_thread(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.thread)
    }

    #[setter(thread)]
    fn set_thread(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.thread)
    }

    #[getter(threadName)]
    fn get_thread_name(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.thread_name)
    }

    #[setter(threadName)]
    fn set_thread_name(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.thread_name)
    }

    #[getter(processName)]
    fn get_process_name(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.process_name)
    }

    #[setter(processName)]
    fn set_process_name(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.process_name)
    }

    #[getter(process)]
    fn get_process(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.process)
    }

    #[setter(process)]
    fn set_process(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.process)
    }

    #[getter(taskName)]
    fn get_task_name(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.read(py, |r| &r.task_name)
    }

    #[setter(taskName)]
    fn set_task_name(&self, py: Python<'_>, value: Py<PyAny>) -> PyResult<()> {
        self.write(py, value, |r| &mut r.task_name)
    }

    #[pyo3(name = "getMessage")]
    fn get_message<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        self.message_text(py)
    }

    #[getter(message)]
    fn message_attr(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        formatted(&self.data(py)?.message, py, "message")
    }

    #[setter(message)]
    fn set_message_attr(&self, py: Python<'_>, value: Option<Py<PyAny>>) -> PyResult<()> {
        let _old = std::mem::replace(&mut self.data_mut(py)?.message, value);
        Ok(())
    }

    #[getter(asctime)]
    fn asctime_attr(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        formatted(&self.data(py)?.asctime, py, "asctime")
    }

    #[setter(asctime)]
    fn set_asctime_attr(&self, py: Python<'_>, value: Option<Py<PyAny>>) -> PyResult<()> {
        let _old = std::mem::replace(&mut self.data_mut(py)?.asctime, value);
        Ok(())
    }

    /// Every attribute, as stdlib code reads them (`fmt % record.__dict__`):
    /// the fields are copied into the instance dictionary, which is
    /// returned. Writing a field's key there does not change the field;
    /// set the attribute instead.
    #[getter(__dict__)]
    fn attributes<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let dict = instance_dict(slf)?;
        // A copy: storing into the dictionary may release old values, whose
        // finalisers are Python code free to set the record's attributes.
        let record = slf.get().data(py)?.copied(py);
        let context = context()?;
        for (key, value) in context.field_keys.iter().zip(record.fields()) {
            dict.set_item(key.bind(py), value)?;
        }
        if context.task_names {
            dict.set_item(intern!(py, "taskName"), &record.task_name)?;
        }
        if let Some(message) = &record.message {
            dict.set_item(intern!(py, "message"), message)?;
        }
        if let Some(asctime) = &record.asctime {
            dict.set_item(intern!(py, "asctime"), asctime)?;
        }
        Ok(dict)
    }

    /// `extra` and the attributes filters added, as `(key, str(value))`
    /// pairs for the engine (`None` when there are none).
    fn _femto_extra(slf: &Bound<'_, Self>) -> PyResult<Option<Vec<(String, String)>>> {
        let dict = instance_dict(slf)?;
        let mut pairs = Vec::new();
        for (key, value) in dict.iter() {
            let key = key.str()?;
            let name = key.to_str()?;
            if FIELD_NAMES.contains(&name) || matches!(name, "message" | "asctime" | "taskName") {
                continue;
            }
            pairs.push((
                name.to_owned(),
                crate::types::utf8(&value.str()?)?.into_owned(),
            ));
        }
        Ok((!pairs.is_empty()).then_some(pairs))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        // Copied out first: `str` of a value may set the record's attributes.
        let [name, levelno, pathname, lineno, msg] = {
            let record = self.data(py)?;
            [
                &record.name,
                &record.levelno,
                &record.pathname,
                &record.lineno,
                &record.msg,
            ]
            .map(|field| bind(field, py))
        };
        Ok(format!(
            "<LogRecord: {}, {}, {}, {}, \"{}\">",
            name.str()?,
            levelno.str()?,
            pathname.str()?,
            lineno.str()?,
            msg.str()?,
        ))
    }

    /// Pickles (and `copy.copy`) as `makeLogRecord(record.__dict__)`.
    /// `copy.copy(record)`: a record of the same class sharing the field
    /// values and holding a copy of the instance dictionary (as `copy`
    /// does for stdlib's record), without going through `__reduce__`.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let fields = slf.get().data(py)?.copied(py);
        let copy = if slf.is_exact_instance_of::<LogRecord>() {
            Bound::new(py, LogRecord::of(fields))?.into_any()
        } else {
            let class = slf.get_type();
            let copy = class.call_method1(intern!(py, "__new__"), (&class,))?;
            let _blank =
                std::mem::replace(&mut *copy.cast::<LogRecord>()?.get().data_mut(py)?, fields);
            copy
        };
        let record = copy.cast::<LogRecord>()?;
        let dict = instance_dict(slf)?;
        if !dict.is_empty() {
            instance_dict(record)?.update(dict.as_mapping())?;
        }
        Ok(copy)
    }

    /// `QueueHandler.prepare` after formatting: a copy whose `msg` and
    /// `message` are `message`, with no arguments, exception or stack.
    fn _femto_prepared<'py>(
        slf: &Bound<'py, Self>,
        message: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let copy = Self::__copy__(slf)?;
        copy.cast::<LogRecord>()?
            .get()
            .data_mut(slf.py())?
            .prepare(message);
        Ok(copy)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Py<PyAny>, (Bound<'py, PyDict>,))> {
        let make_record = context()?.make_record.clone_ref(slf.py());
        Ok((make_record, (Self::attributes(slf)?.copy()?,)))
    }
}

/// `message`/`asctime`: set by a formatter, `AttributeError` before.
fn formatted(value: &Option<Py<PyAny>>, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
    value.as_ref().map(|v| v.clone_ref(py)).ok_or_else(|| {
        PyAttributeError::new_err(format!("'LogRecord' object has no attribute '{name}'"))
    })
}
