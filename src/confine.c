/* confine: where the commands the agent runs may write (Landlock) and which sockets they may open (seccomp). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "proc.h"
#include "util.h"

#ifdef __linux__
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/socket.h>
#endif

/*
 * The architectures the socket filter knows: the audit arch of their
 * calls, and of the 32-bit calls the same kernel takes (i386's through int
 * $0x80, which has socketcall; 32-bit ARM, whose EABI has none), with the
 * numbers those use. Little-endian only: an argument's low word comes first.
 */
#if defined(__linux__) && defined(SYS_seccomp) && defined(__x86_64__)
#define FILTER_ARCH AUDIT_ARCH_X86_64
#define FILTER_COMPAT AUDIT_ARCH_I386
#define COMPAT_SOCKET 359
#define COMPAT_SOCKETPAIR 360
#define COMPAT_SOCKETCALL 102
#define X32_BIT 0x40000000u
#elif defined(__linux__) && defined(SYS_seccomp) && defined(__aarch64__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FILTER_ARCH AUDIT_ARCH_AARCH64
#define FILTER_COMPAT AUDIT_ARCH_ARM
#define COMPAT_SOCKET 281
#define COMPAT_SOCKETPAIR 288
#endif
#define NR_IO_URING_SETUP 425 /* the same on every architecture */

/*
 * The rights of later ABIs, which an older linux/landlock.h may not name;
 * a kernel that lacks them is never asked for them (see handled).
 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* At most this many paths: a split directory with more entries is not written to past them. */
#define CONFINE_MAX 4096

/*
 * struct landlock_ruleset_attr as of ABI 6, whatever the header has: the
 * kernel takes a longer struct than it knows when the rest is zero.
 */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

/* The kernel's Landlock ABI version, 0 when it has none. */
int
confine_abi(void)
{
#if defined(__linux__) && defined(SYS_landlock_create_ruleset)
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v > 0 ? (int)v : 0;
#else
	return 0;
#endif
}

#ifdef FILTER_ARCH
/* The socket filter being built. */
struct filter {
	struct sock_filter f[64];
	unsigned short n;
};

static void
emit(struct filter *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	struct sock_filter i = { .code = code, .jt = jt, .jf = jf, .k = k };

	p->f[p->n++] = i;
}

#define LOAD(p, off) emit(p, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(off), 0, 0)
#define LOAD_ARG(p, i) LOAD(p, offsetof(struct seccomp_data, args) + 8 * (i))
#define JEQ(p, k, jt, jf) emit(p, BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf))
#define RET(p, v) emit(p, BPF_RET | BPF_K, (v), 0, 0)
#define ALLOW SECCOMP_RET_ALLOW
#define REFUSE (SECCOMP_RET_ERRNO | EACCES)
#define NO_SUCH (SECCOMP_RET_ERRNO | ENOSYS)

/*
 * With the call's number loaded: socket(AF_UNIX, ...) is refused. Only the
 * low word of the family is looked at, as the kernel does (an int).
 */
static void
socket_rule(struct filter *p, uint32_t nr)
{
	JEQ(p, nr, 0, 4);
	LOAD_ARG(p, 0);
	JEQ(p, AF_UNIX, 0, 1);
	RET(p, REFUSE);
	RET(p, ALLOW);
}

/*
 * With the number loaded: socketpair(AF_UNIX, SOCK_DGRAM) is refused, its
 * ends could send to any datagram socket by path; the others are pairs
 * only, already connected for good.
 */
static void
socketpair_rule(struct filter *p, uint32_t nr)
{
	JEQ(p, nr, 0, 7);
	LOAD_ARG(p, 0);
	JEQ(p, AF_UNIX, 0, 4);
	LOAD_ARG(p, 1);
	emit(p, BPF_ALU | BPF_AND | BPF_K, 0xf, 0, 0); /* the type without SOCK_CLOEXEC and the like */
	JEQ(p, SOCK_DGRAM, 0, 1);
	RET(p, REFUSE);
	RET(p, ALLOW);
}

