#!/bin/sh
# team_readme.sh: the README's team setup ("For teams: one budget in
# PostgreSQL"), its commands taken from the README and run as written on a
# throw-away cluster: the owner made as step 1 says can make the roles of
# step 3, every step succeeds, and the outputs are the ones shown.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
# The example's server is this cluster: its socket, and no password (trust).
here="postgresql:///llm?host=$PG_DIR\\&port=$PG_PORT\\&"
"$PG_BIN/dropdb" -h "$PG_DIR" -p "$PG_PORT" -U llm llm

# The section's ```text blocks, one line each, indentation removed.
awk '/^## For teams/ { f = 1; next } /^## / { f = 0 } f' "$LLM_TOP/README.md" |
    sed -n '/^ *```text$/,/^ *```$/{/```/d;s/^ *//;p}' >"$T/blocks"
check "the README holds the team setup" [ -s "$T/blocks" ]

# step N PATTERN: the README's lines matching PATTERN, as commands for this cluster.
step() {
	grep -e "$1" "$T/blocks" |
	    sed -e "s|^sudo -u postgres \\([a-z]*\\)|\"$PG_BIN/\\1\" -h \"$PG_DIR\" -p $PG_PORT -U llm|" \
	    -e "s|^psql |\"$PG_BIN/psql\" -X -q -h \"$PG_DIR\" -p $PG_PORT |" \
	    -e "s| --pwprompt||; s|'…'|'pw'|; s| scripts/| \"$LLM_TOP/scripts/|; s|\\.sql\$|.sql\"|"
}

# 1. The database, as the superuser.
step '^sudo -u postgres ' >"$T/step1"
check_eq "step 1 has two commands" "$(wc -l <"$T/step1")" 2
sh -e "$T/step1" >"$T/out" 2>"$T/err"
check_eq "step 1 runs" "$?" 0

# 2. The schema and the team, as the owner: the config and the output shown.
sed -n '/^\$ cat /,/^\$ llm ledger init$/p' "$T/blocks" | sed '1d;$d' |
    sed "s|postgresql://db.example.com/llm?|$here|" >"$T/ledger.ini"
t_config_append "$(cat "$T/ledger.ini")"
run_llm ledger init
check_rc "step 2: llm ledger init as the owner" 0
check_eq "  says what the README shows" "$OUT" \
    "$(sed -n '/^\$ llm ledger init$/{n;p}' "$T/blocks")"

# 3. The roles, as the owner.
step '^psql ' >"$T/step3"
check_eq "step 3 has five commands" "$(wc -l <"$T/step3")" 5
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	if eval "$cmd" >"$T/out" 2>"$T/err" && [ ! -s "$T/err" ]; then
		ok "step 3, command $n, runs as the owner"
	else
		not_ok "step 3, command $n, runs as the owner" "$cmd: $(cat "$T/err")"
	fi
done <"$T/step3"
check_eq "  the logins are in their roles" "$(psql_q "select string_agg(r.rolname || ':' ||
    g.rolname, ' ' order by r.rolname) from pg_auth_members m join pg_roles r on
    r.oid = m.member join pg_roles g on g.oid = m.roleid where r.rolname in
    ('lead', 'ana', 'ben', 'cho')")" "ana:llm_member ben:llm_member cho:llm_member lead:llm_admin"

# 4. The budget, as lead; 5. ana's machine: the config shown, for each of them.
sed -n '/^\[llm\]$/,$p' "$T/blocks" | sed "s|postgresql://db.example.com/llm?|$here|" >"$T/dev.ini"
check "step 5 shows a config" grep -q '^user = ana$' "$T/dev.ini"
t_write_config
for u in lead ana; do
	mkdir -p "$T/$u"
	sed "s/ana/$u/g" "$T/dev.ini" | cat "$LLM_CONFIG_DIR/config.ini" - >"$T/$u/config.ini"
done
export LLM_CONFIG_DIR="$T/lead"
grep '^llm budget' "$T/blocks" >"$T/step4"
check_eq "step 4 has two commands" "$(wc -l <"$T/step4")" 2
while IFS= read -r cmd; do
	# shellcheck disable=SC2086 # the README's words
	run_llm ${cmd#llm }
	check_rc "step 4: $cmd, as lead" 0
done <"$T/step4"
check_eq "  the team's budget is set" \
    "$(psql_q "select budget_pico / 1000000000000 from llm.teams where team = 'platform'")" 500
check_eq "  and cho's" "$(psql_q "select budget_pico / 1000000000000 from llm.user_budgets
    where team = 'platform' and \"user\" = 'cho'")" 100
export LLM_CONFIG_DIR="$T/ana"
fake_default '{"text":"ok"}'
run_llm -q -m test-cheap "hello from ana"
check_rc "step 5: ana's request" 0
run_llm budget
check_rc "  llm budget" 0
check_contains "  shows the team's budget" "$OUT" 'of $500.00'
check_contains "  and ana's share" "$OUT" 'ana: $0.0'
[ "$T_FAIL" -eq 0 ]
