//! End-to-end behaviour of loggers and handlers through the public API.

use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use femto_core::{
    FemtoHandler, FemtoLevel, FemtoLogRecord, FileMode, FormatStyle, HandlerOptions, LevelFilter,
    LogOutcome, Manager, NameFilter, OverflowPolicy, Sink, SinkFactory, TemplateFormatter,
};
use rstest::{fixture, rstest};
use tempfile::TempDir;

mod memory_sink;

use memory_sink::{manager, MemorySink};

const WAIT: Duration = Duration::from_secs(10);

#[fixture]
fn dir() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn options(format: &str) -> HandlerOptions {
    HandlerOptions {
        formatter: Arc::new(TemplateFormatter::new(format, FormatStyle::Percent, None).unwrap()),
        ..HandlerOptions::default()
    }
}

fn read_lines(path: &PathBuf) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[rstest]
fn file_handler_writes_formatted_records(manager: Manager, dir: TempDir) {
    let path = dir.path().join("app.log");
    let handler = FemtoHandler::file(
        &path,
        FileMode::Truncate,
        options("%(levelname)s %(name)s: %(message)s"),
    )
    .unwrap();
    let logger = manager.get_logger("app.db").unwrap();
    logger.set_level(FemtoLevel::DEBUG);
    logger.add_handler(handler.clone());
    assert_eq!(logger.info("connected"), LogOutcome::Queued);
    assert_eq!(logger.trace("hidden"), LogOutcome::Disabled);
    femto_core::warn!(logger, "slow query {}ms", 250);
    assert!(handler.flush(WAIT));
    assert_eq!(
        read_lines(&path),
        ["INFO app.db: connected", "WARNING app.db: slow query 250ms"]
    );
    assert!(handler.close(WAIT));
    assert_eq!(handler.stats().written, 2);
}

#[rstest]
fn append_mode_keeps_existing_lines(dir: TempDir) {
    let path = dir.path().join("a.log");
    fs::write(&path, "old\n").unwrap();
    let handler = FemtoHandler::file(&path, FileMode::Append, HandlerOptions::default()).unwrap();
    handler.handle(Arc::new(FemtoLogRecord::new(
        "x".into(),
        FemtoLevel::INFO,
        "new",
    )));
    assert!(handler.close(WAIT));
    assert_eq!(read_lines(&path), ["old", "new"]);
}

#[rstest]
fn unopenable_file_fails_at_creation(dir: TempDir) {
    let err = FemtoHandler::file(
        dir.path().join("no/such/dir.log"),
        FileMode::Append,
        HandlerOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("cannot open"), "{err}");
}

#[rstest]
fn levels_inherit_and_propagation_collects_ancestor_handlers(manager: Manager) {
    let sink = MemorySink::default();
    let handler = FemtoHandler::new(Box::new(sink.clone()), options("%(name)s")).unwrap();
    let root = manager.root();
    root.add_handler(handler.clone());
    let child = manager.get_logger("a.b.c").unwrap();
    assert_eq!(child.effective_level(), FemtoLevel::WARNING);
    assert!(!child.is_enabled_for(FemtoLevel::INFO));
    manager.get_logger("a").unwrap().set_level(FemtoLevel::INFO);
    assert_eq!(child.effective_level(), FemtoLevel::INFO);
    assert!(child.is_enabled_for(FemtoLevel::INFO));
    assert!(Arc::ptr_eq(
        child.parent().unwrap(),
        &manager.get_logger("a.b").unwrap()
    ));
    child.info("one");
    manager.get_logger("a.b").unwrap().set_propagate(false);
    assert_eq!(child.info("two"), LogOutcome::Queued);
    assert!(!child.has_handlers());
    assert!(handler.flush(WAIT));
    assert_eq!(*sink.lines.lock().unwrap(), ["a.b.c"]);
}

#[rstest]
#[case("")]
#[case(".a")]
#[case("a.")]
#[case("a..b")]
fn invalid_names_are_rejected(manager: Manager, #[case] name: &str) {
    let result = manager.get_logger(name);
    if name.is_empty() {
        assert_eq!(result.unwrap().name(), "root");
    } else {
        assert!(result
            .unwrap_err()
            .to_string()
            .contains("invalid logger name"));
    }
}

