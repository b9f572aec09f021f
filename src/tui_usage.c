/* tui_usage: the /usage view, this month's spend chart over the transcript, scrollable. */
#include "tui_usage.h"

#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chat.h"
#include "ledger.h"
#include "pricing.h"
#include "spend.h"
#include "tui_priv.h"
#include "util.h"

/* The columns the view's frame and margins take from the screen's width. */
#define FRAME_COLS 4

/* A conversation's spend this month: known costs, and how many were unknown. */
struct conv_cost {
	int64_t id, cost, requests, unknown;
	bool estimated;
};

/* Add text to the view wrapped at width columns (ASCII), later lines indented by two. */
static void
add_wrapped(struct tui *t, const char *text, int width)
{
	size_t n = strlen(text), cut;
	bool first = true;

	while (n > 0) {
		size_t room = (size_t)(width > 12 ? width : 12) - (first ? 0 : 2);

		cut = n;
		if (n > room) {
			for (cut = room; cut > 0 && text[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = room;
		}
		tui_pick_add(&t->pick, xstrfmt("%s%.*s", first ? "" : "  ", (int)cut, text), 0);
		text += cut;
		n -= cut;
		while (n > 0 && *text == ' ') {
			text++;
			n--;
		}
		first = false;
	}
}

static int
conv_row(void *arg, const struct ledger_row *row)
{
	struct conv_cost *c = arg;

	if (row->conversation_id != c->id || strcmp(row->status, "reserved") == 0)
		return 0;
	c->requests++;
	c->estimated |= ledger_row_marks(row);
	if (row->cost < 0)
		c->unknown++;
	else if (row->cost <= INT64_MAX - c->cost)
		c->cost += row->cost;
	return 0;
}

/*
 * The figures the view shows, read from the ledger once when it opens: a resize lays them
 * out again without a query (on a team ledger each would cross the network).
 */
struct tui_usage {
	struct spend_month s;
	struct forecast f;
	bool forecast;          /* f holds the month's forecast */
	struct conv_cost c;     /* c.requests 0: nothing spent in the conversation this month */
};

/*
 * Read this conversation's part of the month into c: reading the month is what the chart
 * costs already, every month could be far more.
 */
static void
read_conversation(struct tui *t, struct conv_cost *c)
{
	*c = (struct conv_cost){ .id = chat_conversation(t->chat) };
	if (c->id != 0 && ledger_rows(t->ledger, t->meter.month_start, t->meter.month_end,
	    conv_row, c, NULL) < 0)
		c->requests = 0;
}

/* "This conversation: $0.42 in 3 requests", or that nothing was spent in it this month. */
static void
add_conversation(struct tui *t, const struct conv_cost *c)
{
	char money[40], *line;

	if (c->requests == 0) {
		add_wrapped(t, "This conversation: nothing spent this month.", t->w - FRAME_COLS);
		return;
	}
	pricing_format(c->cost, c->estimated, money, sizeof(money));
	line = xstrfmt("This conversation: %s in %lld request%s this month%s", money,
	    (long long)c->requests, c->requests == 1 ? "" : "s",
	    c->unknown > 0 ? ", some of unknown cost." : ".");
	add_wrapped(t, line, t->w - FRAME_COLS);
	free(line);
}

/* Add the chart's lines to the view, one item each. */
static void
add_chart(struct tui *t, const char *text)
{
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n')) != NULL) {
		tui_pick_add(&t->pick, xstrndup(p, (size_t)(nl - p)), 0);
		p = nl + 1;
	}
}

/* Lay the view out for the screen's width from the figures in t->usage. */
static void
layout(struct tui *t)
{
	const struct tui_usage *u = t->usage;
	struct chart_opts o = { .width = t->w - FRAME_COLS, .utf8 = t->unicode,
		.budget = t->cfg->budget, .forecast = u->forecast ? &u->f : NULL };
	char *text;

	tui_pick_close(t);
	str_copy(t->pick.title, sizeof(t->pick.title), "usage");
	add_conversation(t, &u->c);
	tui_pick_add(&t->pick, xstrdup(""), 0);
	text = chart_render(&u->s, &o);
	add_chart(t, text);
	free(text);
	t->pick.sel = -1;   /* scrolls, nothing to choose: as the help */
	tui_pick_filter(&t->pick);
	t->mode = MODE_HELP;
	t->dirty = true;
}

/* Open the usage view. */
void
tui_usage_cmd(struct tui *t, char *arg)
{
	struct tui_usage *u;
	char *cause = NULL;

	(void)arg;
	tui_meter_refresh(t);
	if (t->ledger == NULL || !t->meter_ok) {
		tui_status(t, true, "usage: no ledger");
		return;
	}
	u = xcalloc(1, sizeof(*u));
	if (spend_load(t->ledger, t->meter.month_start, t->meter.month_end, clock_now(),
	    spend_frontier_model(t->cat, t->cfg), &u->s, &cause) < 0) {
		tui_status(t, true, "usage: %s", cause ? cause : "cannot read the ledger");
		free(cause);
		tui_usage_free(u);
		return;
	}
	u->forecast = spend_forecast(&u->s, t->cfg->budget, &u->f) == 0;
	read_conversation(t, &u->c);
	tui_usage_free(t->usage);
	t->usage = u;
	layout(t);
}

/* Lay the open usage view out again for a new width, from the figures read when it opened. */
void
tui_usage_relayout(struct tui *t)
{
	if (t->usage != NULL)
		layout(t);
}

/* Free the usage view's figures; accepts NULL. */
void
tui_usage_free(struct tui_usage *u)
{
	if (u == NULL)
		return;
	spend_done(&u->s);
	free(u);
}
