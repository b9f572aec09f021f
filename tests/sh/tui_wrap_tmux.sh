# The client on a real terminal (tmux): where the input wraps at a space, the cursor is drawn
# where the line's next character is, on the row the word moved to, and keys move it over the
# row's end as over any character; on the space that ends a row it is drawn where the next row
# starts, not in the blank column beside the text; Up and Down move it over the rows.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux

# wait_cursor NAME SESSION X,Y: the terminal's cursor comes to X,Y (polled, at most 5 s)
wait_cursor() {
	_i=0
	while [ "$(tm display -p -t "$2" '#{cursor_x},#{cursor_y}')" != "$3" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 250 ]; then
			not_ok "$1" "cursor at $(tm display -p -t "$2" '#{cursor_x},#{cursor_y}'), not $3"
			return
		fi
		sleep 0.02
	done
	ok "$1"
}

tm new-session -d -s w -x 40 -y 12 "\"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
check_pane "screen drawn" w "F10 quits"
tm send-keys -t w -l "the quick brown fox jumps over the lazy dog"
check_pane "typed" w "│   lazy dog"
# the input's rows are 9 and 10 (from 0); its text starts at column 4
wait_cursor "at the end of the line, after its last word" w "12,10"
tm send-keys -t w Home
wait_cursor "Home: the first row" w "4,9"
for _ in $(seq 35); do tm send-keys -t w Right; done
wait_cursor "35 Rights: past the space that ends the first row, before lazy" w "4,10"
tm send-keys -t w Left
# not in the frame's blank column right of the text (38): where a key typed goes
wait_cursor "Left: on that space, drawn where the second row starts" w "4,10"
tm send-keys -t w -l X
wait_cursor "X typed there: the word it ends moves down with it, the cursor after it" w "8,10"
check_pane "X typed there: on the second row" w "│   theX lazy dog"
tm send-keys -t w BSpace
wait_cursor "Backspace: on the space again" w "4,10"
# Up and Down go over the rows as drawn, to the same column
tm send-keys -t w Up
wait_cursor "Up from there: the first row" w "4,9"
tm send-keys -t w Down
wait_cursor "Down: the second row" w "4,10"
tm send-keys -t w End
wait_cursor "End: the end of the line again" w "12,10"
tm send-keys -t w Up
wait_cursor "Up from the end: the same column on the first row" w "12,9"
tm send-keys -t w Down
wait_cursor "Down: the end again" w "12,10"
# a CJK character takes two columns: Up from column 7 comes before the one on 6 and 7,
# and Down goes back to column 7, the column Up and Down started from
tm send-keys -t w C-u
tm send-keys -t w -l "一二三四五六七八九十一二三四五六 abcdefghij"
check_pane "CJK typed" w "│   abcdefghij"
tm send-keys -t w Left Left Left
wait_cursor "Left x3: column 7 of the second row" w "11,10"
tm send-keys -t w Up
wait_cursor "Up: column 6, before the CJK character under column 7" w "10,9"
tm send-keys -t w Down
wait_cursor "Down: column 7 again" w "11,10"
# a line that fills its row to the edge goes on to an empty row, as on a terminal: the
# cursor at its end is drawn at that row's start, where the next character goes, not in
# the frame's column (38) beside the text
tm send-keys -t w End C-u
check_pane "End, C-u: the input empty" w "│ >                                    │"
tm send-keys -t w -l "the quick brown fox jumps over the"
wait_cursor "a row filled to the edge: the cursor at the start of the row under it" w "4,10"
check_pane "a row filled to the edge: on the row above the cursor" w "│ > the quick brown fox jumps over the │"
tm send-keys -t w Left
wait_cursor "Left: on the row's last character" w "37,9"
tm send-keys -t w End
wait_cursor "End: the start of the row under it again" w "4,10"
tm send-keys -t w Up
wait_cursor "Up from there: the first column of the full row" w "4,9"
tm send-keys -t w Down
wait_cursor "Down: the end of the line again" w "4,10"
tm send-keys -t w -l "X"
wait_cursor "X typed there: the word it ends moves down with it" w "8,10"
check_pane "X typed there: the last word on the second row" w "│   theX "
tm send-keys -t w F10
check_pane "quit" w "EXIT=0"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
