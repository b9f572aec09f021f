#!/bin/sh
# team_offline.sh: the team database stops mid-run. Under block a request
# exits 3 saying the team ledger is unreachable; under warn requests go on
# within the offline allowance, kept locally, and once the database is back
# their rows arrive exactly once (counted), as does the settlement of a
# request that was in flight when it stopped.
# waits: each call to the stopped database is given up at its deadline (most of its time).
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
base="$LLM_CONFIG_DIR/config.ini"
rows() { psql_q "select count(*) from llm.usage $1"; }
outbox() { sqlite3 "$T/$1/data/llm.db" "select count(*) from team_outbox $2"; }

# machine NAME ACTION: a config and data directory with budget_action ACTION.
machine() {
	mkdir -p "$T/$1/config" "$T/$1/data"
	sed "s/^budget = 0\$/budget = 0\nbudget_action = $2/" "$base" >"$T/$1/config/config.ini"
	printf '\n[ledger]\nuser = %s\noffline_allowance = 0.01\n' "$1" >>"$T/$1/config/config.ini"
}
# on NAME ARGS...: run llm on machine NAME.
on() {
	_m=$1
	shift
	LLM_CONFIG_DIR="$T/$_m/config" LLM_DATA_DIR="$T/$_m/data" run_llm "$@"
}
machine blocker block
machine warner warn
on warner ledger init
check_rc "ledger init" 0
on warner budget set 50
fake_default '{"text":"ok"}'
on warner -q -m test-cheap "online one"
on blocker -q -m test-cheap "online two"
check_eq "two rows while it is up" "$(rows)" 2

# A request in flight when the database stops: reserved there, settled after.
fake_reply "{\"text\":\"slow answer\",\"hold_file\":\"$T/go\"}"
LLM_CONFIG_DIR="$T/warner/config" LLM_DATA_DIR="$T/warner/data" \
    "$LLM_BIN" -q -m test-cheap "in flight" >"$T/fl.out" 2>"$T/fl.err" &
flight=$!
fake_wait_count 3
check_eq "the request in flight is reserved" "$(rows "where status = 'reserved'")" 1
pg_down
: >"$T/go"
wait $flight
check_eq "the request in flight ends well" "$?" 0
check_eq "its settlement is kept locally" "$(outbox warner "where kind = 'settle'")" 1

on blocker -q -m test-cheap "refused"
check_rc "block: unreachable exits 3" 3
check_contains "block: says the team ledger is unreachable" "$ERR" "team ledger unreachable"
check_eq "block: nothing kept locally" "$(outbox blocker)" 0

for i in 1 2 3; do
	on warner -m test-cheap --max-tokens 1000 "offline $i"
	check_rc "warn: offline request $i goes on" 0
done
check_contains "warn: says it goes on within the allowance" "$ERR" "offline allowance"
check_contains "  and why the database is unreachable" "$ERR" \
    "is back (team ledger: unreachable: connection to server on socket"
check_contains "  libpq's two lines joined into one that reads" "$ERR" \
    "failed: No such file or directory; Is the server running"
check_eq "warn: the three rows are kept locally, settled" \
    "$(outbox warner "where kind = 'row' and status = 'ok'")" 3
on warner -q -m test-frontier --max-tokens 100000 "too big offline"
check_rc "warn: a worst case past the allowance is refused" 3
check_contains "  saying so" "$ERR" "would pass the offline allowance"
check_contains "  and why the database is unreachable" "$ERR" "(team ledger: unreachable: "
check_eq "  and keeps nothing" "$(outbox warner "where kind = 'row'")" 3

# A copy of the outbox as it is now, to send the same rows a second time later.
mkdir -p "$T/again"
cp -r "$T/warner/config" "$T/again/config"
mkdir -p "$T/again/data"
sqlite3 "$T/warner/data/llm.db" ".backup '$T/again/data/llm.db'"

