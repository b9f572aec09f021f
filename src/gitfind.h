/* gitfind: where a workspace's .git entries are, and the git directories they lead to. */
#ifndef LLM_GITFIND_H
#define LLM_GITFIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GITFIND_DIRS 64 /* git directories found, and unreadable directories named, at most */

/*
 * What looks for .git entries left unlooked at: each look adds to it.
 * Zeroed to start; unread is for strv_free.
 */
struct gitfind_missed {
	bool partial;  /* a look had more directories than it could look into: the deepest were left */
	char **unread; /* directories that could not be looked into (rel), at most GITFIND_DIRS */
	size_t nunread;
};

/*
 * The directories a look read, each with its status as it was before it was
 * read and what it held: a later look takes what one held from it, rather
 * than reading it again, when its status is the same and its times were
 * older than the look that read it by more than racy_ns. Only directories on
 * local file systems whose change time moves with every change are noted.
 */
struct gitfind_seen;

/* A file system's coarsest grain of times (FAT's two seconds), by which a time must be old. */
#define GITFIND_RACY_NS 2000000000LL

/* Make an empty record of directories read, trusting times older than a look by racy_ns. */
struct gitfind_seen *gitfind_seen_new(int64_t racy_ns);
/* How many directories the last look read (*read) and took from what was seen (*kept). */
void gitfind_seen_counts(const struct gitfind_seen *s, size_t *read, size_t *kept);
/* Free s (NULL too). */
void gitfind_seen_free(struct gitfind_seen *s);
/*
 * The .git entries of the workspace open as rootfd at any depth (rel to
 * it: ".git", "app/.git"), looking into at most look of its directories,
 * level by level; what was left unlooked at is added to m. With seen,
 * directories unchanged since it noted them are not read again, and those
 * read are noted: the entries found are those a look without it finds.
 * A list for strv_free.
 */
char **gitfind_dots(int rootfd, size_t look, struct gitfind_missed *m, struct gitfind_seen *seen);
/*
 * The .git entries dots (rel, NULL: none), and those there are now above
 * path (absolute) in the workspace root, open as rootfd (or -1): each
 * directory on the way may have become a work tree's top since dots were
 * found. A list for strv_free.
 */
char **gitfind_dots_above(const char *root, int rootfd, char *const *dots, const char *path);
/*
 * The git directories of the workspace at root, whose .git entries are
 * dots: what each names (a directory, or what a worktree's or submodule's
 * .git file names, with the repository's), and the submodules' under them.
 * A list for strv_free.
 */
char **gitfind_gdirs(const char *root, char *const *dots);
/*
 * The path the first line of dir/name names after prefix (relative to dir,
 * or absolute), resolved; NULL when it has none. A worktree's .git file is
 * "gitdir: PATH", its git directory's commondir file a bare path.
 */
char *gitfind_link(const char *dir, const char *name, const char *prefix);
/*
 * The work tree a git directory's config names (core.worktree, as a
 * submodule's git directory in its superproject's .git/modules has it),
 * resolved; NULL when it names none, or not plainly (quotes, escapes).
 */
char *gitfind_worktree(const char *gitdir);

#endif
