/* gitguard: what a command may not leave changed in a workspace's git directory: what git runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "gitfind.h"
#include "githooks.h"
#include "gitguard.h"
#include "gitmanagers.h"
#include "held.h"
#include "util.h"

#define GUARD_HOOKS 512          /* entries of a hooks directory held, at all depths */
#define GUARD_ROUNDS 8           /* times GUARD_HOOKS new entries of one directory are taken out */
#define GUARD_TELL 16            /* new entries of one directory named; the rest are counted */
#define GUARD_DEPTH 8            /* how deep a hooks directory is held */
#ifndef GUARD_LOOK
#define GUARD_LOOK 100000        /* directories looked into for a .git of their own */
#endif

/*
 * The files of a git directory that make git run something: its config
 * files (aliases, core.fsmonitor, core.hooksPath, filters, pagers, ...),
 * the attributes naming filters and drivers, and a worktree's links to its
 * repository. The hooks directory is held entry by entry besides.
 */
static const char *const guarded[] = { "config", "config.worktree", "info", "info/attributes",
	"commondir", "gitdir" };

/*
 * Config entries git only records, never runs (section.name, or
 * section.*.name with a subsection): a command may add these, so that
 * `git remote add`, `git checkout -b x origin/x` or `git submodule add`
 * keep working. Anything else it adds is put back.
 */
static const char *const safe_keys[] = {
	"core.repositoryformatversion", "core.filemode", "core.bare", "core.logallrefupdates",
	"core.ignorecase", "core.precomposeunicode", "core.symlinks", "core.worktree",
	"core.autocrlf", "core.eol", "core.safecrlf", "core.sparsecheckout",
	"extensions.objectformat", "extensions.refstorage", "extensions.worktreeconfig",
	"remote.*.url", "remote.*.pushurl", "remote.*.fetch", "remote.*.push", "remote.*.tagopt",
	"remote.*.prune", "remote.*.mirror",
	"branch.*.remote", "branch.*.merge", "branch.*.rebase", "branch.*.pushremote",
	"branch.*.description",
	"submodule.*.url", "submodule.*.active", "submodule.*.branch",
	"user.name", "user.email", "init.defaultbranch", "pull.rebase", "pull.ff", "push.default",
	"push.autosetupremote",
};

/* A git directory as it was. */
struct gdir {
	char *path;       /* resolved */
	dev_t dev;
	ino_t ino;
	struct held *v;   /* the guarded files, then the hooks directory, then its entries */
	size_t n;
	char *hooks;      /* the hooks directory's name in it: "hooks", or core.hooksPath's */
	bool only_hooks;  /* a work tree's directory holding core.hooksPath's, not a git directory */
	bool cut;         /* its hooks held short: more than GUARD_HOOKS entries, or deeper than GUARD_DEPTH */
};

struct gitguard {
	char *root;
	struct held *dots; /* the workspace's .git and those of its directories */
	size_t ndots;
	size_t look;       /* directories looked into for them */
	struct gitfind_missed missed; /* what the looks for them left unlooked at */
	struct gitfind_seen *seen; /* the directories looked into, for the look after the command */
	struct gdir *d;
	size_t nd;
	char *outer;       /* core.hooksPath as the system and global config give it, or NULL */
	struct gitmanagers *managers; /* files whose commands a hook manager runs on commit */
	char **after;      /* the .git entries gitguard_check found (rel), as the command left them */
};

bool
gitguard_safe_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(safe_keys) / sizeof(*safe_keys); i++)
		if (strcmp(key, safe_keys[i]) == 0)
			return true;
	return false;
}

bool
gitguard_config_safe(const char *before, size_t blen, const char *now, size_t nlen, char **why)
{
	char **b = NULL, **a = NULL, *key;
	size_t i, j;
	bool ok = false;

	*why = NULL;
	if ((a = git_config_entries(now, nlen)) == NULL ||
	    (before != NULL && (b = git_config_entries(before, blen)) == NULL))
		goto out;
	for (i = 0; a[i] != NULL; i++) {
		for (j = 0; b != NULL && b[j] != NULL; j++)
			if (*b[j] != '\0' && strcmp(a[i], b[j]) == 0)
				break;
		if (b != NULL && b[j] != NULL) {
			*b[j] = '\0';  /* each entry before stands for one now */
			continue;
		}
		key = xstrndup(a[i], strcspn(a[i], "="));
		if (!gitguard_safe_key(key)) {
			*why = key;
			goto out;
		}
		free(key);
	}
	ok = true;
out:
	strv_free(a);
	strv_free(b);
	return ok;
}

