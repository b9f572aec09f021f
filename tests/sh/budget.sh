#!/bin/sh
# budget.sh: `llm budget` reads the meter from the ledger; `llm budget set` edits config.ini in place.
set -u
LLM=${LLM_BIN:?LLM_BIN must name the llm binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LLM_CONFIG_DIR="$tmp/cfg" LLM_DATA_DIR="$tmp/data" TZ=UTC0 NO_COLOR=1
cfg="$LLM_CONFIG_DIR/config.ini"
db="$LLM_DATA_DIR/llm.db"
fails=0
# The interpreter itself, not a version-manager shim: it starts much faster.
PY=$(python3 -I -S -c 'import sys; print(sys.executable)' 2>/dev/null) || PY=python3

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1"; echo "#   got '$2', want '$3'" >&2; fi
}
json() {
	"$PY" -I -S -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# same NAME FILE: the config file is exactly what was expected ($tmp/want).
same() {
	if cmp -s "$2" "$tmp/want"; then ok "$1"; else notok "$1"; diff "$tmp/want" "$2" >&2; fi
}
sql() { sqlite3 "$db" "$1"; }

export LLM_NOW=$(date -u -d '2026-11-16 00:00:00' +%s)
nov=$(date -u -d '2026-11-01 00:00:00' +%s)

# No config file yet: it is created with the section.
"$LLM" budget set 50 >"$tmp/out" 2>&1
check "budget set on no config exits 0" "$?" 0
printf '[llm]\nbudget = 50\n' >"$tmp/want"
same "budget set creates the file and the section" "$cfg"
grep -q '\$50.00' "$tmp/out" && ok "budget set says what it set" || notok "budget set says what it set"
"$LLM" budget --json >"$tmp/b.json"
check "the new budget is read back" "$(json "$tmp/b.json" 'j["limit_pico"]')" 50000000000000

# An existing file: comments, other sections and the inline comment are kept.
cat >"$cfg" <<'EOF'
; my llm settings
[llm]
tier = auto               ; default tier
budget = 50               ; USD per calendar month
budget_action = block
;budget = 20
# budget = 30

[tier.cheap]
models = deepseek-v4-flash   ; budget = 3 here is not the budget
EOF
chmod 600 "$cfg"
"$LLM" budget set '$12.50' >/dev/null
check "budget set with a dollar sign exits 0" "$?" 0
cat >"$tmp/want" <<'EOF'
; my llm settings
[llm]
tier = auto               ; default tier
budget = 12.5 ; USD per calendar month
budget_action = block
;budget = 20
# budget = 30

[tier.cheap]
models = deepseek-v4-flash   ; budget = 3 here is not the budget
EOF
same "budget set edits only the budget line of [llm]" "$cfg"
check "the file keeps its mode" "$(stat -c %a "$cfg")" 600

# [llm] without a budget line: it goes right under the header.
printf '[llm]\r\ntier = cheap\r\n\r\n[git]\r\ntier = cheap\r\n' >"$cfg"
"$LLM" budget set 0.25 >/dev/null
printf '[llm]\r\nbudget = 0.25\ntier = cheap\r\n\r\n[git]\r\ntier = cheap\r\n' >"$tmp/want"
same "budget is added under [llm]" "$cfg"

# No [llm] section: one is added at the end; a file with no final newline is handled.
printf '[git]\ntier = mid' >"$cfg"
"$LLM" budget set 100 >/dev/null
printf '[git]\ntier = mid\n\n[llm]\nbudget = 100\n' >"$tmp/want"
same "a new [llm] section is appended" "$cfg"

# Setting 0 turns the budget off.
"$LLM" budget set 0 >"$tmp/out"
printf '[git]\ntier = mid\n\n[llm]\nbudget = 0\n' >"$tmp/want"
same "budget set 0 writes 0" "$cfg"
grep -q 'no monthly budget' "$tmp/out" && ok "budget set 0 says there is none" ||
	notok "budget set 0 says there is none"

# A symlinked config (dotfiles) is edited through the link, and the link stays.
mkdir -p "$tmp/dotfiles"
printf '[llm]\nbudget = 1\n' >"$tmp/dotfiles/llm.ini"
rm -f "$cfg"
ln -s "$tmp/dotfiles/llm.ini" "$cfg"
"$LLM" budget set 2 >/dev/null
[ -L "$cfg" ] && ok "the symlink is kept" || notok "the symlink is kept"
printf '[llm]\nbudget = 2\n' >"$tmp/want"
same "the symlink's target is edited" "$tmp/dotfiles/llm.ini"

# Bad amounts change nothing and exit 2.
for bad in abc -5 1.1234567 99999999999999 '' 1e3; do
	cp "$tmp/dotfiles/llm.ini" "$tmp/before"
	"$LLM" budget set "$bad" >/dev/null 2>"$tmp/err"
	check "budget set '$bad' is a usage error" "$?" 2
	if cmp -s "$tmp/before" "$tmp/dotfiles/llm.ini"; then ok "budget set '$bad' leaves the file"; else
		notok "budget set '$bad' leaves the file"; fi
done
"$LLM" budget set >/dev/null 2>&1
check "budget set without an amount is a usage error" "$?" 2
"$LLM" budget --no-color >/dev/null 2>&1
check "the global --no-color is accepted" "$?" 0
"$LLM" budget --bogus >/dev/null 2>&1
check "an unknown option is a usage error" "$?" 2

# The meter: $12.40 spent (one unknown, one estimated), $0.31 reserved, half the month gone.
rm -f "$cfg"
printf '[llm]\nbudget = 50\nbudget_action = block\n' >"$cfg"
"$LLM" budget >/dev/null
sql "INSERT INTO usage (time, model, tier, cost_pico, estimated, status) VALUES
	($nov + 10, 'gpt-5-mini', 'cheap', 10000000000000, 0, 'ok'),
	($nov + 86400, 'claude-sonnet-4-6', 'mid', 2400000000000, 1, 'ok'),
	($nov + 90000, 'mystery', 'mid', NULL, 0, 'ok'),
	($nov - 5, 'gpt-5-mini', 'cheap', 9000000000000, 0, 'ok');
INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires)
	VALUES ($LLM_NOW - 10, 'gpt-5-mini', 'cheap', 310000000000, 'reserved', 1, $LLM_NOW + 3590);"
