# Agent mode: a model that makes the same call again and again with nothing changed in between
# is told so on the third, stopped on the fourth, and the client says both.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_sum_repo "$T/repo"

fake_reset
fake_default '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":900,"output":10}}'
tui_ok_in "$T/repo" "loop" l 160x40 -m test-cheap --agent <<S
:type look around
:key Enter
:wait-idle
:dump-screen $T/l0
S
check_eq "loop: four requests, then it stops" "$(fake_count)" 4
check_screen "loop: the note on the third" l0 \
    'the model made the same call 3 times with nothing changed in between (list {"path":"."}): not run again'
check_screen "loop: the third's line" l0 "▸ list: repeated, not run"
check_screen "loop: why it stopped" l0 "the model repeated the same call to list 4 times"
check_eq "loop: every step a ledger row" "$(sql "SELECT count(*) FROM usage WHERE task_id IS NOT NULL")" 4
