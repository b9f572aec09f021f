/* test_catalog: built-in facts, lookups, tiers, config overrides, LiteLLM import and persistence. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "config.h"
#include "tmpdir.h"
#include "unit.h"
#include "util.h"

static void
test_tier_names(void)
{
	enum tier t = TIER_CHEAP;

	CHECK(tier_parse("frontier", &t));
	CHECK_INT(t, TIER_FRONTIER);
	CHECK(tier_parse("AUTO", &t));
	CHECK_INT(t, TIER_AUTO);
	CHECK(!tier_parse("premium", &t));
	CHECK(!tier_parse(NULL, &t));
	CHECK_STR(tier_str(TIER_MID), "mid");
	CHECK_STR(tier_str(TIER_AUTO), "auto");
}

static void
test_blended_tier(void)
{
	/* deepseek-v4-flash: (0.42 + 0.28) / 4 = 0.175 */
	CHECK_INT(catalog_tier_for_price(140000, 280000), TIER_CHEAP);
	/* exactly $0.50 blended is no longer cheap */
	CHECK_INT(catalog_tier_for_price(500000, 500000), TIER_MID);
	CHECK_INT(catalog_tier_for_price(499999, 500000), TIER_CHEAP);
	/* exactly $5 blended is still mid, a pico more is frontier */
	CHECK_INT(catalog_tier_for_price(5000000, 5000000), TIER_MID);
	CHECK_INT(catalog_tier_for_price(5000000, 5000001), TIER_FRONTIER);
	CHECK_INT(catalog_tier_for_price(PRICE_UNKNOWN, 1), TIER_MID);
}

static void
test_builtins(void)
{
	struct catalog *cat = catalog_new(NULL, NULL);
	const struct model *m, *list[16];
	size_t n, i;

	CHECK(catalog_count(cat) >= 15);
	m = catalog_find(cat, "deepseek-v4-flash");
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_STR(m->provider, "deepseek");
		CHECK_INT(m->in_price, 140000);
		CHECK_INT(m->out_price, 280000);
		CHECK_INT(m->cached_price, 2800);
		CHECK_INT(m->context, 1000000);
		CHECK_INT(m->tier, TIER_CHEAP);
	}
	m = catalog_find(cat, "anthropic/claude-sonnet-4-6");
	CHECK(m != NULL && m->cache_write_price == 3750000 && m->cache_write_1h_price == 6000000);
	/* The wire id finds a model when it is unique. */
	m = catalog_find(cat, "gemini-3.1-pro-preview");
	CHECK(m != NULL && strcmp(m->name, "gemini-3.1-pro") == 0);
	CHECK(catalog_find(cat, "no-such-model") == NULL);
	CHECK(catalog_find(cat, "openai/no-such-model") == NULL);
	for (i = 0; i < catalog_count(cat); i++) {
		m = catalog_at(cat, i);
		CHECK(m->name && m->provider && m->id && m->tier >= TIER_CHEAP && m->tier < TIER_COUNT);
		CHECK(m->in_price >= 0 && m->out_price >= 0 && m->context > 0);
	}
	n = catalog_tier(cat, TIER_CHEAP, list, ARRAY_SIZE(list));
	CHECK(n >= 4);
	CHECK_STR(list[0]->name, "deepseek-v4-flash");
	n = catalog_tier(cat, TIER_FRONTIER, list, ARRAY_SIZE(list));
	CHECK(n >= 2);
	for (i = 0; i < n; i++)
		CHECK_INT(list[i]->tier, TIER_FRONTIER);
	CHECK_INT(catalog_tier(cat, TIER_MID, list, 1), 1);
	catalog_free(cat);
}

static void
test_adhoc(void)
{
	struct catalog *cat = catalog_new(NULL, NULL);
	const struct model *a = catalog_adhoc(cat, "work", "qwen3:8b");
	const struct model *b = catalog_adhoc(cat, "work", "qwen3:8b");

	CHECK(a == b);
	CHECK_STR(a->provider, "work");
	CHECK_STR(a->id, "qwen3:8b");
	CHECK_INT(a->tier, TIER_MID);
	CHECK_INT(a->in_price, PRICE_UNKNOWN);
	CHECK_INT(a->out_price, PRICE_UNKNOWN);
	catalog_free(cat);
}

