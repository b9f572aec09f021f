/* ws: the agent's confined workspace: its root, path resolution, secret and binary files. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "confine.h"
#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

/*
 * Files that hold secrets, matched against the last component of a path
 * whatever its case (.ENV is .env on a case-insensitive file system, and
 * KEY.PEM is a key anywhere): environment files, keys and certificates, SSH
 * and PuTTY keys, and the files where git, npm, Yarn, pip, cargo, MySQL,
 * Vault, s3cmd, boto, Wrangler, Google's and the AWS tools keep tokens,
 * Terraform's tokens, and its variables and state, which hold the passwords
 * it sets.
 */
static const char *const secret_globs[] = {
	".env*", "*.pem", "*.key", "id_*", ".netrc", ".git-credentials",
	"*.p12", "*.pfx", ".npmrc", ".pypirc", "credentials", "*credentials.json",
	"credentials.toml", ".pgpass", ".htpasswd", "*.keyring", "*.kdbx", "*.jks",
	"*.keystore", "*.ppk", ".my.cnf", ".mylogin.cnf", ".vault-token", ".s3cfg",
	".boto", ".dev.vars", "*.tfvars", "*.tfstate", "*.tfstate.*", ".yarnrc", ".yarnrc.yml",
	".terraformrc", "credentials.tfrc.json",
};

/*
 * Directories whose every file is a secret: SSH's, GnuPG's and pass's
 * stores, the AWS tools' and kubectl's (their config holds tokens too), and
 * the environment files of a project kept as cookiecutter-django keeps them
 * (.envs/.production/.django, whose names say nothing).
 */
static const char *const secret_dirs[] = { ".ssh", ".gnupg", ".password-store", ".aws", ".kube",
	".envs" };

/*
 * Files known by their directory's name and theirs: Docker's logins, the
 * GitHub CLI's token, Bundler's and Composer's credentials for private gems
 * and packages.
 */
static const char *const secret_pairs[] = { ".docker/config.json", "gh/hosts.yml", ".bundle/config",
	".composer/auth.json" };

/* Whether rel ends in one of secret_pairs, whatever its case. */
static bool
secret_pair(const char *rel)
{
	size_t n = strlen(rel), k, i;

	for (i = 0; i < ARRAY_SIZE(secret_pairs); i++) {
		k = strlen(secret_pairs[i]);
		if (n >= k && strcasecmp(rel + n - k, secret_pairs[i]) == 0 &&
		    (n == k || rel[n - k - 1] == '/'))
			return true;
	}
	return false;
}

/* Whether a directory on the way to rel (under the root) is one of secret_dirs. */
static bool
in_secret_dir(const char *rel)
{
	const char *c = rel, *slash;
	size_t i, n;

	while ((slash = strchr(c, '/')) != NULL) {
		n = (size_t)(slash - c);
		for (i = 0; i < ARRAY_SIZE(secret_dirs); i++)
			if (strlen(secret_dirs[i]) == n && strncasecmp(c, secret_dirs[i], n) == 0)
				return true;
		c = slash + 1;
	}
	return false;
}

