/* tui_draw_bar: the rows under the transcript: where a message would go, and the budget meter. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "config.h"
#include "pricing.h"
#include "tui_draw_priv.h"
#include "tui_priv.h"
#include "util.h"

#define BAR_W 15
#define BAR_MIN 5    /* the narrowest bar the meter keeps to show the forecast beside it */

/* A budget meter's colour slot by its level. */
static const int meter_slot[] = {
	[FMT_LEVEL_OK] = THEME_METER_OK, [FMT_LEVEL_WARN] = THEME_METER_WARN,
	[FMT_LEVEL_HIGH] = THEME_METER_HIGH, [FMT_LEVEL_OVER] = THEME_METER_OVER,
};

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Tier override or pin, for the meter line's right end. */
static void
mode_text(const struct tui *t, char *out, size_t n)
{
	char key[32];

	if (t->pin != NULL) {
		tui_key_name(tui_action_key(t, ACT_MODEL), key, sizeof(key));
		snprintf(out, n, "model: %s  %s", t->pin, key);
	} else {
		tui_key_name(tui_action_key(t, ACT_TIER), key, sizeof(key));
		snprintf(out, n, "tier: %s  %s", t->tier == TIER_AUTO ? "auto" : tier_str(t->tier), key);
	}
}

/* Add a piece to the n of p, which has room for max. */
static void
piece_add(struct tui_piece *p, size_t *n, size_t max, const char *s, int slot, unsigned extra)
{
	assert(*n < max);
	p[(*n)++] = (struct tui_piece){ s, slot, extra };
}

/* The route line's start: agent mode's flag, then "route ". */
static size_t
route_head(const struct tui *t, struct tui_piece *p, size_t max)
{
	size_t n = 0;

	if (t->agent)
		piece_add(p, &n, max, tui_agent_busy(t) ? "agent: working  " : "agent: tools on  ",
		    THEME_METER_WARN, THEME_BOLD);
	piece_add(p, &n, max, "route ", THEME_DIM, 0);
	return n;
}

/* No route yet: the override or pin, and how to see one. */
static size_t
route_idle(const struct tui *t, struct tui_piece *p, size_t n, size_t max)
{
	piece_add(p, &n, max, t->pin ? "pinned" : t->tier == TIER_AUTO ? "auto" : "tier",
	    THEME_ROUTE, 0);
	if (t->pin != NULL || t->tier != TIER_AUTO) {
		piece_add(p, &n, max, t->unicode ? " \xe2\x86\x92 " : " -> ", THEME_DIM, 0);
		piece_add(p, &n, max, t->pin ? t->pin : tier_str(t->tier), THEME_ROUTE, THEME_BOLD);
	}
	piece_add(p, &n, max, "  type a message to see where it goes", THEME_DIM, 0);
	return n;
}

/*
 * The route's pieces before its estimate: mode, tier, model, what moved it,
 * the budget check to come, attachments (atts holds their text) and reason
 * (why holds it).
 */
