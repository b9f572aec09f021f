#!/bin/sh
# bench: llm's speed as one Markdown table, each figure a median beside a floor
# measured in the same run (curl), with the targets it is held to.
#
#	make bench            or   LLM_BIN=build/llm BUILD=build sh bench/run.sh
#
# BENCH_RUNS (default 200) start-ups per command; STREAM_RUNS (default 15)
# runs of each stream: a 1 MiB streamed reply (the HTTP body, about 3,600
# events of the fake's usual 8-byte pieces) and a long one of 1 MiB of text
# (131,072 events, 38 MB on the wire), where the per-event cost shows. Start-up times come from hyperfine when it is
# installed, else from build/bench/startup (fork, exec, wait4: wall and
# user+sys CPU of the child). Rows from build/bench/{router,ledger,tui,gitguard,estimate}_bench
# are added when those exist, and team_bench's (reserve+settle with 1 and 20
# clients, SQLite beside a throw-away PostgreSQL on loopback, bench/team_bench.sh).
# Then bench/cache_bench.py: a 40-turn conversation's cost with prompt caching
# off, on, and on with compaction; and bench/agent_bench.sh.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
LLM_BIN=${LLM_BIN:-$top/$BUILD/llm}
STARTUP=${STARTUP:-$top/$BUILD/bench/startup}
RUNS=${BENCH_RUNS:-200}
export LLM_TOP="$top" LLM_BIN STARTUP
for f in "$LLM_BIN" "$STARTUP"; do
	[ -x "$f" ] || { echo "bench: $f is missing: run make bench" >&2; exit 2; }
done
command -v curl >/dev/null 2>&1 || { echo "bench: curl is missing" >&2; exit 2; }

E=$(mktemp -d "${TMPDIR:-/tmp}/llm-bench-env.XXXXXX") || exit 1
trap 'rm -rf "$E"' EXIT
# start-ups run with no config file (the built-ins) and test keys, so that
# route has a model on every tier; nothing is sent anywhere
mkdir -p "$E/config" "$E/data"
export LLM_CONFIG_DIR="$E/config" LLM_DATA_DIR="$E/data" HOME="$E"
export OPENAI_API_KEY=sk-bench ANTHROPIC_API_KEY=sk-bench GEMINI_API_KEY=bench DEEPSEEK_API_KEY=sk-bench
unset NO_COLOR

# median_us CMD...: "wall_us cpu_us" of one run, the median of RUNS
median_us() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N -w 5 -r "$RUNS" --export-json "$E/h.json" --output=null "$*" >/dev/null 2>&1 &&
		    python3 -c '
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
cpu = [u + s for u, s in zip(r["user"], r["system"])] if "user" in r and isinstance(r["user"], list) else [r["user"] + r["system"]]
print(int(r["median"] * 1e6), int(statistics.median(cpu) * 1e6))' "$E/h.json" && return
	fi
	"$STARTUP" "$RUNS" "$@" | cut -d' ' -f1,2
}

# fmt_ms US: microseconds as milliseconds with two decimals
fmt_ms() {
	awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'
}
# ratio A B: A/B with two decimals
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}
# verdict COND: "met" or "missed" (COND an awk expression)
verdict() {
	awk "BEGIN { print ($1) ? \"met\" : \"**missed**\" }"
}

curl_v=$(median_us curl --version)
llm_v=$(median_us "$LLM_BIN" --version)
llm_r=$(median_us "$LLM_BIN" route "why does this segfault? the pointer is freed on line 12")
stream=$(RUNS=${STREAM_RUNS:-15} sh "$top/bench/stream_bench.sh") || exit 1
long=$(RUNS=${STREAM_RUNS:-15} TEXT_BYTES=1048576 sh "$top/bench/stream_bench.sh") || exit 1

