//! Sinks are where formatted records end up. A sink lives on its handler's
//! worker thread; a factory opens it, and opens a fresh one in a forked
//! child (whose parent's buffered bytes must not be written twice).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use crate::record::FemtoLogRecord;

/// Receives formatted records on the worker thread.
pub trait Sink: Send {
    /// Takes one formatted record (`text` has no line terminator).
    fn write(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()>;
    /// As [`Sink::write`] for a sink that writes the text alone (a file):
    /// `None`, having written nothing, from one that reads the record.
    /// The worker then writes a queued record's text without building the
    /// record.
    fn write_text(&mut self, _text: &str) -> Option<io::Result<()>> {
        None
    }
    /// Takes a record of the engine's own (a report of dropped records):
    /// not a caller's, so not counted by [`Sink::take_dropped`] if lost.
    fn write_own(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.write(record, text)
    }
    /// Called once per batch: make everything written so far durable in
    /// the destination (one system call for buffered sinks).
    fn flush(&mut self) -> io::Result<()>;
    /// Starts a new file now (Python's `doRollover()`); others ignore it.
    fn roll_over(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// A failure the sink recovered from, such as a rollover that could not
    /// create its new file (the records went to the old one): the worker
    /// reports and counts it.
    fn take_warning(&mut self) -> Option<io::Error> {
        None
    }
    /// Callers' records the sink accepted with [`Sink::write`] and then
    /// lost (a network sink's buffer dropped while its receiver was
    /// unreachable) since the last call: the worker moves them from
    /// `written` to `dropped`.
    fn take_dropped(&mut self) -> u64 {
        0
    }
    /// When the sink, holding records it could not deliver yet, wants to
    /// be flushed again (a network sink's next connection attempt): the
    /// worker flushes it then even if no record arrives.
    fn retry_at(&self) -> Option<std::time::Instant> {
        None
    }
}

/// Opens a handler's sink.
pub trait SinkFactory: Send + Sync {
    /// `reopen` is true when re-creating the sink in a forked child: files
    /// are then appended to, never truncated.
    fn open(&self, reopen: bool) -> io::Result<Box<dyn Sink>>;
    /// A short description for error messages, such as `file "app.log"`.
    fn describe(&self) -> String;
    /// Whether the sink reads records beyond their formatted text (a host
    /// callback may read the call's location): see
    /// [`crate::FemtoFormatter::needs_location`].
    fn reads_location(&self) -> bool {
        false
    }
    /// Whether the sink writes the formatted text (a network sink that
    /// sends the record's fields does not: the worker skips formatting).
    fn wants_text(&self) -> bool {
        true
    }
    /// The handler is closing: a sink waiting on something outside the
    /// process (a receiver to come back) stops waiting. Called on the
    /// closing thread; the worker is unparked right after.
    fn cancel(&self) {}
    /// The rotation settings of a rotating file sink.
    fn rotation(&self) -> Option<&std::sync::Arc<super::rotating::Rotation>> {
        None
    }
    /// The schedule of a timed rotating file sink.
    fn timed_rotation(&self) -> Option<&std::sync::Arc<super::timed::TimedRotation>> {
        None
    }
    /// The first rollover after `current` (seconds since the epoch) by a
    /// timed rotating file sink's schedule (Python's `computeRollover`).
    fn compute_rollover(&self, _current: i64) -> Option<i64> {
        None
    }
    /// The backups a timed rotating file sink removes at its next
    /// rollover, oldest first (Python's `getFilesToDelete`).
    fn backups_to_delete(&self) -> Option<std::io::Result<Vec<std::path::PathBuf>>> {
        None
    }
}

/// Bytes above which a batch is written out before the batch ends.
pub(crate) const MAX_BUFFERED: usize = 1 << 20;

/// A file descriptor with a batch buffer: one `write` per batch.
pub struct FdSink {
    file: File,
    buffer: Vec<u8>,
    terminator: Box<[u8]>,
}

impl FdSink {
    /// A sink writing to `file`, each record followed by `terminator`.
    pub fn new(file: File, terminator: &str) -> Self {
        FdSink {
            file,
            buffer: Vec::with_capacity(64 * 1024),
            terminator: terminator.as_bytes().into(),
        }
    }

    /// Buffers `text` and the terminator.
    fn append(&mut self, text: &str) -> io::Result<()> {
        self.buffer.extend_from_slice(text.as_bytes());
        self.buffer.extend_from_slice(&self.terminator);
        if self.buffer.len() >= MAX_BUFFERED {
            self.flush()?;
        }
        Ok(())
    }
}

impl Sink for FdSink {
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
        let result = self.file.write_all(&self.buffer);
        // On failure the batch is dropped rather than retried forever; the
        // error is counted and reported by the worker.
        self.buffer.clear();
        result
    }
}

/// Standard output or standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamTarget {
    /// Standard output (descriptor 1).
    Stdout,
    /// Standard error (descriptor 2).
    Stderr,
}

