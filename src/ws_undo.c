/* ws_undo: the task's undo journal: the previous content of every file it changed, and llm undo. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

#define JOURNAL_MAGIC "llm undo journal 1"
#define JOURNAL_MAX (1u << 20)
/*
 * The journals kept per workspace: the most recent ones, none older than
 * the days (by their last change). Only the last task's can be undone; the
 * others keep, for a while, the content llm undo said a kept file had.
 */
#define JOURNAL_KEEP 20
#define JOURNAL_DAYS 30

/* FNV-1a, 64 bits. */
uint64_t
ws_hash(const char *data, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The directory that holds the journals of the workspace root (malloc'd). */
static char *
root_dir(const char *undo_dir, const char *root)
{
	return xstrfmt("%s/%016" PRIx64, undo_dir, ws_hash(root, strlen(root)));
}

/* Remove every file in dir, then dir. */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *p;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = xstrfmt("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

/* One task's journal directory met while pruning. */
struct journal_dir {
	char *name;       /* the task id */
	time_t mtime;     /* its last change */
};

/* qsort: the most recently changed first. */
static int
newest_first(const void *a, const void *b)
{
	const struct journal_dir *x = a, *y = b;

	return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : strcmp(y->name, x->name);
}

/* The task directories in top: names of digits only, so nothing else is ever removed. */
static struct journal_dir *
journal_dirs(const char *top, size_t *n)
{
	struct journal_dir *v = NULL;
	DIR *d = opendir(top);
	struct dirent *de;
	struct stat st;
	char *p;

	*n = 0;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '\0' || strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		p = xstrfmt("%s/%s", top, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			v = xreallocarray(v, *n + 1, sizeof(*v));
			v[*n].name = xstrdup(de->d_name);
			v[(*n)++].mtime = st.st_mtime;
		}
		free(p);
	}
	if (d != NULL)
		closedir(d);
	return v;
}

/*
 * Remove the journals in top past JOURNAL_KEEP or JOURNAL_DAYS, but never
 * that of the task running (running) nor the one llm undo would undo.
 */
static void
journals_prune(const char *top, const char *running)
{
	char *lastp = xstrfmt("%s/last", top), *last = NULL, *e = NULL, *p;
	time_t old = time(NULL) - (time_t)JOURNAL_DAYS * 86400;
	size_t n, i, kept = 0, len;
	struct journal_dir *v = journal_dirs(top, &n);

	if (file_read(lastp, 64, &last, &len, &e) != 0)
		free(e);
	qsort(v, n, sizeof(*v), newest_first);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].name, running) == 0 || (last != NULL && strcmp(v[i].name, last) == 0)) {
			kept++;
		} else if (kept < JOURNAL_KEEP && v[i].mtime >= old) {
			kept++;
		} else {
			p = xstrfmt("%s/%s", top, v[i].name);
			remove_dir(p);
			free(p);
		}
		free(v[i].name);
	}
	free(v);
	free(last);
	free(lastp);
}

/*
 * Start the undo journal of task id, pruning the workspace's old ones; keep
 * whether what is in its directory stays.
 */
static int
task_begin(struct ws *w, int64_t task_id, bool keep, char **cause)
{
	char *top;

	free(w->journal);
	w->journal = NULL;
	for (size_t i = 0; i < w->nchanges; i++)
		free(w->changes[i].rel);
	free(w->changes);
	w->changes = NULL;
	w->nchanges = 0;
	ws_runs_clear(&w->runs);
	memset(w->always, 0, sizeof(w->always));
	if (w->undo_dir == NULL)
		return 0;
	top = root_dir(w->undo_dir, w->root);
	w->journal = xstrfmt("%s/%" PRId64, top, task_id);
	if (!keep)
		remove_dir(w->journal); /* a task id seen before starts afresh */
	if (mkdir_p(w->journal) != 0) {
		xasprintf(cause, "%s: %s", w->journal, strerror(errno));
		free(top);
		free(w->journal);
		w->journal = NULL;
		return -1;
	}
	journals_prune(top, strrchr(w->journal, '/') + 1);
	free(top);
	return 0;
}

/* Start the undo journal of task id, pruning the workspace's old ones. */
int
ws_task_begin(struct ws *w, int64_t task_id, char **cause)
{
	return task_begin(w, task_id, false, cause);
}

