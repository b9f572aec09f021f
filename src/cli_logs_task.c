/* cli_logs_task: llm logs --task: an agent task's steps, this machine's or another's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "buf.h"
#include "cli_logs.h"
#include "fmt.h"
#include "ledger.h"
#include "pricing.h"
#include "report.h"
#include "util.h"
#include "visible.h"

/* Other machines' tasks of the number asked for, named when this machine has none. */
#define TASK_OTHERS 4

/* The steps of one agent task, as llm logs --task ID shows them. */
struct task_view {
	int64_t id;
	const char *user, *host;    /* another machine's task (from the team ledger); NULL: this one's */
	struct ledger *l;   /* borrowed: tells this machine's task from another's */
	bool json;
	cJSON *steps;
	struct buf text;    /* the steps' lines, printed once the task is known to be there */
	int64_t cost;
	bool estimated;     /* some of cost is an estimate: the total is marked, as each row is */
	size_t n;
	char *others[TASK_OTHERS];  /* "USER@HOST" of other machines' tasks of that number */
	size_t nothers;
	bool more;                  /* there were more than TASK_OTHERS */
};

/*
 * A cost as every other --json gives it, dollars and pico-dollars, both null
 * when it is unknown (never left out, which a script would read as free).
 */
static void
json_cost(cJSON *o, int64_t pico)
{
	cli_json_usd(o, "cost_usd", pico);
	if (pico >= 0)
		report_json_int(o, "cost_pico", pico);
	else
		cJSON_AddNullToObject(o, "cost_pico");
}

/*
 * Read --task's argument into v: "N" for this machine's task N, or another
 * machine's as llm usage --by task names it, "N (USER@HOST)", either with
 * "task " before it. *who holds the user and host v borrows (the caller frees it).
 */
static bool
task_parse(const char *arg, struct task_view *v, char **who)
{
	const char *s = str_startswith(arg, "task ") ? arg + 5 : arg, *p;
	size_t len;
	char *at, *num;
	bool ok;

	*who = NULL;
	num = xstrndup(s, strspn(s, "0123456789"));
	ok = str_to_i64(num, &v->id) && v->id >= 1;
	p = s + strlen(num);
	free(num);
	if (!ok || *p == '\0')
		return ok;
	len = strlen(p);
	if (!str_startswith(p, " (") || len < 3 || p[len - 1] != ')')
		return false;
	*who = xstrndup(p + 2, len - 3);
	/* the host is after the last @: a login may hold one, a host name may not */
	if ((at = strrchr(*who, '@')) == NULL || at == *who || at[1] == '\0')
		return false;
	*at = '\0';
	v->user = *who;
	v->host = at + 1;
	return true;
}

/* Note "USER@HOST" of r, another machine's task of v's number, for the hint. */
static void
task_other(struct task_view *v, const struct ledger_row *r)
{
	char *who = xstrfmt("%s@%s", r->user ? r->user : "?", r->host ? r->host : "?");
	size_t i;

	for (i = 0; i < v->nothers; i++)
		if (strcmp(v->others[i], who) == 0)
			break;
	if (i < v->nothers)
		free(who);
	else if (v->nothers < TASK_OTHERS)
		v->others[v->nothers++] = who;
	else {
		v->more = true;
		free(who);
	}
}

/* Whether row r is a step of the task v shows. */
static bool
task_has(struct task_view *v, const struct ledger_row *r)
{
	bool mine;

	if (r->task_id != v->id)
		return false;
	/* in a team's ledger, the numbers of other machines' tasks are the same */
	mine = ledger_task_mine(v->l, r);
	if (v->user == NULL) {
		if (!mine)
			task_other(v, r);
		return mine;
	}
	return !mine && r->user != NULL && r->host != NULL && strcmp(r->user, v->user) == 0 &&
	    strcmp(r->host, v->host) == 0;
}

static int
task_row(void *arg, const struct ledger_row *r)
{
	struct task_view *v = arg;
	int64_t written = r->usage.cache_write + r->usage.cache_write_1h;
	char when[32], cost[32], cache[64] = "", *tier, *model;
	const char *dot = fmt_glyphs()->dot;
	cJSON *o;

	if (!task_has(v, r))
		return 0;
	v->n++;
	v->estimated |= r->estimated;
	if (r->cost < 0 || v->cost < 0)
		v->cost = -1;
	else
		v->cost += r->cost;
	if (v->json) {
		o = cJSON_CreateObject();
		report_json_int(o, "id", r->id);
		report_json_int(o, "time", r->time);
		logs_json_str(o, "model", r->model);
		logs_json_str(o, "tier", r->tier);
		logs_json_str(o, "status", r->status);
		/* the buckets as llm ask --json gives them */
		report_json_int(o, "input_tokens", r->usage.input + written);
		report_json_int(o, "cached_input_tokens", r->usage.cached_input);
		report_json_int(o, "cache_write_tokens", written);
		report_json_int(o, "output_tokens", r->usage.output);
		json_cost(o, r->cost);
		cJSON_AddBoolToObject(o, "estimated", r->estimated);
		cJSON_AddItemToArray(v->steps, o);
		return 0;
	}
	report_when(r->time, "%Y-%m-%d %H:%M", "?", when, sizeof when);
	pricing_format(r->cost, r->estimated, cost, sizeof cost);
	/* the whole prompt, as the conversation view counts it, and what the cache did with it */
	if (r->usage.cached_input > 0 || written > 0)
		snprintf(cache, sizeof cache, " (%lld cached, %lld written)",
		    (long long)r->usage.cached_input, (long long)written);
	/* another machine's row comes from the team's database: data, as a reply is */
	tier = visible_name(r->tier ? r->tier : "?");
	model = visible_name(r->model ? r->model : "?");
	buf_addf(&v->text, "%zu%s%s%s%s%s%s%s%s%s%s%lld in%s, %s%lld out%s%s\n", v->n, dot, when,
	    dot, tier, dot, model, dot, r->status, dot,
	    r->estimated ? "~" : "", (long long)(r->usage.input + r->usage.cached_input + written),
	    cache, r->estimated ? "~" : "",
	    (long long)r->usage.output, dot, r->cost < 0 ? "unknown" : cost);
	free(tier);
	free(model);
	return 0;
}

