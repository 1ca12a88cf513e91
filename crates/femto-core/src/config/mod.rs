//! Whole configurations: formatters, filters, handlers and loggers named
//! once and applied in one step.
//!
//! A [`ConfigBuilder`] is the model. Code fills it with builders; the
//! TOML and JSON loaders ([`ConfigBuilder::from_toml`],
//! [`ConfigBuilder::from_json`], [`ConfigBuilder::from_path`]) fill the
//! same model from a file, which the C and Python bindings share, so one
//! file configures programs in every language alike.
//!
//! [`ConfigBuilder::build_and_init`] checks everything, builds every
//! handler, and only then swaps the configuration in, as one change to the
//! registry: a record logged meanwhile sees the old configuration or the
//! new one, never a mix. The handlers of the configuration it replaces are
//! detached, drained and closed. On any error nothing changes.
//!
//! ```
//! use femto_core::builder::{FileHandlerBuilder, StreamHandlerBuilder};
//! use femto_core::config::{ConfigBuilder, FormatterBuilder, HandlerSpec, LoggerBuilder};
//! use femto_core::{FemtoLevel, Manager};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let manager = Manager::new();
//! ConfigBuilder::new()
//!     .formatter("plain", FormatterBuilder::new("%(levelname)s %(name)s: %(message)s"))
//!     .handler(
//!         "file",
//!         HandlerSpec::new(FileHandlerBuilder::new(dir.path().join("app.log"))).formatter("plain"),
//!     )
//!     .root(LoggerBuilder::new().level(FemtoLevel::INFO).handlers(["file"]))
//!     .build_and_init_in(&manager)
//!     .unwrap();
//! assert_eq!(manager.root().handlers().len(), 1);
//! ```

mod apply;
mod classes;
mod confine;
mod error;
mod export;
mod file;
mod spec;

pub use classes::{classes, ClassEntry, DynClass, FileTarget, HandlerClass, Keys};
pub use confine::{confine_file, confined_path, CONFINED_FILE_MODE};
pub use error::{ConfigError, ConfigErrorKind};
pub use file::handler_from_json;
pub use spec::{
    ConfigBuilder, FilterBuilder, FormatterBuilder, HandlerKind, HandlerSpec, LoggerBuilder,
};
