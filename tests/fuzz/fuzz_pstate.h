/* fuzz_pstate: what the adapter fuzzers check in whatever an adapter hands over. */
#ifndef LLM_FUZZ_PSTATE_H
#define LLM_FUZZ_PSTATE_H

#include <stdlib.h>
#include <string.h>

#include "provider.h"

/* Text handed over is never empty, and is NUL-terminated at n or holds a NUL before it. */
static inline void
fuzz_on_text(void *arg, const char *s, size_t n)
{
	(void)arg;
	if (n == 0 || strlen(s) < n)
		abort();
}

/* A call that fails or finds the bytes bad always leaves a cause. */
static inline void
fuzz_check_cause(const struct pstate *st, enum pev rc)
{
	if ((rc == PEV_ERROR || rc == PEV_BAD) && (st->error == NULL || *st->error == '\0'))
		abort();
}

#endif
