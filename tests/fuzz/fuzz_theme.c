/* fuzz_theme: the theme parser on any text; errors are file:line lines, slots stay in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse the input over the default theme and check what it left. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	char *cause = NULL;
	int i, rc;

	theme_init(&t);
	rc = theme_parse(&t, (const char *)data, size, "fuzz.theme", &cause);
	if (rc != 0 && (cause == NULL || strncmp(cause, "fuzz.theme:", 11) != 0))
		abort();
	if (rc == 0 && cause != NULL)
		abort();
	for (i = 0; i < THEME_NSLOTS; i++) {
		const struct theme_style *s = &t.styles[i];

		if (s->fg < -1 || s->fg > 255 || s->bg < -1 || s->bg > 255 ||
		    s->fg8 < -1 || s->fg8 > 7 || s->bg8 < -1 || s->bg8 > 7)
			abort();
	}
	if (memchr(t.name, '\0', sizeof t.name) == NULL)
		abort();
	free(cause);
	return 0;
}
