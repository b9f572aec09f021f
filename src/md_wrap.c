/* md_wrap: styled text wrapped on display width into a document's lines; no Markdown here. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "md.h"
#include "md_priv.h"
#include "util.h"

/* The length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 :
	    s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0, i;

	if (len == 0 || len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * The width of the character at s (n bytes left); its length in *clen. In a
 * locale without UTF-8, a UTF-8 character counts as one cell, as the
 * terminal draws what stands for it (tui_draw.c).
 */
int
md_char_width(const char *s, size_t n, size_t *clen)
{
	mbstate_t st;
	wchar_t wc;
	size_t r;
	int w;

	if ((unsigned char)*s < 0x80) {
		*clen = 1;
		return 1;
	}
	memset(&st, 0, sizeof(st));
	r = mbrtowc(&wc, s, n, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		r = MB_CUR_MAX == 1 ? utf8_len((const unsigned char *)s, n) : 0;
		*clen = r > 0 ? r : 1;
		return 1;
	}
	*clen = r;
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

/* Return the display width of UTF-8 text. */
int
md_width(const char *s, size_t n)
{
	size_t i = 0, c;
	int w = 0;

	md_count_laid(n);
	while (i < n) {
		w += md_char_width(s + i, n - i, &c);
		i += c;
	}
	return w;
}

/* Start an empty document. */
void
md_doc_init(struct md_doc *d)
{
	memset(d, 0, sizeof(*d));
}

/* Drop the lines and code blocks, keeping the arrays. */
void
md_doc_clear(struct md_doc *d)
{
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		free(d->lines[i].text);
		free(d->lines[i].spans);
	}
	for (i = 0; i < d->ncodes; i++) {
		free(d->codes[i].lang);
		free(d->codes[i].text);
	}
	d->nlines = 0;
	d->ncodes = 0;
}

/* Drop the lines from nlines on and the code blocks from ncodes on. */
void
md_doc_truncate(struct md_doc *d, size_t nlines, size_t ncodes)
{
	size_t i;

	for (i = nlines; i < d->nlines; i++) {
		free(d->lines[i].text);
		free(d->lines[i].spans);
	}
	for (i = ncodes; i < d->ncodes; i++) {
		free(d->codes[i].lang);
		free(d->codes[i].text);
	}
	if (nlines < d->nlines)
		d->nlines = nlines;
	if (ncodes < d->ncodes)
		d->ncodes = ncodes;
}

/* Free everything the document holds. */
void
md_doc_done(struct md_doc *d)
{
	md_doc_clear(d);
	free(d->lines);
	free(d->codes);
	memset(d, 0, sizeof(*d));
}

/* Append bytes in one style to a line being built. */
void
md_lb_add(struct lb *l, const char *s, size_t n, uint8_t slot, uint8_t attrs, int w)
{
	struct md_span *last = l->nspans ? &l->spans[l->nspans - 1] : NULL;

	if (n == 0)
		return;
	if (last != NULL && last->slot == slot && last->attrs == attrs &&
	    last->off + last->len == l->text.len) {
		last->len += (uint32_t)n;
	} else {
		if (l->nspans == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 4;
			l->spans = xreallocarray(l->spans, l->cap, sizeof(*l->spans));
		}
		l->spans[l->nspans++] = (struct md_span){ .off = (uint32_t)l->text.len,
		    .len = (uint32_t)n, .slot = slot, .attrs = attrs };
	}
	buf_add(&l->text, s, n);
	l->width += w;
}

