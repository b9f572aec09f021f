/* cli_usage: `llm usage`, the month's spend by day, model or tier, against the frontier tier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cache.h"
#include "catalog.h"
#include "cli.h"
#include "cli_learn.h"
#include "cli_spend.h"
#include "fmt.h"
#include "ledger.h"
#include "pricing.h"
#include "report.h"
#include "spend.h"
#include "util.h"
#include "visible.h"

enum usage_by {
	BY_DAY,
	BY_MODEL,
	BY_TIER,
	BY_TASK,
	BY_USER,    /* a team ledger's labels; rows of the local ledger have none */
	BY_TEAM,
};

static const char *const by_names[] = {
	[BY_DAY] = "day",
	[BY_MODEL] = "model",
	[BY_TIER] = "tier",
	[BY_TASK] = "task",
	[BY_USER] = "user",
	[BY_TEAM] = "team",
};

/* Figures for one group of rows, or for all of them. */
struct usage_sum {
	char *key;
	int64_t requests, errors, unknown;   /* unknown: requests of unknown cost */
	int64_t input, cached, cache_write, output, reasoning;
	int64_t cost;           /* known costs only, pico */
	bool estimated;
	int64_t frontier;       /* the requests compared, re-priced on the frontier model */
	int64_t compared_cost;  /* their actual cost */
	int64_t compared;       /* how many could be compared */
	int64_t cache_saved;    /* pico: what cache reads saved against full input */
	int64_t cache_extra;    /* pico: what cache writes cost over full input */
	int64_t unread;         /* cache-written tokens no later request read in time */
	int64_t waste;          /* pico: what those writes cost over full input */
};

/* A request's cache writes, until a later request of its conversation and model reads them. */
struct pending_write {
	int64_t conversation_id, time, w5, w1h;
	char *model, *key;      /* the row's model and group key */
};

struct usage_report {
	enum usage_by by;
	const struct model *frontier;   /* NULL: no comparison */
	struct usage_sum total;
	struct usage_sum *groups;
	size_t ngroups;
	int64_t inflight, reserved;     /* live reservations and their worst cases */
	int64_t expired, held;          /* expired reservations and the worst cases they hold */
	bool overflow;
	bool router;                    /* --router: how often the router was overruled */
	const struct catalog *cat;      /* prices for what the cache saved; NULL: none */
	struct pending_write *pending;
	size_t npending;
	char **users;                   /* by user or team: the users whose rows were read */
	size_t nusers;
	struct ledger_total *others;    /* the team's other users, by their totals (users owned) */
	size_t nothers;
	struct ledger_total team;       /* the whole team's totals */
	bool totals;                    /* others and team were read (a team ledger) */
	struct ledger *l;               /* borrowed: tells this machine's tasks */
};

/* Add without wrapping; a sum past INT64_MAX marks the report. */
static int64_t
sat_add(struct usage_report *r, int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b) {
		r->overflow = true;
		return INT64_MAX;
	}
	return a + b;
}

/*
 * A task's group key, its name: "task N" for this machine's task N, as llm
 * logs --task N shows it. In a team's ledger another machine has a task N
 * too: its rows carry another key, and their user and host tell it apart
 * ("task N (bo@laptop)"). A task made before tasks had a key gave each run's
 * rows a key of their own: the user and host make it one task all the same.
 */
static void
task_key(struct ledger *l, const struct ledger_row *row, char *out, size_t n)
{
	if (row->task_id <= 0)
		str_copy(out, n, "no task");
	else if (ledger_task_mine(l, row))
		snprintf(out, n, "task %lld", (long long)row->task_id);
	else
		snprintf(out, n, "task %lld (%s@%s)", (long long)row->task_id,
		    row->user ? row->user : "?", row->host ? row->host : "?");
}

/*
 * The group key of a row: its local day, its task, or one of its labels;
 * a row without the label is "?", or "(this machine)" for the team's labels,
 * which rows of the local ledger have none of.
 */