/* Remove the journal of a task that changed nothing: it has nothing to undo. */
void
ws_task_drop(struct ws *w)
{
	if (w->journal == NULL || w->nchanges > 0)
		return;
	remove_dir(w->journal);
	free(w->journal);
	w->journal = NULL;
}

/*
 * The journal's text: its root, then one line per change with the path last:
 * c a file created, m a file modified, d a directory made; then, when the
 * task ran commands, "runs N" and a "run COMMAND" line for each one kept.
 */
static char *
journal_text(const char *root, const struct ws_change *c, size_t n, const struct ws_runs *runs)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_addf(&b, "%s\nroot\t%s\n", JOURNAL_MAGIC, root);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%c\t%o\t%016" PRIx64 "\t%u\t%s\n",
		    c[i].dir ? 'd' : c[i].created ? 'c' : 'm', c[i].mode, c[i].hash, c[i].backup,
		    c[i].rel);
	if (runs->n > 0)
		buf_addf(&b, "runs\t%u\n", runs->n);
	for (i = 0; i < runs->kept; i++)
		buf_addf(&b, "run\t%s\n", runs->cmd[i]);
	return buf_detach(&b);
}

/* Write the journal of w's task and point "last" at it. */
static int
journal_save(struct ws *w, char **why)
{
	char *text = journal_text(w->root, w->changes, w->nchanges, &w->runs);
	char *path = xstrfmt("%s/journal", w->journal), *last = xstrfmt("%s/../last", w->journal);
	const char *id = strrchr(w->journal, '/') + 1;
	char *e = NULL;
	int rc = file_write_atomic(path, text, strlen(text), 0600, &e);

	if (rc == 0)
		rc = file_write_atomic(last, id, strlen(id), 0600, &e);
	if (rc != 0)
		xasprintf(why, "cannot keep the undo journal: %s", e);
	free(e);
	free(text);
	free(path);
	free(last);
	return rc;
}

/* The change of rel in w's journal, a directory's when dir; NULL when there is none. */
static struct ws_change *
find_change(struct ws *w, const char *rel, bool dir)
{
	size_t i;

	for (i = 0; i < w->nchanges; i++)
		if (w->changes[i].dir == dir && strcmp(w->changes[i].rel, rel) == 0)
			return &w->changes[i];
	return NULL;
}

/* A new change of rel at the end of w's journal. */
static struct ws_change *
add_change(struct ws *w, const char *rel)
{
	struct ws_change *c;

	w->changes = xreallocarray(w->changes, w->nchanges + 1, sizeof(*w->changes));
	c = &w->changes[w->nchanges++];
	memset(c, 0, sizeof(*c));
	c->rel = xstrdup(rel);
	return c;
}

/* The journal: note the directories in made (a line each) as made by the task. */
void
ws_journal_dirs(struct ws *w, const char *made)
{
	const char *nl;
	char *rel;

	for (; w->journal != NULL && (nl = strchr(made, '\n')) != NULL; made = nl + 1) {
		rel = xstrndup(made, (size_t)(nl - made));
		if (*rel != '\0' && find_change(w, rel, true) == NULL) {
			struct ws_change *c = add_change(w, rel);

			c->dir = c->created = true;
		}
		free(rel);
	}
}

/* Forget the commands runs holds. */
void
ws_runs_clear(struct ws_runs *runs)
{
	size_t i;

	for (i = 0; i < runs->kept; i++)
		free(runs->cmd[i]);
	memset(runs, 0, sizeof(*runs));
}

/*
 * The journal: note that the task runs command. What a command does (rm,
 * a build, git) is not in the journal, so llm undo cannot take it back: it
 * says so, naming the first few. Saved now when the journal is, else with
 * the first file the task changes (a task that changes none has no undo).
 */
void
ws_journal_run(struct ws *w, const char *command)
{
	char *why = NULL;

	if (w->journal == NULL)
		return;
	if (w->runs.kept < WS_RUNS_KEPT)
		w->runs.cmd[w->runs.kept++] = tools_oneline(command, 72);
	w->runs.n++;
	if (w->nchanges > 0 && journal_save(w, &why) != 0)
		free(why);     /* the files are journaled still: only this note is missing */
}

