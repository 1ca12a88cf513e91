//! Property tests ("fuzzing" on stable Rust) of what C callers hand the
//! library: arbitrary bytes and lengths as logger names, messages, format
//! strings, level names and record fields, arbitrary integers as enums and
//! levels. Whatever the input, a call returns a status (explained by
//! `femto_last_error()`), never panics, aborts or reads past what it was
//! given. Inputs that once crashed are kept below as regression cases.
//!
//! `make test` runs 256 cases of each property; a longer run (`make fuzz`):
//! `PROPTEST_CASES=100000 cargo test -p femto-ffi --release --test input_fuzz`.

use std::ffi::c_char;
use std::ptr;

use femtologging::*;
use proptest::prelude::*;

fn ptr_of(bytes: &[u8]) -> *const c_char {
    bytes.as_ptr().cast()
}

/// A status that is OK or a documented error, with a message for errors.
fn check(status: femto_status) {
    let known = [
        FEMTO_STATUS_OK,
        FEMTO_STATUS_DROPPED,
        FEMTO_STATUS_NULL_ARGUMENT,
        FEMTO_STATUS_INVALID_ARGUMENT,
        FEMTO_STATUS_IO,
    ];
    assert!(known.contains(&status), "unexpected status {status}");
    if status >= 7000 {
        // SAFETY: femto_last_error returns a NUL-terminated string.
        let message = unsafe { std::ffi::CStr::from_ptr(femto_last_error()) };
        assert!(!message.to_bytes().is_empty());
    }
}

/// Bytes biased towards what parsers look at: UTF-8 edges, dots, `%(`,
/// braces, dollars, NULs.
fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        "[a-z.%(){}$sdrl0-9 \\-]{0,40}".prop_map(String::into_bytes),
        proptest::collection::vec(
            prop_oneof![
                Just(b'%'),
                Just(b'('),
                Just(b')'),
                Just(b'.'),
                Just(0xC3),
                Just(0x80),
                any::<u8>()
            ],
            0..32
        ),
    ]
}

fn a_logger() -> *const femto_logger {
    let mut logger = ptr::null();
    assert_eq!(
        femto_logger_get(ptr_of(b"fuzz"), 4, &mut logger),
        FEMTO_STATUS_OK
    );
    // Keep records from reaching the last resort's stderr.
    let mut null = ptr::null_mut();
    assert_eq!(femto_null_handler_new(&mut null), FEMTO_STATUS_OK);
    femto_logger_add_handler(logger, null);
    femto_logger_set_propagate(logger, false);
    femto_handler_free(null);
    logger
}

proptest! {
    #[test]
    fn logger_names(name in text()) {
        let mut logger = ptr::null();
        check(femto_logger_get(ptr_of(&name), name.len(), &mut logger));
    }

    #[test]
    fn format_strings(format in text(), datefmt in proptest::option::of(text()), style in -2i32..5) {
        let mut formatter = ptr::null_mut();
        let (date_ptr, date_len) = datefmt.as_ref().map_or((ptr::null(), 0), |d| (ptr_of(d), d.len()));
        let status = femto_formatter_new(style, ptr_of(&format), format.len(), date_ptr, date_len, &mut formatter);
        check(status);
        prop_assert_eq!(status == FEMTO_STATUS_OK, !formatter.is_null());
        femto_formatter_free(formatter);
    }

    #[test]
    fn level_names(name in text(), level in any::<i32>()) {
        let mut out = 0;
        check(femto_level_from_name(ptr_of(&name), name.len(), &mut out));
        check(femto_add_level_name(level, ptr_of(&name), name.len()));
        let (mut text, mut len) = (ptr::null(), 0);
        check(femto_level_name(level, &mut text, &mut len));
    }

    #[test]
    fn records(
        level in any::<i32>(),
        message in text(),
        file in text(),
        key in text(),
        value in text(),
        kv_count in 0usize..3,
        exception in proptest::option::of(text()),
    ) {
        let logger = a_logger();
        let kv = femto_kv {
            key: femto_str { ptr: ptr_of(&key), len: key.len() },
            value: femto_str { ptr: ptr_of(&value), len: value.len() },
        };
        let kvs = vec![kv; kv_count];
        let mut args = femto_log_args {
            size: std::mem::size_of::<femto_log_args>(),
            level,
            message: femto_str { ptr: ptr_of(&message), len: message.len() },
            file: femto_str { ptr: ptr_of(&file), len: file.len() },
            line: 7,
            function: femto_str { ptr: ptr::null(), len: 0 },
            module: femto_str { ptr: ptr::null(), len: 0 },
            key_values: if kvs.is_empty() { ptr::null() } else { kvs.as_ptr() },
            key_value_count: kvs.len(),
            exception: exception.as_ref().map_or(femto_str { ptr: ptr::null(), len: 0 }, |e| femto_str { ptr: ptr_of(e), len: e.len() }),
            stack: femto_str { ptr: ptr::null(), len: 0 },
            thread_name: femto_str { ptr: ptr::null(), len: 0 },
            thread_id: 0,
            created_ns: 0,
            caller_side_done: false,
        };
        check(femto_logger_log_ex(logger, &args));
        check(femto_logger_log(logger, level, ptr_of(&message), message.len()));
        args.size = std::mem::size_of::<usize>(); // below every version of the struct
        prop_assert_eq!(femto_logger_log_ex(logger, &args), FEMTO_STATUS_STRUCT_TOO_SMALL);
    }

    #[test]
    fn configuration_text(text in text()) {
        let mut config = ptr::null_mut();
        check(femto_config_from_toml(ptr_of(&text), text.len(), &mut config));
        femto_config_free(config);
        check(femto_config_from_json(ptr_of(&text), text.len(), &mut config));
        femto_config_free(config);
    }
}

/// Inputs that once crashed the library, kept so they never do again.
#[test]
fn regressions() {
    // `femto_status_message` on a number that is no status (was a segfault).
    // SAFETY: the result is a static NUL-terminated string.
    let text = unsafe { std::ffi::CStr::from_ptr(femto_status_message(42)) };
    assert_eq!(text.to_bytes(), b"unknown status");
    // An out-of-range stream and formatter style (were accepted as enums).
    let mut handler = ptr::null_mut();
    assert_eq!(
        femto_stream_handler_new(7, ptr::null(), &mut handler),
        FEMTO_STATUS_INVALID_ARGUMENT
    );
    let mut formatter = ptr::null_mut();
    assert_eq!(
        femto_formatter_new(5, ptr_of(b"x"), 1, ptr::null(), 0, &mut formatter),
        FEMTO_STATUS_INVALID_ARGUMENT
    );
    // NULL key-values with a huge count (was an allocation abort).
    let logger = a_logger();
    let args = femto_log_args {
        size: std::mem::size_of::<femto_log_args>(),
        level: FEMTO_LEVEL_ERROR,
        message: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        file: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        line: 0,
        function: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        module: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        key_values: ptr::null(),
        key_value_count: 1 << 40,
        exception: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        stack: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        thread_name: femto_str {
            ptr: ptr::null(),
            len: 0,
        },
        thread_id: 0,
        created_ns: 0,
        caller_side_done: false,
    };
    assert_eq!(
        femto_logger_log_ex(logger, &args),
        FEMTO_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        femto_loggers_set(ptr::null(), 1 << 40),
        FEMTO_STATUS_NULL_ARGUMENT
    );
}
