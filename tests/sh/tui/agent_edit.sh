# Agent mode in the full-screen client: e at a command's approval edits the command in the
# input before it runs; Esc goes back to the question; the command that ran is the one shown,
# recorded and told to the model; e at an edit's approval does nothing.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# --- e: the command edited, Esc back, edited again and run -------------------------------
fake_reset
fake_reply "{\"text\":\"Writing it.\",\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"echo original >orig.txt\"}}],\"usage\":{\"input\":900,\"output\":30},\"hold_file\":\"$T/go\"}"
fake_reply '{"text":"Done: out.txt holds what you chose.","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "edit" e 100x30 -m test-cheap --agent <<S
:type write out.txt
:key Enter
:type e
:touch $T/go
:wait-text run? y yes
:dump-screen $T/e0
:key e
:dump-screen $T/e1
:key Esc
:dump-screen $T/e2
:key e
:key C-u
:type echo edited >out.txt
:dump-screen $T/e3
:key Enter
:wait-idle
:dump-screen $T/e4
S
check_screen_each e0 <<'EOF'
edit: the run's approval offers e|run? y yes · n no · a always (this task) · e edit
edit: the pending command|? run echo original >orig.txt
EOF
check_contains "edit: the e typed ahead went to the input, not to the question" \
    "$(row "$T/e0" '│ > e')" "│ > e "
check_contains "edit: e puts the command in the input" "$(row "$T/e1" '│ > echo')" "│ > echo original >orig.txt"
check_screen "edit: says how to run it or go back" e1 "edit the command: Enter runs it as it is then, Esc goes back to the question"
check_screen "esc: the question again" e2 "run? y yes · n no · a always (this task) · e edit"
check_contains "esc: the input typed before is back" "$(row "$T/e2" '│ > e')" "│ > e "
check_not_contains "esc: the command left the input" "$(row "$T/e2" '│ > ')" "echo original"
check_contains "edit: the edited command in the input" "$(row "$T/e3" '│ > echo')" "│ > echo edited >out.txt"
# the command is no message: the route line neither routes nor prices it
check_contains "edit: the route line prices no message for the command" "$(row "$T/e3" 'route ')" \
    "route none  (the input is the command to run, not a message)"
check_not_contains "edit: no estimate on the route line" "$(row "$T/e3" 'route ')" '$'
check_contains "esc: the draft is routed again" "$(row "$T/e2" 'route ')" "route pinned → cheap  test-cheap"
check_screen "edited: said under the approval" e4 "→ edited: echo edited >out.txt"
check_screen "edited: the call's line shows what ran" e4 "▸ run echo edited >out.txt · edited · exit 0"
check_not_screen "edited: the model's command never shown as run" e4 "▸ run echo original"
check_screen "edited: the task went on" e4 "Done: out.txt holds what you chose."
check_contains "edited: the draft is back in the input" "$(row "$T/e4" '│ > e')" "│ > e "
# the file system: the edited command ran, the model's did not
check_eq "edited: the edited command ran" "$(cat "$T/repo/out.txt")" "edited"
check "edited: the model's command never ran, edited, left or run" test ! -e "$T/repo/orig.txt"
# the model: told what ran and that the user edited it
told=$(fake_get 1 body.messages.-1.content)
check_contains "edited: the model is told the user edited it" "$told" \
    "the user edited the command before it ran; it ran as: echo edited >out.txt"
check_contains "edited: and the command's result" "$told" "[exit status 0]"
check_eq "edited: two requests" "$(fake_count)" 2
# the ledger: both steps under the task, nothing left reserved
task=$(sql "SELECT max(id) FROM tasks")
check_eq "edited: the ledger holds the task's two steps" \
    "$(sql "SELECT count(*) FROM usage WHERE task_id = $task AND status != 'reserved'")" 2
check_eq "edited: nothing reserved" "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0