static void
test_config_overrides(void)
{
	struct config cfg;
	struct model_conf mc[2];
	char *cheap[] = { "local-qwen", "nope", "mistral-small" };
	const struct model *m, *list[4];
	struct catalog *cat;
	char *cause = NULL;

	memset(&cfg, 0, sizeof(cfg));
	memset(mc, 0, sizeof(mc));
	mc[0] = (struct model_conf){ .name = "local-qwen", .provider = "work", .id = "qwen3:8b",
		.tier = TIER_CHEAP, .in_price = 0, .out_price = 0, .cached_price = 0,
		.cache_write_price = PRICE_UNKNOWN, .context = 32768 };
	mc[1] = (struct model_conf){ .name = "gpt-5.4", .tier = TIER_AUTO,
		.in_price = 2000000, .out_price = PRICE_UNKNOWN, .cached_price = PRICE_UNKNOWN,
		.cache_write_price = PRICE_UNKNOWN };
	cfg.models = mc;
	cfg.nmodels = 2;
	cfg.path = "config.ini";
	cfg.tiers[TIER_CHEAP].models = cheap;
	cfg.tiers[TIER_CHEAP].n = 3;
	cfg.tiers[TIER_CHEAP].line = 7;
	/* a name no model has is an error, not a model silently left out */
	CHECK(catalog_new(&cfg, &cause) == NULL);
	CHECK(cause != NULL && strcmp(cause, "config.ini:7: unknown model 'nope' in [tier.cheap] "
	    "(see llm models)") == 0);
	free(cause);
	cheap[1] = "mistral-small";
	cfg.tiers[TIER_CHEAP].n = 2;
	cat = catalog_new(&cfg, NULL);
	m = catalog_find(cat, "local-qwen");
	CHECK(m != NULL && m->in_price == 0 && m->context == 32768 && strcmp(m->id, "qwen3:8b") == 0);
	m = catalog_find(cat, "gpt-5.4");
	CHECK(m != NULL && m->in_price == 2000000 && m->out_price == 15000000 && m->tier == TIER_MID);
	CHECK_INT(catalog_tier(cat, TIER_CHEAP, list, 4), 2);
	CHECK_STR(list[0]->name, "local-qwen");
	CHECK_STR(list[1]->name, "mistral-small");
	catalog_free(cat);
}

static const char sample_json[] =
	"{\"sample_spec\": {\"mode\": \"chat\", \"litellm_provider\": \"openai\"},"
	" \"last_updated\": \"2026-07-24\","
	" \"together_ai/Qwen/Qwen3-X\": {\"litellm_provider\": \"together_ai\", \"mode\": \"chat\","
	"   \"input_cost_per_token\": 1.2e-07, \"output_cost_per_token\": 3.3e-07,"
	"   \"cache_read_input_token_cost\": 3.625e-09, \"max_input_tokens\": 262144},"
	" \"gpt-big\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
	"   \"input_cost_per_token\": 1.5e-05, \"output_cost_per_token\": 6e-05,"
	"   \"input_cost_per_token_above_272k_tokens_priority\": 6e-05,"
	"   \"input_cost_per_token_above_272k_tokens\": 3e-05,"
	"   \"output_cost_per_token_above_272k_tokens\": 9e-05,"
	"   \"cache_read_input_token_cost_above_272k_tokens\": 3e-06},"
	" \"gpt-mid\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
	"   \"input_cost_per_token\": 0.0000011, \"output_cost_per_token\": 0.0000044},"
	" \"tiered\": {\"litellm_provider\": \"openrouter\", \"mode\": \"chat\"},"
	" \"embed\": {\"litellm_provider\": \"openai\", \"mode\": \"embedding\", \"input_cost_per_token\": 1e-08},"
	" \"xai/grok\": {\"litellm_provider\": \"xai\", \"mode\": \"chat\", \"input_cost_per_token\": 1e-06},"
	" \"deepseek/deepseek-v4-flash\": {\"litellm_provider\": \"deepseek\", \"mode\": \"chat\","
	"   \"input_cost_per_token\": 1.5e-07, \"output_cost_per_token\": 2.8e-07}"
	"}";

/* gpt-big's long-prompt prices: the *_above_272k_tokens keys, not the _priority one. */
static void
check_long(const struct model *m)
{
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK_INT(m->lng.above, 272000);
	CHECK_INT(m->lng.in_price, 30000000);
	CHECK_INT(m->lng.out_price, 90000000);
	CHECK_INT(m->lng.cached_price, 3000000);
	CHECK_INT(m->lng.cache_write_price, PRICE_UNKNOWN);
	CHECK_INT(m->lng.cache_write_1h_price, PRICE_UNKNOWN);
}

