#!/bin/sh
# models.sh: `llm models` lists the catalog with prices and key sources; `llm models import` takes LiteLLM's price list from a file or a URL and keeps it.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# mj FILE EXPR: evaluate a Python expression over the model list in FILE as m (a dict by name).
mj() {
	t_py -c 'import json, sys; from decimal import Decimal as D
m = {x["name"]: x for x in json.load(open(sys.argv[1]), parse_float=D)}
print(eval(sys.argv[2]))' "$1" "$2"
}

run_llm_in "" models
check_rc "list: exit 0" 0
check_contains "list: header" "$OUT" "NAME"
line=$(printf '%s\n' "$OUT" | grep '^deepseek-v4-flash ')
check_contains "list: deepseek-v4-flash input price" "$line" "0.14"
check_contains "list: deepseek-v4-flash cache read price" "$line" "0.0028"
check_contains "list: deepseek-v4-flash context" "$line" "1.0M"
check_contains "list: no DeepSeek key" "$line" " no"
line=$(printf '%s\n' "$OUT" | grep '^test-cheap ')
check_contains "list: a config model with its key from the environment" "$line" "env"
check_contains "list: config prices" "$line" "0.40"
line=$(printf '%s\n' "$OUT" | grep '^test-local ')
check_contains "list: a local model needs no key" "$line" "none needed"

run_llm_in "" models --tier frontier
check_rc "tier: exit 0" 0
check "tier: only frontier rows" sh -c "printf '%s\n' \"\$1\" | sed 1d | grep -v ' frontier ' | grep -q . && exit 1 || exit 0" - "$OUT"
check_contains "tier: test-frontier listed" "$OUT" "test-frontier"
tier_out=$OUT
run_llm_in "" models --tier=frontier
check_rc "--tier=frontier: exit 0" 0
check_eq "--tier=frontier: as --tier frontier" "$OUT" "$tier_out"

run_llm_in "" models --json
check_rc "json: exit 0" 0
cp "$T/out" "$T/models.json"
check_eq "json: exact input price" "$(mj "$T/models.json" 'm["deepseek-v4-flash"]["input_usd_per_m"]')" 0.14
check_eq "json: exact cache read price" "$(mj "$T/models.json" 'm["deepseek-v4-pro"]["cached_input_usd_per_m"]')" 0.003625
check_eq "json: tier" "$(mj "$T/models.json" 'm["claude-opus-4-7"]["tier"]')" frontier
check_eq "json: key false" "$(mj "$T/models.json" 'm["deepseek-v4-flash"]["key"]')" False
check_eq "json: key true" "$(mj "$T/models.json" 'm["test-mid"]["key"]')" True
check_eq "json: unknown price is null" "$(mj "$T/models.json" 'm["mistral-small"]["cached_input_usd_per_m"]')" None
check_eq "json: the prices past a long-context threshold" \
    "$(mj "$T/models.json" '" ".join(str(v) for v in m["gpt-5.4"]["long_context"].values())')" \
    "272000 5.00 22.50 0.50 None"
check_eq "json: null for one price at every size" "$(mj "$T/models.json" 'm["claude-sonnet-4-6"]["long_context"]')" None

run_llm_in "" models --tier premium
check_rc "bad tier: exit 2" 2

# A small list: one new model, one refresh of a built-in, one unpriced, two skipped.
cat >"$T/prices.json" <<'JSON'
{
  "sample_spec": {"litellm_provider": "openai", "mode": "chat"},
  "groq/llama-x-70b": {"litellm_provider": "groq", "mode": "chat",
    "input_cost_per_token": 5.9e-07, "output_cost_per_token": 7.9e-07, "max_input_tokens": 131072},
  "deepseek/deepseek-v4-flash": {"litellm_provider": "deepseek", "mode": "chat",
    "input_cost_per_token": 1.5e-07, "output_cost_per_token": 2.8e-07, "cache_read_input_token_cost": 2.8e-09},
  "openrouter/tiered-only": {"litellm_provider": "openrouter", "mode": "chat"},
  "text-embedding-x": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-08},
  "xai/grok-x": {"litellm_provider": "xai", "mode": "chat", "input_cost_per_token": 2e-06}
}
JSON
run_llm_in "" models import "$T/prices.json"
check_rc "import file: exit 0" 0
check_contains "import file: counts" "$OUT" "imported 3 models (2 entries skipped"
check "import file: kept in the data dir" test -s "$LLM_DATA_DIR/models.json"
run_llm_in "" models --json
cp "$T/out" "$T/after.json"
check_eq "import: new model's price" "$(mj "$T/after.json" 'm["groq/llama-x-70b"]["input_usd_per_m"]')" 0.59
# blended (3 * 0.59 + 0.79) / 4 = 0.64: mid
check_eq "import: tier from the blended price" "$(mj "$T/after.json" 'm["groq/llama-x-70b"]["tier"]')" mid
check_eq "import: a built-in refreshed" "$(mj "$T/after.json" 'm["deepseek-v4-flash"]["input_usd_per_m"]')" 0.15
check_eq "import: a built-in keeps its tier" "$(mj "$T/after.json" 'm["deepseek-v4-flash"]["tier"]')" cheap
check_eq "import: unpriced stays unknown" "$(mj "$T/after.json" 'm["openrouter/tiered-only"]["input_usd_per_m"]')" None
check_eq "import: other modes skipped" "$(mj "$T/after.json" '"openai/text-embedding-x" in m')" False
check_eq "import: unknown providers skipped" "$(mj "$T/after.json" '"xai/grok-x" in m')" False
# An unknown price is never free: routing to it estimates "unknown".
run_llm route --json -m openrouter/tiered-only "hi"
check_eq "import: pinned to the unpriced model" "$(json_get "$T/out" model)" "openrouter/tiered-only"
check_eq "import: unknown price estimates as unknown" "$(json_get "$T/out" estimate_usd)" null
run_llm route -m openrouter/tiered-only "hi"
check_contains "import: unknown price shown as such" "$OUT" "~\$? on openrouter/tiered-only"

