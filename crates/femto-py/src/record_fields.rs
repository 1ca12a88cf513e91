//! A record's fields copied out of the engine's view (on a worker thread,
//! without the GIL), then made into a `femtologging.LogRecord` for Python
//! handlers, formatters and filters (`record::LogRecord::from_engine`).

use crate::types::copy_text;

/// The fields of one record, copied out of the engine's view.
pub(crate) struct RecordFields {
    pub(crate) name: String,
    pub(crate) level: i32,
    pub(crate) message: String,
    pub(crate) created_ns: u64,
    pub(crate) thread_id: u64,
    pub(crate) thread_name: String,
    pub(crate) process_id: u32,
    pub(crate) pathname: String,
    pub(crate) lineno: u32,
    pub(crate) func_name: String,
    pub(crate) exc_text: Option<String>,
    pub(crate) stack: Option<String>,
    /// `extra` (as strings) and fields set by filters.
    pub(crate) key_values: Vec<(String, String)>,
}

impl RecordFields {
    /// # Safety
    /// `record` must be the engine's valid view for the current callback.
    pub(crate) unsafe fn copy(record: &femto_abi::femto_record) -> Self {
        // SAFETY: the view's strings are valid UTF-8 during the callback.
        let text = |s: &femto_abi::femto_str| unsafe { copy_text(s) };
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

fn key_values(record: &femto_abi::femto_record) -> Vec<(String, String)> {
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
                copy_text(&kv.key).unwrap_or_default(),
                copy_text(&kv.value).unwrap_or_default(),
            )
        })
        .collect()
}
