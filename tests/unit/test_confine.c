/*
 * Tests for confine: where the agent's commands may write (the plan;
 * enforcement: agent_confine.sh) and the socket filter, applied here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "confine.h"
#include "tmpdir.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/llm-confine-XXXXXX";
static char *top; /* dir resolved */

/* Make the directories and files (a name ending in '/' is a directory) under dir. */
static void
make(const char *const *names)
{
	size_t i;
	char *p;

	for (i = 0; names[i] != NULL; i++) {
		p = xstrfmt("%s/%s", top, names[i]);
		if (str_endswith(p, "/")) {
			CHECK(mkdir_p(p) == 0);
		} else {
			FILE *f;

			*strrchr(p, '/') = '\0';
			CHECK(mkdir_p(p) == 0);
			p[strlen(p)] = '/';
			f = fopen(p, "w");

			CHECK(f != NULL);
			if (f != NULL)
				fclose(f);
		}
		free(p);
	}
}

/* The plan for roots and protect (names under dir, or absolute), as names under dir, one a line. */
static char *
plan(const char *const *roots, const char *const *protect)
{
	char *r[8] = { 0 }, *p[8] = { 0 }, **out;
	struct buf b;
	size_t i, n;

	for (i = 0; roots[i] != NULL; i++)
		r[i] = *roots[i] == '/' || *roots[i] == '\0' ? xstrdup(roots[i]) :
		    xstrfmt("%s/%s", top, roots[i]);
	for (i = 0; protect[i] != NULL; i++)
		p[i] = *protect[i] == '/' ? xstrdup(protect[i]) : xstrfmt("%s/%s", top, protect[i]);
	n = confine_plan((const char *const *)r, (const char *const *)p, &out);
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s\n", str_startswith(out[i], top) ? out[i] + strlen(top) + 1 : out[i]);
	CHECK(out[n] == NULL);
	strv_free(out);
	for (i = 0; i < 8; i++) {
		free(r[i]);
		free(p[i]);
	}
	return buf_detach(&b);
}

/* A root that holds nothing protected is one rule; missing and relative ones none; twice is once. */
static void
test_plain_roots(void)
{
	make((const char *const[]){ "ws/src/", "cache/", NULL });
	CHECK_STR_FREE(plan((const char *const[]){ "ws", "cache", "ws", "missing", "", NULL },
	    (const char *const[]){ "cfg", NULL }), "cache\nws\n");
}

/* A root holding a protected directory is given as its entries, down to it, but it and links. */
static void
test_split(void)
{
	make((const char *const[]){ "home/.bashrc", "home/proj/", "home/.config/llm/",
	    "home/.config/git/", "home/.config/gh.yml", "home/.local/share/llm/",
	    "home/.local/share/fonts/", "home/.local/bin/", NULL });
	{
		char *link = xstrfmt("%s/home/.config/all", top);

		CHECK(symlink(top, link) == 0);
		free(link);
	}
	CHECK_STR_FREE(plan((const char *const[]){ "home", NULL },
	    (const char *const[]){ "home/.config/llm", "home/.local/share/llm", NULL }),
	    "home/.bashrc\nhome/.config/gh.yml\nhome/.config/git\nhome/.local/bin\n"
	    "home/.local/share/fonts\nhome/proj\n");
}

/* A protected path that does not exist yet is kept from being made: its parents are split. */
static void
test_missing_protected(void)
{
	make((const char *const[]){ "h2/.config/other/", "h2/keep/", NULL });
	CHECK_STR_FREE(plan((const char *const[]){ "h2", NULL },
	    (const char *const[]){ "h2/.config/llm/", "h2/.local/share/llm", NULL }),
	    "h2/.config/other\nh2/keep\n");
}

/* A root at or beneath a protected path is left out; one reached by a link is resolved. */
static void
test_beneath_protected(void)
{
	char *link = xstrfmt("%s/to-data", top);

	make((const char *const[]){ "data/undo/", "ok/", NULL });
	CHECK(symlink("data/undo", link) == 0);
	CHECK_STR_FREE(plan((const char *const[]){ "data", "data/undo", "to-data", "ok", NULL },
	    (const char *const[]){ "data", NULL }), "ok\n");
	CHECK_STR_FREE(plan((const char *const[]){ "to-data", NULL }, (const char *const[]){ NULL }),
	    "data/undo\n");
	free(link);
}

