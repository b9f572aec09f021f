#!/bin/sh
# team_race.sh: three machines (three config and data directories, one team
# database) start 60 requests at once under a block budget that fits 10 worst
# cases: exactly 10 are admitted, the team is never over, every row is there;
# then the same with per-user budgets.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
prompt="hello there"
base="$LLM_CONFIG_DIR/config.ini"

run_llm ledger init
check_rc "ledger init creates the schema" 0
worst=$("$LLM_BIN" route --json -m test-cheap --max-tokens 1000 "$prompt" |
    t_py -c 'import json,sys; print(round(json.load(sys.stdin)["worst_case_usd"] * 1e12))')
check_eq "the worst case is known" "$worst" 401100000

# machine N: its own config (user devN, block) and data directory.
for n in 1 2 3; do
	mkdir -p "$T/m$n/config" "$T/m$n/data"
	sed 's/^budget = 0$/budget = 0\nbudget_action = block/' "$base" >"$T/m$n/config/config.ini"
	printf '\n[ledger]\nteam = race\nuser = dev%s\n' "$n" >>"$T/m$n/config/config.ini"
done
LLM_CONFIG_DIR="$T/m1/config" LLM_DATA_DIR="$T/m1/data" "$LLM_BIN" ledger init >/dev/null

# burst NAME: 20 requests from each machine at once; the admitted ones hold
# at the provider until every refused one has exited, so none settles early.
burst() {
	rm -f "$T/go" "$T"/r.*
	pids=
	fake_default "{\"text\":\"ok\",\"hold_file\":\"$T/go\"}"
	for n in 1 2 3; do
		i=0
		while [ $i -lt 20 ]; do
			(LLM_CONFIG_DIR="$T/m$n/config" LLM_DATA_DIR="$T/m$n/data" \
			    "$LLM_BIN" -q -m test-cheap --max-tokens 1000 "$prompt" \
			    >/dev/null 2>"$T/r.$n.$i.err"; echo $? >"$T/r.$n.$i.rc") &
			pids="$pids $!"
			i=$((i + 1))
		done
	done
	T_WAIT=60 t_wait sh -c "[ \$(cat '$T'/r.*.rc 2>/dev/null | grep -c '^3\$') -ge 50 ]"
	check_eq "$1: no refusal for want of the database" \
	    "$(cat "$T"/r.*.err | grep -c 'unreachable')" 0
	held=$(psql_q "select count(*) from llm.usage where team = 'race' and status = 'reserved'")
	check_eq "$1: exactly 10 reservations admitted" "$held" 10
	check_eq "$1: 50 refused with exit 3" "$(cat "$T"/r.*.rc | grep -c '^3$')" 50
	: >"$T/go"
	# shellcheck disable=SC2086 # one pid a word
	wait $pids
	check_eq "$1: the 10 admitted exit 0" "$(cat "$T"/r.*.rc | grep -c '^0$')" 10
	check "$1: the refusals say why" grep -q "would pass" "$T"/r.1.*.err
}

LLM_CONFIG_DIR="$T/m1/config" LLM_DATA_DIR="$T/m1/data" run_llm budget set \
    "$(t_py -c "print('%.6f' % ($worst * 10 / 1e12))")"
check_rc "team budget set" 0
check_eq "the team's budget is 10 worst cases" \
    "$(psql_q "select budget_pico from llm.teams where team = 'race'")" $((worst * 10))
burst "team budget"
check_eq "team budget: every row is there, settled" \
    "$(psql_q "select count(*) from llm.usage where team = 'race' and status = 'ok'")" 10
check_eq "team budget: no row left reserved" \
    "$(psql_q "select count(*) from llm.usage where team = 'race' and status <> 'ok'")" 0
check_eq "team budget: the team is not over" \
    "$(psql_q "select sum(cost_pico) <= $((worst * 10)) and sum(worst_case_pico) <= $((worst * 10)) from llm.usage where team = 'race'")" t
check_eq "team budget: the totals agree with the rows" \
    "$(psql_q "select (select sum(spent) from llm.totals where team = 'race') = (select sum(cost_pico) from llm.usage where team = 'race')")" t

