//! A sink that keeps lines in memory, for the integration tests that
//! drive handlers through the public API.

use std::io;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use femto_core::{FemtoLogRecord, Sink, SinkFactory};

/// A sink that stores lines in memory, optionally slowly, optionally failing.
#[derive(Clone, Default)]
pub struct MemorySink {
    pub lines: Arc<Mutex<Vec<String>>>,
    pub delay: Duration,
    pub fail: bool,
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