/*
 * The calls of one of the arch's ABIs (native: the 64-bit one): io_uring
 * (its operations make and connect sockets with no system call to filter)
 * fails as on a kernel without it, then the socket rules.
 */
static void
abi_rules(struct filter *p, bool native, uint32_t sock, uint32_t pair)
{
	LOAD(p, offsetof(struct seccomp_data, nr));
#ifdef X32_BIT
	/* x32 calls (the x86_64 arch, numbered with this bit) are refused, not told apart */
	if (native) {
		emit(p, BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 1);
		RET(p, NO_SUCH);
	}
#else
	(void)native;
#endif
	JEQ(p, NR_IO_URING_SETUP, 0, 1);
	RET(p, NO_SUCH);
	socket_rule(p, sock);
	socketpair_rule(p, pair);
}

/* The filter: the native calls, then the 32-bit ones; any other arch is refused. */
static unsigned short
filter_build(struct filter *p)
{
	unsigned short jump;

	p->n = 0;
	LOAD(p, offsetof(struct seccomp_data, arch));
	jump = p->n;
	JEQ(p, FILTER_ARCH, 0, 0);
	abi_rules(p, true, __NR_socket, __NR_socketpair);
	RET(p, ALLOW);
	p->f[jump].jf = (uint8_t)(p->n - jump - 1);
	JEQ(p, FILTER_COMPAT, 1, 0);
	RET(p, NO_SUCH);
	abi_rules(p, false, COMPAT_SOCKET, COMPAT_SOCKETPAIR);
#ifdef COMPAT_SOCKETCALL
	/* socketcall's arguments are in memory, out of a filter's reach: no socket made through it */
	JEQ(p, COMPAT_SOCKETCALL, 0, 5);
	LOAD_ARG(p, 0);
	JEQ(p, 1 /* SYS_SOCKET */, 2, 0);
	JEQ(p, 8 /* SYS_SOCKETPAIR */, 1, 0);
	RET(p, ALLOW);
	RET(p, REFUSE);
#endif
	RET(p, ALLOW);
	return p->n;
}
#endif

bool
confine_can_filter(void)
{
#ifdef FILTER_ARCH
	uint32_t action = SECCOMP_RET_ERRNO;

	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
#else
	return false;
#endif
}

