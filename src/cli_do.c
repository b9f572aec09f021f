/* cli_do: `llm do TASK`: one agent task from the shell; the answer on stdout, a line per step on stderr. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "agent_resume.h"
#include "buf.h"
#include "catalog.h"
#include "chat.h"
#include "cli.h"
#include "config.h"
#include "cred.h"
#include "fmt.h"
#include "input.h"
#include "ledger.h"
#include "ledger_pg.h"
#include "pricing.h"
#include "report.h"
#include "tools.h"
#include "util.h"
#include "visible.h"

#define DO_ALLOW_MAX 8
#define DO_WHY_MAX 300   /* bytes of a refusal's reason on its line */
#define DO_NAME_MAX 40   /* bytes of a tool's name there */
#define DO_SAID_LINES 20 /* lines of what the model says with its calls, as the client folds them */
#define DO_SAID_LINE_MAX 500 /* bytes of one of them */

const char cli_do_usage[] =
    "usage: llm do [OPTIONS] TASK...\n"
    "       llm do --resume [ID] [OPTIONS] [MORE...]\n"
    "\n"
    "Do a coding task in this workspace (the git top level, or the current\n"
    "directory outside git): a model reads, searches, edits and runs commands\n"
    "through tools, step by step. The final answer goes to stdout; on stderr,\n"
    "what the model says with its calls, one line per step, then the task's total\n"
    "cost. Piped input is material for the task. Reading is allowed; edit, write\n"
    "and run ask on a terminal, showing the diff (its first 40 lines; d: all of\n"
    "it) or the command, and e edits a command before it runs; without a\n"
    "terminal they are refused unless allowed. A command writes only in the\n"
    "workspace, its own TMPDIR, /dev/null and the like, /dev/shm, the build\n"
    "caches and [agent] writable with Landlock, opens ptys in a /dev/pts of its\n"
    "own (none of yours is there), and opens no local socket unless\n"
    "[agent] unix_sockets (seccomp).\n"
    "llm undo restores the files the last task changed.\n"
    "Options may come before or after the task; everything after -- is task,\n"
    "so a task word that starts with '-' goes there.\n"
    "A task that stopped (Ctrl-C, its cap, max_steps, the budget, a failure)\n"
    "goes on with --resume: task ID, or this workspace's latest, with the\n"
    "history kept in llm.db and MORE, if given, as new words from the user\n"
    "(a task done takes only that). Its tier, pinned model and cap stay unless\n"
    "-t, -m or --max-cost replaces them (the cap bounds the whole task's\n"
    "cost); --allow is given again. A task another llm is running (another\n"
    "terminal, agent mode in the client) is refused. In the full-screen\n"
    "client, /agent resume [ID] [MORE...] does the same.\n"
    "\n"
    "Options:\n"
    "  -t, --tier TIER       the worker's tier: auto (routed), cheap, mid, frontier\n"
    "  -m, --model NAME      pin the worker's model\n"
    "      --allow LIST      edit,write,run: allowed without asking\n"
    "      --max-cost USD    cap the task; past it a terminal asks, a script stops\n"
    "      --max-tokens N    cap each step's reply\n"
    "      --resume [ID]     go on with a task that stopped (default: the latest)\n"
    "      --json            one JSON object: answer, steps, tools, tokens, costs\n"
    "  -q, --quiet           no step lines\n"
    "  -h, --help            print this help\n"
    "\n"
    "Exit codes: 0 done, 1 provider failure, 2 usage error, 3 stopped by the budget,\n"
    "--max-cost, max_steps or a repeated call (the steps done are listed), 4 no\n"
    "key, a rejected one or an account out of credit, 130 interrupted, 129 hung up,\n"
    "141 stdout closed before the answer was written, 143 terminated (a running\n"
    "command stopped with the task).\n";

static volatile int do_cancel;
static volatile sig_atomic_t do_signal;   /* the signal that stopped the task */

static void
do_on_sigint(int sig)
{
	do_signal = sig;
	do_cancel = sig;   /* the task's words name it: "terminated", "hung up" */
}

/* Stopped before the task began (at key_command's prompt, say): said, and its exit code. */
static int
interrupted(void)
{
	fprintf(stderr, "llm: do: %s before the task started\n", signal_words(do_signal));
	return 128 + do_signal;
}

struct do_run {
	struct app *cli;
	bool quiet, json;
	bool changed;           /* the task changed files: llm undo restores them */
	bool tty;               /* a terminal to ask on */
	bool resume;            /* --resume */
	int64_t resume_id;      /* its ID; 0: the workspace's latest */
	int64_t held;           /* the task this process holds for --resume; 0: none */
	int64_t before;         /* resumed: what the task had cost before this run, pico; -1 unknown */
	bool before_est;        /* part of that is no exact cost */
	char *root;             /* the workspace's root, made visible, when the user is below it */
	char *said;             /* what the step's model said, for its first question: NULL none */
};

