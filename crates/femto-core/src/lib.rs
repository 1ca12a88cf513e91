//! femto-core: the femtologging engine.
//!
//! Loggers live in a [`Manager`] registry keyed by dotted name. A logging
//! call checks one atomic threshold, builds a [`FemtoLogRecord`] once and
//! hands it to each [`FemtoHandler`]'s bounded queue; each handler's own
//! worker thread formats and writes in batches. Nothing here knows about C
//! or Python; the bindings build on this API.
//!
//! ```
//! use std::time::Duration;
//! use femto_core::{FemtoHandler, FemtoLevel, HandlerOptions, Manager, StreamTarget};
//!
//! let manager = Manager::new();
//! let logger = manager.get_logger("app.db").unwrap();
//! let handler = FemtoHandler::stream(StreamTarget::Stdout, HandlerOptions::default()).unwrap();
//! logger.add_handler(handler.clone());
//! logger.set_level(FemtoLevel::INFO);
//! femto_core::info!(logger, "connected to {}", "db-1");
//! assert!(handler.close(Duration::from_secs(5)));
//! ```

// One exception, in `exit`: registering the exit drain with `atexit`.
#![deny(unsafe_code)]

pub mod builder;
pub mod config;
pub mod context;
pub mod error_hook;
pub mod exit;
pub mod filter;
pub mod fork;
pub mod formatter;
pub mod handler;
pub mod intern;
pub mod level;
pub mod logger;
pub mod manager;
pub mod record;
pub mod record_pool;
mod sync;
pub mod wait_hook;

pub use filter::{FemtoFilter, LevelFilter, NameFilter};
pub use formatter::{
    DefaultFormatter, FemtoFormatter, FormatFailed, FormatStyle, JsonFormatter, TemplateFormatter,
};
pub use handler::live::{drain_at_exit, flush_all, shutdown};
pub use handler::{
    Clock, SystemClock, TimedRotatingFileSinkFactory, TimedRotation, TimedRotationError, When,
    WhenError,
};
pub use handler::{
    Enqueued, FemtoHandler, FileMode, FileSinkFactory, HandlerBuildError, HandlerOptions,
    HandlerStats, OverflowPolicy, RotatingFileSinkFactory, Rotation, Sink, SinkFactory,
    StreamTarget,
};
pub use level::{add_level_name, FemtoLevel, LevelParseError, STATIC_MIN_LEVEL};
pub use logger::{FemtoLogger, LogOutcome};
pub use manager::{LoggerNameError, LoggerState, Manager};
pub use record::{FemtoLogRecord, KeyValue, SourceLocation};

/// The shared types cross threads: prove it at compile time.
const _: () = {
    const fn assert_send_sync<T: Send + Sync + ?Sized>() {}
    assert_send_sync::<FemtoLogger>();
    assert_send_sync::<FemtoHandler>();
    assert_send_sync::<FemtoLogRecord>();
    assert_send_sync::<Manager>();
    assert_send_sync::<dyn FemtoFormatter>();
    assert_send_sync::<dyn FemtoFilter>();
    assert_send_sync::<TemplateFormatter>();
    assert_send_sync::<JsonFormatter>();
};
