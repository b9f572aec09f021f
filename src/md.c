/* md: render Markdown through md4c's callbacks into styled lines wrapped on display width. */
#include "md.h"

#include <md4c.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "util.h"

#define MD_DEPTH 32
#define REPLACEMENT "\xef\xbf\xbd"

/* A style change inside a block's text. */
struct run {
	uint32_t off, len;
	uint8_t slot, attrs;
};

/* Text waiting to be wrapped, with its styles. */
struct block {
	struct buf text;
	struct run *runs;
	size_t nruns, cap;
};

enum ctr_kind { CTR_QUOTE, CTR_LIST, CTR_ITEM };

/* A table row: its cells' text, kept until the whole table is known so columns line up. */
struct trow {
	struct block *cells;
	size_t n;
};

/* A container the current text sits in; it decides the line prefixes. */
struct ctr {
	enum ctr_kind kind;
	bool ordered, used;
	unsigned next;
	char marker[16];
};

/* A line being built. */
struct lb {
	struct buf text;
	struct md_span *spans;
	size_t nspans, cap;
	int width;
};

struct render {
	struct md_doc *d;
	int width;
	enum theme_slot base;
	int code_no;
	size_t first_line;
	struct ctr stack[MD_DEPTH];
	int depth, skipped;
	int em, strong, del, under, code_span, link, heading;
	bool in_code, blank;
	char *code_lang;
	struct buf raw;      /* the code block as written, for saving */
	size_t link_start;
	char *href;
	struct trow *rows;
	size_t nrows;
	bool in_table;
	struct block blk;
};

