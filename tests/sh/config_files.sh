# config_files.sh: where the config and the ledger live without a usable HOME,
# and names in [tier.*] models that match no model, checked once every model is known.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# A typo in a tier's list: every command refuses with file:line, config check too.
t_config_append "[tier.cheap]
models = test-chaep, test-local"
line=$(grep -n '^models = test-chaep' "$LLM_CONFIG_DIR/config.ini" | cut -d: -f1)
run_llm config check
check_rc "tier typo: config check exits 2" 2
check_contains "tier typo: config check names file and line" "$ERR" \
    "$LLM_CONFIG_DIR/config.ini:$line: unknown model 'test-chaep'"
run_llm -q "hello there"
check_rc "tier typo: a question exits 2" 2
check_eq "tier typo: a question names file and line, and what to do, as other config errors" \
    "$ERR" "$LLM_CONFIG_DIR/config.ini:$line: unknown model 'test-chaep' in [tier.cheap] (see llm models)
llm: fix the config (llm config check shows every error)"
check_eq "tier typo: nothing sent" "$(fake_count)" 0
run_llm route "hello there"
check_rc "tier typo: route exits 2" 2
run_llm budget
check_rc "tier typo: budget exits 2" 2
run_llm config show
check_rc "tier typo: config show exits 2" 2
check_contains "tier typo: config show names it" "$ERR" "unknown model 'test-chaep'"

# A section header without its closing bracket is a syntax error, said even
# when the keys under it fail too (they fall into the section before it).
t_write_config
t_config_append "[llm
tier = mid"
line=$(grep -n '^\[llm$' "$LLM_CONFIG_DIR/config.ini" | cut -d: -f1)
run_llm config check
check_rc "unclosed section: config check exits 2" 2
check_contains "unclosed section: the line and what is wrong" "$ERR" \
    "$LLM_CONFIG_DIR/config.ini:$line: syntax error: a section header needs its closing ]"
run_llm -q "hello there"
check_rc "unclosed section: a question exits 2" 2
check_contains "unclosed section: a question says it too" "$ERR" "config.ini:$line: syntax error"
t_write_config
t_config_append "[llm]
budget = 5
garbage"
line=$(grep -n '^garbage$' "$LLM_CONFIG_DIR/config.ini" | cut -d: -f1)
run_llm config check
check_contains "a line that is no key: what a line may be" "$ERR" \
    "config.ini:$line: syntax error: expected key = value, a [section] or a ; comment"

