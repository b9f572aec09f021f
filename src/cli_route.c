/* cli_route: `llm route PROMPT` and `--dry-run` show the decision the request would get, and every tier's cost. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "chat.h"
#include "cli.h"
#include "cli_learn.h"
#include "cli_opts.h"
#include "cred.h"
#include "fmt.h"
#include "image.h"
#include "learn.h"
#include "ledger.h"
#include "pricing.h"
#include "report.h"
#include "router.h"
#include "util.h"

/* One line per tier: the model a request would go to and what it would cost. */
struct tier_estimate {
	const struct model *model;
	bool key;                    /* a key (or none needed) is at hand */
	bool too_long;               /* the prompt is more than its context window holds */
	int64_t cost;                /* pico, -1 unknown */
	int64_t cached;              /* tokens expected from the model's warm cache */
	int64_t cache_part;          /* pico: what they cost at the cached price */
};

/* What the budget does to the request, as shown. */
struct route_budget {
	const char *action;          /* none, fits, warn, downgraded, refused */
	struct meter m;
	bool have_meter;
};

const char cli_route_usage[] =
    "usage: llm route [OPTIONS] [--] PROMPT...\n"
    "       llm route --explain [OPTIONS] [PROMPT...]\n"
    "       llm route --forget\n"
    "\n"
    "Show the decision a request would get, without sending it: tier, model, reason,\n"
    "the router's features, the estimate, the worst case reserved against the budget\n"
    "and what the budget would do (downgrade or refuse), then the cost on every tier.\n"
    "Piped input is read as the request would read it; a prompt that starts with '-'\n"
    "goes after --.\n"
    "\n"
    "Options (those of llm PROMPT that shape the request):\n"
    "  -t, --tier TIER       auto (default), cheap, mid or frontier\n"
    CLI_OPTS_HELP_REQUEST
    "  -c, --continue        route the next turn of the latest conversation\n"
    "      --cid ID          route the next turn of conversation ID\n"
    "      --max-tokens N    cap the reply at N tokens, which sets the worst case\n"
    "      --max-cost USD    exit 3 when the worst case is above USD\n"
    "      --json            one JSON object: the decision, the heads' probabilities,\n"
    "                        the features that fired, the shipped router's view\n"
    "      --dry-run         taken, and changes nothing: llm route is always one\n"
    "      --no-color        no colour (NO_COLOR is honoured too)\n"
    "  -h, --help            print this help\n"
    "\n"
    "The router learns from its user: re-asks one tier up, tiers chosen against it,\n"
    "escalations and pins are kept as labels, and from 30 on they correct its heads.\n"
    "      --explain         show what was learnt (alone, or after a decision)\n"
    "      --forget          forget every label: route as shipped again\n"
    "\n"
    "Refused (exit 2), since nothing is sent: the options about the answer,\n"
    "-q (--quiet), -v (--verbose), --no-stream, -o (--output) and --force.\n"
    "\n"
    "Exit status: 0, or 3 when the budget or --max-cost would refuse the request\n"
    "(the decision is still shown), 2 for a usage error.\n";

/* Print what llm route does and takes. */
void
cli_route_help(void)
{
	fputs(cli_route_usage, stdout);
}

static bool
route_key(const struct app *cli, const struct model *m)
{
	const struct provider_conf *pc = config_provider(&cli->cfg, m->provider);

	if (pc == NULL)
		return false;
	return !pc->requires_key || cred_probe(pc) != CRED_NONE;
}

/* What a tier's model must have: a key, and a taste for images when the request has some. */
struct route_need {
	const struct app *cli;
	const struct chat_opts *o;
};

static bool
route_usable(void *arg, const struct model *m)
{
	const struct route_need *n = arg;
	const struct provider_conf *pc = config_provider(&n->cli->cfg, m->provider);
	const char *why;

	if (n->o->nimages > 0 && (m->vision != MODEL_VISION_YES || (pc != NULL &&
	    !image_fits(pc->api, n->o->images, n->o->nimages, &why))))
		return false;
	return route_key(n->cli, m);
}

