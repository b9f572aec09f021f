/* gitattr: which paths `git check-attr` marks linguist-generated or linguist-vendored. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gitattr.h"
#include "util.h"

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gitattr_path *)a)->path, ((const struct gitattr_path *)b)->path);
}

void
gitattr_init(struct gitattr *a)
{
	memset(a, 0, sizeof *a);
}

void
gitattr_done(struct gitattr *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i].path);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* Fold one "path attr info" triple from check-attr into the table (a path's triples are adjacent). */
static void
add(struct gitattr *a, const char *path, const char *attr, const char *info)
{
	const char *why;
	bool set = strcmp(info, "set") == 0 || strcmp(info, "true") == 0;

	if (set)
		why = strcmp(attr, "linguist-vendored") == 0 ? "vendored" : "generated";
	else if (strcmp(info, "unset") == 0 || strcmp(info, "false") == 0)
		why = "";
	else
		return;
	if (a->n > 0 && strcmp(a->v[a->n - 1].path, path) == 0) {
		if (set)
			a->v[a->n - 1].why = why;
		return;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n].path = xstrdup(path);
	a->v[a->n++].why = why;
}

/* Parse check-attr -z output ("path\0attr\0info\0" each), then sort for lookups. */
void
gitattr_parse(struct gitattr *a, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	if (data == NULL)
		return;
	while (p < end) {
		const char *attr, *info, *next;

		attr = memchr(p, '\0', (size_t)(end - p));
		if (attr == NULL || ++attr >= end)
			break;
		info = memchr(attr, '\0', (size_t)(end - attr));
		if (info == NULL || ++info >= end)
			break;
		next = memchr(info, '\0', (size_t)(end - info));
		if (next == NULL)
			break;
		add(a, p, attr, info);
		p = next + 1;
	}
	if (a->n > 0)
		qsort(a->v, a->n, sizeof *a->v, path_cmp);
}

/* What the attributes say of path: "generated", "vendored", "" or NULL. */
const char *
gitattr_lookup(void *arg, const char *path)
{
	struct gitattr *a = arg;
	struct gitattr_path key = { .path = (char *)path };
	struct gitattr_path *hit = a->n ? bsearch(&key, a->v, a->n, sizeof *a->v, path_cmp) : NULL;

	return hit ? hit->why : NULL;
}
