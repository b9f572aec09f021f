/* cli_route: `llm route PROMPT` shows the routing decision and the estimated cost on every tier. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "chat.h"
#include "cli.h"
#include "cred.h"
#include "input.h"
#include "pricing.h"
#include "router.h"
#include "util.h"

#define ROUTE_REPLY_TOKENS 500   /* the reply assumed for an estimate */

struct route_args {
	struct chat_opts o;
	bool json;
	long reply;                  /* tokens assumed for the reply */
	struct buf prompt;
};

/* One line per tier: the model a request would go to and what it would cost. */
struct tier_estimate {
	const struct model *model;
	bool key;                    /* a key (or none needed) is at hand */
	int64_t cost;                /* pico, -1 unknown */
};

static int
route_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "llm: route: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: llm route [-t TIER] [-m MODEL] [-s TEXT] [--max-tokens N] [--json] PROMPT\n");
	return EXIT_USAGE;
}

static int
route_parse(struct route_args *a, int argc, char **argv)
{
	int i;
	int64_t n;
	bool words = false;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!words && strcmp(s, "--") == 0) {
			words = true;
		} else if (!words && (strcmp(s, "-t") == 0 || strcmp(s, "--tier") == 0)) {
			if (++i >= argc || !tier_parse(argv[i], &a->o.tier))
				return route_usage("-t needs auto, cheap, mid or frontier%s", "");
		} else if (!words && (strcmp(s, "-m") == 0 || strcmp(s, "--model") == 0)) {
			if (++i >= argc)
				return route_usage("-m needs a model%s", "");
			a->o.model = argv[i];
		} else if (!words && (strcmp(s, "-s") == 0 || strcmp(s, "--system") == 0)) {
			if (++i >= argc)
				return route_usage("-s needs a text%s", "");
			a->o.system = argv[i];
		} else if (!words && strcmp(s, "--max-tokens") == 0) {
			if (++i >= argc || !str_to_i64(argv[i], &n) || n <= 0 || n > 10000000)
				return route_usage("--max-tokens needs a positive number%s", "");
			a->o.max_tokens = (long)n;
			a->reply = (long)n;
		} else if (!words && strcmp(s, "--json") == 0) {
			a->json = true;
		} else if (!words && strcmp(s, "--no-color") == 0) {
			continue;
		} else if (!words && s[0] == '-' && s[1] != '\0') {
			return route_usage("unknown option '%s'", s);
		} else {
			if (a->prompt.len > 0)
				buf_addc(&a->prompt, ' ');
			buf_adds(&a->prompt, s);
		}
	}
	return EXIT_OK;
}

