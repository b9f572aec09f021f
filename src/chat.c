/* chat: the controller both front ends use: route, key, budget, request, stream, price, record. */
#include "chat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "chart.h"
#include "chat_priv.h"
#include "cred.h"
#include "http.h"
#include "image.h"
#include "ledger.h"
#include "log.h"
#include "ndjson.h"
#include "pricing.h"
#include "router.h"
#include "spend.h"
#include "sse.h"
#include "store.h"
#include "util.h"

#define STREAM_LINE_MAX   (4u << 20)    /* one SSE event or NDJSON line */
#define BODY_MAX          (16u << 20)   /* a non-streamed reply */
#define CHAT_REASONING_MAX (4u << 20)   /* a step's reasoning text kept to send back */
#define HOLD_MAX          320           /* bytes held back while a refusal is possible */
#define MAX_TRIES         3
#define PROGRESS_MS       1000          /* how often the ledger hears what a reply has brought */



struct chat *
chat_new(const struct config *cfg, struct catalog *cat, struct ledger *l)
{
	struct chat *c = xcalloc(1, sizeof *c);

	c->cfg = cfg;
	c->cat = cat;
	c->ledger = l;
	c->http = http_new();
	c->prev_tier = TIER_AUTO;
	c->resume_tier = TIER_AUTO;
	c->label_prev = TIER_AUTO;
	/* the answer is never longer than the reply that carries it */
	buf_init(&c->text, (size_t)cfg->max_reply << 20);
	buf_init(&c->reasoning, CHAT_REASONING_MAX);
	buf_init(&c->body, BODY_MAX);
	chat_learn_load(c);
	return c;
}

static void
calls_free(struct chat_call *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].args);
		free(v[i].signature);
		free(v[i].error);
	}
	free(v);
}

static void
turn_clear(struct chat_turn *t)
{
	free(t->text);
	free(t->error);
	free(t->reasoning);
	calls_free(t->calls, t->ncalls);
	memset(t, 0, sizeof *t);
}

/* Forget one response: the transfer, its decoders, what it said. The key stays for a retry. */
static void
response_clear(struct chat *c)
{
	if (c->req != NULL) {
		http_req_free(c->req);
		c->req = NULL;
	}
	sse_free(c->sse);
	c->sse = NULL;
	ndjson_free(c->nd);
	c->nd = NULL;
	pstate_done(&c->ps);
	memset(&c->ps, 0, sizeof c->ps);
	calls_free(c->calls, c->ncalls);
	c->calls = NULL;
	c->ncalls = 0;
	buf_reset(&c->text);
	buf_reset(&c->reasoning);
	buf_reset(&c->body);
	c->line_too_long = false;
	c->too_large = false;
	c->reply_bytes = 0;
	c->bad = PEV_OK;
	c->retry_at = 0;
	c->progress_at = 0;
	c->progress_len = 0;
}

static void
step_clear(struct chat *c)
{
	response_clear(c);
	secret_free(c->key);
	c->key = NULL;
	c->emitted = 0;
	c->holding = false;
}

void
chat_reset(struct chat *c)
{
	size_t i;

	for (i = 0; i < c->nhist; i++)
		free(c->hist_text[i]);
	free(c->hist);
	free(c->hist_text);
	c->hist = NULL;
	c->hist_text = NULL;
	c->nhist = 0;
	c->hist_last = false;
	c->resume_tier = TIER_AUTO;
	/* the last turn was of the conversation left: never re-asked in the next one */
	if (!c->busy)
		turn_clear(&c->turn);
	free(c->prompt);
	c->prompt = NULL;
	c->conv_id = 0;
	c->prev_tier = TIER_AUTO;
	free(c->system);
	c->system = NULL;
	c->system_saved = true;
	free(c->role);
	c->role = NULL;
	c->role_saved = true;
	c->nwarm = 0;
	c->nsynth = 0;
	c->summary_upto = 0;
}

void
chat_free(struct chat *c)
{
	if (c == NULL)
		return;
	if (c->busy)
		chat_cancel(c);
	step_clear(c);
	chat_reset(c);
	turn_clear(&c->turn);
	free(c->system);
	free(c->role);
	free(c->prompt);
	buf_done(&c->text);
	buf_done(&c->reasoning);
	buf_done(&c->body);
	http_free(c->http);
	free(c);
}

static void
hist_add(struct chat *c, const char *role, const char *text)
{
	size_t i;

	c->hist = xreallocarray(c->hist, c->nhist + 1, sizeof *c->hist);
	c->hist_text = xreallocarray(c->hist_text, c->nhist + 1, sizeof *c->hist_text);
	c->hist_text[c->nhist] = xstrdup(text);
	memset(&c->hist[c->nhist], 0, sizeof *c->hist);   /* fields beyond role and text unset */
	c->hist[c->nhist].role = strcmp(role, "assistant") == 0 ? "assistant" : "user";
	c->nhist++;
	/* texts may have moved with realloc of the pointer array: relink */
	for (i = 0; i < c->nhist; i++)
		c->hist[i].text = c->hist_text[i];
}

/*
 * When a resumed conversation ends on a question and its answer, the tier the
 * answer came from: F4 re-asks it one tier up, as in the session that asked it.
 */
static void
resume_last(struct chat *c)
{
	struct store_msg *m = NULL;
	size_t n = 0;

	if (c->nhist < 2 || strcmp(c->hist[c->nhist - 1].role, "assistant") != 0 ||
	    strcmp(c->hist[c->nhist - 2].role, "user") != 0)
		return;
	if (store_msgs_recent(ledger_store(c->ledger), c->conv_id, &m, &n, NULL) == 0 && n > 0 &&
	    m[n - 1].tier != NULL && strcmp(m[n - 1].role, "assistant") == 0 &&
	    tier_parse(m[n - 1].tier, &c->resume_tier) && c->resume_tier != TIER_AUTO)
		c->hist_last = true;
	else
		c->resume_tier = TIER_AUTO;
	store_msgs_free(m, n);
}

int
chat_resume(struct chat *c, int64_t id, char **cause)
{
	char **roles = NULL, **texts = NULL;
	struct store_conv conv;
	size_t n = 0, i;

	if (c->ledger == NULL || !ledger_conv_exists(c->ledger, id)) {
		xasprintf(cause, "no conversation %lld (see llm logs)", (long long)id);
		return -1;
	}
	if (store_conv_get(ledger_store(c->ledger), id, &conv, cause) != 0)
		return -1;
	if (conv.draft) {
		store_conv_done(&conv);
		xasprintf(cause, "%lld is a commit-message draft of the git hook, not a conversation "
		    "to continue (llm logs --all lists drafts)", (long long)id);
		return -1;
	}
	if (ledger_conv_load(c->ledger, id, &roles, &texts, &n, cause) != 0) {
		store_conv_done(&conv);
		return -1;
	}
	chat_reset(c);
	for (i = 0; i < n; i++)
		hist_add(c, roles[i], texts[i]);
	ledger_msgs_free(roles, texts, n);
	c->conv_id = id;
	resume_last(c);
	/* the tier the conversation had reached, as if it had never stopped */
	if (conv.tier == NULL || !tier_parse(conv.tier, &c->prev_tier))
		c->prev_tier = TIER_AUTO;
	chat_compact_load(c);
	chat_warm_load(c);
	c->system = conv.system;    /* taken */
	conv.system = NULL;
	c->role = conv.role;        /* taken */
	conv.role = NULL;
	store_conv_done(&conv);
	return 0;
}

const char *
chat_system(const struct chat *c)
{
	return c->system;
}

const char *
chat_role(const struct chat *c)
{
	return c->role;
}

size_t
chat_history(const struct chat *c, const struct msg **msgs)
{
	*msgs = c->hist;
	return c->nhist;
}

int64_t
chat_conversation(const struct chat *c)
{
	return c->conv_id;
}

const struct chat_turn *
chat_last(const struct chat *c)
{
	return &c->turn;
}

enum tier
chat_last_tier(const struct chat *c)
{
	if (c->turn.nsteps > 0)
		return c->turn.steps[c->turn.nsteps - 1].tier;
	return c->resume_tier;
}

