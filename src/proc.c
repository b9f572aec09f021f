/* proc: the one place child processes start: a new session, descriptors closed, key variables removed, a timeout that kills the group. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "proc.h"
#include "util.h"

extern char **environ;

/* Between SIGTERM and SIGKILL when the caller names no grace. */
#define PROC_GRACE_MS 2000
/* How often a wait with a deadline looks at the child. */
#define PROC_TICK_MS 10
/* How long a contained child's supervisor may take to kill what is left before it is killed. */
#define PROC_SWEEP_MS 2000
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

/*
 * Words that make a variable a credential: any word of its name, split at
 * '_' (AWS_SECRET_ACCESS_KEY, GH_TOKEN, DB_PASSWORD). TOKENIZERS_PARALLELISM
 * and SSH_AUTH_SOCK hold no such word and stay.
 */
static const char *const cred_words[] = {
	"KEY", "KEYS", "APIKEY", "TOKEN", "TOKENS", "SECRET", "SECRETS", "PASSWORD",
	"PASSWORDS", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS",
};

/* Endings that make the last word one too, glued to another (PGPASSWORD, NPMTOKEN). */
static const char *const cred_ends[] = { "APIKEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD" };

/* Whether the word w (n bytes) is in v, or, with end, ends with one of v. */
static bool
word_in(const char *w, size_t n, const char *const *v, size_t nv, bool end)
{
	size_t i, k;

	for (i = 0; i < nv; i++) {
		k = strlen(v[i]);
		if (k == n ? strncasecmp(w, v[i], n) == 0 :
		    end && k < n && strncasecmp(w + n - k, v[i], k) == 0)
			return true;
	}
	return false;
}

/* Whether value holds a URL with a password: scheme://user:password@host. */
static bool
url_password(const char *value)
{
	const char *at, *p = strstr(value, "://");
	size_t n;

	for (; p != NULL; p = strstr(p, "://")) {
		p += 3;
		n = strcspn(p, "/?# \t");
		at = memchr(p, '@', n);
		if (at != NULL && memchr(p, ':', (size_t)(at - p)) != NULL)
			return true;
	}
	return false;
}

/*
 * Tell whether an environment entry is a credential, the name compared
 * whatever its case: a word of cred_words in its name (PWD too after
 * another word, as in MYSQL_PWD, but not PWD itself), a last word that ends
 * in one of cred_ends, or a value with a URL that holds a password
 * (DATABASE_URL=postgres://u:pw@db/x, HTTPS_PROXY=http://u:pw@proxy).
 */
bool
proc_env_credential(const char *entry)
{
	const char *eq = strchr(entry, '='), *w = entry, *end;
	size_t len = eq != NULL ? (size_t)(eq - entry) : strlen(entry), n;

	end = entry + len;
	for (; w < end; w += n + 1) {
		n = strcspn(w, "_=");
		if (w + n > end)
			n = (size_t)(end - w);
		if (word_in(w, n, cred_words, ARRAY_SIZE(cred_words), false) ||
		    (w > entry && n == 3 && strncasecmp(w, "PWD", 3) == 0) ||
		    (w + n == end && word_in(w, n, cred_ends, ARRAY_SIZE(cred_ends), true)))
			return true;
	}
	return eq != NULL && url_password(eq + 1);
}

/*
 * What a command finds the session's agents by. The bus carries the Secret
 * Service keyring (llm's own keys), KWallet and systemd --user, which would
 * start a unit no containment ends; XDG_RUNTIME_DIR holds the bus, wayland-0,
 * systemd's private socket and more by their default names; the display
 * gives keystrokes and the clipboard; tmux, screen, kitty, wezterm, neovim
 * and VS Code run what they are sent with the user's terminal and rights;
 * an askpass program asks the user, or an editor, for a secret.
 */
