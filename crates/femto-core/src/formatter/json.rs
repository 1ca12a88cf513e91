//! One JSON object per record, with stdlib attribute names, so that log
//! shippers can read femtologging's output without a custom parser.

use std::fmt::Write as _;

use super::time::DateFormat;
use super::FemtoFormatter;
use crate::level::LevelName;
use crate::record::FemtoLogRecord;

/// Writes `{"asctime": …, "created": …, "levelname": …, "levelno": …,
/// "name": …, "message": …, …}`, then the record's key-values, exception
/// (`exc_info`) and stack (`stack_info`) when present.
#[derive(Debug)]
pub struct JsonFormatter {
    date: DateFormat,
}

impl JsonFormatter {
    /// A JSON formatter whose `asctime` uses `datefmt` (stdlib default when
    /// `None`).
    pub fn new(datefmt: Option<&str>, utc: bool) -> Result<Self, super::DateFormatError> {
        Ok(JsonFormatter {
            date: DateFormat::new(datefmt, utc)?,
        })
    }
}

impl Default for JsonFormatter {
    fn default() -> Self {
        JsonFormatter {
            date: DateFormat::new(None, false)
                .unwrap_or_else(|_| unreachable!("default date format")),
        }
    }
}

impl FemtoFormatter for JsonFormatter {
    fn format(&self, rec: &FemtoLogRecord, out: &mut String) {
        let loc = &rec.location;
        out.push_str("{\"asctime\":\"");
        self.date.write(rec.created_ns, out);
        let _ = write!(out, "\",\"created\":{:.6}", rec.created_secs());
        out.push_str(",\"levelname\":");
        match rec.level.name() {
            LevelName::Static(name) => push_json_str(out, name),
            unnamed => push_json_str(out, &unnamed.to_string()),
        }
        let _ = write!(out, ",\"levelno\":{}", rec.level.value());
        out.push_str(",\"name\":");
        push_json_str(out, &rec.logger);
        out.push_str(",\"message\":");
        push_json_str(out, &rec.message);
        let _ = write!(
            out,
            ",\"process\":{},\"thread\":{}",
            rec.process_id, rec.thread_id
        );
        out.push_str(",\"threadName\":");
        push_json_str(out, &rec.thread_name);
        if let Some(file) = loc.file.as_deref() {
            out.push_str(",\"pathname\":");
            push_json_str(out, file);
            let _ = write!(out, ",\"lineno\":{}", loc.line);
        }
        if let Some(function) = loc.function.as_deref() {
            out.push_str(",\"funcName\":");
            push_json_str(out, function);
        }
        for (key, value) in &rec.key_values {
            out.push(',');
            push_json_str(out, key);
            out.push(':');
            push_json_str(out, value);
        }
        if let Some(exception) = rec.exception.as_deref() {
            out.push_str(",\"exc_info\":");
            push_json_str(out, exception);
        }
        if let Some(stack) = rec.stack.as_deref() {
            out.push_str(",\"stack_info\":");
            push_json_str(out, stack);
        }
        out.push('}');
    }
}

/// Appends `text` as a JSON string literal (RFC 8259 escaping).
pub(crate) fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::FemtoLevel;
    use rstest::rstest;

    #[rstest]
    #[case("plain")]
    #[case("quote \" backslash \\ newline \n tab \t bell \u{7} é ✓")]
    #[case("")]
    fn strings_round_trip_through_serde_json(#[case] text: &str) {
        let mut out = String::new();
        push_json_str(&mut out, text);
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, text);
    }

    #[rstest]
    fn record_is_one_valid_object() {
        let mut rec = FemtoLogRecord::new("svc".into(), FemtoLevel::ERROR, "bad \"thing\"")
            .with_key_value("request_id", "r-1");
        rec.exception = Some("Traceback\n  boom".into());
        let mut out = String::new();
        JsonFormatter::default().format(&rec, &mut out);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["levelname"], "ERROR");
        assert_eq!(value["levelno"], 40);
        assert_eq!(value["name"], "svc");
        assert_eq!(value["message"], "bad \"thing\"");
        assert_eq!(value["request_id"], "r-1");
        assert_eq!(value["exc_info"], "Traceback\n  boom");
    }
}
