/* cli_remote: llm models --remote PROVIDER and llm models add: what a server serves, into the config. */
#include "cli_remote.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "catalog.h"
#include "cli.h"
#include "config.h"
#include "cred.h"
#include "http.h"
#include "fmt.h"
#include "report.h"
#include "util.h"
#include "visible.h"

#define LIST_MAX (4u << 20)     /* a model list: a few hundred entries at most */
#define LIST_TIMEOUT 30L
#define CONFIG_MAX (1u << 20)

/* The list's URL and the header carrying the key (NULL: none) for p's wire format. */
static char *
list_url(const struct provider_conf *p, const char *key, char **auth)
{
	const char *base = p->base_url ? p->base_url : "";
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	*auth = NULL;
	switch (p->api) {
	case API_OLLAMA:
		if (key != NULL)
			*auth = xstrfmt("Authorization: Bearer %s", key);
		return xstrfmt("%.*s/api/tags", (int)n, base);
	case API_ANTHROPIC:
		if (key != NULL)
			*auth = xstrfmt("x-api-key: %s", key);
		return xstrfmt("%.*s/models?limit=1000", (int)n, base);
	case API_GEMINI:
		/* the key in a header, never in the URL, where logs and errors would show it */
		if (key != NULL)
			*auth = xstrfmt("x-goog-api-key: %s", key);
		return xstrfmt("%.*s/models?pageSize=1000", (int)n, base);
	case API_OPENAI:
	default:
		if (key != NULL)
			*auth = xstrfmt("Authorization: Bearer %s", key);
		return xstrfmt("%.*s/models", (int)n, base);
	}
}

/* GET the list into b; 0, or an exit code with *cause (never holding the key). */
static int
list_fetch(const struct provider_conf *p, const char *key, struct buf *b, char **cause)
{
	const char *hdrs[3] = { NULL };
	char *auth = NULL, *url = list_url(p, key, &auth);
	struct http_get g = { .url = url, .headers = hdrs, .timeout = LIST_TIMEOUT };
	enum http_result res = HTTP_NETWORK;
	size_t n = 0;
	long status = 0;
	int out = EXIT_PROVIDER;

	if (auth != NULL)
		hdrs[n++] = auth;
	if (p->api == API_ANTHROPIC)
		hdrs[n++] = "anthropic-version: 2023-06-01";
	if (http_load(cause) == 0)
		res = http_get(&g, b, &status, cause);
	secret_free(auth);
	if (res == HTTP_TOO_LARGE)
		xasprintf(cause, "%s: the list is over %u MiB", url, LIST_MAX >> 20);
	else if (res == HTTP_OK && (status == 401 || status == 403))
		xasprintf(cause, "%s: HTTP %ld: the key was refused", url, status), out = EXIT_AUTH;
	else if (res == HTTP_OK && status >= 400)
		xasprintf(cause, "%s: HTTP %ld", url, status);
	else if (res == HTTP_OK)
		out = EXIT_OK;
	free(url);
	return out;
}

/* The model ids in a list, in the server's order, each malloc'd. */
static size_t
list_ids(enum api api, const char *body, size_t len, char ***out)
{
	cJSON *root = cJSON_ParseWithLength(body, len), *arr, *e;
	size_t n = 0;

	*out = NULL;
	arr = cJSON_GetObjectItemCaseSensitive(root, api == API_GEMINI || api == API_OLLAMA ?
	    "models" : "data");
	cJSON_ArrayForEach(e, arr) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, api == API_GEMINI ||
		    api == API_OLLAMA ? "name" : "id");
		const char *s = cJSON_IsString(id) ? id->valuestring : NULL;
		const cJSON *how = cJSON_GetObjectItemCaseSensitive(e, "supportedGenerationMethods");
		bool chat = how == NULL;
		const cJSON *m;

		cJSON_ArrayForEach(m, how)
			chat |= cJSON_IsString(m) && strcmp(m->valuestring, "generateContent") == 0;
		if (s == NULL || !chat)
			continue;    /* Gemini's embedding and other models answer no chat */
		if (api == API_GEMINI && str_startswith(s, "models/"))
			s += 7;
		*out = xreallocarray(*out, n + 1, sizeof(**out));
		(*out)[n++] = xstrdup(s);
	}
	cJSON_Delete(root);
	return n;
}

/* The catalog entry for provider's id: this provider's own first, else any with the id. */
static const struct model *
known(const struct catalog *cat, const char *provider, const char *id, bool *own)
{
	const struct model *any = NULL;
	size_t i;

	*own = false;
	for (i = 0; i < catalog_count(cat); i++) {
		const struct model *m = catalog_at(cat, i);

		if (strcmp(m->id, id) != 0)
			continue;
		if (strcmp(m->provider, provider) == 0) {
			*own = true;
			return m;
		}
		if (any == NULL)
			any = m;
	}
	return any;
}