#[rstest]
fn disable_and_disabled_fold_into_the_threshold(manager: Manager) {
    let logger = manager.get_logger("svc").unwrap();
    logger.set_level(FemtoLevel::DEBUG);
    manager.disable(FemtoLevel::INFO);
    assert!(!logger.is_enabled_for(FemtoLevel::INFO));
    assert!(logger.is_enabled_for(FemtoLevel::WARNING));
    manager.disable(FemtoLevel::NOTSET);
    assert!(logger.is_enabled_for(FemtoLevel::DEBUG));
    logger.set_disabled(true);
    assert!(!logger.is_enabled_for(FemtoLevel::CRITICAL));
}

#[rstest]
fn logger_and_handler_filters(manager: Manager) {
    let sink = MemorySink::default();
    let handler = FemtoHandler::new(Box::new(sink.clone()), options("%(message)s")).unwrap();
    handler.add_filter(Arc::new(LevelFilter::at_most(FemtoLevel::WARNING)));
    handler.set_level(FemtoLevel::INFO);
    let logger = manager.get_logger("web").unwrap();
    logger.set_level(FemtoLevel::DEBUG);
    logger.add_handler(handler.clone());
    let only_db: Arc<dyn femto_core::FemtoFilter> = Arc::new(NameFilter::new("web.db"));
    logger.add_filter(only_db.clone());
    assert_eq!(logger.info("rejected by name"), LogOutcome::Filtered);
    assert!(logger.remove_filter(&only_db));
    logger.debug("below handler level");
    logger.info("kept");
    logger.error("above the level filter");
    assert!(handler.flush(WAIT));
    assert_eq!(*sink.lines.lock().unwrap(), ["kept"]);
}

#[rstest]
fn block_policy_loses_nothing_under_concurrency(manager: Manager, dir: TempDir) {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 25_000;
    let path = dir.path().join("mt.log");
    let handler = FemtoHandler::file(
        &path,
        FileMode::Truncate,
        HandlerOptions {
            capacity: 64,
            ..options("%(message)s")
        },
    )
    .unwrap();
    let logger = manager.get_logger("mt").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(handler.clone());
    thread::scope(|s| {
        for t in 0..THREADS {
            let logger = &logger;
            s.spawn(move || {
                for i in 0..PER_THREAD {
                    logger.info(&format!("{t} {i}"));
                }
            });
        }
    });
    assert!(handler.close(WAIT));
    let lines = read_lines(&path);
    assert_eq!(lines.len(), THREADS * PER_THREAD);
    let mut next = [0usize; THREADS];
    for line in &lines {
        let (t, i) = line.split_once(' ').unwrap();
        let (t, i): (usize, usize) = (t.parse().unwrap(), i.parse().unwrap());
        assert_eq!(i, next[t], "thread {t} out of order");
        next[t] += 1;
    }
    assert_eq!(handler.stats().dropped, 0);
}

#[rstest]
#[case(OverflowPolicy::Drop)]
#[case(OverflowPolicy::Timeout(Duration::from_micros(50)))]
fn lossy_policies_count_every_drop(manager: Manager, #[case] policy: OverflowPolicy) {
    const SENT: usize = 2_000;
    let sink = MemorySink {
        delay: Duration::from_micros(200),
        ..MemorySink::default()
    };
    let handler = FemtoHandler::new(
        Box::new(sink.clone()),
        HandlerOptions {
            capacity: 16,
            overflow: policy,
            ..options("%(levelname)s %(message)s")
        },
    )
    .unwrap();
    let logger = manager.get_logger("lossy").unwrap();
    logger.add_handler(handler.clone());
    for i in 0..SENT {
        logger.warning(&format!("record {i}"));
    }
    assert!(handler.close(WAIT));
    let lines = sink.lines.lock().unwrap();
    let written = lines.iter().filter(|l| l.contains("record ")).count() as u64;
    let stats = handler.stats();
    assert!(stats.dropped > 0);
    assert_eq!(
        stats.written, written,
        "report lines are not counted as written"
    );
    assert_eq!(written + stats.dropped, SENT as u64);
    let report: u64 = lines
        .iter()
        .filter_map(|l| l.strip_prefix("WARNING ")?.split_once(" records dropped"))
        .map(|(n, _)| n.parse::<u64>().unwrap())
        .sum();
    assert_eq!(report, stats.dropped, "drop reports must add up: {lines:?}");
}

