/* tui_cmd: sending, slash commands, attachments, saving and copying. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "pricing.h"
#include "proc.h"
#include "store.h"
#include "tui_priv.h"
#include "tui_usage.h"
#include "util.h"

#define ATTACH_MAX (1 << 20)
#define RUN_MAX (256 * 1024)
/* How long the clipboard tool may take to read what it is given. */
#define CLIP_TIMEOUT_MS (10 * 1000)

struct cmd {
	const char *name, *args, *help;
	void (*fn)(struct tui *t, char *arg);
};

/* The options a turn is sent with now. */
void
tui_opts(const struct tui *t, struct chat_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tier = t->tier;
	o->model = t->pin;
	o->system = t->system != NULL ? t->system : "";   /* "": none, even after a resume */
	o->stream = true;
	o->escalate = t->cfg->escalate;
	o->max_tokens = t->cfg->max_tokens;
}

/* The prompt for input: attachments first, then the text; malloc'd. */
char *
tui_compose(const struct tui *t, const char *input)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < t->natt; i++) {
		buf_adds(&b, t->att[i].text);
		buf_adds(&b, "\n");
	}
	buf_adds(&b, input);
	return buf_detach(&b);
}

/* One line per request of a turn: tier · model · tokens · cost · why. */
static char *
turn_info(const struct chat_turn *turn)
{
	struct buf b;
	char in[16], out[16], money[32];
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < turn->nsteps; i++) {
		const struct chat_step *s = &turn->steps[i];
		int64_t input = s->usage.input + s->usage.cached_input + s->usage.cache_write +
		    s->usage.cache_write_1h;

		fmt_tokens(input, in, sizeof(in));
		fmt_tokens(s->usage.output, out, sizeof(out));
		pricing_format(s->cost, s->estimated, money, sizeof(money));
		buf_addf(&b, "%s%s \xc2\xb7 %s \xc2\xb7 %s%s\xe2\x86\x92%s tok \xc2\xb7 %s", i ? "\n" : "",
		    tier_str(s->tier), s->model ? s->model->name : "?", s->estimated ? "~" : "", in, out,
		    money);
		if (s->why != NULL && strcmp(s->why, "routed") != 0)
			buf_addf(&b, " \xc2\xb7 %s", s->why);
	}
	if (turn->nsteps > 1) {
		pricing_format(turn->cost, turn->estimated, money, sizeof(money));
		buf_addf(&b, "\ntotal %s", money);
	}
	if (turn->nsteps == 0 && turn->route.model != NULL)
		buf_addf(&b, "%s \xc2\xb7 %s", tier_str(turn->route.tier), turn->route.model->name);
	return buf_detach(&b);
}

static void
cb_text(void *arg, const char *s, size_t n)
{
	struct tui *t = arg;

	if (t->streaming == NULL) {
		t->streaming = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
		visible_init(&t->vis);
	}
	buf_reset(&t->scratch);
	visible_feed(&t->vis, s, n, &t->scratch);
	if (t->scratch.len > 0)
		tui_view_append(&t->view, t->streaming, t->scratch.data, t->scratch.len);
	t->dirty = true;
}

static void
cb_note(void *arg, const char *line)
{
	struct tui *t = arg;

	/* Retries, downgrades and escalations read best above the answer they led to. */
	if (t->streaming != NULL && t->streaming->text.len == 0)
		tui_view_insert(&t->view, t->streaming, TUI_NOTE, line, strlen(line));
	else
		tui_view_add(&t->view, TUI_NOTE, line, strlen(line));
	t->dirty = true;
}

static void
cb_done(void *arg, const struct chat_turn *turn)
{
	struct tui *t = arg;
	struct tui_msg *m = t->streaming;
	char *info;

	if (m == NULL)
		m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
	/* The answer kept is the last request's, whatever streamed before an escalation. */
	if (turn->text != NULL)
		tui_view_set(&t->view, m, turn->text, turn->len);
	info = turn_info(turn);
	tui_view_set_info(m, *info ? info : NULL);
	free(info);
	if (turn->cancelled) {
		const char *s = "cancelled: the partial answer and its cost are kept";

		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
	}
	else if (turn->status != 0 && turn->error != NULL)
		tui_view_add(&t->view, TUI_ERROR, turn->error, strlen(turn->error));
	t->streaming = NULL;
	t->route_dirty = true;
	tui_meter_refresh(t);
	t->dirty = true;
}

