/* cli_budget: `llm budget` shows this month's meter; `llm budget set USD` edits config.ini. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "cli.h"
#include "cli_spend.h"
#include "fmt.h"
#include "ledger.h"
#include "ledger_pg.h"
#include "pricing.h"
#include "report.h"
#include "util.h"

#define PICO_PER_MICRO 1000000LL
#define PICO_PER_USD 1000000000000LL
#define CONFIG_MAX (1024 * 1024)
#define BAR_WIDTH 20
/* Fewer cells than this say nothing: the figures beside the bar say it all. */
#define BAR_MIN 5

/* a * b / c without overflow in the product; c > 0, a, b >= 0. */
static int64_t
muldiv(int64_t a, int64_t b, int64_t c)
{
	__int128 q = (__int128)a * b / c;

	return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}

/* Calendar days left in the month, today included. */
static int
budget_days_left(const struct meter *m, int64_t now)
{
	time_t t = (time_t)now, last = (time_t)(m->month_end - 1);
	struct tm a, b;

	if (localtime_r(&t, &a) == NULL || localtime_r(&last, &b) == NULL)
		return 0;
	return b.tm_mday - a.tm_mday + 1;
}

/* Tenths of a percent of the limit spent (24.8% is 248); -1 without a limit. */
static int64_t
budget_permille(const struct meter *m)
{
	return m->limit > 0 ? muldiv(m->spent, 1000, m->limit) : -1;
}

/*
 * Spent, of which unknown requests are of unknown cost, as `llm usage` shows
 * a cost: "?" when all of it is unknown (nothing else spent), never $0;
 * else the figure with "+N unknown" after.
 */
static void
spent_words(int64_t spent, bool estimated, int64_t unknown, char *out, size_t n)
{
	char money[40];

	if (unknown > 0 && spent == 0) {
		str_copy(out, n, "?");
		return;
	}
	pricing_format(spent, estimated, money, sizeof money);
	if (unknown > 0)
		snprintf(out, n, "%s +%lld unknown", money, (long long)unknown);
	else
		str_copy(out, n, money);
}

/* A team ledger's labels and the user's share, in the JSON object o. */
static void
budget_team_json(const struct app *cli, const struct meter *m, cJSON *o)
{
	cJSON *u;

	if (!m->team)
		return;
	cJSON_AddStringToObject(o, "team", cli->cfg.ledger_team ? cli->cfg.ledger_team : "");
	u = cJSON_AddObjectToObject(o, "user");
	cJSON_AddStringToObject(u, "name", cli->cfg.ledger_user ? cli->cfg.ledger_user : "");
	/* null when all of it is of unknown cost, as the team's spent */
	if (m->user_unknown > 0 && m->user_spent == 0) {
		cJSON_AddNullToObject(u, "spent_usd");
		cJSON_AddNullToObject(u, "spent_pico");
	} else {
		report_json_money(u, "spent", m->user_spent);
	}
	cJSON_AddNumberToObject(u, "unknown_count", (double)m->user_unknown);
	report_json_money(u, "reserved", m->user_reserved);
	report_json_money(u, "limit", m->user_limit);
	u = cJSON_AddObjectToObject(o, "kept_here");
	cJSON_AddNumberToObject(u, "requests", (double)m->kept_rows);
	report_json_money(u, "cost", m->kept);
	if (m->kept_why[0] != '\0') {
		cJSON_AddStringToObject(u, "refused", m->kept_why);
		cJSON_AddStringToObject(u, "next", "llm ledger send");
	} else {
		cJSON_AddNullToObject(u, "refused");
		cJSON_AddNullToObject(u, "next");
	}
}

/* Print a row of the meter, formatted, wrapped on a narrow terminal (cli_spend_row). */
static void __attribute__((format(printf, 2, 3)))
rowf(const char *label, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	cli_spend_row(label, text);
	free(text);
}

