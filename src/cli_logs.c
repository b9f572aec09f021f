/* cli_logs: `llm logs`, recent conversations and their messages, safe to print on a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "fmt.h"
#include "ledger.h"
#include "pricing.h"
#include "report.h"
#include "store.h"
#include "util.h"
#include "visible.h"

#define LOGS_DEFAULT 10
#define LOGS_INDENT "       "

/* Print s made visible, continuation lines indented under the first. */
static void
print_text(const char *s)
{
	char *v = visible_str(s, strlen(s)), *p = v, *nl;

	while ((nl = strchr(p, '\n')) != NULL) {
		printf("%.*s\n%s", (int)(nl - p), p, LOGS_INDENT);
		p = nl + 1;
	}
	printf("%s\n", p);
	free(v);
}

/* Print a stored word (a role) made visible, on one line, padded to width. */
static void
print_word(const char *s, int width)
{
	char *v = visible_str(s, strlen(s));
	size_t i;

	for (i = 0; v[i]; i++)
		if (v[i] == '\n' || v[i] == '\t')
			v[i] = ' ';
	printf("%-*s", width, v);
	free(v);
}

static void
print_msg(const struct store_msg *m)
{
	char in[24], out[24], cost[48], *v;

	printf("  ");
	print_word(strcmp(m->role, "user") == 0 ? "you" :
	    strcmp(m->role, "assistant") == 0 ? "llm" : m->role, 4);
	printf(" ");
	print_text(m->text);
	if (m->usage_id == 0 || m->model == NULL)
		return;
	fmt_tokens(m->input, in, sizeof in);
	fmt_tokens(m->output, out, sizeof out);
	pricing_format(m->cost, m->estimated, cost, sizeof cost);
	v = xstrfmt("%s \xc2\xb7 %s \xc2\xb7 %s\xe2\x86\x92%s tok \xc2\xb7 %s%s%s",
	    m->tier ? m->tier : "?", m->model, in, out, cost,
	    m->status && strcmp(m->status, "ok") != 0 ? " \xc2\xb7 " : "",
	    m->status && strcmp(m->status, "ok") != 0 ? m->status : "");
	printf("%s", LOGS_INDENT);
	print_text(v);
	free(v);
}

static void
print_conv(const struct store_conv *c, const struct store_msg *m, size_t n)
{
	char when[32], *title = c->title ? visible_str(c->title, strlen(c->title)) : NULL;
	size_t i;

	report_time(c->updated, "%Y-%m-%d %H:%M", "?", when, sizeof when);
	printf("#%lld  %s", (long long)c->id, when);
	if (c->model != NULL) {
		char *model = visible_str(c->model, strlen(c->model));

		printf("  %s", model);
		free(model);
	}
	if (title != NULL) {
		/* A title is one line: its newlines shown as spaces. */
		for (i = 0; title[i]; i++)
			if (title[i] == '\n' || title[i] == '\t')
				title[i] = ' ';
		printf("  %s", title);
	}
	printf("%s\n", c->draft ? "  (git hook draft)" : "");
	if (c->system != NULL) {
		printf("  sys  ");
		print_text(c->system);
	}
	for (i = 0; i < n; i++)
		print_msg(&m[i]);
	free(title);
}

static void
json_str(cJSON *o, const char *name, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, name, s);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
json_msg(const struct store_msg *m)
{
	cJSON *o = cJSON_CreateObject(), *u;
	char usd[48];

	json_str(o, "role", m->role);
	json_str(o, "text", m->text);
	report_json_int(o, "created", m->created);
	if (m->usage_id == 0) {
		cJSON_AddNullToObject(o, "usage");
		return o;
	}
	u = cJSON_AddObjectToObject(o, "usage");
	report_json_int(u, "id", m->usage_id);
	json_str(u, "provider", m->provider);
	json_str(u, "model", m->model);
	json_str(u, "tier", m->tier);
	report_json_int(u, "input_tokens", m->input);
	report_json_int(u, "output_tokens", m->output);
	if (m->cost >= 0) {
		ledger_usd(m->cost, usd, sizeof usd);
		cJSON_AddItemToObject(u, "cost_usd", cJSON_CreateRaw(usd));
		report_json_int(u, "cost_pico", m->cost);
	} else {
		cJSON_AddNullToObject(u, "cost_usd");
		cJSON_AddNullToObject(u, "cost_pico");
	}
	cJSON_AddBoolToObject(u, "estimated", m->estimated);
	json_str(u, "status", m->status);
	return o;
}

