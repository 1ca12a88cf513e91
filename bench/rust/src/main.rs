//! The Rust side of `make bench`: the same 1,000,000 records written to a
//! file through femto-core, through `tracing` with `tracing-appender`'s
//! non-blocking writer (lossless mode), and by a floor that formats each
//! line with `write!` and writes 64 KiB at a time; then through the `log`
//! facade (femto-core's against `env_logger`) and through `tracing` with
//! femto-core's layer. Prints the one-line result `bench/c/compare.py`
//! reads.
//!
//! ```text
//! femto-rust-bench femto|tracing|floor THREADS PATH N
//! femto-rust-bench log-femto|log-env-logger|tracing-femto THREADS PATH N
//! femto-rust-bench femto-disabled|tracing-disabled N
//! femto-rust-bench memory N      memory per queued record, peak RSS
//! ```

use std::fs::File;
use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use femto_core::builder::{FileHandlerBuilder, HandlerBuilder};
use femto_core::{FemtoLevel, Manager};

const MESSAGE_TAIL: &str = "GET /api/v1/items";
const PATTERN: &str = "%(asctime)s [%(levelname)s] %(name)s: %(message)s";

/// Runs `produce(thread, per_thread)` on `threads` threads at once;
/// returns the mean time per call of the logging loops.
fn run_threads(threads: usize, per_thread: usize, produce: impl Fn(usize, usize) + Sync) -> f64 {
    let start = Barrier::new(threads);
    let elapsed: Vec<Duration> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (start, produce) = (&start, &produce);
                scope.spawn(move || {
                    start.wait();
                    let begin = Instant::now();
                    produce(t, per_thread);
                    begin.elapsed()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let total: f64 = elapsed.iter().map(|d| d.as_nanos() as f64).sum();
    total / (threads * per_thread) as f64
}

fn report(total: Duration, producer_ns: f64, records: usize) {
    println!(
        "total_ns={} producer_ns={producer_ns:.2} records={records}",
        total.as_nanos()
    );
}

/// Which front end logs into femto-core.
#[derive(Clone, Copy)]
enum Front {
    Macro,
    Log,
    Tracing,
}

fn femto(front: Front, threads: usize, path: &str, records: usize) -> Result<(), String> {
    let handler = FileHandlerBuilder::new(path)
        .truncate(true)
        .format(PATTERN)
        .build()
        .map_err(|e| e.to_string())?;
    let logger = Manager::global()
        .get_logger("bench")
        .map_err(|e| e.to_string())?;
    logger.add_handler(Arc::clone(&handler));
    logger.set_level(FemtoLevel::INFO);
    match front {
        Front::Macro => {}
        Front::Log => femto_core::log_facade::install().map_err(|e| e.to_string())?,
        Front::Tracing => {
            use tracing_subscriber::layer::SubscriberExt;
            let subscriber =
                tracing_subscriber::registry().with(femto_core::tracing_layer::FemtoLayer);
            tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())?;
        }
    }
    let per_thread = records / threads;
    let start = Instant::now();
    let producer = run_threads(threads, per_thread, |t, n| match front {
        Front::Macro => {
            for i in 0..n {
                femto_core::info!(logger, "record {i} from thread {t}: {MESSAGE_TAIL}");
            }
        }
        Front::Log => {
            for i in 0..n {
                log::info!(target: "bench", "record {i} from thread {t}: {MESSAGE_TAIL}");
            }
        }
        Front::Tracing => {
            for i in 0..n {
                tracing::info!(target: "bench", "record {i} from thread {t}: {MESSAGE_TAIL}");
            }
        }
    });
    if !femto_core::shutdown(Duration::from_secs(60)) {
        return Err("shutdown timed out".into());
    }
    let total = start.elapsed();
    let stats = handler.stats();
    if stats.written != (per_thread * threads) as u64 || stats.dropped != 0 {
        return Err(format!("lost records: written {}", stats.written));
    }
    report(total, producer, per_thread * threads);
    Ok(())
}

/// `tracing`'s fmt layer writing through `tracing-appender`'s non-blocking
/// worker with `lossy(false)` (its lossless mode), in a line close to the
/// others: `2026-12-01 07:30:01,123  INFO bench: record 42 …`.
fn tracing_run(threads: usize, path: &str, records: usize) -> Result<(), String> {
    let file = File::create(path).map_err(|e| e.to_string())?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(file);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_timer(tracing_subscriber::fmt::time::ChronoLocal::new(
            "%Y-%m-%d %H:%M:%S,%3f".into(),
        ))
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())?;
    let per_thread = records / threads;
    let start = Instant::now();
    let producer = run_threads(threads, per_thread, |t, n| {
        for i in 0..n {
            tracing::info!(target: "bench", "record {i} from thread {t}: {MESSAGE_TAIL}");
        }
    });
    drop(guard); // flushes and joins the appender's worker
    let total = start.elapsed();
    report(total, producer, per_thread * threads);
    Ok(())
}

/// `env_logger` writing to the file (its `Target::Pipe`: each record is
/// formatted and written on the calling thread), in the same line.
fn env_logger_run(threads: usize, path: &str, records: usize) -> Result<(), String> {
    let file = File::create(path).map_err(|e| e.to_string())?;
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        .target(env_logger::Target::Pipe(Box::new(file)))
        .format(|out, record| {
            let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S,%3f");
            writeln!(
                out,
                "{now} [{}] {}: {}",
                record.level(),
                record.target(),
                record.args()
            )
        })
        .try_init()
        .map_err(|e| e.to_string())?;
    let per_thread = records / threads;
    let start = Instant::now();
    let producer = run_threads(threads, per_thread, |t, n| {
        for i in 0..n {
            log::info!(target: "bench", "record {i} from thread {t}: {MESSAGE_TAIL}");
        }
    });
    log::logger().flush();
    let total = start.elapsed();
    report(total, producer, per_thread * threads);
    Ok(())
}

