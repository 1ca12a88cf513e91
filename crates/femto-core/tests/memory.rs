//! Memory driven by input stays bounded (issue 15): interned strings are
//! capped in bytes and long ones are not interned; a queue with a huge
//! capacity grows as records arrive instead of allocating it up front.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use femto_core::handler::MAX_CAPACITY;
use femto_core::intern;
use femto_core::{
    FemtoHandler, FemtoLogRecord, HandlerOptions, Manager, OverflowPolicy, Sink, SinkFactory,
};
use rstest::rstest;

/// Resident memory of this process, in bytes (Linux).
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = status.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[rstest]
fn long_and_many_strings_do_not_grow_the_intern_table_for_ever() {
    for i in 0..20_000 {
        let long = format!("{i:010}{}", "m".repeat(10_000));
        let text = intern::text(&long);
        assert!(
            matches!(text, std::borrow::Cow::Owned(_)),
            "a 10 KB string is not interned"
        );
    }
    for i in 0..200_000 {
        let _ = intern::text(&format!("module.number.{i:08}.{}", "x".repeat(100)));
    }
    assert!(intern::interned_bytes() <= intern::INTERN_BYTES_CAP);
}

/// A sink that blocks until told to go on, counting what it writes.
struct Gate(Arc<Barrier>, Arc<AtomicUsize>);

impl Sink for Gate {
    fn write(&mut self, _record: &FemtoLogRecord, _text: &str) -> io::Result<()> {
        if self.1.fetch_add(1, Ordering::SeqCst) == 0 {
            self.0.wait();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct GateFactory(Arc<Barrier>, Arc<AtomicUsize>);

impl SinkFactory for GateFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(Gate(Arc::clone(&self.0), Arc::clone(&self.1))))
    }

    fn describe(&self) -> String {
        "gate".into()
    }
}

#[rstest]
fn a_huge_queue_grows_as_records_arrive_and_holds_its_capacity() {
    let before = rss();
    let big = FemtoHandler::new(
        Box::new(GateFactory(
            Arc::new(Barrier::new(2)),
            Arc::new(AtomicUsize::new(0)),
        )),
        HandlerOptions {
            capacity: MAX_CAPACITY,
            ..HandlerOptions::default()
        },
    )
    .unwrap();
    // 16,777,216 slots allocated up front took about 515 MiB.
    assert!(
        rss() - before < 64 << 20,
        "grew by {} bytes",
        rss() - before
    );

    // A list-flavoured queue still refuses records beyond its capacity.
    let capacity = (1 << 16) + 10;
    let gate = Arc::new(Barrier::new(2));
    let small = FemtoHandler::new(
        Box::new(GateFactory(
            Arc::clone(&gate),
            Arc::new(AtomicUsize::new(0)),
        )),
        HandlerOptions {
            capacity,
            overflow: OverflowPolicy::Drop,
            ..HandlerOptions::default()
        },
    )
    .unwrap();
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("memory.capacity").unwrap();
    logger.add_handler(Arc::clone(&small));
    for i in 0..capacity + 1000 {
        logger.error(&format!("record {i}"));
    }
    std::thread::sleep(Duration::from_millis(50));
    // The worker holds one record in the blocked sink; the queue holds at
    // most `capacity`; the rest were dropped and counted.
    let dropped = small.stats().dropped as usize;
    assert!((999..=1000).contains(&dropped), "dropped {dropped}");
    drop(big);
    gate.wait(); // lets the worker go on and drain
    assert!(small.flush(Duration::from_secs(30)));
}
