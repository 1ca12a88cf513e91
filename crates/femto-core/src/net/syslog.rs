//! Syslog messages: the standard library's `SysLogHandler` layout
//! (`<PRI>ident + text`, NUL-terminated by default) and RFC 5424 with the
//! record's key-values as structured data, framed by octet counting on a
//! stream (RFC 6587) or one message per datagram.

use std::fmt::Write as _;

use super::frame::FrameError;
use crate::record::FemtoLogRecord;

/// The structured data ID of the record's key-values (32473 is the
/// enterprise number RFC 5612 reserves for examples and documentation).
pub const SD_ID: &str = "femto@32473";

/// How one message is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogFormat {
    /// The facility number (user = 1, local0 = 16 … local7 = 23).
    pub facility: u8,
    /// The standard library's `ident`, put before the text; RFC 5424's
    /// APP-NAME.
    pub ident: String,
    /// RFC 5424 instead of the standard library's layout.
    pub rfc5424: bool,
    /// The standard library's `append_nul` (its layout only).
    pub append_nul: bool,
    /// Octet counting before each message (RFC 6587): for RFC 5424 over a
    /// stream.
    pub octet_counting: bool,
    /// RFC 5424's HOSTNAME.
    pub hostname: String,
}

impl SyslogFormat {
    /// The standard library's layout for `facility`.
    pub fn stdlib(facility: u8) -> Self {
        SyslogFormat {
            facility,
            ident: String::new(),
            rfc5424: false,
            append_nul: true,
            octet_counting: false,
            hostname: hostname(),
        }
    }
}

/// The machine's host name, or `-` (RFC 5424's nil value).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "-".to_owned())
}

/// The severity of a level: the standard library maps its five names
/// (`DEBUG` 7, `INFO` 6, `WARNING` 4, `ERROR` 3, `CRITICAL` 2) and calls
/// anything else a warning; RFC 5424 mode maps custom levels by range.
pub fn severity(record: &FemtoLogRecord, by_range: bool) -> u8 {
    let level = record.level.value();
    if by_range {
        return match level {
            50.. => 2,
            40..=49 => 3,
            30..=39 => 4,
            20..=29 => 6,
            _ => 7,
        };
    }
    match level {
        10 => 7,
        20 => 6,
        40 => 3,
        50 => 2,
        _ => 4,
    }
}

/// Appends `record`'s message (its formatted `text`) to `out`; on error
/// `out` is as it was.
pub fn encode(
    format: &SyslogFormat,
    record: &FemtoLogRecord,
    text: &str,
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    let mut message = String::with_capacity(text.len() + 96);
    let priority = u32::from(format.facility) * 8 + u32::from(severity(record, format.rfc5424));
    if format.rfc5424 {
        let time = chrono::DateTime::from_timestamp_nanos(record.created_ns as i64)
            .format("%Y-%m-%dT%H:%M:%S%.6fZ");
        let app = if format.ident.is_empty() {
            "-"
        } else {
            format.ident.as_str()
        };
        let _ = write!(
            message,
            "<{priority}>1 {time} {} {} {} - ",
            header_field(&format.hostname),
            header_field(app),
            record.process_id
        );
        structured_data(record, &mut message);
        message.push(' ');
        message.push_str(text);
    } else {
        let _ = write!(message, "<{priority}>{}{text}", format.ident);
        if format.append_nul {
            message.push('\0');
        }
    }
    if message.len() > limit {
        return Err(FrameError::TooLarge {
            size: message.len(),
            limit,
        });
    }
    if format.octet_counting {
        let _ = write!(VecWriter(out), "{} ", message.len());
    }
    out.extend_from_slice(message.as_bytes());
    Ok(())
}

/// A header field: printable ASCII without spaces (RFC 5424, 6), else `-`.
fn header_field(value: &str) -> &str {
    if !value.is_empty() && value.bytes().all(|b| (33..=126).contains(&b)) {
        value
    } else {
        "-"
    }
}

/// `[femto@32473 key="value" …]`, or `-` with no key-values. Names are
/// cut to what RFC 5424 allows; `"`, `\` and `]` in values are escaped.
fn structured_data(record: &FemtoLogRecord, out: &mut String) {
    if record.key_values.is_empty() {
        out.push('-');
        return;
    }
    out.push('[');
    out.push_str(SD_ID);
    for (key, value) in &record.key_values {
        let name: String = key
            .chars()
            .filter(|c| c.is_ascii_graphic() && !matches!(c, '=' | ' ' | ']' | '"'))
            .take(32)
            .collect();
        if name.is_empty() {
            continue;
        }
        let _ = write!(out, " {name}=\"");
        for c in value.chars() {
            if matches!(c, '"' | '\\' | ']') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push(']');
}

/// `write!` into a byte vector.
struct VecWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::FemtoLevel;
    use rstest::rstest;

    fn record(level: FemtoLevel) -> FemtoLogRecord {
        let mut record = FemtoLogRecord::new("app".into(), level, "m");
        record.created_ns = 1_764_946_800_123_456_789;
        record.process_id = 42;
        record
    }

    #[rstest]
    #[case(FemtoLevel::DEBUG, false, b"<15>app: hi\0".as_slice())]
    #[case(FemtoLevel::ERROR, false, b"<11>app: hi\0".as_slice())]
    #[case(FemtoLevel(25), false, b"<12>app: hi\0".as_slice())]
    fn the_standard_librarys_layout(
        #[case] level: FemtoLevel,
        #[case] _x: bool,
        #[case] expected: &[u8],
    ) {
        let format = SyslogFormat {
            ident: "app: ".into(),
            ..SyslogFormat::stdlib(1)
        };
        let mut out = Vec::new();
        encode(&format, &record(level), "hi", 1024, &mut out).unwrap();
        assert_eq!(out, expected);
    }

    #[rstest]
    fn rfc5424_with_structured_data_and_octet_counting() {
        let format = SyslogFormat {
            facility: 16,
            ident: "billing".into(),
            rfc5424: true,
            append_nul: false,
            octet_counting: true,
            hostname: "host1".into(),
        };
        let record = record(FemtoLevel::WARNING)
            .with_key_value("user", "a\"b]c")
            .with_key_value("bad key", "x");
        let mut out = Vec::new();
        encode(&format, &record, "disk low", 4096, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let message = "<132>1 2025-12-05T15:00:00.123456Z host1 billing 42 - [femto@32473 user=\"a\\\"b\\]c\" badkey=\"x\"] disk low";
        assert_eq!(text, format!("{} {message}", message.len()));
    }

    #[rstest]
    fn a_message_over_the_limit_is_refused() {
        let mut out = b"x".to_vec();
        let error = encode(
            &SyslogFormat::stdlib(1),
            &record(FemtoLevel::INFO),
            "long text",
            5,
            &mut out,
        );
        assert!(matches!(error, Err(FrameError::TooLarge { .. })));
        assert_eq!(out, b"x");
    }
}
