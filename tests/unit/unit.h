/* unit: a tiny test harness; each test prints "ok - name" or "not ok - name". */
#ifndef LLM_UNIT_H
#define LLM_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_bad;      /* the running test failed */
static int unit_failures; /* tests failed so far */

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
		unit_bad = 1; \
	} \
} while (0)

/* Whether string a (shown as expr) is b; if not, say so at file:line and fail the test. */
static inline void
unit_check_str(const char *file, int line, const char *expr, const char *a, const char *b)
{
	if (a == NULL || b == NULL || strcmp(a, b) != 0) {
		fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", file, line, expr,
		    a ? a : "(null)", b ? b : "(null)");
		unit_bad = 1;
	}
}

#define CHECK_STR(a, b) unit_check_str(__FILE__, __LINE__, #a, (a), (b))

/* CHECK_STR on a malloc'd string, which is freed after. */
#define CHECK_STR_FREE(a, b) do { \
	char *unit_s = (a); \
	unit_check_str(__FILE__, __LINE__, #a, unit_s, (b)); \
	free(unit_s); \
} while (0)

/* Whether string a (shown as expr) holds sub; if not, say so at file:line and fail the test. */
static inline void
unit_check_has(const char *file, int line, const char *expr, const char *a, const char *sub)
{
	if (a == NULL || strstr(a, sub) == NULL) {
		fprintf(stderr, "%s:%d: %s == \"%s\", want it to hold \"%s\"\n", file, line, expr,
		    a ? a : "(null)", sub);
		unit_bad = 1;
	}
}

#define CHECK_HAS(a, sub) unit_check_has(__FILE__, __LINE__, #a, (a), (sub))

/* Whether the malloc'd reason cause holds sub; it is freed and set to NULL for the next call. */
#define CHECK_CAUSE(cause, sub) do { \
	unit_check_has(__FILE__, __LINE__, #cause, (cause), (sub)); \
	free(cause); \
	(cause) = NULL; \
} while (0)

#define CHECK_INT(a, b) do { \
	long long unit_a = (long long)(a), unit_b = (long long)(b); \
	if (unit_a != unit_b) { \
		fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #a, unit_a, unit_b); \
		unit_bad = 1; \
	} \
} while (0)

/* Say how the test named name went. */
static inline void
unit_report(const char *name)
{
	printf("%s - %s\n", unit_bad ? "not ok" : "ok", name);
	fflush(stdout);
	unit_failures += unit_bad;
}

#define RUN(fn) do { \
	unit_bad = 0; \
	fn(); \
	unit_report(#fn); \
} while (0)

/* Run fn on one case of a table of tests; it is reported under the case's own name. */
#define RUN_CASE(name, fn, arg) do { \
	unit_bad = 0; \
	fn(arg); \
	unit_report(name); \
} while (0)

#define UNIT_EXIT() return unit_failures ? 1 : 0

#endif
