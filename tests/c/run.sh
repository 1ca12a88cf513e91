#!/usr/bin/env bash
# Builds and runs the C tests against include/ and the built library.
#
#   tests/c/run.sh LIBDIR BUILDDIR
#
# Every test is compiled with -Wall -Wextra -Werror. The API-level tests run
# under AddressSanitizer + UBSan and again under valgrind; the stress tests
# (threads, fork, exit) run on a plain optimised build, because ASan's
# allocator is neither fast enough for a million records nor fork-safe.
set -euo pipefail

LIBDIR=$(cd "$1" && pwd)
BUILD=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
OUT=$(mktemp -d "$BUILD/run.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

CFLAGS=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Werror -g -I"$ROOT/include")
LDFLAGS=(-L"$LIBDIR" -Wl,-rpath,"$LIBDIR" -lfemtologging -lpthread)
ASAN=(-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)

compile() { # name output extra-flags...
    local name=$1 output=$2
    shift 2
    cc "${CFLAGS[@]}" "$@" "$ROOT/tests/c/$name.c" "${LDFLAGS[@]}" -o "$output"
}

passed=0
failed=0
run() { # label command...
    local label=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $label" >&2
        failed=$((failed + 1))
    fi
}

echo "== the shared library: SONAME, exports"
check_library() {
    local so="$LIBDIR/libfemtologging.so" soname foreign
    soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "libfemtologging.so" ] || { echo "SONAME is '$soname'" >&2; return 1; }
    foreign=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^femto_' || true)
    [ -z "$foreign" ] || { echo "exports other than femto_*: $foreign" >&2; return 1; }
    [ -f "$LIBDIR/libfemtologging.a" ] || { echo "no static library" >&2; return 1; }
}
run "library SONAME and exports" check_library

echo "== compiling the header as C11 and C++17 with -Werror"
printf '#include <femtologging.h>\nint main(void) { return femto_abi_version() == FEMTO_ABI_VERSION ? 0 : 1; }\n' > "$OUT/header.c"
run "header as C" cc "${CFLAGS[@]}" "$OUT/header.c" "${LDFLAGS[@]}" -o "$OUT/header_c"
run "header as C" "$OUT/header_c"
run "header as C++" c++ -std=c++17 -Wall -Wextra -Werror -I"$ROOT/include" -x c++ "$OUT/header.c" "${LDFLAGS[@]}" -o "$OUT/header_cxx"
run "header as C++" "$OUT/header_cxx"
# femtologging_inline.h (the macros and initialisers) has three ways to read
# a logger's threshold: C11 atomics, C++17 <atomic>, and a call for older
# languages. Each must compile cleanly and agree with the call.
printf '#include <femtologging.h>\nint main(void) {\n const femto_logger *l = NULL;\n if (femto_logger_get("inline", 6, &l) != FEMTO_STATUS_OK) return 1;\n femto_logger_set_level(l, FEMTO_LEVEL_ERROR);\n return femto_logger_enabled_(l, FEMTO_LEVEL_ERROR) && !femto_logger_enabled_(l, FEMTO_LEVEL_WARNING) && !femto_logger_enabled_(NULL, 50) ? 0 : 1;\n}\n' > "$OUT/inline.c"
for std in c99 c11; do
    run "inline header as $std" cc "${CFLAGS[@]/-std=c11/-std=$std}" "$OUT/inline.c" "${LDFLAGS[@]}" -o "$OUT/inline_$std"
    run "inline header as $std" "$OUT/inline_$std"
done
for std in c++11 c++17; do
    run "inline header as $std" c++ -std=$std -Wall -Wextra -Wpedantic -Werror -I"$ROOT/include" -x c++ "$OUT/inline.c" "${LDFLAGS[@]}" -o "$OUT/inline_$std"
    run "inline header as $std" "$OUT/inline_$std"
done

echo "== AddressSanitizer + UBSan"
for name in test_api test_misuse test_features test_drop test_exit test_config test_printf; do
    compile "$name" "$BUILD/asan_$name" "${ASAN[@]}"
done
compile test_features "$BUILD/asan_test_features_min" "${ASAN[@]}" -DFEMTO_MIN_LEVEL=30
nm "$BUILD/asan_test_api" | grep __asan_init >/dev/null || { echo "ASan runtime not linked" >&2; exit 1; }
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for name in test_api test_misuse test_features test_features_min test_drop test_config test_printf; do
    run "asan $name" "$BUILD/asan_$name" "$OUT"
done
run "asan test_exit" "$BUILD/asan_test_exit" "$OUT/exit-asan.log"

echo "== valgrind"
for name in test_api test_misuse test_features test_drop test_config test_printf; do
    compile "$name" "$BUILD/plain_$name" -O1
    run "valgrind $name" valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite "$BUILD/plain_$name" "$OUT"
done

echo "== stress: threads, fork, exit without shutdown"
for name in test_mt_block test_fork test_fork_locks test_exit test_exit_stuck test_reentry test_socket; do
    compile "$name" "$BUILD/plain_$name" -O2
done
run "test_mt_block" "$BUILD/plain_test_mt_block" "$OUT/mt.log"
run "test_fork" timeout 120 "$BUILD/plain_test_fork" "$OUT/fork.log"
run "test_fork_locks" timeout 120 "$BUILD/plain_test_fork_locks" "$OUT/fork-locks.log"
run "test_exit" "$BUILD/plain_test_exit" "$OUT/exit.log"
run "test_reentry" timeout 60 "$BUILD/plain_test_reentry"
run "test_socket" timeout 120 "$BUILD/plain_test_socket" "$OUT"
exit_stuck() {
    FEMTOLOGGING_EXIT_TIMEOUT=1 timeout 60 "$BUILD/plain_test_exit_stuck" 2>"$OUT/exit-stuck.err" &&
        grep -Eq "exit gave up after 1.0 s without progress on handler\(s\) \"callback\": (39|40) queued" "$OUT/exit-stuck.err" ||
        { cat "$OUT/exit-stuck.err" >&2; return 1; }
}
run "test_exit_stuck" exit_stuck

echo "== examples"
for name in hello threads; do
    cc "${CFLAGS[@]}" -O2 "$ROOT/examples/c/$name.c" "${LDFLAGS[@]}" -o "$BUILD/example_$name"
done
run "example hello" "$BUILD/example_hello" "$OUT/hello.log"
run "example threads" "$BUILD/example_threads" "$OUT/threads.log" 20000

echo "== the README's C quick start"
python3 - "$ROOT/README.md" "$OUT/quick_start.c" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(text.split("```c\n", 1)[1].split("```", 1)[0])
PY
quick_start() {
    cc "${CFLAGS[@]}" "$OUT/quick_start.c" "${LDFLAGS[@]}" -o "$OUT/quick_start" &&
        (cd "$OUT" && ./quick_start) &&
        [ "$(wc -l < "$OUT/app.log")" -eq 2 ] && grep -q "INFO     app: started with 4 workers" "$OUT/app.log"
}
run "README quick start" quick_start

echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