/* Move a finished line into the doc, trailing blanks trimmed, and start afresh. */
void
md_lb_emit(struct md_doc *d, struct lb *l)
{
	struct md_line *ln;
	size_t len = l->text.len, i;

	while (len > 0 && l->text.data[len - 1] == ' ')
		len--;
	if (d->nlines == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->lines = xreallocarray(d->lines, d->cap, sizeof(*d->lines));
	}
	ln = &d->lines[d->nlines++];
	ln->text = xstrndup(len ? l->text.data : "", len);
	ln->len = (uint32_t)len;
	ln->spans = NULL;
	ln->nspans = 0;
	for (i = 0; i < l->nspans; i++) {
		struct md_span sp = l->spans[i];

		if (sp.off >= len)
			break;
		if (sp.off + sp.len > len)
			sp.len = (uint32_t)(len - sp.off);
		if (ln->spans == NULL)
			ln->spans = xreallocarray(NULL, l->nspans, sizeof(*ln->spans));
		ln->spans[ln->nspans++] = sp;
	}
	buf_reset(&l->text);
	l->nspans = 0;
	l->width = 0;
}

/* Free a line being built. */
void
md_lb_done(struct lb *l)
{
	buf_done(&l->text);
	free(l->spans);
}

/* Copy the prefix pieces of src onto a fresh line. */
void
md_lb_copy(struct lb *dst, const struct lb *src)
{
	size_t i;

	for (i = 0; i < src->nspans; i++)
		md_lb_add(dst, src->text.data + src->spans[i].off, src->spans[i].len, src->spans[i].slot,
		    src->spans[i].attrs, 0);
	dst->width = src->width;
}

/* Append block bytes [a, b) to l with their styles. */
static void
add_range(struct lb *l, const struct block *bk, size_t a, size_t b, int w)
{
	size_t i;

	for (i = 0; i < bk->nruns && a < b; i++) {
		const struct run *r = &bk->runs[i];
		size_t end = r->off + r->len, take;

		if (end <= a || r->off >= b)
			continue;
		take = (end < b ? end : b) - a;
		md_lb_add(l, bk->text.data + a, take, r->slot, r->attrs, 0);
		a += take;
	}
	l->width += w;
}

/* Append text to the open block in one style. */
void
md_blk_add(struct block *bk, const char *s, size_t n, uint8_t slot, uint8_t attrs)
{
	struct run *last = bk->nruns ? &bk->runs[bk->nruns - 1] : NULL;

	if (n == 0)
		return;
	if (last != NULL && last->slot == slot && last->attrs == attrs) {
		last->len += (uint32_t)n;
	} else {
		if (bk->nruns == bk->cap) {
			bk->cap = bk->cap ? bk->cap * 2 : 8;
			bk->runs = xreallocarray(bk->runs, bk->cap, sizeof(*bk->runs));
		}
		bk->runs[bk->nruns++] = (struct run){ .off = (uint32_t)bk->text.len, .len = (uint32_t)n,
		    .slot = slot, .attrs = attrs };
	}
	buf_add(&bk->text, s, n);
}

/* Start an empty block. */
void
md_blk_init(struct block *bk)
{
	memset(bk, 0, sizeof(*bk));
	buf_init(&bk->text, 0);
}

/* Free what a block holds. */
void
md_blk_done(struct block *bk)
{
	buf_done(&bk->text);
	free(bk->runs);
}

/* Empty a block, keeping its memory. */
void
md_blk_reset(struct block *bk)
{
	buf_reset(&bk->text);
	bk->nruns = 0;
}

/* Bytes laid out into lines or measured so far (the TUI is one thread). */
static unsigned long long laid_out;

/* Return how many bytes have been laid out into lines or measured so far. */
unsigned long long
md_laid_out(void)
{
	return laid_out;
}

/* Count n more bytes laid out. */
void
md_count_laid(size_t n)
{
	laid_out += n;
}

