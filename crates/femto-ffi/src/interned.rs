//! NUL-terminated copies of long-lived strings (level and logger names),
//! made once each, so that C can be handed `const char *` names that live
//! as long as the process. The set is small: names are few.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

/// Names, each with its NUL-terminated copy.
type Table = HashMap<String, &'static [u8]>;

static INTERNED: LazyLock<Mutex<Table>> = LazyLock::new(Default::default);

/// `text` followed by a NUL byte, with static lifetime.
pub(crate) fn with_nul(text: &str) -> &'static [u8] {
    let mut map = INTERNED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(bytes) = map.get(text) {
        return bytes;
    }
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    let leaked: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    map.insert(text.to_owned(), leaked);
    leaked
}

thread_local! {
    /// The table's lock, held by the forking thread across `fork`.
    static HELD: std::cell::RefCell<Option<std::sync::MutexGuard<'static, Table>>> =
        const { std::cell::RefCell::new(None) };
}

/// Takes the table's lock before `fork`, so the child never inherits it
/// held by a thread that does not exist there. A leaf lock: nothing else
/// is locked while it is held.
pub(crate) fn lock_for_fork() {
    let guard = INTERNED.lock().unwrap_or_else(PoisonError::into_inner);
    HELD.with(|held| *held.borrow_mut() = Some(guard));
}

/// Releases what `lock_for_fork` took (in the parent and in the child).
pub(crate) fn unlock_after_fork() {
    HELD.with(|held| held.borrow_mut().take());
}
