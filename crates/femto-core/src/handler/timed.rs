//! Time-based rotation (Python's `TimedRotatingFileHandler`), with
//! Python's schedule and backup names, so tools that read its rotated
//! files keep working:
//!
//! - `when` is `S`, `M`, `H`, `D`, `MIDNIGHT` or `W0`…`W6` (Monday = 0),
//!   `interval` multiplies it; `MIDNIGHT` and `W*` roll over at `at_time`
//!   (default midnight), in local time unless `utc`.
//! - The finished file is renamed `<path>.<start time>`, the start time
//!   formatted as Python does (`%Y-%m-%d_%H-%M-%S`, `%Y-%m-%d_%H-%M`,
//!   `%Y-%m-%d_%H` or `%Y-%m-%d`). Unlike Python, a name that exists already
//!   (the hour repeated when clocks go back) is never overwritten: `.1`,
//!   `.2` … is appended.
//! - Across daylight-saving changes the names and the next rollover are
//!   corrected as Python corrects them, and the next rollover is always in
//!   the future, however long the process slept.
//! - `backup_count` keeps the newest backups and removes older ones: only
//!   this handler's own names (`<path>.<timestamp>` with an optional `.N`).
//! - The clock and the time zone come from a [`Clock`], so tests can move
//!   time and daylight saving at will.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDateTime, Offset, TimeZone, Timelike};

use super::rotating::{create_fresh, entry_exists, remove_entry, sibling};
use super::sink::{open_log_file, FileMode, Sink, SinkFactory, MAX_BUFFERED};
use crate::record::FemtoLogRecord;

const DAY: i64 = 24 * 60 * 60;

/// When a timed handler rolls over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// `S`.
    Seconds,
    /// `M`.
    Minutes,
    /// `H`.
    Hours,
    /// `D`.
    Days,
    /// `midnight`.
    Midnight,
    /// A weekday, 0 = Monday … 6 = Sunday.
    Weekday(u8),
}

/// A `when` that is not one of Python's (the messages are Python's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("Invalid rollover interval specified: {0} (expected S, M, H, D, MIDNIGHT or W0-W6)")]
    /// A `when` that is no unit Python knows.
    Interval(String),
    #[error("You must specify a day for weekly rollover from 0 to 6 (0 is Monday): {0}")]
    /// A `W` without a weekday from 0 to 6.
    Weekday(String),
}

impl When {
    /// Python's spelling, in any case: `S`, `M`, `H`, `D`, `MIDNIGHT`, `W0`…`W6`.
    pub fn parse(text: &str) -> Result<When, WhenError> {
        let upper = text.to_ascii_uppercase();
        Ok(match upper.as_str() {
            "S" => When::Seconds,
            "M" => When::Minutes,
            "H" => When::Hours,
            "D" => When::Days,
            "MIDNIGHT" => When::Midnight,
            _ => match upper.strip_prefix('W').map(str::as_bytes) {
                Some([day @ b'0'..=b'6']) => When::Weekday(day - b'0'),
                Some(_) => return Err(WhenError::Weekday(upper)),
                None => return Err(WhenError::Interval(upper)),
            },
        })
    }

    fn unit(self) -> i64 {
        match self {
            When::Seconds => 1,
            When::Minutes => 60,
            When::Hours => 60 * 60,
            When::Days | When::Midnight => DAY,
            When::Weekday(_) => 7 * DAY,
        }
    }

