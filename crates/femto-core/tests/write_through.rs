//! Write-through mode: a record is in the file when the logging call
//! returns, from any thread. Its own test binary: the mode is process-wide.

use std::fs;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use femto_core::{
    FemtoHandler, FemtoLevel, FileMode, FormatStyle, HandlerOptions, Manager, TemplateFormatter,
};
use rstest::rstest;

const WAIT: Duration = Duration::from_secs(10);

#[rstest]
fn each_call_returns_with_its_record_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let options = HandlerOptions {
        formatter: Arc::new(
            TemplateFormatter::new("%(message)s", FormatStyle::Percent, None).unwrap(),
        ),
        ..HandlerOptions::default()
    };
    let handler = FemtoHandler::file(&path, FileMode::Truncate, options).unwrap();
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("app").unwrap();
    logger.set_level(FemtoLevel::DEBUG);
    logger.add_handler(handler.clone());

    femto_core::handler::set_write_through(true);
    assert!(femto_core::handler::write_through());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let logger = logger.clone();
            let path = path.clone();
            thread::spawn(move || {
                for i in 0..100 {
                    let line = format!("thread {t} record {i}");
                    logger.info(&line);
                    let text = fs::read_to_string(&path).unwrap();
                    assert!(text.lines().any(|l| l == line), "{line} not yet written");
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    femto_core::handler::set_write_through(false);
    assert!(!femto_core::handler::write_through());
    assert!(handler.close(WAIT));
    assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 400);
}