static cJSON *
json_conv(const struct store_conv *c, const struct store_msg *m, size_t n)
{
	cJSON *o = cJSON_CreateObject(), *msgs;
	size_t i;

	report_json_int(o, "id", c->id);
	report_json_int(o, "created", c->created);
	report_json_int(o, "updated", c->updated);
	json_str(o, "title", c->title);
	json_str(o, "model", c->model);
	json_str(o, "system", c->system);
	cJSON_AddBoolToObject(o, "draft", c->draft);
	msgs = cJSON_AddArrayToObject(o, "messages");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(msgs, json_msg(&m[i]));
	return o;
}

static int
logs_usage(void)
{
	fprintf(stderr, "usage: llm logs [-n N] [--all] [--json]\n");
	return EXIT_USAGE;
}

/* Parse the arguments into *n, *all and *json; -1 on a usage error, 1 for help. */
static int
logs_args(int argc, char **argv, int64_t *n, bool *all, bool *json)
{
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		v = NULL;
		if (strcmp(argv[i], "--json") == 0)
			*json = true;
		else if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "-a") == 0)
			*all = true;   /* the git hook's drafts too */
		else if (strcmp(argv[i], "--no-color") == 0)
			continue;   /* read by main */
		else if (strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "--count") == 0)
			v = i + 1 < argc ? argv[++i] : "";
		else if (str_startswith(argv[i], "--count="))
			v = argv[i] + 8;
		else if (str_startswith(argv[i], "-n"))
			v = argv[i] + 2;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
		else
			return -1;
		if (v != NULL && (!str_to_i64(v, n) || *n < 1)) {
			fprintf(stderr, "llm: logs: -n: expected a positive number, got '%s'\n", v);
			return -1;
		}
	}
	return 0;
}

/* Print recent conversations and their messages. */
int
cli_logs(struct app *cli, int argc, char **argv)
{
	struct store_conv *cv = NULL;
	struct store_msg *m;
	struct ledger *l;
	struct store *st;
	cJSON *root = NULL, *arr = NULL;
	int64_t n = LOGS_DEFAULT;
	char *cause = NULL;
	size_t count = 0, nm, i;
	bool json = false, all = false;
	int rc = EXIT_OK;

	switch (logs_args(argc, argv, &n, &all, &json)) {
	case -1:
		return logs_usage();
	case 1:
		printf("usage: llm logs [-n N] [--all] [--json]\n"
		    "  -n, --count N  the N most recent conversations (default %d)\n"
		    "  -a, --all      the git hook's commit-message drafts too\n"
		    "  --json         one JSON object\n", LOGS_DEFAULT);
		return EXIT_OK;
	}
	if ((l = cli_ledger_open(cli, &cause)) == NULL)
		goto fail;
	st = ledger_store(l);
	if ((all ? store_conv_list_all : store_conv_list)(st, (size_t)n, &cv, &count, &cause) < 0)
		goto fail;
	if (json) {
		root = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(root, "conversations");
	}
	for (i = 0; i < count; i++) {
		if (store_msgs(st, cv[i].id, &m, &nm, &cause) < 0)
			goto fail;
		if (json) {
			cJSON_AddItemToArray(arr, json_conv(&cv[i], m, nm));
		} else {
			if (i > 0)
				printf("\n");
			print_conv(&cv[i], m, nm);
		}
		store_msgs_free(m, nm);
	}
	if (json)
		report_json_print(root);
	else if (count == 0) {
		printf("No conversations yet.\n");
	}
	goto out;
fail:
	fprintf(stderr, "llm: logs: %s\n", cause ? cause : "failed");
	free(cause);
	rc = EXIT_USAGE;
out:
	cJSON_Delete(root);
	store_convs_free(cv, count);
	ledger_close(l);
	return rc;
}