static void
test_import_sample(void)
{
	struct catalog *cat = catalog_new(NULL, NULL);
	const struct model *m;
	size_t n = 0, before = catalog_count(cat);
	char *cause = NULL;

	CHECK_INT(catalog_import(cat, sample_json, sizeof(sample_json) - 1, &n, &cause), 0);
	CHECK_INT(n, 5);
	CHECK_INT(catalog_import_skipped(cat), 2);
	CHECK_INT(catalog_count(cat), before + 4);
	m = catalog_find(cat, "together/Qwen/Qwen3-X");
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_STR(m->provider, "together");
		CHECK_STR(m->id, "Qwen/Qwen3-X");
		CHECK_INT(m->in_price, 120000);
		CHECK_INT(m->out_price, 330000);
		CHECK_INT(m->cached_price, 3625);
		CHECK_INT(m->cache_write_price, PRICE_UNKNOWN);
		CHECK_INT(m->context, 262144);
		CHECK_INT(m->tier, TIER_CHEAP);
	}
	m = catalog_find(cat, "gpt-big");
	CHECK(m != NULL && m->in_price == 15000000 && m->out_price == 60000000 && m->tier == TIER_FRONTIER);
	check_long(m);
	m = catalog_find(cat, "openai/gpt-mid");
	CHECK(m != NULL && m->lng.above == 0);
	m = catalog_find(cat, "openai/gpt-mid");
	CHECK(m != NULL && m->in_price == 1100000 && m->out_price == 4400000 && m->tier == TIER_MID);
	m = catalog_find(cat, "openrouter/tiered");
	CHECK(m != NULL && m->in_price == PRICE_UNKNOWN && m->tier == TIER_MID);
	/* A known model gets the list's prices and keeps its name and tier. */
	m = catalog_find(cat, "deepseek-v4-flash");
	CHECK(m != NULL && m->in_price == 150000 && m->tier == TIER_CHEAP);
	CHECK(catalog_find(cat, "openai/embed") == NULL);
	CHECK_INT(catalog_import(cat, "[1,2]", 5, &n, &cause), -1);
	CHECK(cause != NULL);
	free(cause);
	catalog_free(cat);
}

/* Ollama's cloud models are listed at $0 but billed by Ollama: unknown, never free; local ones stay free. */
static void
test_import_ollama_cloud(void)
{
	static const char json[] =
		"{\"ollama/gpt-oss:120b-cloud\": {\"litellm_provider\": \"ollama\", \"mode\": \"chat\","
		"   \"input_cost_per_token\": 0.0, \"output_cost_per_token\": 0.0},"
		" \"ollama/gpt-oss:20b\": {\"litellm_provider\": \"ollama\", \"mode\": \"chat\","
		"   \"input_cost_per_token\": 0.0, \"output_cost_per_token\": 0.0}}";
	struct catalog *cat = catalog_new(NULL, NULL);
	const struct model *m;
	char *cause = NULL;
	size_t n = 0;

	CHECK_INT(catalog_import(cat, json, sizeof(json) - 1, &n, &cause), 0);
	CHECK_INT(n, 2);
	m = catalog_find(cat, "ollama/gpt-oss:120b-cloud");
	CHECK(m != NULL && m->in_price == PRICE_UNKNOWN && m->out_price == PRICE_UNKNOWN);
	m = catalog_find(cat, "ollama/gpt-oss:20b");
	CHECK(m != NULL && m->in_price == 0 && m->out_price == 0);
	catalog_free(cat);
}

/* Prices become pico-dollars exactly, through their decimal text; below a pico-dollar rounds half up. */
static void
test_import_rounding(void)
{
	static const char json[] =
		"{\"a\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
		"  \"input_cost_per_token\": 1.5e-12, \"output_cost_per_token\": 1e-13,"
		"  \"cache_read_input_token_cost\": -1e-06, \"cache_creation_input_token_cost\": 0.000015},"
		" \"b\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
		"  \"input_cost_per_token\": 7.5e-05, \"output_cost_per_token\": 1e+300}}";
	struct catalog *cat = catalog_new(NULL, NULL);
	const struct model *m;
	char *cause = NULL;
	size_t n = 0;

	CHECK_INT(catalog_import(cat, json, sizeof(json) - 1, &n, &cause), 0);
	CHECK_INT(n, 2);
	m = catalog_find(cat, "openai/a");
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_INT(m->in_price, 2);
		CHECK_INT(m->out_price, 0);
		CHECK_INT(m->cached_price, PRICE_UNKNOWN);
		CHECK_INT(m->cache_write_price, 15000000);
	}
	m = catalog_find(cat, "openai/b");
	CHECK(m != NULL && m->in_price == 75000000 && m->out_price == PRICE_UNKNOWN);
	catalog_free(cat);
}