/* The width of the character at s (n bytes left); its length in *clen. */
static int
char_width(const char *s, size_t n, size_t *clen)
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
		*clen = 1;
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

	while (i < n) {
		w += char_width(s + i, n - i, &c);
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
static void
lb_add(struct lb *l, const char *s, size_t n, uint8_t slot, uint8_t attrs, int w)
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
static void
lb_emit(struct md_doc *d, struct lb *l)
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

static void
lb_done(struct lb *l)
{
	buf_done(&l->text);
	free(l->spans);
}

/* Copy the prefix pieces of src onto a fresh line. */
static void
lb_copy(struct lb *dst, const struct lb *src)
{
	size_t i;

	for (i = 0; i < src->nspans; i++)
		lb_add(dst, src->text.data + src->spans[i].off, src->spans[i].len, src->spans[i].slot,
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
		lb_add(l, bk->text.data + a, take, r->slot, r->attrs, 0);
		a += take;
	}
	l->width += w;
}

/* Append text to the open block in one style. */
static void
blk_add(struct block *bk, const char *s, size_t n, uint8_t slot, uint8_t attrs)
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

static void
blk_reset(struct block *bk)
{
	buf_reset(&bk->text);
	bk->nruns = 0;
}

/*
 * Build the first-line and continuation prefixes from the containers. Deep
 * nesting on a narrow screen keeps four columns (a code block's bar and two
 * for the text): containers past that are not drawn, so no line is ever
 * wider than the screen.
 */
static void
make_prefixes(struct render *r, struct lb *first, struct lb *cont, bool use_markers)
{
	static const char spaces[] = "                ";
	int i;

	for (i = 0; i < r->depth; i++) {
		struct ctr *c = &r->stack[i];
		int mw = c->kind == CTR_QUOTE ? 2 :
		    c->kind == CTR_ITEM ? md_width(c->marker, strlen(c->marker)) : 0;

		if (mw > 0 && cont->width + mw > r->width - 4)
			break;
		if (c->kind == CTR_QUOTE) {
			lb_add(first, "\xe2\x94\x82 ", 4, THEME_QUOTE, 0, 2);
			lb_add(cont, "\xe2\x94\x82 ", 4, THEME_QUOTE, 0, 2);
			continue;
		}
		if (c->kind != CTR_ITEM)
			continue;
		if (use_markers && !c->used) {
			lb_add(first, c->marker, strlen(c->marker), (uint8_t)r->base, 0, mw);
			c->used = true;
		} else {
			lb_add(first, spaces, (size_t)mw, (uint8_t)r->base, 0, mw);
		}
		lb_add(cont, spaces, (size_t)mw, (uint8_t)r->base, 0, mw);
	}
}

/* Emit the blank line owed between blocks, if anything came before. */
static void
pay_blank(struct render *r)
{
	struct lb first = { 0 }, cont = { 0 };

	if (r->blank && r->d->nlines > r->first_line) {
		buf_init(&first.text, 0);
		buf_init(&cont.text, 0);
		make_prefixes(r, &first, &cont, false);
		lb_emit(r->d, &cont);
		lb_done(&first);
		lb_done(&cont);
	}
	r->blank = false;
}

/* Wrap a block at spaces (or hard at characters for pre) into lines. */
static void
wrap(struct md_doc *d, const struct block *bk, const struct lb *pf, const struct lb *pc, int width,
    bool pre)
{
	struct lb l = { 0 };
	const char *t = bk->text.data;
	size_t n = bk->text.len, i = 0, j, c;
	bool space = false, content = false;
	int avail, ww, w;

	buf_init(&l.text, 0);
	lb_copy(&l, pf);
	while (i < n) {
		avail = width;
		if (t[i] == '\n') {
			lb_emit(d, &l);
			lb_copy(&l, pc);
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
			ww = char_width(t + i, n - i, &c);
			j = i + c;
		} else {
			for (ww = 0; j < n && t[j] != ' ' && t[j] != '\n'; j += c)
				ww += char_width(t + j, n - j, &c);
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
			lb_emit(d, &l);
			lb_copy(&l, pc);
			space = content = false;
			continue;
		}
		/* A word wider than a whole line: cut it by characters. */
		if (space && l.width + 2 <= avail)
			add_range(&l, bk, i - 1, i, 1);
		space = false;
		while (i < j) {
			w = char_width(t + i, j - i, &c);
			if (l.width + w > avail && l.width > pc->width) {
				lb_emit(d, &l);
				lb_copy(&l, pc);
			}
			add_range(&l, bk, i, i + c, w);
			/* Combining marks stay with their base character. */
			while (i + c < j) {
				size_t c2;

				if (char_width(t + i + c, j - i - c, &c2) != 0)
					break;
				add_range(&l, bk, i + c, i + c + c2, 0);
				c += c2;
			}
			i += c;
		}
		content = true;
	}
	if (content || n == 0)
		lb_emit(d, &l);
	lb_done(&l);
}

/* The style text gets now. */
static void
cur_style(const struct render *r, uint8_t *slot, uint8_t *attrs)
{
	enum theme_slot s = r->base;
	unsigned a = 0;
	int i;

	for (i = 0; i < r->depth; i++)
		if (r->stack[i].kind == CTR_QUOTE)
			s = THEME_QUOTE;
	if (r->heading)
		s = THEME_HEADING;
	if (r->link)
		s = THEME_LINK;
	if (r->code_span || r->in_code)
		s = THEME_CODE;
	if (r->em)
		a |= THEME_ITALIC;
	if (r->strong || r->heading == 1 || r->heading == 2)
		a |= THEME_BOLD;
	if (r->under)
		a |= THEME_UNDERLINE;
	if (r->del)
		a |= THEME_DIM_ATTR;
	*slot = (uint8_t)s;
	*attrs = (uint8_t)a;
}

/* Add text to the open block in the current style. */
static void
put(struct render *r, const char *s, size_t n)
{
	uint8_t slot, attrs;

	cur_style(r, &slot, &attrs);
	blk_add(&r->blk, s, n, slot, attrs);
}

/* Wrap the pending paragraph-like text into lines. */
static void
flush(struct render *r)
{
	struct lb first = { 0 }, cont = { 0 };

	if (r->blk.text.len == 0)
		return;
	pay_blank(r);
	buf_init(&first.text, 0);
	buf_init(&cont.text, 0);
	make_prefixes(r, &first, &cont, true);
	wrap(r->d, &r->blk, &first, &cont, r->width, false);
	lb_done(&first);
	lb_done(&cont);
	blk_reset(&r->blk);
}

/* Emit one line of a frame piece ("┌ [1] c", "└") with the container prefixes. */
static void
frame_line(struct render *r, const char *s, bool markers)
{
	struct lb first = { 0 }, cont = { 0 };

	buf_init(&first.text, 0);
	buf_init(&cont.text, 0);
	size_t n = 0, clen;
	int w = 0, cw;

	make_prefixes(r, &first, &cont, markers);
	/* the frame's label is cut, whole characters only, to what the screen has left */
	while (s[n] != '\0') {
		cw = char_width(s + n, strlen(s + n), &clen);
		if (first.width + w + cw > r->width)
			break;
		w += cw;
		n += clen;
	}
	lb_add(&first, s, n, THEME_DIM, 0, w);
	lb_emit(r->d, &first);
	lb_done(&first);
	lb_done(&cont);
}

/* Record the code block and emit it set apart: a numbered header, a bar, a foot. */
static void
flush_code(struct render *r)
{
	struct md_doc *d = r->d;
	struct lb first = { 0 }, cont = { 0 };
	struct md_code *mc;
	char *head;
	size_t n = r->blk.text.len;

	if (d->ncodes == d->codecap) {
		d->codecap = d->codecap ? d->codecap * 2 : 4;
		d->codes = xreallocarray(d->codes, d->codecap, sizeof(*d->codes));
	}
	mc = &d->codes[d->ncodes++];
	mc->number = r->code_no;
	mc->lang = xstrdup(r->code_lang ? r->code_lang : "");
	mc->text = buf_detach(&r->raw);
	pay_blank(r);
	head = xstrfmt("\xe2\x94\x8c [%d]%s%s", r->code_no, *mc->lang ? " " : "", mc->lang);
	frame_line(r, head, true);
	free(head);
	buf_init(&first.text, 0);
	buf_init(&cont.text, 0);
	make_prefixes(r, &first, &cont, false);
	lb_add(&cont, "\xe2\x94\x82 ", 4, THEME_DIM, 0, 2);
	if (n > 0 && r->blk.text.data[n - 1] == '\n')
		r->blk.text.len--;
	wrap(d, &r->blk, &cont, &cont, r->width, true);
	r->blk.text.len = 0;
	lb_done(&first);
	lb_done(&cont);
	frame_line(r, "\xe2\x94\x94", false);
	blk_reset(&r->blk);
	r->code_no++;
}

/* Enter a container, or count it as too deep. */
static struct ctr *
push(struct render *r, enum ctr_kind k)
{
	if (r->depth == MD_DEPTH) {
		r->skipped++;
		return NULL;
	}
	memset(&r->stack[r->depth], 0, sizeof(r->stack[0]));
	r->stack[r->depth].kind = k;
	return &r->stack[r->depth++];
}

static void
pop(struct render *r)
{
	if (r->skipped > 0)
		r->skipped--;
	else if (r->depth > 0)
		r->depth--;
}

/* Whether any list is still open. */
static bool
in_list(const struct render *r)
{
	int i;

	for (i = 0; i < r->depth; i++)
		if (r->stack[i].kind == CTR_LIST)
			return true;
	return false;
}

/* Start a list item: its marker is a bullet by depth or the next number. */
static void
enter_item(struct render *r)
{
	static const char *const bullets[] = { "\xe2\x80\xa2 ", "\xe2\x97\xa6 ", "\xe2\x96\xaa " };
	struct ctr *list = NULL, *it;
	int i, lists = 0;

	for (i = r->depth - 1; i >= 0; i--) {
		if (r->stack[i].kind == CTR_LIST) {
			if (list == NULL)
				list = &r->stack[i];
			lists++;
		}
	}
	if ((it = push(r, CTR_ITEM)) == NULL)
		return;
	if (list != NULL && list->ordered)
		snprintf(it->marker, sizeof(it->marker), "%u. ", list->next++);
	else
		str_copy(it->marker, sizeof(it->marker), bullets[(lists > 0 ? lists - 1 : 0) % 3]);
}

/* Append block src's text to dst with its styles. */
static void
blk_append(struct block *dst, const struct block *src)
{
	size_t i;

	for (i = 0; i < src->nruns; i++)
		blk_add(dst, src->text.data + src->runs[i].off, src->runs[i].len, src->runs[i].slot,
		    src->runs[i].attrs);
}

/* Move the text gathered for a cell into the current row. */
static void
cell_end(struct render *r)
{
	struct trow *row;

	if (r->nrows == 0)
		return;
	row = &r->rows[r->nrows - 1];
	row->cells = xreallocarray(row->cells, row->n + 1, sizeof(*row->cells));
	row->cells[row->n++] = r->blk;
	memset(&r->blk, 0, sizeof(r->blk));
	buf_init(&r->blk.text, 0);
}

/* Emit one line of a table: cells padded to their column's width. */
static void
table_row(struct render *r, const struct trow *row, const int *widths, size_t ncols)
{
	static const char spaces[] = "                                ";
	struct lb first = { 0 }, cont = { 0 };
	struct block line;
	size_t c;
	int pad;

	memset(&line, 0, sizeof(line));
	buf_init(&line.text, 0);
	for (c = 0; c < ncols; c++) {
		pad = widths[c];
		if (c < row->n) {
			blk_append(&line, &row->cells[c]);
			pad -= md_width(row->cells[c].text.data ? row->cells[c].text.data : "",
			    row->cells[c].text.len);
		}
		for (; pad > 0; pad -= (int)sizeof(spaces) - 1)
			blk_add(&line, spaces, (size_t)(pad < (int)sizeof(spaces) - 1 ? pad :
			    (int)sizeof(spaces) - 1), (uint8_t)r->base, 0);
		if (c + 1 < ncols)
			blk_add(&line, " \xe2\x94\x82 ", 5, THEME_DIM, 0);
	}
	buf_init(&first.text, 0);
	buf_init(&cont.text, 0);
	make_prefixes(r, &first, &cont, true);
	wrap(r->d, &line, &first, &cont, r->width, true);
	lb_done(&first);
	lb_done(&cont);
	buf_done(&line.text);
	free(line.runs);
}

/* Emit the gathered table with its columns lined up and a rule under the header. */
static void
table_end(struct render *r)
{
	struct block rule;
	size_t i, c, ncols = 0;
	int *widths, w;

	for (i = 0; i < r->nrows; i++)
		ncols = r->rows[i].n > ncols ? r->rows[i].n : ncols;
	widths = xcalloc(ncols ? ncols : 1, sizeof(*widths));
	for (i = 0; i < r->nrows; i++) {
		for (c = 0; c < r->rows[i].n; c++) {
			w = md_width(r->rows[i].cells[c].text.data ? r->rows[i].cells[c].text.data : "",
			    r->rows[i].cells[c].text.len);
			widths[c] = w > widths[c] ? w : widths[c];
		}
	}
	pay_blank(r);
	for (i = 0; i < r->nrows; i++) {
		table_row(r, &r->rows[i], widths, ncols);
		if (i == 0 && r->nrows > 1) {
			struct lb first = { 0 }, cont = { 0 };

			memset(&rule, 0, sizeof(rule));
			buf_init(&rule.text, 0);
			for (c = 0; c < ncols; c++) {
				for (w = 0; w < widths[c] + (c > 0) + (c + 1 < ncols); w++)
					blk_add(&rule, "\xe2\x94\x80", 3, THEME_DIM, 0);
				if (c + 1 < ncols)
					blk_add(&rule, "\xe2\x94\xbc", 3, THEME_DIM, 0);
			}
			buf_init(&first.text, 0);
			buf_init(&cont.text, 0);
			make_prefixes(r, &first, &cont, false);
			wrap(r->d, &rule, &first, &cont, r->width, true);
			lb_done(&first);
			lb_done(&cont);
			buf_done(&rule.text);
			free(rule.runs);
		}
	}
	for (i = 0; i < r->nrows; i++) {
		for (c = 0; c < r->rows[i].n; c++) {
			buf_done(&r->rows[i].cells[c].text);
			free(r->rows[i].cells[c].runs);
		}
		free(r->rows[i].cells);
	}
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
	free(widths);
}

static int
on_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct render *r = arg;
	struct ctr *c;

	switch (type) {
	case MD_BLOCK_QUOTE:
		flush(r);
		pay_blank(r);
		push(r, CTR_QUOTE);
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		flush(r);
		if ((c = push(r, CTR_LIST)) != NULL && type == MD_BLOCK_OL) {
			c->ordered = true;
			c->next = ((MD_BLOCK_OL_DETAIL *)detail)->start;
		}
		break;
	case MD_BLOCK_LI:
		flush(r);
		enter_item(r);
		if (((MD_BLOCK_LI_DETAIL *)detail)->is_task)
			put(r, ((MD_BLOCK_LI_DETAIL *)detail)->task_mark == ' ' ? "[ ] " : "[x] ", 4);
		break;
	case MD_BLOCK_H:
		flush(r);
		r->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE: {
		MD_BLOCK_CODE_DETAIL *cd = detail;

		flush(r);
		r->in_code = true;
		free(r->code_lang);
		r->code_lang = xstrndup(cd->lang.text ? cd->lang.text : "", cd->lang.size);
		break;
	}
	case MD_BLOCK_HR:
		flush(r);
		pay_blank(r);
		frame_line(r, "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
		    "\xe2\x94\x80\xe2\x94\x80", true);
		r->blank = true;
		break;
	case MD_BLOCK_TABLE:
		flush(r);
		r->in_table = true;
		break;
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
		break;
	case MD_BLOCK_TR:
		r->rows = xreallocarray(r->rows, r->nrows + 1, sizeof(*r->rows));
		r->rows[r->nrows++] = (struct trow){ 0 };
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		blk_reset(&r->blk);
		if (type == MD_BLOCK_TH)
			r->strong++;
		break;
	default:
		flush(r);
		break;
	}
	return 0;
}

