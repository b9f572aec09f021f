#!/bin/sh
# budget_meter.sh: while a reply streams, its worst case is held against the budget
# (enforcement counts it) but the spend every meter shows is settled spend alone,
# the reservation beside it: the figure never jumps up and back at the end.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_budget 5 block

# the meter's figure as llm budget prints it on its first line: "$0.018 of $5.00"
meter_figure() {
	"$LLM_BIN" budget | sed -n '1s/.*  \(\$[0-9.~]* of \$5\.00\).*/\1/p'
}

# One settled request first, so the month's spend is not zero.
fake_reply '{"text":"settled","usage":{"input":1000,"output":1000}}'
run_llm -m test-mid -q "first"
check_rc "the first request: exit 0" 0
before=$(meter_figure)
check "llm budget: a figure before the stream" test -n "$before"
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b0.json"
counted=$(json_get "$T/b0.json" counted_pico)

# The full-screen client's reply is held after its first piece until $T/go.
fake_reply "{\"chunks\":[\"first piece \",\"and the rest\"],\"usage\":{\"input\":1000,\"output\":1000},\"hold_file\":\"$T/go\"}"
cat >"$T/s.s" <<S
:type the second question
:key Enter
:wait-text first piece
:dump-screen $T/mid.txt
:wait-file $T/checked
:touch $T/go
:wait-idle
:dump-screen $T/end.txt
S
timeout -k 5 60 "$LLM_BIN" chat -m test-mid --headless "$T/s.s" --size 120x30 \
    >"$T/tui.out" 2>"$T/tui.err" &
tui=$!
t_wait test -s "$T/mid.txt" || not_ok "the reply streams" "$(cat "$T/tui.err")"

# Meanwhile, from another terminal: the reservation is live and counted apart.
reserved=$(t_ledger_sql "select count(*) from usage where status = 'reserved'")
check_eq "mid-stream: one reservation held" "$reserved" 1
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
check "mid-stream: llm budget --json holds the reservation" test "$(json_get "$T/b.json" reserved_pico)" -gt 0
check_eq "mid-stream: llm budget --json counts it apart" "$(json_get "$T/b.json" counted_pico)" "$counted"
check_eq "mid-stream: llm budget shows the settled spend" "$(meter_figure)" "$before"
run_llm budget
check_contains "mid-stream: llm budget names the reservation" "$OUT" "in flight"

# A one-shot question's summary line: its own cost settled, the other reservation not spend.
fake_reply '{"text":"quick","usage":{"input":10,"output":10}}'
run_llm -v -m test-cheap "a quick one"
check_rc "mid-stream: a one-shot question, exit 0" 0
after_cli=$(meter_figure)
check_contains "mid-stream: the summary line shows the settled spend" "$ERR" "$after_cli"

# The client's meter, drawn mid-stream: settled spend, the reservation beside it.
meter_mid=$(grep ' of \$5\.00' "$T/mid.txt")
check_contains "client mid-stream: the meter shows the settled spend" "$meter_mid" "$before"
check_contains "client mid-stream: the reservation beside it" "$meter_mid" " reserved"

touch "$T/checked"
wait "$tui"
check_eq "the client: exit 0" "$?" 0
final=$(meter_figure)
meter_end=$(grep ' of \$5\.00' "$T/end.txt")
check_contains "client after the reply: the meter shows the settled spend" "$meter_end" "$final"
check_not_contains "client after the reply: nothing reserved" "$meter_end" "reserved"
check_eq "after the reply: no reservation left" \
    "$(t_ledger_sql "select count(*) from usage where status = 'reserved'")" 0
