//! Formatters turn a record into text on the handler's worker thread.

mod json;
pub mod spec;
mod template;
mod time;

pub use json::JsonFormatter;
pub use template::{Field, FormatError, FormatStyle, TemplateFormatter};
pub use time::{DateFormat, DateFormatError, DEFAULT_DATE_FORMAT};

use crate::record::FemtoLogRecord;

/// Renders a record. Implementations append to `out` (a buffer the worker
/// reuses) and never fail: a formatter has no caller to report to.
pub trait FemtoFormatter: Send + Sync {
    fn format(&self, record: &FemtoLogRecord, out: &mut String);
}

impl<F> FemtoFormatter for F
where
    F: Fn(&FemtoLogRecord, &mut String) + Send + Sync,
{
    fn format(&self, record: &FemtoLogRecord, out: &mut String) {
        self(record, out)
    }
}

/// The format a handler uses when none is set: stdlib's `%(message)s`.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefaultFormatter;

impl FemtoFormatter for DefaultFormatter {
    fn format(&self, record: &FemtoLogRecord, out: &mut String) {
        out.push_str(&record.message);
        for extra in [&record.exception, &record.stack].into_iter().flatten() {
            out.push('\n');
            out.push_str(extra);
        }
    }
}