static void
row_key(const struct usage_report *r, const struct ledger_row *row, char *out, size_t n)
{
	const char *label = NULL, *none = "?";
	enum usage_by by = r->by;

	switch (by) {
	case BY_DAY:
		report_time(row->time, "%Y-%m-%d", "?", out, n);
		return;
	case BY_TASK:
		task_key(r->l, row, out, n);
		return;
	case BY_MODEL:
		label = row->model;
		break;
	case BY_TIER:
		label = row->tier;
		break;
	case BY_USER:
	case BY_TEAM:
		label = by == BY_USER ? row->user : row->team;
		none = "(this machine)";
		break;
	}
	str_copy(out, n, label ? label : none);
}

static struct usage_sum *
group_for(struct usage_report *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].key, key) == 0)
			return &r->groups[i];
	r->groups = xreallocarray(r->groups, r->ngroups + 1, sizeof *r->groups);
	memset(&r->groups[r->ngroups], 0, sizeof *r->groups);
	r->groups[r->ngroups].key = xstrdup(key);
	return &r->groups[r->ngroups++];
}

static void
sum_add(struct usage_report *r, struct usage_sum *s, const struct ledger_row *row)
{
	int64_t fc;

	s->requests++;
	if (strcmp(row->status, "error") == 0)
		s->errors++;
	s->input = sat_add(r, s->input, row->usage.input);
	s->cached = sat_add(r, s->cached, row->usage.cached_input);
	s->cache_write = sat_add(r, s->cache_write, row->usage.cache_write + row->usage.cache_write_1h);
	s->output = sat_add(r, s->output, row->usage.output);
	s->reasoning = sat_add(r, s->reasoning, row->usage.reasoning);
	s->estimated |= ledger_row_marks(row);
	if (row->cost < 0) {
		s->unknown++;   /* never $0: counted apart */
		return;
	}
	s->cost = sat_add(r, s->cost, row->cost);
	/* Only requests whose own cost is known are compared, so the saving is like for like. */
	if (r->frontier != NULL && pricing_cost(r->frontier, &row->usage, &fc) == PRICING_OK) {
		s->frontier = sat_add(r, s->frontier, fc);
		s->compared_cost = sat_add(r, s->compared_cost, row->cost);
		s->compared++;
	}
}

/* Book writes nobody read (tokens of 5-minute and 1-hour writes) to group key. */
static void
waste_add(struct usage_report *r, const char *key, const char *model, int64_t w5, int64_t w1h)
{
	const struct model *m = r->cat ? catalog_find(r->cat, model) : NULL;
	struct usage u;
	int64_t saved = 0, extra = 0;

	if (w5 + w1h <= 0)
		return;
	memset(&u, 0, sizeof u);
	u.cache_write = w5;
	u.cache_write_1h = w1h;
	if (m != NULL)
		cache_effect(m, &u, &saved, &extra);
	group_for(r, key)->unread = sat_add(r, group_for(r, key)->unread, w5 + w1h);
	group_for(r, key)->waste = sat_add(r, group_for(r, key)->waste, extra);
	r->total.unread = sat_add(r, r->total.unread, w5 + w1h);
	r->total.waste = sat_add(r, r->total.waste, extra);
}

/*
 * Settle pending write i against the next request of its conversation and
 * model, at time when: read within a write's lifetime (5 minutes, or an
 * hour) it was used; otherwise it never will be.
 */
static void
pending_settle(struct usage_report *r, size_t i, int64_t when, bool read)
{
	struct pending_write *p = &r->pending[i];
	int64_t age = when - p->time;

	waste_add(r, p->key, p->model, read && age <= 300 ? 0 : p->w5,
	    read && age <= 3600 ? 0 : p->w1h);
	free(p->model);
	free(p->key);
	r->pending[i] = r->pending[--r->npending];
}

/* At the end: writes still within their lifetime may yet be read; the rest are waste. */
static void
pending_flush(struct usage_report *r)
{
	int64_t now = clock_now();
	size_t i;

	for (i = 0; i < r->npending; i++) {
		struct pending_write *p = &r->pending[i];

		waste_add(r, p->key, p->model, now - p->time > 300 ? p->w5 : 0,
		    now - p->time > 3600 ? p->w1h : 0);
		free(p->model);
		free(p->key);
	}
	free(r->pending);
	r->pending = NULL;
	r->npending = 0;
}