/* The callbacks turns report through. */
const struct chat_cb *
tui_callbacks(struct tui *t)
{
	static struct chat_cb cb = { .text = cb_text, .note = cb_note, .done = cb_done };

	cb.arg = t;
	return &cb;
}

/* After chat_send or chat_retry_up: the reply's entry, or the refusal. */
static void
started(struct tui *t, int rc)
{
	const struct chat_turn *turn = chat_last(t->chat);
	char *info;

	t->view.scroll = 0;
	if (rc == 0 && !chat_busy(t->chat))
		return;   /* it already ended, through cb_done */
	if (rc != 0) {
		const char *e = turn && turn->error ? turn->error : "the request was refused";

		tui_view_add(&t->view, TUI_ERROR, e, strlen(e));
		tui_meter_refresh(t);
		return;
	}
	if (t->streaming == NULL) {
		t->streaming = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
		visible_init(&t->vis);
	}
	t->stream_start = clock_ms();
	t->stream_secs = 0;
	if (turn != NULL && turn->route.model != NULL) {
		info = xstrfmt("%s \xc2\xb7 %s \xc2\xb7 \xe2\x80\xa6", tier_str(turn->route.tier),
		    turn->route.model->name);
		tui_view_set_info(t->streaming, info);
		free(info);
	}
	tui_meter_refresh(t);
}

static void
attach_free(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->natt; i++) {
		free(t->att[i].label);
		free(t->att[i].text);
	}
	t->natt = 0;
	t->route_dirty = true;
}

/* Send a line: a slash command, or a message with the attachments. */
void
tui_submit(struct tui *t, const char *line)
{
	struct chat_opts o;
	struct buf shown;
	char *prompt;
	size_t i;
	int rc;

	t->status[0] = '\0';
	if (line[0] == '/' && line[1] != '/') {
		tui_command(t, line);
		return;
	}
	if (line[0] == '/')
		line++;   /* "//" sends a line that starts with a slash */
	if (*line == '\0' && t->natt == 0)
		return;
	if (chat_busy(t->chat) || tui_job_busy(t)) {
		char k[16];

		tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
		if (chat_busy(t->chat))
			tui_status(t, true, "a reply is still streaming: wait, or %s to cancel it", k);
		else
			tui_status(t, true, "a /run command is still running: wait for its output, or %s "
			    "to stop it", k);
		t->restore_input = xstrdup(line);
		return;
	}
	buf_init(&shown, 0);
	for (i = 0; i < t->natt; i++)
		buf_addf(&shown, "[attached %s]\n", t->att[i].label);
	buf_adds(&shown, line);
	tui_view_add(&t->view, TUI_USER, shown.data ? shown.data : "", shown.len);
	buf_done(&shown);
	prompt = tui_compose(t, line);
	tui_opts(t, &o);
	rc = chat_send(t->chat, &o, prompt, tui_callbacks(t));
	free(prompt);
	if (rc == 0)
		attach_free(t);
	started(t, rc);
	t->route_dirty = true;
}

/* Re-ask the last turn one tier up. */
void
tui_retry_up(struct tui *t)
{
	const struct chat_turn *turn = chat_last(t->chat);
	struct chat_opts o;
	int rc;

	if (chat_busy(t->chat)) {
		tui_status(t, true, "a reply is still streaming");
		return;
	}
	if (turn == NULL || turn->nsteps == 0) {
		tui_status(t, true, "nothing to re-ask yet");
		return;
	}
	if (turn->steps[turn->nsteps - 1].tier >= TIER_FRONTIER) {
		tui_status(t, true, "the last answer came from the frontier tier: there is no tier above");
		return;
	}
	tui_opts(t, &o);
	rc = chat_retry_up(t->chat, &o, tui_callbacks(t));
	if (rc == 0) {
		char *s = xstrfmt("re-asking one tier up: %s", tier_str(chat_last(t->chat)->route.tier));

		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
		free(s);
	}
	started(t, rc);
}