/* The input tokens of the request's images on m, by its provider's rule. */
static int64_t
route_image_tokens(const struct app *cli, const struct chat_opts *o, const struct model *m)
{
	const struct provider_conf *pc = config_provider(&cli->cfg, m->provider);
	int64_t n = 0;
	size_t i;

	for (i = 0; pc != NULL && i < o->nimages; i++)
		n += image_tokens(pc->api, &o->images[i]);
	return n;
}

/*
 * The model each tier would use (one with a key if any, one that takes images
 * when there are some) and the estimated cost there; text is the input
 * without the images, which each model counts by its own rule.
 */
static void
route_estimates(struct app *cli, struct chat *c, const struct chat_opts *o, int64_t text,
    long reply, struct tier_estimate est[TIER_COUNT])
{
	struct route_need need = { .cli = cli, .o = o };
	int t;

	for (t = 0; t < TIER_COUNT; t++) {
		const struct model *list[1];
		enum tier got;

		/* the tier's model whose window holds the prompt, else its first */
		est[t].model = router_pick(cli->cat, (enum tier)t, chat_window_tokens(text), route_usable,
		    &need, &got);
		if (est[t].model == NULL || got != t)
			est[t].model = router_pick(cli->cat, (enum tier)t, 0, route_usable, &need, &got);
		if (est[t].model != NULL && got != t)
			est[t].model = NULL;
		est[t].key = est[t].model != NULL;
		if (est[t].model == NULL && o->nimages == 0 &&
		    catalog_tier(cli->cat, (enum tier)t, list, 1) == 1)
			est[t].model = list[0];
		est[t].too_long = est[t].model != NULL && est[t].model->context > 0 &&
		    chat_window_tokens(text) > est[t].model->context;
		est[t].cost = -1;
		est[t].cached = est[t].cache_part = 0;
		/* what this conversation left in the tier's model's cache counts at the cached price */
		if (est[t].model != NULL)
			est[t].cost = chat_estimate(c, est[t].model, text + route_image_tokens(cli, o,
			    est[t].model), reply, &est[t].cached, &est[t].cache_part);
	}
}

/* Read what the budget does to r: the action, and the month's figures when there is a budget. */
static void
route_budget(const struct app *cli, struct ledger *l, const struct chat_route *r,
    struct route_budget *b)
{
	memset(b, 0, sizeof(*b));
	b->have_meter = cli->cfg.budget > 0 && l != NULL &&
	    ledger_meter(l, cli->cfg.budget, &b->m, NULL) == 0;
	if (r->refused)
		b->action = "refused";
	else if (r->budget_adjusted)
		b->action = "downgraded";
	else if (cli->cfg.budget <= 0)
		b->action = "none";
	else if (cli->cfg.budget_action == BUDGET_WARN && b->have_meter &&
	    (r->worst_case < 0 || b->m.spent + b->m.reserved + r->worst_case > cli->cfg.budget))
		b->action = "warn";
	else
		b->action = "fits";
}

static void
route_print_budget(const struct app *cli, const struct chat_route *r, const struct route_budget *b)
{
	char w[32], spent[32], res[32], lim[32];

	pricing_format(r->worst_case, false, w, sizeof(w));
	printf("worst     %s if the reply takes its cap of %ld tokens%s (reserved against the "
	    "budget)\n", w, r->reply_cap, r->reply_window ? ", what the context window leaves" : "");
	if (b->have_meter) {
		pricing_format(b->m.spent, b->m.estimated, spent, sizeof(spent));
		pricing_format(b->m.reserved, false, res, sizeof(res));
		pricing_format_exact(b->m.limit, lim, sizeof(lim));
	}
	if (r->refused)
		printf("budget    refused: %s\n", r->refusal);
	else if (r->budget_adjusted)
		printf("budget    %s: the first choice's worst case does not fit (%s)\n", r->reason,
		    budget_action_str(cli->cfg.budget_action));
	else if (strcmp(b->action, "none") == 0)
		printf("budget    none set\n");
	else if (strcmp(b->action, "warn") == 0)
		printf("budget    would pass %s's budget: sent with a warning (spent %s, reserved %s "
		    "of %s)\n", b->m.month, spent, res, lim);
	else if (b->have_meter)
		printf("budget    fits %s's budget (spent %s, reserved %s of %s; %s)\n", b->m.month,
		    spent, res, lim, budget_action_str(cli->cfg.budget_action));
	else
		printf("budget    fits (%s)\n", budget_action_str(cli->cfg.budget_action));
}

