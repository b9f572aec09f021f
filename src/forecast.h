/* forecast: where a month's spend will end, from its recent pace; pure integer arithmetic. */
#ifndef LLM_FORECAST_H
#define LLM_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest month; days are numbered 1..days, index 0 of arrays is day 1. */
#define FORECAST_MAX_DAYS 31
/* The trailing window the pace is measured on, today included. */
#define FORECAST_WINDOW 7

/*
 * How the pace was measured:
 * MEAN: the mean daily spend of the window (the last 7 days to today, today counted as a
 *   whole day, clipped to the 1st), applied to every day left.
 * SPLIT: the window is a full 7 days and the mean of its weekdays and the mean of its
 *   weekend days differ by a factor of 2 or more (one is at least twice the other): each
 *   day left gets the mean of its kind.
 */
enum forecast_method {
	FORECAST_NONE,      /* not computed: the input was malformed */
	FORECAST_MEAN,
	FORECAST_SPLIT,
};

/* A month's spend so far. Money in pico-dollars; borrowed arrays. */
struct forecast_input {
	const int64_t *day;     /* day[i]: the spend of day i + 1, for days 1..today (>= 0) */
	int days;               /* days in the month, 28..31 */
	int today;              /* day of month now, 1..days */
	int wday1;              /* weekday of the 1st: 0 Sunday .. 6 Saturday */
	int64_t budget;         /* 0: no budget */
};

/* A daily pace as a fraction of pico-dollars: sum over n days. */
struct forecast_rate {
	int64_t sum;
	int n;
};

struct forecast {
	enum forecast_method method;
	int from, to;               /* the window: days from..to */
	struct forecast_rate rate[2];   /* MEAN: rate[0] every day; SPLIT: [0] weekdays, [1] weekends */
	int64_t spent;              /* days 1..today */
	int64_t month_end;          /* spent plus the pace over the days left, rounded down */
	int out_day;                /* the day the budget is used up (spend >= budget); 0: it lasts */
	bool over;                  /* already used up by today: out_day is the day it happened */
	bool overflow;              /* a sum did not fit: figures are not to be trusted */
	bool estimated;             /* some of the spend is estimated: the caller sets it, and
	                               the figures are shown with a ~ */
	int64_t unknown;            /* requests of unknown cost, not in the figures: the caller
	                               sets it; with nothing else spent the figures show as ? */
};

/* Compute the forecast of in into f. 0, or -1 if in is malformed (f says FORECAST_NONE). */
int forecast_compute(const struct forecast_input *in, struct forecast *f);
/* The pace of one rate per day, rounded down. */
int64_t forecast_per_day(const struct forecast_rate *r);
/* Whether every request so far is of unknown cost: the figures are unknown, shown as ?. */
bool forecast_unknown(const struct forecast *f);
/* Whether day d (1-based) of a month whose 1st is weekday wday1 falls on a Saturday or Sunday. */
bool forecast_weekend(int wday1, int d);
/* Name a method in one line: "mean of the last 7 days", "weekdays and weekends apart". */
const char *forecast_method_str(enum forecast_method m);

#endif
