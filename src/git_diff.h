/* git_diff: a staged diff read in pieces, its lock files and generated files left out, cut to a size. */
#ifndef LLM_GIT_DIFF_H
#define LLM_GIT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Roughly how many bytes of diff make one token. */
#define GIT_BYTES_PER_TOKEN 4

/* Longest diff line kept whole; longer ones are cut and marked. */
#define GIT_LINE_MAX 400

/*
 * Why a path stays out of the request, given by the caller (gitattributes):
 * return a reason such as "generated", "" to keep the file whatever the
 * built-in rules say, or NULL to let the built-in rules decide.
 */
typedef const char *(*git_skip_fn)(void *arg, const char *path);

/* One hunk: its @@ line and the first lines of its body. */
struct git_hunk {
	char *head;          /* "@@ -1,4 +1,5 @@ context", no newline */
	struct buf body;     /* the first lines, each ending in '\n' */
	size_t nlines;       /* lines in the whole hunk */
	size_t nkept;        /* lines held in body */
};

/* One file of the diff. */
struct git_file {
	char *path;          /* the new path (the old one for a deletion) */
	struct buf header;   /* "diff --git" plus new/deleted/rename/mode lines */
	const char *skip;    /* why it is left out ("lock file", "binary", ...), or NULL */
	struct git_hunk *hunks;
	size_t nhunks, hunkcap;
	size_t added, removed;
};

/* A unified diff being parsed from `git diff`, fed in pieces of any size. */
struct git_diff {
	struct git_file *files;
	size_t n, cap;
	size_t keep;         /* bytes of each hunk's body held */
	git_skip_fn skip_fn;
	void *skip_arg;
	struct buf line;     /* a line not yet complete */
	bool in_header;      /* between "diff --git" and the first hunk */
};

/* Tell why the built-in rules leave path out ("lock file", "generated", "vendored"), or NULL. */
const char *git_path_skip(const char *path);

/* Start parsing; keep bytes of each hunk are held; skip_fn may be NULL. */
void git_diff_init(struct git_diff *d, size_t keep, git_skip_fn skip_fn, void *arg);
/* Feed n bytes of the diff. */
void git_diff_feed(struct git_diff *d, const char *p, size_t n);
/* End the input (a last line without a newline counts). */
void git_diff_finish(struct git_diff *d);
/* Free everything the diff holds. */
void git_diff_done(struct git_diff *d);
/* The number of files whose changes would be shown. */
size_t git_diff_kept(const struct git_diff *d);
/*
 * Render the diff in at most max bytes (malloc'd): every kept file's name, then
 * as many of the first lines of every hunk as fit, each cut marked, and a list
 * of the files left out and why. *cut (may be NULL) says whether anything was
 * shortened. Only when the file names alone do not fit is the list shortened,
 * and then it says how many names are missing. Bytes that are not UTF-8 become '?'.
 */
char *git_diff_render(const struct git_diff *d, size_t max, bool *cut);

#endif
