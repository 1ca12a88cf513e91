//! Level names and numbers.

use std::ffi::c_char;

use femto_abi::femto_status;
use femto_core::level::{add_level_name, LevelName};
use femto_core::FemtoLevel;

use crate::status::{boundary, fail, require, Status};
use crate::types::{invalid, put, text};

/// Converts a C level; negative numbers are invalid.
pub(crate) fn level(value: i32) -> Result<FemtoLevel, Status> {
    u32::try_from(value).map(FemtoLevel).map_err(|_| {
        fail(
            Status::InvalidArgument,
            format!("level {value} is negative"),
        )
    })
}

/// Parses a level name (case-insensitive; `WARN` = `WARNING`; registered
/// custom names; decimal numbers) into `*out_level`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_level_from_name(
    name: *const c_char,
    name_len: usize,
    out_level: *mut i32,
) -> femto_status {
    boundary(|| {
        require!(out_level);
        let name = text(name, name_len, "name")?;
        let parsed = FemtoLevel::parse(name).map_err(invalid)?;
        let value = i32::try_from(parsed.value()).map_err(|_| {
            fail(
                Status::InvalidArgument,
                format!("level {name:?} is out of range"),
            )
        })?;
        put(out_level, value);
        Ok(Status::Ok)
    })
}

/// Writes the name of `level` to `*out_name`/`*out_len`: a standard name,
/// a registered custom name, or "" for an unnamed level. The string is
/// static (valid for the life of the process) and NUL-terminated.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_level_name(
    level_value: i32,
    out_name: *mut *const c_char,
    out_len: *mut usize,
) -> femto_status {
    boundary(|| {
        require!(out_name, out_len);
        let level = level(level_value)?;
        let name: &'static str = match level.name() {
            LevelName::Static(name) => name,
            LevelName::Unnamed(_) => "",
        };
        // Names are leaked for the process lifetime; add the terminator once.
        let terminated = crate::interned::with_nul(name);
        put(out_name, terminated.as_ptr().cast());
        put(out_len, name.len());
        Ok(Status::Ok)
    })
}

/// Registers (or renames) a level, like Python's `addLevelName`: a
/// standard level may be renamed too, and an empty name is shown as it is
/// (but names no level when parsing). A name that is a number is refused.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_add_level_name(
    level_value: i32,
    name: *const c_char,
    name_len: usize,
) -> femto_status {
    boundary(|| {
        let level = level(level_value)?;
        let name = text(name, name_len, "name")?;
        add_level_name(level, name).map_err(invalid)?;
        Ok(Status::Ok)
    })
}
