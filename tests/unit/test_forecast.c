/* test_forecast: month-end forecasts on hand-worked months, December 2026 (the 1st a Tuesday). */
#include <stdint.h>

#include "forecast.h"
#include "unit.h"

#define USD 1000000000000LL
#define DEC_WDAY1 2   /* 2026-12-01 is a Tuesday */

static int64_t days[FORECAST_MAX_DAYS];

/* Fill days 1..n with usd dollars each. */
static void
fill(int n, int64_t usd)
{
	int i;

	memset(days, 0, sizeof days);
	for (i = 0; i < n; i++)
		days[i] = usd * USD;
}

static int
run(int today, int64_t budget_usd, struct forecast *f)
{
	struct forecast_input in = {
		.day = days, .days = 31, .today = today, .wday1 = DEC_WDAY1,
		.budget = budget_usd * USD,
	};

	return forecast_compute(&in, f);
}

/* Days 1..filled at usd dollars each, forecast on day today under budget_usd (0: none). */
static void
month(int filled, int64_t usd, int today, int64_t budget_usd, struct forecast *f)
{
	fill(filled, usd);
	CHECK_INT(run(today, budget_usd, f), 0);
}

/* Days 1..filled at usd dollars each and the next day then_usd, forecast on day today. */
static void
burst(int filled, int64_t usd, int64_t then_usd, int today, int64_t budget_usd, struct forecast *f)
{
	fill(filled, usd);
	days[filled] = then_usd * USD;
	CHECK_INT(run(today, budget_usd, f), 0);
}

/* f took its pace by method from the days from..to. */
static void
check_window(const struct forecast *f, enum forecast_method method, int from, int to)
{
	CHECK_INT(f->method, method);
	CHECK_INT(f->from, from);
	CHECK_INT(f->to, to);
}

/* The budget runs out on out_day (0: it lasts) and the month ends at month_end. */
static void
check_end(const struct forecast *f, int out_day, int64_t month_end)
{
	CHECK_INT(f->out_day, out_day);
	CHECK_INT(f->month_end, month_end);
}

static void
test_weekend_days(void)
{
	CHECK(!forecast_weekend(DEC_WDAY1, 1));   /* Tue */
	CHECK(!forecast_weekend(DEC_WDAY1, 4));   /* Fri */
	CHECK(forecast_weekend(DEC_WDAY1, 5));    /* Sat */
	CHECK(forecast_weekend(DEC_WDAY1, 6));    /* Sun */
	CHECK(!forecast_weekend(DEC_WDAY1, 7));   /* Mon */
	CHECK(forecast_weekend(DEC_WDAY1, 27));   /* Sun */
	CHECK(forecast_weekend(0, 1));            /* November 2026: the 1st a Sunday */
	CHECK(forecast_weekend(0, 28));           /* Sat Nov 28 */
}

static void
test_steady_lasts(void)
{
	struct forecast f;

	/* $1 a day to the 10th: window 4..10, $1/day, 21 days left. */
	month(10, 1, 10, 50, &f);
	check_window(&f, FORECAST_MEAN, 4, 10);
	CHECK_INT(forecast_per_day(&f.rate[0]), USD);
	CHECK_INT(f.spent, 10 * USD);
	check_end(&f, 0, 31 * USD);
	CHECK(!f.over);
}

static void
test_steady_runs_out(void)
{
	struct forecast f;

	/* $10 spent, $1 a day: $20 is reached at the end of the 20th. */
	month(10, 1, 10, 20, &f);
	check_end(&f, 20, 31 * USD);
	CHECK(!f.over);
}

static void
test_burst_early(void)
{
	struct forecast f;

	/* $1, $1, then $10 on the 3rd: the window is days 1..3, $12/3 = $4 a day. */
	burst(2, 1, 10, 3, 50, &f);
	check_window(&f, FORECAST_MEAN, 1, 3);   /* a window shorter than 7 days is never split */
	CHECK_INT(forecast_per_day(&f.rate[0]), 4 * USD);
	/* $12 + $4·d >= $50 first at d = 10: the 13th. */
	check_end(&f, 13, (12 + 28 * 4) * USD);
}

static void
test_burst_splits(void)
{
	struct forecast f;

	/*
	 * $1 a day, then $30 on Thursday the 10th. Window 4..10: weekdays 4,7,8,9,10 hold
	 * $34 (6.80/day), the weekend 5,6 holds $2 ($1/day): over 2:1, so split.
	 * $39 spent; Fri 11 +6.80 = 45.80, Sat +1, Sun +1 = 47.80, Mon 14 +6.80 = 54.60.
	 */
	burst(9, 1, 30, 10, 50, &f);
	CHECK_INT(f.method, FORECAST_SPLIT);
	CHECK_INT(f.rate[0].sum, 34 * USD);
	CHECK_INT(f.rate[0].n, 5);
	CHECK_INT(f.rate[1].sum, 2 * USD);
	CHECK_INT(f.rate[1].n, 2);
	/* days 11..31: 15 weekdays at $6.80 and 6 weekend days at $1 */
	check_end(&f, 14, 39 * USD + 102 * USD + 6 * USD);
}