    /// Python's backup suffix (`TimedRotatingFileHandler.suffix`).
    fn suffix(self) -> &'static str {
        match self {
            When::Seconds => "%Y-%m-%d_%H-%M-%S",
            When::Minutes => "%Y-%m-%d_%H-%M",
            When::Hours => "%Y-%m-%d_%H",
            When::Days | When::Midnight | When::Weekday(_) => "%Y-%m-%d",
        }
    }

    /// Whether `text` has the shape of `suffix()` (digits where it has them).
    fn matches(self, text: &str) -> bool {
        let shape: &[u8] = match self {
            When::Seconds => b"dddd-dd-dd_dd-dd-dd",
            When::Minutes => b"dddd-dd-dd_dd-dd",
            When::Hours => b"dddd-dd-dd_dd",
            When::Days | When::Midnight | When::Weekday(_) => b"dddd-dd-dd",
        };
        text.len() == shape.len()
            && text.bytes().zip(shape).all(|(c, s)| {
                if *s == b'd' {
                    c.is_ascii_digit()
                } else {
                    c == *s
                }
            })
    }

    fn at_time_applies(self) -> bool {
        matches!(self, When::Midnight | When::Weekday(_))
    }
}

/// The wall clock and the local time zone, injectable for tests.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;
    /// The local zone's offset from UTC, in seconds east, at instant `at`.
    fn utc_offset(&self, at: i64) -> i32;
}

/// The system clock and the process's local time zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn utc_offset(&self, at: i64) -> i32 {
        match chrono::Local.timestamp_opt(at, 0) {
            chrono::LocalResult::Single(local) | chrono::LocalResult::Ambiguous(local, _) => {
                local.offset().fix().local_minus_utc()
            }
            chrono::LocalResult::None => 0,
        }
    }
}

/// A timed handler's schedule.
#[derive(Debug)]
pub struct TimedRotation {
    /// The unit of the schedule.
    pub when: When,
    /// Multiplies `when` (Python's `interval`); at least 1.
    pub interval: u32,
    /// Use UTC rather than local time for the schedule and the names.
    pub utc: bool,
    /// `(hour, minute, second)` for `MIDNIGHT` and `W*` (Python's `atTime`).
    pub at_time: Option<(u32, u32, u32)>,
    backup_count: AtomicU32,
    /// The next rollover the worker will do (`i64::MIN` until it opened
    /// the file), for hosts that show it (Python's `rolloverAt`).
    next_at: AtomicI64,
}

/// A schedule Python would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimedRotationError {
    #[error("interval must be at least 1")]
    /// An interval of zero units.
    ZeroInterval,
    #[error("at_time {0:02}:{1:02}:{2:02} is not a time of day")]
    /// A time of day out of range.
    BadAtTime(u32, u32, u32),
}

impl TimedRotation {
    /// A schedule of `interval` units of `when`, by UTC or local time, at `at_time` for daily and weekly ones.
    pub fn new(
        when: When,
        interval: u32,
        utc: bool,
        at_time: Option<(u32, u32, u32)>,
        backup_count: u32,
    ) -> Result<Arc<TimedRotation>, TimedRotationError> {
        if interval == 0 {
            return Err(TimedRotationError::ZeroInterval);
        }
        if let Some((h, m, s)) = at_time {
            if h > 23 || m > 59 || s > 59 {
                return Err(TimedRotationError::BadAtTime(h, m, s));
            }
        }
        Ok(Arc::new(TimedRotation {
            when,
            interval,
            utc,
            at_time,
            backup_count: AtomicU32::new(backup_count),
            next_at: AtomicI64::new(i64::MIN),
        }))
    }

    /// The next rollover the worker will do, in seconds since the epoch;
    /// `None` until it has opened the file.
    pub fn next_rollover_at(&self) -> Option<i64> {
        Some(self.next_at.load(Ordering::Relaxed)).filter(|&at| at != i64::MIN)
    }

    /// How many backups are kept (0: all).
    pub fn backup_count(&self) -> u32 {
        self.backup_count.load(Ordering::Relaxed)
    }

    /// Sets how many backups are kept.
    pub fn set_backup_count(&self, count: u32) {
        self.backup_count.store(count, Ordering::Relaxed);
    }

    fn interval_secs(&self) -> i64 {
        self.when.unit() * i64::from(self.interval)
    }
}

