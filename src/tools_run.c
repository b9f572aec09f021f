/* tools_run: the run tool: a shell command in the workspace root, through proc, capped and killable. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "fmt.h"
#include "gitfind.h"
#include "gitguard.h"
#include "proc.h"
#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

#define RUN_HEAD 11264    /* the first bytes of output kept */
#define RUN_TAIL 4096     /* and the last: a test run's verdict is at its end */
#define RUN_TICK_MS 100   /* how often the cancel flag is looked at */
#define RUN_GRACE_MS 1000 /* between SIGTERM and SIGKILL */
#define RUN_BURST 64      /* chunks read before the clock and cancel are looked at again */

/* What a command printed: its head, a ring of its tail, and how much in all. */
struct capture {
	struct buf head;
	char tail[RUN_TAIL];
	size_t total;      /* bytes printed */
	void (*output)(void *arg, const char *p, size_t n);  /* shown as it comes, or NULL */
	void *output_arg;
};

static void
capture_add(struct capture *c, const char *p, size_t n)
{
	size_t i, room = RUN_HEAD - c->head.len;

	if (c->output != NULL && n > 0)
		c->output(c->output_arg, p, n);
	if (room > 0) {
		i = n < room ? n : room;
		buf_add(&c->head, p, i);
		c->total += i;
		p += i;
		n -= i;
	}
	/* into the ring: only the last RUN_TAIL bytes can stay, in at most two copies */
	if (n > RUN_TAIL) {
		c->total += n - RUN_TAIL;
		p += n - RUN_TAIL;
		n = RUN_TAIL;
	}
	while (n > 0) {
		size_t at = c->total % RUN_TAIL, k = RUN_TAIL - at < n ? RUN_TAIL - at : n;

		memcpy(c->tail + at, p, k);
		c->total += k;
		p += k;
		n -= k;
	}
}

/* The output as the model sees it: head, what was cut, tail. */
static void
capture_text(const struct capture *c, struct buf *out)
{
	size_t after = c->total - c->head.len, keep = after < RUN_TAIL ? after : RUN_TAIL, i;

	buf_add(out, c->head.data ? c->head.data : "", c->head.len);
	if (after > keep)
		buf_addf(out, "\n[%zu bytes cut]\n", after - keep);
	for (i = c->total - keep; i < c->total; i++)
		buf_addc(out, c->tail[i % RUN_TAIL]);
}

/* Whether the child has ended, without reaping it: its group id stays reserved. */
static bool
leader_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/*
 * Read what is ready on fd into c, at most RUN_BURST chunks so that a command
 * printing without a pause still has its deadline and cancel looked at; false
 * at end of file.
 */
static bool
drain(int fd, struct capture *c, int wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char chunk[65536];
	ssize_t n;
	int burst = 0;

	while (burst++ < RUN_BURST && poll(&pfd, 1, wait_ms) > 0) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		capture_add(c, chunk, (size_t)n);
		wait_ms = 0;
	}
	return true;
}

enum run_end { RUN_DONE, RUN_TIMEOUT, RUN_CANCEL };

/* Read the child's output until it and its pipe end, its deadline, or a cancel. */
static enum run_end
run_wait(struct ws *w, struct proc *p, struct capture *c)
{
	bool open = true;

	for (;;) {
		/* a tick, at least every RUN_TICK_MS: output held back for the screen goes on */
		if (c->output != NULL)
			c->output(c->output_arg, NULL, 0);
		if (w->cancel != NULL && *w->cancel)
			return RUN_CANCEL;
		if (clock_ms() >= p->deadline)
			return RUN_TIMEOUT;
		if (open)
			open = drain(p->out, c, RUN_TICK_MS);
		if (leader_ended(p->pid)) {
			if (open)
				drain(p->out, c, 0);
			return RUN_DONE;
		}
		if (!open)
			usleep(RUN_TICK_MS * 1000);
	}
}

/* Start command in the root, wait for it, and kill all it left running. */
static int
run_child(struct ws *w, const char *command, struct capture *c, enum run_end *end, int *status,
    char **cause)
{
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	struct proc_spec s = { .argv = argv, .out = PROC_IO_PIPE, .err = PROC_IO_STDOUT,
		.timeout_ms = w->run_timeout_ms, .grace_ms = RUN_GRACE_MS, .dir = w->root,
		.contain = true, .no_credentials = true, .no_agents = true, .confine = w->confine };
	struct proc p;

	if (proc_start(&p, &s, cause) != 0)
		return -1;
	*end = run_wait(w, &p, c);
	if (*end == RUN_DONE) {
		/* what the command left running in the background went with it (contain) */
		*status = proc_wait(&p);
		proc_kill(&p, 0);
	} else {
		proc_kill(&p, RUN_GRACE_MS);
		*status = p.status;
	}
	return 0;
}