pg_up || exit 1
check_eq "nothing has arrived yet" "$(rows)" 3
on warner budget
check_rc "the next command reaches the database" 0
check_eq "the offline rows arrive" "$(rows "where offline")" 3
check_eq "the settlement arrives" "$(rows "where status = 'ok' and not offline")" 3
check_eq "every row is there once" "$(rows)" 6
check_eq "the outbox is empty" "$(outbox warner)" 0
check_eq "the totals count them" \
    "$(psql_q "select sum(requests) from llm.totals")" 6
on again budget
check_rc "the same rows sent again" 0
check_eq "are counted once" "$(rows)" 6
check_eq "and the totals once" "$(psql_q "select sum(requests) from llm.totals")" 6
on warner budget
check_eq "a second command sends nothing more" "$(rows)" 6

# A task capped with --max-cost while the database is down: the cap holds on the rows kept
# locally, which carry the task and arrive with it.
mkdir -p "$T/repo" && git -C "$T/repo" init -q && printf 'a\n' >"$T/repo/a.txt"
pg_down
fake_reset
fake_default '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"output":1000},"text":"again"}'
cd "$T/repo" || exit 1
on warner "do" -m test-cheap --max-tokens 1000 --max-cost 0.0017 --json "look around"
cd "$T" || exit 1
task=$(json_get "$T/out" task_id)
sent=$(fake_count)
check_rc "offline task: stopped by its cap (exit 3)" 3
check_contains "  saying why" "$ERR" "would pass the task's cap"
check "  after more than one step ($sent)" [ "$sent" -ge 2 ]
check_eq "  its rows kept locally carry the task" \
    "$(outbox warner "where kind = 'row' and task_id = $task")" "$sent"
check "  and stay within the cap" [ "$(sqlite3 "$T/warner/data/llm.db" "select sum(cost_pico)
    from team_outbox where task_id = $task")" -le 1700000000 ]
pg_up || exit 1
on warner budget
check_eq "  and arrive with it" "$(rows "where task is not null and offline")" "$sent"

# A row the database refuses when it is back (made for a team it does not know) holds back
# none of the rows kept after it.
machine typo warn
pg_down
printf 'team = nosuch\n' >>"$T/typo/config/config.ini"
fake_default '{"text":"ok"}'
on typo -q -m test-cheap "for a team that is not there"
check_rc "offline: a request for a misspelt team goes on" 0
sed -i '/^team = nosuch$/d' "$T/typo/config/config.ini"
on typo -q -m test-cheap "for the team"
check_rc "  and one for the team, after the fix" 0
pg_up || exit 1
on typo budget
check_rc "back: the next command reaches the database" 0
check_eq "  the team's row arrives" "$(rows "where \"user\" = 'typo'")" 1
check_eq "  the refused one stays in the outbox" "$(outbox typo "where team = 'nosuch'")" 1
check_eq "  alone" "$(outbox typo)" 1
check_contains "  llm budget says it is kept here, and why" "$(printf '%s\n' "$OUT" | grep '^  kept here')" \
    "1 request"
check_contains "  with the database's refusal" "$(printf '%s\n' "$OUT" | grep '^  kept here')" \
    "which refused them: made for team \"nosuch\", which it does not know"
check_contains "  and what sends them" "$(printf '%s\n' "$OUT" | grep -A1 '^  kept here' | tail -1)" \
    'llm ledger send sends them as team "default", user "typo"'
on typo budget --json
check_eq "  and --json" "$(printf '%s' "$OUT" | t_py -c 'import json,sys; k=json.load(sys.stdin)["kept_here"]; print(k["requests"], k["refused"] is not None, k["next"])')" \
    "1 True llm ledger send"

# llm ledger send: the refused row goes as the team now configured, once.
pg_down
on typo ledger send
check_rc "ledger send: the database unreachable exits 1" 1
check_contains "  saying so" "$ERR" "team ledger: unreachable"
check_contains "  and how many requests wait here" "$ERR" \
    "llm: ledger send: meanwhile requests go on within [ledger] offline_allowance ("