/* In a child: install the socket filter (no_new_privs set). */
static int
filter_apply(void)
{
#ifdef FILTER_ARCH
	struct filter p;
	struct sock_fprog prog = { .filter = p.f };

	prog.len = filter_build(&p);
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 ? 0 : -1;
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether path is base or beneath it (both resolved). */
static bool
beneath(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return true;
	return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The absolute path resolved as far as it exists, the rest as it is; NULL if relative. */
static char *
resolve_far(const char *path)
{
	char *full, *copy, *real = NULL, *slash, *out;
	size_t n;

	if (*path != '/')
		return NULL;
	full = xstrdup(path);
	for (n = strlen(full); n > 1 && full[n - 1] == '/'; n--)
		full[n - 1] = '\0';
	copy = xstrdup(full);
	while ((real = realpath(*copy != '\0' ? copy : "/", NULL)) == NULL) {
		if ((slash = strrchr(copy, '/')) == NULL)
			break;
		*slash = '\0';
	}
	out = NULL;
	if (real != NULL)
		out = xstrfmt("%s%s", strcmp(real, "/") == 0 ? "" : real, full + strlen(copy));
	if (out != NULL && *out == '\0') {
		free(out);
		out = xstrdup("/");
	}
	free(full);
	free(copy);
	free(real);
	return out;
}

/* The paths being planned. */
struct plan {
	char **v;
	size_t n;
	char *const *prot;  /* the protected paths, resolved */
	size_t nprot;
};

static void
plan_add(struct plan *p, const char *path)
{
	if (p->n >= CONFINE_MAX)
		return;
	p->v = xreallocarray(p->v, p->n + 2, sizeof(*p->v));
	p->v[p->n++] = xstrdup(path);
	p->v[p->n] = NULL;
}

/* 1: path is protected itself (or beneath one); 2: it holds one; 0: neither. */
static int
protection(const struct plan *p, const char *path)
{
	int kind = 0;
	size_t i;

	for (i = 0; i < p->nprot; i++) {
		if (beneath(path, p->prot[i]))
			return 1;
		if (beneath(p->prot[i], path))
			kind = 2;
	}
	return kind;
}

/* Add the entries of dir, which holds a protected path, but that path and the links. */
static void
split(struct plan *p, const char *dir)
{
	struct dirent *e;
	struct stat st;
	char *path;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xstrfmt("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, e->d_name);
		if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
			switch (protection(p, path)) {
			case 0:
				plan_add(p, path);
				break;
			case 2:
				if (S_ISDIR(st.st_mode))
					split(p, path);
				break;
			}
		}
		free(path);
	}
	closedir(d);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where commands may write: roots, but nothing at or beneath protect. */
size_t
confine_plan(const char *const *roots, const char *const *protect, char ***out)
{
	struct plan p = { 0 };
	char **prot = NULL, *real;
	size_t n = 0, i, k;

	for (i = 0; protect != NULL && protect[i] != NULL; i++)
		if ((real = resolve_far(protect[i])) != NULL) {
			prot = xreallocarray(prot, n + 1, sizeof(*prot));
			prot[n++] = real;
		}
	p.prot = prot;
	p.nprot = n;
	for (i = 0; roots != NULL && roots[i] != NULL; i++) {
		if (*roots[i] != '/' || (real = realpath(roots[i], NULL)) == NULL)
			continue;
		switch (protection(&p, real)) {
		case 0:
			plan_add(&p, real);
			break;
		case 2:
			split(&p, real);
			break;
		}
		free(real);
	}
	for (i = 0; i < n; i++)
		free(prot[i]);
	free(prot);
	if (p.n > 1)
		qsort(p.v, p.n, sizeof(*p.v), cmp_str);
	/* the same path given twice, or found twice, is one rule */
	for (i = k = 0; i < p.n; i++) {
		if (k > 0 && strcmp(p.v[k - 1], p.v[i]) == 0)
			free(p.v[i]);
		else
			p.v[k++] = p.v[i];
	}
	if (p.v == NULL)
		p.v = xcalloc(1, sizeof(*p.v));
	p.v[k] = NULL;
	*out = p.v;
	return k;
}

/* A list being built. */
static void
list_add(char ***v, size_t *n, char *s)
{
	if (s == NULL)
		return;
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* The variable's value when it is an absolute path, else NULL. */
static const char *
env_path(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v == '/' ? v : NULL;
}

/* Add path to the caches, kept by tool (a program's name; NULL: many). */
static void
cache_add(char ***list, const char ***tools, size_t *n, char *path, const char *tool)
{
	*tools = xreallocarray(*tools, *n + 2, sizeof(**tools));
	(*tools)[*n] = tool;
	(*tools)[*n + 1] = NULL;
	list_add(list, n, path);
}

/* The caches build tools keep, with the tool that keeps each in *tools (freed with free). */
static char **
caches(const char ***tools)
{
	const char *home = env_path("HOME"), *v;
	char **list = NULL, *gopath;
	size_t n = 0;

	*tools = NULL;
	if ((v = env_path("XDG_CACHE_HOME")) != NULL)
		cache_add(&list, tools, &n, xstrdup(v), NULL);
	else if (home != NULL)
		cache_add(&list, tools, &n, xstrfmt("%s/.cache", home), NULL);
	if ((v = env_path("CARGO_HOME")) != NULL || home != NULL) {
		/* the downloads only: bin/ and config.toml would run unconfined later */
		cache_add(&list, tools, &n, v ? xstrfmt("%s/registry", v) : xstrfmt("%s/.cargo/registry", home),
		    "cargo");
		cache_add(&list, tools, &n, v ? xstrfmt("%s/git", v) : xstrfmt("%s/.cargo/git", home), "cargo");
	}
	if ((v = env_path("GOMODCACHE")) != NULL) {
		cache_add(&list, tools, &n, xstrdup(v), "go");
	} else if ((v = env_path("GOPATH")) != NULL) {
		gopath = xstrndup(v, strcspn(v, ":"));
		cache_add(&list, tools, &n, xstrfmt("%s/pkg/mod", gopath), "go");
		free(gopath);
	} else if (home != NULL) {
		cache_add(&list, tools, &n, xstrfmt("%s/go/pkg/mod", home), "go");
	}
	if ((v = env_path("GOCACHE")) != NULL)
		cache_add(&list, tools, &n, xstrdup(v), "go");
	if ((v = env_path("npm_config_cache")) != NULL)
		cache_add(&list, tools, &n, xstrdup(v), "npm");
	else if (home != NULL)
		cache_add(&list, tools, &n, xstrfmt("%s/.npm", home), "npm");
	if (list == NULL) {
		list = xcalloc(1, sizeof(*list));
		*tools = xcalloc(1, sizeof(**tools));
	}
	return list;
}

char **
confine_caches(void)
{
	const char **tools;
	char **list = caches(&tools);

	free(tools);
	return list;
}

/* A configured path: absolute as it is, ~ and ~/... under the home; else NULL. */
static char *
expand(const char *path)
{
	const char *home = env_path("HOME");

	if (*path == '/')
		return xstrdup(path);
	if (home != NULL && (strcmp(path, "~") == 0 || str_startswith(path, "~/")))
		return xstrfmt("%s%s", home, path + 1);
	return NULL;
}

/* The file-system rights the ruleset takes away but where a rule gives them back. */
static uint64_t
handled(int abi)
{
	uint64_t a = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	/* ABI 1 refuses every rename and link across directories; 2 can allow them */
	if (abi >= 2)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		a |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return a;
}

/*
 * A ruleset that lets commands write beneath c's paths and, unless NULL,
 * extra: its descriptor, or -1 with errno set and *failed the path it
 * stopped at (NULL: the ruleset itself). It allocates nothing, for a child
 * calls it between fork and exec.
 */
static int
ruleset_make(const struct confine *c, const char *extra, const char **failed)
{
	struct ruleset_attr attr = { .handled_access_fs = handled(c->abi) };
	struct landlock_path_beneath_attr rule;
	struct stat st;
	size_t i;
	int rs, fd, e;

	*failed = NULL;
	/* from 6: no abstract socket made outside (a session's agents), no signal to outside */
	if (c->abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0)) < 0)
		return -1;
	for (i = 0; i <= c->npaths; i++) {
		const char *path = i < c->npaths ? c->paths[i] : extra;

		/* gone since it was planned: nothing to allow */
		if (path == NULL || (fd = open(path, O_PATH | O_CLOEXEC)) < 0)
			continue;
		rule.parent_fd = fd;
		/* a device node made in the workspace would open any disk or terminal */
		rule.allowed_access = attr.handled_access_fs &
		    ~(uint64_t)(LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_CHAR);
		/* on a file, only what can be done to a file */
		if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
			rule.allowed_access &= LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
		if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) {
			e = errno;
			close(fd);
			close(rs);
			errno = e;
			*failed = path;
			return -1;
		}
		close(fd);
	}
	return rs;
}

