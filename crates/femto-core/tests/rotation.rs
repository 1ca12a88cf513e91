//! Size-based rotation: the roadmap's rules, file by file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use femto_core::{FemtoHandler, FemtoLogger, FileMode, HandlerOptions, Manager, Rotation};
use rstest::{fixture, rstest};
use tempfile::TempDir;

const WAIT: Duration = Duration::from_secs(60);

#[fixture]
fn dir() -> TempDir {
    tempfile::tempdir().unwrap()
}

/// A logger with one rotating handler writing `%(message)s` to `dir/app.log`.
fn rotating(
    dir: &TempDir,
    max_bytes: u64,
    backup_count: u32,
) -> (Arc<FemtoLogger>, Arc<FemtoHandler>, PathBuf) {
    let manager = Manager::new();
    manager.set_last_resort(false);
    let path = dir.path().join("app.log");
    let handler = FemtoHandler::rotating_file(
        &path,
        FileMode::Append,
        Rotation::new(max_bytes, backup_count),
        HandlerOptions::default(),
    )
    .unwrap();
    let logger = manager.get_logger("rotation").unwrap();
    logger.add_handler(handler.clone());
    (logger, handler, path)
}

/// Every file of the rotation set, by name, with its contents.
fn files(dir: &TempDir) -> BTreeMap<String, String> {
    fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let text = fs::read_to_string(entry.path()).unwrap_or_default();
            (name, text)
        })
        .collect()
}

fn log_all(logger: &FemtoLogger, handler: &FemtoHandler, messages: &[&str]) {
    for message in messages {
        logger.error(message);
    }
    assert!(handler.flush(WAIT));
}

fn expect(dir: &TempDir, expected: &[(&str, &str)]) {
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    assert_eq!(files(dir), expected);
}

#[rstest]
// Exactly max_bytes fits: "123456789\n", or "12345\n" then "123\n".
#[case(10, &["123456789"], &[("app.log", "123456789\n")])]
#[case(10, &["12345", "123"], &[("app.log", "12345\n123\n")])]
// One byte over rolls the file first.
#[case(10, &["12345", "1234"], &[("app.log", "1234\n"), ("app.log.1", "12345\n")])]
// A record larger than max_bytes goes whole into a fresh file; an empty
// file never rolls.
#[case(5, &["0123456789"], &[("app.log", "0123456789\n")])]
#[case(5, &["ab", "0123456789", "c"], &[("app.log", "c\n"), ("app.log.1", "0123456789\n"), ("app.log.2", "ab\n")])]
// Bytes, not characters: "ééé\n" is 7 bytes and "éé\n" 5 more.
#[case(10, &["ééé", "éé"], &[("app.log", "éé\n"), ("app.log.1", "ééé\n")])]
#[case(12, &["ééé", "éé"], &[("app.log", "ééé\néé\n")])]
fn size_boundaries(
    dir: TempDir,
    #[case] max_bytes: u64,
    #[case] messages: &[&str],
    #[case] expected: &[(&str, &str)],
) {
    let (logger, handler, _) = rotating(&dir, max_bytes, 5);
    log_all(&logger, &handler, messages);
    expect(&dir, expected);
}

#[rstest]
fn the_cascade_keeps_the_newest_backups_in_order(dir: TempDir) {
    let (logger, handler, _) = rotating(&dir, 4, 3);
    log_all(&logger, &handler, &["r1", "r2", "r3", "r4", "r5"]);
    expect(
        &dir,
        &[
            ("app.log", "r5\n"),
            ("app.log.1", "r4\n"),
            ("app.log.2", "r3\n"),
            ("app.log.3", "r2\n"),
        ],
    );
}

#[rstest]
fn backup_count_zero_truncates_the_base_file(dir: TempDir) {
    let (logger, handler, _) = rotating(&dir, 10, 0);
    log_all(&logger, &handler, &["aaaa", "bbbb", "cccc"]);
    expect(&dir, &[("app.log", "cccc\n")]);
}

#[rstest]
fn lowering_backup_count_prunes_at_the_next_rollover(dir: TempDir) {
    let (logger, handler, _) = rotating(&dir, 3, 5);
    log_all(&logger, &handler, &["a", "b", "c", "d", "e", "f"]);
    assert_eq!(files(&dir).len(), 6);
    handler.rotation().unwrap().set_backup_count(2);
    log_all(&logger, &handler, &["g"]);
    expect(
        &dir,
        &[
            ("app.log", "g\n"),
            ("app.log.1", "f\n"),
            ("app.log.2", "e\n"),
        ],
    );
}

#[rstest]
fn roll_over_on_demand(dir: TempDir) {
    let (logger, handler, _) = rotating(&dir, 0, 2);
    log_all(&logger, &handler, &["before"]);
    assert!(handler.roll_over());
    log_all(&logger, &handler, &["after"]);
    expect(&dir, &[("app.log", "after\n"), ("app.log.1", "before\n")]);
}