/* What the step line adds for a reply the model did not end itself: the answer may be cut. */
static const char *
finish_note(enum chat_finish f)
{
	if (f == CHAT_FINISH_LENGTH)
		return "cut off at the length limit (raise --max-tokens)";
	return f == CHAT_FINISH_FILTER ? "stopped by the provider's filter" : NULL;
}

/*
 * "3 · cheap · deepseek-v4-flash · edit src/sum.c (+2 −1) · $0.00041" on
 * stderr; "3 | cheap | ... (+2 -1) | ..." outside a UTF-8 locale.
 */
static void
on_step(void *arg, const struct agent_step *s)
{
	struct do_run *d = arg;
	const char *dot = fmt_glyphs()->dot, *note = finish_note(s->finish);
	char cost[32], *summary;
	struct buf b;

	if (!s->advice) {
		free(d->said);
		d->said = NULL;   /* the step is over: its words introduce no later question */
	}
	if (d->quiet)
		return;
	pricing_format(s->cost, s->estimated, cost, sizeof cost);
	summary = visible_str(s->summary ? s->summary : "", strlen(s->summary ? s->summary : ""));
	/* the advisor's step is told from the worker's that called advise, as the client does */
	buf_init(&b, 0);
	buf_addf(&b, "%d%s", s->n, dot);
	if (s->advice)
		buf_addf(&b, "advisor%s", dot);
	buf_addf(&b, "%s%s%s%s%s", tier_str(s->tier), dot, s->model ? s->model->name : "?", dot,
	    summary);
	if (note != NULL)
		buf_addf(&b, "%s%s", dot, note);
	buf_addf(&b, "%s%s\n", dot, s->cost < 0 ? "unknown" : cost);
	fputs(buf_str(&b), stderr);
	buf_done(&b);
	free(summary);
}

/*
 * What the model says with its calls, made visible, each line after "“ ",
 * at most DO_SAID_LINES of DO_SAID_LINE_MAX bytes: malloc'd, NULL for none.
 */
static char *
said_lines(const char *text)
{
	const struct fmt_glyphs *g = fmt_glyphs();
	char *v = visible_str(text, strlen(text)), *p = v, *nl;
	size_t n, cut;
	int shown = 0, rest = 0;
	struct buf b;

	buf_init(&b, 0);
	for (n = strlen(v); n > 0 && strchr(" \t\n", v[n - 1]) != NULL; n--)
		v[n - 1] = '\0';   /* the blank end of a reply is no line to show */
	for (p += strspn(p, "\n"); *p != '\0'; p = nl != NULL ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (shown++ >= DO_SAID_LINES) {
			rest++;
			continue;
		}
		cut = utf8_cut(p, n, DO_SAID_LINE_MAX);
		buf_addf(&b, "%s %.*s%s\n", g->quote, (int)cut, p, cut < n ? g->ellipsis : "");
	}
	if (rest > 0)
		buf_addf(&b, "%s %s %d more line%s (--json has them whole)\n", g->quote, g->ellipsis,
		    rest, rest == 1 ? "" : "s");
	free(v);
	return buf_detach(&b);
}

/*
 * A step's request is answered, before its calls run: what the model said
 * with them on stderr, so that the user reads its reasons before a question
 * and before the step's line. Kept for the step's first question when
 * stderr is not where it is asked (a log, -q).
 */
static void
on_priced(void *arg, const struct agent_step *s)
{
	struct do_run *d = arg;

	free(d->said);
	d->said = s->text != NULL ? said_lines(s->text) : NULL;
	if (d->said != NULL && *d->said == '\0') {
		free(d->said);
		d->said = NULL;
	}
	if (d->said == NULL || d->quiet)
		return;
	fputs(d->said, stderr);
	if (isatty(STDERR_FILENO)) {
		free(d->said);
		d->said = NULL;   /* the question below shows on the same terminal */
	}
}

static void
on_note(void *arg, const char *line)
{
	struct do_run *d = arg;
	char *v;

	if (d->quiet)
		return;
	v = visible_str(line, strlen(line));
	fprintf(stderr, "llm: do: %s\n", v);
	free(v);
}

/* A budget threshold first passed: said even with -q, as llm PROMPT -q says it. */
static void
on_warn(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "llm: %s\n", line);
}

/*
 * A call refused or failed other than by the user's answer: why, on stderr,
 * in the words the model is told, since the step line says only "refused"
 * (a secret file, no terminal to ask, a file that cannot be written).
 */