# The reference price list imports whole.
ref="$LLM_TOP/../shared/reference/pricing/model_prices_and_context_window.json"
if [ -f "$ref" ]; then
	run_llm_in "" models import "$ref"
	check_rc "import reference: exit 0" 0
	n=$(printf '%s\n' "$OUT" | sed -n 's/^imported \([0-9]*\) models.*/\1/p')
	check "import reference: hundreds of chat models ($n)" test "${n:-0}" -gt 300
	run_llm_in "" models --json
	cp "$T/out" "$T/ref.json"
	check_eq "import reference: Claude Sonnet 4.6 unchanged" \
	    "$(mj "$T/ref.json" 'm["claude-sonnet-4-6"]["cache_write_usd_per_m"]')" 3.75
	check_eq "import reference: gemini-2.5-flash-lite still cheap" \
	    "$(mj "$T/ref.json" 'm["gemini-2.5-flash-lite"]["tier"]')" cheap
	check_eq "import reference: the earlier import kept" \
	    "$(mj "$T/ref.json" 'm["groq/llama-x-70b"]["input_usd_per_m"]')" 0.59
else
	ok "import reference: skipped, $ref not present"
fi

# "-" is the list piped in (curl -s URL | llm models import -), as a prompt's "-".
printf '{"groq/piped-x": {"litellm_provider": "groq", "mode": "chat", "input_cost_per_token": 2e-07, "output_cost_per_token": 4e-07}}' >"$T/piped.json"
run_llm models import - <"$T/piped.json"
check_rc "import -: exit 0" 0
check_contains "import -: counts" "$OUT" "imported 1 model ("
run_llm_in "" models --json
check_eq "import -: the piped model's price" "$(mj "$T/out" 'm["groq/piped-x"]["input_usd_per_m"]')" 0.20
run_llm models import - </dev/null
check_rc "import - with nothing piped: exit 2" 2
check_contains "import - with nothing piped: said" "$ERR" "-: not a JSON object"

# From a URL, over loopback.
mkdir -p "$T/www"
cp "$T/prices.json" "$T/www/prices.json"
"$T_PY" -I -S -c '
import http.server, functools, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()' "$T/www" "$T/www.port" 2>/dev/null &
WWW_PID=$!
if t_wait test -s "$T/www.port"; then
	url="http://127.0.0.1:$(cat "$T/www.port")"
	rm -f "$LLM_DATA_DIR/models.json"
	run_llm_in "" models import "$url/prices.json"
	check_rc "import URL: exit 0" 0
	check_contains "import URL: counts" "$OUT" "imported 3 models"
	check "import URL: kept" grep -q llama-x-70b "$LLM_DATA_DIR/models.json"
	run_llm_in "" models import "$url/missing.json"
	check_rc "import URL: 404 is exit 1" 1
	check_contains "import URL: 404 named" "$ERR" "404"
else
	not_ok "import URL: the loopback server started"
fi
kill "$WWW_PID" 2>/dev/null
wait "$WWW_PID" 2>/dev/null

run_llm_in "" models import "$T/nope.json"
check_rc "import missing file: exit 2" 2
printf '[1, 2' >"$T/bad.json"
run_llm_in "" models import "$T/bad.json"
check_rc "import bad JSON: exit 2" 2
check_contains "import bad JSON: names the file" "$ERR" "bad.json"
run_llm_in "" models import
check_rc "import without FILE: exit 2" 2

# A broken models.json is an error that names it, not a silent empty catalog.
printf '{' >"$LLM_DATA_DIR/models.json"
run_llm_in "" models
check_rc "broken models.json: exit 2" 2
check_contains "broken models.json: named" "$ERR" "models.json"

