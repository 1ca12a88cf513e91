//! The C ABI of femtologging: `libfemtologging.so`, `libfemtologging.a`
//! and the generated header `include/femtologging.h`.
//!
//! Conventions (see `docs/c-api.md`): opaque handles; `_new` hands out a
//! reference and `_free` releases it (`_free(NULL)` is a no-op); every
//! fallible call returns a `femto_status` and explains failures through
//! the thread-local `femto_last_error()`; out-parameters are written only
//! on success; strings are pointer + length UTF-8; every export runs
//! inside a panic boundary and checks its pointers for NULL.

#![allow(clippy::missing_safety_doc)]
// Every export is a safe `extern "C" fn` taking C pointers: its contract
// for them is in the header, and `cast` checks what can be checked.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod api;
mod callback_handler;
mod cast;
mod config;
mod filter;
mod formatter;
mod handler;
mod interned;
mod level;
mod lifecycle;
mod logger;
mod record;
mod socket;
mod status;
mod types;
mod user_data;
mod version;

pub use femto_abi::*;

pub use api::*;
pub use callback_handler::*;
pub use config::*;
pub use filter::*;
pub use formatter::*;
pub use handler::*;
pub use level::*;
pub use lifecycle::*;
pub use logger::*;

pub use status::*;
pub use version::*;