bool
chat_busy(const struct chat *c)
{
	return c->busy;
}


static void
note(struct chat *c, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (c->cb.note == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	c->cb.note(c->cb.arg, line);
	free(line);
}

static void
fail(struct chat *c, enum chat_status status, const char *fmt, ...)
{
	va_list ap;

	free(c->turn.error);
	va_start(ap, fmt);
	xvasprintf(&c->turn.error, fmt, ap);
	va_end(ap);
	c->turn.status = status;
	c->turn.finish = CHAT_FINISH_ERROR;   /* finish() says more if the turn gets that far */
}

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
		fail(c, CHAT_BUDGET, "budget: team ledger unreachable, and budget_action = block"
		    " refuses until it is back (%s)", cause ? cause : "no reason given");
	else if (rc == LEDGER_OVER_BUDGET && !quiet)
		fail(c, CHAT_BUDGET, "budget: team ledger unreachable, and the worst case %s on %s"
		    " would pass the offline allowance (%s used of %s) (%s)",
		    worst < 0 ? "unknown" : a, m->name, b, d, cause ? cause : "no reason given");
	else if (rc == LEDGER_RESERVED)
		/* The reason tells an outage from a setup error (a misspelt database or role). */
		note(c, "warning: team ledger unreachable: going on within the offline allowance"
		    " (%s used of %s); the row is sent when it is back (%s)", b, d,
		    cause ? cause : "no reason given");
	free(cause);
	return rc == LEDGER_RESERVED ? CHAT_OK : CHAT_BUDGET;
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

	money(worst, false, w, sizeof w);
	money(mt->user_spent, false, a, sizeof a);
	money(mt->user_reserved, false, b, sizeof b);
	pricing_format_exact(mt->user_limit, d, sizeof d);
	xasprintf(&s, "budget: worst case %s on %s would pass %s's own budget for %s"
	    " (spent %s, reserved %s of %s); the team's admin raises it with"
	    " llm budget set --user %s USD", w, m->name, user, mt->month, a, b, d, user);
	return s;
}

