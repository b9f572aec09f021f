# The client on a real terminal (tmux): start, type, stream, keys, paste, quit; the
# terminal is given back on a normal exit and after SIGTERM or a crash signal.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux

# wait_frame SESSION W: poll (at most 15 s) until the top border is W columns wide; print its width.
wait_frame() {
	_i=0
	while :; do
		_w=$(tm capture-pane -p -t "$1" | sed -n 1p | grep '┐$' | wc -L)
		if [ "$_w" = "$2" ] || [ "$_i" -gt 750 ]; then
			echo "$_w"
			return
		fi
		_i=$((_i + 1))
		sleep 0.02
	done
}

# start SESSION: run llm chat in a 100x30 pane; after it exits the pane shows
# EXIT=code and the terminal modes, and stays open.
start() {
	for _try in 1 2 3; do
		tm new-session -d -s "$1" -x 100 -y 30 \
		    "sh -c 'echo \$\$ >\"$T/$1.pid\"; exec \"$LLM_BIN\" chat'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/$1.stty\"; echo MODES-SAVED; exec sleep 600" &&
		    return 0
	done
	return 1
}

# -- start, type, stream, a function key, a bracketed paste, then C-c C-c
fake_reply '{"text":"Hi from **tmux**, streamed.","usage":{"input":10,"output":6}}'
fake_reply '{"text":"pasted fine","usage":{"input":10,"output":2}}'
start a
check_pane "start: screen drawn" a "route auto  type a message to see where it goes"
check_eq "start: alternate screen" "$(tm display -p -t a '#{alternate_on}')" 1
tm send-keys -t a F2
check_pane "F2: tier key decoded" a "tier: cheap  F2"
tm send-keys -t a -l "hello there"
check_pane "typing: echoed" a "> hello there"
check_pane "typing: route line" a "route tier → cheap  test-cheap"
tm send-keys -t a Enter
check_pane "send: reply streamed" a "llm  Hi from tmux, streamed."
check_pane "send: cost line" a "cheap · test-cheap · 10→6 tok"
check_eq "send: cheap model asked" "$(fake_last body.model)" test-cheap-1
tm send-keys -t a Up
check_pane "Up: history recalls the line" a "> hello there"
tm send-keys -t a C-a C-k
tm set-buffer -b p "$(printf 'line one\nline two')"
tm paste-buffer -p -b p -t a
check_pane "paste: both lines in the input" a "│   line two"
tm send-keys -t a Enter
check_pane "paste: sent" a "llm  pasted fine"
check_eq "paste: newline kept" "$(fake_last body.messages.-1.content)" "line one
line two"
# a question typed over the help closes it, every key kept; so does a paste
tm send-keys -t a F1
check_pane "F1: the help says typing goes to the input" a "Esc closes · typing goes to the input"
tm send-keys -t a -l "quick question"
check_pane "F1, typing: every key in the input" a "> quick question"
check_not_contains "F1, typing: the help closed" "$(tm capture-pane -p -t a)" "├ help"
tm send-keys -t a C-a C-k F1
check_pane "F1 again: the help open" a "├ help"
tm paste-buffer -p -b p -t a
check_pane "F1, paste: in the input" a "> line one"
check_not_contains "F1, paste: the help closed" "$(tm capture-pane -p -t a)" "├ help"
tm send-keys -t a C-a C-k C-e C-u
tm resize-window -t a -x 60 -y 20
check_eq "resize: frame redrawn 60 wide" "$(wait_frame a 60)" 60
check_contains "resize: bottom border on row 20" "$(tm capture-pane -p -t a | sed -n 20p)" "└ F1 help"
check_contains "resize: reflowed" "$(tm capture-pane -p -t a)" "│ llm  pasted fine"
tm resize-window -t a -x 100 -y 30
check_eq "resize: back to 100 wide" "$(wait_frame a 100)" 100
# below 20x10 only a message shows, until the window grows; what is typed meanwhile is kept
tm resize-window -t a -x 60 -y 8
check_pane "small: the message" a "too small: 60x8"
tm send-keys -t a -l "typed small"
check_pane "small: the size needed" a "llm needs 20x10"
check_not_contains "small: typing not drawn over it" "$(tm capture-pane -p -t a)" "typed small"
tm resize-window -t a -x 100 -y 30
check_pane "small: grown back, the input kept" a "> typed small"
check_eq "small: frame 100 wide again" "$(wait_frame a 100)" 100
tm send-keys -t a C-a C-k
tm send-keys -t a C-c
check_pane "C-c: asks again" a "C-c again to quit"
tm send-keys -t a C-c
check_pane "C-c twice: exit 0" a "EXIT=0"
check_restored "quit" a

