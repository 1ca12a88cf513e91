//! Bounded exit (its own test binary: exit is process-wide and never ends).
//! A slow sink that keeps writing is waited for; a stuck one is abandoned
//! after the limit, and what it still had queued is counted.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use femto_core::{exit, FemtoHandler, FemtoLogRecord, HandlerOptions, Manager, Sink, SinkFactory};
use rstest::rstest;

/// A sink taking `delay` per record, or never returning (`None`).
struct Paced {
    delay: Option<Duration>,
    written: Arc<AtomicUsize>,
}

impl Sink for Paced {
    fn write(&mut self, _record: &FemtoLogRecord, _text: &str) -> io::Result<()> {
        match self.delay {
            Some(delay) => std::thread::sleep(delay),
            None => loop {
                std::thread::park();
            },
        }
        self.written.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct PacedFactory(Option<Duration>, Arc<AtomicUsize>);

impl SinkFactory for PacedFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(Paced {
            delay: self.0,
            written: Arc::clone(&self.1),
        }))
    }

    fn describe(&self) -> String {
        "paced".into()
    }
}

fn handler(delay: Option<Duration>, name: &str) -> (Arc<FemtoHandler>, Arc<AtomicUsize>) {
    let written = Arc::new(AtomicUsize::new(0));
    let options = HandlerOptions {
        name: Some(name.into()),
        ..HandlerOptions::default()
    };
    let factory = PacedFactory(delay, Arc::clone(&written));
    (
        FemtoHandler::new(Box::new(factory), options).unwrap(),
        written,
    )
}

#[rstest]
fn exit_waits_for_a_slow_sink_and_abandons_a_stuck_one() {
    let manager = Manager::new();
    manager.set_last_resort(false);
    exit::set_exit_limit(Duration::from_millis(300));

    // Slow: 40 records at 20 ms each (0.8 s) with a 0.3 s limit: each
    // write is progress, so exit waits for all of them.
    let (slow, written) = handler(Some(Duration::from_millis(20)), "slow");
    let logger = manager.get_logger("exit.slow").unwrap();
    logger.add_handler(Arc::clone(&slow));
    for i in 0..40 {
        logger.error(&format!("slow {i}"));
    }
    drop(slow);
    logger.clear_handlers();
    let started = Instant::now();
    assert!(femto_core::drain_at_exit());
    assert_eq!(written.load(Ordering::SeqCst), 40);
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(exit::abandoned(), 0);

    // Stuck: the first write never returns; exit gives up after the limit
    // (exit began above, so the last progress is the slow sink's) and
    // counts the 9 records still queued.
    let (stuck, _) = handler(None, "stuck");
    let logger = manager.get_logger("exit.stuck").unwrap();
    logger.add_handler(Arc::clone(&stuck));
    for i in 0..10 {
        logger.error(&format!("stuck {i}"));
    }
    std::thread::sleep(Duration::from_millis(100)); // the worker takes the first
    drop(stuck);
    logger.clear_handlers();
    let started = Instant::now();
    assert!(!femto_core::drain_at_exit());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(exit::abandoned(), 9);
}
