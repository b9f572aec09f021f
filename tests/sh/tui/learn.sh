# The full-screen client, driven headless: a user who re-asks every pasted piece of Go code one
# tier up (F4) teaches the router; from the 30th label on it sends the next such prompt to that
# tier by itself and says so in the reason, and llm route --forget undoes it.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
fake_default '{"text":"It loops n times and wraps the first error.","usage":{"input":200,"output":40}}'

# go N [ESCAPED]: pasted Go code number N (a function, no fence) and the question; with ESCAPED,
# written for :paste (\n).
go() {
	t_py - "$@" <<'PY'
import sys
names = ["parseConfig", "loadUsers", "sumPrices", "mergeMaps", "readLines", "countWords",
         "filterEven", "buildIndex", "flattenTree", "retryFetch", "splitCSV", "uniqueIDs",
         "maxDepth", "reverseList", "cacheGet", "encodeRow", "decodeRow", "scanPorts", "walkDir",
         "hashFile", "sortByAge", "groupByKey", "trimSpaces", "joinPaths", "openDB", "closeAll",
         "sendMail", "queuePush", "queuePop", "rateLimit", "parseFlags", "renderPage",
         "diffSets", "zipSlices", "chunkBytes", "bytesToHex"]
types = ["string", "int", "[]byte", "[]string", "float64", "bool"]
i = int(sys.argv[1])
n, t, u = names[i % len(names)], types[i % len(types)], types[(i + 2) % len(types)]
p = (f"func {n}(in {t}, n int) ({u}, error) {{\n\tvar out {u}\n\tfor i := 0; i < n; i++ {{\n"
     f"\t\tif err := step{i}(in, i); err != nil {{\n"
     f"\t\t\treturn out, fmt.Errorf(\"{n}: %w\", err)\n\t\t}}\n\t}}\n\treturn out, nil\n}}\n\n"
     "what does this do").replace("\t", "    ")   # the client's input turns tabs into spaces
if len(sys.argv) > 2:
    p = p.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
sys.stdout.write(p)
PY
}
# route_of N: "tier|reason" of llm route for Go prompt N.
route_of() {
	go "$1" | "$LLM_BIN" route --json | t_py -c \
	    'import json,sys; j=json.load(sys.stdin); print(j["tier"] + "|" + j["reason"])'
}
# session NAME FROM TO: a script that re-asks Go prompts FROM..TO-1 one tier up, each in a
# conversation of its own.
session() {
	: >"$T/$1.s"
	_i=$2
	while [ "$_i" -lt "$3" ]; do
		printf '/new\n' | sed 's/^/:type /' >>"$T/$1.s"
		printf ':key Enter\n:paste %s\n:key Enter\n:wait-idle\n:key F4\n:wait-idle\n' \
		    "$(go "$_i" escaped)" >>"$T/$1.s"
		_i=$((_i + 1))
	done
}
probe=35

base=$(route_of $probe | cut -d'|' -f1)
case $base in
cheap) up=mid ;;
mid) up=frontier ;;
*) up= ;;
esac
check "the router sends pasted Go code below frontier at first (got $base)" test -n "$up"

# 29 labels: not enough yet.
session a 0 29
tui a 100x30
check_eq "29 re-asks: the session ends well" "$TUI_RC" 0
check_eq "29 re-asks: each kept as a label" \
	"$(sql "SELECT count(*) FROM route_labels WHERE kind = 'retry' AND wanted_tier = '$up'")" 29
check_eq "29 re-asks: the re-asks were sent on $up" \
	"$(sql "SELECT count(*) FROM usage WHERE tier = '$up' AND route_mode = 'tier'")" 29
check_eq "29 labels: the router still says $base" "$(route_of $probe | cut -d'|' -f1)" "$base"

# The 30th, then a new prompt of the same kind, sent as the router decides.
session b 29 30
printf ':type /new\n:key Enter\n:paste %s\n:dump-screen %s\n:key Enter\n:wait-idle\n' \
    "$(go $probe escaped)" "$T/probe.dump" >>"$T/b.s"