/* Whether config file now may stay instead of before (see gitguard_config_safe). */
static bool
config_ok(const struct held *before, const struct held *now, char **why)
{
	if (now->kind != S_IFREG || now->data == NULL ||
	    (before->kind != 0 && (before->kind != S_IFREG || before->data == NULL)))
		return false;
	return gitguard_config_safe(before->kind != 0 ? before->data : NULL, before->len, now->data,
	    now->len, why);
}

/*
 * Hold what the directory held as (*v)[at] holds, at any depth (to
 * GUARD_DEPTH): a hook runs scripts beside it or below it, such as husky 8's
 * .husky/_/husky.sh. Its own entries come first, then those of its
 * directories, so that the hooks git runs are held before what is deep.
 * *left counts the entries still to look at; a directory listed to its end
 * is whole, and what is new in it is taken out later; *cut is set when one is
 * left unlisted for the count or the depth.
 */
static void
hold_tree(int dirfd, size_t at, struct held **v, size_t *n, size_t *left, int depth, bool *cut)
{
	struct dirent *e;
	char *name;
	DIR *dir;
	size_t k, first = *n;
	int fd = held_open_dir(dirfd, (*v)[at].name);

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*left == 0) {
			*cut = true;
			break;
		}
		(*left)--;
		name = xstrfmt("%s/%s", (*v)[at].name, e->d_name);
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		held_take(dirfd, name, &(*v)[(*n)++]);
		free(name);
	}
	(*v)[at].whole = e == NULL;
	closedir(dir);
	for (k = first, first = *n; k < first; k++)
		if ((*v)[k].kind == S_IFDIR && depth < GUARD_DEPTH)
			hold_tree(dirfd, k, v, n, left, depth + 1, cut);
		else if ((*v)[k].kind == S_IFDIR)
			*cut = true;
}

/* Hold the hooks directory of d (open as dirfd) and all it holds, after the guarded files. */
static void
hold_hooks(struct gdir *d, int dirfd)
{
	size_t left = GUARD_HOOKS, at = d->n;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	held_take(dirfd, d->hooks, &d->v[d->n++]);
	if (d->v[at].kind == S_IFDIR)
		hold_tree(dirfd, at, &d->v, &d->n, &left, 1, &d->cut);
}

/* Hold what git directory path has that makes git run something; or nothing (a new one). */
static void
gdir_take(struct gdir *d, const char *path, bool empty)
{
	struct stat st;
	size_t i;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	d->hooks = xstrdup("hooks");
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		d->dev = st.st_dev;
		d->ino = st.st_ino;
	}
	if (!empty) {
		d->v = xcalloc(sizeof(guarded) / sizeof(*guarded), sizeof(*d->v));
		for (i = 0; i < sizeof(guarded) / sizeof(*guarded); i++)
			held_take(fd, guarded[i], &d->v[d->n++]);
		hold_hooks(d, fd);
	}
	close(fd);
}

/*
 * Split real, a hooks directory's resolved path, into the deepest directory
 * there is on its way (*dir) and the rest (*hooks: ".githooks", or
 * "tools/hooks" when there is no tools yet). Both malloc'd.
 */
static void
hooks_split(const char *real, char **dir, char **hooks)
{
	char *at = xstrdup(real), *slash;
	struct stat st;

	while ((slash = strrchr(at, '/')) != NULL && slash != at) {
		*slash = '\0';
		if (lstat(at, &st) == 0)
			break;
	}
	*dir = at;
	*hooks = xstrdup(real + strlen(at) + 1);
}

/*
 * Hold the hooks directory core.hooksPath names in the work tree (.githooks,
 * .husky): git runs what is there as it runs .git/hooks, outside the
 * confinement, so it is held and put back the same way. real is its
 * resolved path, under the root.
 */
