# Agent mode: a read's step line names the lines it read, or the line and byte a window of a
# long line starts at.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo"
t_py -c 'import sys; open(sys.argv[1], "w").write("short\n" + "x" * 30000 + "\nlast\n")' \
    "$T/repo/min.json"
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":"min.json"}},{"name":"read","args":{"path":"min.json","from":2,"to":2}},{"name":"read","args":{"path":"min.json","from":2,"col":12288}},{"name":"read","args":{"path":"min.json","from":5}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Read it.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "read" r 100x30 -m test-cheap --agent <<S
:type read min.json
:key Enter
:wait-text Read it.
:wait-idle
:dump-screen $T/r0
S
check_screen "read: the whole file" r0 "▸ read min.json 1–3"
check_screen "read: one line" r0 "▸ read min.json 2–2"
check_screen "read: a window of a line" r0 "▸ read min.json 2 from byte 12288"
check_screen "read: a start past the last line" r0 "▸ read min.json 5, past its 3 lines"
sent=$(fake_get 1 body)
check_contains "read: the window's bytes and what reads on" "$sent" \
    "[line 2, bytes 12288-24576 of 30000: from=2 col=24576 reads on]"
