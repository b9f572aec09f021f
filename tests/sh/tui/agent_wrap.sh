# Agent mode on a narrow screen: a long command in an approval breaks at its spaces, each
# argument whole where it fits a row, the rows that go on a line marked (↪, + without UTF-8)
# apart from the command's own next lines; only a word wider than a row is cut.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# ask NAME CMD: a task's run of CMD waits for approval on a 40x24 screen, dumped to $T/NAME0;
# n declines it.
ask() {
	fake_reset
	fake_reply "$(t_py -c '
import json, sys
print(json.dumps({"text": "Running.", "calls": [{"name": "run", "args": {"command": sys.argv[1]}}],
                  "usage": {"input": 900, "output": 30}}))' "$2")"
	fake_reply '{"text":"Not run.","usage":{"input":1000,"output":5}}'
	tui_ok_in "$T/repo" "$1" "$1" 40x24 -m test-cheap --agent <<S
:type do it
:key Enter
:wait-text run? y
:dump-screen $T/${1}0
:key n
:wait-idle
S
}

# rows DUMP: the approval's rows, from "? run" to the price, without the frame.
rows() {
	sed -n '/? run/,/step 1/p' "$T/$1" | sed '$d; s/^[│|] //; s/ *[│|]$//'
}

ask w "git commit -m fixed --author someone.else@example.com && git push origin main"
check_eq "words: each argument whole, the rows that go on marked" "$(rows w0)" \
    "? run git commit -m fixed --author
    ↪ someone.else@example.com &&
    ↪ git push origin main"

# the command's own lines start under its first, unmarked; a word wider than a row is cut,
# from where the row has room
ask l "$(printf 'for f in a b; do\n\techo /a/path/that/is/far/too/long/for/one/row/of/this/screen "$f"\ndone')"
check_eq "lines: its own lines unmarked, a word wider than a row cut" "$(rows l0)" \
    "? run for f in a b; do
        echo /a/path/that/is/far/too
    ↪ /long/for/one/row/of/this/scre
    ↪ en \"\$f\"
      done"

# without UTF-8 the mark is ASCII
(
	export LC_ALL=C LANG=C
	ask c "git commit -m fixed --author someone.else@example.com && git push origin main"
)
check_eq "LANG=C: the mark in ASCII" "$(rows c0)" \
    "? run git commit -m fixed --author
    + someone.else@example.com &&
    + git push origin main"

# a long line of a command's output wraps inside its gutter, and a tool's line wraps under its
# words: neither runs on at the screen's edge as if it were a line of its own
fake_reset
printf 'the first line of the notes, long enough to wrap on a screen of forty columns\n' \
    >"$T/repo/notes-with-a-rather-long-name.txt"
fake_reply '{"calls":[{"name":"run","args":{"command":"cat notes-with-a-rather-long-name.txt"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Read.","usage":{"input":1000,"output":5}}'
t_config_append '[agent]'
t_config_append 'allow_run = cat notes-with-a-rather-long-name.txt'
tui_ok_in "$T/repo" "gutter" g 40x24 -m test-cheap --agent <<S
:type read the notes
:key Enter
:wait-idle
:dump-screen $T/g0
S
check_eq "output: the rows of a long line all in the gutter" \
    "$(sed -n '/┊ the first/,/┊ \[exit/p' "$T/g0" | sed 's/^│ //; s/ *│$//')" \
    "  ┊ the first line of the notes,
  ┊ long enough to wrap on a screen
  ┊ of forty columns
  ┊ [exit status 0]"
check_eq "a tool's line: its next row under its words" \
    "$(sed -n '/▸ run/,/┊ the first/p' "$T/g0" | sed '$d; s/^│ //; s/ *│$//' | head -n 2)" \
    "▸ run cat
  notes-with-a-rather-long-name.txt"

echo "# $T_PASS passed, $T_FAIL failed"
