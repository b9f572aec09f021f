/* Tests for gitfind: a look after a command, reading only what changed, finds what a full look finds. */
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "gitfind.h"
#include "tmpdir.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/llm-gitfind-XXXXXX";
static char *top; /* dir resolved */

/* Run the shell command cmd in top/name; whether it exited 0. */
static bool
sh(const char *name, const char *cmd)
{
	return tmpdir_sh(top, name, cmd);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What a look into top/name in at most look directories with seen (or
 * NULL) found: its .git entries sorted, whether some directories were left,
 * and those it could not read, in one line.
 */
static char *
look(const char *name, size_t look, struct gitfind_seen *seen)
{
	char *root = xstrfmt("%s/%s", top, name), **v;
	struct gitfind_missed m = { 0 };
	struct buf b;
	size_t i, n;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	CHECK(fd >= 0);
	v = gitfind_dots(fd, look, &m, seen);
	for (n = 0; v[n] != NULL; n++)
		;
	qsort(v, n, sizeof(*v), by_name);
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i > 0 ? " " : "", v[i]);
	if (m.partial)
		buf_adds(&b, " (partial)");
	for (i = 0; i < m.nunread; i++)
		buf_addf(&b, " (unread %s)", m.unread[i]);
	strv_free(v);
	strv_free(m.unread);
	close(fd);
	free(root);
	return buf_detach(&b);
}

/*
 * Look into top/name with seen, check that it found what a full look finds,
 * and that it read *read directories and took *kept from seen (-1: any).
 */
static char *
again(const char *name, size_t n, struct gitfind_seen *seen, long read, long kept)
{
	char *full = look(name, n, NULL), *inc = look(name, n, seen);
	size_t r, k;

	CHECK_STR(inc, full);
	gitfind_seen_counts(seen, &r, &k);
	if (read >= 0)
		CHECK_INT(r, read);
	if (kept >= 0)
		CHECK_INT(k, kept);
	free(full);
	return inc;
}

/*
 * Let what was just made be older than a look made now. A look takes the
 * present from the coarse clock, which may lag the fine one by more than a
 * tick (a busy machine), while a file may be stamped by the fine one: wait
 * until the coarse clock is past the fine one's present.
 */
static void
settle(void)
{
	struct timespec fine, b;

	clock_gettime(CLOCK_REALTIME, &fine);
	do {
		usleep(2000);
		clock_gettime(CLOCK_REALTIME_COARSE, &b);
	} while (b.tv_sec < fine.tv_sec || (b.tv_sec == fine.tv_sec && b.tv_nsec <= fine.tv_nsec));
}

/*
 * A look after the first takes the directories unchanged since from what it
 * saw, and reads again those with an entry made, removed or renamed in them:
 * it finds what the command made.
 */
static void
test_seen(void)
{
	struct gitfind_seen *seen = gitfind_seen_new(0);

	CHECK(sh("seen", "mkdir -p .git a/b/c d/e f node_modules/p/.git node_modules/q"
	    " && printf 'gitdir: x\\n' >a/b/.git && touch a/x d/y"));
	settle();
	CHECK_STR_FREE(again("seen", 100, seen, 8, 0), ".git a/b/.git node_modules/p/.git");
	/* nothing changed: nothing but node_modules, whose packages' .git are looked for, is read */
	CHECK_STR_FREE(again("seen", 100, seen, 1, 7), ".git a/b/.git node_modules/p/.git");
	/* a repository in an old directory, one in a package */
	CHECK(sh("seen", "mkdir d/e/.git && mkdir node_modules/q/.git"));
	settle();
	CHECK_STR_FREE(again("seen", 100, seen, 2, 6),
	    ".git a/b/.git d/e/.git node_modules/p/.git node_modules/q/.git");
	settle();
	/* a directory swapped for a link to a repository: never followed; one moved in: read */
	CHECK(sh("seen", "mv a/b/c g && mkdir -p g/.git && ln -s ../../g a/b/c && mkdir -p h/.git"
	    " && mv h d/e/h"));
	CHECK_STR_FREE(again("seen", 100, seen, -1, -1),
	    ".git a/b/.git d/e/.git d/e/h/.git g/.git node_modules/p/.git node_modules/q/.git");
	gitfind_seen_free(seen);
}

/*
 * A .git made in an old directory whose times are then set back to what
 * they were, to the nanosecond: its change time has moved, so it is read.
 */
static void
test_same_time(void)
{
	struct gitfind_seen *seen = gitfind_seen_new(0);

	CHECK(sh("same", "mkdir -p a/b c && touch -d '2020-01-02 03:04:05.123456789' a/b c"));
	settle();
	CHECK_STR_FREE(again("same", 100, seen, 4, 0), "");
	CHECK(sh("same", "mkdir a/b/.git && printf 'gitdir: /x\\n' >c/.git"
	    " && touch -d '2020-01-02 03:04:05.123456789' a/b c"));
	settle();
	CHECK_STR_FREE(again("same", 100, seen, 2, 2), "a/b/.git c/.git");
	settle();
	/* and the same again, now that they were read: a .git removed, the times set back */
	CHECK_STR_FREE(again("same", 100, seen, 0, 4), "a/b/.git c/.git");
	CHECK(sh("same", "rmdir a/b/.git && touch -d '2020-01-02 03:04:05.123456789' a/b"));
	CHECK_STR_FREE(again("same", 100, seen, 1, 3), "c/.git");
	gitfind_seen_free(seen);
}