# -- SIGTERM: the handler gives the terminal back, then dies of the signal
start b
check_pane "term: screen drawn" b "route auto"
kill -TERM "$(cat "$T/b.pid")"
check_pane "term: died of SIGTERM" b "EXIT=143"
check_not_contains "term: nothing was stopped, nothing said" "$(tm capture-pane -p -J -t b)" "llm: chat:"
check_restored "term" b

# -- a crash signal restores the terminal too
start c
check_pane "segv: screen drawn" c "route auto"
kill -SEGV "$(cat "$T/c.pid")"
check_pane "segv: died of SIGSEGV" c "EXIT=139"
check_restored "segv" c

# -- plain "llm" on a terminal is the client too; C-z suspends to the shell, fg comes back
tm new-session -d -s d -x 100 -y 30 "env PS1='$ ' HISTFILE= bash --norc --noprofile -i"
check_pane "shell: ready" d '$'
tm send-keys -t d "\"$LLM_BIN\"" Enter
check_pane "llm alone: the client" d "route auto  type a message to see where it goes"
tm send-keys -t d C-z
check_pane "C-z: stopped in the shell" d "Stopped"
check_eq "C-z: terminal given back" "$(tm display -p -t d '#{alternate_on}')" 0
tm send-keys -t d "fg" Enter
check_pane "fg: screen drawn again" d "route auto  type a message to see where it goes"
check_eq "fg: alternate screen again" "$(tm display -p -t d '#{alternate_on}')" 1
tm send-keys -t d C-c C-c
tm send-keys -t d "echo EXIT=\$?" Enter
check_pane "llm alone: exit 0" d "EXIT=0"
tm send-keys -t d "exit" Enter

# -- a terminal that cannot address the cursor is refused before a screen or a request
n=$(fake_count)
tm new-session -d -s e -x 200 -y 30 \
    "env TERM=dumb \"$LLM_BIN\" chat; echo EXIT=\$?; env TERM=dumb \"$LLM_BIN\"; echo EXIT2=\$?; exec sleep 600"
check_pane "dumb: refused with what to use" e \
    "llm: chat: TERM=dumb cannot address the cursor: the full-screen client needs a capable terminal; use llm PROMPT"
check_pane "dumb: exit 2" e "EXIT=2"
check_pane "dumb, llm alone: exit 2" e "EXIT2=2"
tm send-keys -t e -l "hello"
tm send-keys -t e Enter
# a client that took the keys would send within this wait
if T_WAIT=3 fake_wait_count $((n + 1)); then
	not_ok "dumb: nothing sent" "$(fake_requests)"
else
	ok "dumb: nothing sent"
fi
check_eq "dumb: no alternate screen" "$(tm display -p -t e '#{alternate_on}')" 0

# -- LANG=C: a character over ASCII typed or pasted is kept as its bytes, and the keys after it work
fake_reply '{"text":"seen","usage":{"input":10,"output":1}}'
tm new-session -d -s f -x 100 -y 30 "env LC_ALL=C LANG=C \"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
check_pane "LANG=C: screen drawn" f "route auto  type a message to see where it goes"
tm send-keys -t f -l "caf$(printf '\303\251') ok"
tm set-buffer -b q "$(printf ' \344\270\255')"
tm paste-buffer -p -b q -t f
tm send-keys -t f Enter
check_pane "LANG=C: Enter after them sends" f "llm  seen"
check_eq "LANG=C: the bytes as typed and pasted" "$(fake_last body.messages.-1.content)" \
    "caf$(printf '\303\251') ok $(printf '\344\270\255')"
tm send-keys -t f C-c C-c
check_pane "LANG=C: exit 0" f "EXIT=0"

# -- the terminal closes (SIGHUP) while a reply streams: as with C-c, the partial answer and its
# cost are kept and the reservation settled; then it dies of the signal, as the one-shot CLI
rm -f "$T/hup-go"
fake_reply "{\"chunks\":[\"partial words \",\"never\"],\"hold_file\":\"$T/hup-go\",\"usage\":{\"input\":10,\"output\":6}}"
start g
check_pane "hup: screen drawn" g "route auto"
tm send-keys -t g -l "stream please"
tm send-keys -t g Enter
check_pane "hup: the reply streams" g "llm  partial words"
kill -HUP "$(cat "$T/g.pid")"
check_pane "hup: died of SIGHUP" g "EXIT=129"
check_pane "hup: said as what it was, once the screen is gone" g \
    "llm: chat: hung up (the partial answer was kept)"