static void
on_call(void *arg, const char *name, const char *args, const struct tool_result *res,
    const char *text, bool error)
{
	struct do_run *d = arg;
	size_t n = text != NULL ? strcspn(text, "\n") : 0;
	char *v, *vn, *refused;
	bool other;

	(void)args;
	if (d->quiet || !error || text == NULL || str_startswith(text, "the user"))
		return;
	refused = xstrfmt("%srefused", fmt_glyphs()->dot);   /* as tools_fail ends a summary */
	other = res->summary != NULL && !str_endswith(res->summary, refused);
	free(refused);
	if (other)
		return;
	n = utf8_cut(text, n, DO_WHY_MAX);
	v = visible_str(text, n);
	/* the name is the model's too: an unknown tool's may hold escapes or a newline */
	vn = visible_str(name, utf8_cut(name, strcspn(name, "\r\n"), DO_NAME_MAX));
	fprintf(stderr, "llm: do: %s: %s%s\n", vn, v, text[n] != '\0' && text[n] != '\n' ?
	    fmt_glyphs()->ellipsis : "");
	free(vn);
	free(v);
}

/* What would pass the cap: on a terminal, ask how much more; a script stops. */
/*
 * Wait for a line on the terminal: whether one came (or its end), not Ctrl-C.
 * A Ctrl-C between the question and the read is taken by the handler and
 * leaves nothing to read, so the wait is in turns that look at do_signal.
 */
static bool
tty_line(FILE *tty)
{
	struct pollfd p = { .fd = fileno(tty), .events = POLLIN };

	while (do_signal == 0)
		if (poll(&p, 1, 100) > 0)
			return true;
	return false;
}

static int64_t
ask_more(void *arg, const char *what, int64_t spent, int64_t cap, int64_t need)
{
	struct do_run *d = arg;
	char a[32], b[32], n[32], line[64], *v, *ans;
	int64_t more = 0;
	bool long_line;
	FILE *tty;
	int c;

	if (!d->tty || (tty = fopen("/dev/tty", "r+")) == NULL)
		return 0;
	pricing_format(spent, false, a, sizeof a);
	pricing_format_exact(cap, b, sizeof b);
	pricing_format(need, false, n, sizeof n);
	v = visible_str(what, strlen(what));
	fprintf(tty, "llm: do: %s could pass --max-cost %s (spent %s)%s%s%s. "
	    "Continue with how much more in USD (empty: stop)? ", v, b, a,
	    need > 0 ? "; it needs at least " : "", need > 0 ? n : "", need > 0 ? " more" : "");
	free(v);
	/* an answer that is no amount ("y", a typo) is asked again: only empty stops the task */
	while (fflush(tty), tty_line(tty) && fgets(line, sizeof line, tty) != NULL) {
		long_line = strchr(line, '\n') == NULL && !feof(tty);
		while (long_line && (c = getc(tty)) != EOF && c != '\n')
			;   /* no amount is that long: the rest of the line is no answer of its own */
		line[strcspn(line, "\r\n")] = '\0';
		ans = str_trim(line);
		if (*ans == '+')
			ans = str_trim(ans + 1);
		if (!long_line && (*ans == '\0' || str_to_usd(ans, &more)))
			break;
		more = 0;
		v = visible_str(ans, strlen(ans));
		fprintf(tty, "llm: do: '%s' is not an amount in USD (e.g. 0.10). How much more "
		    "(empty: stop)? ", v);
		free(v);
	}
	if (feof(tty) || ferror(tty) || do_signal != 0)
		fputc('\n', tty);   /* Ctrl-D or Ctrl-C: what follows starts a line of its own */
	fclose(tty);
	return more > 0 ? more : 0;
}

/*
 * Whether there is a terminal to ask on: the controlling one, which /dev/tty
 * opens even with stdin, stdout and stderr redirected (as git and ssh ask).
 */
static bool
have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* e at a command's question: the command edited on the terminal, as llm cmd edits one. */
static char *
edit_command(const char *command)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char *line;

	if (tty == NULL)
		return NULL;
	line = cli_cmd_edit(tty, "do", command);
	fclose(tty);
	return line;
}

/*
 * Ask about an edit, write or run on the terminal; with stderr elsewhere (a
 * log), the answer is recorded there on one line, the question is not.
 */
