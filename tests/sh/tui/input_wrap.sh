# The input wraps at spaces, as display only: a word moves whole to the next row (one wider
# than a row is cut where it meets the edge), the cursor and the editing keys work on the line
# as typed, and what is sent is the line as typed, its spaces all kept. Up and Down move over
# the rows as drawn, and are the history's on the first and the last.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'

# 35 Rights from Home: past "the quick brown fox jumps over the " to the start of "lazy"
right35=$(printf 'Right %.0s' $(seq 35))
text="the quick brown fox jumps over the lazy dog and  keeps running far away"
long="supercalifragilisticexpialidociousandthensomemore"
tui_ok "wrap" w 40x12 <<S
:type $text
:dump-screen $T/w0
:key Home
:key $right35
:type X
:dump-screen $T/w1
:key Backspace Home Delete
:dump-screen $T/w2
:type t
:key End
:paste  $long word
:dump-screen $T/w3
:resize 80 24
:dump-screen $T/w4
:resize 40 12
:key Enter
:wait-idle
S
# input ROWS DUMP: the input's rows of $T/DUMP (the last ROWS rows above the bottom border)
input() {
	tail -n "$(($1 + 1))" "$T/$2" | head -n "$1"
}
check_eq "40: wrapped at spaces" "$(input 3 w0)" "│ > the quick brown fox jumps over the │
│   lazy dog and  keeps running far    │
│   away                               │"
check_eq "40: the cursor moves over the row's end as over any character" "$(input 3 w1)" \
    "│ > the quick brown fox jumps over the │
│   Xlazy dog and  keeps running far   │
│   away                               │"
check_eq "40: Backspace and Delete rewrap the line" "$(input 3 w2)" \
    "│ > he quick brown fox jumps over the  │
│   lazy dog and  keeps running far    │
│   away                               │"
check_eq "40: a word wider than a row is cut where it meets the edge" "$(input 4 w3)" \
    "│ > the quick brown fox jumps over the │
│   lazy dog and  keeps running far    │
│   away ${long%ciousandthensomemore} │
│   ciousandthensomemore word          │"
check_eq "80: wrapped at spaces again on resize" "$(input 2 w4)" \
    "│ > the quick brown fox jumps over the lazy dog and  keeps running far away    │
│   $long word                     │"
check_eq "sent as typed, every space kept" "$(fake_last body.messages.-1.content)" \
    "$text $long word"

# Up and Down move a row in an input of several rows, to the same display column or the row's
# end; on the first row (Up) or the last (Down) they are the history's, as on a one-row input.
# Each script types X where the cursor came to (with Delete first, it replaces a letter).
tui_ok "up" u 40x12 <<S
:type $text
:key Up
:key Up
:key Delete
:type X
:dump-screen $T/u0
:key Home Down Down Delete
:type X
:dump-screen $T/u1
:key Home
:key $(printf 'Right %.0s' $(seq 33))
:key Down
:type X
:key Down
:type Y
:dump-screen $T/u2
S
check_eq "Up, Up from the end: the same column on each row above" "$(input 3 u0)" \
    "│ > the Xuick brown fox jumps over the │
│   lazy dog and  keeps running far    │
│   away                               │"
check_eq "Home, Down, Down: the first column of each row below" "$(input 3 u1)" \
    "│ > the Xuick brown fox jumps over the │
│   lazy dog and  keeps running far    │
│   Xway                               │"
check_eq "Down to a shorter row: its end, drawn on it" "$(input 3 u2)" \
    "│ > the Xuick brown fox jumps over the │
│   lazy dog and  keeps running farX   │
│   XwayY                              │"

# on the space that hangs at the first row's end the cursor is drawn on the second row:
# Down goes from there to the third
tui_ok "hang" h 40x12 <<S
:type $text
:key Home $right35 Left Down
:type X
:dump-screen $T/h0
S
check_eq "Down from the space that hangs: from where the cursor is drawn" "$(input 3 h0)" \
    "│ > the quick brown fox jumps over the │
│   lazy dog and  keeps running far    │
│   Xaway                              │"

tui_ok "history" y 40x12 <<S
:type first message
:key Enter
:wait-idle
:type draft
:key Up
:dump-screen $T/y0
:key Down
:dump-screen $T/y1
:key C-u
:type $text
:key Enter
:wait-idle
:type draft
:key Up
:dump-screen $T/y2
:key Up Down Down
:dump-screen $T/y3
:key Up Home Up
:dump-screen $T/y4
:key Down C-p
:dump-screen $T/y5
S
check_eq "one row: Up is the history" "$(input 1 y0)" "│ > first message                      │"
check_eq "one row: Down is the history" "$(input 1 y1)" "│ > draft                              │"
check_eq "Up brings back a message of three rows, the cursor at its end" "$(input 3 y2)" \
    "$(input 3 w0)"