static int
on_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct render *r = arg;

	(void)detail;
	switch (type) {
	case MD_BLOCK_QUOTE:
		flush(r);
		pop(r);
		r->blank = true;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		flush(r);
		pop(r);
		if (!in_list(r))
			r->blank = true;
		break;
	case MD_BLOCK_LI:
		flush(r);
		pop(r);
		break;
	case MD_BLOCK_H:
		flush(r);
		r->heading = 0;
		r->blank = true;
		break;
	case MD_BLOCK_CODE:
		flush_code(r);
		r->in_code = false;
		r->blank = true;
		break;
	case MD_BLOCK_TH:
		r->strong--;
		cell_end(r);
		break;
	case MD_BLOCK_TD:
		cell_end(r);
		break;
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
	case MD_BLOCK_TR:
		break;
	case MD_BLOCK_TABLE:
		table_end(r);
		r->in_table = false;
		r->blank = true;
		break;
	case MD_BLOCK_HR:
		break;
	default:
		flush(r);
		r->blank = true;
		break;
	}
	return 0;
}

static int
on_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct render *r = arg;

	switch (type) {
	case MD_SPAN_EM:
		r->em++;
		break;
	case MD_SPAN_STRONG:
		r->strong++;
		break;
	case MD_SPAN_CODE:
		r->code_span++;
		break;
	case MD_SPAN_DEL:
		r->del++;
		break;
	case MD_SPAN_U:
		r->under++;
		break;
	case MD_SPAN_A: {
		MD_SPAN_A_DETAIL *a = detail;

		r->link++;
		free(r->href);
		r->href = xstrndup(a->href.text ? a->href.text : "", a->href.size);
		r->link_start = r->blk.text.len;
		break;
	}
	case MD_SPAN_IMG:
		r->link++;
		put(r, "[image: ", 8);
		break;
	default:
		break;
	}
	return 0;
}