set -- $curl_v; cw=$1
set -- $llm_v; vw=$1
set -- $llm_r; rw=$1
rv=$(ratio "$vw" "$cw")
rr=$(ratio "$rw" "$cw")
# stream_row LABEL FIGURES TARGETED: the wall and CPU rows of one stream_bench line
stream_row() {
	set -- "$1" $2 "$3"
	_label=$1 _sw=$2 _sc=$3 _kw=$4 _kc=$5 _n=$6 _pr=$7 _pd=$8 _ev=$9
	shift 9
	_wire=$1 _targeted=$2
	_r=$(awk -v p="$_pr" 'BEGIN { printf "%.2f", p / 1000 }')
	_d=$(awk -v d="$_pd" 'BEGIN { printf "%+.2f ms", d / 1000 }')
	_what="$_label: $_ev events, $(awk -v b="$_wire" 'BEGIN { printf "%.1f MB", b / 1e6 }') on the wire, $_n runs"
	if [ "$_targeted" = yes ]; then
		_tw="< +5 ms: $(verdict "$_pd < 5000")"
		_tc="< 1.5×: $(verdict "$_pr < 1500")"
	else
		_per=$(awk -v a="$_sc" -v b="$_kc" -v e="$_ev" 'BEGIN { printf "%.2f µs", (a - b) / e }')
		_tw="—"
		_tc="— ($_per of CPU per event above curl)"
	fi
	echo "| $_what, wall vs \`curl -N\` | $(fmt_ms "$_sw") | $(fmt_ms "$_kw") | $_d per pair | $_tw |"
	echo "| $_what, CPU user+sys vs \`curl -N\` | $(fmt_ms "$_sc") | $(fmt_ms "$_kc") | ${_r}× per pair | $_tc |"
}

echo "| Measure (median) | llm | Floor: curl | Ratio | Target |"
echo "|---|---|---|---|---|"
echo "| start-up, \`llm --version\` vs \`curl --version\` ($RUNS runs) | $(fmt_ms "$vw") | $(fmt_ms "$cw") | ${rv}× | ≤ 3×: $(verdict "$rv <= 3") |"
echo "| start-up, \`llm route \"…\"\` vs \`curl --version\` ($RUNS runs) | $(fmt_ms "$rw") | $(fmt_ms "$cw") | ${rr}× | — |"
stream_row "1 MiB streamed reply" "$stream" yes
stream_row "1 MiB of reply text" "$long" no
# llm logs -q on a conversation of 1,000 messages (about 600 KB of text, one
# rare word in one message): the whole command, start-up included
if command -v sqlite3 >/dev/null 2>&1 && "$LLM_BIN" logs >/dev/null 2>&1; then
	sqlite3 "$E/data/llm.db" "INSERT INTO conversations (created, updated, title) VALUES (0, 0, 'bench');
	    WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 1000)
	    INSERT INTO messages (conversation_id, role, text, created)
	    SELECT 1, CASE n % 2 WHEN 1 THEN 'user' ELSE 'assistant' END,
	    printf('message %d: ', n) || replace(hex(randomblob(150)), 'A', ' a ')
	    || CASE n WHEN 737 THEN ' quokka' ELSE '' END, n FROM i;"
	if [ "$("$LLM_BIN" logs -q quokka | grep -c quokka)" = 1 ]; then
		set -- $(median_us "$LLM_BIN" logs -q quokka)
		echo "| \`llm logs -q WORD\`, 1,000 messages, the whole command ($RUNS runs) | $(fmt_ms "$1") | — | — | < 50 ms: $(verdict "$1 < 50000") |"
	else
		echo "| \`llm logs -q WORD\`, 1,000 messages | not found | — | — | **missed** |"
	fi
fi
for b in router_bench ledger_bench tui_bench gitguard_bench estimate_bench; do
	bin="$top/$BUILD/bench/$b"
	[ -x "$bin" ] || continue
	"$bin" 2>/dev/null | grep -E '[0-9]' | grep -v '^fill:' | while IFS= read -r line; do
		echo "| $b | $(printf '%s' "$line" | sed 's/|/\\|/g') | — | — | as printed |"
	done
done
# The team ledger beside SQLite: a throw-away PostgreSQL cluster on loopback.
if [ -x "$top/$BUILD/bench/team_bench" ]; then
	BUILD=$BUILD LLM_BIN=$LLM_BIN sh "$top/bench/team_bench.sh" 2>/dev/null |
	    grep -E '[0-9]|not run' | while IFS= read -r line; do
		echo "| team_bench | $line | — | — | as printed |"
	done
fi

# What prompt caching and compaction do to a long conversation's bill (a table of its own).
echo
python3 "$top/bench/cache_bench.py" || exit 1
echo
sh "$top/bench/agent_bench.sh"
