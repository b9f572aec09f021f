/* cli_models: `llm models` lists the catalog; `llm models import FILE|URL|-` merges a LiteLLM price list. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "cli.h"
#include "cli_remote.h"
#include "cred.h"
#include "fmt.h"
#include "http.h"
#include "input.h"
#include "pricing.h"
#include "report.h"
#include "util.h"
#include "visible.h"

#define MODELS_IMPORT_MAX INPUT_MAX
#define MODELS_TIMEOUT 120L
#define MODELS_USAGE \
    "usage: llm models [-t | --tier TIER] [--json]\n       llm models import FILE|URL|-\n" \
    "       llm models --remote PROVIDER [--json]\n" \
    "       llm models add PROVIDER ID --tier T --price IN/OUT [--name NAME]\n"

static const char models_help[] = MODELS_USAGE
    "\n"
    "The catalog: each model's name, provider, tier, prices, context window, and\n"
    "whether a key is available for it.\n"
    "  -t, --tier TIER     only that tier's models: cheap, mid or frontier\n"
    "  --json              a JSON array, an object a model (unknown figures null)\n"
    "  import FILE|URL|-   import a price list in LiteLLM's JSON format (-: stdin)\n"
    "  --remote PROVIDER   the models PROVIDER's server says it serves\n"
    "  add PROVIDER ID     add a [model.NAME] section to config.ini: --tier T,\n"
    "                      --price IN/OUT in dollars per million tokens,\n"
    "                      --name NAME (default ID)\n";

const char cli_models_usage[] = MODELS_USAGE;

/* "llm: models: " fmt with arg, an option it names misspelt or not, then the usage. */
static int
models_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "llm: models: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "%s\n", cli_option_hint("models", arg));
	cli_usage_hint("models", MODELS_USAGE);
	return EXIT_USAGE;
}

/* A context window as every token count is shown; 0 is unknown. */
static void
models_tokens(int64_t v, char *out, size_t n)
{
	if (v <= 0)
		snprintf(out, n, "?");
	else
		fmt_tokens(v, out, n);
}

/*
 * The prices a request pays past the long-context threshold (all of it at
 * them, as pricing charges it); null for a model with one price at every size.
 */
static void
models_json_long(cJSON *o, const struct model *m)
{
	struct model p;
	cJSON *lo;

	if (m->lng.above <= 0) {
		cJSON_AddNullToObject(o, "long_context");
		return;
	}
	pricing_at(m, m->lng.above + 1, &p);
	lo = cJSON_AddObjectToObject(o, "long_context");
	cJSON_AddNumberToObject(lo, "above_tokens", (double)m->lng.above);
	cli_json_price(lo, "input_usd_per_m", p.in_price);
	cli_json_price(lo, "output_usd_per_m", p.out_price);
	cli_json_price(lo, "cached_input_usd_per_m", p.cached_price);
	cli_json_price(lo, "cache_write_usd_per_m", p.cache_write_price);
}

/* Add a token count to o as name: null when it is unknown (0), as the table's "?". */
static void
models_json_tokens(cJSON *o, const char *name, int64_t v)
{
	if (v <= 0)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, (double)v);
}

/* Where a key would come from: "env", "keyring", "command", "none needed", or "no". */
static const char *
models_key(const struct app *cli, const struct model *m)
{
	const struct provider_conf *pc = config_provider(&cli->cfg, m->provider);
	enum cred_source src;

	if (pc == NULL)
		return "no provider";
	if (!pc->requires_key)
		return "none needed";
	src = cred_probe(pc);
	return src == CRED_NONE ? "no" : cred_source_str(src);
}

static bool
models_has_key(const char *k)
{
	return strcmp(k, "no") != 0 && strcmp(k, "no provider") != 0;
}