/* Cycle the tier override. */
void
tui_tier_cycle(struct tui *t)
{
	t->tier = t->tier == TIER_FRONTIER ? TIER_AUTO : (enum tier)(t->tier + 1);
	t->route_dirty = true;
	if (t->pin != NULL)
		tui_status(t, false, "tier: %s (the pinned model %s still wins)", t->tier == TIER_AUTO ?
		    "auto" : tier_str(t->tier), t->pin);
	else
		tui_status(t, false, "tier: %s", t->tier == TIER_AUTO ? "auto" : tier_str(t->tier));
}

/* A code fence longer than any run of backticks in text, so the text cannot close it. */
static char *
fence_for(const char *text)
{
	size_t run = 0, longest = 2;

	for (; *text; text++) {
		run = *text == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	return xstrfmt("%.*s", (int)longest + 1, "````````````````````````````````````````");
}

/*
 * Read a regular file of at most max bytes into *out (malloc'd, NUL-ended).
 * The open never waits: a FIFO with no writer, a terminal or a device would
 * hold the screen for good, so anything but a regular file is refused.
 */
static int
attach_read(const char *path, size_t max, char **out, size_t *len, char **cause)
{
	struct stat st;
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&b, max);
	if (fstat(fd, &st) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: %s; attach a regular file", path, S_ISDIR(st.st_mode) ?
		    "a directory" : S_ISFIFO(st.st_mode) ? "a pipe (FIFO)" : S_ISSOCK(st.st_mode) ?
		    "a socket" : "a device");
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (buf_add(&b, chunk, (size_t)n) != 0) {
			xasprintf(cause, "%s: larger than %zu bytes", path, max);
			goto out;
		}
	}
	*len = b.len;
	*out = buf_detach(&b);
	rc = 0;
out:
	buf_done(&b);
	close(fd);
	return rc;
}

/* Read a file into an attachment. */
int
tui_attach_file(struct tui *t, const char *path)
{
	char *text = NULL, *cause = NULL, *full, *fence;
	size_t len = 0;
	char tok[16];

	if (attach_read(path, ATTACH_MAX, &text, &len, &cause) != 0) {
		tui_status(t, true, "%s", cause);
		free(cause);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		tui_status(t, true, "%s: a binary file; attach text", path);
		free(text);
		return -1;
	}
	fence = fence_for(text);
	full = xstrfmt("File: %s\n%s\n%s%s%s\n", path, fence, text, len && text[len - 1] != '\n' ?
	    "\n" : "", fence);
	free(fence);
	free(text);
	t->att = xreallocarray(t->att, t->natt + 1, sizeof(*t->att));
	t->att[t->natt].label = xstrdup(path);
	t->att[t->natt].text = full;
	t->natt++;
	fmt_tokens(pricing_estimate_tokens(full, strlen(full)), tok, sizeof(tok));
	tui_status(t, false, "attached %s (%s tok): it goes with the next message", path, tok);
	t->route_dirty = true;
	return 0;
}

/*
 * /run: the command runs in the background, in a session of its own (proc),
 * with no terminal, none of llm's descriptors, no key variables, and its
 * output on a pipe the main loop reads, so the screen stays live and the
 * cancel key stops it.
 */
void
tui_run_attach(struct tui *t, const char *cmd)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct proc_spec s = { .argv = argv, .out = PROC_IO_PIPE, .err = PROC_IO_STDOUT };
	struct tui_job *j = &t->job;
	struct proc p;
	char k[16], *cause = NULL;

	if (j->pid != 0) {
		tui_status(t, true, "a /run command is still running: %s", j->cmd);
		return;
	}
	if (proc_start(&p, &s, &cause) != 0) {
		tui_status(t, true, "run: %s", cause);
		free(cause);
		return;
	}
	fcntl(p.out, F_SETFL, fcntl(p.out, F_GETFL) | O_NONBLOCK);
	j->pid = p.pid; /* the leader of its session and process group */
	j->fd = p.out;
	j->cut = j->stopped = false;
	j->cmd = xstrdup(cmd);
	buf_init(&j->out, RUN_MAX);
	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	tui_status(t, false, "running (%s stops it): %s", k, cmd);
}

/* Whether /run's command is still running. */
bool
tui_job_busy(const struct tui *t)
{
	return t->job.pid != 0;
}

