# The client on a real terminal (tmux) with the key in a key_command that asks
# for a passphrase: the terminal is given back for the prompt, in its own mode,
# and taken again; Ctrl-C there stops the command, even one that ignores it,
# and a TERM quits once the command is stopped.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux
unset OPENAI_API_KEY

# key_command SETUP: openai's key from a command that runs SETUP, says so in
# $T/asked (its pid), prompts on stderr and reads a passphrase on the terminal.
key_command() {
	t_write_config
	sed -i "/^\[provider.openai\]/a key_command = $1 echo \$\$ >'$T/asked'; printf 'passphrase: ' >\&2; read -r p </dev/tty; echo sk-\$p" \
	    "$LLM_CONFIG_DIR/config.ini"
	rm -f "$T/asked"
}

# start SESSION [DIR ARGS...]: run llm chat ARGS (in DIR) in a 100x30 pane; after it
# exits the pane shows EXIT=code and the terminal modes, and stays open.
start() {
	_s=$1 _d=${2:-$T}
	shift
	[ $# -gt 0 ] && shift
	tm new-session -d -s "$_s" -x 100 -y 30 -c "$_d" \
	    "sh -c 'echo \$\$ >\"$T/$_s.pid\"; exec \"$LLM_BIN\" chat $*'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/$_s.stty\"; echo MODES-SAVED; exec sleep 600"
}

# agent_asks SESSION NAME: in agent mode in $T/repo, ask about sum.sh until the
# key_command's prompt shows.
agent_asks() {
	start "$1" "$T/repo" --agent -m test-cheap
	check_pane "$2: in agent mode" "$1" "agent: tools on"
	tm send-keys -t "$1" -l "what does sum.sh do"
	tm send-keys -t "$1" Enter
	check_pane "$2: the prompt before the task" "$1" "passphrase:"
}

# -- the passphrase asked on the terminal, the key kept for the next message
key_command ""
fake_reply '{"text":"First answer.","usage":{"input":10,"output":3}}'
fake_reply '{"text":"Second answer.","usage":{"input":10,"output":3}}'
start a
check_pane "prompt: screen drawn" a "route auto  type a message to see where it goes"
tm send-keys -t a -l "hello"
tm send-keys -t a Enter
check_pane "prompt: says what runs, and how to stop it" a \
    "llm: running the key_command of provider openai (Ctrl-C stops it)"
check_pane "prompt: the command's own prompt shows" a "passphrase:"
check_eq "prompt: out of the alternate screen" "$(tm display -p -t a '#{alternate_on}')" 0
check_eq "prompt: nothing sent yet" "$(fake_count)" 0
# Enter is a newline again: in the client's raw mode the command would wait for one forever
tm send-keys -t a -l "opensesame"
tm send-keys -t a Enter
check_pane "prompt: the client back, the reply in" a "llm  First answer."
check_eq "prompt: the alternate screen again" "$(tm display -p -t a '#{alternate_on}')" 1
check_eq "prompt: the key the command printed" "$(fake_last headers.authorization)" "Bearer sk-opensesame"
check_not_pane() {
	if tm capture-pane -p -J -t "$2" | grep -qF -- "$3"; then
		not_ok "$1" "$(tm capture-pane -p -J -t "$2")"
	else
		ok "$1"
	fi
}
check_not_pane "prompt: its line gone with the redraw" a "passphrase:"
rm -f "$T/asked"
tm send-keys -t a -l "again"
tm send-keys -t a Enter
check_pane "kept: the next message answered" a "llm  Second answer."
check "kept: without running the command again" test ! -e "$T/asked"
check_eq "kept: with the same key" "$(fake_last headers.authorization)" "Bearer sk-opensesame"
tm send-keys -t a F10
check_pane "kept: F10 quits" a "EXIT=0"
check_restored "kept" a

# -- Ctrl-C at the prompt of a command that ignores it: stopped, said, nothing sent
fake_reset
key_command "trap '' INT;"
start b
check_pane "ctrl-c: screen drawn" b "route auto  type a message to see where it goes"
tm send-keys -t b -l "hello"
tm send-keys -t b Enter
check_pane "ctrl-c: the prompt" b "passphrase:"
tm send-keys -t b C-c
check_pane "ctrl-c: the client back, saying so" b \
    "interrupted before the request was sent: provider openai's key_command was stopped"
check_eq "ctrl-c: the alternate screen again" "$(tm display -p -t b '#{alternate_on}')" 1
check_eq "ctrl-c: nothing sent" "$(fake_count)" 0
check "ctrl-c: the command is gone" sh -c "! kill -0 \$(cat '$T/asked') 2>/dev/null"
check_not_pane "ctrl-c: no talk of a missing key" b "no API key"
check "ctrl-c: the client still runs" kill -0 "$(cat "$T/b.pid")"

# -- a TERM while the command runs: the command stopped, then the client quits as asked
rm -f "$T/asked"
tm send-keys -t b -l "once more"
tm send-keys -t b Enter
check_pane "term: the prompt" b "passphrase:"
kill -TERM "$(cat "$T/b.pid")"
check_pane "term: the client quits of the TERM" b "EXIT=143"
check "term: the command is gone" sh -c "! kill -0 \$(cat '$T/asked') 2>/dev/null"
check_restored "term" b

# -- agent mode: the task's key is got before the task starts, with the terminal (the
# task itself has none), and kept for its steps; Ctrl-C there starts no task
fake_reset
key_command ""
t_sum_repo "$T/repo"
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":100,"output":5}}'
fake_reply '{"text":"It adds.","usage":{"input":120,"output":3}}'
agent_asks c agent
tm send-keys -t c -l "agentpass"
tm send-keys -t c Enter
check_pane "agent: the task answers" c "llm  It adds."
check_eq "agent: two steps" "$(fake_count)" 2
check_eq "agent: every step with the key the command printed" \
    "$(fake_get 0 headers.authorization);$(fake_get 1 headers.authorization)" \
    "Bearer sk-agentpass;Bearer sk-agentpass"
tm kill-session -t c
fake_reset
key_command "trap '' INT;"
agent_asks d "agent ctrl-c"
tm send-keys -t d C-c
check_pane "agent ctrl-c: said" d "agent: interrupted before the task started: a key_command was stopped"
check_eq "agent ctrl-c: nothing sent" "$(fake_count)" 0
check "agent ctrl-c: the command is gone" sh -c "! kill -0 \$(cat '$T/asked') 2>/dev/null"
check_not_pane "agent ctrl-c: no task started" d "task 1"