static void
models_list_json(const struct app *cli, const struct model **ms, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	char *text;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct model *m = ms[i];
		const char *key = models_key(cli, m);
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", m->name);
		cJSON_AddStringToObject(o, "provider", m->provider);
		cJSON_AddStringToObject(o, "id", m->id);
		cJSON_AddStringToObject(o, "tier", tier_str(m->tier));
		cli_json_price(o, "input_usd_per_m", m->in_price);
		cli_json_price(o, "output_usd_per_m", m->out_price);
		cli_json_price(o, "cached_input_usd_per_m", m->cached_price);
		cli_json_price(o, "cache_write_usd_per_m", m->cache_write_price);
		models_json_long(o, m);
		models_json_tokens(o, "context", m->context);
		models_json_tokens(o, "max_output", m->max_output);
		cJSON_AddStringToObject(o, "vision", model_vision_str(m->vision));
		cJSON_AddBoolToObject(o, "key", models_has_key(key));
		cJSON_AddStringToObject(o, "key_source", key);
		cJSON_AddItemToArray(arr, o);
	}
	text = report_json_str(arr);   /* one line, as every other --json */
	printf("%s\n", text);
	free(text);
	cJSON_Delete(arr);
}

/* A catalog string as the terminal should see it (malloc'd): controls and bidi made visible. */
static char *
models_visible(const char *s)
{
	return visible_str(s, strlen(s));
}

static void
models_list_text(const struct app *cli, const struct model **ms, size_t n)
{
	char in[24], out[24], cached[24], ctx[16], *name, *prov;
	size_t i, w = 4;

	for (i = 0; i < n; i++)
		if (strlen(ms[i]->name) > w)
			w = strlen(ms[i]->name);
	if (w > 48)
		w = 48;
	printf("%-*s  %-10s  %-8s  %9s  %9s  %9s  %7s  %s\n", (int)w, "NAME", "PROVIDER", "TIER",
	    "IN $/M", "OUT $/M", "CACHED", "CONTEXT", "KEY");
	for (i = 0; i < n; i++) {
		const struct model *m = ms[i];

		fmt_price(m->in_price, in, sizeof(in));
		fmt_price(m->out_price, out, sizeof(out));
		fmt_price(m->cached_price, cached, sizeof(cached));
		models_tokens(m->context, ctx, sizeof(ctx));
		name = models_visible(m->name);
		prov = models_visible(m->provider);
		printf("%-*s  %-10s  %-8s  %9s  %9s  %9s  %7s  %s\n", (int)w, name, prov,
		    tier_str(m->tier), in, out, cached, ctx, models_key(cli, m));
		free(name);
		free(prov);
	}
}

static int
models_list(struct app *cli, int argc, char **argv)
{
	const struct model **ms;
	enum tier only = TIER_AUTO;
	bool json = false;
	size_t i, n = 0, total = catalog_count(cli->cat);
	const char *v;
	int t, a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (cli_opt_value(argc, argv, &a, 't', "tier", &v)) {
			/* auto is the router's choice, no tier of the catalog: not "every tier" unsaid */
			if (v == NULL || !tier_parse(v, &only) || only == TIER_AUTO)
				return models_usage("--tier needs cheap, mid or frontier%s", "");
		} else if (cli_flag_value("models", argv[a], (const char *const[]){ "--json", NULL })) {
			cli_usage_hint("models", MODELS_USAGE);
			return EXIT_USAGE;
		} else
			return models_usage(argv[a][0] == '-' ? "unknown option '%s'" : "unexpected '%s'",
			    argv[a]);
	}
	/* By tier, then in catalog order. */
	ms = xcalloc(total ? total : 1, sizeof(*ms));
	for (t = 0; t < TIER_COUNT; t++) {
		if (only != TIER_AUTO && only != t)
			continue;
		for (i = 0; i < total; i++)
			if (catalog_at(cli->cat, i)->tier == t)
				ms[n++] = catalog_at(cli->cat, i);
	}
	if (json)
		models_list_json(cli, ms, n);
	else
		models_list_text(cli, ms, n);
	free(ms);
	return EXIT_OK;
}

