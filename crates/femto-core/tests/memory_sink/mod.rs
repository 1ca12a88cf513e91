//! A sink that keeps lines in memory, and a manager to log through, for
//! the integration tests that drive handlers through the public API.
//! (Each test binary uses part of it.)
#![allow(dead_code)]

use std::io;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use femto_core::{
    FemtoHandler, FemtoLogRecord, FormatStyle, HandlerOptions, Manager, Sink, SinkFactory,
    TemplateFormatter,
};
use rstest::fixture;

/// A manager with no last-resort handler: a record that reaches no
/// handler goes nowhere.
#[fixture]
pub fn manager() -> Manager {
    let manager = Manager::new();
    manager.set_last_resort(false);
    manager
}

/// A sink that stores lines in memory, optionally slowly, optionally failing.
#[derive(Clone, Default)]
pub struct MemorySink {
    pub lines: Arc<Mutex<Vec<String>>>,
    pub delay: Duration,
    pub fail: bool,
}

/// Handler options whose formatter writes the record's message alone.
pub fn message_options() -> HandlerOptions {
    HandlerOptions {
        formatter: Arc::new(
            TemplateFormatter::new("%(message)s", FormatStyle::Percent, None).unwrap(),
        ),
        ..HandlerOptions::default()
    }
}

impl MemorySink {
    /// A handler writing each record's message here, a line each.
    pub fn message_handler(&self) -> Arc<FemtoHandler> {
        FemtoHandler::new(Box::new(self.clone()), message_options()).unwrap()
    }

    /// The lines written so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

impl Sink for MemorySink {
    fn write(&mut self, _record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        thread::sleep(self.delay);
        if self.fail {
            return Err(io::Error::other("disk on fire"));
        }
        self.lines.lock().unwrap().push(text.to_owned());
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SinkFactory for MemorySink {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(self.clone()))
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}