#[rstest]
fn flush_times_out_behind_a_slow_sink() {
    let sink = MemorySink {
        delay: Duration::from_millis(300),
        ..MemorySink::default()
    };
    let handler = FemtoHandler::new(Box::new(sink), HandlerOptions::default()).unwrap();
    handler.handle(Arc::new(FemtoLogRecord::new(
        "x".into(),
        FemtoLevel::INFO,
        "slow",
    )));
    assert!(!handler.flush(Duration::from_millis(20)));
    assert!(handler.flush(WAIT));
    assert!(handler.close(WAIT));
}

#[rstest]
fn sink_errors_and_panics_are_counted_not_raised(manager: Manager) {
    let failing = MemorySink {
        fail: true,
        ..MemorySink::default()
    };
    let seen = Arc::new(AtomicUsize::new(0));
    let seen_by_hook = Arc::clone(&seen);
    femto_core::error_hook::set_error_hook(Some(Box::new(move |e| {
        assert_eq!(e.handler, "memory");
        seen_by_hook.fetch_add(1, Ordering::SeqCst);
    })));
    let handler = FemtoHandler::new(Box::new(failing), HandlerOptions::default()).unwrap();
    let logger = manager.get_logger("errors").unwrap();
    logger.add_handler(handler.clone());
    logger.error("lost");
    handler.set_formatter(Arc::new(|_: &FemtoLogRecord, _: &mut String| {
        panic!("formatter bug")
    }));
    logger.error("also lost");
    assert!(handler.close(WAIT));
    femto_core::error_hook::set_error_hook(None);
    assert_eq!(handler.stats().errors, 2);
    assert_eq!(handler.stats().written, 0);
    assert!(seen.load(Ordering::SeqCst) >= 2);
}

#[rstest]
fn closed_handler_counts_later_records_as_dropped(manager: Manager) {
    let handler =
        FemtoHandler::new(Box::new(MemorySink::default()), HandlerOptions::default()).unwrap();
    let logger = manager.get_logger("closed").unwrap();
    logger.add_handler(handler.clone());
    assert!(handler.close(WAIT));
    assert!(handler.close(WAIT));
    assert_eq!(logger.error("late"), LogOutcome::Dropped);
    assert_eq!(handler.stats().dropped, 1);
    assert!(handler.flush(WAIT));
}

#[rstest]
#[case(0, "capacity must be at least 1")]
#[case(1 << 30, "capacity 1073741824 is above the maximum of 16777216 records")]
fn unreasonable_capacities_are_rejected(#[case] capacity: usize, #[case] message: &str) {
    let err = FemtoHandler::new(
        Box::new(MemorySink::default()),
        HandlerOptions {
            capacity,
            ..HandlerOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), message);
}

#[rstest]
fn null_handler_discards_and_counts_as_a_handler(manager: Manager) {
    manager.set_last_resort(true);
    let logger = manager.get_logger("library").unwrap();
    let null = FemtoHandler::null();
    logger.add_handler(null.clone());
    assert!(logger.has_handlers());
    assert_eq!(logger.error("swallowed"), LogOutcome::Queued);
    assert_eq!(null.stats(), femto_core::HandlerStats::default());
    assert!(null.flush(WAIT) && null.close(WAIT));
}

#[rstest]
fn a_replacement_last_resort_gets_records_that_reach_no_handler(manager: Manager) {
    let sink = MemorySink::default();
    let replacement =
        FemtoHandler::new(Box::new(sink.clone()), options("%(levelname)s %(message)s")).unwrap();
    manager.set_last_resort_handler(Some(replacement.clone()));
    manager.set_last_resort(true);
    let logger = manager.get_logger("nobody.listens").unwrap();
    assert_eq!(logger.warning("to the replacement"), LogOutcome::Queued);
    manager.set_last_resort(false);
    assert_eq!(logger.warning("to nobody"), LogOutcome::Queued);
    assert!(replacement.flush(WAIT));
    assert_eq!(*sink.lines.lock().unwrap(), ["WARNING to the replacement"]);
}

/// With a template the worker writes a common record's text alone
/// (`Sink::write_text`); with the default formatter it builds the record.
#[rstest]
#[case::default_formatter(None, "first")]
#[case::template(Some("%(levelname)s %(name)s: %(message)s"), "ERROR delayed: first")]
fn a_delayed_file_is_created_by_the_first_record(
    manager: Manager,
    dir: TempDir,
    #[case] format: Option<&str>,
    #[case] line: &str,
) {
    let path = dir.path().join("later.log");
    let factory = femto_core::FileSinkFactory {
        delay: true,
        ..femto_core::FileSinkFactory::new(&path, FileMode::Truncate)
    };
    let mut options = HandlerOptions::default();
    if let Some(format) = format {
        options.formatter =
            Arc::new(TemplateFormatter::new(format, FormatStyle::Percent, None).unwrap());
    }
    let handler = FemtoHandler::new(Box::new(factory), options).unwrap();
    assert!(handler.flush(WAIT));
    assert!(!path.exists());
    let logger = manager.get_logger("delayed").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(handler.clone());
    logger.error("first");
    assert!(handler.close(WAIT));
    assert_eq!(read_lines(&path), [line]);
}

