/* ws_walk: walk the workspace in name order, never through a link, skipping what git ignores. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools_priv.h"
#include "util.h"

/* Deeper than this, a tree is not walked further. */
#define WALK_DEPTH 48
/* The largest .gitignore read. */
#define IGNORE_MAX 65536
/* Past this many entries, a tree looked through for secrets counts as holding one. */
#define TREE_MAX 20000

/* One line of a .gitignore file. */
struct ignore {
	char *base;      /* the directory holding the file, under the root ("" at the root) */
	char *pat;
	bool neg;        /* "!pattern": re-include */
	bool dironly;    /* "pattern/": directories only */
	bool anchored;   /* a slash inside: matched against the path under base */
};

struct walk {
	const struct ws *w;
	ws_walk_fn fn;
	void *arg;
	struct ignore *ig;
	size_t nig;
	bool all;        /* what git ignores too */
	bool gits;       /* the .git entries too (never walked into) */
	char **own;      /* llm's own directories under the root (ws_protected_rels) */
};

/* Add one .gitignore line read in directory base. */
static void
ignore_add(struct walk *k, const char *base, char *line)
{
	struct ignore *g;
	size_t n;

	line = str_trim(line);
	if (*line == '\0' || *line == '#')
		return;
	k->ig = xreallocarray(k->ig, k->nig + 1, sizeof(*k->ig));
	g = &k->ig[k->nig++];
	memset(g, 0, sizeof(*g));
	if ((g->neg = *line == '!'))
		line++;
	n = strlen(line);
	if (n > 1 && line[n - 1] == '/') {
		g->dironly = true;
		line[--n] = '\0';
	}
	g->anchored = strchr(line, '/') != NULL;
	if (*line == '/')
		line++;
	g->pat = xstrdup(line);
	g->base = xstrdup(base);
}

/* How an ignore file is opened: never through a link, never waiting on a pipe. */
#define IGNORE_OPEN (O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)

/* Load the ignore file open on fd (-1: none; closed here), read in the directory base. */
static void
ignore_load(struct walk *k, int fd, const char *base)
{
	char *data, *line, *save = NULL;
	struct buf b;
	char chunk[4096];
	ssize_t n;

	if (fd < 0)
		return;
	buf_init(&b, IGNORE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && buf_add(&b, chunk, (size_t)n) == 0)
		;
	close(fd);
	data = buf_detach(&b);
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		ignore_add(k, base, line);
	free(data);
}

/* Drop the patterns loaded after the first n. */
static void
ignore_pop(struct walk *k, size_t n)
{
	while (k->nig > n) {
		k->nig--;
		free(k->ig[k->nig].base);
		free(k->ig[k->nig].pat);
	}
}

/* Whether one pattern matches rel. */
static bool
ignore_match(const struct ignore *g, const char *rel, bool dir)
{
	size_t bl = strlen(g->base);
	const char *sub = rel, *base;
	int flags = strstr(g->pat, "**") != NULL ? 0 : FNM_PATHNAME;

	if (g->dironly && !dir)
		return false;
	if (bl > 0) {
		if (strncmp(rel, g->base, bl) != 0 || rel[bl] != '/')
			return false;
		sub = rel + bl + 1;
	}
	/* a leading double star and slash also match at the top */
	if (g->anchored)
		return fnmatch(g->pat, sub, flags) == 0 ||
		    (strncmp(g->pat, "**/", 3) == 0 && fnmatch(g->pat + 3, sub, flags) == 0);
	base = strrchr(sub, '/');
	return fnmatch(g->pat, base != NULL ? base + 1 : sub, 0) == 0;
}

/* Whether git would ignore rel: the last pattern that matches decides. */
static bool
ignored(const struct walk *k, const char *rel, bool dir)
{
	size_t i = k->nig;

	if (k->all)
		return false;
	while (i-- > 0)
		if (ignore_match(&k->ig[i], rel, dir))
			return !k->ig[i].neg;
	return false;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the directory dirfd, sorted (closes nothing; malloc'd array and names). */
static char **
dir_names(int dirfd, size_t *n)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), name_cmp);
	return v;
}

static int walk_dir(struct walk *k, int dirfd, const char *rel, int depth);

/* Whether path (under the root) is one of llm's own directories. */
static bool
in_own(const struct walk *k, const char *path)
{
	char *const *o;

	for (o = k->own; o != NULL && *o != NULL; o++)
		if (strcmp(*o, path) == 0)
			return true;
	return false;
}

/* Visit one entry of the directory dirfd; -1 when the walk stops. */
static int
walk_entry(struct walk *k, int dirfd, const char *rel, const char *name, int depth)
{
	char *path = *rel ? xstrfmt("%s/%s", rel, name) : xstrdup(name);
	struct ws_entry e = { .rel = path, .name = name, .dirfd = dirfd };
	struct stat st;
	int rc = 0, sub;

	if ((strcmp(name, ".git") == 0 && !k->gits) ||
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		goto out;
	e.dir = S_ISDIR(st.st_mode);
	if (strcmp(name, ".git") == 0) {
		rc = k->fn(k->arg, &e);
		goto out;
	}
	if (ignored(k, path, e.dir))
		goto out;
	e.own = e.dir && in_own(k, path);
	if (e.own && !k->all)
		goto out;
	rc = k->fn(k->arg, &e);
	if (rc == 0 && e.dir && !e.own && depth < WALK_DEPTH) {
		sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0) {
			rc = walk_dir(k, sub, path, depth + 1);
			close(sub);
		}
	}
out:
	free(path);
	return rc < 0 ? -1 : 0;
}

