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
/// Largest queue capacity accepted (the queue's slots are allocated up
/// front).
pub const MAX_CAPACITY: usize = 1 << 24;

/// Per-handler options.
#[derive(Clone)]
pub struct HandlerOptions {
    /// A name for error messages and the worker thread.
    pub name: Option<String>,
    pub capacity: usize,
    pub overflow: OverflowPolicy,
    pub level: FemtoLevel,
    pub formatter: Arc<dyn FemtoFormatter>,
}

impl Default for HandlerOptions {
    fn default() -> Self {
        HandlerOptions {
            name: None,
            capacity: DEFAULT_CAPACITY,
            overflow: OverflowPolicy::Block,
            level: FemtoLevel::NOTSET,
            formatter: Arc::new(DefaultFormatter),
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
            .finish_non_exhaustive()
    }
}

/// A handler could not be created.
#[derive(Debug, thiserror::Error)]
pub enum HandlerBuildError {
    #[error("capacity must be at least 1")]
    ZeroCapacity,
    #[error("capacity {0} is above the maximum of {MAX_CAPACITY} records")]
    CapacityTooLarge(usize),
    #[error("cannot open {target}: {source}")]
    Open {
        target: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the worker thread: {0}")]
    Spawn(#[source] std::io::Error),
}
