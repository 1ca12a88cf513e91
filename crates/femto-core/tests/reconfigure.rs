//! Reconfiguration under load: handlers are replaced in one step (and the
//! replaced ones closed at once) while threads log. Every record is
//! written exactly once: none to both handlers, none to a closed one.

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use femto_core::{FemtoHandler, FileMode, HandlerOptions, Manager};
use rstest::rstest;

const WAIT: Duration = Duration::from_secs(60);

fn file_handler(path: &Path) -> Arc<FemtoHandler> {
    FemtoHandler::file(path, FileMode::Append, HandlerOptions::default()).unwrap()
}

#[rstest]
fn replacing_and_closing_handlers_under_load_loses_nothing() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 50_000;
    const SWAPS: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let paths = [dir.path().join("a.log"), dir.path().join("b.log")];
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("swapped").unwrap();
    let mut current = file_handler(&paths[0]);
    logger.add_handler(current.clone());
    let done = AtomicBool::new(false);
    thread::scope(|scope| {
        let producers: Vec<_> = (0..THREADS)
            .map(|t| {
                let logger = &logger;
                scope.spawn(move || {
                    for i in 0..PER_THREAD {
                        logger.error(&format!("t{t} {i}"));
                    }
                })
            })
            .collect();
        scope.spawn(|| {
            for swap in 1..=SWAPS {
                let next = file_handler(&paths[swap % 2]);
                let old = logger.set_handlers(vec![next.clone()]);
                assert!(old.len() == 1 && Arc::ptr_eq(&old[0], &current));
                assert!(current.close(WAIT));
                assert_eq!(current.stats().dropped, 0, "swap {swap} dropped records");
                current = next;
                thread::sleep(Duration::from_micros(200));
            }
            done.store(true, Ordering::SeqCst);
        });
        for producer in producers {
            producer.join().unwrap();
        }
    });
    assert!(done.load(Ordering::SeqCst));
    assert!(current.close(WAIT));
    let mut seen = HashSet::new();
    let mut lines = 0;
    for path in &paths {
        for line in fs::read_to_string(path).unwrap().lines() {
            lines += 1;
            assert!(seen.insert(line.to_owned()), "{line} written twice");
        }
    }
    assert_eq!(lines, THREADS * PER_THREAD);
}
