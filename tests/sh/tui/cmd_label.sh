# The full-screen client, driven headless: /cmd asks the cheap tier by design, like llm cmd,
# so the router learns nothing from it: no label is kept, while a tier the user chose is one.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

req="refactor the parser of this project into modules, keep its tests passing, and explain"
fake_reply '{"text":"ls -la\n# lists the files","usage":{"input":30,"output":8}}'
tui_ok "/cmd" a <<S
:type /cmd $req
:key Enter
:wait-idle
:key n
S
check_eq "/cmd: asked on the cheap tier" "$(fake_get 0 body.model)" test-cheap-1
check_eq "/cmd: asked once" "$(sql "SELECT count(*) FROM usage WHERE tier = 'cheap'")" 1
check_eq "/cmd: no label kept" "$(sql "SELECT count(*) FROM route_labels")" 0
"$LLM_BIN" route --explain >"$T/explain"
check "/cmd: --explain has none" grep -q "^learnt *0 labels" "$T/explain"

# re-asked one tier up (F4), /cmd's request is still no prompt of the user's: no label
fake_reply '{"text":"ls -la\n# lists the files","usage":{"input":30,"output":8}}'
fake_reply '{"text":"ls -la\n# on mid","usage":{"input":30,"output":8}}'
tui_ok "/cmd, F4" f <<S
:type /cmd $req
:key Enter
:wait-idle
:key n
:key F4
:wait-idle
:dump-screen $T/f0
S
check_eq "/cmd, F4: re-asked on mid" "$(fake_last body.model)" test-mid-1
check_screen "/cmd, F4: said" f0 "re-asking one tier up: mid"
check_eq "/cmd, F4: no label kept" "$(sql "SELECT count(*) FROM route_labels")" 0

# a pinned model's turn re-asked up: the pin is the turn's one label, the re-ask adds none
# (the answer judged was one model's, chosen by name, not the router's tier)
fake_reply '{"text":"pinned says","usage":{"input":30,"output":8}}'
fake_reply '{"text":"mid says","usage":{"input":30,"output":8}}'
tui_ok "pin, F4" g <<S
:type /model test-cheap
:key Enter
:type $req
:key Enter
:wait-idle
:key F4
:wait-idle
:dump-screen $T/g0
S
check_eq "pin, F4: re-asked on mid" "$(fake_last body.model)" test-mid-1
check_screen "pin, F4: said" g0 "re-asking one tier up: mid"
check_eq "pin, F4: the pin's label only" \
    "$(sql "SELECT group_concat(kind || ':' || wanted_tier) FROM route_labels")" pin:cheap
sql "DELETE FROM route_labels" >/dev/null

# the same prompt on a tier the user set is a label: learning is on here
fake_reply '{"text":"fine","usage":{"input":30,"output":8}}'
tui_ok "/tier" b <<S
:type /tier cheap
:key Enter
:type $req
:key Enter
:wait-idle
S
check_eq "/tier cheap: one label kept" "$(sql "SELECT count(*) FROM route_labels")" 1

echo "# $T_PASS passed, $T_FAIL failed"
