/* chat_budget: a request's worst case reserved under the budget or the task's cap; refusals' words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "chat_priv.h"
#include "ledger.h"
#include "log.h"
#include "pricing.h"
#include "store.h"
#include "util.h"

static void
money(int64_t pico, bool est, char *out, size_t n)
{
	pricing_format(pico, est, out, n);
}

/* The budget's verdict on a request's worst case in the debug log. */
static void
log_budget(const char *verdict, const struct model *m, int64_t worst, const struct meter *mt)
{
	char w[32], s[32], r[32], l[32];

	if (!log_enabled())
		return;
	money(worst, false, w, sizeof w);
	money(mt->spent, mt->estimated, s, sizeof s);
	money(mt->reserved, false, r, sizeof r);
	pricing_format_exact(mt->limit, l, sizeof l);
	log_msg("budget", "%s: worst case %s on %s; %s spent %s, reserved %s, budget %s", verdict,
	    worst < 0 ? "unknown" : w, m->name, mt->month, s, r, mt->limit > 0 ? l : "none");
}

/*
 * The team's ledger is unreachable (rc from ledger_reserve, cause its reason):
 * under block it refuses; else the request went on within the offline allowance
 * (0), or would pass it. CHAT_BUDGET when refused.
 */
static enum chat_status
reserve_offline(struct chat *c, const struct model *m, int rc, int64_t worst,
    const struct meter *mt, char *cause, bool quiet)
{
	char a[32], b[32], d[32];

	log_budget(rc == LEDGER_RESERVED ? "reserved offline" : "refused offline", m, worst, mt);
	money(worst, false, a, sizeof a);
	money(mt->spent + mt->reserved, false, b, sizeof b);
	pricing_format_exact(mt->limit, d, sizeof d);
	if (rc == LEDGER_UNREACHABLE && !quiet)
		chat_fail(c, CHAT_BUDGET, "budget: team ledger unreachable, and budget_action = block"
		    " refuses until it is back: try again then, or use a free model (a local one,"
		    " -m NAME) (%s)", cause ? cause : "no reason given");
	else if (rc == LEDGER_OVER_BUDGET && !quiet)
		chat_fail(c, CHAT_BUDGET, "budget: team ledger unreachable, and the worst case %s on %s"
		    " would pass the offline allowance (%s used of %s): try again when it is back%s,"
		    " or raise [ledger] offline_allowance (%s)",
		    worst < 0 ? "unknown" : a, m->name, b, d,
		    worst < 0 ? "" : ", lower the worst case with a smaller reply cap (--max-tokens N)",
		    cause ? cause : "no reason given");
	else if (rc == LEDGER_RESERVED && worst == 0)
		chat_note(c, "warning: team ledger unreachable: a free model goes on; its row is sent"
		    " when it is back (%s)", cause ? cause : "no reason given");
	else if (rc == LEDGER_RESERVED)
		/* The reason tells an outage from a setup error (a misspelt database or role). */
		chat_note(c, "warning: team ledger unreachable: going on within the offline allowance"
		    " (%s used of %s); the row is sent when it is back (%s)", b, d,
		    cause ? cause : "no reason given");
	free(cause);
	return rc == LEDGER_RESERVED ? CHAT_OK : CHAT_BUDGET;
}

/*
 * The other way under the budget: the worst case counts the whole reply cap,
 * which a smaller --max-tokens lowers.
 */
#define BUDGET_LOWER_HINT \
	", or lower the worst case with a smaller reply cap (--max-tokens N)"
/* With all of it spent, no reply cap fits: only a model that costs nothing does. */
#define BUDGET_SPENT_HINT \
	"; until then nothing priced fits, only a free model (a local one, -m NAME)"

/* The hint after how the budget is raised, for spent of limit. */
static const char *
lower_hint(int64_t spent, int64_t limit)
{
	return spent >= limit ? BUDGET_SPENT_HINT : BUDGET_LOWER_HINT;
}

/* Tell whether worst case passes the user's own budget and not the team's. */
bool
chat_over_own_budget(const struct meter *mt, int64_t worst)
{
	return mt->team && mt->user_limit > 0 &&
	    worst > mt->user_limit - mt->user_spent - mt->user_reserved &&
	    !(mt->limit > 0 && worst > mt->limit - mt->spent - mt->reserved);
}