/* A file can be a root ([agent] writable = ~/.bashrc). */
static void
test_file_root(void)
{
	make((const char *const[]){ "f/rc", NULL });
	CHECK_STR_FREE(plan((const char *const[]){ "f/rc", NULL }, (const char *const[]){ NULL }),
	    "f/rc\n");
}

/* The caches come from the environment where it names them, else from the home. */
static void
test_caches(void)
{
	char **c;
	struct buf b;
	size_t i;

	setenv("HOME", "/h", 1);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("CARGO_HOME");
	unsetenv("GOMODCACHE");
	unsetenv("GOCACHE");
	unsetenv("npm_config_cache");
	setenv("GOPATH", "/gp:/other", 1);
	buf_init(&b, 0);
	c = confine_caches();
	for (i = 0; c[i] != NULL; i++)
		buf_addf(&b, "%s\n", c[i]);
	strv_free(c);
	CHECK_STR(buf_str(&b), "/h/.cache\n/h/.cargo/registry\n/h/.cargo/git\n/gp/pkg/mod\n/h/.npm\n");
	buf_done(&b);
	setenv("XDG_CACHE_HOME", "/x", 1);
	setenv("CARGO_HOME", "/c", 1);
	setenv("GOMODCACHE", "/m", 1);
	setenv("GOCACHE", "/gc", 1);
	setenv("npm_config_cache", "relative", 1);
	buf_init(&b, 0);
	c = confine_caches();
	for (i = 0; c[i] != NULL; i++)
		buf_addf(&b, "%s\n", c[i]);
	strv_free(c);
	CHECK_STR(buf_str(&b), "/x\n/c/registry\n/c/git\n/m\n/gc\n/h/.npm\n");
	buf_done(&b);
}

/* Whether name is under dir. */
static bool
there(const char *name)
{
	char *p = xstrfmt("%s/%s", top, name);
	struct stat st;
	bool yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

/*
 * The temporary directory of an llm killed before it could remove it is
 * swept once its process is gone and an hour has passed, with what a
 * command left in it; a live process's, a recent one and other names stay.
 */
static void
test_sweep(void)
{
	char dead[64], live[64], *p;
	pid_t pid = fork();
	int64_t now = (int64_t)time(NULL);

	if (pid == 0)
		_exit(0);
	CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid);
	snprintf(dead, sizeof dead, "sweep/llm-tmp.%ld.aB3xY9/", (long)pid);
	snprintf(live, sizeof live, "sweep/llm-tmp.%ld.Qw12Er/", (long)getpid());
	make((const char *const[]){ dead, live, "sweep/llm-tmp.abcdef/", "sweep/llm-tmp.1.ab/x",
	    "sweep/notes/", NULL });
	p = xstrfmt("%s/%sro/f", top, dead);
	*strrchr(p, '/') = '\0';
	CHECK(mkdir(p, 0700) == 0);
	CHECK(chmod(p, 0500) == 0);
	free(p);
	p = xstrfmt("%s/sweep", top);
	/* within the hour: all kept */
	confine_sweep(p, now + 60);
	CHECK(there(dead));
	confine_sweep(p, now + CONFINE_STALE_S + 60);
	CHECK(!there(dead));
	CHECK(there(live));
	CHECK(there("sweep/llm-tmp.abcdef"));
	CHECK(there("sweep/llm-tmp.1.ab/x"));
	CHECK(there("sweep/notes"));
	free(p);
}

/* "name: ok" (the descriptor closed) or "name: ERRNO" for a call's result r. */
static void
said(struct buf *b, const char *name, long r, int e)
{
	if (r >= 0)
		close((int)r);
	buf_addf(b, "%s: %s\n", name, r >= 0 ? "ok" : e == EACCES ? "EACCES" : e == ENOSYS ? "ENOSYS" :
	    strerror(e));
}

#define TRY(b, name, call) do { \
	long try_r; \
	errno = 0; \
	try_r = (long)(call); \
	said(b, name, try_r, errno); \
} while (0)

