/* cli_spend: the spend chart of `llm usage` and the forecast lines of `llm usage` and `llm budget`. */
#include "cli_spend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "chart.h"
#include "cli.h"
#include "fmt.h"
#include "ledger.h"
#include "report.h"
#include "spend.h"
#include "theme.h"
#include "util.h"

#define MIN_WIDTH 40    /* narrower, a month of bars does not fit: the table is shown */
#define ROW_INDENT 14   /* "  forecast    ": where a row's text starts */

/* Whether `llm usage` draws. */
bool
cli_spend_draws(int argc, char **argv)
{
	int i;

	if (!isatty(STDOUT_FILENO) || tty_columns() < MIN_WIDTH)
		return false;   /* a pipe gets the table, never the drawing */
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--by", 4) == 0 || strcmp(argv[i], "--json") == 0)
			return false;
	return true;
}

/* Colours the terminal has for the chart: 0 when colour is off. */
static int
term_colors(const struct app *cli)
{
	const char *term = getenv("TERM");

	if (!cli->color || !theme_color_allowed())
		return 0;
	return term != NULL && strstr(term, "256color") != NULL ? 256 : 8;
}

/* The monthly budget: config.ini's, or with a team ledger the team's (0 when unread). */
static int64_t
spend_limit(const struct app *cli, struct ledger *l)
{
	struct meter m;

	if (cli->cfg.budget != LEDGER_TEAM_LIMIT)
		return cli->cfg.budget;
	return ledger_meter(l, cli->cfg.budget, &m, NULL) == 0 ? m.limit : 0;
}

/* Read [start, end) with today placed by the clock. */
static int
load_month(const struct app *cli, struct ledger *l, int64_t start, int64_t end,
    struct spend_month *s, char **cause)
{
	return spend_load(l, start, end, clock_now(), spend_frontier_model(cli->cat, &cli->cfg), s, cause);
}

/* Draw the month on stdout. */
int
cli_spend_chart(const struct app *cli, int64_t start, int64_t end)
{
	struct chart_opts o = { .width = tty_columns(), .budget = cli->cfg.budget };
	struct spend_month s;
	struct forecast f;
	struct theme theme;
	struct ledger *l;
	char *cause = NULL, *text;

	theme_init(&theme);
	o.colors = term_colors(cli);
	if (o.colors > 0 && theme_load(&theme, cli->cfg.theme ? cli->cfg.theme : "default",
	    cli->cfg.dir, &cause) < 0) {
		free(cause);    /* a broken theme is `llm config check`'s to report */
		cause = NULL;
		theme_init(&theme);
	}
	o.theme = &theme;
	o.utf8 = fmt_glyphs()->utf8;
	if ((l = cli_ledger_open(cli, &cause)) == NULL ||
	    load_month(cli, l, start, end, &s, &cause) < 0) {
		/* as the table says it: a local ledger to put right is exit 2, not a network failure */
		int rc = cli_ledger_rc(l);

		fprintf(stderr, "llm: usage: %s\n", cause);
		free(cause);
		if (l != NULL)
			spend_done(&s);
		ledger_close(l);
		return rc;
	}
	o.budget = spend_limit(cli, l);
	ledger_close(l);
	if (spend_forecast(&s, o.budget, &f) == 0)
		o.forecast = &f;
	text = chart_render(&s, &o);
	fputs(text, stdout);
	free(text);
	spend_done(&s);
	return EXIT_OK;
}

/* The forecast for the month [start, end) if it is this one. 0, or -1 if there is none. */
static int
month_forecast(const struct app *cli, struct ledger *l, int64_t start, int64_t end,
    struct forecast *f, char *month)
{
	return spend_forecast_ledger(l, start, end, clock_now(), spend_limit(cli, l), f, month);
}

/* Print the forecast under the usage table. */
void
cli_spend_usage_lines(const struct app *cli, struct ledger *l, int64_t start, int64_t end,
    bool estimated, int64_t unknown)
{
	struct forecast f;
	char month[8], text[200], line[224];

	if (month_forecast(cli, l, start, end, &f, month) < 0)
		return;
	f.estimated = estimated;
	f.unknown = unknown;
	chart_forecast_text(&f, month, spend_limit(cli, l), text, sizeof text);
	snprintf(line, sizeof line, "Forecast: %s.", text);
	cli_spend_line(line);
	chart_pace_text(&f, month, fmt_glyphs()->utf8, text, sizeof text);
	snprintf(line, sizeof line, "Pace: %s.", text);
	cli_spend_line(line);
}

/* The forecast of the meter's month, opening the ledger for it. */
static int
meter_forecast(const struct app *cli, const struct meter *m, struct forecast *f, char *month)
{
	struct ledger *l = ledger_open(cli->cfg.data_dir, NULL);
	int rc = -1;

	if (l != NULL)
		rc = month_forecast(cli, l, m->month_start, m->month_end, f, month);
	ledger_close(l);
	return rc;
}