"$LLM" budget --json >"$tmp/b.json"
check "spent" "$(json "$tmp/b.json" 'j["spent_pico"]')" 12400000000000
check "reserved" "$(json "$tmp/b.json" 'j["reserved_pico"]')" 310000000000
check "limit" "$(json "$tmp/b.json" 'j["limit_pico"]')" 50000000000000
check "left" "$(json "$tmp/b.json" 'j["left_pico"]')" $((50000000000000 - 12400000000000 - 310000000000))
check "percent" "$(json "$tmp/b.json" 'j["percent"]')" 24.8
check "days left, today included" "$(json "$tmp/b.json" 'j["days_left"]')" 15
check "projected from half a month" "$(json "$tmp/b.json" 'j["projected_pico"]')" 24800000000000
check "unknown counted apart" "$(json "$tmp/b.json" 'j["unknown_count"]')" 1
check "estimated flagged" "$(json "$tmp/b.json" 'j["estimated"]')" True
check "action" "$(json "$tmp/b.json" 'j["action"]')" block
check "month" "$(json "$tmp/b.json" 'j["month"]')" 2026-11
check "spent_usd" "$(json "$tmp/b.json" 'j["spent_usd"]')" 12.4
check "spent equals the SQL sum" "$(json "$tmp/b.json" 'j["spent_pico"]')" \
	"$(sql "SELECT sum(cost_pico) FROM usage WHERE status <> 'reserved' AND time >= $nov")"

"$LLM" budget >"$tmp/text"
check "budget exits 0" "$?" 0
grep -q '^November 2026 .* ~\$12.40 of \$50.00 (24%)' "$tmp/text" && ok "the headline" ||
	{ notok "the headline"; cat "$tmp/text" >&2; }
grep -q 'reserved *\$0.31 in flight' "$tmp/text" && ok "reserved shown" || notok "reserved shown"
grep -q 'projected *~\$24.80' "$tmp/text" && ok "projection shown" || notok "projection shown"
grep -q '1 request of unknown cost' "$tmp/text" && ok "unknown shown" || notok "unknown shown"

# After an hour a reservation whose process cannot be checked is charged at its worst case,
# as an estimate: it counts against the budget, but apart from what was spent.
LLM_NOW=$((LLM_NOW + 3600)) "$LLM" budget --json >"$tmp/b.json"
check "an expired reservation is counted apart" \
	"$(json "$tmp/b.json" '(j["spent_pico"], j["expired_pico"], j["counted_pico"], j["reserved_pico"])')" \
	"(12400000000000, 310000000000, 12710000000000, 0)"
check "an expired reservation leaves less" "$(json "$tmp/b.json" 'j["left_pico"]')" \
	$((50000000000000 - 12710000000000))
LLM_NOW=$((LLM_NOW + 3600)) "$LLM" budget >"$tmp/text"
grep -q 'spent *~\$12.40 (4 requests)' "$tmp/text" && ok "text: spent without the expired" ||
	{ notok "text: spent without the expired"; cat "$tmp/text" >&2; }
grep -q 'expired *~\$0.31 held' "$tmp/text" && ok "text: the expired shown apart" ||
	{ notok "text: the expired shown apart"; cat "$tmp/text" >&2; }

# Over the budget: left goes negative and the text says over.
sql "INSERT INTO usage (time, model, tier, cost_pico, status) VALUES ($nov + 20, 'x', 'frontier', 40000000000000, 'ok')"
"$LLM" budget >"$tmp/text"
grep -q 'left *~\$2.71 over' "$tmp/text" && ok "over budget shown" || { notok "over budget shown"; cat "$tmp/text" >&2; }

# December rolls at local midnight: nothing spent yet.
LLM_NOW=$(date -u -d '2026-12-01 00:00:00' +%s) "$LLM" budget --json >"$tmp/b.json"
check "a new month starts empty" "$(json "$tmp/b.json" '(j["month"], j["spent_pico"], j["days_left"])')" \
	"('2026-12', 0, 31)"
exit 0
