#!/usr/bin/env bash
# Tests the Go binding against an installed femtologging: installs the
# built library into a scratch prefix (as `make install` does), then gofmt,
# go vet, go test under the race detector, and the example (a Go program and
# the C library it calls, logging into one file through one engine).
#
#   bindings/go/run.sh LIBDIR BUILDDIR
set -euo pipefail

LIBDIR=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$2"
OUT=$(mktemp -d "$(cd "$2" && pwd)/go.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
"$ROOT/tools/install.sh" "$LIBDIR" "$OUT/prefix" >/dev/null
export PKG_CONFIG_PATH=$OUT/prefix/lib/pkgconfig CGO_LDFLAGS="-Wl,-rpath,$OUT/prefix/lib"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
cd "$ROOT/bindings/go"

echo "== bindings/go: gofmt, go vet"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "FAILED: gofmt would change: $unformatted" >&2; exit 1; }
go vet ./...
echo "== bindings/go: go test -race"
go test -race -count=1 ./...
echo "== bindings/go: the example (Go and a C library, one file)"
go run ./example "$OUT/example.log"
[ "$(grep -c '^go.app ' "$OUT/example.log")" = 5 ] && [ "$(grep -c '^native.codec ' "$OUT/example.log")" = 3 ] ||
    { echo "FAILED: the example's log:" >&2; cat "$OUT/example.log" >&2; exit 1; }