/* Say that worst case on m would pass the user's own budget in the team's ledger. */
char *
chat_own_budget_refusal(const struct model *m, int64_t worst, const struct meter *mt)
{
	const struct ledger_team *t = ledger_team();
	const char *user = t != NULL ? t->user : "the user";
	char w[32], a[32], b[32], d[32], *s;

	/* an estimate (the input is counted before it is sent), marked as the route line marks it */
	money(worst, true, w, sizeof w);
	money(mt->user_spent, false, a, sizeof a);
	money(mt->user_reserved, false, b, sizeof b);
	pricing_format_exact(mt->user_limit, d, sizeof d);
	xasprintf(&s, "budget: worst case %s on %s would pass %s's own budget for %s"
	    " (spent %s, reserved %s of %s); the team's admin raises it with"
	    " llm budget set --user %s USD%s", w, m->name, user, mt->month, a, b, d, user,
	    lower_hint(mt->user_spent, mt->user_limit));
	return s;
}

/* Say that worst case on m would pass the budget in mt: a team's is named, and its admin's. */
char *
chat_budget_refusal(const struct model *m, int64_t worst, const struct meter *mt,
    const struct chat_budget_how *how)
{
	const struct ledger_team *t = ledger_team();
	char w[32], a[32], b[32], d[32], *s;

	money(worst, true, w, sizeof w);
	money(mt->spent, mt->estimated, a, sizeof a);
	money(mt->reserved, false, b, sizeof b);
	pricing_format_exact(mt->limit, d, sizeof d);
	/* a member may not set the team's budget: the admin does */
	if (mt->team && t != NULL)
		xasprintf(&s, "budget: worst case %s on %s would pass team \"%s\"'s budget for %s"
		    " (spent %s, reserved %s of %s); the team's admin raises it with"
		    " llm budget set USD%s", w, m->name, t->team, mt->month, a, b, d,
		    lower_hint(mt->spent, mt->limit));
	else if (how != NULL)
		xasprintf(&s, "budget: worst case %s on %s would pass %s's budget (spent %s,"
		    " reserved %s of %s); %s", w, m->name, mt->month, a, b, d,
		    mt->spent >= mt->limit ? how->spent : how->left);
	else
		xasprintf(&s, "budget: worst case %s on %s would pass %s's budget (spent %s,"
		    " reserved %s of %s); raise it with llm budget set USD%s", w, m->name, mt->month,
		    a, b, d, lower_hint(mt->spent, mt->limit));
	return s;
}

/*
 * Say that m's unknown price cannot be held to the budget in mt: the
 * month's, or in a team without one the user's own, with its figures.
 */
char *
chat_unknown_price_refusal(const struct model *m, const struct meter *mt)
{
	const struct ledger_team *t = ledger_team();
	char a[32], b[32], d[32], *s;

	if (mt->team && mt->limit <= 0 && mt->user_limit > 0) {
		const char *user = t != NULL ? t->user : "the user";

		money(mt->user_spent, false, a, sizeof a);
		money(mt->user_reserved, false, b, sizeof b);
		pricing_format_exact(mt->user_limit, d, sizeof d);
		xasprintf(&s, "budget: %s has an unknown price and %s's own budget for %s is enforced"
		    " (spent %s, reserved %s of %s); pin a priced model or set budget_action = warn",
		    m->name, user, mt->month, a, b, d);
		return s;
	}
	money(mt->spent, mt->estimated, a, sizeof a);
	money(mt->reserved, false, b, sizeof b);
	pricing_format_exact(mt->limit, d, sizeof d);
	xasprintf(&s, "budget: %s has an unknown price and %s's budget is enforced (spent %s,"
	    " reserved %s of %s); pin a priced model or set budget_action = warn", m->name,
	    mt->month, a, b, d);
	return s;
}

/* Say why the budget in mt refuses worst case on m: an unknown price, the user's own, the budget. */
char *
chat_over_budget_words(const struct model *m, int64_t worst, const struct meter *mt,
    const struct chat_budget_how *how)
{
	if (worst >= 0)
		return chat_over_own_budget(mt, worst) ? chat_own_budget_refusal(m, worst, mt) :
		    chat_budget_refusal(m, worst, mt, how);
	return chat_unknown_price_refusal(m, mt);
}

