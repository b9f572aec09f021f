#!/bin/sh
# Run every unit test binary and every script test; print "N passed, N failed".
# Each test prints "ok - name" / "not ok - name" lines; a test program that
# exits non-zero without reporting a failure counts as one failure.
# TESTS="pattern" runs only the tests whose file name matches; JOBS=N runs N
# tests at a time (default 3: most of a script test's time is spent waiting; those
# that say they mostly wait run beside them, WAIT_JOBS=N at a time, default 3),
# starting another as soon as one ends, the longest first: each run keeps the
# milliseconds each test took in $BUILD/test-times for the next run's order
# (else another build's, else tests/test-times; a test in none goes first).
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
# its exit code in $out/FILE.rc. Its stdin is /dev/null, whatever the suite
# was started with (a terminal, an empty pipe, CI's): llm reads a pipe or a
# file on stdin as input, and a test says so when it means to pipe one.
run_one() {
	_f=$(file_of "$1")
	shift
	_t0=$(date +%s%N)
	"$@" >"$out/$_f.log" 2>&1 </dev/null
	echo $? >"$out/$_f.rc"
	echo $((($(date +%s%N) - _t0) / 1000000)) >"$out/$_f.ms"
}

# The tests as "name path" lines, those that took longest last time first.
list() {
	for t in "$here"/sh/*/*.sh "$here"/sh/*.sh "$top/$BUILD"/tests/test_*; do
		case "$t" in
		"$here"/sh/*/*.sh) name=${t#"$here"/sh/} ;;
		*.sh) [ -f "$t" ] || continue; name=$(basename "$t") ;;
		*) [ -x "$t" ] || continue; name=$(basename "$t") ;;
		esac
		case "$name" in *"$pattern"*) echo "$name $t" ;; esac
	done
}
# A test's time comes from this build's last run, else another build's, else
# tests/test-times (a plain build's, kept in the tree so that a fresh clone
# starts the long tests first: a valgrind test started last is the whole tail).
times="$here/test-times"
for f in "$top"/build*/test-times; do
	[ -f "$f" ] && [ "$f" != "$top/$BUILD/test-times" ] && times="$times $f"
done
[ -f "$top/$BUILD/test-times" ] && times="$times $top/$BUILD/test-times"
order=$(list | awk -v times="$times" '
	BEGIN {
		n = split(times, tf, " ")
		for (i = 1; i <= n; i++)
			while ((getline l < tf[i]) > 0) { split(l, f, " "); ms[f[1]] = f[2] }
	}
	{ print (($1 in ms) ? ms[$1] : 1e9 - NR), $0 }' | sort -k1,1nr -s | cut -d" " -f2-)

# A slot is a line in a pipe: a test takes one to start and puts it back when
# it ends, so JOBS tests run at a time however long each takes. A script test
# that mostly waits (for a timeout, a server that says nothing) says so with a
# "# waits:" line: those run beside the others, WAIT_JOBS (default 3) at a
# time, and take none of the JOBS slots.
wait_jobs=${WAIT_JOBS:-3}
mkfifo "$out/slots" "$out/waits"
exec 3<>"$out/slots" 4<>"$out/waits"
i=0
while [ "$i" -lt "$jobs" ] || [ "$i" -lt "$wait_jobs" ]; do
	[ "$i" -lt "$jobs" ] && echo >&3
	[ "$i" -lt "$wait_jobs" ] && echo >&4
	i=$((i + 1))
done

# waits PATH: whether the test at PATH says it mostly waits.
waits() {
	case "$1" in *.sh) grep -q '^# waits: ' "$1" ;; *) false ;; esac
}

# run_from FD: run each "name path" line of stdin, taking a slot of FD.
run_from() {
	while read -r name t; do
		[ -n "$name" ] || continue
		eval "read -r _ <&$1"
		case "$t" in
		*.sh) (run_one "$name" sh "$t" 3>&- 4>&-; eval "echo >&$1") & ;;
		*) (run_one "$name" "$t" 3>&- 4>&-; eval "echo >&$1") & ;;
		esac
	done
	wait
}

names=$(printf '%s\n' "$order" | cut -d" " -f1)
printf '%s\n' "$order" | while read -r name t; do
	waits "$t" && echo "$name $t"
done | run_from 4 &
printf '%s\n' "$order" | while read -r name t; do
	waits "$t" || echo "$name $t"
done | run_from 3
wait
exec 3>&- 4>&-

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
# this run's times, and those of the tests it did not run; a test that only
# said it skipped (valgrind under ASan) keeps no time, so it is not taken for short
for name in $names; do
	file=$(file_of "$name")
	grep -q '^# skip' "$out/$file.log" && ! grep -q '^ok - ' "$out/$file.log" && continue
	echo "$name $(cat "$out/$file.ms" 2>/dev/null || echo 0)"
done >"$out/times"
touch "$top/$BUILD/test-times"
awk 'FNR == NR { seen[$1] = 1; print; next } !($1 in seen)' \
	"$out/times" "$top/$BUILD/test-times" >"$out/times.all"
mv "$out/times.all" "$top/$BUILD/test-times"
[ -n "$failed_names" ] && echo "failed:$failed_names (logs in $logs)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
