/* gitfind: where a workspace's .git entries are, and the git directories they lead to. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "gitfind.h"
#include "githooks.h"
#include "held.h"
#include "util.h"

#define FIND_DEPTH 8 /* how deep submodules' git directories are looked for */

/*
 * Add the git directories under tree: a submodules directory, or a part of
 * a submodule's name (one with slashes is a path there), in which a
 * directory without a HEAD is looked into.
 */
static void
find_in(const char *tree, int depth, char ***v, size_t *n)
{
	struct dirent *e;
	struct stat st;
	char *path, *head, *mods;
	DIR *d;

	if (depth > FIND_DEPTH || (d = opendir(tree)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && *n < GITFIND_DIRS) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xstrfmt("%s/%s", tree, e->d_name);
		head = xstrfmt("%s/HEAD", path);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (access(head, F_OK) == 0) {
				*v = xreallocarray(*v, *n + 2, sizeof(**v));
				(*v)[(*n)++] = xstrdup(path);
				(*v)[*n] = NULL;
				mods = xstrfmt("%s/modules", path);
				find_in(mods, depth + 1, v, n);
				free(mods);
			} else
				find_in(path, depth + 1, v, n);
		}
		free(head);
		free(path);
	}
	closedir(d);
}

char *
gitfind_link(const char *dir, const char *name, const char *prefix)
{
	char *path = xstrfmt("%s/%s", dir, name), *data = NULL, *cause = NULL, *line = NULL;
	char *to, *real = NULL;
	size_t len = 0;

	if (file_read(path, 4096, &data, &len, &cause) == 0 && len > 0)
		line = xstrndup(data, strcspn(data, "\r\n"));
	if (line != NULL && str_startswith(line, prefix)) {
		to = line[strlen(prefix)] == '/' ? xstrdup(line + strlen(prefix)) :
		    xstrfmt("%s/%s", dir, line + strlen(prefix));
		real = realpath(to, NULL);
		free(to);
	}
	free(line);
	free(data);
	free(cause);
	free(path);
	return real;
}

/* A list of names that grows, for strv_free. */
struct names {
	char **v;
	size_t n, cap;
};

static void
names_add(struct names *l, char *name)
{
	if (l->n + 2 > l->cap) {
		l->cap = l->cap < 16 ? 16 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = name;
	l->v[l->n] = NULL;
}

/* A directory as a look read it. */
struct seen_dir {
	char *rel;      /* rel to the root; "" for it */
	struct stat st; /* as it was before it was read */
	bool old;       /* its times were before the look that read it began (by racy_ns) */
	char **names;   /* ".git", and its directories' names, in the order read; for strv_free */
	size_t n;
};

struct gitfind_seen {
	struct seen_dir *v;
	size_t n, vcap;
	size_t *slot;          /* open addressing on rel: an index into v plus one, 0 when free */
	size_t cap;            /* slots: a power of two, at least twice n */
	int64_t racy_ns;
	struct timespec since; /* when the present look began, by the clock files are stamped with */
	dev_t dev;             /* the file system last asked whether its times can be trusted */
	bool dev_known, dev_trusted;
	size_t read, kept;
};

struct gitfind_seen *
gitfind_seen_new(int64_t racy_ns)
{
	struct gitfind_seen *s = xcalloc(1, sizeof(*s));

	s->racy_ns = racy_ns;
	return s;
}

void
gitfind_seen_counts(const struct gitfind_seen *s, size_t *read, size_t *kept)
{
	*read = s->read;
	*kept = s->kept;
}

/* Forget every directory seen. */
static void
seen_clear(struct gitfind_seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].rel);
		strv_free(s->v[i].names);
	}
	free(s->v);
	free(s->slot);
	s->v = NULL;
	s->slot = NULL;
	s->n = s->vcap = s->cap = 0;
}

void
gitfind_seen_free(struct gitfind_seen *s)
{
	if (s == NULL)
		return;
	seen_clear(s);
	free(s);
}

/* FNV-1a of rel, masked to the slots. */
static size_t
seen_hash(const struct gitfind_seen *s, const char *rel)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *rel != '\0'; rel++)
		h = (h ^ (unsigned char)*rel) * 1099511628211ULL;
	return (size_t)h & (s->cap - 1);
}

