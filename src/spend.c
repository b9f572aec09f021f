/* spend: a month's spend by day, tier and model from the ledger, for charts and forecasts. */
#include "spend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "config.h"
#include "cred.h"
#include "ledger.h"
#include "pricing.h"
#include "util.h"

/*
 * The model the frontier tier would have used: the first of the tier with a
 * key (cfg NULL: the first), else the tier's first, else any frontier model.
 */
const struct model *
spend_frontier_model(const struct catalog *cat, const struct config *cfg)
{
	const struct model *list[64];
	size_t i, n;

	if (cat == NULL)
		return NULL;
	n = catalog_tier(cat, TIER_FRONTIER, list, ARRAY_SIZE(list));
	for (i = 0; cfg != NULL && i < n; i++) {
		const struct provider_conf *pc = config_provider(cfg, list[i]->provider);

		if (pc != NULL && cred_available(pc))
			return list[i];
	}
	if (n > 0)
		return list[0];
	for (i = 0; i < catalog_count(cat); i++)
		if (catalog_at(cat, i)->tier == TIER_FRONTIER)
			return catalog_at(cat, i);
	return NULL;
}

struct spend_ctx {
	struct spend_month *s;
	const struct model *frontier;
};

/* Add without wrapping; a sum past INT64_MAX is capped and marks the month. */
static void
add(struct spend_month *s, int64_t *to, int64_t v)
{
	if (v > 0 && *to > INT64_MAX - v) {
		s->overflow = true;
		*to = INT64_MAX;
		return;
	}
	*to += v;
}

static enum spend_tier
row_tier(const char *name)
{
	enum tier t;

	if (name == NULL || !tier_parse(name, &t) || t == TIER_AUTO)
		return SPEND_OTHER;
	return t == TIER_CHEAP ? SPEND_CHEAP : t == TIER_MID ? SPEND_MID : SPEND_FRONTIER;
}

static struct spend_model *
model_for(struct spend_month *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nmodels; i++)
		if (strcmp(s->models[i].name, name) == 0)
			return &s->models[i];
	s->models = xreallocarray(s->models, s->nmodels + 1, sizeof *s->models);
	s->models[s->nmodels] = (struct spend_model){ .name = xstrdup(name) };
	return &s->models[s->nmodels++];
}

/* The local day of month of t, 1..31; 0 if it cannot be worked out. */
static int
mday(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	return localtime_r(&tt, &tm) ? tm.tm_mday : 0;
}

static int
spend_row(void *arg, const struct ledger_row *row)
{
	struct spend_ctx *c = arg;
	struct spend_month *s = c->s;
	struct spend_model *m;
	enum spend_tier t = row_tier(row->tier);
	int d = mday(row->time);
	int64_t fc;

	if (strcmp(row->status, "reserved") == 0)
		return 0;   /* in flight: not spent yet */
	s->requests++;
	s->estimated |= ledger_row_marks(row);
	s->tier_requests[t]++;
	s->tier_estimated[t] |= ledger_row_marks(row);
	m = model_for(s, row->model ? row->model : "?");
	m->requests++;
	m->estimated |= ledger_row_marks(row);
	if (row->cost < 0) {
		m->unknown++;
		s->unknown++;
		s->tier_unknown[t]++;
		return 0;
	}
	add(s, &m->cost, row->cost);
	add(s, &s->total, row->cost);
	add(s, &s->tier[t], row->cost);
	if (d >= 1 && d <= s->days)
		add(s, &s->day[d - 1][t], row->cost);
	if (c->frontier != NULL && pricing_cost(c->frontier, &row->usage, &fc) == PRICING_OK) {
		add(s, &s->frontier, fc);
		add(s, &s->compared_cost, row->cost);
	}
	return 0;
}

static int
cmp_model(const void *a, const void *b)
{
	const struct spend_model *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Fill the calendar fields: days, the 1st's weekday, and where now falls. */
static int
spend_calendar(struct spend_month *s, int64_t now, char **cause)
{
	time_t first = (time_t)s->start, last = (time_t)(s->end - 1);
	struct tm a, b;

	if (s->end <= s->start || localtime_r(&first, &a) == NULL ||
	    localtime_r(&last, &b) == NULL || b.tm_mday > FORECAST_MAX_DAYS) {
		if (cause != NULL)
			xasprintf(cause, "cannot work out the month");
		return -1;
	}
	s->days = b.tm_mday;
	s->wday1 = a.tm_wday;
	strftime(s->month, sizeof s->month, "%Y-%m", &a);
	if (now < s->start)
		s->today = 0;
	else if (now >= s->end)
		s->today = s->days + 1;
	else
		s->today = mday(now);
	return 0;
}

/* Read a month from the ledger. */
int
spend_load(struct ledger *l, int64_t start, int64_t end, int64_t now,
    const struct model *frontier, struct spend_month *s, char **cause)
{
	struct spend_ctx c = { .s = s, .frontier = frontier };

	memset(s, 0, sizeof *s);
	s->start = start;
	s->end = end;
	s->frontier_name = frontier ? frontier->name : NULL;
	if (spend_calendar(s, now, cause) < 0 || ledger_rows(l, start, end, spend_row, &c, cause) < 0)
		return -1;
	if (s->nmodels > 1)
		qsort(s->models, s->nmodels, sizeof *s->models, cmp_model);
	return 0;
}

/* Free the month's models. */
void
spend_done(struct spend_month *s)
{
	size_t i;

	for (i = 0; i < s->nmodels; i++)
		free(s->models[i].name);
	free(s->models);
	s->models = NULL;
	s->nmodels = 0;
}

/* Forecast the current month. */
int
spend_forecast(const struct spend_month *s, int64_t budget, struct forecast *f)
{
	int64_t days[FORECAST_MAX_DAYS] = { 0 };
	struct forecast_input in = {
		.day = days, .days = s->days, .today = s->today, .wday1 = s->wday1,
		.budget = budget,
	};
	int d, t;

	memset(f, 0, sizeof *f);
	if (s->today < 1 || s->today > s->days)
		return -1;
	for (d = 0; d < s->today; d++)
		for (t = 0; t < SPEND_NTIERS; t++)
			days[d] = days[d] > INT64_MAX - s->day[d][t] ? INT64_MAX : days[d] + s->day[d][t];
	if (forecast_compute(&in, f) < 0)
		return -1;
	f->estimated = s->estimated;
	f->unknown = s->unknown;
	return 0;
}

/* Forecast a month from the ledger's totals per day. */
int
spend_forecast_ledger(struct ledger *l, int64_t start, int64_t end, int64_t now,
    int64_t budget, struct forecast *f, char month[8])
{
	int64_t days[FORECAST_MAX_DAYS] = { 0 };
	struct spend_month s = { .start = start, .end = end };
	struct forecast_input in = { .day = days, .budget = budget };

	memset(f, 0, sizeof *f);
	month[0] = '\0';
	if (spend_calendar(&s, now, NULL) < 0 || s.today < 1 || s.today > s.days ||
	    ledger_days(l, start, end, now, days, s.today, NULL) < 0)
		return -1;
	str_copy(month, 8, s.month);
	in.days = s.days;
	in.today = s.today;
	in.wday1 = s.wday1;
	return forecast_compute(&in, f);
}

/* The day the budget runs out at this pace, if it does this month. */
int
spend_out_day(struct ledger *l, const struct meter *m, int64_t now)
{
	struct forecast f;
	char month[8];

	if (m->limit <= 0 || spend_forecast_ledger(l, m->month_start, m->month_end, now, m->limit,
	    &f, month) < 0 || f.over)
		return 0;
	return f.out_day;
}