/// Fails for messages starting with "bad"; says so itself for "quiet".
struct Picky;

impl femto_core::FemtoFormatter for Picky {
    fn format(&self, record: &FemtoLogRecord, out: &mut String) {
        out.push_str(&record.message);
    }

    fn try_format(
        &self,
        record: &FemtoLogRecord,
        out: &mut String,
    ) -> Result<(), femto_core::FormatFailed> {
        match &*record.message {
            "bad" => Err(femto_core::FormatFailed::Report("bad record".into())),
            "quiet" => Err(femto_core::FormatFailed::Reported),
            _ => {
                self.format(record, out);
                Ok(())
            }
        }
    }
}

#[rstest]
fn a_failing_formatter_skips_the_record_and_counts_an_error(manager: Manager) {
    let sink = MemorySink::default();
    let handler = FemtoHandler::new(
        Box::new(sink.clone()),
        HandlerOptions {
            formatter: Arc::new(Picky),
            ..HandlerOptions::default()
        },
    )
    .unwrap();
    let logger = manager.get_logger("picky").unwrap();
    logger.add_handler(handler.clone());
    for message in ["ok", "bad", "quiet", "fine"] {
        logger.error(message);
    }
    assert!(handler.flush(WAIT));
    assert_eq!(*sink.lines.lock().unwrap(), ["ok", "fine"]);
    assert_eq!(handler.stats().errors, 2);
    assert_eq!(handler.stats().written, 2);
}

/// Counts the sink's flushes (written lines go to `lines`).
#[derive(Clone, Default)]
struct FlushCountingSink {
    lines: Arc<Mutex<Vec<String>>>,
    flushes: Arc<AtomicUsize>,
}

impl Sink for FlushCountingSink {
    fn write(&mut self, _record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.lines.lock().unwrap().push(text.to_owned());
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

impl SinkFactory for FlushCountingSink {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(self.clone()))
    }

    fn describe(&self) -> String {
        "flush counting".into()
    }
}

fn handler_for(sink: &MemorySink, caller_side: bool) -> Arc<FemtoHandler> {
    let caller = HandlerOptions {
        caller_side,
        ..options("%(message)s")
    };
    FemtoHandler::new(Box::new(sink.clone()), caller).unwrap()
}

#[rstest]
fn records_a_binding_delivered_skip_its_caller_side_handlers(manager: Manager) {
    let last_resort = MemorySink::default();
    let replacement = handler_for(&last_resort, false);
    manager.set_last_resort_handler(Some(replacement.clone()));
    manager.set_last_resort(true);
    let (caller_side, engine_side) = (MemorySink::default(), MemorySink::default());
    let parent = manager.get_logger("app").unwrap();
    let child = manager.get_logger("app.part").unwrap();
    parent.set_level(FemtoLevel::INFO);
    let (engine_handler, caller_handler) = (
        handler_for(&engine_side, false),
        handler_for(&caller_side, true),
    );
    parent.add_handler(engine_handler.clone());
    child.add_handler(caller_handler.clone());
    assert!(!child.only_caller_side());
    let delivered = child.record(FemtoLevel::INFO, "delivered by the binding", |_| {});
    assert_eq!(
        child.dispatch_caller_side_done(delivered),
        LogOutcome::Queued
    );
    assert_eq!(child.info("from another caller"), LogOutcome::Queued);

    parent.set_propagate(false);
    child.set_propagate(false);
    assert!(child.only_caller_side());
    let delivered = child.record(FemtoLevel::INFO, "nowhere else to go", |_| {});
    assert_eq!(
        child.dispatch_caller_side_done(delivered),
        LogOutcome::Queued
    );
    child.add_filter(Arc::new(NameFilter::new("elsewhere")));
    assert!(!child.only_caller_side(), "its filters must still run");
    let rejected = child.record(FemtoLevel::INFO, "filtered", |_| {});
    assert_eq!(
        child.dispatch_caller_side_done(rejected),
        LogOutcome::Filtered
    );

    for handler in [&engine_handler, &caller_handler, &replacement] {
        assert!(handler.flush(WAIT));
    }
    assert_eq!(*caller_side.lines.lock().unwrap(), ["from another caller"]);
    assert_eq!(
        *engine_side.lines.lock().unwrap(),
        ["delivered by the binding", "from another caller"]
    );
    assert!(last_resort.lines.lock().unwrap().is_empty());
}