static void
gdir_take_hooks(struct gdir *d, const char *real)
{
	struct stat st;
	int fd;

	memset(d, 0, sizeof(*d));
	hooks_split(real, &d->path, &d->hooks);
	d->only_hooks = true;
	if ((fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) == 0) {
		d->dev = st.st_dev;
		d->ino = st.st_ino;
	}
	hold_hooks(d, fd);
	close(fd);
}

static void
gdir_done(struct gdir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		held_done(&d->v[i]);
	free(d->v);
	free(d->path);
	free(d->hooks);
}

/* The held file named name in d, or NULL. */
static const struct held *
gdir_find(const struct gdir *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	return NULL;
}

/* Say in b that what is at d's name was dealt with. */
static void
tell(struct buf *b, const struct gitguard *g, const struct gdir *d, const char *name,
    const char *what)
{
	bool top = strcmp(d->path, g->root) == 0;  /* a hooks directory at the top: .githooks */

	buf_adds(b, b->len > 0 ? "; " : "");
	if (str_startswith(d->path, g->root) && d->path[strlen(g->root)] == '/')
		held_add_name(b, d->path + strlen(g->root) + 1);
	else if (!top)
		held_add_name(b, d->path);
	if (*name != '\0') {
		if (!top)
			buf_addc(b, '/');
		held_add_name(b, name);
	}
	buf_addf(b, " %s", what);
}

/*
 * List the directory name of d's hooks (d open as fd), whose held entry was
 * is NULL when it had none. Git runs a hook by its path, which takes no right
 * to list the directory: one made unlistable would hide a new hook, so its
 * mode is put back first, and one that still cannot be listed is named, never
 * trusted. NULL when there is none, or a link or a file is in its place (put
 * back after), or it is named in b.
 */
static DIR *
hooks_open(const struct gitguard *g, const struct gdir *d, int fd, const char *name,
    const struct held *was, struct buf *b)
{
	const char *base;
	struct stat st;
	char *what;
	DIR *dir;
	int hfd = held_open_dir(fd, name), err = errno, pfd;

	if (hfd < 0 && err == EACCES && was != NULL && (pfd = held_open_parent(fd, name, &base)) >= 0) {
		if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_mode & 07777) != (was->st.st_mode & 07777) &&
		    fchmodat(pfd, base, was->st.st_mode & 07777, 0) == 0) {
			tell(b, g, d, name, "was made unreadable, and its mode was put back");
			hfd = held_open_dir(fd, name);
		}
		err = errno;
		close(pfd);
	}
	if (hfd >= 0 && (dir = fdopendir(hfd)) != NULL)
		return dir;
	if (hfd >= 0) {
		err = errno;
		close(hfd);
	}
	if (err != ENOENT && err != ENOTDIR && err != ELOOP) {
		what = xstrfmt("could not be read (%s): llm could not check what it holds: look at it"
		    " before you run git there", strerror(err));
		tell(b, g, d, name, what);
		free(what);
	}
	return NULL;
}

/*
 * Take out what is new in the directory name of d's hooks (d open as fd),
 * held as was (NULL when there was none): git, or a hook, would find it by
 * its name. A sample at the top of the hooks directory stays: git never runs
 * one. The first GUARD_TELL are named in b, the rest counted. One that was not
 * listed whole is only looked at (see gitguard_unchecked).
 */
static void
take_new(const struct gitguard *g, const struct gdir *d, int fd, const char *name,
    const struct held *was, struct buf *b)
{
	char **batch = xcalloc(GUARD_HOOKS, sizeof(*batch)), *what;
	bool top = strcmp(name, d->hooks) == 0;
	size_t k, i, told = 0, more = 0, failed = 0;
	struct dirent *e;
	struct stat st;
	bool full = true;
	DIR *dir;
	int round;

	/* in rounds: a directory is not changed while it is read */
	for (round = 0; round < GUARD_ROUNDS && full && failed == 0; round++) {
		if ((dir = hooks_open(g, d, fd, name, was, b)) == NULL || (was != NULL && !was->whole)) {
			if (dir != NULL)
				closedir(dir);
			full = false;
			break;
		}
		for (k = 0; k < GUARD_HOOKS && (e = readdir(dir)) != NULL;) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			batch[k] = xstrfmt("%s/%s", name, e->d_name);
			if (gdir_find(d, batch[k]) != NULL || (top && str_endswith(e->d_name, ".sample") &&
			    fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode)))
				free(batch[k]);
			else
				k++;
		}
		closedir(dir);
		for (i = 0; i < k; i++) {
			if (held_restore(fd, &(struct held){ .name = batch[i] }) != 0) {
				failed++;
				tell(b, g, d, batch[i], "was made, and could not be removed");
			} else if (told++ < GUARD_TELL)
				tell(b, g, d, batch[i], "was removed");
			else
				more++;
			free(batch[i]);
		}
		full = k == GUARD_HOOKS;
	}
	if (more > 0) {
		what = xstrfmt("had %zu more new entries, removed", more);
		tell(b, g, d, name, what);
		free(what);
	}
	if (full && failed == 0)
		tell(b, g, d, name, "holds more new entries than llm removes: look at it before you"
		    " run git there");
	free(batch);
}

