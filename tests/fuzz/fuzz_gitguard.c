/* fuzz_gitguard: the config check on any two texts; a text may always stay where it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gitguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is the config before, a NUL, and the config after. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(text, '\0', size);
	size_t blen = nul != NULL ? (size_t)(nul - text) : size;
	char *before = malloc(blen + 1), *after, *why = NULL;
	size_t alen = nul != NULL ? size - blen - 1 : 0;
	bool ok;

	if (before == NULL || (after = malloc(alen + 1)) == NULL)
		abort();
	memcpy(before, text, blen);
	before[blen] = '\0';
	memcpy(after, nul != NULL ? nul + 1 : "", alen);
	after[alen] = '\0';
	ok = gitguard_config_safe(before, blen, after, alen, &why);
	/* a refusal names a key only when the text could be looked through */
	if (ok && why != NULL)
		abort();
	free(why);
	/* what could stay with nothing before can stay where it already was */
	if (gitguard_config_safe(NULL, 0, after, alen, &why) &&
	    !gitguard_config_safe(after, alen, after, alen, &why))
		abort();
	free(why);
	/* a refused text names what it sets, or nothing when it cannot be looked through */
	if (!gitguard_config_safe(before, blen, after, alen, &why) && why != NULL &&
	    gitguard_safe_key(why))
		abort();
	free(why);
	free(before);
	free(after);
	return 0;
}