static void
cache_row(struct usage_report *r, struct usage_sum *s, const struct ledger_row *row,
    const char *key)
{
	const struct model *m = r->cat && row->model ? catalog_find(r->cat, row->model) : NULL;
	int64_t saved = 0, extra = 0;
	struct pending_write *p;
	size_t i;

	if (m != NULL)
		cache_effect(m, &row->usage, &saved, &extra);
	s->cache_saved = sat_add(r, s->cache_saved, saved);
	s->cache_extra = sat_add(r, s->cache_extra, extra);
	r->total.cache_saved = sat_add(r, r->total.cache_saved, saved);
	r->total.cache_extra = sat_add(r, r->total.cache_extra, extra);
	for (i = 0; i < r->npending; i++)
		if (r->pending[i].conversation_id == row->conversation_id &&
		    strcmp(r->pending[i].model, row->model ? row->model : "?") == 0) {
			pending_settle(r, i, row->time, row->usage.cached_input > 0);
			break;
		}
	if (row->usage.cache_write + row->usage.cache_write_1h <= 0)
		return;
	r->pending = xreallocarray(r->pending, r->npending + 1, sizeof *r->pending);
	p = &r->pending[r->npending++];
	p->conversation_id = row->conversation_id;
	p->time = row->time;
	p->w5 = row->usage.cache_write;
	p->w1h = row->usage.cache_write_1h;
	p->model = xstrdup(row->model ? row->model : "?");
	p->key = xstrdup(key);
}

/* Whether the report read rows of user. */
static bool
user_read(const struct usage_report *r, const char *user)
{
	size_t i;

	for (i = 0; i < r->nusers; i++)
		if (strcmp(r->users[i], user) == 0)
			return true;
	return false;
}

/*
 * Add one user's totals: to the whole team's, and, for a user whose rows the
 * report could not read (a member reads only her own), to the others.
 */
static int
usage_total(void *arg, const struct ledger_total *t)
{
	struct usage_report *r = arg;
	struct ledger_total *o;

	r->team.requests = sat_add(r, r->team.requests, t->requests);
	r->team.unknown = sat_add(r, r->team.unknown, t->unknown);
	r->team.spent = sat_add(r, r->team.spent, t->spent);
	r->team.estimated |= t->estimated;
	if (user_read(r, t->user))
		return 0;
	r->others = xreallocarray(r->others, r->nothers + 1, sizeof *r->others);
	o = &r->others[r->nothers++];
	*o = *t;
	o->user = xstrdup(t->user);
	return 0;
}

static int
usage_row(void *arg, const struct ledger_row *row)
{
	struct usage_report *r = arg;
	char key[128];

	if (row->user != NULL && !user_read(r, row->user)) {
		r->users = xreallocarray(r->users, r->nusers + 1, sizeof *r->users);
		r->users[r->nusers++] = xstrdup(row->user);
	}
	if (strcmp(row->status, "reserved") == 0) {
		r->inflight++;
		if (row->worst_case > 0)
			r->reserved = sat_add(r, r->reserved, row->worst_case);
		return 0;
	}
	/* A worst case charged for a process that could not be checked is not spend: apart. */
	if (strcmp(row->status, "expired") == 0) {
		r->expired++;
		if (row->cost > 0)
			r->held = sat_add(r, r->held, row->cost);
		return 0;
	}
	row_key(r, row, key, sizeof key);
	sum_add(r, group_for(r, key), row);
	sum_add(r, &r->total, row);
	cache_row(r, group_for(r, key), row, key);
	return 0;
}

static int
tier_rank(const char *s)
{
	enum tier t;

	return tier_parse(s, &t) && t != TIER_AUTO ? (int)t : TIER_COUNT;
}

static int
cmp_tier(const void *a, const void *b)
{
	const struct usage_sum *x = a, *y = b;
	int d = tier_rank(x->key) - tier_rank(y->key);

	return d ? d : strcmp(x->key, y->key);
}