static size_t
route_pieces(const struct tui *t, struct tui_piece *p, size_t n, size_t max, char *atts,
    size_t an, char *why, size_t wn)
{
	const struct chat_route *r = &t->route;
	char tok[16];
	int64_t att = 0;
	size_t i;
	bool budget_said;

	piece_add(p, &n, max, route_mode_str(r->mode), THEME_ROUTE, 0);
	piece_add(p, &n, max, t->unicode ? " \xe2\x86\x92 " : " -> ", THEME_DIM, 0);
	piece_add(p, &n, max, tier_str(r->tier), THEME_ROUTE, THEME_BOLD);
	piece_add(p, &n, max, "  ", THEME_DIM, 0);
	piece_add(p, &n, max, r->model ? r->model->name : "no usable model", r->model ?
	    THEME_ROUTE : THEME_ERROR, 0);
	/* the budget's own reason ("downgraded by the budget from frontier") says it once */
	budget_said = r->budget_adjusted && strstr(r->reason, "by the budget from") != NULL;
	if (budget_said) {
		snprintf(why, wn, "  %s", r->reason);
		piece_add(p, &n, max, why, THEME_METER_WARN, 0);
	} else if (r->budget_adjusted) {
		piece_add(p, &n, max, "  budget moved it", THEME_METER_WARN, 0);
	}
	if (r->context_adjusted)
		piece_add(p, &n, max, "  context window moved it", THEME_METER_WARN, 0);
	if (r->vision_adjusted)
		piece_add(p, &n, max, "  the image moved it", THEME_METER_WARN, 0);
	/*
	 * The budget check runs when the message is sent; say now what it will do.
	 * Refused: no tier below fits either, whatever budget_action says.
	 */
	if (r->refused || (t->meter_ok && t->meter.limit > 0 && r->worst_case > 0 &&
	    t->meter.spent + t->meter.reserved + r->worst_case > t->meter.limit)) {
		const char *what = r->refused || t->cfg->budget_action == BUDGET_BLOCK ||
		    r->mode == ROUTE_PINNED ?
		    "  over budget: would be refused" : t->cfg->budget_action == BUDGET_DOWNGRADE ?
		    "  over budget: would move down a tier" : "  over budget";

		piece_add(p, &n, max, what, THEME_METER_OVER, 0);
	}
	for (i = 0; i < t->natt; i++)
		if (t->att[i].text != NULL)
			att += pricing_estimate_tokens(t->att[i].text, strlen(t->att[i].text));
	att += r->image_tokens;   /* the images', by the routed model's rule */
	if (t->natt > 0) {
		fmt_tokens(att, tok, sizeof(tok));
		snprintf(atts, an, "  +%zu %s %s tok", t->natt, t->natt == 1 ? "attachment" :
		    "attachments", tok);
		piece_add(p, &n, max, atts, THEME_STATUS, 0);
	}
	if (r->reason[0] && !budget_said) {
		snprintf(why, wn, "  (%s)", r->reason);
		piece_add(p, &n, max, why, THEME_DIM, 0);
	}
	return n;
}

/* Columns of the first n pieces, and of a blank and an ellipsis if more follow them. */
static int
pieces_width(const struct tui *t, const struct tui_piece *p, size_t n, size_t all)
{
	int w = 0;
	size_t i;

	for (i = 0; i < n && i < all; i++)
		w += md_width(p[i].s, strlen(p[i].s));
	return w + (n < all ? (t->unicode ? 3 : 5) : 0);
}

/*
 * On a narrow screen the model a message goes to comes before the words around
 * it: "route ", then the mode and its arrow give way (p[at] is "route ", and the
 * model its fifth piece after) rather than the model's name be cut.
 */
static void
route_squeeze(const struct tui *t, struct tui_piece *p, size_t *n, size_t at, int room)
{
	if (*n < at + 6 || pieces_width(t, p, at + 6, *n) <= room)
		return;
	memmove(p + at, p + at + 1, (*n - at - 1) * sizeof(*p));
	(*n)--;
	if (pieces_width(t, p, at + 5, *n) <= room)
		return;
	memmove(p + at, p + at + 2, (*n - at - 2) * sizeof(*p));
	*n -= 2;
}