/* The user's share of a team's month, and the user's own budget if one is set. */
static void
budget_team_text(const struct app *cli, const struct meter *m)
{
	char a[96], b[40], c[80], own[40];

	if (!m->team)
		return;
	spent_words(m->user_spent, false, m->user_unknown, a, sizeof a);
	pricing_format(m->user_reserved, false, b, sizeof b);
	c[0] = '\0';
	if (m->user_limit > 0) {
		pricing_format_exact(m->user_limit, own, sizeof own);
		snprintf(c, sizeof c, " of %s (own budget)", own);
	}
	rowf("team", "team \"%s\"; %s: %s%s spent, %s in flight",
	    cli->cfg.ledger_team ? cli->cfg.ledger_team : "", cli->cfg.ledger_user ?
	    cli->cfg.ledger_user : "", a, c, b);
	/* one who had a budget of their own before joining the team would think it still holds */
	if (cli->cfg_budget > 0) {
		pricing_format_exact(cli->cfg_budget, a, sizeof a);
		rowf("config.ini", "its budget (%s) is not used: the team's ledger holds the budgets",
		    a);
	}
	if (m->kept_rows > 0) {
		pricing_format(m->kept, false, a, sizeof a);
		rowf("kept here", "%lld request%s (%s) on this machine, not in the team's ledger%s%s",
		    (long long)m->kept_rows, m->kept_rows == 1 ? "" : "s", a,
		    m->kept_why[0] ? ", which refused them: " : "", m->kept_why);
		/* Sent again as they are at every connection; as the team and user now set, on demand. */
		if (m->kept_why[0] != '\0')
			rowf("", "llm ledger send sends them as team \"%s\", user \"%s\"",
			    cli->cfg.ledger_team ? cli->cfg.ledger_team : "",
			    cli->cfg.ledger_user ? cli->cfg.ledger_user : "");
	}
}

/* Whether every request of the month is of unknown cost: what was spent is "?", never $0. */
static bool
budget_all_unknown(const struct meter *m)
{
	return m->unknown_count > 0 && meter_spent(m) == 0;
}

/* What was spent, as `llm usage` shows a cost: "?" when all unknown, else "+N unknown" after. */
static void
budget_spent(const struct meter *m, char *out, size_t n)
{
	spent_words(meter_spent(m), m->estimated, m->unknown_count, out, n);
}

static void
budget_json(const struct app *cli, const struct meter *m, int64_t now)
{
	int64_t pm = budget_permille(m);
	cJSON *o = cJSON_CreateObject();
	char v[32];

	cJSON_AddStringToObject(o, "month", m->month);
	/* null, as `llm usage --json` gives a cost of which every request is unknown */
	if (budget_all_unknown(m)) {
		cJSON_AddNullToObject(o, "spent_usd");
		cJSON_AddNullToObject(o, "spent_pico");
	} else {
		report_json_money(o, "spent", meter_spent(m));
	}
	report_json_money(o, "expired", m->expired);
	report_json_money(o, "unknown_worst", m->unknown_worst);
	report_json_money(o, "counted", m->spent);
	report_json_money(o, "reserved", m->reserved);
	report_json_money(o, "limit", m->limit);
	if (m->limit > 0) {
		report_json_money(o, "left", m->limit - m->spent - m->reserved);
		snprintf(v, sizeof v, "%lld.%lld", (long long)(pm / 10), (long long)(pm % 10));
		cJSON_AddItemToObject(o, "percent", cJSON_CreateRaw(v));
	} else {
		cJSON_AddNullToObject(o, "left_usd");
		cJSON_AddNullToObject(o, "left_pico");
		cJSON_AddNullToObject(o, "percent");
	}
	cJSON_AddNumberToObject(o, "days_left", budget_days_left(m, now));
	cJSON_AddNumberToObject(o, "requests", (double)m->requests);
	cJSON_AddNumberToObject(o, "unknown_count", (double)m->unknown_count);
	cJSON_AddBoolToObject(o, "estimated", m->estimated);
	cJSON_AddStringToObject(o, "action", budget_action_str(cli->cfg.budget_action));
	cli_spend_budget_json(cli, m, o);
	budget_team_json(cli, m, o);
	report_json_print(o);
	cJSON_Delete(o);
}

/* A bar of cells cells, filled in proportion to spent (reserved shown lighter). */
static void
budget_bar(const struct meter *m, int cells, char *out, size_t n)
{
	const struct fmt_glyphs *g = fmt_glyphs();
	struct buf b;
	int64_t full = muldiv(m->spent < m->limit ? m->spent : m->limit, cells, m->limit);
	int64_t both = m->spent + m->reserved, half;
	int i;

	half = muldiv(both < m->limit ? both : m->limit, cells, m->limit);
	buf_init(&b, 0);
	for (i = 0; i < cells; i++)
		buf_adds(&b, g->bar[i < full ? 0 : i < half ? 1 : 2]);
	str_copy(out, n, buf_str(&b));
	buf_done(&b);
}

