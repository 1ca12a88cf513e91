//! Library and ABI versions. The constants become the header's macros; a
//! test checks them against Cargo.toml.

use std::ffi::c_char;

use femto_abi::FEMTO_ABI_VERSION;

/// Major version of the library (the header's `FEMTO_VERSION_MAJOR`).
pub const FEMTO_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const FEMTO_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const FEMTO_VERSION_PATCH: u32 = 0;
/// `MAJOR * 10000 + MINOR * 100 + PATCH`, for `#if` comparisons.
pub const FEMTO_VERSION_NUMBER: u32 = 100;

/// The library version as "MAJOR.MINOR.PATCH" (static, NUL-terminated).
#[no_mangle]
pub extern "C" fn femto_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version of the loaded library. Compare it with
/// `FEMTO_ABI_VERSION` from the header you compiled against.
#[no_mangle]
pub extern "C" fn femto_abi_version() -> u32 {
    FEMTO_ABI_VERSION
}