/// Opens a time-rotated log file.
#[derive(Clone)]
pub struct TimedRotatingFileSinkFactory {
    /// The file written.
    pub path: PathBuf,
    /// Append, or empty the file first.
    pub mode: FileMode,
    /// The schedule, shared with whoever changes it.
    pub rotation: Arc<TimedRotation>,
    /// The clock the schedule reads (tests give their own).
    pub clock: Arc<dyn Clock>,
    /// Written after each record.
    pub terminator: String,
    /// Create the file at the first record (Python's `delay=True`).
    pub delay: bool,
}

impl std::fmt::Debug for TimedRotatingFileSinkFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimedRotatingFileSinkFactory")
            .field("path", &self.path)
            .field("rotation", &self.rotation)
            .finish_non_exhaustive()
    }
}

impl TimedRotatingFileSinkFactory {
    /// A factory for `path` on the system clock, appending.
    pub fn new(path: impl AsRef<Path>, rotation: Arc<TimedRotation>) -> Self {
        TimedRotatingFileSinkFactory {
            path: path.as_ref().to_path_buf(),
            mode: FileMode::Append,
            rotation,
            clock: Arc::new(SystemClock),
            terminator: "\n".into(),
            delay: false,
        }
    }

    /// The schedule this factory's sinks follow.
    fn schedule(&self) -> Schedule {
        Schedule {
            rotation: Arc::clone(&self.rotation),
            clock: Arc::clone(&self.clock),
        }
    }

    fn open_file(&self, reopen: bool) -> io::Result<File> {
        open_log_file(&self.path, self.mode, reopen)
    }
}

impl SinkFactory for TimedRotatingFileSinkFactory {
    fn open(&self, reopen: bool) -> io::Result<Box<dyn Sink>> {
        let file = if self.delay {
            None
        } else {
            Some(self.open_file(reopen)?)
        };
        // Python starts the schedule from the file's modification time.
        let started = fs::metadata(&self.path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or_else(|| self.clock.now(), |d| d.as_secs() as i64);
        let schedule = self.schedule();
        let rollover_at = schedule.compute_rollover(started);
        self.rotation.next_at.store(rollover_at, Ordering::Relaxed);
        Ok(Box::new(TimedRotatingFileSink {
            rollover_at,
            schedule,
            factory: self.clone(),
            reopen,
            file,
            buffer: Vec::with_capacity(64 * 1024),
            warning: None,
        }))
    }

    fn describe(&self) -> String {
        format!("timed rotating file {:?}", self.path)
    }

    fn timed_rotation(&self) -> Option<&Arc<TimedRotation>> {
        Some(&self.rotation)
    }

    fn backups_to_delete(&self) -> Option<io::Result<Vec<PathBuf>>> {
        let rotation = &self.rotation;
        let names = excess_backups(&self.path, rotation.when, rotation.backup_count());
        Some(names.map(|names| names.iter().map(|n| self.path.with_file_name(n)).collect()))
    }

    fn compute_rollover(&self, current: i64) -> Option<i64> {
        Some(self.schedule().compute_rollover(current))
    }
}

/// Python's `computeRollover` and the naming of `doRollover`.
struct Schedule {
    rotation: Arc<TimedRotation>,
    clock: Arc<dyn Clock>,
}

impl Schedule {
    fn offset(&self, at: i64) -> i64 {
        if self.rotation.utc {
            0
        } else {
            i64::from(self.clock.utc_offset(at))
        }
    }

    /// The wall-clock time at `at` in the schedule's zone.
    fn wall(&self, at: i64) -> NaiveDateTime {
        DateTime::from_timestamp(at + self.offset(at), 0)
            .unwrap_or_default()
            .naive_utc()
    }

