/* tui_agent_child: agent mode's task in a forked child: agent_run, its events on a pipe. */
/*
 * agent_run is a blocking loop (it waits on its requests and runs commands to
 * their end), so a task runs in a forked child with its own ledger connection
 * and workspace. Each call, step and note goes to the client as a JSON line;
 * an approval or the cap's question is a line the child then waits on, its
 * answer one line from the client.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cjson/cJSON.h>

#include "agent.h"
#include "agent_resume.h"
#include "app.h"
#include "cli.h"
#include "config.h"
#include "cred.h"
#include "tools.h"
#include "tui_priv.h"
#include "util.h"

#define FIELD_MAX TUI_AGENT_FIELD_MAX
#define ANSWER_MAX 64
#define EDIT_LINE (6 * TUI_AGENT_EDIT_MAX + 16)  /* an answer line: "e " and the command as a JSON string */
#define OUT_SEND_MAX (256 * 1024) /* a command's output sent on to the screen as it comes */
#define OUT_HOLD (16 * 1024)     /* past that, the newest output held between sends */
#define OUT_EVERY_MS 100         /* and how often it is sent: the screen keeps up, the pipe is not flooded */

static volatile sig_atomic_t child_cancel;
static volatile int child_cancel_int;

struct child {
	int ev, ans;
	size_t out_sent;   /* the running command's output sent so far as it came */
	struct buf out_held;  /* past OUT_SEND_MAX: its newest output not sent yet */
	size_t out_cut;    /* and how much of it before that is left out */
	int64_t out_at;    /* when output was last sent */
	struct agent_opts *o;  /* the task's options: F2 and F3 change them between steps */
	char model[128];   /* the pin sent by the parent */
	pid_t parent;      /* the client */
};

/*
 * Ctrl-C from the client, or SIGTERM or SIGHUP sent to the task itself (a
 * session that ends signals every process it has): the current step stops,
 * its cost is booked and what is done is kept.
 */
static void
child_on_stop(int sig)
{
	child_cancel = 1;
	child_cancel_int = sig;   /* the task's words name it: "terminated", "hung up" */
}

/* The client is gone (its pipes closed): the task stops as on Ctrl-C, nobody is there to ask. */
static void
child_orphaned(void)
{
	child_cancel = 1;
	child_cancel_int = SIGINT;
}

/* Write all of s and a newline; the parent reads it as one event. */
static void
child_emit(struct child *c, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	size_t len, off = 0;
	ssize_t n;

	cJSON_Delete(o);
	if (s == NULL)
		return;
	len = strlen(s);
	s[len] = '\n';
	while (off < len + 1) {
		n = write(c->ev, s + off, len + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			child_orphaned();
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(s);
}

static void
add_str(cJSON *o, const char *key, const char *s)
{
	size_t n;
	char *cut;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n <= FIELD_MAX) {
		cJSON_AddStringToObject(o, key, s);
		return;
	}
	cut = xstrndup(s, FIELD_MAX);
	cJSON_AddStringToObject(o, key, cut);
	free(cut);
}

static void
add_pico(cJSON *o, const char *key, int64_t v)
{
	char num[32];

	snprintf(num, sizeof num, "%lld", (long long)v);
	cJSON_AddStringToObject(o, key, num);
}

/* Read one line from the parent; "" when the pipe closed or a Ctrl-C came. */
static void
child_line(struct child *c, char *out, size_t n)
{
	size_t len = 0;
	ssize_t r;
	char ch;

	while (len + 1 < n) {
		r = read(c->ans, &ch, 1);
		if (r < 0 && errno == EINTR && !child_cancel)
			continue;
		if (r == 0)
			child_orphaned();
		if (r <= 0 || ch == '\n')
			break;
		out[len++] = ch;
	}
	out[len] = '\0';
}

/*
 * "tier T" or "model NAME" ("model" alone unpins): the worker from the next
 * step on; "cap PICO" (0: none): the task's cap from the next step on.
 */
static bool
child_route(struct child *c, const char *line)
{
	enum tier tr;
	int64_t cap;

	if (str_startswith(line, "cap ") && str_to_i64(line + 4, &cap) && cap >= 0) {
		c->o->max_cost = cap;
		return true;
	}

	if (str_startswith(line, "tier ") && tier_parse(line + 5, &tr)) {
		c->o->tier = tr;
		return true;
	}
	if (strcmp(line, "model") == 0) {
		c->o->model = NULL;
		return true;
	}
	if (str_startswith(line, "model ")) {
		str_copy(c->model, sizeof c->model, line + 6);
		c->o->model = c->model;
		return true;
	}
	return false;
}

/* The answer to a question; a change of tier or model on the way is taken. */
static void
child_answer(struct child *c, char *out, size_t n)
{
	do
		child_line(c, out, n);
	while (*out != '\0' && child_route(c, out));
}

/* Take the changes of tier or model the parent sent while the step ran. */
static void
child_routes(struct child *c)
{
	struct pollfd p = { .fd = c->ans, .events = POLLIN };
	char line[ANSWER_MAX + 128];

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		child_line(c, line, sizeof line);
		if (*line == '\0' || !child_route(c, line))
			break;
	}
}