#[rstest]
fn a_flush_delay_holds_sink_flushes_until_due_or_asked(manager: Manager) {
    let sink = FlushCountingSink::default();
    let delayed = HandlerOptions {
        flush_delay: Duration::from_secs(600),
        ..options("%(message)s")
    };
    let handler = FemtoHandler::new(Box::new(sink.clone()), delayed).unwrap();
    let logger = manager.get_logger("delayed").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(handler.clone());
    for i in 0..50 {
        logger.info(&format!("record {i}"));
    }
    let start = std::time::Instant::now();
    while handler.stats().written < 50 {
        assert!(
            start.elapsed() < WAIT,
            "the worker did not write the records"
        );
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        sink.flushes.load(Ordering::SeqCst),
        0,
        "flushed before the delay"
    );
    assert!(handler.flush(WAIT), "flush() must not wait for the delay");
    assert!(sink.flushes.load(Ordering::SeqCst) >= 1);
    assert_eq!(sink.lines.lock().unwrap().len(), 50);

    let quick = FlushCountingSink::default();
    let short = HandlerOptions {
        flush_delay: Duration::from_millis(5),
        ..options("%(message)s")
    };
    let handler = FemtoHandler::new(Box::new(quick.clone()), short).unwrap();
    logger.add_handler(handler.clone());
    logger.info("flushed on its own");
    while quick.flushes.load(Ordering::SeqCst) == 0 {
        assert!(start.elapsed() < WAIT, "the delayed flush never came");
        thread::sleep(Duration::from_millis(1));
    }
    assert!(handler.close(WAIT));
}