/* Say that worst case on m would pass the budget in mt: a team's is named, and its admin's. */
char *
chat_budget_refusal(const struct model *m, int64_t worst, const struct meter *mt)
{
	const struct ledger_team *t = ledger_team();
	char w[32], a[32], b[32], d[32], *s;

	money(worst, false, w, sizeof w);
	money(mt->spent, mt->estimated, a, sizeof a);
	money(mt->reserved, false, b, sizeof b);
	pricing_format_exact(mt->limit, d, sizeof d);
	/* a member may not set the team's budget: the admin does */
	if (mt->team && t != NULL)
		xasprintf(&s, "budget: worst case %s on %s would pass team \"%s\"'s budget for %s"
		    " (spent %s, reserved %s of %s); the team's admin raises it with"
		    " llm budget set USD", w, m->name, t->team, mt->month, a, b, d);
	else
		xasprintf(&s, "budget: worst case %s on %s would pass %s's budget (spent %s,"
		    " reserved %s of %s); raise it with llm budget set USD", w, m->name, mt->month,
		    a, b, d);
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
static char *
over_budget_words(const struct model *m, int64_t worst, const struct meter *mt)
{
	if (worst >= 0)
		return chat_over_own_budget(mt, worst) ? chat_own_budget_refusal(m, worst, mt) :
		    chat_budget_refusal(m, worst, mt);
	return chat_unknown_price_refusal(m, mt);
}

/*
 * Reserve the worst case of model m under the budget. Returns 0 reserved,
 * CHAT_BUDGET refused (with the figures in turn.error), CHAT_PROVIDER on a
 * database error.
 */
static enum chat_status
reserve(struct chat *c, const struct model *m, enum tier t, const struct chat_route *r,
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
		fail(c, CHAT_USAGE, "ledger: %s", cause ? cause : "database error");
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
		if (!quiet)
			fail(c, CHAT_BUDGET, "max-cost: the next step's worst case %s on %s would pass "
			    "the task's cap of %s", worst < 0 ? "(unknown)" : w, m->name, cap);
		return CHAT_BUDGET;
	}
	if (rc == LEDGER_OVER_BUDGET) {
		if (!quiet) {
			char *why = over_budget_words(m, worst, &mt);

			fail(c, CHAT_BUDGET, "%s", why);
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
		note(c, "warning: this request's worst case %s on %s would pass %s's budget "
		    "(spent %s of %s); going on, as budget_action = warn", a, m->name, mt.month, b, d);
	}
	return 0;
}

/* The worst case of sending this turn to m. */
static int64_t
worst_case(struct chat *c, const struct chat_route *r, const struct model *m)
{
	int64_t w;

	c->max_out = chat_reply_cap(c, &c->opts, m, r->input_tokens, &c->send_cap);
	if (chat_worst_case(c, m, r->input_tokens, c->max_out, &w) != PRICING_OK)
		return -1;
	return w;
}

/* Reserve route r's worst case under the budget (chat_admit_route's fits). */
static enum chat_status
admit_fits(struct chat *c, const struct chat_route *r, char **cause)
{
	(void)cause;   /* reserve says why in the turn's error */
	return reserve(c, r->model, r->tier, r, r->worst_case, false);
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
static enum chat_status
admit(struct chat *c, struct chat_route *r)
{
	enum tier from = r->tier;
	char *cause = NULL;
	enum chat_status rc;

	log_route(r);
	rc = chat_admit_route(c, &c->opts, r, admit_fits, &cause);
	if (rc != 0) {
		/* reserve's refusal is in the turn's error already: cause adds to it */
		if (cause != NULL && c->turn.error != NULL) {
			char *said = c->turn.error;

			c->turn.error = NULL;
			fail(c, rc, "%s; %s", said, cause);
			free(said);
		} else if (cause != NULL) {
			fail(c, rc, "%s", cause);
		}
		free(cause);
		return rc;
	}
	if (r->budget_adjusted) {
		char cap[32];

		/* the routed model may have been refused by the task's cap, not the month's budget */
		pricing_format_exact(c->opts.task_cap, cap, sizeof cap);
		if (c->turn.over_task)
			note(c, "max-cost: downgraded from %s to %s (%s) to stay within the task's cap "
			    "of %s", tier_str(from), tier_str(r->tier), r->model->name, cap);
		else
			note(c, "budget: downgraded from %s to %s (%s) to stay within the budget",
			    tier_str(from), tier_str(r->tier), r->model->name);
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
		note(c, "tier: sent to %s (%s)%s%s", tier_str(r->tier), r->model->name,
		    why != NULL ? ", " : "", why != NULL ? why + 2 : "");
	}
	c->max_out = chat_reply_cap(c, &c->opts, r->model, r->input_tokens, &c->send_cap);
	c->model = r->model;
	c->tier = r->tier;
	if (r->budget_adjusted)
		log_route(r);
	return 0;
}

static int
emit(struct chat *c, const char *s, size_t n)
{
	/* what a front end has shown stands, unless it can take it back (cb.retract) */
	if (n > 0 && c->cb.text != NULL) {
		c->cb.text(c->cb.arg, s, n);
		c->emitted += n;
	}
	return 0;
}

/* Whether text could still turn out to be a refusal or hedge, judged by how it opens. */
static bool
could_be_refusal(const char *s, size_t n)
{
	static const char *const openers[] = {
		"i'm sorry", "i am sorry", "sorry", "i can't", "i cannot", "i can not",
		"i'm unable", "i am unable", "i won't", "i will not", "as an ai",
		"i'm not able", "i am not able", "i apologize", "unfortunately",
		"i'm not sure", "i am not sure", "i don't know", "i do not know",
	};
	char low[32];
	size_t i, k = 0;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	if (n == 0)
		return true;
	for (i = 0; i < n && k + 1 < sizeof low; i++) {
		/* a typographic apostrophe, U+2019 */
		if (i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			low[k++] = '\'';
			i += 2;
			continue;
		}
		low[k++] = (char)tolower((unsigned char)s[i]);
	}
	low[k] = '\0';
	for (i = 0; i < ARRAY_SIZE(openers); i++) {
		size_t m = strlen(openers[i]);

		if (strncmp(low, openers[i], k < m ? k : m) == 0)
			return true;
	}
	return false;
}

static void
on_text(void *arg, const char *s, size_t n)
{
	struct chat *c = arg;

	if (buf_add(&c->text, s, n) != 0) {
		c->too_large = true;   /* on_data stops the transfer */
		return;
	}
	/* a summary being written is not the answer */
	if (c->compacting)
		return;
	/* a reply not streamed is shown whole at the end: nothing is shown before it could escalate */
	if (!c->opts.stream)
		return;
	if (c->holding) {
		if (c->text.len <= HOLD_MAX && could_be_refusal(c->text.data, c->text.len))
			return;
		c->holding = false;
		emit(c, c->text.data, c->text.len);
		return;
	}
	emit(c, s, n);
}

/* Reasoning text: kept for the turn, whole up to its cap (it is echoed, never shown). */
static void
on_reasoning(void *arg, const char *s, size_t n)
{
	struct chat *c = arg;

	(void)buf_add(&c->reasoning, s, n);
}

/* A tool call, whole: kept for the turn. */
static void
on_call(void *arg, const struct tool_call *tc, const char *error)
{
	struct chat *c = arg;
	struct chat_call *k;

	c->calls = xreallocarray(c->calls, c->ncalls + 1, sizeof *c->calls);
	k = &c->calls[c->ncalls++];
	k->id = tc->id ? xstrdup(tc->id) : NULL;
	k->name = xstrdup(tc->name);
	k->args = xstrdup(tc->args);
	k->signature = tc->signature ? xstrdup(tc->signature) : NULL;
	k->error = error ? xstrdup(error) : NULL;
}

static int
on_event(void *arg, const char *name, const char *data, size_t len)
{
	struct chat *c = arg;
	enum pev ev = c->prov->event(&c->ps, name, data, len);

	if (ev == PEV_DONE)
		c->ps.done = true;
	if (ev == PEV_ERROR || ev == PEV_BAD) {
		c->bad = ev;
		return 1;
	}
	return 0;
}

static int
on_line(void *arg, const char *line, size_t len)
{
	return on_event(arg, NULL, line, len);
}

/*
 * Tell the ledger what this step has received (the input, as soon as a reply
 * comes; the output so far, estimated: on the first text, then at most once a
 * second), so that if this process is killed its reservation is settled at that
 * and not at its worst case.
 */
static void
progress(struct chat *c)
{
	struct usage u;
	int64_t cost, now = clock_ms();

	if (c->ledger == NULL || c->ledger_id == 0)
		return;
	if (c->progress_at != 0 && now - c->progress_at < PROGRESS_MS &&
	    (c->progress_len > 0 || c->text.len == 0))
		return;
	c->progress_at = now;
	c->progress_len = c->text.len;
	memset(&u, 0, sizeof u);
	u.input = c->input_est;
	u.output = pricing_estimate_tokens(c->text.data ? c->text.data : "", c->text.len);
	if (pricing_cost(c->model, &u, &cost) != PRICING_OK)
		cost = -1;
	ledger_progress(c->ledger, c->ledger_id, &u, cost);
}

static int
on_data(void *arg, const char *p, size_t n)
{
	struct chat *c = arg;
	int rc;

	/* a server that keeps sending is stopped at the cap, never cut silently */
	c->reply_bytes += n;
	if (c->reply_bytes > (size_t)c->cfg->max_reply << 20) {
		c->too_large = true;
		return 1;
	}
	if (!c->opts.stream) {
		if (buf_add(&c->body, p, n) != 0) {
			c->line_too_long = true;
			return 1;
		}
		progress(c);
		return 0;
	}
	rc = c->prov->ndjson ? ndjson_feed(c->nd, p, n) : sse_feed(c->sse, p, n);
	if (rc < 0)
		c->line_too_long = true;
	progress(c);
	return rc != 0 || c->too_large;
}

static void on_done(void *arg, struct http_req *r);

static void
build_request(struct chat *c, struct request *req, struct msg **msgs)
{
	size_t n = c->nhist;

	if (c->compacting) {
		*msgs = chat_compact_msgs(c, &n);
		memset(req, 0, sizeof *req);
		req->model = c->model->id;
		req->system = chat_compact_system();
		req->msgs = *msgs;
		req->nmsgs = n;
		req->max_tokens = c->max_out;
		req->stream = c->opts.stream;
		req->completion_tokens = c->pc->base_url != NULL &&
		    strstr(c->pc->base_url, "://api.openai.com") != NULL;
		return;
	}
	memset(req, 0, sizeof *req);
	if (c->opts.msgs != NULL) {
		/* an agent step: its own history, as it is (copied: cache marks go on it) */
		n = c->opts.nmsgs;
		*msgs = xreallocarray(NULL, n, sizeof **msgs);
		memcpy(*msgs, c->opts.msgs, n * sizeof **msgs);
		req->msgs = *msgs;
		req->nmsgs = n;
	} else {
		*msgs = xreallocarray(NULL, n + 1, sizeof **msgs);
		if (n > 0)
			memcpy(*msgs, c->hist, n * sizeof **msgs);
		memset(&(*msgs)[n], 0, sizeof (*msgs)[n]);
		(*msgs)[n].role = "user";
		(*msgs)[n].text = c->prompt;
		(*msgs)[n].images = c->opts.images;
		(*msgs)[n].nimages = c->opts.nimages;
		req->msgs = *msgs;
		req->nmsgs = ++n;
	}
	req->model = c->model->id;
	req->system = c->system;
	req->tools = c->opts.tools;
	req->ntools = c->opts.ntools;
	req->max_tokens = c->send_cap ? c->max_out : 0;
	req->stream = c->opts.stream;
	req->temperature_set = c->opts.temperature_set;
	req->temperature_milli = c->opts.temperature_milli;
	req->completion_tokens = c->pc->base_url != NULL && strstr(c->pc->base_url, "://api.openai.com") != NULL;
	chat_cache_request(c, req, *msgs, n);
}

/* Send the current step's request; the key is fetched now and cleared when the step ends. */
static int
step_send(struct chat *c)
{
	struct request req;
	struct http_spec spec;
	struct msg *msgs;
	const char *hdrs[12];
	char *url, *body, *auth = NULL;
	size_t nh = 0;
	const char *const *hp;

	c->ps.on_text = on_text;
	c->ps.on_call = on_call;
	c->ps.on_reasoning = on_reasoning;
	c->ps.arg = c;
	if (c->prov->ndjson)
		c->nd = ndjson_new(STREAM_LINE_MAX, on_line, c);
	else
		c->sse = sse_new(STREAM_LINE_MAX, on_event, c);
	build_request(c, &req, &msgs);
	url = c->prov->url(c->pc->base_url, &req);
	body = c->prov->body(&req);
	free(msgs);
	if (c->key != NULL) {
		auth = xstrfmt("%s%s", c->prov->auth_prefix, c->key);
		hdrs[nh++] = auth;
	}
	hdrs[nh++] = "Content-Type: application/json";
	if (c->opts.stream && !c->prov->ndjson)
		hdrs[nh++] = "Accept: text/event-stream";
	for (hp = c->prov->headers; hp != NULL && *hp != NULL && nh + 1 < ARRAY_SIZE(hdrs); hp++)
		hdrs[nh++] = *hp;
	hdrs[nh] = NULL;
	memset(&spec, 0, sizeof spec);
	spec.url = url;
	spec.body = body;
	spec.headers = hdrs;
	spec.stall = c->cfg->timeout;
	spec.timeout = c->cfg->deadline;
	spec.data = on_data;
	spec.done = on_done;
	spec.arg = c;
	c->req = http_start(c->http, &spec);
	secret_free(auth);
	free(url);
	free(body);
	return 0;
}

/*
 * A key over plain http:// can be read by anyone on the way: refuse it unless
 * the host is this machine or the provider allows it; through a proxy, say so.
 */
static enum chat_status
key_transport_ok(struct chat *c)
{
	const char *proxy;

	if (http_url_plain_remote(c->pc->base_url) && !c->pc->allow_insecure) {
		fail(c, CHAT_USAGE, "%s: base_url %s is plain http to another host: the key "
		    "would cross the network unencrypted; use https://, or set allow_insecure = yes "
		    "in [provider.%s]", c->pc->name, c->pc->base_url, c->pc->name);
		return CHAT_USAGE;
	}
	if (http_url_plain(c->pc->base_url) && (proxy = http_url_proxy(c->pc->base_url)) != NULL)
		note(c, "%s: the key goes unencrypted to the proxy in $%s (base_url is http://)",
		    c->pc->name, proxy);
	return 0;
}

/* Fetch the key of c->pc into c->key, if it has one to give: 0, or CHAT_AUTH after saying why. */
static enum chat_status
step_key(struct chat *c)
{
	enum cred_source src;
	char *cause = NULL, *msg;
	int rc;

	if (!c->pc->requires_key && c->pc->key_env == NULL && c->pc->key_command == NULL)
		return 0;
	rc = cred_get(c->pc, &c->key, &src, &cause);
	if (rc == 0 || (rc == 1 && !c->pc->requires_key))
		return 0;
	/* every way to give a key, then why the keyring could not help */
	msg = cred_fail_msg(c->pc, rc == 1 ? NULL : cause);
	fail(c, CHAT_AUTH, "%s", msg);
	free(msg);
	free(cause);
	return CHAT_AUTH;
}

/* Begin a step on c->model: fetch the key and send. Returns 0 or a chat_status. */
static enum chat_status
step_begin(struct chat *c, const char *why)
{
	char *cause = NULL;
	int rc;

	step_clear(c);
	c->why = why;
	c->tries = 0;
	c->step_start = clock_ms();
	c->pc = config_provider(c->cfg, c->model->provider);
	if (c->pc == NULL) {
		fail(c, CHAT_USAGE, "model %s names an unknown provider '%s'", c->model->name,
		    c->model->provider);
		return CHAT_USAGE;
	}
	c->prov = provider_for(c->pc->api);
	c->may_escalate = c->opts.escalate && c->turn.route.mode != ROUTE_PINNED &&
	    c->tier < TIER_FRONTIER && !c->escalated && !c->compacting;
	c->holding = c->may_escalate;
	/* Without libcurl no try can succeed: say so at once, before any key is read. */
	if (http_load(&cause) != 0) {
		fail(c, CHAT_PROVIDER, "%s", cause);
		free(cause);
		return CHAT_PROVIDER;
	}
	if ((rc = step_key(c)) != 0)
		return rc;
	if (c->key != NULL && (rc = key_transport_ok(c)) != 0)
		return rc;
	return step_send(c);
}

/* Tell the front end of a budget threshold this request was first to pass this month. */
static void
warn_passed(struct chat *c, const struct ledger_warn *w)
{
	struct forecast f;
	char month[8], line[400];
	bool has;

	if (w->passed == 0 || c->cb.warn == NULL)
		return;
	has = spend_forecast_ledger(c->ledger, w->m.month_start, w->m.month_end, clock_now(),
	    w->limit, &f, month) == 0;
	f.estimated = w->m.estimated;
	chart_warn_text(&w->m, w->passed, has ? &f : NULL, line, sizeof line);
	c->cb.warn(c->cb.arg, line);
}

static void
settle(struct chat *c, const char *status)
{
	struct ledger_warn w = { .at = c->cfg->warn_at, .n = c->cfg->nwarn_at,
	    .limit = c->cfg->budget };
	struct chat_step *s;
	struct usage u = c->ps.usage;
	/* a reply stopped at the cap never said what it used in all */
	bool est = !u.reported || c->too_large;
	int64_t cost = -1;
	char *cause = NULL;
	size_t i;

	if (est) {
		memset(&u, 0, sizeof u);
		if (c->text.len > 0 || strcmp(status, "ok") == 0 || c->emitted > 0) {
			u.input = c->input_est;
			u.output = pricing_estimate_tokens(c->text.data ? c->text.data : "", c->text.len);
		}
	}
	if (pricing_cost(c->model, &u, &cost) != PRICING_OK)
		cost = -1;
	if (!est && strcmp(status, "ok") == 0)
		chat_warm_note(c, c->model, &u, clock_now());
	if (c->ledger != NULL && c->ledger_id != 0 &&
	    ledger_settle_warn(c->ledger, c->ledger_id, &u, cost, est, status,
	    clock_ms() - c->step_start, &w, &cause) != 0) {
		note(c, "ledger: %s", cause ? cause : "cannot record the request");
		free(cause);
	} else if (c->ledger != NULL && c->ledger_id != 0) {
		warn_passed(c, &w);
	}
	if (c->turn.nsteps == CHAT_MAX_STEPS)
		return;
	s = &c->turn.steps[c->turn.nsteps++];
	s->model = c->model;
	s->tier = c->tier;
	s->why = c->why;
	s->usage = u;
	s->estimated = est;
	s->cost = cost;
	cache_effect(c->model, &u, &s->cache_saved, &s->cache_extra);
	s->ledger_id = c->ledger_id;
	s->status = strcmp(status, "ok") == 0 ? CHAT_OK : c->turn.status;
	c->turn.cost = 0;
	c->turn.estimated = false;
	for (i = 0; i < c->turn.nsteps; i++) {
		if (c->turn.steps[i].cost < 0 || c->turn.cost < 0) {
			c->turn.cost = -1;
			continue;
		}
		c->turn.cost += c->turn.steps[i].cost;
		c->turn.estimated |= c->turn.steps[i].estimated;
	}
	c->ledger_id = 0;
}

/* Save the answer into the conversation and the turn. */
static void
keep_answer(struct chat *c)
{
	free(c->turn.text);
	c->turn.text = xstrndup(c->text.data ? c->text.data : "", c->text.len);
	c->turn.len = c->text.len;
	/* an agent keeps its own history, calls and all */
	calls_free(c->turn.calls, c->turn.ncalls);
	c->turn.calls = c->calls;
	c->turn.ncalls = c->ncalls;
	c->calls = NULL;
	c->ncalls = 0;
	free(c->turn.reasoning);
	c->turn.reasoning = c->reasoning.len > 0 ? xstrdup(buf_str(&c->reasoning)) : NULL;
	if (c->text.len == 0 || c->opts.msgs != NULL)
		return;
	if (c->opts.nimages > 0) {
		/* the images went with this turn only: the conversation keeps a word that they did */
		char *with = image_note(c->prompt, c->opts.images, c->opts.nimages);

		/* a re-ask of such a turn has the word already */
		if (str_endswith(c->prompt, with + strlen(c->prompt))) {
			free(with);
		} else {
			free(c->prompt);
			c->prompt = with;
		}
	}
	hist_add(c, "user", c->prompt);
	hist_add(c, "assistant", c->turn.text);
	c->hist_last = true;
	if (c->ledger != NULL && c->conv_id != 0) {
		/* the system prompt these messages were answered under goes with them */
		if (!c->system_saved &&
		    store_conv_set_system(ledger_store(c->ledger), c->conv_id, c->system) == 0)
			c->system_saved = true;
		if (!c->role_saved &&
		    store_conv_set_role(ledger_store(c->ledger), c->conv_id, c->role) == 0)
			c->role_saved = true;
		ledger_turn_add(c->ledger, c->conv_id, c->prompt, c->turn.text,
		    c->turn.nsteps ? c->turn.steps[c->turn.nsteps - 1].ledger_id : 0);
	}
	c->turn.conversation_id = c->conv_id;
}

const char *
chat_status_str(enum chat_status s)
{
	static const char *const names[] = {
		[CHAT_OK] = "ok",
		[CHAT_PROVIDER] = "provider",
		[CHAT_USAGE] = "usage",
		[CHAT_BUDGET] = "budget",
		[CHAT_AUTH] = "auth",
		[CHAT_CANCELLED] = "cancelled",
	};

	if ((unsigned)s >= sizeof names / sizeof names[0] || names[s] == NULL)
		return "unknown";
	return names[s];
}

const char *
chat_finish_str(enum chat_finish f)
{
	static const char *const names[] = {
		[CHAT_FINISH_STOP] = "stop",
		[CHAT_FINISH_LENGTH] = "length",
		[CHAT_FINISH_FILTER] = "filter",
		[CHAT_FINISH_ERROR] = "error",
		[CHAT_FINISH_CANCELLED] = "cancelled",
	};

	return names[f];
}

bool
chat_turn_window_cut(const struct chat_turn *t)
{
	return t->finish == CHAT_FINISH_LENGTH && t->route.reply_window && t->nsteps > 0 &&
	    t->steps[t->nsteps - 1].model == t->route.model;
}

/* How the answer ended, from the last step's stop reason and the turn's status. */
static enum chat_finish
finish_reason(const struct chat *c)
{
	if (c->turn.cancelled || c->turn.status == CHAT_CANCELLED)
		return CHAT_FINISH_CANCELLED;
	if (c->turn.status != CHAT_OK)
		return CHAT_FINISH_ERROR;
	if (c->ps.stop == STOP_LENGTH)
		return CHAT_FINISH_LENGTH;
	if (c->ps.stop == STOP_FILTER)
		return CHAT_FINISH_FILTER;
	return CHAT_FINISH_STOP;
}

/*
 * A conversation this turn started and left without a message (its first
 * request failed, or was refused, before any answer) is not kept: it would be
 * an empty entry to continue or open. Its requests stay in the ledger, their
 * link to it cleared, and the next turn starts a conversation of its own. An
 * agent's turns keep their own history, never a message: theirs stays.
 */
static void
conv_forget_empty(struct chat *c)
{
	bool fresh = c->conv_fresh;

	c->conv_fresh = false;
	if (!fresh || c->ledger == NULL || c->opts.msgs != NULL)
		return;
	if (ledger_conv_drop_empty(c->ledger, c->conv_id) == 1) {
		c->conv_id = 0;
		c->turn.conversation_id = 0;
	}
}

static void compact_finish(struct chat *c);

/*
 * Within a conversation the tier never drops below the highest a turn was
 * answered on; the conversation keeps it, so that one going on in a later
 * process (-c, --cid) starts where this one is.
 */
static void
tier_keep(struct chat *c)
{
	if (c->tier <= c->prev_tier)
		return;
	c->prev_tier = c->tier;
	if (c->ledger != NULL && c->conv_id != 0)
		store_conv_set_tier(ledger_store(c->ledger), c->conv_id, tier_str(c->tier));
}

static void
finish(struct chat *c)
{
	if (c->compacting) {
		compact_finish(c);
		return;
	}
	c->turn.finish = finish_reason(c);
	if ((c->holding || !c->opts.stream) && c->text.len > c->emitted)
		emit(c, c->text.data + c->emitted, c->text.len - c->emitted);
	c->holding = false;
	keep_answer(c);
	conv_forget_empty(c);
	if (c->turn.status == CHAT_OK || c->turn.status == CHAT_CANCELLED)
		tier_keep(c);
	c->turn.conversation_id = c->conv_id;
	c->turn.latency_ms = clock_ms() - c->turn.latency_ms;
	step_clear(c);
	c->busy = false;
	if (c->cb.done != NULL)
		c->cb.done(c->cb.arg, &c->turn);
}

/* "worst case $0.0212 would pass the task's cap of $0.0025", for a worst case w. */
static void
over_cap_words(const struct chat *c, int64_t w, char *out, size_t n)
{
	char a[32], b[32];

	money(w, false, a, sizeof a);
	pricing_format_exact(c->opts.task_cap, b, sizeof b);
	snprintf(out, n, "worst case %s would pass the task's cap of %s", w < 0 ? "(unknown)" : a, b);
}

/*
 * Say that the budget or the task's cap kept the next model (worst case w)
 * from being tried, and how to let it: the failure that ends the turn is
 * then not the whole story.
 */
static void
fallback_refused(struct chat *c, const char *why, const struct model *next, int64_t w)
{
	char over[128];

	over_cap_words(c, w, over, sizeof over);
	if (c->turn.over_task)
		note(c, "fallback: %s failed (%s); %s not tried: its %s (a higher cap with %s "
		    "lets it)", c->model->name, why, next->name, over,
		    c->opts.cap_how != NULL ? c->opts.cap_how : "--max-cost");
	else if (c->over_offline)
		note(c, "fallback: %s failed (%s); %s not tried: the team ledger is unreachable"
		    " (budget_action = block, or past the offline allowance)", c->model->name, why,
		    next->name);
	else {
		/* the refusal's own words: a team member is told who may raise the team's budget */
		char *words = over_budget_words(next, w, &c->over_meter);

		note(c, "fallback: %s failed (%s); %s not tried: %s", c->model->name, why,
		    next->name, words);
		free(words);
	}
}

/*
 * The task's cap refused the fallback to next, of worst case w
 * (turn.over_task): say so, then ask the front end for a higher cap, naming
 * the fallback (not the next step) as what would pass it. True when it gave
 * one, to reserve under it again.
 */
static bool
cap_raised(struct chat *c, const char *why, const struct model *next, int64_t w)
{
	char over[128], *what;
	int64_t cap;

	if (!c->turn.over_task || c->opts.more_cap == NULL)
		return false;
	over_cap_words(c, w, over, sizeof over);
	note(c, "fallback: %s failed (%s); %s's %s", c->model->name, why, next->name, over);
	what = xstrfmt("the fallback to %s", next->name);
	cap = c->opts.more_cap(c->opts.more_arg, w, what);
	free(what);
	if (cap <= c->opts.task_cap)
		return false;
	c->opts.task_cap = cap;
	c->turn.over_task = false;
	return true;
}

/* Try the next model of the same tier after a failure; true if a step started. */
static bool
fallback(struct chat *c, const char *why)
{
	const struct model *next;
	struct chat_route *r = &c->turn.route;
	enum tier got;
	enum chat_status rc;
	int64_t w;
	static char reason[96];

	if (r->mode == ROUTE_PINNED || c->nfailed >= ARRAY_SIZE(c->failed) || c->emitted > 0)
		return false;
	c->failed[c->nfailed++] = c->model;
	/* a model whose window leaves no room for a reply is no fallback */
	next = router_pick(c->cat, c->tier, chat_window_tokens(r->input_tokens) +
	    chat_reply_floor(c, &c->opts), chat_model_usable, c, &got);
	if (next == NULL || got != c->tier)
		return false;
	w = worst_case(c, r, next);
	while ((rc = reserve(c, next, got, r, w, true)) == CHAT_BUDGET && cap_raised(c, why, next, w))
		;
	if (rc != 0) {
		if (rc == CHAT_BUDGET)
			fallback_refused(c, why, next, w);
		return false;
	}
	note(c, "fallback: %s failed (%s); trying %s", c->model->name, why, next->name);
	snprintf(reason, sizeof reason, "fallback: %s", why);
	c->model = next;
	free(c->turn.error);
	c->turn.error = NULL;
	c->turn.status = 0;
	return step_begin(c, reason) == 0;
}

/*
 * Why an answer counts as cut off, or NULL: the output cap stopped it, or it
 * ends inside a code fence left open though the provider calls it a natural
 * end (a model that ends cleanly there has truncated its answer in effect).
 */
static const char *
answer_cut(const struct chat *c)
{
	if (c->ps.stop == STOP_LENGTH)
		return "escalated: cut off";
	if (c->ps.stop == STOP_END && c->ncalls == 0 && router_fence_open(c->text.data, c->text.len))
		return "escalated: cut off in a code block";
	return NULL;
}

/*
 * After a good answer: re-ask one tier up when it is a refusal, empty or cut
 * off, unless the front end has shown it and cannot take it back.
 */
static bool
escalate(struct chat *c)
{
	const struct model *up;
	struct chat_route *r = &c->turn.route;
	const char *why = NULL;
	enum tier got;
	int64_t w;

	if (!c->may_escalate || (c->emitted > 0 && c->cb.retract == NULL))
		return false;
	if (c->text.len == 0)
		why = "escalated: empty answer";
	else if (c->ps.stop == STOP_FILTER || router_is_refusal(c->text.data, c->text.len))
		why = c->ps.stop == STOP_FILTER ? "escalated: blocked" : "escalated: refusal";
	else
		why = answer_cut(c);
	if (why == NULL)
		return false;
	up = router_pick(c->cat, (enum tier)(c->tier + 1), chat_window_tokens(r->input_tokens) +
	    chat_reply_floor(c, &c->opts), chat_model_usable, c, &got);
	if (up == NULL || got <= c->tier)
		return false;
	w = worst_case(c, r, up);
	if (reserve(c, up, got, r, w, true) != 0) {
		note(c, "not escalated: the budget does not allow %s", up->name);
		return false;
	}
	/* taken back before the note, so that the note reads above the answer that replaces it */
	if (c->emitted > 0)
		c->cb.retract(c->cb.arg, got, up);
	note(c, "%s from %s; asking %s (%s)", why, c->model->name, up->name, tier_str(got));
	chat_learn_escalation(c, got);
	c->escalated = true;
	c->model = up;
	c->tier = got;
	return step_begin(c, why) == 0;
}

/* Whether another try of the same request can help: rate limits and busy servers. */
static bool
fault_retryable(enum fault f)
{
	return f == FAULT_RATE || f == FAULT_OVERLOADED;
}

/*
 * One classification for an error, whatever carried it: the error's type when
 * it names one, else the HTTP status (0 for an error event inside a 200 reply).
 * 401 and 403 are about the credentials whatever the body calls them, and 402
 * about the account's credit (DeepSeek's "Insufficient Balance" body calls
 * itself invalid_request_error, OpenRouter's names only the code).
 */
static enum fault
classify_fault(long status, enum fault by_type)
{
	if (status == 401 || status == 403)
		return FAULT_AUTH;
	if (status == 402)
		return FAULT_QUOTA;
	return by_type != FAULT_NONE ? by_type : fault_of_status(status);
}

/* The key was rejected: where says how ("HTTP 401", "in the reply"). */
static void
fail_auth(struct chat *c, const char *where, const char *text)
{
	fail(c, CHAT_AUTH, "%s rejected the key (%s: %s); set a new one with llm keys set %s%s%s",
	    c->pc->name, where, text, c->pc->name, c->pc->key_env ? " or check $" : "",
	    c->pc->key_env ? c->pc->key_env : "");
}

/*
 * What a failure says of the text received before it: that it was kept, but
 * for a git hook's draft, which is thrown away (the message stays the user's).
 */
static const char *
partial_kept(const struct chat *c)
{
	return c->text.len && !c->opts.draft ? " (the partial answer was kept)" : "";
}

/*
 * The provider's account is out of credit or over its spending limit
 * ("HTTP 402", "in the reply"): no try of this provider's models can pass
 * until the user tops it up, so none is retried, and a fallback goes to
 * another provider's model of the same tier. Exits as a rejected key does:
 * the fix is at the provider, not in llm's budget.
 */
static void
fail_quota(struct chat *c, const char *where, const char *text)
{
	fail(c, CHAT_AUTH, "%s: the account is out of credit (%s: %s); top up at %s, or raise "
	    "its spending limit there, then try again%s", c->pc->name, where, text, c->pc->name,
	    partial_kept(c));
	settle(c, "error");
	if (c->nbroke < ARRAY_SIZE(c->broke))
		c->broke[c->nbroke++] = c->pc->name;
	if (fallback(c, "out of credit"))
		return;
	finish(c);
}

/* A server's Retry-After above this is not waited for: the request fails, saying it. */
#define RETRY_HINT_MAX_MS 60000L

/* Write a wait the server asked for as "2 min 30 s" or "3 h 5 min" into b. */
static void
wait_text(char *b, size_t n, long ms)
{
	long s = (ms + 999) / 1000;

	if (s < 120)
		snprintf(b, n, "%ld s", s);
	else if (s < 3600)
		snprintf(b, n, "%ld min %ld s", s / 60, s % 60);
	else
		snprintf(b, n, "%ld h %ld min", s / 3600, s / 60 % 60);
}

/*
 * Whether a wait of ms before another try is more than llm makes: over
 * RETRY_HINT_MAX_MS, or past the caller's deadline (the git hook's time
 * limit), where the try would only be cut off and the reason lost.
 */
static bool
wait_too_long(const struct chat *c, long ms)
{
	return ms > RETRY_HINT_MAX_MS || (c->opts.deadline > 0 && clock_ms() + ms >= c->opts.deadline);
}

/*
 * Schedule another try of the same model; false when tries are used up, or
 * once text has come: a try would drop it uncharged, where a failure keeps it
 * and a fallback charges it first.
 */
static bool
retry_later(struct chat *c, long hint_ms, const char *why)
{
	long delay;

	if (c->tries + 1 >= MAX_TRIES || c->emitted > 0 || c->text.len > 0)
		return false;
	delay = hint_ms >= 0 ? hint_ms : 500L << c->tries;
	if (hint_ms < 0)
		delay += rand() % (delay / 4 + 1);
	if (wait_too_long(c, delay))
		return false;
	c->tries++;
	note(c, "%s: %s; retrying in %.1f s (try %d of %d)", c->model->name, why,
	    (double)delay / 1000.0, c->tries + 1, MAX_TRIES);
	log_msg("retry", "%s: %s; again in %ld ms (try %d of %d)", c->model->name, why, delay,
	    c->tries + 1, MAX_TRIES);
	c->retry_at = clock_ms() + delay;
	return true;
}

static void
step_failed(struct chat *c, enum chat_status status, const char *why)
{
	settle(c, "error");
	if ((status == CHAT_PROVIDER) && fallback(c, why))
		return;
	finish(c);
}

/* How the user picks another tier, in the front end's words. */
static const char *
tier_how(const struct chat *c)
{
	return c->opts.tier_how != NULL ? c->opts.tier_how : "-t";
}

/* The server asked for a longer wait than llm makes: fail now, saying how long. */
static void
fail_wait(struct chat *c, const char *why, const char *text, long hint_ms)
{
	char wait[32];

	wait_text(wait, sizeof wait, hint_ms);
	fail(c, CHAT_PROVIDER, "%s: %s: %s; the server asks to wait %s before another try "
	    "(or use another tier with %s)", c->pc->name, why, text, wait, tier_how(c));
}

static void
handle_http_error(struct chat *c, struct http_req *r)
{
	long status = http_req_status(r), hint = http_req_retry_after(r), body_hint = -1;
	size_t len;
	const char *body = http_req_error_body(r, &len);
	char *msg = c->prov->error((int)status, body, len, &body_hint);
	enum fault f = classify_fault(status, c->prov->fault ? c->prov->fault(body, len) : FAULT_NONE);
	char why[48];

	const char *text = msg;

	/* an unparsable body comes back as "HTTP 502: ..."; the status is said once */
	if (str_startswith(text, "HTTP ") && strstr(text, ": ") != NULL)
		text = strstr(text, ": ") + 2;
	if (hint < 0)
		hint = body_hint;
	snprintf(why, sizeof why, "HTTP %ld", status);
	if (f == FAULT_AUTH) {
		fail_auth(c, why, text);
		free(msg);
		step_failed(c, CHAT_AUTH, why);
		return;
	}
	if (f == FAULT_QUOTA) {
		fail_quota(c, why, text);
		free(msg);
		return;
	}
	if ((fault_retryable(f) || http_req_should_retry(r) == 1) &&
	    http_req_should_retry(r) != 0 && retry_later(c, hint, why)) {
		free(msg);
		buf_reset(&c->text);
		return;
	}
	if (status == 404)
		fail(c, CHAT_PROVIDER, "%s: model %s not found (HTTP 404: %s); check the id in "
		    "[model.%s] or llm models", c->pc->name, c->model->id, text, c->model->name);
	else if (fault_retryable(f) && hint >= 0 && wait_too_long(c, hint) && c->emitted == 0)
		fail_wait(c, why, text, hint);
	else if (fault_retryable(f))
		fail(c, CHAT_PROVIDER, "%s: %s after %d %s: %s; try again later or another "
		    "tier with %s", c->pc->name, why, c->tries + 1, c->tries ? "tries" : "try", text,
		    tier_how(c));
	else
		fail(c, CHAT_PROVIDER, "%s: %s: %s", c->pc->name, why, text);
	free(msg);
	step_failed(c, CHAT_PROVIDER, why);
}

/* An error event inside a 200 reply: classified as the same error sent as HTTP would be. */
static void
handle_error_event(struct chat *c)
{
	enum fault f = classify_fault(0, c->ps.fault);
	const char *text = c->ps.error ? c->ps.error : "unknown error";
	char why[48];

	snprintf(why, sizeof why, "%s in the reply", fault_str(f));
	if (f == FAULT_AUTH) {
		fail_auth(c, "in the reply", text);
		step_failed(c, CHAT_AUTH, why);
		return;
	}
	if (f == FAULT_QUOTA) {
		fail_quota(c, "in the reply", text);
		return;
	}
	/* no text yet: the same step again, as after a 429 or a 503 */
	if (fault_retryable(f) && retry_later(c, -1, why))
		return;
	fail(c, CHAT_PROVIDER, "%s: error during the reply: %s%s", c->pc->name, text,
	    partial_kept(c));
	step_failed(c, CHAT_PROVIDER, "error event");
}

/* A 2xx response has ended: see whether it was whole. */
static void
handle_reply(struct chat *c, enum http_result res)
{
	if (res == HTTP_OK && c->opts.stream) {
		int rc = c->prov->ndjson ? ndjson_finish(c->nd) : sse_finish(c->sse);

		if (rc < 0)
			c->line_too_long = true;
	} else if (res == HTTP_OK) {
		const char *p = buf_str(&c->body);
		enum pev ev;

		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			p++;
		ev = c->prov->whole(&c->ps, p, strlen(p));
		if (ev == PEV_ERROR || ev == PEV_BAD)
			c->bad = ev;
		else
			c->ps.done = true;
	}
	if (c->too_large) {
		fail(c, CHAT_PROVIDER, "%s: the reply passed %ld MiB (max_reply); stopped%s",
		    c->pc->name, c->cfg->max_reply,
		    partial_kept(c));
		step_failed(c, CHAT_PROVIDER, "reply too large");
		return;
	}
	if (c->line_too_long) {
		fail(c, CHAT_PROVIDER, "%s: a line of the reply is over %u MiB; giving up",
		    c->pc->name, (c->opts.stream ? STREAM_LINE_MAX : BODY_MAX) >> 20);
		step_failed(c, CHAT_PROVIDER, "reply too large");
		return;
	}
	if (c->bad == PEV_ERROR) {
		handle_error_event(c);
		return;
	}
	if (c->bad == PEV_BAD) {
		fail(c, CHAT_PROVIDER, "%s: invalid reply: %s", c->pc->name,
		    c->ps.error ? c->ps.error : "not the expected JSON");
		step_failed(c, CHAT_PROVIDER, "invalid reply");
		return;
	}
	if (!c->ps.done && c->ps.stop == STOP_NONE) {
		if (c->text.len == 0 && !c->ps.usage.reported && retry_later(c, -1, "empty reply"))
			return;
		fail(c, CHAT_PROVIDER, "%s: the reply was cut short%s", c->pc->name,
		    c->text.len ? partial_kept(c) : " before any answer");
		step_failed(c, CHAT_PROVIDER, "cut short");
		return;
	}
	settle(c, "ok");
	if (escalate(c))
		return;
	c->turn.status = CHAT_OK;
	finish(c);
}

static void
on_done(void *arg, struct http_req *r)
{
	struct chat *c = arg;
	enum http_result res = http_req_result(r);
	long status = http_req_status(r);
	char why[64];

	if (res == HTTP_ABORTED || (res == HTTP_OK && status >= 200 && status < 300)) {
		handle_reply(c, res);
		return;
	}
	if (res == HTTP_OK || res == HTTP_TOO_LARGE) {
		handle_http_error(c, r);
		return;
	}
	if (res == HTTP_DEADLINE) {
		/* the whole request's limit: another try would take as long */
		fail(c, CHAT_PROVIDER, "%s: gave up: the reply took longer than the deadline of "
		    "%ld s ([llm] deadline)%s", c->pc->name, c->cfg->deadline,
		    partial_kept(c));
		step_failed(c, CHAT_PROVIDER, "deadline");
		return;
	}
	/* the network failed: before any text it is worth another try */
	snprintf(why, sizeof why, "%s", res == HTTP_TIMEOUT ? "timed out" :
	    http_req_got_data(r) ? "the reply was cut short" : "network error");
	if (!http_req_got_data(r) && retry_later(c, -1, http_req_error(r)))
		return;
	fail(c, CHAT_PROVIDER, "%s: %s: %s%s", c->pc->name, why, http_req_error(r),
	    partial_kept(c));
	step_failed(c, CHAT_PROVIDER, why);
}

/* Admit and send the turn routed in c->turn.route: CHAT_OK, or why not. */
static enum chat_status
turn_begin(struct chat *c)
{
	enum chat_status rc;

	c->input_est = c->turn.route.input_tokens;
	if ((rc = admit(c, &c->turn.route)) != 0)
		return rc;
	chat_learn_turn(c);
	c->busy = true;
	if ((rc = step_begin(c, "routed")) != 0) {
		settle(c, "error");
		step_clear(c);
		c->busy = false;
		return rc;
	}
	return 0;
}

#define COMPACT_REPLY_CAP 2048      /* tokens a summary may take */

/*
 * Summarise the older turns once, on the cheap tier, before the turn: a
 * request of its own, reserved, charged and recorded like any other, whose
 * answer replaces those turns in what is sent from now on (the database keeps
 * them). 0 when under way; -1 when it cannot be done (the turn goes as it is).
 */
static int
compact_begin(struct chat *c)
{
	static struct chat_route cr;
	const struct model *m;
	enum tier got;
	int64_t w, n = 0;
	size_t i;

	c->compact_cut = c->nhist - CHAT_COMPACT_KEEP;
	/* the summary is of text: any model will do (the turn is routed again after it) */
	c->need_vision = false;
	if (c->compact_cut < 2)
		return -1;
	for (i = 0; i < c->compact_cut; i++)
		n += pricing_estimate_tokens(c->hist_text[i], strlen(c->hist_text[i])) + 4;
	/* a window that holds what is summarised and the summary */
	m = router_pick(c->cat, TIER_CHEAP, chat_window_tokens(n + 64) + COMPACT_REPLY_CAP,
	    chat_model_usable, c, &got);
	if (m == NULL)
		return -1;
	memset(&cr, 0, sizeof cr);
	cr.mode = ROUTE_AUTO;
	cr.tier = got;
	cr.model = m;
	cr.input_tokens = n + 64;
	snprintf(cr.reason, sizeof cr.reason, "compaction: %zu earlier messages summarised",
	    c->compact_cut);
	c->max_out = COMPACT_REPLY_CAP;
	c->send_cap = true;
	if (chat_worst_case(c, m, cr.input_tokens, COMPACT_REPLY_CAP, &w) != PRICING_OK)
		w = -1;
	if (reserve(c, m, got, &cr, w, true) != 0)
		return -1;
	c->compacting = true;
	c->model = m;
	c->tier = got;
	c->input_est = cr.input_tokens;
	c->busy = true;
	note(c, "compacting: summarising %zu earlier messages on %s (%s)", c->compact_cut, m->name,
	    tier_str(got));
	if (step_begin(c, "compaction") != 0) {
		settle(c, "error");
		step_clear(c);
		c->compacting = false;
		c->busy = false;
		return -1;
	}
	return 0;
}

/*
 * The summary has come (or not): put it in place, then send the turn itself
 * with the shorter history. A failed summary leaves the history whole.
 */
static void
compact_finish(struct chat *c)
{
	char *cause = NULL;
	enum chat_status rc;

	c->compacting = false;
	if (c->turn.status == CHAT_OK && c->text.len > 0) {
		char *summary = xstrndup(c->text.data, c->text.len);

		chat_compact_apply(c, summary, c->compact_cut);
		free(summary);
	} else {
		note(c, "compaction failed (%s); the history is sent whole",
		    c->turn.error ? c->turn.error : "no summary");
	}
	free(c->turn.error);
	c->turn.error = NULL;
	c->turn.status = 0;
	step_clear(c);
	c->busy = false;
	buf_reset(&c->text);
	if (c->compact_only) {
		c->turn.status = CHAT_OK;
		finish(c);
		return;
	}
	rc = chat_decide(c, &c->opts, c->prompt, &c->turn.route, &cause);
	if (rc != 0) {
		fail(c, rc, "%s", cause ? cause : "no route");
		free(cause);
		finish(c);
		return;
	}
	if (turn_begin(c) != 0)
		finish(c);
}

enum chat_status
chat_compact(struct chat *c, const struct chat_opts *o, const struct chat_cb *cb)
{
	if (c->busy || c->nhist < c->nsynth + CHAT_COMPACT_KEEP + 2)
		return CHAT_USAGE;
	turn_clear(&c->turn);
	c->turn.latency_ms = clock_ms();
	c->opts = *o;
	c->opts.system = c->system;
	free(c->prompt);
	c->prompt = xstrdup("");
	c->hist_last = false;
	c->resume_tier = TIER_AUTO;
	c->cb = cb ? *cb : (struct chat_cb){ 0 };
	c->escalated = false;
	c->nfailed = 0;
	c->nbroke = 0;
	c->compact_only = true;
	if (compact_begin(c) != 0) {
		if (c->turn.error == NULL)
			fail(c, CHAT_USAGE, "cannot compact: no model of the cheap tier can be used");
		return c->turn.status ? c->turn.status : CHAT_USAGE;
	}
	return 0;
}

/*
 * A pinned model whose provider has no key can send nothing: say so as the
 * step would, before a conversation, a reservation or a ledger row is made
 * for a request that never goes out. 0 when a key may be there (the step
 * reads it again), or CHAT_AUTH.
 */
static enum chat_status
pinned_keyless(struct chat *c)
{
	const struct model *m = c->turn.route.model;
	enum chat_status rc;

	if (c->turn.route.mode != ROUTE_PINNED || m == NULL)
		return 0;
	c->pc = config_provider(c->cfg, m->provider);
	if (c->pc == NULL || !c->pc->requires_key || cred_probe(c->pc) != CRED_NONE)
		return 0;
	rc = step_key(c);
	secret_free(c->key);
	c->key = NULL;
	return rc;
}

/* A turn refused before anything was sent: its latency is the time the refusal took. */
static void
refused(struct chat *c)
{
	conv_forget_empty(c);
	c->turn.latency_ms = clock_ms() - c->turn.latency_ms;
}

enum chat_status
chat_send(struct chat *c, const struct chat_opts *o, const char *prompt, const struct chat_cb *cb)
{
	char *cause = NULL;
	enum chat_status rc;

	if (c->busy)
		return CHAT_USAGE;
	turn_clear(&c->turn);
	c->turn.latency_ms = clock_ms();
	c->opts = *o;
	/* no -s: the conversation's own system prompt; a new one replaces it from now on */
	if (o->system != NULL && (c->system == NULL || strcmp(c->system, o->system) != 0)) {
		free(c->system);
		c->system = *o->system != '\0' ? xstrdup(o->system) : NULL;
		c->system_saved = false;
	}
	c->opts.system = c->system;
	if (o->role != NULL && (c->role == NULL || strcmp(c->role, o->role) != 0)) {
		free(c->role);
		c->role = *o->role != '\0' ? xstrdup(o->role) : NULL;
		c->role_saved = false;
	}
	c->opts.role = c->role;
	free(c->prompt);
	c->prompt = xstrdup(prompt);
	c->hist_last = false;
	c->resume_tier = TIER_AUTO;
	c->cb = cb ? *cb : (struct chat_cb){ 0 };
	c->escalated = false;
	c->nfailed = 0;
	c->nbroke = 0;
	if (!c->retrying)
		c->label_prev = c->prev_tier;
	c->compact_only = false;
	rc = chat_decide(c, &c->opts, prompt, &c->turn.route, &cause);
	/*
	 * a re-ask is labelled with what the router said of the turn it re-asks;
	 * a turn the router had no say in teaches nothing when re-asked: /cmd's
	 * (the cheap tier by design, a request that is no prompt of the user's)
	 * and a pinned model's (the answer judged was one model's, chosen by
	 * name, and its pin was the turn's label already)
	 */
	if (!c->retrying) {
		c->label_router = c->turn.route.decision.tier;
		c->label_reask = !o->cmd_turn && c->turn.route.mode != ROUTE_PINNED;
	}
	if (rc != 0) {
		fail(c, rc, "%s", cause ? cause : "no route");
		free(cause);
		refused(c);
		return rc;
	}
	if (c->turn.route.vision_adjusted)
		note(c, "route: %s", c->turn.route.reason);
	if ((rc = pinned_keyless(c)) != 0) {
		refused(c);
		return rc;
	}
	if (chat_compact_due(c, c->turn.route.model) && compact_begin(c) == 0)
		return 0;
	if ((rc = turn_begin(c)) != 0)
		refused(c);
	return rc;
}

int
chat_poll(struct chat *c, const int *extra_fds, size_t nfds, int timeout_ms)
{
	int64_t now;
	int ready;

	if (c->retry_at > 0) {
		int64_t wait = c->retry_at - clock_ms();

		if (wait < 0)
			wait = 0;
		if (timeout_ms < 0 || wait < timeout_ms)
			timeout_ms = (int)wait;
	}
	ready = http_poll(c->http, extra_fds, nfds, timeout_ms);
	now = clock_ms();
	if (c->busy && c->retry_at > 0 && now >= c->retry_at) {
		/* the same step again: nothing was shown, the key and the tries carry over */
		response_clear(c);
		c->holding = c->may_escalate;
		step_send(c);
	}
	return ready;
}

void
chat_cancel(struct chat *c)
{
	if (!c->busy)
		return;
	if (c->req != NULL)
		http_cancel(c->http, c->req);
	c->retry_at = 0;
	c->turn.cancelled = true;
	fail(c, CHAT_CANCELLED, "interrupted%s", partial_kept(c));
	settle(c, "cancelled");
	finish(c);
}

enum chat_status
chat_retry_up(struct chat *c, const struct chat_opts *o, const struct chat_cb *cb)
{
	struct chat_opts up = *o;
	char *prompt;
	enum tier last = chat_last_tier(c);
	enum chat_status rc;
	bool resumed = c->turn.nsteps == 0 && c->resume_tier != TIER_AUTO;

	if (c->busy || last == TIER_AUTO || c->compact_only || (!resumed && c->prompt == NULL))
		return CHAT_USAGE;
	if (c->hist_last && c->nhist < 2)
		return CHAT_USAGE;
	if (last >= TIER_FRONTIER)
		return CHAT_USAGE;
	/* what the router said of a resumed turn is not known: the re-ask teaches it nothing */
	if (resumed)
		c->label_reask = false;
	if (c->hist_last) {
		/*
		 * take the last exchange back out of the history, then ask again
		 * higher; out of the saved conversation too, so that one resumed
		 * later shows and sends what this one does
		 */
		prompt = c->hist_text[c->nhist - 2];
		if (c->ledger != NULL && c->conv_id != 0)
			store_turn_drop(ledger_store(c->ledger), c->conv_id, prompt,
			    c->hist_text[c->nhist - 1]);
		free(c->hist_text[c->nhist - 1]);
		c->nhist -= 2;
	} else {
		/* nothing came back (cancelled, failed): the history never had it; ask it again */
		prompt = xstrdup(c->prompt);
	}
	up.tier = (enum tier)(last + 1);
	up.model = NULL;
	up.escalate = false;
	c->retrying = true;
	rc = chat_send(c, &up, prompt, cb);
	c->retrying = false;
	free(prompt);
	return rc;
}