/* The exit code a shell would report for wait status st. */
static int
exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

/*
 * Whether the command's failure may be a refusal of the confinement: it
 * failed, and said so the way programs print EACCES. The socket filter and
 * Landlock refuse with it, so a command's own error says what was refused.
 */
static bool
refused(const char *out, int code)
{
	return code != 0 && out != NULL && (strcasestr(out, "permission denied") != NULL ||
	    strstr(out, "EACCES") != NULL);
}

/*
 * What the model is told after a refusal, and the user on the step's line
 * (*line, the caller's): what is closed to commands and which [agent]
 * option opens it.
 */
static void
refusal_note(const struct confine *c, struct buf *b, char **line)
{
	bool writes = c->ruleset >= 0, sockets = c->sockets == CONFINE_SOCKETS_CLOSED;

	if (!writes && !sockets) {
		*line = NULL;
		return;
	}
	buf_addf(b, "[commands %s%s%s%s: a \"Permission denied\" above may come from that. If the "
	    "task needs it, ask the user to allow it in llm's config: [agent] %s%s%s.]\n",
	    writes ? "write only in the workspace, their TMPDIR, the build caches, /dev/null and the like "
	    "and /dev/shm, and open " : "",
	    !writes ? "" : c->pts ? "ptys of their own but no terminal of the user's" :
	    "no pty nor terminal of /dev/pts",
	    writes && sockets ? ", and " : "",
	    sockets ? "may not open local (UNIX) sockets, such as a test server's or docker's" : "",
	    writes ? "writable = PATH" : "", writes && sockets ? " or " : "",
	    sockets ? "unix_sockets = yes" : "");
	*line = xstrfmt("%s%s; see [agent] %s%s%s", fmt_glyphs()->dot, writes && sockets ?
	    "commands may write only in the workspace and open no local sockets" : writes ?
	    "commands may write only in the workspace" : "commands may open no local sockets",
	    writes ? "writable" : "", writes && sockets ? ", " : "", sockets ? "unix_sockets" : "");
}

/* What the step's line says of the confinement at the task's first command, or NULL. */
static const char *
confine_state(const struct confine *c)
{
	bool landlock = c->ruleset >= 0, seccomp = c->sockets != CONFINE_SOCKETS_OPEN;

	if (!landlock && !seccomp)
		return "not confined (no Landlock, no seccomp): it could write anywhere and open "
		    "local sockets";
	if (!landlock)
		return "not confined (no Landlock): it could write anywhere";
	if (!seccomp)
		return "local sockets open (no seccomp): it could reach docker or the session bus";
	return NULL;
}

/* Fill r from how the command ended. */
static void
run_result(struct ws *w, const char *vis, const char *edited, const struct capture *c,
    enum run_end end, int st, int64_t ms, bool fresh, const char *git, const char *unchecked,
    struct tool_result *r)
{
	const char *dot = fmt_glyphs()->dot, *state;
	struct buf b;
	char *note = NULL;
	bool denied;

	buf_init(&b, 0);
	if (edited != NULL)
		buf_addf(&b, "[the user edited the command before it ran; it ran as: %s]\n", edited);
	capture_text(c, &b);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_addc(&b, '\n');
	r->exit_code = end == RUN_TIMEOUT ? 124 : end == RUN_CANCEL ? 130 : exit_code(st);
	denied = refused(buf_str(&b), r->exit_code);
	r->error = end != RUN_DONE;
	if (end == RUN_TIMEOUT)
		buf_addf(&b, "[timed out after %d s: the command and its processes were killed]\n",
		    w->run_timeout_ms / 1000);
	else if (end == RUN_CANCEL)
		buf_adds(&b, "[stopped by the user: the command and its processes were killed]\n");
	else
		buf_addf(&b, "[exit status %d]\n", r->exit_code);
	if (git != NULL)
		buf_addf(&b, "[git runs its hooks and what its config names outside the confinement, so "
		    "a command may not change them: %s. If the change is needed, ask the user to make it.]\n",
		    git);
	if (unchecked != NULL)
		buf_addf(&b, "[%s]\n", unchecked);
	if (denied)
		refusal_note(w->confine, &b, &note);
	tools_text(r, &b);
	buf_done(&b);
	buf_init(&b, 0);   /* the summary: the step's line */
	buf_addf(&b, "run %s%s", vis, dot);
	if (edited != NULL)
		buf_addf(&b, "edited%s", dot);
	buf_addf(&b, "%s%d%s%.1f s", end == RUN_TIMEOUT ? "timed out, exit " :
	    end == RUN_CANCEL ? "stopped, exit " : "exit ", r->exit_code, dot, (double)ms / 1000.0);
	if (git != NULL)
		buf_addf(&b, "%sgit hooks or config put back", dot);
	if (unchecked != NULL)
		buf_addf(&b, "%s%s", dot, unchecked);
	if (fresh && (state = confine_state(w->confine)) != NULL)
		buf_addf(&b, "%s%s", dot, state);
	buf_adds(&b, note != NULL ? note : "");
	r->summary = buf_detach(&b);
	free(note);
}

