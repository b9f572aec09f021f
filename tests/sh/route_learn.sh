#!/bin/sh
# route_learn: what llm route tells and keeps about the router learning from its user: --help,
# --json (both heads, every feature that fired), the labels that tiers against the router, pins
# and escalations leave, and learn = no.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
db="$LLM_DATA_DIR/llm.db"
sql() { sqlite3 -cmd '.timeout 5000' "$db" "$1"; }
fake_default '{"text":"fine","usage":{"input":20,"output":5}}'
j() { t_py -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
labels() { sql "SELECT group_concat(kind || ':' || router_tier || '>' || wanted_tier, ' ') FROM
	(SELECT * FROM route_labels ORDER BY id)"; }

run_llm route --help
check_rc "route --help exits 0" 0
check_contains "route --help: --explain" "$OUT" "--explain"
check_contains "route --help: --forget" "$OUT" "--forget"

run_llm route --json "hello there"
check_rc "route --json exits 0" 0
check_eq "route --json: both heads" \
	"$(echo "$OUT" | j '0 < j["p_cheap_fail"] < 1 and 0 < j["p_mid_fail"] < 1')" True
check_eq "route --json: the features that fired, with their terms" \
	"$(echo "$OUT" | j '[f["name"] for f in j["fired"] if f["value"] != 0 and "head1" in f and "head2" in f][:2]')" \
	"['length', 'words']"
check_eq "route --json: only features that fired" \
	"$(echo "$OUT" | j '[f["name"] for f in j["fired"] if f["name"] in ("diff", "stack_trace")]')" "[]"
check_eq "route --json: the shipped router's view" "$(echo "$OUT" | j 'j["shipped"]["tier"]')" cheap
run_llm route --json --explain "hello there"
check_eq "route --json --explain: what was learnt" \
	"$(echo "$OUT" | j '(j["learnt"]["enabled"], j["learnt"]["labels"], j["learnt"]["active"])')" \
	"(True, 0, False)"
# --forget with --json: stdout is one JSON object still, the count alone or
# the decision with the count on stderr.
run_llm route --json --forget
check_rc "route --json --forget: exit 0" 0
check_eq "route --json --forget: the count as JSON" "$(echo "$OUT" | j 'j["forgot"]')" 0
run_llm route --json --forget "hello there"
check_eq "route --json --forget PROMPT: the decision as JSON" "$(echo "$OUT" | j 'j["tier"]')" cheap
check_contains "route --json --forget PROMPT: the count on stderr" "$ERR" "llm: route: forgot 0 labels"
run_llm route --forget
check_eq "route --forget: the count as text" "$OUT" "forgot 0 labels: the router routes as shipped"

# "hello there" goes to cheap: a tier chosen against the router, a pin, the router's own
# tier asked for and an escalation.
"$LLM_BIN" -t frontier "hello there" >/dev/null 2>&1
check_eq "usage --router: one decision, in the singular" \
	"$("$LLM_BIN" usage --router | head -n 1 | sed 's/^[^:]*: //')" "overruled on 1 of 1 decision"
"$LLM_BIN" -t cheap "hello there" >/dev/null 2>&1
"$LLM_BIN" -m test-mid "hello there" >/dev/null 2>&1
sed -i 's/^escalate = no/escalate = yes/' "$LLM_CONFIG_DIR/config.ini"
fake_reply '{"text":"I cannot help with that request.","usage":{"input":10,"output":5}}'
fake_reply '{"text":"The real answer.","usage":{"input":10,"output":5}}'
"$LLM_BIN" "hello there" >/dev/null 2>&1
check_eq "labels: an override, a pin, an escalation; the router's own tier is none" "$(labels)" \
	"override:cheap>frontier pin:cheap>mid escalation:cheap>mid"
check_eq "labels: each with its request" \
	"$(sql "SELECT count(*) FROM route_labels r JOIN usage u ON u.id = r.usage_id AND u.tier = r.wanted_tier")" 3
check_contains "labels: the features by name" "$(sql "SELECT features FROM route_labels LIMIT 1")" \
	"length="
# A default tier from the config is no judgement of the prompt.
printf 'tier = mid\n' >"$T/extra"
sed -i "/^budget = /r $T/extra" "$LLM_CONFIG_DIR/config.ini"
sed -i '/^tier = auto/d' "$LLM_CONFIG_DIR/config.ini"
"$LLM_BIN" "hello there" >/dev/null 2>&1
check_eq "config's default tier: no label" "$(sql "SELECT count(*) FROM route_labels")" 3
# llm cmd asks the cheap tier by design, and a command is no prompt of the user's to route.
fake_reply '{"text":"rm -- big.iso\n# deletes it","usage":{"input":10,"output":5}}'
"$LLM_BIN" cmd --print "delete the biggest file of this long listing of files" >/dev/null 2>&1
fake_reply '{"text":"ls -S | head -1","usage":{"input":10,"output":5}}'
"$LLM_BIN" cmd --print -t frontier "name the biggest file" >/dev/null 2>&1
check_eq "llm cmd: no label" "$(sql "SELECT count(*) FROM route_labels")" 3
"$LLM_BIN" route --explain >"$T/explain"
check "--explain: counts by kind" grep -q "^learnt *3 labels (0 re-asks one tier up, 1 override, 1 escalation, 1 pin)" "$T/explain"
check "--explain: not applied under 30" grep -q "^applied *not yet: from 30 labels on" "$T/explain"
"$LLM_BIN" usage --router --json >"$T/r.json"
check_eq "usage --router: cheap overruled 3 times, all up" \
	"$(j '[(t["tier"], t["overruled"], t["up"]) for t in j["tiers"]][0]' <"$T/r.json")" "('cheap', 3, 3)"

# learn = no: nothing kept.
printf 'learn = no\n' >"$T/extra"
sed -i "/^budget = /r $T/extra" "$LLM_CONFIG_DIR/config.ini"
"$LLM_BIN" -t frontier "hello there" >/dev/null 2>&1
check_eq "learn = no: no label" "$(sql "SELECT count(*) FROM route_labels")" 3
check_contains "learn = no: config show" "$("$LLM_BIN" config show)" "learn = no"

# An overrule of unknown cost is never shown as free: "?" for a tier whose overrules all
# are, "+N unknown" beside a known figure.
t_write_config
t_ledger_reset
t_config_append "$(printf '[model.test-unpriced]\nprovider = openai\nid = unpriced-1\ntier = mid')"
"$LLM_BIN" -m test-unpriced "hello there" >/dev/null 2>&1
run_llm usage --router
check_eq "usage --router: a tier whose overrules are of unknown cost shows ?" \
	"$(echo "$OUT" | sed -n 's/^cheap .*  //p')" "?"
"$LLM_BIN" -m test-mid "hello there" >/dev/null 2>&1
run_llm usage --router
check_eq "usage --router: the known cost, and how many are unknown" \
	"$(echo "$OUT" | sed -n 's/^cheap .*  //p')" "+\$0.000131 +1 unknown"
run_llm usage --router --json
check_eq "usage --router --json: unknown costs per tier" \
	"$(echo "$OUT" | j '[(t["tier"], t["unknown_cost"]) for t in j["tiers"]], j["unknown_cost"]')" \
	"([('cheap', 1), ('mid', 0), ('frontier', 0)], 1)"

# On a narrow terminal the sentences around the table wrap between words, as llm usage's do.
NO_COLOR=1 t_py "$LLM_TOP/tests/pty_run.py" 40 24 "$LLM_BIN" usage --router >"$T/narrow.txt"
check_eq "usage --router at 40 columns: no sentence wider" \
	"$(grep -v '^tier \|^cheap \|^mid \|^frontier ' "$T/narrow.txt" | awk 'length($0) > 40' | wc -l)" 0
check "usage --router at 40 columns: wrapped between words" \
	grep -qx "  difference with the router's tier." "$T/narrow.txt"

echo "# $T_PASS passed, $T_FAIL failed"
