/* proc: the one place child processes start: a new session, descriptors closed, key variables removed, a timeout that kills the group. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

extern char **environ;

/* Between SIGTERM and SIGKILL when the caller names no grace. */
#define PROC_GRACE_MS 2000
/* How often a wait with a deadline looks at the child. */
#define PROC_TICK_MS 10
/* Past this many descriptors the child stops closing one by one (no close_range). */
#define PROC_FD_LOOP_MAX 65536

/* Names given to proc_hide_env. */
static char **hidden;
static size_t nhidden;

/* Variables pinned by proc_env_pin: their names, and their entries then (NULL: unset). */
static struct {
	char *name, *entry;
} pinned[4];
static size_t npinned;

/* Keep the variable name out of every child's environment. */
void
proc_hide_env(const char *name)
{
	size_t i;

	if (name == NULL || *name == '\0')
		return;
	for (i = 0; i < nhidden; i++)
		if (strcmp(hidden[i], name) == 0)
			return;
	hidden = xreallocarray(hidden, nhidden + 1, sizeof(*hidden));
	hidden[nhidden++] = xstrdup(name);
}

/* Forget the names given to proc_hide_env. */
void
proc_hide_env_clear(void)
{
	size_t i;

	for (i = 0; i < nhidden; i++)
		free(hidden[i]);
	free(hidden);
	hidden = NULL;
	nhidden = 0;
	for (i = 0; i < npinned; i++) {
		free(pinned[i].name);
		free(pinned[i].entry);
	}
	npinned = 0;
}

/*
 * Tell whether an environment entry is kept from children. Besides the
 * configured key_env names, any *_API_KEY: that is how every provider names
 * its key (OPENAI_API_KEY, ANTHROPIC_API_KEY...), configured here or not.
 */
bool
proc_env_hidden(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t len = eq != NULL ? (size_t)(eq - entry) : strlen(entry), i;
	static const char suffix[] = "_API_KEY";

	if (len >= sizeof(suffix) - 1 &&
	    memcmp(entry + len - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1) == 0)
		return true;
	for (i = 0; i < nhidden; i++)
		if (strlen(hidden[i]) == len && memcmp(hidden[i], entry, len) == 0)
			return true;
	return false;
}

/* Children get variable name as it is now, whatever this process sets it to later. */
void
proc_env_pin(const char *name)
{
	const char *v = getenv(name);
	size_t i;

	for (i = 0; i < npinned; i++)
		if (strcmp(pinned[i].name, name) == 0)
			return;
	if (npinned == ARRAY_SIZE(pinned))
		die("proc_env_pin: too many variables");
	pinned[npinned].name = xstrdup(name);
	pinned[npinned].entry = v != NULL ? xstrfmt("%s=%s", name, v) : NULL;
	npinned++;
}

/* The pinned variable entry names, or NULL. */
static const char *
env_pinned(const char *entry)
{
	size_t len = strcspn(entry, "="), i;

	for (i = 0; i < npinned; i++)
		if (strlen(pinned[i].name) == len && memcmp(pinned[i].name, entry, len) == 0)
			return pinned[i].name;
	return NULL;
}

/*
 * The environment for a child: without the hidden variables, pinned ones as
 * they were; an array of borrowed entries (free the array only).
 */
static char **
clean_env(void)
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = xcalloc(n + npinned + 1, sizeof(*env));
	for (i = 0; i < n; i++)
		if (!proc_env_hidden(environ[i]) && env_pinned(environ[i]) == NULL)
			env[k++] = environ[i];
	for (i = 0; i < npinned; i++)
		if (pinned[i].entry != NULL)
			env[k++] = pinned[i].entry;
	return env;
}

