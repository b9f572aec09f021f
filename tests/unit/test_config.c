/* test_config: config.ini parsing, defaults, XDG paths and file:line errors. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "router.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/llm-test-config.XXXXXX";

/* Remove dir/config.ini, if there is one. */
static void
remove_config(void)
{
	char *path = xstrfmt("%s/config.ini", dir);

	unlink(path);
	free(path);
}

static void
write_config(const char *text)
{
	char *path = xstrfmt("%s/config.ini", dir);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	free(path);
}

static void
defaults_without_file(void)
{
	struct config cfg;
	char *cause = NULL;

	remove_config();
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK(!cfg.loaded);
	CHECK_INT(cfg.tier, TIER_AUTO);
	CHECK_INT(cfg.budget, 0);
	CHECK_INT(cfg.budget_action, BUDGET_DOWNGRADE);
	CHECK(cfg.escalate);
	CHECK(cfg.quality == ROUTER_QUALITY_DEFAULT);
	CHECK_STR(cfg.theme, "default");
	CHECK_INT(cfg.git_tier, TIER_CHEAP);
	CHECK_INT(cfg.git_timeout, 20);
	CHECK(config_provider(&cfg, "openai") != NULL);
	CHECK_STR(config_provider(&cfg, "openai")->base_url, "https://api.openai.com/v1");
	CHECK_STR(config_provider(&cfg, "anthropic")->key_env, "ANTHROPIC_API_KEY");
	CHECK_INT(config_provider(&cfg, "gemini")->api, API_GEMINI);
	CHECK_INT(config_provider(&cfg, "deepseek")->api, API_OPENAI);
	CHECK_STR(config_provider(&cfg, "openrouter")->base_url, "https://openrouter.ai/api/v1");
	CHECK(config_provider(&cfg, "groq") && config_provider(&cfg, "mistral") &&
	    config_provider(&cfg, "together") && config_provider(&cfg, "fireworks"));
	CHECK(!config_provider(&cfg, "ollama")->requires_key);
	CHECK_STR(config_provider(&cfg, "ollama")->base_url, "http://localhost:11434");
	CHECK(config_provider(&cfg, "nope") == NULL);
	config_done(&cfg);
}

