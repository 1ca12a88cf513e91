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

use femto_core::{FemtoHandler, FemtoLevel, FileMode, HandlerOptions, LoggerState, Manager};
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

#[rstest]
fn logger_states_change_together() {
    let dir = tempfile::tempdir().unwrap();
    let manager = Manager::new();
    manager.set_last_resort(false);
    let (a, b) = (
        manager.get_logger("states.a").unwrap(),
        manager.get_logger("states.b").unwrap(),
    );
    let old = file_handler(&dir.path().join("old.log"));
    a.add_handler(old.clone());
    let new = file_handler(&dir.path().join("new.log"));
    manager.set_logger_states(vec![
        LoggerState {
            logger: a.clone(),
            level: FemtoLevel::ERROR,
            propagate: false,
            disabled: false,
            handlers: vec![new.clone()],
        },
        LoggerState {
            logger: b.clone(),
            level: FemtoLevel::INFO,
            propagate: true,
            disabled: true,
            handlers: vec![new.clone()],
        },
    ]);
    assert!(old.close(WAIT), "nothing can reach the replaced handler");
    assert_eq!((a.level(), a.propagate()), (FemtoLevel::ERROR, false));
    assert!(b.disabled() && b.propagate());
    a.warning("below ERROR");
    a.error("to the new file");
    b.error("disabled");
    assert!(new.close(WAIT));
    assert_eq!(
        fs::read_to_string(dir.path().join("new.log")).unwrap(),
        "to the new file\n"
    );
    // A logger of another registry is left alone.
    let stranger = Manager::new().get_logger("states.a").unwrap();
    manager.set_logger_states(vec![LoggerState {
        logger: stranger.clone(),
        level: FemtoLevel::CRITICAL,
        propagate: true,
        disabled: false,
        handlers: Vec::new(),
    }]);
    assert_eq!(a.level(), FemtoLevel::ERROR);
    assert_eq!(stranger.level(), FemtoLevel::NOTSET);
}