/*
 * Directories renamed over each other, or swapped, are other directories at
 * the same path: each is read, and what is under them found where it is now.
 */
static void
test_renamed(void)
{
	struct gitfind_seen *seen = gitfind_seen_new(0);

	CHECK(sh("ren", "mkdir -p p/q/r/.git s/t u/v/w x/y"));
	settle();
	CHECK_STR_FREE(again("ren", 100, seen, 11, 0), "p/q/r/.git");
	/* swapped: p is what s was, and s what p was */
	CHECK(sh("ren", "mv p tmp && mv s p && mv tmp s"));
	settle();
	CHECK_STR_FREE(again("ren", 100, seen, -1, -1), "s/q/r/.git");
	settle();
	CHECK_STR_FREE(again("ren", 100, seen, 0, 11), "s/q/r/.git");
	/* deeper, the parent's entries unchanged: u/v holds x's y now, over an empty w */
	CHECK(sh("ren", "mkdir x/y/.git && rmdir u/v/w && mv x/y u/v/w"));
	CHECK_STR_FREE(again("ren", 100, seen, -1, -1), "s/q/r/.git u/v/w/.git");
	settle();
	/* a directory renamed over an empty one of an old parent */
	CHECK(sh("ren", "mkdir -p z/.git && mv -T z p/t"));
	CHECK_STR_FREE(again("ren", 100, seen, -1, -1), "p/t/.git s/q/r/.git u/v/w/.git");
	CHECK(sh("ren", "test -d p/t/.git && test ! -e z"));
	gitfind_seen_free(seen);
}

/* What changed too near the look that saw it is read again: a change in the same tick has its time. */
static void
test_racy(void)
{
	struct gitfind_seen *seen = gitfind_seen_new(GITFIND_RACY_NS);

	CHECK(sh("racy", "mkdir -p .git a/b"));
	CHECK_STR_FREE(again("racy", 100, seen, 3, 0), ".git");
	CHECK(sh("racy", "mkdir a/b/.git"));
	CHECK_STR_FREE(again("racy", 100, seen, 3, 0), ".git a/b/.git");
	gitfind_seen_free(seen);
}

/* Directories taken from what was seen count towards the look's limit as those read do. */
static void
test_seen_limit(void)
{
	struct gitfind_seen *seen = gitfind_seen_new(0);

	CHECK(sh("limit", "mkdir -p a/b/c/.git d/e/.git f/.git"));
	settle();
	CHECK_STR_FREE(again("limit", 3, seen, 4, 0), "f/.git (partial)");
	CHECK_STR_FREE(again("limit", 3, seen, 0, 4), "f/.git (partial)");
	CHECK(sh("limit", "mkdir a/g"));
	settle();
	CHECK_STR_FREE(again("limit", 3, seen, 1, 3), "f/.git (partial)");
	gitfind_seen_free(seen);
}

/* A directory made unreadable by the command is named, as a full look names it. */
static void
unreadable(const char *name)
{
	struct gitfind_seen *seen = gitfind_seen_new(0);

	CHECK(sh(name, "mkdir -p a/b/.git c/d"));
	settle();
	CHECK_STR_FREE(again(name, 100, seen, 5, 0), "a/b/.git");
	CHECK(sh(name, "chmod 000 a && mkdir c/d/.git"));
	CHECK_STR_FREE(again(name, 100, seen, -1, -1), "c/d/.git (unread a)");
	CHECK(sh(name, "chmod 755 a && chmod 300 c"));
	CHECK_STR_FREE(again(name, 100, seen, -1, -1), "a/b/.git (unread c)");
	CHECK(sh(name, "chmod 755 c"));
	gitfind_seen_free(seen);
}

/* Run unreadable as a user whose modes hold (root reads any directory). */
static void
test_unreadable(void)
{
	char *cmd;
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		unreadable("unread");
		return;
	}
	CHECK(sh("unread", "true"));
	cmd = xstrfmt("chmod 755 '%s' && chown -R 65534:65534 '%s/unread'", top, top);
	CHECK(system(cmd) == 0);
	free(cmd);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		unit_bad = 0;
		unreadable("unread");
		fflush(NULL);
		_exit(unit_bad);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
main(void)
{
	tmpdir_make(dir);
	top = realpath(dir, NULL);
	RUN(test_seen);
	RUN(test_same_time);
	RUN(test_renamed);
	RUN(test_racy);
	RUN(test_seen_limit);
	RUN(test_unreadable);
	free(top);
	UNIT_EXIT();
}