static enum tool_answer
ask_tool(void *arg, const char *tool, const char *preview, const char *why, char **edit)
{
	struct do_run *d = arg;
	enum tool_answer a;
	int fd;

	/* the model's reasons, not shown on this terminal yet: above its step's first question */
	if (d->said != NULL && (fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)) >= 0) {
		(void)fd_write_all(fd, d->said, strlen(d->said));
		close(fd);
	}
	free(d->said);
	d->said = NULL;
	a = tools_ask_tty_at(NULL, d->root, tool, preview, why, edit, edit_command);
	if (!d->quiet && !isatty(STDERR_FILENO))
		fprintf(stderr, "llm: do: %s %s on the terminal\n", tool,
		    a == TOOL_YES ? "allowed" : a == TOOL_ALWAYS ? "allowed for the rest of the task" :
		    a == TOOL_EDITED ? "edited and allowed" : "declined");
	return a;
}

/*
 * The workspace's name when it is /, the home directory or a directory above
 * it, and no git repository, where the tools would reach everything or all
 * of the home; else NULL. Malloc'd.
 */
static char *
no_project(const struct ws *w)
{
	const char *root = ws_root(w), *h = getenv("HOME");
	char *home = h != NULL && *h != '\0' ? realpath(h, NULL) : NULL, *git, *where = NULL;
	size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
	struct stat st;

	if (n == 0)
		where = xstrdup("/");
	else if (home != NULL && strcmp(root, home) == 0)
		where = xstrdup("your home");
	else if (home != NULL && strncmp(home, root, n) == 0 && home[n] == '/')
		where = xstrfmt("%s, which holds your home,", root);
	free(home);
	git = xstrfmt("%s/.git", n == 0 ? "" : root);
	if (where != NULL && lstat(git, &st) == 0) {
		free(where);
		where = NULL;
	}
	free(git);
	return where;
}

/* On the terminal, whether the user goes on in such a workspace anyway. */
static bool
go_on_there(const char *where)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char line[16];
	bool yes = false;

	if (tty == NULL)
		return false;
	fprintf(tty, "llm: do: %s is no project (no git): tools would reach all of it. "
	    "Go on here? [y/N] ", where);
	fflush(tty);
	if (tty_line(tty) && fgets(line, sizeof line, tty) != NULL)
		yes = line[0] == 'y' || line[0] == 'Y';
	else
		fputc('\n', tty);   /* Ctrl-D or Ctrl-C: what follows starts a line of its own */
	fclose(tty);
	return yes;
}

/* The task: the words, then piped material. An exit code, or -1 to go on. */
static int
read_task(int argc, char **argv, struct buf *task, bool resume)
{
	struct input in;
	char *cause = NULL;
	bool dash = false;
	int i;

	/* "-" is stdin in other tools (cat task.md | llm do -): the task is stdin alone */
	if (argc - optind == 1 && strcmp(argv[optind], "-") == 0) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "llm: do: -: nothing is piped in (cmd | llm do -)\n");
			return EXIT_USAGE;
		}
		optind++;
		dash = true;
	}
	for (i = optind; i < argc; i++)
		buf_addf(task, "%s%s", i > optind ? " " : "", argv[i]);
	if (!isatty(STDIN_FILENO)) {
		memset(&in, 0, sizeof in);
		if (input_fd(STDIN_FILENO, "stdin", INPUT_MAX, INPUT_UTF8, &in, &cause) != 0) {
			fprintf(stderr, "llm: do: %s\n", cause);
			free(cause);
			return EXIT_USAGE;
		}
		if (in.note != NULL)
			fprintf(stderr, "llm: do: %s\n", in.note);
		/* `git diff | llm do "fix this"` with nothing to diff: refused, as llm PROMPT is */
		if (str_blank(in.data, in.len) && task->len > 0 &&
		    cli_stdin_piped()) {
			input_done(&in);
			return cli_stdin_empty("do", "task");
		}
		if (dash && !resume && str_blank(in.data, in.len)) {
			input_done(&in);
			fprintf(stderr, "llm: do: -: nothing came on stdin: no task, nothing was sent\n");
			return EXIT_USAGE;
		}
		if (in.len > 0)
			buf_addf(task, "%s%s", task->len ? "\n\n" : "", in.data);
		input_done(&in);
	}
	/* nothing but white space is no task either: refused before a step is paid for */
	if (resume && str_blank(buf_str(task), task->len))
		buf_reset(task);
	else if (str_blank(buf_str(task), task->len)) {
		fputs("llm: do: no task: give one as arguments or on stdin\n", stderr);
		cli_usage_hint("do", cli_do_usage);
		return EXIT_USAGE;
	}
	return -1;
}

/*
 * Tell the model where under the workspace's root the user is, when not at
 * the root: the task's "this directory" and its paths may be relative to it,
 * the tools' paths are relative to the root. Whether the user is below it.
 */
