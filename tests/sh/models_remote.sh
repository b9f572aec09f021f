#!/bin/sh
# models_remote: llm models --remote lists what each wire format's server serves, marks the
# catalog's; llm models add writes a [model.*] section the catalog then has.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

run_llm models --remote openai
check_rc "openai: exit 0" 0
check_contains "openai: a catalog model, by its catalog name" "$(grep '^test-cheap-1 ' "$T/out")" "test-cheap"
check_contains "openai: its prices" "$(grep '^test-cheap-1 ' "$T/out")" "0.10 / 0.40 per M"
check_contains "openai: a model not in the catalog" "$(grep '^gpt-new-1 ' "$T/out")" " - "
check_eq "openai: GET .../v1/models" "$(fake_last path)" /v1/models
check_eq "openai: the key as a bearer token" "$(fake_last headers.authorization)" "Bearer sk-test-openai-0001"
check_not_contains "openai: a server's escape sequence is shown, not sent" "$OUT" "$(printf '\033')"
check_contains "openai: made visible" "$OUT" "x␛[31mred"

run_llm models --remote anthropic
check_rc "anthropic: exit 0" 0
check_contains "anthropic: in the catalog" "$(grep '^test-mid-1 ' "$T/out")" "test-mid"
check_contains "anthropic: a new one" "$OUT" "claude-new-1"
check_eq "anthropic: x-api-key" "$(fake_last headers.x-api-key)" sk-ant-test-0002
check_eq "anthropic: the version header" "$(fake_last headers.anthropic-version)" 2023-06-01

run_llm models --remote gemini --json
check_rc "gemini: exit 0" 0
check_eq "gemini: models/ dropped, catalog marked" "$(json_get "$T/out" models.0.id) $(json_get "$T/out" models.0.in_catalog)" "test-frontier-1 true"
check_eq "gemini: catalog price" "$(json_get "$T/out" models.0.input_price)" 5.0
check_eq "gemini: a new one, not in the catalog" "$(json_get "$T/out" models.1.id) $(json_get "$T/out" models.1.in_catalog)" "gemini-new-1 false"
check_not_contains "gemini: embedding models left out" "$OUT" "embedding-1"
check_eq "gemini: the key in a header" "$(fake_last headers.x-goog-api-key)" gm-test-0003
check_not_contains "gemini: never in the URL" "$(fake_last query)" "gm-test"

# Options in any order and either form, as on every other line.
for line in "--json --remote gemini" "--remote=gemini --json"; do
	# shellcheck disable=SC2086 # the words of a command line
	run_llm models $line
	check_rc "models $line: exit 0" 0
	check_eq "models $line: the same list" "$(json_get "$T/out" models.1.id)" gemini-new-1
done
run_llm models --remote
check_contains "--remote without a provider: says so" "$ERR" \
    "llm: models: option --remote needs an argument"

run_llm models --remote ollama
check_rc "ollama: exit 0" 0
check_contains "ollama: llama3.2 is test-local" "$(grep '^llama3.2 ' "$T/out")" "test-local"
check_contains "ollama: qwen3:8b listed" "$OUT" "qwen3:8b"
check_eq "ollama: GET /api/tags" "$(fake_last path)" /api/tags

unset OPENAI_API_KEY
run_llm models --remote openai
check_rc "no key: exit 4" 4
run_llm models --remote nowhere
check_rc "an unknown provider: exit 2" 2
run_llm models --remote
check_rc "no provider: exit 2" 2
check_contains "no provider: says what is missing and where they are" "$ERR" \
    "option --remote needs an argument: the provider to ask (llm config show lists them)"
check_contains "no provider: the usage" "$ERR" "usage: llm models --remote PROVIDER [--json]"

