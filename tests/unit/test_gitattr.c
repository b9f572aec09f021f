/* test_gitattr: reading `git check-attr -z` output for generated and vendored paths. */
#include <stdio.h>
#include <stdlib.h>

#include "gitattr.h"
#include "unit.h"

/* Parse len bytes of check-attr output into a. */
static void
parse(struct gitattr *a, const char *data, size_t len)
{
	gitattr_init(a);
	gitattr_parse(a, data, len);
}

/* A path and what the output marks it as; NULL: it is not there. */
struct lookup {
	const char *path, *want;
};

/* check-attr output, how many marked paths it holds, and paths looked up in it. */
struct attr_case {
	const char *name;
	const char *out;
	size_t len;
	size_t n;
	struct lookup want[5]; /* up to a NULL path */
};

/* A string literal that holds NULs, and its length. */
#define NULS(s) (s), sizeof(s) - 1

static const struct attr_case cases[] = {
	/* "set" and "true" mark a path; unmarked and unknown paths are not there */
	{ "test_generated_and_vendored", NULS(
	    "z.pb.c\0linguist-generated\0set\0z.pb.c\0linguist-vendored\0unspecified\0"
	    "third/lib.c\0linguist-generated\0unspecified\0third/lib.c\0linguist-vendored\0true\0"
	    "a.c\0linguist-generated\0unspecified\0a.c\0linguist-vendored\0unspecified\0"), 2,
	    { { "z.pb.c", "generated" }, { "third/lib.c", "vendored" }, { "a.c", NULL },
	    { "missing.c", NULL } } },
	/* "-linguist-generated" in .gitattributes keeps a path a wider pattern marked */
	{ "test_unset_keeps", NULS(
	    "keep.min.js\0linguist-generated\0unset\0keep.min.js\0linguist-vendored\0unspecified\0"
	    "gen.js\0linguist-generated\0false\0gen.js\0linguist-vendored\0set\0"), 2,
	    { { "keep.min.js", "" }, { "gen.js", "vendored" } } },
	/* paths arrive in git's order; lookups work whatever it is */
	{ "test_sorted_for_lookup", NULS(
	    "m\0linguist-generated\0set\0b\0linguist-generated\0set\0x\0linguist-vendored\0set\0"
	    "a\0linguist-generated\0set\0"), 4,
	    { { "a", "generated" }, { "m", "generated" }, { "x", "vendored" } } },
};

/* Parse the case's output: so many marked paths, and each path looked up as wanted. */
static void
check_case(const struct attr_case *c)
{
	const struct lookup *w;
	struct gitattr a;

	parse(&a, c->out, c->len);
	CHECK_INT(a.n, c->n);
	for (w = c->want; w->path != NULL; w++) {
		const char *got = gitattr_lookup(&a, w->path);

		if (w->want == NULL && got != NULL)
			fprintf(stderr, "%s: \"%s\", want nothing\n", w->path, got);
		CHECK(w->want != NULL || got == NULL);
		if (w->want != NULL)
			CHECK_STR(got, w->want);
	}
	gitattr_done(&a);
}

/* Output cut off inside a triple: the whole triples before it are kept, nothing is read past it. */
static void
test_truncated(void)
{
	static const char out[] = "a.c\0linguist-generated\0set\0b.c\0linguist-generated\0se";
	struct gitattr a;
	size_t cut;

	for (cut = 0; cut <= sizeof out - 1; cut++) {
		char *copy = malloc(cut ? cut : 1);

		memcpy(copy, out, cut);
		parse(&a, copy, cut);
		CHECK(a.n <= 1);
		if (cut >= 27)
			CHECK_STR(gitattr_lookup(&a, "a.c"), "generated");
		CHECK(gitattr_lookup(&a, "b.c") == NULL);
		gitattr_done(&a);
		free(copy);
	}
	parse(&a, NULL, 0);
	CHECK_INT(a.n, 0);
	CHECK(gitattr_lookup(&a, "a.c") == NULL);
	gitattr_done(&a);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		RUN_CASE(cases[i].name, check_case, &cases[i]);
	RUN(test_truncated);
	UNIT_EXIT();
}
