#!/usr/bin/env bash
# The Python source distribution as a user meets it:
# - `python -m build --sdist` makes an sdist holding everything the build
#   needs (the build backend, the engine's crates, the headers), and
#   installing it into a fresh venv gives a working femtologging;
# - without Rust, installing it stops with one sentence saying what to install.
#
#   tests/dist/run.sh PYTHON BUILDDIR
# PYTHON is the project venv's interpreter (with `build` installed).
set -euo pipefail

PYTHON=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$2"
OUT=$(mktemp -d "$(cd "$2" && pwd)/dist.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

echo "== python -m build --sdist"
"$PYTHON" -m build --sdist -o "$OUT/sdist" "$ROOT" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
SDIST=$(ls "$OUT"/sdist/femtologging-*.tar.gz)
listing=$(tar tzf "$SDIST")
for needed in build_backend/femto_build.py crates/femto-core/Cargo.toml crates/femto-ffi/Cargo.toml \
    crates/femto-ffi/build.rs crates/femto-py/Cargo.toml include/femtologging.h include/femtologging_cffi.h; do
    grep -q "^femtologging-[^/]*/$needed\$" <<<"$listing" || { echo "FAILED: the sdist lacks $needed" >&2; exit 1; }
done
! grep -q '\.so$' <<<"$listing" || { echo "FAILED: the sdist carries a built library" >&2; exit 1; }

echo "== installing the sdist into a fresh venv"
python3 -m venv "$OUT/venv"
# The build shares the checkout's cargo target directory: crates.io
# dependencies already built are reused (the engine itself is rebuilt).
CARGO_TARGET_DIR=$ROOT/target "$OUT/venv/bin/pip" install -q --disable-pip-version-check "$SDIST" \
    >"$OUT/install.log" 2>&1 || { cat "$OUT/install.log" >&2; exit 1; }
(cd "$OUT" && FEMTOLOGGING_BACKEND=native "$OUT/venv/bin/python" -c '
import femtologging as logging
logging.basicConfig(filename="sdist.log", format="%(levelname)s %(message)s")
logging.warning("installed from the sdist")
logging.shutdown()
')
grep -qx "WARNING installed from the sdist" "$OUT/sdist.log" || { echo "FAILED: the installed sdist did not log" >&2; exit 1; }

echo "== installing the sdist without Rust"
NO_RUST_PATH=$(tr ':' '\n' <<<"$PATH" | grep -v -e '\.cargo' -e rustup | paste -sd:)
if env -u CARGO PATH="$NO_RUST_PATH" CARGO_HOME=/nonexistent "$OUT/venv/bin/pip" install -q --disable-pip-version-check \
    --force-reinstall --no-deps "$SDIST" >"$OUT/no-rust.log" 2>&1; then
    echo "FAILED: installing without Rust succeeded?" >&2
    exit 1
fi
grep -q "femtologging: building from source needs Rust (cargo, 1.85 or newer), which was not found" "$OUT/no-rust.log" ||
    { echo "FAILED: no clear message without Rust:" >&2; cat "$OUT/no-rust.log" >&2; exit 1; }
! grep -q "Traceback" "$OUT/no-rust.log" || { echo "FAILED: a traceback without Rust:" >&2; cat "$OUT/no-rust.log" >&2; exit 1; }
echo "dist: the sdist builds, installs and logs; without Rust it says what to install"
