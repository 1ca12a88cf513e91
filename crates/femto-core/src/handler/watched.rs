//! A file sink that reopens its file when the path no longer names it
//! (Python's `WatchedFileHandler`): when logrotate moves or removes the
//! file, the next batch goes to a new file at the path. The check (one
//! `stat` of the path against the open file) runs once per batch, before
//! the batch is written.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;

use super::sink::{FileSinkFactory, Sink, MAX_BUFFERED};
use crate::record::FemtoLogRecord;

pub(super) struct WatchedFileSink {
    factory: FileSinkFactory,
    reopen: bool,
    /// The open file and its (device, inode); `None` until the first
    /// record with `delay`.
    file: Option<(File, (u64, u64))>,
    buffer: Vec<u8>,
    warning: Option<io::Error>,
}

impl WatchedFileSink {
    pub(super) fn new(factory: FileSinkFactory, reopen: bool) -> io::Result<WatchedFileSink> {
        let mut sink = WatchedFileSink {
            reopen,
            file: None,
            buffer: Vec::with_capacity(64 * 1024),
            warning: None,
            factory,
        };
        if !sink.factory.delay {
            sink.file = Some(sink.open()?);
        }
        Ok(sink)
    }

    fn open(&self) -> io::Result<(File, (u64, u64))> {
        let file = self.factory.open_now_file(self.reopen)?;
        let meta = file.metadata()?;
        Ok((file, (meta.dev(), meta.ino())))
    }

    /// The file the path names now: reopened if it was moved or removed. A
    /// failed reopen keeps the old file (reported once per batch).
    fn current(&mut self) -> io::Result<&mut File> {
        let still_there = match (&self.file, fs::metadata(&self.factory.path)) {
            (Some((_, id)), Ok(meta)) => *id == (meta.dev(), meta.ino()),
            _ => false,
        };
        if !still_there {
            // A file created after a move is never truncated.
            self.reopen = true;
            match self.open() {
                Ok(opened) => self.file = Some(opened),
                Err(error) if self.file.is_some() => self.warning = Some(error),
                Err(error) => return Err(error),
            }
        }
        self.file
            .as_mut()
            .map(|(file, _)| file)
            .ok_or_else(|| io::Error::other("watched file not open"))
    }
}

impl WatchedFileSink {
    /// Buffers `text` and the terminator.
    fn append(&mut self, text: &str) -> io::Result<()> {
        self.buffer.extend_from_slice(text.as_bytes());
        self.buffer
            .extend_from_slice(self.factory.terminator.as_bytes());
        if self.buffer.len() >= MAX_BUFFERED {
            self.flush()?;
        }
        Ok(())
    }
}

impl Sink for WatchedFileSink {
    fn write(&mut self, _record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.append(text)
    }

    fn write_text(&mut self, text: &str) -> Option<io::Result<()>> {
        Some(self.append(text))
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let buffer = std::mem::take(&mut self.buffer);
        let result = self.current().and_then(|file| file.write_all(&buffer));
        self.buffer = buffer;
        self.buffer.clear();
        result
    }

    fn take_warning(&mut self) -> Option<io::Error> {
        self.warning.take()
    }
}
