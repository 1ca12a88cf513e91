//! Waiting for room in a full queue. A producer that finds the queue full
//! registers here and parks; the worker wakes every registered producer
//! once it has emptied half the queue: one wake-up per half queue instead
//! of one per record (a futex call per record on both threads more than
//! doubles the cost of logging), and no producer asleep on a timer while
//! the worker runs dry (sleeping 1 ms at a time made two threads logging
//! into one file two to three times slower, half the runs).
//!
//! The list is only ever `try_lock`ed, so a lock held by a thread lost in
//! `fork` costs a wake-up, never a deadlock; a producer that misses one
//! wakes on its timeout and looks again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::Thread;
use std::time::Duration;

use crossbeam_channel::Receiver;

/// The longest a waiting producer sleeps before it looks again.
const LONGEST_PARK: Duration = Duration::from_millis(1);

#[derive(Default)]
pub(crate) struct RoomWaiters {
    waiting: AtomicUsize,
    threads: Mutex<Vec<Thread>>,
}

impl RoomWaiters {
    /// Registers the calling producer, makes `attempt` (another try at
    /// sending, so that room made meanwhile is not missed) and, when
    /// `still_full` says so of its result, parks until the worker makes
    /// room or `pause` (capped at 1 ms) has passed. Returns the attempt.
    pub(crate) fn wait<R>(
        &self,
        pause: Duration,
        attempt: impl FnOnce() -> R,
        still_full: impl FnOnce(&R) -> bool,
    ) -> R {
        if let Ok(mut threads) = self.threads.try_lock() {
            // A producer waiting long loops here many times: list it once.
            let current = std::thread::current();
            if !threads.iter().any(|t| t.id() == current.id()) {
                threads.push(current);
                self.waiting.fetch_add(1, Ordering::SeqCst);
            }
        }
        let result = attempt();
        if still_full(&result) {
            std::thread::park_timeout(pause.min(LONGEST_PARK));
        }
        result
    }

    /// Whether a producer waits for room (the worker must not dawdle).
    pub(crate) fn has_waiters(&self) -> bool {
        self.waiting.load(Ordering::SeqCst) > 0
    }

    /// Called by the worker after each batch: wakes the waiting producers
    /// once the queue is at most half full.
    pub(crate) fn wake_if_room<T>(&self, queue: &Receiver<T>, capacity: usize) {
        if self.waiting.load(Ordering::SeqCst) == 0 {
            return;
        }
        let half = capacity / 2;
        if queue.len() > half {
            return;
        }
        if let Ok(mut threads) = self.threads.try_lock() {
            self.waiting.store(0, Ordering::SeqCst);
            for thread in threads.drain(..) {
                thread.unpark();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn producers_are_woken_once_half_the_queue_is_free() {
        let room = RoomWaiters::default();
        let (send, receive) = crossbeam_channel::bounded::<u8>(4);
        for i in 0..4 {
            send.try_send(i).unwrap();
        }
        let attempt = room.wait(
            Duration::from_micros(1),
            || send.try_send(9),
            |r| r.is_err(),
        );
        assert!(attempt.is_err(), "the queue was full");
        let again = room.wait(
            Duration::from_micros(1),
            || send.try_send(9),
            |r| r.is_err(),
        );
        assert!(again.is_err());
        assert_eq!(room.waiting.load(Ordering::SeqCst), 1, "listed once");
        assert_eq!(room.threads.lock().unwrap().len(), 1);
        receive.try_recv().unwrap();
        room.wake_if_room(&receive, 4);
        assert_eq!(room.waiting.load(Ordering::SeqCst), 1, "3 of 4: not yet");
        receive.try_recv().unwrap();
        room.wake_if_room(&receive, 4);
        assert_eq!(room.waiting.load(Ordering::SeqCst), 0, "2 of 4: woken");
        assert!(room.threads.lock().unwrap().is_empty());
    }
}
