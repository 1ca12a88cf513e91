//! The socket handler's wire format: each record is one frame, a 4-byte
//! big-endian payload length and then a MessagePack map (schema in
//! docs/socket.md). The map carries its schema version under `"v"`, so a
//! receiver can refuse what it does not know instead of misreading it.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::intern::Text;
use crate::level::{FemtoLevel, LevelName};
use crate::record::{FemtoLogRecord, SourceLocation};

/// The schema version this engine writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The default largest payload (1 MiB): a bigger record is dropped and
/// counted.
pub const DEFAULT_MAX_FRAME: usize = 1 << 20;

/// Bytes of the length prefix.
pub const PREFIX_LEN: usize = 4;

/// One record as it travels: the fields of [`FemtoLogRecord`] under the
/// names of docs/socket.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRecord<'a> {
    /// The schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// The logger's dotted name.
    #[serde(borrow)]
    pub logger: Cow<'a, str>,
    /// The level number (10 DEBUG … 50 CRITICAL).
    pub level: u32,
    /// The level's name, as the sender names it.
    #[serde(borrow)]
    pub level_name: Cow<'a, str>,
    /// The message, arguments already merged.
    #[serde(borrow)]
    pub message: Cow<'a, str>,
    /// Wall-clock time in nanoseconds since the Unix epoch.
    pub time_ns: u64,
    /// The source file, if known.
    #[serde(borrow, default)]
    pub file: Option<Cow<'a, str>>,
    /// The line (0: unknown).
    #[serde(default)]
    pub line: u32,
    /// The function, if known.
    #[serde(borrow, default)]
    pub function: Option<Cow<'a, str>>,
    /// The logging thread's identifier.
    pub thread_id: u64,
    /// The logging thread's name.
    #[serde(borrow)]
    pub thread_name: Cow<'a, str>,
    /// The process identifier.
    pub process_id: u32,
    /// Structured key-values, in order (a MessagePack map of strings).
    #[serde(borrow, with = "ordered_map", default)]
    pub key_values: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Formatted exception text.
    #[serde(borrow, default)]
    pub exception: Option<Cow<'a, str>>,
    /// Formatted stack text.
    #[serde(borrow, default)]
    pub stack: Option<Cow<'a, str>>,
}

impl<'a> WireRecord<'a> {
    /// A view of `record`, borrowing its text.
    pub fn of(record: &'a FemtoLogRecord) -> Self {
        WireRecord {
            v: SCHEMA_VERSION,
            logger: Cow::Borrowed(&record.logger),
            level: record.level.value(),
            level_name: match record.level.name() {
                LevelName::Static(name) => Cow::Borrowed(name),
                unnamed => Cow::Owned(unnamed.to_string()),
            },
            message: Cow::Borrowed(&record.message),
            time_ns: record.created_ns,
            file: record.location.file.as_deref().map(Cow::Borrowed),
            line: record.location.line,
            function: record.location.function.as_deref().map(Cow::Borrowed),
            thread_id: record.thread_id,
            thread_name: Cow::Borrowed(&record.thread_name),
            process_id: record.process_id,
            key_values: record
                .key_values
                .iter()
                .map(|(k, v)| (Cow::Borrowed(&**k), Cow::Borrowed(&**v)))
                .collect(),
            exception: record.exception.as_deref().map(Cow::Borrowed),
            stack: record.stack.as_deref().map(Cow::Borrowed),
        }
    }

    /// The record this describes, as the sender made it (time, thread and
    /// process included).
    pub fn into_record(self) -> FemtoLogRecord {
        // Names repeat from record to record: interned, as the engine's own.
        let text = |cow: Cow<'_, str>| -> Text { crate::intern::text(&cow) };
        FemtoLogRecord {
            logger: text(self.logger),
            level: FemtoLevel(self.level),
            message: self.message.into_owned(),
            created_ns: self.time_ns,
            thread_id: self.thread_id,
            thread_name: text(self.thread_name),
            process_id: self.process_id,
            location: SourceLocation {
                file: self.file.map(text),
                line: self.line,
                function: self.function.map(text),
                module: None,
            },
            key_values: self
                .key_values
                .into_iter()
                .map(|(k, v)| (k.into_owned().into(), v.into_owned().into()))
                .collect(),
            exception: self.exception.map(Cow::into_owned),
            stack: self.stack.map(Cow::into_owned),
        }
    }
}

