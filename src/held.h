/* held: a file, link or directory beneath a directory as it was: read, compared, put back. */
#ifndef LLM_HELD_H
#define LLM_HELD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct buf;

#define HELD_FILE_MAX (1 << 20) /* a file is held whole up to this; a larger one by size and time */

/* One file as it was; kind 0 when there was none. */
struct held {
	char *name;       /* beneath the directory: "config", "hooks/pre-commit" */
	mode_t kind;      /* S_IFREG, S_IFLNK, S_IFDIR, ... or 0 */
	char *data;       /* a file's content or a link's target; NULL when too large */
	size_t len;
	struct stat st;
	bool whole;       /* a directory listed to its end: what is new in it is taken out */
};

/* Read name ("a", "a/b", ...) beneath dirfd into h, as it is now, never through a link. */
void held_take(int dirfd, const char *name, struct held *h);
/* Free what h holds. */
void held_done(struct held *h);
/* Whether a and b hold the same thing. */
bool held_same(const struct held *a, const struct held *b);
/* Make name beneath dirfd hold what h held; 0, or -1 when it cannot (a file too large to hold). */
int held_restore(int dirfd, const struct held *h);
/* Remove name beneath dirfd, a directory with all it holds; 0, or -1. */
int held_remove(int dirfd, const char *name);
/* Open the directory holding name beneath dirfd, never through a link; *base its last part. */
int held_open_parent(int dirfd, const char *name, const char **base);
/* Open the directory name beneath dirfd, never through a link; -1 with errno set. */
int held_open_dir(int dirfd, const char *name);
/* Add to b a name as the model and the user are shown it: printable ASCII, the rest as \xNN. */
void held_add_name(struct buf *b, const char *s);

#endif
