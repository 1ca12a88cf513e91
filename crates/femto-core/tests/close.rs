//! Closing a handler whose queue other threads keep copies of (the engine's
//! `calls` module: a call sends through its thread's copy, so the queue
//! stays connected after close, and the worker ends when no thread sends
//! to it). A close must end the worker though idle threads hold copies,
//! must not wait for calls that send elsewhere, and must not lose a record
//! silently: each one is written or counted as dropped.

use std::io;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use femto_core::{
    FemtoFilter, FemtoHandler, FemtoLevel, FemtoLogRecord, FemtoLogger, HandlerOptions, Manager,
    OverflowPolicy, Sink, SinkFactory,
};
use rstest::rstest;

mod memory_sink;

use memory_sink::{manager, message_options, MemorySink};

const WAIT: Duration = Duration::from_secs(10);

/// Far below [`WAIT`]: a close that took this long waited for something
/// it should not have.
const PROMPT: Duration = Duration::from_secs(3);

fn logger_to(manager: &Manager, name: &str, handlers: &[&Arc<FemtoHandler>]) -> Arc<FemtoLogger> {
    let logger = manager.get_logger(name).unwrap();
    logger.set_level(FemtoLevel::INFO);
    for handler in handlers {
        logger.add_handler(Arc::clone(handler));
    }
    logger
}

/// Closes `handler`, asserting that it finished, and promptly.
fn close_promptly(handler: &FemtoHandler) {
    let start = Instant::now();
    assert!(handler.close(WAIT), "the worker did not finish");
    assert!(start.elapsed() < PROMPT, "close took {:?}", start.elapsed());
}

#[rstest]
fn close_ends_the_worker_though_an_idle_thread_keeps_a_copy(manager: Manager) {
    let sink = MemorySink::default();
    let handler = sink.message_handler();
    let logger = logger_to(&manager, "close.idle", &[&handler]);
    let (logged, idle) = std::sync::mpsc::channel();
    let (go_on, closed) = std::sync::mpsc::channel::<()>();
    let caller = {
        let logger = Arc::clone(&logger);
        thread::spawn(move || {
            logger.info("before the close");
            logged.send(()).unwrap();
            closed.recv_timeout(WAIT).unwrap();
            logger.info("after the close");
        })
    };
    idle.recv_timeout(WAIT).unwrap();
    close_promptly(&handler);
    assert_eq!(sink.lines(), ["before the close"]);
    go_on.send(()).unwrap();
    caller.join().unwrap();
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (1, 1));
}

/// A logger filter that closes a handler the call then goes on to.
struct ClosesOnTheWay(Arc<FemtoHandler>);

impl FemtoFilter for ClosesOnTheWay {
    fn should_log(&self, _record: &FemtoLogRecord) -> bool {
        assert!(self.0.close(WAIT), "the worker did not finish");
        true
    }
}

#[rstest]
fn a_close_from_inside_a_call_is_prompt_and_the_call_counts_its_record_dropped(manager: Manager) {
    let sink = MemorySink::default();
    let handler = sink.message_handler();
    let logger = logger_to(&manager, "close.inside", &[&handler]);
    logger.info("written");
    // This thread now keeps a copy of the queue; the filter closes the
    // handler from inside the next call, which then reaches it.
    logger.add_filter(Arc::new(ClosesOnTheWay(Arc::clone(&handler))));
    let start = Instant::now();
    logger.info("reaches a closed handler");
    assert!(start.elapsed() < PROMPT, "took {:?}", start.elapsed());
    assert_eq!(sink.lines(), ["written"]);
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (1, 1));
}

/// A sink whose writes wait until the gate opens.
#[derive(Clone, Default)]
struct GatedSink {
    gate: Arc<(Mutex<bool>, Condvar)>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl GatedSink {
    fn open_gate(&self) {
        let (open, changed) = &*self.gate;
        *open.lock().unwrap() = true;
        changed.notify_all();
    }
}

impl Sink for GatedSink {
    fn write(&mut self, _record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        let (open, changed) = &*self.gate;
        let guard = open.lock().unwrap();
        let (_guard, timed_out) = changed
            .wait_timeout_while(guard, WAIT, |open| !*open)
            .unwrap();
        assert!(!timed_out.timed_out(), "the gate never opened");
        self.lines.lock().unwrap().push(text.to_owned());
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SinkFactory for GatedSink {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(self.clone()))
    }

