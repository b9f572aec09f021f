/* cli_logs: `llm logs`, recent conversations and their messages, safe to print on a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cli_logs.h"
#include "buf.h"
#include "fmt.h"
#include "history.h"
#include "ledger.h"
#include "ledger_pg.h"
#include "md.h"
#include "pricing.h"
#include "report.h"
#include "store.h"
#include "util.h"
#include "visible.h"

#define LOGS_DEFAULT 10
#define LOGS_INDENT "       "

/*
 * Print s made visible, continuation lines indented under the first; its
 * trailing newlines (a piped file's last one) are not lines of their own,
 * and a blank line is left blank, not indented.
 */
void
logs_print_text(const char *s)
{
	char *v = visible_str(s, strlen(s)), *p = v, *nl;
	size_t n = strlen(v);

	while (n > 0 && v[n - 1] == '\n')
		v[--n] = '\0';
	while ((nl = strchr(p, '\n')) != NULL) {
		printf("%.*s\n", (int)(nl - p), p);
		p = nl + 1;
		if (*p != '\n')
			printf("%s", LOGS_INDENT);
	}
	printf("%s\n", p);
	free(v);
}

/* Print a stored word (a role) made visible, on one line, padded to width. */
void
logs_print_word(const char *s, int width)
{
	char *v = visible_str(s, strlen(s));
	size_t i;

	for (i = 0; v[i]; i++)
		if (v[i] == '\n' || v[i] == '\t')
			v[i] = ' ';
	printf("%-*s", width, v);
	free(v);
}

/*
 * A message's usage as the client shows it: "mid · model · 1.2k→300 tok · $0.001",
 * "~" before counts the provider did not report (llm's estimate), and
 * "· cancelled" after an answer whose request did not end ok.
 */
static char *
usage_line(const struct store_msg *m)
{
	char in[24], out[24], cost[48];
	bool cut = m->status != NULL && strcmp(m->status, "ok") != 0;
	const struct fmt_glyphs *g = fmt_glyphs();

	fmt_tokens(m->input, in, sizeof in);
	fmt_tokens(m->output, out, sizeof out);
	pricing_format(m->cost, m->estimated, cost, sizeof cost);
	return xstrfmt("%s%s%s%s%s%s%s%s tok%s%s%s%s", m->tier ? m->tier : "?", g->dot, m->model,
	    g->dot, m->estimated ? "~" : "", in, g->arrow, out, g->dot, cost,
	    cut ? g->dot : "", cut ? m->status : "");
}

static void
print_msg(const struct store_msg *m)
{
	char *v;

	printf("  ");
	logs_print_word(strcmp(m->role, "user") == 0 ? "you" :
	    strcmp(m->role, "assistant") == 0 ? "llm" : m->role, 4);
	printf(" ");
	logs_print_text(m->text);
	if (m->usage_id == 0 || m->model == NULL)
		return;
	/* the line llm logs show and the client give it: "~" marks estimated tokens */
	v = usage_line(m);
	printf("%s", LOGS_INDENT);
	logs_print_text(v);
	free(v);
}

static void
print_conv(const struct store_conv *c, const struct store_msg *m, size_t n)
{
	char when[32], *title = c->title ? visible_str(c->title, strlen(c->title)) : NULL;
	size_t i;

	report_when(c->updated, "%Y-%m-%d %H:%M", "?", when, sizeof when);
	printf("#%lld  %s", (long long)c->id, when);
	if (c->model != NULL) {
		char *model = visible_str(c->model, strlen(c->model));

		printf("  %s", model);
		free(model);
	}
	if (title != NULL) {
		/* A title is one line: a run of blanks and newlines shown as one space. */
		size_t o = 0;

		for (i = 0; title[i]; i++)
			if (title[i] != '\n' && title[i] != '\t' && title[i] != ' ')
				title[o++] = title[i];
			else if (o > 0 && title[o - 1] != ' ')
				title[o++] = ' ';
		while (o > 0 && title[o - 1] == ' ')
			o--;
		title[o] = '\0';
		printf("  %s", title);
	}
	printf("%s\n", c->draft ? "  (git hook draft)" : c->cmd ? "  (llm cmd)" : "");
	if (c->system != NULL) {
		printf("  sys  ");
		logs_print_text(c->system);
	}
	for (i = 0; i < n; i++)
		print_msg(&m[i]);
	free(title);
}

