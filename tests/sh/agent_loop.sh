# agent_loop: llm do notices a model that makes the same call again and again with nothing
# changed in between: the third is not run, the fourth stops the task; a test run again
# after an edit is not such a repeat.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# run_in_repo ARGS...: run_llm in the repository.
run_in_repo() {
	_here=$(pwd)
	cd "$T/repo" || return 1
	run_llm "$@"
	cd "$_here" || return 1
}

# lines FILE: how many lines FILE has (0: none, or no file).
lines() {
	if [ -e "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# --- the same run, again and again: twice run, the third answered with what it returned
t_sum_repo "$T/repo"
fake_reset
fake_default '{"calls":[{"name":"run","args":{"command":"echo ran >> runs.txt; sh test.sh"}}],"usage":{"output":10}}'
run_in_repo "do" -m test-cheap --allow run --json "fix sum.sh"
check_rc "loop: exit 3, as other stops" 3
check_eq "loop: four requests, then it stops" "$(fake_count)" 4
check_eq "loop: the command ran twice, not again" "$(lines "$T/repo/runs.txt")" 2
third=$(fake_get 3 body.messages.-1.content)
check_contains "loop: the third call is answered, not run" "$third" \
    "not run: you made this same call 2 times already, with no edit or write since"
check_contains "loop: ... with what it returned" "$third" "FAIL"
check_contains "loop: ... and told to do something else" "$third" "Do something different"
check_contains "loop: the user is told of the third" "$ERR" \
    'llm: do: the model made the same call 3 times with nothing changed in between (run {"command":"echo ran >> runs.txt; sh test.sh"}): not run again'
check_contains "loop: the third's step line" "$ERR" "3 · cheap · test-cheap · run: repeated, not run · "
check_contains "loop: why it stopped, on the last line" "$(tail -n 1 "$T/err")" \
    'llm: do: the model repeated the same call to run 4 times with nothing changed in between (run {"command":"echo ran >> runs.txt; sh test.sh"}): narrow the task, or give it to another tier; stopped after 4 steps ('
check_not_contains "loop: nothing changed, no word of undo" "$ERR" "llm undo"
task=$(json_get "$T/out" task_id)
check_eq "loop: four steps listed in --json" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 4
check_eq "loop: every step is a ledger row" "$(db_get "SELECT count(*) FROM usage WHERE task_id = ?" "$task")" 4
check "loop: the cost so far is kept" [ "$(db_get "SELECT sum(cost_pico) FROM usage WHERE task_id = ?" "$task")" -gt 0 ]
check_eq "loop: --json says why" "$(json_get "$T/out" error | cut -c1-39)" "the model repeated the same call to run"

# --- a task that changed files and then loops says how to undo them; the same arguments
# in another order or spacing are the same call
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"output":10}}'
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh","from":1}}],"usage":{"output":10}}'
fake_reply '{"calls":[{"name":"read","args":{"from":1,"path":"sum.sh"}}],"usage":{"output":10}}'
fake_reply '{"calls":[{"name":"read","args":{"from":1, "path":"sum.sh"}}],"usage":{"output":10}}'
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh","from":1}}],"usage":{"output":10}}'
fake_reply '{"text":"never asked for"}'
run_in_repo "do" -m test-cheap --allow edit "fix sum.sh"
check_rc "loop after an edit: exit 3" 3
check_eq "loop after an edit: five requests" "$(fake_count)" 5
check_contains "loop after an edit: the reordered third is not run" \
    "$(fake_get 4 body.messages.-1.content)" "not run: you made this same call 2 times already"
check_contains "loop after an edit: how to undo it" "$(tail -n 1 "$T/err")" \
    "stopped after 5 steps ("
check_contains "loop after an edit: ... on the last line" "$(tail -n 1 "$T/err")" \
    "); llm undo restores the files it changed"

# --- a step that loops stops with its other calls not run
t_sum_repo "$T/repo"
fake_reset
fake_default '{"calls":[{"name":"run","args":{"command":"echo ran >> runs.txt"}},{"name":"run","args":{"command":"echo other >> others.txt"}}],"usage":{"output":10}}'
run_in_repo "do" -m test-cheap --allow run "loop"
check_rc "loop mid-step: exit 3" 3
check_eq "loop mid-step: four requests" "$(fake_count)" 4
# the second command's first run may have changed files: the first one's count starts again
check_eq "loop mid-step: the first command ran three times" "$(lines "$T/repo/runs.txt")" 3
check_eq "loop mid-step: the second too, not after the stop" "$(lines "$T/repo/others.txt")" 2