static const char *const agent_vars[] = {
	"DBUS_SESSION_BUS_ADDRESS", "DBUS_STARTER_ADDRESS", "DBUS_STARTER_BUS_TYPE",
	"AT_SPI_BUS_ADDRESS", "XDG_RUNTIME_DIR", "SSH_AUTH_SOCK", "SSH_AGENT_PID",
	"GPG_AGENT_INFO", "GNUPGHOME", "GNOME_KEYRING_CONTROL", "GNOME_KEYRING_PID",
	"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "TMUX", "TMUX_PANE", "TMUX_TMPDIR", "STY",
	"KITTY_LISTEN_ON", "WEZTERM_UNIX_SOCKET", "NVIM", "NVIM_LISTEN_ADDRESS",
	"VSCODE_IPC_HOOK_CLI", "VSCODE_GIT_IPC_HANDLE", "GIT_ASKPASS", "SSH_ASKPASS",
	"SUDO_ASKPASS",
};

/*
 * Given instead: with no address GLib, libdbus and sd-bus look for the bus
 * in the runtime directory (or /run/user/UID), and gpg for its agent under
 * /run/user/UID or ~/.gnupg, tmux for its server in /tmp: places that cannot
 * exist stop them there.
 */
static const char *const agent_stand_ins[] = {
	"DBUS_SESSION_BUS_ADDRESS=unix:path=/dev/null",
	"GNUPGHOME=/dev/null/gnupg",
	"TMUX_TMPDIR=/dev/null",
};

/* Tell whether an environment entry leads to an agent of the user's session. */
bool
proc_env_agent(const char *entry)
{
	size_t len = strcspn(entry, "="), i;

	for (i = 0; i < ARRAY_SIZE(agent_vars); i++)
		if (strlen(agent_vars[i]) == len && memcmp(agent_vars[i], entry, len) == 0)
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

/* Whether a child started as s says gets the environment entry. */
static bool
env_keeps(const struct proc_spec *s, const char *entry)
{
	return !(s->no_credentials && proc_env_credential(entry)) &&
	    !(s->no_agents && proc_env_agent(entry)) &&
	    !(s->confine != NULL && strncmp(entry, "TMPDIR=", 7) == 0);
}

/*
 * The environment for a child started as s says: without the hidden
 * variables (with s->no_credentials, nor proc_env_credential's; with
 * s->no_agents, nor proc_env_agent's, and their stand-ins added; with
 * s->confine, its TMPDIR instead of this one's), pinned ones as they
 * were; an array of borrowed entries (free the array only).
 */
static char **
clean_env(const struct proc_spec *s)
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = xcalloc(n + npinned + ARRAY_SIZE(agent_stand_ins) + 2, sizeof(*env));
	for (i = 0; i < n; i++)
		if (!proc_env_hidden(environ[i]) && env_pinned(environ[i]) == NULL &&
		    env_keeps(s, environ[i]))
			env[k++] = environ[i];
	for (i = 0; i < npinned; i++)
		if (pinned[i].entry != NULL && env_keeps(s, pinned[i].entry))
			env[k++] = pinned[i].entry;
	for (i = 0; s->no_agents && i < ARRAY_SIZE(agent_stand_ins); i++)
		env[k++] = (char *)agent_stand_ins[i];
	if (s->confine != NULL)
		env[k++] = s->confine->tmpenv;
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
	pid_t parent;   /* the caller, whose death a contained child's supervisor watches */
};

/* In the child: tell the caller why it cannot run (errno), and exit. */
static void __attribute__((noreturn))
child_fail(const struct proc_fds *f)
{
	int e = errno;

	if (write(f->sync, &e, sizeof(e)) < 0) {
		/* the parent sees end of file and the exit status 127 */
	}
	_exit(127);
}

/*
 * The parent and start time of the process /proc/NAME/stat tells of: 0, or
 * -1 when it is gone. Fields are counted from the last ')', since the name
 * before it may hold any byte: the parent is the 4th, the start time (which
 * tells a process from a later one with its pid) the 22nd. Only
 * async-signal-safe calls.
 */