static bool
add_where(const struct ws *w, struct buf *task)
{
	const char *root = ws_root(w);
	char *cwd = realpath(".", NULL);
	size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
	bool below = cwd != NULL && strncmp(cwd, root, n) == 0 && cwd[n] == '/' && cwd[n + 1] != '\0';

	if (below)
		buf_addf(task, "%s(The user is in %s/ of the workspace: paths in the task may "
		    "be relative to it.)", task->data[task->len - 1] == '\n' ? "\n" : "\n\n",
		    cwd + n + 1);
	free(cwd);
	return below;
}

/* --allow edit,write,run into list (NULL-terminated, strings in s). */
static int
parse_allow(char *s, const char **list, size_t max, size_t *n)
{
	char *tok, *comma;

	for (tok = s; tok != NULL; tok = comma != NULL ? comma + 1 : NULL) {
		comma = strchr(tok, ',');
		if (comma != NULL)
			*comma = '\0';
		if (*tok == '\0')
			continue;
		if (strcmp(tok, "edit") != 0 && strcmp(tok, "write") != 0 && strcmp(tok, "run") != 0) {
			fprintf(stderr, "llm: do: --allow: unknown tool '%s' (edit, write, run)\n", tok);
			return EXIT_USAGE;
		}
		if (*n + 1 < max)
			list[(*n)++] = tok;
	}
	list[*n] = NULL;
	return -1;
}

/* The task as one JSON object on stdout. */
static void
print_json(const struct agent_result *r)
{
	cJSON *root = cJSON_CreateObject(), *steps, *s, *tools, *rows, *tok;
	size_t i, k;
	char *out;

	if (r->task_id > 0)
		cJSON_AddNumberToObject(root, "task_id", (double)r->task_id);
	else
		cJSON_AddNullToObject(root, "task_id");
	if (r->answer != NULL)
		cli_json_text(root, "answer", r->answer);
	else
		cJSON_AddNullToObject(root, "answer");
	cJSON_AddStringToObject(root, "status", chat_status_str(r->status));
	if (r->error != NULL)
		cli_json_text(root, "error", r->error);
	cli_json_usd(root, "cost_usd", r->cost);
	cJSON_AddBoolToObject(root, "estimated", r->estimated);
	if (r->cap > 0)
		cli_json_usd(root, "max_cost_usd", r->cap);
	steps = cJSON_AddArrayToObject(root, "steps");
	for (i = 0; i < r->nsteps; i++) {
		const struct agent_step *st = &r->steps[i];

		s = cJSON_CreateObject();
		cJSON_AddNumberToObject(s, "n", st->n);
		cJSON_AddStringToObject(s, "kind", st->advice ? "advice" : "worker");
		cJSON_AddStringToObject(s, "tier", tier_str(st->tier));
		cJSON_AddStringToObject(s, "model", st->model ? st->model->name : "");
		cli_json_text(s, "summary", st->summary ? st->summary : "");
		cJSON_AddStringToObject(s, "finish", chat_finish_str(st->finish));
		if (st->text != NULL)
			cli_json_text(s, "text", st->text);
		tools = cJSON_AddArrayToObject(s, "tools");
		for (k = 0; k < st->ntools; k++)
			cJSON_AddItemToArray(tools, cli_json_string(st->tools[k]));
		tok = cJSON_AddObjectToObject(s, "tokens");
		cJSON_AddNumberToObject(tok, "input", (double)st->usage.input);
		cJSON_AddNumberToObject(tok, "cached_input", (double)st->usage.cached_input);
		cJSON_AddNumberToObject(tok, "output", (double)st->usage.output);
		cli_json_usd(s, "cost_usd", st->cost);
		cJSON_AddBoolToObject(s, "estimated", st->estimated);
		/* null: a row kept here until the team ledger takes it, with no id there yet */
		rows = cJSON_AddArrayToObject(s, "ledger_ids");
		for (k = 0; k < st->nrows; k++)
			cJSON_AddItemToArray(rows, ledger_pg_pending(st->ledger_ids[k]) ?
			    cJSON_CreateNull() : cJSON_CreateNumber((double)st->ledger_ids[k]));
		cJSON_AddItemToArray(steps, s);
	}
	out = report_json_str(root);
	if (out != NULL)
		printf("%s\n", out);
	free(out);
	cJSON_Delete(root);
}

/*
 * What a task that stopped without an answer leaves as one: the words of its
 * last step, cut short by a failure or Ctrl-C, as a cut reply is kept. NULL: none.
 */
static const char *
partial_answer(const struct agent_result *r)
{
	const struct agent_step *st = r->nsteps > 0 ? &r->steps[r->nsteps - 1] : NULL;

	if (r->answer != NULL || st == NULL || st->advice || st->text == NULL || st->ntools > 0)
		return NULL;
	return st->text;
}

