# agent_task: llm do fixes a failing test in a throw-away git repository, over each wire format.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# The scripted model: list and read at once, edit, run the test, answer.
script_task() {
	fake_reply '{"text":"Looking.","calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":40}}'
	fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":1100,"output":30}}'
	fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":1200,"output":20}}'
	fake_reply '{"text":"Fixed sum.sh: it subtracted; sh test.sh passes.","usage":{"input":1300,"output":15}}'
}

# run_in_repo ARGS...: run_llm in the repository.
run_in_repo() {
	_here=$(pwd)
	cd "$T/repo" || return 1
	run_llm "$@"
	cd "$_here" || return 1
}

# Sum and count of the ledger rows of task ID: "ROWS PICO".
ledger_task() {
	t_py -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n, s = db.execute("SELECT count(*), coalesce(sum(cost_pico), 0) FROM usage WHERE task_id = ?", (int(sys.argv[2]),)).fetchone()
print(n, s)' "$LLM_DATA_DIR/llm.db" "$1"
}

# last_result N: the text of the last tool result request N sent back, whatever the format.
last_result() {
	fake_get "$1" body | t_py -c '
import json, sys
b = json.load(sys.stdin)
if "contents" in b:
    print(b["contents"][-1]["parts"][-1]["functionResponse"]["response"]["result"])
else:
    m = b["messages"][-1]
    print(m["content"][-1]["content"] if isinstance(m["content"], list) else m["content"])'
}

for pair in test-cheap:openai test-mid:anthropic test-frontier:gemini test-local:ollama; do
	model=${pair%%:*}
	fmt=${pair#*:}
	t_sum_repo "$T/repo"
	fake_reset
	script_task
	run_in_repo "do" -m "$model" --allow edit,run --json "sum.sh is wrong; make sh test.sh pass"
	check_rc "$fmt: exit 0" 0
	check_eq "$fmt: the repository is fixed" "$(cd "$T/repo" && sh test.sh)" PASS
	check_eq "$fmt: the answer" "$(json_get "$T/out" answer)" "Fixed sum.sh: it subtracted; sh test.sh passes."
	check_eq "$fmt: four requests" "$(fake_count)" 4
	check_eq "$fmt: the fake saw every result with its id and shape" \
	    "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" '[]'
	check_eq "$fmt: four steps" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 4
	check_eq "$fmt: step 1 ran list and read" "$(json_get "$T/out" steps.0.tools)" '["list","read"]'
	check_eq "$fmt: step 3 ran the test" "$(json_get "$T/out" steps.2.tools)" '["run"]'
	check_contains "$fmt: a step line per step" "$(cat "$T/err")" "2 · "
	check_contains "$fmt: the edit in its step line" "$(cat "$T/err")" "edit sum.sh"
	check_contains "$fmt: the edit's result is its diff" "$(last_result 2)" '-echo $(( $1 - $2 ))
+echo $(( $1 + $2 ))'
	check_contains "$fmt: the test's output and status sent back" "$(last_result 3)" 'PASS
[exit status 0]'
	check_eq "$fmt: the worker's tier stuck" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(",".join(sorted({s["model"] for s in json.load(sys.stdin)})))')" "$model"
	task=$(json_get "$T/out" task_id)
	cost=$(json_get "$T/out" cost_usd)
	check_contains "$fmt: the last line on stderr is the task's total and id, and how to undo it" \
	    "$(tail -n 1 "$T/err")" "llm: do: done in 4 steps (\$"
	check_contains "$fmt: ... with its id" "$(tail -n 1 "$T/err")" \
	    ", task $task); llm undo restores the files it changed"
	rows=$(ledger_task "$task")
	check_eq "$fmt: every step is a ledger row" "${rows% *}" 4
	check_eq "$fmt: the rows add up to the --json total" \
	    "$(t_py -c 'import sys; print(round(int(sys.argv[1]) / 1e12, 12))' "${rows#* }")" \
	    "$(t_py -c 'import sys; print(round(float(sys.argv[1]), 12))' "$cost")"
	# what was sent: the tools declared, the results of the two parallel calls
	case $fmt in
	openai)
		check_eq "$fmt: tools declared" "$(fake_get 0 body.tools | t_py -c 'import json,sys; print(",".join(t["function"]["name"] for t in json.load(sys.stdin)))')" "read,list,search,edit,write,run,advise"
		check_eq "$fmt: the list result answers its call" "$(fake_get 1 body.messages.3.tool_call_id)" "$(fake_get 1 body.messages.2.tool_calls.0.id)"
		check_contains "$fmt: the read result holds the file" "$(fake_get 1 body.messages.4.content)" '$1 - $2'
		;;
	anthropic)
		check_eq "$fmt: tools declared" "$(fake_get 0 body.tools | t_py -c 'import json,sys; print(",".join(t["name"] for t in json.load(sys.stdin)))')" "read,list,search,edit,write,run,advise"
		check_eq "$fmt: both results in one user message" "$(fake_get 1 body.messages.2.content | t_py -c 'import json,sys; print(",".join(b["type"] for b in json.load(sys.stdin)))')" "tool_result,tool_result"
		check_eq "$fmt: the read result answers its call" "$(fake_get 1 body.messages.2.content.1.tool_use_id)" "$(fake_get 1 body.messages.1.content.2.id)"
		check_contains "$fmt: the read result holds the file" "$(fake_get 1 body.messages.2.content.1.content)" '$1 - $2'
		;;
	gemini)
		check_eq "$fmt: tools declared" "$(fake_get 0 body.tools.0.functionDeclarations | t_py -c 'import json,sys; print(",".join(t["name"] for t in json.load(sys.stdin)))')" "read,list,search,edit,write,run,advise"
		check_contains "$fmt: the signature echoed on its part" "$(fake_get 1 body.contents.1.parts.1.thoughtSignature)" "sig-"
		check_eq "$fmt: responses in call order" "$(fake_get 1 body.contents.2.parts | t_py -c 'import json,sys; print(",".join(p["functionResponse"]["name"] for p in json.load(sys.stdin)))')" "list,read"
		check_contains "$fmt: the read result holds the file" "$(fake_get 1 body.contents.2.parts.1.functionResponse.response.result)" '$1 - $2'
		;;
	ollama)
		check_eq "$fmt: tools declared" "$(fake_get 0 body.tools | t_py -c 'import json,sys; print(",".join(t["function"]["name"] for t in json.load(sys.stdin)))')" "read,list,search,edit,write,run,advise"
		check_eq "$fmt: results by tool_name in order" "$(fake_get 1 body.messages.3.tool_name),$(fake_get 1 body.messages.4.tool_name)" "list,read"
		check_contains "$fmt: the read result holds the file" "$(fake_get 1 body.messages.4.content)" '$1 - $2'
		;;
	esac