static void
route_print_text(const struct app *cli, const struct chat_route *r, const struct route_budget *b,
    const struct tier_estimate est[TIER_COUNT], size_t nimages)
{
	const struct route_decision *d = &r->decision;
	char money[32], in[24], out[24];
	size_t i;
	int t;

	printf("tier      %s (%s)\n", tier_str(r->tier), route_mode_str(r->mode));
	if (r->model != NULL)
		printf("model     %s (%s%s)\n", r->model->name, r->model->provider,
		    r->keyless ? ", no key" : "");
	printf("reason    %s\n", r->reason);
	printf("score     P(cheap not enough) %.2f, P(mid not enough) %.2f\n", d->p_cheap_fail,
	    d->p_mid_fail);
	printf("features ");
	for (i = 0; i < d->ntop; i++) {
		/* A topic rule (code, diff, stack trace) decides without a weight. */
		if (d->top[i].contribution > -0.005 && d->top[i].contribution < 0.005)
			printf("%s %s (rule)", i ? "," : "", d->top[i].name);
		else
			printf("%s %s %+.2f", i ? "," : "", d->top[i].name, d->top[i].contribution);
	}
	printf("%s\n", d->ntop ? "" : " none stand out");
	fmt_tokens(r->input_tokens, in, sizeof(in));
	fmt_tokens(r->reply_typical, out, sizeof(out));
	printf("input     ~%s tokens, reply ~%s tokens assumed\n", in, out);
	if (r->image_tokens > 0) {
		fmt_tokens(r->image_tokens, in, sizeof(in));
		printf("images    %zu, ~%s tokens of the input on %s, by their size\n", nimages, in,
		    r->model ? r->model->name : "-");
	}
	if (r->cached_tokens > 0) {
		fmt_tokens(r->cached_tokens, in, sizeof(in));
		printf("cache     ~%s tokens warm on %s\n", in, r->model ? r->model->name : "-");
	}
	pricing_format(r->model != NULL ? r->estimate : -1, true, money, sizeof(money));
	printf("estimate  %s on %s\n", money, r->model ? r->model->name : "(no model)");
	route_print_budget(cli, r, b);
	for (t = 0; t < TIER_COUNT; t++) {
		char *line;
		size_t n;

		pricing_format(est[t].cost, true, money, sizeof(money));
		line = xstrfmt("%-9s %-9s %-24s %-10s%s%s%s", t == 0 ? "cost" : "",
		    tier_str((enum tier)t), est[t].model ? est[t].model->name : "(no model)", money,
		    est[t].model && !est[t].key ? "  no key" : "",
		    est[t].too_long ? "  too long for its context window" : "",
		    r->tier == t && est[t].model == r->model ? "  <- chosen" : "");
		/* the columns' padding ends where the line's words do: no trailing blanks */
		for (n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
			line[n - 1] = '\0';
		printf("%s\n", line);
		free(line);
	}
}

static void
route_json_budget(const struct app *cli, cJSON *o, const struct chat_route *r,
    const struct route_budget *b)
{
	cJSON *bo = cJSON_AddObjectToObject(o, "budget");

	cJSON_AddStringToObject(bo, "action", b->action);
	cJSON_AddStringToObject(bo, "budget_action", budget_action_str(cli->cfg.budget_action));
	if (r->refused)
		cJSON_AddStringToObject(bo, "refusal", r->refusal);
	if (b->have_meter) {
		cJSON_AddStringToObject(bo, "month", b->m.month);
		cli_json_usd(bo, "spent_usd", b->m.spent);
		cli_json_usd(bo, "reserved_usd", b->m.reserved);
	}
	/* A team ledger's limit is the team's, read from its database with the meter. */
	cli_json_usd(bo, "limit_usd", cli->cfg.budget != LEDGER_TEAM_LIMIT ? cli->cfg.budget :
	    b->have_meter ? b->m.limit : 0);
}

/*
 * Add every feature that fired (a value other than 0) with its standardised
 * value and its term in each shipped head, and the shipped router's own view
 * beside the probabilities a learnt correction may have moved.
 */
static void
route_json_fired(cJSON *o, const struct route_input *in)
{
	const struct router_model *rm = &router_default_model;
	struct route_decision shipped;
	double x[RF_COUNT];
	cJSON *fired = cJSON_AddArrayToObject(o, "fired"), *sh;
	int i;

	router_features(in, x);
	for (i = 0; i < RF_COUNT; i++) {
		cJSON *f;
		double z;

		if (x[i] == 0)
			continue;
		z = router_z(rm, x, i);
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", router_feature_names[i]);
		cli_json_real(f, "value", x[i]);
		cli_json_real(f, "z", z);
		cli_json_real(f, "head1", rm->w1[i] * z);
		cli_json_real(f, "head2", rm->w2[i] * z);
		cJSON_AddItemToArray(fired, f);
	}
	router_decide(in, &shipped);
	sh = cJSON_AddObjectToObject(o, "shipped");
	cJSON_AddStringToObject(sh, "tier", tier_str(shipped.tier));
	cli_json_real(sh, "p_cheap_fail", shipped.p_cheap_fail);
	cli_json_real(sh, "p_mid_fail", shipped.p_mid_fail);
}

static void
route_print_json(const struct app *cli, const struct chat_route *r, const struct route_budget *b,
    const struct tier_estimate est[TIER_COUNT], const struct route_input *in, const struct learn *lm,
    bool explain)
{
	const struct route_decision *d = &r->decision;
	cJSON *o = cJSON_CreateObject(), *feats, *ests;
	char *text;
	size_t i;
	int t;

	cJSON_AddStringToObject(o, "tier", tier_str(r->tier));
	cJSON_AddStringToObject(o, "mode", route_mode_str(r->mode));
	cJSON_AddStringToObject(o, "model", r->model ? r->model->name : "");
	cJSON_AddStringToObject(o, "provider", r->model ? r->model->provider : "");
	cJSON_AddBoolToObject(o, "key", !r->keyless);
	cJSON_AddStringToObject(o, "reason", r->reason);
	cli_json_real(o, "p_cheap_fail", d->p_cheap_fail);
	cli_json_real(o, "p_mid_fail", d->p_mid_fail);
	cJSON_AddBoolToObject(o, "sticky", d->sticky);
	cJSON_AddBoolToObject(o, "context_adjusted", r->context_adjusted);
	cJSON_AddBoolToObject(o, "budget_adjusted", r->budget_adjusted);
	cJSON_AddBoolToObject(o, "vision_adjusted", r->vision_adjusted);
	cJSON_AddBoolToObject(o, "refused", r->refused);
	feats = cJSON_AddArrayToObject(o, "features");
	for (i = 0; i < d->ntop; i++) {
		cJSON *f = cJSON_CreateObject();

		cJSON_AddStringToObject(f, "name", d->top[i].name);
		cli_json_real(f, "value", d->top[i].value);
		cli_json_real(f, "contribution", d->top[i].contribution);
		cJSON_AddItemToArray(feats, f);
	}
	route_json_fired(o, in);
	if (explain)
		cli_learn_explain(cli, lm, o);
	/* The chosen model's own estimate; an unknown price is null, never 0. */
	cli_json_usd(o, "estimate_usd", r->model ? r->estimate : -1);
	cli_json_usd(o, "worst_case_usd", r->model ? r->worst_case : -1);
	cJSON_AddNumberToObject(o, "cached_tokens", (double)r->cached_tokens);
	cli_json_usd(o, "cache_usd", r->cache_part);
	cli_json_usd(o, "cache_loss_usd", r->cache_loss);
	cJSON_AddNumberToObject(o, "input_tokens", (double)r->input_tokens);
	cJSON_AddNumberToObject(o, "image_tokens", (double)r->image_tokens);
	cJSON_AddNumberToObject(o, "reply_tokens", (double)r->reply_typical);
	cJSON_AddNumberToObject(o, "reply_cap_tokens", (double)r->reply_cap);
	cJSON_AddBoolToObject(o, "reply_cap_window", r->reply_window);
	route_json_budget(cli, o, r, b);
	ests = cJSON_AddArrayToObject(o, "estimates");
	for (t = 0; t < TIER_COUNT; t++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "tier", tier_str((enum tier)t));
		cJSON_AddStringToObject(e, "model", est[t].model ? est[t].model->name : "");
		cJSON_AddBoolToObject(e, "key", est[t].key);
		cJSON_AddBoolToObject(e, "fits_context", !est[t].too_long);
		cli_json_usd(e, "cost_usd", est[t].cost);
		cJSON_AddNumberToObject(e, "cached_tokens", (double)est[t].cached);
		cli_json_usd(e, "cache_usd", est[t].cache_part);
		cJSON_AddBoolToObject(e, "estimated", true);
		cJSON_AddItemToArray(ests, e);
	}
	text = report_json_str(o);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(o);
}