#if defined(__x86_64__)
/* An i386 system call through int $0x80, as a 32-bit program makes it: its result, or -errno. */
static long
call32(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

/*
 * Whether the kernel runs i386 calls: getpid through int $0x80, in a child,
 * since a kernel without ia32 emulation kills the caller with SIGSEGV.
 */
static bool
i386_runs(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(call32(20 /* getpid */, 0, 0, 0) == (long)getpid() ? 0 : 1);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* What the 32-bit calls do. */
static void
try_i386(struct buf *b)
{
	unsigned int *args;
	long r;

	buf_addf(b, "i386 unix: %s\n", (r = call32(359, AF_UNIX, SOCK_STREAM, 0)) >= 0 ? "ok" :
	    r == -EACCES ? "EACCES" : strerror((int)-r));
	if (r >= 0)
		close((int)r);
	buf_addf(b, "i386 inet: %s\n", (r = call32(359, AF_INET, SOCK_STREAM, 0)) >= 0 ? "ok" :
	    strerror((int)-r));
	if (r >= 0)
		close((int)r);
	/* socketcall's arguments, where a 32-bit pointer reaches them */
	args = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (args == MAP_FAILED)
		return;
	args[0] = AF_INET;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	buf_addf(b, "i386 socketcall inet: %s\n", (r = call32(102, 1, (long)args, 0)) >= 0 ? "ok" :
	    r == -EACCES ? "EACCES" : strerror((int)-r));
	if (r >= 0)
		close((int)r);
	munmap(args, 4096);
}
#endif

/* What a child wrote on the pipe fd until it closed, once the child pid has exited 0. */
static char *
collect(int fd, pid_t pid)
{
	struct buf b;
	char chunk[512];
	ssize_t n;
	int st;

	buf_init(&b, 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return buf_detach(&b);
}

/* In a child confined by c: what each kind of socket call does, one a line. */
static char *
sockets_under(const struct confine *c)
{
	int fds[2], out[2], pairs[2], st;
	struct buf b;
	char chunk[512];
	pid_t pid;
#if defined(__x86_64__)
	bool i386 = i386_runs();
#endif

	CHECK(pipe(out) == 0);
	if ((pid = fork()) == 0) {
		buf_init(&b, 0);
		if (confine_apply(c) != 0)
			_exit(3);
		TRY(&b, "unix stream", socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
		TRY(&b, "unix dgram", socket(AF_UNIX, SOCK_DGRAM, 0));
		TRY(&b, "unix seqpacket", socket(AF_UNIX, SOCK_SEQPACKET, 0));
		/* the kernel takes the family as an int: high bits change nothing */
		TRY(&b, "unix high bits", syscall(SYS_socket, (long)AF_UNIX | (1L << 40), SOCK_STREAM, 0));
		TRY(&b, "inet", socket(AF_INET, SOCK_STREAM, 0));
		st = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pairs);
		buf_addf(&b, "pair stream: %s\n", st == 0 && write(pairs[0], "x", 1) == 1 &&
		    read(pairs[1], chunk, 1) == 1 && chunk[0] == 'x' ? "ok" : strerror(errno));
		if (st == 0) {
			close(pairs[0]);
			close(pairs[1]);
		}
		TRY(&b, "pair seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pairs) == 0 ?
		    (close(pairs[1]), pairs[0]) : -1);
		TRY(&b, "pair dgram", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pairs) == 0 ?
		    (close(pairs[1]), pairs[0]) : -1);
		TRY(&b, "pipe", pipe(fds) == 0 ? (close(fds[1]), fds[0]) : -1);
		TRY(&b, "io_uring", syscall(425, 1, NULL));
#if defined(__x86_64__)
		TRY(&b, "x32 unix", syscall(0x40000000L | SYS_socket, AF_UNIX, SOCK_STREAM, 0));
		if (i386)
			try_i386(&b);
#endif
		if (write(out[1], buf_str(&b), b.len) != (ssize_t)b.len)
			_exit(4);
		_exit(0);
	}
	close(out[1]);
	return collect(out[0], pid);
}

/*
 * The socket filter refuses local sockets (EACCES) and datagram pairs, but
 * not stream and seqpacket pairs, pipes nor other families; io_uring and
 * x32 calls fail; a 32-bit call is filtered as well. Allowed: all open.
 */
static void
test_socket_filter(void)
{
	struct confine closed = { .ruleset = -1, .sockets = CONFINE_SOCKETS_CLOSED };
	struct confine allowed = { .ruleset = -1, .sockets = CONFINE_SOCKETS_ALLOWED };
	char *got;

	if (!confine_can_filter()) {
		printf("# skip: no seccomp filter here\n");
		return;
	}
	got = sockets_under(&closed);
	CHECK_HAS(got, "unix stream: EACCES\nunix dgram: EACCES\nunix seqpacket: EACCES\n"
	    "unix high bits: EACCES\ninet: ok\npair stream: ok\npair seqpacket: ok\n"
	    "pair dgram: EACCES\npipe: ok\nio_uring: ENOSYS\n");
#if defined(__x86_64__)
	CHECK_HAS(got, "x32 unix: ENOSYS\n");
	if (strstr(got, "i386") != NULL)
		CHECK_HAS(got, "i386 unix: EACCES\ni386 inet: ok\ni386 socketcall inet: EACCES\n");
	else
		printf("# skip: this kernel runs no i386 calls\n");
#endif
	free(got);
	got = sockets_under(&allowed);
	CHECK_HAS(got, "unix stream: ok\nunix dgram: ok\nunix seqpacket: ok\nunix high bits: ok\n"
	    "inet: ok\npair stream: ok\npair seqpacket: ok\npair dgram: ok\npipe: ok\n");
#if defined(__x86_64__)
	if (strstr(got, "i386") != NULL)
		CHECK_HAS(got, "i386 unix: ok\ni386 inet: ok\ni386 socketcall inet: ok\n");
#endif
	free(got);
}

/*
 * In a child confined by c: a new pty's other end opens ("pty: ok"), and
 * which entries of /dev/pts it sees besides ptmx and its own.
 */
static void
pty_under(const struct confine *c, int out)
{
	struct dirent *e;
	struct buf b;
	const char *name;
	DIR *d;
	int m, s;

	buf_init(&b, 0);
	if (confine_apply(c) != 0)
		_exit(3);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	name = m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 ? ptsname(m) : NULL;
	s = name != NULL ? open(name, O_RDWR | O_NOCTTY) : -1;
	buf_addf(&b, "pty: %s\n", s >= 0 ? "ok" : errno == EACCES ? "EACCES" : strerror(errno));
	if ((d = opendir("/dev/pts")) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && strcmp(e->d_name, "ptmx") != 0 &&
			    (name == NULL || strcmp(strrchr(name, '/') + 1, e->d_name) != 0))
				buf_addf(&b, "other: %s\n", e->d_name);
		closedir(d);
	}
	_exit(write(out, buf_str(&b), b.len) == (ssize_t)b.len ? 0 : 4);
}

/* Make unshare fail with EPERM here and in all this starts, as where user namespaces are off. */
static void
refuse_unshare(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		_exit(5);
}

/* What pty_under says under a confinement of top made in a child, unshare refused or not. */
static char *
ptys(bool refused, bool *own)
{
	int out[2], st;
	char *got;
	pid_t pid, cmd;

	CHECK(pipe(out) == 0);
	if ((pid = fork()) == 0) {
		struct confine *c;
		char *cause = NULL;

		if (refused)
			refuse_unshare();
		if ((c = confine_new(top, NULL, NULL, true, &cause)) == NULL)
			_exit(2);
		if (write(out[1], c->pts ? "own\n" : "shared\n", c->pts ? 4 : 7) < 0)
			_exit(4);
		if ((cmd = fork()) == 0)
			pty_under(c, out[1]);
		st = cmd > 0 && waitpid(cmd, &st, 0) == cmd && WIFEXITED(st) ? WEXITSTATUS(st) : 6;
		confine_free(c);
		_exit(st);
	}
	close(out[1]);
	got = collect(out[0], pid);
	*own = str_startswith(got, "own\n");
	return got;
}

/*
 * A command's pty: where the kernel gives it a devpts of its own, the pty
 * opens and no terminal of the user's is there; where unshare is refused,
 * it is refused (EACCES), the user's terminals being all of /dev/pts.
 */
static void
test_ptys(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY); /* a terminal of the user's in /dev/pts */
	char *got;
	bool own;

	if (confine_abi() <= 0) {
		printf("# skip: no Landlock here\n");
		if (m >= 0)
			close(m);
		return;
	}
	CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	got = ptys(true, &own);
	CHECK(!own);
	CHECK_HAS(got, "pty: EACCES\n");
	free(got);
	got = ptys(false, &own);
	if (own) {
		CHECK_HAS(got, "pty: ok\n");
		CHECK(strstr(got, "other:") == NULL);
	} else {
		printf("# skip: no devpts of a command's own here\n");
	}
	free(got);
	close(m);
}

int
main(void)
{
	tmpdir_make(dir);
	top = realpath(dir, NULL);
	RUN(test_plain_roots);
	RUN(test_split);
	RUN(test_missing_protected);
	RUN(test_beneath_protected);
	RUN(test_file_root);
	RUN(test_caches);
	RUN(test_sweep);
	RUN(test_socket_filter);
	RUN(test_ptys);
	free(top);
	UNIT_EXIT();
}
