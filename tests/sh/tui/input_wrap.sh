# The input wraps at spaces, as display only: a word moves whole to the next row (one wider
# than a row is cut where it meets the edge), the cursor and the editing keys work on the line
# as typed, and what is sent is the line as typed, its spaces all kept.
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

echo "# $T_PASS passed, $T_FAIL failed"
