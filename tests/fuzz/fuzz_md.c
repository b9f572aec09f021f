/* fuzz_md: the Markdown renderer on any reply made visible: lines fit the width, spans fit their lines. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "visible.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Widths come from the locale, as in the TUI, which runs in a UTF-8 one. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		abort();
	return 0;
}

/* Whether s[0..n) is whole UTF-8 characters: wrapping never cuts inside one. */
static int
whole_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		len = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 :
		    (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0 || len > n - i)
			return 0;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* Lines are whole characters, no wider than the screen, and spans lie inside them. */
static void
check_doc(const struct md_doc *d, int width)
{
	const struct md_line *l;
	size_t i, k;

	for (i = 0; i < d->nlines; i++) {
		l = &d->lines[i];
		if (l->text == NULL || l->text[l->len] != '\0')
			abort();
		if ((width > 0 && md_width(l->text, l->len) > width) ||
		    !whole_utf8((const unsigned char *)l->text, l->len))
			abort();
		for (k = 0; k < l->nspans; k++)
			if ((uint64_t)l->spans[k].off + l->spans[k].len > l->len)
				abort();
	}
	for (i = 0; i < d->ncodes; i++)
		if (d->codes[i].text == NULL || d->codes[i].lang == NULL)
			abort();
}

/*
 * The first byte picks the width (8 to 135) and, with its top bit, whether
 * inline code keeps its backticks (as with NO_COLOR); the rest is the reply's
 * text, made visible first as the TUI does (valid UTF-8, no controls but \n
 * and \t).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_doc d;
	char *text;
	int width, n;
	unsigned flags;

	if (size < 1)
		return 0;
	width = 8 + data[0] % 128;
	flags = data[0] & 128 ? MD_CODE_TICKS : 0;
	text = visible_str((const char *)data + 1, size - 1);
	size = strlen(text);
	md_doc_init(&d);
	n = md_count_code(text, size);
	md_render(&d, text, size, width, THEME_ASSISTANT, 1, flags);
	check_doc(&d, width);
	if ((size_t)n != d.ncodes)
		abort();
	md_doc_clear(&d);
	md_plain(&d, text, size, width, THEME_USER, THEME_BOLD);
	check_doc(&d, width);
	md_doc_done(&d);
	free(text);
	return 0;
}