/* Dearest first; then by name so the order is stable. */
static int
cmp_cost(const void *a, const void *b)
{
	const struct usage_sum *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct usage_sum *)a)->key, ((const struct usage_sum *)b)->key);
}

/* The id in a group key "task N"; 0 for "no task". */
static long long
task_of(const char *key)
{
	return str_startswith(key, "task ") ? strtoll(key + 5, NULL, 10) : 0;
}

/*
 * Tasks in the order they ran, as numbers ("task 9" before "task 10"); those
 * of no task first; of one number, this machine's, then the others' by name.
 */
static int
cmp_task(const void *a, const void *b)
{
	const struct usage_sum *p = a, *q = b;
	long long x = task_of(p->key), y = task_of(q->key);

	return x != y ? (x < y ? -1 : 1) : strcmp(p->key, q->key);
}

/*
 * The visible form of a row's key (malloc'd) and, in *cols, its columns: a
 * model, user or team name may hold letters outside ASCII, which take more
 * bytes than columns, so printf's byte padding would shift the figures.
 */
static char *
key_visible(const char *key, int *cols)
{
	char *vis = visible_str(key, strlen(key));

	*cols = cli_spend_cols(vis, strlen(vis));
	return vis;
}

/* Print a row's key, padded to width columns. */
static void
put_key(const char *key, int width)
{
	int cols;
	char *vis = key_visible(key, &cols);

	printf("%s%*s", vis, cols < width ? width - cols : 0, "");
	free(vis);
}

/* The columns of a row's key as put_key prints it. */
static int
key_cols(const char *key)
{
	int cols;

	free(key_visible(key, &cols));
	return cols;
}

static void
print_sum(const struct usage_sum *s, const char *key, int width)
{
	char in[24], ca[24], out[24], cost[48];

	fmt_tokens(s->input, in, sizeof in);
	fmt_tokens(s->cached + s->cache_write, ca, sizeof ca);
	fmt_tokens(s->output, out, sizeof out);
	if (s->requests == s->unknown)
		str_copy(cost, sizeof cost, "?");
	else
		pricing_format(s->cost, s->estimated, cost, sizeof cost);
	put_key(key, width);
	printf(" %8lld %8s %8s %8s %14s", (long long)s->requests, in, ca, out, cost);
	if (s->unknown > 0 && s->unknown < s->requests)
		printf(" +%lld unknown", (long long)s->unknown);
	printf("\n");
}

/* Signed money: "-$0.0011" for a cache that cost more than it saved. */
static void
signed_money(int64_t pico, bool est, char *out, size_t n)
{
	char m[40];

	pricing_format(pico < 0 ? -pico : pico, est, m, sizeof m);
	snprintf(out, n, "%s%s", pico < 0 ? "-" : "", m);
}

static void
cache_line(const struct usage_sum *s, const char *key, int width)
{
	char rd[24], wr[24], un[24], saved[48], waste[48];

	fmt_tokens(s->cached, rd, sizeof rd);
	fmt_tokens(s->cache_write, wr, sizeof wr);
	fmt_tokens(s->unread, un, sizeof un);
	signed_money(s->cache_saved - s->cache_extra, s->estimated, saved, sizeof saved);
	pricing_format(s->waste, s->estimated, waste, sizeof waste);
	put_key(key, width);
	printf(" %8s %8s %14s %8s %14s\n", rd, wr, saved, un, waste);
}

/*
 * The prompt cache: tokens read and written, what it saved net of the write
 * premium, and writes no later request read in time (their premium wasted).
 */
static void
cache_text(const struct usage_report *r, int width)
{
	size_t i;

	if (r->total.cached == 0 && r->total.cache_write == 0)
		return;
	printf("\nPrompt cache, by %s\n", by_names[r->by]);
	printf("%-*s %8s %8s %14s %8s %14s\n", width, "", "read", "written", "saved", "unread",
	    "wasted");
	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i].cached > 0 || r->groups[i].cache_write > 0)
			cache_line(&r->groups[i], r->groups[i].key, width);
	cache_line(&r->total, "total", width);
	printf("saved: what cache reads saved against full input, less what writes cost over it;\n"
	    "unread: written to the cache and never read again before it expired.\n");
}

