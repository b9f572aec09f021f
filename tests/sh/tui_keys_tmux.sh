# The client on a real terminal (tmux): the editing keys a terminal sends as sequences
# (Delete, Ctrl- and Alt-arrows and -Delete, Alt-Backspace) edit the input as in a shell, whether the terminal's
# description names them (tmux-256color: curses makes up a code for each) or not (screen);
# a paste the terminal does not bracket keeps its line breaks instead of sending its first line.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux

fake_default '{"text":"ok","usage":{"input":10,"output":1}}'
for term in tmux-256color screen; do
	# a session each, left running: killing the last one ends the server, and a
	# session started while it ends fails with "server exited unexpectedly"
	k=k-$term
	tm new-session -d -s "$k" -x 80 -y 15 \
	    "env TERM=$term \"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
	check_pane "$term: screen drawn" "$k" "F10 quits"
	tm send-keys -t "$k" -l "abc def ghi"
	# Delete takes the character under the cursor; C-Right ends the word
	tm send-keys -t "$k" Home DC C-Right
	tm send-keys -t "$k" -l X
	# C-Left and M-Left go back a word each
	tm send-keys -t "$k" End C-Left
	tm send-keys -t "$k" -l Y
	tm send-keys -t "$k" M-Left M-Left
	tm send-keys -t "$k" -l Z
	# M-Right ends the word
	tm send-keys -t "$k" Home M-Right
	tm send-keys -t "$k" -l W
	check_pane "$term: edited" "$k" "> bcXW Zdef Yghi"
	# M-Backspace takes the word before the cursor, as C-w does
	tm send-keys -t "$k" End
	tm send-keys -t "$k" -l " junk"
	tm send-keys -t "$k" M-BSpace
	tm send-keys -t "$k" -l "more"
	check_pane "$term: M-Backspace" "$k" "> bcXW Zdef Yghi more"
	# C-Delete and M-Delete take the word after the cursor, as M-d does
	tm send-keys -t "$k" Home
	tm send-keys -t "$k" -l "one two "
	check_pane "$term: two words typed before" "$k" "> one two bcXW"
	tm send-keys -t "$k" Home C-DC DC M-DC DC End
	check_pane "$term: C-Delete and M-Delete" "$k" "> bcXW Zdef Yghi more"
	tm send-keys -t "$k" M-BSpace BSpace
	tm send-keys -t "$k" Enter
	check_pane "$term: sent" "$k" "llm  ok"
	check_eq "$term: the edited line sent" "$(fake_last body.messages.-1.content)" "bcXW Zdef Yghi"
	# a paste the terminal does not bracket: its line breaks stay in the input, nothing is sent
	n=$(fake_count)
	tm set-buffer -b p "$(printf 'first line\nsecond line\nthird line')"
	tm paste-buffer -b p -t "$k"
	check_pane "$term: unbracketed paste, all lines in the input" "$k" "│   third line"
	check_pane "$term: unbracketed paste, line breaks kept" "$k" "│   second line"
	check_eq "$term: unbracketed paste, nothing sent" "$(fake_count)" "$n"
	fake_reply '{"text":"all three read","usage":{"input":10,"output":3}}'
	tm send-keys -t "$k" Enter
	check_pane "$term: unbracketed paste, sent on Enter" "$k" "llm  all three read"
	check_eq "$term: unbracketed paste, one message" "$(fake_count)" "$((n + 1))"
	check_eq "$term: unbracketed paste, as pasted" "$(fake_last body.messages.-1.content)" \
	    "first line
second line
third line"
	tm send-keys -t "$k" F10
	check_pane "$term: quit" "$k" "EXIT=0"
done

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