/*
 * Cells for the meter's bar beside name and figures: BAR_WIDTH, fewer on a
 * terminal too narrow for the whole line, none under BAR_MIN (a pipe always
 * gets BAR_WIDTH).
 */
static int
bar_cells(const char *name, const char *figures)
{
	int cells;

	if (!isatty(STDOUT_FILENO))
		return BAR_WIDTH;
	cells = tty_columns() - cli_spend_cols(name, strlen(name)) -
	    cli_spend_cols(figures, strlen(figures)) - 4;
	return cells >= BAR_WIDTH ? BAR_WIDTH : cells >= BAR_MIN ? cells : 0;
}

/* The worst cases counted against the budget that are not spend, each on a line of its own. */
static void
budget_held(const struct meter *m)
{
	char a[40];

	if (m->expired > 0) {
		pricing_format(m->expired, true, a, sizeof a);
		rowf("expired", "%s held: reservations whose process could not be checked, charged"
		    " at their worst case after an hour", a);
	}
	if (m->unknown_worst > 0) {
		pricing_format(m->unknown_worst, true, a, sizeof a);
		rowf("unknown", "%s counted: %lld request%s of unknown cost, at the worst case", a,
		    (long long)m->unknown_count, m->unknown_count == 1 ? "" : "s");
	}
}

static void
budget_text(const struct app *cli, const struct meter *m, int64_t now)
{
	char spent[96], res[40], lim[40], left[40], bar[BAR_WIDTH * 3 + 1], name[64], figs[128];
	bool color = cli->color && isatty(STDOUT_FILENO);
	const char *on = "";
	int64_t pct;
	int cells;

	report_time(now, "%B %Y", m->month, name, sizeof name);
	budget_spent(m, spent, sizeof spent);
	pricing_format(m->reserved, false, res, sizeof res);
	if (m->limit > 0) {
		pricing_format_exact(m->limit, lim, sizeof lim);
		pct = budget_permille(m) / 10;
		/* The meter's colours: 50% and 80% change it, as in the TUI and the summary line. */
		if (color)
			on = meter_ansi(meter_level(pct));
		pricing_format(m->spent, m->estimated, res, sizeof res);
		snprintf(figs, sizeof figs, "%s of %s (%lld%%)", res, lim, (long long)pct);
		cells = bar_cells(name, figs);
		if (cells > 0) {
			budget_bar(m, cells, bar, sizeof bar);
			printf("%s  %s%s%s  %s\n", name, on, bar, color ? "\033[0m" : "", figs);
		} else {
			printf("%s  %s\n", name, figs);
		}
		pricing_format(m->reserved, false, res, sizeof res);
	} else {
		printf("%s  %s spent, no budget\n", name, spent);
	}
	rowf("spent", "%s (%lld request%s)", spent, (long long)m->requests,
	    m->requests == 1 ? "" : "s");
	budget_held(m);
	if (m->reserved > 0)
		printf("  %-11s %s in flight\n", "reserved", res);
	if (m->limit > 0) {
		if (m->spent + m->reserved <= m->limit) {
			pricing_format(m->limit - m->spent - m->reserved, m->estimated, left, sizeof left);
			printf("  %-11s %s\n", "left", left);
		} else {
			pricing_format(m->spent + m->reserved - m->limit, m->estimated, left, sizeof left);
			printf("  %-11s %s over\n", "left", left);
		}
		printf("  %-11s %s\n", "at limit", budget_action_str(cli->cfg.budget_action));
	}
	printf("  %-11s %d\n", "days left", budget_days_left(m, now));
	cli_spend_budget_lines(cli, m);
	budget_team_text(cli, m);
	if (m->unknown_count > 0 && m->unknown_worst == 0)
		rowf("unknown", "%lld request%s of unknown cost, not counted above",
		    (long long)m->unknown_count, m->unknown_count == 1 ? "" : "s");
	if (m->limit <= 0)
		printf("set one with: llm budget set USD\n");
}