/* Build c's ruleset from its paths: 0, or -1 with *cause. */
static int
build_ruleset(struct confine *c, char **cause)
{
	const char *failed;

	if ((c->ruleset = ruleset_make(c, NULL, &failed)) >= 0)
		return 0;
	xasprintf(cause, "cannot confine commands: %s: %s", failed != NULL ? failed : "landlock",
	    strerror(errno));
	return -1;
}

/* Write text to the file at path: 0, or -1. No stdio: a child calls it before exec. */
static int
put_file(const char *path, const char *text)
{
	size_t n = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

/* The user namespace map "ID ID 1" of one id, in buf (of 48 or more bytes). */
static const char *
id_map(char *buf, unsigned long id)
{
	char digits[24], *d = digits + sizeof(digits);
	size_t n;

	*--d = '\0';
	do
		*--d = (char)('0' + id % 10);
	while ((id /= 10) != 0);
	n = strlen(d);
	memcpy(buf, d, n);
	buf[n] = ' ';
	memcpy(buf + n + 1, d, n);
	memcpy(buf + 2 * n + 1, " 1\n", 4);
	return buf;
}

/*
 * Give this process pseudo-terminals of its own: in a new mount namespace
 * (and, unless root, a user namespace where it is itself), a new devpts
 * instance over /dev/pts, which hides every terminal of the user's, and its
 * ptmx over /dev/ptmx. 0, or -1, after which the process must not go on: a
 * namespace may be half made.
 */
static int
private_pts(void)
{
	unsigned long uid = geteuid(), gid = getegid();
	char map[48];

	if (unshare(CLONE_NEWNS | (uid != 0 ? CLONE_NEWUSER : 0)) != 0)
		return -1;
	/*
	 * The maps are files of /proc/self, which llm, not dumpable, may not
	 * write: dumpable for as long as that takes (nothing confined can
	 * trace a process outside its domain).
	 */
	if (uid != 0 && (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0 ||
	    put_file("/proc/self/setgroups", "deny") != 0 ||
	    put_file("/proc/self/uid_map", id_map(map, uid)) != 0 ||
	    put_file("/proc/self/gid_map", id_map(map, gid)) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0))
		return -1;
	/* first: the mounts below reach no other namespace; the user's (an automount) reach this one */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		return -1;
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	    "newinstance,ptmxmode=0666,mode=0620") != 0)
		return -1;
	return mount("/dev/pts/ptmx", "/dev/ptmx", NULL, MS_BIND, NULL);
}

