# agent_confine_later: a path of [agent] writable that is not there at the task's first command
# but appears before a later one (the user made it) is writable from that command on; one a
# command could have made (through a link it put in the workspace) stays closed.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_need_landlock

t_sum_repo "$T/repo"
mkdir -p "$T/elsewhere/sub"
t_config_append "[agent]
writable = $T/later, $T/repo/link/sub"
# the user's side: once the first command has started, make $T/later (outside the confinement)
(t_wait test -e "$T/repo/started" && mkdir "$T/later") &
MAKER_PID=$!
t_defer "kill $MAKER_PID 2>/dev/null"

# the first command waits for the directory, and puts a link to elsewhere in the workspace
fake_reply "{\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"touch started && i=0; while [ ! -d $T/later ] && [ \$i -lt 500 ]; do sleep 0.01; i=\$((i+1)); done; ln -s $T/elsewhere link; echo x >$T/later/first || echo first refused\"}}]}"
fake_reply "{\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"echo x >$T/later/second && echo second written\"}}]}"
fake_reply "{\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"echo x >$T/repo/link/sub/f && echo link written\"}}]}"
fake_reply '{"text":"Done."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow run "write later"
cd - >/dev/null || exit 1
check_rc "the task ends (exit 0)" 0
check "the directory appeared during the first command" test -d "$T/later"
check_contains "the first command cannot write there: it was not there when it began" \
    "$(fake_get 1 body.messages.-1.content)" "first refused"
check_contains "a later command can" "$(fake_get 2 body.messages.-1.content)" "second written"
check "the file is there" test -f "$T/later/second"
check_not_contains "a path a command's link leads to stays closed" \
    "$(fake_get 3 body.messages.-1.content)" "link written"
check "nothing written through the link" test ! -e "$T/elsewhere/sub/f"
echo "# $T_PASS passed, $T_FAIL failed"