done

# The system prompt and the tool definitions together stay under 4 KB.
size=$(fake_get 0 body | t_py -c '
import json, sys
b = json.load(sys.stdin)
print(len(b["messages"][0]["content"]) + len(json.dumps(b["tools"], separators=(",", ":"))))')
check "system prompt and tools under 4 KB ($size bytes)" [ "$size" -lt 4096 ]

# The task in the reports: llm logs --task ID lists its rows, llm usage --by task groups them.
run_llm logs --task "$task"
check_rc "logs --task: exit 0" 0
check_contains "logs --task: its four requests" "$OUT" "task $task: 4 requests"
check_contains "logs --task: a line per step" "$OUT" "4 · "
check_eq "logs --task: first, what the task was" "$(echo "$OUT" | head -n 1)" \
    "task $task · sum.sh is wrong; make sh test.sh pass"
run_llm logs --task "$task" --json
check_eq "logs --task --json: its title" "$(json_get "$T/out" title)" "sum.sh is wrong; make sh test.sh pass"
# A step's prompt counts its cache reads and writes, and says how much of it they were.
t_ledger_sql "UPDATE usage SET cached_input_tokens = 5000, cache_write_tokens = 600, cache_write_1h_tokens = 100
    WHERE id = (SELECT min(id) FROM usage WHERE task_id = $task)"
run_llm logs --task "$task"
check_contains "logs --task: the whole prompt, cached and written" "$OUT" \
    " · 6600 in (5000 cached, 700 written), 40 out · "
check_contains "logs --task: a step without cache says nothing of it" "$OUT" " · 1100 in, 30 out · "
run_llm logs --task "$task" --json
check_eq "logs --task --json: the buckets as llm ask --json gives them" \
    "$(json_get "$T/out" steps.0.input_tokens) $(json_get "$T/out" steps.0.cached_input_tokens) $(json_get "$T/out" steps.0.cache_write_tokens)" \
    "1600 5000 700"
t_ledger_sql "UPDATE usage SET cached_input_tokens = 0, cache_write_tokens = 0, cache_write_1h_tokens = 0
    WHERE task_id = $task"
# A step whose cost is an estimate makes the task's total one, marked as the step is.
t_ledger_sql "UPDATE usage SET estimated = 1 WHERE id = (SELECT min(id) FROM usage WHERE task_id = $task)"
run_llm logs --task "$task"
check_contains "logs --task: an estimated step marks the total" "$OUT" "task $task: 4 requests, ~\$"
check_eq "logs --task: the estimated step's tokens marked, not the others'" \
    "$(echo "$OUT" | grep -c ' · ~[0-9]* in, ~[0-9]* out · ~\$')/$(echo "$OUT" | grep -c ' · [0-9]* in, [0-9]* out · \$')" 1/3
run_llm logs --task "$task" --json
check_eq "logs --task --json: and says so" \
    "$(json_get "$T/out" estimated) $(json_get "$T/out" steps.0.estimated) $(json_get "$T/out" steps.1.estimated)" \
    "true true false"
for json in "" --json; do
	# shellcheck disable=SC2086 # no word, or --json
	run_llm logs --task $((task + 100)) $json
	check_rc "logs --task $json with no such task: exit 2" 2
	if [ -z "$json" ]; then
		check_eq "logs --task $json with no such task: nothing on stdout" "$OUT" ""
	else
		# a script that asked for JSON reads the error as JSON
		check_eq "logs --task $json with no such task: the error as JSON" \
		    "$(json_get "$T/out" exit_code) $(json_get "$T/out" error)" \
		    "2 logs: no task $((task + 100)) (see llm usage --by task)"
	fi
	check_contains "logs --task $json with no such task: says so" "$ERR" \
	    "llm: logs: no task $((task + 100))"
done
run_llm usage --by task --json
check_rc "usage --by task: exit 0" 0
check_contains "usage --by task: the task is a group" "$OUT" "\"task $task\""
# tasks in the order they ran, by number (task 4 before task 1004), requests of no task first;
# the rows seeded far above the tasks to come, so that none of theirs is counted in
t_ledger_sql "INSERT INTO usage (time, model, tier, input_tokens, output_tokens, cost_pico, status,
  task_id) VALUES ($(date +%s), 'test-cheap', 'cheap', 1, 1, 1, 'ok', $((task + 1000))),
  ($(date +%s), 'test-cheap', 'cheap', 1, 1, 1, 'ok', $((task + 1001))),
  ($(date +%s), 'test-cheap', 'cheap', 1, 1, 1, 'ok', NULL)"