/*
 * Say that this machine has no task v->id, naming the other machines' tasks
 * of that number the team ledger has, as llm logs --task takes them.
 */
static void
task_none(const struct task_view *v)
{
	char *who, *arg;
	struct buf b;
	size_t i;

	if (v->user != NULL) {
		who = visible_name(v->user);
		fprintf(stderr, "llm: logs: no task %lld of %s@", (long long)v->id, who);
		free(who);
		who = visible_name(v->host);
		fprintf(stderr, "%s in the team ledger (see llm usage --by task)\n", who);
		free(who);
		return;
	}
	if (v->nothers == 0) {
		/* a mistyped id is no task without steps: said as llm logs show says it */
		fprintf(stderr, "llm: logs: no task %lld (see llm usage --by task)\n",
		    (long long)v->id);
		return;
	}
	buf_init(&b, 0);
	for (i = 0; i < v->nothers; i++) {
		who = visible_name(v->others[i]);
		arg = xstrfmt("%lld (%s)", (long long)v->id, who);
		buf_adds(&b, i > 0 ? ", llm logs --task " : "llm logs --task ");
		buf_add_shell_word(&b, arg);
		free(arg);
		free(who);
	}
	fprintf(stderr, "llm: logs: no task %lld on this machine; the team ledger has another"
	    " machine's: %s%s\n", (long long)v->id, buf_str(&b),
	    v->more ? ", and more (see llm usage --by task)" : "");
	buf_done(&b);
}

/* The view's JSON object, its steps to come: the task, its title, whose it is. */
static cJSON *
task_json(struct task_view *v, const char *title)
{
	cJSON *root = cJSON_CreateObject();

	report_json_int(root, "task", v->id);
	if (title != NULL)
		logs_json_str(root, "title", title);
	if (v->user != NULL) {
		logs_json_str(root, "user", v->user);
		logs_json_str(root, "host", v->host);
	}
	v->steps = cJSON_AddArrayToObject(root, "steps");
	return root;
}

/*
 * Print the view: the task's title (kept on the machine that ran it) or, for
 * another machine's task, what the team ledger holds of it and what it does
 * not; its steps, and their total.
 */
static void
task_print(const struct task_view *v, const char *title)
{
	char *who, cost[32];

	if (title != NULL) {
		printf("task %lld%s", (long long)v->id, fmt_glyphs()->dot);
		logs_print_text(title);
	} else if (v->user != NULL) {
		who = xstrfmt("%s@%s", v->user, v->host);
		printf("task %lld (", (long long)v->id);
		logs_print_word(who, 0);
		printf(")%sanother machine's: the team ledger keeps its steps' models, tokens and"
		    " costs; what it was asked and answered stays on that machine\n", fmt_glyphs()->dot);
		free(who);
	}
	fputs(buf_str(&v->text), stdout);
	if (v->n == 0) {
		printf("No steps for task %lld.\n", (long long)v->id);
		return;
	}
	pricing_format(v->cost, v->estimated, cost, sizeof cost);
	printf("task %lld: %zu request%s, %s\n", (long long)v->id, v->n, v->n == 1 ? "" : "s",
	    v->cost < 0 ? "unknown cost" : cost);
}

/* llm logs --task ID: every ledger row of the task, oldest first. */
int
logs_task(struct app *cli, const char *arg, bool json)
{
	struct task_view v = { .json = json };
	struct ledger *l;
	char *cause = NULL, *title = NULL, *who = NULL;
	cJSON *root = NULL;
	int rc = EXIT_OK;
	size_t i;

	if (!task_parse(arg, &v, &who)) {
		fprintf(stderr, "llm: logs: --task: expected a task id (or N (USER@HOST), another"
		    " machine's), got '%s'\n", arg);
		free(who);
		return EXIT_USAGE;
	}
	if ((l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: logs: %s\n", cause);
		free(cause);
		free(who);
		return EXIT_USAGE;
	}
	v.l = l;
	buf_init(&v.text, 0);
	if (v.user != NULL && ledger_pg(l) == NULL) {
		fprintf(stderr, "llm: logs: --task %s: another machine's tasks are in a team ledger"
		    " only, and none is configured ([ledger] database)\n", arg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (v.user == NULL)
		title = ledger_task_title(l, v.id);
	if (json)
		root = task_json(&v, title);
	if (ledger_rows(l, 0, INT64_MAX, task_row, &v, &cause) != 0) {
		fprintf(stderr, "llm: logs: %s\n", cause ? cause : "failed");
		free(cause);
		rc = EXIT_USAGE;
	} else if (title == NULL && v.n == 0) {
		task_none(&v);
		rc = EXIT_USAGE;
	} else if (json) {
		json_cost(root, v.cost);
		cJSON_AddBoolToObject(root, "estimated", v.estimated);
		report_json_print(root);
	} else {
		task_print(&v, title);
	}
out:
	for (i = 0; i < v.nothers; i++)
		free(v.others[i]);
	buf_done(&v.text);
	free(title);
	free(who);
	cJSON_Delete(root);
	ledger_close(l);
	return rc;
}