/// A worker parked until a long flush delay falls due still ends at once
/// when its handler closes or is dropped, flushing what it wrote.
#[rstest]
#[case::closed(true)]
#[case::dropped(false)]
fn a_long_flush_delay_does_not_hold_up_close(manager: Manager, #[case] close: bool) {
    let sink = FlushCountingSink::default();
    let delayed = HandlerOptions {
        flush_delay: Duration::from_secs(600),
        ..options("%(message)s")
    };
    let handler = FemtoHandler::new(Box::new(sink.clone()), delayed).unwrap();
    let logger = manager.get_logger("parked").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(handler.clone());
    logger.info("written, not yet flushed");
    let start = std::time::Instant::now();
    while handler.stats().written < 1 {
        assert!(start.elapsed() < WAIT);
        thread::sleep(Duration::from_millis(1));
    }
    // Let the worker run out of short pauses and park for the delay.
    thread::sleep(Duration::from_millis(50));
    let start = std::time::Instant::now();
    if close {
        assert!(handler.close(WAIT));
    } else {
        logger.remove_handler(&handler);
        drop(handler);
        while sink.flushes.load(Ordering::SeqCst) == 0 {
            assert!(
                start.elapsed() < WAIT,
                "the dropped handler's worker never ended"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(sink.flushes.load(Ordering::SeqCst), 1);
    assert_eq!(*sink.lines.lock().unwrap(), ["written, not yet flushed"]);
}

/// A caller-side last resort (Python's `lastResort`, run by the binding on
/// the calling thread) gets the records its binding delivered from no one
/// else, and other callers' records from the engine.
#[rstest]
fn a_caller_side_last_resort_is_left_to_the_binding(manager: Manager) {
    let last_resort = MemorySink::default();
    let handler = handler_for(&last_resort, true);
    manager.set_last_resort_handler(Some(handler.clone()));
    manager.set_last_resort(true);
    let logger = manager.get_logger("nowhere").unwrap();
    logger.set_level(FemtoLevel::INFO);
    let delivered = logger.record(FemtoLevel::WARNING, "run by the binding", |_| {});
    assert_eq!(
        logger.dispatch_caller_side_done(delivered),
        LogOutcome::Queued
    );
    assert_eq!(logger.warning("from a C caller"), LogOutcome::Queued);
    assert!(handler.flush(WAIT));
    assert_eq!(*last_resort.lines.lock().unwrap(), ["from a C caller"]);
}

/// Common records travel through a queue by value, others shared; both
/// kinds, interleaved and sent to two handlers, arrive whole and in order.
#[rstest]
fn common_and_larger_records_keep_their_order_and_content(manager: Manager, dir: TempDir) {
    let path = dir.path().join("mixed.log");
    let format = "%(levelname)s %(name)s %(funcName)s:%(lineno)d [%(user)s] %(message)s";
    let file = FemtoHandler::file(&path, FileMode::Truncate, options(format)).unwrap();
    let sink = MemorySink::default();
    let memory = FemtoHandler::new(Box::new(sink.clone()), options(format)).unwrap();
    let logger = manager.get_logger("app.mixed").unwrap();
    logger.set_level(FemtoLevel::DEBUG);
    logger.add_handler(file.clone());
    logger.add_handler(memory.clone());
    let long = "x".repeat(300);
    let mut expected = Vec::new();
    for i in 0..300 {
        let line = match i % 3 {
            0 => {
                logger.info(&format!("short {i}"));
                format!("INFO app.mixed :0 [] short {i}")
            }
            1 => {
                logger.warning(&format!("{long} {i}"));
                format!("WARNING app.mixed :0 [] {long} {i}")
            }
            _ => {
                let record = FemtoLogRecord::new("app.mixed".into(), FemtoLevel::ERROR, "kv")
                    .with_key_value("user", &format!("u{i}"))
                    .with_location(femto_core::SourceLocation {
                        file: Some("/src/app.rs".into()),
                        line: 7,
                        function: Some("serve".into()),
                        module: None,
                    });
                logger.dispatch(record);
                format!("ERROR app.mixed serve:7 [u{i}] kv")
            }
        };
        expected.push(line);
    }
    assert!(file.close(WAIT) && memory.close(WAIT));
    assert_eq!(read_lines(&path), expected);
    assert_eq!(*sink.lines.lock().unwrap(), expected);
}

/// A call dispatched as a message (what the C ABI does) goes to each
/// handler in compact form when it can, and as a whole record to a
/// handler with filters, to a logger with filters, and for a long
/// message or a location that is not interned: every handler prints the
/// same line either way.
#[rstest]
#[case::common("short", true)]
#[case::long_message(&"y".repeat(200), true)]
#[case::owned_location("short", false)]
fn a_call_dispatched_as_a_message_prints_as_a_whole_record_would(
    manager: Manager,
    #[case] message: &str,
    #[case] interned_location: bool,
) {
    let format = "%(levelname)s %(name)s %(threadName)s %(funcName)s:%(lineno)d %(message)s";
    let plain = MemorySink::default();
    let filtered = MemorySink::default();
    let plain_handler = FemtoHandler::new(Box::new(plain.clone()), options(format)).unwrap();
    let filtered_handler = FemtoHandler::new(Box::new(filtered.clone()), options(format)).unwrap();
    filtered_handler.add_filter(Arc::new(LevelFilter::at_most(FemtoLevel::WARNING)));
    let logger = manager.get_logger("app.calls").unwrap();
    logger.set_level(FemtoLevel::DEBUG);
    logger.add_handler(plain_handler.clone());
    logger.add_handler(filtered_handler.clone());
    let location = || femto_core::SourceLocation {
        file: Some(if interned_location {
            "/src/calls.c".into()
        } else {
            String::from("/src/calls.c").into()
        }),
        line: 12,
        function: Some("serve".into()),
        module: None,
    };
    let route = logger.route();
    assert_eq!(
        route.dispatch_message(FemtoLevel::INFO, message, location()),
        LogOutcome::Queued
    );
    logger
        .route()
        .dispatch_message(FemtoLevel::ERROR, "above the filter", location());
    let only_db: Arc<dyn femto_core::FemtoFilter> = Arc::new(NameFilter::new("app.db"));
    logger.add_filter(only_db);
    assert_eq!(
        logger
            .route()
            .dispatch_message(FemtoLevel::INFO, "rejected by name", location()),
        LogOutcome::Filtered
    );
    assert!(plain_handler.close(WAIT) && filtered_handler.close(WAIT));
    let thread = std::thread::current().name().unwrap_or("Thread").to_owned();
    let line = |level: &str, text: &str| format!("{level} app.calls {thread} serve:12 {text}");
    assert_eq!(
        *plain.lines.lock().unwrap(),
        [line("INFO", message), line("ERROR", "above the filter")]
    );
    assert_eq!(*filtered.lines.lock().unwrap(), [line("INFO", message)]);
}
