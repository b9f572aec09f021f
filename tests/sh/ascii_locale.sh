#!/bin/sh
# ascii_locale: outside a UTF-8 locale (LANG=C) the figures of llm budget, logs, logs --task and keys are ASCII.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_budget 5 block

# non_ascii NAME TEXT: ok if TEXT is ASCII alone, else not ok with its first such line.
non_ascii() {
	_bad=$(printf '%s\n' "$2" | LC_ALL=C grep -n '[^ -~	]' | head -1)
	if [ -z "$_bad" ]; then
		ok "$1"
	else
		not_ok "$1" "a byte outside ASCII: $_bad"
	fi
}

# One answer of known usage, and one agent task, to have rows to show.
fake_reply '{"text":"fine","usage":{"input":1200,"output":340}}'
run_llm -q -m test-cheap "x"
check_rc "an answer to show: exit 0" 0
mkdir -p "$T/ws" && git -C "$T/ws" init -q
fake_reply '{"text":"done","usage":{"input":100,"output":5}}'
(cd "$T/ws" && run_llm "do" -q -m test-cheap "look" && printf '%s' "$RC" >"$T/do.rc")
check_eq "a task to show: exit 0" "$(cat "$T/do.rc")" 0

for l in C C.UTF-8; do
	LC_ALL=$l LANG=$l run_llm budget
	case $l in C) budget_c=$OUT ;; *) budget_u=$OUT ;; esac
	LC_ALL=$l LANG=$l run_llm logs -n 1
	case $l in C) logs_c=$OUT ;; *) logs_u=$OUT ;; esac
	LC_ALL=$l LANG=$l run_llm logs --task 1
	case $l in C) task_c=$OUT ;; *) task_u=$OUT ;; esac
	LC_ALL=$l LANG=$l run_llm keys list
	case $l in C) keys_c=$OUT ;; *) keys_u=$OUT ;; esac
	LC_ALL=$l LANG=$l run_llm keys check openai
	case $l in C) check_c=$OUT ;; *) check_u=$OUT ;; esac
done

non_ascii "LANG=C: llm budget's meter" "$budget_c"
check_contains "LANG=C: llm budget's bar in ASCII" "$budget_c" "...."
non_ascii "LANG=C: llm logs" "$logs_c"
check_contains "LANG=C: llm logs' usage line" "$logs_c" "cheap | test-cheap | 1.2k->340 tok | "
non_ascii "LANG=C: llm logs --task" "$task_c"
check_contains "LANG=C: llm logs --task's step line" "$task_c" " | cheap | test-cheap | ok | "
non_ascii "LANG=C: llm keys list" "$keys_c"
check_contains "LANG=C: llm keys list's last four" "$keys_c" "...0001"
non_ascii "LANG=C: llm keys check" "$check_c"
check_contains "LANG=C: llm keys check's last four" "$check_c" "(...0001)"

# A UTF-8 locale keeps the UTF-8 glyphs.
check_contains "UTF-8: llm budget's bar" "$budget_u" "░░░░"
check_contains "UTF-8: llm logs' usage line" "$logs_u" "cheap · test-cheap · 1.2k→340 tok · "
check_contains "UTF-8: llm logs --task's step line" "$task_u" " · cheap · test-cheap · ok · "
check_contains "UTF-8: llm keys list's last four" "$keys_u" "…0001"
check_contains "UTF-8: llm keys check's last four" "$check_u" "(…0001)"

# llm keys list --json gives the last four alone, in either locale.
for l in C C.UTF-8; do
	LC_ALL=$l LANG=$l run_llm keys list --json
	printf '%s\n' "$OUT" >"$T/keys.json"
	check_eq "$l: keys list --json: last4" "$(json_get "$T/keys.json" providers.0.last4)" 0001
done