/// Why a record could not become a frame, or bytes a record.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The payload is larger than the handler's maximum.
    #[error("frame of {size} bytes is over the limit of {limit}")]
    TooLarge {
        /// The payload's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// MessagePack encoding failed.
    #[error("cannot encode the record: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
    /// The payload is not a record of a known schema.
    #[error("cannot decode the record: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    /// Pickling failed (the standard library's format).
    #[error("cannot pickle the record: {0}")]
    Pickle(String),
    /// The payload names a schema this engine does not read.
    #[error("schema version {0} is not {SCHEMA_VERSION}")]
    Version(u32),
}

/// Appends `record`'s frame to `out`; on error `out` is as it was.
pub fn encode(record: &FemtoLogRecord, limit: usize, out: &mut Vec<u8>) -> Result<(), FrameError> {
    framed(limit, out, |out| {
        rmp_serde::encode::write_named(out, &WireRecord::of(record)).map_err(FrameError::from)
    })
}

/// Appends a frame whose payload `write` appends to `out`: the length
/// prefix, checked against `limit`. On error `out` is as it was.
pub(crate) fn framed(
    limit: usize,
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), FrameError>,
) -> Result<(), FrameError> {
    let start = out.len();
    out.extend_from_slice(&[0; PREFIX_LEN]);
    let written = write(out);
    let size = out.len() - start - PREFIX_LEN;
    let checked = written.and_then(|()| {
        u32::try_from(size)
            .ok()
            .filter(|_| size <= limit)
            .ok_or(FrameError::TooLarge { size, limit })
    });
    match checked {
        Ok(prefix) => {
            out[start..start + PREFIX_LEN].copy_from_slice(&prefix.to_be_bytes());
            Ok(())
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// Decodes one payload (without its prefix).
pub fn decode(payload: &[u8]) -> Result<WireRecord<'_>, FrameError> {
    let record: WireRecord<'_> = rmp_serde::from_slice(payload)?;
    if record.v != SCHEMA_VERSION {
        return Err(FrameError::Version(record.v));
    }
    Ok(record)
}

/// What [`read_frame`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A payload, in the buffer given.
    Payload,
    /// A payload over the limit, skipped: its size.
    Skipped(usize),
    /// The peer closed the stream between frames.
    End,
}

/// Reads the next frame from `stream` into `payload`. A stream that ends
/// inside a frame (a sender cut off mid-write) is `UnexpectedEof`.
pub fn read_frame(
    stream: &mut impl Read,
    limit: usize,
    payload: &mut Vec<u8>,
) -> io::Result<Frame> {
    let mut prefix = [0u8; PREFIX_LEN];
    let mut filled = 0;
    while filled < PREFIX_LEN {
        match stream.read(&mut prefix[filled..]) {
            Ok(0) if filled == 0 => return Ok(Frame::End),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let size = u32::from_be_bytes(prefix) as usize;
    if size > limit {
        io::copy(&mut stream.take(size as u64), &mut io::sink())?;
        return Ok(Frame::Skipped(size));
    }
    payload.clear();
    payload.resize(size, 0);
    stream.read_exact(payload)?;
    Ok(Frame::Payload)
}

/// Key-values as a MessagePack map that keeps their order (and repeats).
mod ordered_map {
    use super::*;

    type Pairs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

    pub fn serialize<S: Serializer>(pairs: &Pairs<'_>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(pairs.len()))?;
        for (key, value) in pairs {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Pairs<'de>, D::Error> {
        struct PairsVisitor;

        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Pairs<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
                while let Some((key, value)) = map.next_entry::<Cow<'de, str>, Cow<'de, str>>()? {
                    pairs.push((key, value));
                }
                Ok(pairs)
            }
        }

        deserializer.deserialize_map(PairsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn sample() -> FemtoLogRecord {
        FemtoLogRecord::new("app.db".into(), FemtoLevel::WARNING, "slow query: 12 ms")
            .with_location(SourceLocation {
                file: Some("src/db.rs".to_owned().into()),
                line: 42,
                function: Some("query".to_owned().into()),
                module: None,
            })
            .with_key_value("user", "ann")
            .with_key_value("user", "bob")
    }

    #[rstest]
    fn a_record_round_trips() {
        let mut record = sample();
        record.exception = Some("Traceback ...".into());
        let mut bytes = Vec::new();
        encode(&record, DEFAULT_MAX_FRAME, &mut bytes).unwrap();
        let size = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        assert_eq!(size, bytes.len() - PREFIX_LEN);
        let back = decode(&bytes[PREFIX_LEN..]).unwrap().into_record();
        assert_eq!(&*back.logger, "app.db");
        assert_eq!(back.level, FemtoLevel::WARNING);
        assert_eq!(back.message, record.message);
        assert_eq!(back.created_ns, record.created_ns);
        assert_eq!(back.thread_id, record.thread_id);
        assert_eq!(back.process_id, record.process_id);
        assert_eq!(back.location.file.as_deref(), Some("src/db.rs"));
        assert_eq!(back.location.line, 42);
        assert_eq!(back.location.function.as_deref(), Some("query"));
        assert_eq!(back.key_values, record.key_values);
        assert_eq!(back.exception.as_deref(), Some("Traceback ..."));
        assert_eq!(back.stack, None);
    }

    #[rstest]
    fn the_payload_is_a_map_with_the_documented_names() {
        let mut bytes = Vec::new();
        encode(&sample(), DEFAULT_MAX_FRAME, &mut bytes).unwrap();
        let value: rmpv_like::Value = rmp_serde::from_slice(&bytes[PREFIX_LEN..]).unwrap();
        let keys: Vec<&str> = value.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "v",
                "logger",
                "level",
                "level_name",
                "message",
                "time_ns",
                "file",
                "line",
                "function",
                "thread_id",
                "thread_name",
                "process_id",
                "key_values",
                "exception",
                "stack"
            ]
        );
    }

    /// The payload read as a map of any values, to see its keys.
    mod rmpv_like {
        #[derive(serde::Deserialize)]
        pub struct Value(#[serde(with = "serde_map")] pub Vec<(String, serde::de::IgnoredAny)>);

        mod serde_map {
            use serde::de::{IgnoredAny, MapAccess, Visitor};
            use std::fmt;

            pub fn deserialize<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Vec<(String, IgnoredAny)>, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Vec<(String, IgnoredAny)>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a map")
                    }
                    fn visit_map<A: MapAccess<'de>>(
                        self,
                        mut m: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut out = Vec::new();
                        while let Some(entry) = m.next_entry()? {
                            out.push(entry);
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    }

    #[rstest]
    fn an_oversized_record_is_refused_and_leaves_the_buffer_alone() {
        let record = FemtoLogRecord::new("big".into(), FemtoLevel::INFO, "x".repeat(2_000));
        let mut bytes = b"earlier".to_vec();
        let error = encode(&record, 1_000, &mut bytes).unwrap_err();
        assert!(matches!(error, FrameError::TooLarge { limit: 1_000, .. }));
        assert_eq!(bytes, b"earlier");
    }

    #[rstest]
    fn frames_are_read_back_one_by_one_and_oversized_ones_skipped() {
        let mut bytes = Vec::new();
        encode(&sample(), DEFAULT_MAX_FRAME, &mut bytes).unwrap();
        let big = FemtoLogRecord::new("big".into(), FemtoLevel::INFO, "x".repeat(5_000));
        encode(&big, DEFAULT_MAX_FRAME, &mut bytes).unwrap();
        encode(&sample(), DEFAULT_MAX_FRAME, &mut bytes).unwrap();
        let mut stream = &bytes[..];
        let mut payload = Vec::new();
        assert_eq!(
            read_frame(&mut stream, 4_096, &mut payload).unwrap(),
            Frame::Payload
        );
        assert!(matches!(
            read_frame(&mut stream, 4_096, &mut payload).unwrap(),
            Frame::Skipped(n) if n > 5_000
        ));
        assert_eq!(
            read_frame(&mut stream, 4_096, &mut payload).unwrap(),
            Frame::Payload
        );
        assert_eq!(decode(&payload).unwrap().message, "slow query: 12 ms");
        assert_eq!(
            read_frame(&mut stream, 4_096, &mut payload).unwrap(),
            Frame::End
        );
    }

    #[rstest]
    fn a_cut_frame_is_an_error_and_an_unknown_version_refused() {
        let mut bytes = Vec::new();
        encode(&sample(), DEFAULT_MAX_FRAME, &mut bytes).unwrap();
        let mut cut = &bytes[..bytes.len() - 3];
        let error = read_frame(&mut cut, DEFAULT_MAX_FRAME, &mut Vec::new()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);

        let record = sample();
        let mut wire = WireRecord::of(&record);
        wire.v = 2;
        let payload = rmp_serde::to_vec_named(&wire).unwrap();
        assert!(matches!(decode(&payload), Err(FrameError::Version(2))));
    }
}