# Names resolved after the whole file is read: a [model.*] section further
# down, and a model imported into models.json.
t_write_config
t_config_append "[tier.cheap]
models = later-model, groq/llama-imported
$(t_model later-model openai later-1 cheap 0.1 0.2)"
cat >"$T/prices.json" <<'JSON'
{"groq/llama-imported": {"litellm_provider": "groq", "mode": "chat",
  "input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07}}
JSON
# the import itself needs a valid config: import first, then point a tier at it
cp "$LLM_CONFIG_DIR/config.ini" "$T/config.later"
t_write_config
run_llm models import "$T/prices.json"
check_rc "import for a tier: exit 0" 0
cp "$T/config.later" "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "later [model.*] and imported model: config check ok" 0
fake_reply '{"text":"from the later model"}'
run_llm -q -t cheap "hello there"
check_rc "later [model.*]: a question works" 0
check_eq "later [model.*]: first in the tier answers" "$(fake_last body.model)" later-1
t_write_config

# A data directory llm cannot use: said as such, with what to do, exit 2.
: >"$T/a-file"
LLM_DATA_DIR="$T/a-file" run_llm -q "hello there"
check_rc "data directory is a file: exit 2" 2
check_contains "data directory is a file: said" "$ERR" \
    "llm: the data directory $T/a-file is not a directory; point LLM_DATA_DIR at one llm can write"
LLM_DATA_DIR="$T/a-file/llm" run_llm budget
check_rc "data directory cannot be made: exit 2" 2
check_contains "data directory cannot be made: said" "$ERR" \
    "the data directory $T/a-file/llm cannot be made (Not a directory); point LLM_DATA_DIR at one llm can write"
if [ "$(id -u)" != 0 ]; then
	mkdir "$T/ro-data" && chmod 555 "$T/ro-data"
	LLM_DATA_DIR="$T/ro-data" run_llm budget
	check_contains "data directory read-only: said" "$ERR" \
	    "the data directory $T/ro-data is not writable (Permission denied)"
fi

# Without HOME (cron, systemd, env -i): the password database's home, never
# a path relative to the current directory. XDG_* that are relative are ignored.
pw_home=$(getent passwd "$(id -u)" | cut -d: -f6)
mkdir -p "$T/cwd"
(
	cd "$T/cwd" || exit 1
	env -u HOME -u LLM_CONFIG_DIR -u LLM_DATA_DIR -u XDG_CONFIG_HOME -u XDG_DATA_HOME \
	    "$LLM_BIN" config path >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	env -u LLM_CONFIG_DIR -u LLM_DATA_DIR HOME= XDG_CONFIG_HOME=rel/config \
	    XDG_DATA_HOME=rel/data "$LLM_BIN" config path >"$T/out2" 2>"$T/err2"
	env -u LLM_CONFIG_DIR -u LLM_DATA_DIR -u XDG_CONFIG_HOME -u XDG_DATA_HOME \
	    HOME=relative/home "$LLM_BIN" config path >"$T/out3" 2>"$T/err3"
)
check_eq "no HOME: exit 0" "$(cat "$T/rc")" 0
check_contains "no HOME: config from the password database's home" "$(cat "$T/out")" \
    "config: ${pw_home%/}/.config/llm/config.ini"
check_contains "no HOME: ledger from the password database's home" "$(cat "$T/out")" \
    "data:   ${pw_home%/}/.local/share/llm/llm.db"
check_contains "empty HOME, relative XDG: config absolute" "$(cat "$T/out2")" \
    "config: ${pw_home%/}/.config/llm/config.ini"
check_contains "empty HOME, relative XDG: ledger absolute" "$(cat "$T/out2")" \
    "data:   ${pw_home%/}/.local/share/llm/llm.db"
check_contains "relative HOME: config absolute" "$(cat "$T/out3")" \
    "config: ${pw_home%/}/.config/llm/config.ini"
check_eq "no HOME: nothing made in the current directory" "$(ls -A "$T/cwd")" ""


# A config that is there but cannot be read is an error, never the built-in
# defaults in its place (its budget and providers would go unsaid): a file
# named as the config directory, a directory named config.ini.
: >"$T/a-file"
mkdir -p "$T/dir-config/config.ini"
for dir in "$T/a-file" "$T/dir-config"; do
	LLM_CONFIG_DIR=$dir run_llm config check
	check_rc "config in $dir: config check exits 2" 2
	check_contains "config in $dir: config check says why" "$ERR" "$dir/config.ini: "
	LLM_CONFIG_DIR=$dir run_llm route "hello there"
	check_rc "config in $dir: route exits 2" 2
done

# base_url: only http:// and https://, and no user or password in it (never repeated).
t_write_config
t_config_append "[provider.work]
api = openai
base_url = ftp://x
[provider.work2]
api = openai
base_url = https://user:hunter2pass@example.com/v1
[provider.work3]
api = openai
base_url = HTTPS://api.example.com/v1"
run_llm config check
check_rc "base_url: config check exits 2" 2
check_contains "base_url ftp://: refused, saying what is wanted" "$ERR" \
    "[provider.work]: base_url: expected an http:// or https:// URL"
check_contains "base_url with a password: refused" "$ERR" \
    "[provider.work2]: base_url: a user name or password does not belong in the URL"
check_not_contains "base_url with a password: the password is not repeated" "$ERR" "hunter2pass"
check_not_contains "base_url HTTPS:// in capitals: taken" "$ERR" "[provider.work3]"
run_llm -q "hello there"
check_rc "base_url refused: a request exits 2" 2
check_not_contains "base_url refused: the password is not in a request's message" "$ERR" "hunter2pass"

# An API key written into config.ini: refused with where it belongs, the value never repeated.
t_write_config
sed -i 's|^\[provider.openai\]$|&\napi_key = sk-live-SECRET111|; s|^\[llm\]$|&\nkey = sk-live-SECRET222|' \
    "$LLM_CONFIG_DIR/config.ini"
t_config_append "token = sk-live-SECRET333"
sed -i '1i API_KEY = sk-live-SECRET444' "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "api key in the file: config check exits 2" 2
check_contains "api key under a provider: names the keyring command for it" "$ERR" \
    "[provider.openai]: 'api_key': an API key does not belong in config.ini; store it in the OS keyring with llm keys set openai, or name where it is with key_env or key_command under [provider.openai]"
check_contains "key under [llm]: names the fix" "$ERR" \
    "[llm]: 'key': an API key does not belong in config.ini; store it in the OS keyring with llm keys set PROVIDER, or name where it is with key_env or key_command under [provider.NAME]"
check_contains "token under a tier: names the fix" "$ERR" \
    "[tier.frontier]: 'token': an API key does not belong in config.ini"
check_contains "a key above every section: names the fix" "$ERR" \
    "config.ini:1: 'API_KEY': an API key does not belong in config.ini"
check_not_contains "api key in the file: not called an unknown key" "$ERR" "unknown key"
check_not_contains "api key in the file: the value is never shown" "$ERR" "SECRET"
n=$(fake_count)
run_llm -q "hello there"
check_rc "api key in the file: a question exits 2" 2
check_not_contains "api key in the file: a question shows no value" "$ERR$OUT" "SECRET"
check_eq "api key in the file: nothing sent" "$(fake_count)" "$n"
t_write_config

# The key pasted as key_env's value: refused, never repeated (it was the name
# of a variable in "$sk-... is not set", on every request and in the logs).
for v in sk-proj-SECRET555abcdefgh gsk_SECRET666abcdefghijklmnopqrstuv1234 \
    SECRET777abcdefghijklmnopqrstuv12; do
	t_write_config
	sed -i "s|^\[provider.openai\]\$|&\nkey_env = $v|" "$LLM_CONFIG_DIR/config.ini"
	run_llm config check
	check_rc "key_env = a key ($v): config check exits 2" 2
	check_contains "key_env = a key ($v): says what goes there" "$ERR" \
	    "[provider.openai]: key_env: not the name of an environment variable"
	run_llm -q -m test-cheap "hello there"
	check_rc "key_env = a key ($v): a question exits 2" 2
	check_not_contains "key_env = a key ($v): the value is never shown" "$ERR$OUT" "SECRET"
done
t_write_config
sed -i 's|^\[provider.openai\]$|&\nkey_env = LLM_TEST_OPENAI_KEY_2|' "$LLM_CONFIG_DIR/config.ini"
export LLM_TEST_OPENAI_KEY_2=sk-test-other-0009
run_llm -q -m test-cheap "hello there"
unset LLM_TEST_OPENAI_KEY_2
check_rc "key_env = a variable's name: exit 0" 0
check_eq "key_env = a variable's name: its key sent" "$(fake_last headers.authorization)" \
    "Bearer sk-test-other-0009"
t_write_config

# [llm] theme names a file found only when it is used: config check looks for
# it, and says so when it is missing or broken, where llm chat would start
# with the default colours.
sed -i 's/^tier = auto$/&\ntheme = no-such-theme/' "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "missing theme: config check exits 2" 2
check_contains "missing theme: config check names it" "$ERR" \
    "$LLM_CONFIG_DIR/config.ini: [llm] theme: theme 'no-such-theme' not found"
check_eq "missing theme: nothing said ok" "$OUT" ""
mkdir -p "$LLM_CONFIG_DIR/themes"
printf 'not a theme\n' >"$LLM_CONFIG_DIR/themes/broken.theme"
sed -i 's/^theme = no-such-theme$/theme = broken/' "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "broken theme: config check exits 2" 2
check_contains "broken theme: config check says where" "$ERR" \
    "[llm] theme: $LLM_CONFIG_DIR/themes/broken.theme:1:"
sed -i 's/^theme = broken$/theme = mono/' "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "installed theme: config check exits 0" 0
t_write_config