/* Attach the finished command's output, exit status st. */
static void
job_attach(struct tui *t, int st)
{
	struct tui_job *j = &t->job;
	char tok[16], *fence;
	const char *out = j->out.data ? j->out.data : "";
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);

	t->att = xreallocarray(t->att, t->natt + 1, sizeof(*t->att));
	t->att[t->natt].label = xstrfmt("$ %s", j->cmd);
	fence = fence_for(out);
	t->att[t->natt].text = xstrfmt("Output of `%s` (exit %d)%s:\n%s\n%s%s%s\n", j->cmd, code,
	    j->cut ? ", cut at 256 KiB" : "", fence, out, j->out.len && out[j->out.len - 1] != '\n' ? "\n" : "",
	    fence);
	free(fence);
	fmt_tokens(pricing_estimate_tokens(t->att[t->natt].text, strlen(t->att[t->natt].text)), tok,
	    sizeof(tok));
	t->natt++;
	tui_status(t, code != 0, "ran %s: exit %d, %s tok attached to the next message", j->cmd, code, tok);
	t->route_dirty = true;
}

static void
job_clear(struct tui *t)
{
	struct tui_job *j = &t->job;

	if (j->fd >= 0)
		close(j->fd);
	buf_done(&j->out);
	free(j->cmd);
	memset(j, 0, sizeof *j);
	j->fd = -1;
}

/* Read what the command printed; attach it once the command is over. */
void
tui_job_poll(struct tui *t)
{
	struct tui_job *j = &t->job;
	char chunk[4096];
	ssize_t n;
	int st;
	pid_t r;

	if (j->pid == 0)
		return;
	while (j->fd >= 0) {
		n = read(j->fd, chunk, sizeof(chunk));
		if (n > 0) {
			/* past the cap the rest is read and dropped, so the command is never stuck */
			if (!j->cut && buf_add(&j->out, chunk, (size_t)n) != 0)
				j->cut = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		close(j->fd);
		j->fd = -1;
	}
	r = waitpid(j->pid, &st, WNOHANG);
	if (r == 0)
		return; /* the output is closed, the command not yet over */
	if (r == j->pid && !j->stopped)
		job_attach(t, st);
	else if (j->stopped)
		tui_status(t, false, "stopped, nothing attached: %s", j->cmd);
	job_clear(t);
	t->dirty = true;
}

/* Stop the command (its whole process group); nothing is attached. */
void
tui_job_stop(struct tui *t)
{
	if (t->job.pid == 0)
		return;
	t->job.stopped = true;
	kill(-t->job.pid, SIGTERM);
	tui_status(t, false, "stopping: %s", t->job.cmd);
}

/* Stop the command and forget it at once (when the TUI closes). */
void
tui_job_kill(struct tui *t)
{
	if (t->job.pid == 0)
		return;
	kill(-t->job.pid, SIGKILL);
	waitpid(t->job.pid, NULL, 0);
	job_clear(t);
}

/* Whether prog is an executable file in a directory of PATH. */
static bool
in_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	bool found = false;
	char *full;

	for (p = path; p != NULL && *p && !found; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		full = xstrfmt("%.*s/%s", (int)(end - p), end > p ? p : ".", prog);
		found = access(full, X_OK) == 0;
		free(full);
	}
	return found;
}

/* The clipboard command: LLM_CLIPBOARD, wl-copy on Wayland, xclip on X; NULL if none. */
static char *
clipboard_cmd(void)
{
	const char *env = getenv("LLM_CLIPBOARD");

	if (env != NULL && *env)
		return xstrdup(env);
	if (getenv("WAYLAND_DISPLAY") && in_path("wl-copy"))
		return xstrdup("wl-copy");
	if (getenv("DISPLAY") && in_path("xclip"))
		return xstrdup("xclip -selection clipboard");
	return NULL;
}

/*
 * Give text to the clipboard command on its stdin (proc: a session of its
 * own, no key variables; a tool that keeps serving the selection carries on
 * after it returns). 0 when it took it and exited 0, else -1 with *cause.
 */
