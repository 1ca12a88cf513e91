//! Nothing is lost at exit without `shutdown`: a program that logs and then
//! returns from `main`, calls `std::process::exit`, panics in `main`, or
//! returns while another thread is still logging has every record it
//! logged before the end in its file.
//!
//! Each case runs in a child process (this binary, with
//! `FEMTO_EXIT_CASE` set); the parent checks the exit status and the file.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use femto_core::{
    info, FemtoHandler, FemtoLevel, FemtoLogRecord, HandlerOptions, Manager, Sink, SinkFactory,
};

/// Records the main thread logs in every case.
const RECORDS: usize = 1_000;
/// Records the background thread has logged before `main` returns.
const THREAD_RECORDS_BEFORE_EXIT: usize = 5_000;

const CASES: [(&str, Option<i32>); 4] = [
    ("return", Some(0)),
    ("process_exit", Some(3)),
    ("panic", Some(101)),
    ("thread_still_logging", Some(0)),
];

fn main() {
    match std::env::var("FEMTO_EXIT_CASE") {
        Ok(case) => child(&case, Path::new(&std::env::var("FEMTO_EXIT_PATH").unwrap())),
        Err(_) => parent(),
    }
}

fn parent() {
    let dir = tempfile::tempdir().unwrap();
    for (case, status) in CASES {
        let path = dir.path().join(format!("{case}.log"));
        let output = Command::new(std::env::current_exe().unwrap())
            .env("FEMTO_EXIT_CASE", case)
            .env("FEMTO_EXIT_PATH", &path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), status, "{case}: {output:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let main_lines = lines.iter().filter(|l| l.starts_with("main ")).count();
        assert_eq!(main_lines, RECORDS, "{case}: records of the main thread");
        if case == "thread_still_logging" {
            // Every record the thread logged before `main` returned is there,
            // in order; later ones may be written or counted as dropped.
            let thread_lines: Vec<&&str> =
                lines.iter().filter(|l| l.starts_with("thread ")).collect();
            assert!(
                thread_lines.len() >= THREAD_RECORDS_BEFORE_EXIT,
                "{case}: {}",
                thread_lines.len()
            );
            for (i, line) in thread_lines.iter().enumerate() {
                assert_eq!(**line, format!("thread {i}"), "{case}");
            }
        } else {
            assert_eq!(lines.len(), RECORDS, "{case}");
        }
        println!("exit without shutdown, {case}: ok ({} lines)", lines.len());
    }
}

/// A file written slowly (20 µs a record), so that records are still
/// queued when the program ends.
struct SlowFile(File);

impl Sink for SlowFile {
    fn write(&mut self, _record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        std::thread::sleep(Duration::from_micros(20));
        writeln!(self.0, "{text}")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

struct SlowFileFactory(PathBuf);

impl SinkFactory for SlowFileFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(SlowFile(File::create(&self.0)?)))
    }

    fn describe(&self) -> String {
        self.0.display().to_string()
    }
}

/// Logs `RECORDS` records to a slow file handler on the global manager,
/// then ends as `case` says, without `shutdown`.
fn child(case: &str, path: &Path) {
    let factory = SlowFileFactory(path.to_owned());
    let handler = FemtoHandler::new(Box::new(factory), HandlerOptions::default()).unwrap();
    let logger = Manager::global().get_logger("app").unwrap();
    logger.set_level(FemtoLevel::INFO);
    logger.add_handler(handler);
    let thread_logged = Arc::new(AtomicUsize::new(0));
    if case == "thread_still_logging" {
        let (logger, logged) = (Arc::clone(&logger), Arc::clone(&thread_logged));
        std::thread::spawn(move || {
            for i in 0.. {
                info!(logger, "thread {i}");
                logged.store(i + 1, Ordering::Release);
            }
        });
        while thread_logged.load(Ordering::Acquire) < THREAD_RECORDS_BEFORE_EXIT {
            std::thread::yield_now();
        }
    }
    for i in 0..RECORDS {
        info!(logger, "main {i}");
    }
    match case {
        "process_exit" => std::process::exit(3),
        "panic" => panic!("the program fails after logging"),
        _ => {}
    }
}
