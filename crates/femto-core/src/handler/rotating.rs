//! Size-based rotation (Python's `RotatingFileHandler`), with the
//! roadmap's rules:
//!
//! - The check runs on the worker, before a record is buffered:
//!   `file_len + buffered_bytes + next_record_bytes > max_bytes`, in UTF-8
//!   bytes, terminator included, without flushing to measure. An empty file
//!   never rotates, so a record larger than `max_bytes` is written whole
//!   into a fresh file.
//! - Rollover writes out the buffer, prunes backups at or beyond
//!   `backup_count`, renames `<path>.<n>` to `<path>.<n+1>` from the
//!   highest index down (each target was vacated first), `<path>` to
//!   `<path>.1`, and puts a fresh file in place. `backup_count == 0`
//!   empties the base file and keeps no backups.
//! - The fresh file is created under a temporary name *before* anything is
//!   renamed: if that fails, nothing moves, the handler keeps writing to
//!   the old file, reports the error and tries again at the next rollover.
//! - Every name is in the base file's directory; renames and removals act
//!   on directory entries, so a symbolic link among the backups is moved
//!   or removed itself, never followed. A base path that is a symbolic link
//!   is written through until the first rollover, which renames the link
//!   to `<path>.1` and creates a regular file at `<path>`.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use super::sink::{open_log_file, FileMode, Sink, SinkFactory, MAX_BUFFERED};
use crate::record::FemtoLogRecord;

/// The rotation settings, shared with whoever built the handler so they
/// can change between records (Python's `handler.backupCount = 2`).
#[derive(Debug)]
pub struct Rotation {
    max_bytes: AtomicU64,
    backup_count: AtomicU32,
}

impl Rotation {
    /// `max_bytes == 0` never rotates (as in Python).
    pub fn new(max_bytes: u64, backup_count: u32) -> Arc<Rotation> {
        Arc::new(Rotation {
            max_bytes: AtomicU64::new(max_bytes),
            backup_count: AtomicU32::new(backup_count),
        })
    }

    /// The size past which the file rolls over (0: never).
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes.load(Ordering::Relaxed)
    }

    /// How many backups are kept.
    pub fn backup_count(&self) -> u32 {
        self.backup_count.load(Ordering::Relaxed)
    }

    /// Takes effect at the next rollover (a lower count prunes then).
    pub fn set_backup_count(&self, count: u32) {
        self.backup_count.store(count, Ordering::Relaxed);
    }

    /// Python's rule: whether a record of `next` bytes (terminator
    /// included) rolls a file of `current` bytes over before it is
    /// written. An empty file never rolls over, so a record larger than
    /// `max_bytes` is written whole into a fresh file.
    pub fn due(&self, current: u64, next: u64) -> bool {
        let max_bytes = self.max_bytes();
        max_bytes > 0 && current > 0 && current.saturating_add(next) > max_bytes
    }

    /// Sets the size past which the file rolls over (0: never).
    pub fn set_max_bytes(&self, max_bytes: u64) {
        self.max_bytes.store(max_bytes, Ordering::Relaxed);
    }
}

/// Opens a size-rotated log file.
#[derive(Debug, Clone)]
pub struct RotatingFileSinkFactory {
    /// The file written.
    pub path: PathBuf,
    /// `Truncate` empties the file when the handler starts (not at fork).
    pub mode: FileMode,
    /// The rollover settings, shared with whoever changes them.
    pub rotation: Arc<Rotation>,
    /// Written after each record.
    pub terminator: String,
    /// Create the file at the first record (Python's `delay=True`).
    pub delay: bool,
}

impl RotatingFileSinkFactory {
    /// A factory for `path`, opened with `mode`, rolling over by `rotation`.
    pub fn new(path: impl AsRef<Path>, mode: FileMode, rotation: Arc<Rotation>) -> Self {
        RotatingFileSinkFactory {
            path: path.as_ref().to_path_buf(),
            mode,
            rotation,
            terminator: "\n".into(),
            delay: false,
        }
    }

    fn open_file(&self, reopen: bool) -> io::Result<File> {
        open_log_file(&self.path, self.mode, reopen)
    }
}

impl SinkFactory for RotatingFileSinkFactory {
    fn open(&self, reopen: bool) -> io::Result<Box<dyn Sink>> {
        let file = if self.delay {
            None
        } else {
            Some(self.open_file(reopen)?)
        };
        let file_len = match &file {
            Some(file) => file.metadata()?.len(),
            None => 0,
        };
        Ok(Box::new(RotatingFileSink {
            factory: self.clone(),
            reopen,
            path: self.path.clone(),
            file,
            file_len,
            buffer: Vec::with_capacity(64 * 1024),
            terminator: self.terminator.as_bytes().into(),
            rotation: Arc::clone(&self.rotation),
            warning: None,
        }))
    }

    fn describe(&self) -> String {
        format!("rotating file {:?}", self.path)
    }

    fn rotation(&self) -> Option<&Arc<Rotation>> {
        Some(&self.rotation)
    }
}

struct RotatingFileSink {
    /// Opens the file at the first record when the factory delays it.
    factory: RotatingFileSinkFactory,
    reopen: bool,
    path: PathBuf,
    /// `None` until the first record with `delay`.
    file: Option<File>,
    /// Bytes in the file: its length when opened plus what was written.
    file_len: u64,
    buffer: Vec<u8>,
    terminator: Box<[u8]>,
    rotation: Arc<Rotation>,
    /// A failed rollover (the record still went to the old file).
    warning: Option<io::Error>,
}

