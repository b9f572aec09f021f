# Agent mode in the full-screen client: a change too long to be carried whole to the screen
# is never shown as if whole: d ends it with how much is not shown, and n refuses it; a command
# that prints more than is carried whole still shows its latest lines while it runs.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_sum_repo "$T/repo" --no-test

fake_reset
fake_reply "$(t_py -c '
import json
content = "".join("line %d of the new file\n" % i for i in range(4000)) + "rm -rf ~ # the end\n"
print(json.dumps({"calls": [{"name": "write", "args": {"path": "big.sh", "content": content}}],
                  "usage": {"input": 900, "output": 30}}))')"
fake_reply '{"text":"Not written.","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "long" b 100x30 -m test-cheap --agent <<S
:type write big.sh
:key Enter
:wait-text write? y yes
:key d
:key M->
:dump-screen $T/b0
:key n
:wait-idle
:dump-screen $T/b1
S
b0=$(screen "$T/b0")
check_contains "long: d shows where the diff is cut and how much is not shown" "$b0" \
    "more bytes of this change are not shown here: n refuses it]"
check_not_contains "long: its end is not on the screen" "$b0" "rm -rf ~"
check_screen "long: n refuses it" b1 "the user declined this write"
check "long: nothing written" [ ! -e "$T/repo/big.sh" ]

# --- a command that prints more than is sent on whole: its running block keeps up -----------
t_config_append '[agent]'
t_config_append 'allow = run'
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"seq 1 80000; echo after the flood; sleep 300 & echo $! >sleeper.pid; wait"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never"}'
tui_ok_in "$T/repo" "flood" f 100x30 -m test-cheap --agent <<S
:type build it
:key Enter
:wait-text after the flood
:dump-screen $T/f0
:key C-c
:wait-idle
S
f0=$(screen "$T/f0")
check_contains "flood: still running" "$f0" "⋯ running"
check_contains "flood: the block shows the output's end" "$f0" "┊ after the flood"
check_contains "flood: whole lines up to it" "$f0" "┊ 80000"
check_contains "flood: and says how much is left out" "$f0" "KiB not shown"
