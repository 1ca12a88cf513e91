//! `init()`: a console handler with the default format, levels from
//! `FEMTO_LOG` (else `RUST_LOG`), the `log` facade, a clear error for a
//! bad directive, and a refusal the second time. Each case is a child
//! process (`init` is once per process); the parent reads its stderr.

use std::process::Command;

fn main() {
    match std::env::var("FEMTO_INIT_CASE") {
        Ok(_) => child(),
        Err(_) => parent(),
    }
}

fn run(variables: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .env("FEMTO_INIT_CASE", "1")
        .env_remove("FEMTO_LOG")
        .env_remove("RUST_LOG");
    for (name, value) in variables {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (
        output.status.code(),
        text(output.stdout),
        text(output.stderr),
    )
}

fn parent() {
    // FEMTO_LOG wins over RUST_LOG.
    let (status, stdout, stderr) =
        run(&[("FEMTO_LOG", "warn,app::db=debug"), ("RUST_LOG", "trace")]);
    assert_eq!(status, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("second init: logging was set up already"),
        "{stdout}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    // "2026-12-05 11:40:00,123 DEBUG    app.db: query took 3 ms user=42"
    let fields: Vec<&str> = lines[0].splitn(4, ' ').collect();
    assert_eq!(fields[0].len(), "2026-12-05".len(), "{}", lines[0]);
    assert!(
        lines[0].ends_with(" DEBUG    app.db: query took 3 ms user=42"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(" INFO     app.db: from the log facade"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with(" WARNING  init: shown at the root's WARNING"),
        "{}",
        lines[2]
    );

    // RUST_LOG when FEMTO_LOG is absent.
    let (status, _, stderr) = run(&[("RUST_LOG", "info")]);
    assert_eq!(status, Some(0));
    assert!(stderr.contains(" INFO     init: shown at INFO"), "{stderr}");
    assert!(
        stderr.contains(" INFO     app.db: from the log facade"),
        "{stderr}"
    );
    assert!(!stderr.contains("query took"), "{stderr}");

    // Neither: the root at INFO.
    let (_, _, stderr) = run(&[]);
    assert!(stderr.contains(" INFO     init: shown at INFO"), "{stderr}");

    let (status, stdout, stderr) = run(&[("FEMTO_LOG", "app=loud")]);
    assert_eq!(status, Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "init failed: FEMTO_LOG: bad directive \"app=loud\": \"loud\" is not a level"
        ),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");
    println!("init: ok");
}

fn child() {
    if let Err(error) = femto_core::init() {
        println!("init failed: {error}");
        std::process::exit(2);
    }
    if let Err(error) = femto_core::init() {
        println!("second init: {error}");
    }
    femto_core::debug!(target: "app.db", user = 42; "query took {} ms", 3);
    log::info!(target: "app::db", "from the log facade");
    femto_core::info!("shown at INFO");
    femto_core::warn!("shown at the root's WARNING");
    femto_core::debug!("never shown");
}
