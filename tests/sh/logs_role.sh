#!/bin/sh
# logs_role.sh: `llm logs` shows every stored field made visible, the message role too: a
# crafted or corrupted database cannot send escapes or bidi controls to the terminal.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

fake_reply '{"text":"an answer"}'
run_llm -q -m test-cheap "a question"
check_rc "a conversation: exit 0" 0
sqlite3 "$LLM_DATA_DIR/llm.db" "UPDATE messages SET role = 'sys' || char(27) || ']52;c;aGk=' || char(7) || char(27) || '[2J' || char(8238) || char(10) || 'x' WHERE role = 'user'"
run_llm logs
check_rc "logs: exit 0" 0
check_not_contains "logs: no raw ESC" "$OUT" "$(printf '\033')"
check_not_contains "logs: no raw BEL" "$OUT" "$(printf '\007')"
check_not_contains "logs: no raw override" "$OUT" "$(printf '\342\200\256')"
check_contains "logs: the role shown made visible, on one line" "$OUT" "  sys␛]52;c;aGk=␇␛[2J<U+202E> x a question"
check_contains "logs: the answer still shown" "$OUT" "llm  an answer"
run_llm logs --json
check_eq "logs --json: the role kept exact" "$(json_get "$T/out" conversations.0.messages.0.role)" "$(printf 'sys\033]52;c;aGk=\007\033[2J\342\200\256\nx')"
