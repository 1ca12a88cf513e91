#!/bin/sh
# The README's Rust quick start, as a new user runs it: `cargo new`, the two
# `cargo add` lines, the README's main.rs, `FEMTO_LOG=info cargo run`; then
# checks what reached standard error. The build directory is kept under
# target/ so that a second run costs seconds.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$repo" "$work/femtologging"
cd "$work"
cargo new -q app
cd app
cargo add -q femto-core --path ../femtologging/crates/femto-core --features log
cargo add -q log
python3 - "$repo/README.md" src/main.rs <<'PY'
import sys
readme = open(sys.argv[1], encoding="utf-8").read()
section = readme.split("## Rust quick start", 1)[1]
code = section.split("```rust\n", 1)[1].split("```", 1)[0]
open(sys.argv[2], "w", encoding="utf-8").write(code)
PY
FEMTO_LOG=info CARGO_TARGET_DIR="$repo/target/readme-quick-start" cargo run -q 2>"$work/stderr" >/dev/null
cat "$work/stderr"
expect() {
    grep -q -- "$1" "$work/stderr" || { echo "README Rust quick start: missing: $1" >&2; exit 1; }
}
expect ' INFO     app: started with 4 workers$'
expect ' WARNING  app.db: slow query: 250 ms user=42 table=orders$'
expect ' INFO     app: and the log facade, from any dependency, lands in the same handlers$'
[ "$(wc -l <"$work/stderr")" -eq 3 ] || { echo "README Rust quick start: expected 3 lines" >&2; exit 1; }
echo "README Rust quick start: ok"
