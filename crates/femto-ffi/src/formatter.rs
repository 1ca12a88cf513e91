//! Formatter handles. A formatter is immutable once made; any number of
//! handlers and threads may share it.

use std::ffi::c_char;
use std::sync::Arc;

use femto_core::{FemtoFormatter, FormatStyle, JsonFormatter, TemplateFormatter};

use crate::status::{boundary, femto_status, require};
use crate::types::{arc_release, arc_to_c, invalid, put, text};

/// An immutable formatter. Thread-safe: share it freely. Release your
/// reference with `femto_formatter_free`; handlers keep their own.
#[allow(non_camel_case_types)]
pub struct femto_formatter {
    _private: [u8; 0],
}

/// What a `femto_formatter` points at.
pub(crate) type FormatterBox = Arc<dyn FemtoFormatter>;

/// The placeholder syntax of a format string.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum femto_format_style {
    /// `%(name)s` (stdlib's default).
    Percent = 0,
    /// `{name}`
    Brace = 1,
    /// `$name` / `${name}`
    Dollar = 2,
}

/// Compiles a stdlib-style format string into a formatter.
///
/// `format`/`format_len`: the format, e.g. `"%(asctime)s %(levelname)s %(message)s"`.
/// `datefmt`/`datefmt_len`: a `strftime` pattern for `asctime`, or NULL/0
/// for stdlib's `YYYY-MM-DD HH:MM:SS,mmm`. Strings are copied.
/// On success `*out` holds a new reference. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_new(
    style: femto_format_style,
    format: *const c_char,
    format_len: usize,
    datefmt: *const c_char,
    datefmt_len: usize,
    out: *mut *mut femto_formatter,
) -> femto_status {
    boundary(|| {
        require!(format, out);
        let format = text(format, format_len, "format")?;
        let datefmt = if datefmt.is_null() {
            None
        } else {
            Some(text(datefmt, datefmt_len, "datefmt")?)
        };
        let style = match style {
            femto_format_style::Percent => FormatStyle::Percent,
            femto_format_style::Brace => FormatStyle::Brace,
            femto_format_style::Dollar => FormatStyle::Dollar,
        };
        let formatter = TemplateFormatter::new(format, style, datefmt).map_err(invalid)?;
        let boxed: FormatterBox = Arc::new(formatter);
        put(out, arc_to_c(Arc::new(boxed)));
        Ok(femto_status::Ok)
    })
}

/// A formatter writing one JSON object per record (stdlib attribute names,
/// then the record's key-values). `datefmt` as for `femto_formatter_new`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_new_json(
    datefmt: *const c_char,
    datefmt_len: usize,
    out: *mut *mut femto_formatter,
) -> femto_status {
    boundary(|| {
        require!(out);
        let datefmt = if datefmt.is_null() {
            None
        } else {
            Some(text(datefmt, datefmt_len, "datefmt")?)
        };
        let formatter = JsonFormatter::new(datefmt, false).map_err(invalid)?;
        let boxed: FormatterBox = Arc::new(formatter);
        put(out, arc_to_c(Arc::new(boxed)));
        Ok(femto_status::Ok)
    })
}

/// Releases the caller's reference. `NULL` is a no-op. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_free(formatter: *mut femto_formatter) {
    crate::status::boundary_or((), || arc_release::<FormatterBox, _>(formatter));
}
