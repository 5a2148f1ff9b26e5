#!/usr/bin/env bash
# The test command (README: `make test`): formatting, lints, then the whole suite on SQLite AND
# PostgreSQL. PostgreSQL comes from TEST_DATABASE_URL when set; otherwise from the server on
# 127.0.0.1:5432 when one answers (user postgres, database test); otherwise a throwaway cluster
# started with Debian's pg_virtualenv. PostgreSQL tests are never skipped: without a server they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A fresh clone gains nothing from incremental artefacts; they only fill the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

# Tesseract (OCR tests, the kiosk agent) runs one thread per handle: with OpenMP's default
# threading it is 5-9x slower on 2 cores.
export OMP_THREAD_LIMIT=1

run_suite() {
  echo "== PostgreSQL for tests: ${TEST_DATABASE_URL//:*@/:***@}"
  psql "$TEST_DATABASE_URL" -XAtc "select 'PostgreSQL server ' || current_setting('server_version')"
  echo "== SQLite for tests: temporary files (SQLite compiled in: libsqlite3-sys bundled, .cargo/config.toml)"
  echo "== cargo test --workspace"
  mkdir -p target
  local log=target/test-output.log
  local status=0
  cargo test --workspace --locked --no-fail-fast -- --test-threads="${TEST_THREADS:-4}" 2>&1 \
    | tee "$log" || status=$?
  # One closing line for the whole suite (cargo prints one per test binary).
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
       END { printf "suite: %d passed, %d failed\n", p, f }' "$log"
  return "$status"
}

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run_suite
elif pg_isready -q -h 127.0.0.1 -p 5432 -t 3 \
  && psql "postgres://postgres@127.0.0.1:5432/test" -XAtqc "select 1" >/dev/null 2>&1; then
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
  run_suite
else
  echo "== no PostgreSQL on 127.0.0.1:5432: starting a throwaway cluster with pg_virtualenv"
  export -f run_suite
  # pg_virtualenv exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE for the cluster it made.
  pg_virtualenv bash -c '
    export TEST_DATABASE_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST/\/*/localhost}:${PGPORT}/${PGDATABASE}"
    run_suite'
fi
