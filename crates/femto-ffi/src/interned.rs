//! NUL-terminated copies of long-lived strings (level and logger names),
//! made once each, so that C can be handed `const char *` names that live
//! as long as the process. The set is small: names are few.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

static INTERNED: LazyLock<Mutex<HashMap<String, &'static [u8]>>> = LazyLock::new(Default::default);

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