/* The command in an answer "e "COMMAND"" (a JSON string), or NULL. */
static char *
child_edited(const char *a)
{
	cJSON *j = str_startswith(a, "e ") ? cJSON_Parse(a + 2) : NULL;
	char *cmd = cJSON_IsString(j) && *j->valuestring != '\0' ? xstrdup(j->valuestring) : NULL;

	cJSON_Delete(j);
	return cmd;
}

/*
 * The preview as an event carries it: one too long for that is cut at a line
 * and says so at its end, so that nobody approves what they were not shown
 * as if they had seen all of it (malloc'd).
 */
static char *
preview_cut(const char *preview)
{
	size_t n = strlen(preview), cut = FIELD_MAX - 256;

	if (n <= FIELD_MAX)
		return xstrdup(preview);
	while (cut > 0 && preview[cut - 1] != '\n')
		cut--;
	if (cut == 0) /* no line ends before the cap: cut at a character */
		cut = utf8_cut(preview, n, FIELD_MAX - 256);
	return xstrfmt("%.*s[%zu more bytes of this change are not shown here: n refuses it]\n",
	    (int)cut, preview, n - cut);
}

static enum tool_answer
child_ask(void *arg, const char *tool, const char *preview, const char *why, char **edit)
{
	struct child *c = arg;
	cJSON *o = cJSON_CreateObject();
	char *a = xmalloc(EDIT_LINE), *shown = preview_cut(preview);
	enum tool_answer r;

	cJSON_AddStringToObject(o, "e", "ask");
	add_str(o, "tool", tool);
	add_str(o, "preview", shown);
	if (why != NULL)
		add_str(o, "why", why);
	free(shown);
	child_emit(c, o);
	child_answer(c, a, EDIT_LINE);
	r = strcmp(a, "y") == 0 ? TOOL_YES : strcmp(a, "a") == 0 ? TOOL_ALWAYS : TOOL_NO;
	if (edit != NULL && (*edit = child_edited(a)) != NULL)
		r = TOOL_EDITED;
	if (child_cancel && r == TOOL_EDITED) {
		free(*edit);
		*edit = NULL;
	}
	free(a);
	return child_cancel ? TOOL_NO : r;
}

static int64_t
child_more(void *arg, const char *what, int64_t spent, int64_t cap, int64_t need)
{
	struct child *c = arg;
	cJSON *o = cJSON_CreateObject();
	char a[ANSWER_MAX];
	int64_t more = 0;

	cJSON_AddStringToObject(o, "e", "more");
	cli_json_text(o, "what", what);
	add_pico(o, "spent", spent);
	add_pico(o, "cap", cap);
	add_pico(o, "need", need > 0 ? need : 0);
	child_emit(c, o);
	child_answer(c, a, sizeof a);
	if (child_cancel || !str_to_i64(a, &more) || more < 0)
		return 0;
	return more;
}

/* A step's event: "step" when it is done, "priced" when its request is answered. */
static void
child_step_event(void *arg, const struct agent_step *s, const char *kind)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "e", kind);
	cJSON_AddNumberToObject(o, "n", s->n);
	cJSON_AddBoolToObject(o, "advice", s->advice);
	cJSON_AddStringToObject(o, "tier", tier_str(s->tier));
	cJSON_AddStringToObject(o, "model", s->model ? s->model->name : "?");
	add_str(o, "summary", s->summary);
	add_str(o, "text", s->text);
	add_pico(o, "in", s->usage.input + s->usage.cached_input + s->usage.cache_write +
	    s->usage.cache_write_1h);
	add_pico(o, "out", s->usage.output);
	add_pico(o, "cached", s->usage.cached_input);
	add_pico(o, "written", s->usage.cache_write + s->usage.cache_write_1h);
	add_pico(o, "saved", s->cache_saved);
	add_pico(o, "extra", s->cache_extra);
	add_pico(o, "cost", s->cost);
	cJSON_AddBoolToObject(o, "estimated", s->estimated);
	child_emit(arg, o);
}

/* The task's row is made: its id, for the screen from the start. */
static void
child_task(void *arg, int64_t task_id)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "e", "task");
	add_pico(o, "task", task_id);
	child_emit(arg, o);
}

static void
child_step(void *arg, const struct agent_step *s)
{
	child_routes(arg);
	child_step_event(arg, s, "step");
}

