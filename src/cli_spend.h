/* cli_spend: the spend chart of `llm usage` and the forecast lines of `llm usage` and `llm budget`. */
#ifndef LLM_CLI_SPEND_H
#define LLM_CLI_SPEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct app;
struct ledger;
struct meter;

/* Whether `llm usage` ARGS should draw: stdout is a terminal of 40 columns or more and no
 * --by or --json was given. */
bool cli_spend_draws(int argc, char **argv);
/* Draw the month [start, end) on stdout; an exit code. */
int cli_spend_chart(const struct app *cli, int64_t start, int64_t end);
/*
 * Print "Forecast: ..." and "Pace: ..." under the usage table when [start, end) is this
 * month; estimated: some of its spend is estimated, and the figures are marked so;
 * unknown: requests of it are of unknown cost, named beside the figures.
 */
void cli_spend_usage_lines(const struct app *cli, struct ledger *l, int64_t start, int64_t end,
    bool estimated, int64_t unknown);
/* Columns n bytes of UTF-8 text take on a terminal, one a character. */
int cli_spend_cols(const char *s, size_t n);
/*
 * Print a row of `llm budget`, "  label       text": on a terminal too narrow for it, the
 * text wraps between words under its own start.
 */
void cli_spend_row(const char *label, const char *text);
/* Print a sentence under the usage table: on a terminal wrapped, further lines indented by 2. */
void cli_spend_line(const char *text);
/* Print a sentence under a table, formatted, as cli_spend_line does. */
void cli_spend_linef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the forecast and pace rows of `llm budget` for meter m. */
void cli_spend_budget_lines(const struct app *cli, const struct meter *m);
/* Add "forecast" to the JSON of `llm budget`: null when there is none. */
void cli_spend_budget_json(const struct app *cli, const struct meter *m, struct cJSON *o);
/* Add "forecast" to the JSON of `llm usage` for [start, end): null unless it is this month. */
void cli_spend_usage_json(const struct app *cli, struct ledger *l, int64_t start, int64_t end,
    struct cJSON *o);

#endif