/* The key of an INI line ("budget" in "  budget = 5 ; c"), or false if it is not a key line. */
static bool
ini_key(const char *line, size_t n, char *key, size_t keyn)
{
	size_t i = 0, j;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == n || line[i] == ';' || line[i] == '#' || line[i] == '[')
		return false;
	for (j = i; j < n && line[j] != '=' && line[j] != ':'; j++)
		;
	if (j == n)
		return false;
	while (j > i && (line[j - 1] == ' ' || line[j - 1] == '\t'))
		j--;
	if (j - i + 1 > keyn)
		return false;
	memcpy(key, line + i, j - i);
	key[j - i] = '\0';
	return true;
}

/* The section a "[name]" line opens, or false if it is not a section line. */
static bool
ini_section(const char *line, size_t n, char *name, size_t namen)
{
	size_t i = 0, j;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == n || line[i] != '[')
		return false;
	for (j = ++i; j < n && line[j] != ']'; j++)
		;
	if (j == n || j - i + 1 > namen)
		return false;
	memcpy(name, line + i, j - i);
	name[j - i] = '\0';
	str_trim(name);
	return true;
}

/* Write "budget = value" keeping the line's indentation and inline comment. */
static void
ini_replace(struct buf *out, const char *line, size_t n, const char *value)
{
	size_t i = 0, c;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	buf_add(out, line, i);
	buf_addf(out, "budget = %s", value);
	/* An inline comment starts at ';' after white space (inih's rule). */
	for (c = i + 1; c < n; c++)
		if (line[c] == ';' && (line[c - 1] == ' ' || line[c - 1] == '\t'))
			break;
	if (c < n) {
		buf_adds(out, " ");
		buf_add(out, line + c, n - c);
	}
}

/*
 * The config text with budget = value in [llm]: every budget line there is
 * rewritten; without one, it goes right under the first [llm]; without that
 * section, a new one is added at the end. All other lines are kept byte for byte.
 */
static char *
budget_edit(const char *text, size_t len, const char *value)
{
	char section[128] = "", key[128];
	const char *p = text, *end = text + len, *nl;
	size_t n, after_llm = SIZE_MAX;
	bool done = false;
	struct buf out;

	buf_init(&out, 0);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* Keep a CRLF file CRLF: the \r stays outside what we rewrite. */
		size_t body = n > 0 && p[n - 1] == '\r' ? n - 1 : n;

		if (ini_section(p, body, section, sizeof section)) {
			buf_add(&out, p, n);
			if (strcmp(section, "llm") == 0 && after_llm == SIZE_MAX)
				after_llm = out.len + (nl ? 1 : 0);
		} else if (strcmp(section, "llm") == 0 && ini_key(p, body, key, sizeof key) &&
		    strcmp(key, "budget") == 0) {
			ini_replace(&out, p, body, value);
			buf_add(&out, p + body, n - body);
			done = true;
		} else {
			buf_add(&out, p, n);
		}
		if (nl)
			buf_addc(&out, '\n');
		p = nl ? nl + 1 : end;
	}
	if (!done && after_llm != SIZE_MAX) {
		char *rest = xstrdup(out.data ? out.data + after_llm : "");

		out.len = after_llm;
		if (after_llm > 0 && out.data[after_llm - 1] != '\n')
			buf_addc(&out, '\n');
		buf_addf(&out, "budget = %s\n", value);
		buf_adds(&out, rest);
		free(rest);
	} else if (!done) {
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			buf_addc(&out, '\n');
		if (out.len > 0)
			buf_addc(&out, '\n');
		buf_addf(&out, "[llm]\nbudget = %s\n", value);
	}
	return buf_detach(&out);
}

/* Set budget = value in the config file, creating the file or the section as needed. */
static int
budget_save(const struct config *cfg, const char *value, char **cause)
{
	char *text = NULL, *edited, *real = NULL;
	const char *path = cfg->path;
	mode_t mode = 0644;
	struct stat sb;
	size_t len = 0;
	int rc;

	if (stat(path, &sb) == 0) {
		/* Edit the file a symlink points to (dotfiles), not the link. */
		real = realpath(path, NULL);
		if (real != NULL)
			path = real;
		mode = sb.st_mode & 07777;
		if (file_read(path, CONFIG_MAX, &text, &len, cause) < 0) {
			free(real);
			return -1;
		}
	} else if (errno != ENOENT) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	} else if (cfg->dir != NULL && mkdir_p(cfg->dir) < 0) {
		xasprintf(cause, "%s: %s", cfg->dir, strerror(errno));
		return -1;
	}
	edited = budget_edit(text ? text : "", len, value);
	rc = file_write_atomic(path, edited, strlen(edited), mode, cause);
	free(edited);
	free(text);
	free(real);
	return rc;
}

