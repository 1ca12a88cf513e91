//! Recycled records. A record is made on the logging thread and dropped on
//! a worker thread; with the system allocator that pattern contends on the
//! allocator's arena lock (measured: a fifth of all samples and tens of
//! thousands of context switches per million records). Instead, the last
//! worker to drop a record hands it back here, and the next logging call
//! refills it in place, so steady-state logging allocates nothing (the
//! message buffer keeps its capacity).
//!
//! Records travel back in batches: a worker collects the records it drops
//! in a `Recycler` and hands them over a batch at a time, and each
//! logging thread keeps the batch it took in a thread-local stash. One
//! channel operation per batch instead of two per record keeps the
//! channel's cache lines from bouncing between the cores every call.

use std::cell::RefCell;
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use crossbeam_channel::{Receiver, Sender};

use crate::intern::Text;
use crate::level::FemtoLevel;
use crate::record::FemtoLogRecord;

/// Records kept for reuse, process-wide.
const POOL_SIZE: usize = 4096;
/// Records handed back at a time.
const BATCH: usize = 32;
/// A message buffer larger than this is freed rather than kept.
const MAX_KEPT_MESSAGE: usize = 4096;

type Batch = Vec<Arc<FemtoLogRecord>>;

struct Pool {
    give: Sender<Batch>,
    take: Receiver<Batch>,
}

thread_local! {
    /// The batch this logging thread is using up.
    static STASH: RefCell<Batch> = const { RefCell::new(Vec::new()) };
}

static POOL: ArcSwapOption<Pool> = ArcSwapOption::const_empty();

impl Pool {
    fn new() -> Self {
        let (give, take) = crossbeam_channel::bounded(POOL_SIZE / BATCH);
        Pool { give, take }
    }
}

fn pool() -> Arc<Pool> {
    if let Some(pool) = POOL.load_full() {
        return pool;
    }
    let fresh = Arc::new(Pool::new());
    let previous = POOL.compare_and_swap(&None::<Arc<Pool>>, Some(Arc::clone(&fresh)));
    match &*previous {
        Some(existing) => Arc::clone(existing),
        None => fresh,
    }
}

/// A record for `logger` at `level` carrying `message`, stamped with the
/// current time, thread and process (a recycled one when available), then
/// completed by `fill` before anyone else can see it.
pub fn make(
    logger: Text,
    level: FemtoLevel,
    message: &str,
    fill: impl FnOnce(&mut FemtoLogRecord),
) -> Arc<FemtoLogRecord> {
    make_with(logger, level, |buffer| buffer.push_str(message), fill)
}

/// As [`make`], with the message written by `write` into the record's own
/// buffer: a recycled record's buffer keeps its capacity, so formatting a
/// message allocates nothing.
pub fn make_with(
    logger: Text,
    level: FemtoLevel,
    write: impl FnOnce(&mut String),
    fill: impl FnOnce(&mut FemtoLogRecord),
) -> Arc<FemtoLogRecord> {
    make_at(logger, level, 0, write, fill)
}

/// As [`make_with`], stamped `created_ns` (`0`: now) rather than read
/// from the clock when the host already took the call's time.
pub fn make_at(
    logger: Text,
    level: FemtoLevel,
    created_ns: u64,
    write: impl FnOnce(&mut String),
    fill: impl FnOnce(&mut FemtoLogRecord),
) -> Arc<FemtoLogRecord> {
    let recycled = STASH
        .try_with(|stash| {
            let mut stash = stash.try_borrow_mut().ok()?;
            if stash.is_empty() {
                *stash = POOL.load().as_ref()?.take.try_recv().ok()?;
            }
            stash.pop()
        })
        .ok()
        .flatten();
    match recycled {
        Some(mut shared) => match Arc::get_mut(&mut shared) {
            Some(record) => {
                record.reset_at(logger, level, created_ns, write);
                fill(record);
                shared
            }
            None => fresh(logger, level, created_ns, write, fill),
        },
        None => fresh(logger, level, created_ns, write, fill),
    }
}