    fn describe(&self) -> String {
        "gated".into()
    }
}

/// A handler on `gated` whose queue holds one record, and whose callers
/// wait for room.
fn gated_handler(gated: &GatedSink) -> Arc<FemtoHandler> {
    let options = HandlerOptions {
        capacity: 1,
        overflow: OverflowPolicy::Block,
        ..message_options()
    };
    FemtoHandler::new(Box::new(gated.clone()), options).unwrap()
}

#[rstest]
fn a_call_waiting_on_another_full_queue_does_not_hold_up_a_close(manager: Manager) {
    let gated = GatedSink::default();
    let stuck = gated_handler(&gated);
    let sink = MemorySink::default();
    let other = sink.message_handler();
    // The stuck handler first: a call waits there before it reaches the
    // other one.
    let logger = logger_to(&manager, "close.stuck", &[&stuck, &other]);
    let caller = {
        let logger = Arc::clone(&logger);
        thread::spawn(move || {
            for n in 0..4 {
                logger.info(&format!("record {n}"));
            }
        })
    };
    // The stuck worker holds record 0 in its sink, its queue record 1: the
    // call of record 2 waits for room, after records 0 and 1 reached the
    // other handler.
    let start = Instant::now();
    while sink.lines().len() < 2 && start.elapsed() < WAIT {
        thread::sleep(Duration::from_millis(5));
    }
    thread::sleep(Duration::from_millis(100));
    close_promptly(&other);
    gated.open_gate();
    caller.join().unwrap();
    assert!(stuck.close(WAIT));
    assert_eq!(gated.lines.lock().unwrap().len(), 4);
    assert_eq!(sink.lines(), ["record 0", "record 1"]);
    let stats = other.stats();
    assert_eq!((stats.written, stats.dropped), (2, 2));
}

#[rstest]
fn a_call_waiting_for_room_in_the_closing_handlers_queue_gets_its_record_in(manager: Manager) {
    let gated = GatedSink::default();
    let handler = gated_handler(&gated);
    let logger = logger_to(&manager, "close.waiting", &[&handler]);
    let caller = {
        let logger = Arc::clone(&logger);
        thread::spawn(move || {
            for n in 0..3 {
                logger.info(&format!("record {n}"));
            }
        })
    };
    // Record 0 in the sink, record 1 in the queue, record 2's call waits.
    thread::sleep(Duration::from_millis(200));
    let closer = {
        let handler = Arc::clone(&handler);
        thread::spawn(move || handler.close(WAIT))
    };
    thread::sleep(Duration::from_millis(100));
    gated.open_gate();
    assert!(closer.join().unwrap(), "the worker did not finish");
    caller.join().unwrap();
    assert_eq!(
        *gated.lines.lock().unwrap(),
        ["record 0", "record 1", "record 2"]
    );
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (3, 0));
}

/// How a racing thread hands its records to the handler being closed.
#[derive(Clone, Copy, Debug)]
enum Path {
    /// Through a logger (the thread's copy of the queue).
    Logger,
    /// Straight to the handler (`FemtoHandler::handle`).
    Handler,
}

#[rstest]
#[case::through_a_logger(Path::Logger)]
#[case::straight_to_the_handler(Path::Handler)]
fn every_record_raced_against_a_close_is_written_or_counted(manager: Manager, #[case] path: Path) {
    const THREADS: usize = 4;
    const RECORDS: usize = 5_000;
    for round in 0..5 {
        let sink = MemorySink::default();
        let handler = sink.message_handler();
        let logger = logger_to(&manager, &format!("close.race.{round}"), &[&handler]);
        let start = Arc::new(Barrier::new(THREADS + 1));
        let callers: Vec<_> = (0..THREADS)
            .map(|_| {
                let (logger, handler, start) = (
                    Arc::clone(&logger),
                    Arc::clone(&handler),
                    Arc::clone(&start),
                );
                thread::spawn(move || {
                    start.wait();
                    for n in 0..RECORDS {
                        let message = format!("record {n}");
                        match path {
                            Path::Logger => {
                                logger.info(&message);
                            }
                            Path::Handler => {
                                let record = logger.record(FemtoLevel::INFO, &message, |_| {});
                                handler.handle(record);
                            }
                        }
                    }
                })
            })
            .collect();
        start.wait();
        // Let some records through first, then close mid-stream.
        thread::sleep(Duration::from_micros(300 * round));
        assert!(
            handler.close(WAIT),
            "round {round}: the worker did not finish"
        );
        for caller in callers {
            caller.join().unwrap();
        }
        let stats = handler.stats();
        assert_eq!(
            stats.written + stats.dropped,
            (THREADS * RECORDS) as u64,
            "round {round}: {stats:?}"
        );
        // The sink holds the records written, and the worker's reports of
        // records dropped for a full queue.
        let records = sink
            .lines()
            .iter()
            .filter(|line| line.starts_with("record "))
            .count();
        assert_eq!(records as u64, stats.written, "round {round}");
    }
}
