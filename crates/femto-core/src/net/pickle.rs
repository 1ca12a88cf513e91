//! The standard library's socket wire format, for the drop-in
//! `logging.handlers.SocketHandler` and `DatagramHandler`: each record a
//! 4-byte big-endian length and a pickled dict of `LogRecord` attributes,
//! which a receiver turns back into a record with `logging.makeLogRecord`.
//! Written here, on the worker, so the logging call never pickles.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::frame::{framed, FrameError};
use crate::record::FemtoLogRecord;

/// A record as the standard library's `SocketHandler.makePickle` lays it
/// out: `msg` merged with its arguments, `args` and `exc_info` None, the
/// traceback in `exc_text`, `extra` as attributes.
struct StdlibRecord<'a>(&'a FemtoLogRecord);

impl Serialize for StdlibRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.0;
        let location = &record.location;
        let mut map = serializer.serialize_map(Some(21 + record.key_values.len()))?;
        map.serialize_entry("name", &*record.logger)?;
        map.serialize_entry("msg", &record.message)?;
        map.serialize_entry("args", &None::<()>)?;
        map.serialize_entry("levelname", &record.level.name().to_string())?;
        map.serialize_entry("levelno", &record.level.value())?;
        map.serialize_entry(
            "pathname",
            location.file.as_deref().unwrap_or("(unknown file)"),
        )?;
        map.serialize_entry("filename", location.filename())?;
        map.serialize_entry("module", location.module())?;
        map.serialize_entry("exc_info", &None::<()>)?;
        map.serialize_entry("exc_text", &record.exception)?;
        map.serialize_entry("stack_info", &record.stack)?;
        map.serialize_entry("lineno", &location.line)?;
        map.serialize_entry("funcName", &location.function.as_deref())?;
        map.serialize_entry("created", &record.created_secs())?;
        map.serialize_entry("msecs", &record.msecs())?;
        map.serialize_entry("relativeCreated", &record.relative_created_ms())?;
        map.serialize_entry("thread", &record.thread_id)?;
        map.serialize_entry("threadName", &*record.thread_name)?;
        map.serialize_entry("processName", "MainProcess")?;
        map.serialize_entry("process", &record.process_id)?;
        map.serialize_entry("taskName", &None::<()>)?;
        for (key, value) in &record.key_values {
            map.serialize_entry(&**key, &**value)?;
        }
        map.end()
    }
}

/// Appends `record`'s frame in the standard library's format to `out`; on
/// error `out` is as it was.
pub fn encode(record: &FemtoLogRecord, limit: usize, out: &mut Vec<u8>) -> Result<(), FrameError> {
    framed(limit, out, |out| {
        let options = serde_pickle::SerOptions::new().proto_v2();
        serde_pickle::to_writer(out, &StdlibRecord(record), options)
            .map_err(|e| FrameError::Pickle(e.to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::FemtoLevel;
    use rstest::rstest;

    #[rstest]
    fn frames_carry_a_length_and_a_protocol_2_pickle() {
        let record = FemtoLogRecord::new("app".into(), FemtoLevel::ERROR, "failed")
            .with_key_value("user", "ann");
        let mut out = Vec::new();
        encode(&record, 1 << 20, &mut out).unwrap();
        let size = u32::from_be_bytes(out[..4].try_into().unwrap()) as usize;
        assert_eq!(size, out.len() - 4);
        assert_eq!(&out[4..6], b"\x80\x02", "PROTO 2");
        let value: serde_pickle::Value =
            serde_pickle::from_slice(&out[4..], serde_pickle::DeOptions::new()).unwrap();
        let text = format!("{value:?}");
        for expected in [
            "\"name\"",
            "\"app\"",
            "\"msg\"",
            "\"failed\"",
            "\"levelno\"",
            "I64(40)",
            "\"user\"",
            "\"ann\"",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }
}
