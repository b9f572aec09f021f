#!/bin/sh
# Fail on calls STYLE.md rules out, and on files without their one-line purpose comment.
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
for f in src/*.c src/*.h; do
	head -1 "$f" | grep -q '^/\* ' || { echo "lint: $f: first line must say what the module is for"; bad=1; }
done
[ "$bad" -eq 0 ] && echo "lint: ok"
exit $bad
