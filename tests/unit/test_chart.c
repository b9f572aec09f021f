/* test_chart: a month drawn as text at each width, in colour, plain and ASCII; forecast wording. */
#include <stdint.h>
#include <stdlib.h>

#include "chart.h"
#include "spend.h"
#include "theme.h"
#include "unit.h"
#include "util.h"

#define USD 1000000000000LL

static struct spend_model models[] = {
	{ .name = "claude-opus-4-6", .cost = 4 * USD, .requests = 1 },
	{ .name = "gpt-5-mini", .cost = 3 * USD / 2, .requests = 2 },
	{ .name = "claude-sonnet-4-6", .cost = 1 * USD, .requests = 1 },
};

/* November 2026 (the 1st a Sunday): $1 cheap + $1 mid on the 1st, $4 frontier on the 2nd, 50c cheap on the 3rd. */
static void
month(struct spend_month *s)
{
	memset(s, 0, sizeof *s);
	str_copy(s->month, sizeof s->month, "2026-11");
	s->days = 30;
	s->wday1 = 0;
	s->today = 3;
	s->day[0][SPEND_CHEAP] = USD;
	s->day[0][SPEND_MID] = USD;
	s->day[1][SPEND_FRONTIER] = 4 * USD;
	s->day[2][SPEND_CHEAP] = USD / 2;
	s->tier[SPEND_CHEAP] = 3 * USD / 2;
	s->tier[SPEND_MID] = USD;
	s->tier[SPEND_FRONTIER] = 4 * USD;
	s->total = 13 * USD / 2;
	s->requests = 4;
	s->models = models;
	s->nmodels = 3;
}

/* The widest line of text in columns: escapes skipped, a UTF-8 character one column. */
static int
widest(const char *t)
{
	int w = 0, max = 0;

	for (; *t != '\0'; t++) {
		if (*t == '\n') {
			w = 0;
			continue;
		}
		if (*t == '\033') {
			while (*t != '\0' && *t != 'm')
				t++;
			continue;
		}
		if (((unsigned char)*t & 0xc0) != 0x80 && ++w > max)
			max = w;
	}
	return max;
}