/* An empty config whose data directory is sub (NULL: itself) of a new one made from template dir. */
static void
config_in_tmp(struct config *cfg, char *dir, const char *sub)
{
	CHECK(mkdtemp(dir) != NULL);
	memset(cfg, 0, sizeof(*cfg));
	cfg->data_dir = sub != NULL ? xstrfmt("%s/%s", dir, sub) : xstrdup(dir);
}

static void
test_import_persists(void)
{
	char dir[] = "/tmp/llm-test-catalog-XXXXXX";
	struct config cfg;
	struct catalog *cat;
	const struct model *m;
	char *cause = NULL;
	size_t n;

	config_in_tmp(&cfg, dir, "sub"); /* not there yet: saving makes it */
	cat = catalog_new(&cfg, &cause);
	CHECK(cat != NULL);
	CHECK_INT(catalog_import(cat, sample_json, sizeof(sample_json) - 1, &n, &cause), 0);
	CHECK_INT(catalog_save(cat, &cause), 0);
	catalog_free(cat);
	cat = catalog_new(&cfg, &cause);
	CHECK(cat != NULL);
	if (cat != NULL) {
		m = catalog_find(cat, "together/Qwen/Qwen3-X");
		CHECK(m != NULL && m->in_price == 120000 && m->cached_price == 3625);
		m = catalog_find(cat, "deepseek-v4-flash");
		CHECK(m != NULL && m->in_price == 150000);
		m = catalog_find(cat, "openrouter/tiered");
		CHECK(m != NULL && m->in_price == PRICE_UNKNOWN);
		check_long(catalog_find(cat, "gpt-big"));
	}
	catalog_free(cat);
	tmpdir_remove(dir);
	free(cfg.data_dir);
}

/* The reference price list imports whole, and every built-in agrees with it. */
static void
test_import_reference(void)
{
	const char *top = getenv("LLM_TOP");
	char *path = xstrfmt("%s/../shared/reference/pricing/model_prices_and_context_window.json",
	    top ? top : ".");
	struct catalog *ref, *cat;
	cJSON *root;
	char *json = NULL, *cause = NULL;
	size_t len, n = 0, i;

	if (access(path, R_OK) != 0) {
		printf("# skip: %s not present\n", path);
		free(path);
		return;
	}
	CHECK_INT(file_read(path, 64u << 20, &json, &len, &cause), 0);
	ref = catalog_new(NULL, NULL);
	cat = catalog_new(NULL, NULL);
	CHECK_INT(catalog_import(ref, json, len, &n, &cause), 0);
	CHECK(n > 300);
	CHECK(catalog_import_skipped(ref) > 0);
	root = cJSON_Parse(json);
	for (i = 0; i < catalog_count(cat); i++) {
		const struct model *b = catalog_at(cat, i), *r = catalog_at(ref, i);
		char *key = xstrfmt("%s/%s", b->provider, b->id);

		/* Each built-in is in the list, under "provider/id" or its bare id. */
		if (!cJSON_HasObjectItem(root, key) && !cJSON_HasObjectItem(root, b->id)) {
			fprintf(stderr, "built-in %s is not in the price list\n", b->name);
			unit_bad = 1;
		}
		free(key);

		if (r->in_price != b->in_price || r->out_price != b->out_price ||
		    r->cached_price != b->cached_price || r->cache_write_price != b->cache_write_price ||
		    r->cache_write_1h_price != b->cache_write_1h_price || r->context != b->context ||
		    r->max_output != b->max_output || r->vision != b->vision ||
		    memcmp(&r->lng, &b->lng, sizeof(r->lng)) != 0) {
			fprintf(stderr, "built-in %s differs from the price list\n", b->name);
			unit_bad = 1;
		}
	}
	cJSON_Delete(root);
	catalog_free(ref);
	catalog_free(cat);
	free(json);
	free(path);
}