/* Wrap a block at spaces (or hard at characters for pre) into lines. */
void
md_wrap(struct md_doc *d, const struct block *bk, const struct lb *pf, const struct lb *pc,
    const struct lb *pw, int width, bool pre)
{
	struct lb l = { 0 };
	const char *t = bk->text.data;
	size_t n = bk->text.len, i = 0, j, c;
	bool space = false, content = false;
	int avail, ww, w;

	laid_out += n;
	buf_init(&l.text, 0);
	md_lb_copy(&l, pf);
	while (i < n) {
		avail = width;
		if (t[i] == '\n') {
			md_lb_emit(d, &l);
			md_lb_copy(&l, pc);
			space = content = false;
			i++;
			continue;
		}
		if (t[i] == ' ' && !pre) {
			space = content;
			i++;
			continue;
		}
		j = i;
		if (pre) {
			ww = md_char_width(t + i, n - i, &c);
			j = i + c;
		} else {
			for (ww = 0; j < n && t[j] != ' ' && t[j] != '\n'; j += c)
				ww += md_char_width(t + j, n - j, &c);
		}
		if (l.width + (space ? 1 : 0) + ww <= avail || (ww == 0 && pre)) {
			if (space)
				add_range(&l, bk, i - 1, i, 1);
			add_range(&l, bk, i, j, ww);
			content = true;
			space = false;
			i = j;
			continue;
		}
		if (content && (pre || ww <= width - pc->width)) {
			md_lb_emit(d, &l);
			md_lb_copy(&l, pre && pw != NULL ? pw : pc);
			space = content = false;
			continue;
		}
		/*
		 * A word wider than a whole line: cut it by characters, from this line if
		 * its space and a character of it fit, else from the next: never glued
		 * to the word before it.
		 */
		if (space && l.width + 2 <= avail) {
			add_range(&l, bk, i - 1, i, 1);
		} else if (space) {
			md_lb_emit(d, &l);
			md_lb_copy(&l, pc);
		}
		space = false;
		while (i < j) {
			w = md_char_width(t + i, j - i, &c);
			if (l.width + w > avail && l.width > pc->width) {
				md_lb_emit(d, &l);
				md_lb_copy(&l, pc);
			}
			add_range(&l, bk, i, i + c, w);
			/* Combining marks stay with their base character. */
			while (i + c < j) {
				size_t c2;

				if (md_char_width(t + i + c, j - i - c, &c2) != 0)
					break;
				add_range(&l, bk, i + c, i + c + c2, 0);
				c += c2;
			}
			i += c;
		}
		content = true;
	}
	if (content || n == 0)
		md_lb_emit(d, &l);
	md_lb_done(&l);
}

/* Append block src's text to dst with its styles. */
void
md_blk_append(struct block *dst, const struct block *src)
{
	size_t i;

	for (i = 0; i < src->nruns; i++)
		md_blk_add(dst, src->text.data + src->runs[i].off, src->runs[i].len, src->runs[i].slot,
		    src->runs[i].attrs);
}

/*
 * Append plain text wrapped at spaces, newlines kept, in one style. A line's
 * indentation is kept (tabs to stops of four), up to half the width, and its
 * wrapped rows hang under it: pasted code and nested lists read as written.
 */
void
md_plain(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot slot,
    unsigned attrs)
{
	struct block bk;
	struct lb indent = { 0 };
	const char *p = text, *end = text + len, *nl;

	if (width < 1)
		width = 1;
	md_blk_init(&bk);
	buf_init(&indent.text, 0);
	do {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		buf_reset(&indent.text);
		indent.nspans = 0;
		indent.width = 0;
		for (; p < nl && (*p == ' ' || *p == '\t'); p++) {
			int w = *p == '\t' ? 4 - indent.width % 4 : 1;

			if (indent.width + w > width / 2)
				break;
			md_lb_add(&indent, "    ", (size_t)w, (uint8_t)slot, (uint8_t)attrs, w);
		}
		md_blk_reset(&bk);
		for (; p < nl; p++) {
			/* Tabs as one space: wrapping moves text, so stops would not hold. */
			char c = *p == '\t' ? ' ' : *p;

			md_blk_add(&bk, &c, 1, (uint8_t)slot, (uint8_t)attrs);
		}
		md_wrap(d, &bk, &indent, &indent, NULL, width, false);
		p = nl + 1;
	} while (nl < end && p < end);
	md_blk_done(&bk);
	md_lb_done(&indent);
}

/* Whether the row l, which started prefix columns wide, holds more than that. */
static bool
hang_content(const struct lb *l, int prefix)
{
	return l->width > prefix;
}