/*
 * Remove a link the command put on the way to d's hooks directory, made
 * where there was none ("tools" of "tools/hooks"): git would find hooks
 * where it leads. Say so in b.
 */
static void
unlink_way(const struct gitguard *g, const struct gdir *d, int fd, struct buf *b)
{
	const char *s;
	struct held now;
	char *name;

	for (s = strchr(d->hooks, '/'); s != NULL; s = strchr(s + 1, '/')) {
		name = xstrndup(d->hooks, (size_t)(s - d->hooks));
		held_take(fd, name, &now);
		if (now.kind == S_IFLNK)
			tell(b, g, d, name, held_remove(fd, name) == 0 ? "was removed" :
			    "was changed, and could not be put back");
		held_done(&now);
		free(name);
		if (now.kind != S_IFDIR)
			break;
	}
}

/* Put back what in git directory d differs from what was held; say so in b. */
static void
gdir_check(const struct gitguard *g, const struct gdir *d, struct buf *b)
{
	static const struct held none = { .name = "" };
	const struct held *was;
	struct held now;
	struct stat st;
	size_t i;
	char *why = NULL, *name;
	bool had;
	int fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno != ENOENT) {
		name = xstrfmt("could not be read (%s): llm did not check it: look at it before you"
		    " run git there", strerror(errno));
		tell(b, g, d, "", name);
		free(name);
	}
	if (fd < 0)
		return;  /* gone: nothing of it can run */
	if (fstat(fd, &st) != 0 || st.st_dev != d->dev || st.st_ino != d->ino) {
		tell(b, g, d, "", "was replaced by another directory: llm did not look in it");
		close(fd);
		return;
	}
	for (i = 0; !d->only_hooks && i < sizeof(guarded) / sizeof(*guarded); i++) {
		was = gdir_find(d, guarded[i]);
		held_take(fd, guarded[i], &now);
		if (was == NULL)
			was = &none;
		/* of the info directory, only a link or a file in its place counts */
		if (strcmp(guarded[i], "info") == 0 && (now.kind == 0 || now.kind == S_IFDIR))
			;
		else if (!held_same(was, &now) && !(str_startswith(guarded[i], "config") && config_ok(was, &now, &why))) {
			struct held put = *was;
			char *what;

			put.name = now.name;
			if (held_restore(fd, &put) != 0)
				what = xstrdup("was changed, and could not be put back");
			else
				what = xstrfmt("%s%s%s%s", was->kind == 0 ? "was removed" : "was put back",
				    why != NULL ? " (it set " : "", why != NULL ? why : "", why != NULL ? ")" : "");
			tell(b, g, d, guarded[i], what);
			free(what);
		}
		free(why);
		why = NULL;
		held_done(&now);
	}
	/* the hooks: the directory as it was, its entries as they were, nothing new */
	was = gdir_find(d, d->hooks);
	had = was != NULL && was->kind == S_IFDIR;
	if (!had)
		unlink_way(g, d, fd, b);
	held_take(fd, d->hooks, &now);
	if (now.kind != 0 && !(now.kind == S_IFDIR && (!had || (now.st.st_dev == was->st.st_dev &&
	    now.st.st_ino == was->st.st_ino)))) {
		/* a link, a file, or a directory put in the place of the old one: none of it stays */
		if (held_remove(fd, d->hooks) != 0)
			tell(b, g, d, d->hooks, "was changed, and could not be put back");
		else if (had && mkdirat(fd, d->hooks, was->st.st_mode & 07777) != 0)
			tell(b, g, d, d->hooks, "was replaced, and could not be made again");
		else
			tell(b, g, d, d->hooks, had ? "was replaced, and made again" : "was removed");
	} else if (now.kind == 0 && had)
		mkdirat(fd, d->hooks, was->st.st_mode & 07777);
	held_done(&now);
	/* what is new: in the hooks directory, and in each directory of it listed whole */
	take_new(g, d, fd, d->hooks, had ? was : NULL, b);
	for (i = 0; i < d->n; i++)
		if (d->v[i].kind == S_IFDIR && str_startswith(d->v[i].name, d->hooks) &&
		    d->v[i].name[strlen(d->hooks)] == '/')
			take_new(g, d, fd, d->v[i].name, &d->v[i], b);
	for (i = 0; i < d->n; i++) {
		if (!str_startswith(d->v[i].name, d->hooks) ||
		    d->v[i].name[strlen(d->hooks)] != '/')
			continue;
		held_take(fd, d->v[i].name, &now);
		if (!held_same(&d->v[i], &now))
			tell(b, g, d, d->v[i].name, held_restore(fd, &d->v[i]) == 0 ? "was put back" :
			    "was changed, and could not be put back");
		held_done(&now);
	}
	close(fd);
}