#[rstest]
fn a_backup_name_that_is_a_link_is_replaced_not_followed(dir: TempDir) {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("precious.txt");
    fs::write(&target, "keep me\n").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("app.log.2")).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("app.log.1")).unwrap();
    let (logger, handler, _) = rotating(&dir, 3, 2);
    log_all(&logger, &handler, &["a", "b"]);
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep me\n");
    // app.log.1 (a link) moved to app.log.2; the old app.log.2 link was pruned.
    assert!(fs::symlink_metadata(dir.path().join("app.log.2"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(dir.path().join("app.log.1")).unwrap(),
        "a\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("app.log")).unwrap(),
        "b\n"
    );
}

#[rstest]
fn a_failed_rollover_keeps_writing_to_the_old_file_and_retries(dir: TempDir) {
    let (logger, handler, path) = rotating(&dir, 3, 2);
    // A directory where the next file is created makes the rollover fail.
    let blocker = dir
        .path()
        .join(format!(".app.log.{}.rotating", std::process::id()));
    fs::create_dir(&blocker).unwrap();
    fs::write(blocker.join("x"), "").unwrap();
    let reported = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&reported);
    femto_core::error_hook::set_error_hook(Some(Box::new(move |error| {
        if error.message.contains("rollover") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })));
    log_all(&logger, &handler, &["a", "b"]);
    assert_eq!(fs::read_to_string(&path).unwrap(), "a\nb\n");
    assert!(reported.load(Ordering::SeqCst) >= 1);
    assert!(handler.stats().errors >= 1);
    fs::remove_dir_all(&blocker).unwrap();
    log_all(&logger, &handler, &["c"]);
    femto_core::error_hook::set_error_hook(None);
    assert_eq!(fs::read_to_string(&path).unwrap(), "c\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("app.log.1")).unwrap(),
        "a\nb\n"
    );
}

fn check_stress_files(path: &Path, threads: usize, per_thread: usize, max_bytes: u64) {
    let dir = path.parent().unwrap();
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "app.log",
            "app.log.1",
            "app.log.2",
            "app.log.3",
            "app.log.4",
            "app.log.5"
        ]
    );
    let mut seen: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for name in &names {
        let text = fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            text.len() as u64 <= max_bytes,
            "{name} is {} bytes",
            text.len()
        );
        assert!(text.ends_with('\n'));
        for line in text.lines() {
            let (thread, seq) = line.split_once(' ').expect("a whole line");
            let thread: usize = thread.strip_prefix('t').unwrap().parse().unwrap();
            seen[thread].push(seq.split_whitespace().next().unwrap().parse().unwrap());
        }
    }
    // The kept files hold the newest records: for each thread, a suffix of
    // its sequence (empty for a thread that finished long before the rest).
    assert!(seen.iter().any(|sequence| !sequence.is_empty()));
    for (thread, mut sequence) in seen.into_iter().enumerate() {
        if sequence.is_empty() {
            continue;
        }
        sequence.sort_unstable();
        let before = sequence.len();
        sequence.dedup();
        assert_eq!(
            before,
            sequence.len(),
            "thread {thread}: a record written twice"
        );
        let first = sequence[0];
        assert_eq!(
            sequence.last(),
            Some(&(per_thread - 1)),
            "thread {thread}: the newest records are kept"
        );
        assert_eq!(
            sequence.len(),
            per_thread - first,
            "thread {thread}: the kept records are one run"
        );
    }
}

#[rstest]
fn eight_threads_rotating_at_one_mebibyte(dir: TempDir) {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 200_000;
    const MAX_BYTES: u64 = 1 << 20;
    let (logger, handler, path) = rotating(&dir, MAX_BYTES, 5);
    thread::scope(|scope| {
        for t in 0..THREADS {
            let logger = &logger;
            scope.spawn(move || {
                for i in 0..PER_THREAD {
                    logger.error(&format!("t{t} {i:07} padding to make the line longer"));
                }
            });
        }
    });
    assert!(handler.close(WAIT));
    assert_eq!(handler.stats().dropped, 0);
    check_stress_files(&path, THREADS, PER_THREAD, MAX_BYTES);
}

#[rstest]
fn a_delayed_rotating_file_appears_with_the_first_record(dir: TempDir) {
    let manager = Manager::new();
    manager.set_last_resort(false);
    let path = dir.path().join("late.log");
    let factory = femto_core::RotatingFileSinkFactory {
        delay: true,
        ..femto_core::RotatingFileSinkFactory::new(&path, FileMode::Append, Rotation::new(4, 1))
    };
    let handler = FemtoHandler::new(Box::new(factory), HandlerOptions::default()).unwrap();
    assert!(handler.flush(WAIT));
    assert!(!path.exists());
    let logger = manager.get_logger("late").unwrap();
    logger.add_handler(handler.clone());
    log_all(&logger, &handler, &["one", "two"]);
    expect(&dir, &[("late.log", "two\n"), ("late.log.1", "one\n")]);
}

#[rstest]
fn a_fresh_file_keeps_the_permissions_of_the_one_it_replaces(dir: TempDir) {
    use std::os::unix::fs::PermissionsExt;
    let (logger, handler, path) = rotating(&dir, 10, 2);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    log_all(&logger, &handler, &["123456789", "abcdefghi", "ABCDEFGHI"]);
    for name in ["app.log", "app.log.1", "app.log.2"] {
        let mode = fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
}