static int
clipboard_put(const char *cmd, const char *text, char **cause)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct proc_spec s = { .argv = argv, .in = PROC_IO_PIPE, .timeout_ms = CLIP_TIMEOUT_MS };
	struct proc p;
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int st;

	if (proc_start(&p, &s, cause) != 0)
		return -1;
	while (off < len && ((n = write(p.in, text + off, len - off)) > 0 || errno == EINTR))
		off += n > 0 ? (size_t)n : 0;
	close(p.in);
	p.in = -1;
	st = proc_wait(&p);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	xasprintf(cause, "%s failed", cmd);
	return -1;
}

/* Copy code block n (0: the last reply) to the clipboard. */
void
tui_copy(struct tui *t, int n)
{
	const char *text = NULL, *what = "the last reply";
	char *cmd, *cause = NULL, label[32];
	size_t i;

	if (n > 0) {
		const struct md_code *c = tui_view_code(&t->view, n);

		if (c == NULL) {
			tui_status(t, true, "no code block %d", n);
			return;
		}
		text = c->text;
		snprintf(label, sizeof(label), "code block %d", n);
		what = label;
	} else {
		for (i = t->view.n; i > 0 && text == NULL; i--)
			if (t->view.msgs[i - 1]->role == TUI_ASSISTANT)
				text = t->view.msgs[i - 1]->text.data;
	}
	if (text == NULL) {
		tui_status(t, true, "nothing to copy yet");
		return;
	}
	if ((cmd = clipboard_cmd()) == NULL) {
		tui_status(t, true, "no clipboard tool: install wl-copy or xclip (or set LLM_CLIPBOARD)");
		return;
	}
	if (clipboard_put(cmd, text, &cause) == 0)
		tui_status(t, false, "copied %s", what);
	else
		tui_status(t, true, "copy: %s", cause);
	free(cause);
	free(cmd);
}

/* Load conversation id into the transcript and continue it. */
int
tui_resume(struct tui *t, int64_t id)
{
	struct store_msg *msgs = NULL;
	char *cause = NULL, in[16], out[16], money[32];
	size_t n = 0, i;

	if (t->ledger == NULL) {
		tui_status(t, true, "no ledger: conversations cannot be resumed");
		return -1;
	}
	if (chat_busy(t->chat))
		chat_cancel(t->chat);
	if (chat_resume(t->chat, id, &cause) != 0 ||
	    store_msgs(ledger_store(t->ledger), id, &msgs, &n, &cause) != 0) {
		tui_status(t, true, "conversation %lld: %s", (long long)id, cause ? cause : "not found");
		free(cause);
		return -1;
	}
	tui_view_clear(&t->view);
	for (i = 0; i < n; i++) {
		struct store_msg *s = &msgs[i];
		bool user = s->role && strcmp(s->role, "user") == 0;
		struct tui_msg *m = tui_view_add(&t->view, user ? TUI_USER : TUI_ASSISTANT,
		    s->text ? s->text : "", s->text ? strlen(s->text) : 0);

		if (!user && s->model != NULL) {
			char *info;

			fmt_tokens(s->input, in, sizeof(in));
			fmt_tokens(s->output, out, sizeof(out));
			pricing_format(s->cost, s->estimated, money, sizeof(money));
			info = xstrfmt("%s \xc2\xb7 %s \xc2\xb7 %s%s\xe2\x86\x92%s tok \xc2\xb7 %s", s->tier ?
			    s->tier : "?", s->model, s->estimated ? "~" : "", in, out, money);
			tui_view_set_info(m, info);
			free(info);
		}
	}
	store_msgs_free(msgs, n);
	/* the conversation's own system prompt carries on, and /system shows it */
	free(t->system);
	t->system = chat_system(t->chat) ? xstrdup(chat_system(t->chat)) : NULL;
	t->streaming = NULL;
	t->route_dirty = true;
	tui_status(t, false, "conversation %lld: %zu messages", (long long)id, n);
	return 0;
}

static void
cmd_help(struct tui *t, char *arg)
{
	(void)arg;
	tui_pick_open(t, MODE_HELP);
}

static void
cmd_tier(struct tui *t, char *arg)
{
	enum tier tr;

	if (*arg == '\0') {
		tui_tier_cycle(t);
		return;
	}
	if (!tier_parse(arg, &tr)) {
		tui_status(t, true, "/tier: '%s' is not auto, cheap, mid or frontier", arg);
		return;
	}
	t->tier = tr;
	t->route_dirty = true;
	tui_status(t, false, "tier: %s%s", tr == TIER_AUTO ? "auto" : tier_str(tr),
	    t->pin ? " (the pinned model still wins)" : "");
}

