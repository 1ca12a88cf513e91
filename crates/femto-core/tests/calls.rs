//! Configuration changes against logging calls on other threads, which
//! keep their own copies of a logger's routing (the engine's `calls`
//! module): a change waits for a call under way, whose record is not lost;
//! a thread's next call sees the change; and a copy kept by an idle thread
//! holds a dropped handler only until that thread's next call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use femto_core::{FemtoFilter, FemtoLevel, FemtoLogRecord, Manager};
use rstest::rstest;

mod memory_sink;

use memory_sink::{manager, MemorySink};

const WAIT: Duration = Duration::from_secs(10);

/// A logger filter that holds the first call in it until told to go on.
struct HoldsFirstCall {
    entered: Mutex<Option<mpsc::Sender<()>>>,
    go_on: Mutex<mpsc::Receiver<()>>,
}

impl FemtoFilter for HoldsFirstCall {
    fn should_log(&self, _record: &FemtoLogRecord) -> bool {
        if let Some(entered) = self.entered.lock().unwrap().take() {
            entered.send(()).unwrap();
            self.go_on.lock().unwrap().recv_timeout(WAIT).unwrap();
        }
        true
    }
}

#[rstest]
fn a_change_waits_for_a_call_under_way_whose_record_is_not_lost(manager: Manager) {
    let sink = MemorySink::default();
    let taken_off = sink.message_handler();
    let logger = manager.get_logger("calls.under_way").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(Arc::clone(&taken_off));
    let (entered, in_call) = mpsc::channel();
    let (go_on, held) = mpsc::channel();
    logger.add_filter(Arc::new(HoldsFirstCall {
        entered: Mutex::new(Some(entered)),
        go_on: Mutex::new(held),
    }));

    let caller = {
        let logger = Arc::clone(&logger);
        thread::spawn(move || logger.info("logged before the change"))
    };
    in_call.recv_timeout(WAIT).unwrap();
    let changed = Arc::new(AtomicBool::new(false));
    let changer = {
        let (logger, handler, changed) = (
            Arc::clone(&logger),
            Arc::clone(&taken_off),
            Arc::clone(&changed),
        );
        thread::spawn(move || {
            assert!(logger.remove_handler(&handler));
            changed.store(true, Ordering::SeqCst);
        })
    };
    thread::sleep(Duration::from_millis(200));
    assert!(
        !changed.load(Ordering::SeqCst),
        "the change did not wait for the call under way"
    );
    go_on.send(()).unwrap();
    caller.join().unwrap();
    changer.join().unwrap();

    // Closed at once after the change: the call's record is in, not dropped.
    assert!(taken_off.close(WAIT));
    assert_eq!(sink.lines(), ["logged before the change"]);
    assert_eq!(taken_off.stats().dropped, 0);
}

#[rstest]
fn a_thread_sees_a_change_in_its_next_call(manager: Manager) {
    let (first_sink, added_sink) = (MemorySink::default(), MemorySink::default());
    let (first, added) = (first_sink.message_handler(), added_sink.message_handler());
    let logger = manager.get_logger("calls.next").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(Arc::clone(&first));
    let (logged, first_done) = mpsc::channel();
    let (go_on, changed) = mpsc::channel::<()>();
    let caller = {
        let logger = Arc::clone(&logger);
        thread::spawn(move || {
            logger.info("before");
            logged.send(()).unwrap();
            changed.recv_timeout(WAIT).unwrap();
            logger.info("after");
        })
    };
    first_done.recv_timeout(WAIT).unwrap();
    logger.add_handler(Arc::clone(&added));
    go_on.send(()).unwrap();
    caller.join().unwrap();
    assert!(first.close(WAIT) && added.close(WAIT));
    assert_eq!(first_sink.lines(), ["before", "after"]);
    assert_eq!(added_sink.lines(), ["after"]);
}

#[rstest]
fn an_idle_threads_copy_holds_a_dropped_handler_until_its_next_call(manager: Manager) {
    let sink = MemorySink::default();
    let dropped = sink.message_handler();
    let logger = manager.get_logger("calls.idle").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(Arc::clone(&dropped));
    let (logged, idle) = mpsc::channel();
    let (go_on, taken_off) = mpsc::channel::<()>();
    let caller = {
        let logger = Arc::clone(&logger);
        thread::spawn(move || {
            logger.info("kept a copy");
            logged.send(()).unwrap();
            taken_off.recv_timeout(WAIT).unwrap();
            logger.info("lets it go");
        })
    };
    idle.recv_timeout(WAIT).unwrap();
    assert!(logger.remove_handler(&dropped));
    let weak = Arc::downgrade(&dropped);
    drop(dropped);
    assert!(
        weak.upgrade().is_some(),
        "the idle thread's copy holds the handler"
    );
    go_on.send(()).unwrap();
    caller.join().unwrap();
    assert!(
        weak.upgrade().is_none(),
        "the thread's next call let the handler go"
    );
    // Dropped, the handler closes on its own: its record is written.
    let start = std::time::Instant::now();
    while sink.lines().is_empty() && start.elapsed() < WAIT {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(sink.lines(), ["kept a copy"]);
}
