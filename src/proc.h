/* proc: the one place child processes start: a new session, descriptors closed, key variables removed, a timeout that kills the group. */
#ifndef LLM_PROC_H
#define LLM_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct confine; /* confine.h: where a command may write */

/* What a child's standard descriptor is connected to. */
enum proc_io {
	PROC_IO_NULL,     /* /dev/null (the default) */
	PROC_IO_PIPE,     /* stdin and stdout only: a pipe; the caller's end is in struct proc */
	PROC_IO_INHERIT,  /* the caller's own descriptor */
	PROC_IO_FD,       /* stdin only: proc_spec.in_fd */
	PROC_IO_STDOUT,   /* stderr only: the same as stdout */
};

/* How to start a child; zero-initialised fields mean /dev/null, a new session, no timeout. */
struct proc_spec {
	const char *const *argv;  /* argv[0] looked up in PATH; NULL: fork only (see proc_start) */
	enum proc_io in, out, err;
	int in_fd;                /* with in == PROC_IO_FD */
	bool tty;                 /* stay in the caller's session and process group: a command
	                             that may ask on the terminal (key_command) */
	int timeout_ms;           /* 0: none; counted from the start */
	int grace_ms;             /* between SIGTERM and SIGKILL on timeout; 0: 2 seconds */
	const char *dir;          /* the child's working directory; NULL: the caller's */
	bool no_credentials;      /* nor any credential (proc_env_credential): for a command
	                             a model chose */
	bool no_agents;           /* nor the way to the session's agents (proc_env_agent):
	                             for a command a model chose */
	const struct confine *confine; /* it and all it starts may write only where this
	                             says, and get its TMPDIR (see confine.h); or NULL */
	bool contain;             /* all the program starts ends with it, even what leaves its
	                             group or session, and when the caller dies, even by SIGKILL:
	                             the child is a supervisor that runs it (see proc_start) */
	const volatile sig_atomic_t *stop; /* set (by a signal handler): proc_read and proc_wait
	                             kill the child as at its deadline; or NULL */
};

/* A started child. */
struct proc {
	pid_t pid;          /* 0 in a forked child, and once reaped */
	int in, out;        /* the caller's ends of PROC_IO_PIPE, else -1 */
	int64_t deadline;   /* clock_ms() at which it is killed; 0: none */
	int grace_ms;
	bool group;         /* it leads its own process group: signals go to the group */
	bool contained;     /* it is the supervisor of the program (proc_spec.contain) */
	bool timed_out;     /* it was killed at its deadline, or when *stop was set */
	bool stopped;       /* it was killed when *stop was set */
	const volatile sig_atomic_t *stop;
	int status;         /* the wait status once reaped */
};

/* Called with each chunk a child prints; false stops the reading. */
typedef bool (*proc_sink_fn)(void *arg, const char *p, size_t n);

/*
 * Start a child as s says: a new session (unless s->tty), stdin, stdout and
 * stderr as asked, every other descriptor closed, default signal handling,
 * and, when it runs a program, the environment without the key variables
 * (see proc_env_hidden). With s->argv NULL it forks only, like fork(): it
 * returns 0 in both processes, and p->pid is 0 in the child, which keeps its
 * environment (it is this program). With s->contain the child is a
 * supervisor: the program runs under it in a process group of its own, and
 * when the program ends, or SIGHUP comes (from proc_kill, or from the kernel
 * when the caller dies), the supervisor kills the program's group and every
 * process it adopted, daemons that left the group, then exits with the
 * program's exit code, or 128 + the signal that killed it. SIGTERM and
 * SIGINT sent to it go on to all of them. 0, or -1 with *cause.
 */
int proc_start(struct proc *p, const struct proc_spec *s, char **cause);

/*
 * Read the child's stdout pipe into sink until end of file or the deadline,
 * or until sink returns false, then close it. 0 at end of file, 1 when sink
 * stopped it, -1 when the deadline passed (the child was killed: see
 * proc_kill).
 */
int proc_read(struct proc *p, proc_sink_fn sink, void *arg);

/*
 * Run argv (argv[0] looked up in PATH) to its end, stdin from in_fd (-1:
 * /dev/null), stdout fed to sink, stderr discarded. Its exit code, or -1 if
 * it could not run (127: not found) or did not exit.
 */
int proc_run(const char *const *argv, int in_fd, proc_sink_fn sink, void *arg);
/* The same, killed after timeout_ms (0: none); *timed_out (if not NULL) says it was. */
int proc_run_for(const char *const *argv, int in_fd, proc_sink_fn sink, void *arg, int timeout_ms,
    bool *timed_out);

/* Wait for the child and reap it, killing it at its deadline; its wait status, or -1. */
int proc_wait(struct proc *p);

/* Reap the child if it has ended: 1 reaped (p->status set), 0 still running, -1 error. */
int proc_try_wait(struct proc *p);

/* Send sig to the child's process group (to the child alone when it shares the caller's). */
void proc_signal(const struct proc *p, int sig);

/*
 * Stop the child now: SIGTERM to its group, up to grace_ms for it to end,
 * SIGKILL to whatever of the group is left, then reap it. Closes the pipes.
 * A contained child gets SIGHUP before SIGKILL, and time to kill what its
 * program left.
 */
void proc_kill(struct proc *p, int grace_ms);

/* Keep the variable name out of every child's environment (a provider's key_env). */
void proc_hide_env(const char *name);

/*
 * Tell whether the environment entry "NAME=value" (or a bare NAME) is kept
 * from children: a name given to proc_hide_env, or one ending in _API_KEY.
 */
bool proc_env_hidden(const char *entry);

/*
 * Tell whether the environment entry "NAME=value" (or a bare NAME) looks
 * like a credential: its name holds a word such as KEY, TOKEN, SECRET or
 * PASSWORD, whatever the case, or its value a URL with a password.
 */
bool proc_env_credential(const char *entry);

/*
 * Tell whether the environment entry "NAME=value" (or a bare NAME) leads to
 * an agent of the user's session that holds or uses secrets for them, or
 * runs what it is sent outside the command's reach: the session bus (and
 * its keyring), the ssh and gpg agents, the display, a terminal multiplexer
 * or editor. A child started with no_agents gets none of them, and the
 * session bus and gpg's home set to places that cannot answer, so that
 * their libraries' fallbacks find nothing either.
 */
bool proc_env_agent(const char *entry);

/* Children get variable name as it is now, whatever this process sets it to later. */
void proc_env_pin(const char *name);
/* Forget the names given to proc_hide_env and proc_env_pin (at exit, for leak checkers). */
void proc_hide_env_clear(void);

#endif