/// Opens a private duplicate of fd 1 or 2, so that writing never takes
/// Rust's stdout lock (which a thread lost in `fork` might hold).
#[derive(Debug, Clone)]
pub struct StreamSinkFactory {
    /// Which stream.
    pub target: StreamTarget,
    /// Written after each record.
    pub terminator: String,
}

impl SinkFactory for StreamSinkFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        let fd = match self.target {
            StreamTarget::Stdout => io::stdout().as_fd().try_clone_to_owned()?,
            StreamTarget::Stderr => io::stderr().as_fd().try_clone_to_owned()?,
        };
        Ok(Box::new(FdSink::new(File::from(fd), &self.terminator)))
    }

    fn describe(&self) -> String {
        match self.target {
            StreamTarget::Stdout => "stdout".into(),
            StreamTarget::Stderr => "stderr".into(),
        }
    }
}

/// How a file handler opens its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileMode {
    /// Keep existing contents (stdlib mode `"a"`).
    #[default]
    Append,
    /// Start empty (stdlib mode `"w"`).
    Truncate,
}

/// Opens a log file.
#[derive(Debug, Clone)]
pub struct FileSinkFactory {
    /// The file written.
    pub path: PathBuf,
    /// Append, or empty the file first.
    pub mode: FileMode,
    /// Written after each record.
    pub terminator: String,
    /// Open the file at the first record rather than at construction
    /// (stdlib's `delay=True`): no record, no file. An open error is then
    /// reported through the error hook instead of failing construction.
    pub delay: bool,
    /// Reopen the file when the path no longer names it (moved or removed,
    /// as by logrotate): Python's `WatchedFileHandler`.
    pub watch: bool,
}

impl FileSinkFactory {
    /// A factory for `path`, opened with `mode`, lines ending in `\n`.
    pub fn new(path: impl AsRef<Path>, mode: FileMode) -> Self {
        FileSinkFactory {
            path: path.as_ref().to_path_buf(),
            mode,
            terminator: "\n".into(),
            delay: false,
            watch: false,
        }
    }

    fn open_now(&self, reopen: bool) -> io::Result<FdSink> {
        Ok(FdSink::new(self.open_now_file(reopen)?, &self.terminator))
    }

    /// Opens (creating; truncating first for `Truncate` unless `reopen`).
    pub(super) fn open_now_file(&self, reopen: bool) -> io::Result<File> {
        open_log_file(&self.path, self.mode, reopen)
    }
}

/// Opens a log file for appending, creating it; with `Truncate` (and not
/// `reopen`, a forked child's reopening) it is emptied first. Every file
/// handler opens its file through here.
pub(super) fn open_log_file(path: &Path, mode: FileMode, reopen: bool) -> io::Result<File> {
    let describe = |e: io::Error| io::Error::new(e.kind(), format!("cannot open {path:?}: {e}"));
    if mode == FileMode::Truncate && !reopen {
        OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(path)
            .map_err(describe)?;
    }
    // Always write through O_APPEND: a forked child (or another process)
    // appending to the same file must never be overwritten at a stale
    // offset.
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(describe)
}

impl SinkFactory for FileSinkFactory {
    fn open(&self, reopen: bool) -> io::Result<Box<dyn Sink>> {
        if self.watch {
            return Ok(Box::new(super::watched::WatchedFileSink::new(
                self.clone(),
                reopen,
            )?));
        }
        if self.delay {
            return Ok(Box::new(DelayedFileSink {
                factory: self.clone(),
                reopen,
                file: None,
            }));
        }
        Ok(Box::new(self.open_now(reopen)?))
    }

    fn describe(&self) -> String {
        format!("file {:?}", self.path)
    }
}

/// A file sink that opens its file on the first record (`delay`). A
/// failed open is retried at the next record.
struct DelayedFileSink {
    factory: FileSinkFactory,
    reopen: bool,
    file: Option<FdSink>,
}

impl DelayedFileSink {
    /// The file, opened now if it is not yet.
    fn file(&mut self) -> io::Result<&mut FdSink> {
        Ok(match &mut self.file {
            Some(file) => file,
            empty => empty.insert(self.factory.open_now(self.reopen)?),
        })
    }
}

impl Sink for DelayedFileSink {
    fn write(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.file()?.write(record, text)
    }

    fn write_text(&mut self, text: &str) -> Option<io::Result<()>> {
        Some(self.file().and_then(|file| file.append(text)))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Sink::flush)
    }
}
