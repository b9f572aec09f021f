/* gitfind: where a workspace's .git entries are, and the git directories they lead to. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * Look in dir (rel to the root; "" for it) for a .git, adding it to dots,
 * and add its directories to queue while *budget lasts (else set m->partial).
 * Links are not followed, nor .git looked into. In a node_modules, only each
 * package's own .git is looked for: nobody works with git under a package,
 * and an npm tree can have tens of thousands of directories.
 */
static void
look_in(int rootfd, const char *dir, size_t *budget, struct names *queue, struct names *dots,
    struct gitfind_missed *m)
{
	const char *sep = *dir != '\0' ? "/" : "", *base = strrchr(dir, '/');
	bool packages = strcmp(base != NULL ? base + 1 : dir, "node_modules") == 0;
	char dot[NAME_MAX + sizeof "/.git"];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd = openat(rootfd, *dir != '\0' ? dir : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		/* gone, or a link put in its place (never followed): nothing of it is there */
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			unread_add(m, *dir != '\0' ? dir : ".");
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strcmp(e->d_name, ".git") == 0)
			names_add(dots, xstrfmt("%s%s.git", dir, sep));
		else if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN &&
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))) {
			if (packages) {
				/* a package's own .git is looked at, not what is under it */
				snprintf(dot, sizeof dot, "%s/.git", e->d_name);
				if (fstatat(fd, dot, &st, AT_SYMLINK_NOFOLLOW) == 0)
					names_add(dots, xstrfmt("%s%s%s", dir, sep, dot));
			} else if (*budget == 0)
				m->partial = true;
			else {
				(*budget)--;
				names_add(queue, xstrfmt("%s%s%s", dir, sep, e->d_name));
			}
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
gitfind_dots(int rootfd, size_t look, struct gitfind_missed *m)
{
	struct names dots = { .v = xcalloc(1, sizeof(char *)), .cap = 1 }, queue = { 0 };
	size_t i;

	names_add(&queue, xstrdup(""));
	for (i = 0; i < queue.n; i++) {
		look_in(rootfd, queue.v[i], &look, &queue, &dots, m);
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