/* The decimal form of micro-dollars for the config file: "50", "12.5", "0.000001". */
static void
micro_str(int64_t micro, char *out, size_t n)
{
	char frac[8];
	int d;

	snprintf(frac, sizeof frac, "%06lld", (long long)(micro % 1000000));
	for (d = 6; d > 0 && frac[d - 1] == '0'; d--)
		frac[d - 1] = '\0';
	snprintf(out, n, "%lld%s%s", (long long)(micro / 1000000), d > 0 ? "." : "", frac);
}

/* Whether refused arg is dollars ("12", "12.5"), as many as a budget holds or more. */
static bool
usd_too_large(const char *arg)
{
	size_t n = strspn(arg, "0123456789");
	char whole[32];
	int64_t v;

	if (n == 0 || (arg[n] != '\0' && (arg[n] != '.' ||
	    arg[n + 1 + strspn(arg + n + 1, "0123456789")] != '\0')))
		return false;
	if (n >= sizeof whole)
		return true;
	memcpy(whole, arg, n);
	whole[n] = '\0';
	return !str_to_fixed(whole, 12, &v) || v / PICO_PER_USD >= INT64_MAX / PICO_PER_USD;
}

/* Set the team's budget, or user's, in the team's ledger. */
static int
budget_set_team(struct app *cli, const char *user, int64_t pico)
{
	struct ledger *l;
	char shown[48], *cause = NULL;
	int rc = EXIT_OK;
	bool known = true;

	if (ledger_team() == NULL) {
		fprintf(stderr, "llm: budget: per-user budgets need a team ledger ([ledger] database"
		    " in config.ini, or LLM_DATABASE)\n");
		return EXIT_USAGE;
	}
	if ((l = cli_ledger_open(cli, &cause)) == NULL ||
	    ledger_pg_set_budget(ledger_pg(l), user, pico, &known, &cause) < 0) {
		fprintf(stderr, "llm: budget: %s\n", cause);
		free(cause);
		rc = cli_ledger_rc(l);
		ledger_close(l);
		return rc;
	}
	ledger_close(l);
	pricing_format_exact(pico, shown, sizeof shown);
	if (user != NULL)
		printf("%s's monthly budget %s in team \"%s\"%s\n", user, shown, ledger_team()->team,
		    pico == 0 ? " (none: the team's applies)" : "");
	else
		printf("team \"%s\" monthly budget %s%s\n", ledger_team()->team, shown,
		    pico == 0 ? " (none)" : "");
	/* a misspelt name is a budget that never applies */
	if (!known && pico > 0)
		fprintf(stderr, "llm: budget: note: no login is called \"%s\" and no request in team"
		    " \"%s\" came from that user: check the name (a member's user is its login)\n",
		    user, ledger_team()->team);
	return rc;
}