static int
stat_kin(const char *name, pid_t *ppid, unsigned long long *start)
{
	char path[64] = "/proc/", line[1024], *rp = NULL, *q;
	size_t len = strlen(name);
	unsigned long long v;
	ssize_t n;
	int fd, field = 2;

	if (len > sizeof(path) - sizeof("/proc//stat"))
		return -1;
	memcpy(path + 6, name, len);
	memcpy(path + 6 + len, "/stat", sizeof("/stat"));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	line[n] = '\0';
	for (q = line; *q != '\0'; q++)
		if (*q == ')')
			rp = q;
	if (rp == NULL)
		return -1;
	*ppid = 0;
	for (q = rp + 1; *q != '\0'; q++) {
		if (*q != ' ' || (++field != 4 && field != 22))
			continue;
		for (v = 0; q[1] >= '0' && q[1] <= '9'; q++)
			v = v * 10 + (unsigned)(q[1] - '0');
		if (field == 4) {
			*ppid = (pid_t)v;
		} else {
			*start = v;
			return *ppid > 0 ? 0 : -1;
		}
	}
	return -1;
}

/* A name of /proc's that is a process id, as one; 0 for any other. */
static pid_t
proc_name_pid(const char *name)
{
	pid_t pid = 0;

	if (*name < '1' || *name > '9')
		return 0;
	for (; *name >= '0' && *name <= '9'; name++)
		pid = pid * 10 + (*name - '0');
	return *name == '\0' ? pid : 0;
}

/*
 * Send sig to every child of this process, the orphans it adopted as a
 * subreaper among them, found by their parent in /proc (no list of children
 * is kept anywhere else). How many, or -1 without /proc. Only
 * async-signal-safe calls: no opendir, which allocates.
 */
static int
signal_children(int sig)
{
	_Alignas(struct dirent64) char ents[4096];
	pid_t self = getpid(), pid, pp;
	unsigned long long st;
	int fd, found = 0;
	ssize_t n, at;

	if ((fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	while ((n = getdents64(fd, ents, sizeof(ents))) > 0)
		for (at = 0; at < n; at += ((struct dirent64 *)(ents + at))->d_reclen) {
			const char *name = ((struct dirent64 *)(ents + at))->d_name;

			if ((pid = proc_name_pid(name)) == 0 || stat_kin(name, &pp, &st) != 0 ||
			    pp != self)
				continue;
			kill(pid, sig);
			found++;
		}
	close(fd);
	return n < 0 ? -1 : found;
}

/*
 * Kill the command's process group (while cmd, its leader, is unreaped, its
 * id cannot have been reused) and every child left, and reap them, until
 * none is left: a child killed hands its own children to this subreaper, so
 * the next round finds them. The command's wait status goes to *st.
 */
static void
sweep(pid_t cmd, int *st)
{
	int found, w;
	pid_t r;

	for (;;) {
		if (cmd > 0)
			kill(-cmd, SIGKILL);
		found = signal_children(SIGKILL);
		/* without /proc a child not found might never end: reap only what has */
		r = waitpid(-1, &w, found < 0 && cmd <= 0 ? WNOHANG : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		if (r == cmd) {
			*st = w;
			cmd = 0;
		}
	}
}

/* Reap the adopted children that have ended: whether the command has (it stays unreaped). */
static bool
command_ended(pid_t cmd)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (si.si_pid == 0)
			return false;
		if (si.si_pid == cmd)
			return true;
		waitpid(si.si_pid, NULL, 0);
	}
}

/* In the child: run the program, or tell the caller why not. */
static void __attribute__((noreturn))
child_exec(const struct proc_spec *s, const struct proc_fds *f, char **env)
{
	execvpe(s->argv[0], (char *const *)s->argv, env);
	child_fail(f);
}

/* The signals a supervisor takes in turn, blocked: none of them can come between a look and a wait. */
static void
supervisor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGHUP);   /* the caller died, or wants it all killed now */
	sigaddset(set, SIGINT);   /* to pass on */
	sigaddset(set, SIGTERM);  /* to pass on */
}

/*
 * In a contained child: become the supervisor of the command. It runs in a
 * process group of its own under this process, a subreaper, so that what it
 * starts and leaves behind, in another group or session, even a daemon that
 * forked twice, is adopted here instead of by init. SIGTERM and SIGINT go on
 * to the command's group and to what was adopted; when the command ends, or
 * on SIGHUP (sent by the caller after its grace, or by the kernel when the
 * caller dies, even by SIGKILL), all of it is killed. Exits with the
 * command's exit code, or 128 + the signal that killed it, as a shell says.
 * Only async-signal-safe calls: the caller may have had other threads.
 */