/* The journal: note the file rel changed (old content, or created), now holding data. */
int
ws_journal_note(struct ws *w, const char *rel, const struct stat *before, const char *old,
    size_t oldlen, const char *data, size_t len, char **why)
{
	struct ws_change *c;
	char *bak, *e = NULL;

	if (w->journal == NULL)
		return 0;
	if ((c = find_change(w, rel, false)) == NULL) {
		c = add_change(w, rel);
		c->created = before == NULL;
		c->mode = before != NULL ? before->st_mode & 07777 : 0;
		c->backup = (unsigned)w->nchanges;
		bak = xstrfmt("%s/%u", w->journal, c->backup);
		if (!c->created && file_write_atomic(bak, old, oldlen, 0600, &e) != 0) {
			/* the copy comes first: the file is not written, as the model must know */
			xasprintf(why, "its copy for llm undo could not be kept, so it was not "
			    "written: %s", e);
			free(e);
			free(bak);
			return -1;
		}
		free(bak);
	}
	c->hash = ws_hash(data, len);
	return journal_save(w, why);
}

/* Parse one journal line into c (rel borrowed from line); false if it is not one. */
static bool
parse_change(char *line, struct ws_change *c)
{
	char kind;
	unsigned mode, backup;
	uint64_t hash;
	int off = 0;

	if (sscanf(line, "%c\t%o\t%" SCNx64 "\t%u\t%n", &kind, &mode, &hash, &backup, &off) != 4 ||
	    off == 0 || strchr("cmd", kind) == NULL || line[off] == '\0')
		return false;
	c->dir = kind == 'd';
	c->created = kind != 'm';
	c->mode = mode & 07777;
	c->hash = hash;
	c->backup = backup;
	c->rel = line + off;
	return true;
}

/* Take a journal line that tells of the commands run into runs (cmd borrowed from line). */
static bool
parse_run(char *line, struct ws_runs *runs)
{
	unsigned n;

	if (str_startswith(line, "runs\t") && sscanf(line + 5, "%u", &n) == 1) {
		runs->n = n;
		return true;
	}
	if (!str_startswith(line, "run\t"))
		return false;
	if (runs->kept < WS_RUNS_KEPT)
		runs->cmd[runs->kept++] = line + 4;
	return true;
}

/* Read the journal in dir: its changes (rel pointing into *text), and the commands run. */
static int
journal_load(const char *dir, char **text, struct ws_change **out, size_t *n,
    struct ws_runs *runs, char **cause)
{
	char *path = xstrfmt("%s/journal", dir), *line, *save = NULL;
	struct ws_change c;
	size_t len;
	int rc = file_read(path, JOURNAL_MAX, text, &len, cause);

	free(path);
	*out = NULL;
	*n = 0;
	memset(runs, 0, sizeof(*runs));
	if (rc != 0)
		return -1;
	line = strtok_r(*text, "\n", &save);
	if (line == NULL || strcmp(line, JOURNAL_MAGIC) != 0) {
		xasprintf(cause, "%s: not an undo journal", dir);
		return -1;
	}
	strtok_r(NULL, "\n", &save); /* the root: the directory's name already says it */
	while ((line = strtok_r(NULL, "\n", &save)) != NULL)
		if (!parse_run(line, runs) && parse_change(line, &c)) {
			*out = xreallocarray(*out, *n + 1, sizeof(**out));
			(*out)[(*n)++] = c;
		}
	return 0;
}

/* Go on with task id's journal: what it changed before stays to undo. */
int
ws_task_resume(struct ws *w, int64_t task_id, char **cause)
{
	char *top, *dir, *text = NULL, *e = NULL;
	struct ws_change *v = NULL;
	struct ws_runs runs;
	struct stat st;
	size_t n = 0, i;
	int rc;

	if (w->undo_dir == NULL)
		return 0;
	top = root_dir(w->undo_dir, w->root);
	dir = xstrfmt("%s/%" PRId64, top, task_id);
	free(top);
	/* no journal (it changed nothing yet, or it was pruned): one starts afresh */
	if (stat(dir, &st) != 0 || journal_load(dir, &text, &v, &n, &runs, &e) != 0) {
		free(e);
		free(text);
		free(dir);
		return ws_task_begin(w, task_id, cause);
	}
	free(dir);
	rc = task_begin(w, task_id, true, cause);
	for (i = 0; rc == 0 && i < n; i++) {
		struct ws_change *c = add_change(w, v[i].rel);
		char *rel = c->rel;

		*c = v[i];
		c->rel = rel;
	}
	/* the commands it ran before go on being named */
	for (i = 0; rc == 0 && i < runs.kept; i++)
		w->runs.cmd[w->runs.kept++] = xstrdup(runs.cmd[i]);
	w->runs.n = rc == 0 ? runs.n : 0;
	free(v);
	free(text);
	return rc;
}

