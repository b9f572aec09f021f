/* chart: a month's spend drawn as text, a bar per day stacked by tier; no curses here. */
#include "chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ledger.h"
#include "pricing.h"
#include "theme.h"
#include "util.h"

#define CHART_HEIGHT 8
#define CHART_TOP 5
#define CHART_MAX_COLW 4
#define CHART_MODEL_BAR 20
#define CHART_NAME_COLS 39  /* the widest a model's name is shown */

static const char *const month_abbr[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const tier_names[SPEND_NTIERS] = {
	[SPEND_CHEAP] = "cheap",
	[SPEND_MID] = "mid",
	[SPEND_FRONTIER] = "frontier",
	[SPEND_OTHER] = "other",
};

static const enum theme_slot tier_slots[SPEND_NTIERS] = {
	[SPEND_CHEAP] = THEME_TIER_CHEAP,
	[SPEND_MID] = THEME_TIER_MID,
	[SPEND_FRONTIER] = THEME_TIER_FRONTIER,
	[SPEND_OTHER] = THEME_DIM,
};

/* The characters of a chart; each is one column wide but for the ellipsis, cutw. */
struct glyphs {
	const char *bar[SPEND_NTIERS];
	const char *vline, *tick, *corner, *hline, *budget, *dash;
	const char *cut;    /* ends a name cut short */
	int cutw;           /* its columns */
};

/* Without colour the tiers differ by shade, dearer darker; with it, by colour alone. */
static const struct glyphs glyphs_utf8 = {
	.bar = { "\xe2\x96\x91", "\xe2\x96\x92", "\xe2\x96\x88", "?" },
	.vline = "\xe2\x94\x82", .tick = "\xe2\x94\xa4", .corner = "\xe2\x94\x94",
	.hline = "\xe2\x94\x80", .budget = "\xe2\x94\x80", .dash = "\xe2\x80\x93",
	.cut = "\xe2\x80\xa6", .cutw = 1,
};
static const struct glyphs glyphs_utf8_color = {
	.bar = { "\xe2\x96\x88", "\xe2\x96\x88", "\xe2\x96\x88", "\xe2\x96\x88" },
	.vline = "\xe2\x94\x82", .tick = "\xe2\x94\xa4", .corner = "\xe2\x94\x94",
	.hline = "\xe2\x94\x80", .budget = "\xe2\x94\x80", .dash = "\xe2\x80\x93",
	.cut = "\xe2\x80\xa6", .cutw = 1,
};
static const struct glyphs glyphs_ascii = {
	.bar = { ":", "=", "#", "?" },
	.vline = "|", .tick = "+", .corner = "+", .hline = "-", .budget = "-", .dash = "-",
	.cut = "...", .cutw = 3,
};
static const struct glyphs glyphs_ascii_color = {
	.bar = { "#", "#", "#", "#" },
	.vline = "|", .tick = "+", .corner = "+", .hline = "-", .budget = "-", .dash = "-",
	.cut = "...", .cutw = 3,
};

/* A line being written: spaces are held back so no line ends in them, colours switched lazily. */
struct pen {
	struct buf *b;
	const struct chart_opts *o;
	const struct glyphs *g;
	int slot;       /* the colour on, -1 none */
	int spaces;     /* spaces held back */
	int col;        /* columns written on this line, held spaces included */
};

static void
pen_sgr(struct pen *p, int slot)
{
	const struct theme_style *s;
	short fg;

	if (p->o->colors == 0 || p->o->theme == NULL || slot == p->slot)
		return;
	if (p->slot >= 0)
		buf_adds(p->b, "\033[0m");
	p->slot = -1;
	if (slot < 0)
		return;
	s = &p->o->theme->styles[slot];
	fg = p->o->colors >= 256 && s->fg >= 0 ? s->fg : s->fg8;
	buf_adds(p->b, "\033[");
	if (fg >= 0 && fg < 8)
		buf_addf(p->b, "3%d", fg);
	else if (fg >= 0)
		buf_addf(p->b, "38;5;%d", fg);
	else
		buf_adds(p->b, "39");
	if (s->attrs & THEME_BOLD)
		buf_adds(p->b, ";1");
	buf_adds(p->b, "m");
	p->slot = slot;
}

/* Write text of width cols in colour slot (-1: none). */
static void
pen_put(struct pen *p, int slot, const char *text, int cols)
{
	if (p->spaces > 0) {
		pen_sgr(p, -1);
		buf_addf(p->b, "%*s", p->spaces, "");
		p->spaces = 0;
	}
	pen_sgr(p, slot);
	buf_adds(p->b, text);
	p->col += cols;
}

/* Write ASCII text without colour. */
static void
pen_text(struct pen *p, const char *text)
{
	pen_put(p, -1, text, (int)strlen(text));
}

static void
pen_space(struct pen *p, int n)
{
	p->spaces += n;
	p->col += n;
}

static void
pen_eol(struct pen *p)
{
	pen_sgr(p, -1);
	p->spaces = 0;
	p->col = 0;
	buf_addc(p->b, '\n');
}

/* Write text wrapped at the width on spaces, continuation lines indented by two; a word
 * longer than a line is cut where the line ends. */
static void
pen_wrapped(struct pen *p, const char *text)
{
	const char *w = text, *e;
	int width = p->o->width, n, room;
	bool fresh = p->col == 0;
	char *word;

	while (*w != '\0') {
		for (e = w; *e != '\0' && *e != ' '; e++)
			;
		n = (int)(e - w);
		if (!fresh && p->col + 1 + n > width) {
			pen_eol(p);
			pen_space(p, 2);
		} else if (!fresh) {
			pen_space(p, 1);
		}
		fresh = false;
		room = width - p->col;
		if (n > room && room > 0) {
			n = room;
			e = w + n;
		}
		word = xstrndup(w, (size_t)n);
		pen_text(p, word);
		free(word);
		w = *e == ' ' ? e + 1 : e;
	}
	pen_eol(p);
}

/* Write "Dec 21" for day d of month "YYYY-MM". */
void
chart_day_name(const char *month, int d, char *out, size_t n)
{
	int m = (month[5] - '0') * 10 + (month[6] - '0');

	snprintf(out, n, "%s %d", m >= 1 && m <= 12 ? month_abbr[m - 1] : "?", d);
}

/* Write the forecast in one line: "?" when every request so far is of unknown cost, never $0. */
void
chart_forecast_text(const struct forecast *f, const char *month, int64_t budget, char *out,
    size_t n)
{
	char end[40], day[16];

	pricing_format(f->month_end, f->estimated, end, sizeof end);
	chart_day_name(month, f->out_day, day, sizeof day);
	if (forecast_unknown(f))
		snprintf(out, n, "? at month end: %lld request%s so far, all of unknown cost",
		    (long long)f->unknown, f->unknown == 1 ? "" : "s");
	else if (f->over)
		snprintf(out, n, "over the budget since %s; %s at month end at this pace", day, end);
	else if (f->out_day > 0)
		snprintf(out, n, "out on %s at this pace; %s at month end", day, end);
	else if (budget > 0)
		snprintf(out, n, "%s at month end at this pace, within the budget", end);
	else
		snprintf(out, n, "%s at month end at this pace", end);
}

/* Write the warning of a budget threshold first passed, with the forecast when there is one. */
void
chart_warn_text(const struct meter *m, int pct, const struct forecast *f, char *out, size_t n)
{
	char spent[40], limit[40], fc[200];

	pricing_format(m->spent, m->estimated, spent, sizeof spent);
	pricing_format_exact(m->limit, limit, sizeof limit);
	if (f != NULL)
		chart_forecast_text(f, m->month, m->limit, fc, sizeof fc);
	snprintf(out, n, "budget: %s passed %d%% of its budget: %s of %s spent%s%s", m->month,
	    pct, spent, limit, f != NULL ? "; forecast: " : "", f != NULL ? fc : "");
}

/*
 * Write how the pace was measured. Early in a month the window is the days so
 * far, not 7: "mean of the last 7 days (Dec 1-5)" would say two things at once.
 */
void
chart_method_text(const struct forecast *f, char *out, size_t n)
{
	int days = f->to - f->from + 1;

	if (f->method != FORECAST_MEAN || days >= FORECAST_WINDOW)
		str_copy(out, n, forecast_method_str(f->method));
	else if (days == 1)
		str_copy(out, n, "the month's first day");
	else
		snprintf(out, n, "mean of the month's first %d days", days);
}

/* A pace of f: "?" when every request so far is of unknown cost (the forecast names them). */
static void
pace_money(const struct forecast *f, const struct forecast_rate *r, char *out, size_t n)
{
	if (forecast_unknown(f))
		str_copy(out, n, "?");
	else
		pricing_format(forecast_per_day(r), f->estimated, out, n);
}

/* Write how the pace was measured in one line. */
void
chart_pace_text(const struct forecast *f, const char *month, bool utf8, char *out, size_t n)
{
	char a[40], b[40], from[16], span[32], how[64];

	chart_day_name(month, f->from, from, sizeof from);
	if (f->from == f->to)
		str_copy(span, sizeof span, from);
	else
		snprintf(span, sizeof span, "%s%s%d", from, utf8 ? "\xe2\x80\x93" : "-", f->to);
	pace_money(f, &f->rate[0], a, sizeof a);
	chart_method_text(f, how, sizeof how);
	if (f->method == FORECAST_SPLIT) {
		pace_money(f, &f->rate[1], b, sizeof b);
		snprintf(out, n, "%s a weekday and %s a weekend day, %s (%s)", a, b, how, span);
	} else {
		snprintf(out, n, "%s a day, %s (%s)", a, how, span);
	}
}

/* The scale: the dearest bar of per days (from day 0), or the budget's share of one if higher. */
static int64_t
chart_top(const struct spend_month *s, int per, int64_t share)
{
	int64_t top = share, sum;
	int d, k;

	for (d = 0, sum = 0; d < s->days; d++) {
		if (d % per == 0)
			sum = 0;
		for (k = 0; k < SPEND_NTIERS; k++)
			sum = sum > INT64_MAX - s->day[d][k] ? INT64_MAX : sum + s->day[d][k];
		if (sum > top)
			top = sum;
	}
	return top;
}

/* Each tier's top edge in bar b (days b*per on), in rows of h (rounded half up): lv[k]. */
static void
bar_levels(const struct spend_month *s, int b, int per, int64_t top, int h,
    int lv[SPEND_NTIERS])
{
	__int128 cum = 0;
	int d, k;

	for (k = 0; k < SPEND_NTIERS; k++) {
		for (d = b * per; d < (b + 1) * per && d < s->days; d++)
			cum += s->day[d][k];
		lv[k] = (int)((cum * h * 2 + top) / ((__int128)top * 2));
	}
}

/* The tier drawn at level L (1 = bottom) of a bar, or -1 for none. */
static int
level_tier(const int lv[SPEND_NTIERS], int level)
{
	int k;

	for (k = 0; k < SPEND_NTIERS; k++)
		if (lv[k] >= level)
			return k;
	return -1;
}

/* Geometry of the bars. */
struct grid {
	int h, colw, barw, lw, budget_level;
	int per, bars;         /* days a bar stands for (1 unless too narrow), and how many bars */
	int64_t top, share;    /* the scale; the budget's share of a bar */
	char label_top[32], label_mid[32];
};

/*
 * A bar a day, two columns or more where the width allows. Too narrow for a column a
 * day, a bar stands for 2 days or more, as few as fit: the month stays whole.
 */
static void
grid_init(const struct spend_month *s, const struct chart_opts *o, struct grid *g)
{
	int64_t daily = o->budget > 0 ? o->budget / s->days : 0;

	g->h = o->height > 0 ? o->height : CHART_HEIGHT;
	for (g->per = 1;; g->per++) {
		g->bars = (s->days + g->per - 1) / g->per;
		g->share = daily > INT64_MAX / g->per ? INT64_MAX : daily * g->per;
		g->top = chart_top(s, g->per, g->share);
		pricing_format(g->top, false, g->label_top, sizeof g->label_top);
		pricing_format(g->top / 2, false, g->label_mid, sizeof g->label_mid);
		g->lw = (int)strlen(g->label_top) > (int)strlen(g->label_mid) ?
		    (int)strlen(g->label_top) : (int)strlen(g->label_mid);
		if (g->lw + 2 + g->bars <= o->width || g->bars <= 1)
			break;
	}
	g->colw = (o->width - g->lw - 2) / g->bars;
	g->colw = g->colw < 1 ? 1 : g->colw > CHART_MAX_COLW ? CHART_MAX_COLW : g->colw;
	g->barw = g->colw > 1 ? g->colw - 1 : 1;
	g->budget_level = g->share > 0 && g->top > 0 ?
	    (int)(((__int128)g->share * g->h + g->top - 1) / g->top) : 0;
}

/* One row of bars at level L, with its axis label. */
static void
draw_row(struct pen *p, const struct spend_month *s, const struct grid *g, int level)
{
	const char *label = level == g->h ? g->label_top : level == (g->h + 1) / 2 ? g->label_mid : "";
	int b, i, lv[SPEND_NTIERS], k;
	bool line = level == g->budget_level;

	pen_space(p, g->lw - (int)strlen(label));
	pen_text(p, label);
	pen_space(p, 1);
	pen_put(p, THEME_BORDER, *label ? p->g->tick : p->g->vline, 1);
	for (b = 0; b < g->bars; b++) {
		bar_levels(s, b, g->per, g->top, g->h, lv);
		k = level_tier(lv, level);
		for (i = 0; i < g->barw; i++) {
			if (k >= 0)
				pen_put(p, tier_slots[k], p->g->bar[k], 1);
			else if (line)
				pen_put(p, THEME_METER_WARN, p->g->budget, 1);
			else
				pen_space(p, 1);
		}
		for (i = g->barw; i < g->colw; i++) {
			if (line)
				pen_put(p, THEME_METER_WARN, p->g->budget, 1);
			else
				pen_space(p, 1);
		}
	}
	pen_eol(p);
}

/*
 * The axis, and the day numbers under it: 1, 5, 10, ... (1, 10, 20, ... when a bar is 2
 * days) under their bars, where they fit with a blank between and end within the axis.
 */
static void
draw_axis(struct pen *p, const struct spend_month *s, const struct grid *g)
{
	int d, at = 0, x, step = 5 * g->per;
	char num[16];

	pen_space(p, g->lw + 1);
	pen_put(p, THEME_BORDER, p->g->corner, 1);
	for (x = 0; x < g->bars * g->colw; x++)
		pen_put(p, THEME_BORDER, p->g->hline, 1);
	pen_eol(p);
	pen_space(p, g->lw + 2);
	for (d = 1; d <= s->days; d++) {
		x = (d - 1) / g->per * g->colw;
		if ((d != 1 && d % step != 0) || x < (at > 0 ? at + 1 : 0))
			continue;
		snprintf(num, sizeof num, "%d", d);
		if (x + (int)strlen(num) > g->bars * g->colw)
			break;
		pen_space(p, x - at);
		pen_text(p, num);
		at = x + (int)strlen(num);
	}
	pen_eol(p);
}

static const char *const month_full[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December",
};

/* "December 2026  $31.20 of $50.00 (62%)". */
static void
draw_title(struct pen *p, const struct spend_month *s, const struct chart_opts *o)
{
	int m = (s->month[5] - '0') * 10 + (s->month[6] - '0');
	char spent[40], lim[40], line[160];

	pricing_format(s->total, s->estimated, spent, sizeof spent);
	snprintf(line, sizeof line, "%s %.4s", m >= 1 && m <= 12 ? month_full[m - 1] : "?",
	    s->month);
	pen_put(p, THEME_HEADING, line, (int)strlen(line));
	if (o->budget > 0) {
		pricing_format_exact(o->budget, lim, sizeof lim);
		snprintf(line, sizeof line, "%s of %s (%lld%%)", spent, lim,
		    (long long)((__int128)s->total * 100 / o->budget));
	} else {
		snprintf(line, sizeof line, "%s spent, no budget", spent);
	}
	/* a narrow screen has the sums under the month */
	if (p->col + 2 + (int)strlen(line) > o->width)
		pen_eol(p);
	else
		pen_space(p, 1);    /* and pen_wrapped's blank: two */
	pen_wrapped(p, line);
}

/*
 * One legend item: a glyph in its colour (NULL: none), then text; on a line of its own
 * when the line has no room, and wrapped when even that is too narrow.
 */
static void
legend_item(struct pen *p, int slot, const char *glyph, const char *text)
{
	int w = (glyph != NULL ? 2 : 0) + (int)strlen(text);

	if (p->col > 0 && p->col + 2 + w > p->o->width)
		pen_eol(p);
	else if (p->col > 0)
		pen_space(p, 2);
	if (glyph != NULL)
		pen_put(p, slot, glyph, 1);
	if (w > p->o->width) {
		pen_wrapped(p, text);   /* after the glyph, a blank; the item ends its line */
		return;
	}
	if (glyph != NULL)
		pen_space(p, 1);
	pen_text(p, text);
}

/*
 * What tier k cost, as `llm usage --by tier` says it: "~" only where its own
 * figures are estimated, "?" when every request of it is of unknown cost (never
 * "$0.00"), and how many are left out when some are.
 */
static void
tier_money(const struct spend_month *s, int k, char *out, size_t n)
{
	char money[40];

	if (s->tier_unknown[k] > 0 && s->tier_unknown[k] == s->tier_requests[k]) {
		str_copy(out, n, "?");
		return;
	}
	pricing_format(s->tier[k], s->tier_estimated[k], money, sizeof money);
	if (s->tier_unknown[k] > 0)
		snprintf(out, n, "%s +%lld unknown", money, (long long)s->tier_unknown[k]);
	else
		str_copy(out, n, money);
}

static void
draw_legend(struct pen *p, const struct spend_month *s, const struct chart_opts *o,
    const struct grid *g)
{
	char text[128], money[80];
	int k;

	for (k = 0; k < SPEND_NTIERS; k++) {
		if (k == SPEND_OTHER && s->tier[k] == 0 && s->tier_requests[k] == 0)
			continue;
		tier_money(s, k, money, sizeof money);
		snprintf(text, sizeof text, "%s %s", tier_names[k], money);
		legend_item(p, tier_slots[k], p->g->bar[k], text);
	}
	if (o->budget > 0 && g->per > 1) {
		pricing_format(g->share, false, money, sizeof money);
		snprintf(text, sizeof text, "budget %s a bar", money);
		legend_item(p, THEME_METER_WARN, p->g->budget, text);
	} else if (o->budget > 0) {
		pricing_format(o->budget / s->days, false, money, sizeof money);
		snprintf(text, sizeof text, "budget %s a day", money);
		legend_item(p, THEME_METER_WARN, p->g->budget, text);
	}
	if (g->per > 1) {
		snprintf(text, sizeof text, "a bar is %d days", g->per);
		legend_item(p, -1, NULL, text);
	}
	if (p->col > 0)
		pen_eol(p);
}

/* The total, what it leaves out, and what the frontier tier would have cost. */
static void
draw_totals(struct pen *p, const struct spend_month *s)
{
	char a[40], b[40], line[320];
	int n;

	pricing_format(s->total, s->estimated, a, sizeof a);
	n = snprintf(line, sizeof line, "Total %s in %lld request%s.", a, (long long)s->requests,
	    s->requests == 1 ? "" : "s");
	if (s->unknown > 0 && n > 0 && (size_t)n < sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, " %lld of unknown cost %s not in it.",
		    (long long)s->unknown, s->unknown == 1 ? "is" : "are");
	pen_wrapped(p, line);
	if (s->frontier_name == NULL || s->compared_cost == 0)
		return;
	pricing_format(s->frontier, s->estimated, a, sizeof a);
	n = snprintf(line, sizeof line, "On the frontier tier (%s) the same requests would have cost %s",
	    s->frontier_name, a);
	if (s->frontier >= s->compared_cost && n > 0 && (size_t)n < sizeof line) {
		pricing_format(s->frontier - s->compared_cost, s->estimated, b, sizeof b);
		snprintf(line + n, sizeof line - (size_t)n, ": saved %s (%lld%%).", b,
		    (long long)((__int128)(s->frontier - s->compared_cost) * 100 / s->frontier));
	} else if (n > 0 && (size_t)n < sizeof line) {
		snprintf(line + n, sizeof line - (size_t)n, ".");
	}
	pen_wrapped(p, line);
}

/*
 * A model's name as printable ASCII, so it commands nothing, in at most w columns: a longer
 * one is cut and ends in the glyphs' ellipsis, so that it does not read as whole. Returns
 * the columns written.
 */
static int
safe_name(const struct glyphs *g, const char *name, size_t w, char *out, size_t n)
{
	size_t i, len = strlen(name), keep = len;

	if (len > w)
		keep = w > (size_t)g->cutw ? w - (size_t)g->cutw : 0;
	for (i = 0; i < keep && i + 1 < n; i++)
		out[i] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : '?';
	out[i] = '\0';
	if (keep == len)
		return (int)i;
	str_copy(out + i, n - i, g->cut);
	return (int)i + g->cutw;
}

/* "+N unknown" for a model some of whose requests are of unknown cost, else "". */
static void
unknown_mark(const struct spend_model *m, char *out, size_t n)
{
	out[0] = '\0';
	if (m->unknown > 0)
		snprintf(out, n, "+%lld unknown", (long long)m->unknown);
}

/* The dearest models: name, cost, share of the month, and a bar against the first. */
static void
draw_models(struct pen *p, const struct spend_month *s, const struct chart_opts *o)
{
	size_t i, top = o->top > 0 ? o->top : CHART_TOP, nw = 0, n;
	char name[CHART_NAME_COLS + 8], money[40], line[128], mark[40];
	int bw, j, fill, mw = 0, cols;  /* mw: the widest mark */
	bool apart;

	n = s->nmodels < top ? s->nmodels : top;
	if (n == 0 || s->models[0].cost <= 0)
		return;
	for (i = 0; i < n; i++)
		nw = strlen(s->models[i].name) > nw ? strlen(s->models[i].name) : nw;
	nw = nw > CHART_NAME_COLS ? CHART_NAME_COLS : nw;
	/*
	 * The columns after the name take 22. Under 40 columns, where a name would not
	 * fit whole, each name has a line of its own, its figures under it; wider, a
	 * long name is cut, as one still too long for a line of its own.
	 */
	apart = o->width < 40 && nw + 22 > (size_t)o->width;
	if (apart && o->width > 2 && nw > (size_t)o->width - 2)
		nw = (size_t)o->width - 2;
	else if (!apart && o->width > 30 && nw > (size_t)o->width - 23)
		nw = (size_t)o->width - 23;
	for (i = 0; i < n && s->models[i].cost > 0; i++) {
		unknown_mark(&s->models[i], mark, sizeof mark);
		mw = (int)strlen(mark) > mw ? (int)strlen(mark) : mw;
	}
	pen_put(p, THEME_HEADING, "Top models", 10);
	pen_eol(p);
	for (i = 0; i < n && s->models[i].cost > 0; i++) {
		long long pct = (long long)((__int128)s->models[i].cost * 100 /
		    (s->total > 0 ? s->total : 1));

		cols = safe_name(p->g, s->models[i].name, nw, name, sizeof name);
		pricing_format(s->models[i].cost, s->models[i].estimated, money, sizeof money);
		pen_space(p, 2);
		pen_put(p, -1, name, cols);
		if (apart) {
			pen_eol(p);
			snprintf(line, sizeof line, "    %s %lld%% ", money, pct);
		} else {
			pen_space(p, (int)nw - cols);
			snprintf(line, sizeof line, " %10s %4lld%% ", money, pct);
		}
		pen_text(p, line);
		/*
		 * Requests of unknown cost are not in the figure: said after the bar, as the
		 * table says it, so the columns stay in line; on a line of its own when the
		 * row has no room for it and a bar of a few cells.
		 */
		unknown_mark(&s->models[i], mark, sizeof mark);
		bw = o->width - p->col;
		if (mw > 0 && bw >= mw + 4)
			bw -= mw + 1;   /* every row's bar to one scale */
		bw = bw > CHART_MODEL_BAR ? CHART_MODEL_BAR : bw;
		fill = bw > 0 ? (int)((__int128)s->models[i].cost * bw / s->models[0].cost) : 0;
		for (j = 0; j < (fill > 0 ? fill : 1) && bw > 0; j++)
			pen_put(p, THEME_COST, p->g->bar[SPEND_FRONTIER], 1);
		if (mark[0] != '\0' && p->col + 1 + (int)strlen(mark) > o->width) {
			pen_eol(p);
			pen_space(p, 4);
		} else if (mark[0] != '\0') {
			pen_space(p, 1);
		}
		pen_text(p, mark);
		pen_eol(p);
	}
}

static void
draw_forecast(struct pen *p, const struct spend_month *s, const struct chart_opts *o)
{
	char text[200], line[240];

	if (o->forecast == NULL || o->forecast->method == FORECAST_NONE)
		return;
	chart_forecast_text(o->forecast, s->month, o->budget, text, sizeof text);
	snprintf(line, sizeof line, "Forecast: %s.", text);
	pen_wrapped(p, line);
	chart_pace_text(o->forecast, s->month, o->utf8, text, sizeof text);
	snprintf(line, sizeof line, "Pace: %s.", text);
	pen_wrapped(p, line);
}

/* Draw the month. */
char *
chart_render(const struct spend_month *s, const struct chart_opts *o)
{
	struct buf b;
	struct pen p = { .b = &b, .o = o, .slot = -1 };
	struct grid g;
	int level;

	p.g = o->utf8 ? (o->colors ? &glyphs_utf8_color : &glyphs_utf8) :
	    (o->colors ? &glyphs_ascii_color : &glyphs_ascii);
	buf_init(&b, 0);
	draw_title(&p, s, o);
	grid_init(s, o, &g);
	if (g.top > 0) {
		for (level = g.h; level >= 1; level--)
			draw_row(&p, s, &g, level);
		draw_axis(&p, s, &g);
		draw_legend(&p, s, o, &g);
	}
	draw_totals(&p, s);
	draw_models(&p, s, o);
	draw_forecast(&p, s, o);
	if (s->overflow)
		pen_wrapped(&p, "Some sums are too large to show exactly.");
	return buf_detach(&b);
}
