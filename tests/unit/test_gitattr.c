/* test_gitattr: reading `git check-attr -z` output for generated and vendored paths. */
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

static void
test_generated_and_vendored(void)
{
	static const char out[] =
	    "z.pb.c\0linguist-generated\0set\0z.pb.c\0linguist-vendored\0unspecified\0"
	    "third/lib.c\0linguist-generated\0unspecified\0third/lib.c\0linguist-vendored\0true\0"
	    "a.c\0linguist-generated\0unspecified\0a.c\0linguist-vendored\0unspecified\0";
	struct gitattr a;

	parse(&a, out, sizeof out - 1);
	CHECK_STR(gitattr_lookup(&a, "z.pb.c"), "generated");
	CHECK_STR(gitattr_lookup(&a, "third/lib.c"), "vendored");
	CHECK(gitattr_lookup(&a, "a.c") == NULL);
	CHECK(gitattr_lookup(&a, "missing.c") == NULL);
	CHECK_INT(a.n, 2);
	gitattr_done(&a);
}

/* "-linguist-generated" in .gitattributes keeps a path a wider pattern marked. */
static void
test_unset_keeps(void)
{
	static const char out[] =
	    "keep.min.js\0linguist-generated\0unset\0keep.min.js\0linguist-vendored\0unspecified\0"
	    "gen.js\0linguist-generated\0false\0gen.js\0linguist-vendored\0set\0";
	struct gitattr a;

	parse(&a, out, sizeof out - 1);
	CHECK_STR(gitattr_lookup(&a, "keep.min.js"), "");
	CHECK_STR(gitattr_lookup(&a, "gen.js"), "vendored");
	gitattr_done(&a);
}

/* Paths arrive in git's order; lookups work whatever it is. */
static void
test_sorted_for_lookup(void)
{
	static const char out[] =
	    "m\0linguist-generated\0set\0b\0linguist-generated\0set\0x\0linguist-vendored\0set\0"
	    "a\0linguist-generated\0set\0";
	struct gitattr a;

	parse(&a, out, sizeof out - 1);
	CHECK_INT(a.n, 4);
	CHECK_STR(gitattr_lookup(&a, "a"), "generated");
	CHECK_STR(gitattr_lookup(&a, "m"), "generated");
	CHECK_STR(gitattr_lookup(&a, "x"), "vendored");
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
	RUN(test_generated_and_vendored);
	RUN(test_unset_keeps);
	RUN(test_sorted_for_lookup);
	RUN(test_truncated);
	UNIT_EXIT();
}