static int
budget_set(struct app *cli, const char *arg, const char *user)
{
	char value[48], shown[48], *cause = NULL;
	const char *given = arg;
	int64_t micro;
	bool ok;

	/* "-5", "-$5", "$-5": an amount, below zero, which no budget is */
	if (arg[*arg == '$'] == '-' || (arg[0] == '-' && arg[1] == '$')) {
		arg += 1 + (arg[1] == '$' || arg[1] == '-');
		if (str_to_fixed(arg, 12, &micro)) {
			fprintf(stderr, "llm: budget set: a budget cannot be negative (got '%s'): give "
			    "dollars such as 50, or 0 for no budget\n", given);
			return EXIT_USAGE;
		}
		arg = given;
	}
	if (*arg == '$')
		arg++;
	/* In the team's database the budget is pico-dollars, as config.ini's budget is. */
	if ((user != NULL || ledger_team() != NULL) && str_to_fixed(arg, 12, &micro))
		return budget_set_team(cli, user, micro);
	ok = str_to_fixed(arg, 6, &micro) && micro <= INT64_MAX / PICO_PER_MICRO;
	if (!ok && usd_too_large(arg)) {
		fprintf(stderr, "llm: budget set: $%s is more than llm can count; a budget is at most"
		    " $%lld\n", arg, (long long)(INT64_MAX / PICO_PER_USD));
		return EXIT_USAGE;
	}
	if (!ok) {
		fprintf(stderr, "llm: budget set: expected an amount in dollars such as 50 or 12.5,"
		    " got '%s'\n", given);
		return EXIT_USAGE;
	}
	micro_str(micro, value, sizeof value);
	if (budget_save(&cli->cfg, value, &cause) < 0) {
		fprintf(stderr, "llm: budget: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	cli->cfg.budget = micro * PICO_PER_MICRO;
	if (micro == 0) {
		printf("no monthly budget (%s)\n", cli->cfg.path);
	} else {
		pricing_format_exact(cli->cfg.budget, shown, sizeof shown);
		printf("monthly budget %s (%s)\n", shown, cli->cfg.path);
	}
	return EXIT_OK;
}

#define BUDGET_SYNOPSIS \
    "usage: llm budget [--json]\n" \
    "       llm budget set [--user NAME] USD\n"

const char cli_budget_usage[] = BUDGET_SYNOPSIS;

static const char budget_help[] = BUDGET_SYNOPSIS
    "\n"
    "This month's meter: spent, reserved by requests under way, the limit, and\n"
    "the forecast for the month's end. With a team ledger, the team's month, the\n"
    "user's share, and the requests kept on this machine.\n"
    "  --json        one JSON object\n"
    "  set USD       set the monthly budget in dollars; 0 means no budget\n"
    "  --user NAME   with set and a team ledger: that user's own budget\n";

static int
budget_usage(void)
{
	cli_usage_hint("budget", BUDGET_SYNOPSIS);
	return EXIT_USAGE;
}

/*
 * llm budget set [--user NAME] USD, the option before or after the amount. An
 * amount such as -5 is no option: budget_set says what is wrong with it.
 */
static int
budget_set_args(struct app *cli, int argc, char **argv)
{
	const char *usd = NULL, *user = NULL, *s;
	int i;

	for (i = 2; i < argc; i++) {
		s = argv[i];
		if (strcmp(s, "--user") == 0 || str_startswith(s, "--user=")) {
			user = s[6] == '=' ? s + 7 : i + 1 < argc ? argv[++i] : "";
			if (*user == '\0') {
				fprintf(stderr, "llm: budget set: --user needs a name\n");
				return budget_usage();
			}
		} else if (s[0] == '-' && (s[1] == '-' || isalpha((unsigned char)s[1]))) {
			fprintf(stderr, "llm: budget set: unknown option '%s'%s\n", s,
			    cli_option_hint("budget", s));
			return budget_usage();
		} else if (usd != NULL) {
			fprintf(stderr, "llm: budget set: unexpected '%s'\n", s);
			return budget_usage();
		} else {
			usd = s;
		}
	}
	if (usd == NULL) {
		fprintf(stderr, "llm: budget set: needs an amount in USD, such as 20\n");
		return budget_usage();
	}
	return budget_set(cli, usd, user);
}

/* Show this month's meter, or set the monthly budget. */
int
cli_budget(struct app *cli, int argc, char **argv)
{
	static const char *const budget_flags[] = { "--json", "--help", NULL };
	struct ledger *l;
	struct meter m;
	char *cause = NULL;
	bool json = false;
	int i, rc;

	if (argc >= 2 && strcmp(argv[1], "set") == 0)
		return budget_set_args(cli, argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(budget_help, stdout);
			return EXIT_OK;
		} else {
			if (!cli_flag_value("budget", argv[i], budget_flags))
				fprintf(stderr, "llm: budget: %s '%s'%s\n", argv[i][0] == '-' ?
				    "unknown option" : "unexpected", argv[i],
				    cli_option_hint("budget", argv[i]));
			return budget_usage();
		}
	}
	if ((l = cli_ledger_open(cli, &cause)) == NULL ||
	    ledger_meter(l, cli->cfg.budget, &m, &cause) < 0) {
		fprintf(stderr, "llm: budget: %s\n", cause);
		free(cause);
		cli_ledger_meanwhile(cli, l, "budget");
		rc = cli_ledger_rc(l);
		ledger_close(l);
		return rc;
	}
	ledger_close(l);
	if (json)
		budget_json(cli, &m, clock_now());
	else
		budget_text(cli, &m, clock_now());
	return EXIT_OK;
}