/*
 * Where the commands may write besides the defaults: [agent] writable, and,
 * when the root is a git worktree (its .git a file, "gitdir: PATH"), the
 * repository's git directory outside it, where git add and git commit
 * write as they do in the .git directory of a plain repository. Only a
 * worktree the repository lists as this one (its gitdir file names our
 * .git back) counts: a .git file a command wrote cannot open up another
 * place for the next task, nor one around the root. So does a submodule's
 * git directory, whose core.worktree names the root. A list for strv_free.
 */
static char **
run_writable(const struct ws *w)
{
	char **v, *dotgit = xstrfmt("%s/.git", w->root), *gitdir = gitfind_link(w->root, ".git", "gitdir: ");
	char *back = NULL, *common = NULL, *prefix = NULL, *tree = NULL;
	size_t n = 0;

	while (w->writable != NULL && w->writable[n] != NULL)
		n++;
	v = xcalloc(n + 2, sizeof(*v));
	for (n = 0; w->writable != NULL && w->writable[n] != NULL; n++)
		v[n] = xstrdup(w->writable[n]);
	if (gitdir != NULL && (back = gitfind_link(gitdir, "gitdir", "")) != NULL &&
	    strcmp(back, dotgit) == 0 && (common = gitfind_link(gitdir, "commondir", "")) != NULL) {
		prefix = xstrfmt("%s/worktrees/", common);
		/* a repository's git directory holds neither its worktree nor a directory above it */
		if (str_startswith(gitdir, prefix) && !str_startswith(w->root, prefix) &&
		    !str_startswith(gitdir, w->root) && !str_startswith(w->root, common))
			v[n] = xstrdup(common);
	} else if (gitdir != NULL && back == NULL && strstr(gitdir, "/modules/") != NULL &&
	    (tree = gitfind_worktree(gitdir)) != NULL && strcmp(tree, w->root) == 0 &&
	    !str_startswith(gitdir, w->root) && !str_startswith(w->root, gitdir))
		/* a submodule: its git directory in the superproject's .git/modules names it back */
		v[n] = xstrdup(gitdir);
	free(tree);
	free(prefix);
	free(common);
	free(back);
	free(gitdir);
	free(dotgit);
	return v;
}

/*
 * Prepare the confinement at the task's first command, or widen it before a
 * later one; false with *err (malloc'd) when it cannot be had.
 */
static bool
run_confine(struct ws *w, char **err)
{
	char **writable;

	if (w->confine == NULL) {
		writable = run_writable(w);
		w->confine = confine_new(w->root, (const char *const *)writable,
		    (const char *const *)w->protect, w->unix_sockets, err);
		strv_free(writable);
	} else if (confine_widen(w->confine, (const char *const *)w->protect, err) < 0) {
		/* never run with what is left of it: its ruleset may be gone */
		confine_free(w->confine);
		w->confine = NULL;
	}
	return w->confine != NULL;
}

/* What run_history_secret has read of the names git printed. */
struct names {
	const struct ws *w;
	char name[4096];  /* the one being read, cut at a chunk's end */
	size_t n;
	char *found;      /* the first that may hold secrets (malloc'd) */
};

/* Take git's NUL-ended names; stop at one that may hold secrets, or too long to judge. */
static bool
names_take(void *arg, const char *p, size_t n)
{
	struct names *s = arg;
	size_t i;

	for (i = 0; i < n && s->found == NULL; i++) {
		if (p[i] != '\0') {
			if (s->n == sizeof(s->name) - 1)
				s->found = xstrndup(s->name, s->n);
			else
				s->name[s->n++] = p[i];
			continue;
		}
		s->name[s->n] = '\0';
		if (s->n > 0 && ws_secret(s->w, s->name))
			s->found = xstrdup(s->name);
		s->n = 0;
	}
	return s->found == NULL;
}

/*
 * Feed the names git prints with args (after "git") in dir (absolute),
 * confined as a command is, to s. 1 when one may hold secrets, 0 when none
 * does, -1 when git failed or took longer than RUN_HISTORY_MS.
 */
