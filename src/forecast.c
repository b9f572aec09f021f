/* forecast: where a month's spend will end, from its recent pace; pure integer arithmetic. */
#include "forecast.h"

#include <string.h>

static const char *const method_names[] = {
	[FORECAST_NONE] = "no forecast",
	[FORECAST_MEAN] = "mean of the last 7 days",
	[FORECAST_SPLIT] = "last 7 days, weekdays and weekends apart",
};

/* Name a method in one line. */
const char *
forecast_method_str(enum forecast_method m)
{
	return m >= FORECAST_NONE && m <= FORECAST_SPLIT ? method_names[m] : "?";
}

/* Tell whether day d falls on a weekend. */
bool
forecast_weekend(int wday1, int d)
{
	int w = (wday1 + d - 1) % 7;

	return w == 0 || w == 6;
}

/* Return the rate per day, rounded down. */
int64_t
forecast_per_day(const struct forecast_rate *r)
{
	return r->n > 0 ? r->sum / r->n : 0;
}

/* Whether every request so far is of unknown cost: nothing known was spent. */
bool
forecast_unknown(const struct forecast *f)
{
	return f->unknown > 0 && f->spent == 0;
}

/* The rate a day d gets: 0 (every day, or weekdays) or 1 (weekends). */
static int
day_kind(const struct forecast *f, int wday1, int d)
{
	return f->method == FORECAST_SPLIT && forecast_weekend(wday1, d) ? 1 : 0;
}

/* Measure the window's pace, and choose to split weekdays from weekends when they differ 2:1. */
static void
forecast_pace(const struct forecast_input *in, struct forecast *f)
{
	struct forecast_rate wd = { 0, 0 }, we = { 0, 0 };
	__int128 a, b;
	int d;

	f->to = in->today;
	f->from = in->today - FORECAST_WINDOW + 1 < 1 ? 1 : in->today - FORECAST_WINDOW + 1;
	for (d = f->from; d <= f->to; d++) {
		struct forecast_rate *r = forecast_weekend(in->wday1, d) ? &we : &wd;

		r->sum += in->day[d - 1];   /* each day <= spent, which did not overflow */
		r->n++;
	}
	f->method = FORECAST_MEAN;
	f->rate[0] = (struct forecast_rate){ wd.sum + we.sum, wd.n + we.n };
	f->rate[1] = (struct forecast_rate){ 0, 1 };
	if (f->to - f->from + 1 < FORECAST_WINDOW || wd.sum + we.sum == 0)
		return;
	/* Compare the means wd.sum/wd.n and we.sum/we.n cross-multiplied: no division. */
	a = (__int128)wd.sum * we.n;
	b = (__int128)we.sum * wd.n;
	if (a >= 2 * b || b >= 2 * a) {
		f->method = FORECAST_SPLIT;
		f->rate[0] = wd;
		f->rate[1] = we;
	}
}

/* The first day on or before today when the spend so far reached the budget; 0 if none. */
static int
day_used_up(const struct forecast_input *in)
{
	int64_t sum = 0;
	int d;

	for (d = 1; d <= in->today; d++) {
		sum += in->day[d - 1];
		if (sum >= in->budget)
			return d;
	}
	return 0;
}

/*
 * Walk the days left, adding each day's rate. Projected spend at the end of day d is
 * spent + s0*k0/n0 + s1*k1/n1 (k: the days of each kind so far); scaled by n0*n1 it is
 * exact, so the day the budget is used up is found without rounding.
 */
static void
forecast_project(const struct forecast_input *in, struct forecast *f)
{
	const struct forecast_rate *r = f->rate;
	__int128 den = (__int128)r[0].n * r[1].n, acc = 0, end;
	int d;

	for (d = in->today + 1; d <= in->days; d++) {
		int k = day_kind(f, in->wday1, d);

		acc += (__int128)r[k].sum * (k == 0 ? r[1].n : r[0].n);
		if (in->budget > 0 && f->out_day == 0 &&
		    (__int128)f->spent * den + acc >= (__int128)in->budget * den)
			f->out_day = d;
	}
	end = f->spent + acc / den;
	f->overflow |= end > INT64_MAX;
	f->month_end = end > INT64_MAX ? INT64_MAX : (int64_t)end;
}

/* Compute the forecast. */
int
forecast_compute(const struct forecast_input *in, struct forecast *f)
{
	int d;

	memset(f, 0, sizeof *f);
	if (in->days < 28 || in->days > FORECAST_MAX_DAYS || in->today < 1 ||
	    in->today > in->days || in->wday1 < 0 || in->wday1 > 6 || in->budget < 0)
		return -1;
	for (d = 1; d <= in->today; d++) {
		if (in->day[d - 1] < 0 || in->day[d - 1] > INT64_MAX - f->spent) {
			f->overflow = true;
			return -1;
		}
		f->spent += in->day[d - 1];
	}
	forecast_pace(in, f);
	if (in->budget > 0 && f->spent >= in->budget) {
		f->over = true;
		f->out_day = day_used_up(in);
	}
	forecast_project(in, f);
	return 0;
}