static void __attribute__((noreturn))
supervise(const struct proc_spec *s, const struct proc_fds *f, char **env)
{
	sigset_t set, none;
	pid_t cmd;
	int sig, st = 0;

	supervisor_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0) != 0)
		child_fail(f);
	if (getppid() != f->parent)
		_exit(128 + SIGHUP); /* the caller died before the death signal was set */
	if ((cmd = fork()) < 0)
		child_fail(f);
	if (cmd == 0) {
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		child_exec(s, f, env);
	}
	setpgid(cmd, cmd); /* the command may not have yet: a signal to its group must reach it */
	/* the caller's end of file comes from the command alone */
	close(f->sync);
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	while ((sig = sigwaitinfo(&set, NULL)) != SIGHUP) {
		if (sig == SIGCHLD && command_ended(cmd))
			break;
		if (sig == SIGTERM || sig == SIGINT) {
			kill(-cmd, sig);
			signal_children(sig);
		}
	}
	sweep(cmd, &st);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1);
}

/* In the child: session, signals, descriptors; then exec, or return in fork mode. */
static void
child_setup(const struct proc_spec *s, const struct proc_fds *f, char **env)
{
	int i;

	if (!s->tty)
		setsid();
	child_signals();
	if (s->dir != NULL && chdir(s->dir) != 0)
		child_fail(f);
	/* before the supervisor forks: it, the command and all they start are confined */
	if (confine_apply(s->confine) != 0)
		child_fail(f);
	for (i = 0; i < 3; i++)
		if (child_dup(f->std[i], i) < 0)
			child_fail(f);
	child_close_fds(f->sync, f->max);
	if (s->argv == NULL) {
		close(f->sync);
		return;
	}
	if (s->contain)
		supervise(s, f, env);
	child_exec(s, f, env);
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
	struct proc_fds f = { .std = { -1, -1, -1 }, .sync = -1, .max = fd_limit(),
		.parent = getpid() };
	int null_fd, sync_r = -1, e;
	char **env = NULL;
	pid_t pid;

	assert(s->in != PROC_IO_STDOUT && s->out != PROC_IO_FD && s->out != PROC_IO_STDOUT);
	assert(s->err != PROC_IO_PIPE && s->err != PROC_IO_FD);
	assert(!s->contain || (s->argv != NULL && !s->tty));
	assert(s->confine == NULL || s->argv != NULL);
	memset(p, 0, sizeof(*p));
	p->in = p->out = -1;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || plan_fds(p, s, &f, null_fd) < 0 || open_pipe(false, &sync_r, &f.sync) < 0) {
		xasprintf(cause, "cannot start a process: %s", strerror(errno));
		goto fail;
	}
	if (s->argv != NULL)
		env = clean_env(s);
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
	p->contained = s->contain;
	p->grace_ms = s->grace_ms > 0 ? s->grace_ms : PROC_GRACE_MS;
	p->deadline = s->timeout_ms > 0 ? clock_ms() + s->timeout_ms : 0;
	p->stop = s->stop;
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

/* Wait up to ms milliseconds for the child to end. */
static void
await_end(const struct proc *p, int ms)
{
	int64_t until = clock_ms() + ms;

	while (!ended(p) && clock_ms() < until)
		nap(PROC_TICK_MS);
}

/* A process found under a child in /proc, with its start time to know it again. */
struct kin {
	pid_t pid;
	unsigned long long start;
};

/*
 * The processes a child that shares llm's group (proc_spec.tty) started, and
 * theirs, found by their parents in /proc, at most max into out: a command
 * killed at its time limit or on Ctrl-C must not leave behind what it ran
 * (a password manager's client waiting on its agent). How many.
 */