    /// The first rollover after `current` (Python's `computeRollover`).
    fn compute_rollover(&self, current: i64) -> i64 {
        let rotation = &self.rotation;
        if !rotation.when.at_time_applies() {
            return current + rotation.interval_secs();
        }
        let wall = self.wall(current);
        let rotate_at = rotation
            .at_time
            .map_or(DAY, |(h, m, s)| i64::from((h * 60 + m) * 60 + s));
        let now_secs = i64::from((wall.hour() * 60 + wall.minute()) * 60 + wall.second());
        let mut day = i64::from(wall.weekday().num_days_from_monday());
        let mut wait = rotate_at - now_secs;
        if wait < 0 {
            // The time of day has passed: tomorrow.
            wait += DAY;
            day = (day + 1) % 7;
        }
        let mut result = current + wait;
        if let When::Weekday(target) = rotation.when {
            let target = i64::from(target);
            if day != target {
                let days = if day < target {
                    target - day
                } else {
                    6 - day + target + 1
                };
                let next = result + days * DAY;
                // Python's correction when daylight saving changes before then.
                result = next + self.offset(current) - self.offset(next);
            }
        }
        result
    }

    /// The next rollover after one done at `current`, always in the future.
    fn next_rollover(&self, current: i64) -> i64 {
        let interval = self.rotation.interval_secs();
        let mut next = self.compute_rollover(current);
        while next <= current {
            next += interval;
        }
        if self.rotation.when.at_time_applies() {
            next += self.offset(current) - self.offset(next);
        }
        while next <= current {
            next += interval;
        }
        next
    }

    /// `<path>.<start of the finished period>`, as Python names it.
    fn backup_name(&self, path: &Path, rollover_at: i64, current: i64) -> PathBuf {
        let start = rollover_at - self.rotation.interval_secs();
        // Python corrects the name by the change of offset since the start.
        let start = start + self.offset(current) - self.offset(start);
        let stamp = self
            .wall(start)
            .format(self.rotation.when.suffix())
            .to_string();
        sibling(path, &format!(".{stamp}"), false)
    }
}

struct TimedRotatingFileSink {
    schedule: Schedule,
    rollover_at: i64,
    factory: TimedRotatingFileSinkFactory,
    reopen: bool,
    file: Option<File>,
    buffer: Vec<u8>,
    warning: Option<io::Error>,
}

impl TimedRotatingFileSink {
    fn file(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            self.file = Some(self.factory.open_file(self.reopen)?);
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("timed rotating file not open"))
    }

    fn write_out(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let buffer = std::mem::take(&mut self.buffer);
        let result = self.file().and_then(|file| file.write_all(&buffer));
        self.buffer = buffer;
        self.buffer.clear();
        result
    }

    fn roll_over_or_keep(&mut self, current: i64) -> io::Result<()> {
        self.write_out()?;
        if let Err(error) = self.roll_over_now(current) {
            self.warning = Some(io::Error::new(
                error.kind(),
                format!(
                    "rollover of {:?} failed, still writing to the old file: {error}",
                    self.factory.path
                ),
            ));
        }
        // Even after a failure: the next attempt is at the next rollover.
        self.rollover_at = self.schedule.next_rollover(current);
        let next_at = &self.schedule.rotation.next_at;
        next_at.store(self.rollover_at, Ordering::Relaxed);
        Ok(())
    }

    fn roll_over_now(&mut self, current: i64) -> io::Result<()> {
        let path = self.factory.path.clone();
        let fresh_path = sibling(&path, &format!(".{}.rotating", std::process::id()), true);
        let fresh = create_fresh(&fresh_path, &path)?;
        let target = self.unused_backup_name(&path, current)?;
        let moved = if entry_exists(&path) {
            fs::rename(&path, &target)
        } else {
            Ok(())
        };
        if let Err(error) = moved.and_then(|()| fs::rename(&fresh_path, &path)) {
            let _ = fs::remove_file(&fresh_path);
            return Err(error);
        }
        self.file = Some(fresh);
        self.prune(&path)
    }