/* The slot of rel: the one holding it, else the free one where it goes. */
static size_t *
seen_slot(const struct gitfind_seen *s, const char *rel)
{
	size_t i = seen_hash(s, rel);

	while (s->slot[i] != 0 && strcmp(s->v[s->slot[i] - 1].rel, rel) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->slot[i];
}

/* The directory rel as seen, or NULL. */
static struct seen_dir *
seen_find(const struct gitfind_seen *s, const char *rel)
{
	size_t k = s->cap > 0 ? *seen_slot(s, rel) : 0;

	return k > 0 ? &s->v[k - 1] : NULL;
}

/*
 * Whether a directory's status a and b are the same. Making, removing or
 * renaming an entry in a directory, and setting its times or mode, moves
 * its change time to the present, which no command can set back.
 */
static bool
seen_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
	    a->st_nlink == b->st_nlink && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Whether t is before s->since by more than racy_ns. A change made after
 * the look began is stamped with a time no earlier than since, truncated to
 * the file system's grain: a time that is not strictly earlier, by more
 * than the grain, could be that of a change made while the directory was
 * read (git's racy index), so that directory is read again next time.
 */
static bool
seen_old(const struct gitfind_seen *s, const struct timespec *t)
{
	int64_t ns = ((int64_t)s->since.tv_sec - (int64_t)t->tv_sec) * 1000000000 +
	    ((int64_t)s->since.tv_nsec - (int64_t)t->tv_nsec);

	return ns > s->racy_ns;
}

/*
 * Whether the times of the file system holding fd (whose device is dev) can
 * be trusted: a local one whose change time moves with every change to a
 * directory. Network and user-space file systems stamp with another clock,
 * or not at all: their directories are read each time.
 */
static bool
seen_trusted(struct gitfind_seen *s, int fd, dev_t dev)
{
	static const unsigned long types[] = {
		0xEF53,     /* ext2, ext3, ext4 */
		0x58465342, /* xfs */
		0x9123683E, /* btrfs */
		0x01021994, /* tmpfs */
		0xF2F52010, /* f2fs */
		0x2FC12FC1, /* zfs */
	};
	struct statfs f;
	size_t i;

	if (s->dev_known && s->dev == dev)
		return s->dev_trusted;
	s->dev = dev;
	s->dev_known = true;
	s->dev_trusted = false;
	if (fstatfs(fd, &f) == 0)
		for (i = 0; i < sizeof(types) / sizeof(*types); i++)
			if ((unsigned long)f.f_type == types[i])
				s->dev_trusted = true;
	return s->dev_trusted;
}

/* Note that rel is read now, with status st, forgetting what was seen of it: its empty record. */
static struct seen_dir *
seen_put(struct gitfind_seen *s, const char *rel, const struct stat *st)
{
	struct seen_dir *d = seen_find(s, rel);
	size_t i, *slot;

	if (d == NULL) {
		if (2 * (s->n + 1) > s->cap) {
			free(s->slot);
			s->cap = s->cap == 0 ? 64 : s->cap * 2;
			s->slot = xcalloc(s->cap, sizeof(*s->slot));
			for (i = 0; i < s->n; i++)
				*seen_slot(s, s->v[i].rel) = i + 1;
		}
		slot = seen_slot(s, rel);
		if (s->n == s->vcap) {
			s->vcap = s->vcap == 0 ? 64 : s->vcap * 2;
			s->v = xreallocarray(s->v, s->vcap, sizeof(*s->v));
		}
		d = &s->v[s->n++];
		memset(d, 0, sizeof(*d));
		d->rel = xstrdup(rel);
		*slot = s->n;
	}
	strv_free(d->names);
	d->names = NULL;
	d->n = 0;
	d->st = *st;
	d->old = seen_old(s, &st->st_ctim) && seen_old(s, &st->st_mtim);
	return d;
}

/* Add name to what d held. */
static void
seen_add(struct seen_dir *d, const char *name)
{
	d->names = xreallocarray(d->names, d->n + 2, sizeof(*d->names));
	d->names[d->n++] = xstrdup(name);
	d->names[d->n] = NULL;
}

/*
 * Note that the directory rel could not be looked into: a .git there would go
 * unseen, so it is named rather than trusted (once, and at most GITFIND_DIRS).
 */
static void
unread_add(struct gitfind_missed *m, const char *rel)
{
	size_t i;

	for (i = 0; i < m->nunread && strcmp(m->unread[i], rel) != 0; i++)
		;
	if (i < m->nunread || m->nunread >= GITFIND_DIRS)
		return;
	m->unread = xreallocarray(m->unread, m->nunread + 2, sizeof(*m->unread));
	m->unread[m->nunread++] = xstrdup(rel);
	m->unread[m->nunread] = NULL;
}

/* Add the directory name of dir (rel) to queue while *budget lasts, else set m->partial. */
static void
look_on(const char *dir, const char *name, size_t *budget, struct names *queue,
    struct gitfind_missed *m)
{
	if (*budget == 0)
		m->partial = true;
	else {
		(*budget)--;
		names_add(queue, xstrfmt("%s%s%s", dir, *dir != '\0' ? "/" : "", name));
	}
}

/*
 * Take from seen what dir (rel) held, when it is there as it was when read
 * and its times were old then: its .git added to dots, its directories to
 * queue. Whether it was.
 */
static bool
look_again(int rootfd, const char *dir, size_t *budget, struct names *queue, struct names *dots,
    struct gitfind_missed *m, struct gitfind_seen *seen)
{
	struct seen_dir *was = seen_find(seen, dir);
	struct stat st;
	size_t i;

	if (was == NULL || !was->old ||
	    fstatat(rootfd, *dir != '\0' ? dir : ".", &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !seen_same(&was->st, &st))
		return false;
	seen->kept++;
	for (i = 0; i < was->n; i++)
		if (strcmp(was->names[i], ".git") == 0)
			names_add(dots, xstrfmt("%s%s.git", dir, *dir != '\0' ? "/" : ""));
		else
			look_on(dir, was->names[i], budget, queue, m);
	return true;
}

/*
 * Look in dir (rel to the root; "" for it) for a .git, adding it to dots,
 * and add its directories to queue while *budget lasts (else set m->partial).
 * Links are not followed, nor .git looked into. In a node_modules, only each
 * package's own .git is looked for: nobody works with git under a package,
 * and an npm tree can have tens of thousands of directories. With seen, a
 * directory as it was when last read is not read again, and one read is
 * noted there (a node_modules never: its packages' .git are looked for each
 * time).
 */
static void
look_in(int rootfd, const char *dir, size_t *budget, struct names *queue, struct names *dots,
    struct gitfind_missed *m, struct gitfind_seen *seen)
{
	const char *sep = *dir != '\0' ? "/" : "", *base = strrchr(dir, '/');
	bool packages = strcmp(base != NULL ? base + 1 : dir, "node_modules") == 0;
	char dot[NAME_MAX + sizeof "/.git"];
	struct seen_dir *now = NULL;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd;

	if (seen != NULL && !packages && look_again(rootfd, dir, budget, queue, dots, m, seen))
		return;
	fd = openat(rootfd, *dir != '\0' ? dir : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		/* gone, or a link put in its place (never followed): nothing of it is there */
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			unread_add(m, *dir != '\0' ? dir : ".");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (seen != NULL) {
		seen->read++;
		/* its status before it is read: a change while it is read shows next time */
		if (!packages && fstat(fd, &st) == 0 && seen_trusted(seen, fd, st.st_dev))
			now = seen_put(seen, dir, &st);
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strcmp(e->d_name, ".git") == 0) {
			names_add(dots, xstrfmt("%s%s.git", dir, sep));
			if (now != NULL)
				seen_add(now, e->d_name);
		} else if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN &&
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))) {
			if (packages) {
				/* a package's own .git is looked at, not what is under it */
				snprintf(dot, sizeof dot, "%s/.git", e->d_name);
				if (fstatat(fd, dot, &st, AT_SYMLINK_NOFOLLOW) == 0)
					names_add(dots, xstrfmt("%s%s%s", dir, sep, dot));
				continue;
			}
			if (now != NULL)
				seen_add(now, e->d_name);
			look_on(dir, e->d_name, budget, queue, m);
		}
	}
	closedir(d);
}