/* Columns of n bytes of UTF-8 text: one a character. */
int
cli_spend_cols(const char *s, size_t n)
{
	int c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/*
 * Print text and a newline from column first: on a terminal it wraps between
 * words, each further line indented by indent; a pipe gets it whole.
 */
static void
put_wrapped(const char *text, int first, int indent)
{
	int width = isatty(STDOUT_FILENO) ? tty_columns() : 0, col = first;
	const char *p = text;
	bool fresh = true;  /* no word on this line yet */

	if (width <= indent + 10 || first + cli_spend_cols(text, strlen(text)) <= width) {
		printf("%s\n", text);   /* a pipe, a fitting line, or no room to wrap in */
		return;
	}
	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		int w = cli_spend_cols(p, n);

		if (!fresh && col + 1 + w > width) {
			printf("\n%*s", indent, "");
			col = indent;
			fresh = true;
		}
		if (!fresh) {
			putchar(' ');
			col++;
		}
		fresh = false;
		printf("%.*s", (int)n, p);
		col += w;
		p += n;
		p += strspn(p, " ");
	}
	putchar('\n');
}

/* Print a row of `llm budget`, wrapped under its text on a narrow terminal. */
void
cli_spend_row(const char *label, const char *text)
{
	printf("  %-11s ", label);
	put_wrapped(text, ROW_INDENT, ROW_INDENT);
}

/* Print a sentence under the usage table, its further lines indented by two on a terminal. */
void
cli_spend_line(const char *text)
{
	put_wrapped(text, 0, 2);
}

/* Print a sentence under a table, formatted, as cli_spend_line does. */
void
cli_spend_linef(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	cli_spend_line(text);
	free(text);
}

/* Print the forecast rows of `llm budget`. */
void
cli_spend_budget_lines(const struct app *cli, const struct meter *m)
{
	struct forecast f;
	char month[8], text[200];

	if (meter_forecast(cli, m, &f, month) < 0)
		return;
	f.estimated = m->estimated;
	f.unknown = m->unknown_count;
	chart_forecast_text(&f, month, m->limit, text, sizeof text);
	cli_spend_row("forecast", text);
	chart_pace_text(&f, month, fmt_glyphs()->utf8, text, sizeof text);
	cli_spend_row("pace", text);
}

/* Add forecast f of month ("YYYY-MM") to o as "forecast". */
static void
forecast_json(const struct forecast *f, const char *month, cJSON *o)
{
	char day[24], how[64];
	cJSON *j = cJSON_AddObjectToObject(o, "forecast");

	cJSON_AddStringToObject(j, "method", f->method == FORECAST_SPLIT ? "split" : "mean");
	chart_method_text(f, how, sizeof how);
	cJSON_AddStringToObject(j, "method_text", how);
	cJSON_AddNumberToObject(j, "window_from", f->from);
	cJSON_AddNumberToObject(j, "window_to", f->to);
	/* every request so far of unknown cost: the figures are unknown, as the text's "?" */
	if (forecast_unknown(f)) {
		cJSON_AddNullToObject(j, "pace_per_day_usd");
		cJSON_AddNullToObject(j, "pace_per_day_pico");
		cJSON_AddNullToObject(j, "month_end_usd");
		cJSON_AddNullToObject(j, "month_end_pico");
	} else {
		report_json_money(j, "pace_per_day", forecast_per_day(&f->rate[0]));
		if (f->method == FORECAST_SPLIT)
			report_json_money(j, "pace_per_weekend_day", forecast_per_day(&f->rate[1]));
		report_json_money(j, "month_end", f->month_end);
	}
	if (f->out_day > 0) {
		snprintf(day, sizeof day, "%.7s-%02d", month, f->out_day);
		cJSON_AddStringToObject(j, "out_on", day);
	} else {
		cJSON_AddNullToObject(j, "out_on");
	}
	cJSON_AddBoolToObject(j, "over", f->over);
}

/* Add the forecast to `llm budget --json`. */
void
cli_spend_budget_json(const struct app *cli, const struct meter *m, cJSON *o)
{
	struct forecast f;
	char month[8];

	if (meter_forecast(cli, m, &f, month) < 0) {
		cJSON_AddNullToObject(o, "forecast");
	} else {
		f.unknown = m->unknown_count;
		forecast_json(&f, month, o);
	}
}

/* Add the forecast to `llm usage --json`: what the table's "Forecast:" and "Pace:" say. */
void
cli_spend_usage_json(const struct app *cli, struct ledger *l, int64_t start, int64_t end,
    cJSON *o)
{
	struct forecast f;
	char month[8];

	if (month_forecast(cli, l, start, end, &f, month) < 0)
		cJSON_AddNullToObject(o, "forecast");
	else
		forecast_json(&f, month, o);
}
