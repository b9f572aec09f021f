/* chart: a month's spend drawn as text, a bar per day stacked by tier; no curses here. */
#ifndef LLM_CHART_H
#define LLM_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forecast.h"
#include "spend.h"

struct meter;
struct theme;

/* How to draw. */
struct chart_opts {
	int width;                      /* columns the lines must fit */
	int height;                     /* rows of bars; 0: 8 */
	bool utf8;                      /* block and box characters; false: ASCII only */
	int colors;                     /* 0: none, 8 or 256: the theme's tier colours */
	const struct theme *theme;      /* needed when colors > 0 */
	int64_t budget;                 /* pico; 0: no budget */
	const struct forecast *forecast;    /* NULL: not the current month */
	size_t top;                     /* models listed; 0: 5 */
};

/* Draw s as lines of text ending in "\n", each at most o->width columns wide (malloc'd). */
char *chart_render(const struct spend_month *s, const struct chart_opts *o);
/*
 * Write the forecast in one line for people: "out on Dec 21 at this pace, $62.00 at month
 * end", "$31.00 at month end, within the budget", "over the budget since Dec 9, ...".
 * month is "YYYY-MM".
 */
void chart_forecast_text(const struct forecast *f, const char *month, int64_t budget, char *out,
    size_t n);
/* Write the way the pace was measured: "mean of the last 7 days", "mean of the month's first 3 days". */
void chart_method_text(const struct forecast *f, char *out, size_t n);
/* Write how the pace was measured in one line: "$1.00 a day, mean of the last 7 days (Dec 4-10)". */
void chart_pace_text(const struct forecast *f, const char *month, bool utf8, char *out, size_t n);
/*
 * Write the warning of threshold pct first passed by month m in one line: "budget: 2026-11
 * passed 80% of its budget: $40.10 of $50.00 spent; forecast: out on Nov 21 ..."; f may be NULL.
 */
void chart_warn_text(const struct meter *m, int pct, const struct forecast *f, char *out,
    size_t n);
/* Write "Dec 21" for day d of month "YYYY-MM". */
void chart_day_name(const char *month, int d, char *out, size_t n);

#endif
