//! Formatter handles. A formatter is immutable once made; any number of
//! handlers and threads may share it.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use femto_core::{
    FemtoFormatter, FemtoLogRecord, FormatFailed, FormatStyle, JsonFormatter, TemplateFormatter,
};

use crate::cast::{free, handle, to_c, with_stack_handle, Castable};
use crate::filter::femto_destroy_fn;
use crate::record::{femto_record, with_view};
use crate::status::{boundary, fail, femto_status, require, Status};
use crate::types::{invalid, put, text, unknown_value};
use crate::user_data::UserData;

/// An immutable formatter. Thread-safe: share it freely. Release your
/// reference with `femto_formatter_free`; handlers keep their own.
#[allow(non_camel_case_types)]
pub struct femto_formatter {
    _private: [u8; 0],
}

/// What a `femto_formatter` points at.
pub(crate) type FormatterBox = Arc<dyn FemtoFormatter>;

impl Castable for femto_formatter {
    type RustType = FormatterBox;
    const KIND: u32 = 0xFE70_464D;
    const NAME: &'static str = "femto_formatter";
}

/// The placeholder syntax of a format string: one of the
/// `FEMTO_FORMAT_STYLE_*` values (a 32-bit integer on the wire; any other
/// value is refused with `FEMTO_STATUS_INVALID_ARGUMENT`).
#[allow(non_camel_case_types)]
pub type femto_format_style = i32;

/// `%(name)s` (stdlib's default).
pub const FEMTO_FORMAT_STYLE_PERCENT: femto_format_style = 0;
/// `{name}`
pub const FEMTO_FORMAT_STYLE_BRACE: femto_format_style = 1;
/// `$name` / `${name}`
pub const FEMTO_FORMAT_STYLE_DOLLAR: femto_format_style = 2;

/// The engine's style for a caller's `femto_format_style`.
fn format_style(style: femto_format_style) -> Result<FormatStyle, Status> {
    Ok(match style {
        FEMTO_FORMAT_STYLE_PERCENT => FormatStyle::Percent,
        FEMTO_FORMAT_STYLE_BRACE => FormatStyle::Brace,
        FEMTO_FORMAT_STYLE_DOLLAR => FormatStyle::Dollar,
        other => return Err(unknown_value("style", "femto_format_style", other)),
    })
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
        let style = format_style(style)?;
        let formatter = TemplateFormatter::new(format, style, datefmt).map_err(invalid)?;
        put(out, to_c::<femto_formatter>(Arc::new(formatter)));
        Ok(Status::Ok)
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
        put(out, to_c::<femto_formatter>(Arc::new(formatter)));
        Ok(Status::Ok)
    })
}

/// The buffer a `femto_format_fn` appends a record's text to (with
/// `femto_text_append`). Valid only during the callback.
/// Options for `femto_formatter_new_ex`. Initialise with
/// `FEMTO_FORMATTER_OPTIONS_INIT` (or set `size =
/// sizeof(femto_formatter_options)` and zero the rest). Fields are only
/// ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_formatter_options {
    /// `sizeof(femto_formatter_options)` as the caller compiled it.
    pub size: usize,
    /// Write control characters in the values put into the format (the
    /// message, names, key-values …) as escapes (`\n`, `\r`, `\x1b`,
    /// `\u0085`), so that a message cannot forge a log line or drive a
    /// terminal. The format's own text and exception and stack text are
    /// written as they are.
    pub escape_controls: bool,
    /// Render `asctime` in UTC instead of local time.
    pub utc: bool,
}

const FORMATTER_OPTIONS_V1: usize = std::mem::size_of::<femto_formatter_options>();

/// As `femto_formatter_new`, with options (`options` may be NULL for the
/// defaults). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_new_ex(
    style: femto_format_style,
    format: *const c_char,
    format_len: usize,
    datefmt: *const c_char,
    datefmt_len: usize,
    options: *const femto_formatter_options,
    out: *mut *mut femto_formatter,
) -> femto_status {
    boundary(|| {
        require!(format, out);
        let defaults = femto_formatter_options {
            size: FORMATTER_OPTIONS_V1,
            escape_controls: false,
            utc: false,
        };
        let options = crate::types::read_sized(options, defaults, FORMATTER_OPTIONS_V1)?;
        let format = text(format, format_len, "format")?;
        let datefmt = if datefmt.is_null() {
            None
        } else {
            Some(text(datefmt, datefmt_len, "datefmt")?)
        };
        let formatter =
            TemplateFormatter::with_utc(format, format_style(style)?, datefmt, options.utc)
                .map_err(invalid)?
                .escaping_controls(options.escape_controls);
        put(out, to_c::<femto_formatter>(Arc::new(formatter)));
        Ok(Status::Ok)
    })
}