static void
child_priced(void *arg, const struct agent_step *s)
{
	child_step_event(arg, s, "priced");
}

/* Send a piece of a running command's output; cut: how much before it is left out. */
static void
output_send(struct child *c, const char *p, size_t n, size_t cut)
{
	cJSON *o = cJSON_CreateObject();
	char *s = xstrndup(p, n);

	cJSON_AddStringToObject(o, "e", "out");
	cJSON_AddStringToObject(o, "text", s);
	if (cut > 0)
		cJSON_AddNumberToObject(o, "cut", (double)cut);
	free(s);
	child_emit(c, o);
	c->out_at = clock_ms();
}

/* Keep the newest OUT_HOLD bytes of output to send, counting what goes. */
static void
output_hold(struct child *c, const char *p, size_t n)
{
	size_t drop;

	if (n > OUT_HOLD) {
		c->out_cut += c->out_held.len + n - OUT_HOLD;
		buf_reset(&c->out_held);
		p += n - OUT_HOLD;
		n = OUT_HOLD;
	} else if (c->out_held.len + n > OUT_HOLD) {
		drop = c->out_held.len + n - OUT_HOLD;
		c->out_cut += drop;
		buf_consume(&c->out_held, drop);
	}
	buf_add(&c->out_held, p, n);
}

/* Send what is held: after a cut, from its first whole line, so that no line shows half. */
static void
output_flush(struct child *c)
{
	const char *d = c->out_held.data, *nl;
	size_t skip = 0;

	if (c->out_held.len == 0 && c->out_cut == 0)
		return;
	if (c->out_cut > 0 && d != NULL && (nl = memchr(d, '\n', c->out_held.len)) != NULL &&
	    (size_t)(nl - d) + 1 < c->out_held.len)
		skip = (size_t)(nl - d) + 1;
	output_send(c, d != NULL ? d + skip : "", c->out_held.len - skip, c->out_cut + skip);
	buf_reset(&c->out_held);
	c->out_cut = 0;
}

/*
 * A piece of a running command's output, or (n 0) a tick while it runs.
 * The first OUT_SEND_MAX bytes go on raw as they come; past them the newest
 * output goes every OUT_EVERY_MS with how much was left out, so that a long
 * build still shows where it is while the pipe and the screen carry little.
 */
static void
child_output(void *arg, const char *p, size_t n)
{
	struct child *c = arg;
	size_t k;

	if (c->out_sent < OUT_SEND_MAX && n > 0) {
		k = n < OUT_SEND_MAX - c->out_sent ? n : OUT_SEND_MAX - c->out_sent;
		output_send(c, p, k, 0);
		c->out_sent += k;
		p += k;
		n -= k;
	}
	if (n > 0)
		output_hold(c, p, n);
	if (clock_ms() - c->out_at >= OUT_EVERY_MS)
		output_flush(c);
}

/* A piece of what the model says, as it streams. */
static void
child_text(void *arg, const char *s, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	char *p = xstrndup(s, n);

	cJSON_AddStringToObject(o, "e", "text");
	add_str(o, "text", p);
	free(p);
	child_emit(arg, o);
}

static void
child_note(void *arg, const char *line)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "e", "note");
	add_str(o, "line", line);
	child_emit(arg, o);
}

static void
child_call(void *arg, const char *name, const char *args, const struct tool_result *res,
    const char *text, bool error)
{
	struct child *c = arg;
	cJSON *o = cJSON_CreateObject();

	/* the command is over: its last output is in text */
	c->out_sent = 0;
	c->out_cut = 0;
	buf_reset(&c->out_held);
	cJSON_AddStringToObject(o, "e", "call");
	add_str(o, "name", name);
	add_str(o, "args", args);
	add_str(o, "summary", res->summary);
	add_str(o, "diff", res->diff);
	add_str(o, "text", text);
	cJSON_AddBoolToObject(o, "error", error);
	child_emit(arg, o);
}

/* The task's end; changed: its undo journal holds files it changed (what /undo restores). */
static void
child_done(struct child *c, const struct agent_result *r, bool changed)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "e", "done");
	cJSON_AddBoolToObject(o, "changed", changed);
	add_str(o, "answer", r->answer);
	cJSON_AddNumberToObject(o, "status", r->status);
	add_str(o, "error", r->error);
	/* the signal that stopped it, for the client to name: one sent to the task is no Ctrl-C */
	if (r->status == CHAT_CANCELLED && child_cancel_int != 0)
		cJSON_AddNumberToObject(o, "signal", child_cancel_int);
	add_pico(o, "cost", r->cost);
	cJSON_AddBoolToObject(o, "estimated", r->estimated);
	add_pico(o, "cap", r->cap);
	add_pico(o, "task", r->task_id);
	cJSON_AddNumberToObject(o, "steps", (double)r->nsteps);
	child_emit(c, o);
}