/*
 * Whether totals t are all of unknown cost: nothing spent but requests of
 * unknown cost (with no worst case to count them at), never $0.
 */
static bool
total_unknown(const struct ledger_total *t)
{
	return t->unknown > 0 && t->spent == 0;
}

/* One line of totals: requests and cost ("?" all unknown, "+N unknown" some), no tokens. */
static void
total_line(const struct ledger_total *t, const char *key, int width)
{
	char cost[48];

	if (total_unknown(t))
		str_copy(cost, sizeof cost, "?");
	else
		pricing_format(t->spent, t->estimated, cost, sizeof cost);
	put_key(key, width);
	printf(" %8lld %8s %8s %8s %14s", (long long)t->requests, "", "", "", cost);
	if (t->unknown > 0 && !total_unknown(t))
		printf(" +%lld unknown", (long long)t->unknown);
	printf("\n");
}

/* The team's users whose rows the report could not read, by their totals, and the team's. */
static void
others_text(const struct usage_report *r, int width)
{
	size_t i;

	if (!r->totals || r->nothers == 0)
		return;
	for (i = 0; i < r->nothers; i++)
		if (key_cols(r->others[i].user) > width)
			width = key_cols(r->others[i].user);
	if (width < 10)
		width = 10;
	printf("\n%s (their rows are theirs to read):\n", r->by == BY_USER ?
	    "The team's other users, by their totals" : "The whole team, with its other users");
	printf("%-*s %8s %8s %8s %8s %14s\n", width, "", "requests", "", "", "", "cost");
	for (i = 0; r->by == BY_USER && i < r->nothers; i++)
		total_line(&r->others[i], r->others[i].user, width);
	total_line(&r->team, "whole team", width);
	if (r->team.unknown > 0)
		printf("Requests of unknown cost are counted there at their worst cases.\n");
}

/* What the same requests would have cost on the frontier tier, and what that saved. */
static void
frontier_line(const struct usage_report *r)
{
	char a[48], b[48], pct[32] = "", saved[128] = "";

	pricing_format(r->total.frontier, r->total.estimated, a, sizeof a);
	if (r->total.frontier >= r->total.compared_cost) {
		pricing_format(r->total.frontier - r->total.compared_cost, r->total.estimated, b,
		    sizeof b);
		if (r->total.frontier > 0)
			snprintf(pct, sizeof pct, " (%lld%%)", (long long)((__int128)(r->total.frontier -
			    r->total.compared_cost) * 100 / r->total.frontier));
		snprintf(saved, sizeof saved, ": saved %s%s", b, pct);
	}
	cli_spend_linef("On the frontier tier (%s) the same requests would have cost %s%s.", r->frontier->name,
	    a, saved);
}

static void
usage_text(const struct usage_report *r, const char *month_name)
{
	char a[48];
	int width = 5;
	size_t i;

	if (r->total.requests == 0) {
		printf("No requests in %s.\n", month_name);
	} else {
		for (i = 0; i < r->ngroups; i++)
			if (key_cols(r->groups[i].key) > width)
				width = key_cols(r->groups[i].key);
		printf("%s, by %s\n", month_name, by_names[r->by]);
		printf("%-*s %8s %8s %8s %8s %14s\n", width, "", "requests", "input", "cached",
		    "output", "cost");
		for (i = 0; i < r->ngroups; i++)
			print_sum(&r->groups[i], r->groups[i].key, width);
		print_sum(&r->total, "total", width);
	}
	others_text(r, width);
	cache_text(r, width);
	if (r->total.estimated)
		cli_spend_line("~ marks estimates: the provider reported no usage, or the request ended"
		    " before it did.");
	if (r->total.unknown > 0)
		cli_spend_linef("%lld request%s of unknown cost %s not in the cost.",
		    (long long)r->total.unknown, r->total.unknown == 1 ? "" : "s",
		    r->total.unknown == 1 ? "is" : "are");
	if (r->frontier != NULL && r->total.compared > 0)
		frontier_line(r);
	if (r->expired > 0) {
		pricing_format(r->held, true, a, sizeof a);
		cli_spend_linef("%lld reservation%s whose process could not be checked expired, holding %s at"
		    " the worst case: counted against the budget, not in the cost above.",
		    (long long)r->expired, r->expired == 1 ? "" : "s", a);
	}
	if (r->inflight > 0) {
		pricing_format(r->reserved, false, a, sizeof a);
		cli_spend_linef("%lld request%s in flight, %s reserved.", (long long)r->inflight,
		    r->inflight == 1 ? "" : "s", a);
	}
	if (r->overflow)
		printf("Some sums are too large to show exactly.\n");
}