/* Fetch url into b (capped); 0 or -1 with *cause. */
static int
models_fetch(const char *url, struct buf *b, char **cause)
{
	struct http_get g = { .url = url, .timeout = MODELS_TIMEOUT, .follow = true };
	char *why = NULL;
	long status = 0;

	if (http_load(&why) < 0) {
		xasprintf(cause, "%s: %s", url, why);
		free(why);
		return -1;
	}
	switch (http_get(&g, b, &status, cause)) {
	case HTTP_OK:
		break;
	case HTTP_TOO_LARGE:
		xasprintf(cause, "%s: over the %s input limit", url, INPUT_MAX_TEXT);
		return -1;
	default:
		return -1;
	}
	if (status >= 400) {
		xasprintf(cause, "%s: HTTP %ld", url, status);
		return -1;
	}
	return 0;
}

/* Say which entries the import refused for an id that does not print as itself. */
static void
models_refused(const struct catalog *cat, const char *src)
{
	const char *first;
	size_t n = catalog_import_refused(cat, &first);

	if (n > 0)
		fprintf(stderr, "llm: models import: %s: refused %zu entr%s whose model id has white "
		    "space, controls or bytes that are not UTF-8 (the first: '%s')\n", src, n,
		    n == 1 ? "y" : "ies", first);
}

static int
models_import(struct app *cli, int argc, char **argv)
{
	const char *src;
	struct buf b;
	char *data = NULL, *cause = NULL;
	size_t len = 0, n = 0, skipped;
	int rc = EXIT_USAGE, i;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return models_usage("import: unknown option '%s'", argv[i]);
	if (argc != 2)
		return models_usage("import needs one FILE or URL%s", "");
	src = argv[1];
	buf_init(&b, MODELS_IMPORT_MAX);
	if (str_startswith(src, "http://") || str_startswith(src, "https://")) {
		if (models_fetch(src, &b, &cause) != 0) {
			rc = EXIT_PROVIDER;
			goto out;
		}
		len = b.len;
		data = buf_detach(&b);
	} else {
		struct input in;
		int got;

		/* "-": the list piped in (curl -s URL | llm models import -), as a prompt's "-" */
		if (strcmp(src, "-") == 0 && isatty(STDIN_FILENO)) {
			cause = xstrdup("-: nothing is piped in (cat prices.json | llm models import -)");
			goto out;
		}
		got = strcmp(src, "-") == 0 ?
		    input_fd(STDIN_FILENO, "stdin", MODELS_IMPORT_MAX, 0, &in, &cause) :
		    input_file(src, MODELS_IMPORT_MAX, 0, &in, &cause);
		if (got != 0)
			goto out;
		data = in.data;
		len = in.len;
		in.data = NULL;
		input_done(&in);
	}
	if (catalog_import(cli->cat, data, len, &n, &cause) != 0) {
		char *c2 = xstrfmt("%s: %s", src, cause);

		free(cause);
		cause = c2;
		goto out;
	}
	if (catalog_save(cli->cat, &cause) != 0)
		goto out;
	skipped = catalog_import_skipped(cli->cat);
	printf("imported %zu model%s (%zu entr%s skipped: not chat, or a provider llm does not know)"
	    " into %s\n", n, n == 1 ? "" : "s", skipped, skipped == 1 ? "y" : "ies",
	    catalog_path(cli->cat));
	models_refused(cli->cat, src);
	rc = EXIT_OK;
out:
	cli_complain("models import", cause);
	free(data);
	buf_done(&b);
	return rc;
}

/* List the catalog, or import a price list: llm models [--tier T] [--json] | import FILE|URL. */
int
cli_models(struct app *cli, int argc, char **argv)
{
	int i;

	if (argc > 1 && strcmp(argv[1], "import") == 0)
		return models_import(cli, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "add") == 0)
		return cli_models_add(cli, argc - 1, argv + 1);
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--remote") == 0 || str_startswith(argv[i], "--remote="))
			return cli_models_remote(cli, argc, argv);
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(models_help, stdout);
		return EXIT_OK;
	}
	return models_list(cli, argc, argv);
}
