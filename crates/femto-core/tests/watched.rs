//! The watched file handler follows its path when the file is moved or
//! removed (logrotate), as Python's `WatchedFileHandler` does.

use std::fs;
use std::time::Duration;

use femto_core::{FemtoHandler, FileMode, FileSinkFactory, HandlerOptions, Manager};
use rstest::rstest;

const WAIT: Duration = Duration::from_secs(30);

#[rstest]
#[case::moved(true)]
#[case::removed(false)]
fn a_moved_or_removed_file_is_replaced_at_the_next_batch(#[case] moved: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let factory = FileSinkFactory {
        watch: true,
        ..FileSinkFactory::new(&path, FileMode::Truncate)
    };
    let handler = FemtoHandler::new(Box::new(factory), HandlerOptions::default()).unwrap();
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("watched").unwrap();
    logger.add_handler(handler.clone());

    logger.error("before");
    assert!(handler.flush(WAIT));
    let aside = dir.path().join("app.log.1");
    if moved {
        fs::rename(&path, &aside).unwrap();
    } else {
        fs::remove_file(&path).unwrap();
    }
    logger.error("after");
    logger.error("and more");
    assert!(handler.close(WAIT));
    assert_eq!(fs::read_to_string(&path).unwrap(), "after\nand more\n");
    if moved {
        assert_eq!(fs::read_to_string(&aside).unwrap(), "before\n");
    }
    assert_eq!(handler.stats().errors, 0);
}

#[rstest]
fn a_delayed_watched_file_appears_with_the_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.log");
    let factory = FileSinkFactory {
        watch: true,
        delay: true,
        ..FileSinkFactory::new(&path, FileMode::Append)
    };
    let handler = FemtoHandler::new(Box::new(factory), HandlerOptions::default()).unwrap();
    assert!(handler.flush(WAIT));
    assert!(!path.exists());
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("watched.late").unwrap();
    logger.add_handler(handler.clone());
    logger.error("first");
    assert!(handler.close(WAIT));
    assert_eq!(fs::read_to_string(&path).unwrap(), "first\n");
}