/* The cost of requests of which unknown are of unknown cost: null, as the table's "?", for all. */
static void
json_cost(cJSON *o, int64_t cost, int64_t requests, int64_t unknown)
{
	if (requests > 0 && unknown == requests) {
		cJSON_AddNullToObject(o, "cost_usd");
		cJSON_AddNullToObject(o, "cost_pico");
	} else {
		report_json_money(o, "cost", cost);
	}
}

static cJSON *
json_sum(const struct usage_report *r, const struct usage_sum *s)
{
	cJSON *o = cJSON_CreateObject();

	if (s->key != NULL)
		cJSON_AddStringToObject(o, "key", s->key);
	report_json_int(o, "requests", s->requests);
	report_json_int(o, "errors", s->errors);
	report_json_int(o, "input_tokens", s->input);
	report_json_int(o, "cached_input_tokens", s->cached);
	report_json_int(o, "cache_write_tokens", s->cache_write);
	report_json_int(o, "output_tokens", s->output);
	report_json_int(o, "reasoning_tokens", s->reasoning);
	json_cost(o, s->cost, s->requests, s->unknown);
	cJSON_AddBoolToObject(o, "estimated", s->estimated);
	report_json_int(o, "unknown_cost_requests", s->unknown);
	report_json_money(o, "cache_saved", s->cache_saved);
	report_json_money(o, "cache_write_extra", s->cache_extra);
	report_json_money(o, "cache_net_saving", s->cache_saved - s->cache_extra);
	report_json_int(o, "cache_unread_write_tokens", s->unread);
	report_json_money(o, "cache_waste", s->waste);
	if (r->frontier != NULL) {
		report_json_money(o, "frontier_cost", s->frontier);
		report_json_money(o, "saving", s->frontier - s->compared_cost);
		report_json_int(o, "compared_requests", s->compared);
	}
	return o;
}

static cJSON *
json_total(const struct ledger_total *t)
{
	cJSON *o = cJSON_CreateObject();

	if (t->user != NULL)
		cJSON_AddStringToObject(o, "user", t->user);
	report_json_int(o, "requests", t->requests);
	/* null when all of unknown cost, as the table's "?" */
	if (total_unknown(t)) {
		cJSON_AddNullToObject(o, "cost_usd");
		cJSON_AddNullToObject(o, "cost_pico");
	} else {
		report_json_money(o, "cost", t->spent);
	}
	cJSON_AddBoolToObject(o, "estimated", t->estimated);
	report_json_int(o, "unknown_cost_requests", t->unknown);
	return o;
}

/* "others": the users whose rows were not read, by their totals; "team_total": the team's. */
static void
others_json(const struct usage_report *r, cJSON *o)
{
	cJSON *a = cJSON_AddArrayToObject(o, "others");
	size_t i;

	for (i = 0; i < r->nothers; i++)
		cJSON_AddItemToArray(a, json_total(&r->others[i]));
	cJSON_AddItemToObject(o, "team_total", json_total(&r->team));
}