/*
 * What the run cost and its task: "$0.0012, task 7"; a task resumed says what
 * it has cost in all too, as llm logs --task counts it: "$0.0012; task 7, $0.0031 in all".
 */
static void
task_cost(const struct do_run *d, const struct agent_result *r, char *out, size_t n)
{
	char run[32], all[32];

	pricing_format(r->cost, r->estimated, run, sizeof run);
	if (r->cost < 0)
		str_copy(run, sizeof run, "unknown cost");
	if (!d->resume || d->before < 0 || r->cost < 0) {
		snprintf(out, n, "%s, task %lld", run, (long long)r->task_id);
		return;
	}
	pricing_format(d->before + r->cost, r->estimated || d->before_est, all, sizeof all);
	snprintf(out, n, "%s; task %lld, %s in all", run, (long long)r->task_id, all);
}

/*
 * The answer, or a stopped task's cut words, on stdout made visible; its end
 * on stderr (a task done says what it cost in all, which no step line says,
 * and how to undo it). The exit code, rc or, when stdout did not take the answer, 141
 * for a reader that left and 2 for a full disk or a closed descriptor.
 */
static int
print_result(const struct do_run *d, const struct agent_result *r, int rc)
{
	const char *answer = r->answer != NULL ? r->answer : partial_answer(r);
	char cost[96], *v;

	if (d->json) {
		print_json(r);
	} else if (answer != NULL) {
		v = visible_str(answer, strlen(answer));
		printf("%s%s", v, *v != '\0' && v[strlen(v) - 1] != '\n' ? "\n" : "");
		free(v);
	}
	rc = cli_out_end(rc, NULL);
	if (r->status != CHAT_OK && r->task_id == 0) {
		v = visible_str(r->error ? r->error : "stopped", strlen(r->error ? r->error : "stopped"));
		fprintf(stderr, "llm: do: %s; stopped before its first step: nothing was spent, and "
		    "no task was kept\n", v);
		free(v);
	} else if (r->status != CHAT_OK) {
		v = visible_str(r->error ? r->error : "stopped", strlen(r->error ? r->error : "stopped"));
		task_cost(d, r, cost, sizeof cost);
		/* stopped midway is when the user most wants to know how to undo it */
		fprintf(stderr, "llm: do: %s; stopped after %zu %sstep%s (%s)%s; "
		    "llm do --resume %lld%s goes on with it\n", v, r->nsteps, d->resume ? "more " : "",
		    r->nsteps == 1 ? "" : "s", cost, d->changed ? "; llm undo restores the files it "
		    "changed" : "", (long long)r->task_id,
		    r->over_cap ? " with a higher --max-cost" : "");
		free(v);
	} else if (!d->quiet) {
		task_cost(d, r, cost, sizeof cost);
		fprintf(stderr, "llm: do: done in %zu %sstep%s (%s)%s\n", r->nsteps,
		    d->resume ? "more " : "", r->nsteps == 1 ? "" : "s", cost,
		    d->changed ? "; llm undo restores the files it changed" : "");
	}
	return rc;
}

/*
 * A key the task needs and cannot get: the worker's, or that of the advisor
 * [agent] names (key_command is run to know). Said as plain llm says it,
 * before the task, its journal or a ledger row, since no step could use it;
 * keys the task may never need are warned of (unless quiet, as notes are).
 * The exit code after why, or -1 to go on.
 */