/* Where the message being typed would go, and why; cut to fit, ending in an ellipsis. */
void
tui_draw_route(struct tui *t, int y)
{
	const struct chat_route *r = &t->route;
	int x = 2, maxx = t->w - 2, mw;
	char money[32], buf[256], why[256];
	struct tui_piece p[16];
	size_t n, head;

	/* The input holds a command to run or an amount to allow: no message, nothing to price. */
	if (t->mode == MODE_APPROVE_EDIT) {
		n = route_head(t, p, ARRAY_SIZE(p));
		piece_add(p, &n, ARRAY_SIZE(p), "none", THEME_ROUTE, 0);
		piece_add(p, &n, ARRAY_SIZE(p), t->ag.edit_amount ? "  (the input is the amount to "
		    "allow, not a message)" : "  (the input is the command to run, not a message)",
		    THEME_DIM, 0);
		tui_pieces(t, y, &x, maxx, p, n);
		return;
	}
	/* A slash command being typed: how it is used, not where a message would go. */
	if (!t->route_ok && t->last_input != NULL && t->last_input[0] == '/' &&
	    tui_command_hint(t->last_input, buf, sizeof(buf))) {
		tui_seg_cut(t, y, &x, maxx, buf, THEME_STATUS, 0);
		return;
	}
	n = route_head(t, p, ARRAY_SIZE(p));
	if (t->route_err != NULL) {
		piece_add(p, &n, ARRAY_SIZE(p), t->route_err, THEME_ERROR, 0);
		tui_pieces(t, y, &x, maxx, p, n);
		return;
	}
	if (!t->route_ok) {
		n = route_idle(t, p, n, ARRAY_SIZE(p));
		tui_pieces(t, y, &x, maxx, p, n);
		return;
	}
	/* The estimate keeps its place at the right end; the rest is cut to fit before it. */
	pricing_format(r->estimate, true, money, sizeof(money));
	if (r->estimate < 0)
		str_copy(money, sizeof(money), "cost unknown");
	mw = md_width(money, strlen(money));
	head = n - 1;
	n = route_pieces(t, p, n, ARRAY_SIZE(p), buf, sizeof(buf), why, sizeof(why));
	route_squeeze(t, p, &n, head, maxx - mw - 2 - x);
	tui_pieces(t, y, &x, maxx - mw - 2, p, n);
	tui_seg(t, y, &x, maxx, "  ", THEME_DIM, 0);
	tui_seg(t, y, &x, maxx, money, THEME_COST, 0);
}

/*
 * Add "  at this pace: out on Dec 21" to the meter's text when it fits in room columns;
 * the bar gives up what it needs of its width for it. Return the bar's width.
 */
static int
meter_forecast(const struct tui *t, char *buf, size_t n, int room, int bar)
{
	char day[16], more[48];
	size_t l = strlen(buf);
	int need;

	if (t->meter_out_day <= 0 || bar == 0)
		return bar;
	chart_day_name(t->meter.month, t->meter_out_day, day, sizeof(day));
	snprintf(more, sizeof(more), "  at this pace: out on %s", day);
	need = md_width(buf, l) + (int)strlen(more);
	if (need > room - BAR_MIN)
		return bar;
	snprintf(buf + l, n - l, "%s", more);
	return room - need < bar ? room - need : bar;
}

/*
 * Add " · $0.0115 reserved" when requests are under way and it fits in room
 * columns (the bar gives up what it needs); return the bar's width. The
 * spend beside the bar is settled spend alone: a reply's worst case, held
 * while it streams, would make it jump up and back at the end.
 */
static int
meter_reserved(const struct tui *t, char *buf, size_t n, int room, int bar)
{
	const char *dot = t->unicode ? "\xc2\xb7" : "-";
	char a[32], more[48];
	size_t l = strlen(buf);
	int need;

	if (t->meter.reserved <= 0)
		return bar;
	pricing_format(t->meter.reserved, false, a, sizeof(a));
	snprintf(more, sizeof(more), " %s %s reserved", dot, a);
	need = md_width(buf, l) + md_width(more, strlen(more));
	if (need > room - (bar > 0 ? BAR_MIN : 0))
		return bar;
	snprintf(buf + l, n - l, "%s", more);
	return room - need < bar ? room - need : bar;
}

/* A team ledger's meter is the team's: add the user's share, " · you $1.20 of $50.00". */
static void
meter_user(const struct meter *m, bool unicode, char *buf, size_t n)
{
	const char *dot = unicode ? "\xc2\xb7" : "-";
	char a[32], b[32];
	size_t l = strlen(buf);

	pricing_format(m->user_spent, false, a, sizeof(a));
	if (m->user_limit > 0) {
		pricing_format_exact(m->user_limit, b, sizeof(b));
		snprintf(buf + l, n - l, " %s you %s of %s", dot, a, b);
	} else {
		snprintf(buf + l, n - l, " %s you %s", dot, a);
	}
	/* an unknown cost is never $0: named beside the share, as beside the team's figure */
	l = strlen(buf);
	if (m->user_unknown > 0)
		snprintf(buf + l, n - l, " +%lld unknown", (long long)m->user_unknown);
}

