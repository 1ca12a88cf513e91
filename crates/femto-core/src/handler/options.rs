//! How a handler is configured, and why one could not be made.

use std::sync::Arc;
use std::time::Duration;

use crate::formatter::{DefaultFormatter, FemtoFormatter};
use crate::level::FemtoLevel;

/// What a producer does when the handler's queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverflowPolicy {
    /// Wait for room: nothing is lost (the default, as with stdlib).
    #[default]
    Block,
    /// Drop the new record and count it.
    Drop,
    /// Wait up to the given time, then drop and count.
    Timeout(Duration),
}

/// Default queue capacity (records).
pub const DEFAULT_CAPACITY: usize = 16 * 1024;
/// Largest queue capacity accepted. Queues up to 65536 records allocate
/// their slots when the handler starts; larger ones grow as records arrive.
pub const MAX_CAPACITY: usize = 1 << 24;

/// Per-handler options.
#[derive(Clone)]
pub struct HandlerOptions {
    /// A name for error messages and the worker thread.
    pub name: Option<String>,
    /// The queue length in records. Up to 16,384 the queue is allocated
    /// when the handler starts (about 256 bytes a record: common records
    /// travel in it by value); a larger one grows as records arrive.
    pub capacity: usize,
    /// What a call does when the queue is full.
    pub overflow: OverflowPolicy,
    /// Records below this level are ignored.
    pub level: FemtoLevel,
    /// Makes each record's text, on the worker.
    pub formatter: Arc<dyn FemtoFormatter>,
    /// A binding hands its own callers' records to this handler itself,
    /// on the calling thread (Python's `QueueHandler`, `MemoryHandler`, as
    /// stdlib runs them): the engine delivers it only records that were
    /// not logged with [`FemtoLogger::dispatch_caller_side_done`].
    ///
    /// [`FemtoLogger::dispatch_caller_side_done`]: crate::FemtoLogger::dispatch_caller_side_done
    pub caller_side: bool,
    /// How long the worker may leave written records in the sink before
    /// flushing it (zero: after every batch). For sinks whose flush is
    /// dear, such as a Python callable that must take the GIL: flushing
    /// at most this often keeps the worker from taking the GIL from the
    /// interpreter for every few records. `flush()` and `close()` flush
    /// at once.
    pub flush_delay: Duration,
}

impl Default for HandlerOptions {
    fn default() -> Self {
        HandlerOptions {
            name: None,
            capacity: DEFAULT_CAPACITY,
            overflow: OverflowPolicy::Block,
            level: FemtoLevel::NOTSET,
            formatter: Arc::new(DefaultFormatter),
            caller_side: false,
            flush_delay: Duration::ZERO,
        }
    }
}

impl std::fmt::Debug for HandlerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerOptions")
            .field("name", &self.name)
            .field("capacity", &self.capacity)
            .field("overflow", &self.overflow)
            .field("level", &self.level)
            .field("caller_side", &self.caller_side)
            .field("flush_delay", &self.flush_delay)
            .finish_non_exhaustive()
    }
}

/// A handler could not be created.
#[derive(Debug, thiserror::Error)]
pub enum HandlerBuildError {
    #[error("capacity must be at least 1")]
    /// A queue of no records.
    ZeroCapacity,
    #[error("capacity {0} is above the maximum of {MAX_CAPACITY} records")]
    /// A queue longer than the engine allows.
    CapacityTooLarge(usize),
    #[error("cannot open {target}: {source}")]
    /// The sink could not be opened.
    Open {
        /// What was being opened (a path, `stderr`).
        target: String,
        #[source]
        /// The operating system's error.
        source: std::io::Error,
    },
    #[error("cannot start the worker thread: {0}")]
    /// The worker thread could not be started.
    Spawn(#[source] std::io::Error),
}
