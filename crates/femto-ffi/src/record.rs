//! The read-only view of a record handed to C callbacks.

use femto_abi::{femto_kv, femto_record, femto_str};
use femto_core::FemtoLogRecord;

fn opt(text: Option<&str>) -> femto_str {
    text.map_or(femto_str::absent(), femto_str::of)
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
            key: femto_str::of(k),
            value: femto_str::of(v),
        })
        .collect();
    let loc = &record.location;
    let view = femto_record {
        size: std::mem::size_of::<femto_record>(),
        level: i32::try_from(record.level.value()).unwrap_or(i32::MAX),
        logger: femto_str::of(&record.logger),
        message: femto_str::of(&record.message),
        created_ns: record.created_ns,
        thread_id: record.thread_id,
        thread_name: femto_str::of(&record.thread_name),
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