/// The least work that produces the file: each thread formats its lines
/// (date part cached per second) into a 64 KiB buffer and writes it when
/// full; no queue, no logger.
fn floor(threads: usize, path: &str, records: usize) -> Result<(), String> {
    let file = File::create(path).map_err(|e| e.to_string())?;
    let per_thread = records / threads;
    let start = Instant::now();
    let producer = run_threads(threads, per_thread, |t, n| {
        let mut out = &file;
        let mut buffer: Vec<u8> = Vec::with_capacity(1 << 16);
        let (mut second, mut date) = (i64::MIN, String::new());
        for i in 0..n {
            let now = chrono::Local::now();
            if now.timestamp() != second {
                second = now.timestamp();
                date = now.format("%Y-%m-%d %H:%M:%S").to_string();
            }
            let millis = now.timestamp_subsec_millis();
            let _ = writeln!(
                buffer,
                "{date},{millis:03} [INFO] bench: record {i} from thread {t}: {MESSAGE_TAIL}"
            );
            if buffer.len() > (1 << 16) - 256 {
                let _ = out.write_all(&buffer);
                buffer.clear();
            }
        }
        let _ = out.write_all(&buffer);
    });
    let total = start.elapsed();
    report(total, producer, per_thread * threads);
    Ok(())
}

fn femto_disabled(calls: usize) -> Result<(), String> {
    let logger = Manager::global()
        .get_logger("bench.disabled")
        .map_err(|e| e.to_string())?;
    logger.set_level(FemtoLevel::INFO);
    let start = Instant::now();
    for i in 0..calls {
        femto_core::debug!(logger, "never formatted {i}");
    }
    let total = start.elapsed();
    report(total, total.as_nanos() as f64 / calls as f64, calls);
    Ok(())
}

fn tracing_disabled(calls: usize) -> Result<(), String> {
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::sink)
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())?;
    let start = Instant::now();
    for i in 0..calls {
        tracing::debug!("never formatted {i}");
    }
    let total = start.elapsed();
    report(total, total.as_nanos() as f64 / calls as f64, calls);
    Ok(())
}

/// Resident memory of this process, in bytes (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Peak resident memory of this process, in bytes (Linux).
fn peak_resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Fills a handler's queue while its worker is held up (its formatter
/// waits for a gate), then reports memory per queued record and the peak
/// resident size with the queue full.
fn memory(capacity: usize) -> Result<(), String> {
    let gate = Arc::new(std::sync::Mutex::new(()));
    let held = gate.lock().map_err(|e| e.to_string())?;
    let blocked = Arc::clone(&gate);
    let handler = femto_core::FemtoHandler::new(
        Box::new(femto_core::FileSinkFactory::new(
            "/dev/null",
            femto_core::FileMode::Append,
        )),
        femto_core::HandlerOptions {
            capacity: capacity + 1,
            formatter: Arc::new(
                move |record: &femto_core::FemtoLogRecord, out: &mut String| {
                    let _wait = blocked.lock();
                    out.push_str(&record.message);
                },
            ),
            ..femto_core::HandlerOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let logger = Manager::global()
        .get_logger("bench.memory")
        .map_err(|e| e.to_string())?;
    logger.add_handler(Arc::clone(&handler));
    logger.set_level(FemtoLevel::INFO);
    femto_core::info!(logger, "the first record: the worker takes it and waits");
    std::thread::sleep(Duration::from_millis(100));
    let before = resident_bytes();
    for i in 0..capacity {
        femto_core::info!(logger, "record {i} from thread 0: {MESSAGE_TAIL}");
    }
    let after = resident_bytes();
    let peak = peak_resident_bytes();
    drop(held);
    handler.close(Duration::from_secs(60));
    println!(
        "records={capacity} bytes_per_record={:.1} peak_rss_bytes={peak}",
        after.saturating_sub(before) as f64 / capacity as f64
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let result = match (args.first().map(String::as_str), args.len()) {
        (Some("femto" | "tracing" | "floor" | "log-femto" | "log-env-logger" | "tracing-femto"), 4) => {
            match (number(1), args.get(2), number(3)) {
                (Some(threads), Some(path), Some(records)) if threads > 0 => match args[0].as_str() {
                    "femto" => femto(Front::Macro, threads, path, records),
                    "log-femto" => femto(Front::Log, threads, path, records),
                    "tracing-femto" => femto(Front::Tracing, threads, path, records),
                    "tracing" => tracing_run(threads, path, records),
                    "log-env-logger" => env_logger_run(threads, path, records),
                    _ => floor(threads, path, records),
                },
                _ => Err("bad arguments".into()),
            }
        }
        (Some("femto-disabled"), 2) => number(1).ok_or_else(|| "bad N".into()).and_then(femto_disabled),
        (Some("tracing-disabled"), 2) => number(1).ok_or_else(|| "bad N".into()).and_then(tracing_disabled),
        (Some("memory"), 2) => number(1).ok_or_else(|| "bad N".into()).and_then(memory),
        _ => Err("usage: femto-rust-bench femto|tracing|floor|log-femto|log-env-logger|tracing-femto THREADS PATH N | femto-disabled|tracing-disabled N | memory N".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
