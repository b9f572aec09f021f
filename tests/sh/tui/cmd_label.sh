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
