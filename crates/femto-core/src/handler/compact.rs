//! Records that travel through a handler's queue by value.
//!
//! Why: the logging thread and the worker run on different cores, and
//! every cache line one writes and the other reads must cross between
//! them. A shared `Arc` record crosses several lines each way (the record,
//! its message buffer, and back again when it is recycled), and what a
//! crossing costs depends on where the host placed the two cores: on the
//! 2-core benchmark VM it varies from run to run between about 50 and 250
//! ns (measured with a two-thread ping-pong beside the benchmark), which
//! made a million records take either about 0.2 s or about 0.4 s.
//!
//! A common record (interned names, a message of at most
//! [`INLINE_MESSAGE`] bytes, no key-values, exception or stack) is instead
//! copied into the queue's slot itself: the slots are consecutive memory,
//! each record crosses once, in one direction, in a few lines the worker
//! reads in order, and the record the caller built stays on its thread
//! for the next call. The worker turns it back into a record of its own
//! ([`CompactRecord::expand_into`]) for the formatter and sink.

use std::borrow::Cow;

use arrayvec::ArrayString;

use crate::context;
use crate::intern::Text;
use crate::level::FemtoLevel;
use crate::record::{FemtoLogRecord, RecordFields, SourceLocation};

/// The longest message carried in the queue's slot.
pub(crate) const INLINE_MESSAGE: usize = 120;

/// The fields of a common record, by value.
#[derive(Clone, Copy)]
pub(crate) struct CompactRecord {
    logger: &'static str,
    thread_name: &'static str,
    file: Option<&'static str>,
    function: Option<&'static str>,
    module: Option<&'static str>,
    created_ns: u64,
    thread_id: u64,
    process_id: u32,
    line: u32,
    level: FemtoLevel,
    /// Text that stays a `str` in the slot: the worker copies it out
    /// without checking its UTF-8 again (a tenth of its work a record).
    message: ArrayString<INLINE_MESSAGE>,
}