# Per-user budgets: 3, 3 and 4 worst cases (rounded up to the micro-dollar)
# under a large team budget.
psql_q "delete from llm.usage where team = 'race'; delete from llm.totals where team = 'race'" >/dev/null
LLM_CONFIG_DIR="$T/m1/config" LLM_DATA_DIR="$T/m1/data" "$LLM_BIN" budget set 100 >/dev/null
for n in 1 2 3; do
	k=3
	[ $n = 3 ] && k=4
	LLM_CONFIG_DIR="$T/m1/config" LLM_DATA_DIR="$T/m1/data" "$LLM_BIN" budget set --user \
	    "dev$n" "$(t_py -c "print('%.6f' % (-(-$worst * $k // 1000000) / 1e6))")" >"$T/u.out" 2>&1
done
check_contains "budget set --user says whose" "$(cat "$T/u.out")" "dev3's monthly budget"
burst "per-user budgets"
check_eq "per-user budgets: 3, 3 and 4 admitted" \
    "$(psql_q "select string_agg(\"user\" || '=' || n, ' ' order by \"user\") from (select \"user\", count(*) n from llm.usage where team = 'race' group by 1) x")" \
    "dev1=3 dev2=3 dev3=4"
check_eq "per-user budgets: no user over" \
    "$(psql_q "select bool_and(s <= b) from (select u.\"user\", sum(u.worst_case_pico) s, max(b.budget_pico) b from llm.usage u join llm.user_budgets b on b.team = u.team and b.\"user\" = u.\"user\" where u.team = 'race' group by 1) x")" t
LLM_CONFIG_DIR="$T/m3/config" LLM_DATA_DIR="$T/m3/data" run_llm budget --json
check_eq "llm budget shows the user's share" "$(json_get "$T/out" user.name)" dev3
check_eq "llm budget shows the user's own limit" "$(json_get "$T/out" user.limit_pico)" \
    $(((worst * 4 + 999999) / 1000000 * 1000000))

# Two machines of one host name (laptops named "ubuntu", runners of one image):
# a request under way on the other one (its boot and machine id not this
# one's) is alive for all this one knows. Releasing it would lose its row:
# the settlement that follows finds nothing reserved to settle.
psql_q "delete from llm.usage where team = 'race'; delete from llm.totals where team = 'race'" >/dev/null
rm -f "$T/go"
fake_reset
fake_reply "{\"text\":\"twin answer\",\"hold_file\":\"$T/go\",\"usage\":{\"input\":1000,\"output\":100}}"
LLM_CONFIG_DIR="$T/m2/config" LLM_DATA_DIR="$T/m2/data" "$LLM_BIN" -q -m test-cheap \
    --max-tokens 1000 "$prompt" >/dev/null 2>"$T/twin.err" &
twin=$!
fake_wait_count 1
twin_reserved() {
	[ "$(psql_q "select count(*) from llm.usage where team = 'race' and status = 'reserved'")" = 1 ]
}
t_wait twin_reserved
psql_q "update llm.usage set owner = 'twin-boot pid:[1] 0123456789abcdef0123456789abcdef'
 where team = 'race' and status = 'reserved'" >/dev/null
if [ -r /etc/machine-id ] || [ -r /var/lib/dbus/machine-id ]; then
	LLM_CONFIG_DIR="$T/m1/config" LLM_DATA_DIR="$T/m1/data" run_llm budget
	check_rc "same host name: llm budget on this machine" 0
	check_eq "same host name: the other machine's reservation is kept" \
	    "$(psql_q "select status from llm.usage where team = 'race'")" reserved
else
	echo "ok - # skip no machine id here to tell machines of one name apart"
fi
: >"$T/go"
wait $twin
check_eq "same host name: the request there ends well" "$?" 0
check_eq "same host name: its row is settled at its cost" \
    "$(psql_q "select status || ' ' || cost_pico from llm.usage where team = 'race'")" "ok 140000000"
[ "$T_FAIL" -eq 0 ]