check_contains "  the one refused before" "$ERR" "sent once it is back; kept so far: 1 request"
# A network failure (exit 1) as for a request, not a config error (2) to go and fix.
on typo budget
check_rc "budget: the database unreachable exits 1" 1
check_contains "  saying so" "$ERR" "llm: budget: team ledger: unreachable"
check_contains "  and what goes on meanwhile: what the allowance holds, what is kept here" "$ERR" \
    "llm: budget: meanwhile requests go on within [ledger] offline_allowance (\$0.0"
check_contains "  with how many requests wait" "$ERR" " of \$0.01), kept on this machine and sent once it is back; kept so far: 1 request"
on blocker budget
check_rc "budget under block: the database unreachable exits 1" 1
check_contains "  saying that requests which cost are refused meanwhile" "$ERR" \
    "llm: budget: meanwhile a request that costs anything is refused on this machine (budget_action = block); a free model still goes"
# The full-screen client's meter says the same in a line.
printf ':wait-idle\n' >"$T/meter.s"
on typo chat --headless "$T/meter.s" --size 100x30 --out "$T/typo.screen"
check_contains "client: the meter says what the offline allowance holds" "$(cat "$T/typo.screen")" \
    "team ledger offline: \$0.0"
check_contains "  of the allowance" "$(cat "$T/typo.screen")" " of \$0.01 allowance"
on blocker chat --headless "$T/meter.s" --size 100x30 --out "$T/blocker.screen"
check_contains "client under block: the meter says only free models go" \
    "$(cat "$T/blocker.screen")" "team ledger offline: free models only (block)"
on typo usage --by user
check_rc "usage: the database unreachable exits 1" 1
check_contains "  saying so" "$ERR" "llm: usage: team ledger: unreachable"
check_contains "  and what goes on meanwhile" "$ERR" "llm: usage: meanwhile requests go on within"
on typo budget set --user typo 5
check_rc "budget set: the database unreachable exits 1" 1
pg_up || exit 1
printf 'team = other\n' >>"$T/typo/config/config.ini"
on typo ledger send
check_rc "ledger send: refused again (team \"other\" unknown too) exits 2" 2
check_contains "  saying it is still kept, and why" "$ERR" \
    'still kept here: the database refused it as team "other", user "typo": it does not know team "other"'
check_eq "  it stays in the outbox" "$(outbox typo)" 1
sed -i '/^team = other$/d' "$T/typo/config/config.ini"
on typo ledger send
check_rc "ledger send: with [ledger] team put right" 0
check_contains "  says it is sent" "$OUT" "1 request sent; 0 kept here"
check_eq "  the row arrives, as the team's (beside the one made after the fix)" \
    "$(rows "where \"user\" = 'typo' and team = 'default' and offline")" 2
check_eq "  the outbox is empty" "$(outbox typo)" 0
on typo budget
check_not_contains "  llm budget keeps nothing here" "$OUT" "kept here"
on typo ledger send
check_rc "ledger send again" 0
check_contains "  sends nothing" "$OUT" "0 requests sent; 0 kept here"
check_eq "  and the team's rows are there once" "$(rows "where \"user\" = 'typo'")" 2

# A process killed mid-reply while the database is down: its row kept locally is
# settled at what it had received, as the database settles a dead process's
# reservation, not charged its worst case against the allowance and the team.
machine killed warn
sed -i 's/^offline_allowance = 0.01$/offline_allowance = 1/' "$T/killed/config/config.ini"
pg_down
fake_reset
rm -f "$T/go"
fake_reply "{\"text\":\"a reply that never ends\",\"hold_file\":\"$T/go\"}"
LLM_CONFIG_DIR="$T/killed/config" LLM_DATA_DIR="$T/killed/data" \
    "$LLM_BIN" -q -m test-frontier --max-tokens 30000 "killed offline" >/dev/null 2>&1 &
victim=$!
received() { [ "$(outbox killed "where received_output > 0")" = 1 ]; }
t_wait received
check_eq "killed offline: its worst case is held meanwhile" \
    "$(sqlite3 "$T/killed/data/llm.db" "select status || ' ' || worst_case_pico from team_outbox")" \
    "reserved 750060000000"