static void
cmd_model(struct tui *t, char *arg)
{
	if (*arg == '\0') {
		tui_pick_open(t, MODE_PICK_MODEL);
		return;
	}
	free(t->pin);
	t->pin = NULL;
	t->route_dirty = true;
	if (strcmp(arg, "off") == 0 || strcmp(arg, "none") == 0 || strcmp(arg, "auto") == 0) {
		tui_status(t, false, "unpinned: messages are routed by tier");
		return;
	}
	if (strchr(arg, '/') == NULL && catalog_find(t->cat, arg) == NULL) {
		tui_status(t, true, "/model: unknown model '%s' (%s lists them)", arg, "/model");
		return;
	}
	t->pin = xstrdup(arg);
	tui_status(t, false, "pinned %s: every message goes to it", arg);
}

static void
cmd_retry(struct tui *t, char *arg)
{
	(void)arg;
	tui_retry_up(t);
}

static void
cmd_budget(struct tui *t, char *arg)
{
	char spent[32], res[32], lim[32], *s;
	const struct meter *m = &t->meter;

	(void)arg;
	tui_meter_refresh(t);
	if (!t->meter_ok)
		return;
	pricing_format(m->spent, m->estimated, spent, sizeof(spent));
	pricing_format(m->reserved, true, res, sizeof(res));
	if (m->limit > 0) {
		pricing_format(m->limit, false, lim, sizeof(lim));
		s = xstrfmt("budget %s: %s spent, %s reserved, of %s (%lld%%); %lld requests, %lld of "
		    "unknown cost; over budget: %s", m->month, spent, res, lim,
		    (long long)((m->spent + m->reserved) * 100 / m->limit), (long long)m->requests,
		    (long long)m->unknown_count, budget_action_str(t->cfg->budget_action));
	} else {
		s = xstrfmt("budget %s: %s spent, %s reserved, no monthly budget set; %lld requests, "
		    "%lld of unknown cost", m->month, spent, res, (long long)m->requests,
		    (long long)m->unknown_count);
	}
	tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
	free(s);
	t->view.scroll = 0;
}

static void
cmd_new(struct tui *t, char *arg)
{
	(void)arg;
	if (chat_busy(t->chat))
		chat_cancel(t->chat);
	chat_reset(t->chat);
	tui_view_clear(&t->view);
	attach_free(t);
	t->streaming = NULL;
	t->route_dirty = true;
	tui_status(t, false, "new conversation");
}

static void
cmd_resume(struct tui *t, char *arg)
{
	int64_t id;

	if (*arg == '\0') {
		tui_pick_open(t, MODE_PICK_CONV);
		return;
	}
	if (*arg == '#')
		arg++;
	if (!str_to_i64(arg, &id) || id <= 0) {
		tui_status(t, true, "/resume: '%s' is not a conversation number", arg);
		return;
	}
	tui_resume(t, id);
}

/* A path as typed, with a leading "~/" made the home directory as a shell would; malloc'd. */
static char *
typed_path(const char *arg)
{
	const char *home = getenv("HOME");

	if (arg[0] == '~' && (arg[1] == '/' || arg[1] == '\0') && home != NULL && *home)
		return xstrfmt("%s%s", home, arg + 1);
	return xstrdup(arg);
}

static void
cmd_file(struct tui *t, char *arg)
{
	char *path;

	if (*arg == '\0') {
		tui_status(t, true, "/file PATH: which file?");
		return;
	}
	path = typed_path(arg);
	tui_attach_file(t, path);
	free(path);
}

static void
cmd_run(struct tui *t, char *arg)
{
	if (*arg == '\0') {
		tui_status(t, true, "/run CMD: which command?");
		return;
	}
	free(t->confirm_cmd);
	t->confirm_cmd = xstrdup(arg);
	t->mode = MODE_CONFIRM;
	tui_status(t, false, "run `%s` and attach its output? y runs it, any other key does not", arg);
}

