/* tui_agent: agent mode: a task runs in a child process while the screen stays live. */
/*
 * The child (tui_agent_child.c) reports each call, step and note as a JSON
 * line on a pipe the main loop reads; an approval or the cap's question is a
 * line the child then waits on, answered by one key on the other pipe.
 * Ctrl-C sends the child SIGINT, which stops the current request or command
 * (its process group) and keeps what is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "agent.h"
#include "agent_resume.h"
#include "cred.h"
#include "pricing.h"
#include "proc.h"
#include "tui_agent_priv.h"
#include "tui_priv.h"
#include "util.h"

static void on_event(struct tui *t, const char *line);

bool
tui_agent_busy(const struct tui *t)
{
	return t->ag.pid != 0;
}

/* Worked out once: the directory the TUI runs in stays. */
const char *
tui_agent_where(struct tui *t)
{
	const char *h = getenv("HOME"), *root;
	char *home, *cause = NULL, *shown;
	struct ws *w;
	size_t n;

	if (t->where != NULL)
		return t->where;
	if (ws_open(&w, ".", NULL, &cause) != 0) {
		free(cause);
		return t->where = xstrdup("");
	}
	root = ws_root(w);
	home = h != NULL && *h != '\0' ? realpath(h, NULL) : NULL;
	n = home != NULL ? strlen(home) : 0;
	if (n > 1 && strncmp(root, home, n) == 0 && (root[n] == '\0' || root[n] == '/'))
		shown = xstrfmt("~%s", root + n);
	else
		shown = xstrdup(root);
	t->where = visible_name(shown);
	free(shown);
	free(home);
	ws_close(w);
	return t->where;
}

int
tui_agent_fd(const struct tui *t)
{
	return t->ag.pid != 0 ? t->ag.ev : -1;
}

/* Free a string the task's state holds, and forget it. */
void
tui_agent_drop_str(char **p)
{
	free(*p);
	*p = NULL;
}

/* "task $0.0012 of $0.05 cap", or "task $0.0012" without one. */
void
tui_agent_task_total(const struct tui *t, char *out, size_t n)
{
	char a[32], b[32];

	/* a step without a price is never counted as free: "$0.0012 + $?" */
	pricing_format(t->ag.total, t->ag.estimated, a, sizeof a);
	if (t->ag.unknown)
		str_copy(a + strlen(a), sizeof a - strlen(a), " + $?");
	if (t->ag.cap > 0) {
		pricing_format_exact(t->ag.cap, b, sizeof b);
		snprintf(out, n, "task %s of %s cap", a, b);
	} else {
		snprintf(out, n, "task %s", a);
	}
}

const char *
tui_agent_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t
tui_agent_jpico(const cJSON *o, const char *key)
{
	const char *s = tui_agent_jstr(o, key);
	int64_t v = 0;

	if (s == NULL || !str_to_i64(s, &v))
		return 0;
	return v;
}

bool
tui_agent_jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

void
tui_agent_feed(struct tui *t, const char *line)
{
	on_event(t, line);
}

/* Close the pipes and reap the child. */
static void
agent_reap(struct tui *t)
{
	struct tui_agent *g = &t->ag;

	if (g->ev >= 0)
		close(g->ev);
	if (g->ans >= 0)
		close(g->ans);
	g->ev = g->ans = -1;
	g->proc.in = g->proc.out = -1;
	if (g->pid > 0)
		proc_wait(&g->proc);
	g->pid = 0;
	buf_done(&g->in);
	tui_agent_drop_str(&g->answer_info);
	tui_agent_drop_str(&g->ask_tool);
	tui_agent_drop_str(&g->ask_preview);
	tui_agent_drop_str(&g->ask_why);
	tui_agent_drop_str(&g->more_what);
	g->ask_entry = NULL;
	tui_agent_drop_str(&g->sent_pin);
	g->step = NULL;
	g->stream = NULL;
	g->price_at = NULL;
	g->task_note = NULL;
	tui_agent_drop_str(&g->priced_info);
	buf_done(&g->out);
	tui_agent_drop_str(&g->out_base);
	tui_agent_edit_end(t);
	if (t->mode == MODE_APPROVE)
		t->mode = MODE_INPUT;
	tui_view_ask(&t->view, NULL);
}

