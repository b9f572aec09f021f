# The full-screen client, driven headless: /run runs in the background: the screen stays live, a message waits, the cancel key stops it.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'
cat >"$T/r.s" <<S
:type /run echo started; sleep 30; echo late
:key Enter
:key y
:wait-text running (C-c stops it)
:dump-screen $T/r1
:type too soon
:key Enter
:dump-screen $T/r2
:key C-c
:wait-idle
:dump-screen $T/r3
:key C-u
:type /run printf 'a%.0s' \$(seq 300000); echo; exit 3
:key Enter
:key y
:wait-idle
:dump-screen $T/r4
:key C-u
:type after
:key Enter
:wait-idle
S
t0=$(date +%s)
tui r
t1=$(date +%s)
check_eq "run bg: exit 0" "$TUI_RC" 0
check_screen "run bg: says it runs and how to stop it" r1 "running (C-c stops it): echo started"
check_screen "run bg: a message waits for it" r2 "a /run command is still running: wait for its output"
check_eq "run bg: nothing sent while it ran" "$(fake_count)" 1
check_screen "run bg: stopped" r3 "stopped, nothing attached: echo started"
check "run bg: stopping took no 30 s" test $((t1 - t0)) -lt 20
check_screen "run bg: a long output is cut" r4 "exit 3"
check_contains "run bg: cut at the cap, said in the attachment" "$(fake_get 0 body.messages.-1.content)" "(exit 3), cut at 256 KiB"
check_not_contains "run bg: the stopped command attached nothing" "$(fake_get 0 body.messages.-1.content)" "late"

echo "# $T_PASS passed, $T_FAIL failed"