/* A NULL-terminated copy of v (NULL: an empty list). */
static char **
list_dup(const char *const *v)
{
	size_t n = 0, i;
	char **out;

	while (v != NULL && v[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* Whether dir (absolute, resolved) holds .git: a directory, or a worktree's file. */
static bool
has_git(const char *dir)
{
	char *p = xstrfmt("%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
	struct stat st;
	bool yes = lstat(p, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));

	free(p);
	return yes;
}

/* The git top level above the resolved directory dir, or dir itself (malloc'd). */
static char *
find_root(const char *dir)
{
	char *p = xstrdup(dir), *slash;

	for (;;) {
		if (has_git(p))
			return p;
		slash = strrchr(p, '/');
		if (slash == NULL || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return xstrdup(dir);
}

/* Open the workspace for dir: its git top level, or dir itself outside git. */
int
ws_open(struct ws **out, const char *dir, const struct ws_opts *o, char **cause)
{
	static const struct ws_opts none = { 0 };
	char *real = realpath(dir, NULL);
	struct ws *w;

	if (real == NULL) {
		/* "." gone (removed under a shell still in it) would say ".: No such file" */
		xasprintf(cause, "cannot open the workspace at %s: %s", strcmp(dir, ".") == 0 ?
		    "the current directory" : dir, strerror(errno));
		return -1;
	}
	if (o == NULL)
		o = &none;
	w = xcalloc(1, sizeof(*w));
	w->root = find_root(real);
	free(real);
	w->rootlen = strcmp(w->root, "/") == 0 ? 0 : strlen(w->root);
	/* every file is reached from here, so a path renamed meanwhile cannot lead elsewhere */
	if ((w->rootfd = open(w->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		xasprintf(cause, "cannot open the workspace at %s: %s", w->root, strerror(errno));
		free(w->root);
		free(w);
		return -1;
	}
	w->deny = list_dup(o->deny);
	w->allow_secret = list_dup(o->allow_secret);
	w->allow = list_dup(o->allow);
	w->allow_run = list_dup(o->allow_run);
	w->undo_dir = o->undo_dir != NULL ? xstrdup(o->undo_dir) : NULL;
	w->writable = list_dup(o->writable);
	w->protect = list_dup(o->protect);
	w->unix_sockets = o->unix_sockets;
	w->run_timeout_ms = o->run_timeout_ms > 0 ? o->run_timeout_ms : 120000;
	w->cancel = o->cancel;
	w->output = o->output;
	w->output_arg = o->output_arg;
	*out = w;
	return 0;
}

/* Forget the task's journal in memory (the files stay). */
static void
changes_free(struct ws *w)
{
	size_t i;

	for (i = 0; i < w->nchanges; i++)
		free(w->changes[i].rel);
	free(w->changes);
	w->changes = NULL;
	w->nchanges = 0;
	ws_runs_clear(&w->runs);
	free(w->journal);
	w->journal = NULL;
}

/* Close the workspace; accepts NULL. */
void
ws_close(struct ws *w)
{
	if (w == NULL)
		return;
	changes_free(w);
	strv_free(w->deny);
	strv_free(w->allow_secret);
	strv_free(w->allow);
	strv_free(w->allow_run);
	strv_free(w->writable);
	strv_free(w->protect);
	confine_free(w->confine);
	strv_free(w->git_dots);
	free(w->undo_dir);
	free(w->root);
	close(w->rootfd);
	free(w);
}

/* Return the workspace's root directory. */
const char *
ws_root(const struct ws *w)
{
	return w->root;
}

/* Whether abs is the root or under it. */
static bool
inside(const struct ws *w, const char *abs)
{
	if (w->rootlen == 0)
		return abs[0] == '/';
	return strncmp(abs, w->root, w->rootlen) == 0 &&
	    (abs[w->rootlen] == '\0' || abs[w->rootlen] == '/');
}

/* Whether s holds a control character (a path the model should not give). */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Check the part of a path that does not exist yet: plain names only. */
static bool
plain_tail(const char *tail)
{
	char *copy = xstrdup(tail), *save = NULL, *c;
	bool ok = true;

	for (c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save))
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
			ok = false;
	free(copy);
	return ok;
}

/* realpath of full as far as it exists, then its missing tail appended (malloc'd), or NULL. */
static char *
resolve_partial(const char *full, bool *exists, char **why)
{
	char *head = xstrdup(full), *real, *slash, *out;
	const char *tail;

	*exists = false;
	if ((real = realpath(full, NULL)) != NULL) {
		*exists = true;
		free(head);
		return real;
	}
	while (errno == ENOENT && (slash = strrchr(head, '/')) != NULL && slash != head) {
		*slash = '\0';
		if ((real = realpath(head, NULL)) == NULL)
			continue;
		tail = full + strlen(head) + 1;
		out = plain_tail(tail) ? xstrfmt("%s/%s", strcmp(real, "/") ? real : "", tail)
		    : NULL;
		if (out == NULL)
			xasprintf(why, "'..' is not allowed in a path that does not exist yet");
		free(real);
		free(head);
		return out;
	}
	xasprintf(why, "%s", strerror(errno));
	free(head);
	return NULL;
}

/*
 * Whether abs (resolved) is one of llm's own directories (struct ws_opts
 * protect: its config and data) or beneath one, resolved as far as they
 * exist: a workspace may hold them (a home directory, a dotfiles
 * repository), and a change there would give the agent what the user did
 * not (an [agent] allow rule, a key_command that runs outside the sandbox).
 */
bool
ws_protected(const struct ws *w, const char *abs)
{
	char *real, *e = NULL;
	bool exists, in = false;
	size_t i, n;

	for (i = 0; !in && w->protect != NULL && w->protect[i] != NULL; i++) {
		if ((real = resolve_partial(w->protect[i], &exists, &e)) != NULL) {
			n = strcmp(real, "/") == 0 ? 0 : strlen(real);
			in = strncmp(abs, real, n) == 0 && (abs[n] == '\0' || abs[n] == '/');
		}
		free(real);
		free(e);
		e = NULL;
	}
	return in;
}

/* llm's own directories beneath the root (see tools_priv.h). */
char **
ws_protected_rels(const struct ws *w)
{
	char **v = xcalloc(1, sizeof(*v)), *real, *e = NULL;
	bool exists;
	size_t i, n = 0, k = strcmp(w->root, "/") == 0 ? 0 : w->rootlen;

	for (i = 0; w->protect != NULL && w->protect[i] != NULL; i++) {
		real = resolve_partial(w->protect[i], &exists, &e);
		if (real != NULL && strncmp(real, w->root, k) == 0 && real[k] == '/' &&
		    real[k + 1] != '\0') {
			v = xreallocarray(v, n + 2, sizeof(*v));
			v[n++] = xstrdup(real + k + 1);
			v[n] = NULL;
		}
		free(real);
		free(e);
		e = NULL;
	}
	return v;
}

/* Resolve path inside w. */
int
ws_resolve(const struct ws *w, const char *path, struct ws_path *p, char **why)
{
	char *full, *e = NULL;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (path == NULL || *path == '\0' || has_control(path)) {
		xasprintf(why, "give a path: a file name without control characters");
		return -1;
	}
	full = path[0] == '/' ? xstrdup(path) : xstrfmt("%s/%s", w->root, path);
	while ((n = strlen(full)) > 1 && full[n - 1] == '/')
		full[n - 1] = '\0';
	p->abs = resolve_partial(full, &p->exists, &e);
	free(full);
	if (p->abs == NULL || !inside(w, p->abs)) {
		char *vis = visible_name(path);

		if (p->abs == NULL)
			xasprintf(why, "%s: %s", vis, e);
		else
			xasprintf(why, "%s is outside the workspace (%s): refused", vis, w->root);
		free(vis);
		free(e);
		ws_path_done(p);
		return -1;
	}
	p->rel = p->abs[w->rootlen] == '/' ? p->abs + w->rootlen + 1 : p->abs + w->rootlen;
	if (w->rootlen == 0)
		p->rel = p->abs + 1;
	p->name = visible_name(p->rel);
	if (p->exists && lstat(p->abs, &p->st) != 0)
		p->exists = false;
	else if (!p->exists && lstat(p->abs, &p->st) == 0)
		p->exists = true; /* a link to nothing: there is a file there, not a new name */
	return 0;
}

bool
ws_leaves(const struct ws *w, const char *path)
{
	char *full, *abs, *e = NULL;
	bool exists, out;

	if (*path == '\0' || has_control(path))
		return false;
	full = path[0] == '/' ? xstrdup(path) : xstrfmt("%s/%s", w->root, path);
	abs = resolve_partial(full, &exists, &e);
	out = abs != NULL && !inside(w, abs);
	free(abs);
	free(full);
	free(e);
	return out;
}

void
ws_path_done(struct ws_path *p)
{
	free(p->abs);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

/*
 * Whether rel is .git or inside a .git directory, in any case: on a file
 * system that folds case (ext4's casefold, a mounted FAT or macOS volume)
 * .GIT/hooks is .git/hooks.
 */
bool
ws_in_git_dir(const char *rel)
{
	const char *c = rel;

	while (c != NULL && *c != '\0') {
		if (strncasecmp(c, ".git", 4) == 0 && (c[4] == '\0' || c[4] == '/'))
			return true;
		c = strchr(c, '/');
		if (c != NULL)
			c++;
	}
	return false;
}

/* Whether rel or its last component is in the NULL-terminated list v (globs when glob). */
static bool
in_list(char *const *v, const char *rel, bool glob)
{
	const char *base = strrchr(rel, '/');
	size_t i;

	base = base != NULL ? base + 1 : rel;
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (!glob && (strcmp(v[i], rel) == 0 || strcmp(v[i], base) == 0))
			return true;
		if (glob && (fnmatch(v[i], base, 0) == 0 || fnmatch(v[i], rel, FNM_PATHNAME) == 0))
			return true;
	}
	return false;
}

/* Whether rel is a secret file not allowed by name. */
bool
ws_secret(const struct ws *w, const char *rel)
{
	const char *base = strrchr(rel, '/');
	bool secret = false;
	size_t i;

	base = base != NULL ? base + 1 : rel;
	for (i = 0; i < ARRAY_SIZE(secret_globs) && !secret; i++)
		secret = fnmatch(secret_globs[i], base, FNM_CASEFOLD) == 0;
	if (!secret)
		secret = in_secret_dir(rel) || secret_pair(rel);
	if (!secret)
		secret = in_list(w->deny, rel, true);
	return secret && !in_list(w->allow_secret, rel, false);
}

/* Whether data looks binary. */
bool
ws_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 8192 ? len : 8192) != NULL;
}

/* Set once the kernel (or a filter in front of it) has said it has no openat2. */
static bool no_openat2;

/*
 * openat2 rel beneath dirfd, through no link of any kind: the kernel checks
 * every component as it goes. -1 with ENOSYS where there is none.
 */
static int
open2_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = flags & O_CREAT ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
#else
	(void)dirfd, (void)rel, (void)flags, (void)mode;
	return errno = ENOSYS, -1;
#endif
}

/* e, or ELOOP for ENOTDIR where rel in dirfd is a link (O_DIRECTORY is checked first). */
static int
link_errno(int dirfd, const char *rel, int e)
{
	struct stat st;

	if (e == ENOTDIR && fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return ELOOP;
	return e;
}

/* Open rel beneath dirfd one component at a time: directories, then the last, never a link. */
static int
walk_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	char *copy = xstrdup(rel), *save = NULL, *c, *next;
	int fd = dirfd, sub, e;

	for (c = strtok_r(copy, "/", &save); c != NULL && fd >= 0; c = next) {
		next = strtok_r(NULL, "/", &save);
		if (next != NULL)
			sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else
			sub = openat(fd, c, flags | O_NOFOLLOW | O_CLOEXEC, mode);
		e = sub < 0 ? link_errno(fd, c, errno) : 0;
		if (fd != dirfd)
			close(fd);
		fd = sub;
		errno = e;
	}
	free(copy);
	return fd;
}

/* Open rel (under the root) beneath w's root, through no link. */
int
ws_open_beneath(const struct ws *w, const char *rel, int flags, mode_t mode)
{
	int fd;

	if (*rel == '/' || !plain_tail(rel))
		return errno = EINVAL, -1;
	if (strspn(rel, "/") == strlen(rel))
		rel = ".";
	if (!w->walk && !no_openat2) {
		fd = open2_beneath(w->rootfd, rel, flags, mode);
		if (fd >= 0)
			return fd;
		/* EPERM: a seccomp filter that refuses system calls it does not know */
		if (errno != ENOSYS && errno != EPERM)
			return errno = link_errno(w->rootfd, rel, errno), -1;
		no_openat2 = errno == ENOSYS;
	}
	return walk_beneath(w->rootfd, rel, flags, mode);
}

/* Say why the directory dir[0..n) could not be reached or made. */
static void
dir_why(const char *dir, size_t n, int e, char **why)
{
	char *part = xstrndup(dir, n), *name = visible_name(part);

	if (e == ELOOP)
		xasprintf(why, "%s is, or is under, a symbolic link: refused", name);
	else
		xasprintf(why, "%s: %s", name, strerror(e));
	free(name);
	free(part);
}

/*
 * Open the directory dir under the root, making the parts that do not exist
 * yet; each one made here is added to made, a line each.
 */
static int
make_dirs(const struct ws *w, const char *dir, struct buf *made, char **why)
{
	char *copy = xstrdup(dir), *save = NULL, *c;
	int fd = openat(w->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), sub, e;
	bool new_dir;

	for (c = strtok_r(copy, "/", &save); c != NULL && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		new_dir = mkdirat(fd, c, 0777) == 0;
		if (!new_dir && errno != EEXIST)
			sub = -1;
		else
			sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = sub < 0 ? link_errno(fd, c, errno) : 0;
		if (new_dir)
			buf_addf(made, "%.*s\n", (int)((size_t)(c - copy) + strlen(c)), dir);
		close(fd);
		if ((fd = sub) < 0)
			dir_why(dir, (size_t)(c - copy) + strlen(c), e, why);
	}
	free(copy);
	return fd;
}

/*
 * Open the directory holding rel beneath the root, making the missing ones
 * when made is not NULL (and adding them to it); *name is rel's last
 * component. -1 with *why for the model.
 */
static int
open_parent(const struct ws *w, const char *rel, struct buf *made, const char **name,
    char **why)
{
	const char *slash = strrchr(rel, '/');
	char *dir = slash != NULL ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
	int fd = ws_open_beneath(w, dir, O_RDONLY | O_DIRECTORY, 0);

	*name = slash != NULL ? slash + 1 : rel;
	if (fd < 0 && errno == ENOENT && made != NULL)
		fd = make_dirs(w, dir, made, why);
	else if (fd < 0)
		dir_why(*dir ? dir : ".", *dir ? strlen(dir) : 1, errno, why);
	free(dir);
	return fd;
}

/* A name for a temporary file beside name: O_EXCL makes a guessed one harmless. */
static char *
temp_name(const char *name)
{
	static unsigned n;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return xstrfmt("%s.%06x", name,
	    ((unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec ^ ++n) & 0xffffff);
}

/* Write data to a new file beside name in dirfd and rename it over name; 0, or -1 with errno. */
static int
replace_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	char *tmp = NULL;
	int fd = -1, rc = -1, tries, e;

	for (tries = 0; fd < 0 && tries < 100; tries++) {
		free(tmp);
		tmp = temp_name(name);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (fd_write_all(fd, data, len) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0)
		goto out;
	e = close(fd);
	fd = -1;
	if (e != 0 || renameat(dirfd, tmp, dirfd, name) != 0)
		goto out;
	fsync(dirfd); /* the rename survives a crash */
	rc = 0;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlinkat(dirfd, tmp, 0);
	free(tmp);
	errno = e;
	return rc;
}

/*
 * Open the regular file rel beneath the root for reading; the descriptor, or
 * -1 with errno (EISDIR for anything but a regular file, EMLINK for a file
 * with another hard link: its other name may be outside the workspace, or a
 * secret's).
 */
int
ws_open_file(const struct ws *w, const char *rel)
{
	struct stat st;
	int fd = ws_open_beneath(w, rel, O_RDONLY | O_NONBLOCK, 0), e;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EISDIR;
	else if (st.st_nlink > 1)
		e = EMLINK;
	else
		return fd;
	close(fd);
	errno = e;
	return -1;
}

/* Read the file fd into *data; 0, or -1 with errno (EFBIG past the cap). */
int
ws_read_fd(int fd, char **data, size_t *len)
{
	struct buf b;
	char chunk[65536];
	ssize_t n;

	buf_init(&b, TOOLS_FILE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_add(&b, chunk, (size_t)n) != 0) {
			if (n > 0)
				errno = EFBIG;
			buf_done(&b);
			return -1;
		}
	}
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}

/* Read the whole file rel beneath the root; 0 or -1 with errno. */
int
ws_read_raw(const struct ws *w, const char *rel, char **data, size_t *len)
{
	int fd = ws_open_file(w, rel), rc, e;

	if (fd < 0)
		return -1;
	rc = ws_read_fd(fd, data, len);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Why a read of p's file failed, for the model. */
static void
read_why(const struct ws_path *p, int e, char **why)
{
	if (e == ELOOP)
		xasprintf(why, "%s is a symbolic link: refused", p->name);
	else if (e == EISDIR)
		xasprintf(why, "%s is not a regular file (use list for a directory)", p->name);
	else if (e == EFBIG)
		xasprintf(why, "%s is larger than %u MiB: refused", p->name, TOOLS_FILE_MAX >> 20);
	else if (e == EMLINK)
		xasprintf(why, "%s has another hard link, which may be a file outside the "
		    "workspace or a secret: refused", p->name);
	else
		xasprintf(why, "%s: %s", p->name, strerror(e));
}

/* Whether a tool may read p: not in .git, not a secret, not llm's own; else *why. */
static bool
readable(const struct ws *w, const struct ws_path *p, char **why)
{
	if (ws_in_git_dir(p->rel)) {
		xasprintf(why, "%s is inside .git/: refused", p->name);
		return false;
	}
	if (ws_protected(w, p->abs)) {
		xasprintf(why, "%s is in llm's own configuration or data, which the agent never "
		    "reads: refused", p->name);
		return false;
	}
	if (ws_secret(w, p->rel)) {
		xasprintf(why, "%s may hold secrets: refused (the user can allow it by name "
		    "with [agent] allow_secret)", p->name);
		return false;
	}
	return true;
}

/* Read the regular, non-secret text file at p. */
int
ws_read(const struct ws *w, const struct ws_path *p, char **data, size_t *len, char **why)
{
	if (!readable(w, p, why))
		return -1;
	if (ws_read_raw(w, p->rel, data, len) != 0) {
		read_why(p, errno, why);
		return -1;
	}
	if (ws_binary(*data, *len)) {
		free(*data);
		*data = NULL;
		xasprintf(why, "%s is a binary file: refused", p->name);
		return -1;
	}
	return 0;
}

/*
 * Lines from..to of the regular, non-secret text file at p, however large:
 * read through once, keeping those lines (TOOLS_FILE_MAX bytes of them at
 * most; s->cut says a line was cut there) and counting all of them.
 */
int
ws_read_lines(const struct ws *w, const struct ws_path *p, long from, long to,
    struct ws_lines *s, char **why)
{
	struct buf b;
	char chunk[65536];
	const char *q, *end, *nl, *stop;
	long line = 1;
	bool any = false, ended = true;
	ssize_t n;
	size_t take;
	int fd, e = 0;

	memset(s, 0, sizeof(*s));
	if (!readable(w, p, why))
		return -1;
	if ((fd = ws_open_file(w, p->rel)) < 0) {
		read_why(p, errno, why);
		return -1;
	}
	buf_init(&b, 0);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		if (!any && ws_binary(chunk, (size_t)n)) {
			e = -1;
			break;
		}
		any = true;
		for (q = chunk, end = chunk + n; q < end; q = stop) {
			nl = memchr(q, '\n', (size_t)(end - q));
			stop = nl != NULL ? nl + 1 : end;
			if (line >= from && line <= to && !s->cut) {
				take = (size_t)(stop - q);
				if (take > TOOLS_FILE_MAX - b.len) {
					take = TOOLS_FILE_MAX - b.len;
					s->cut = true;
				}
				buf_add(&b, q, take);
			}
			line += nl != NULL;
			ended = nl != NULL;
		}
	}
	close(fd);
	if (e != 0) {
		buf_done(&b);
		if (e < 0)
			xasprintf(why, "%s is a binary file: refused", p->name);
		else
			read_why(p, e, why);
		return -1;
	}
	s->total = line - 1 + (any && !ended);
	s->len = b.len;
	s->data = buf_detach(&b);
	return 0;
}

/* Whether the file at q is the one p met, holding old. */
static bool
same_file(const struct ws *w, const struct ws_path *p, const struct ws_path *q, const char *old,
    size_t oldlen)
{
	char *now = NULL;
	size_t len = 0;
	bool same;

	if (strcmp(q->abs, p->abs) != 0 || q->exists != p->exists)
		return false;
	if (!p->exists)
		return true;
	same = q->st.st_dev == p->st.st_dev && q->st.st_ino == p->st.st_ino &&
	    ws_read_raw(w, q->rel, &now, &len) == 0 && len == oldlen && memcmp(now, old, len) == 0;
	free(now);
	return same;
}

/* Whether p still names the file it did, holding old (or still none), as when it was shown. */
int
ws_unchanged(const struct ws *w, const struct ws_path *p, const char *old, size_t oldlen,
    char **why)
{
	struct ws_path q;
	char *e = NULL;
	bool same = ws_resolve(w, p->rel, &q, &e) == 0 && same_file(w, p, &q, old, oldlen);

	if (!same)
		xasprintf(why, "%s changed while the user was asked, so nothing was written: "
		    "read it again and redo the change", p->name);
	free(e);
	ws_path_done(&q);
	return same ? 0 : -1;
}

/* The mode a new file gets: 0666 less the umask. */
static mode_t
new_mode(void)
{
	mode_t m = umask(0);

	umask(m);
	return 0666 & ~m;
}

/* Replace or create the file at p with data, atomically, its mode kept, its parents created. */
int
ws_write(struct ws *w, const struct ws_path *p, const char *data, size_t len, char **why)
{
	const char *name;
	char *old = NULL;
	size_t oldlen = 0;
	struct buf made;
	int dirfd = -1, rc = -1;

	if (*p->rel == '\0') {
		xasprintf(why, "%s is the workspace's top directory, not a file", p->name);
		return -1;
	}
	if (ws_in_git_dir(p->rel)) {
		xasprintf(why, "%s is inside .git/, which is never written: refused", p->name);
		return -1;
	}
	if (ws_secret(w, p->rel)) {
		xasprintf(why, "%s may hold secrets: refused", p->name);
		return -1;
	}
	if (ws_protected(w, p->abs)) {
		xasprintf(why, "%s is in llm's own configuration or data, which the agent never "
		    "writes: refused", p->name);
		return -1;
	}
	if (p->exists && ws_read_raw(w, p->rel, &old, &oldlen) != 0) {
		read_why(p, errno, why);
		return -1;
	}
	buf_init(&made, 0);
	dirfd = open_parent(w, p->rel, p->exists ? NULL : &made, &name, why);
	/* even when a deeper one could not be made: undo removes those that were */
	ws_journal_dirs(w, buf_str(&made));
	buf_done(&made);
	if (dirfd < 0)
		goto out;
	/* the previous content is kept first: a file is never changed without its copy */
	if (ws_journal_note(w, p->rel, p->exists ? &p->st : NULL, old, oldlen, data, len, why) != 0)
		goto out;
	if (replace_at(dirfd, name, data, len, p->exists ? p->st.st_mode & 07777 : new_mode()) != 0) {
		xasprintf(why, "cannot write %s: %s", p->name, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (dirfd >= 0)
		close(dirfd);
	free(old);
	return rc;
}

/* Replace the file rel beneath the root with data, atomically, with mode. */
int
ws_replace(const struct ws *w, const char *rel, const char *data, size_t len, mode_t mode,
    char **why)
{
	const char *name;
	int dirfd = open_parent(w, rel, NULL, &name, why), rc;

	if (dirfd < 0)
		return -1;
	if ((rc = replace_at(dirfd, name, data, len, mode)) != 0) {
		int e = errno;
		char *shown = visible_name(rel);

		xasprintf(why, "cannot write %s: %s", shown, strerror(e));
		free(shown);
	}
	close(dirfd);
	return rc;
}

/* unlinkat rel beneath the root with flags; 0, or -1 with errno. */
static int
remove_at(const struct ws *w, const char *rel, int flags)
{
	const char *name;
	char *why = NULL;
	int dirfd = open_parent(w, rel, NULL, &name, &why), rc, e;

	free(why);
	if (dirfd < 0)
		return -1;
	rc = unlinkat(dirfd, name, flags);
	e = errno;
	close(dirfd);
	errno = e;
	return rc;
}

/* Remove the file rel beneath the root. */
int
ws_remove(const struct ws *w, const char *rel)
{
	return remove_at(w, rel, 0);
}

/* Remove the empty directory rel beneath the root. */
int
ws_remove_dir(const struct ws *w, const char *rel)
{
	return remove_at(w, rel, AT_REMOVEDIR);
}
