/* fuzz_visible: any bytes made visible are UTF-8 with no control, escape or bidi control, fed whole or in pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "visible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless s[0..n) is UTF-8 whose characters are all safe on a terminal but \n and \t. */
static void
check_safe(const char *s, size_t n)
{
	size_t i = 0, k;
	int32_t cp;

	while (i < n) {
		k = visible_decode(s + i, n - i, &cp);
		if (cp < 0 || k == 0 || k > n - i)
			abort();
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			abort();
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x200e || cp == 0x200f || cp == 0x061c)
			abort();
		i += k;
	}
}

/* The first byte picks where the input is cut into feeds; the output must not depend on it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	struct visible v;
	struct buf b;
	char *whole;
	size_t n, i, step;

	if (size < 1)
		return 0;
	n = size - 1;
	step = 1 + data[0] % 7;
	whole = visible_str(s, n);
	check_safe(whole, strlen(whole));
	buf_init(&b, 0);
	visible_init(&v);
	for (i = 0; i < n; i += step)
		visible_feed(&v, s + i, n - i < step ? n - i : step, &b);
	visible_flush(&v, &b);
	if (strcmp(buf_str(&b), whole) != 0)
		abort();
	/* A word that passes is printed as it is: making it visible changes nothing. */
	if (memchr(s, '\0', n) == NULL) {
		char *z = strndup(s, n);

		if (z != NULL && visible_word(z) && strcmp(whole, z) != 0)
			abort();
		free(z);
	}
	buf_done(&b);
	free(whole);
	return 0;
}
