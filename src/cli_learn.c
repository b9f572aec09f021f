/* cli_learn: what the router learnt from its user: llm route --explain and --forget, llm usage --router. */
#include "cli_learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"
#include "cli.h"
#include "cli_spend.h"
#include "learn.h"
#include "ledger.h"
#include "pricing.h"
#include "report.h"
#include "util.h"

/* Terms of each head shown by --explain. */
#define EXPLAIN_TERMS 4

/* Forget the labels. */
int
cli_learn_forget(struct app *cli, bool json, bool alone)
{
	char *cause = NULL;
	struct ledger *l = cli_ledger_open(cli, &cause);
	int64_t n = 0;

	if (l == NULL || learn_forget(l, &n, &cause) < 0) {
		fprintf(stderr, "llm: route: --forget: %s\n", cause ? cause : "cannot open the ledger");
		free(cause);
		ledger_close(l);
		return EXIT_USAGE;
	}
	ledger_close(l);
	if (json && alone) {
		cJSON *o = cJSON_CreateObject();

		report_json_int(o, "forgot", n);
		report_json_print(o);
		cJSON_Delete(o);
		return EXIT_OK;
	}
	/* stdout carries one JSON object, the decision's or what was learnt */
	fprintf(json ? stderr : stdout, "%sforgot %lld label%s: the router routes as shipped\n",
	    json ? "llm: route: " : "", (long long)n, n == 1 ? "" : "s");
	return EXIT_OK;
}

/* One head's largest corrections as text: "code_chars +0.84, lines +0.51". */
static void
explain_terms(const struct learn *lm, int head, const char *what)
{
	const double *w = head == 1 ? lm->w1 : lm->w2;
	int idx[EXPLAIN_TERMS];
	size_t n = learn_top(lm, head, idx, EXPLAIN_TERMS), i;

	printf("%-9s %s:", head == 1 ? "head 1" : "head 2", what);
	for (i = 0; i < n; i++)
		printf("%s %s %+.2f", i ? "," : "", router_feature_names[idx[i]], w[idx[i]]);
	printf("%s\n", n ? "" : " no change");
}

/* The ending of a count's noun: none for one. */
static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void
explain_text(const struct learn *lm)
{
	int r, w;
	bool any = false;

	printf("learnt    %zu label%s (%zu re-ask%s one tier up, %zu override%s, %zu escalation%s,"
	    " %zu pin%s)\n", lm->n, plural(lm->n), lm->kinds[LEARN_RETRY],
	    plural(lm->kinds[LEARN_RETRY]), lm->kinds[LEARN_OVERRIDE],
	    plural(lm->kinds[LEARN_OVERRIDE]), lm->kinds[LEARN_ESCALATION],
	    plural(lm->kinds[LEARN_ESCALATION]), lm->kinds[LEARN_PIN], plural(lm->kinds[LEARN_PIN]));
	printf("moves    ");
	for (r = 0; r < TIER_COUNT; r++)
		for (w = 0; w < TIER_COUNT; w++)
			if (lm->moves[r][w] > 0) {
				printf("%s %s->%s %zu", any ? "," : "", tier_str((enum tier)r),
				    tier_str((enum tier)w), lm->moves[r][w]);
				any = true;
			}
	printf("%s\n", any ? "" : " none");
	if (!lm->active) {
		printf("applied   not yet: from %d labels on\n", LEARN_MIN_LABELS);
		return;
	}
	printf("applied   yes: a correction to the router's heads, fitted on the labels against"
	    " the shipped router (worth %.0f labels)\n", LEARN_PRIOR);
	explain_terms(lm, 1, "P(cheap not enough)");
	explain_terms(lm, 2, "P(mid not enough)");
	printf("forget    llm route --forget\n");
}

static void
explain_json_terms(cJSON *o, const struct learn *lm, int head)
{
	const double *w = head == 1 ? lm->w1 : lm->w2;
	cJSON *a = cJSON_AddArrayToObject(o, head == 1 ? "head1" : "head2");
	int idx[RF_COUNT];
	size_t n = learn_top(lm, head, idx, RF_COUNT), i;

	for (i = 0; i < n; i++) {
		cJSON *t = cJSON_CreateObject();

		cJSON_AddStringToObject(t, "feature", router_feature_names[idx[i]]);
		cli_json_real(t, "weight", w[idx[i]]);
		cJSON_AddItemToArray(a, t);
	}
}

