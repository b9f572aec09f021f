# Agent mode in the full-screen client: a write into the hooks directory git runs from
# (core.hooksPath's, in the work tree) waits for the user's answer though [agent] allow has
# write, the question saying why; y writes it. A project file under the same rule is written
# without a question.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test
git -C "$T/repo" config core.hooksPath .githooks
t_config_append '
[agent]
allow = write'
fake_reset
fake_reply '{"calls":[{"name":"write","args":{"path":"notes.txt","content":"v1\n"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"calls":[{"name":"write","args":{"path":".githooks/pre-commit","content":"make test\n"}}],"usage":{"input":950,"output":30}}'
fake_reply '{"text":"Added.","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "hook" h 120x30 -m test-cheap --agent <<S
:type add a pre-commit hook
:key Enter
:wait-text write? y yes
:dump-screen $T/h0
:key y
:wait-idle
:dump-screen $T/h1
S
check_screen_each h0 <<'EOF'
hook: the project file written without a question|▸ write notes.txt
hook: the hook waits for an answer|+++ b/.githooks/pre-commit
hook: why it is asked|not allowed without asking: git runs this file outside the sandbox, on commit
EOF
check_screen "hook: y writes it" h1 "▸ write .githooks/pre-commit"
check_eq "hook: the project file" "$(cat "$T/repo/notes.txt")" "v1"
check_eq "hook: the hook, as approved" "$(cat "$T/repo/.githooks/pre-commit")" "make test"
t_write_config
