//! A record's fields copied out of the engine's view, and the tuple Python
//! code turns into a stdlib `LogRecord`
//! (`femtologging._handlers._record_from_fields`).

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::IntoPyObjectExt;

/// The fields of one record, copied out of the engine's view.
pub(crate) struct RecordFields {
    name: String,
    level: i32,
    message: String,
    created_ns: u64,
    thread_id: u64,
    thread_name: String,
    process_id: u32,
    pathname: String,
    lineno: u32,
    func_name: String,
    exc_text: Option<String>,
    stack: Option<String>,
    /// `extra` (as strings) and fields set by filters.
    key_values: Vec<(String, String)>,
}

impl RecordFields {
    /// # Safety
    /// `record` must be the engine's valid view for the current callback.
    pub(crate) unsafe fn copy(record: &crate::abi::femto_record) -> Self {
        // SAFETY: the view's strings are valid UTF-8 during the callback.
        let text = |s: &crate::abi::femto_str| unsafe { s.copy_text() };
        RecordFields {
            name: text(&record.logger).unwrap_or_default(),
            level: record.level,
            message: text(&record.message).unwrap_or_default(),
            created_ns: record.created_ns,
            thread_id: record.thread_id,
            thread_name: text(&record.thread_name).unwrap_or_default(),
            process_id: record.process_id,
            pathname: text(&record.file).unwrap_or_default(),
            lineno: record.line,
            func_name: text(&record.function).unwrap_or_default(),
            exc_text: text(&record.exception),
            stack: text(&record.stack),
            key_values: key_values(record),
        }
    }
}

fn key_values(record: &crate::abi::femto_record) -> Vec<(String, String)> {
    if record.key_values.is_null() || record.key_value_count == 0 {
        return Vec::new();
    }
    // SAFETY: the view's array holds `key_value_count` pairs during the callback.
    let pairs = unsafe { std::slice::from_raw_parts(record.key_values, record.key_value_count) };
    pairs
        .iter()
        // SAFETY: as above, for the strings of each pair.
        .map(|kv| unsafe {
            (
                kv.key.copy_text().unwrap_or_default(),
                kv.value.copy_text().unwrap_or_default(),
            )
        })
        .collect()
}

impl RecordFields {
    /// `(name, levelno, message, created_ns, thread, threadName, process,
    /// pathname, lineno, funcName, exc_text, stack_info, key_values)`.
    pub(crate) fn into_tuple(self, py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
        let items = [
            self.name.into_bound_py_any(py)?,
            self.level.into_bound_py_any(py)?,
            self.message.into_bound_py_any(py)?,
            self.created_ns.into_bound_py_any(py)?,
            self.thread_id.into_bound_py_any(py)?,
            self.thread_name.into_bound_py_any(py)?,
            self.process_id.into_bound_py_any(py)?,
            self.pathname.into_bound_py_any(py)?,
            self.lineno.into_bound_py_any(py)?,
            self.func_name.into_bound_py_any(py)?,
            self.exc_text.into_bound_py_any(py)?,
            self.stack.into_bound_py_any(py)?,
            self.key_values.into_bound_py_any(py)?,
        ];
        PyTuple::new(py, items)
    }
}