run_llm usage --by task
want="no task,$(seq -f 'task %g' 1 "$task" | tr '\n' ,)task $((task + 1000)),task $((task + 1001)),"
check_eq "usage --by task: tasks by number" \
    "$(echo "$OUT" | sed -n 's/^\(no task\|task [0-9]*\) .*/\1/p' | tr '\n' ,)" "$want"
run_llm usage --by task --json
check_eq "usage --by task --json: tasks by number" \
    "$(t_py -c 'import json,sys; print(",".join(g["key"] for g in json.load(open(sys.argv[1]))["rows"]), end=",")' "$T/out")" \
    "$want"


# llm undo after a real task: the fix is taken back, the test fails again.
run_in_repo undo
check_rc "undo: exit 0" 0
check_eq "undo: it names the file" "$OUT" "restored sum.sh"
check_eq "undo: sum.sh as before the task" "$(cd "$T/repo" && git status --porcelain)" ""
check_eq "undo: the test fails again" "$(cd "$T/repo" && sh test.sh)" FAIL

# A task that edits one file and writes another; the user changes the new one since.
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}},{"name":"write","args":{"path":"NOTES","content":"fixed\n"}}]}'
fake_reply '{"text":"Fixed, with notes."}'
run_in_repo "do" -m test-cheap --allow edit,write -q "fix and note"
check_rc "undo, changed since: the task ran" 0
printf 'mine now\n' >>"$T/repo/NOTES"
run_in_repo undo
check_rc "undo, changed since: exit 1" 1
check_contains "undo, changed since: sum.sh restored" "$OUT" "restored sum.sh"
check_contains "undo, changed since: NOTES named as kept" "$OUT" "NOTES"
check_eq "undo, changed since: NOTES as the user left it" "$(cat "$T/repo/NOTES")" "fixed
mine now"
check_eq "undo, changed since: the test fails again" "$(cd "$T/repo" && sh test.sh)" FAIL

