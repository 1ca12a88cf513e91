//! Formatters turn a record into text on the handler's worker thread.

mod json;
pub(crate) mod spec;
mod template;
mod time;

pub use json::JsonFormatter;
pub use template::{Field, FormatError, FormatStyle, TemplateFormatter};
pub use time::{DateFormat, DateFormatError, DEFAULT_DATE_FORMAT};

use crate::record::FemtoLogRecord;

/// Renders a record. Implementations append to `out` (a buffer the worker
/// reuses) and never fail: a formatter has no caller to report to.
pub trait FemtoFormatter: Send + Sync {
    /// Appends the text of `record` to `out`.
    fn format(&self, record: &FemtoLogRecord, out: &mut String);

    /// As [`FemtoFormatter::format`], for formatters that can fail (such as
    /// host-language callbacks): on `Err` the worker skips the record and
    /// counts an error of the handler.
    fn try_format(&self, record: &FemtoLogRecord, out: &mut String) -> Result<(), FormatFailed> {
        self.format(record, out);
        Ok(())
    }

    /// Whether the output shows where the call was made (file, line,
    /// function, module): when nothing a logger reaches needs it, bindings
    /// skip capturing it. True unless a formatter knows better.
    fn needs_location(&self) -> bool {
        true
    }

    /// Whether this is the [`DefaultFormatter`] a handler gets when none
    /// is set (a handler may then choose a better default of its own).
    fn is_default(&self) -> bool {
        false
    }

    /// This formatter as a [`TemplateFormatter`], which formats a record's
    /// parts without a record ([`TemplateFormatter::format_fields`]).
    fn as_template(&self) -> Option<&TemplateFormatter> {
        None
    }
}

/// Why [`FemtoFormatter::try_format`] skipped a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatFailed {
    /// Report this message through the error hook.
    Report(String),
    /// The formatter reported the failure itself; only count it.
    Reported,
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

    fn needs_location(&self) -> bool {
        false
    }

    fn is_default(&self) -> bool {
        true
    }
}
