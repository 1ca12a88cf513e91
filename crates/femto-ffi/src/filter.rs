//! Filter handles: level, logger-name (stdlib `Filter(name)`) and C
//! callbacks.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use femto_abi::{femto_destroy_fn, femto_filter, femto_filter_fn, femto_record, femto_status};
use femto_core::{FemtoFilter, FemtoLogRecord, LevelFilter, NameFilter};

use crate::cast::{free, to_c, Castable};
use crate::level::level;
use crate::record::with_view;
use crate::status::{boundary, require, Status};
use crate::types::{put, text};
use crate::user_data::UserData;

/// What a `femto_filter` points at.
pub(crate) type FilterBox = Arc<dyn FemtoFilter>;

impl Castable for femto_filter {
    type RustType = FilterBox;
    const KIND: u32 = 0xFE70_464C;
    const NAME: &'static str = "femto_filter";
}

fn publish(filter: FilterBox, out: *mut *mut femto_filter) -> crate::status::Outcome {
    put(out, to_c::<femto_filter>(filter));
    Ok(Status::Ok)
}

/// A filter passing records whose level is in `min_level..=max_level`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_filter_new_level(
    min_level: i32,
    max_level: i32,
    out: *mut *mut femto_filter,
) -> femto_status {
    boundary(|| {
        require!(out);
        let (min, max) = (level(min_level)?, level(max_level)?);
        publish(Arc::new(LevelFilter { min, max }), out)
    })
}

/// stdlib `logging.Filter(name)`: passes records of logger `name` and its
/// descendants; an empty name passes everything. The name is copied.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_filter_new_name(
    name: *const c_char,
    name_len: usize,
    out: *mut *mut femto_filter,
) -> femto_status {
    boundary(|| {
        require!(out);
        let name = text(name, name_len, "name")?;
        publish(Arc::new(NameFilter::new(name)), out)
    })
}

struct CallbackFilter {
    filter: unsafe extern "C-unwind" fn(*mut c_void, *const femto_record) -> bool,
    user_data: UserData,
}

impl FemtoFilter for CallbackFilter {
    fn should_log(&self, record: &FemtoLogRecord) -> bool {
        // SAFETY: the caller supplied a valid function and user data; the
        // view outlives the call.
        // Once the host has gone, its filters reject everything.
        self.user_data.call(false, |user_data| {
            with_view(record, |view| unsafe { (self.filter)(user_data, view) })
        })
    }
}

/// A filter calling `filter(user_data, record)`. The call takes ownership
/// of `user_data`: `destroy(user_data)` (may be NULL) runs exactly once,
/// when the filter's last reference is released, or before this function
/// returns if it fails. Thread-safe (the callback must be too).
#[no_mangle]
pub extern "C" fn femto_filter_new_callback(
    filter: femto_filter_fn,
    user_data: *mut c_void,
    destroy: femto_destroy_fn,
    out: *mut *mut femto_filter,
) -> femto_status {
    // Owned from here on: every early return below runs `destroy`.
    let user_data = UserData::adopt(user_data, destroy);
    boundary(move || {
        require!(out);
        let Some(filter) = filter else {
            return Err(crate::status::fail(
                Status::NullArgument,
                "argument `filter` is NULL",
            ));
        };
        publish(Arc::new(CallbackFilter { filter, user_data }), out)
    })
}

/// Releases the caller's reference. `NULL` is a no-op. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_filter_free(filter: *mut femto_filter) {
    // SAFETY: the caller passes NULL or a handle it has not freed yet.
    crate::status::boundary_or((), || unsafe { free(filter) });
}
