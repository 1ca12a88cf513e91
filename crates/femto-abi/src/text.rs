//! Strings and key-values as they cross the boundary.

use core::ffi::c_char;

/// A borrowed UTF-8 string: pointer and length in bytes, not necessarily
/// NUL-terminated. `{NULL, 0}` means "absent". The bytes only need to live
/// for the duration of the call they are passed to.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_str {
    pub ptr: *const c_char,
    pub len: usize,
}

impl femto_str {
    /// `{NULL, 0}`: absent.
    pub const fn absent() -> femto_str {
        femto_str {
            ptr: core::ptr::null(),
            len: 0,
        }
    }

    /// The pair `(ptr, len)` a C function took as two parameters.
    pub const fn new(ptr: *const c_char, len: usize) -> femto_str {
        femto_str { ptr, len }
    }

    /// Borrows `text` (valid while `text` is).
    pub fn of(text: &str) -> femto_str {
        femto_str {
            ptr: text.as_ptr().cast(),
            len: text.len(),
        }
    }

    /// Borrows `text`, or absent for `None`.
    pub fn of_opt(text: Option<&str>) -> femto_str {
        text.map_or(femto_str::absent(), femto_str::of)
    }
}

/// A structured key-value pair attached to a record.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_kv {
    pub key: femto_str,
    pub value: femto_str,
}