/* Print one listed model: id, whether the catalog has it, prices where known. */
static void
print_id(const struct app *cli, const char *provider, const char *id, cJSON *arr)
{
	bool own;
	const struct model *m = known(cli->cat, provider, id, &own);
	char in[32] = "", out[32] = "", *v;
	cJSON *o;

	if (m != NULL) {
		fmt_price(m->in_price, in, sizeof in);
		fmt_price(m->out_price, out, sizeof out);
	}
	if (arr != NULL) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddBoolToObject(o, "in_catalog", own);
		if (m != NULL) {
			cJSON_AddStringToObject(o, "catalog_name", m->name);
			cJSON_AddItemToObject(o, "input_price", cJSON_CreateRaw(in[0] == '?' ? "null" : in));
			cJSON_AddItemToObject(o, "output_price", cJSON_CreateRaw(out[0] == '?' ? "null" :
			    out));
		}
		cJSON_AddItemToArray(arr, o);
		return;
	}
	v = visible_str(id, strlen(id));
	printf("%-40s %-26s", v, own ? m->name : m != NULL ? "(price known)" : "-");
	if (m != NULL)
		printf(" %s / %s per M", in, out);
	printf("\n");
	free(v);
}

/*
 * The provider and --json of llm models --remote PROVIDER [--json], in any
 * order and --remote=PROVIDER too; NULL after saying what is wrong.
 */
static const char *
remote_args(int argc, char **argv, bool *json)
{
	const char *name = NULL, *bad = NULL;
	int i;

	for (i = 1; i < argc && bad == NULL; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			*json = true;
		} else if (strcmp(argv[i], "--remote") == 0 && i + 1 == argc) {
			fprintf(stderr, "llm: models: option --remote needs an argument: the provider"
			    " to ask (llm config show lists them)\n");
			name = NULL;
			break;
		} else if (strcmp(argv[i], "--remote") == 0 && name == NULL) {
			name = argv[++i];
		} else if (str_startswith(argv[i], "--remote=") && name == NULL) {
			name = argv[i] + 9;
		} else {
			bad = argv[i];
		}
	}
	if (bad != NULL && !cli_flag_value("models --remote", bad,
	    (const char *const[]){ "--json", NULL }))
		fprintf(stderr, "llm: models --remote: %s '%s'%s\n", bad[0] == '-' ? "unknown option" :
		    "unexpected", bad, cli_option_hint("models", bad));
	if (bad != NULL || name == NULL) {
		cli_usage_hint("models", "usage: llm models --remote PROVIDER [--json]\n");
		return NULL;
	}
	return name;
}

int
cli_models_remote(struct app *cli, int argc, char **argv)
{
	const struct provider_conf *p;
	const char *name;
	char *key = NULL, *cause = NULL, **ids = NULL;
	enum cred_source src;
	struct buf b;
	cJSON *root = NULL, *arr = NULL;
	bool json = false;
	size_t n = 0, i;
	int rc;

	if ((name = remote_args(argc, argv, &json)) == NULL)
		return EXIT_USAGE;
	if ((p = config_provider(&cli->cfg, name)) == NULL) {
		fprintf(stderr, "llm: models --remote: no provider '%s' (llm config show lists them)\n",
		    name);
		return EXIT_USAGE;
	}
	if (p->requires_key && (rc = cred_get(p, &key, &src, &cause)) != 0) {
		if (rc > 0)
			cause = cred_missing_msg(p);
		fprintf(stderr, "llm: models --remote: %s\n", cause);
		free(cause);
		return EXIT_AUTH;
	}
	buf_init(&b, LIST_MAX);
	rc = list_fetch(p, key, &b, &cause);
	secret_free(key);
	if (rc != EXIT_OK) {
		fprintf(stderr, "llm: models --remote: %s: %s\n", p->name, cause);
		free(cause);
		buf_done(&b);
		return rc;
	}
	n = list_ids(p->api, buf_str(&b), b.len, &ids);
	if (json) {
		root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "provider", p->name);
		arr = cJSON_AddArrayToObject(root, "models");
	}
	for (i = 0; i < n; i++) {
		print_id(cli, p->name, ids[i], arr);
		free(ids[i]);
	}
	if (json) {
		report_json_print(root);
		cJSON_Delete(root);
	} else if (n == 0) {
		fprintf(stderr, "llm: models --remote: %s lists no chat models\n", p->name);
	}
	free(ids);
	buf_done(&b);
	return EXIT_OK;
}

/* What name_ok asks of a name, said to the user. */
#define NAME_RULE "it takes 1 to 100 characters, none of them white space, a control " \
	"character or one of [ ] ; # = \" ' \\"

/* A name that works as an INI section and a catalog name. */
static bool
name_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 100)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || strchr("[];#=\"'\\", *s) != NULL)
			return false;
	return true;
}

/* Parse "IN/OUT" dollars per million tokens, exactly. */
static bool
parse_prices(const char *s, char *in, char *out, size_t n)
{
	const char *slash = strchr(s, '/');
	int64_t v;

	if (slash == NULL || (size_t)(slash - s) >= n || strlen(slash + 1) >= n)
		return false;
	memcpy(in, s, (size_t)(slash - s));
	in[slash - s] = '\0';
	str_copy(out, n, slash + 1);
	return str_to_fixed(in, 6, &v) && str_to_fixed(out, 6, &v);
}

