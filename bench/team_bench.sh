#!/bin/sh
# team_bench.sh: run build/bench/team_bench against a throw-away PostgreSQL
# cluster on loopback (tests/pg_lib.sh, with fsync on as a real server has it),
# after llm ledger init has made the schema and the team "bench".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
LLM_BIN=${LLM_BIN:-$top/$BUILD/llm}
# What tests/pg_lib.sh needs of tests/lib.sh.
t_py() { python3 -I -S "$@"; }
T_DEFER=
t_defer() { T_DEFER="$1; $T_DEFER"; }
# shellcheck source=tests/pg_lib.sh
. "$top/tests/pg_lib.sh"
E=$(mktemp -d "${TMPDIR:-/tmp}/llm-team-bench.XXXXXX") || exit 1
trap 'eval "$T_DEFER"; rm -rf "$E"' EXIT
PG_FSYNC=${PG_FSYNC:-on} pg_start
mkdir -p "$E/config" "$E/data"
printf '[ledger]\nteam = bench\n' >"$E/config/config.ini"
LLM_CONFIG_DIR="$E/config" LLM_DATA_DIR="$E/data" LLM_DATABASE="$PG_URL" \
    "$LLM_BIN" ledger init >/dev/null || exit 1
LLM_BENCH_DATABASE="$PG_URL" "$top/$BUILD/bench/team_bench"
