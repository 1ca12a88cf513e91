//! The C ABI exercised from Rust: versions agree with Cargo.toml, and a
//! panic inside a callback is caught, counted and reported.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use femtologging::*;
use rstest::rstest;

#[rstest]
fn version_constants_agree_with_cargo() {
    let major: u32 = env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap();
    let minor: u32 = env!("CARGO_PKG_VERSION_MINOR").parse().unwrap();
    let patch: u32 = env!("CARGO_PKG_VERSION_PATCH").parse().unwrap();
    assert_eq!(
        (
            FEMTO_VERSION_MAJOR,
            FEMTO_VERSION_MINOR,
            FEMTO_VERSION_PATCH
        ),
        (major, minor, patch)
    );
    assert_eq!(FEMTO_VERSION_NUMBER, major * 10000 + minor * 100 + patch);
    let runtime = unsafe { CStr::from_ptr(femto_version()) }.to_str().unwrap();
    assert_eq!(runtime, env!("CARGO_PKG_VERSION"));
    assert_eq!(femto_abi_version(), FEMTO_ABI_VERSION);
}

#[rstest]
fn header_macros_agree_with_cargo() {
    let header = include_str!("../../../include/femtologging.h");
    for (name, value) in [
        ("FEMTO_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("FEMTO_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("FEMTO_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert!(
            header.contains(&format!("#define {name} {value}\n")),
            "{name} != {value} in the header"
        );
    }
    let number = FEMTO_VERSION_NUMBER.to_string();
    assert!(header.contains(&format!("#define FEMTO_VERSION_NUMBER {number}\n")));
}

static PANICS_SEEN: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C-unwind" fn panicking_write(
    _: *mut c_void,
    _: *const femto_record,
    _: *const c_char,
    len: usize,
) -> i32 {
    if len == 5 {
        panic!("callback bug");
    }
    0
}

unsafe extern "C-unwind" fn panicking_filter(_: *mut c_void, record: *const femto_record) -> bool {
    if unsafe { (*record).message.len } == 4 {
        panic!("filter bug");
    }
    true
}

unsafe extern "C-unwind" fn count_errors(
    _: *mut c_void,
    _: *const c_char,
    _: usize,
    kind: i32,
    _: *const c_char,
    _: usize,
) {
    if kind == FEMTO_ERROR_PANIC {
        PANICS_SEEN.fetch_add(1, Ordering::SeqCst);
    }
}

#[rstest]
fn a_panicking_callback_is_counted_and_logging_goes_on() {
    let mut logger = ptr::null();
    assert_eq!(
        femto_logger_get(c"ffi.panic".as_ptr(), 9, &mut logger),
        FEMTO_STATUS_OK
    );
    assert_eq!(
        femto_set_error_hook(Some(count_errors), ptr::null_mut()),
        FEMTO_STATUS_OK
    );
    let mut handler = ptr::null_mut();
    let status = femto_callback_handler_new(
        Some(panicking_write),
        None,
        ptr::null_mut(),
        None,
        ptr::null(),
        &mut handler,
    );
    assert_eq!(status, FEMTO_STATUS_OK);
    let mut filter = ptr::null_mut();
    assert_eq!(
        femto_filter_new_callback(Some(panicking_filter), ptr::null_mut(), None, &mut filter),
        FEMTO_STATUS_OK
    );
    assert_eq!(femto_logger_add_handler(logger, handler), FEMTO_STATUS_OK);
    assert_eq!(femto_logger_add_filter(logger, filter), FEMTO_STATUS_OK);
    for message in ["boom!", "fine", "ok then"] {
        let status = femto_logger_log(
            logger,
            FEMTO_LEVEL_ERROR,
            message.as_ptr().cast(),
            message.len(),
        );
        assert_eq!(status, FEMTO_STATUS_OK, "{message}");
    }
    assert_eq!(femto_handler_flush(handler, 10_000), FEMTO_STATUS_OK);
    let mut stats = femto_handler_stats {
        size: std::mem::size_of::<femto_handler_stats>(),
        ..Default::default()
    };
    assert_eq!(
        femto_handler_stats_get(handler, &mut stats),
        FEMTO_STATUS_OK
    );
    assert_eq!(stats.errors, 1, "the sink panic is counted");
    assert_eq!(stats.written, 1, "only \"ok then\" was written");
    assert_eq!(
        PANICS_SEEN.load(Ordering::SeqCst),
        2,
        "sink and filter panics both reported"
    );
    femto_set_error_hook(None, ptr::null_mut());
    assert_eq!(femto_handler_close(handler, 10_000), FEMTO_STATUS_OK);
    femto_filter_free(filter);
    femto_handler_free(handler);
}

#[rstest]
fn the_function_table_is_complete_and_versioned() {
    let api = unsafe { &*femto_api_get() };
    assert_eq!(api.size, std::mem::size_of::<femto_api>());
    assert_eq!(api.abi_version, FEMTO_ABI_VERSION);
    assert_eq!((api.abi_version_fn)(), FEMTO_ABI_VERSION);
    let direct: extern "C" fn(*const femto_logger, i32, *const c_char, usize) -> femto_status =
        femto_logger_log;
    assert!(std::ptr::fn_addr_eq(api.logger_log, direct));
}