check_eq "Up goes to the row above; Down, Down on the last row is the history" \
    "$(input 1 y3)" "│ > draft                              │"
check_eq "Up on the first row is the history" "$(input 1 y4)" \
    "│ > first message                      │"
check_eq "C-p is the history on any row" "$(input 1 y5)" \
    "│ > first message                      │"

# A line that fills its row to the edge goes on to an empty row, as on a terminal: the cursor
# at its end is drawn at that row's start (where the next character goes), not in the frame's
# column, and the box grows by that row as when the text wraps. Up and Down go over it.
full="the quick brown fox jumps over the"
tui_ok "full" f 40x12 <<S
:type $full
:dump-screen $T/f0
:key Up
:type X
:dump-screen $T/f1
:key C-a C-k
:type $full
:key Up Down
:type Z
:dump-screen $T/f4
:key C-a C-k
:paste $full\nend
:key Up
:dump-screen $T/f2
:type Y
:dump-screen $T/f3
S
blank="│                                      │"
check_eq "a row filled to the edge: an empty row under it for the cursor" "$(input 2 f0)" \
    "│ > $full │
$blank"
check_eq "Up from that row: the full row's first column" "$(input 2 f1)" \
    "│ > Xthe quick brown fox jumps over    │
│   the                                │"
check_eq "Up, then Down: the end of the line, under the full row" "$(input 2 f4)" \
    "│ > the quick brown fox jumps over     │
│   theZ                               │"
check_eq "a line of several that fills its row: an empty row before the next line" \
    "$(input 3 f2)" "│ > $full │
$blank
│   end                                │"
check_eq "Up from the next line to that row: the line's end, what is typed goes there" \
    "$(input 3 f3)" "│ > the quick brown fox jumps over     │
│   theY                               │
│   end                                │"

# A numeric argument counts rows for Up and Down, as it counts characters for Left and Right:
# M-2 Up goes two rows up, M-9 Down as far as there are rows, M-- Down one row up; after each
# the argument is gone (M-3 Left moves three characters, not more). With a message in the
# history, M-2 Up from the third row is no history.
three="$text then more words here and on"
tui_ok "count" n 40x12 <<S
:type first message
:key Enter
:wait-idle
:type $three
:dump-screen $T/n0
:key M-2
:key Up
:type Y
:dump-screen $T/n1
:key M-9
:key Down
:type Z
:key M--
:key Down
:type W
:key M-3
:key Left
:type V
:dump-screen $T/n2
S
check_eq "three rows typed" "$(input 3 n0)" "│ > the quick brown fox jumps over the │
│   lazy dog and  keeps running far    │
│   away then more words here and on   │"
check_eq "M-2 Up: two rows up, at the same column" "$(input 4 n1)" \
    "│ > the quick brown fox jumps over     │
│   tYhe lazy dog and  keeps running   │
│   far away then more words here and  │
│   on                                 │"
check_eq "M-9 Down: the last row; M-- Down: one row up; M-3 Left: three characters" \
    "$(input 4 n2)" "│ > the quick brown fox jumps over     │
│   tYhe lazy dog and  keeps running   │
│   fVarW away then more words here    │
│   and onZ                            │"

# columns, not bytes or characters: a CJK character takes two, a combining mark none
cjk="一二三四五六七八九十一二三四五六"
tui_ok "wide" c 40x12 <<S
:type $cjk abcdefghij
:key End Left Left Left Up
:type X
:key Down
:type Y
:dump-screen $T/c0
:key End C-u
:type $(printf 'x%.0s' $(seq 30)) $(printf 'e\314\201%.0s' $(seq 6))
:key Home Right Right Right Down
:type Z
:key Up
:type W
:dump-screen $T/c1
S
check_eq "Up from column 7: before the CJK character on columns 6 and 7" "$(input 2 c0)" \
    "│ > 一二三X四五六七八九十一二三四五六  │
│   abcdefgYhij                        │"
check_eq "Down to column 3 of combining marks: after the third e and its accent" \
    "$(input 2 c1)" "│ > xxxxWxxxxxxxxxxxxxxxxxxxxxxxxxx    │
│   $(printf 'e\314\201%.0s' $(seq 3))Z$(printf 'e\314\201%.0s' $(seq 3))                            │"

# lines of their own (a paste's line breaks): Up and Down go from line to line
tui_ok "lines" l 40x12 <<S
:paste line one\nline two\nand the third line
:key Up
:type X
:key Up
:type Y
:key Down
:type Z
:dump-screen $T/l0
S
check_eq "over line breaks: each line's end where it is shorter" "$(input 3 l0)" \
    "│ > line oneY                          │
│   line twoXZ                         │
│   and the third line                 │"

echo "# $T_PASS passed, $T_FAIL failed"