static void
on_done(struct tui *t, const cJSON *e)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(e, "steps");
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(e, "signal");
	const char *answer = tui_agent_jstr(e, "answer"), *err = tui_agent_jstr(e, "error");
	int status = cJSON_IsNumber(st) ? st->valueint : CHAT_USAGE;
	char tot[96], how[64] = "", *info, *s;
	struct tui_msg *m;

	t->ag.cap = tui_agent_jpico(e, "cap");
	t->ag.task_id = tui_agent_jpico(e, "task");
	tui_agent_task_total(t, tot, sizeof tot);
	/* stopped before its first request, the task was not kept: its id names nothing */
	if (t->ag.task_id == 0 && t->ag.task_note != NULL) {
		s = "stopped before its first step: no task was kept";
		tui_view_set(&t->view, t->ag.task_note, s, strlen(s));
	}
	/* the id llm logs --task and llm usage --by task know it by */
	if (t->ag.task_id > 0) {
		s = xstrfmt("task %lld:%s", (long long)t->ag.task_id, tot + strlen("task"));
		str_copy(tot, sizeof tot, s);
		free(s);
	}
	if (answer != NULL) {
		/* the reply streamed in: what the task ended with is the whole of it */
		m = t->ag.stream;
		if (m != NULL)
			tui_view_set(&t->view, m, answer, strlen(answer));
		else
			m = tui_view_add(&t->view, TUI_ASSISTANT, answer, strlen(answer));
		t->ag.stream = NULL;
		info = t->ag.answer_info != NULL ? xstrfmt("%s", t->ag.answer_info) : xstrdup(tot);
		tui_view_set_info(m, info);
		free(info);
	}
	if (status != CHAT_OK) {
		/* stopped midway, a task kept goes on from there, here or with llm do --resume */
		if (t->ag.task_id > 0)
			snprintf(how, sizeof how, "; /agent resume %lld goes on with it",
			    (long long)t->ag.task_id);
		/* stopped by a signal, to the task's own process too: the note names it */
		s = xstrfmt("%s%s; stopped after %d step%s (%s)%s", status == CHAT_CANCELLED ?
		    signal_words(cJSON_IsNumber(sig) ? sig->valueint : SIGINT) : err ? err : "stopped",
		    status == CHAT_CANCELLED ? ": what was done is kept" : "",
		    cJSON_IsNumber(ns) ? ns->valueint : 0, cJSON_IsNumber(ns) && ns->valueint == 1 ?
		    "" : "s", tot, how);
		tui_view_add(&t->view, status == CHAT_CANCELLED ? TUI_NOTE : TUI_ERROR, s, strlen(s));
		free(s);
	}
	tui_status(t, false, "%s%s", tot, tui_agent_jbool(e, "changed") ? " (/undo restores its files)" : "");
	agent_reap(t);
	tui_meter_refresh(t);
	t->route_dirty = true;
	t->dirty = true;
}

/* The task has its row: say its id, which llm logs --task and llm usage know it by. */
static void
on_task(struct tui *t, const cJSON *e)
{
	char k[16], *note;

	t->ag.task_id = tui_agent_jpico(e, "task");
	note = xstrfmt("task %lld · llm logs --task %lld shows its steps",
	    (long long)t->ag.task_id, (long long)t->ag.task_id);
	t->ag.task_note = tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	tui_status(t, false, "agent task %lld running (%s stops the current step)",
	    (long long)t->ag.task_id, k);
}

