# Agent mode on a real terminal (tmux): start in it, approve an edit, see the test pass,
# quit; the terminal is given back.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux
t_config_append '[agent]'
t_config_append 'allow_run = sh test.sh'

t_sum_repo "$T/repo"
fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":1100,\"output\":30}}"
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":1200,"output":20}}'
fake_reply '{"text":"Fixed sum.sh; sh test.sh passes.","usage":{"input":1300,"output":15}}'

tm new-session -d -s a -x 100 -y 30 -c "$T/repo" \
    "sh -c 'exec \"$LLM_BIN\" chat --agent -m test-cheap'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/a.stty\"; echo MODES-SAVED; exec sleep 600"
check_pane "start: in agent mode" a "agent: tools on"
tm send-keys -t a -l "make sh test.sh pass"
tm send-keys -t a Enter
check_pane "approval: the edit asks" a "edit? y yes · n no · a always"
check_pane "approval: its diff" a "+echo \$(( \$1 + \$2 ))"
tm send-keys -t a y
check_pane "the test passes" a "┊ PASS"
check_pane "the run's line" a "▸ run sh test.sh · exit 0"
check_pane "the answer" a "llm  Fixed sum.sh; sh test.sh passes."
check_eq "the file is fixed" "$(cd "$T/repo" && sh test.sh)" PASS
tm send-keys -t a C-c
check_pane "C-c: asks again" a "C-c again to quit"
tm send-keys -t a C-c
check_pane "quit: exit 0" a "EXIT=0"
check_restored "restored" a
