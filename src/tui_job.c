/* tui_job: /run's command, run in the background while the screen stays live. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pricing.h"
#include "proc.h"
#include "tui_priv.h"
#include "util.h"

#define RUN_MAX (256 * 1024)

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

	if (j->proc.pid != 0) {
		tui_status(t, true, "a /run command is still running: %s", j->cmd);
		return;
	}
	if (proc_start(&p, &s, &cause) != 0) {
		tui_status(t, true, "run: %s", cause);
		free(cause);
		return;
	}
	fcntl(p.out, F_SETFL, fcntl(p.out, F_GETFL) | O_NONBLOCK);
	j->proc = p; /* the leader of its session and process group */
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
	return t->job.proc.pid != 0;
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
	fence = tui_fence(out);
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

	if (j->proc.out >= 0)
		close(j->proc.out);
	buf_done(&j->out);
	free(j->cmd);
	memset(j, 0, sizeof *j);
	j->proc.in = j->proc.out = -1;
}

/* Read what the command printed; attach it once the command is over. */
void
tui_job_poll(struct tui *t)
{
	struct tui_job *j = &t->job;
	char chunk[4096];
	ssize_t n;
	int r;

	if (j->proc.pid == 0)
		return;
	while (j->proc.out >= 0) {
		n = read(j->proc.out, chunk, sizeof(chunk));
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
		close(j->proc.out);
		j->proc.out = -1;
	}
	r = proc_try_wait(&j->proc);
	if (r == 0)
		return; /* the output is closed, the command not yet over */
	if (r == 1 && !j->stopped)
		job_attach(t, j->proc.status);
	else if (j->stopped)
		tui_status(t, false, "stopped, nothing attached: %s", j->cmd);
	job_clear(t);
	t->dirty = true;
}

/* Stop the command (its whole process group); nothing is attached. */
void
tui_job_stop(struct tui *t)
{
	if (t->job.proc.pid == 0)
		return;
	t->job.stopped = true;
	proc_signal(&t->job.proc, SIGTERM);
	tui_status(t, false, "stopping: %s", t->job.cmd);
}

/* Stop the command and forget it at once (when the TUI closes). */
void
tui_job_kill(struct tui *t)
{
	if (t->job.proc.pid == 0)
		return;
	proc_kill(&t->job.proc, 0);
	job_clear(t);
}

