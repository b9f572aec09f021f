#!/bin/sh
# budget_warn: the first request that takes the month past 50%, 80% and 100% of the budget
# says so once, with the spend and the forecast, whatever the number of processes: in the
# CLI, the git hook and the TUI. warn_at changes the thresholds; an empty value turns them off.
# Under tests/sh/team_suite.sh the ledger is a team's in PostgreSQL (t_ledger_sql), the budget
# the team's, and each warning given once per team, month and threshold.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
t_setup
sql() { t_ledger_sql "$1"; }
LLM_NOW=$(date -u -d '2026-11-16 12:00:00' +%s)
export LLM_NOW
# Each request costs 1000 * $0.10/M + 500 * $0.40/M = $0.0003: 30% of a $0.001 budget.
fake_default '{"text":"answer","usage":{"input":1000,"output":500}}'
t_budget 0.001 warn

# count TEXT FILE...: how many lines of the files hold TEXT.
count() {
	_t=$1
	shift
	cat "$@" 2>/dev/null | grep -cF -- "$_t"
}
# fresh: an empty ledger (a team's: no warnings given, the budget as it was).
fresh() {
	t_ledger_reset
	[ -z "${LLM_DATABASE:-}" ] ||
	    sql "TRUNCATE llm.budget_warnings; UPDATE llm.teams SET budget_pico = 1000000000" >/dev/null
}

# --- one process after another: each threshold when it is passed, with the forecast ---
for i in 1 2 3 4 5; do
	"$LLM_BIN" -m test-cheap "q $i" >/dev/null 2>"$T/s$i.err"
done
check_eq "30%: no warning" "$(count 'passed' "$T/s1.err")" 0
# $0.0006 spent on Monday Nov 16, nothing on the weekend before: weekdays and weekends apart,
# $0.0006 / 5 = $0.00012 a weekday, $0 a weekend day. It passes $0.001 on Friday Nov 20
# (0.0006 + 4 * 0.00012 = 0.00108) and ends at 0.0006 + 10 weekdays * 0.00012 = $0.0018.
check_eq "60%: the 50% warning, its spend and forecast" "$(grep budget: "$T/s2.err")" \
	'llm: budget: 2026-11 passed 50% of its budget: $0.0006 of $0.001 spent; forecast: out on Nov 20 at this pace; $0.0018 at month end'
check_eq "90%: the 80% warning" "$(count 'passed 80% of its budget: $0.0009 of $0.001' "$T/s3.err")" 1
check_eq "90%: the 50% one is not repeated" "$(count 'passed 50%' "$T/s3.err")" 0
check_eq "120%: the 100% warning, over since today" \
	"$(count 'passed 100% of its budget: $0.0012 of $0.001 spent; forecast: over the budget since Nov 16' "$T/s4.err")" 1
check_eq "150%: nothing left to warn of" "$(count 'passed' "$T/s5.err")" 0
check_eq "the ledger keeps each warning given" \
	"$(sql "SELECT month || ':' || threshold || ':' || spent_pico FROM budget_warnings
	    ORDER BY threshold" | tr '\n' ' ' | sed 's/ $//')" \
	"2026-11:50:600000000 2026-11:80:900000000 2026-11:100:1200000000"
# A new month warns again.
LLM_NOW=$(date -u -d '2026-12-02 12:00:00' +%s) "$LLM_BIN" -m test-cheap q >/dev/null 2>&1
LLM_NOW=$(date -u -d '2026-12-02 12:00:00' +%s) "$LLM_BIN" -m test-cheap q >/dev/null 2>"$T/dec.err"
check_eq "December warns of its own 50%" "$(count 'budget: 2026-12 passed 50%' "$T/dec.err")" 1
# The answer ("answer", no newline of its own) ends its line before the warning: one
# stream for both (2>&1) reads answer, then warning.
LLM_NOW=$(date -u -d '2026-10-02 12:00:00' +%s) "$LLM_BIN" -m test-cheap q >/dev/null 2>&1
LLM_NOW=$(date -u -d '2026-10-02 12:00:00' +%s) "$LLM_BIN" -m test-cheap q >"$T/both.out" 2>&1
check_eq "2>&1: the answer's line is its own" "$(grep -cx answer "$T/both.out")" 1
check_eq "2>&1: the warning on a line of its own, after it" \
	"$(sed -n '/^answer$/,$p' "$T/both.out" | grep -c '^llm: budget: 2026-10 passed 50%')" 1

# --- many processes at once: each warning exactly once ---
fresh
pids=
i=0
while [ $i -lt 12 ]; do
	"$LLM_BIN" -m test-cheap "p $i" >/dev/null 2>"$T/p$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # a list of process ids
wait $pids
check_eq "12 at once: all settled" "$(sql "SELECT count(*) FROM usage WHERE status = 'ok'")" 12
for pct in 50 80 100; do
	check_eq "12 at once: the $pct% warning given once" \
	    "$(count "passed $pct% of its budget" "$T"/p*.err)" 1
done
check_eq "12 at once: three warnings in the ledger" "$(sql "SELECT count(*) FROM budget_warnings")" 3

# --- warn_at ---
fresh
printf 'warn_at = 80, 50\n' >"$T/extra"
sed -i "/^budget_action = warn/r $T/extra" "$LLM_CONFIG_DIR/config.ini"
for i in 1 2 3 4; do
	"$LLM_BIN" -m test-cheap "w $i" >/dev/null 2>>"$T/w.err"