static void
cmd_save(struct tui *t, char *arg)
{
	char *sp = strchr(arg, ' ');
	const struct md_code *c;
	char *path;
	int64_t n;
	size_t len;
	int fd;

	if (sp == NULL) {
		tui_status(t, true, "/save N PATH: which code block, and where?");
		return;
	}
	*sp = '\0';
	if (!str_to_i64(arg, &n) || n <= 0 || n > 1000000) {
		tui_status(t, true, "/save: '%s' is not a code block number", arg);
		return;
	}
	if ((c = tui_view_code(&t->view, (int)n)) == NULL) {
		tui_status(t, true, "/save: there is no code block %lld", (long long)n);
		return;
	}
	path = typed_path(str_trim(sp + 1));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0) {
		tui_status(t, true, "/save: %s: %s%s", path, strerror(errno), errno == EEXIST ?
		    " (not overwritten)" : "");
		free(path);
		return;
	}
	len = strlen(c->text);
	if (write(fd, c->text, len) != (ssize_t)len)
		tui_status(t, true, "/save: %s: %s", path, strerror(errno));
	else
		tui_status(t, false, "saved code block %lld%s%s to %s", (long long)n, *c->lang ? " " :
		    "", c->lang, path);
	close(fd);
	free(path);
}

static void
cmd_copy(struct tui *t, char *arg)
{
	int64_t n = 0;

	if (*arg && (!str_to_i64(arg, &n) || n <= 0 || n > 1000000)) {
		tui_status(t, true, "/copy: '%s' is not a code block number", arg);
		return;
	}
	tui_copy(t, (int)n);
}

/* /system: show the system prompt; TEXT sets it, --clear drops it. */
static void
cmd_system(struct tui *t, char *arg)
{
	char *s;

	if (*arg == '\0') {
		if (t->system == NULL) {
			tui_status(t, false, "no system prompt (/system TEXT sets one)");
			return;
		}
		s = xstrfmt("system prompt: %s", t->system);
		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
		free(s);
		t->view.scroll = 0;
		tui_status(t, false, "system prompt shown above (/system --clear drops it)");
		return;
	}
	free(t->system);
	t->system = NULL;
	if (strcmp(arg, "--clear") == 0) {
		tui_status(t, false, "system prompt cleared");
		return;
	}
	t->system = xstrdup(arg);
	tui_status(t, false, "system prompt set");
}

/* A theme that did not load: the whole reason (it lists the places searched) above the input. */
void
tui_theme_error(struct tui *t, const char *name, const char *cause)
{
	tui_view_add(&t->view, TUI_ERROR, cause, strlen(cause));
	t->view.scroll = 0;
	tui_status(t, true, "theme: '%s' not loaded (the reason is above)", name);
}

static void
cmd_theme(struct tui *t, char *arg)
{
	struct theme th;
	char *cause = NULL;

	if (*arg == '\0') {
		tui_status(t, false, "theme: %s (/theme NAME loads NAME.theme; llm config path lists "
		    "where)", t->theme.name);
		return;
	}
	if (theme_load(&th, arg, t->cfg->dir, &cause) != 0) {
		tui_theme_error(t, arg, cause);
		free(cause);
		return;
	}
	t->theme = th;
	tui_colors_start(t);
	clearok(curscr, TRUE);
	tui_status(t, false, "theme: %s", th.name);
}

static void
cmd_detach(struct tui *t, char *arg)
{
	(void)arg;
	attach_free(t);
	tui_status(t, false, "attachments dropped");
}

static void
cmd_quit(struct tui *t, char *arg)
{
	(void)arg;
	t->quit = true;
}