static void
usage_json(const struct app *cli, struct ledger *l, const struct usage_report *r,
    const char *month, int64_t start, int64_t end)
{
	cJSON *o = cJSON_CreateObject(), *rows;
	size_t i;

	cJSON_AddStringToObject(o, "month", month);
	cJSON_AddStringToObject(o, "by", by_names[r->by]);
	if (r->frontier != NULL)
		cJSON_AddStringToObject(o, "frontier_model", r->frontier->name);
	else
		cJSON_AddNullToObject(o, "frontier_model");
	cJSON_AddItemToObject(o, "total", json_sum(r, &r->total));
	rows = cJSON_AddArrayToObject(o, "rows");
	for (i = 0; i < r->ngroups; i++)
		cJSON_AddItemToArray(rows, json_sum(r, &r->groups[i]));
	if (r->totals)
		others_json(r, o);
	report_json_int(o, "in_flight", r->inflight);
	report_json_money(o, "reserved", r->reserved);
	report_json_int(o, "expired_reservations", r->expired);
	report_json_money(o, "expired", r->held);
	cli_spend_usage_json(cli, l, start, end, o);
	report_json_print(o);
	cJSON_Delete(o);
}

#define USAGE_SYNOPSIS \
    "usage: llm usage [--month YYYY-MM] [--by day|model|tier|task|user|team]\n" \
    "                 [--json]\n" \
    "       llm usage --router [--month YYYY-MM] [--json]\n"

const char cli_usage_usage[] = USAGE_SYNOPSIS;

static int
usage_usage(void)
{
	cli_usage_hint("usage", USAGE_SYNOPSIS);
	return EXIT_USAGE;
}

/* The value of option name at argv[*i] ("--by day" or "--by=day"), or NULL if it is not name. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* Parse the options into r->by, *month, *json and r->router; -1 on a usage error, 1 for help. */
static int
usage_args(int argc, char **argv, struct usage_report *r, const char **month, bool *json)
{
	bool missing = false;
	const char *v, *by = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			*json = true;
		} else if (strcmp(argv[i], "--router") == 0) {
			r->router = true;
		} else if ((v = opt_value(argc, argv, &i, "--month", &missing)) != NULL) {
			*month = v;
		} else if ((v = opt_value(argc, argv, &i, "--by", &missing)) != NULL) {
			by = v;
			for (r->by = 0; r->by < ARRAY_SIZE(by_names) && strcmp(by_names[r->by], v);
			    r->by++)
				;
			if (r->by == ARRAY_SIZE(by_names)) {
				fprintf(stderr, "llm: usage: --by: expected day, model, tier, task, user or"
				    " team, got '%s'\n", v);
				return -1;
			}
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			return 1;
		} else if (!missing) {
			if (!cli_flag_value("usage", argv[i],
			    (const char *const[]){ "--json", "--router", NULL }))
				fprintf(stderr, "llm: usage: %s '%s'%s\n", argv[i][0] == '-' ?
				    "unknown option" : "unexpected", argv[i], cli_option_hint("usage", argv[i]));
			usage_usage();
			return -1;
		}
		if (missing) {
			fprintf(stderr, "llm: usage: option %s needs an argument\n", argv[i]);
			usage_usage();
			return -1;
		}
	}
	/* the router's report counts overrulings per tier: a grouping asked for would be lost */
	if (r->router && by != NULL) {
		fprintf(stderr, "llm: usage: --router counts per tier and takes no --by (got --by %s); "
		    "drop one of them\n", by);
		usage_usage();
		return -1;
	}
	return 0;
}

/* The bounds and "YYYY-MM" of the month asked for (default: this one), and its name. */
static int
usage_month(const char *month, int64_t *start, int64_t *end, char mon[8], char *name, size_t n)
{
	if (month != NULL) {
		if (ledger_month_parse(month, start, end) < 0) {
			/* the right shape: say what is wrong with the month itself */
			if (strspn(month, "0123456789") == 4 && month[4] == '-' &&
			    strspn(month + 5, "0123456789") == 2 && month[7] == '\0') {
				int mo = (month[5] - '0') * 10 + month[6] - '0';

				if (mo < 1 || mo > 12)
					fprintf(stderr, "llm: usage: --month: '%s' has no month %02d; "
					    "months are 01 to 12\n", month, mo);
				else
					fprintf(stderr, "llm: usage: --month: '%s' is before 1970, where "
					    "the ledger's clock starts\n", month);
			} else {
				fprintf(stderr, "llm: usage: --month: expected YYYY-MM, got '%s'\n",
				    month);
			}
			return -1;
		}
		str_copy(mon, 8, month);
	} else if (ledger_month(clock_now(), start, end, mon) < 0) {
		fprintf(stderr, "llm: usage: cannot work out the month\n");
		return -1;
	}
	report_time(*start, "%B %Y", mon, name, n);
	return 0;
}