tui b 100x30
check_eq "30th re-ask and the probe: the session ends well" "$TUI_RC" 0
check_eq "30 labels kept" "$(sql "SELECT count(*) FROM route_labels")" 30
last="SELECT tier || '|' || route_mode FROM usage ORDER BY id DESC LIMIT 1"
check_eq "after 30 labels the next Go prompt goes to $up by itself" "$(sql "$last")" "$up|auto"
check_contains "the reason says it was learnt" \
	"$(sql "SELECT route_reason FROM usage ORDER BY id DESC LIMIT 1")" "learnt: you wanted $up"
check_contains "the route line says so before sending" "$(row "$T/probe.dump" "route auto")" \
	"route auto → $up"
check_contains "the route line gives the learnt reason" "$(row "$T/probe.dump" "route auto")" \
	"(learnt: you wanted $up"
check_contains "llm route agrees" "$(route_of $probe)" "$up|learnt: you wanted $up"
# Other kinds of prompt keep their tier.
check_eq "a greeting stays where it was" \
	"$("$LLM_BIN" route --json 'hello, how are you today?' | t_py -c \
	    'import json,sys; j=json.load(sys.stdin); print(j["tier"], j["shipped"]["tier"])')" \
	"cheap cheap"
"$LLM_BIN" route --explain >"$T/explain"
check "--explain: the labels" grep -q "^learnt *30 labels (30 re-asks one tier up" "$T/explain"
check "--explain: the move" grep -q "^moves *$base->$up 30" "$T/explain"
check "--explain: applied" grep -q "^applied *yes" "$T/explain"
"$LLM_BIN" usage --router --json >"$T/router.json"
check_eq "usage --router: $base overruled 30 times, all up" \
	"$(t_py -c 'import json,sys; j=json.load(open(sys.argv[1])); t=[x for x in j["tiers"] if x["tier"]==sys.argv[2]][0]; print(t["overruled"], t["up"], j["labels"]["retry"])' "$T/router.json" "$base")" \
	"30 30 30"
# The re-asks cost all they were charged: 200 tokens in and 40 out on test-mid ($3/$15 per M)
# or test-frontier ($5/$25 per M).
case $up in
mid) each=$((200 * 3000000 + 40 * 15000000)) ;;
*) each=$((200 * 5000000 + 40 * 25000000)) ;;
esac
check_eq "usage --router: what the re-asks cost" \
	"$(t_py -c 'import json,sys; j=json.load(open(sys.argv[1])); print([x for x in j["tiers"] if x["tier"]==sys.argv[2]][0]["extra_pico"])' "$T/router.json" "$base")" \
	$((30 * each))

# --forget undoes it.
run_llm route --forget
check_rc "--forget exits 0" 0
check_eq "--forget says how many" "$OUT" "forgot 30 labels: the router routes as shipped"
check_eq "--forget: no label teaches any more" \
	"$(sql "SELECT count(*) FROM route_labels WHERE forgotten = 0")" 0
check_contains "--forget: --explain has nothing" "$("$LLM_BIN" route --explain)" "0 labels"
check_contains "--forget: usage --router still counts the overrules" \
	"$("$LLM_BIN" usage --router)" "overruled on 30 of"
check_eq "--forget: the router says $base again" "$(route_of $probe | cut -d'|' -f1)" "$base"
printf ':paste %s\n:key Enter\n:wait-idle\n' "$(go $probe escaped)" >"$T/c.s"
tui c 100x30
check_eq "--forget: the next Go prompt goes to $base" "$(sql "$last")" "$base|auto"

# learn = no: no labels kept, none applied.
printf 'learn = no\n' >"$T/extra"
sed -i "/^budget = /r $T/extra" "$LLM_CONFIG_DIR/config.ini"
session d 0 2
tui d 100x30
check_eq "learn = no: no new labels kept" "$(sql "SELECT count(*) FROM route_labels")" 30
check_contains "learn = no: --explain says learning is off" "$("$LLM_BIN" route --explain)" \
	"learning is off"

echo "# $T_PASS passed, $T_FAIL failed"
