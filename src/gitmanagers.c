/* gitmanagers: the project files whose commands a hook manager installed in git runs on commit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "held.h"
#include "githooks.h"
#include "gitmanagers.h"
#include "util.h"

#define MANAGED_MAX 512  /* entries of a managed directory held, at all depths */
#define MANAGED_DEPTH 8  /* how deep a managed directory is held */
#define MANAGED_TELL 16  /* changed entries of one directory named; the rest are counted */

/* A project file whose commands a hook manager installed in git runs on commit: asked, told of. */
struct managed {
	char *path;           /* absolute: the root's, then name */
	const char *manager;  /* "pre-commit", "lefthook" */
	struct held h;        /* name rel to the root, as it was */
	struct held *tree;    /* a directory's entries at any depth (.lefthook/pre-commit/x.sh) */
	size_t ntree;
};

/*
 * Hook managers whose hooks run what an ordinary project file names: the
 * mark their hooks carry, and the files (relative to the work tree's top)
 * or directories they run commands from.
 */
static const struct manager {   /* pre-commit first: its hook names its file (managers_in) */
	const char *name;
	const char *mark;
	const char *key;       /* the key whose value is a command, which may run a script by path */
	const char *files[20];
} managers[] = {
	{ "pre-commit", PRE_COMMIT_MARK, "entry", { ".pre-commit-config.yaml", NULL } },
	{ "lefthook", "lefthook", "run", { "lefthook.yml", ".lefthook.yml", "lefthook-local.yml",
	    ".lefthook-local.yml", "lefthook.yaml", ".lefthook.yaml", "lefthook-local.yaml",
	    ".lefthook-local.yaml", "lefthook.json", ".lefthook.json", "lefthook.toml",
	    ".lefthook.toml", ".config/lefthook.yml", ".config/lefthook.yaml", ".lefthook",
	    ".lefthook-local", NULL } },
};

/* The hooks a manager is looked for in. */
static const char *const manager_hooks[] = { "pre-commit", "commit-msg", "prepare-commit-msg",
	"pre-push", "post-commit", "post-checkout", "post-merge", "pre-merge-commit", "post-rewrite",
	"pre-rebase" };

struct gitmanagers {
	char *root;
	struct managed *v; /* files whose commands a hook manager runs on commit */
	size_t n;
};

struct gitmanagers *
gitmanagers_new(const char *root)
{
	struct gitmanagers *ms = xcalloc(1, sizeof(*ms));

	ms->root = xstrdup(root);
	return ms;
}

/*
 * Which managers have a hook in the hooks directory ran: found[i] for
 * managers[i]. *config is set to the file pre-commit's hook names with
 * --config= (relative to the top) when it names one plainly, the caller's.
 * Each hook is read once.
 */
static void
managers_in(const char *ran, bool *found, char **config)
{
	char *path, *data = NULL, *cause = NULL, *at;
	size_t i, m, len = 0, k;

	for (i = 0; i < sizeof(manager_hooks) / sizeof(manager_hooks[0]); i++) {
		path = xstrfmt("%s/%s", ran, manager_hooks[i]);
		if (file_read(path, 64 * 1024, &data, &len, &cause) == 0)
			for (m = 0; m < sizeof(managers) / sizeof(managers[0]); m++)
				if (memmem(data, len, managers[m].mark, strlen(managers[m].mark)) != NULL)
					found[m] = true;
		if (data != NULL && *config == NULL && found[0] && (at = strstr(data, "--config=")) != NULL) {
			at += strlen("--config=");
			k = strcspn(at, " \t\r\n)\"'$`\\");
			if (k > 0 && *at != '/' && memmem(at, k, "..", 2) == NULL)
				*config = xstrndup(at, k);
		}
		free(data);
		free(cause);
		free(path);
		data = cause = NULL;
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Hold what the directory name (rel to the root rootfd) holds, at any depth
 * to MANAGED_DEPTH, each directory's entries in name order, so that the same
 * tree is held the same way twice; at most *left entries.
 */
static void
hold_sorted(int rootfd, const char *name, struct held **v, size_t *n, size_t *left, int depth)
{
	struct dirent *e;
	char **l = NULL;
	size_t i, nl = 0, cap = 0;
	DIR *dir;
	int fd = held_open_dir(rootfd, name);

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (nl + 1 >= cap) {
			cap = cap < 16 ? 16 : cap * 2;
			l = xreallocarray(l, cap, sizeof(*l));
		}
		l[nl++] = xstrfmt("%s/%s", name, e->d_name);
		l[nl] = NULL;
	}
	closedir(dir);
	if (nl > 0)
		qsort(l, nl, sizeof(*l), name_cmp);
	for (i = 0; i < nl && *left > 0; i++, (*left)--) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		held_take(rootfd, l[i], &(*v)[(*n)++]);
		if ((*v)[*n - 1].kind == S_IFDIR && depth < MANAGED_DEPTH)
			hold_sorted(rootfd, l[i], v, n, left, depth + 1);
	}
	strv_free(l);
}

