#!/bin/sh
# git_hook: llm git install-hook / uninstall-hook / commit-msg in throw-away repositories.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_EDITOR GIT_SEQUENCE_EDITOR
LLM_REAL=$(cd "$(dirname "$LLM_BIN")" && pwd -P)/$(basename "$LLM_BIN")

# The editor git runs: keeps a copy of what it was given in $T/seen, and
# writes "manual message" when the file holds no message of its own (as a
# user would), so a commit whose draft failed still goes through.
cat >"$T/editor" <<'EOF'
#!/bin/sh
cp "$1" "$EDITOR_SEEN"
if ! grep -q '^[^#]' "$1"; then
	printf 'manual message\n' >"$1"
fi
EOF
chmod +x "$T/editor"
export EDITOR_SEEN="$T/seen" GIT_EDITOR="$T/editor"

# new_repo NAME: a fresh repository at $T/NAME with one commit; cd into it.
new_repo() {
	t_git_repo "$T/$1"
}

# usage_rows: how many ledger rows the hook left, by status ("ok:1 cancelled:1").
usage_rows() {
	python3 - "$LLM_DATA_DIR/llm.db" <<'EOF'
import sqlite3, sys
try:
    db = sqlite3.connect(sys.argv[1])
    rows = db.execute("select status, count(*) from usage group by status order by status").fetchall()
except Exception:
    rows = []
print(" ".join("%s:%d" % r for r in rows))
EOF
}

