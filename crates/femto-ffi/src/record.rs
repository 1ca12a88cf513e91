//! The read-only view of a record handed to C callbacks.

use femto_core::FemtoLogRecord;

use crate::types::{femto_kv, femto_str};

/// A record as callbacks see it. Every pointer in it (and the struct
/// itself) is valid only during the callback; copy what you keep. Strings
/// are UTF-8 and not NUL-terminated; absent strings are `{NULL, 0}`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_record {
    /// `sizeof(femto_record)` of the library that made it; fields may be
    /// appended in later versions.
    pub size: usize,
    pub level: i32,
    pub logger: femto_str,
    pub message: femto_str,
    /// Wall-clock nanoseconds since the Unix epoch.
    pub created_ns: u64,
    pub thread_id: u64,
    pub thread_name: femto_str,
    pub process_id: u32,
    pub file: femto_str,
    pub line: u32,
    pub function: femto_str,
    pub module: femto_str,
    pub key_values: *const femto_kv,
    pub key_value_count: usize,
    pub exception: femto_str,
    pub stack: femto_str,
}

fn opt(text: Option<&str>) -> femto_str {
    text.map_or(femto_str::EMPTY, femto_str::from_rust)
}

/// Builds the view of `record` and passes it to `use_view`.
pub(crate) fn with_view<R>(
    record: &FemtoLogRecord,
    use_view: impl FnOnce(&femto_record) -> R,
) -> R {
    let kvs: Vec<femto_kv> = record
        .key_values
        .iter()
        .map(|(k, v)| femto_kv {
            key: femto_str::from_rust(k),
            value: femto_str::from_rust(v),
        })
        .collect();
    let loc = &record.location;
    let view = femto_record {
        size: std::mem::size_of::<femto_record>(),
        level: i32::try_from(record.level.value()).unwrap_or(i32::MAX),
        logger: femto_str::from_rust(&record.logger),
        message: femto_str::from_rust(&record.message),
        created_ns: record.created_ns,
        thread_id: record.thread_id,
        thread_name: femto_str::from_rust(&record.thread_name),
        process_id: record.process_id,
        file: opt(loc.file.as_deref()),
        line: loc.line,
        function: opt(loc.function.as_deref()),
        module: opt(Some(loc.module())),
        key_values: if kvs.is_empty() {
            std::ptr::null()
        } else {
            kvs.as_ptr()
        },
        key_value_count: kvs.len(),
        exception: opt(record.exception.as_deref()),
        stack: opt(record.stack.as_deref()),
    };
    use_view(&view)
}