/// The `'static` text of an interned field; `None` for one owned by the
/// record.
// A `&str` would not tell the two apart.
#[allow(clippy::ptr_arg)]
fn interned(text: &Cow<'static, str>) -> Option<&'static str> {
    match text {
        Cow::Borrowed(text) => Some(text),
        Cow::Owned(_) => None,
    }
}

/// As [`interned`] for an optional field: `Some(None)` when absent.
fn interned_option(text: &Option<Cow<'static, str>>) -> Option<Option<&'static str>> {
    match text {
        None => Some(None),
        Some(text) => interned(text).map(Some),
    }
}

/// Where a record was made, as the compact form takes it.
struct Origin<'a> {
    logger: &'a Text,
    thread_name: &'a Text,
    thread_id: u64,
    process_id: u32,
    location: &'a SourceLocation,
}

impl CompactRecord {
    /// The compact form of `record`, or `None` when it has more than the
    /// compact form carries.
    pub(crate) fn of(record: &FemtoLogRecord) -> Option<Self> {
        if !record.key_values.is_empty() || record.exception.is_some() || record.stack.is_some() {
            return None;
        }
        let origin = Origin {
            logger: &record.logger,
            thread_name: &record.thread_name,
            thread_id: record.thread_id,
            process_id: record.process_id,
            location: &record.location,
        };
        Self::from_parts(&origin, record.level, &record.message, || record.created_ns)
    }

    /// The compact record of a call made now on this thread, or `None`
    /// when the call has more than the compact form carries (a long
    /// message, a name or location that is not interned).
    pub(crate) fn of_call(
        logger: &Text,
        level: FemtoLevel,
        message: &str,
        location: &SourceLocation,
    ) -> Option<Self> {
        let thread = context::current_thread();
        let origin = Origin {
            logger,
            thread_name: &thread.name,
            thread_id: thread.id,
            process_id: context::process_id(),
            location,
        };
        Self::from_parts(&origin, level, message, context::now_ns)
    }

    /// The compact form, or `None` for a long message or a name that is
    /// not interned; `created_ns` is read only when it is made.
    fn from_parts(
        origin: &Origin<'_>,
        level: FemtoLevel,
        message: &str,
        created_ns: impl FnOnce() -> u64,
    ) -> Option<Self> {
        if message.len() > INLINE_MESSAGE {
            return None;
        }
        let location = origin.location;
        let logger = interned(origin.logger)?;
        let thread_name = interned(origin.thread_name)?;
        let file = interned_option(&location.file)?;
        let function = interned_option(&location.function)?;
        let module = interned_option(&location.module)?;
        // Copied last: a record that is not compact copies nothing.
        let message = ArrayString::from(message).ok()?;
        Some(CompactRecord {
            logger,
            thread_name,
            file,
            function,
            module,
            created_ns: created_ns(),
            thread_id: origin.thread_id,
            process_id: origin.process_id,
            line: location.line,
            level,
            message,
        })
    }

    pub(crate) fn level(&self) -> FemtoLevel {
        self.level
    }

    /// The record this stands for, whole (for a handler that must see
    /// one: it has filters).
    pub(crate) fn whole_record(&self) -> std::sync::Arc<FemtoLogRecord> {
        crate::record_pool::make_at(
            Cow::Borrowed(self.logger),
            self.level,
            self.created_ns,
            |_| {},
            |record| self.expand_into(record),
        )
    }

    /// Makes `into` the record this was made from (its buffers reused).
    pub(crate) fn expand_into(&self, into: &mut FemtoLogRecord) {
        into.logger = Cow::Borrowed(self.logger);
        into.level = self.level;
        into.message.clear();
        into.message.push_str(&self.message);
        into.created_ns = self.created_ns;
        into.thread_id = self.thread_id;
        into.thread_name = Cow::Borrowed(self.thread_name);
        into.process_id = self.process_id;
        into.location.file = self.file.map(Cow::Borrowed);
        into.location.function = self.function.map(Cow::Borrowed);
        into.location.module = self.module.map(Cow::Borrowed);
        into.location.line = self.line;
    }
}

/// What a template prints of a compact record (the worker formats it
/// without expanding it into a record when the sink takes text alone).
impl RecordFields for CompactRecord {
    fn logger(&self) -> &str {
        self.logger
    }
    fn level(&self) -> FemtoLevel {
        self.level
    }
    fn message(&self) -> &str {
        &self.message
    }
    fn created_ns(&self) -> u64 {
        self.created_ns
    }
    fn thread_id(&self) -> u64 {
        self.thread_id
    }
    fn thread_name(&self) -> &str {
        self.thread_name
    }
    fn process_id(&self) -> u32 {
        self.process_id
    }
    fn file(&self) -> Option<&str> {
        self.file
    }
    fn line(&self) -> u32 {
        self.line
    }
    fn function(&self) -> Option<&str> {
        self.function
    }
    fn module(&self) -> Option<&str> {
        self.module
    }
    fn key_value(&self, _key: &str) -> Option<&str> {
        None
    }
    fn exception(&self) -> Option<&str> {
        None
    }
    fn stack(&self) -> Option<&str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::SourceLocation;
    use rstest::rstest;

    fn located(message: &str) -> FemtoLogRecord {
        FemtoLogRecord::new(Cow::Borrowed("app.db"), FemtoLevel::ERROR, message).with_location(
            SourceLocation {
                file: Some(Cow::Borrowed("/src/db.c")),
                line: 42,
                function: Some(Cow::Borrowed("connect")),
                module: None,
            },
        )
    }

    #[rstest]
    fn a_common_record_comes_back_whole() {
        let record = located("connection refused: é");
        let compact = CompactRecord::of(&record).expect("a common record is compact");
        let mut back = FemtoLogRecord::new(Cow::Borrowed("other"), FemtoLevel::DEBUG, "old");
        back.location.module = Some(Cow::Borrowed("stale"));
        compact.expand_into(&mut back);
        assert_eq!(back.logger, record.logger);
        assert_eq!(back.level, record.level);
        assert_eq!(back.message, record.message);
        assert_eq!(back.created_ns, record.created_ns);
        assert_eq!(back.thread_id, record.thread_id);
        assert_eq!(back.thread_name, record.thread_name);
        assert_eq!(back.process_id, record.process_id);
        assert_eq!(back.location, record.location);
    }

    #[rstest]
    #[case::long_message(located(&"x".repeat(INLINE_MESSAGE + 1)))]
    #[case::long_in_bytes(located(&format!("x{}", "é".repeat(INLINE_MESSAGE / 2))))]
    #[case::key_values(located("m").with_key_value("user", "ann"))]
    #[case::owned_logger(FemtoLogRecord::new(Cow::Owned("dynamic".into()), FemtoLevel::INFO, "m"))]
    #[case::exception({ let mut r = located("m"); r.exception = Some("Traceback".into()); r })]
    #[case::stack({ let mut r = located("m"); r.stack = Some("Stack".into()); r })]
    #[case::owned_file(located("m").with_location(SourceLocation {
        file: Some(Cow::Owned("/tmp/x.c".into())), ..SourceLocation::default()
    }))]
    fn records_with_more_stay_shared(#[case] record: FemtoLogRecord) {
        assert!(CompactRecord::of(&record).is_none());
    }

    #[rstest]
    fn a_template_prints_a_compact_record_as_its_record(#[values(false, true)] escaping: bool) {
        let every_field = "%(name)s|%(levelname)s|%(levelno)d|%(message)s|%(asctime)s|%(msecs)03d|\
            %(created)f|%(relativeCreated)d|%(thread)d|%(threadName)s|%(process)d|%(pathname)s|\
            %(filename)s|%(module)s|%(lineno)d|%(funcName)s|%(user)s|%(message)r|";
        let template =
            crate::TemplateFormatter::new(every_field, crate::FormatStyle::Percent, None)
                .unwrap()
                .escaping_controls(escaping);
        let record = located("refused:\n é");
        let compact = CompactRecord::of(&record).expect("a common record is compact");
        let mut from_compact = String::new();
        template.format_fields(&compact, &mut from_compact);
        let mut from_record = String::new();
        crate::FemtoFormatter::format(&template, &record, &mut from_record);
        assert_eq!(from_compact, from_record);
        assert!(
            from_compact.starts_with("app.db|ERROR|40|"),
            "{from_compact}"
        );
    }

    #[rstest]
    #[case::ascii("y".repeat(INLINE_MESSAGE))]
    #[case::two_byte_characters("é".repeat(INLINE_MESSAGE / 2))]
    fn the_longest_inline_message_fits(#[case] text: String) {
        assert_eq!(text.len(), INLINE_MESSAGE);
        let compact = CompactRecord::of(&located(&text)).expect("fits");
        let mut back = located("");
        compact.expand_into(&mut back);
        assert_eq!(back.message, text);
    }
}