/*
 * path resolved, through a link to nowhere too (to where it would make the
 * file); NULL when it cannot be, or after 8 links.
 */
static char *
follow(const char *path)
{
	char *p = xstrdup(path), *real = NULL, *to, *up, *slash;
	char link[PATH_MAX];
	ssize_t r;
	int i;

	for (i = 0; i < 8 && real == NULL; i++) {
		if ((real = realpath(p, NULL)) != NULL || errno != ENOENT)
			break;
		slash = strrchr(p, '/');
		if ((r = readlink(p, link, sizeof(link) - 1)) >= 0) {
			link[r] = '\0';
			to = *link == '/' ? xstrdup(link) : xstrfmt("%.*s/%s", (int)(slash - p), p, link);
			free(p);
			p = to;
			continue;
		}
		up = xstrndup(p, (size_t)(slash - p));
		if ((to = realpath(up, NULL)) != NULL)
			real = xstrfmt("%s/%s", to, slash + 1);
		free(to);
		free(up);
		break;
	}
	free(p);
	return real;
}

/* Hold the file (or directory) name, rel to the root, that manager m runs commands from. */
static void
managed_hold(struct gitmanagers *ms, int rootfd, const char *name, const struct manager *m)
{
	struct managed *e;
	size_t left = MANAGED_MAX;

	ms->v = xreallocarray(ms->v, ms->n + 1, sizeof(*ms->v));
	e = &ms->v[ms->n++];
	memset(e, 0, sizeof(*e));
	e->path = xstrfmt("%s/%s", ms->root, name);
	e->manager = m->name;
	held_take(rootfd, name, &e->h);
	if (e->h.kind == S_IFDIR)
		hold_sorted(rootfd, name, &e->tree, &e->ntree, &left, 1);
}

/*
 * Hold the file name (rel to the root) that manager m runs commands from,
 * and where it leads when it is a link, or under one, inside the workspace
 * (never outside it): the manager reads that.
 */
static void
managed_add(struct gitmanagers *ms, int rootfd, const char *name, const struct manager *m)
{
	char *path = xstrfmt("%s/%s", ms->root, name), *real;
	size_t n = strlen(ms->root), i;

	for (i = 0; i < ms->n && strcmp(ms->v[i].path, path) != 0; i++)
		;
	if (i < ms->n) {
		free(path);
		return;
	}
	real = follow(path);
	managed_hold(ms, rootfd, name, m);
	if (real != NULL && strcmp(real, path) != 0 && strncmp(real, ms->root, n) == 0 &&
	    real[n] == '/') {
		for (i = 0; i < ms->n && strcmp(ms->v[i].path, real) != 0; i++)
			;
		if (i == ms->n)
			managed_hold(ms, rootfd, real + n + 1, m);
	}
	free(real);
	free(path);
}

/*
 * Hold the scripts a config of manager m (text data) runs by path, in the
 * work tree top (rel to the root, "" or ending in "/"): in the value of m's
 * key (pre-commit's "entry: ./scripts/x.sh", lefthook's "run:", in YAML,
 * JSON or TOML), each word with a slash in it that is neither absolute nor
 * an option, nor leaves the top. A word that names no script costs nothing.
 */
static void
take_scripts(struct gitmanagers *ms, int rootfd, const char *top, const char *data,
    const struct manager *m)
{
	static const char sep[] = " \t\r'\"`;&|()<>$=,[]{}:";
	const char *p = data, *s, *nl;
	char *line, *w, *end, *name;
	size_t k = strlen(m->key);

	for (; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		/* the key, as a word of its own, then ":" or "=": "run:", "\"run\": ", "run =" */
		for (s = p; (s = strstr(s, m->key)) != NULL && (nl == NULL || s < nl); s += k)
			if ((s == p || strchr(" \t-\"'{,", s[-1]) != NULL) &&
			    strchr(":=", s[k + strspn(s + k, "\"' \t")]) != NULL &&
			    s[k + strspn(s + k, "\"' \t")] != '\0')
				break;
		if (s == NULL || (nl != NULL && s >= nl))
			continue;
		s += k + strspn(s + k, "\"' \t");
		line = xstrndup(s + 1, nl != NULL ? (size_t)(nl - s - 1) : strlen(s + 1));
		line[strcspn(line, "#")] = '\0';
		for (w = line; *(w += strspn(w, sep)) != '\0'; w = end) {
			end = w + strcspn(w, sep);
			if (*end != '\0')
				*end++ = '\0';
			if (strchr(w, '/') == NULL || *w == '/' || *w == '-' || *w == '~' ||
			    strstr(w, "..") != NULL || strlen(w) > NAME_MAX)
				continue;
			name = xstrfmt("%s%s", top, str_startswith(w, "./") ? w + 2 : w);
			managed_add(ms, rootfd, name, m);
			free(name);
		}
		free(line);
	}
}

