#!/bin/sh
# roles: -r NAME sends a role's system prompt and defaults, a conversation keeps them, llm roles lists them.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

mkdir -p "$LLM_CONFIG_DIR/roles"
cat >"$LLM_CONFIG_DIR/roles/pirate.md" <<'R'
---
description: answers like a pirate
tier: mid
temperature: 0.7
max_tokens: 321
---
You are a pirate. Answer in pirate speech.
R

fake_reply '{"text":"Arr"}'
run_llm -q -r pirate "hello"
check_rc "-r: exit 0" 0
check_eq "-r: the role's tier (mid model)" "$(fake_last body.model)" test-mid-1
check_eq "-r: the role's body is the system prompt" "$(fake_last body.system)" \
    "You are a pirate. Answer in pirate speech."
check_eq "-r: the role's temperature" "$(fake_last body.temperature)" 0.7
check_eq "-r: the role's max tokens" "$(fake_last body.max_tokens)" 321
conv=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select max(id) from conversations")
check_eq "the conversation keeps its role" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select role from conversations where id = $conv")" pirate

fake_reply '{"text":"Arr again"}'
run_llm -q -c "and again"
check_rc "-c: exit 0" 0
check_eq "-c: the role's system prompt survives" "$(fake_last body.system)" \
    "You are a pirate. Answer in pirate speech."
check_eq "-c: the role's tier survives" "$(fake_last body.model)" test-mid-1
check_eq "-c: the role's temperature survives" "$(fake_last body.temperature)" 0.7
check_eq "-c: the role's max tokens survive" "$(fake_last body.max_tokens)" 321
check_eq "-c: history sent" "$(fake_last body.messages.1.content)" "Arr"

fake_reply '{"text":"Arr by id"}'
run_llm -q --cid "$conv" "once more"
check_eq "--cid: the role's system prompt survives" "$(fake_last body.system)" \
    "You are a pirate. Answer in pirate speech."
check_eq "--cid: the role's temperature survives" "$(fake_last body.temperature)" 0.7

fake_reply '{"text":"ok"}'
run_llm -q -r pirate -t cheap -s "be brief" --max-tokens 50 "x"
check_eq "-t beats the role's tier" "$(fake_last body.model)" test-cheap-1
check_eq "-s beats the role's prompt" "$(fake_last body.messages.0.content)" "be brief"
check_eq "--max-tokens beats the role's" "$(fake_last body.max_tokens)" 50
check_eq "the temperature still goes (OpenAI)" "$(fake_last body.temperature)" 0.7

fake_reply '{"text":"ok"}'
run_llm -q -r pirate -m test-frontier "x"
check_eq "Gemini: temperature in generationConfig" \
    "$(fake_last body.generationConfig.temperature)" 0.7
fake_reply '{"text":"ok"}'
run_llm -q -r pirate -m test-local "x"
check_eq "Ollama: temperature in options" "$(fake_last body.options.temperature)" 0.7

fake_reply '{"text":"no role"}'
run_llm -q -t cheap "plain"
check "no role: no temperature sent" test -z "$(fake_last body.temperature 2>/dev/null)"

run_llm -q -r no-such-role "x"
check_rc "an unknown role: exit 2" 2
check_contains "an unknown role: says llm roles" "$ERR" "llm roles"
run_llm -q -r ../etc/passwd "x"
check_rc "a role name with a slash: exit 2" 2

# A blank line between the front matter and the prompt, as Markdown is written.
printf -- '---\ntier: mid\n---\n\n  You answer tersely.\n' >"$LLM_CONFIG_DIR/roles/terse.md"
fake_reply '{"text":"ok"}'
run_llm -q -r terse "hello"
check_rc "a role with a blank line before its prompt: exit 0" 0
check_eq "a role with a blank line before its prompt: the prompt, trimmed" \
    "$(fake_last body.system)" "You answer tersely."

printf -- '---\ntier: enormous\n---\nx\n' >"$LLM_CONFIG_DIR/roles/broken.md"
run_llm -q -r broken "x"
check_rc "a broken role: exit 2" 2
check_contains "a broken role: file and line" "$ERR" "broken.md:2: unknown tier 'enormous'"

run_llm roles
check_rc "llm roles: exit 0" 0
for r in pirate review explain commit shell translate; do
	check "llm roles lists $r" grep -q "^$r " "$T/out"
done
check_contains "llm roles: the defaults" "$(grep '^pirate ' "$T/out")" \
    "tier mid, temperature 0.7, max 321 tokens"
check_contains "llm roles: the description" "$(grep '^pirate ' "$T/out")" "answers like a pirate"
check_contains "llm roles: a broken file is named" "$ERR" "broken.md"

