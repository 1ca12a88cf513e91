//! Interning of long-lived strings: logger names, thread names, source
//! files and function names. A record then carries `&'static str`s that
//! cost nothing to copy or drop, instead of allocating (or bumping a shared
//! reference count) on the logging thread and freeing on the worker.
//!
//! Such strings are few in a real program; the table is capped all the
//! same, and past the cap callers keep an owned copy per record.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use crate::sync::lock;

/// Text stored on records: usually interned, owned past the cap.
pub type Text = Cow<'static, str>;

/// Most distinct strings kept for the life of the process.
pub const INTERN_CAP: usize = 1 << 16;
/// Most bytes of interned text kept for the life of the process.
pub const INTERN_BYTES_CAP: usize = 4 << 20;
/// Longer strings are never interned: a one-off text (a message passed
/// as a file or logger name) must not stay in memory for good.
pub const INTERN_MAX_LEN: usize = 512;

static TABLE: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);
/// Bytes of text in the table (guarded by its lock; read without it).
static INTERNED_BYTES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Bytes of text interned so far (at most [`INTERN_BYTES_CAP`]).
pub fn interned_bytes() -> usize {
    INTERNED_BYTES.load(std::sync::atomic::Ordering::Relaxed)
}

/// The table's lock, held across `fork` (see `fork.rs`) so that a child
/// never finds it taken by a thread that did not survive the fork.
pub(crate) struct ForkGuard(
    #[allow(dead_code)] std::sync::MutexGuard<'static, HashSet<&'static str>>,
);

pub(crate) fn lock_for_fork() -> ForkGuard {
    ForkGuard(lock(&TABLE))
}

/// The interned copy of `text`, or `None` for a text longer than
/// [`INTERN_MAX_LEN`] and once the table is full (in count or in bytes).
pub fn intern(text: &str) -> Option<&'static str> {
    if text.len() > INTERN_MAX_LEN {
        return None;
    }
    let mut table = lock(&TABLE);
    if let Some(interned) = table.get(text) {
        return Some(interned);
    }
    let bytes = interned_bytes();
    if table.len() >= INTERN_CAP || bytes + text.len() > INTERN_BYTES_CAP {
        return None;
    }
    let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
    table.insert(leaked);
    INTERNED_BYTES.store(bytes + text.len(), std::sync::atomic::Ordering::Relaxed);
    Some(leaked)
}

/// `text` as record text: interned when possible, owned otherwise.
pub fn text(text: &str) -> Text {
    match intern(text) {
        Some(interned) => Cow::Borrowed(interned),
        None => Cow::Owned(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_one_copy() {
        let a = intern("femto.intern.test").unwrap();
        let b = intern(&String::from("femto.intern.test")).unwrap();
        assert!(std::ptr::eq(a, b));
        assert!(matches!(text("x.y"), Cow::Borrowed("x.y")));
    }
}

/// Entries of the per-thread cache in front of the table.
const CACHE_SLOTS: usize = 64;

thread_local! {
    /// (address, interned text) of recently seen strings: the logging hot
    /// path usually passes the same literals (`__FILE__`, `__func__`, a
    /// thread's name) again and again, and this avoids the table's lock.
    static CACHE: [std::cell::Cell<(usize, &'static str)>; CACHE_SLOTS] =
        const { [const { std::cell::Cell::new((0, "")) }; CACHE_SLOTS] };
}

/// Record text for `bytes`, validated as UTF-8 and interned, looked up in
/// a per-thread cache keyed by address first, so a string seen before at
/// the same address costs one comparison.
pub fn cached(bytes: &[u8]) -> Result<Text, std::str::Utf8Error> {
    let address = bytes.as_ptr() as usize;
    // Two-way: a string is looked for in a pair of slots, so two strings
    // that map to the same slot do not evict each other on every record.
    let pair = (((address >> 3) ^ bytes.len()) % (CACHE_SLOTS / 2)) * 2;
    let hit = CACHE
        .try_with(|cache| {
            [pair, pair + 1].into_iter().find_map(|slot| {
                let (cached_address, cached_text) = cache[slot].get();
                (cached_address == address && cached_text.as_bytes() == bytes)
                    .then_some(cached_text)
            })
        })
        .ok()
        .flatten();
    if let Some(text) = hit {
        return Ok(Cow::Borrowed(text));
    }
    let text = std::str::from_utf8(bytes)?;
    match intern(text) {
        Some(interned) => {
            let _ = CACHE.try_with(|cache| {
                cache[pair + 1].set(cache[pair].get());
                cache[pair].set((address, interned));
            });
            Ok(Cow::Borrowed(interned))
        }
        None => Ok(Cow::Owned(text.to_owned())),
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    #[test]
    fn cache_checks_contents_not_just_addresses() {
        let mut buffer = *b"alpha";
        assert_eq!(cached(&buffer).unwrap(), "alpha");
        assert_eq!(cached(&buffer).unwrap(), "alpha");
        buffer.copy_from_slice(b"omega");
        assert_eq!(cached(&buffer).unwrap(), "omega");
        assert!(cached(&[0xff]).is_err());
    }
}
