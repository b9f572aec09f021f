/* spend: a month's spend by day, tier and model from the ledger, for charts and forecasts. */
#ifndef LLM_SPEND_H
#define LLM_SPEND_H

#include <stdbool.h>
#include <stdint.h>

#include "forecast.h"

struct catalog;
struct config;
struct ledger;
struct model;

/* The tiers a day's bar is stacked by: the three, then rows with no known tier. */
enum spend_tier {
	SPEND_CHEAP,
	SPEND_MID,
	SPEND_FRONTIER,
	SPEND_OTHER,
	SPEND_NTIERS,
};

/* One model's part of the month. */
struct spend_model {
	char *name;
	int64_t cost;           /* known costs, pico */
	int64_t requests;
	int64_t unknown;        /* its requests of unknown cost */
	bool estimated;         /* some of its requests' figures are estimated */
};

/*
 * A month as `llm usage` counts it: settled rows and expired reservations (at their
 * worst case), never live reservations; unknown costs counted apart, never as $0.
 * Money in pico-dollars.
 */
struct spend_month {
	char month[8];                  /* "2026-12" */
	int64_t start, end;             /* local midnight on the 1st, then next month's */
	int days;                       /* days in the month */
	int wday1;                      /* weekday of the 1st, 0 Sunday */
	int today;                      /* day of month now; 0 before the month, days + 1 after */
	int64_t day[FORECAST_MAX_DAYS][SPEND_NTIERS];
	int64_t tier[SPEND_NTIERS];     /* the month by tier */
	int64_t tier_requests[SPEND_NTIERS];
	int64_t tier_unknown[SPEND_NTIERS];     /* a tier's requests of unknown cost */
	bool tier_estimated[SPEND_NTIERS];      /* some of a tier's figures are estimated */
	int64_t total;
	int64_t requests, unknown;      /* unknown: requests of unknown cost */
	bool estimated;
	const char *frontier_name;      /* NULL: no comparison; borrowed from the catalog */
	int64_t frontier;               /* known-cost requests re-priced on the frontier model */
	int64_t compared_cost;          /* their actual cost */
	struct spend_model *models;     /* dearest first, then by name */
	size_t nmodels;
	bool overflow;                  /* a sum did not fit: it is capped */
};

/*
 * The model the frontier tier would have used: its first choice with a key (cfg NULL:
 * its first choice), else its first choice, else the first frontier model in cat.
 */
const struct model *spend_frontier_model(const struct catalog *cat, const struct config *cfg);
/*
 * Read the local calendar month [start, end) from l into s, with now placing today and
 * frontier (may be NULL) pricing the comparison. 0, or -1 with *cause (s is still
 * safe to spend_done).
 */
int spend_load(struct ledger *l, int64_t start, int64_t end, int64_t now,
    const struct model *frontier, struct spend_month *s, char **cause);
/* Free what spend_load allocated. */
void spend_done(struct spend_month *s);
/* Forecast the month against budget (pico, 0 none). 0, or -1 when it is not the current month. */
int spend_forecast(const struct spend_month *s, int64_t budget, struct forecast *f);

struct meter;

/*
 * Forecast the month [start, end) holding now against budget from the ledger's running
 * totals per day (quick on any ledger), and name it in month ("YYYY-MM"). 0, or -1 when
 * the month is not the current one or the ledger cannot be read.
 */
int spend_forecast_ledger(struct ledger *l, int64_t start, int64_t end, int64_t now,
    int64_t budget, struct forecast *f, char month[8]);

/*
 * The day of m's month on which, at this pace, its budget will be used up, when that is
 * before the month ends and it is not used up yet; 0 otherwise or if l cannot be read.
 */
int spend_out_day(struct ledger *l, const struct meter *m, int64_t now);

#endif