static void
explain_json(const struct learn *lm, cJSON *o)
{
	cJSON *j = cJSON_AddObjectToObject(o, "learnt"), *k, *m;
	int i, r, w;

	cJSON_AddBoolToObject(j, "enabled", lm != NULL);
	if (lm == NULL)
		return;
	cJSON_AddNumberToObject(j, "labels", (double)lm->n);
	cJSON_AddNumberToObject(j, "min_labels", LEARN_MIN_LABELS);
	cJSON_AddBoolToObject(j, "active", lm->active);
	k = cJSON_AddObjectToObject(j, "kinds");
	for (i = 0; i < LEARN_KINDS; i++)
		cJSON_AddNumberToObject(k, learn_kind_str((enum learn_kind)i), (double)lm->kinds[i]);
	m = cJSON_AddArrayToObject(j, "moves");
	for (r = 0; r < TIER_COUNT; r++)
		for (w = 0; w < TIER_COUNT; w++) {
			cJSON *e;

			if (lm->moves[r][w] == 0)
				continue;
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "router", tier_str((enum tier)r));
			cJSON_AddStringToObject(e, "wanted", tier_str((enum tier)w));
			cJSON_AddNumberToObject(e, "count", (double)lm->moves[r][w]);
			cJSON_AddItemToArray(m, e);
		}
	explain_json_terms(j, lm, 1);
	explain_json_terms(j, lm, 2);
}

/* Show what was learnt. */
void
cli_learn_explain(const struct app *cli, const struct learn *lm, cJSON *o)
{
	(void)cli;
	if (o != NULL) {
		explain_json(lm, o);
		return;
	}
	if (lm == NULL) {
		printf("learnt    nothing: learning is off (learn = no)\n");
		return;
	}
	explain_text(lm);
}

/* Read the labels and show what was learnt. */
int
cli_learn_explain_alone(struct app *cli, bool json)
{
	struct learn lm;
	struct ledger *l = NULL;
	char *cause = NULL;
	cJSON *o = NULL;

	memset(&lm, 0, sizeof lm);
	if (cli->cfg.learn && ((l = cli_ledger_open(cli, &cause)) == NULL ||
	    learn_load(l, &lm, &cause) < 0)) {
		fprintf(stderr, "llm: route: --explain: %s\n", cause ? cause : "cannot read the ledger");
		free(cause);
		ledger_close(l);
		return EXIT_USAGE;
	}
	ledger_close(l);
	if (json)
		o = cJSON_CreateObject();
	cli_learn_explain(cli, cli->cfg.learn ? &lm : NULL, o);
	if (o != NULL) {
		report_json_print(o);
		cJSON_Delete(o);
	}
	return EXIT_OK;
}

/* Per tier the router chose: its decisions, the overrules and what they cost. */
struct overrule {
	const struct catalog *cat;
	int64_t decided[TIER_COUNT], overruled[TIER_COUNT], up[TIER_COUNT], down[TIER_COUNT];
	int64_t extra[TIER_COUNT];      /* pico: + cost more than the router's choice, - saved */
	int64_t unknown[TIER_COUNT];    /* overrules whose cost could not be told */
	int64_t kinds[LEARN_KINDS];
};

/*
 * What an overrule cost beside the router's choice: a re-ask or an escalation
 * is paid on top of the answer it replaces; a tier or a pin instead of the
 * router's is the difference with the same tokens on the router's tier.
 */
static int
overrule_row(void *arg, const struct learn_row *r)
{
	struct overrule *o = arg;
	const struct model *m = NULL;
	int64_t alt = 0;

	o->kinds[r->kind]++;
	/* a re-ask's or an escalation's first request counts among the routed ones */
	if (r->kind == LEARN_OVERRIDE || r->kind == LEARN_PIN)
		o->decided[r->router]++;
	if (r->wanted == r->router)
		return 0;
	o->overruled[r->router]++;
	if (r->wanted > r->router)
		o->up[r->router]++;
	else
		o->down[r->router]++;
	if (r->cost < 0) {
		o->unknown[r->router]++;
		return 0;
	}
	if (r->kind == LEARN_OVERRIDE || r->kind == LEARN_PIN) {
		if (catalog_tier(o->cat, r->router, &m, 1) != 1 ||
		    pricing_cost(m, &r->usage, &alt) != PRICING_OK) {
			o->unknown[r->router]++;
			return 0;
		}
	}
	o->extra[r->router] += r->cost - alt;
	return 0;
}

/*
 * What tier t's overrules cost, as `llm usage` marks a cost: "+$0.0123",
 * "-$0.0040 saved" or "$0.00"; "?" when none could be told (never "$0.00"),
 * and "+N unknown" after it when some could not.
 */
