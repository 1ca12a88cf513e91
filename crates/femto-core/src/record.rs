//! The log record: everything a formatter or sink may need, built once on
//! the caller's thread and shared (behind an `Arc`) by every handler.

use crate::context;
use crate::intern::Text;
use crate::level::FemtoLevel;

/// Where in the source a record was made. All fields are optional: hosts
/// fill what they know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceLocation {
    /// Full path of the source file (`%(pathname)s`).
    pub file: Option<Text>,
    /// The line number (0: unknown).
    pub line: u32,
    /// Function name (`%(funcName)s`).
    pub function: Option<Text>,
    /// Module name (`%(module)s`); derived from the file name when absent.
    pub module: Option<Text>,
}

impl SourceLocation {
    /// The file name without directories (`%(filename)s`).
    pub fn filename(&self) -> &str {
        filename_of(self.file.as_deref())
    }

    /// The module: explicit, or the file name without its extension
    /// (stdlib's rule).
    pub fn module(&self) -> &str {
        module_of(self.file.as_deref(), self.module.as_deref())
    }
}

/// The name of `file` without directories (`""` for none).
pub fn filename_of(file: Option<&str>) -> &str {
    let path = file.unwrap_or("");
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `module`, or the name of `file` without directories and extension.
pub fn module_of<'a>(file: Option<&'a str>, module: Option<&'a str>) -> &'a str {
    if let Some(module) = module {
        return module;
    }
    let filename = filename_of(file);
    match filename.rfind('.') {
        Some(dot) if dot > 0 => &filename[..dot],
        _ => filename,
    }
}

/// What a formatter reads of a record: a [`FemtoLogRecord`], or the parts
/// of one before it is built (a host's arguments, the queue's compact
/// form), which a [`TemplateFormatter`](crate::TemplateFormatter) formats
/// without building it.
pub trait RecordFields {
    /// The logger's dotted name.
    fn logger(&self) -> &str;
    /// The level.
    fn level(&self) -> FemtoLevel;
    /// The message, formatted.
    fn message(&self) -> &str;
    /// Wall-clock time in nanoseconds since the Unix epoch.
    fn created_ns(&self) -> u64;
    /// The logging thread's identifier.
    fn thread_id(&self) -> u64;
    /// The logging thread's name.
    fn thread_name(&self) -> &str;
    /// The process's identifier.
    fn process_id(&self) -> u32;
    /// The source file's path.
    fn file(&self) -> Option<&str>;
    /// The source line (0: unknown).
    fn line(&self) -> u32;
    /// The function's name.
    fn function(&self) -> Option<&str>;
    /// The module's name as given (see [`module_of`] for the one printed).
    fn module(&self) -> Option<&str>;
    /// The value of a key-value by key (the last one wins).
    fn key_value(&self, key: &str) -> Option<&str>;
    /// Formatted exception text.
    fn exception(&self) -> Option<&str>;
    /// Formatted stack text.
    fn stack(&self) -> Option<&str>;

    /// Seconds since the epoch as a float (`%(created)f`).
    fn created_secs(&self) -> f64 {
        self.created_ns() as f64 / 1e9
    }

    /// Milliseconds within the second (`%(msecs)d`).
    fn msecs(&self) -> f64 {
        (self.created_ns() % 1_000_000_000) as f64 / 1e6
    }

    /// Milliseconds since the engine started (`%(relativeCreated)d`).
    fn relative_created_ms(&self) -> f64 {
        self.created_ns().saturating_sub(context::start_ns()) as f64 / 1e6
    }
}

impl RecordFields for FemtoLogRecord {
    fn logger(&self) -> &str {
        &self.logger
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
        &self.thread_name
    }
    fn process_id(&self) -> u32 {
        self.process_id
    }
    fn file(&self) -> Option<&str> {
        self.location.file.as_deref()
    }
    fn line(&self) -> u32 {
        self.location.line
    }
    fn function(&self) -> Option<&str> {
        self.location.function.as_deref()
    }
    fn module(&self) -> Option<&str> {
        self.location.module.as_deref()
    }
    fn key_value(&self, key: &str) -> Option<&str> {
        FemtoLogRecord::key_value(self, key)
    }
    fn exception(&self) -> Option<&str> {
        self.exception.as_deref()
    }
    fn stack(&self) -> Option<&str> {
        self.stack.as_deref()
    }
}

/// One structured key-value pair attached to a record.
pub type KeyValue = (Box<str>, Box<str>);

/// A log record.
#[derive(Debug, Clone)]
pub struct FemtoLogRecord {
    /// The logger's dotted name.
    pub logger: Text,
    /// The level.
    pub level: FemtoLevel,
    /// The message, formatted.
    pub message: String,
    /// Wall-clock time in nanoseconds since the Unix epoch.
    pub created_ns: u64,
    /// The logging thread's identifier.
    pub thread_id: u64,
    /// The logging thread's name.
    pub thread_name: Text,
    /// The process's identifier.
    pub process_id: u32,
    /// Where the call was made.
    pub location: SourceLocation,
    /// Structured key-values (`extra` in Python), in order.
    pub key_values: Vec<KeyValue>,
    /// Formatted exception text (a traceback), printed after the message.
    pub exception: Option<String>,
    /// Formatted stack text, printed after the exception.
    pub stack: Option<String>,
}

impl FemtoLogRecord {
    /// A record stamped with the current time, thread and process.
    pub fn new(logger: Text, level: FemtoLevel, message: impl Into<String>) -> Self {
        let mut record = FemtoLogRecord {
            logger,
            level,
            message: message.into(),
            created_ns: 0,
            thread_id: 0,
            thread_name: Text::Borrowed(""),
            process_id: 0,
            location: SourceLocation::default(),
            key_values: Vec::new(),
            exception: None,
            stack: None,
        };
        record.stamp();
        record
    }

    /// Turns this record into a fresh one, as [`FemtoLogRecord::new`] would
    /// make, keeping its buffers (the message keeps its capacity): how
    /// recycled records are refilled.
    pub fn reset(&mut self, logger: Text, level: FemtoLevel, message: &str) {
        self.reset_with(logger, level, |buffer| buffer.push_str(message));
    }

    /// As [`FemtoLogRecord::reset`], with the message written by `write`
    /// straight into the record's buffer (no intermediate `String`).
    pub fn reset_with(&mut self, logger: Text, level: FemtoLevel, write: impl FnOnce(&mut String)) {
        self.reset_at(logger, level, 0, write);
    }

    /// As [`FemtoLogRecord::reset_with`], stamped `created_ns` (the time
    /// the host took for the call; `0`: now).
    pub(crate) fn reset_at(
        &mut self,
        logger: Text,
        level: FemtoLevel,
        created_ns: u64,
        write: impl FnOnce(&mut String),
    ) {
        self.logger = logger;
        self.level = level;
        self.message.clear();
        write(&mut self.message);
        self.location = SourceLocation::default();
        self.key_values.clear();
        self.exception = None;
        self.stack = None;
        self.stamp_at(created_ns);
    }

    /// Stamps the current time, thread and process.
    fn stamp(&mut self) {
        self.stamp_at(0);
    }

    /// Stamps `created_ns` (`0`: the current time), thread and process.
    fn stamp_at(&mut self, created_ns: u64) {
        let thread = context::current_thread();
        self.created_ns = if created_ns == 0 {
            context::now_ns()
        } else {
            created_ns
        };
        self.thread_id = thread.id;
        self.thread_name = thread.name;
        self.process_id = context::process_id();
    }

    /// Sets the source location.
    pub fn with_location(mut self, location: SourceLocation) -> Self {
        self.location = location;
        self
    }

    /// Appends a key-value pair.
    pub fn with_key_value(mut self, key: &str, value: &str) -> Self {
        self.key_values.push((key.into(), value.into()));
        self
    }

    /// Looks up a key-value by key (the last one wins, as with `extra`).
    pub fn key_value(&self, key: &str) -> Option<&str> {
        self.key_values
            .iter()
            .rev()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| &**v)
    }

    /// Seconds since the epoch as a float (`%(created)f`).
    pub fn created_secs(&self) -> f64 {
        RecordFields::created_secs(self)
    }

    /// Milliseconds within the second (`%(msecs)d`).
    pub fn msecs(&self) -> f64 {
        RecordFields::msecs(self)
    }

    /// Milliseconds since the engine started (`%(relativeCreated)d`).
    pub fn relative_created_ms(&self) -> f64 {
        RecordFields::relative_created_ms(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Some("/src/app/main.c"), None, "main.c", "main")]
    #[case(Some("C:\\w\\x.py"), None, "x.py", "x")]
    #[case(Some("Makefile"), None, "Makefile", "Makefile")]
    #[case(None, None, "", "")]
    #[case(Some("/a/b.rs"), Some("crate::b"), "b.rs", "crate::b")]
    fn filename_and_module(
        #[case] file: Option<&str>,
        #[case] module: Option<&str>,
        #[case] filename: &str,
        #[case] expected_module: &str,
    ) {
        let loc = SourceLocation {
            file: file.map(|f| f.to_owned().into()),
            line: 1,
            function: None,
            module: module.map(|m| m.to_owned().into()),
        };
        assert_eq!(loc.filename(), filename);
        assert_eq!(loc.module(), expected_module);
    }

    #[rstest]
    fn record_carries_context_and_key_values() {
        let rec = FemtoLogRecord::new("app".into(), FemtoLevel::INFO, "hi")
            .with_key_value("user", "ann")
            .with_key_value("user", "bob");
        assert_eq!(rec.process_id, std::process::id());
        assert!(rec.created_ns > 1_600_000_000_000_000_000);
        assert_eq!(rec.key_value("user"), Some("bob"));
        assert_eq!(rec.key_value("none"), None);
        assert!(rec.msecs() < 1000.0);
    }
}