/* Show the decision chat c would make for msg, and exit 3 when it would be refused. */
int
cli_route_report(struct app *cli, const struct cli_opts *p, struct chat *c, struct ledger *l,
    const char *msg)
{
	struct tier_estimate est[TIER_COUNT];
	struct route_budget b;
	struct route_input in;
	struct chat_route r;
	char *cause = NULL;
	enum chat_status rc = chat_preview(c, &p->o, msg, &r, &cause);

	/* with no key the decision still stands, shown with the tier's first model */
	if (rc != CHAT_OK && !(rc == CHAT_AUTH && r.keyless)) {
		fprintf(stderr, "llm: route: %s\n", cause ? cause : "cannot route");
		free(cause);
		return cli_exit_code(rc);
	}
	/* a pinned model is sent to whether it has a key or not: say so, as for a tier */
	if (rc == CHAT_OK && r.mode == ROUTE_PINNED && !route_key(cli, r.model))
		r.keyless = true;
	route_estimates(cli, c, &p->o, r.input_tokens - r.image_tokens, r.reply_typical, est);
	route_budget(cli, l, &r, &b);
	chat_route_input(c, msg, &in);
	if (p->json) {
		route_print_json(cli, &r, &b, est, &in, chat_learnt(c), p->explain);
	} else {
		route_print_text(cli, &r, &b, est, p->o.nimages);
		if (p->explain)
			cli_learn_explain(cli, chat_learnt(c), NULL);
	}
	fflush(stdout);
	if (r.keyless && r.mode == ROUTE_PINNED)
		fprintf(stderr, "llm: route: %s has no key (see llm models)\n", r.model->name);
	else if (r.keyless)
		fprintf(stderr, "llm: route: no model of the %s tier has a key (see llm models)\n",
		    tier_str(r.tier));
	free(cause);
	if (r.refused) {
		fprintf(stderr, "llm: %s\n", r.refusal);
		return EXIT_BUDGET;
	}
	return EXIT_OK;
}
