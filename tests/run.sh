#!/bin/sh
# Run every unit test binary and every script test; print "N passed, N failed".
# Each test prints "ok - name" / "not ok - name" lines; a test program that
# exits non-zero without reporting a failure counts as one failure.
# TESTS="pattern" runs only the tests whose file name matches.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-build}
export LLM_BIN=${LLM_BIN:-$top/$BUILD/llm}
export LLM_TOP=$top
pattern=${TESTS:-}
pass=0
fail=0
failed_names=""
tmpout=$(mktemp)
trap 'rm -f "$tmpout"' EXIT

run_one() {
	name=$1; shift
	case "$name" in *"$pattern"*) ;; *) return ;; esac
	"$@" >"$tmpout" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$tmpout")
	f=$(grep -c '^not ok - ' "$tmpout")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $rc" >>"$tmpout"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "== $name"
		cat "$tmpout"
		failed_names="$failed_names $name"
	else
		echo "ok   $name ($p)"
	fi
}

for t in "$top/$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in "$here"/sh/*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t")" sh "$t"
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