# What a task's commands did is not undone (a file its rm removed stays removed): llm undo
# says so, with how many ran and the first three, one line each. A task without commands
# says nothing of them (above: the report alone).
printf 'old\n' >"$T/repo/gone.tmp"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}},{"name":"run","args":{"command":"rm gone.tmp"}}]}'
fake_reply '{"calls":[{"name":"run","args":{"command":"echo a"}},{"name":"run","args":{"command":"echo b\necho c"}},{"name":"run","args":{"command":"true"}}]}'
fake_reply '{"text":"Fixed and tidied."}'
run_in_repo "do" -m test-cheap --allow edit,run -q "fix and tidy"
check_rc "undo, commands: the task ran" 0
run_in_repo undo
check_rc "undo, commands: exit 0" 0
check_eq "undo, commands: the file restored" "$OUT" "restored sum.sh"
check_contains "undo, commands: said not undone, how many, the first three" "$ERR" \
    "llm: undo: the task also ran 4 commands; what they did is not undone:
llm: undo:   rm gone.tmp
llm: undo:   echo a
llm: undo:   echo b…
llm: undo:   and 1 more"
check_eq "undo, commands: what rm removed stays removed" "$(ls "$T/repo/gone.tmp" 2>/dev/null)" ""
check_eq "undo, commands: the test fails again" "$(cd "$T/repo" && sh test.sh)" FAIL

# DeepSeek V4 thinks by default and wants every assistant turn's reasoning back:
# the catalog's deepseek-v4-flash, its provider pointed at the fake.
t_config_append "
[provider.deepseek]
base_url = $FAKE_URL/v1"
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"reasoning":"The test calls sum.sh; list first.","calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":800,"output":40}}'
fake_reply '{"reasoning":"Now the script itself.","text":"Reading.","calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":40}}'
fake_reply '{"reasoning":"It subtracts.","text":"sum.sh subtracts instead of adding.","usage":{"input":1000,"output":20}}'
DEEPSEEK_API_KEY=sk-test-deepseek-0004 run_in_repo "do" -m deepseek-v4-flash --json "why does test.sh fail?"
check_rc "deepseek: exit 0" 0
check_eq "deepseek: the answer, without the reasoning" "$(json_get "$T/out" answer)" "sum.sh subtracts instead of adding."
check_eq "deepseek: every turn went back as DeepSeek wants it" \
    "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" '[]'
check_eq "deepseek: three requests" "$(fake_count)" 3
check_eq "deepseek: the model id" "$(fake_get 2 body.model)" deepseek-v4-flash
check_eq "deepseek: the first turn's reasoning sent back" "$(fake_get 2 body.messages.2.reasoning_content)" \
    "The test calls sum.sh; list first."
check_eq "deepseek: the second turn's too" "$(fake_get 2 body.messages.4.reasoning_content)" "Now the script itself."
check_not_contains "deepseek: no reasoning on stderr" "$(cat "$T/err")" "It subtracts"

# The reasoning sent back is paid for as input: the next step reserves for it,
# on DeepSeek V4 only (another model's reasoning is kept but not sent back).
# reasoning_steps MODEL: the input tokens each step of a two-step task on
# MODEL was routed and reserved with, whose first step reasons 4000 characters
# (1000 tokens).
reasoning_steps() {
	t_sum_repo "$T/repo"
	fake_reset
	_r=$(t_py -c 'print("step " * 800, end="")')
	fake_reply "{\"reasoning\":\"$_r\",\"calls\":[{\"name\":\"list\",\"args\":{\"path\":\".\"}}],\"usage\":{\"input\":800,\"output\":40}}"
	fake_reply '{"text":"Done.","usage":{"input":900,"output":5}}'
	rm -f "$T/route.log"
	LLM_LOG="$T/route.log" DEEPSEEK_API_KEY=sk-test-deepseek-0004 run_in_repo "do" -m "$1" --json "list the files"
	sed -n 's/.*route: .*about \([0-9]*\) input tokens$/\1/p' "$T/route.log" | tr '\n' ' '
}
reasoning_steps deepseek-v4-flash >"$T/steps"
read -r in1 in2 more <"$T/steps"
check_eq "deepseek reasoning: two steps routed" "${in2:+2}${more:-}" 2
check "deepseek reasoning: the second step reserves the 1000 tokens sent back ($in1, then $in2)" \
    test "$((in2 - in1))" -ge 1000
reasoning_steps test-cheap >"$T/steps"
read -r in1 in2 more <"$T/steps"
check_eq "other reasoning: two steps routed" "${in2:+2}${more:-}" 2
check "other reasoning: not sent, not reserved ($in1, then $in2)" test "$((in2 - in1))" -lt 1000

