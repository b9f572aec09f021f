#!/bin/sh
# Fail on calls STYLE.md rules out, on files without their one-line purpose
# comment, and on shellcheck findings in the test and build scripts (settings
# and the findings turned off everywhere, with why: .shellcheckrc).
set -u
cd "$(dirname "$0")/.." || exit 2
bad=0
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|strncpy)[[:space:]]*\(' \
	src/*.c src/*.h tests/unit/*.c bench/*.c 2>/dev/null | grep -vE '\b(snprintf|vsnprintf)\b')
if [ -n "$hits" ]; then
	echo "lint: calls ruled out by the style guide:"
	echo "$hits"
	bad=1
fi
# Children start and are reaped in proc.c only: a new session, descriptors
# closed, key variables removed, the group killed on timeout.
hits=$(grep -nE '\b(fork|vfork|execl|execlp|execle|execv|execvp|execvpe|popen|system|waitpid|posix_spawnp?)[[:space:]]*\(' \
	src/*.c | grep -v '^src/proc\.c:')
if [ -n "$hits" ]; then
	echo "lint: a process started or reaped outside src/proc.c:"
	echo "$hits"
	bad=1
fi
for f in src/*.c src/*.h; do
	head -1 "$f" | grep -q '^/\* ' || { echo "lint: $f: first line must say what the module is for"; bad=1; }
done
# A check inside a loop must name what the loop is on, or its failures cannot
# be told apart: its name has to hold a $ expansion.
hits=$(awk 'FNR == 1 { depth = 0 }
	/^[[:space:]]*(for|while|until)[[:space:]].*do[[:space:]]*$/ { depth++; next }
	/^[[:space:]]*done([[:space:];|&)]|$)/ { if (depth > 0) depth--; next }
	depth > 0 && /^[[:space:]]*(check[a-z_]*|ok|not_ok)[[:space:]]+"[^"$]*"/ {
		print FILENAME ":" FNR ": " $0 }' tests/sh/*.sh tests/sh/*/*.sh 2>/dev/null)
if [ -n "$hits" ]; then
	echo "lint: checks in a loop with a name that does not say which pass failed:"
	echo "$hits"
	bad=1
fi
if command -v shellcheck >/dev/null 2>&1; then
	set --
	for f in tests/*.sh tests/sh/*.sh tests/sh/*/*.sh scripts/*.sh .ci/run; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	# a score of files to a run, a run on each core; each file on its own:
	# following tests/lib.sh into every test (-x) parsed it 160 times, most
	# of the lint's time, while lib.sh is checked as a file of its own; what a
	# test sets for lib.sh to read is marked where it is set (SC2034)
	printf '%s\n' "$@" | xargs -P "$(nproc 2>/dev/null || echo 1)" -n 20 shellcheck -e SC1091 -f gcc ||
		{ echo "lint: shellcheck findings above"; bad=1; }
else
	echo "lint: shellcheck is not installed ('make deps' installs it)"
	bad=1
fi
[ "$bad" -eq 0 ] && echo "lint: ok"
exit $bad