static int
no_key(struct app *cli, struct agent_opts *o, bool quiet)
{
	char *warn = NULL, *cause = NULL, *line, *nl;
	int rc = agent_keys(&cli->cfg, cli->cat, o, &warn, &cause);

	if (rc != CHAT_OK && do_signal != 0) {
		/* Ctrl-C at key_command's passphrase prompt: an interruption, not a missing key */
		free(warn);
		free(cause);
		return interrupted();
	}
	if (rc != CHAT_OK) {
		fprintf(stderr, "llm: do: %s\n", cause);
		free(cause);
		return cli_exit_code(rc);
	}
	for (line = warn; !quiet && line != NULL && (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		fprintf(stderr, "llm: do: %.*s\n", (int)(nl - line), line);
	free(warn);
	return -1;
}

/*
 * The task --resume goes on with, into t, held for this process: refused,
 * with what to do instead, as agent_resume_get says it. The exit code, or -1.
 */
static int
resume_get(struct do_run *d, struct ledger *l, const struct ws *w, bool more,
    struct ledger_task *t)
{
	static const struct agent_resume_how how = { .resume = "llm do --resume",
		.start = "llm do TASK" };
	char *cause = NULL;
	int rc = agent_resume_get(l, d->resume_id, ws_root(w), more, &how, t, &cause);

	if (rc != 0)
		fprintf(stderr, "llm: do: %s%s\n", rc > 0 ? "--resume: " : "", cause);
	else
		d->held = t->id;
	free(cause);
	return rc != 0 ? EXIT_USAGE : -1;
}

/* An option given without its value (bad: the word it is in), said as llm's other commands say it. */
static int
missing_value(const char *bad)
{
	if (strncmp(bad, "--", 2) == 0)
		fprintf(stderr, "llm: do: option %.*s needs an argument\n", (int)strcspn(bad, "="), bad);
	else
		fprintf(stderr, "llm: do: option -%c needs an argument\n", optopt);
	cli_usage_hint("do", cli_do_usage);
	return EXIT_USAGE;
}

int
cli_do(struct app *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tier", required_argument, NULL, 't' },
		{ "model", required_argument, NULL, 'm' },
		{ "allow", required_argument, NULL, 'A' },
		{ "max-cost", required_argument, NULL, 'C' },
		{ "max-tokens", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "resume", no_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *allow[DO_ALLOW_MAX + 1];
	const struct model *pin = NULL;
	struct do_run d = { .cli = cli };
	struct agent_opts o;
	struct agent_result r;
	struct ws_opts wo;
	struct ws *w = NULL;
	struct ledger *l = NULL;
	struct sigaction sa, old, old_term, old_hup;
	struct ledger_task resumed;
	struct buf task;
	char *cause = NULL, *undo_dir = NULL;
	char *where = NULL;
	/* the commands the agent runs never write llm's own config, ledger or undo journals */
	const char *protect[] = { cli->cfg.data_dir, cli->cfg.dir, NULL };
	size_t nallow = 0, i;
	int64_t n;
	int c, rc = -1;
	bool caught = false;

	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	memset(&resumed, 0, sizeof resumed);
	o.tier = TIER_AUTO;   /* routed, or [llm] tier, unless -t says (zero is the cheap tier) */
	for (i = 0; cli->cfg.agent_allow != NULL && cli->cfg.agent_allow[i] != NULL &&
	    nallow < DO_ALLOW_MAX; i++)
		allow[nallow++] = cli->cfg.agent_allow[i];
	allow[nallow] = NULL;
	optind = 1;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, ":t:m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case ':':
			rc = missing_value(argv[optind - 1]);
			break;
		case 't':
			if (!tier_parse(optarg, &o.tier)) {
				fprintf(stderr, "llm: do: unknown tier '%s'; tiers: auto, cheap, mid, "
				    "frontier\n", optarg);
				rc = EXIT_USAGE;
			}
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'A':
			rc = parse_allow(optarg, allow, ARRAY_SIZE(allow), &nallow);
			break;
		case 'C':
			if (!str_to_usd(optarg, &n) || n <= 0) {
				fprintf(stderr, "llm: do: --max-cost: '%s' is not an amount in dollars "
				    "above 0, such as 0.05\n", optarg);
				rc = EXIT_USAGE;
			}
			o.max_cost = n;
			break;
		case 'T':
			if (!str_to_i64(optarg, &n) || n <= 0 || n > 1000000) {
				fprintf(stderr, "llm: do: --max-tokens: '%s' is not a count from 1 to "
				    "1000000\n", optarg);
				rc = EXIT_USAGE;
			}
			o.max_tokens = (long)n;
			break;
		case 'j':
			d.json = true;
			break;
		case 'R':
			d.resume = true;
			break;
		case 'q':
			d.quiet = true;
			break;
		case 'h':
			fputs(cli_do_usage, stdout);
			return EXIT_OK;
		default:
			for (i = 0; optopt != 0 && longopts[i].name != NULL; i++)
				if (longopts[i].val == optopt)
					break;
			/* getopt names the option in optopt when it was given a value it takes none of */
			if (optopt != 0 && strncmp(argv[optind - 1], "--", 2) == 0 &&
			    strchr(argv[optind - 1], '=') != NULL && longopts[i].name != NULL)
				fprintf(stderr, "llm: do: option '--%s' takes no value\n", longopts[i].name);
			else
				fprintf(stderr, "llm: do: unknown option '%s'%s\n", argv[optind - 1],
				    cli_option_hint("do", argv[optind - 1]));
			cli_usage_hint("do", cli_do_usage);
			rc = EXIT_USAGE;
		}
	}
	if (rc >= 0)
		return rc;
	/* before the task, its journal or a ledger row: a typo must leave nothing behind */
	if (o.model != NULL && (pin = chat_pin(&cli->cfg, cli->cat, o.model, &cause)) == NULL) {
		fprintf(stderr, "llm: do: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	/* --resume's ID is its first word of digits: words that follow are more to do */
	if (d.resume && optind < argc &&
	    (c = agent_resume_id(argv[optind], strlen(argv[optind]), &n, &cause)) != 0) {
		if (c < 0) {
			fprintf(stderr, "llm: do: --resume: %s\n", cause);
			free(cause);
			return EXIT_USAGE;
		}
		d.resume_id = n;
		optind++;
	}
	buf_init(&task, 0);
	if ((rc = read_task(argc, argv, &task, d.resume)) >= 0)
		goto out;
	o.task = buf_str(&task);
	/*
	 * From here Ctrl-C (or a TERM or hang-up) is caught: before the task it
	 * stops a key_command that ignores it and is said; in the task it stops
	 * the task as the task says, its command's processes with it.
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = do_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	caught = true;
	cred_stop_on(&do_signal);
	/* a task resumed is routed as it stuck: its key is known once its row is read */
	if (!d.resume && (rc = no_key(cli, &o, d.quiet)) >= 0)
		goto out;
	/* the questions go to /dev/tty: stdin may be material piped in at a terminal */
	d.tty = have_tty();
	undo_dir = xstrfmt("%s/undo", cli->cfg.data_dir);
	memset(&wo, 0, sizeof wo);
	wo.deny = (const char *const *)cli->cfg.agent_deny;
	wo.allow_secret = (const char *const *)cli->cfg.agent_allow_secret;
	wo.allow = allow;
	wo.allow_run = (const char *const *)cli->cfg.agent_allow_run;
	wo.undo_dir = undo_dir;
	wo.writable = (const char *const *)cli->cfg.agent_writable;
	wo.unix_sockets = cli->cfg.agent_unix_sockets;
	wo.protect = protect;
	wo.cancel = &do_cancel;
	wo.run_timeout_ms = (int)cli->cfg.agent_run_timeout * 1000;
	if (ws_open(&w, ".", &wo, &cause) != 0) {
		fprintf(stderr, "llm: do: %s\n", cause);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((where = no_project(w)) != NULL && !(d.tty && go_on_there(where))) {
		if (do_signal != 0) {
			rc = interrupted();
			goto out;
		}
		fprintf(stderr, "llm: do: %s is no project (no git): tools would reach all of it; "
		    "run llm do in a project's directory\n", where);
		rc = EXIT_USAGE;
		goto out;
	}
	/* a command runs at the root: the run question says so to a user below it */
	if ((task.len > 0 || !d.resume) && add_where(w, &task))
		d.root = visible_str(ws_root(w), strlen(ws_root(w)));
	if ((l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: do: %s\n", cause);
		rc = EXIT_USAGE;
		goto out;
	}
	o.task = task.len > 0 ? buf_str(&task) : NULL;
	if (d.resume) {
		if ((rc = resume_get(&d, l, w, task.len > 0, &resumed)) >= 0)
			goto out;
		agent_resume_opts(&o, &resumed);   /* -m or -t, if given, replace its pin */
		if (ledger_task_spent(l, resumed.id, &d.before, &d.before_est, NULL) != 0)
			d.before = -1;
		if ((rc = no_key(cli, &o, d.quiet)) >= 0)
			goto out;
	}
	o.ask = d.tty ? ask_tool : NULL;
	o.ask_arg = &d;
	o.cancel = &do_cancel;
	o.more = d.tty ? ask_more : NULL;   /* no terminal: nothing is asked, nor said to be */
	o.on_step = on_step;
	o.on_priced = on_priced;
	o.on_note = on_note;
	o.on_warn = on_warn;
	o.on_call = on_call;
	o.arg = &d;
	if (do_signal != 0) {
		rc = interrupted();
		goto out;
	}
	/*
	 * A reader that left, of stdout or of the step lines, must not kill the
	 * task between an edit and its journal: the failed write says it instead.
	 * Commands run get the default back (proc).
	 */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	agent_run(&cli->cfg, cli->cat, l, w, &o, &r);
	if (do_cancel)
		r.status = CHAT_CANCELLED;
	d.changed = r.task_id > 0 && ws_undo_task(undo_dir, ws_root(w)) == r.task_id;
	rc = do_signal == SIGTERM || do_signal == SIGHUP ? 128 + do_signal :
	    cli_exit_code(r.status);
	rc = print_result(&d, &r, rc);
out:
	if (caught) {
		cred_stop_on(NULL);
		sigaction(SIGINT, &old, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
	/* refused after it was held (no key, done meanwhile): another process may go on with it */
	if (d.held > 0)
		ledger_task_release(l, d.held);
	agent_result_done(&r);
	ledger_task_done(&resumed);
	ledger_close(l);
	ws_close(w);
	free(undo_dir);
	free(where);
	free(d.root);
	free(d.said);
	free(cause);
	buf_done(&task);
	return rc;
}