/* Append text to the config file, atomically, keeping its mode; 0 or -1 with *cause. */
static int
config_append(const char *path, const char *text, char **cause)
{
	char *old = NULL, *all, *real = NULL;
	size_t len = 0;
	struct stat st;
	int rc = -1;

	if (stat(path, &st) == 0) {
		/* Edit the file a symlink points to (dotfiles), not the link. */
		real = realpath(path, NULL);
		if (real != NULL)
			path = real;
		if (file_read(path, CONFIG_MAX, &old, &len, cause) != 0)
			goto out;
	}
	all = xstrfmt("%s%s%s", old ? old : "", len > 0 && old[len - 1] != '\n' ? "\n" : "", text);
	rc = file_write_atomic(path, all, strlen(all), old ? st.st_mode & 07777 : 0644, cause);
	free(all);
out:
	free(old);
	free(real);
	return rc;
}

int
cli_models_add(struct app *cli, int argc, char **argv)
{
	const char *prov = NULL, *id = NULL, *name = NULL, *price = NULL;
	char in[32], out[32], *section, *cause = NULL;
	enum tier tier = TIER_AUTO;
	int i;

	/* options before, between or after PROVIDER and ID */
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		bool tier_opt = strcmp(s, "--tier") == 0 || strcmp(s, "-t") == 0;

		if ((tier_opt || strcmp(s, "--price") == 0 || strcmp(s, "--name") == 0) &&
		    i + 1 == argc) {
			fprintf(stderr, "llm: models add: option %s needs an argument\n", s);
			goto usage;
		} else if (tier_opt) {
			if (!tier_parse(argv[++i], &tier) || tier == TIER_AUTO) {
				fprintf(stderr, "llm: models add: %s takes cheap, mid or frontier, not "
				    "'%s'\n", s, argv[i]);
				goto usage;
			}
		} else if (strcmp(s, "--price") == 0) {
			price = argv[++i];
		} else if (strcmp(s, "--name") == 0) {
			name = argv[++i];
		} else if (s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "llm: models add: unknown option '%s'%s\n", s,
			    cli_option_hint("models", s));
			goto usage;
		} else if (id != NULL) {
			fprintf(stderr, "llm: models add: unexpected '%s'\n", s);
			goto usage;
		} else if (prov == NULL) {
			prov = s;
		} else {
			id = s;
		}
	}
	if (id == NULL) {
		fprintf(stderr, "llm: models add: %s\n", prov == NULL ? "PROVIDER and ID are needed" :
		    "the model's ID at the provider is needed after PROVIDER");
		goto usage;
	}
	if (name == NULL)
		name = id;
	if (config_provider(&cli->cfg, prov) == NULL) {
		fprintf(stderr, "llm: models add: no provider '%s' (llm config show lists them)\n",
		    prov);
		return EXIT_USAGE;
	}
	/* the ID goes into config.ini whatever the name: --name cannot help a bad one */
	if (!name_ok(id) || !name_ok(name)) {
		char *shown = visible_name(name_ok(id) ? name : id);

		fprintf(stderr, "llm: models add: %s '%s' cannot go in config.ini: %s\n",
		    !name_ok(id) ? "the ID" : "the name", shown, NAME_RULE);
		free(shown);
		return EXIT_USAGE;
	}
	if (catalog_find(cli->cat, name) != NULL) {
		fprintf(stderr, "llm: models add: '%s' is in the catalog already; add it under "
		    "another name with --name NAME\n", name);
		return EXIT_USAGE;
	}
	if (price != NULL && !parse_prices(price, in, out, sizeof in)) {
		fprintf(stderr, "llm: models add: --price takes IN/OUT, dollars per million tokens "
		    "such as 0.15/0.60, not '%s'\n", price);
		return EXIT_USAGE;
	}
	if (tier == TIER_AUTO || price == NULL) {
		fprintf(stderr, "llm: models add: --tier T and --price IN/OUT (dollars per million "
		    "tokens, such as 0.15/0.60) are needed\n");
		return EXIT_USAGE;
	}
	section = xstrfmt("\n[model.%s]\nprovider = %s\nid = %s\ntier = %s\ninput_price = %s\n"
	    "output_price = %s\n", name, prov, id, tier_str(tier), in, out);
	if (mkdir_p(cli->cfg.dir) != 0 || config_append(cli->cfg.path, section, &cause) != 0) {
		fprintf(stderr, "llm: models add: %s\n", cause ? cause : cli->cfg.path);
		free(cause);
		free(section);
		return EXIT_USAGE;
	}
	printf("added [model.%s] to %s\n", name, cli->cfg.path);
	free(section);
	return EXIT_OK;
usage:
	cli_usage_hint("models", "usage: llm models add PROVIDER ID --tier cheap|mid|frontier "
	    "--price IN/OUT [--name NAME]\n");
	return EXIT_USAGE;
}