/* As githooks_value, for a config file of a git directory held as c (NULL: none). */
static char *
hooks_held(const struct held *c, char *val)
{
	return c != NULL ? githooks_value(c->data, c->len, val, NULL, 0) : val;
}

/* The git directory held at path, or NULL. */
static const struct gdir *
gdir_at(const struct gitguard *g, const char *path)
{
	size_t i;

	for (i = 0; path != NULL && i < g->nd; i++)
		if (!g->d[i].only_hooks && strcmp(g->d[i].path, path) == 0)
			return &g->d[i];
	return NULL;
}

/*
 * The hooks directory core.hooksPath names for the work tree whose .git is
 * dot (rel to the root, held as h), resolved, when it is under the root (a
 * work tree's .githooks or .husky: a command could change what git runs
 * there); else NULL. Git reads the repository's config, then the worktree's,
 * and takes a relative path from the top of the work tree it runs in: a
 * linked worktree's or a submodule's own. Under husky 9 (.husky/_), the
 * directory above it, where the scripts its runner runs are. Malloc'd.
 * *ran, the caller's, is set to the directory git runs hooks from there,
 * wherever it is, when it is known.
 */
static char *
hooks_path(const struct gitguard *g, const char *dot, const struct held *h, char **ran)
{
	char *top = xstrfmt("%s/%s", g->root, dot), *gitdir, *common, *real, *up;
	char *val = g->outer != NULL ? xstrdup(g->outer) : NULL;
	const struct gdir *c, *w;
	size_t n = strlen(g->root);

	top[strlen(top) - strlen("/.git")] = '\0';
	if (h->kind == S_IFDIR) {
		up = xstrfmt("%s/.git", top);
		gitdir = realpath(up, NULL);
		free(up);
	} else
		gitdir = h->kind == S_IFREG ? gitfind_link(top, ".git", "gitdir: ") : NULL;
	common = gitdir != NULL ? gitfind_link(gitdir, "commondir", "") : NULL;
	c = gdir_at(g, common != NULL ? common : gitdir);
	w = gdir_at(g, gitdir);
	if (c != NULL)
		val = hooks_held(gdir_find(c, "config"), val);
	if (w != NULL && w != c)
		val = hooks_held(gdir_find(w, "config"), val);
	if (w != NULL)
		val = hooks_held(gdir_find(w, "config.worktree"), val);
	val = githooks_env(val);
	real = githooks_dir(val, top);
	if (real != NULL)
		*ran = xstrdup(real);
	else if ((val == NULL || *val == '\0') && (common != NULL || gitdir != NULL))
		*ran = xstrfmt("%s/hooks", common != NULL ? common : gitdir);
	free(val);
	if (real != NULL && githooks_husky9(real)) {
		up = xstrndup(real, (size_t)(strrchr(real, '/') - real));
		if (strncmp(up, g->root, n) == 0 && up[n] == '/') {
			free(real);
			real = up;
		} else
			free(up);
	}
	if (real != NULL && !(strncmp(real, g->root, n) == 0 && real[n] == '/')) {
		free(real);
		real = NULL;
	}
	free(common);
	free(gitdir);
	free(top);
	return real;
}