# --- add ----------------------------------------------------------------------
run_llm models add openai gpt-new-1 --tier mid --price 0.15/0.60
check_rc "add: exit 0" 0
check_contains "add: the section written" "$(cat "$LLM_CONFIG_DIR/config.ini")" "[model.gpt-new-1]
provider = openai
id = gpt-new-1
tier = mid
input_price = 0.15
output_price = 0.60"
run_llm models --json
check_contains "add: the catalog has it" "$OUT" '"gpt-new-1"'
run_llm config check
check_rc "add: the config still checks" 0
run_llm models add openai gpt-new-1 --tier mid --price 0.15/0.60
check_rc "add: again: exit 2" 2
check_contains "add: again: says how to add it all the same" "$ERR" \
    "llm: models add: 'gpt-new-1' is in the catalog already; add it under another name with --name NAME"
run_llm models add openai
check_rc "add: no ID: exit 2" 2
check_contains "add: no ID: says what is missing" "$ERR" \
    "llm: models add: the model's ID at the provider is needed after PROVIDER"
run_llm models add
check_rc "add: nothing: exit 2" 2
check_contains "add: nothing: says what is missing" "$ERR" "llm: models add: PROVIDER and ID are needed"
run_llm models add nowhere some-1 --tier mid --price 1/2
check_rc "add: an unknown provider: exit 2" 2
check_contains "add: an unknown provider: says where they are listed" "$ERR" \
    "llm: models add: no provider 'nowhere' (llm config show lists them)"
run_llm models add openai other --tier mid --price cheap
check_rc "add: a bad price: exit 2" 2
check_contains "add: a bad price: says what --price takes" "$ERR" \
    "llm: models add: --price takes IN/OUT, dollars per million tokens such as 0.15/0.60, not 'cheap'"
run_llm models add openai other --tier huge --price 1/2
check_rc "add: a bad tier: exit 2" 2
check_contains "add: a bad tier: says what --tier takes" "$ERR" \
    "llm: models add: --tier takes cheap, mid or frontier, not 'huge'"
run_llm models add openai 'x]y' --tier mid --price 1/2
check_rc "add: a name that breaks the file: exit 2" 2
check_contains "add: a name that breaks the file: says what a name takes" "$ERR" \
    "llm: models add: the ID 'x]y' cannot go in config.ini: it takes 1 to 100 characters"
# The ID is written whatever --name says: a bad one is named, not the name given.
run_llm models add openai 'a;b' --name fine-name --tier mid --price 1/2
check_rc "add: a bad ID under a good --name: exit 2" 2
check_contains "add: a bad ID under a good --name: names the ID" "$ERR" \
    "llm: models add: the ID 'a;b' cannot go in config.ini:"
check_not_contains "add: a bad ID under a good --name: no --name advice" "$ERR" "--name"
run_llm models add openai good-id --name 'bad name' --tier mid --price 1/2
check_rc "add: a bad --name: exit 2" 2
check_contains "add: a bad --name: names it" "$ERR" \
    "llm: models add: the name 'bad name' cannot go in config.ini:"
check_not_contains "add: a bad --name: no --name advice" "$ERR" "--name"
run_llm models add openai "$(printf 'evil\nbudget = 0')" --tier mid --price 1/2
check_contains "add: a newline in the ID: shown as \\x0a" "$ERR" "'evil\\x0abudget = 0'"
run_llm models add ollama qwen3:8b --name qwen3-8b --tier cheap --price 0/0
check_rc "add: --name" 0
check_contains "add: --name section" "$(cat "$LLM_CONFIG_DIR/config.ini")" "[model.qwen3-8b]"

# A symlinked config (dotfiles) is edited through the link, and the link stays.
mkdir -p "$T/dotfiles"
mv "$LLM_CONFIG_DIR/config.ini" "$T/dotfiles/llm.ini"
ln -s "$T/dotfiles/llm.ini" "$LLM_CONFIG_DIR/config.ini"
run_llm models add openai linked-1 --tier cheap --price 1/2
check_rc "add through a symlink: exit 0" 0
check "add through a symlink: the symlink is kept" test -L "$LLM_CONFIG_DIR/config.ini"
check_contains "add through a symlink: its target has the section" \
    "$(cat "$T/dotfiles/llm.ini")" "[model.linked-1]"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
