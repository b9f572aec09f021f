#!/bin/sh
# Run every unit test binary and every script test; print "N passed, N failed".
# Each test prints "ok - name" / "not ok - name" lines; a test program that
# exits non-zero without reporting a failure counts as one failure.
# TESTS="pattern" runs only the tests whose file name matches; JOBS=N runs N
# tests at a time (default 3: most of a script test's time is spent waiting).
# Only failing checks are printed; the whole log of each failing test file is
# kept under $BUILD/test-logs/ (the path is printed), the rest is removed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-build}
export LLM_BIN="${LLM_BIN:-$top/$BUILD/llm}"
export LLM_TOP="$top"
pattern=${TESTS:-}
jobs=${JOBS:-3}
out=$(mktemp -d "${TMPDIR:-/tmp}/llm-run.XXXXXX")
trap 'rm -rf "$out"' EXIT

# file_of NAME: NAME as a file name (tui/chat.sh -> tui-chat.sh).
file_of() {
	echo "$1" | tr / -
}

# run_one NAME CMD...: run a test, keeping its output in $out/FILE.log and
# its exit code in $out/FILE.rc.
run_one() {
	_f=$(file_of "$1")
	shift
	"$@" >"$out/$_f.log" 2>&1
	echo $? >"$out/$_f.rc"
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
	# tests/sh/tui/chat.sh is named tui/chat.sh here
	case "$t" in
	"$here"/sh/*/*.sh) name=${t#"$here"/sh/} ;;
	*) name=$(basename "$t") ;;
	esac
	case "$name" in *"$pattern"*) ;; *) continue ;; esac
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

logs=$top/$BUILD/test-logs
rm -rf "$logs"
pass=0
fail=0
failed_names=""
for name in $names; do
	file=$(file_of "$name")
	log="$out/$file.log"
	rc=$(cat "$out/$file.rc" 2>/dev/null || echo 1)
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $rc" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		mkdir -p "$logs"
		cp "$log" "$logs/$file.log"
		echo "== $name: $f failed (whole log: $logs/$file.log)"
		# each failing check, with what the test printed since the check
		# before it (a unit test's reason) and the "#" lines under it
		awk '/^not ok - /{ printf "%s", pend; pend = ""; print; show = 1; next }
			/^ok - /{ pend = ""; show = 0; next }
			show && /^#/{ print; next }
			{ show = 0; pend = pend $0 "\n" }' "$log"
		failed_names="$failed_names $name"
	fi
done
[ -n "$failed_names" ] && echo "failed:$failed_names (logs in $logs)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