/*
 * Whether private_pts works here (a kernel or a container may refuse user
 * namespaces or mounts): tried once, in a child thrown away after.
 */
static bool
pts_possible(void)
{
	struct proc_spec s = { 0 };
	struct proc p;
	char *cause = NULL;
	int st;

	if (proc_start(&p, &s, &cause) != 0) {
		free(cause);
		return false;
	}
	if (p.pid == 0)
		_exit(private_pts() == 0 ? 0 : 1);
	st = proc_wait(&p);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* nftw: let the owner into every directory, whatever mode a command left on it. */
static int
open_up(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_D)
		chmod(path, (st->st_mode & 07777) | S_IRWXU);
	return 0;
}

/* nftw: remove what is found, the contents first. */
static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove directory dir with all in it, whatever modes a command left inside. */
static void
remove_tree(const char *dir)
{
	nftw(dir, open_up, 16, FTW_PHYS | FTW_MOUNT);
	nftw(dir, remove_one, 16, FTW_PHYS | FTW_MOUNT | FTW_DEPTH);
}

void
confine_sweep(const char *base, int64_t now)
{
	DIR *d = opendir(base);
	struct dirent *e;
	struct stat st;
	char *path;
	long long pid;
	int end;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		end = 0;
		if (sscanf(e->d_name, "llm-tmp.%lld.%*6[A-Za-z0-9]%n", &pid, &end) != 1 ||
		    e->d_name[end] != '\0' || end == 0 || pid <= 0 || pid > INT32_MAX)
			continue;
		path = xstrfmt("%s/%s", base, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
		    now - (int64_t)st.st_mtime >= CONFINE_STALE_S &&
		    kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			remove_tree(path);
		free(path);
	}
	closedir(d);
}

/*
 * A private temporary directory under $TMPDIR (or /tmp), named with this
 * process's id so that one left by a killed llm can be told and swept; NULL
 * with *cause.
 */