/* Whether the file at p still holds what the task wrote. */
static bool
unchanged(const struct ws *w, const struct ws_path *p, const struct ws_change *c)
{
	char *data = NULL;
	size_t len;
	bool same;

	if (!p->exists || !S_ISREG(p->st.st_mode) || ws_read_raw(w, p->rel, &data, &len) != 0)
		return false;
	same = ws_hash(data, len) == c->hash;
	free(data);
	return same;
}

/* Whether the file at p holds what the backup file bak holds: it is as before the task. */
static bool
as_before(const struct ws *w, const struct ws_path *p, const char *bak)
{
	char *now = NULL, *was = NULL, *e = NULL;
	size_t nlen, wlen;
	bool same;

	same = p->exists && S_ISREG(p->st.st_mode) && ws_read_raw(w, p->rel, &now, &nlen) == 0 &&
	    file_read(bak, TOOLS_FILE_MAX, &was, &wlen, &e) == 0 && nlen == wlen &&
	    memcmp(now, was, nlen) == 0;
	free(now);
	free(was);
	free(e);
	return same;
}

/*
 * Put back one change; true when done, or when the file is already as before
 * the task (the user removed what it created, or put back what it changed).
 * Else the report says why it was kept, and where a changed file's previous
 * content is, for the user to take what they want from it.
 */
static bool
undo_one(struct ws *w, const char *dir, const struct ws_change *c, struct buf *report)
{
	struct ws_path p;
	char *why = NULL, *bak = xstrfmt("%s/%u", dir, c->backup), *data = NULL;
	char *name = visible_name(c->rel);
	size_t len;
	bool done = false;

	if (ws_resolve(w, c->rel, &p, &why) != 0 || ws_in_git_dir(p.rel)) {
		buf_addf(report, "kept %s: %s\n", name, why ? why : "inside .git/");
	} else if (c->created ? !p.exists : as_before(w, &p, bak)) {
		buf_addf(report, "%s: already %s\n", name, c->created ? "gone" :
		    "as before the task");
		done = true;
	} else if (!unchanged(w, &p, c)) {
		buf_addf(report, "kept %s: %s since the task", name, p.exists ? "changed" : "removed");
		if (!c->created)
			buf_addf(report, "; its content before the task is in %s", bak);
		buf_addc(report, '\n');
	} else if (c->created) {
		done = ws_remove(w, p.rel) == 0;
		buf_addf(report, done ? "removed %s\n" : "kept %s: cannot remove it\n", name);
	} else {
		done = file_read(bak, TOOLS_FILE_MAX, &data, &len, &why) == 0 &&
		    ws_replace(w, p.rel, data, len, c->mode, &why) == 0;
		buf_addf(report, done ? "restored %s\n" : "kept %s: its copy cannot be read\n", name);
	}
	ws_path_done(&p);
	free(name);
	free(bak);
	free(data);
	free(why);
	return done;
}

/*
 * Remove the directory the task made, when it is empty now; true when it is
 * gone. A directory kept is said in notes: the user put files there, or a
 * file in it was kept.
 */
static bool
remove_made_dir(struct ws *w, const struct ws_change *c, struct buf *report, struct buf *notes)
{
	struct ws_path p;
	char *why = NULL, *name = visible_name(c->rel);
	bool done = false;

	if (ws_resolve(w, c->rel, &p, &why) != 0 || ws_in_git_dir(p.rel)) {
		buf_addf(notes, "kept %s/: %s\n", name, why ? why : "inside .git/");
	} else if (!p.exists) {
		buf_addf(report, "%s/: already gone\n", name);
		done = true;
	} else if (strcmp(p.rel, c->rel) != 0 || !S_ISDIR(p.st.st_mode)) {
		buf_addf(notes, "kept %s/: no longer the directory the task made\n", name);
	} else if (ws_remove_dir(w, p.rel) == 0) {
		buf_addf(report, "removed %s/\n", name);
		done = true;
	} else {
		buf_addf(notes, "kept %s/, which the task made: %s\n", name,
		    errno == ENOTEMPTY || errno == EEXIST ? "not empty" : strerror(errno));
	}
	ws_path_done(&p);
	free(name);
	free(why);
	return done;
}

/* qsort: directories deepest first (a directory's path is longer than its parent's), by name. */
static int
deepest_first(const void *a, const void *b)
{
	const char *ra = ((const struct ws_change *)a)->rel, *rb = ((const struct ws_change *)b)->rel;
	size_t la = strlen(ra), lb = strlen(rb);

	return la < lb ? 1 : la > lb ? -1 : strcmp(ra, rb);
}