/* The budget meter: the month's spend, its bar and forecast, and the tier or pin at the right. */
void
tui_draw_meter(struct tui *t, int y)
{
	const struct meter *m = &t->meter;
	int x = 2, maxx = t->w - 2, slot = THEME_METER_OK, mon, i, fill, rw, bar = BAR_W, lw;
	char buf[160], spent[32], limit[32], right[96], month[8];
	int64_t used = m->spent, pct = 0;

	mode_text(t, right, sizeof(right));
	rw = md_width(right, strlen(right));
	if (!t->meter_ok) {
		tui_seg(t, y, &x, maxx - rw - 1, t->meter_down[0] ? t->meter_down : "budget: no ledger",
		    t->meter_down[0] ? THEME_STATUS : THEME_DIM, 0);
		x = maxx - rw;
		if (x > 2)
			tui_seg(t, y, &x, maxx, right, THEME_STATUS, 0);
		return;
	}
	mon = (m->month[5] - '0') * 10 + (m->month[6] - '0');
	str_copy(month, sizeof(month), mon >= 1 && mon <= 12 ? month_names[mon - 1] : m->month);
	pricing_format(used, m->estimated, spent, sizeof(spent));
	if (m->limit > 0) {
		pct = used * 100 / m->limit;   /* both far under 2^63 / 100: budgets are dollars */
		slot = meter_slot[meter_level(pct)];
		pricing_format_exact(m->limit, limit, sizeof(limit));
		snprintf(buf, sizeof(buf), " %s of %s (%lld%%)", spent, limit, (long long)pct);
	} else {
		bar = 0;
		snprintf(buf, sizeof(buf), " %s spent, no budget", spent);
	}
	if (m->unknown_count > 0) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, " +%lld unknown", (long long)m->unknown_count);
	}
	if (m->team)
		meter_user(m, t->unicode, buf, sizeof(buf));
	bar = meter_reserved(t, buf, sizeof(buf), maxx - 2 - 1 - rw - 2 -
	    md_width(month, strlen(month)), bar);
	bar = meter_forecast(t, buf, sizeof(buf), maxx - 2 - 1 - rw - 2 -
	    md_width(month, strlen(month)), bar);
	/*
	 * Narrow screens: the tier hint goes first, then the bar shrinks. The bar
	 * has a blank before it, the hint two: text never runs into the hint.
	 */
	lw = md_width(month, strlen(month)) + md_width(buf, strlen(buf));
	if (2 + lw + (bar > 0 ? 1 + bar : 0) + 2 + rw > maxx)
		rw = 0;
	if (2 + lw + bar > maxx)
		bar = maxx - 2 - lw - 1 > 0 ? maxx - 2 - lw - 1 : 0;
	tui_seg(t, y, &x, maxx, month, THEME_STATUS, 0);
	if (bar > 0) {
		tui_seg(t, y, &x, maxx, " ", THEME_STATUS, 0);
		fill = (int)(pct >= 100 ? bar : (used * bar + m->limit / 2) / m->limit);
		for (i = 0; i < bar; i++)
			tui_seg(t, y, &x, maxx, i < fill ? (t->unicode ? "\xe2\x96\x88" : "#") :
			    (t->unicode ? "\xe2\x96\x91" : "."), i < fill ? slot : THEME_DIM, 0);
	}
	tui_seg_cut(t, y, &x, maxx, buf, slot, 0);
	if (rw > 0) {
		x = maxx - rw;
		tui_seg(t, y, &x, maxx, right, THEME_STATUS, 0);
	}
}