/* Make fd the child's descriptor target (both may be equal: then only clear close-on-exec). */
static int
child_dup(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

/* Close every descriptor above 2 but keep; only async-signal-safe calls. */
static void
child_close_fds(int keep, int max)
{
	int fd;

#ifdef SYS_close_range
	if ((keep == 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U) == 0)
		return;
#endif
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* Default disposition and an empty mask for every signal, whatever the caller ignores. */
static void
child_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* EINVAL for SIGKILL, SIGSTOP and glibc's own: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* What the child sets up before it runs: the descriptors to give it. */
struct proc_fds {
	int std[3];     /* what becomes 0, 1 and 2 */
	int sync;       /* close-on-exec pipe: an errno if exec fails, else end of file */
	int max;        /* the descriptor limit, for the loop that closes them */
};

/* In the child: session, signals, descriptors; then exec, or return in fork mode. */
static void
child_setup(const struct proc_spec *s, const struct proc_fds *f, char **env)
{
	int i, e;

	if (!s->tty)
		setsid();
	child_signals();
	if (s->dir != NULL && chdir(s->dir) != 0)
		goto fail;
	for (i = 0; i < 3; i++)
		if (child_dup(f->std[i], i) < 0)
			goto fail;
	child_close_fds(f->sync, f->max);
	if (s->argv == NULL) {
		close(f->sync);
		return;
	}
	execvpe(s->argv[0], (char *const *)s->argv, env);
fail:
	e = errno;
	if (write(f->sync, &e, sizeof(e)) < 0) {
		/* the parent sees end of file and the exit status 127 */
	}
	_exit(127);
}

/* One end of a new close-on-exec pipe for the caller (*mine) and one for the child (*theirs). */
static int
open_pipe(bool child_reads, int *mine, int *theirs)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	*mine = child_reads ? fds[1] : fds[0];
	*theirs = child_reads ? fds[0] : fds[1];
	return 0;
}

/* Choose the child's descriptors as s asks; pipes' caller ends go to p. */
static int
plan_fds(struct proc *p, const struct proc_spec *s, struct proc_fds *f, int null_fd)
{
	if (s->in == PROC_IO_PIPE) {
		if (open_pipe(true, &p->in, &f->std[0]) < 0)
			return -1;
	} else {
		f->std[0] = s->in == PROC_IO_FD ? s->in_fd : s->in == PROC_IO_INHERIT ? 0 : null_fd;
	}
	if (s->out == PROC_IO_PIPE) {
		if (open_pipe(false, &p->out, &f->std[1]) < 0)
			return -1;
	} else {
		f->std[1] = s->out == PROC_IO_INHERIT ? 1 : null_fd;
	}
	f->std[2] = s->err == PROC_IO_INHERIT ? 2 : s->err == PROC_IO_STDOUT ? f->std[1] : null_fd;
	return 0;
}

/* Close the child's ends of pipes and /dev/null in the caller. */
static void
close_child_ends(const struct proc_spec *s, const struct proc_fds *f, int null_fd)
{
	if (s->in == PROC_IO_PIPE && f->std[0] >= 0)
		close(f->std[0]);
	if (s->out == PROC_IO_PIPE && f->std[1] >= 0)
		close(f->std[1]);
	if (null_fd >= 0)
		close(null_fd);
}

/* The descriptor limit the child's closing loop goes up to. */
static int
fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > PROC_FD_LOOP_MAX)
		return PROC_FD_LOOP_MAX;
	return (int)rl.rlim_cur;
}

