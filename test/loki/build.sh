#!/usr/bin/env bash
# Build Grafana Loki (and lokitool) from the Go module proxy at a pinned release.
#
# Why a wrapper module: Loki's go.mod carries replace/exclude directives, which
# `go install pkg@version` refuses. Those directives only act in the main module,
# so we generate a tiny main module that requires Loki and repeats them. The
# directive list is read from Loki's own go.mod as served by the proxy, never
# copied by hand, so bumping LOKI_VERSION is the only edit a release needs.
#
# Binaries are cached outside git, keyed by version:
#   ${LOGWARD_CACHE:-$HOME/.cache/logward}/loki/<version>/{loki,lokitool}
# Prints the path of the directory holding the binaries on its last line.
set -euo pipefail

LOKI_VERSION="${LOKI_VERSION:-v3.7.6}"
# pkg/push is a nested module without tags; Loki replaces it with ./pkg/push,
# which a wrapper cannot use. Pin it to the release commit instead.
LOKI_PUSH_COMMIT="${LOKI_PUSH_COMMIT:-5003600d7c78}"
CACHE_ROOT="${LOGWARD_CACHE:-$HOME/.cache/logward}"
OUT="$CACHE_ROOT/loki/$LOKI_VERSION"

log() { printf '[loki-build] %s\n' "$*" >&2; }

if [[ -x "$OUT/loki" && -x "$OUT/lokitool" ]]; then
  log "cached: $OUT"
  echo "$OUT"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "error: no Go toolchain on PATH (Loki is built from the Go module proxy; install Go >= 1.26.5)"
  exit 3
fi

WORK="$CACHE_ROOT/loki/build-$LOKI_VERSION"
mkdir -p "$WORK" "$OUT"

# One build at a time per cache (parallel test runs, CI steps): a second caller waits for the first
# and then finds the binaries.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/loki/.build-$LOKI_VERSION.lock"
  if ! flock -n 9; then
    log "another build of $LOKI_VERSION is running; waiting for it"
    flock 9
  fi
fi
if [[ -x "$OUT/loki" && -x "$OUT/lokitool" ]]; then
  log "built by the other run: $OUT"
  echo "$OUT"
  exit 0
fi

cd "$WORK"
start=$(date +%s)
BUILD_LOG="$WORK/build.log"
: > "$BUILD_LOG"

# go build -v names each package as it compiles it; a heartbeat turns that into progress lines
# (a cold build compiles ~1,900 packages and takes ~10 minutes on 2 cores).
heartbeat() {
  local what=$1
  local n
  while sleep 30; do
    n=$(grep -vc '^#' "$BUILD_LOG" 2>/dev/null) || true
    log "$what: ${n:-0} packages compiled, $(( $(date +%s) - start ))s elapsed"
  done
}

# Runs a go build with progress; on failure prints the end of its output (the compiler errors).
go_build() {
  local what=$1
  shift
  heartbeat "$what" &
  local hb=$!
  local status=0
  CGO_ENABLED=0 go build -v "$@" >>"$BUILD_LOG" 2>&1 || status=$?
  kill "$hb" 2>/dev/null || true
  wait "$hb" 2>/dev/null || true
  if [[ $status -ne 0 ]]; then
    log "error: building $what failed (exit $status); the end of $BUILD_LOG:"
    tail -n 40 "$BUILD_LOG" >&2
    exit "$status"
  fi
}

log "resolving github.com/grafana/loki/v3@$LOKI_VERSION through the module proxy"
# go mod download -json reports its own failures in an "Error" field (and exits non-zero).
DOWNLOAD=$(cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "github.com/grafana/loki/v3@$LOKI_VERSION" 2>&1) || true
MODFILE=$(printf '%s\n' "$DOWNLOAD" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
if [[ -z "$MODFILE" || ! -f "$MODFILE" ]]; then
  log "error: could not download Loki's go.mod for $LOKI_VERSION (GOPROXY=$(go env GOPROXY)):"
  printf '%s\n' "$DOWNLOAD" >&2
  exit 1
fi
GO_DIRECTIVE=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$MODFILE" | head -1)

{
  echo "module logward.invalid/lokibuild"
  echo
  echo "go ${GO_DIRECTIVE:-1.26.5}"
  echo
  echo "require github.com/grafana/loki/v3 $LOKI_VERSION"
  echo
  # Single-line replace/exclude directives from Loki's go.mod, minus the local pkg/push one.
  grep -E '^(replace|exclude) ' "$MODFILE" | grep -v '=> \./'
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package lokibuild

import (
	_ "github.com/grafana/loki/v3/cmd/loki"
	_ "github.com/grafana/loki/v3/cmd/lokitool"
)
GO

# Prefer the release commit; a proxy that refuses commit queries leaves Loki's own
# require (a pseudo-version of the same, unchanged pkg/push code) in force.
if PUSH_VERSION=$(go list -m -json "github.com/grafana/loki/pkg/push@$LOKI_PUSH_COMMIT" 2>/dev/null \
    | sed -n 's/^[[:space:]]*"Version": "\(.*\)",\{0,1\}$/\1/p' | head -1) && [[ -n "$PUSH_VERSION" ]]; then
  log "pinning github.com/grafana/loki/pkg/push to $PUSH_VERSION"
  echo "replace github.com/grafana/loki/pkg/push => github.com/grafana/loki/pkg/push $PUSH_VERSION" >> go.mod
else
  log "the proxy has no pseudo-version for pkg/push@$LOKI_PUSH_COMMIT; using the version Loki requires"
fi

log "downloading modules (a cold cache fetches a few hundred modules)"
if ! GOFLAGS=-mod=mod go mod tidy >&2; then
  log "error: resolving Loki's modules failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  exit 1
fi
log "modules ready after $(( $(date +%s) - start ))s; compiling loki and lokitool (cold: many minutes on 2 cores)"
ldflags="-s -w -X github.com/grafana/loki/v3/pkg/util/build.Version=${LOKI_VERSION#v}"
go_build loki -tags netgo -ldflags "$ldflags" -o "$OUT/loki.tmp" github.com/grafana/loki/v3/cmd/loki
log "loki built after $(( $(date +%s) - start ))s"
go_build lokitool -tags netgo -ldflags "$ldflags" -o "$OUT/lokitool.tmp" github.com/grafana/loki/v3/cmd/lokitool
mv "$OUT/loki.tmp" "$OUT/loki"
mv "$OUT/lokitool.tmp" "$OUT/lokitool"
log "done in $(( $(date +%s) - start ))s: $OUT"
echo "$OUT"