done
check_eq "warn_at = 80, 50: two warnings" "$(count 'passed' "$T/w.err")" 2
check_eq "warn_at = 80, 50: none at 100%" "$(count 'passed 100%' "$T/w.err")" 0
check_contains "config show: the thresholds in order" "$("$LLM_BIN" config show)" "warn_at = 50, 80"
fresh
sed -i 's/^warn_at = .*/warn_at =/' "$LLM_CONFIG_DIR/config.ini"
for i in 1 2 3 4; do
	"$LLM_BIN" -m test-cheap "e $i" >/dev/null 2>>"$T/e.err"
done
check_eq "an empty warn_at: no warnings" "$(count 'passed' "$T/e.err")" 0
check_eq "an empty warn_at: none recorded" "$(sql "SELECT count(*) FROM budget_warnings")" 0
sed -i 's/^warn_at =.*/warn_at = 50, lots/' "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "warn_at: a bad value is a config error" 2
check_contains "warn_at: the error names the value" "$ERR" "warn_at: expected percentages"
sed -i '/^warn_at =/d' "$LLM_CONFIG_DIR/config.ini"

# --- the git hook's command, several at once ---
fresh
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
git init -q "$T/repo" && cd "$T/repo" || exit 1
git config user.name "Test User"
git config user.email test@example.com
printf 'hello\n' >README
git add README
pids=
i=0
while [ $i -lt 6 ]; do
	: >"$T/msg$i"
	"$LLM_BIN" git commit-msg "$T/msg$i" >/dev/null 2>"$T/h$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # a list of process ids
wait $pids
cd "$T" || exit 1
check_eq "hook: 6 drafts billed" "$(sql "SELECT count(*) FROM usage WHERE status = 'ok'")" 6
check_eq "hook: the drafts were written" "$(cat "$T"/msg* | grep -c '^answer$')" 6
for pct in 50 80 100; do
	check_eq "hook: the $pct% warning given once" \
	    "$(count "llm: budget: 2026-11 passed $pct% of its budget" "$T"/h*.err)" 1
done

# Through git: the installed hook's line reaches the one who commits.
fresh
cd "$T/repo" || exit 1
"$LLM_BIN" git install-hook >/dev/null 2>&1
for f in a b; do
	printf '%s\n' "$f" >"$f"
	git add "$f"
	GIT_EDITOR=true git commit -q >/dev/null 2>"$T/commit-$f.err"
done
cd "$T" || exit 1
check_eq "git commit: the first draft warns of nothing" "$(count 'passed' "$T/commit-a.err")" 0
check_eq "git commit: the second says it passed 50%" \
	"$(count 'llm: budget: 2026-11 passed 50% of its budget: $0.0006 of $0.001 spent' "$T/commit-b.err")" 1
check_eq "git commit: both committed with their drafts" \
	"$(git -C "$T/repo" log --format=%s | grep -c '^answer$')" 2

# --- the TUI: three sessions at once, the transcript after each reply ---
fresh
for s in a b c; do
	: >"$T/$s.s"
	for i in 1 2 3; do
		printf ':type %s %s\n:key Enter\n:wait-idle\n:dump-screen %s\n' "$s" "$i" \
		    "$T/$s$i.dump" >>"$T/$s.s"
	done
done
pids=
for s in a b c; do
	tui "$s" 200x20 -m test-cheap &
	pids="$pids $!"
done
# shellcheck disable=SC2086 # a list of process ids
wait $pids
check_eq "TUI: 9 replies" "$(sql "SELECT count(*) FROM usage WHERE status = 'ok'")" 9
# A note stays in its session's transcript: each threshold is in the screens of one session.
for pct in 50 80 100; do
	n=0
	for s in a b c; do
		[ "$(count "budget: 2026-11 passed $pct% of its budget" "$T/$s"[123].dump)" -gt 0 ] &&
		    n=$((n + 1))
	done
	check_eq "TUI: the $pct% note shown in one session" "$n" 1
done
# One session alone: the note is in the transcript, whole, under the reply that passed it,
# still there after a key.
fresh
printf ':type one\n:key Enter\n:wait-idle\n:type two\n:key Enter\n:wait-idle\n:type x\n:dump-screen %s\n' \
    "$T/one.dump" >"$T/one.s"
tui one 200x20
check_contains "TUI: the note in the transcript" "$(grep -F 'passed 50%' "$T/one.dump")" \
	'│ budget: 2026-11 passed 50% of its budget: $0.0006 of $0.001 spent; forecast: out on Nov 20'

# --- an agent task: its steps warn as any request does; the warning is kept as given, so it
# must be said: by llm do on stderr (-q too, as llm -q says it), in the client's transcript
t_sum_repo "$T/arepo"
agent_replies() {
	fake_reply '{"text":"Looking.","calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":1000,"output":500}}'
	fake_reply '{"text":"Done.","usage":{"input":1000,"output":500}}'
}
fresh
agent_replies
(cd "$T/arepo" && "$LLM_BIN" "do" -q -m test-cheap "look around" >/dev/null 2>"$T/do.err")
check_eq "llm do -q: the 50% warning on stderr" \
	"$(count 'llm: budget: 2026-11 passed 50% of its budget: $0.0006 of $0.001 spent' "$T/do.err")" 1
fresh
agent_replies
printf ':type look around\n:key Enter\n:wait-idle\n:dump-screen %s\n' "$T/ag.dump" >"$T/ag.s"
tui_in "$T/arepo" ag 200x30 -m test-cheap --agent
check_contains "TUI agent: the note in the transcript" "$(grep -F 'passed 50%' "$T/ag.dump")" \
	'budget: 2026-11 passed 50% of its budget: $0.0006 of $0.001 spent'

echo "# $T_PASS passed, $T_FAIL failed"