/*
 * Lay out one line of a command (tabs already spaces) in rows of width columns,
 * those after the first starting with rest: broken at spaces, a word wider than a
 * row alone cut by characters. The space a row breaks at ends it; more spaces
 * than that go on the next row, so that none is lost.
 */
static void
hang_line(struct md_doc *d, const char *s, size_t n, int width, const struct lb *rest,
    uint8_t slot, uint8_t attrs)
{
	struct lb l = { 0 };
	size_t i = 0, j, c;
	int w, prefix = 0;

	md_count_laid(n);
	buf_init(&l.text, 0);
	while (i < n) {
		if (s[i] == ' ') {
			if (l.width + 1 > width && strspn(s + i, " ") >= n - i)
				break;   /* blanks that end the line: trimmed, they start no row */
			if (l.width + 1 > width) {
				md_lb_emit(d, &l);
				md_lb_copy(&l, rest);
				prefix = rest->width;
			} else {
				md_lb_add(&l, " ", 1, slot, attrs, 1);
			}
			i++;
			continue;
		}
		for (j = i, w = 0; j < n && s[j] != ' '; j += c)
			w += md_char_width(s + j, n - j, &c);
		if (l.width + w <= width) {
			md_lb_add(&l, s + i, j - i, slot, attrs, w);
			i = j;
			continue;
		}
		if (hang_content(&l, prefix) && w <= width - rest->width) {
			md_lb_emit(d, &l);
			md_lb_copy(&l, rest);
			prefix = rest->width;
			continue;
		}
		/* a word wider than a row: cut, combining marks kept with their base */
		while (i < j) {
			w = md_char_width(s + i, j - i, &c);
			if (w > 0 && l.width + w > width && hang_content(&l, prefix)) {
				md_lb_emit(d, &l);
				md_lb_copy(&l, rest);
				prefix = rest->width;
			}
			md_lb_add(&l, s + i, c, slot, attrs, w);
			i += c;
		}
	}
	if (prefix == 0 || hang_content(&l, prefix))
		md_lb_emit(d, &l);
	md_lb_done(&l);
}

/*
 * Append text as it is, each line with its spaces (tabs to stops of four from
 * the line's start), in one style: what a command or a script must show
 * exactly. A line wider than width breaks at spaces (a word wider than a row
 * by characters) and goes on below, hang columns in, mark (when given and
 * the hang has room) in the last columns of those, so that what continues a
 * line stands out from what starts one.
 */
void
md_hang(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot slot,
    unsigned attrs, int hang, const char *mark)
{
	struct buf line;
	struct lb rest = { 0 };
	const char *p = text, *end = text + len, *nl;
	int col, mw = mark != NULL ? md_width(mark, strlen(mark)) : 0;

	if (width < 1)
		width = 1;
	if (hang > width / 2)
		hang = width / 2;
	buf_init(&line, 0);
	buf_init(&rest.text, 0);
	if (mw > 0 && hang >= mw + 1) {
		while (rest.width < hang - mw - 1)
			md_lb_add(&rest, " ", 1, (uint8_t)slot, (uint8_t)attrs, 1);
		md_lb_add(&rest, mark, strlen(mark), (uint8_t)slot, (uint8_t)attrs, mw);
	}
	while (rest.width < hang)
		md_lb_add(&rest, " ", 1, (uint8_t)slot, (uint8_t)attrs, 1);
	do {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		buf_reset(&line);
		for (col = 0; p < nl; p++) {
			if (*p == '\t') {
				buf_add(&line, "    ", (size_t)(4 - col % 4));
				col += 4 - col % 4;
			} else {
				buf_addc(&line, *p);
				col += ((unsigned char)*p & 0xc0) != 0x80;
			}
		}
		hang_line(d, line.data ? line.data : "", line.len, width, &rest, (uint8_t)slot,
		    (uint8_t)attrs);
		p = nl + 1;
	} while (nl < end);
	buf_done(&line);
	md_lb_done(&rest);
}
