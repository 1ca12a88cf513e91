//! femto-core: the femtologging engine.
//!
//! Set up in one line, then log from anywhere:
//!
//! ```
//! femto_core::init().expect("logging set up"); // FEMTO_LOG or RUST_LOG: "info,app.db=debug"
//! femto_core::info!("service started on port {}", 8080); // the logger of this module
//! femto_core::warn!(target: "app.db", user = 42; "slow query"); // key-values before `;`
//! ```
//!
//! With the `log` feature, `init` also makes the engine `log`'s logger, so
//! `log::warn!` from any dependency lands in the same handlers; with the
//! `tracing` feature, [`tracing_layer::FemtoLayer`] does the same for
//! `tracing` events, next to the other layers of a registry:
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! use tracing_subscriber::prelude::*;
//! tracing_subscriber::registry().with(femto_core::tracing_layer::FemtoLayer).init();
//! tracing::info!(user = "ann", "signed in");
//! # }
//! ```
//!
//! Nothing needs calling at exit: when the process ends normally (`main`
//! returns, `std::process::exit`, a panic in `main`), every record logged
//! is written (see [`exit`]). A configuration file ([`config`]) sets up
//! handlers, formatters and levels in full.
//!
//! Inside: loggers live in a [`Manager`] registry keyed by dotted name
//! ([`Manager::global`] is the one the macros, the facades, the C library
//! and Python share). A logging call checks one atomic threshold, builds a
//! [`FemtoLogRecord`] once and hands it to each [`FemtoHandler`]'s bounded
//! queue; each handler's own worker thread formats and writes in batches.
//! Nothing here knows about C or Python; the bindings build on this API.

// One exception, in `exit`: registering the exit drain with `atexit`.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod builder;
mod calls;
pub mod config;
pub mod context;
pub mod error_hook;
pub mod exit;
pub mod filter;
pub mod fork;
pub mod formatter;
pub mod handler;
pub mod init;
pub mod intern;
pub mod level;
#[cfg(feature = "log")]
pub mod log_facade;
pub mod logger;
pub mod macros;
pub mod manager;
pub mod net;
pub mod record;
pub mod record_pool;
mod sync;
#[cfg(any(feature = "log", feature = "tracing"))]
mod target;
#[cfg(feature = "tracing")]
pub mod tracing_layer;
pub mod wait_hook;

pub use calls::uses_membarrier;
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
pub use init::{init, init_with, InitError};
pub use level::{add_level_name, FemtoLevel, LevelParseError, STATIC_MIN_LEVEL};
pub use logger::{FemtoLogger, LogOutcome, Route};
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