static void
on_event(struct tui *t, const char *line)
{
	cJSON *e = cJSON_Parse(line);
	const char *kind = tui_agent_jstr(e, "e"), *note;

	if (kind == NULL) {
		cJSON_Delete(e);
		return;
	}
	if (strcmp(kind, "call") == 0) {
		tui_agent_on_call(t, e);
	} else if (strcmp(kind, "text") == 0) {
		tui_agent_on_text(t, e);
	} else if (strcmp(kind, "out") == 0) {
		tui_agent_on_output(t, e);
	} else if (strcmp(kind, "task") == 0) {
		on_task(t, e);
	} else if (strcmp(kind, "step") == 0) {
		tui_agent_on_step(t, e);
	} else if (strcmp(kind, "priced") == 0) {
		tui_agent_on_priced(t, e);
	} else if (strcmp(kind, "note") == 0 && (note = tui_agent_jstr(e, "line")) != NULL) {
		tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	} else if (strcmp(kind, "ask") == 0 || strcmp(kind, "more") == 0) {
		tui_agent_on_ask(t, e, kind[0] == 'm');
	} else if (strcmp(kind, "done") == 0) {
		on_done(t, e);
	}
	cJSON_Delete(e);
	t->dirty = true;
}

/* F2 or F3 changed the tier or the pin: the task takes it from its next step on. */
void
tui_agent_send_route(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	const char *pin = t->pin != NULL ? t->pin : "";
	char *line = NULL, *note;

	if (g->pid == 0 || g->ans < 0 || strchr(pin, '\n') != NULL)
		return;
	if (t->tier != g->sent_tier) {
		line = xstrfmt("tier %s\n", t->tier == TIER_AUTO ? "auto" : tier_str(t->tier));
		g->sent_tier = t->tier;
	} else if (strcmp(pin, g->sent_pin ? g->sent_pin : "") != 0) {
		line = *pin ? xstrfmt("model %s\n", pin) : xstrdup("model\n");
		free(g->sent_pin);
		g->sent_pin = xstrdup(pin);
	}
	if (line == NULL)
		return;
	if (write(g->ans, line, strlen(line)) != (ssize_t)strlen(line)) {
		/* the task is gone; its end is read from the other pipe */
	}
	line[strlen(line) - 1] = '\0';
	/* a tier under a pin changes nothing until the pin goes: say so, not that it applies */
	if (*pin && str_startswith(line, "tier "))
		note = xstrfmt("from the next step on: %s, but the pinned model %s still wins",
		    line, pin);
	else
		note = xstrfmt("from the next step on: %s", line);
	tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	free(line);
	t->dirty = true;
}

/* Read what the task sent, and act on each whole line. */
void
tui_agent_poll(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	char chunk[8192], *nl, *gone;
	ssize_t n;

	tui_agent_send_route(t);
	tui_agent_send_route(t);
	while (g->pid != 0 && g->ev >= 0) {
		n = read(g->ev, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* the child is gone without its end: say so, and how to go on with it */
			gone = g->task_id > 0 ? xstrfmt("the task ended without an answer; /agent "
			    "resume %lld goes on with it", (long long)g->task_id) :
			    xstrdup("the task ended without an answer");
			tui_view_add(&t->view, TUI_ERROR, gone, strlen(gone));
			free(gone);
			agent_reap(t);
			tui_meter_refresh(t);
			return;
		}
		if (buf_add(&g->in, chunk, (size_t)n) != 0) {
			tui_agent_kill(t);
			tui_view_add(&t->view, TUI_ERROR, "the task sent too much: stopped", 31);
			return;
		}
		while (g->pid != 0 && g->in.len > 0 && (nl = memchr(g->in.data, '\n', g->in.len))) {
			char *line = xstrndup(g->in.data, (size_t)(nl - g->in.data));

			buf_consume(&g->in, (size_t)(nl - g->in.data) + 1);
			on_event(t, line);
			free(line);
		}
	}
}

/*
 * /agent cap during a task: the running task takes it too, from its next step
 * on (the first cap again for the question's y), and the transcript says so.
 */