static int
on_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct render *r = arg;
	size_t n;

	(void)detail;
	switch (type) {
	case MD_SPAN_EM:
		r->em--;
		break;
	case MD_SPAN_STRONG:
		r->strong--;
		break;
	case MD_SPAN_CODE:
		r->code_span--;
		break;
	case MD_SPAN_DEL:
		r->del--;
		break;
	case MD_SPAN_U:
		r->under--;
		break;
	case MD_SPAN_A:
		r->link--;
		/* Show where a link goes unless its text already says it. */
		n = r->blk.text.len - r->link_start;
		if (r->href != NULL && *r->href != '\0' && !(strlen(r->href) == n &&
		    memcmp(r->href, r->blk.text.data + r->link_start, n) == 0) &&
		    !(str_startswith(r->href, "mailto:") && strlen(r->href) - 7 == n)) {
			blk_add(&r->blk, " (", 2, THEME_DIM, 0);
			blk_add(&r->blk, r->href, strlen(r->href), THEME_DIM, 0);
			blk_add(&r->blk, ")", 1, THEME_DIM, 0);
		}
		break;
	case MD_SPAN_IMG:
		r->link--;
		put(r, "]", 1);
		break;
	default:
		break;
	}
	return 0;
}

/* Decode the entities people write; others stay as written. */
static void
put_entity(struct render *r, const char *s, size_t n)
{
	static const struct {
		const char *name, *text;
	} ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&nbsp;", " " }, { "&copy;", "\xc2\xa9" },
		{ "&mdash;", "\xe2\x80\x94" }, { "&ndash;", "\xe2\x80\x93" },
		{ "&hellip;", "\xe2\x80\xa6" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ents); i++) {
		if (strlen(ents[i].name) == n && memcmp(ents[i].name, s, n) == 0) {
			put(r, ents[i].text, strlen(ents[i].text));
			return;
		}
	}
	put(r, s, n);
}