check_restored "hup" g
touch "$T/hup-go"
db="$LLM_DATA_DIR/llm.db"
check_eq "hup: a cancelled ledger row" \
    "$(sqlite3 "$db" "SELECT status FROM usage ORDER BY id DESC LIMIT 1")" cancelled
check_eq "hup: no reservation left" "$(sqlite3 "$db" "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
check_eq "hup: the partial answer saved" \
    "$(sqlite3 "$db" "SELECT text FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")" "partial words "
check_eq "hup: the answer's row has its cost" \
    "$(sqlite3 "$db" "SELECT u.status FROM messages m JOIN usage u ON u.id = m.usage_id ORDER BY m.id DESC LIMIT 1")" cancelled

# -- keys typed before a question shows answer nothing: /cmd's reply ends while the client is
# stopped and a y waits on the terminal; once it goes on the y is dropped, the question waits
mkdir -p "$T/work"
rm -f "$T/cmd-go"
n=$(fake_count)
fake_reply "{\"chunks\":[\"touch typed-\",\"ahead\\n# creates a file\"],\"hold_file\":\"$T/cmd-go\"}"
tm new-session -d -s h -x 100 -y 30 -c "$T/work" \
    "sh -c 'echo \$\$ >\"$T/h.pid\"; exec \"$LLM_BIN\" chat'; echo EXIT=\$?; exec sleep 600"
check_pane "typed ahead: screen drawn" h "route auto"
tm send-keys -t h -l "/cmd make a file"
tm send-keys -t h Enter
fake_wait_count $((n + 1))
check_pane "typed ahead: the reply streams" h "touch typed-"
kill -STOP "$(cat "$T/h.pid")"
: >"$T/cmd-go"
tm send-keys -t h y
sleep 0.5   # the rest of the reply reaches the stopped client's socket
kill -CONT "$(cat "$T/h.pid")"
check_pane "typed ahead: the question shows" h "run it? y runs it, any other key does not"
check "typed ahead: the y typed before it ran nothing" [ ! -e "$T/work/typed-ahead" ]
check_not_contains "typed ahead: nor went to the input" "$(tm capture-pane -p -t h | grep '│ >')" "> y"
tm send-keys -t h y
check "typed ahead: a y after it runs the command" t_wait test -e "$T/work/typed-ahead"
check_pane "typed ahead: and it ended" h "ran touch typed-ahead: exit 0"
tm send-keys -t h C-c C-c
check_pane "typed ahead: exit 0" h "EXIT=0"

# -- /copy with no display and no clipboard tool: the terminal's clipboard (OSC 52), which
# tmux takes into its buffer with set-clipboard on; a text over what a terminal takes is refused
big=$(t_py -c 'print("x" * 80000 + " END")')
fake_reply '{"text":"copy **me**\n\n```sh\necho block\n```","usage":{"input":10,"output":6}}'
fake_reply "{\"text\":\"$big\",\"usage\":{\"input\":10,\"output\":6}}"
tm new-session -d -s k -x 120 -y 30 \
    "env -u DISPLAY -u WAYLAND_DISPLAY -u LLM_CLIPBOARD \"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
tm set-option -g set-clipboard on
check_pane "osc 52: screen drawn" k "route auto"
tm send-keys -t k -l "copy me"
tm send-keys -t k Enter
check_pane "osc 52: the reply" k "llm  copy me"
tm send-keys -t k -l "/copy"
tm send-keys -t k Enter
check_pane "osc 52: said how it was copied" k "/copy: copied the last reply via the terminal (OSC 52; tmux"
check_eq "osc 52: tmux has the reply as the model wrote it" "$(tm show-buffer)" "$(printf 'copy **me**\n\n```sh\necho block\n```')"
tm send-keys -t k -l "/copy 1"
tm send-keys -t k Enter
check_pane "osc 52: a code block" k "/copy: copied code block 1 via the terminal (OSC 52"
check_eq "osc 52: tmux has the block" "$(tm show-buffer)" "echo block"
tm send-keys -t k -l "long"
tm send-keys -t k Enter
check_pane "osc 52: the long reply" k "xxxx END"
tm send-keys -t k -l "/copy"
tm send-keys -t k Enter
check_pane "osc 52: over what a terminal takes, refused" k \
    "/copy: the last reply is 79 KiB, over the 73 KiB a terminal takes (OSC 52): nothing copied"
check_eq "osc 52: nothing of it in tmux" "$(tm show-buffer)" "echo block"
tm send-keys -t k C-c C-c
check_pane "osc 52: exit 0" k "EXIT=0"

echo "# $T_PASS passed, $T_FAIL failed"
