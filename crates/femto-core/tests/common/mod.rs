//! A handler that keeps what reaches it, for the facade and macro tests.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use femto_core::{
    FemtoHandler, FemtoLevel, FemtoLogRecord, FemtoLogger, HandlerOptions, Manager, Sink,
    SinkFactory,
};

/// What a record carried, as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub logger: String,
    pub level: FemtoLevel,
    pub message: String,
    pub key_values: Vec<(String, String)>,
    pub file: Option<String>,
    pub line: u32,
    pub module: Option<String>,
    /// The text the handler's formatter made.
    pub text: String,
}

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<Seen>>>);

impl Captured {
    /// Everything captured so far, once the handler has written it.
    pub fn seen(&self, handler: &FemtoHandler) -> Vec<Seen> {
        assert!(handler.flush(Duration::from_secs(10)));
        self.0.lock().unwrap().clone()
    }
}

impl Sink for Captured {
    fn write(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.0.lock().unwrap().push(Seen {
            logger: record.logger.to_string(),
            level: record.level,
            message: record.message.clone(),
            key_values: record
                .key_values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            file: record.location.file.as_ref().map(|f| f.to_string()),
            line: record.location.line,
            module: record.location.module.as_ref().map(|m| m.to_string()),
            text: text.to_owned(),
        });
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SinkFactory for Captured {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(self.clone()))
    }

    fn describe(&self) -> String {
        "captured".into()
    }
}

/// The global logger `name` at `level`, not propagating, with a capturing
/// handler of its own.
pub fn capture(name: &str, level: FemtoLevel) -> (Arc<FemtoLogger>, Arc<FemtoHandler>, Captured) {
    capture_formatted(name, level, HandlerOptions::default())
}

/// As [`capture`], the handler made with `options` (a formatter, say).
#[allow(dead_code)] // not every test binary formats
pub fn capture_formatted(
    name: &str,
    level: FemtoLevel,
    options: HandlerOptions,
) -> (Arc<FemtoLogger>, Arc<FemtoHandler>, Captured) {
    let captured = Captured::default();
    let handler = FemtoHandler::new(Box::new(captured.clone()), options).unwrap();
    let logger = Manager::global().get_logger(name).unwrap();
    logger.set_level(level);
    logger.set_propagate(false);
    logger.add_handler(Arc::clone(&handler));
    (logger, handler, captured)
}

/// `(key, value)` pairs as owned strings.
pub fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
