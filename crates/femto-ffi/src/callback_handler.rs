//! The callback handler: host-language code (a C function, a Python
//! handler) receives each formatted record on the handler's worker thread.

use std::ffi::{c_char, c_void};
use std::io;
use std::sync::Arc;

use femto_abi::{
    femto_destroy_fn, femto_flush_fn, femto_handler, femto_handler_options, femto_record,
    femto_status, femto_write_fn,
};
use femto_core::{FemtoHandler, FemtoLogRecord, Sink, SinkFactory};

use crate::handler::{handler_options, publish};
use crate::lifecycle::ensure_initialized;
use crate::record::with_view;
use crate::status::{boundary, fail, require, Status};
use crate::user_data::UserData;

struct Callbacks {
    write:
        unsafe extern "C-unwind" fn(*mut c_void, *const femto_record, *const c_char, usize) -> i32,
    flush: femto_flush_fn,
    user_data: UserData,
}

struct CallbackSink(Arc<Callbacks>);

impl Sink for CallbackSink {
    fn write(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        let callbacks = &self.0;
        // SAFETY: valid callback and user data per the contract above; the
        // view and text outlive the call.
        let code = callbacks.user_data.call(HOST_GONE, |user_data| {
            with_view(record, |view| unsafe {
                (callbacks.write)(user_data, view, text.as_ptr().cast(), text.len())
            })
        });
        callback_result(code)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.flush {
            // SAFETY: as for `write`.
            Some(flush) => callback_result(
                self.0
                    .user_data
                    .call(HOST_GONE, |user_data| unsafe { flush(user_data) }),
            ),
            None => Ok(()),
        }
    }
}

/// What a write or flush returns once the host has gone: a failure the
/// host cannot report (counted, not reported).
const HOST_GONE: i32 = -1;

/// 0 is success; a negative code is a failure the callback reported
/// itself (counted, not reported again); a positive one is reported.
fn callback_result(code: i32) -> io::Result<()> {
    match code {
        0 => Ok(()),
        code if code < 0 => Err(io::Error::other(femto_core::error_hook::AlreadyReported)),
        code => Err(io::Error::other(format!("callback returned {code}"))),
    }
}

struct CallbackFactory {
    callbacks: Arc<Callbacks>,
    /// The write callback reads the text alone (see `text_only`).
    text_only: bool,
}

impl SinkFactory for CallbackFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(CallbackSink(Arc::clone(&self.callbacks))))
    }

    fn describe(&self) -> String {
        "callback".into()
    }

    fn reads_location(&self) -> bool {
        !self.text_only
    }
}

/// A handler that hands each formatted record to `write` on its worker
/// thread (see `femto_write_fn`); `flush` (may be NULL) runs once per
/// batch. The call takes ownership of `user_data`: `destroy(user_data)`
/// (may be NULL) runs exactly once, after the last callback (when the
/// handler is released and its queue drained), or before this function
/// returns if it fails. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_callback_handler_new(
    write: femto_write_fn,
    flush: femto_flush_fn,
    user_data: *mut c_void,
    destroy: femto_destroy_fn,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    // Owned from here on: every early return below runs `destroy`.
    let user_data = UserData::adopt(user_data, destroy);
    boundary(move || {
        require!(out);
        ensure_initialized();
        let Some(write) = write else {
            return Err(fail(Status::NullArgument, "argument `write` is NULL"));
        };
        let text_only = crate::handler::text_only(options)?;
        let options = handler_options(options)?;
        let callbacks = Arc::new(Callbacks {
            write,
            flush,
            user_data,
        });
        let factory = CallbackFactory {
            callbacks,
            text_only,
        };
        publish(FemtoHandler::new(Box::new(factory), options), out)
    })
}
