//! Time-based rotation with a fake clock and a New York time zone: Python's
//! schedule and names, across midnight and both daylight-saving changes.

use std::collections::BTreeMap;
use std::fs;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use femto_core::{
    Clock, FemtoHandler, FemtoLogger, FormatStyle, HandlerOptions, Manager, TemplateFormatter,
    TimedRotatingFileSinkFactory, TimedRotation, TimedRotationError, When,
};
use rstest::{fixture, rstest};
use tempfile::TempDir;

const WAIT: Duration = Duration::from_secs(30);
const HOUR: i32 = 3600;

/// A clock that says what the test tells it, in a zone with given offsets.
struct FakeClock {
    now: AtomicI64,
    /// `(from, offset)`: from instant `from` (UTC seconds) the offset applies.
    zone: Vec<(i64, i32)>,
}

impl Clock for FakeClock {
    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    fn utc_offset(&self, at: i64) -> i32 {
        self.zone
            .iter()
            .rev()
            .find(|(from, _)| *from <= at)
            .map_or(0, |(_, o)| *o)
    }
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
        .and_utc()
        .timestamp()
}

/// New York in 2026: EDT from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC.
fn new_york() -> Vec<(i64, i32)> {
    vec![
        (i64::MIN, -5 * HOUR),
        (utc(2026, 3, 8, 7, 0, 0), -4 * HOUR),
        (utc(2026, 11, 1, 6, 0, 0), -5 * HOUR),
    ]
}

/// Local wall time in New York to a UTC instant (unambiguous times only).
fn ny(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    let wall = utc(y, mo, d, h, mi, s);
    let zone = new_york();
    let guess = wall + 5 * i64::from(HOUR);
    let offset = FakeClock {
        now: AtomicI64::new(0),
        zone,
    }
    .utc_offset(guess);
    wall - i64::from(offset)
}

struct Timed {
    dir: TempDir,
    clock: Arc<FakeClock>,
    logger: Arc<FemtoLogger>,
    handler: Arc<FemtoHandler>,
}

impl Timed {
    fn new(
        when: When,
        interval: u32,
        utc: bool,
        at: Option<(u32, u32, u32)>,
        keep: u32,
        start: i64,
    ) -> Timed {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FakeClock {
            now: AtomicI64::new(start),
            zone: new_york(),
        });
        let factory = TimedRotatingFileSinkFactory {
            clock: clock.clone(),
            delay: true, // the schedule starts from the fake clock, not a file's mtime
            ..TimedRotatingFileSinkFactory::new(
                dir.path().join("app.log"),
                TimedRotation::new(when, interval, utc, at, keep).unwrap(),
            )
        };
        let options = HandlerOptions {
            formatter: Arc::new(
                TemplateFormatter::new("%(message)s", FormatStyle::Percent, None).unwrap(),
            ),
            ..HandlerOptions::default()
        };
        let handler = FemtoHandler::new(Box::new(factory), options).unwrap();
        let manager = Manager::new();
        manager.set_last_resort(false);
        let logger = manager.get_logger("timed").unwrap();
        logger.add_handler(handler.clone());
        Timed {
            dir,
            clock,
            logger,
            handler,
        }
    }

    /// Logs `message` at instant `at` and waits until it is written.
    fn log_at(&self, at: i64, message: &str) {
        self.clock.now.store(at, Ordering::SeqCst);
        self.logger.error(message);
        assert!(self.handler.flush(WAIT));
    }

    fn files(&self) -> BTreeMap<String, String> {
        fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    fs::read_to_string(e.path()).unwrap_or_default(),
                )
            })
            .collect()
    }

    fn expect(&self, expected: &[(&str, &str)]) {
        let expected: BTreeMap<String, String> = expected
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(self.files(), expected);
    }
}

#[fixture]
fn midnight_summer() -> Timed {
    Timed::new(When::Midnight, 1, false, None, 0, ny(2026, 6, 10, 22, 0, 0))
}

#[rstest]
fn midnight_names_the_day_that_ended(midnight_summer: Timed) {
    let t = midnight_summer;
    t.log_at(ny(2026, 6, 10, 22, 0, 0), "a");
    t.log_at(ny(2026, 6, 10, 23, 59, 59), "b");
    t.log_at(ny(2026, 6, 11, 0, 0, 0), "c");
    t.log_at(ny(2026, 6, 11, 23, 59, 59), "d");
    t.log_at(ny(2026, 6, 12, 0, 0, 1), "e");
    t.expect(&[
        ("app.log", "e\n"),
        ("app.log.2026-06-10", "a\nb\n"),
        ("app.log.2026-06-11", "c\nd\n"),
    ]);
}

#[rstest]
fn midnight_across_the_spring_change_waits_23_hours() {
    let t = Timed::new(When::Midnight, 1, false, None, 0, ny(2026, 3, 7, 12, 0, 0));
    t.log_at(ny(2026, 3, 7, 12, 0, 0), "a");
    t.log_at(ny(2026, 3, 8, 0, 0, 0), "b"); // clocks go forward at 02:00 tonight
    t.log_at(ny(2026, 3, 8, 23, 59, 59), "c");
    t.log_at(ny(2026, 3, 9, 0, 0, 0), "d");
    t.expect(&[
        ("app.log", "d\n"),
        ("app.log.2026-03-07", "a\n"),
        ("app.log.2026-03-08", "b\nc\n"),
    ]);
}