/* Report a month's spend and what the frontier tier would have cost. */
int
cli_usage(struct app *cli, int argc, char **argv)
{
	struct usage_report r = { .by = BY_MODEL };
	const char *month = NULL;
	char mon[8], name[64], *cause = NULL;
	int64_t start, end;
	struct ledger *l = NULL;
	bool json = false;
	size_t i;
	int rc = EXIT_OK;

	switch (usage_args(argc, argv, &r, &month, &json)) {
	case -1:
		return EXIT_USAGE;
	case 1:
		fputs(USAGE_SYNOPSIS
		    "\n"
		    "What a month's requests cost, grouped, and what the frontier tier would\n"
		    "have cost for the same requests.\n"
		    "  --month YYYY-MM   the month (by default this one)\n"
		    "  --by WHAT         group by day, model (the default), tier, task, user or team\n"
		    "  --router          how often the router was overruled, per tier (no --by)\n"
		    "  --json            one JSON object\n", stdout);
		return EXIT_OK;
	}
	/* A team's months are its time zone's: opening its ledger reads the zone first. */
	if (ledger_team() != NULL && (l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: usage: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (usage_month(month, &start, &end, mon, name, sizeof name) < 0) {
		ledger_close(l);
		return EXIT_USAGE;
	}
	if (r.router || cli_spend_draws(argc, argv)) {
		ledger_close(l);
		return r.router ? cli_learn_usage(cli, start, end, name, mon, json) :
		    cli_spend_chart(cli, start, end);
	}
	r.frontier = spend_frontier_model(cli->cat, &cli->cfg);
	r.cat = cli->cat;
	if (l == NULL)
		l = cli_ledger_open(cli, &cause);
	r.l = l;
	if (l == NULL || ledger_rows(l, start, end, usage_row, &r, &cause) < 0) {
		fprintf(stderr, "llm: usage: %s\n", cause);
		free(cause);
		pending_flush(&r);
		rc = cli_ledger_rc(l);
		cli_ledger_meanwhile(cli, l, "usage");
		goto out;
	}
	pending_flush(&r);
	/*
	 * The team's totals per user are every member's to read; its rows are not.
	 * Whatever the grouping, a member's report of her own rows ends with the
	 * whole team's, the figure llm budget shows on every machine.
	 */
	if (ledger_team() != NULL) {
		if (ledger_totals(l, mon, usage_total, &r, &cause) < 0) {
			fprintf(stderr, "llm: usage: %s\n", cause);
			free(cause);
			rc = cli_ledger_rc(l);
			goto out;
		}
		r.totals = true;
	}
	/* an empty month has no groups array at all, and qsort must not see NULL */
	if (r.ngroups > 1 && r.by == BY_TIER)
		qsort(r.groups, r.ngroups, sizeof *r.groups, cmp_tier);
	else if (r.ngroups > 1 && r.by == BY_MODEL)
		qsort(r.groups, r.ngroups, sizeof *r.groups, cmp_cost);
	else if (r.ngroups > 1 && r.by == BY_TASK)
		qsort(r.groups, r.ngroups, sizeof *r.groups, cmp_task);
	else if (r.ngroups > 1)
		qsort(r.groups, r.ngroups, sizeof *r.groups, cmp_key);
	if (json) {
		usage_json(cli, l, &r, mon, start, end);
	} else {
		usage_text(&r, name);
		cli_spend_usage_lines(cli, l, start, end, r.total.estimated, r.total.unknown);
	}
out:
	ledger_close(l);
	for (i = 0; i < r.ngroups; i++)
		free(r.groups[i].key);
	free(r.groups);
	for (i = 0; i < r.nusers; i++)
		free(r.users[i]);
	free(r.users);
	for (i = 0; i < r.nothers; i++)
		free((char *)r.others[i].user);
	free(r.others);
	return rc;
}