static const struct cmd cmds[] = {
	{ .name = "help", .args = "", .help = "list every key and command", .fn = cmd_help },
	{ .name = "tier", .args = "[auto|cheap|mid|frontier]", .help = "set or cycle the tier override",
	  .fn = cmd_tier },
	{ .name = "model", .args = "[NAME|off]", .help = "pin a model, unpin, or pick one",
	  .fn = cmd_model },
	{ .name = "retry", .args = "", .help = "re-ask the last turn one tier up", .fn = cmd_retry },
	{ .name = "budget", .args = "", .help = "this month's spend against the budget",
	  .fn = cmd_budget },
	{ .name = "usage", .args = "", .help = "this month's spend drawn by day, tier and model",
	  .fn = tui_usage_cmd },
	{ .name = "new", .args = "", .help = "start a new conversation", .fn = cmd_new },
	{ .name = "resume", .args = "[ID]", .help = "continue an earlier conversation",
	  .fn = cmd_resume },
	{ .name = "file", .args = "PATH", .help = "attach a file to the next message", .fn = cmd_file },
	{ .name = "run", .args = "CMD", .help = "run a command (after y) and attach its output",
	  .fn = cmd_run },
	{ .name = "save", .args = "N PATH", .help = "save code block N to a new file", .fn = cmd_save },
	{ .name = "copy", .args = "[N]", .help = "copy code block N or the last reply",
	  .fn = cmd_copy },
	{ .name = "system", .args = "[TEXT|--clear]", .help = "show, set or clear the system prompt",
	  .fn = cmd_system },
	{ .name = "theme", .args = "[NAME]", .help = "show or switch the colour theme",
	  .fn = cmd_theme },
	{ .name = "detach", .args = "", .help = "drop the attachments", .fn = cmd_detach },
	{ .name = "quit", .args = "", .help = "quit", .fn = cmd_quit },
};
static const size_t ncmds = ARRAY_SIZE(cmds);

/* List the commands in the help. */
void
tui_help_commands(struct tui *t)
{
	size_t i;

	for (i = 0; i < ncmds; i++) {
		char *c = xstrfmt("/%s %s", cmds[i].name, cmds[i].args);

		tui_pick_add(&t->pick, xstrfmt("  %-24s %s", c, cmds[i].help), 0);
		free(c);
	}
}

/* Describe the command being typed in input: its use, or the commands it could still be. */
bool
tui_command_hint(const char *input, char *out, size_t n)
{
	size_t i, len = strcspn(input + 1, " \t"), found = ncmds, matches = 0, used = 0;

	for (i = 0; i < ncmds; i++) {
		if (strlen(cmds[i].name) == len && strncmp(cmds[i].name, input + 1, len) == 0) {
			found = i;
			matches = 1;
			break;
		}
		if (strncmp(cmds[i].name, input + 1, len) == 0) {
			found = i;
			matches++;
		}
	}
	if (matches == 0)
		return false;
	if (matches == 1) {
		snprintf(out, n, "/%s %s  %s", cmds[found].name, cmds[found].args, cmds[found].help);
		return true;
	}
	out[0] = '\0';
	for (i = 0; i < ncmds && used + 1 < n; i++) {
		if (strncmp(cmds[i].name, input + 1, len) != 0)
			continue;
		snprintf(out + used, n - used, "%s/%s", used ? "  " : "", cmds[i].name);
		used = strlen(out);
	}
	return true;
}

/* Name the commands starting with text, one per call (readline's generator). */
char *
tui_command_complete(const char *text, int state)
{
	static size_t next;
	size_t len = strlen(text);

	if (state == 0)
		next = 0;
	while (next < ncmds) {
		const struct cmd *c = &cmds[next++];

		if (len <= 1 || strncmp(c->name, text + 1, len - 1) == 0)
			return xstrfmt("/%s", c->name);
	}
	return NULL;
}

/* Run a slash command line. */
void
tui_command(struct tui *t, const char *line)
{
	char *copy = xstrdup(line + 1), *arg, *name = copy;
	const struct cmd *found = NULL;
	size_t i, len, matches = 0;

	arg = name + strcspn(name, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = str_trim(arg);
	len = strlen(name);
	for (i = 0; i < ncmds; i++) {
		if (strcmp(cmds[i].name, name) == 0) {
			found = &cmds[i];
			matches = 1;
			break;
		}
		if (len > 0 && strncmp(cmds[i].name, name, len) == 0) {
			found = &cmds[i];
			matches++;
		}
	}
	if (matches == 1 && found->args[0] == '\0' && *arg != '\0')
		tui_status(t, true, "/%s takes no argument: nothing done ('%s' was not used)",
		    found->name, arg);
	else if (matches == 1)
		found->fn(t, arg);
	else
		tui_status(t, true, "%s /%s: /help lists the commands", matches ? "ambiguous" : "unknown",
		    name);
	free(copy);
}