/*
 * A project made in the workspace by a scaffolding tool or a clone has a
 * .git, which git uses when the user works there. The directories are looked
 * into level by level, so that what is left unlooked at, when m->partial is
 * set, is the deepest.
 */
char **
gitfind_dots(int rootfd, size_t look, struct gitfind_missed *m, struct gitfind_seen *seen)
{
	struct names dots = { .v = xcalloc(1, sizeof(char *)), .cap = 1 }, queue = { 0 };
	struct timespec now;
	size_t i;

	if (seen != NULL) {
		/* the clock files are stamped with; set back since the last look, no time is old */
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if (now.tv_sec < seen->since.tv_sec ||
		    (now.tv_sec == seen->since.tv_sec && now.tv_nsec < seen->since.tv_nsec))
			seen_clear(seen);
		seen->since = now;
		seen->read = seen->kept = 0;
	}
	names_add(&queue, xstrdup(""));
	for (i = 0; i < queue.n; i++) {
		look_in(rootfd, queue.v[i], &look, &queue, &dots, m, seen);
		free(queue.v[i]);
		queue.v[i] = NULL;
	}
	free(queue.v);
	return dots.v;
}

char **
gitfind_dots_above(const char *root, int rootfd, char *const *dots, const char *path)
{
	char **v = xcalloc(1, sizeof(*v)), *rel, *s, *dot;
	size_t n = 0, i, k = strlen(root);
	struct stat st;

	for (i = 0; dots != NULL && dots[i] != NULL; i++)
		strv_add_unique(&v, &n, xstrdup(dots[i]));
	/* the directories above path, each of which may be a work tree's top since then */
	rel = xstrdup(strncmp(path, root, k) == 0 && path[k] == '/' ? path + k + 1 : "");
	for (s = rel; s != NULL; s = strchr(s + 1, '/')) {
		dot = s == rel ? xstrdup(".git") : xstrfmt("%.*s/.git", (int)(s - rel), rel);
		if (rootfd >= 0 && fstatat(rootfd, dot, &st, AT_SYMLINK_NOFOLLOW) == 0)
			strv_add_unique(&v, &n, dot);
		else
			free(dot);
		if (*s == '\0')
			break;
	}
	free(rel);
	return v;
}