static char *
make_tmpdir(char **cause)
{
	const char *env = env_path("TMPDIR"), *base = env != NULL ? env : "/tmp";
	char *dir = xstrfmt("%s/llm-tmp.%ld.XXXXXX", base, (long)getpid());

	confine_sweep(base, (int64_t)time(NULL));

	if (mkdtemp(dir) == NULL) {
		xasprintf(cause, "cannot make a temporary directory for commands: %s: %s", dir,
		    strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* The devices and directories of /dev a command may write to. */
static const char *const dev_writable[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/shm", "/dev/ptmx", NULL,
};

/* Whether path, or a directory on the way to it, resolves to where c's commands may write. */
static bool
reachable(const struct confine *c, const char *path)
{
	char *prefix = xstrdup(path), *real, *slash = prefix;
	bool within = false;
	size_t i;

	do {
		slash = strchr(slash + 1, '/');
		if (slash != NULL)
			*slash = '\0';
		if ((real = realpath(*prefix != '\0' ? prefix : "/", NULL)) != NULL) {
			for (i = 0; i < c->npaths && !within; i++)
				within = beneath(real, c->paths[i]);
			free(real);
		}
		if (slash != NULL)
			*slash = '/';
	} while (slash != NULL && !within);
	free(prefix);
	return within;
}

/* Prepare the confinement of the commands a task runs in root. */
struct confine *
confine_new(const char *root, const char *const *writable, const char *const *protect,
    bool sockets, char **cause)
{
	struct confine *c = xcalloc(1, sizeof(*c));
	const char **tools;
	char **roots = NULL, **cache = caches(&tools);
	size_t n = 0, np = 0, i;

	c->ruleset = -1;
	if ((c->tmpdir = make_tmpdir(cause)) == NULL) {
		strv_free(cache);
		free(tools);
		confine_free(c);
		return NULL;
	}
	c->tmpenv = xstrfmt("TMPDIR=%s", c->tmpdir);
	list_add(&roots, &n, xstrdup(root));
	list_add(&roots, &n, xstrdup(c->tmpdir));
	/*
	 * Of /dev, what programs write to as a matter of course, and POSIX shared
	 * memory. Not /dev/pts: every terminal of the user's is there, and a
	 * command must not write on one; nor a disk, which root could.
	 */
	for (i = 0; dev_writable[i] != NULL; i++)
		list_add(&roots, &n, xstrdup(dev_writable[i]));
	for (i = 0; cache[i] != NULL; i++) {
		/*
		 * a cache not made yet is made now, where its tool is installed:
		 * the first go build of a fresh account must find one it may write
		 */
		if (access(cache[i], F_OK) != 0 && (tools[i] == NULL || path_has(tools[i])))
			mkdir_p(cache[i]);
		list_add(&roots, &n, xstrdup(cache[i]));
	}
	for (i = 0; writable != NULL && writable[i] != NULL; i++) {
		char *path = expand(writable[i]), *real = path != NULL ? realpath(path, NULL) : NULL;

		if (path != NULL && real == NULL)
			list_add(&c->pending, &np, path);
		else
			list_add(&roots, &n, path);
		free(real);
	}
	strv_free(cache);
	free(tools);
	c->npaths = confine_plan((const char *const *)roots, protect, &c->paths);
	c->roots = roots;
	c->nroots = n;
	c->abi = confine_abi();
	c->sockets = sockets ? CONFINE_SOCKETS_ALLOWED :
	    confine_can_filter() ? CONFINE_SOCKETS_CLOSED : CONFINE_SOCKETS_OPEN;
	if (c->abi > 0 && build_ruleset(c, cause) != 0) {
		confine_free(c);
		return NULL;
	}
	/* unless the user opened theirs to commands (writable = /dev/pts) */
	c->pts = c->abi > 0 && !reachable(c, "/dev/pts/ptmx") && pts_possible();
	return c;
}

int
confine_widen(struct confine *c, const char *const *protect, char **cause)
{
	size_t i, k;
	char *real;
	bool more = false;

	for (i = k = 0; c->pending != NULL && c->pending[i] != NULL; i++) {
		real = realpath(c->pending[i], NULL);
		if (real != NULL && !reachable(c, c->pending[i])) {
			list_add(&c->roots, &c->nroots, c->pending[i]);
			more = true;
		} else {
			c->pending[k++] = c->pending[i];
		}
		free(real);
	}
	if (!more)
		return 0;
	c->pending[k] = NULL;
	strv_free(c->paths);
	c->npaths = confine_plan((const char *const *)c->roots, protect, &c->paths);
	if (c->abi > 0) {
		close(c->ruleset);
		c->ruleset = -1;
		if (build_ruleset(c, cause) != 0)
			return -1;
	}
	return 1;
}

/* Remove the temporary directory and free c. */
void
confine_free(struct confine *c)
{
	if (c == NULL)
		return;
	if (c->tmpdir != NULL)
		remove_tree(c->tmpdir);
	if (c->ruleset >= 0)
		close(c->ruleset);
	free(c->tmpdir);
	free(c->tmpenv);
	strv_free(c->paths);
	strv_free(c->roots);
	strv_free(c->pending);
	free(c);
}

/*
 * The capabilities a command keeps: those a Docker container's root has by
 * default (files, ownership, user ids, signals, chroot, raw and low-port
 * sockets), under which builds and test suites are used to running, but for
 * CAP_MKNOD: a container's device cgroup keeps its nodes from opening a disk,
 * and here nothing would.
 * The rest go: CAP_SYS_PTRACE, and on some kernels CAP_SYS_ADMIN and
 * CAP_PERFMON, let root's commands read any process's environment and memory
 * (llm's own keys, the shell that started it), Landlock or not; others load
 * kernel modules, read kernel memory or reconfigure the machine.
 */
#define CAP_KEPT                                                                                   \
	((1ull << 0) /* CHOWN */ | (1ull << 1) /* DAC_OVERRIDE */ | (1ull << 3) /* FOWNER */ |     \
	    (1ull << 4) /* FSETID */ | (1ull << 5) /* KILL */ | (1ull << 6) /* SETGID */ |         \
	    (1ull << 7) /* SETUID */ | (1ull << 8) /* SETPCAP */ |                                  \
	    (1ull << 10) /* NET_BIND_SERVICE */ | (1ull << 13) /* NET_RAW */ |                      \
	    (1ull << 18) /* SYS_CHROOT */ | (1ull << 29) /* AUDIT_WRITE */ |                        \
	    (1ull << 31) /* SETFCAP */)

/*
 * Take every capability but CAP_KEPT away for good: from the bounding set,
 * so that no exec gives it back to root, and from the sets held now. Without
 * them the kernel lets a command read only processes that hold no more than
 * it does, and never llm, which is not dumpable; its own children can still
 * be traced (gdb, strace). A process that is not root drops only what it
 * holds: no exec gives it more under no_new_privs.
 */
static int
drop_caps(void)
{
#if defined(__linux__) && defined(_LINUX_CAPABILITY_VERSION_3)
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	bool root = geteuid() == 0 || getuid() == 0, held = false;
	int cap;

	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	/* PR_CAPBSET_READ fails past the last capability the kernel knows */
	for (cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		uint32_t bit = 1u << (cap % 32);
		struct __user_cap_data_struct *w = &d[cap / 32];
		bool has = ((w->permitted | w->effective | w->inheritable) & bit) != 0;

		if (CAP_KEPT & (1ull << cap) || (!root && !has))
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			return -1;
		held |= has;
		w->permitted &= ~bit;
		w->effective &= ~bit;
		w->inheritable &= ~bit;
	}
	return !held || syscall(SYS_capset, &h, d) == 0 ? 0 : -1;
#else
	return 0;
#endif
}

/* In a child: confine it and all it starts. */
int
confine_apply(const struct confine *c)
{
	bool filter = c != NULL && c->sockets == CONFINE_SOCKETS_CLOSED;

	if (c == NULL)
		return 0;
	/* before the capabilities go: root mounts with CAP_SYS_ADMIN */
	if (c->pts && private_pts() != 0)
		return -1;
	if (drop_caps() != 0)
		return -1;
	if (c->ruleset < 0 && !filter)
		return 0;
	/* without it an unprivileged process may not restrict itself: setuid would escape */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	if (filter && filter_apply() != 0)
		return -1;
	if (c->ruleset < 0)
		return 0;
	if (c->pts) {
		const char *failed;
		int rs = ruleset_make(c, "/dev/pts", &failed), r;

		if (rs < 0)
			return -1;
		r = (int)syscall(SYS_landlock_restrict_self, rs, 0);
		close(rs);
		return r == 0 ? 0 : -1;
	}
	return syscall(SYS_landlock_restrict_self, c->ruleset, 0) == 0 ? 0 : -1;
}
