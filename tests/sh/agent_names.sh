# agent_names: llm do reaches a file whose name is not UTF-8 (Latin-1) by the escaped
# name the tools list (caf\xe9.txt), and a name with a backslash both ways; and edits a
# line of a file whose text is not UTF-8, shown to the model with U+FFFD.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# result N: the text of the last tool result request N sent back (openai).
result() {
	fake_get "$1" "body.messages.-1.content"
}

t_sum_repo "$T/repo"
latin1=$(printf 'caf\351.txt')
printf 'un caf\303\251\n' >"$T/repo/$latin1"
printf 'backslash\n' >"$T/repo/a\\b.txt"
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}]}'
fake_reply '{"calls":[{"name":"read","args":{"path":"caf\\xe9.txt"}}]}'
fake_reply '{"calls":[{"name":"read","args":{"path":"a\\\\b.txt"}}]}'
fake_reply '{"calls":[{"name":"read","args":{"path":"a\\b.txt"}}]}'
fake_reply '{"calls":[{"name":"edit","args":{"path":"caf\\xe9.txt","old":"un","new":"deux"}}]}'
fake_reply '{"calls":[{"name":"read","args":{"path":"\\x2e\\x2e/canary"}}]}'
fake_reply '{"text":"Edited caf\\xe9.txt."}'
printf 'CANARY\n' >"$T/canary"
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "allow?" y -- "do" -m test-cheap "edit the Latin-1 file"
cd - >/dev/null || exit 1
check_rc "latin-1: the task ends (exit 0)" 0
check_contains "latin-1: listed by its escaped name" "$(result 1)" 'caf\xe9.txt'
check_contains "latin-1: a backslash listed doubled" "$(result 1)" 'a\\b.txt'
check_contains "latin-1: read by that name" "$(result 2)" "1	un café"
check_contains "backslash: read by the name listed" "$(result 3)" "1	backslash"
check_contains "backslash: read by its bytes, as before" "$(result 4)" "1	backslash"
check_contains "latin-1: the question names it so" "$(cat "$T/pty.out")" 'llm: edit caf\xe9.txt (+1 −1)'
check_contains "latin-1: the edit's diff names it so" "$(result 5)" '+++ b/caf\xe9.txt'
check_eq "latin-1: the file edited" "$(cat "$T/repo/$latin1")" "deux café"
check_contains "latin-1: the step line names it so" "$(cat "$T/pty.out")" 'read caf\xe9.txt (1 line)'
check_contains "escapes cannot climb out" "$(result 6)" "outside the workspace"
check_not_contains "the canary never sent" "$(fake_get 6 body)" "CANARY"
check_eq "nothing else changed" "$(cd "$T/repo" && git status --porcelain | sort)" \
    "$(printf '?? "a\\\\b.txt"\n?? "caf\\351.txt"')"

# llm undo names the file as the tools do, not with a replacement character.
cd "$T/repo" || exit 1
run_llm undo
cd - >/dev/null || exit 1
check_rc "undo: exit 0" 0
check_contains "undo: names the Latin-1 file by its escaped name" "$OUT" 'restored caf\xe9.txt'
check_eq "undo: the file restored" "$(cat "$T/repo/$latin1")" "un café"

# Latin-1 text: the model sees U+FFFD and quotes it back; the file keeps its bytes.
fake_reset
printf 'caf\351 = 1;\nna\357ve = 2;\n' >"$T/repo/menu.txt"
fake_reply '{"calls":[{"name":"read","args":{"path":"menu.txt"}}]}'
fake_reply '{"calls":[{"name":"edit","args":{"path":"menu.txt","old":"caf\ufffd = 1;","new":"caf\ufffd = 10;"}}]}'
fake_reply '{"text":"Done."}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty2.out" "allow?" d "allow?" y -- "do" -m test-cheap "change the price"
cd - >/dev/null || exit 1
check_rc "latin-1 text: the task ends (exit 0)" 0
check_contains "latin-1 text: read with U+FFFD" "$(result 1)" "1	caf� = 1;"
check_contains "latin-1 text: the edit went through" "$(result 2)" "edited menu.txt (+1 −1)"
check_contains "latin-1 text: the diff shown has U+FFFD" "$(cat "$T/pty2.out")" \
    "$(printf -- '-caf\357\277\275 = 1;\n+caf\357\277\275 = 10;')"
check_eq "latin-1 text: its bytes kept" "$(od -An -c "$T/repo/menu.txt" | tr -s ' ')" \
    "$(printf 'caf\351 = 10;\nna\357ve = 2;\n' | od -An -c | tr -s ' ')"