/* Add s to o under name as text, or null when s is NULL. */
void
logs_json_str(cJSON *o, const char *name, const char *s)
{
	if (s != NULL)
		cli_json_text(o, name, s);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
json_msg(const struct store_msg *m)
{
	cJSON *o = cJSON_CreateObject(), *u;
	char usd[48];

	logs_json_str(o, "role", m->role);
	logs_json_str(o, "text", m->text);
	report_json_int(o, "created", m->created);
	if (m->usage_id == 0) {
		cJSON_AddNullToObject(o, "usage");
		return o;
	}
	u = cJSON_AddObjectToObject(o, "usage");
	/* a row still kept here has no id in the team ledger yet */
	if (ledger_pg_pending(m->usage_id))
		cJSON_AddNullToObject(u, "id");
	else
		report_json_int(u, "id", m->usage_id);
	cJSON_AddBoolToObject(u, "pending", ledger_pg_pending(m->usage_id));
	logs_json_str(u, "provider", m->provider);
	logs_json_str(u, "model", m->model);
	logs_json_str(u, "tier", m->tier);
	report_json_int(u, "input_tokens", m->input);
	report_json_int(u, "output_tokens", m->output);
	if (m->cost >= 0) {
		ledger_usd(m->cost, usd, sizeof usd);
		cJSON_AddItemToObject(u, "cost_usd", cJSON_CreateRaw(usd));
		report_json_int(u, "cost_pico", m->cost);
	} else {
		cJSON_AddNullToObject(u, "cost_usd");
		cJSON_AddNullToObject(u, "cost_pico");
	}
	cJSON_AddBoolToObject(u, "estimated", m->estimated);
	logs_json_str(u, "status", m->status);
	return o;
}

static cJSON *
json_conv(const struct store_conv *c, const struct store_msg *m, size_t n)
{
	cJSON *o = cJSON_CreateObject(), *msgs;
	size_t i;

	report_json_int(o, "id", c->id);
	report_json_int(o, "created", c->created);
	report_json_int(o, "updated", c->updated);
	logs_json_str(o, "title", c->title);
	logs_json_str(o, "model", c->model);
	logs_json_str(o, "system", c->system);
	logs_json_str(o, "role", c->role);
	cJSON_AddBoolToObject(o, "draft", c->draft);
	cJSON_AddBoolToObject(o, "cmd", c->cmd);
	msgs = cJSON_AddArrayToObject(o, "messages");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(msgs, json_msg(&m[i]));
	return o;
}

#define LOGS_USAGE \
    "usage: llm logs [-n N] [--all] [--json] [-q TEXT]\n" \
    "       llm logs show ID [--raw]\n" \
    "       llm logs export ID [--format md|json]\n" \
    "       llm logs rm ID\n" \
    "       llm logs --task ID [--json]\n"

const char cli_logs_usage[] = LOGS_USAGE;

static int
logs_usage(void)
{
	cli_usage_hint("logs", LOGS_USAGE);
	return EXIT_USAGE;
}

/* Whether s is an option of llm logs that takes a value. */
static bool
takes_value(const char *s)
{
	static const char *const names[] = { "-q", "--query", "-n", "--count", "--task" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

/* What llm logs was asked for. */
struct logs_args {
	int64_t n;             /* -n: how many conversations */
	bool all;              /* -a: the hook's drafts and llm cmd's requests too */
	bool n_set;            /* -n was given */
	bool json;
	const char *query;     /* -q TEXT, or NULL */
	const char *task;      /* --task ID, or NULL */
};

/* Parse the arguments into *a, options in any order; -1 on a usage error, 1 for help. */
static int
logs_args(int argc, char **argv, struct logs_args *a)
{
	static const char *const flags[] = { "--json", "--all", "--help", NULL };
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		v = NULL;
		if (takes_value(argv[i]) && i + 1 >= argc) {
			fprintf(stderr, "llm: logs: option %s needs an argument\n", argv[i]);
			return -1;
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--query") == 0) {
			a->query = argv[++i];
		} else if (str_startswith(argv[i], "--query=")) {
			a->query = argv[i] + 8;
		} else if (strcmp(argv[i], "--task") == 0) {
			a->task = argv[++i];
		} else if (str_startswith(argv[i], "--task=")) {
			a->task = argv[i] + 7;
		} else if (strcmp(argv[i], "--json") == 0)
			a->json = true;
		else if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "-a") == 0)
			a->all = true;   /* the git hook's drafts and llm cmd's requests too */
		else if (strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "--count") == 0)
			v = argv[++i];
		else if (str_startswith(argv[i], "--count="))
			v = argv[i] + 8;
		else if (str_startswith(argv[i], "-n"))
			v = argv[i] + 2;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
		else {
			if (!cli_flag_value("logs", argv[i], flags))
				fprintf(stderr, "llm: logs: %s '%s'%s\n", argv[i][0] == '-' ?
				    "unknown option" : "unknown command", argv[i],
				    cli_option_hint("logs", argv[i]));
			return -1;
		}
		a->n_set |= v != NULL;
		if (v != NULL && (!str_to_i64(v, &a->n) || a->n < 1)) {
			fprintf(stderr, "llm: logs: -n: expected a positive number, got '%s'\n", v);
			return -1;
		}
	}
	return 0;
}