# --- e on an edit's approval: only commands are edited; the question stands ----------------
fake_reset
fake_sum_fix
tui_ok_in "$T/repo" "e on an edit" d 100x30 -m test-cheap --agent <<S
:type fix sum.sh
:key Enter
:wait-text edit? y yes
:key e
:dump-screen $T/d0
:key y
:wait-idle
:dump-screen $T/d1
S
check_screen_each d0 <<'EOF'
e on an edit: says it edits commands only|edit? e edits a command only; y yes · n no · a always (this task)
e on an edit: the approval stands|? edit
EOF
check_not_contains "e on an edit: nothing put in the input" "$(row "$T/d0" '│ > ')" "sum.sh"
check_not_screen "e on an edit: the status offers no e" d1 "· e edit"
check_screen "e on an edit: y still answers" d1 "▸ edit sum.sh +1 −1"
check_eq "e on an edit: the edit made" "$(sed -n 2p "$T/repo/sum.sh")" 'echo $(( $1 + $2 ))'
check_eq "e on an edit: the model is told it was made" \
    "$(fake_get 1 body.messages.-1.content | head -1)" "edited sum.sh (+1 −1)"

# --- Ctrl-C while editing: the task stops, the command never runs --------------------------
(cd "$T/repo" && git checkout -q -- .)
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"echo never >never.txt"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"never asked","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "ctrl-c editing" c 100x30 -m test-cheap --agent <<S
:type run it
:key Enter
:wait-text run? y yes
:key e
:type  --verbose
:key C-c
:wait-idle
:dump-screen $T/c0
S
check_screen_each c0 <<'EOF'
ctrl-c editing: the task stopped|interrupted: what was done is kept; stopped after 1 step
ctrl-c editing: the command refused|▸ run echo never >never.txt · refused
EOF
check_not_contains "ctrl-c editing: the edit left the input" "$(row "$T/c0" '│ > ')" "echo never"
check "ctrl-c editing: nothing ran" test ! -e "$T/repo/never.txt"
check_eq "ctrl-c editing: the next step never sent" "$(fake_count)" 1

# --- a command allow_run does not cover: the question says which rule and why --------------
t_config_append '
[agent]
allow_run = sh test.sh'
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh; touch never.txt"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Not run.","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "rule" r 120x30 -m test-cheap --agent <<S
:type run the test
:key Enter
:wait-text run? y yes
:dump-screen $T/r0
:key n
:wait-idle
S
check_screen_each r0 <<'EOF'
rule: the pending command|? run sh test.sh; touch never.txt
rule: why it is asked|not allowed without asking: [agent] allow_run has 'sh test.sh', but this command holds ';'
EOF
check "rule: nothing ran" test ! -e "$T/repo/never.txt"
t_write_config

# --- a call refused by a rule, or failed, shows why under its line, as the user's no does ------
printf 'KEY=1\n' >"$T/repo/.env"
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":".env"}},{"name":"edit","args":{"path":"sum.sh","old":"no such text","new":"x"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Could not.","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "why" w 120x30 -m test-cheap --agent <<S
:type look
:key Enter
:wait-idle
:dump-screen $T/w0
S
check_screen_each w0 <<'EOF'
why: the secret file's refusal|▸ read .env · refused
why: and its reason|.env may hold secrets: refused (the user can allow it by name with [agent] allow_secret)
why: the failed edit's reason|old text not found in sum.sh: it must match exactly
EOF
rm -f "$T/repo/.env"

# --- a command over lines waits with its lines under its first, as they are -----------------
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"for f in a b; do\n  echo \"x  $f\"\ndone"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Ran it.","usage":{"input":1000,"output":12}}'
tui_ok_in "$T/repo" "lines" l 100x30 -m test-cheap --agent <<S
:type loop
:key Enter
:wait-text run? y yes
:dump-colors $T/l0
:key n
:wait-idle
S
check_eq "lines: the command's lines under its first, its spaces kept" \
    "$(grep -A2 '? run for f in a b; do' "$T/l0" | sed 's/^│ //; s/ *│$//')" \
    "$(printf '? run for f in a b; do\n        echo "x  $f"\n      done')"

check_contains "lines: the first in the question's look" "$(styles "$T/l0" '? run for f')" "meter_warn"
check_contains "lines: the second too" "$(styles "$T/l0" 'echo "x  $f"')" "meter_warn"
check_contains "lines: the last too" "$(styles "$T/l0" '      done')" "meter_warn"

# --- the help says how an approval and the cap's question are answered ---------------------
tui_ok "help" h 120x30 <<S
:key F1
:key End
:dump-screen $T/h0
S
check_screen "help: the approval's keys" h0 "An agent task's approval: y yes, n no, a always (this task), d whole diff, e edit the command first."
check_screen "help: the cap's question" h0 "Its cap's question: y adds the first cap again, + or a digit types another amount, n stops."
