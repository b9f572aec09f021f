/* confine: where the commands the agent runs may write (Landlock) and which sockets they may open (seccomp). */
#ifndef LLM_CONFINE_H
#define LLM_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the commands may open local (UNIX) sockets. */
enum confine_sockets {
	CONFINE_SOCKETS_CLOSED,   /* no: a seccomp filter refuses them (EACCES) */
	CONFINE_SOCKETS_ALLOWED,  /* yes: the user allowed them ([agent] unix_sockets) */
	CONFINE_SOCKETS_OPEN,     /* yes, for want of seccomp: the kernel or the architecture has none */
};

/*
 * A confinement prepared for the commands of one task: they read and run
 * anything, and write only beneath paths. Made in the caller (it allocates
 * and opens), applied in each child by confine_apply (it does neither).
 */
struct confine {
	int ruleset;   /* the Landlock ruleset's descriptor; -1: commands run unconfined */
	int abi;       /* the kernel's Landlock ABI version; 0: it has none */
	char *tmpdir;  /* the commands' private temporary directory, removed by confine_free */
	char *tmpenv;  /* "TMPDIR=" tmpdir, given to them instead of the caller's */
	char **paths;  /* where they may write, resolved, NULL-terminated */
	size_t npaths;
	char **roots;    /* what paths was planned from (confine_plan), NULL-terminated */
	size_t nroots;
	char **pending;  /* the writable paths not there yet (see confine_widen), NULL-terminated */
	enum confine_sockets sockets;  /* whether they may open local (UNIX) sockets */
	bool pts;  /* each gets a devpts instance of its own at /dev/pts, the user's hidden */
};

/* The kernel's Landlock ABI version, 0 when it has none (too old, or not enabled). */
int confine_abi(void);

/*
 * Whether the socket filter (see confine_apply) can be installed here: the
 * kernel has seccomp filters and llm knows this architecture's system calls.
 */
bool confine_can_filter(void);

/*
 * Where commands may write: each of roots (resolved; those that do not
 * exist are left out) but nothing at or beneath protect. A root that holds
 * a protected path is given as its entries instead, but the one on the way
 * there, which is split in turn, and symbolic links: so files cannot be
 * made right in a split directory. A root beneath a protected path is left
 * out. The list is NULL-terminated (free it with strv_free); its length.
 */
size_t confine_plan(const char *const *roots, const char *const *protect, char ***out);

/*
 * The places build tools keep their caches, from the environment or the
 * defaults: $XDG_CACHE_HOME (~/.cache), $CARGO_HOME/registry and /git
 * (~/.cargo), $GOMODCACHE ($GOPATH/pkg/mod, ~/go/pkg/mod), $GOCACHE and
 * npm's cache (~/.npm). NULL-terminated (strv_free). confine_new makes one
 * not made yet where its tool (cargo, go, npm) is on $PATH; ~/.cache always.
 */
char **confine_caches(void);

/*
 * Prepare the confinement of the commands a task runs in root: they may
 * write beneath root, a private temporary directory made now, /dev, the
 * caches (confine_caches) and writable (absolute paths, or ~/ ones), but
 * never at or beneath protect (llm's own directories). Without Landlock in
 * the kernel, ruleset is -1. Local sockets are closed to them unless
 * sockets (the user allows them) or seccomp is not to be had. NULL with
 * *cause when it cannot be prepared.
 */
struct confine *confine_new(const char *root, const char *const *writable,
    const char *const *protect, bool sockets, char **cause);
/*
 * Before a later command of the task: let commands write in the paths of
 * writable that were not there when c was prepared and are now, unless a
 * command could have made them (they, or a directory on the way, resolve
 * to where commands may write: a link made there could lead anywhere).
 * 1 when the ruleset was rebuilt, 0 when nothing changed, -1 with *cause.
 */
int confine_widen(struct confine *c, const char *const *protect, char **cause);

/* How old (seconds) a dead process's temporary directory must be before it is swept. */
#define CONFINE_STALE_S 3600

/*
 * Remove from base the temporary directories (llm-tmp.PID.XXXXXX) of this
 * user's llm processes that were killed before they could: PID is gone and
 * nothing changed in the directory for CONFINE_STALE_S by now (PID may be a
 * live process's of another pid namespace sharing base: the wait spares it
 * while it works).
 */
void confine_sweep(const char *base, int64_t now);
/* Remove the temporary directory with all in it, and free c; accepts NULL. */
void confine_free(struct confine *c);

/*
 * In a child, before it runs a program: confine it and all it starts, for
 * good (the capabilities that read other processes' memory dropped,
 * no_new_privs, the socket filter when c->sockets is closed, then the
 * ruleset). The filter makes socket(AF_UNIX) fail with EACCES, and
 * socketpair(AF_UNIX, SOCK_DGRAM) (whose ends can send to any datagram
 * socket's path); stream and seqpacket pairs, pipes and every other family
 * stay. It refuses io_uring (whose operations make and connect sockets
 * past seccomp) and x32 calls with ENOSYS. Only async-signal-safe calls.
 * 0 (also when c confines nothing), or -1 with errno.
 */
int confine_apply(const struct confine *c);

#endif
