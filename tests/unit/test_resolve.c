/* test_resolve: addresses told from names, and host names looked up within a deadline. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "unit.h"
#include "util.h"

static void
test_numeric(void)
{
	CHECK(resolve_numeric("127.0.0.1"));
	CHECK(resolve_numeric("::1"));
	CHECK(resolve_numeric("2001:db8::5"));
	CHECK(!resolve_numeric("localhost"));
	CHECK(!resolve_numeric("db.example.com"));
	CHECK(!resolve_numeric("10.0.0"));
	CHECK(!resolve_numeric(""));
}

/* localhost comes from /etc/hosts: no name server is asked. */
static void
test_localhost(void)
{
	char **addrs = NULL, *cause = NULL;
	bool v4 = false;
	size_t i, j;

	CHECK_INT(resolve_addrs("localhost", clock_ms() + 10000, &addrs, &cause), 1);
	CHECK(cause == NULL);
	CHECK(addrs != NULL && addrs[0] != NULL);
	for (i = 0; addrs != NULL && addrs[i] != NULL; i++) {
		CHECK(resolve_numeric(addrs[i]));
		v4 |= strcmp(addrs[i], "127.0.0.1") == 0;
		for (j = 0; j < i; j++)
			CHECK(strcmp(addrs[i], addrs[j]) != 0);
	}
	CHECK(v4);
	strv_free(addrs);
}

/* A numeric address is its own answer, whatever the resolver. */
static void
test_address(void)
{
	char **addrs = NULL, *cause = NULL;

	CHECK_INT(resolve_addrs("192.0.2.7", clock_ms() + 10000, &addrs, &cause), 1);
	CHECK(addrs != NULL && addrs[0] != NULL && addrs[1] == NULL);
	if (addrs != NULL && addrs[0] != NULL)
		CHECK_STR(addrs[0], "192.0.2.7");
	strv_free(addrs);
	free(cause);
}

int
main(void)
{
	RUN(test_numeric);
	RUN(test_localhost);
	RUN(test_address);
	UNIT_EXIT();
}