/* Hold the hooks directory real in the work tree, unless it is held already. */
static void
take_hooks(struct gitguard *g, const char *real)
{
	char *dir, *hooks;
	size_t i;

	hooks_split(real, &dir, &hooks);
	for (i = 0; i < g->nd; i++)
		if (g->d[i].only_hooks && strcmp(g->d[i].path, dir) == 0 && strcmp(g->d[i].hooks, hooks) == 0)
			break;
	free(dir);
	free(hooks);
	if (i < g->nd)
		return;
	g->d = xreallocarray(g->d, g->nd + 1, sizeof(*g->d));
	gdir_take_hooks(&g->d[g->nd++], real);
}

struct gitguard *
gitguard_take(const char *root)
{
	return gitguard_take_within(root, GUARD_LOOK);
}

/* Hold, for the workspace open as fd (or -1), what the .git entries dots (rel) make git run. */
static void
take_dots(struct gitguard *g, int fd, char *const *dots)
{
	char **dirs, *hooks, *ran;
	size_t i;

	g->outer = githooks_outer();
	g->managers = gitmanagers_new(g->root);
	for (i = 0; dots[i] != NULL; i++) {
		g->dots = xreallocarray(g->dots, g->ndots + 1, sizeof(*g->dots));
		held_take(fd, dots[i], &g->dots[g->ndots++]);
	}
	dirs = gitfind_gdirs(g->root, dots);
	for (i = 0; dirs[i] != NULL; i++) {
		g->d = xreallocarray(g->d, g->nd + 1, sizeof(*g->d));
		gdir_take(&g->d[g->nd++], dirs[i], false);
	}
	for (i = 0; i < g->ndots; i++) {
		ran = NULL;
		if ((hooks = hooks_path(g, g->dots[i].name, &g->dots[i], &ran)) != NULL) {
			take_hooks(g, hooks);
			free(hooks);
		}
		if (ran != NULL && fd >= 0)
			gitmanagers_take(g->managers, fd, g->dots[i].name, ran);
		free(ran);
	}
	strv_free(dirs);
}

struct gitguard *
gitguard_take_within(const char *root, size_t look)
{
	struct gitguard *g = xcalloc(1, sizeof(*g));
	char **dots;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	g->root = xstrdup(root);
	g->look = look;
	g->seen = gitfind_seen_new(GITFIND_RACY_NS);
	dots = fd >= 0 ? gitfind_dots(fd, look, &g->missed, g->seen) : xcalloc(1, sizeof(*dots));
	take_dots(g, fd, dots);
	strv_free(dots);
	if (fd >= 0)
		close(fd);
	return g;
}

struct gitguard *
gitguard_take_known(const char *root, char *const *dots, const char *path)
{
	struct gitguard *g = xcalloc(1, sizeof(*g));
	char **v;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	g->root = xstrdup(root);
	g->look = GUARD_LOOK;
	v = gitfind_dots_above(root, fd, dots, path);
	take_dots(g, fd, v);
	strv_free(v);
	if (fd >= 0)
		close(fd);
	return g;
}

char **
gitguard_dots(const struct gitguard *g)
{
	char **v = xcalloc(g->ndots + 1, sizeof(*v));
	size_t i;

	for (i = 0; g->after != NULL && g->after[i] != NULL; i++)
		;
	if (g->after != NULL)
		v = xreallocarray(v, i + 1, sizeof(*v));
	for (i = 0; g->after != NULL ? g->after[i] != NULL : i < g->ndots; i++)
		v[i] = xstrdup(g->after != NULL ? g->after[i] : g->dots[i].name);
	v[i] = NULL;
	return v;
}

/* Whether path is dir or under it. */
static bool
path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool
gitguard_runs(const struct gitguard *g, const char *path)
{
	char *hooks;
	bool yes;
	size_t i;

	for (i = 0; i < g->nd; i++) {
		if (!g->d[i].only_hooks) {
			if (path_under(path, g->d[i].path))
				return true;
			continue;
		}
		hooks = xstrfmt("%s/%s", g->d[i].path, g->d[i].hooks);
		yes = path_under(path, hooks);
		free(hooks);
		if (yes)
			return true;
	}
	return false;
}