static size_t
descendants(pid_t root, struct kin *out, size_t max)
{
	struct kin *all = NULL;
	pid_t *parent = NULL;
	size_t n = 0, cap = 0, found = 0, i, j;
	struct dirent *e;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		pid_t pp;
		unsigned long long st;

		if (proc_name_pid(e->d_name) == 0 || stat_kin(e->d_name, &pp, &st) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			all = xreallocarray(all, cap, sizeof(*all));
			parent = xreallocarray(parent, cap, sizeof(*parent));
		}
		all[n].pid = proc_name_pid(e->d_name);
		all[n].start = st;
		parent[n++] = pp;
	}
	closedir(d);
	/* breadth first: each round adds the children of those found so far */
	for (i = 0; i <= found && found < max; i++) {
		pid_t of = i == 0 ? root : out[i - 1].pid;

		for (j = 0; j < n && found < max; j++)
			if (parent[j] == of)
				out[found++] = all[j];
	}
	free(all);
	free(parent);
	return found;
}

/* Send sig to each of k that is still the process found (not a new one with its pid). */
static void
signal_kin(const struct kin *k, size_t n, int sig)
{
	char name[24];
	unsigned long long st;
	pid_t pp;
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%d", (int)k[i].pid);
		if (stat_kin(name, &pp, &st) == 0 && st == k[i].start)
			kill(k[i].pid, sig);
	}
}

/* Stop the child now: SIGTERM to its group, a grace, SIGKILL to the rest, then reap it. */
void
proc_kill(struct proc *p, int grace_ms)
{
	struct kin kin[256];
	size_t nkin = 0;

	close_pipes(p);
	if (p->pid <= 0)
		return;
	/* in llm's own group no group signal reaches what it started: found before it is orphaned */
	if (!p->group && !p->contained)
		nkin = descendants(p->pid, kin, ARRAY_SIZE(kin));
	proc_signal(p, SIGTERM);
	signal_kin(kin, nkin, SIGTERM);
	await_end(p, grace_ms);
	if (p->contained) {
		/* its supervisor kills all that is left, then ends: SIGKILL would stop it first */
		proc_signal(p, SIGHUP);
		await_end(p, PROC_SWEEP_MS);
	}
	/* the leader is not yet reaped, so its group id cannot have been reused */
	proc_signal(p, SIGKILL);
	signal_kin(kin, nkin, SIGKILL);
	reap(p);
}

/* Kill the child at its deadline: the timed-out path of proc_read and proc_wait. */
static void
expire(struct proc *p)
{
	p->timed_out = true;
	proc_kill(p, p->grace_ms);
}

/* Whether the child is to go now: its deadline passed, or its caller was told to stop. */
static bool
due(struct proc *p, int64_t now)
{
	if (p->stop != NULL && *p->stop)
		p->stopped = true;
	return p->stopped || (p->deadline != 0 && now >= p->deadline);
}

/* Read the child's stdout pipe into sink until end of file or the deadline. */
int
proc_read(struct proc *p, proc_sink_fn sink, void *arg)
{
	char chunk[65536];
	ssize_t n;

	while (p->out >= 0) {
		struct pollfd pfd = { .fd = p->out, .events = POLLIN };
		int64_t now = clock_ms(), left = p->deadline ? p->deadline - now : 1000;

		if (due(p, now)) {
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
	while ((p->deadline != 0 || p->stop != NULL) && !ended(p)) {
		if (due(p, clock_ms())) {
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
	return proc_run_for(argv, in_fd, sink, arg, 0, NULL);
}

/* Run argv as proc_run does, killed after timeout_ms (0: none); *timed_out (if not NULL) says so. */
int
proc_run_for(const char *const *argv, int in_fd, proc_sink_fn sink, void *arg, int timeout_ms,
    bool *timed_out)
{
	struct proc_spec s = { .argv = argv, .out = PROC_IO_PIPE, .timeout_ms = timeout_ms,
	    .grace_ms = timeout_ms > 0 ? 500 : 0 };
	struct proc p;
	char *cause = NULL;
	int status;

	if (timed_out != NULL)
		*timed_out = false;
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
	if (timed_out != NULL)
		*timed_out = p.timed_out;
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