#[rstest]
fn midnight_across_the_autumn_change_waits_25_hours() {
    let t = Timed::new(
        When::Midnight,
        1,
        false,
        None,
        0,
        ny(2026, 10, 31, 12, 0, 0),
    );
    t.log_at(ny(2026, 10, 31, 12, 0, 0), "a");
    t.log_at(ny(2026, 11, 1, 0, 0, 0), "b"); // clocks go back at 02:00 tonight
    t.log_at(ny(2026, 11, 1, 23, 30, 0), "c"); // 24 h after midnight, still Sunday
    t.log_at(ny(2026, 11, 2, 0, 0, 0), "d");
    t.expect(&[
        ("app.log", "d\n"),
        ("app.log.2026-10-31", "a\n"),
        ("app.log.2026-11-01", "b\nc\n"),
    ]);
}

#[rstest]
fn hourly_through_the_repeated_hour_overwrites_nothing() {
    // 00:30 EDT on the autumn change day, then every hour until 04:30 EST.
    let start = utc(2026, 11, 1, 4, 30, 0);
    let t = Timed::new(When::Hours, 1, false, None, 0, start);
    let mut expected_lines = 0;
    for hour in 0..6 {
        t.log_at(start + hour * 3600 + 1, &format!("record {hour}"));
        expected_lines += 1;
    }
    let files = t.files();
    assert_eq!(files.len(), 6, "{files:?}");
    let lines: usize = files.values().map(|text| text.lines().count()).sum();
    assert_eq!(lines, expected_lines);
    // The local hour 01 happens twice: the second file gets a counter.
    assert!(files.keys().any(|name| name.ends_with(".1")), "{files:?}");
}

#[rstest]
fn the_next_rollover_is_always_in_the_future() {
    let start = utc(2026, 6, 1, 12, 0, 0);
    let t = Timed::new(When::Seconds, 10, true, None, 0, start);
    t.log_at(start, "a");
    t.log_at(start + 100_000, "after a long sleep"); // one rollover, not ten thousand
    t.log_at(start + 100_001, "b");
    t.expect(&[
        ("app.log", "after a long sleep\nb\n"),
        ("app.log.2026-06-01_12-00-00", "a\n"),
    ]);
}

#[rstest]
fn weekly_on_monday_at_eight() {
    let t = Timed::new(
        When::Weekday(0),
        1,
        false,
        Some((8, 0, 0)),
        0,
        ny(2026, 6, 10, 9, 0, 0),
    );
    t.log_at(ny(2026, 6, 10, 9, 0, 0), "wednesday");
    t.log_at(ny(2026, 6, 15, 7, 59, 59), "monday early");
    t.log_at(ny(2026, 6, 15, 8, 0, 0), "monday eight");
    t.expect(&[
        ("app.log", "monday eight\n"),
        ("app.log.2026-06-08", "wednesday\nmonday early\n"),
    ]);
}

#[rstest]
fn backup_count_removes_only_this_handlers_oldest_backups() {
    let start = utc(2026, 6, 1, 12, 0, 0);
    let t = Timed::new(When::Seconds, 1, true, None, 2, start);
    for name in [
        "app.log.notes",
        "app.log.2026-01-01_00-00-00.gz",
        "other.log.2026-01-01_00-00-00",
    ] {
        fs::write(t.dir.path().join(name), "not ours\n").unwrap();
    }
    for step in 0..5 {
        t.log_at(start + step, &format!("r{step}"));
    }
    t.expect(&[
        ("app.log", "r4\n"),
        ("app.log.2026-01-01_00-00-00.gz", "not ours\n"),
        ("app.log.2026-06-01_12-00-02", "r2\n"),
        ("app.log.2026-06-01_12-00-03", "r3\n"),
        ("app.log.notes", "not ours\n"),
        ("other.log.2026-01-01_00-00-00", "not ours\n"),
    ]);
}

#[rstest]
#[case("s", Some(When::Seconds))]
#[case("MIDNIGHT", Some(When::Midnight))]
#[case("w6", Some(When::Weekday(6)))]
#[case("W7", None)]
#[case("X", None)]
#[case("", None)]
fn when_parses_pythons_names(#[case] text: &str, #[case] expected: Option<When>) {
    assert_eq!(When::parse(text).ok(), expected);
}

#[rstest]
fn schedules_python_refuses_are_refused() {
    assert_eq!(
        TimedRotation::new(When::Hours, 0, false, None, 0).unwrap_err(),
        TimedRotationError::ZeroInterval
    );
    assert!(matches!(
        TimedRotation::new(When::Midnight, 1, false, Some((24, 0, 0)), 0).unwrap_err(),
        TimedRotationError::BadAtTime(24, 0, 0)
    ));
}

#[rstest]
fn a_backup_name_taken_by_a_link_is_neither_followed_nor_replaced() {
    let start = utc(2026, 6, 1, 12, 0, 0);
    let t = Timed::new(When::Seconds, 1, true, None, 0, start);
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("precious.txt");
    fs::write(&precious, "keep me\n").unwrap();
    let taken = t.dir.path().join("app.log.2026-06-01_12-00-00");
    std::os::unix::fs::symlink(&precious, &taken).unwrap();
    t.log_at(start, "a");
    t.log_at(start + 1, "b");
    assert_eq!(fs::read_to_string(&precious).unwrap(), "keep me\n");
    assert!(fs::symlink_metadata(&taken)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(t.dir.path().join("app.log.2026-06-01_12-00-00.1")).unwrap(),
        "a\n"
    );
}
