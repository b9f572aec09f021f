# Agent mode with keys rebound in [keys]: what a status says to press is the key bound now.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo"
printf '\n[keys]\nexpand = F9\ncancel = C-g\nretry = F11\n' >>"$LLM_CONFIG_DIR/config.ini"

# --- /expand names the key that folds the steps again -----------------------------------------
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"It subtracts.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "expand" e 100x30 -m test-cheap --agent <<S
:type what does sum.sh do?
:key Enter
:wait-idle
:key F9
:dump-screen $T/e0
:key F9
:dump-screen $T/e1
S
check_screen "expand: the rebound key folds them" e0 "every step's full results: F9 folds them"
check_screen "expand: the rebound key shows them" e1 "the steps are folded: F9 shows their full results"
check_not_screen "expand: F8 not named" e0 "F8"

# --- the bottom border offers agent mode's keys as bound: no re-ask (a task is not re-asked),
# the way back to chat and the unfolding of the steps; back in chat, the re-ask again
fake_reset
tui_ok_in "$T/repo" "footer" f 80x24 -m test-cheap --agent <<S
:type x
:dump-screen $T/f0
:key F7
:type y
:dump-screen $T/f1
:key F7
:resize 40 12
:type z
:dump-screen $T/f2
S
check_contains "footer: agent mode's keys, as bound" "$(row "$T/f0" '└ ')" \
    "└ F1 help · F2 tier · F3 model · F7 chat · F9 expand steps ──"
check_not_screen "footer: no re-ask in agent mode" f0 "re-ask"
check_contains "footer: chat's keys, the re-ask as bound" "$(row "$T/f1" '└ ')" \
    "└ F1 help · F2 tier · F3 model · F11 re-ask up ──"
check_contains "footer: at 40 the keys that fit whole" "$(row "$T/f2" '└ ')" "└ F1 help · F2 tier · F3 model ──"

# --- re-ask after a task: a task is no chat turn to re-ask; the status says what sets its tier,
# not "nothing to re-ask yet" right after one was asked
fake_reset
fake_reply '{"text":"It subtracts.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "retry" r 100x30 -m test-cheap --agent <<S
:type what does sum.sh do?
:key Enter
:wait-idle
:key F11
:dump-screen $T/r0
S
check_screen "retry: a task is not re-asked, and what sets its tier" r0 \
    "F11 re-asks a chat turn, not a task: F2 sets the tier a task starts on"
check_not_screen "retry: not nothing to re-ask" r0 "nothing to re-ask"
check_eq "retry: nothing sent again" "$(fake_count)" 1

# --- while a task runs, the notes name the cancel key bound now ---------------------------------
fake_reset
fake_reply "{\"text\":\"Done.\",\"usage\":{\"input\":900,\"output\":5},\"hold_file\":\"$T/go\"}"
tui_ok_in "$T/repo" "cancel" c 100x30 -m test-cheap --agent <<S
:type what does sum.sh do?
:key Enter
:wait-text shows its steps
:dump-screen $T/c0
:type /undo
:key Enter
:dump-screen $T/c1
:touch $T/go
:wait-idle
S
check_screen "cancel: the running task's note" c0 " running (C-g stops the current step)"
check_screen "cancel: /undo's refusal" c1 "/undo: a task is running: wait for it, or C-g to stop it"

# --- the scroll keys move through the transcript while an approval waits, and do not answer it ---
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Not run.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "scroll" s 30x16 -m test-cheap --agent <<S
:type run the test
:key Enter
:wait-text y yes
:key PageUp
:dump-screen $T/s0
:key n
:wait-idle
:dump-screen $T/s1
S
check_screen "scroll: PageUp scrolls while the approval waits" s0 "more lines below"
check_screen "scroll: the approval still waits" s0 "run? y yes"
check_contains "scroll: n answers it after" "$(fake_get 1 body.messages.-1)" "declined"

echo "# $T_PASS passed, $T_FAIL failed"