fn fresh(
    logger: Text,
    level: FemtoLevel,
    created_ns: u64,
    write: impl FnOnce(&mut String),
    fill: impl FnOnce(&mut FemtoLogRecord),
) -> Arc<FemtoLogRecord> {
    let mut message = String::new();
    write(&mut message);
    let mut record = FemtoLogRecord::new(logger, level, message);
    if created_ns != 0 {
        record.created_ns = created_ns;
    }
    fill(&mut record);
    Arc::new(record)
}

/// Keeps a record this thread made and is done with (one it formatted
/// itself, which no worker saw) for this thread's next record. Dropped if
/// someone else still holds it or the thread's stash is full.
pub fn keep_here(mut record: Arc<FemtoLogRecord>) {
    let Some(inner) = Arc::get_mut(&mut record) else {
        return;
    };
    if !clear_for_reuse(inner) {
        return;
    }
    let _ = STASH.try_with(|stash| {
        if let Ok(mut stash) = stash.try_borrow_mut() {
            if stash.len() < BATCH {
                stash.push(record);
            }
        }
    });
}

/// Empties what a reused record must not carry over; `false` if the
/// record is not worth keeping (a very large message buffer).
fn clear_for_reuse(record: &mut FemtoLogRecord) -> bool {
    if record.message.capacity() > MAX_KEPT_MESSAGE {
        return false;
    }
    record.exception = None;
    record.stack = None;
    record.key_values.clear();
    true
}

/// A worker's records on their way back to the pool: collected one by
/// one, handed over a batch at a time.
#[derive(Default)]
pub(crate) struct Recycler {
    batch: Batch,
}

impl Recycler {
    /// Keeps a record nobody else holds for reuse (otherwise just drops
    /// this reference).
    pub(crate) fn put(&mut self, mut record: Arc<FemtoLogRecord>) {
        let Some(inner) = Arc::get_mut(&mut record) else {
            return;
        };
        if !clear_for_reuse(inner) {
            return;
        }
        self.batch.push(record);
        if self.batch.len() >= BATCH {
            self.hand_over();
        }
    }

    /// Hands the records collected so far to the pool (dropping them if
    /// the pool is full).
    pub(crate) fn hand_over(&mut self) {
        if !self.batch.is_empty() {
            self.hand_over_to(&pool());
        }
    }

    fn hand_over_to(&mut self, pool: &Pool) {
        let _ = pool.give.try_send(std::mem::replace(
            &mut self.batch,
            Vec::with_capacity(BATCH),
        ));
    }
}

/// In a forked child: start a fresh pool. The parent's may be mid-update
/// by a thread that does not exist here.
pub(crate) fn reset_after_fork() {
    std::mem::forget(POOL.swap(None));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through a private pool: the process-wide one is shared with every
    /// test running in parallel, which may take the batch first.
    #[test]
    fn records_are_refilled_in_place() {
        let first = make("a".into(), FemtoLevel::INFO, "first message", |r| {
            r.location.line = 9
        });
        let address = Arc::as_ptr(&first);
        let private = Pool::new();
        let mut recycler = Recycler::default();
        recycler.put(first);
        recycler.hand_over_to(&private);
        let batch = private.take.try_recv().expect("the batch was handed over");
        STASH.with(|stash| *stash.borrow_mut() = batch);
        let next = make("b".into(), FemtoLevel::ERROR, "second", |_| {});
        assert_eq!(Arc::as_ptr(&next), address, "the recycled record came back");
        assert_eq!(
            (&*next.logger, next.level, next.message.as_str()),
            ("b", FemtoLevel::ERROR, "second")
        );
        assert!(next.key_values.is_empty() && next.exception.is_none());
        assert_eq!(next.location.line, 0, "nothing of the first record is left");
    }

    #[test]
    fn shared_records_are_not_recycled() {
        let record = make("c".into(), FemtoLevel::INFO, "shared", |r| {
            r.location.line = 7
        });
        let other = Arc::clone(&record);
        let mut recycler = Recycler::default();
        recycler.put(record);
        recycler.hand_over();
        assert_eq!((other.message.as_str(), other.location.line), ("shared", 7));
    }
}