/*
 * Reserve the worst case of model m under the budget. Returns 0 reserved,
 * CHAT_BUDGET refused (with the figures in turn.error), CHAT_PROVIDER on a
 * database error.
 */
enum chat_status
chat_reserve(struct chat *c, const struct model *m, enum tier t, const struct chat_route *r,
    int64_t worst, bool quiet)
{
	struct ledger_entry e;
	struct meter mt;
	bool enforce = c->cfg->budget > 0 && c->cfg->budget_action != BUDGET_WARN;
	char *cause = NULL, a[32], b[32], d[32];
	int rc;

	c->ledger_id = 0;
	if (c->ledger == NULL)
		return 0;
	/* an agent's step is the task's (its row, its history): no conversation holds it */
	if (c->conv_id == 0 && c->opts.task_id == 0) {
		c->conv_id = ledger_conv_new(c->ledger, c->prompt);
		c->conv_fresh = c->conv_id != 0;
		c->system_saved = c->system == NULL;
		c->role_saved = c->role == NULL;
		/* a draft or a command is billed like any request but is no conversation to go on */
		if (c->conv_id != 0 && (c->opts.draft || c->opts.cmd))
			store_conv_set_kind(ledger_store(c->ledger), c->conv_id,
			    c->opts.draft ? "draft" : "cmd");
	}
	memset(&e, 0, sizeof e);
	e.conversation_id = c->conv_id;
	e.provider = m->provider;
	e.model = m->name;
	e.tier = tier_str(t);
	e.route_mode = route_mode_str(r->mode);
	e.route_reason = r->reason;
	e.task_id = c->opts.task_id;
	e.task_cap = c->opts.task_cap;
	rc = ledger_reserve(c->ledger, &e, worst, c->cfg->budget, enforce, &c->ledger_id, &mt,
	    &cause);
	if (rc < 0) {
		/* a local database failure, not the provider's: the setup must be fixed */
		chat_fail(c, CHAT_USAGE, "ledger: %s; nothing was sent", cause ? cause : "database error");
		free(cause);
		return CHAT_USAGE;
	}
	c->over_offline = rc != LEDGER_OVER_TASK && (rc == LEDGER_UNREACHABLE || mt.offline);
	if (c->over_offline)
		return reserve_offline(c, m, rc, worst, &mt, cause, quiet);
	log_budget(rc == LEDGER_RESERVED ? "reserved" : "refused", m, worst, &mt);
	if (rc == LEDGER_OVER_TASK) {
		char w[32], cap[32];

		money(worst, false, w, sizeof w);
		pricing_format_exact(c->opts.task_cap, cap, sizeof cap);
		c->turn.over_task = true;
		c->turn.over_worst = worst;
		if (!quiet && c->opts.cap_how != NULL)
			chat_fail(c, CHAT_BUDGET, "the next step's worst case %s on %s would pass the "
			    "task's cap of %s (%s USD raises it)", worst < 0 ? "(unknown)" : w, m->name,
			    cap, c->opts.cap_how);
		else if (!quiet)
			chat_fail(c, CHAT_BUDGET, "max-cost: the next step's worst case %s on %s would pass "
			    "the task's cap of %s", worst < 0 ? "(unknown)" : w, m->name, cap);
		return CHAT_BUDGET;
	}
	if (rc == LEDGER_OVER_BUDGET) {
		if (!quiet) {
			char *why = chat_over_budget_words(m, worst, &mt, c->budget_how);

			chat_fail(c, CHAT_BUDGET, "%s", why);
			free(why);
		}
		c->over_meter = mt;     /* for a refused fallback to say the same */
		return CHAT_BUDGET;
	}
	if (!enforce && mt.limit > 0 && worst > 0 && mt.spent + mt.reserved > mt.limit) {
		/* mt already holds this request's reservation: spent is what was really spent */
		money(worst, false, a, sizeof a);
		money(mt.spent, mt.estimated, b, sizeof b);
		pricing_format_exact(mt.limit, d, sizeof d);
		chat_note(c, "warning: this request's worst case %s on %s would pass %s's budget "
		    "(spent %s of %s); going on, as budget_action = warn", a, m->name, mt.month, b, d);
	}
	return 0;
}

