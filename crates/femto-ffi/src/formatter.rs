//! Formatter handles. A formatter is immutable once made; any number of
//! handlers and threads may share it.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use femto_abi::{
    femto_destroy_fn, femto_format_fn, femto_format_style, femto_formatter,
    femto_formatter_options, femto_log_args, femto_logger, femto_record, femto_status, femto_text,
    FEMTO_FORMAT_STYLE_BRACE, FEMTO_FORMAT_STYLE_DOLLAR, FEMTO_FORMAT_STYLE_PERCENT,
};
use femto_core::{
    FemtoFormatter, FemtoLogRecord, FormatFailed, FormatStyle, JsonFormatter, TemplateFormatter,
};

use crate::cast::{free, handle, logger, to_c, with_stack_handle, Castable};
use crate::level::level;

use crate::record::with_view;
use crate::status::{boundary, fail, require, Status};
use crate::types::{invalid, put, text, unknown_value};
use crate::user_data::UserData;

/// What a `femto_formatter` points at.
pub(crate) type FormatterBox = Arc<dyn FemtoFormatter>;

impl Castable for femto_formatter {
    type RustType = FormatterBox;
    const KIND: u32 = 0xFE70_464D;
    const NAME: &'static str = "femto_formatter";
}

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
    femto_formatter_new_json_ex(datefmt, datefmt_len, std::ptr::null(), out)
}

/// As `femto_formatter_new_json`, with options (`options` may be NULL for
/// the defaults; `utc` renders `asctime` in UTC; JSON escapes control
/// characters in any case). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_new_json_ex(
    datefmt: *const c_char,
    datefmt_len: usize,
    options: *const femto_formatter_options,
    out: *mut *mut femto_formatter,
) -> femto_status {
    boundary(|| {
        require!(out);
        let options = crate::types::read_sized(options)?;
        let datefmt = if datefmt.is_null() {
            None
        } else {
            Some(text(datefmt, datefmt_len, "datefmt")?)
        };
        let formatter = JsonFormatter::new(datefmt, options.utc).map_err(invalid)?;
        put(out, to_c::<femto_formatter>(Arc::new(formatter)));
        Ok(Status::Ok)
    })
}

thread_local! {
    /// `femto_formatter_format`'s text, kept between calls (no allocation a call).
    static FORMATTED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Renders the record `args` describes, as `logger` would make it, with
/// `formatter`, without logging it: the text (no line terminator) is
/// written as for `femto_config_to_json` to `buffer` (`capacity` bytes,
/// NUL-terminated) and its length to `*out_len`, or `BUFFER_TOO_SMALL`
/// with only the length written. For host languages whose own code asks a
/// formatter for a record's text. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_formatter_format(
    formatter: *const femto_formatter,
    logger: *const femto_logger,
    args: *const femto_log_args,
    buffer: *mut c_char,
    capacity: usize,
    out_len: *mut usize,
) -> femto_status {
    boundary(|| {
        let formatter = handle!(formatter);
        let logger = logger!(logger);
        require!(args, out_len);
        let args = crate::types::sized(args)?;
        let level = level(args.level)?;
        // Called for every record a Python stream handler writes: the
        // text buffer is kept for the thread's next call, and a template
        // formats the call's fields where they are, with no record built.
        let format = |text: &mut String| {
            text.clear();
            match formatter.as_template() {
                Some(template) => {
                    let fields = crate::logger::CallFields::of(logger, &args, level)?;
                    template.format_fields(&fields, text);
                }
                None => {
                    let record = crate::logger::build_record(logger, &args, level)?;
                    let formatted = formatter.try_format(&record, text);
                    femto_core::record_pool::keep_here(record);
                    formatted.map_err(|_| fail(Status::InvalidState, "the formatter failed"))?;
                }
            }
            crate::types::text_out(text, buffer, capacity, out_len)
        };
        // A formatter's callback that formats again finds the buffer
        // taken: that call uses its own.
        FORMATTED.with(|kept| match kept.try_borrow_mut() {
            Ok(mut text) => format(&mut text),
            Err(_) => format(&mut String::new()),
        })
    })
}

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
        let options = crate::types::read_sized(options)?;
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

impl Castable for femto_text {
    type RustType = *mut String;
    const KIND: u32 = 0xFE70_5458;
    const NAME: &'static str = "femto_text";
}

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
        // Once the host has gone, the record is skipped (-1: not reported).
        let code = self.user_data.call(-1, |user_data| {
            with_stack_handle::<femto_text, _>(out, |buffer| {
                with_view(record, |view| unsafe {
                    (self.format)(user_data, view, buffer)
                })
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