# Options may come after the task's words, as after a question's; after -- all is task.
t_sum_repo "$T/repo"
fake_reset
script_task
run_in_repo "do" sum.sh is wrong, -m test-cheap make sh test.sh pass --allow edit,run --json -q
check_rc "options after the task: exit 0" 0
check_eq "options after the task: the repository is fixed" "$(cd "$T/repo" && sh test.sh)" PASS
check_eq "options after the task: --json and -q taken" "$(json_get "$T/out" answer),$(cat "$T/err")" \
    "Fixed sum.sh: it subtracted; sh test.sh passes.,"
check_contains "options after the task: the task's words sent" "$(fake_get 0 body)" "sum.sh is wrong, make sh test.sh pass"
check_not_contains "options after the task: no option sent as task" "$(fake_get 0 body)" "--allow"
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"text":"Nothing to do.","usage":{"input":900,"output":5}}'
run_in_repo "do" -m test-cheap --json -- explain what -q does
check_rc "after --: exit 0" 0
check_contains "after --: the words are the task" "$(fake_get 0 body)" "explain what -q does"
check_eq "a task that changed nothing: its total, no word of undo" "$(cat "$T/err")" \
    "1 · cheap · test-cheap · answer · \$0.000092
llm: do: done in 1 step (\$0.000092, task $(json_get "$T/out" task_id))"

# From a subdirectory the workspace is the top level, and the model is told where the user
# is: "this directory" and paths in the task may be relative to it.
t_sum_repo "$T/repo"
mkdir -p "$T/repo/lib/util"
fake_reset
fake_reply '{"text":"Looked.","usage":{"input":900,"output":5}}'
fake_reply '{"text":"Looked.","usage":{"input":900,"output":5}}'
cd "$T/repo/lib/util" || exit 1
run_llm "do" -m test-cheap -q "what is in this directory?"
check_rc "subdirectory: exit 0" 0
check_eq "subdirectory: told where the user is" "$(fake_get 0 body.messages.1.content)" \
    "what is in this directory?

(The user is in lib/util/ of the workspace: paths in the task may be relative to it.)"
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap -q "what is in this directory?"
check_eq "top level: nothing added" "$(fake_get 1 body.messages.1.content)" "what is in this directory?"
cd "$T" || exit 1

# --json is UTF-8 whatever the model sent: a byte that is not becomes U+FFFD.
fake_reset
fake_reply '{"fault":"invalid_utf8"}'
run_in_repo "do" -m test-cheap -q --json "say something"
check_rc "not UTF-8: exit 0" 0
check_eq "not UTF-8: --json is valid UTF-8 JSON, the bad bytes replaced" "$(t_py -c '
import json, sys
print(json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["answer"])' "$T/out")" \
    "Bad �� bytes, a cut � sequence and a fine é."

# A current directory removed under the shell: no workspace, said as such (not ".: ..."),
# exit 2, nothing sent; llm undo says the same
fake_reset
mkdir "$T/gone"
cd "$T/gone" || exit 1
rmdir "$T/gone"
run_llm "do" -m test-cheap "fix sum.sh"
check_rc "gone: exit 2" 2
check_eq "gone: said what is missing" "$ERR" \
    "llm: do: cannot open the workspace at the current directory: No such file or directory"
check_eq "gone: nothing sent" "$(fake_count)" 0
run_llm undo
check_eq "gone: undo says the same" "$ERR" \
    "llm: undo: cannot open the workspace at the current directory: No such file or directory"
cd "$T" || exit 1

