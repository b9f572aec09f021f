#!/bin/sh
# ascii_locale: outside a UTF-8 locale (LANG=C) the figures of llm budget, logs, logs --task and keys,
# and llm do's step lines and questions, are ASCII.
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


# llm do on a terminal: what the model says, a read, an edit and a command asked and
# allowed, the step lines and the end, all ASCII under LC_ALL=C; the same in UTF-8 keeps
# its glyphs. The command has two lines: the question shows its newline, the step line cuts it.
for l in C C.UTF-8; do
	t_sum_repo "$T/repo"
	fake_reset
	fake_reply '{"text":"Looking at it.","calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":40}}'
	fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":1000,"output":30}}'
	fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh\necho checked"}}],"usage":{"input":1100,"output":20}}'
	fake_reply '{"text":"Fixed.","usage":{"input":1200,"output":10}}'
	(
		export LC_ALL=$l LANG=$l
		cd "$T/repo" || exit 1
		on_pty_answer "$T/pty.out" "allow?" y "allow?" y -- "do" -m test-cheap "fix sum.sh"
		printf '%s' "$RC" >"$T/do.rc"
	)
	check_eq "$l: llm do on a terminal: exit 0" "$(cat "$T/do.rc")" 0
	check_eq "$l: llm do: the edit made" "$(cd "$T/repo" && sh test.sh)" PASS
	case $l in C) do_c=$(cat "$T/pty.out") ;; *) do_u=$(cat "$T/pty.out") ;; esac
done

non_ascii "LANG=C: llm do's lines and questions" "$do_c"
check_contains "LANG=C: llm do: what the model said" "$do_c" '" Looking at it.'
check_contains "LANG=C: llm do: the read's step line" "$do_c" "1 | cheap | test-cheap | read sum.sh (2 lines) | "
check_contains "LANG=C: llm do: the edit asked" "$do_c" "llm: edit sum.sh (+1 -1)"
check_contains "LANG=C: llm do: the edit's step line" "$do_c" "2 | cheap | test-cheap | edit sum.sh (+1 -1) | "
check_contains "LANG=C: llm do: the command asked, its newline shown" "$do_c" "llm: run: sh test.sh^Jecho checked"
check_contains "LANG=C: llm do: the command's step line" "$do_c" "3 | cheap | test-cheap | run sh test.sh... | exit 0 | "
check_contains "LANG=C: llm do: the answer" "$do_c" "Fixed."

check_contains "UTF-8: llm do: what the model said" "$do_u" '“ Looking at it.'
check_contains "UTF-8: llm do: the read's step line" "$do_u" "1 · cheap · test-cheap · read sum.sh (2 lines) · "
check_contains "UTF-8: llm do: the edit asked" "$do_u" "llm: edit sum.sh (+1 −1)"
check_contains "UTF-8: llm do: the edit's step line" "$do_u" "2 · cheap · test-cheap · edit sum.sh (+1 −1) · "
check_contains "UTF-8: llm do: the command asked, its newline shown" "$do_u" "llm: run: sh test.sh⏎echo checked"
check_contains "UTF-8: llm do: the command's step line" "$do_u" "3 · cheap · test-cheap · run sh test.sh… · exit 0 · "
