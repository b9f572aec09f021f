# The full-screen client, driven headless: vi keys from ~/.inputrc.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

printf 'set editing-mode vi\n' >"$HOME/.inputrc"
fake_reset
fake_default '{"text":"ok","usage":{"input":5,"output":1}}'
tui_ok "vi mode" w <<S
:type /tier cheap
:key Enter
:type hello world
:key Esc
:type bi
:type big 
:key Enter
:wait-idle
S
check_eq "vi mode: edited in command mode" "$(fake_last body.messages.-1.content)" "hello big world"

# in insert mode an arrow key moves the cursor: the ESC its sequence starts with is not taken
# for the Esc that goes to command mode, and the rest of it for commands (D, which deletes)
tui_ok "vi arrows" a <<S
:type abc
:key Left
:type X
:key Home
:type Y
:key Enter
:wait-idle
S
check_eq "vi mode: arrows move in insert mode" "$(fake_last body.messages.-1.content)" "YabXc"
rm -f "$HOME/.inputrc"

echo "# $T_PASS passed, $T_FAIL failed"