# Model ids print as themselves: one with an escape (a clipboard write, a screen clear),
# white space or bytes that are not UTF-8 is refused at import, and said so.
rm -f "$LLM_DATA_DIR/models.json"
t_py - "$T/hostile.json" <<'PY'
import json, sys
entry = lambda: {"litellm_provider": "openai", "mode": "chat",
                 "input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07}
d = {
    "openai/good-x": entry(),
    "openai/evil\x1b]52;c;aGVsbG8=\x07": entry(),
    "openai/clear\x1b[2J": entry(),
    "openai/two words": entry(),
    "openai/rtl\u202etxt.exe": entry(),
}
raw = json.dumps(d, ensure_ascii=False).encode("utf-8")
# and a key that is not UTF-8, which json.dumps cannot write
raw = raw[:-1] + b', "openai/bad\xff": ' + json.dumps(entry()).encode() + b"}"
open(sys.argv[1], "wb").write(raw)
PY
run_llm_in "" models import "$T/hostile.json"
check_rc "hostile ids: import exits 0 for the good entry" 0
check_contains "hostile ids: the good one imported" "$OUT" "imported 1 model ("
check_contains "hostile ids: refusal said" "$ERR" "refused 5 entries whose model id has white space, controls or bytes that are not UTF-8"
check_contains "hostile ids: the first shown made visible" "$ERR" "(the first: 'evil␛]52;c;aGVsbG8=␇')"
check "hostile ids: no raw ESC on stderr" sh -c "! grep -q \"\$(printf '\\033')\" \"\$1\"" - "$T/err"
check "hostile ids: none kept in models.json" sh -c "! grep -q -e evil -e clear -e 'two words' -e rtl \"\$1\"" - "$LLM_DATA_DIR/models.json"
run_llm_in "" models
check_contains "hostile ids: good one listed" "$OUT" "openai/good-x"
check_not_contains "hostile ids: listing holds no ESC" "$OUT" "$(printf '\033')"
check_not_contains "hostile ids: listing holds no override" "$OUT" "$(printf '\342\200\256')"

# A models.json an older llm wrote with such an id: dropped when loaded, never printed raw.
printf '{"openai/old\\u001b]52;c;aGk=\\u0007": {"litellm_provider": "openai", "mode": "chat"}, "openai/fine-y": {"litellm_provider": "openai", "mode": "chat"}}\n' >"$LLM_DATA_DIR/models.json"
run_llm_in "" models
check_rc "old models.json: exit 0" 0
check_contains "old models.json: the fine one listed" "$OUT" "openai/fine-y"
check_not_contains "old models.json: no ESC printed" "$OUT$ERR" "$(printf '\033')"

# The same rule for [model.*] names and ids in the config: file:line, exit 2.
cp "$LLM_CONFIG_DIR/config.ini" "$T/config.keep"
printf '\n[model.bad\033[2Jname]\nprovider = openai\nid = ok-id\n\n[model.fine]\nprovider = openai\nid = has space\n' >>"$LLM_CONFIG_DIR/config.ini"
run_llm_in "" config check
check_rc "config ids: config check exits 2" 2
check_contains "config ids: name refused with its line" "$ERR" "[model.bad␛[2Jname]: the model name must be one word of printable UTF-8"
check_contains "config ids: id refused" "$ERR" "[model.fine]: id 'has space' must be one word of printable UTF-8"
check_contains "config ids: file and line" "$ERR" "config.ini:"
check_not_contains "config ids: no raw ESC in the error" "$ERR" "$(printf '\033')"
run_llm_in "" models
check_rc "config ids: every command refuses" 2
cp "$T/config.keep" "$LLM_CONFIG_DIR/config.ini"

# models.json is private (0600 whatever the umask), written through a fresh temporary file.
rm -f "$LLM_DATA_DIR/models.json" "$LLM_DATA_DIR"/models.json.*
: >"$T/victim"
ln -s "$T/victim" "$LLM_DATA_DIR/models.json.tmp"
(umask 000 && "$LLM_BIN" models import "$T/prices.json" >"$T/out" 2>"$T/err")
check_eq "models.json: import exits 0" "$?" 0
check_eq "models.json: mode 0600 under umask 000" "$(stat -c %a "$LLM_DATA_DIR/models.json")" 600
check_eq "models.json: a symlink in the way is not followed" "$(wc -c <"$T/victim" | tr -d ' ')" 0
check "models.json: written whole" grep -q llama-x-70b "$LLM_DATA_DIR/models.json"
check_eq "models.json: no temporary file left" "$(find "$LLM_DATA_DIR" -maxdepth 1 -name 'models.json.??????' | wc -l)" 0
rm -f "$LLM_DATA_DIR/models.json.tmp"

# A context window or reply cap the catalog does not know is "?" in the table and null in
# the JSON, never 0 (a window of no tokens); a known one is the number.
t_config_append "$(t_model test-nowindow openai test-nowindow-1 cheap 1 1)"
run_llm_in "" models --json
cp "$T/out" "$T/window.json"
check_eq "json: an unknown context window is null" \
	"$(mj "$T/window.json" '(m["test-nowindow"]["context"], m["test-nowindow"]["max_output"])')" \
	"(None, None)"
check_eq "json: a known context window is the number" "$(mj "$T/window.json" 'm["test-mid"]["context"]')" 200000
run_llm_in "" models -t cheap
check_eq "table: an unknown context window is ?" \
	"$(echo "$OUT" | awk '$1 == "test-nowindow" { print $7 }')" "?"
