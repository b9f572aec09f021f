/* body: compare the request body a wire format builds with the one expected, as JSON. */
#ifndef LLM_TEST_BODY_H
#define LLM_TEST_BODY_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "provider.h"
#include "unit.h"

/* p's body for req must be want as JSON (keys in any order), printed on one line. */
static inline void
check_body(const struct provider *p, const struct request *req, const char *want)
{
	char *body = p->body(req);
	cJSON *got = cJSON_Parse(body), *exp = cJSON_Parse(want);

	CHECK(got != NULL);
	CHECK(exp != NULL);
	if (!cJSON_Compare(got, exp, 1)) {
		fprintf(stderr, "%s body:\n  got  %s\n  want %s\n", p->name, body, want);
		unit_bad = 1;
	}
	CHECK(strchr(body, '\n') == NULL); /* printed unformatted */
	cJSON_Delete(got);
	cJSON_Delete(exp);
	free(body);
}

#endif
