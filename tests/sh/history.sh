#!/bin/sh
# history: llm logs -q finds words, show renders, export round-trips exactly, rm keeps the ledger.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
DB=$LLM_DATA_DIR/llm.db

# Text that a careless export would change: no final newline, spaces at the
# ends, a code fence, blank lines, a heading of the export's own shape, Unicode.
cat >"$T/reply.json" <<'J'
{"text":"  Use **flock**.\n\n```sh\nflock /tmp/x true\n```\n\n## You\n\nnot a heading  ","usage":{"input":100,"output":20}}
J
fake_reply "$(cat "$T/reply.json")"
run_llm -q -t cheap -s "be terse" "how do I lock a file in a shell script? naïve approach"
check_rc "a conversation: exit 0" 0
fake_reply '{"text":"second reply ends with newline\n"}'
run_llm -q -c "and a zebra crossing"
conv=$(sqlite3 "$DB" "select max(id) from conversations")
fake_reply '{"text":"unrelated"}'
run_llm -q -t cheap "something about giraffes"
other=$(sqlite3 "$DB" "select max(id) from conversations")

# --- search -------------------------------------------------------------------
run_llm logs -q flock
check_rc "logs -q: exit 0" 0
check_contains "logs -q: the conversation" "$OUT" "#$conv "
check_contains "logs -q: the matching message, marked" "$OUT" "llm    Use **[flock]**."
check_not_contains "logs -q: not the other conversation" "$OUT" "#$other "
run_llm logs -q ZEBRA
check_contains "logs -q: any case" "$OUT" "you  and a [zebra] crossing"
run_llm logs -q naive
check_contains "logs -q: accents ignored" "$OUT" "[naïve]"
run_llm logs -q 'lock giraffes'
check_eq "logs -q: every word must match" "$OUT" ""
run_llm logs -q 'AND OR "NEAR(' 
check_rc "logs -q: query syntax is only words" 0
run_llm logs -q flock --json
check_eq "logs -q --json: conversation id" "$(json_get "$T/out" hits.0.conversation_id)" "$conv"

# --- show ---------------------------------------------------------------------
run_llm logs show "$conv"
check_rc "logs show: exit 0" 0
check_contains "logs show: the header" "$OUT" "conversation $conv"
check_contains "logs show: the system prompt" "$OUT" "sys  be terse"
check_contains "logs show: rendered Markdown (no ** markers)" "$OUT" "llm  Use flock."
check_contains "logs show: the code block numbered" "$OUT" "[1] sh"
check_contains "logs show: the cost line" "$OUT" "cheap · test-cheap · 100→20 tok"
run_llm logs show "$conv" --raw
check_contains "logs show --raw: the stored text" "$OUT" "  Use **flock**."
run_llm logs show 99999
check_rc "logs show: an unknown id: exit 2" 2
check_eq "logs show: an unknown id: where the ids are" "$ERR" \
	"llm: logs: no conversation 99999 (see llm logs)"
# no colour sets inline code apart here: it keeps its backticks, as the client without colour
fake_reply '{"text":"Run `make check` first."}'
run_llm -q -t cheap "how do I test it?"
run_llm logs show "$(sqlite3 "$DB" "select max(id) from conversations")"
check_contains "logs show: inline code keeps its backticks" "$OUT" "llm  Run \`make check\` first."

# --- export -------------------------------------------------------------------
run_llm logs export "$conv" --format json
check_rc "export json: exit 0" 0
sqlite3 "$DB" "select text from messages where conversation_id = $conv order by id" >"$T/db-texts" 2>/dev/null
t_py - "$T/out" "$DB" "$conv" <<'PY' >"$T/json-check"
import json, sqlite3, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
db = sqlite3.connect(sys.argv[2])
want = [r[0] for r in db.execute("select text from messages where conversation_id = ? order by id", (int(sys.argv[3]),))]
got = [m["text"] for m in doc["messages"]]
print("same" if got == want and doc["system"] == "be terse" and len(want) == 4 else "differ: %r / %r" % (got, want))
PY
check_eq "export json: every text round-trips exactly" "$(cat "$T/json-check")" same

run_llm logs export "$conv"
check_rc "export md: exit 0" 0
check_contains "export md: a title" "$OUT" "# Conversation $conv"
t_py - "$T/out" "$DB" "$conv" <<'PY' >"$T/md-check"
import re, sqlite3, sys
text = open(sys.argv[1], encoding="utf-8", newline="").read()
db = sqlite3.connect(sys.argv[2])
want = [r[0] for r in db.execute("select text from messages where conversation_id = ? order by id", (int(sys.argv[3]),))]
# the reader the export documents: after a marker, its heading line and a blank
# line comes the text, then "\n\n" before the next marker or the end
marks = list(re.finditer(r"^<!-- llm: (message \d+ \w+|system) -->\n## [^\n]*\n\n", text, re.M))
got = []
for i, m in enumerate(marks):
    end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
    body = text[m.end():end]
    assert body.endswith("\n\n"), repr(body[-5:])
    got.append((m.group(1), body[:-2]))
