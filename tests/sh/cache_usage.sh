# The prompt cache in every figure: each reply's line and --json, and llm usage, whose cache
# totals equal direct sums over the ledger to the pico-dollar.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_cache_on 1200

# Anthropic: turn 1 writes, turn 2 reads (and writes its new part).
run_llm -v -m test-mid -f "$T/big.c" "what is in it?"
check_contains "line: turn 1 shows the cache write and its cost" "$ERR" " written, cache +\$"
run_llm -v -m test-mid -c "and the last entry?"
check_contains "line: turn 2 shows what was read and saved" "$ERR" " cached, "
check_contains "line: with the saving" "$ERR" ", saved \$"
run_llm -q -m test-mid -c --json "and the first?"
printf '%s\n' "$OUT" >"$T/t3.json"
read_t=$(json_get "$T/t3.json" usage.cached_input_tokens)
write_t=$(json_get "$T/t3.json" usage.cache_write_tokens)
check "json: turn 3 read the cache" test "$read_t" -gt 1000
# test-mid: input $3/M, cached $0.30/M, writes 1.25 x input: exact decimals, never floats
_PICO='
import json, sys
from decimal import Decimal
u = json.load(open(sys.argv[1]), parse_float=Decimal)["usage"]
print(int(u[sys.argv[2]] * 10**12))
'
check_eq "json: cache_saved_usd = read tokens x (input - cached price)" \
    "$(t_py -c "$_PICO" "$T/t3.json" cache_saved_usd)" "$((read_t * 2700000))"
check_eq "json: cache_write_extra_usd = written tokens x 0.25 x input" \
    "$(t_py -c "$_PICO" "$T/t3.json" cache_write_extra_usd)" "$((write_t * 750000))"
check "json: turn 3 wrote its new part" test "$write_t" -gt 0

# OpenAI reads by itself; a second Anthropic conversation's write is never read.
run_llm -q -m test-cheap -f "$T/big.c" "summarise"
run_llm -q -m test-cheap -c "again"
run_llm -q -m test-mid -f "$T/big.c" "a different question"
LLM_NOW=$((LLM_NOW + 400))
run_llm -q -m test-mid -c "after the cache expired"
LLM_NOW=$((LLM_NOW + 4000))

run_llm usage --json
check_rc "usage --json: exit 0" 0
printf '%s\n' "$OUT" >"$T/u.json"
run_llm usage
check_contains "usage: a prompt cache table" "$OUT" "Prompt cache, by model"
check_contains "usage: with reads, writes, savings and waste" "$OUT" "read  written          saved   unread         wasted"

# Direct sums over the ledger: prices of the test models in pico-dollars per token.
t_py - "$LLM_DATA_DIR/llm.db" "$T/u.json" >"$T/sums" <<'PY'
import json, sqlite3, sys
price = {"test-mid": (3000000, 300000, 3750000, 6000000), "test-cheap": (100000, 25000, 125000, 200000),
         "test-frontier": (5000000, 500000, 6250000, 10000000), "test-local": (0, 0, 0, 0)}
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT time, coalesce(conversation_id, 0), model, cached_input_tokens,"
                  " cache_write_tokens, cache_write_1h_tokens FROM usage"
                  " WHERE status NOT IN ('reserved', 'expired') ORDER BY time, id").fetchall()
now = 1790000000 + 4400
tot = {"saved": 0, "extra": 0, "unread": 0, "waste": 0}
per = {}
pending = {}
def book(model, key, v):
    tot[key] += v
    per.setdefault(model, {"saved": 0, "extra": 0, "unread": 0, "waste": 0})[key] += v
for t, conv, model, rd, w5, w1h in rows:
    pin, pc, pw, pw1 = price[model]
    book(model, "saved", rd * (pin - pc))
    book(model, "extra", w5 * (pw - pin) + w1h * (pw1 - pin))
    p = pending.pop((conv, model), None)
    if p is not None:
        pt, p5, p1 = p
        u5 = 0 if rd > 0 and t - pt <= 300 else p5
        u1 = 0 if rd > 0 and t - pt <= 3600 else p1
        book(model, "unread", u5 + u1)
        book(model, "waste", u5 * (pw - pin) + u1 * (pw1 - pin))
    if w5 + w1h > 0:
        pending[(conv, model)] = (t, w5, w1h)
for (conv, model), (pt, p5, p1) in pending.items():
    pin, pc, pw, pw1 = price[model]
    u5 = p5 if now - pt > 300 else 0
    u1 = p1 if now - pt > 3600 else 0
    book(model, "unread", u5 + u1)
    book(model, "waste", u5 * (pw - pin) + u1 * (pw1 - pin))
