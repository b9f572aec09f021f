/* md_cut: where Markdown streaming in splits into blocks that render the same on their own. */
#include <stdbool.h>
#include <string.h>

#include "md.h"

/* Start looking at a new text. */
void
md_cut_init(struct md_cut *c)
{
	memset(c, 0, sizeof(*c));
}

/* The columns of a line's leading spaces (a tab counts as four: too deep for a fence). */
static size_t
indent_of(const char *s, size_t n, size_t *bytes)
{
	size_t i = 0, cols = 0;

	for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		cols += s[i] == '\t' ? 4 : 1;
	*bytes = i;
	return cols;
}

static bool
blank_line(const char *s, size_t n)
{
	size_t skip;

	indent_of(s, n, &skip);
	return skip == n;
}

/* A run of three or more fence characters at s: its character and length, else 0. */
static size_t
fence_run(const char *s, size_t n, char *ch)
{
	size_t i = 0;

	if (n == 0 || (s[0] != '`' && s[0] != '~'))
		return 0;
	while (i < n && s[i] == s[0])
		i++;
	if (i < 3)
		return 0;
	*ch = s[0];
	return i;
}

static bool
has_ref_mark(const char *s, size_t n)
{
	return n >= 2 && memmem(s, n, "]:", 2) != NULL;
}

/*
 * A line at column 0 after a blank line, outside any fence, that no list,
 * quote or indented code before it can take in: the blocks before it are whole.
 */
static bool
starts_block(char ch)
{
	return strchr(" \t\r>-+*0123456789", ch) == NULL;
}

/* Take in one whole line (without its newline) at s. */
static void
line(struct md_cut *c, const char *s, size_t n)
{
	size_t skip, cols = indent_of(s, n, &skip), run;
	char ch = 0;

	if (c->fence != 0) {
		run = fence_run(s + skip, n - skip, &ch);
		if (c->fence_indent > 0 && skip < n && cols < c->fence_indent) {
			/*
			 * Less indented than its opening: were it a list item's, the
			 * item and its fence are over, and this line may open another.
			 */
			c->never = true;
		} else if (cols <= 3 && ch == c->fence && run >= c->fence_len &&
		    blank_line(s + skip + run, n - skip - run)) {
			c->fence = 0;
		}
		c->blank = false;
		return;
	}
	if (skip == n) {
		c->blank = true;
		return;
	}
	/* A link reference definition reaches back to uses before it. */
	if (has_ref_mark(s, n))
		c->never = true;
	if (cols <= 3 && (run = fence_run(s + skip, n - skip, &ch)) > 0 &&
	    (ch == '~' || memchr(s + skip + run, '`', n - skip - run) == NULL)) {
		c->fence = ch;
		c->fence_len = run;
		c->fence_indent = cols;
	}
	c->blank = false;
}

/* Look at the text (which has only grown since the last call); return the latest cut. */
size_t
md_cut_find(struct md_cut *c, const char *text, size_t len)
{
	const char *nl;
	char was;
	bool at_cut, blank;
	size_t from, back;

	while (!c->never && c->scan < len) {
		if (c->blank && c->fence == 0 && c->scan > 0 && starts_block(text[c->scan]))
			c->cut = c->scan;
		at_cut = c->fence == 0 && starts_block(text[c->scan]) && (c->scan == 0 || c->blank);
		/* a long line coming in is looked at once, not again from its start each time */
		from = c->seen > c->scan ? c->seen : c->scan;
		nl = memchr(text + from, '\n', len - from);
		if (nl == NULL) {
			/* The line still coming in: a definition there counts already. */
			back = from > c->scan ? from - 1 : from;
			if (c->fence == 0 && has_ref_mark(text + back, len - back))
				c->never = true;
			c->seen = len;
			break;
		}
		was = c->fence;
		blank = blank_line(text + c->scan, (size_t)(nl - (text + c->scan)));
		line(c, text + c->scan, (size_t)(nl - (text + c->scan)));
		c->scan = (size_t)(nl - text) + 1;
		if (was == 0 && c->fence != 0) {
			/* A fence at column 0 where a block may start: nothing outside reaches in. */
			c->fence_cut = at_cut && c->fence_indent == 0;
			c->fence_body = c->scan;
			c->fence_kept = 0;
		} else if (was != 0 && c->fence != 0) {
			if (c->fence_cut && !blank)
				c->fence_kept = c->scan;
		} else if (was != 0 && c->fence_cut) {
			/* It closed: what follows starts a block of its own. */
			c->cut = c->scan;
			c->fence_cut = false;
		}
	}
	return c->never ? 0 : c->cut;
}

/* Tell whether the text ends in a fence opened at the cut, and up to where its lines keep. */
bool
md_cut_fence(const struct md_cut *c, size_t *body, size_t *kept)
{
	if (c->never || c->fence == 0 || !c->fence_cut || c->fence_kept == 0)
		return false;
	*body = c->fence_body;
	*kept = c->fence_kept;
	return true;
}

/* Tell whether the text ends in a fence opened at the cut, where its code and last line start. */
bool
md_cut_open(const struct md_cut *c, size_t *body, size_t *line)
{
	if (c->never || c->fence == 0 || !c->fence_cut)
		return false;
	*body = c->fence_body;
	*line = c->scan;
	return true;
}
