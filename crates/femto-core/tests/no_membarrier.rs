//! `FEMTOLOGGING_NO_MEMBARRIER=1` keeps the engine from `membarrier`: a
//! process whose cores must not be interrupted sets it, and calls mark
//! themselves with locked instructions instead. (Its own test binary: the
//! variable is read once per process. `make test-rust` also runs the race
//! tests of `calls`, `close` and `reconfigure` with it set.)

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use femto_core::{FemtoLevel, Manager};
use rstest::rstest;

mod memory_sink;

use memory_sink::{manager, MemorySink};

const THREADS: usize = 2;
const RECORDS: usize = 1_000;

#[rstest]
fn the_environment_turns_membarrier_off_and_nothing_is_lost() {
    // Set before the engine's first configuration change, which reads it:
    // the manager is made after (not as a fixture argument, made first).
    std::env::set_var("FEMTOLOGGING_NO_MEMBARRIER", "1");
    let manager: Manager = manager();
    let sink = MemorySink::default();
    let handler = sink.message_handler();
    let logger = manager.get_logger("no.membarrier").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(Arc::clone(&handler));
    let callers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let logger = Arc::clone(&logger);
            thread::spawn(move || {
                for n in 0..RECORDS {
                    logger.info(&format!("thread {thread} record {n}"));
                }
            })
        })
        .collect();
    for caller in callers {
        caller.join().unwrap();
    }
    // The close retires the queue through the protocol's locked side.
    assert!(handler.close(Duration::from_secs(10)));
    assert!(!femto_core::uses_membarrier());
    let lines = sink.lines();
    assert_eq!(lines.len(), THREADS * RECORDS);
    for thread in 0..THREADS {
        let own: Vec<&String> = lines
            .iter()
            .filter(|line| line.starts_with(&format!("thread {thread} ")))
            .collect();
        let expected: Vec<String> = (0..RECORDS)
            .map(|n| format!("thread {thread} record {n}"))
            .collect();
        assert_eq!(own, expected.iter().collect::<Vec<_>>(), "thread {thread}");
    }
}