#[allow(non_camel_case_types)]
pub struct femto_text {
    _private: [u8; 0],
}

impl Castable for femto_text {
    type RustType = *mut String;
    const KIND: u32 = 0xFE70_5458;
    const NAME: &'static str = "femto_text";
}

/// Renders one record: append its text (no line terminator) to `out` with
/// `femto_text_append`. Return 0 on success; any other value skips the
/// record, which counts as an error of the handler. A positive value is
/// also reported to the error hook; a negative one is not (for callbacks
/// that reported the failure themselves).
///
/// Called on the worker threads of the handlers using the formatter, which
/// may be several at once: it must be thread-safe and must not log to
/// those handlers.
#[allow(non_camel_case_types)]
pub type femto_format_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        record: *const femto_record,
        out: *mut femto_text,
    ) -> i32,
>;

struct CallbackFormatter {
    format: unsafe extern "C-unwind" fn(*mut c_void, *const femto_record, *mut femto_text) -> i32,
    user_data: UserData,
}

impl FemtoFormatter for CallbackFormatter {
    fn format(&self, record: &FemtoLogRecord, out: &mut String) {
        // The worker calls `try_format`; a plain `format` caller gets
        // whatever the callback appended.
        let _ = self.try_format(record, out);
    }

    fn try_format(&self, record: &FemtoLogRecord, out: &mut String) -> Result<(), FormatFailed> {
        // SAFETY: the caller supplied a valid function and user data; the
        // view and the buffer outlive the call.
        let code = with_stack_handle::<femto_text, _>(out, |buffer| {
            with_view(record, |view| unsafe {
                (self.format)(self.user_data.ptr, view, buffer)
            })
        });
        match code {
            0 => Ok(()),
            code if code < 0 => Err(FormatFailed::Reported),
            code => Err(FormatFailed::Report(format!(
                "format callback returned {code}"
            ))),
        }
    }
}

/// A formatter calling `format(user_data, record, out)` (see
/// `femto_format_fn`), for formats only host-language code can produce.
/// The call takes ownership of `user_data`: `destroy(user_data)` (may be
/// NULL) runs exactly once, when the formatter's last reference is
/// released, or before this function returns if it fails. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_new_callback(
    format: femto_format_fn,
    user_data: *mut c_void,
    destroy: femto_destroy_fn,
    out: *mut *mut femto_formatter,
) -> femto_status {
    // Owned from here on: every early return below runs `destroy`.
    let user_data = UserData::adopt(user_data, destroy);
    boundary(move || {
        require!(out);
        let Some(format) = format else {
            return Err(fail(Status::NullArgument, "argument `format` is NULL"));
        };
        let formatter = CallbackFormatter { format, user_data };
        put(out, to_c::<femto_formatter>(Arc::new(formatter)));
        Ok(Status::Ok)
    })
}

/// Appends `text`/`text_len` (UTF-8) to a formatter callback's output
/// buffer. Only valid inside a `femto_format_fn` call, with its `out`.
#[no_mangle]
pub extern "C" fn femto_text_append(
    out: *mut femto_text,
    text_ptr: *const c_char,
    text_len: usize,
) -> femto_status {
    boundary(|| {
        let buffer: &*mut String = handle!(out);
        let piece = text(text_ptr, text_len, "text")?;
        // SAFETY: a `femto_text` lives on the stack of the running
        // `femto_format_fn` call and points at its output `String`.
        unsafe { &mut **buffer }.push_str(piece);
        Ok(Status::Ok)
    })
}

/// Releases the caller's reference. `NULL` is a no-op. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_free(formatter: *mut femto_formatter) {
    // SAFETY: the caller passes NULL or a handle it has not freed yet.
    crate::status::boundary_or((), || unsafe { free(formatter) });
}