static void
overrule_money(const struct overrule *o, int t, char *out, size_t n)
{
	int64_t pico = o->extra[t];
	char a[40];

	if (o->unknown[t] > 0 && o->unknown[t] == o->overruled[t]) {
		str_copy(out, n, "?");
		return;
	}
	pricing_format(pico < 0 ? -pico : pico, false, a, sizeof a);
	snprintf(out, n, "%s%s%s", pico > 0 ? "+" : pico < 0 ? "-" : "", a, pico < 0 ? " saved" : "");
	if (o->unknown[t] > 0)
		snprintf(out + strlen(out), n - strlen(out), " +%lld unknown", (long long)o->unknown[t]);
}

static void
overrule_text(const struct overrule *o, const char *name)
{
	int64_t all = 0, over = 0, unknown = 0;
	char money[80];
	int t;

	for (t = 0; t < TIER_COUNT; t++) {
		all += o->decided[t];
		over += o->overruled[t];
		unknown += o->unknown[t];
	}
	cli_spend_linef("Router, %s: overruled on %lld of %lld decision%s", name, (long long)over,
	    (long long)all, plural((size_t)all));
	printf("%-9s %8s %10s %5s %5s  %s\n", "tier", "decided", "overruled", "up", "down",
	    "cost of overruling");
	for (t = 0; t < TIER_COUNT; t++) {
		overrule_money(o, t, money, sizeof money);
		printf("%-9s %8lld %10lld %5lld %5lld  %s\n", tier_str((enum tier)t),
		    (long long)o->decided[t], (long long)o->overruled[t], (long long)o->up[t],
		    (long long)o->down[t], money);
	}
	/* the sentences wrap between words on a narrow terminal, as llm usage's do */
	cli_spend_linef("labels: %lld re-ask%s one tier up, %lld override%s, %lld escalation%s,"
	    " %lld pin%s",
	    (long long)o->kinds[LEARN_RETRY], plural((size_t)o->kinds[LEARN_RETRY]),
	    (long long)o->kinds[LEARN_OVERRIDE], plural((size_t)o->kinds[LEARN_OVERRIDE]),
	    (long long)o->kinds[LEARN_ESCALATION], plural((size_t)o->kinds[LEARN_ESCALATION]),
	    (long long)o->kinds[LEARN_PIN], plural((size_t)o->kinds[LEARN_PIN]));
	if (unknown > 0)
		cli_spend_linef("%lld overrule%s of unknown cost not counted", (long long)unknown,
		    unknown == 1 ? "" : "s");
	cli_spend_line("A re-ask or an escalation costs all it was charged; a tier or a pin the"
	    " difference with the router's tier.");
}

static void
overrule_json(const struct overrule *o, const char *month)
{
	cJSON *j = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(j, "tiers"), *k;
	int64_t unknown = 0;
	int t;

	cJSON_AddStringToObject(j, "month", month);
	for (t = 0; t < TIER_COUNT; t++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "tier", tier_str((enum tier)t));
		report_json_int(e, "decided", o->decided[t]);
		report_json_int(e, "overruled", o->overruled[t]);
		report_json_int(e, "up", o->up[t]);
		report_json_int(e, "down", o->down[t]);
		report_json_int(e, "extra_pico", o->extra[t]);
		report_json_int(e, "unknown_cost", o->unknown[t]);
		unknown += o->unknown[t];
		cJSON_AddItemToArray(a, e);
	}
	k = cJSON_AddObjectToObject(j, "labels");
	for (t = 0; t < LEARN_KINDS; t++)
		report_json_int(k, learn_kind_str((enum learn_kind)t), o->kinds[t]);
	report_json_int(j, "unknown_cost", unknown);
	report_json_print(j);
	cJSON_Delete(j);
}

/* llm usage --router. */
int
cli_learn_usage(struct app *cli, int64_t start, int64_t end, const char *name,
    const char *month, bool json)
{
	struct overrule o;
	int64_t routed[TIER_COUNT];
	char *cause = NULL;
	struct ledger *l = cli_ledger_open(cli, &cause);
	int t;

	memset(&o, 0, sizeof o);
	o.cat = cli->cat;
	if (l == NULL || learn_rows(l, start, end, overrule_row, &o, &cause) < 0 ||
	    learn_routed(l, start, end, routed, &cause) < 0) {
		fprintf(stderr, "llm: usage: --router: %s\n", cause ? cause : "cannot read the ledger");
		free(cause);
		ledger_close(l);
		return EXIT_USAGE;
	}
	ledger_close(l);
	for (t = 0; t < TIER_COUNT; t++)
		o.decided[t] += routed[t];
	if (json)
		overrule_json(&o, month);
	else
		overrule_text(&o, name);
	return EXIT_OK;
}
