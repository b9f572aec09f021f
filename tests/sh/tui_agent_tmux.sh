# Agent mode on a real terminal (tmux): start in it, approve an edit, see the test pass,
# quit; the terminal is given back.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
if ! command -v tmux >/dev/null 2>&1; then
	not_ok "tmux: installed (DESIGN.md: tests use tmux)"
	exit 1
fi
LLM_NOW=$(date -u -d '2026-11-16 12:00:00' +%s)
export LLM_NOW
SOCK="$T/tmux.sock"
export INPUTRC=/dev/null
t_config_append '[agent]'
t_config_append 'allow_run = sh test.sh'

tm() {
	tmux -S "$SOCK" -f /dev/null "$@"
}
t_defer 'tmux -S "$SOCK" -f /dev/null kill-server 2>/dev/null'

# wait_pane TEXT: poll the pane (at most 15 s) until TEXT shows.
wait_pane() {
	_i=0
	while ! tm capture-pane -p -t a 2>/dev/null | grep -qF -- "$1"; do
		_i=$((_i + 1))
		if [ "$_i" -gt 750 ]; then
			return 1
		fi
		sleep 0.02
	done
	return 0
}

# check_pane NAME TEXT: wait for TEXT, ok or not ok with the pane.
check_pane() {
	if wait_pane "$2"; then
		ok "$1"
	else
		not_ok "$1" "'$2' not on the screen:
$(tm capture-pane -p -t a 2>&1)"
	fi
}

mkdir -p "$T/repo"
(
	cd "$T/repo" || exit 1
	git init -q .
	printf '#!/bin/sh\necho $(( $1 - $2 ))\n' >sum.sh
	printf '#!/bin/sh\n[ "$(sh sum.sh 2 3)" = 5 ] && echo PASS || { echo FAIL; exit 1; }\n' >test.sh
	git add . && git -c user.email=t@t -c user.name=t commit -qm init
)
fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":1100,\"output\":30}}"
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":1200,"output":20}}'
fake_reply '{"text":"Fixed sum.sh; sh test.sh passes.","usage":{"input":1300,"output":15}}'

tm new-session -d -s a -x 100 -y 30 -c "$T/repo" \
    "sh -c 'exec \"$LLM_BIN\" chat --agent -m test-cheap'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/a.stty\"; echo MODES-SAVED; exec sleep 600"
check_pane "start: in agent mode" "agent: tools on"
tm send-keys -t a -l "make sh test.sh pass"
tm send-keys -t a Enter
check_pane "approval: the edit asks" "edit? y yes · n no · a always"
check_pane "approval: its diff" "+echo \$(( \$1 + \$2 ))"
tm send-keys -t a y
check_pane "the test passes" "┊ PASS"
check_pane "the run's line" "▸ run sh test.sh · exit 0"
check_pane "the answer" "llm  Fixed sum.sh; sh test.sh passes."
check_eq "the file is fixed" "$(cd "$T/repo" && sh test.sh)" PASS
tm send-keys -t a C-c
check_pane "C-c: asks again" "C-c again to quit"
tm send-keys -t a C-c
check_pane "quit: exit 0" "EXIT=0"
if wait_pane MODES-SAVED; then
	_m=$(cat "$T/a.stty")
	case " $_m " in
	*" -icanon "* | *" -echo "*) not_ok "restored: cooked mode and echo" "$_m" ;;
	*" icanon "*" echo "*) ok "restored: cooked mode and echo" ;;
	*) not_ok "restored: cooked mode and echo" "$_m" ;;
	esac
	check_eq "restored: alternate screen left" "$(tm display -p -t a '#{alternate_on}')" 0
else
	not_ok "restored: llm ended" "$(tm capture-pane -p -t a)"
fi