# An unknown model is refused before anything is made: no task in the ledger, no undo
# journal, no request; the exit code and the words are those of llm -m.
t_sum_repo "$T/repo"
fake_reset
tasks=$(db_get "SELECT count(*) FROM tasks")
journals=$(find "$LLM_DATA_DIR/undo" -mindepth 2 -maxdepth 2 2>/dev/null | wc -l)
run_llm -q -m no-such-model "hi"
ask_rc=$RC
ask_err=${ERR#llm: }
run_in_repo "do" -m no-such-model "fix sum.sh"
check_rc "unknown model: the exit code of llm -m" "$ask_rc"
check_eq "unknown model: the words of llm -m" "$ERR" "llm: do: $ask_err"
check_contains "unknown model: the known models listed" "$ERR" "test-cheap"
check_eq "unknown model: no task recorded" "$(db_get "SELECT count(*) FROM tasks")" "$tasks"
check_eq "unknown model: no undo journal started" \
    "$(find "$LLM_DATA_DIR/undo" -mindepth 2 -maxdepth 2 2>/dev/null | wc -l)" "$journals"
check_eq "unknown model: nothing sent" "$(fake_count)" 0

# A task of nothing but white space, in words or piped, is no task: refused before
# anything is sent, as an empty prompt is.
fake_reset
tasks=$(db_get "SELECT count(*) FROM tasks")
run_in_repo "do" -m test-cheap "  " "	"
check_rc "blank task: a usage error" 2
check_contains "blank task: says so" "$ERR" "llm: do: no task: give one as arguments or on stdin"
printf ' \n\n' >"$T/blank"
run_in_repo "do" -m test-cheap <"$T/blank"
check_rc "blank piped task: a usage error" 2
check_eq "blank task: no task recorded" "$(db_get "SELECT count(*) FROM tasks")" "$tasks"
check_eq "blank task: nothing sent" "$(fake_count)" 0

# Without -t or -m the first step is routed as llm route decides, not sent to the cheap tier.
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"text":"Done.","usage":{"input":1000,"output":5}}'
want=$(cd "$T/repo" && "$LLM_BIN" route --json "fix it" | t_py -c 'import json,sys; print(json.load(sys.stdin)["tier"])')
run_in_repo "do" "fix it"
check_rc "routed: exit 0" 0
check_eq "routed: the first step's route as llm route's" \
    "$(db_get "SELECT count(*) FROM usage WHERE id = (SELECT max(id) FROM usage) AND route_mode = 'auto'"):$(t_ledger_sql "SELECT tier FROM usage ORDER BY id DESC LIMIT 1")" \
    "1:$want"
check_eq "routed: not the cheap tier for this one" "$want" mid

# The ledger's reason for each step's route: the router's for the first, then the tier the task
# keeps and the advisor's tier, never "chosen by the user" when the user chose nothing.
fake_reset
fake_reply '{"calls":[{"name":"advise","args":{"question":"how?"}}],"usage":{"input":900,"output":20}}'
fake_reply '{"text":"Add them.","usage":{"input":300,"output":5}}'
fake_reply '{"text":"Done.","usage":{"input":1000,"output":5}}'
run_in_repo "do" "what does sum.sh do?"
check_rc "reasons: exit 0" 0
task=$(db_get "SELECT max(id) FROM tasks")
check_eq "reasons: routed, the advisor's tier, the task's kept tier" \
    "$(t_ledger_sql "SELECT route_mode || ':' || CASE route_mode WHEN 'auto' THEN 'router'
      ELSE route_reason END FROM usage WHERE task_id = $task ORDER BY id" | tr '\n' '|')" \
    "auto:router|tier:the advisor's tier|tier:the task's tier, kept from its first step|"

# A task is its own record (its row in tasks, its rows in usage): no conversation is made for
# its steps or its advisor, none empty is left for conversation lists, and llm logs lists none.
check_eq "tasks: no conversation row, the advisor's neither" "$(db_get "SELECT count(*) FROM conversations")" 0
check_eq "tasks: no usage row names one" "$(db_get "SELECT count(*) FROM usage WHERE conversation_id IS NOT NULL")" 0
run_llm logs --all
check_eq "tasks: llm logs --all lists no conversation" "$OUT" "No conversations yet."

# OpenAI's prompt cache: a task's steps share one key, named after the task.
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":1500,"output":20}}'
fake_reply '{"text":"Done.","usage":{"input":1600,"output":5}}'
long=$(t_py -c 'print("Read the notes below, then list the files. " + "note " * 1200)')
run_in_repo "do" -m test-cheap --json "$long"
check_rc "cache key: exit 0" 0
task=$(json_get "$T/out" task_id)
check_eq "cache key: the first step's is the task's" "$(fake_get 0 body.prompt_cache_key)" "llm-task-$task"
check_eq "cache key: the next step's the same" "$(fake_get 1 body.prompt_cache_key)" "llm-task-$task"

# A first line longer than a title is cut where a character starts, never inside one.
fake_reset
fake_reply '{"text":"Done.","usage":{"input":100,"output":5}}'
long="$(t_py -c 'print("a" * 79 + "\u00e9" * 5)')"
run_in_repo "do" -m test-cheap --json "$long"
check_rc "long title: exit 0" 0
run_llm logs --task "$(json_get "$T/out" task_id)" --json
check_eq "long title: cut before the character it would split" "$(json_get "$T/out" title)" \
    "$(t_py -c 'print("a" * 79)')"