# A file whose name no role may have is named, with the rule, never passed over
# in silence; -r with that name says the rule too.
printf -- '---\ntier: cheap\n---\nTu relis un CV.\n' >"$LLM_CONFIG_DIR/roles/résumé.md"
printf -- '---\ntier: cheap\n---\nx\n' >"$LLM_CONFIG_DIR/roles/my notes.md"
printf 'x\n' >"$LLM_CONFIG_DIR/roles/.hidden.md"
run_llm roles
check_rc "llm roles with a misnamed file: exit 0" 0
rule="a role's name (its file name without .md) holds only letters a-z and A-Z, digits, '-', '_' and '.', at most 64 of them; rename it"
check_contains "llm roles: a name with a non-ASCII letter is named, with the rule" "$ERR" \
    "llm: roles: $LLM_CONFIG_DIR/roles/résumé.md: not read: $rule"
check_contains "llm roles: a name with a space is named, on a line of its own" "$ERR" \
    "llm: roles: $LLM_CONFIG_DIR/roles/my notes.md: not read: $rule"
check_contains "llm roles: the broken file still named, on a line of its own" "$ERR" \
    "llm: roles: $LLM_CONFIG_DIR/roles/broken.md:2: unknown tier"
check "llm roles: a hidden file is no role and not named" sh -c '! grep -q hidden "$1"' sh "$T/err"
run_llm -q -r résumé "x"
check_rc "-r with a misnamed role: exit 2" 2
check_contains "-r with a misnamed role: says the rule" "$ERR" \
    "role 'résumé': a role's name (its file name without .md) holds only letters"
rm -f "$LLM_CONFIG_DIR/roles/résumé.md" "$LLM_CONFIG_DIR/roles/my notes.md" "$LLM_CONFIG_DIR/roles/.hidden.md"

printf 'You review nothing.\n' >"$LLM_CONFIG_DIR/roles/review.md"
run_llm roles --paths
check_contains "a user's role shadows the shipped one" "$(grep '^review ' "$T/out")" \
    "$LLM_CONFIG_DIR/roles/review.md"

fake_reply '{"text":"ok"}'
run_llm -q -r shell "list files"
check_eq "a shipped role works without installing" "$(fake_last body.temperature)" 0.0
check_contains "the shipped shell role's prompt" "$(fake_last body.messages.0.content)" \
    "one shell command"

# "make" leaves the program at the top of the tree, beside roles/: it finds the
# shipped roles there, wherever it is run from, and still never in ./roles.
mkdir -p "$T/tree/roles" "$T/elsewhere/roles"
cp "$LLM_BIN" "$T/tree/llm"
cp "$LLM_TOP/roles/translate.md" "$T/tree/roles/"
printf 'You are a stranger.\n' >"$T/elsewhere/roles/stranger.md"
out=$(cd "$T/elsewhere" && "$T/tree/llm" roles 2>&1)
check_contains "a program beside roles/: the shipped roles listed" "$out" "translate "
check_not_contains "a program beside roles/: not ./roles" "$out" "stranger"

# The full-screen client: /role NAME, and /resume keeps a conversation's role.
. "$LLM_TOP/tests/tui_lib.sh"
rm -f "$LLM_CONFIG_DIR/roles/broken.md"
fake_reply '{"text":"Aye"}'
tui_ok "tui /role" r <<S
:type /role pirate
:key Enter
:dump-screen $T/r0
:type ahoy
:key Enter
:wait-idle
:type /role
:key Enter
:dump-screen $T/r1
S
check_screen "tui /role: said" r0 "role pirate: its system prompt and defaults apply"
check_eq "tui /role: the role's prompt sent" "$(fake_last body.system)" \
    "You are a pirate. Answer in pirate speech."
check_eq "tui /role: the role's tier" "$(fake_last body.model)" test-mid-1
check_eq "tui /role: the role's temperature" "$(fake_last body.temperature)" 0.7
check_screen "tui /role: shown" r1 "role pirate (/role off drops it)"
tconv=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select max(id) from conversations")
check_eq "tui: the conversation keeps its role" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select role from conversations where id = $tconv")" pirate

fake_reply '{"text":"Aye again"}'
tui_ok "tui /resume" s <<S
:type /resume $tconv
:key Enter
:type more
:key Enter
:wait-idle
S
check_eq "tui /resume: the role's prompt survives" "$(fake_last body.system)" \
    "You are a pirate. Answer in pirate speech."
check_eq "tui /resume: the role's temperature survives" "$(fake_last body.temperature)" 0.7
check_eq "tui /resume: the role's tier survives" "$(fake_last body.model)" test-mid-1

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
