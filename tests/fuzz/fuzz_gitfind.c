/*
 * fuzz_gitfind: a look for .git entries after changes to a tree, reading only
 * directories that changed since the look before, finds what a full look finds.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "gitfind.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPS 48   /* changes at most between two looks */
#define ROUNDS 4 /* looks after the first */

/* The input, read a byte at a time: zeros once it is used up. */
struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned
next(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* A path in the tree: one to four names, each of a few, .git and node_modules among them. */
static char *
path(struct in *in)
{
	static const char *const names[] = { "a", "b", "c", ".git", "node_modules", "d" };
	struct buf b;
	unsigned depth = next(in) % 4 + 1, i;

	buf_init(&b, 0);
	for (i = 0; i < depth; i++)
		buf_addf(&b, "%s%s", i > 0 ? "/" : "", names[next(in) % 6]);
	return buf_detach(&b);
}

/* Wait until the clock files are stamped with has moved on: what is there now is older than a look. */
static void
settle(void)
{
	struct timespec a, b;

	clock_gettime(CLOCK_REALTIME_COARSE, &a);
	do {
		usleep(500);
		clock_gettime(CLOCK_REALTIME_COARSE, &b);
	} while (b.tv_sec == a.tv_sec && b.tv_nsec == a.tv_nsec);
}

/* Make a .git in dir (rel to fd) and put the directory's times back as they were. */
static void
same_times(int fd, const char *dir, unsigned how)
{
	char *dot = xstrfmt("%s/.git", dir);
	struct timespec ts[2];
	struct stat st;
	int f;

	if (fstatat(fd, dir, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (how & 1)
			mkdirat(fd, dot, 0755);
		else if ((f = openat(fd, dot, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0)
			close(f);
		if (how & 2)
			unlinkat(fd, dot, (how & 1) ? AT_REMOVEDIR : 0);
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		utimensat(fd, dir, ts, AT_SYMLINK_NOFOLLOW);
	}
	free(dot);
}

/*
 * Apply one change read from in to the tree open as fd; failures are part of
 * the game. Paths and links hold no "..": nothing is made out of the tree.
 */
static void
change(int fd, struct in *in)
{
	unsigned op = next(in) % 12, i, k;
	char *p = path(in), *q, *s;
	int f;

	switch (op) {
	case 0:
		mkdirat(fd, p, 0755);
		break;
	case 1:
		unlinkat(fd, p, AT_REMOVEDIR);
		break;
	case 2:
		q = xstrfmt("%s/.git", p);
		if ((f = openat(fd, q, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0)
			close(f);
		free(q);
		break;
	case 3:
		q = xstrfmt("%s/.git", p);
		mkdirat(fd, q, 0755);
		free(q);
		break;
	case 4:
		unlinkat(fd, p, 0);
		break;
	case 5:
		q = path(in);
		renameat(fd, p, fd, q);
		free(q);
		break;
	case 6:
		q = path(in);
		renameat2(fd, p, fd, q, RENAME_EXCHANGE);
		free(q);
		break;
	case 7:
		fchmodat(fd, p, (next(in) & 1) ? 0 : 0755, 0);
		break;
	case 8:
		/*
		 * to a directory of the tree, or to nothing: never out of it, as
		 * the changes after would go through the link
		 */
		q = path(in);
		symlinkat(next(in) & 1 ? "gone" : q, fd, p);
		free(q);
		break;
	case 9:
		/* deep: a chain of directories, a .git at its end */
		k = next(in) % 24 + 1;
		q = xstrdup(p);
		for (i = 0; i < k; i++) {
			mkdirat(fd, q, 0755);
			s = xstrfmt("%s/%c", q, "abc"[i % 3]);
			free(q);
			q = s;
		}
		s = xstrfmt("%s/.git", q);
		mkdirat(fd, s, 0755);
		free(s);
		free(q);
		break;
	case 10:
		same_times(fd, p, next(in));
		break;
	default:
		/* the times set to what they are: the change time moves, nothing else */
		utimensat(fd, p, NULL, AT_SYMLINK_NOFOLLOW);
		break;
	}
	free(p);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What a look into the tree open as fd found, in one line: .git entries, partial, unread, sorted. */
static char *
look(int fd, size_t n, struct gitfind_seen *seen)
{
	struct gitfind_missed m = { 0 };
	char **v = gitfind_dots(fd, n, &m, seen);
	struct buf b;
	size_t i, k;

	for (k = 0; v[k] != NULL; k++)
		;
	qsort(v, k, sizeof(*v), by_name);
	if (m.nunread > 0)
		qsort(m.unread, m.nunread, sizeof(*m.unread), by_name);
	buf_init(&b, 0);
	for (i = 0; i < k; i++)
		buf_addf(&b, "%s ", v[i]);
	buf_adds(&b, m.partial ? "partial" : "whole");
	for (i = 0; i < m.nunread; i++)
		buf_addf(&b, " unread:%s", m.unread[i]);
	strv_free(v);
	strv_free(m.unread);
	return buf_detach(&b);
}

/* Remove what dir (rel to fd) holds, making each directory readable first. */
static void
rm_in(int fd)
{
	struct dirent *e;
	DIR *d;
	int sub;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			continue;
		fchmodat(fd, e->d_name, 0700, 0);
		if ((sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
			rm_in(sub);
		unlinkat(fd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/*
 * The input: the look's limit, then changes making the first tree, then
 * rounds, each whether to wait for the clock to move, then changes, each
 * round ended by a look with what the looks before saw, checked against a
 * full look.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	char dir[] = "/tmp/llm-fuzz-gitfind-XXXXXX", *full, *inc;
	struct gitfind_seen *seen;
	unsigned limit = next(&in), r, i, n;
	size_t lim = limit < 128 ? limit % 40 : 4096;
	bool root = geteuid() == 0, differ = false;
	int fd;

	/* as root every directory is readable: modes hold for another user */
	if (root) {
		setfsgid(65534);
		setfsuid(65534);
	}
	if (mkdtemp(dir) == NULL || (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	n = next(&in) % OPS;
	for (i = 0; i < n; i++)
		change(fd, &in);
	seen = gitfind_seen_new(0);
	settle();
	free(look(fd, lim, seen));
	for (r = 0; r < ROUNDS && in.n > 0 && !differ; r++) {
		if (next(&in) & 1)
			settle();
		n = next(&in) % OPS;
		for (i = 0; i < n; i++)
			change(fd, &in);
		full = look(fd, lim, NULL);
		inc = look(fd, lim, seen);
		if (strcmp(full, inc) != 0) {
			fprintf(stderr, "fuzz_gitfind: round %u: a full look found\n  %s\nthe look after\n  %s\n",
			    r, full, inc);
			differ = true;
		}
		free(full);
		free(inc);
	}
	gitfind_seen_free(seen);
	if (root) {
		setfsuid(0);
		setfsgid(0);
	}
	rm_in(fd);
	rmdir(dir);
	if (differ)
		abort();
	return 0;
}
