//! The types of femtologging's C ABI: plain data, opaque handle types,
//! callback signatures and the function table.
//!
//! One definition serves every side of the boundary: `femto-ffi` exports
//! functions over these types, cbindgen writes `include/femtologging.h`
//! from them, and the Python extension calls the library through
//! [`femto_api`] without a copy of its own. The crate has no code that
//! runs and exports no symbol, so depending on it never brings a second
//! engine into a process.

#![no_std]
#![allow(non_camel_case_types)]

mod api;
mod callbacks;
mod handles;
mod layout;
mod options;
mod record;
mod status;
mod text;

pub use api::*;
pub use callbacks::*;
pub use handles::*;
pub use layout::{layout, LayoutEntry};
pub use options::*;
pub use record::*;
pub use status::*;
pub use text::*;

/// A struct that begins with its own `size` and only ever grows at the
/// end, so that code built against an older header keeps working: the
/// library reads (or writes) no more than the caller's `size` bytes.
pub trait Versioned: Copy {
    /// The size first published; a caller's `size` below it is refused.
    const FIRST_SIZE: usize;
    /// Every field at its default (zero), at this version's size.
    fn defaults() -> Self;
}

/// The ABI version. It changes only when an existing function or struct
/// changes incompatibly; appending to the API or to a sized struct does not.
pub const FEMTO_ABI_VERSION: u32 = 2;

/// Level numbers, the stdlib scale. Custom levels may use any other number.
pub const FEMTO_LEVEL_NOTSET: i32 = 0;
pub const FEMTO_LEVEL_TRACE: i32 = 5;
pub const FEMTO_LEVEL_DEBUG: i32 = 10;
pub const FEMTO_LEVEL_INFO: i32 = 20;
pub const FEMTO_LEVEL_WARNING: i32 = 30;
pub const FEMTO_LEVEL_ERROR: i32 = 40;
pub const FEMTO_LEVEL_CRITICAL: i32 = 50;