/* Add code text, tabs expanded to stops of four from the line start. */
static void
put_code(struct render *r, const char *s, size_t n)
{
	size_t i, col = 0, start;
	const char *t = buf_str(&r->blk.text); /* never NULL, even before the first byte */

	for (start = r->blk.text.len; start > 0 && t[start - 1] != '\n'; start--)
		;
	col = (size_t)md_width(t + start, r->blk.text.len - start);
	for (i = 0; i < n; i++) {
		if (s[i] == '\t') {
			put(r, "    ", 4 - col % 4);
			col += 4 - col % 4;
		} else {
			put(r, s + i, 1);
			col = s[i] == '\n' ? 0 : col + 1;
		}
	}
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct render *r = arg;

	switch (type) {
	case MD_TEXT_SOFTBR:
		put(r, " ", 1);
		break;
	case MD_TEXT_BR:
		put(r, "\n", 1);
		break;
	case MD_TEXT_NULLCHAR:
		put(r, REPLACEMENT, 3);
		break;
	case MD_TEXT_ENTITY:
		put_entity(r, s, n);
		break;
	case MD_TEXT_CODE:
		if (r->in_code) {
			buf_add(&r->raw, s, n);
			put_code(r, s, n);
		}
		else
			put(r, s, n);
		break;
	default:
		put(r, s, n);
		break;
	}
	return 0;
}