/* Which models take images: the built-ins, LiteLLM's supports_vision, config's vision. */
static void
test_vision(void)
{
	static const char json[] =
		"{\"seeing\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
		"  \"input_cost_per_token\": 1e-07, \"output_cost_per_token\": 4e-07, \"supports_vision\": true},"
		" \"blind\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
		"  \"input_cost_per_token\": 1e-07, \"output_cost_per_token\": 4e-07, \"supports_vision\": false},"
		" \"silent\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
		"  \"input_cost_per_token\": 1e-07, \"output_cost_per_token\": 4e-07},"
		" \"gpt-5-mini\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
		"  \"input_cost_per_token\": 2.5e-07, \"output_cost_per_token\": 2e-06}}";
	char dir[] = "/tmp/llm-test-vision-XXXXXX";
	struct model_conf mc[2];
	struct config cfg;
	struct catalog *cat;
	char *cause = NULL;
	size_t n;

	config_in_tmp(&cfg, dir, NULL);
	cat = catalog_new(&cfg, NULL);
	CHECK(catalog_find(cat, "deepseek-v4-flash")->vision == MODEL_VISION_NO);
	CHECK(catalog_find(cat, "claude-sonnet-4-6")->vision == MODEL_VISION_YES);
	CHECK_INT(catalog_import(cat, json, sizeof(json) - 1, &n, &cause), 0);
	CHECK(catalog_find(cat, "openai/seeing")->vision == MODEL_VISION_YES);
	CHECK(catalog_find(cat, "openai/blind")->vision == MODEL_VISION_NO);
	CHECK(catalog_find(cat, "openai/silent")->vision == MODEL_VISION_UNKNOWN);
	/* a list that says nothing leaves a known model as it was */
	CHECK(catalog_find(cat, "gpt-5-mini")->vision == MODEL_VISION_YES);
	CHECK_INT(catalog_save(cat, &cause), 0);
	catalog_free(cat);

	/* saved and loaded again, then config has the last word */
	memset(mc, 0, sizeof(mc));
	mc[0] = (struct model_conf){ .name = "openai/seeing", .tier = TIER_AUTO,
		.in_price = PRICE_UNKNOWN, .out_price = PRICE_UNKNOWN, .cached_price = PRICE_UNKNOWN,
		.cache_write_price = PRICE_UNKNOWN, .vision = MODEL_VISION_NO };
	mc[1] = (struct model_conf){ .name = "local-vl", .provider = "ollama", .tier = TIER_CHEAP,
		.in_price = 0, .out_price = 0, .cached_price = PRICE_UNKNOWN,
		.cache_write_price = PRICE_UNKNOWN, .vision = MODEL_VISION_YES };
	cfg.models = mc;
	cfg.nmodels = 2;
	cat = catalog_new(&cfg, &cause);
	CHECK(cat != NULL);
	if (cat != NULL) {
		CHECK(catalog_find(cat, "openai/blind")->vision == MODEL_VISION_NO);
		CHECK(catalog_find(cat, "openai/silent")->vision == MODEL_VISION_UNKNOWN);
		CHECK(catalog_find(cat, "openai/seeing")->vision == MODEL_VISION_NO);
		CHECK(catalog_find(cat, "local-vl")->vision == MODEL_VISION_YES);
		/* a model given as provider/model-id has no word on it */
		const struct model *m = catalog_adhoc(cat, "ollama", "llava");

		CHECK(m != NULL && m->vision == MODEL_VISION_UNKNOWN);
	}
	catalog_free(cat);
	CHECK_STR(model_vision_str(MODEL_VISION_YES), "yes");
	CHECK_STR(model_vision_str(MODEL_VISION_NO), "no");
	CHECK_STR(model_vision_str(MODEL_VISION_UNKNOWN), "unknown");
	tmpdir_remove(dir);
	free(cfg.data_dir);
}

int
main(void)
{
	RUN(test_tier_names);
	RUN(test_blended_tier);
	RUN(test_builtins);
	RUN(test_adhoc);
	RUN(test_config_overrides);
	RUN(test_import_sample);
	RUN(test_import_rounding);
	RUN(test_import_ollama_cloud);
	RUN(test_import_persists);
	RUN(test_import_reference);
	RUN(test_vision);
	UNIT_EXIT();
}