/* t with its wrapping undone: each newline and the indent after it become one space. */
static void
unwrap(char *t)
{
	char *r = t, *w = t;

	while (*r != '\0') {
		if (r[0] == '\n' && r[1] == ' ' && r[2] == ' ') {
			*w++ = ' ';
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static bool
ascii_only(const char *t)
{
	for (; *t != '\0'; t++)
		if ((unsigned char)*t >= 0x80)
			return false;
	return true;
}

static void
test_ascii_by_hand(void)
{
	struct spend_month s;
	struct chart_opts o = { .width = 80, .height = 4, .budget = 30 * USD };
	char *t;

	month(&s);
	t = chart_render(&s, &o);
	/* $4 tops the scale, a row is $1; the budget's share, $30/30 days, is row 1. */
	CHECK_STR(t,
	    "November 2026  $6.50 of $30.00 (21%)\n"
	    "$4.00 +  #\n"
	    "      |  #\n"
	    "$2.00 += #\n"
	    "      |:-#-:-------------------------------------------------------\n"
	    "      +------------------------------------------------------------\n"
	    "       1       5         10        15        20        25        30\n"
	    ": cheap $1.50  = mid $1.00  # frontier $4.00  - budget $1.00 a day\n"
	    "Total $6.50 in 4 requests.\n"
	    "Top models\n"
	    "  claude-opus-4-6        $4.00   61% ####################\n"
	    "  gpt-5-mini             $1.50   23% #######\n"
	    "  claude-sonnet-4-6      $1.00   15% #####\n");
	free(t);
}

/*
 * A tier or a model is marked as estimated, or of unknown cost, by its own rows,
 * as `llm usage --by tier` and --by model mark them: one estimated frontier
 * request leaves the cheap tier's exact figure unmarked.
 */
static void
test_marks_are_each_figures(void)
{
	struct spend_model own[ARRAY_SIZE(models)];
	struct spend_month s;
	struct chart_opts o = { .width = 80, .height = 4 };
	char *t;

	month(&s);
	memcpy(own, models, sizeof own);
	own[0].estimated = true;
	s.models = own;
	s.estimated = true;
	s.tier_estimated[SPEND_FRONTIER] = true;
	s.tier_requests[SPEND_CHEAP] = 3;
	s.tier_unknown[SPEND_CHEAP] = 1;
	s.tier_requests[SPEND_OTHER] = 1;
	s.tier_unknown[SPEND_OTHER] = 1;
	s.requests = 6;
	s.unknown = 2;
	t = chart_render(&s, &o);
	CHECK_HAS(t, ": cheap $1.50 +1 unknown  = mid $1.00  # frontier ~$4.00  ? other ?\n");
	CHECK_HAS(t, "Total ~$6.50 in 6 requests. 2 of unknown cost are not in it.\n");
	CHECK_HAS(t, "  claude-opus-4-6       ~$4.00   61% ");
	CHECK_HAS(t, "  gpt-5-mini             $1.50   23% ");
	free(t);
}

/*
 * A model some of whose requests are of unknown cost says how many after its bar,
 * as the table does, every bar to one scale; where the row has no room, on a line
 * of its own, and no line of the list is wider than the chart at any width.
 */
static void
test_model_unknown(void)
{
	struct spend_model own[ARRAY_SIZE(models)];
	struct spend_month s;
	struct chart_opts o = { .width = 80, .height = 4 };
	char *t;
	int w;

	month(&s);
	memcpy(own, models, sizeof own);
	own[1].unknown = 2;
	s.models = own;
	s.requests = 6;
	s.unknown = 2;
	t = chart_render(&s, &o);
	CHECK_HAS(t, "  claude-opus-4-6        $4.00   61% ####################\n");
	CHECK_HAS(t, "  gpt-5-mini             $1.50   23% ####### +2 unknown\n");
	free(t);
	o.width = 40;
	t = chart_render(&s, &o);
	CHECK_HAS(t, "  gpt-5-mini             $1.50   23% #\n    +2 unknown\n");
	free(t);
	for (w = 16; w <= 120; w++) {
		o.width = w;
		t = chart_render(&s, &o);
		CHECK(strstr(t, "Top models\n") != NULL && widest(strstr(t, "Top models\n")) <= w);
		CHECK(strstr(t, "+2 unknown") != NULL);
		free(t);
	}
}

static void
test_widths_fit(void)
{
	static const int widths[] = { 40, 80, 120 };
	struct spend_month s;
	struct chart_opts o = { .budget = 30 * USD, .utf8 = true };
	size_t i;
	char *t;

	month(&s);
	s.frontier_name = "a-frontier-model-with-a-rather-long-name";
	s.frontier = 40 * USD;
	s.compared_cost = s.total;
	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		o.width = widths[i];
		t = chart_render(&s, &o);
		CHECK(widest(t) <= widths[i]);
		unwrap(t);
		CHECK(strstr(t, "saved $33.50 (83%).") != NULL);
		free(t);
	}
	/* at 120 columns a day is 3 columns: 2 of bar and a gap */
	o.width = 120;
	t = chart_render(&s, &o);
	CHECK(strstr(t, "\xe2\x94\x82\xe2\x96\x91\xe2\x96\x91\xe2\x94\x80\xe2\x96\x88\xe2\x96\x88") != NULL);
	free(t);
}

/*
 * A 31-day month down to the full-screen client's narrowest (16 columns inside its
 * frame): no line wider, and the month whole, a bar standing for days enough to fit.
 */
static void
test_narrow_month(void)
{
	struct spend_month s;
	struct chart_opts o = { .budget = 30 * USD, .height = 4 };
	char *t, *axis;
	int w;

	month(&s);
	/* months of 28 to 30 days too: a day's number never runs past the edge */
	for (s.days = 28; s.days < 31; s.days++)
		for (w = 16; w <= 45; w++) {
			o.width = w;
			t = chart_render(&s, &o);
			CHECK(widest(t) <= w);
			free(t);
		}
	str_copy(s.month, sizeof s.month, "2026-12");
	s.days = 31;
	s.day[30][SPEND_MID] = 2 * USD;
	for (w = 16; w <= 45; w++) {
		o.width = w;
		t = chart_render(&s, &o);
		CHECK(widest(t) <= w);
		/* the row above the axis ends in the 31st's bar */
		axis = strstr(t, "\n      +-");
		CHECK(axis != NULL && axis[-1] == '=');
		/* a column a day from 38: the scale's labels take 5, the axis 2 */
		CHECK((strstr(t, "a bar is") != NULL) == (w < 38));
		free(t);
	}
	o.width = 24;
	t = chart_render(&s, &o);
	CHECK_HAS(t, "      +----------------\n       1   10   20   30\n");
	CHECK_HAS(t, "- budget $1.94 a bar\na bar is 2 days\n");
	CHECK_HAS(t, "December 2026\n$6.50 of $30.00 (21%)\n");
	CHECK_HAS(t, "Top models\n  claude-opus-4-6\n    $4.00 61% #");
	free(t);
}

/*
 * A model's name too long for its room is cut and ends in an ellipsis ("..." in
 * ASCII), on a line of its own at the client's narrowest and in the table wider;
 * the columns after it stay in line.
 */
static void
test_long_names_cut(void)
{
	struct spend_model own[] = {
		{ .name = "a-model-with-a-name-far-too-long-for-its-column", .cost = 2 * USD },
		{ .name = "short", .cost = USD },
	};
	struct spend_month s;
	struct chart_opts o = { .width = 16, .utf8 = true };
	char *t;

	month(&s);
	s.models = own;
	s.nmodels = 2;
	t = chart_render(&s, &o);
	CHECK(widest(t) <= 16);
	CHECK_HAS(t, "Top models\n  a-model-with-\xe2\x80\xa6\n    $2.00 30% ");
	CHECK_HAS(t, "\n  short\n");
	free(t);
	o.utf8 = false;
	t = chart_render(&s, &o);
	CHECK(widest(t) <= 16);
	CHECK_HAS(t, "Top models\n  a-model-wit...\n");
	free(t);
	o.width = 50;
	o.utf8 = true;
	t = chart_render(&s, &o);
	CHECK(widest(t) <= 50);
	CHECK_HAS(t, "  a-model-with-a-name-far-to\xe2\x80\xa6      $2.00   30% ");
	CHECK_HAS(t, "  short                            $1.00   15% ");
	free(t);
}

static void
test_colours(void)
{
	struct spend_month s;
	struct theme th;
	struct chart_opts o = { .width = 80, .utf8 = true, .colors = 256, .theme = &th };
	char *t;

	theme_init(&th);
	month(&s);
	t = chart_render(&s, &o);
	/* the default theme's tier colours, 256 and then 8 */
	CHECK(strstr(t, "\033[38;5;71m\xe2\x96\x88") != NULL);
	CHECK(strstr(t, "\033[38;5;75m\xe2\x96\x88") != NULL);
	CHECK(strstr(t, "\033[38;5;176m\xe2\x96\x88") != NULL);
	CHECK(strstr(t, "\xe2\x96\x91") == NULL);   /* in colour the tiers differ by colour only */
	free(t);
	o.colors = 8;
	t = chart_render(&s, &o);
	CHECK(strstr(t, "\033[32m\xe2\x96\x88") != NULL);
	CHECK(strstr(t, "\033[35m\xe2\x96\x88") != NULL);
	CHECK(strstr(t, "38;5;") == NULL);
	free(t);
	/* no colour: no escape at all, shades instead */
	o.colors = 0;
	t = chart_render(&s, &o);
	CHECK(strchr(t, '\033') == NULL);
	CHECK(strstr(t, "\xe2\x96\x91 cheap $1.50") != NULL);
	CHECK(strstr(t, "\xe2\x96\x92 mid $1.00") != NULL);
	free(t);
}

static void
test_ascii_only(void)
{
	struct spend_month s;
	struct theme th;
	struct forecast f = { .method = FORECAST_MEAN, .from = 1, .to = 3,
		.rate = { { 13 * USD / 2, 3 }, { 0, 1 } }, .month_end = 65 * USD, .out_day = 14 };
	struct chart_opts o = { .width = 80, .colors = 8, .theme = &th, .budget = 30 * USD,
		.forecast = &f };
	char *t;

	theme_init(&th);
	month(&s);
	t = chart_render(&s, &o);
	CHECK(ascii_only(t));
	/* three days into the month, the window is those three, and says so */
	CHECK(strstr(t, "Pace: $2.17 a day, mean of the month's first 3 days (Nov 1-3).") != NULL);
	free(t);
}

static void
test_names_are_data(void)
{
	struct spend_model evil[] = { { .name = "x\033[2Jy\xc3\xa9", .cost = USD } };
	struct spend_month s;
	struct chart_opts o = { .width = 80 };
	char *t;

	month(&s);
	s.models = evil;
	s.nmodels = 1;
	t = chart_render(&s, &o);
	CHECK(strchr(t, '\033') == NULL);
	CHECK(strstr(t, "  x?[2Jy??") != NULL);
	free(t);
}

static void
test_empty_month(void)
{
	struct spend_month s;
	struct chart_opts o = { .width = 80 };

	month(&s);
	memset(s.day, 0, sizeof s.day);
	memset(s.tier, 0, sizeof s.tier);
	s.total = 0;
	s.requests = 0;
	s.nmodels = 0;
	CHECK_STR_FREE(chart_render(&s, &o), "November 2026  $0.00 spent, no budget\nTotal $0.00 in 0 requests.\n");
}

static void
test_forecast_words(void)
{
	struct forecast f = { .method = FORECAST_MEAN, .month_end = 62 * USD, .out_day = 21 };
	char out[200];

	chart_forecast_text(&f, "2026-12", 50 * USD, out, sizeof out);
	CHECK_STR(out, "out on Dec 21 at this pace; $62.00 at month end");
	f.over = true;
	f.out_day = 9;
	chart_forecast_text(&f, "2026-12", 50 * USD, out, sizeof out);
	CHECK_STR(out, "over the budget since Dec 9; $62.00 at month end at this pace");
	f.over = false;
	f.out_day = 0;
	chart_forecast_text(&f, "2026-12", 80 * USD, out, sizeof out);
	CHECK_STR(out, "$62.00 at month end at this pace, within the budget");
	chart_forecast_text(&f, "2026-12", 0, out, sizeof out);
	CHECK_STR(out, "$62.00 at month end at this pace");
	f.method = FORECAST_SPLIT;
	f.from = 4;
	f.to = 10;
	f.rate[0] = (struct forecast_rate){ 34 * USD, 5 };
	f.rate[1] = (struct forecast_rate){ 2 * USD, 2 };
	chart_pace_text(&f, "2026-12", true, out, sizeof out);
	CHECK_STR(out, "$6.80 a weekday and $1.00 a weekend day, last 7 days, weekdays and weekends"
	    " apart (Dec 4\xe2\x80\x93" "10)");
	f.method = FORECAST_MEAN;
	f.from = f.to = 1;
	chart_pace_text(&f, "2026-01", false, out, sizeof out);
	CHECK_STR(out, "$6.80 a day, the month's first day (Jan 1)");
	f.to = 7;
	chart_pace_text(&f, "2026-01", false, out, sizeof out);
	CHECK_STR(out, "$6.80 a day, mean of the last 7 days (Jan 1-7)");
	chart_day_name("2026-02", 28, out, sizeof out);
	CHECK_STR(out, "Feb 28");
}

int
main(void)
{
	RUN(test_ascii_by_hand);
	RUN(test_marks_are_each_figures);
	RUN(test_model_unknown);
	RUN(test_widths_fit);
	RUN(test_narrow_month);
	RUN(test_long_names_cut);
	RUN(test_colours);
	RUN(test_ascii_only);
	RUN(test_names_are_data);
	RUN(test_empty_month);
	RUN(test_forecast_words);
	UNIT_EXIT();
}
