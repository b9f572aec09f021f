# Compaction: past [llm] compact_at the older turns are summarised once on the cheap tier
# (charged and shown), the turn goes on from the summary and the recent turns, -c continues
# from there, and llm logs still shows every original turn.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_config_append '[llm]
compact_at = 3000'
long=$(t_py -c 'print("A long answer about the table code. " * 100)')

turn() {
	fake_reply "{\"text\":\"$long ($1)\"}"
	run_llm -q -m test-mid --json "$2" "question $1"
}
turn 1 ""
turn 2 -c
turn 3 -c
check_eq "below compact_at: one request a turn" "$(fake_count)" 3
# three turns hold about 2.7k tokens; the fourth crosses 3,000
turn 4 -c
check_eq "at 2.7k tokens of history: still one request a turn" "$(fake_count)" 4
# turn 5 finds 3.6k tokens of history: the summary request goes first
fake_reset
fake_reply '{"text":"SUMMARY: the table code was explained over four turns."}'
fake_reply "{\"text\":\"$long (5)\"}"
run_llm -v -m test-mid -c --json "question 5"
check_rc "compacting turn: exit 0" 0
printf '%s\n' "$OUT" >"$T/t5.json"
check_eq "compacting turn: two requests" "$(fake_count)" 2
check_eq "the summary is written on the cheap tier" "$(fake_get 0 body.model)" test-cheap-1
check_contains "with the summarising instruction" "$(fake_get 0 body.messages.0.content)" "You summarise a conversation"
check_eq "of the older turns: 4 of 8 messages, then the instruction" \
    "$(fake_get 0 body.messages | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 6
check_contains "the note says so" "$ERR" "compacting: summarising 4 earlier messages on test-cheap"
check_eq "the turn goes on from the summary" "$(fake_get 1 body.messages.0.content)" \
    "Summary of the earlier part of this conversation:

SUMMARY: the table code was explained over four turns."
check_eq "then the last two turns and the question: 2 + 4 + 1 messages" \
    "$(fake_get 1 body.messages | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 7
check_contains "recent turns kept as they were" "$(fake_get 1 body.messages.2.content)" "question 3"
check_eq "charged and shown: both requests in the turn" "$(json_get "$T/t5.json" steps.0.why) $(json_get "$T/t5.json" steps.0.model)" \
    "compaction test-cheap"
check_eq "the summary is not the answer" "$(json_get "$T/t5.json" text)" "$long (5)"
check_contains "the line counts both requests" "$ERR" "(2 requests)"

# -c continues from the compacted state, without summarising again.
fake_reset
fake_reply '{"text":"short"}'
run_llm -q -m test-mid -c "question 6"
check_eq "-c: one request" "$(fake_count)" 1
check_eq "-c: sends the summary first" "$(fake_last body.messages.0.content | head -1)" \
    "Summary of the earlier part of this conversation:"
check_eq "-c: summary pair, turns 3 to 5, the question" \
    "$(fake_last body.messages | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 9

# The full transcript stays: every original turn is in llm logs.
run_llm logs --json
printf '%s\n' "$OUT" >"$T/logs.json"
n=$(t_py -c '
import json, sys
s = open(sys.argv[1]).read()
print(sum(1 for i in range(1, 7) if ("question %d" % i) in s))' "$T/logs.json")
check_eq "logs: all six questions are there" "$n" 6
check_not_contains "logs: the summary is not a message" "$OUT" "SUMMARY: the table"
run_llm usage --json
check_contains "the summary request is in the ledger" "$OUT" '"key":"test-cheap"'

# compact_at = 0: never.
t_config_append '[llm]
compact_at = 0'
fake_reset
fake_default "{\"text\":\"$long\"}"
run_llm -q -m test-mid -c "question 7"
run_llm -q -m test-mid -c "question 8"
check_eq "compact_at = 0: no summary" "$(fake_count)" 2