char **
gitfind_gdirs(const char *root, char *const *dots)
{
	char **v = xcalloc(1, sizeof(*v)), *dot, *real, *common, *mods, *at;
	size_t n = 0, i, k = 0;
	struct stat st;

	for (i = 0; dots[i] != NULL; i++) {
		dot = xstrfmt("%s/%s", root, dots[i]);
		if (lstat(dot, &st) == 0 && S_ISREG(st.st_mode)) {
			at = xstrndup(dot, strlen(dot) - strlen("/.git"));
			if ((real = gitfind_link(at, ".git", "gitdir: ")) != NULL) {
				if ((common = gitfind_link(real, "commondir", "")) != NULL)
					strv_add_unique(&v, &n, common);
				strv_add_unique(&v, &n, real);
			}
			free(at);
		} else if (lstat(dot, &st) == 0 && S_ISDIR(st.st_mode) && (real = realpath(dot, NULL)) != NULL)
			strv_add_unique(&v, &n, real);
		free(dot);
	}
	for (k = n, i = 0; i < k && n < GITFIND_DIRS; i++) {
		mods = xstrfmt("%s/modules", v[i]);
		find_in(mods, 0, &v, &n);
		free(mods);
	}
	return v;
}

char *
gitfind_worktree(const char *gitdir)
{
	char *path = xstrfmt("%s/config", gitdir), *data = NULL, *cause = NULL, **v = NULL, *real = NULL;
	char *val, *to;
	size_t len = 0, i, k;

	if (file_read(path, HELD_FILE_MAX, &data, &len, &cause) == 0 &&
	    (v = git_config_entries(data, len)) != NULL)
		for (i = 0; v[i] != NULL && real == NULL; i++) {
			if (!str_startswith(v[i], "core.worktree="))
				continue;
			val = v[i] + strlen("core.worktree=");
			val += strspn(val, " \t");
			k = strcspn(val, "\r#;\\\"");
			while (k > 0 && (val[k - 1] == ' ' || val[k - 1] == '\t'))
				k--;
			val[k] = '\0';
			if (*val == '\0')
				continue;
			to = *val == '/' ? xstrdup(val) : xstrfmt("%s/%s", gitdir, val);
			real = realpath(to, NULL);
			free(to);
		}
	strv_free(v);
	free(data);
	free(cause);
	free(path);
	return real;
}