impl RotatingFileSink {
    fn pending(&self) -> u64 {
        self.file_len + self.buffer.len() as u64
    }

    /// The open file, opened now if delayed (an open error is retried at
    /// the next write).
    fn file(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            let file = self.factory.open_file(self.reopen)?;
            self.file_len = file.metadata()?.len();
            self.file = Some(file);
        }
        // Set just above.
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("rotating file not open"))
    }

    fn write_out(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let buffer = std::mem::take(&mut self.buffer);
        let result = self.file().and_then(|file| file.write_all(&buffer));
        self.buffer = buffer;
        // Counted whether or not it all landed: the size check must not
        // undercount after a partial write.
        self.file_len += self.buffer.len() as u64;
        self.buffer.clear();
        result
    }

    /// Rolls over; on failure keeps the old file and remembers the error.
    fn roll_over_or_keep(&mut self) -> io::Result<()> {
        self.write_out()?;
        if let Err(error) = self.roll_over_now() {
            self.warning = Some(io::Error::new(
                error.kind(),
                format!(
                    "rollover of {:?} failed, still writing to the old file: {error}",
                    self.path
                ),
            ));
        }
        Ok(())
    }

    fn roll_over_now(&mut self) -> io::Result<()> {
        let fresh_path = sibling(
            &self.path,
            &format!(".{}.rotating", std::process::id()),
            true,
        );
        let fresh = create_fresh(&fresh_path, &self.path)?;
        let count = self.rotation.backup_count();
        let renamed = cascade(&self.path, count);
        if let Err(error) = renamed.and_then(|()| fs::rename(&fresh_path, &self.path)) {
            let _ = fs::remove_file(&fresh_path);
            return Err(error);
        }
        self.file = Some(fresh);
        self.file_len = 0;
        Ok(())
    }
}

impl RotatingFileSink {
    /// Buffers `text` and the terminator (rolling over first when due).
    fn append(&mut self, text: &str) -> io::Result<()> {
        if self.file.is_none() {
            self.file()?; // delay: the first record creates the file
        }
        let next = (text.len() + self.terminator.len()) as u64;
        if self.rotation.due(self.pending(), next) {
            self.roll_over_or_keep()?;
        }
        self.buffer.extend_from_slice(text.as_bytes());
        self.buffer.extend_from_slice(&self.terminator);
        if self.buffer.len() >= MAX_BUFFERED {
            self.write_out()?;
        }
        Ok(())
    }
}

impl Sink for RotatingFileSink {
    fn write(&mut self, _record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.append(text)
    }

    fn write_text(&mut self, text: &str) -> Option<io::Result<()>> {
        Some(self.append(text))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_out()
    }

    fn roll_over(&mut self) -> io::Result<()> {
        self.roll_over_or_keep()
    }

    fn take_warning(&mut self) -> Option<io::Error> {
        self.warning.take()
    }
}

/// `<dir>/<name><suffix>` (or `<dir>/.<name><suffix>` when `hidden`): always
/// in the base file's directory.
pub(super) fn sibling(path: &Path, suffix: &str, hidden: bool) -> PathBuf {
    let mut name = OsString::new();
    if hidden {
        name.push(".");
    }
    name.push(path.file_name().unwrap_or_default());
    name.push(suffix);
    path.with_file_name(name)
}

fn backup(path: &Path, index: u32) -> PathBuf {
    sibling(path, &format!(".{index}"), false)
}

/// Creates the next file under a temporary name, refusing to follow a link
/// or reuse anything already there (a leftover of a crash is replaced).
/// It takes the permissions of `current`, the file it replaces (as
/// logrotate's `create` does), so a log made private stays private.
pub(super) fn create_fresh(path: &Path, current: &Path) -> io::Result<File> {
    let open = || {
        OpenOptions::new()
            .append(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
    };
    let fresh = match open() {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()
        }
        other => other,
    }?;
    if let Ok(metadata) = fs::symlink_metadata(current) {
        if metadata.is_file() {
            fresh.set_permissions(metadata.permissions())?;
        }
    }
    Ok(fresh)
}

/// Whether a directory entry exists (a dangling link counts: it is a name).
pub(super) fn entry_exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Prunes backups at or above `count` (and any beyond it, for a lowered
/// count), then shifts `<path>.<n>` up by one from the highest index down
/// and moves `<path>` to `<path>.1`. With `count == 0` it only prunes: the
/// fresh file then replaces `<path>`.
fn cascade(path: &Path, count: u32) -> io::Result<()> {
    for index in existing_backups(path)? {
        if count == 0 || index >= count {
            remove_entry(&backup(path, index))?;
        }
    }
    if count == 0 {
        return Ok(());
    }
    for index in (1..count).rev() {
        let from = backup(path, index);
        if entry_exists(&from) {
            fs::rename(&from, backup(path, index + 1))?;
        }
    }
    if entry_exists(path) {
        fs::rename(path, backup(path, 1))?;
    }
    Ok(())
}

pub(super) fn remove_entry(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// The indices `n` of the `<path>.<n>` entries in the base file's
/// directory (`n` in 1..=u32::MAX, written without leading zeros).
fn existing_backups(path: &Path) -> io::Result<Vec<u32>> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{name}.");
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry_name = entry?.file_name();
        let Some(digits) = entry_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(index) = digits.parse::<u32>() {
            found.push(index);
        }
    }
    found.sort_unstable();
    Ok(found)
}
