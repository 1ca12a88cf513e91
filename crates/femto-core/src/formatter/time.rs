//! `asctime`: a compiled `strftime` pattern whose result is cached per
//! thread for the current second, so a busy handler formats the date part
//! at most once a second.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::format::{Item, StrftimeItems};
use chrono::{Local, TimeZone, Utc};

/// stdlib's default date format; `,mmm` milliseconds are appended to it.
pub const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A compiled date format.
#[derive(Debug)]
pub struct DateFormat {
    id: u64,
    items: Vec<Item<'static>>,
    utc: bool,
    /// Whether `,mmm` follows (stdlib does this only without `datefmt`).
    append_msecs: bool,
}

/// An invalid `strftime` pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date format {0:?}")]
pub struct DateFormatError(pub String);

/// `,000` to `,999`, four bytes each: the milliseconds a default date
/// ends with, copied in one piece.
const MILLIS: &str = {
    const BYTES: [u8; 4000] = {
        let mut bytes = [0u8; 4000];
        let mut millis = 0;
        while millis < 1000 {
            bytes[millis * 4] = b',';
            bytes[millis * 4 + 1] = b'0' + (millis / 100) as u8;
            bytes[millis * 4 + 2] = b'0' + (millis / 10 % 10) as u8;
            bytes[millis * 4 + 3] = b'0' + (millis % 10) as u8;
            millis += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("ASCII digits are UTF-8"),
    }
};

thread_local! {
    /// (format id, second, text) of the last date formatted on this thread.
    static LAST: RefCell<(u64, i64, String)> = const { RefCell::new((0, i64::MIN, String::new())) };
}

impl DateFormat {
    /// Compiles `datefmt`; `None` means stdlib's default with milliseconds.
    pub fn new(datefmt: Option<&str>, utc: bool) -> Result<Self, DateFormatError> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let pattern = datefmt.unwrap_or(DEFAULT_DATE_FORMAT);
        let items = StrftimeItems::new(pattern)
            .parse_to_owned()
            .map_err(|_| DateFormatError(pattern.to_owned()))?;
        Ok(DateFormat {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            items,
            utc,
            append_msecs: datefmt.is_none(),
        })
    }

    /// Writes the date of `created_ns` into `out`.
    pub fn write(&self, created_ns: u64, out: &mut String) {
        let secs = (created_ns / 1_000_000_000) as i64;
        let cached = LAST
            .try_with(|last| {
                let mut last = last.borrow_mut();
                if last.0 != self.id || last.1 != secs {
                    last.2.clear();
                    self.render_second(secs, &mut last.2);
                    last.0 = self.id;
                    last.1 = secs;
                }
                out.push_str(&last.2);
            })
            .is_ok();
        if !cached {
            self.render_second(secs, out);
        }
        if self.append_msecs {
            let millis = (created_ns % 1_000_000_000 / 1_000_000) as usize;
            out.push_str(&MILLIS[millis * 4..millis * 4 + 4]);
        }
    }

    fn render_second(&self, secs: i64, out: &mut String) {
        let items = self.items.iter();
        let _ = if self.utc {
            match Utc.timestamp_opt(secs, 0).single() {
                Some(dt) => write!(out, "{}", dt.format_with_items(items)),
                None => Ok(()),
            }
        } else {
            match Local.timestamp_opt(secs, 0).earliest() {
                Some(dt) => write!(out, "{}", dt.format_with_items(items)),
                None => Ok(()),
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const T: u64 = 1_700_000_000_123_456_789; // 2023-11-14 22:13:20.123 UTC

    #[rstest]
    #[case::some(T, "2023-11-14 22:13:20,123")]
    #[case::none(T - 123_456_789, "2023-11-14 22:13:20,000")]
    #[case::last(T + 876_543_210, "2023-11-14 22:13:20,999")]
    #[case::leading_zero(T - 76_000_000, "2023-11-14 22:13:20,047")]
    fn default_format_has_milliseconds(#[case] created_ns: u64, #[case] expected: &str) {
        let f = DateFormat::new(None, true).unwrap();
        let mut out = String::new();
        f.write(created_ns, &mut out);
        assert_eq!(out, expected);
    }

    #[rstest]
    fn custom_format_and_cache_across_formats() {
        let a = DateFormat::new(Some("%H:%M"), true).unwrap();
        let b = DateFormat::new(Some("%Y"), true).unwrap();
        let mut out = String::new();
        a.write(T, &mut out);
        b.write(T, &mut out);
        a.write(T + 1_000_000_000, &mut out);
        assert_eq!(out, "22:13202322:13", "{out}");
    }

    #[rstest]
    fn bad_pattern_is_rejected() {
        assert!(DateFormat::new(Some("%Q%"), false).is_err());
    }
}