#define MD_FLAGS (MD_FLAG_COLLAPSEWHITESPACE | MD_FLAG_NOHTML | MD_FLAG_TABLES | \
	MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS)

/* Render Markdown into wrapped, styled lines appended to d. */
void
md_render(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot base,
    int first_code)
{
	MD_PARSER p = {
		.flags = MD_FLAGS,
		.enter_block = on_enter_block,
		.leave_block = on_leave_block,
		.enter_span = on_enter_span,
		.leave_span = on_leave_span,
		.text = on_text,
	};
	struct render r;

	memset(&r, 0, sizeof(r));
	r.d = d;
	r.width = width < 8 ? 8 : width;
	r.base = base;
	r.code_no = first_code;
	r.first_line = d->nlines;
	buf_init(&r.blk.text, 0);
	buf_init(&r.raw, 0);
	md_parse(text, (MD_SIZE)len, &p, &r);
	/* Whatever a cut-short stream left open. */
	if (r.in_code)
		flush_code(&r);
	else if (r.in_table)
		table_end(&r);
	flush(&r);
	buf_done(&r.blk.text);
	buf_done(&r.raw);
	free(r.blk.runs);
	free(r.code_lang);
	free(r.href);
}

/* Append plain text wrapped at spaces, newlines kept, in one style. */
void
md_plain(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot slot,
    unsigned attrs)
{
	struct block bk;
	struct lb empty = { 0 };
	size_t i;

	memset(&bk, 0, sizeof(bk));
	buf_init(&bk.text, 0);
	buf_init(&empty.text, 0);
	for (i = 0; i < len; i++) {
		/* Tabs as one space: wrapping moves text, so stops would not hold. */
		char c = text[i] == '\t' ? ' ' : text[i];

		blk_add(&bk, &c, 1, (uint8_t)slot, (uint8_t)attrs);
	}
	wrap(d, &bk, &empty, &empty, width < 1 ? 1 : width, false);
	buf_done(&bk.text);
	buf_done(&empty.text);
	free(bk.runs);
}

static int
count_enter(MD_BLOCKTYPE type, void *detail, void *arg)
{
	(void)detail;
	if (type == MD_BLOCK_CODE)
		(*(int *)arg)++;
	return 0;
}

static int
count_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	(void)type;
	(void)detail;
	(void)arg;
	return 0;
}

static int
count_span(MD_SPANTYPE type, void *detail, void *arg)
{
	(void)type;
	(void)detail;
	(void)arg;
	return 0;
}

static int
count_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	(void)type;
	(void)s;
	(void)n;
	(void)arg;
	return 0;
}

/* Count the code blocks in Markdown text. */
int
md_count_code(const char *text, size_t len)
{
	MD_PARSER p = {
		.flags = MD_FLAGS,
		.enter_block = count_enter,
		.leave_block = count_block,
		.enter_span = count_span,
		.leave_span = count_span,
		.text = count_text,
	};
	int n = 0;

	md_parse(text, (MD_SIZE)len, &p, &n);
	return n;
}
