# The client on a real terminal (tmux): the mouse wheel scrolls the transcript, in the terminal's
# own mouse encoding (X10 for tmux-256color, SGR for xterm-256color); mouse = no leaves the mouse to
# the terminal: the client asks it for no mouse events.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux

long=$(t_py -c 'print("\\n".join("- item %d" % i for i in range(1, 61)))')
fake_default '{"text":"'"$long"'","usage":{"input":10,"output":200}}'
# wheel up and down at column 1, row 1, in each encoding (hex for tmux send-keys -H)
x10_up="1b 5b 4d 60 21 21"
x10_down="1b 5b 4d 61 21 21"
sgr_up="1b 5b 3c 36 34 3b 31 3b 31 4d"
sgr_down="1b 5b 3c 36 35 3b 31 3b 31 4d"
for term in tmux-256color xterm-256color; do
	# a session each, left running: killing the last one ends the server, and a
	# session started while it ends fails with "server exited unexpectedly"
	m=m-$term
	if [ "$term" = tmux-256color ]; then up=$x10_up down=$x10_down; else up=$sgr_up down=$sgr_down; fi
	tm new-session -d -s "$m" -x 80 -y 20 \
	    "env TERM=$term \"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
	check_pane "$term: screen drawn" "$m" "F10 quits"
	tm send-keys -t "$m" -l "list"
	tm send-keys -t "$m" Enter
	check_pane "$term: the long reply" "$m" "item 60"
	check_eq "$term: mouse buttons asked of the terminal" \
	    "$(tm display -p -t "$m" '#{mouse_standard_flag}')" 1
	# shellcheck disable=SC2086
	tm send-keys -t "$m" -H $up
	check_pane "$term: a notch up shows three lines above" "$m" "item 46"
	if tm capture-pane -p -t "$m" | grep -q "item 60"; then
		not_ok "$term: the last line scrolled out of view"
	else
		ok "$term: the last line scrolled out of view"
	fi
	# shellcheck disable=SC2086
	tm send-keys -t "$m" -H $up $up $up
	check_pane "$term: three notches more" "$m" "item 37"
	# shellcheck disable=SC2086
	tm send-keys -t "$m" -H $down $down $down $down
	check_pane "$term: and back down to the end" "$m" "item 60"
	check_eq "$term: nothing sent by the wheel" "$(fake_count)" 1
	# over the help, the wheel moves in the help
	tm send-keys -t "$m" F1
	check_pane "$term: help open" "$m" "list every key and command"
	# shellcheck disable=SC2086
	tm send-keys -t "$m" -H $down $down $down
	i=0
	while tm capture-pane -p -t "$m" | grep -q "list every key and command" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -lt 100 ]; then ok "$term: the wheel scrolled the help"; else
		not_ok "$term: the wheel scrolled the help" "$(tm capture-pane -p -t "$m")"; fi
	tm send-keys -t "$m" Escape
	check_pane "$term: the transcript stayed at its end" "$m" "item 60"
	tm send-keys -t "$m" F10
	check_pane "$term: quit" "$m" "EXIT=0"
	fake_reset
	fake_default '{"text":"'"$long"'","usage":{"input":10,"output":200}}'
done

# mouse = no: the client asks the terminal for no mouse events
printf '[llm]\nmouse = no\n' >> "$LLM_CONFIG_DIR/config.ini"
tm new-session -d -s n -x 80 -y 20 \
    "env TERM=xterm-256color \"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
check_pane "mouse = no: screen drawn" n "F10 quits"
check_eq "mouse = no: no mouse events asked of the terminal" \
    "$(tm display -p -t n '#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}')" 000
tm send-keys -t n F10
check_pane "mouse = no: quit" n "EXIT=0"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