static void
test_weekdays_only(void)
{
	struct forecast f;
	int d;

	/* $3 on weekdays, nothing at weekends, to Monday the 14th: $30 spent in 10 weekdays. */
	memset(days, 0, sizeof days);
	for (d = 1; d <= 14; d++)
		days[d - 1] = forecast_weekend(DEC_WDAY1, d) ? 0 : 3 * USD;
	CHECK_INT(run(14, 50, &f), 0);
	CHECK_INT(f.method, FORECAST_SPLIT);
	CHECK_INT(f.spent, 30 * USD);
	/* Tue 15 33, 36, 39, Fri 18 42, weekend, Mon 21 45, 48, Wed 23 51. */
	/* days 15..31: 13 weekdays at $3 */
	check_end(&f, 23, 69 * USD);
	/* The 7-day mean ($15/7) would say Dec 24: one day later. */
	CHECK_INT(run(14, 0, &f), 0);
	check_end(&f, 0, 69 * USD);
}

static void
test_first_day(void)
{
	struct forecast f;

	/* $2 by some hour of the 1st, counted as the whole day: $2 a day for 30 more days. */
	month(1, 2, 1, 50, &f);
	check_window(&f, FORECAST_MEAN, 1, 1);
	check_end(&f, 25, 62 * USD);   /* $2 + $2·24 = $50 */
	/* nothing spent yet: nothing projected, and the budget lasts */
	month(0, 0, 1, 50, &f);
	check_end(&f, 0, 0);
}

static void
test_already_over(void)
{
	struct forecast f;

	/* $6 a day: $54 at the end of the 9th, past $50; by the 10th $60. */
	month(10, 6, 10, 50, &f);
	CHECK(f.over);
	check_end(&f, 9, (60 + 21 * 6) * USD);
	/* $5 a day reaches $50 exactly on the 10th: used up, not within */
	month(10, 5, 10, 50, &f);
	CHECK(f.over);
	check_end(&f, 10, (50 + 21 * 5) * USD);
}

static void
test_no_budget(void)
{
	struct forecast f;

	month(10, 6, 10, 0, &f);
	CHECK(!f.over);
	check_end(&f, 0, 186 * USD);
}

static void
test_last_day(void)
{
	struct forecast f;

	month(31, 1, 31, 40, &f);
	check_end(&f, 0, 31 * USD);
}

static void
test_exact_fractions(void)
{
	struct forecast f;
	struct forecast_input in = { .day = days, .days = 31, .today = 3, .wday1 = DEC_WDAY1,
		.budget = 20 };

	/* 10 pico over 3 days: 10/3 a day. 10 + 3·10/3 = 20 on the 6th exactly; a pace rounded
	 * down to 3 a day would say the 7th. */
	memset(days, 0, sizeof days);
	days[0] = 4;
	days[1] = 3;
	days[2] = 3;
	CHECK_INT(forecast_compute(&in, &f), 0);
	CHECK_INT(forecast_per_day(&f.rate[0]), 3);
	CHECK_INT(f.out_day, 6);
	/* 28 days left: 10 + 280/3 = 103.33, rounded down */
	CHECK_INT(f.month_end, 103);
}

static void
test_malformed(void)
{
	struct forecast f;
	struct forecast_input in = { .day = days, .days = 31, .today = 5, .wday1 = 2 };

	fill(5, 1);
	in.days = 27;
	CHECK_INT(forecast_compute(&in, &f), -1);
	CHECK_INT(f.method, FORECAST_NONE);
	in.days = 30;
	in.today = 0;
	CHECK_INT(forecast_compute(&in, &f), -1);
	in.today = 31;
	CHECK_INT(forecast_compute(&in, &f), -1);
	in.today = 5;
	in.wday1 = 7;
	CHECK_INT(forecast_compute(&in, &f), -1);
	in.wday1 = 2;
	days[2] = -1;
	CHECK_INT(forecast_compute(&in, &f), -1);
	days[2] = INT64_MAX;
	CHECK_INT(forecast_compute(&in, &f), -1);
	CHECK(f.overflow);
	days[2] = 0;
	CHECK_INT(forecast_compute(&in, &f), 0);
	CHECK_STR(forecast_method_str(f.method), "mean of the last 7 days");
}

static void
test_huge_pace(void)
{
	struct forecast f;

	/* near the top of int64: the month-end total saturates and says so */
	memset(days, 0, sizeof days);
	days[0] = INT64_MAX / 2;
	CHECK_INT(run(1, 0, &f), 0);
	CHECK(f.overflow);
	CHECK_INT(f.month_end, INT64_MAX);
}

int
main(void)
{
	RUN(test_weekend_days);
	RUN(test_steady_lasts);
	RUN(test_steady_runs_out);
	RUN(test_burst_early);
	RUN(test_burst_splits);
	RUN(test_weekdays_only);
	RUN(test_first_day);
	RUN(test_already_over);
	RUN(test_no_budget);
	RUN(test_last_day);
	RUN(test_exact_fractions);
	RUN(test_malformed);
	RUN(test_huge_pace);
	UNIT_EXIT();
}