# --- legitimate repeats: the test run, an edit, the test run again, twice over
t_sum_repo "$T/repo"
fake_reset
test_call='{"name":"run","args":{"command":"echo ran >> runs.txt; sh test.sh"}}'
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 * $2"}}],"usage":{"output":10}}'
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 * $2","new":"$1 + $2"}}],"usage":{"output":10}}'
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply '{"text":"Fixed: sh test.sh passes.","usage":{"output":10}}'
run_in_repo "do" -m test-cheap --allow edit,run "fix sum.sh"
check_rc "repeats after edits: done (exit 0)" 0
check_eq "repeats after edits: every request answered" "$(fake_count)" 9
check_eq "repeats after edits: the test ran each time it was asked" "$(lines "$T/repo/runs.txt")" 6
check_not_contains "repeats after edits: no word of a repeat" "$ERR" "same call"
check_eq "repeats after edits: the answer" "$OUT" "Fixed: sh test.sh passes."

# --- a command may change files as an edit does: the test run after sed -i is no repeat
t_sum_repo "$T/repo"
fake_reset
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply '{"calls":[{"name":"run","args":{"command":"sed -i s/-/*/ sum.sh"}}],"usage":{"output":10}}'
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply '{"calls":[{"name":"run","args":{"command":"sed -i s/[*]/+/ sum.sh"}}],"usage":{"output":10}}'
fake_reply "{\"calls\":[$test_call],\"usage\":{\"output\":10}}"
fake_reply '{"text":"Fixed with sed.","usage":{"output":10}}'
run_in_repo "do" -m test-cheap --allow run "fix sum.sh"
check_rc "repeats after commands: done (exit 0)" 0
check_eq "repeats after commands: the test ran each time it was asked" "$(lines "$T/repo/runs.txt")" 3
check_not_contains "repeats after commands: no word of a repeat" "$ERR" "same call"

# --- an edit that failed changed nothing: repeating it is a loop
t_sum_repo "$T/repo"
fake_reset
fake_default '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"no such text","new":"x"}}],"usage":{"output":10}}'
run_in_repo "do" -m test-cheap --allow edit "fix sum.sh"
check_rc "failed edit repeated: exit 3" 3
check_eq "failed edit repeated: four requests" "$(fake_count)" 4
check_contains "failed edit repeated: why" "$ERR" "the model repeated the same call to edit 4 times"

# --- two reads taking turns with nothing changed: each is the same call again, told at its
# third and stopped at a fourth, as a call repeated back to back is
t_sum_repo "$T/repo"
fake_reset
fake_default '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"output":10}}'
for i in 1 2 3 4; do
	fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"output":10}}'
	fake_reply '{"calls":[{"name":"read","args":{"path":"test.sh"}}],"usage":{"output":10}}'
done
run_in_repo "do" -m test-cheap --json "fix sum.sh"
check_rc "reads taking turns: exit 3" 3
check_eq "reads taking turns: seven requests, then it stops" "$(fake_count)" 7
check_contains "reads taking turns: the fifth is answered, not run" \
    "$(fake_get 5 body.messages.-1.content)" "not run: you made this same call 2 times already"
check_contains "reads taking turns: the sixth too" \
    "$(fake_get 6 body.messages.-1.content)" "not run: you made this same call 2 times already"
check_contains "reads taking turns: why it stopped" "$(tail -n 1 "$T/err")" \
    'the model repeated the same call to read 4 times with nothing changed in between (read {"path":"sum.sh"})'

# --- three calls going round: the same, one turn later
t_sum_repo "$T/repo"
fake_reset
for i in 1 2 3 4; do
	fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"output":10}}'
	fake_reply '{"calls":[{"name":"list","args":{}}],"usage":{"output":10}}'
	fake_reply '{"calls":[{"name":"search","args":{"pattern":"echo"}}],"usage":{"output":10}}'
done
run_in_repo "do" -m test-cheap --json "fix sum.sh"
check_rc "three calls going round: exit 3" 3
check_eq "three calls going round: ten requests, then it stops" "$(fake_count)" 10
check_contains "three calls going round: the seventh is answered, not run" \
    "$(fake_get 7 body.messages.-1.content)" "not run: you made this same call 2 times already"

# --- reading many files, each once or twice, is no loop
t_sum_repo "$T/repo"
for i in 1 2 3 4 5 6 7 8 9 10; do printf 'file %s\n' "$i" >"$T/repo/f$i.txt"; done
fake_reset
for i in 1 2 3 4 5 6 7 8 9 10; do
	fake_reply "{\"calls\":[{\"name\":\"read\",\"args\":{\"path\":\"f$i.txt\"}},{\"name\":\"read\",\"args\":{\"path\":\"sum.sh\",\"from\":$i}}],\"usage\":{\"output\":10}}"
done
fake_reply '{"calls":[{"name":"read","args":{"path":"f1.txt"}},{"name":"read","args":{"path":"f2.txt"}}],"usage":{"output":10}}'
fake_reply '{"text":"Read them all.","usage":{"output":10}}'
run_in_repo "do" -m test-cheap --json "read the files"
check_rc "many files: done (exit 0)" 0
check_eq "many files: every request answered" "$(fake_count)" 12
check_not_contains "many files: no word of a repeat" "$ERR" "same call"
