#!/bin/sh
# Run every unit test binary and every script test; print "N passed, N failed".
# Each test prints "ok - name" / "not ok - name" lines; a test program that
# exits non-zero without reporting a failure counts as one failure.
# TESTS="pattern" runs only the tests whose file name matches; JOBS=N runs N
# tests at a time (default 3: most of a script test's time is spent waiting).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-build}
export LLM_BIN=${LLM_BIN:-$top/$BUILD/llm}
export LLM_TOP=$top
pattern=${TESTS:-}
jobs=${JOBS:-3}
out=$(mktemp -d "${TMPDIR:-/tmp}/llm-run.XXXXXX")
trap 'rm -rf "$out"' EXIT

# run_one NAME CMD...: run a test, keeping its output in $out/NAME.log and
# its exit code in $out/NAME.rc.
run_one() {
	name=$1
	shift
	"$@" >"$out/$name.log" 2>&1
	echo $? >"$out/$name.rc"
}

list=""
for t in "$top/$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	list="$list $t"
done
for t in "$here"/sh/*.sh "$here"/sh/*/*.sh; do
	[ -f "$t" ] || continue
	list="$list $t"
done

running=0
names=""
for t in $list; do
	name=$(basename "$t")
	case "$name $(basename "$(dirname "$t")")" in *"$pattern"*) ;; *) continue ;; esac
	names="$names $name"
	case "$t" in
	*.sh) run_one "$name" sh "$t" & ;;
	*) run_one "$name" "$t" & ;;
	esac
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

pass=0
fail=0
failed_names=""
for name in $names; do
	log="$out/$name.log"
	rc=$(cat "$out/$name.rc" 2>/dev/null || echo 1)
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $rc" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "== $name"
		cat "$log"
		failed_names="$failed_names $name"
	else
		echo "ok   $name ($p)"
	fi
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