u = json.load(open(sys.argv[2]))
def got(o):
    return {"saved": o["cache_saved_pico"], "extra": o["cache_write_extra_pico"],
            "unread": o["cache_unread_write_tokens"], "waste": o["cache_waste_pico"]}
print("total", "same" if got(u["total"]) == tot else "differ: %s vs ledger %s" % (got(u["total"]), tot))
for r in u["rows"]:
    want = per.get(r["key"], {"saved": 0, "extra": 0, "unread": 0, "waste": 0})
    print(r["key"], "same" if got(r) == want else "differ: %s vs ledger %s" % (got(r), want))
print("nonzero", all(tot[k] > 0 for k in tot))
print("net", u["total"]["cache_net_saving_pico"] == tot["saved"] - tot["extra"])
PY
check_eq "usage --json: cache totals equal the ledger's sums" "$(grep '^total' "$T/sums")" "total same"
check_eq "usage --json: per model too" "$(grep -c ' same$' "$T/sums")" 3
check_eq "usage --json: every cache figure is exercised" "$(grep '^nonzero' "$T/sums")" "nonzero True"
check_eq "usage --json: net saving is saved less the write premium" "$(grep '^net' "$T/sums")" "net True"

# Ctrl-C after Anthropic's message_start: its usage already gave the prompt's buckets, cache
# reads and writes apart, which are billed whatever the reply did. The cancelled row keeps
# them (the reply's part estimated from the text), not an estimate of the prompt as input;
# the line shows what the row holds.
t_ledger_reset
fake_reset
rm -f "$T/go"
fake_reply "{\"chunks\":[\"partial \",\"never\"],\"hold_file\":\"$T/go\",
    \"usage\":{\"input\":40,\"cached\":2000,\"cache_write\":600,\"cache_write_1h\":300,\"sim\":true}}"
"$LLM_BIN" -v -m test-mid "stopped early" >"$T/int.out" 2>"$T/int.err" &
pid=$!
t_wait grep -q partial "$T/int.out"
kill -INT $pid
wait $pid
check_eq "ctrl-c: exit 130" "$?" 130
check_eq "ctrl-c: the prompt's buckets as Anthropic counted them, the row estimated" \
    "$(t_ledger_sql "select status, input_tokens, cached_input_tokens, cache_write_tokens,
    cache_write_1h_tokens, CAST(estimated AS int) from usage")" "cancelled|40|2000|600|300|1"
out=$(t_ledger_sql "select output_tokens from usage")
check_eq "  priced as billed: reads at \$0.30/M, writes at \$3.75/M and \$6/M" \
    "$(t_ledger_sql "select cost_pico from usage")" \
    "$((40 * 3000000 + 2000 * 300000 + 600 * 3750000 + 300 * 6000000 + out * 15000000))"
check_contains "  the line shows the cache, as estimated" "$(cat "$T/int.err")" \
    "2.0k cached, 900 written, saved ~\$"

# A cache price the model does not list is a guess (reads as input, writes at 1.25x input):
# the cost is marked an estimate, except for Anthropic's writes, billed at that rule.
t_ledger_reset
fake_reset
t_config_append "$(t_model test-nocache openai test-nocache-1 cheap 1 2)"
# est MODEL USAGE: one complete reply on MODEL with USAGE; print the row's "estimated|cost" and
# whether the reply's line marked its cost "~".
est() {
	t_ledger_reset
	fake_reply "{\"text\":\"ok\",\"usage\":$2}"
	run_llm -v -m "$1" "cached?"
	case "$(printf '%s\n' "$ERR" | tail -n 1)" in *" tok · ~\$"*) _m="~" ;; *) _m="exact" ;; esac
	echo "$(t_ledger_sql "select CAST(estimated AS int), cost_pico from usage") $_m"
}
check_eq "guess: reads at a listed price, exact" \
    "$(est test-cheap '{"input":1000,"cached":400,"output":10}')" \
    "0|$((600 * 100000 + 400 * 25000 + 10 * 400000)) exact"
check_eq "guess: reads with no price of their own, charged as input, marked" \
    "$(est test-nocache '{"input":1000,"cached":400,"output":10}')" \
    "1|$((1000 * 1000000 + 10 * 2000000)) ~"
check_eq "guess: OpenRouter's writes with no write price, at 1.25x input, marked" \
    "$(est test-cheap '{"input":1000,"cached":0,"cache_write":400,"output":10}')" \
    "1|$((600 * 100000 + 400 * 125000 + 10 * 400000)) ~"
check_eq "guess: Anthropic's writes at its 1.25x rule, exact" \
    "$(est test-mid '{"input":40,"cached":0,"cache_write":600,"output":10}')" \
    "0|$((40 * 3000000 + 600 * 3750000 + 10 * 15000000)) exact"