kill -9 "$victim"
wait "$victim"
fake_default '{"text":"ok"}'
on killed -q -m test-frontier --max-tokens 30000 "after the kill"
check_rc "killed offline: the allowance is free again for the next request" 0
check_eq "killed offline: its row is settled at what it had received" \
    "$(sqlite3 "$T/killed/data/llm.db" "select status, cost_pico < 1000000000, estimated
    from team_outbox where id = 1")" "cancelled|1|1"
pg_up || exit 1
on killed budget
check_eq "  and arrives so" "$(rows "where \"user\" = 'killed' and status = 'cancelled'
    and cost_pico < 1000000000 and estimated and offline")" 1

# A fallback past the offline allowance is not tried, and the reason is the unreachable ledger,
# not a budget a member would be told to raise.
machine falls warn
printf '\n%s\n' "$(t_model test-cheap2 anthropic test-cheap-2 cheap 1000 5000)" \
    >>"$T/falls/config/config.ini"
sed -i 's/^models = test-cheap, test-local$/models = test-cheap, test-cheap2/' \
    "$T/falls/config/config.ini"
pg_down
fake_reset
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
on falls -q -t cheap --max-tokens 100 "a fallback offline"
check_contains "offline fallback: not tried, as the ledger is unreachable" "$ERR" \
    "test-cheap2 not tried: the team ledger is unreachable"
check_not_contains "  not a budget to raise" "$ERR" "raise it"

# An offline reservation closed while its request runs (as another process does past its
# hour): the request says so, without the outbox row's internal number.
machine closed warn
fake_reset
fake_reply "{\"text\":\"slow answer\",\"hold_file\":\"$T/go2\"}"
LLM_CONFIG_DIR="$T/closed/config" LLM_DATA_DIR="$T/closed/data" \
    "$LLM_BIN" -q -m test-cheap "closed under it" >"$T/cl.out" 2>"$T/cl.err" &
flight=$!
fake_wait_count 1
sqlite3 "$T/closed/data/llm.db" "update team_outbox set status = 'expired',
    cost_pico = worst_case_pico, estimated = 1 where kind = 'row' and status = 'reserved'"
: >"$T/go2"
wait $flight
check_eq "closed offline: the request ends well" "$?" 0
check_contains "closed offline: says its reservation was closed" "$(cat "$T/cl.err")" \
    "the reservation kept offline for this request was closed before it ended"
check_not_contains "  without the internal number" "$(cat "$T/cl.err")" "461168601842738"
check_eq "  and the row stays at its worst case" "$(sqlite3 "$T/closed/data/llm.db" \
    "select status, cost_pico = worst_case_pico from team_outbox")" "expired|1"
pg_up || exit 1

# Under block a free model is never refused, the database down or not: it spends nothing
# to check. Its row is kept locally and arrives once the database is back, as any other.
machine freeblock block
pg_down
fake_reset
fake_default '{"text":"ok"}'
on freeblock -q -m test-local "free while down"
check_rc "block, free model, database down: it goes on" 0
check_contains "  saying its row waits for the database" "$ERR" \
    "a free model goes on; its row is sent when it is back"
check_eq "  kept locally" "$(outbox freeblock "where kind = 'row' and status = 'ok'")" 1
on freeblock -q -m test-cheap "priced while down"
check_rc "block, priced model, database down: refused (exit 3)" 3
check_contains "  saying what to do" "$ERR" "try again then, or use a free model"
check_eq "  and keeps nothing more" "$(outbox freeblock)" 1
pg_up || exit 1
on freeblock budget
check_eq "the free row arrives once the database is back" \
    "$(rows "where \"user\" = 'freeblock' and offline and cost_pico = 0")" 1
check_eq "  and only it" "$(rows "where \"user\" = 'freeblock'")" 1
[ "$T_FAIL" -eq 0 ]