/* Piped stdin is the material: the message is PROMPT, a blank line, then stdin. */
static int
route_read_stdin(struct route_args *a)
{
	struct input in;
	char *cause = NULL;
	size_t room = a->prompt.len < INPUT_MAX ? INPUT_MAX - a->prompt.len : 0;

	if (isatty(STDIN_FILENO))
		return EXIT_OK;
	if (input_fd(STDIN_FILENO, "stdin", room, INPUT_UTF8, &in, &cause) != 0) {
		fprintf(stderr, "llm: route: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (in.note != NULL)
		fprintf(stderr, "llm: route: %s\n", in.note);
	if (in.len > 0) {
		if (a->prompt.len > 0)
			buf_adds(&a->prompt, "\n\n");
		buf_add(&a->prompt, in.data, in.len);
	}
	input_done(&in);
	return EXIT_OK;
}

static bool
route_key(const struct cli *cli, const struct model *m)
{
	const struct provider_conf *pc = config_provider(&cli->cfg, m->provider);

	if (pc == NULL)
		return false;
	return !pc->requires_key || cred_probe(pc) != CRED_NONE;
}

static bool
route_usable(void *arg, const struct model *m)
{
	return route_key(arg, m);
}

/* The model each tier would use (one with a key if any) and the estimated cost there. */
static void
route_estimates(struct cli *cli, int64_t input, long reply, struct tier_estimate est[TIER_COUNT])
{
	int t;

	for (t = 0; t < TIER_COUNT; t++) {
		const struct model *list[1];
		enum tier got;

		est[t].model = router_pick(cli->cat, (enum tier)t, 0, route_usable, cli, &got);
		if (est[t].model != NULL && got != t)
			est[t].model = NULL;
		est[t].key = est[t].model != NULL;
		if (est[t].model == NULL && catalog_tier(cli->cat, (enum tier)t, list, 1) == 1)
			est[t].model = list[0];
		est[t].cost = -1;
		if (est[t].model != NULL &&
		    pricing_worst_case(est[t].model, input, reply, &est[t].cost) != PRICING_OK)
			est[t].cost = -1;
	}
}

/* Write pico-dollars as an exact decimal of dollars: "0.00039". */
static void
route_usd(int64_t pico, char *out, size_t n)
{
	size_t len;

	snprintf(out, n, "%" PRId64 ".%012" PRId64, pico / 1000000000000, pico % 1000000000000);
	len = strlen(out);
	while (len > 0 && out[len - 1] == '0')
		out[--len] = '\0';
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
}

static void
route_print_text(struct cli *cli, const struct route_args *a, const struct chat_route *r,
    const struct route_decision *d, const struct tier_estimate est[TIER_COUNT], bool have_key)
{
	char money[32];
	int64_t pico = -1;
	size_t i;
	int t;

	(void)cli;
	printf("tier      %s (%s)\n", tier_str(r->tier), route_mode_str(r->mode));
	if (r->model != NULL)
		printf("model     %s (%s%s)\n", r->model->name, r->model->provider, have_key ? "" : ", no key");
	printf("reason    %s\n", r->reason);
	printf("score     P(cheap not enough) %.2f, P(mid not enough) %.2f\n", d->p_cheap_fail, d->p_mid_fail);
	printf("features ");
	for (i = 0; i < d->ntop; i++) {
		/* A topic rule (code, diff, stack trace) decides without a weight. */
		if (d->top[i].contribution > -0.005 && d->top[i].contribution < 0.005)
			printf("%s %s (rule)", i ? "," : "", d->top[i].name);
		else
			printf("%s %s %+.2f", i ? "," : "", d->top[i].name, d->top[i].contribution);
	}
	printf("%s\n", d->ntop ? "" : " none stand out");
	printf("input     ~%" PRId64 " tokens, reply ~%ld tokens assumed\n", r->input_tokens, a->reply);
	if (r->model != NULL && pricing_worst_case(r->model, r->input_tokens, a->reply, &pico) != PRICING_OK)
		pico = -1;
	pricing_format(r->model != NULL ? pico : -1, true, money, sizeof(money));
	printf("estimate  %s on %s\n", money, r->model ? r->model->name : "(no model)");
	for (t = 0; t < TIER_COUNT; t++) {
		pricing_format(est[t].cost, true, money, sizeof(money));
		printf("%-9s %-9s %-24s %-10s%s%s\n", t == 0 ? "cost" : "", tier_str((enum tier)t),
		    est[t].model ? est[t].model->name : "(no model)", money,
		    est[t].model && !est[t].key ? "  no key" : "",
		    r->tier == t && est[t].model == r->model ? "  <- chosen" : "");
	}
}

static void
route_print_json(const struct route_args *a, const struct chat_route *r, const struct route_decision *d,
    const struct tier_estimate est[TIER_COUNT], bool have_key)
{
	cJSON *o = cJSON_CreateObject(), *feats, *ests;
	char money[48], *text;
	int64_t pico;
	size_t i;
	int t;

	cJSON_AddStringToObject(o, "tier", tier_str(r->tier));
	cJSON_AddStringToObject(o, "mode", route_mode_str(r->mode));
	cJSON_AddStringToObject(o, "model", r->model ? r->model->name : "");
	cJSON_AddStringToObject(o, "provider", r->model ? r->model->provider : "");
	cJSON_AddBoolToObject(o, "key", have_key);
	cJSON_AddStringToObject(o, "reason", r->reason);
	cJSON_AddNumberToObject(o, "p_cheap_fail", d->p_cheap_fail);
	cJSON_AddNumberToObject(o, "p_mid_fail", d->p_mid_fail);
	cJSON_AddBoolToObject(o, "sticky", d->sticky);
	cJSON_AddBoolToObject(o, "context_adjusted", r->context_adjusted);
	feats = cJSON_AddArrayToObject(o, "features");
	for (i = 0; i < d->ntop; i++) {
		cJSON *f = cJSON_CreateObject();

		cJSON_AddStringToObject(f, "name", d->top[i].name);
		cJSON_AddNumberToObject(f, "value", d->top[i].value);
		cJSON_AddNumberToObject(f, "contribution", d->top[i].contribution);
		cJSON_AddItemToArray(feats, f);
	}
	/* The chosen model's own estimate; an unknown price is null, never 0. */
	if (r->model != NULL && pricing_worst_case(r->model, r->input_tokens, a->reply, &pico) == PRICING_OK) {
		route_usd(pico, money, sizeof(money));
		cJSON_AddItemToObject(o, "estimate_usd", cJSON_CreateRaw(money));
	} else {
		cJSON_AddNullToObject(o, "estimate_usd");
	}
	cJSON_AddNumberToObject(o, "input_tokens", (double)r->input_tokens);
	cJSON_AddNumberToObject(o, "reply_tokens", (double)a->reply);
	ests = cJSON_AddArrayToObject(o, "estimates");
	for (t = 0; t < TIER_COUNT; t++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "tier", tier_str((enum tier)t));
		cJSON_AddStringToObject(e, "model", est[t].model ? est[t].model->name : "");
		cJSON_AddBoolToObject(e, "key", est[t].key);
		if (est[t].cost >= 0) {
			route_usd(est[t].cost, money, sizeof(money));
			cJSON_AddItemToObject(e, "cost_usd", cJSON_CreateRaw(money));
		} else {
			cJSON_AddNullToObject(e, "cost_usd");
		}
		cJSON_AddBoolToObject(e, "estimated", true);
		cJSON_AddItemToArray(ests, e);
	}
	text = cJSON_PrintUnformatted(o);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(o);
}

/*
 * The decision when no model of the tier has a key: the tier still stands,
 * shown with the tier's first model, so `llm route` works before any setup.
 */
static void
route_without_key(struct cli *cli, const struct route_args *a, const char *msg,
    const struct route_decision *d, struct chat_route *r)
{
	const struct model *list[1];

	memset(r, 0, sizeof(*r));
	r->input_tokens = pricing_estimate_tokens(msg, strlen(msg)) + 8;
	if (a->o.model != NULL) {
		r->mode = ROUTE_PINNED;
		r->model = catalog_find(cli->cat, a->o.model);
		r->tier = r->model ? r->model->tier : TIER_MID;
		str_copy(r->reason, sizeof(r->reason), "pinned");
		return;
	}
	if (a->o.tier != TIER_AUTO || cli->cfg.tier != TIER_AUTO) {
		r->mode = ROUTE_TIER;
		r->tier = a->o.tier != TIER_AUTO ? a->o.tier : cli->cfg.tier;
		str_copy(r->reason, sizeof(r->reason),
		    a->o.tier != TIER_AUTO ? "tier chosen by the user" : "default tier from config");
	} else {
		r->mode = ROUTE_AUTO;
		r->tier = d->tier;
		r->score = d->p_cheap_fail;
		str_copy(r->reason, sizeof(r->reason), d->reason);
	}
	if (catalog_tier(cli->cat, r->tier, list, 1) == 1)
		r->model = list[0];
}

/* Show the decision for a prompt and the estimated cost on every tier; no request. */
int
cli_route(struct cli *cli, int argc, char **argv)
{
	struct route_args a;
	struct route_decision d;
	struct route_input in;
	struct tier_estimate est[TIER_COUNT];
	struct chat_route r;
	struct chat *c = NULL;
	char *cause = NULL;
	bool have_key = true;
	int rc;

	memset(&a, 0, sizeof(a));
	a.o.tier = TIER_AUTO;
	a.reply = ROUTE_REPLY_TOKENS;
	buf_init(&a.prompt, 0);
	if ((rc = route_parse(&a, argc, argv)) != EXIT_OK || (rc = route_read_stdin(&a)) != EXIT_OK)
		goto out;
	if (a.prompt.len == 0) {
		rc = route_usage("a prompt is needed%s", "");
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.prompt = a.prompt.data;
	in.len = a.prompt.len;
	in.prev_tier = TIER_AUTO;
	in.context_tokens = pricing_estimate_tokens(a.prompt.data, a.prompt.len) + 8;
	router_decide(&in, &d);
	c = chat_new(&cli->cfg, cli->cat, NULL);
	rc = chat_preview(c, &a.o, a.prompt.data, &r, &cause);
	if (rc == EXIT_AUTH) {
		have_key = false;
		route_without_key(cli, &a, a.prompt.data, &d, &r);
		free(cause);
		cause = NULL;
		rc = EXIT_OK;
	} else if (rc != EXIT_OK) {
		fprintf(stderr, "llm: route: %s\n", cause ? cause : "cannot route");
		goto out;
	}
	route_estimates(cli, r.input_tokens, a.reply, est);
	if (a.json)
		route_print_json(&a, &r, &d, est, have_key);
	else
		route_print_text(cli, &a, &r, &d, est, have_key);
	if (!have_key)
		fprintf(stderr, "llm: route: no model of the %s tier has a key (see llm models)\n",
		    tier_str(r.tier));
out:
	free(cause);
	chat_free(c);
	buf_done(&a.prompt);
	return rc;
}