/* Reserve route r's worst case under the budget (chat_admit_route's fits). */
static enum chat_status
admit_fits(struct chat *c, const struct chat_route *r, char **cause)
{
	(void)cause;   /* chat_reserve says why in the turn's error */
	return chat_reserve(c, r->model, r->tier, r, r->worst_case, false);
}

/* The route decision in the debug log. */
static void
log_route(const struct chat_route *r)
{
	log_msg("route", "%s: tier %s, model %s (%s), about %lld input tokens",
	    route_mode_str(r->mode), tier_str(r->tier), r->model ? r->model->name : "none",
	    r->reason, (long long)r->input_tokens);
}

/*
 * Check --max-cost and the budget for the routed model (chat_preview makes
 * the same walk); under downgrade, walk down the tiers. Returns 0 with
 * c->model set, or a chat_status.
 */
enum chat_status
chat_admit(struct chat *c, struct chat_route *r)
{
	enum tier from = r->tier;
	const struct model *from_model = r->model;
	char *cause = NULL, move[200];
	enum chat_status rc;

	log_route(r);
	rc = chat_admit_route(c, &c->opts, r, admit_fits, &cause);
	if (rc != 0) {
		/* chat_reserve's refusal is in the turn's error already: cause adds to it */
		if (cause != NULL && c->turn.error != NULL) {
			char *said = c->turn.error;

			c->turn.error = NULL;
			chat_fail(c, rc, "%s; %s", said, cause);
			free(said);
		} else if (cause != NULL) {
			chat_fail(c, rc, "%s", cause);
		}
		free(cause);
		return rc;
	}
	if (r->budget_adjusted) {
		char cap[32], *said;

		/* the routed model may have been refused by the task's cap, not the month's budget */
		pricing_format_exact(c->opts.task_cap, cap, sizeof cap);
		/* a cheaper model of the same tier is a move, not a downgrade "from cheap to cheap" */
		if (r->tier == from && from_model != NULL)
			snprintf(move, sizeof move, "moved from %s to %s (both %s)", from_model->name,
			    r->model->name, tier_str(from));
		else
			snprintf(move, sizeof move, "downgraded from %s to %s (%s)", tier_str(from),
			    tier_str(r->tier), r->model->name);
		if (c->turn.over_task)
			said = xstrfmt("max-cost: %s to stay within the task's cap of %s", move, cap);
		else
			said = xstrfmt("budget: %s to stay within the budget", move);
		/* a task's steps say the same move once; each message of a chat says its own */
		if (c->opts.task_id == 0 || c->moved == NULL || strcmp(c->moved, said) != 0)
			chat_note(c, "%s", said);
		free(c->moved);
		c->moved = c->opts.task_id != 0 ? said : NULL;
		if (c->opts.task_id == 0)
			free(said);
		c->turn.over_task = false;   /* the route taken fits */
		free(c->turn.error);
		c->turn.error = NULL;
		c->turn.status = 0;
	}
	/*
	 * A tier asked for whose models cannot take the prompt: the dearer tier it
	 * goes to is said, as a downgrade is, not left to a summary line a script
	 * never sees. An agent's steps say their tier on their own lines.
	 */
	if (r->context_adjusted && r->mode == ROUTE_TIER && c->opts.msgs == NULL) {
		const char *why = strrchr(r->reason, ';');

		why = why != NULL ? strstr(why, ": ") : NULL;
		chat_note(c, "tier: sent to %s (%s)%s%s", tier_str(r->tier), r->model->name,
		    why != NULL ? ", " : "", why != NULL ? why + 2 : "");
	}
	c->max_out = chat_reply_cap(c, &c->opts, r->model, r->input_tokens, &c->send_cap);
	c->model = r->model;
	c->tier = r->tier;
	if (r->budget_adjusted)
		log_route(r);
	return 0;
}

/* "worst case $0.0212 would pass the task's cap of $0.0025", for a worst case w. */
void
chat_over_cap_words(const struct chat *c, int64_t w, char *out, size_t n)
{
	char a[32], b[32];

	money(w, false, a, sizeof a);
	pricing_format_exact(c->opts.task_cap, b, sizeof b);
	snprintf(out, n, "worst case %s would pass the task's cap of %s", w < 0 ? "(unknown)" : a, b);
}