/* Wait until the child has set itself up (its session exists) or failed to exec: 0, or an errno. */
static int
await_setup(int sync)
{
	int e = 0;
	ssize_t n;

	while ((n = read(sync, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(e) ? e : 0;
}

/* Close the caller's pipe ends. */
static void
close_pipes(struct proc *p)
{
	if (p->in >= 0)
		close(p->in);
	if (p->out >= 0)
		close(p->out);
	p->in = p->out = -1;
}

/* Start a child as s says. */
int
proc_start(struct proc *p, const struct proc_spec *s, char **cause)
{
	struct proc_fds f = { .std = { -1, -1, -1 }, .sync = -1, .max = fd_limit() };
	int null_fd, sync_r = -1, e;
	char **env = NULL;
	pid_t pid;

	assert(s->in != PROC_IO_STDOUT && s->out != PROC_IO_FD && s->out != PROC_IO_STDOUT);
	assert(s->err != PROC_IO_PIPE && s->err != PROC_IO_FD);
	memset(p, 0, sizeof(*p));
	p->in = p->out = -1;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || plan_fds(p, s, &f, null_fd) < 0 || open_pipe(false, &sync_r, &f.sync) < 0) {
		xasprintf(cause, "cannot start a process: %s", strerror(errno));
		goto fail;
	}
	if (s->argv != NULL)
		env = clean_env();
	else
		fflush(NULL); /* the child must not write the caller's buffered output again */
	pid = fork();
	if (pid < 0) {
		xasprintf(cause, "cannot start a process: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		child_setup(s, &f, env);
		free(env);
		close(sync_r);
		close_pipes(p);
		return 0;
	}
	free(env);
	env = NULL;
	close(f.sync);
	f.sync = -1;
	close_child_ends(s, &f, null_fd);
	null_fd = -1;
	e = await_setup(sync_r);
	close(sync_r);
	p->pid = pid;
	p->group = !s->tty;
	p->grace_ms = s->grace_ms > 0 ? s->grace_ms : PROC_GRACE_MS;
	p->deadline = s->timeout_ms > 0 ? clock_ms() + s->timeout_ms : 0;
	if (e != 0) {
		proc_wait(p);
		close_pipes(p);
		xasprintf(cause, "cannot run %s: %s", s->argv[0], strerror(e));
		return -1;
	}
	return 0;
fail:
	free(env);
	if (sync_r >= 0)
		close(sync_r);
	if (f.sync >= 0)
		close(f.sync);
	close_child_ends(s, &f, null_fd);
	close_pipes(p);
	return -1;
}

/* Send sig to the child's process group (to the child alone when it shares the caller's). */
void
proc_signal(const struct proc *p, int sig)
{
	if (p->pid > 0)
		kill(p->group ? -p->pid : p->pid, sig);
}

/* Sleep ms milliseconds, or less when a signal comes. */
static void
nap(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Whether the child has ended, without reaping it (its pid, and so its group, stay reserved). */
static bool
ended(const struct proc *p)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid == p->pid;
}

/* Reap the child, blocking; its wait status, or -1. */
static int
reap(struct proc *p)
{
	int st;

	while (waitpid(p->pid, &st, 0) < 0)
		if (errno != EINTR) {
			p->pid = 0;
			return -1;
		}
	p->pid = 0;
	p->status = st;
	return st;
}

/* Stop the child now: SIGTERM to its group, a grace, SIGKILL to the rest, then reap it. */
void
proc_kill(struct proc *p, int grace_ms)
{
	int64_t until = clock_ms() + grace_ms;

	close_pipes(p);
	if (p->pid <= 0)
		return;
	proc_signal(p, SIGTERM);
	while (!ended(p) && clock_ms() < until)
		nap(PROC_TICK_MS);
	/* the leader is not yet reaped, so its group id cannot have been reused */
	proc_signal(p, SIGKILL);
	reap(p);
}

/* Kill the child at its deadline: the timed-out path of proc_read and proc_wait. */
static void
expire(struct proc *p)
{
	p->timed_out = true;
	proc_kill(p, p->grace_ms);
}

/* Read the child's stdout pipe into sink until end of file or the deadline. */
int
proc_read(struct proc *p, proc_sink_fn sink, void *arg)
{
	char chunk[65536];
	ssize_t n;

	while (p->out >= 0) {
		struct pollfd pfd = { .fd = p->out, .events = POLLIN };
		int64_t left = p->deadline ? p->deadline - clock_ms() : 1000;

		if (left <= 0) {
			expire(p);
			return -1;
		}
		if (poll(&pfd, 1, left > 1000 ? 1000 : (int)left) <= 0)
			continue;
		n = read(p->out, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		if (sink != NULL && !sink(arg, chunk, (size_t)n)) {
			close_pipes(p);
			return 1;
		}
	}
	close_pipes(p);
	return 0;
}

/* Wait for the child and reap it, killing it at its deadline. */
int
proc_wait(struct proc *p)
{
	if (p->pid <= 0)
		return -1;
	while (p->deadline != 0 && !ended(p)) {
		if (clock_ms() >= p->deadline) {
			expire(p);
			return -1;
		}
		nap(PROC_TICK_MS);
	}
	return reap(p);
}

/* Run argv to its end, stdout fed to sink. */
int
proc_run(const char *const *argv, int in_fd, proc_sink_fn sink, void *arg)
{
	struct proc_spec s = { .argv = argv, .out = PROC_IO_PIPE };
	struct proc p;
	char *cause = NULL;
	int status;

	if (in_fd >= 0) {
		s.in = PROC_IO_FD;
		s.in_fd = in_fd;
	}
	if (proc_start(&p, &s, &cause) != 0) {
		free(cause);
		return -1;
	}
	proc_read(&p, sink, arg);
	status = proc_wait(&p);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

/* Reap the child if it has ended. */
int
proc_try_wait(struct proc *p)
{
	int st;
	pid_t r;

	if (p->pid <= 0)
		return -1;
	while ((r = waitpid(p->pid, &st, WNOHANG)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return 0;
	p->pid = 0;
	if (r < 0)
		return -1;
	p->status = st;
	return 1;
}
