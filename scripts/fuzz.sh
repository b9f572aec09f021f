#!/bin/sh
# fuzz: build the libFuzzer targets of tests/fuzz and run each on a copy of its corpus.
#
#	sh scripts/fuzz.sh [TARGET...]        all targets when none is named
#
# FUZZ_SECONDS (default 60) is each target's run time; FUZZ_JOBS (default 1)
# how many targets run at once; FUZZ_OUT (default build-fuzz) where binaries,
# corpus copies and logs go. A crash leaves its input as
# $FUZZ_OUT/<target>/crash-*: add it to tests/fixtures/fuzz/<target>/ and it
# is replayed by tests/unit/test_fuzz_regress.c from then on. Prints one line
# per target ("ok - fuzz TARGET: N runs in S s" or "not ok - ...") and exits
# non-zero when any target crashed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
OUT=${FUZZ_OUT:-build-fuzz}
SECS=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
CLANG=${FUZZ_CC:-clang}
ALL="sse ndjson provider config theme md router visible calls_openai calls_anthropic calls_gemini calls_ollama gitguard gitfind"

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "llm: fuzz: $CLANG is not installed (apt-get install clang)" >&2
	exit 2
fi

# The sources each target links, beside the foundation (util, buf).
srcs_of() {
	case $1 in
	sse) echo sse ;;
	ndjson) echo ndjson ;;
	provider) echo "provider provider_openai provider_anthropic provider_gemini provider_ollama wire wire_call visible sse ndjson" ;;
	calls_*) echo "provider provider_openai provider_anthropic provider_gemini provider_ollama wire wire_call visible sse ndjson" ;;
	config) echo "config config_value config_check catalog pricing provider provider_openai provider_anthropic provider_gemini provider_ollama wire wire_call visible" ;;
	theme) echo theme ;;
	md) echo "md md_wrap visible" ;;
	router) echo "router router_scan router_rules router_kw fmt catalog pricing config config_value config_check provider provider_openai provider_anthropic provider_gemini provider_ollama wire wire_call visible" ;;
	visible) echo visible ;;
	gitguard) echo "gitguard gitfind gitmanagers held githooks" ;;
	gitfind) echo "gitfind held githooks" ;;
	*) return 1 ;;
	esac
}

PKG_CFLAGS=$(pkg-config --cflags libcjson inih md4c)
PKG_LIBS=$(pkg-config --libs libcjson inih md4c)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# The escaped quotes are meant for the compiler: LLM_VERSION is a C string.
# shellcheck disable=SC2089
CFLAGS="-std=c11 -g -O1 -D_GNU_SOURCE -DLLM_VERSION=\"fuzz\" -DLLM_DATADIR=\"/nonexistent\" -Isrc $PKG_CFLAGS"

# The newest header: an object older than it is built again (a struct may have changed).
# shellcheck disable=SC2012 # names of our own headers, no odd characters
HDR=$(ls -t src/*.h | head -n 1)

# build TARGET: compile its sources (instrumented) and link the fuzzer.
build() {
	_t=$1
	_d="$OUT/$_t"
	mkdir -p "$_d/obj"
	_objs=
	for _s in util buf $(srcs_of "$_t"); do
		# word lists; -nt is in dash and bash; CFLAGS's quotes are for the compiler
		# shellcheck disable=SC2086,SC2090,SC3013
		if [ ! "$_d/obj/$_s.o" -nt "src/$_s.c" ] || [ ! "$_d/obj/$_s.o" -nt "$0" ] ||
		    [ ! "$_d/obj/$_s.o" -nt "$HDR" ]; then
			$CLANG $CFLAGS -fsanitize=fuzzer-no-link $SAN -c -o "$_d/obj/$_s.o" "src/$_s.c" || return 1
		fi
		_objs="$_objs $_d/obj/$_s.o"
	done
	# shellcheck disable=SC2086,SC2090
	$CLANG $CFLAGS -fsanitize=fuzzer $SAN -o "$_d/fuzz_$_t" "tests/fuzz/fuzz_$_t.c" $_objs $PKG_LIBS -lm
}

# run TARGET: fuzz a copy of the seed corpus for SECS seconds; print the result line.
run() {
	_t=$1
	_d="$OUT/$_t"
	rm -rf "$_d/corpus"
	mkdir -p "$_d/corpus"
	cp tests/fuzz/corpus/"$_t"/* "$_d/corpus/" 2>/dev/null
	cp tests/fixtures/fuzz/"$_t"/* "$_d/corpus/" 2>/dev/null
	rm -f "$_d"/crash-* "$_d"/leak-* "$_d"/timeout-* "$_d"/oom-*
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    "$_d/fuzz_$_t" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$_d/" "$_d/corpus" >"$_d/log" 2>&1
	_rc=$?
	_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$_d/log" | tail -1)
	_cov=$(grep -o 'cov: [0-9]*' "$_d/log" | tail -1)
	if [ "$_rc" -eq 0 ]; then
		echo "ok - fuzz $_t: ${_runs:-?} runs in $SECS s (${_cov:-cov: ?}, corpus $(find "$_d/corpus" -type f | wc -l))"
	else
		echo "not ok - fuzz $_t: exit $_rc after ${_runs:-?} runs; see $_d/log"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$_d/log" | head -8 | sed 's/^/#   /'
		return 1
	fi
}

targets=${*:-$ALL}
for t in $targets; do
	srcs_of "$t" >/dev/null || { echo "llm: fuzz: no target '$t' (have: $ALL)" >&2; exit 2; }
	build "$t" || { echo "not ok - fuzz $t: build failed"; exit 1; }
done

fail=0
# shellcheck disable=SC2086 # a list of target names
set -- $targets
while [ $# -gt 0 ]; do
	pids=
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$JOBS" ]; do
		run "$1" >"$OUT/$1.result" &
		pids="$pids $!"
		n=$((n + 1))
		shift
	done
	for p in $pids; do
		wait "$p" || fail=1
	done
done
for t in $targets; do
	cat "$OUT/$t.result"
done
exit $fail