void
gitmanagers_take(struct gitmanagers *ms, int rootfd, const char *dot, const char *ran)
{
	char *top = xstrndup(dot, strlen(dot) - strlen(".git")), *config = NULL, *name, *data;
	bool found[sizeof(managers) / sizeof(managers[0])] = { false };
	size_t i, k, n, first = ms->n;

	managers_in(ran, found, &config);
	for (i = 0; i < sizeof(managers) / sizeof(managers[0]); i++)
		for (k = 0; found[i] && managers[i].files[k] != NULL; k++) {
			/* pre-commit's, first: the file its hook names */
			name = xstrfmt("%s%s", top, config != NULL && i == 0 && k == 0 ? config :
			    managers[i].files[k]);
			managed_add(ms, rootfd, name, &managers[i]);
			free(name);
		}
	/* then what those configs run by path: a script is the commands too */
	for (i = first, n = ms->n; i < n; i++)
		if (ms->v[i].h.kind == S_IFREG && ms->v[i].h.data != NULL && ms->v[i].tree == NULL) {
			data = xstrdup(ms->v[i].h.data);
			for (k = 0; strcmp(managers[k].name, ms->v[i].manager) != 0; k++)
				;
			take_scripts(ms, rootfd, top, data, &managers[k]);
			free(data);
		}
	free(config);
	free(top);
}

/* Whether path is dir or under it. */
static bool
path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *
gitmanagers_of(const struct gitmanagers *ms, const char *path)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (path_under(path, ms->v[i].path))
			return ms->v[i].manager;
	return NULL;
}

/* Say in b that name, which e's manager runs, was changed. */
static void
tell_managed(struct buf *b, const struct managed *e, const char *name)
{
	buf_adds(b, b->len > 0 ? "; " : "");
	held_add_name(b, name);
	buf_addf(b, " was changed: %s runs it on your next commit; look at it first", e->manager);
}

/* The entry named name in v of n, or NULL. */
static const struct held *
tree_find(const struct held *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/*
 * Say in b what in the directory e holds (.lefthook) is new, changed or
 * gone, by name: the first MANAGED_TELL, the rest counted.
 */
static void
tree_changed(int rootfd, const struct managed *e, struct buf *b)
{
	struct held *now = NULL;
	const struct held *was;
	size_t n = 0, left = MANAGED_MAX, i, told = 0;

	hold_sorted(rootfd, e->h.name, &now, &n, &left, 1);
	for (i = 0; i < n + e->ntree; i++) {
		if (i < n)
			was = tree_find(e->tree, e->ntree, now[i].name);
		else
			was = tree_find(now, n, e->tree[i - n].name) == NULL ? NULL : &e->tree[i - n];
		if ((i < n && was != NULL && held_same(was, &now[i])) || (i >= n && was != NULL))
			continue;
		if (told++ < MANAGED_TELL)
			tell_managed(b, e, i < n ? now[i].name : e->tree[i - n].name);
	}
	if (told > MANAGED_TELL) {
		buf_addf(b, "; %zu more entries of ", told - MANAGED_TELL);
		held_add_name(b, e->h.name);
		buf_adds(b, " were changed");
	}
	for (i = 0; i < n; i++)
		held_done(&now[i]);
	free(now);
}

char *
gitmanagers_changed(const struct gitmanagers *ms)
{
	struct buf b;
	struct held now;
	size_t i;
	int fd = open(ms->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	buf_init(&b, 0);
	for (i = 0; fd >= 0 && i < ms->n; i++) {
		held_take(fd, ms->v[i].h.name, &now);
		if (!held_same(&ms->v[i].h, &now))
			tell_managed(&b, &ms->v[i], ms->v[i].h.name);
		else if (now.kind == S_IFDIR)
			tree_changed(fd, &ms->v[i], &b);
		held_done(&now);
	}
	if (fd >= 0)
		close(fd);
	if (b.len == 0) {
		buf_done(&b);
		return NULL;
	}
	return buf_detach(&b);
}

void
gitmanagers_free(struct gitmanagers *ms)
{
	size_t i, k;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++) {
		free(ms->v[i].path);
		held_done(&ms->v[i].h);
		for (k = 0; k < ms->v[i].ntree; k++)
			held_done(&ms->v[i].tree[k]);
		free(ms->v[i].tree);
	}
	free(ms->v);
	free(ms->root);
	free(ms);
}