static int
history_names(struct ws *w, const char *dir, const char *const *args, struct names *s)
{
	/*
	 * No prompt for a password, no fetch of a partial clone's objects, no
	 * signature check, and no fsmonitor program, which reading the index runs:
	 * a config file the work tree holds (include.path) may name one, and
	 * this runs unasked.
	 */
	const char *argv[24] = { "env", "GIT_TERMINAL_PROMPT=0", "GIT_NO_LAZY_FETCH=1",
		"GIT_OPTIONAL_LOCKS=0", "git", "--no-pager", "-c", "log.showSignature=false", "-c",
		"core.fsmonitor=false" };
	struct proc_spec spec = { .argv = argv, .out = PROC_IO_PIPE, .timeout_ms = RUN_HISTORY_MS,
		.grace_ms = RUN_GRACE_MS, .dir = dir, .contain = true, .no_credentials = true,
		.no_agents = true, .confine = w->confine };
	struct proc p;
	char *cause = NULL;
	size_t n = 10;
	int rc, st;

	while (*args != NULL && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	if (proc_start(&p, &spec, &cause) != 0) {
		free(cause);
		return -1;
	}
	rc = proc_read(&p, names_take, s);
	st = rc == 0 ? proc_wait(&p) : -1;
	proc_kill(&p, 0);
	if (rc == 1)
		return 1;
	return rc == 0 && st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* What git's history and index name (see tools_priv.h). */
int
run_history_secret(struct ws *w, const char *dir, char **found)
{
	static const char *const index[] = { "ls-files", "-z", "--cached", "--full-name", NULL };
	static const char *const history[] = { "log", "--all", "--reflog", "--format=",
		"--name-only", "--no-renames", "--diff-merges=first-parent", "-z", NULL };
	struct names s = { .w = w };
	struct ws_path p = { 0 };
	struct stat st;
	char *err = NULL;
	int rc = -1;

	*found = NULL;
	/* elsewhere than the root, a repository of its own may be found: git is asked */
	if (dir == NULL && fstatat(w->rootfd, ".git", &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	if (dir != NULL && (ws_resolve(w, dir, &p, &err) != 0 || !p.exists ||
	    !S_ISDIR(p.st.st_mode)))
		goto out;
	if (!run_confine(w, &err))
		goto out;
	rc = history_names(w, dir != NULL ? p.abs : w->root, index, &s);
	if (rc == 0)
		rc = history_names(w, dir != NULL ? p.abs : w->root, history, &s);
	*found = s.found;
out:
	ws_path_done(&p);
	free(err);
	return rc;
}

/* Run a shell command in the workspace root. */
int
tools_run(struct ws *w, const char *command, tool_ask_fn ask, void *arg,
    struct tool_result *r, char **cause)
{
	char *vis = tools_oneline(command, 60), *preview = visible_command(command, strlen(command));
	char *sum = xstrfmt("run %s", vis), *why = NULL, *edited = NULL, *err = NULL, *git = NULL;
	char *unchecked = NULL, *managed;
	struct gitguard *guard = NULL;
	struct capture c = { .output = w->output, .output_arg = w->output_arg };
	enum run_end end = RUN_DONE;
	int64_t t0;
	int st = 0, rc = 0;
	bool fresh;

	buf_init(&c.head, 0);
	if (command[strspn(command, " \t\n\r")] == '\0')
		tools_fail(r, sum, "give a command");
	else if (!tools_approve(w, WS_RUN, preview, command, NULL, ask, arg, &edited, &why))
		tools_fail(r, sum, "%s", why);
	else {
		if (edited != NULL) {
			/* the user's command runs, and is what the model and the user are shown */
			command = edited;
			free(vis);
			vis = tools_oneline(command, 60);
		}
		if (!run_confine(w, &err)) {
			tools_fail(r, sum, "%s", err);
			goto out;
		}
		/* the first command of the task: said once when it cannot be confined */
		fresh = !w->confine_told;
		w->confine_told = true;
		ws_journal_run(w, command);
		t0 = clock_ms();
		guard = gitguard_take(w->root);
		rc = run_child(w, command, &c, &end, &st, cause);
		/* all the command started has ended: nothing can change .git behind the check */
		git = rc == 0 ? gitguard_check(guard) : NULL;
		unchecked = rc == 0 ? gitguard_unchecked(guard) : NULL;
		strv_free(w->git_dots);
		w->git_dots = rc == 0 ? gitguard_dots(guard) : NULL;
		/* a hook manager's file is the project's: it stays, and the user is told to look */
		if (rc == 0 && (managed = gitguard_managed(guard)) != NULL) {
			if (unchecked != NULL) {
				char *both = xstrfmt("%s; %s", managed, unchecked);

				free(unchecked);
				free(managed);
				managed = both;
			}
			unchecked = managed;
		}
		if (rc == 0)
			run_result(w, vis, edited, &c, end, st, clock_ms() - t0, fresh, git, unchecked, r);
	}
out:
	gitguard_free(guard);
	free(git);
	free(unchecked);
	buf_done(&c.head);
	free(vis);
	free(preview);
	free(sum);
	free(why);
	free(err);
	free(edited);
	return rc;
}
