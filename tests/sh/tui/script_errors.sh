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
printf ':dump-screen %s\n' "$T/q0" >"$T/q.s"
if timeout 60 "$LLM_BIN" chat --theme nosuch --headless "$T/q.s" >"$T/q.out" 2>&1; then
	ok "theme: missing theme is not fatal"
else
	not_ok "theme: missing theme is not fatal" "$(cat "$T/q.out")"
fi
check_contains "theme: said on the status line" "$(sed -n '$p' "$T/q0")" "theme: 'nosuch' not loaded"
check_contains "theme: the reason in the transcript" "$(cat "$T/q0")" "theme 'nosuch' not found (looked in"

echo "# $T_PASS passed, $T_FAIL failed"