/* Open the ledger for a logs subcommand; NULL after saying why. */
static struct ledger *
logs_open(const struct app *cli)
{
	char *cause = NULL;
	struct ledger *l = cli_ledger_open(cli, &cause);

	if (l == NULL) {
		fprintf(stderr, "llm: logs: %s\n", cause);
		free(cause);
	}
	return l;
}

/* llm logs -q TEXT: the messages holding every word, grouped by conversation. */
static int
logs_query(struct app *cli, const char *text, size_t max, bool all, bool json)
{
	struct ledger *l = logs_open(cli);
	struct history_hit *h = NULL;
	cJSON *root = NULL, *arr = NULL, *o;
	char *cause = NULL, when[32];
	size_t n = 0, i;

	if (l == NULL)
		return EXIT_USAGE;
	if (history_search(ledger_store(l), text, max, all, &h, &n, &cause) != 0) {
		fprintf(stderr, "llm: logs -q: %s\n", cause);
		free(cause);
		ledger_close(l);
		return EXIT_USAGE;
	}
	if (json) {
		root = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(root, "hits");
	}
	for (i = 0; i < n; i++) {
		if (json) {
			o = cJSON_CreateObject();
			report_json_int(o, "conversation_id", h[i].conv);
			report_json_int(o, "message_id", h[i].msg);
			logs_json_str(o, "title", h[i].title);
			logs_json_str(o, "role", h[i].role);
			logs_json_str(o, "snippet", h[i].snippet);
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		if (i == 0 || h[i].conv != h[i - 1].conv) {
			report_when(h[i].updated, "%Y-%m-%d %H:%M", "?", when, sizeof when);
			printf("%s#%lld  %s  ", i ? "\n" : "", (long long)h[i].conv, when);
			logs_print_word(h[i].title ? h[i].title : "", 0);
			printf("\n");
		}
		printf("  ");
		logs_print_word(strcmp(h[i].role, "user") == 0 ? "you" : "llm", 4);
		printf(" ");
		logs_print_text(h[i].snippet ? h[i].snippet : "");
	}
	if (json)
		report_json_print(root);
	else if (n == 0)
		fprintf(stderr, "llm: logs -q: no message holds '%s'\n", text);
	cJSON_Delete(root);
	history_hits_free(h, n);
	ledger_close(l);
	return EXIT_OK;
}

/* The terminal's width (tty_columns), at least 20. */
static int
logs_width(void)
{
	int w = tty_columns();

	return w < 20 ? 20 : w;
}

/* Print text rendered as the full-screen client does without colour, under a label. */
static void
show_rendered(const char *label, const char *text, int width, bool markdown)
{
	char *v = visible_str(text, strlen(text));
	struct md_doc d;
	size_t i;

	md_doc_init(&d);
	if (markdown)
		md_render(&d, v, strlen(v), width - 5, THEME_TEXT, 1, MD_CODE_TICKS);
	else
		md_plain(&d, v, strlen(v), width - 5, THEME_TEXT, 0);
	for (i = 0; i < d.nlines; i++)
		printf("%-4s %.*s\n", i == 0 ? label : "", (int)d.lines[i].len, d.lines[i].text);
	if (d.nlines == 0)
		printf("%s\n", label);
	md_doc_done(&d);
	free(v);
}

/* Read a conversation id ("12" or "#12"); false, said on stderr for what, when it is none. */
static bool
logs_id(const char *what, const char *arg, int64_t *id)
{
	if (arg[0] == '#')
		arg++;
	if (!str_to_i64(arg, id) || *id <= 0) {
		fprintf(stderr, "llm: %s: '%s' is not a conversation id (see llm logs)\n", what, arg);
		return false;
	}
	return true;
}

/*
 * Give a team ledger's replies their usage from its rows; when they cannot be
 * read, say once (*said) that their lines are left out.
 */
static void
logs_team_usage(struct ledger *l, struct store_msg *m, size_t n, bool *said)
{
	char *cause = NULL;

	if (ledger_msgs_usage(l, m, n, &cause) < 0 && !*said) {
		fprintf(stderr, "llm: logs: %s; replies whose rows are there are shown without"
		    " their usage\n", cause != NULL ? cause : "team ledger: failed");
		*said = true;
	}
	free(cause);
}

/* Load conversation id and its messages; an exit code, or -1 to go on. */
static int
logs_load(struct ledger *l, const char *arg, struct store_conv *c, struct store_msg **m,
    size_t *n)
{
	char *cause = NULL;
	int64_t id;

	if (!logs_id("logs", arg, &id))
		return EXIT_USAGE;
	if (!ledger_conv_exists(l, id)) {
		fprintf(stderr, "llm: logs: no conversation %lld (see llm logs)\n", (long long)id);
		return EXIT_USAGE;
	}
	if (store_conv_get(ledger_store(l), id, c, &cause) != 0 ||
	    store_msgs(ledger_store(l), id, m, n, &cause) != 0) {
		fprintf(stderr, "llm: logs: %s\n", cause ? cause : "failed");
		free(cause);
		store_conv_done(c);
		return EXIT_USAGE;
	}
	logs_team_usage(l, *m, *n, &(bool){ false });
	return -1;
}

/* llm logs show ID [--raw]: one conversation, rendered, or its stored text. */
static void
logs_show(const struct store_conv *c, const struct store_msg *m, size_t n, bool raw)
{
	int width = logs_width();
	bool tty = isatty(STDOUT_FILENO);
	char when[32], *info;
	size_t i;

	report_when(c->updated, "%Y-%m-%d %H:%M", "?", when, sizeof when);
	printf("conversation %lld  %s  ", (long long)c->id, when);
	logs_print_word(c->title ? c->title : "", 0);
	printf("\n");
	if (c->role != NULL) {
		printf("role ");
		logs_print_word(c->role, 0);
		printf("\n");
	}
	if (c->system != NULL)
		show_rendered("sys", c->system, width, false);
	for (i = 0; i < n; i++) {
		bool user = strcmp(m[i].role, "user") == 0;

		printf("\n");
		if (raw) {
			/* as stored; a terminal still gets it made visible */
			printf("%s\n", user ? "you" : "llm");
			if (tty)
				logs_print_text(m[i].text);
			else
				printf("%s\n", m[i].text);
		} else {
			show_rendered(user ? "you" : "llm", m[i].text, width, !user);
		}
		if (!user && m[i].model != NULL) {
			info = usage_line(&m[i]);
			printf("     ");
			logs_print_text(info);
			free(info);
		}
	}
}

/* Write s as it is to a pipe or file; a terminal gets it made visible. */
static void
put_text(const char *s, bool tty)
{
	char *v;

	if (!tty) {
		fputs(s, stdout);
		return;
	}
	v = visible_str(s, strlen(s));
	fputs(v, stdout);
	free(v);
}

/*
 * llm logs export ID as Markdown. Each text is written exactly as stored
 * between its block's heading and the next block's marker comment: after
 * "<!-- llm: ... -->", the heading line and a blank line comes the text, then
 * one blank line ("\n\n") ends it, so a reader gets every byte back.
 */
static void
export_md(const struct store_conv *c, const struct store_msg *m, size_t n)
{
	bool tty = isatty(STDOUT_FILENO);
	char when[32], *info;
	size_t i;

	report_when(c->created, "%Y-%m-%d %H:%M %Z", "?", when, sizeof when);
	printf("# Conversation %lld\n\n", (long long)c->id);
	if (c->title != NULL) {
		printf("- title: ");
		logs_print_word(c->title, 0);
		printf("\n");
	}
	printf("- started: %s\n", when);
	if (c->role != NULL) {
		printf("- role: ");
		logs_print_word(c->role, 0);
		printf("\n");
	}
	printf("\n");
	if (c->system != NULL) {
		printf("<!-- llm: system -->\n## System\n\n");
		put_text(c->system, tty);
		printf("\n\n");
	}
	for (i = 0; i < n; i++) {
		bool user = strcmp(m[i].role, "user") == 0;

		printf("<!-- llm: message %lld %s -->\n", (long long)m[i].id, user ? "user" :
		    "assistant");
		if (user || m[i].model == NULL) {
			printf("## %s\n\n", user ? "You" : "llm");
		} else {
			info = usage_line(&m[i]);
			printf("## llm (");
			logs_print_word(info, 0);
			printf(")\n\n");
			free(info);
		}
		put_text(m[i].text, tty);
		printf("\n\n");
	}
}

/* llm logs rm ID: the conversation's messages go; its ledger rows stay. */
static int
logs_rm(struct ledger *l, const char *arg)
{
	char *cause = NULL;
	int64_t id;

	if (!logs_id("logs rm", arg, &id))
		return EXIT_USAGE;
	if (history_forget(ledger_store(l), id, &cause) != 0) {
		fprintf(stderr, "llm: logs rm: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	/* what was done is the command's answer: stdout, as budget set and models add say it */
	printf("conversation %lld forgotten; its requests stay in the ledger\n", (long long)id);
	return EXIT_OK;
}

/* The value of export's --format: true for json; false after saying why for another. */
static bool
sub_format(const char *f, bool *json)
{
	if (strcmp(f, "md") != 0 && strcmp(f, "json") != 0) {
		fprintf(stderr, "llm: logs export: --format takes md or json, not '%s'\n", f);
		return false;
	}
	*json = strcmp(f, "json") == 0;
	return true;
}

/*
 * The id and options of show ID [--raw], export ID [--format md|json] or
 * rm ID, options before or after the id; -1 after saying what is wrong.
 */
static int
sub_args(int argc, char **argv, const char **id, bool *raw, bool *json)
{
	const char *cmd = argv[0];
	bool export = strcmp(cmd, "export") == 0;
	int i;

	*id = NULL;
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(cmd, "show") == 0 && strcmp(s, "--raw") == 0) {
			*raw = true;
		} else if (export && strcmp(s, "--format") == 0 && i + 1 == argc) {
			fprintf(stderr, "llm: logs export: option --format needs an argument\n");
			return -1;
		} else if (export && strcmp(s, "--format") == 0) {
			if (!sub_format(argv[++i], json))
				return -1;
		} else if (export && str_startswith(s, "--format=")) {
			if (!sub_format(s + 9, json))
				return -1;
		} else if (s[0] == '-' && s[1] != '\0') {
			if (strcmp(cmd, "show") != 0 || !cli_flag_value("logs show", s,
			    (const char *const[]){ "--raw", NULL }))
				fprintf(stderr, "llm: logs %s: unknown option '%s'%s\n", cmd, s,
				    cli_option_hint("logs", s));
			return -1;
		} else if (*id != NULL) {
			fprintf(stderr, "llm: logs %s: unexpected '%s'\n", cmd, s);
			return -1;
		} else {
			*id = s;
		}
	}
	if (*id == NULL) {
		fprintf(stderr, "llm: logs %s: which conversation? give its id (llm logs lists them)\n",
		    cmd);
		return -1;
	}
	return 0;
}

/* llm logs show|export|rm ID ...: an exit code, or -1 when argv is no subcommand. */
static int
logs_sub(struct app *cli, int argc, char **argv)
{
	struct store_conv c;
	struct store_msg *m = NULL;
	struct ledger *l;
	bool raw = false, json = false;
	const char *id;
	size_t n = 0;
	int rc;

	if (strcmp(argv[0], "show") != 0 && strcmp(argv[0], "export") != 0 &&
	    strcmp(argv[0], "rm") != 0)
		return -1;
	if (sub_args(argc, argv, &id, &raw, &json) != 0)
		return logs_usage();
	if ((l = logs_open(cli)) == NULL)
		return EXIT_USAGE;
	if (strcmp(argv[0], "rm") == 0) {
		rc = logs_rm(l, id);
		ledger_close(l);
		return rc;
	}
	if ((rc = logs_load(l, id, &c, &m, &n)) >= 0) {
		ledger_close(l);
		return rc;
	}
	if (strcmp(argv[0], "show") == 0) {
		logs_show(&c, m, n, raw);
	} else if (json) {
		cJSON *o = json_conv(&c, m, n);

		report_json_print(o);
		cJSON_Delete(o);
	} else {
		export_md(&c, m, n);
	}
	rc = cli_out_end(EXIT_OK, NULL);
	store_msgs_free(m, n);
	store_conv_done(&c);
	ledger_close(l);
	return rc;
}

/* Print recent conversations and their messages. */
int
cli_logs(struct app *cli, int argc, char **argv)
{
	struct store_conv *cv = NULL;
	struct store_msg *m;
	struct ledger *l;
	struct store *st;
	struct logs_args a = { .n = LOGS_DEFAULT };
	cJSON *root = NULL, *arr = NULL;
	char *cause = NULL;
	size_t count = 0, nm, i;
	int rc = EXIT_OK;
	bool said = false;

	if (argc > 1 && (rc = logs_sub(cli, argc - 1, argv + 1)) >= 0)
		return rc;
	rc = EXIT_OK;
	switch (logs_args(argc, argv, &a)) {
	case -1:
		return logs_usage();
	case 1:
		printf(LOGS_USAGE
		    "  -n, --count N      the N most recent conversations (default %d)\n"
		    "  -a, --all          the git hook's drafts and llm cmd's requests too\n"
		    "  --json             one JSON object\n"
		    "  -q, --query TEXT   the messages holding every word of TEXT (full-text)\n"
		    "  show ID            one conversation, rendered (--raw: as stored)\n"
		    "  export ID          one conversation as Markdown (or --format json)\n"
		    "  rm ID              forget a conversation; its ledger rows stay\n"
		    "  --task ID          an agent task (llm do): what it was, a ledger row per step;\n"
		    "                     'N (USER@HOST)': another machine's, from the team ledger\n",
		    LOGS_DEFAULT);
		return EXIT_OK;
	}
	if (a.task != NULL && a.query != NULL) {
		fprintf(stderr, "llm: logs: --task and -q do not go together\n");
		return logs_usage();
	}
	/* a task is shown whole, whoever asked for it: a count or --all would be lost */
	if (a.task != NULL && (a.n_set || a.all)) {
		fprintf(stderr, "llm: logs: --task shows every step of one task; %s does not go with "
		    "it\n", a.n_set ? "-n" : "--all");
		return logs_usage();
	}
	if (a.task != NULL)
		return logs_task(cli, a.task, a.json);
	if (a.query != NULL)
		return logs_query(cli, a.query, (size_t)a.n, a.all, a.json);
	if ((l = cli_ledger_open(cli, &cause)) == NULL)
		goto fail;
	st = ledger_store(l);
	if ((a.all ? store_conv_list_all : store_conv_list)(st, (size_t)a.n, &cv, &count, &cause) < 0)
		goto fail;
	if (a.json) {
		root = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(root, "conversations");
	}
	for (i = 0; i < count; i++) {
		if (store_msgs(st, cv[i].id, &m, &nm, &cause) < 0)
			goto fail;
		logs_team_usage(l, m, nm, &said);
		if (a.json) {
			cJSON_AddItemToArray(arr, json_conv(&cv[i], m, nm));
		} else {
			if (i > 0)
				printf("\n");
			print_conv(&cv[i], m, nm);
		}
		store_msgs_free(m, nm);
	}
	if (a.json)
		report_json_print(root);
	else if (count == 0) {
		printf("No conversations yet.\n");
	}
	goto out;
fail:
	fprintf(stderr, "llm: logs: %s\n", cause ? cause : "failed");
	free(cause);
	rc = EXIT_USAGE;
out:
	cJSON_Delete(root);
	store_convs_free(cv, count);
	ledger_close(l);
	return rc;
}