static void
design_example(void)
{
	struct config cfg;
	char *cause = NULL;
	const struct provider_conf *pc;

	write_config("[llm]\n"
	    "tier = auto               ; default tier\n"
	    "budget = 50               ; USD per calendar month\n"
	    "budget_action = block\n"
	    "escalate = no\n"
	    "theme = light\n"
	    "\n[tier.cheap]\n"
	    "models = deepseek-v4-flash, gpt-5-mini   ; in order\n"
	    "\n[provider.work]\n"
	    "api = openai\n"
	    "base_url = https://llm-gateway.example.com/v1\n"
	    "key_env = WORK_API_KEY\n"
	    "key_command = pass show work/llm\n"
	    "requires_key = yes\n"
	    "\n[model.local-qwen]\n"
	    "provider = work\n"
	    "id = qwen3:8b\n"
	    "tier = cheap\n"
	    "input_price = 0.14\n"
	    "output_price = 0.28\n"
	    "cached_input_price = 0.0028\n"
	    "context = 32768\n"
	    "\n[git]\ntier = mid\ntimeout = 5\n"
	    "\n[agent]\ndeny = *.secret, config/prod.ini\nallow = edit, run\n"
	    "allow_run = make test, go test\nallow_secret = .env.example\n"
	    "\n[keys]\nretry = C-r\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	if (cause)
		fprintf(stderr, "%s\n", cause);
	CHECK(cfg.loaded);
	CHECK_INT(cfg.budget, 50000000000000LL);
	CHECK_INT(cfg.budget_action, BUDGET_BLOCK);
	CHECK(!cfg.escalate);
	CHECK_STR(cfg.theme, "light");
	CHECK_INT(cfg.tiers[TIER_CHEAP].n, 2);
	CHECK_STR(cfg.tiers[TIER_CHEAP].models[1], "gpt-5-mini");
	pc = config_provider(&cfg, "work");
	CHECK(pc != NULL && !pc->builtin);
	CHECK_STR(pc->key_command, "pass show work/llm");
	CHECK_INT(cfg.nmodels, 1);
	CHECK_STR(cfg.models[0].id, "qwen3:8b");
	CHECK_INT(cfg.models[0].tier, TIER_CHEAP);
	/* dollars per million tokens are pico-dollars per token */
	CHECK_INT(cfg.models[0].in_price, 140000);
	CHECK_INT(cfg.models[0].out_price, 280000);
	CHECK_INT(cfg.models[0].cached_price, 2800);
	CHECK_INT(cfg.models[0].cache_write_price, -1);
	CHECK_INT(cfg.models[0].context, 32768);
	CHECK_INT(cfg.git_tier, TIER_MID);
	CHECK_INT(cfg.git_timeout, 5);
	CHECK_INT(cfg.nkeys, 1);
	CHECK_STR(cfg.key_values[0], "C-r");
	CHECK(cfg.agent_deny != NULL && cfg.agent_deny[2] == NULL);
	CHECK_STR(cfg.agent_deny[1], "config/prod.ini");
	CHECK_STR(cfg.agent_allow[1], "run");
	CHECK_STR(cfg.agent_allow_run[0], "make test");
	CHECK_STR(cfg.agent_allow_run[1], "go test");
	CHECK(cfg.agent_allow_secret != NULL && cfg.agent_allow_secret[1] == NULL);
	config_done(&cfg);
}

/* The quality the router aims at: a share above 0 and at most 1. */
static void
quality_share(void)
{
	struct config cfg;
	char *cause = NULL;

	write_config("[llm]\nquality = 0.95\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK(cfg.quality > 0.9495 && cfg.quality < 0.9505);
	config_done(&cfg);
	write_config("[llm]\nquality = 1.5\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	CHECK(cause && strstr(cause, "config.ini:2: quality: expected a share above 0 and at most 1") != NULL);
	free(cause);
	cause = NULL;
	config_done(&cfg);
	write_config("[llm]\nquality = 0\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	free(cause);
	config_done(&cfg);
}

/* [git] timeout: a wait of 1 s or more; 0 is refused, never taken for the default. */
static void
git_timeout_seconds(void)
{
	struct config cfg;
	char *cause = NULL;

	write_config("[git]\ntimeout = 5\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_INT(cfg.git_timeout, 5);
	config_done(&cfg);
	write_config("[git]\ntimeout = 0\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	CHECK(cause && strstr(cause, "config.ini:2: timeout: expected a number of seconds from 1 "
	    "to 86400, got '0'") != NULL);
	free(cause);
	cause = NULL;
	config_done(&cfg);
	write_config("[git]\ntimeout = 86401\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	free(cause);
	cause = NULL;
	config_done(&cfg);
	/* the agent's commands too: 0 was taken silently for the default */
	write_config("[agent]\nrun_timeout = 0\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	CHECK(cause && strstr(cause, "config.ini:2: run_timeout: expected a number of seconds from "
	    "1 to 86400, got '0'") != NULL);
	free(cause);
	cause = NULL;
	config_done(&cfg);
	write_config("[agent]\nrun_timeout = 30\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_INT(cfg.agent_run_timeout, 30);
	config_done(&cfg);
}

static void
errors_have_file_and_line(void)
{
	struct config cfg;
	char *cause = NULL, *want;

	write_config("[llm]\n"
	    "tier = huge\n"
	    "budget = fifty\n"
	    "colour = blue\n"
	    "[model.x]\n"
	    "provider = nowhere\n"
	    "input_price = 0.0000001\n"
	    "[weird]\n"
	    "a = b\n"
	    "c = d\n"
	    "[agent]\n"
	    "allow = edit, delete\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	CHECK(cause && strstr(cause, "config.ini:12: allow: unknown tool 'delete' (use edit, "
	    "write or run)") != NULL);
	CHECK(cfg.agent_allow == NULL);
	CHECK(cause != NULL);
	want = xstrfmt("%s/config.ini:2: tier: unknown tier 'huge'", dir);
	CHECK(cause && strstr(cause, want) != NULL);
	free(want);
	CHECK(cause && strstr(cause, "config.ini:3: budget: expected an amount") != NULL);
	CHECK(cause && strstr(cause, "config.ini:4: [llm]: unknown key 'colour'") != NULL);
	CHECK(cause && strstr(cause, "config.ini:7: input_price") != NULL);
	CHECK(cause && strstr(cause, "config.ini:9: unknown section [weird]") != NULL);
	/* once for the section, not again for its second key */
	CHECK(cause && strstr(cause, "config.ini:10: unknown section") == NULL);
	CHECK(cause && strstr(cause, "config.ini:6: [model.x]: unknown provider 'nowhere'") != NULL);
	free(cause);
	config_done(&cfg);
}

/* A key above the first [section] is an error that names the section it belongs in. */
static void
key_before_section(void)
{
	struct config cfg;
	char *cause = NULL;

	write_config("budget = 5\n"
	    "colour = blue\n"
	    "[llm]\n"
	    "tier = cheap\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	CHECK(cause && strstr(cause, "config.ini:1: 'budget' is above every [section], where "
	    "nothing reads it: put it under [llm]") != NULL);
	CHECK(cause && strstr(cause, "config.ini:2: 'colour' is above every [section]") != NULL);
	free(cause);
	config_done(&cfg);
}

/* [model.NAME] vision: yes or no; unset stays unknown, and anything else is an error. */
static void
model_vision(void)
{
	struct config cfg;
	char *cause = NULL;

	write_config("[model.a]\nprovider = ollama\nvision = yes\n"
	    "[model.b]\nprovider = ollama\nvision = no\n"
	    "[model.c]\nprovider = ollama\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_INT(cfg.nmodels, 3);
	CHECK_INT(cfg.models[0].vision, MODEL_VISION_YES);
	CHECK_INT(cfg.models[1].vision, MODEL_VISION_NO);
	CHECK_INT(cfg.models[2].vision, MODEL_VISION_UNKNOWN);
	config_done(&cfg);
	write_config("[model.a]\nprovider = ollama\nvision = sometimes\n");
	CHECK_INT(config_load(&cfg, &cause), -1);
	CHECK(cause && strstr(cause, "config.ini:3: vision: expected yes or no, got 'sometimes'") != NULL);
	free(cause);
	config_done(&cfg);
}

static void
xdg_paths(void)
{
	struct config cfg;
	char *cause = NULL;

	unsetenv("LLM_CONFIG_DIR");
	unsetenv("LLM_DATA_DIR");
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_STR(cfg.path, "/xdg/config/llm/config.ini");
	CHECK_STR(cfg.data_dir, "/xdg/data/llm");
	config_done(&cfg);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/someone", 1);
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_STR(cfg.path, "/home/someone/.config/llm/config.ini");
	CHECK_STR(cfg.data_dir, "/home/someone/.local/share/llm");
	config_done(&cfg);
	setenv("LLM_CONFIG_DIR", dir, 1);
}

/* Without HOME, or with a relative one, the password database's home; relative XDG_* are ignored. */
static void
home_fallback(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *homes[] = { NULL, "", "relative" };
	struct config cfg;
	char *cause = NULL, *want;
	size_t i;

	if (pw == NULL || pw->pw_dir[0] != '/')
		return;
	unsetenv("LLM_CONFIG_DIR");
	unsetenv("LLM_DATA_DIR");
	setenv("XDG_CONFIG_HOME", "rel/config", 1);
	unsetenv("XDG_DATA_HOME");
	want = xstrfmt("%s/.config/llm/config.ini", strcmp(pw->pw_dir, "/") ? pw->pw_dir : "");
	for (i = 0; i < ARRAY_SIZE(homes); i++) {
		if (homes[i] == NULL)
			unsetenv("HOME");
		else
			setenv("HOME", homes[i], 1);
		CHECK_INT(config_load(&cfg, &cause), 0);
		CHECK_STR(cfg.path, want);
		CHECK(cfg.data_dir != NULL && cfg.data_dir[0] == '/');
		config_done(&cfg);
	}
	free(want);
	unsetenv("XDG_CONFIG_HOME");
	setenv("LLM_CONFIG_DIR", dir, 1);
	setenv("LLM_DATA_DIR", dir, 1);
}

static bool
known_model(void *arg, const char *name)
{
	(void)arg;
	return strcmp(name, "real-model") == 0;
}

/* A name in [tier.*] models that no model has is reported with its line. */
static void
tier_model_typo(void)
{
	struct config cfg;
	char *cause = NULL, *want;

	write_config("[llm]\n"
	    "[tier.cheap]\n"
	    "models = real-model, test-chaep\n"
	    "[tier.mid]\n"
	    "models = real-model\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_INT(config_check_models(&cfg, known_model, NULL, &cause), -1);
	want = xstrfmt("%s/config.ini:3: unknown model 'test-chaep'", dir);
	CHECK(cause != NULL && strstr(cause, want) == cause);
	CHECK(cause != NULL && strchr(cause, '\n') == NULL);
	free(want);
	free(cause);
	cause = NULL;
	config_done(&cfg);
	write_config("[tier.cheap]\nmodels = real-model\n");
	CHECK_INT(config_load(&cfg, &cause), 0);
	CHECK_INT(config_check_models(&cfg, known_model, NULL, &cause), 0);
	config_done(&cfg);
}

static void
fixed_point(void)
{
	int64_t v;

	CHECK(str_to_fixed("0.14", 6, &v) && v == 140000);
	CHECK(str_to_fixed("50", 12, &v) && v == 50000000000000LL);
	CHECK(str_to_fixed("0.0028", 6, &v) && v == 2800);
	CHECK(str_to_fixed("1.50000000", 6, &v) && v == 1500000);
	CHECK(!str_to_fixed("0.0000001", 6, &v));
	CHECK(!str_to_fixed("1e3", 6, &v));
	CHECK(!str_to_fixed("", 6, &v));
	CHECK(!str_to_fixed(".", 6, &v));
	CHECK(!str_to_fixed("-1", 6, &v));
	CHECK(!str_to_fixed("99999999999999999999", 0, &v));
	CHECK(!str_to_fixed("9300000", 12, &v));
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("LLM_CONFIG_DIR", dir, 1);
	setenv("LLM_DATA_DIR", dir, 1);
	RUN(defaults_without_file);
	RUN(design_example);
	RUN(errors_have_file_and_line);
	RUN(key_before_section);
	RUN(quality_share);
	RUN(git_timeout_seconds);
	RUN(model_vision);
	RUN(xdg_paths);
	RUN(fixed_point);
	RUN(home_fallback);
	RUN(tier_model_typo);
	remove_config();
	rmdir(dir);
	UNIT_EXIT();
}