const char *
gitguard_manager(const struct gitguard *g, const char *path)
{
	return gitmanagers_of(g->managers, path);
}

char *
gitguard_managed(const struct gitguard *g)
{
	return gitmanagers_changed(g->managers);
}

/* Move what is at rel (a .git under the root) aside, to a name git never looks at; say so in b. */
static void
move_aside(int rootfd, const char *rel, const char *what, struct buf *b)
{
	const char *base;
	char name[64];
	int i, pfd = held_open_parent(rootfd, rel, &base);

	for (i = 1; pfd >= 0 && i < 100; i++) {
		snprintf(name, sizeof(name), i == 1 ? ".git.replaced" : ".git.replaced.%d", i);
		if (faccessat(pfd, name, F_OK, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
			break;
	}
	buf_adds(b, b->len > 0 ? "; " : "");
	held_add_name(b, rel);
	if (pfd >= 0 && i < 100 && renameat(pfd, base, pfd, name) == 0) {
		buf_addf(b, " %s: llm moved it, unread, to ", what);
		held_add_name(b, name);
	} else
		buf_addf(b, " %s, and llm could not move it aside: look at it before you run git there",
		    what);
	if (pfd >= 0)
		close(pfd);
}

/* The .git entry held as name, or NULL. */
static const struct held *
dot_find(const struct gitguard *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->ndots; i++)
		if (strcmp(g->dots[i].name, name) == 0)
			return &g->dots[i];
	return NULL;
}

/*
 * Whether the new .git file at rel is one git makes: a submodule's or a
 * worktree's, naming a directory in the modules or worktrees of the
 * workspace's own .git, which are looked into as git directories.
 */
static bool
made_by_git(const struct gitguard *g, const char *rel)
{
	char *at = xstrfmt("%s/%s", g->root, rel), *real, *top = xstrfmt("%s/.git", g->root);
	char *mods = NULL, *trees = NULL;
	bool yes = false;

	at[strlen(at) - strlen("/.git")] = '\0';
	if ((real = gitfind_link(at, ".git", "gitdir: ")) != NULL) {
		mods = xstrfmt("%s/modules/", top);
		trees = xstrfmt("%s/worktrees/", top);
		yes = str_startswith(real, mods) || str_startswith(real, trees);
	}
	free(mods);
	free(trees);
	free(real);
	free(top);
	free(at);
	return yes;
}

/*
 * Whether the .git at rel is the one it was (or a new repository's
 * directory, looked into as one); if not, it is moved aside (and a .git
 * file put back), said in b.
 */
static bool
dot_check(const struct gitguard *g, int rootfd, const char *rel, struct buf *b)
{
	static const struct held none = { .name = "" };
	const struct held *was = dot_find(g, rel);
	struct held now;
	bool ok = true;

	if (was == NULL)
		was = &none;
	held_take(rootfd, rel, &now);
	if (was->kind == 0 && now.kind == S_IFREG && made_by_git(g, rel)) {
		held_done(&now);
		return true;
	}
	if (now.kind != 0 && !(now.kind == S_IFDIR ? was->kind == S_IFDIR &&
	    now.st.st_dev == was->st.st_dev && now.st.st_ino == was->st.st_ino :
	    held_same(was, &now)) && (was->kind == S_IFDIR || now.kind != S_IFDIR)) {
		ok = false;
		move_aside(rootfd, rel, was->kind == 0 ? "was made by the command, naming another git"
		    " directory" : "was replaced by the command", b);
		if (was->kind != 0 && was->kind != S_IFDIR && held_restore(rootfd, was) == 0) {
			buf_adds(b, ", and the old ");
			held_add_name(b, rel);
			buf_adds(b, " was put back");
		}
	}
	held_done(&now);
	return ok;
}

char *
gitguard_check(struct gitguard *g)
{
	struct buf b;
	char **dots, **dirs, **moved = xcalloc(1, sizeof(*moved)), *at;
	size_t i, k, n, nmoved = 0;
	int fd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	buf_init(&b, 0);
	if (fd < 0) {
		free(moved);
		return NULL;
	}
	/*
	 * each .git itself: the directory it was, or the file as it was; a
	 * directory whose status shows no entry made, removed or renamed in it
	 * since the look before is not read again
	 */
	dots = gitfind_dots(fd, g->look, &g->missed, g->seen);
	for (i = 0; dots[i] != NULL; i++)
		if (!dot_check(g, fd, dots[i], &b)) {
			at = xstrfmt("%s/%s", g->root, dots[i]);
			strv_add_unique(&moved, &nmoved, at);
		}
	/* what they held, but what was moved aside unread */
	for (i = 0; i < g->nd; i++) {
		for (k = 0; k < nmoved && !str_startswith(g->d[i].path, moved[k]); k++)
			;
		if (k == nmoved)
			gdir_check(g, &g->d[i], &b);
	}
	/* git directories the command made: a new repository, a submodule's (those moved are gone) */
	dirs = gitfind_gdirs(g->root, dots);
	for (i = 0; dirs[i] != NULL; i++) {
		struct gdir d;

		for (k = 0; k < g->nd && strcmp(g->d[k].path, dirs[i]) != 0; k++)
			;
		if (k < g->nd)
			continue;
		gdir_take(&d, dirs[i], true);
		gdir_check(g, &d, &b);
		gdir_done(&d);
	}
	strv_free(dirs);
	/* those left, for the next write (see gitguard_take_known) */
	strv_free(g->after);
	g->after = xcalloc(1, sizeof(*g->after));
	for (i = k = 0; dots[i] != NULL; i++) {
		at = xstrfmt("%s/%s", g->root, dots[i]);
		for (n = 0; moved[n] != NULL && strcmp(moved[n], at) != 0; n++)
			;
		if (moved[n] == NULL)
			strv_add_unique(&g->after, &k, xstrdup(dots[i]));
		free(at);
	}
	strv_free(dots);
	strv_free(moved);
	close(fd);
	if (b.len == 0) {
		buf_done(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Name in b the hooks directory of d, held short, and what to do. */
static void
tell_cut(struct buf *b, const struct gitguard *g, const struct gdir *d)
{
	size_t n = strlen(g->root);

	if (strncmp(d->path, g->root, n) == 0 && d->path[n] == '/') {
		held_add_name(b, d->path + n + 1);
		buf_addc(b, '/');
	} else if (strcmp(d->path, g->root) != 0) {
		held_add_name(b, d->path);
		buf_addc(b, '/');
	}
	held_add_name(b, d->hooks);
	buf_addf(b, " holds more than %d entries or %d levels: llm held only those, so look at"
	    " what is new in it before you run git there", GUARD_HOOKS, GUARD_DEPTH);
}

char *
gitguard_unchecked(const struct gitguard *g)
{
	struct buf b;
	size_t i, ncut = 0;

	for (i = 0; i < g->nd; i++)
		ncut += g->d[i].cut;
	if (!g->missed.partial && g->missed.nunread == 0 && ncut == 0)
		return NULL;
	buf_init(&b, 0);
	buf_adds(&b, "not every directory was checked for planted git hooks:");
	if (g->missed.partial)
		buf_addf(&b, " the workspace has more than %zu directories", g->look);
	for (i = 0; i < g->missed.nunread; i++) {
		buf_adds(&b, i > 0 ? ", " : g->missed.partial ? "; " : " ");
		held_add_name(&b, g->missed.unread[i]);
	}
	if (g->missed.nunread > 0)
		buf_addf(&b, " could not be read: look for a .git in %s before you run git there",
		    g->missed.nunread > 1 ? "them" : "it");
	for (i = 0; i < g->nd; i++)
		if (g->d[i].cut) {
			/* a hooks directory too large or deep to hold whole: what is new in it stays */
			buf_adds(&b, b.len > 0 && b.data[b.len - 1] != ':' ? "; " : " ");
			tell_cut(&b, g, &g->d[i]);
		}
	return buf_detach(&b);
}

void
gitguard_free(struct gitguard *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nd; i++)
		gdir_done(&g->d[i]);
	free(g->d);
	for (i = 0; i < g->ndots; i++)
		held_done(&g->dots[i]);
	free(g->dots);
	free(g->outer);
	gitmanagers_free(g->managers);
	strv_free(g->missed.unread);
	gitfind_seen_free(g->seen);
	strv_free(g->after);
	free(g->root);
	free(g);
}
