//! Handler builders: each builds a working handler, and each kind of bad
//! option is refused with a message naming it.

use std::fs;
use std::time::Duration;

use femto_core::builder::{
    FileHandlerBuilder, HandlerBuilder, RotatingFileHandlerBuilder, StreamHandlerBuilder,
    TimedRotatingFileHandlerBuilder,
};
use femto_core::{FemtoLevel, Manager, OverflowPolicy};
use rstest::rstest;

const WAIT: Duration = Duration::from_secs(30);

#[rstest]
fn a_rotating_file_from_its_builder_rotates() {
    let dir = tempfile::tempdir().unwrap();
    let handler = RotatingFileHandlerBuilder::new(dir.path().join("app.log"))
        .max_bytes(12)
        .backup_count(1)
        .format("%(levelname)s %(message)s")
        .level(FemtoLevel::INFO)
        .capacity(64)
        .overflow(OverflowPolicy::Block)
        .name("rotating")
        .build()
        .unwrap();
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("built").unwrap();
    logger.add_handler(handler.clone());
    logger.error("one");
    logger.error("two");
    logger.debug("below the handler's level");
    assert!(handler.close(WAIT));
    assert_eq!(handler.name(), "rotating");
    assert_eq!(
        fs::read_to_string(dir.path().join("app.log")).unwrap(),
        "ERROR two\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("app.log.1")).unwrap(),
        "ERROR one\n"
    );
}

#[rstest]
fn file_timed_and_stream_builders_build() {
    let dir = tempfile::tempdir().unwrap();
    let file = FileHandlerBuilder::new(dir.path().join("plain.log"))
        .truncate(true)
        .watch(true)
        .build()
        .unwrap();
    assert!(dir.path().join("plain.log").exists());
    let timed = TimedRotatingFileHandlerBuilder::new(dir.path().join("timed.log"))
        .when("midnight")
        .at_time(3, 30, 0)
        .utc(true)
        .backup_count(7)
        .delay(true)
        .build()
        .unwrap();
    assert!(!dir.path().join("timed.log").exists());
    assert_eq!(timed.timed_rotation().unwrap().backup_count(), 7);
    let stream = StreamHandlerBuilder::stderr()
        .format("%(message)s")
        .build()
        .unwrap();
    for handler in [file, timed, stream] {
        assert!(handler.close(WAIT));
    }
}

#[rstest]
#[case::bad_format(FileHandlerBuilder::new("x.log").format("%(name"), "format: ")]
#[case::empty_path(FileHandlerBuilder::new(""), "path: must not be empty")]
#[case::zero_capacity(FileHandlerBuilder::new("x.log").capacity(0), "capacity must be at least 1")]
fn bad_file_options_are_named(#[case] builder: FileHandlerBuilder, #[case] message: &str) {
    let error = builder.build().unwrap_err().to_string();
    assert!(error.starts_with(message), "{error}");
}

#[rstest]
#[case::unknown_when(TimedRotatingFileHandlerBuilder::new("t.log").when("fortnight"), "when: Invalid rollover interval")]
#[case::zero_interval(TimedRotatingFileHandlerBuilder::new("t.log").interval(0), "schedule: interval must be at least 1")]
#[case::bad_time(TimedRotatingFileHandlerBuilder::new("t.log").when("W0").at_time(25, 0, 0), "schedule: at_time 25:00:00")]
fn bad_schedules_are_named(
    #[case] builder: TimedRotatingFileHandlerBuilder,
    #[case] message: &str,
) {
    let error = builder.build().unwrap_err().to_string();
    assert!(error.starts_with(message), "{error}");
}