/* Say why the task could not start, as its end. */
static void
child_fail(struct child *c, const char *why)
{
	struct agent_result r;

	memset(&r, 0, sizeof r);
	r.status = CHAT_USAGE;
	r.error = (char *)why;
	child_done(c, &r, false);
}

void
tui_agent_child(struct tui *t, const char *prompt, const struct ledger_task *resume,
    pid_t parent)
{
	static const int dfl[] = { SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, SIGWINCH,
		SIGTSTP };
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
	const struct config *cfg = t->cfg;
	struct child child = { .ev = STDOUT_FILENO, .ans = STDIN_FILENO, .parent = parent };
	struct child *c = &child;
	struct sigaction sa;
	struct agent_opts o;
	struct agent_result r;
	struct ws_opts wo;
	struct ws *w = NULL;
	struct ledger *l;
	char *cause = NULL, *undo_dir, *warn = NULL, *line, *nl;
	/* the commands the agent runs never write llm's own config, ledger or undo journals */
	const char *protect[] = { cfg->data_dir, cfg->dir, NULL };
	bool changed;
	size_t i;

	/*
	 * The parent's ledger connection is the parent's: let go of this copy
	 * before the task opens its own (nothing is opened yet, so no descriptor
	 * number is reused), without ending a team database's session.
	 */
	ledger_close(t->ledger);
	t->ledger = NULL;
	util_set_die_hook(NULL);
	/* the terminal is the client's: here stdout is the events pipe, which curses must not write */
	cred_around(NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(dfl); i++)
		signal(dfl[i], SIG_DFL);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = child_on_stop;
	for (i = 0; i < ARRAY_SIZE(stop); i++)
		sigaction(stop[i], &sa, NULL);
#ifdef __linux__
	/* in a session of its own, the task hears no hang-up: the client's end is its Ctrl-C */
	prctl(PR_SET_PDEATHSIG, SIGINT);
	if (getppid() != c->parent)
		child_orphaned();
#endif
	signal(SIGPIPE, SIG_IGN);
	/* the keys the client got with the terminal (tui_agent_submit): here there is none */
	cred_keep_for_life();
	undo_dir = xstrfmt("%s/undo", cfg->data_dir);
	memset(&wo, 0, sizeof wo);
	wo.deny = (const char *const *)cfg->agent_deny;
	wo.allow_secret = (const char *const *)cfg->agent_allow_secret;
	wo.allow = (const char *const *)cfg->agent_allow;
	wo.allow_run = (const char *const *)cfg->agent_allow_run;
	wo.undo_dir = undo_dir;
	wo.writable = (const char *const *)cfg->agent_writable;
	wo.unix_sockets = cfg->agent_unix_sockets;
	wo.protect = protect;
	wo.run_timeout_ms = (int)cfg->agent_run_timeout * 1000;
	wo.cancel = &child_cancel_int;
	wo.output = child_output;
	wo.output_arg = c;
	buf_init(&c->out_held, 0);
	if (ws_open(&w, ".", &wo, &cause) != 0) {
		child_fail(c, cause);
		_exit(0);
	}
	if ((l = cli_ledger_open(t->cli, &cause)) == NULL) {
		child_fail(c, cause);
		_exit(0);
	}
	o = (struct agent_opts){
		.task = prompt,
		.tier = t->tier,
		.model = t->pin,
		.max_cost = t->agent_cap,
		.tier_how = "/tier",
		.cap_how = "/agent cap",
		.ask = child_ask,
		.ask_arg = c,
		.cancel = &child_cancel_int,
		.more = child_more,
		.on_task = child_task,
		.on_step = child_step,
		.on_priced = child_priced,
		.on_note = child_note,
		.on_text = child_text,
		.on_call = child_call,
		.arg = c,
	};
	if (resume != NULL)
		agent_resume_opts(&o, resume);
	c->o = &o;
	/* a key the task needs and cannot get stops it before its first step, as in llm do */
	if (agent_keys(cfg, t->cat, &o, &warn, &cause) != CHAT_OK) {
		child_fail(c, cause);
		_exit(0);
	}
	for (line = warn; line != NULL && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		child_note(c, line);
	}
	free(warn);
	agent_run(cfg, t->cat, l, w, &o, &r);
	if (child_cancel)
		r.status = CHAT_CANCELLED;
	/* a task that changed no file leaves the last one that did as /undo's */
	changed = r.task_id > 0 && ws_undo_task(undo_dir, ws_root(w)) == r.task_id;
	ws_close(w); /* its commands' temporary directory goes */
	child_done(c, &r, changed);
	_exit(0);
}