/* Keep only the changes not undone in dir's journal, or remove it all when none is left. */
static void
journal_keep(const char *top, const char *dir, const char *root, const struct ws_change *left,
    size_t n, const struct ws_runs *runs)
{
	char *path, *text, *e = NULL;

	if (n == 0) {
		remove_dir(dir);
		path = xstrfmt("%s/last", top);
		unlink(path);
		free(path);
		return;
	}
	path = xstrfmt("%s/journal", dir);
	text = journal_text(root, left, n, runs);
	if (file_write_atomic(path, text, strlen(text), 0600, &e) != 0)
		free(e);
	free(text);
	free(path);
}

/*
 * Tell in notes that what the task's commands did stays: llm undo restores
 * files the task edited or wrote, and a file a command removed (rm) or
 * changed (sed -i, a build) is not among them.
 */
static void
runs_note(struct buf *notes, const struct ws_runs *runs)
{
	size_t i;

	if (runs->n == 0)
		return;
	buf_addf(notes, "the task also ran %u command%s; what %s did is not undone:\n", runs->n,
	    runs->n == 1 ? "" : "s", runs->n == 1 ? "it" : "they");
	for (i = 0; i < runs->kept; i++)
		buf_addf(notes, "  %s\n", runs->cmd[i]);
	if (runs->n > runs->kept)
		buf_addf(notes, "  and %zu more\n", (size_t)runs->n - runs->kept);
}

/*
 * Restore the files the last task changed, refusing any changed since, then
 * remove the directories it made that are empty. 0 when all files were
 * restored, 1 when some were kept (the report says which and why), -1 with
 * *cause when there is nothing to undo or the journal is unreadable.
 */
int
ws_undo(const char *undo_dir, const char *root, char **report, char **notes, char **cause)
{
	char *top = root_dir(undo_dir, root), *lastp = xstrfmt("%s/last", top);
	char *id = NULL, *dir = NULL, *text = NULL, *e = NULL;
	struct ws_change *c = NULL, *left = NULL;
	struct ws_runs runs;
	struct ws *w = NULL;
	struct buf r, kept_dirs;
	size_t n = 0, i, kept = 0, files, len;
	int rc = -1;

	buf_init(&r, 0);
	buf_init(&kept_dirs, 0);
	if (file_read(lastp, 64, &id, &len, &e) != 0) {
		free(e);
		xasprintf(cause, "nothing to undo in %s", root);
		goto out;
	}
	dir = xstrfmt("%s/%s", top, id);
	if (strchr(id, '/') != NULL || journal_load(dir, &text, &c, &n, &runs, cause) != 0 ||
	    ws_open(&w, root, NULL, cause) != 0)
		goto out;
	left = xreallocarray(NULL, n + 1, sizeof(*left));
	for (i = 0; i < n; i++)
		if (!c[i].dir && !undo_one(w, dir, &c[i], &r))
			left[kept++] = c[i];
	/* the directories once their files are gone; kept ones wait with a kept file */
	files = kept;
	qsort(c, n, sizeof(*c), deepest_first);
	for (i = 0; i < n; i++)
		if (c[i].dir && !remove_made_dir(w, &c[i], &r, &kept_dirs) && files > 0)
			left[kept++] = c[i];
	journal_keep(top, dir, root, left, kept, &runs);
	runs_note(&kept_dirs, &runs);
	*report = buf_detach(&r);
	*notes = buf_detach(&kept_dirs);
	rc = files > 0 ? 1 : 0;
out:
	buf_done(&r);
	buf_done(&kept_dirs);
	ws_close(w);
	free(left);
	free(c);
	free(text);
	free(dir);
	free(id);
	free(lastp);
	free(top);
	return rc;
}

/* The task ws_undo would undo in root: its id, 0 when there is none. */
int64_t
ws_undo_task(const char *undo_dir, const char *root)
{
	char *top = root_dir(undo_dir, root), *lastp = xstrfmt("%s/last", top), *id = NULL, *e = NULL;
	int64_t task = 0;
	size_t len;

	if (file_read(lastp, 64, &id, &len, &e) != 0 || !str_to_i64(id, &task) || task < 0)
		task = 0;
	free(e);
	free(id);
	free(lastp);
	free(top);
	return task;
}
