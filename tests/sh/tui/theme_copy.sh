# The full-screen client, driven headless: /theme switches colours at once; /copy N copies a code block; LLM_TUI_SCRIPT drives it too.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_reply '{"text":"two blocks:\n\n```sh\necho one\n```\n\n```py\nprint(2)\n```\n","usage":{"input":5,"output":9}}'
cat >"$T/v.s" <<S
:type hi
:key Enter
:wait-idle
:dump-colors $T/v0
:type /theme light
:key Enter
:dump-colors $T/v1
:type /theme nosuch
:key Enter
:dump-screen $T/v2
:type /copy 2
:key Enter
:dump-screen $T/v3
S
if LLM_TUI_SCRIPT="$T/v.s" LLM_CLIPBOARD="cat >'$T/clip2'" timeout 60 "$LLM_BIN" chat >"$T/v.out" 2>&1; then
	ok "LLM_TUI_SCRIPT: ran"
else
	not_ok "LLM_TUI_SCRIPT: ran" "$(cat "$T/v.out")"
fi
check_contains "theme: default colours first" "$(cat "$T/v0")" "user fg=75"
check_contains "theme: light after /theme light" "$(cat "$T/v1")" "user fg=25"
check_contains "theme: a bad name is said" "$(sed -n '$p' "$T/v2")" "theme: 'nosuch' not loaded"
check_contains "theme: a bad name, why" "$(cat "$T/v2")" "theme 'nosuch' not found"
check_contains "copy N: said" "$(sed -n '$p' "$T/v3")" "copied code block 2"
check_eq "copy N: the block's text" "$(cat "$T/clip2" 2>/dev/null)" "print(2)"

echo "# $T_PASS passed, $T_FAIL failed"