git_msg() {
	git log -1 --format=%B | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# --- install ---------------------------------------------------------------
new_repo repo
run_llm git install-hook
check_rc "install-hook exits 0" 0
HOOK=$R/.git/hooks/prepare-commit-msg
check "hook is executable" test -x "$HOOK"
check "hook carries llm's marker" grep -q "^# llm-git-hook: " "$HOOK"
check_contains "hook calls this binary by its absolute path (not on PATH)" "$(cat "$HOOK")" \
    "
llm=$LLM_REAL
if [ ! -x \"\$llm\" ]; then"
check_contains "hook never blocks" "$(cat "$HOOK")" "|| true"
check_contains "install says where" "$OUT" "installed $HOOK"
run_llm git install-hook
check_rc "installing again updates llm's own hook" 0
check_contains "second install says updated" "$OUT" "updated $HOOK"

# On PATH, the hook keeps the path PATH gives: a link there outlives an upgrade.
mkdir -p "$T/bin" "$T/bin2" "$T/other"
ln -s "$LLM_REAL" "$T/bin/llm"
OLDPATH=$PATH
PATH="$T/bin:$PATH"
run_llm git install-hook
PATH=$OLDPATH
check_contains "hook calls llm by the path PATH found it at" "$(cat "$HOOK")" \
    "
llm=$T/bin/llm
if [ ! -x \"\$llm\" ]; then
"
check_contains "...and \$llm after that" "$(cat "$HOOK")" "
\"\$llm\" git commit-msg \"\$@\" </dev/null || true
"
# A GUI client runs hooks with a PATH of its own, often without ~/.local/bin.
printf 'gui\n' >gui.txt
git add gui.txt
fake_reply '{"text":"feat: commit from a GUI"}'
PATH=/usr/bin:/bin git commit -q 2>"$T/commit.err"
check_eq "PATH without llm: the hook finds it where it was" "$(git_msg)" "feat: commit from a GUI"
check_contains "PATH without llm: only the line with the cost on stderr" \
    "=$(cat "$T/commit.err")" "=llm: drafted on cheap (test-cheap), \$0.0000"
# ... or with another program called llm first on it.
printf '#!/bin/sh\ntouch "%s"\nexit 0\n' "$T/other.ran" >"$T/other/llm"
chmod +x "$T/other/llm"
printf 'other\n' >other.txt
git add other.txt
fake_reply '{"text":"feat: commit past another llm"}'
PATH="$T/other:$OLDPATH" git commit -q 2>"$T/commit.err"
check_eq "another llm first on PATH: this one drafts" "$(git_msg)" "feat: commit past another llm"
check "another llm first on PATH: it is not run" test ! -e "$T/other.ran"
# That file gone (an upgrade moved it): llm on PATH, whichever it is.
rm "$T/bin/llm"
ln -s "$LLM_REAL" "$T/bin2/llm"
printf 'moved\n' >moved.txt
git add moved.txt
fake_reply '{"text":"feat: commit after an upgrade"}'
PATH="$T/bin2:/usr/bin:/bin" git commit -q 2>"$T/commit.err"
check_eq "its file gone: llm on PATH drafts" "$(git_msg)" "feat: commit after an upgrade"
rm "$T/bin2/llm"
printf 'gui2\n' >gui2.txt
git add gui2.txt
PATH=/usr/bin:/bin git commit -q 2>"$T/commit.err"
check_eq "llm gone: the commit goes on" "$?:$(git_msg)" "0:manual message"
check_eq "llm gone: one line says so" "$(cat "$T/commit.err")" \
    "llm: commit message not drafted: $T/bin/llm is gone, and llm is not on PATH"
# A path sh must quote: spaces and quotes.
Q="$T/my llm's \"bin\""
mkdir -p "$Q"
ln -s "$LLM_REAL" "$Q/llm"
PATH="$Q:$OLDPATH"
run_llm git install-hook
PATH=$OLDPATH
check_rc "quoted path: install exits 0" 0
check_contains "quoted path: quoted for sh" "$(cat "$HOOK")" "
llm='$T/my llm'\\''s \"bin\"/llm'
"
printf 'quoted\n' >quoted.txt
git add quoted.txt
fake_reply '{"text":"feat: commit through a quoted path"}'
PATH=/usr/bin:/bin git commit -q 2>"$T/commit.err"
check_eq "quoted path: the hook runs llm there" "$(git_msg)" "feat: commit through a quoted path"
PATH="$Q:$OLDPATH"
run_llm git install-hook
PATH=$OLDPATH
check_eq "quoted path: llm's own hook, updated" "$RC $OUT" "0 updated $HOOK"
rm "$Q/llm"
# The hook the version before wrote (llm by name) is llm's, not one changed by hand.
cat >"$HOOK" <<'EOF'
#!/bin/sh
# llm-git-hook: written by 'llm git install-hook'; 'llm git uninstall-hook' removes it.
# Drafts a commit message from the staged diff; it never stops a commit.
llm=llm
command -v "$llm" >/dev/null 2>&1 || llm=/home/me/.local/bin/llm
if ! command -v "$llm" >/dev/null 2>&1; then
	printf 'llm: commit message not drafted: llm is not on PATH, nor at %s\n' "$llm" >&2
	exit 0
fi
"$llm" git commit-msg "$@" </dev/null || true
exit 0
EOF
run_llm git install-hook
check_eq "the previous version's hook: updated" "$RC $OUT" "0 updated $HOOK"
check_contains "the previous version's hook: now by its path" "$(cat "$HOOK")" "
llm=$LLM_REAL
"
t_ledger_reset
fake_reset

# A bare repository commits nothing: a hook there could never run.
git init -q --bare "$T/bare.git"
(cd "$T/bare.git" && run_llm git install-hook; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
check_eq "bare repository: refused, exit 2" "$(cat "$T/rc")" 2
check_contains "bare repository: says why" "$(cat "$T/err")" \
    "llm: git install-hook: this is a bare repository: nothing is committed in it"
check "bare repository: no hook written" test ! -e "$T/bare.git/hooks/prepare-commit-msg"
run_llm git install-hook

# --- a commit gets the draft ------------------------------------------------
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >hello.c
git add hello.c
fake_reset
fake_reply '{"text":"feat: add a greeting program\n\nPrint hi on start so the build has something to run.","usage":{"input":1000,"output":100}}'
git commit -q 2>"$T/commit.err"
check_eq "commit with the hook gets the drafted message" "$(git_msg)" "feat: add a greeting program

Print hi on start so the build has something to run."
check_eq "one request" "$(fake_count)" 1
check_eq "routed on the cheap tier" "$(fake_last body.model)" test-cheap-1
check_contains "request holds the staged diff" "$(fake_last body.messages.1.content)" \
    "diff --git a/hello.c b/hello.c"
check_contains "request holds the added line" "$(fake_last body.messages.1.content)" \
    '+int main(void) { puts("hi"); return 0; }'
check_contains "system prompt asks for a 72-character subject" \
    "$(fake_last body.messages.0.content)" "at most 72 characters"
check_contains "the editor saw the draft above git's comments" "$(cat "$T/seen")" \
    "feat: add a greeting program

Print hi on start so the build has something to run.

# Please enter the commit message"
# 1000 tokens in at $0.10/M and 100 out at $0.40/M
check_eq "a written draft says on stderr what it cost, one line" "$(cat "$T/commit.err")" \
    'llm: drafted on cheap (test-cheap), $0.00014'
check_eq "the hook's request is in the ledger" "$(usage_rows)" "ok:1"

# No usage reported: the cost is estimated, and marked so.
printf 'est\n' >est.txt
git add est.txt
fake_reply '{"text":"chore: add est","usage":null}'
git commit -q 2>"$T/commit.err"
check_eq "estimated cost: drafted" "$(git_msg)" "chore: add est"
check_contains "estimated cost: marked with ~" "=$(cat "$T/commit.err")" \
    "=llm: drafted on cheap (test-cheap), ~\$0.0000"
check_eq "estimated cost: one line" "$(wc -l <"$T/commit.err" | tr -d ' ')" 1

# The line is dim on a terminal, as the CLI's summary line, and plain under NO_COLOR.
printf 'tty\n' >tty.txt
git add tty.txt
printf '\n# Please enter the commit message for your changes.\n' >"$T/msg"
fake_reply '{"text":"chore: add tty","usage":{"input":1000,"output":100}}'
on_pty_answer "$T/pty" -- git commit-msg "$T/msg"
check_eq "terminal: the line is dim" "$(cat "$T/pty")" \
    "$(printf '\033[2mllm: drafted on cheap (test-cheap), $0.00014\033[0m')"
printf '\n# Please enter the commit message for your changes.\n' >"$T/msg"
fake_reply '{"text":"chore: add tty","usage":{"input":1000,"output":100}}'
NO_COLOR=1 on_pty_answer "$T/pty" -- git commit-msg "$T/msg"
check_eq "terminal, NO_COLOR: the line is plain" "$(cat "$T/pty")" \
    'llm: drafted on cheap (test-cheap), $0.00014'
git reset -q
rm tty.txt

# A long subject is cut at a word boundary within 72 characters, marked, and
# what was cut opens the body: nothing the model wrote is dropped.
printf 'more\n' >>hello.c
git add hello.c
fake_reply '{"text":"```\nfix(hello): make the greeting program print a longer and friendlier message on every start\n\nBody.\n```"}'
git commit -q
check_eq "subject cut at a word within 72 characters, marked" "$(git log -1 --format=%s)" \
    "fix(hello): make the greeting program print a longer and friendlier$(printf '\342\200\246')"
check_eq "the rest of the subject opens the body; body kept, fences dropped" \
    "$(git log -1 --format=%b)" "$(printf '\342\200\246')message on every start

Body."

# With -v git puts the diff below a scissors line; the draft still goes on top.
printf 'verbose\n' >v.txt
git add v.txt
fake_reply '{"text":"test: add v"}'
git commit -q -v
check_eq "commit -v gets the draft" "$(git_msg)" "test: add v"

# Another comment character: git's lines are still told from the user's text.
git config core.commentChar ';'
printf 'semi\n' >semi.txt
git add semi.txt
fake_reply '{"text":"chore: add semi"}'
git commit -q
check_eq "core.commentChar: the draft is written" "$(git_msg)" "chore: add semi"
check_contains "core.commentChar: git's own lines kept below it" "$(cat "$T/seen")" "chore: add semi

; Please enter the commit message"
git config --unset core.commentChar

# A line that starts with the comment character and has no line above it to
# join (the subject, a paragraph's first line) keeps its text behind one space.
printf 'issue\n' >issue.txt
git add issue.txt
fake_reply '{"text":"#1234: stop the crash on empty input\n\n#1234 was the cause: the parser read\npast the end.\n#5 too.\n\n#6 opens this one."}'
git commit -q
check_eq "comment character: no line of the draft is lost" "$(git_msg)" " #1234: stop the crash on empty input

 #1234 was the cause: the parser read
past the end. #5 too.

 #6 opens this one."
git config core.commentChar ';'
printf 'semi-issue\n' >semi-issue.txt
git add semi-issue.txt
fake_reply '{"text":"fix: x\n\n#1234 is not a comment here.\n\n;5 is one."}'
git commit -q
check_eq "core.commentChar: its lines are kept, '#' ones as they are" "$(git_msg)" "fix: x

#1234 is not a comment here.

 ;5 is one."
git config core.commentChar auto
printf 'auto-issue\n' >auto-issue.txt
git add auto-issue.txt
fake_reply '{"text":"fix: y\n\n#1234 was the cause.\n\n;5 and :6 too."}'
git commit -q
check_eq "core.commentChar auto: no line of the draft is lost" "$(git_msg)" "fix: y

 #1234 was the cause.

 ;5 and :6 too."
git config --unset core.commentChar

# A template of comments alone (commit.template) asks for a message all the same.
printf '# type(scope): summary\n#\n# Why the change?\n' >"$T/template-comments"
git config commit.template "$T/template-comments"
printf 'tc\n' >tc.txt
git add tc.txt
fake_reply '{"text":"feat: add tc"}'
git commit -q
check_eq "template of comments alone: drafted" "$(git_msg)" "feat: add tc"
check_contains "template of comments alone: its lines kept below the draft" "$(cat "$T/seen")" \
    "feat: add tc

# type(scope): summary"
git config --unset commit.template

# The trailers git adds to an empty message (-s, --trailer) get the draft above them.
printf 'signed\n' >signed.txt
git add signed.txt
fake_reply '{"text":"feat: add signed\n\nIt was missing."}'
git commit -q -s --trailer "Reviewed-by: R <r@example.com>" 2>"$T/commit.err"
check_eq "commit -s, --trailer: drafted above git's trailers" "$(git_msg | sed 4q)" "feat: add signed

It was missing."
check_eq "commit -s, --trailer: git's trailers kept, in the last paragraph" \
    "$(git_msg | sed 1,4d | sort)" "Reviewed-by: R <r@example.com>
Signed-off-by: $(git config user.name) <$(git config user.email)>"
check_contains "commit -s: says what the draft cost" "$(cat "$T/commit.err")" "llm: drafted on cheap"

# --- messages the user gave are left alone ----------------------------------
fake_reset
fake_default '{"text":"chore: should never be used"}'
printf 'a\n' >a.txt
git add a.txt
git commit -q -m "message from -m"
check_eq "-m: message kept" "$(git_msg)" "message from -m"
printf 'b\n' >b.txt
git add b.txt
printf 'from a file\n' >"$T/msgfile"
git commit -q -F "$T/msgfile"
check_eq "-F: message kept" "$(git_msg)" "from a file"
printf 'template text\n' >"$T/template"
printf 't\n' >t.txt
git add t.txt
# git refuses an untouched template, so this editor edits it.
printf '#!/bin/sh\ncp "$1" "$EDITOR_SEEN"\nprintf "edited\\n" >>"$1"\n' >"$T/editor-edit"
chmod +x "$T/editor-edit"
GIT_EDITOR="$T/editor-edit" git commit -q -t "$T/template"
check_eq "template: the user's template kept" "$(head -n 1 "$T/seen")" "template text"
git commit -q --amend
check_eq "amend: message kept" "$(git_msg)" "template text

edited"
git commit -q --amend -C HEAD
git checkout -q -b side
printf 'side\n' >side.txt
git add side.txt
git commit -q -m "side work"
git checkout -q main
printf 'main\n' >main.txt
git add main.txt
git commit -q -m "main work"
git merge -q --no-ff side >/dev/null 2>&1
check_eq "merge: git's message kept" "$(git_msg)" "Merge branch 'side'"
git checkout -q -b side2
printf 'squashed\n' >sq.txt
git add sq.txt
git commit -q -m "to squash"
git checkout -q main
git merge -q --squash side2 >/dev/null 2>&1
git commit -q
check_contains "squash: git's message kept" "$(git_msg)" "Squashed commit of the following:"
check_eq "no request for -m, -F, template, amend, merge or squash" "$(fake_count)" 0
fake_reset

# --- failures leave the message as it was, say one line, exit 0 ------------
# staged but not committed: run the hook's command by hand on a copy of git's text
printf 'x\n' >fail.txt
git add fail.txt
printf '\n# Please enter the commit message for your changes.\n#\n# On branch main\n' >"$T/msg.orig"
t_config_append "[git]
model = test-cheap"

cp "$T/msg.orig" "$T/msg"
fake_default '{"status":500}'
run_llm git commit-msg "$T/msg"
check_rc "provider failure: exit 0" 0
check "provider failure: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "provider failure: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
check_contains "provider failure: says why" "$ERR" "llm: commit message not drafted: "
fake_reset

# An error after some text: the hook throws the text away and does not say it was kept.
cp "$T/msg.orig" "$T/msg"
fake_reply '{"fault":"error_event","text":"feat: a draft cut short by an error"}'
run_llm git commit-msg "$T/msg"
check "error mid-reply: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_contains "error mid-reply: says so" "$ERR" "llm: commit message not drafted: openai: error during the reply"
check_not_contains "error mid-reply: no word of a partial answer kept" "$ERR" "partial answer"
fake_reset

# A reply the length limit or the provider's filter stopped may end mid-sentence: no draft.
for stop in length:"cut off at the length limit" filter:"stopped by the provider's filter"; do
	cp "$T/msg.orig" "$T/msg"
	fake_reply "{\"text\":\"feat: add fail\\n\\nThe parser now reads the whole\",\"stop\":\"${stop%%:*}\",\"usage\":{\"input\":1000,\"output\":100}}"
	run_llm git commit-msg "$T/msg"
	check "stopped by ${stop%%:*}: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
	check_eq "stopped by ${stop%%:*}: one line says why, and what it cost" "$RC $ERR" \
	    "0 llm: commit message not drafted: the reply was ${stop#*:}; billed on cheap (test-cheap), \$0.00014"
done
fake_reset

# Advice on another tier names the hook's setting: -t is llm's option, not git commit's.
cp "$T/msg.orig" "$T/msg"
fake_default '{"status":429,"retry_after":"100"}'
run_llm git commit-msg "$T/msg"
check_contains "rate limited: says so" "$ERR" "HTTP 429"
check_contains "rate limited: points at [git] tier" "$ERR" "another tier with [git] tier in config.ini"
check_not_contains "rate limited: not at llm's -t" "$ERR" "with -t"
fake_reset

# A runaway reply is no draft; over the 1 MB the reply passes through, it was cut short unsaid.
for words in 4000 250000; do
	t_py -c 'import json, sys
print(json.dumps({"text": "feat: ramble\n\n" + "word " * int(sys.argv[1])}))' "$words" >"$T/spec"
	curl -sS --noproxy '*' -o /dev/null -H 'content-type: application/json' \
	    --data-binary @"$T/spec" "$FAKE_URL/_control/reply"
	cp "$T/msg.orig" "$T/msg"
	run_llm git commit-msg "$T/msg"
	check "reply of $words words: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
	check_eq "reply of $words words: exit 0 and one line" "$RC $(wc -l <"$T/err" | tr -d ' ')" "0 1"
	check_contains "reply of $words words: says why, and what it cost" "$ERR" \
	    "llm: commit message not drafted: the reply was over 16 KB, too long for a commit message; billed on cheap (test-cheap), \$0."
done
fake_reset

cp "$T/msg.orig" "$T/msg"
fake_reply '{"text":""}'
run_llm git commit-msg "$T/msg"
check "empty reply: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "empty reply: one line, exit 0" "$RC $(wc -l <"$T/err" | tr -d ' ')" "0 1"
check_contains "empty reply: says what it cost" "$ERR" \
    "llm: commit message not drafted: the reply was empty; billed on cheap (test-cheap), "
fake_reset

# Only Unicode spaces and zero widths look empty in git log: no draft either.
for text in '\u00a0' '\u2003\n\u200b\u3000\n\ufeff'; do
	cp "$T/msg.orig" "$T/msg"
	fake_reply "{\"text\":\"$text\"}"
	run_llm git commit-msg "$T/msg"
	check "invisible reply $text: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
	check_eq "invisible reply $text: one line, exit 0" "$RC $(wc -l <"$T/err" | tr -d ' ')" "0 1"
	check_contains "invisible reply $text: says so" "$ERR" \
	    "llm: commit message not drafted: the reply was empty; billed on cheap (test-cheap), "
	fake_reset
done

cp "$T/msg.orig" "$T/msg"
unset OPENAI_API_KEY
run_llm git commit-msg "$T/msg"
export OPENAI_API_KEY=sk-test-openai-0001
check_rc "missing key: exit 0" 0
check "missing key: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "missing key: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
check_contains "missing key: says so" "$ERR" "llm: commit message not drafted: "
check_eq "missing key: no request sent" "$(fake_count)" 0

# Over the budget: not drafted, and the budget is given as it was set, not to the cent.
cp "$T/msg.orig" "$T/msg"
sed -i 's/^budget = 0$/budget = 1.0005\nbudget_action = block/' "$LLM_CONFIG_DIR/config.ini"
t_ledger_sql "INSERT INTO usage (time, model, tier, cost_pico, estimated, status)
	VALUES ($(date +%s), 'test-cheap', 'cheap', 1000400000000, false, 'ok')"
run_llm git commit-msg "$T/msg"
check "over the budget: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_contains "over the budget: the budget as set" "$ERR" " of \$1.0005); raise it"
check_eq "over the budget: no request sent" "$(fake_count)" 0
t_ledger_sql "DELETE FROM usage WHERE cost_pico = 1000400000000"
sed -i -e 's/^budget = 1.0005$/budget = 0/' -e '/^budget_action = block$/d' "$LLM_CONFIG_DIR/config.ini"

# The user already wrote text: nothing to draft.
printf 'my own words\n\n# comment\n' >"$T/msg"
cp "$T/msg" "$T/msg.own"
fake_reply '{"text":"feat: not wanted"}'
run_llm git commit-msg "$T/msg"
check "text of the user's own is kept" cmp -s "$T/msg" "$T/msg.own"
check_eq "...without a request" "$(fake_count)" 0
fake_reset

# Nothing staged.
git reset -q
cp "$T/msg.orig" "$T/msg"
run_llm git commit-msg "$T/msg"
check "nothing staged: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "nothing staged: one line" "$ERR" "llm: commit message not drafted: nothing is staged"
git add fail.txt 2>/dev/null

# A stalled provider: the message stays, and the commit goes on after [git] timeout.
t_config_append "timeout = 2"
# A staged diff that is slow to read (gigabytes) counts against the same time limit.
mkdir -p "$T/slowgit"
cat >"$T/slowgit/git" <<EOF
#!/bin/sh
case " \$* " in *" diff --cached --no-color "*) sleep 30 ;; esac
exec $(command -v git) "\$@"
EOF
chmod +x "$T/slowgit/git"
cp "$T/msg.orig" "$T/msg"
OLDPATH=$PATH
PATH="$T/slowgit:$PATH"
start=$(date +%s)
run_llm git commit-msg "$T/msg"
end=$(date +%s)
PATH=$OLDPATH
check_eq "slow git diff: exit 0 and one line" "$RC $ERR" \
    "0 llm: commit message not drafted: git diff --cached did not finish within 2 s; raise [git] timeout in config.ini to wait longer"
check "slow git diff: back within a few seconds of the limit" test $((end - start)) -lt 6
check "slow git diff: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "slow git diff: no request sent" "$(fake_count)" 0
# A wait the server asks for that ends past the time limit: said at once, not hidden by it.
# The limit is long here, so "at once" is far from "at the limit" even on a loaded machine.
sed -i 's/^timeout = 2$/timeout = 30/' "$LLM_CONFIG_DIR/config.ini"
cp "$T/msg.orig" "$T/msg"
fake_default '{"status":429,"retry_after":"60"}'
start=$(date +%s)
run_llm git commit-msg "$T/msg"
end=$(date +%s)
check_contains "Retry-After past the time limit: says what the server said" "$ERR" "HTTP 429"
check_contains "Retry-After past the time limit: and the wait it asked for" "$ERR" "wait 60 s"
check "Retry-After past the time limit: at once, not at the 30 s limit" test $((end - start)) -lt 10
check "Retry-After past the time limit: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
sed -i 's/^timeout = 30$/timeout = 2/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
cp "$T/msg.orig" "$T/msg"
fake_reply '{"fault":"stall","seconds":30}'
run_llm git commit-msg "$T/msg"
check "timeout: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "timeout: exit 0 and one line" "$RC $ERR" "0 llm: commit message not drafted: no reply within 2 s; raise [git] timeout in config.ini to wait longer"
fake_reply '{"fault":"stall","seconds":30}'
start=$(date +%s)
git commit -q 2>"$T/commit.err"
rc=$?
end=$(date +%s)
check_eq "timeout: the commit goes on" "$rc $(git_msg)" "0 manual message"
check "timeout: within a few seconds of the limit" test $((end - start)) -lt 10
check_not_contains "timeout: no draft reached the editor" "$(cat "$T/seen")" "not drafted"
check_eq "timeout: one line on stderr" "$(cat "$T/commit.err")" \
    "llm: commit message not drafted: no reply within 2 s; raise [git] timeout in config.ini to wait longer"
check_not_contains "timeout: no reservation left open" "$(usage_rows)" "reserved"
t_write_config
fake_reset

# [git] timeout = 0 is no wait at all: refused as a config error naming the line, never
# taken for the default 20 s; the hook still says one line and lets the commit go on.
t_config_append "[git]
timeout = 0"
line=$(grep -c '' "$LLM_CONFIG_DIR/config.ini")
cp "$T/msg.orig" "$T/msg"
run_llm git commit-msg "$T/msg"
check_eq "timeout = 0: exit 0 and one line naming the file and line" "$RC $ERR" \
    "0 llm: commit message not drafted: $LLM_CONFIG_DIR/config.ini:$line: timeout: expected a number of seconds from 1 to 86400, got '0'"
check "timeout = 0: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
run_llm config check
check_rc "timeout = 0: llm config check: exit 2" 2
t_write_config

# --- core.hooksPath ----------------------------------------------------------
new_repo hookspath
git config core.hooksPath .githooks
mkdir sub
cd sub || exit 1
run_llm git install-hook
cd "$R" || exit 1
check_rc "core.hooksPath: install exits 0" 0
check "core.hooksPath: hook in the work tree's .githooks" test -x "$R/.githooks/prepare-commit-msg"
check "core.hooksPath: not in .git/hooks" test ! -e "$R/.git/hooks/prepare-commit-msg"
printf 'x\n' >x.txt
git add x.txt
fake_reply '{"text":"docs: add x"}'
git commit -q
check_eq "core.hooksPath: the hook ran" "$(git_msg)" "docs: add x"
run_llm git uninstall-hook
check_rc "core.hooksPath: uninstall exits 0" 0
check "core.hooksPath: uninstall removed it" test ! -e "$R/.githooks/prepare-commit-msg"
fake_reset

# --- a foreign hook ------------------------------------------------------------
new_repo foreign
HOOK=$R/.git/hooks/prepare-commit-msg
printf '#!/bin/sh\n# someone else'\''s hook\nexit 0\n' >"$HOOK"
chmod +x "$HOOK"
cp "$HOOK" "$T/foreign.orig"
run_llm git install-hook
check_rc "foreign hook: install refuses (exit 2)" 2
check_contains "foreign hook: message names --force" "$ERR" "--force"
check "foreign hook: left as it was" cmp -s "$HOOK" "$T/foreign.orig"
run_llm git uninstall-hook
check_rc "foreign hook: uninstall refuses (exit 2)" 2
check "foreign hook: uninstall left it" cmp -s "$HOOK" "$T/foreign.orig"
check_eq "foreign hook: uninstall says it is not llm's" "$ERR" \
    "llm: git uninstall-hook: $HOOK is not llm's hook; left as it is"
run_llm git install-hook --force
check_rc "foreign hook: --force replaces it" 0
check "foreign hook: now llm's" grep -q "^# llm-git-hook: " "$HOOK"
check "foreign hook: --force kept the old one aside" cmp -s "$HOOK.llm-backup" "$T/foreign.orig"
check_contains "foreign hook: --force says where the old one is" "$OUT" "$HOOK.llm-backup"
run_llm git install-hook --force
check_rc "foreign hook: --force over llm's own hook" 0
check "foreign hook: the backup is still the user's" cmp -s "$HOOK.llm-backup" "$T/foreign.orig"
run_llm git uninstall-hook
check_rc "uninstall exits 0" 0
check "uninstall put the user's hook back" cmp -s "$HOOK" "$T/foreign.orig"
check "uninstall: the put-back hook is executable" test -x "$HOOK"
check "uninstall: no backup left" test ! -e "$HOOK.llm-backup"
check_contains "uninstall says so" "$OUT" "restored $HOOK"
rm -f "$HOOK"
run_llm git uninstall-hook
check_eq "uninstall with no hook: exit 0" "$RC" 0
# llm's hook deleted by hand: uninstall still puts back the one it replaced
cp "$T/foreign.orig" "$HOOK"
run_llm git install-hook --force
rm "$HOOK"
run_llm git uninstall-hook
check_rc "hook deleted by hand: uninstall exits 0" 0
check "hook deleted by hand: the user's hook is back" cmp -s "$HOOK" "$T/foreign.orig"
check "hook deleted by hand: no backup left" test ! -e "$HOOK.llm-backup"
rm -f "$HOOK"

# A hook of the user's own that carries llm's marker line is still theirs.
{ cat "$T/foreign.orig"; printf '%s\n' "# llm-git-hook: written by 'llm git install-hook'"; } >"$HOOK"
chmod +x "$HOOK"
cp "$HOOK" "$T/marked.orig"
run_llm git install-hook
check_rc "marker only: install refuses (exit 2)" 2
check "marker only: left as it was" cmp -s "$HOOK" "$T/marked.orig"
run_llm git uninstall-hook
check_rc "marker only: uninstall refuses (exit 2)" 2
check "marker only: uninstall left it" cmp -s "$HOOK" "$T/marked.orig"
# llm's own hook with a line added by hand is no longer llm's
run_llm git install-hook --force
rm -f "$HOOK.llm-backup"
printf 'npm test\n' >>"$HOOK"
cp "$HOOK" "$T/edited.orig"
run_llm git install-hook
check_rc "edited hook: install refuses (exit 2)" 2
check "edited hook: left as it was" cmp -s "$HOOK" "$T/edited.orig"
check_eq "edited hook: install says it was changed" "$ERR" \
    "llm: git install-hook: $HOOK was changed since llm wrote it; left as it is (use --force to replace it)"
cp "$T/foreign.orig" "$HOOK.llm-backup"
run_llm git uninstall-hook
check_rc "edited hook: uninstall refuses (exit 2)" 2
check "edited hook: uninstall left it" cmp -s "$HOOK" "$T/edited.orig"
check_eq "edited hook: uninstall says it was changed, and where the old hook is" "$ERR" \
    "llm: git uninstall-hook: $HOOK was changed since llm wrote it; left as it is (remove it by hand, and put back the hook it replaced, $HOOK.llm-backup)"
check "edited hook: the backup stays" cmp -s "$HOOK.llm-backup" "$T/foreign.orig"
rm -f "$HOOK" "$HOOK.llm-backup"
cd "$T" || exit 1
run_llm git install-hook
check_rc "outside a repository: exit 2" 2

# --- a 5 MB diff with a lock file, a minified file and a binary --------------
new_repo big
python3 - <<'EOF'
import json, os
deps = {"lockfileVersion": 3, "packages": {}}
for i in range(30000):
    deps["packages"]["node_modules/pkg%05d" % i] = {"version": "1.0.%d" % i, "resolved": "LOCKLINE-%d" % i,
                                                  "integrity": "sha512-" + "x" * 40}
with open("package-lock.json", "w") as f:
    json.dump(deps, f, indent=2)
os.makedirs("src", exist_ok=True)
with open("src/big.c", "w") as f:
    for i in range(40000):
        f.write("int value_%d = %d; /* a line of the big source file */\n" % (i, i))
with open("app.min.js", "w") as f:
    f.write("MINIFIED" * 20000 + "\n")
with open("logo.png", "wb") as f:
    f.write(bytes(range(256)) * 64)
EOF
printf 'src/gen.c linguist-generated\n' >.gitattributes
printf 'int generated = 1; /* GENERATED-BY-TOOL */\n' >src/gen.c
git add -A
size=$(git diff --cached | wc -c)
check "the staged diff is over 5 MB" test "$size" -gt 5000000
t_config_append "[git]
max_tokens = 2000"
fake_reply '{"text":"feat: add the big table"}'
cp "$T/msg.orig" "$T/msg"
run_llm git commit-msg "$T/msg"
check_rc "big diff: exit 0" 0
check_eq "big diff: drafted" "$(head -n 1 "$T/msg")" "feat: add the big table"
fake_last body.messages.1.content >"$T/sent"
sent=$(wc -c <"$T/sent" | tr -d ' ')
check "big diff: cut to the budget (2000 tokens, 8000 bytes)" test "$sent" -le 8200
check "big diff: but not to nothing" test "$sent" -gt 4000
check "big diff: no lock file content" sh -c "! grep -q LOCKLINE '$T/sent'"
check "big diff: no minified content" sh -c "! grep -q MINIFIED '$T/sent'"
check "big diff: no linguist-generated content" sh -c "! grep -q GENERATED-BY-TOOL '$T/sent'"
check "big diff: the source file's name" grep -q "^diff --git a/src/big.c b/src/big.c" "$T/sent"
check "big diff: the start of its hunk" grep -q "^+int value_0 = 0;" "$T/sent"
check "big diff: says what was cut" grep -q "more lines of this hunk cut" "$T/sent"
check "big diff: lists what was left out" grep -q \
    "package-lock.json (lock file)" "$T/sent"
t_write_config

# --- a draft stays on its tier ----------------------------------------------------
# No cheap model has a key: the hook does not draft on a dearer tier unasked.
sed -i 's/^models = test-cheap, test-local$/models = test-cheap/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
saved_key=$OPENAI_API_KEY
unset OPENAI_API_KEY
cp "$T/msg.orig" "$T/msg"
run_llm git commit-msg "$T/msg"
check_rc "no cheap key: exit 0" 0
check "no cheap key: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "no cheap key: no request" "$(fake_count)" 0
check_eq "no cheap key: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
check_contains "no cheap key: says which tier has none" "$ERR" "no model of the cheap tier has a key"
check_contains "no cheap key: says how to draft on another" "$ERR" \
    "or choose another tier with [git] tier in config.ini"
# Chosen in config, the dearer tier drafts.
t_config_append "[git]
tier = mid"
fake_reply '{"text":"feat: drafted on the tier chosen"}'
cp "$T/msg.orig" "$T/msg"
run_llm git commit-msg "$T/msg"
check_eq "[git] tier = mid: drafted" "$(head -n 1 "$T/msg")" "feat: drafted on the tier chosen"
check_eq "[git] tier = mid: on mid" "$(fake_last body.model)" test-mid-1
export OPENAI_API_KEY="$saved_key"
fake_reset
t_write_config

# A misspelt [git] model is a config error naming its line, which llm config
# check finds: not a surprise at every commit. A provider/model-id pin needs
# only its provider.
t_config_append "[git]
model = test-cheapp"
line=$(grep -c '' "$LLM_CONFIG_DIR/config.ini")
run_llm config check
check_rc "[git] model unknown: llm config check: exit 2" 2
check_contains "[git] model unknown: config check names the line" "$ERR" \
    "$LLM_CONFIG_DIR/config.ini:$line: [git] model: unknown model 'test-cheapp'"
cp "$T/msg.orig" "$T/msg"
run_llm git commit-msg "$T/msg"
check_eq "[git] model unknown: exit 0 and one line naming the file and line" "$RC $ERR" \
    "0 llm: commit message not drafted: $LLM_CONFIG_DIR/config.ini:$line: [git] model: unknown model 'test-cheapp' (see llm models, or give provider/model-id)"
check "[git] model unknown: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
sed -i 's|^model = test-cheapp$|model = openai/pinned-id-1|' "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "[git] model provider/model-id: llm config check: exit 0" 0
fake_reply '{"text":"feat: drafted on the pin"}'
run_llm git commit-msg "$T/msg"
check_eq "[git] model provider/model-id: drafted" "$(head -n 1 "$T/msg")" "feat: drafted on the pin"
check_eq "[git] model provider/model-id: sent to it" "$(fake_last body.model)" pinned-id-1
fake_reset
t_write_config

# --- usage errors -------------------------------------------------------------
run_llm git
check_rc "llm git with no command: exit 2" 2
run_llm git frobnicate
check_rc "llm git with an unknown command: exit 2" 2

[ "$T_FAIL" -eq 0 ]
