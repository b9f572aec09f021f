/* gitattr: which paths `git check-attr` marks linguist-generated or linguist-vendored. */
#ifndef LLM_GITATTR_H
#define LLM_GITATTR_H

#include <stddef.h>

/* A path and what gitattributes say of it: "generated", "vendored" or "" (keep it). */
struct gitattr_path {
	char *path;
	const char *why;
};

/* The paths check-attr said something of, sorted by path. */
struct gitattr {
	struct gitattr_path *v;
	size_t n, cap;
};

void gitattr_init(struct gitattr *a);
void gitattr_done(struct gitattr *a);
/*
 * Read `git check-attr -z` output for linguist-generated and linguist-vendored
 * ("path\0attr\0info\0" each, a path's triples adjacent); a cut-off triple at
 * the end is ignored.
 */
void gitattr_parse(struct gitattr *a, const char *data, size_t len);
/* What the attributes say of path (arg is the struct gitattr): "generated", "vendored",
 * "" (unset: keep it), or NULL when they say nothing. */
const char *gitattr_lookup(void *arg, const char *path);

#endif