    /// The backup name for the period that ends now. Never an existing
    /// name: when it is taken (clocks went back, or rollovers came faster
    /// than the name's resolution) `.N` is appended, N above every counter
    /// in use for that time stamp, so the newest backup sorts last.
    fn unused_backup_name(&self, path: &Path, current: i64) -> io::Result<PathBuf> {
        let name = self.schedule.backup_name(path, self.rollover_at, current);
        let base_len = path.file_name().map_or(0, |n| n.len()) + 1;
        let Some(stamp) = name
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.get(base_len..))
            .map(str::to_owned)
        else {
            return Ok(name);
        };
        let taken = own_backups(path, self.schedule.rotation.when)?
            .into_iter()
            .filter(|(s, _, _)| *s == stamp)
            .map(|(_, n, _)| n)
            .max();
        let mut next = match taken {
            None if !entry_exists(&name) => return Ok(name),
            None => 1,
            Some(n) => n + 1,
        };
        loop {
            let candidate = sibling(&name, &format!(".{next}"), false);
            if !entry_exists(&candidate) {
                return Ok(candidate);
            }
            next += 1;
        }
    }

    /// Removes this handler's oldest backups beyond `backup_count`.
    fn prune(&self, path: &Path) -> io::Result<()> {
        let rotation = &self.schedule.rotation;
        for name in excess_backups(path, rotation.when, rotation.backup_count())? {
            remove_entry(&path.with_file_name(name))?;
        }
        Ok(())
    }
}

/// The names of the backups next to `path` beyond the newest `keep`,
/// oldest first (none when `keep` is 0: every backup is kept).
fn excess_backups(path: &Path, when: When, keep: u32) -> io::Result<Vec<String>> {
    let keep = keep as usize;
    if keep == 0 {
        return Ok(Vec::new());
    }
    let mut backups = own_backups(path, when)?;
    if backups.len() <= keep {
        return Ok(Vec::new());
    }
    // Oldest first: by time stamp, then by counter (".10" after ".9").
    backups.sort();
    let excess = backups.len() - keep;
    Ok(backups
        .into_iter()
        .take(excess)
        .map(|(_, _, name)| name)
        .collect())
}

/// `(timestamp, n, name)` of the `<file>.<timestamp>` (n = 0) and
/// `<file>.<timestamp>.<n>` entries next to `path`.
fn own_backups(path: &Path, when: When) -> io::Result<Vec<(String, u64, String)>> {
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
        let Some(entry_name) = entry_name.to_str() else {
            continue;
        };
        let Some(rest) = entry_name.strip_prefix(&prefix) else {
            continue;
        };
        let (stamp, counter) = match rest.split_once('.') {
            Some((stamp, counter)) => (stamp, Some(counter)),
            None => (rest, None),
        };
        let counter = match counter {
            None => Some(0),
            Some(c) if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => c.parse().ok(),
            Some(_) => None,
        };
        if let (true, Some(counter)) = (when.matches(stamp), counter) {
            found.push((stamp.to_owned(), counter, entry_name.to_owned()));
        }
    }
    Ok(found)
}

impl TimedRotatingFileSink {
    /// Buffers `text` and the terminator (rolling over first when due).
    fn append(&mut self, text: &str) -> io::Result<()> {
        let now = self.schedule.clock.now();
        if now >= self.rollover_at {
            self.roll_over_or_keep(now)?;
        }
        self.buffer.extend_from_slice(text.as_bytes());
        self.buffer
            .extend_from_slice(self.factory.terminator.as_bytes());
        if self.buffer.len() >= MAX_BUFFERED {
            self.write_out()?;
        }
        Ok(())
    }
}

impl Sink for TimedRotatingFileSink {
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
        let now = self.schedule.clock.now();
        self.roll_over_or_keep(now)
    }

    fn take_warning(&mut self) -> Option<io::Error> {
        self.warning.take()
    }
}