/* Walk the directory dirfd, whose path under the root is rel. */
static int
walk_dir(struct walk *k, int dirfd, const char *rel, int depth)
{
	size_t n, i, mark = k->nig;
	char **names;
	int rc = 0;

	ignore_load(k, openat(dirfd, ".gitignore", IGNORE_OPEN), rel);
	names = dir_names(dirfd, &n);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = walk_entry(k, dirfd, rel, names[i], depth);
		free(names[i]);
	}
	free(names);
	ignore_pop(k, mark);
	return rc;
}

/*
 * Open rel's directory one component at a time from the root's descriptor,
 * without links, loading each .gitignore above it.
 */
static int
open_start(struct walk *k, const char *rel)
{
	char *copy = xstrdup(rel), *save = NULL, *c;
	struct buf at;
	int fd = openat(k->w->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), sub;

	buf_init(&at, 0);
	ignore_load(k, ws_open_beneath(k->w, ".git/info/exclude", IGNORE_OPEN, 0), "");
	for (c = strtok_r(copy, "/", &save); c != NULL && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		ignore_load(k, openat(fd, ".gitignore", IGNORE_OPEN), buf_str(&at));
		sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		buf_addf(&at, "%s%s", at.len ? "/" : "", c);
	}
	buf_done(&at);
	free(copy);
	return fd;
}

/* Walk the tree under rel as k says. */
static int
walk_from(struct walk *k, const char *rel)
{
	int fd = open_start(k, rel), rc = 0;

	k->own = ws_protected_rels(k->w);
	if (fd >= 0) {
		rc = walk_dir(k, fd, rel, 0);
		close(fd);
	}
	ignore_pop(k, 0);
	free(k->ig);
	strv_free(k->own);
	return rc;
}

/* Walk the tree under rel in name order. */
int
ws_walk(const struct ws *w, const char *rel, ws_walk_fn fn, void *arg)
{
	struct walk k = { .w = w, .fn = fn, .arg = arg };

	return walk_from(&k, rel);
}

/* What ws_tree_secret has seen. */
struct tree_look {
	const struct ws *w;
	size_t n;
	bool secret;
};

/*
 * Whether the text of a git config holds a credential: a URL with a user
 * and a password, or an http(s) URL with a user alone (a token, as GitHub
 * and GitLab take one: https://TOKEN@host), or an extra header
 * (actions/checkout keeps its token there, in http.*.extraheader).
 */
static bool
config_credential(const char *s)
{
	const char *p, *at;
	size_t n;
	bool web;

	if (strcasestr(s, "extraheader") != NULL)
		return true;
	for (p = s; (p = strstr(p, "://")) != NULL; p += 3) {
		web = (p - s >= 4 && strncasecmp(p - 4, "http", 4) == 0) ||
		    (p - s >= 5 && strncasecmp(p - 5, "https", 5) == 0);
		n = strcspn(p + 3, "/?# \t\r\n\"");
		at = memchr(p + 3, '@', n);
		if (at != NULL && (web || memchr(p + 3, ':', (size_t)(at - p - 3)) != NULL))
			return true;
	}
	return false;
}

/*
 * Whether the git directory .git in dirfd has a config that holds a
 * credential: a program that reads a tree whole (grep -r, tar) reads it,
 * though the tools never do. One too large to read counts as one.
 */
static bool
git_config_secret(int dirfd)
{
	int git = openat(dirfd, ".git", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), fd;
	char *data = NULL;
	size_t len = 0;
	bool secret = false;

	if (git < 0)
		return false;
	fd = openat(git, "config", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(git);
	if (fd < 0)
		return false;
	if (ws_read_fd(fd, &data, &len) != 0)
		secret = errno == EFBIG;
	else
		secret = config_credential(data);
	free(data);
	close(fd);
	return secret;
}

/*
 * Stop at a secret file, a link to one, a .git with credentials, llm's own
 * directory (its undo copies, its history), or past TREE_MAX entries.
 */
static int
tree_one(void *arg, const struct ws_entry *e)
{
	struct tree_look *t = arg;
	char target[4096];
	ssize_t n;

	if (strcmp(e->name, ".git") == 0)
		t->secret = e->dir && git_config_secret(e->dirfd);
	else if (e->own || ++t->n > TREE_MAX || (!e->dir && ws_secret(t->w, e->rel)))
		t->secret = true;
	else if (!e->dir && (n = readlinkat(e->dirfd, e->name, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		t->secret = ws_secret(t->w, target);
	}
	return t->secret ? -1 : 0;
}

/*
 * Whether the tree under rel (a resolved directory) holds a secret file, or
 * a link named like one or to one, what git ignores too, or a .git whose
 * config holds a credential: what a program that reads it all (grep -r,
 * tar) would open. A tree too large to look through counts as holding one.
 */
bool
ws_tree_secret(const struct ws *w, const char *rel)
{
	struct tree_look t = { .w = w };
	struct walk k = { .w = w, .fn = tree_one, .arg = &t, .all = true, .gits = true };

	walk_from(&k, rel);
	return t.secret;
}

/* Whether the root's .git/config holds a credential (git_config_secret). */
bool
ws_git_credential(const struct ws *w)
{
	return git_config_secret(w->rootfd);
}