void
tui_agent_send_cap(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	char *line, *note, c[32];

	if (g->pid == 0 || g->ans < 0)
		return;
	line = xstrfmt("cap %" PRId64 "\n", t->agent_cap);
	if (write(g->ans, line, strlen(line)) != (ssize_t)strlen(line)) {
		/* the task is gone; its end is read from the other pipe */
	}
	free(line);
	g->cap = g->cap0 = t->agent_cap;
	pricing_format_exact(t->agent_cap, c, sizeof c);
	note = t->agent_cap > 0 ? xstrfmt("from the next step on: this task is capped at %s", c) :
	    xstrdup("from the next step on: this task has no cap");
	tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	t->dirty = true;
}

/*
 * Get the task's keys before it starts, here where a key_command has the
 * terminal for its passphrase prompt (tui.c gives it back): the task runs in
 * a session of its own, with none, and keeps the keys got here. False when
 * Ctrl-C stopped a key_command, said; any other failure is the task's to say.
 */
static bool
keys_first(struct tui *t, const char *prompt, const struct ledger_task *resume)
{
	struct agent_opts o = { .task = prompt, .tier = t->tier, .model = t->pin };
	char *warn = NULL, *cause = NULL;
	int rc;

	if (resume != NULL)
		agent_resume_opts(&o, resume);
	rc = agent_keys(t->cfg, t->cat, &o, &warn, &cause);
	free(warn);
	free(cause);
	if (rc != CHAT_OK && cred_stopped()) {
		tui_status(t, true, "agent: interrupted before the task started: a key_command was "
		    "stopped");
		return false;
	}
	return true;
}

void
tui_agent_submit(struct tui *t, const char *prompt, const struct ledger_task *resume)
{
	struct proc_spec s = { .in = PROC_IO_PIPE, .out = PROC_IO_PIPE };
	struct tui_agent *g = &t->ag;
	pid_t parent = getpid();
	struct proc p;
	char *cause = NULL, k[16];

	if (!keys_first(t, prompt, resume))
		return;
	/* a fork alone: the child is this program, in a session of its own, its
	 * stdout the events pipe and its stdin the answers pipe */
	fflush(NULL);
	if (proc_start(&p, &s, &cause) != 0) {
		tui_status(t, true, "agent: %s", cause);
		free(cause);
		return;
	}
	if (p.pid == 0)
		tui_agent_child(t, prompt, resume, parent);
	fcntl(p.out, F_SETFL, fcntl(p.out, F_GETFL) | O_NONBLOCK);
	memset(g, 0, sizeof *g);
	g->proc = p;
	g->pid = p.pid;
	g->ev = p.out;
	g->ans = p.in;
	g->cap = g->cap0 = t->agent_cap;
	g->sent_tier = t->tier;
	g->sent_pin = xstrdup(t->pin != NULL ? t->pin : "");
	buf_init(&g->in, TUI_AGENT_EVENT_MAX);
	buf_init(&g->out, 0);
	t->view.scroll = 0;
	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	tui_status(t, false, "agent task running (%s stops the current step)", k);
}

/* Stop the running task's current step with sig (SIGINT: Ctrl-C); false when no task runs. */
static bool
agent_interrupt(struct tui *t, int sig)
{
	if (t->ag.pid == 0)
		return false;
	proc_signal(&t->ag.proc, sig);
	return true;
}

void
tui_agent_cancel(struct tui *t)
{
	if (!agent_interrupt(t, SIGINT))
		return;
	tui_agent_edit_end(t);
	if (t->mode == MODE_APPROVE)
		tui_agent_answer(t, t->ag.asking_more ? "0" : "n");
	tui_status(t, false, "stopping the task's current step; what is done is kept");
}

void
tui_agent_kill(struct tui *t)
{
	tui_agent_kill_by(t, SIGINT);
}

void
tui_agent_kill_by(struct tui *t, int sig)
{
	if (!agent_interrupt(t, sig))
		return;
	if (t->ag.ans >= 0)
		close(t->ag.ans);
	t->ag.ans = -1;
	agent_reap(t);
}