system = [b for k, b in got if k == "system"]
msgs = [b for k, b in got if k != "system"]
print("same" if msgs == want and system == ["be terse"] else "differ: %r / %r" % (msgs, want))
PY
check_eq "export md: every text round-trips exactly" "$(cat "$T/md-check")" same
run_llm logs export "$conv" --format yaml
check_rc "export: an unknown format: exit 2" 2
check_contains "export: an unknown format: named" "$ERR" \
    "llm: logs export: --format takes md or json, not 'yaml'"
# Options come before the id as well as after it; what is wrong is named.
run_llm logs show --raw "$conv"
check_rc "logs show --raw ID: exit 0" 0
check_contains "logs show --raw ID: the stored text" "$OUT" "  Use **flock**."
run_llm logs export --format=json "$conv"
check_eq "logs export --format=json ID: JSON" "$(printf '%s' "$OUT" | head -c 1)" "{"
run_llm logs show
check_rc "logs show without an id: exit 2" 2
check_contains "logs show without an id: says what it needs" "$ERR" \
    "llm: logs show: which conversation? give its id (llm logs lists them)"
run_llm logs show "$conv" --bogus
check_contains "logs show --bogus: named" "$ERR" "llm: logs show: unknown option '--bogus'"
run_llm logs rm "$conv" "$conv"
check_contains "logs rm with two ids: the second named" "$ERR" "llm: logs rm: unexpected '$conv'"
run_llm logs export "$conv" --format
check_contains "logs export --format without a value: says so" "$ERR" \
    "llm: logs export: option --format needs an argument"

# --- rm -----------------------------------------------------------------------
run_llm usage --json
usage_before=$OUT
rows_before=$(sqlite3 "$DB" "select count(*), sum(cost_pico) from usage")
run_llm logs rm "$conv"
check_rc "logs rm: exit 0" 0
check_contains "logs rm: says the ledger stays, on stdout as budget set says what it did" \
    "$OUT" "conversation $conv forgotten; its requests stay in the ledger"
check_eq "logs rm: nothing on stderr" "$ERR" ""
check_eq "logs rm: the messages are gone" \
    "$(sqlite3 "$DB" "select count(*) from messages where conversation_id = $conv")" 0
check_eq "logs rm: the conversation is gone" \
    "$(sqlite3 "$DB" "select count(*) from conversations where id = $conv")" 0
check_eq "logs rm: the ledger rows stay" "$(sqlite3 "$DB" "select count(*), sum(cost_pico) from usage")" "$rows_before"
run_llm usage --json
check_eq "logs rm: llm usage unchanged" "$OUT" "$usage_before"
run_llm logs -q flock
check_eq "logs rm: no longer found" "$OUT" ""
run_llm logs -q giraffes
check_contains "logs rm: the other conversation still found" "$OUT" "#$other "
run_llm logs rm "$conv"
check_rc "logs rm: again: exit 2" 2
# the id of the last conversation, removed, is never given again: the team's ledger
# keeps it on its rows, and a new conversation under it would take them for its own
fake_reply '{"text":"ok"}'
run_llm -m test-cheap --json "to be removed"
gone=$(json_get "$T/out" conversation_id)
check_eq "logs rm: the newest conversation" "$gone" "$(sqlite3 "$DB" "select max(id) from conversations")"
run_llm logs rm "$gone"
fake_reply '{"text":"ok"}'
run_llm -m test-cheap --json "the next one"
check "logs rm: the removed id ($gone) is not given again" \
    test "$(json_get "$T/out" conversation_id)" -gt "$gone"

# --- /search in the full-screen client --------------------------------------------
. "$LLM_TOP/tests/tui_lib.sh"
tui_ok "/search" s <<S
:type /search giraffes
:key Enter
:dump-screen $T/s0
:key Enter
:dump-screen $T/s1
:type /search no-such-word-anywhere
:key Enter
:dump-screen $T/s2
S
check_screen "/search: the picker's title" s0 "conversations holding: giraffes"
check_screen "/search: the title, then the border" s0 "├ conversations holding: giraffes ──"
check_not_contains "/search: a short hit is not cut" "$(row "$T/s0" "[giraffes]")" "…"
check_screen "/search: the hit, with its words" s0 "[giraffes]"
check_screen "/search: Enter resumes it" s1 "conversation $other"
check_screen "/search: the resumed messages" s1 "something about giraffes"
check_screen "/search: nothing found is said" s2 "no message holds that"

# --- an older database is indexed by the migration ------------------------------
sqlite3 "$DB" "DROP INDEX route_labels_move"
sqlite3 "$DB" "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update; DROP TABLE messages_fts; ALTER TABLE conversations DROP COLUMN summary;
    ALTER TABLE conversations DROP COLUMN summary_upto; DROP INDEX usage_task;
    ALTER TABLE usage DROP COLUMN task_id; DROP TABLE tasks; ALTER TABLE conversations DROP COLUMN tier;
    PRAGMA user_version = 6;
    INSERT INTO messages (conversation_id, role, text, created) VALUES ($other, 'user', 'platypus', 0);"
run_llm logs -q platypus
check_rc "migration: exit 0" 0
check_contains "migration: rows written before it are found" "$OUT" "[platypus]"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
