# The full-screen client, driven headless: script mistakes stop the run with file:line; a missing theme is said, not fatal.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

printf ':type x\n:bogus\n' >"$T/o.s"
tui o
check_eq "script: unknown command exits 2" "$TUI_RC" 2
check_contains "script: file:line" "$(cat "$T/o.err")" "o.s:2: unknown command ':bogus'"
printf ':key F99\n' >"$T/p.s"
tui p
check_contains "script: unknown key" "$(cat "$T/p.err")" "p.s:1: unknown key 'F99'"
# a command whose file is left out says so, not "No such file" about a file named ""
for _c in dump-screen dump-colors touch wait-file; do
	printf ':type x\n:%s\n' "$_c" >"$T/m.s"
	tui m
	check_eq "script: :$_c with no file exits 2" "$TUI_RC" 2
	check_contains "script: :$_c needs a file name" "$(cat "$T/m.err")" \
	    "m.s:2: $_c FILE: a file name is needed"
done
printf ':wait-text \n' >"$T/n.s"
tui n
check_contains "script: :wait-text needs its text" "$(cat "$T/n.err")" \
    "n.s:1: wait-text TEXT: the text to wait for is needed"
printf ':dump-screen %s\n' "$T/q0" >"$T/q.s"
if timeout 60 "$LLM_BIN" chat --theme nosuch --headless "$T/q.s" >"$T/q.out" 2>&1; then
	ok "theme: missing theme is not fatal"
else
	not_ok "theme: missing theme is not fatal" "$(cat "$T/q.out")"
fi
check_contains "theme: said on the status line" "$(sed -n '$p' "$T/q0")" "theme: 'nosuch' not loaded"
check_contains "theme: the reason in the transcript" "$(cat "$T/q0")" "theme 'nosuch' not found (looked in"

echo "# $T_PASS passed, $T_FAIL failed"
