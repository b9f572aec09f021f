/* md: render Markdown through md4c's callbacks into styled lines wrapped on display width. */
#include "md.h"

#include <md4c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "md_priv.h"
#include "util.h"

#define MD_DEPTH 32
#define MD_TABLE_MIN_COL 4   /* the narrowest a table's column is made to fit the screen */
#define REPLACEMENT "\xef\xbf\xbd"

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
	const char *src;     /* the Markdown being parsed */
	size_t srclen;
	size_t indent;       /* columns of a code line's indentation not placed yet */
	size_t col, col_at;  /* the code line's columns before byte col_at of the block */
	size_t link_start;
	char *href;
	struct trow *rows;
	size_t nrows;
	bool in_table;
	struct block blk;
	bool count_only;     /* only count the code blocks, in code_no: nothing is drawn */
	bool ticks;          /* MD_CODE_TICKS */
	bool after;          /* MD_AFTER: lines came before this text's */
};

/* The line prefixes of a block: first for its first line, cont for the others. */
struct prefixes {
	struct lb first, cont;
};

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
			md_lb_add(first, "\xe2\x94\x82 ", 4, THEME_QUOTE, 0, 2);
			md_lb_add(cont, "\xe2\x94\x82 ", 4, THEME_QUOTE, 0, 2);
			continue;
		}
		if (c->kind != CTR_ITEM)
			continue;
		if (use_markers && !c->used) {
			md_lb_add(first, c->marker, strlen(c->marker), (uint8_t)r->base, 0, mw);
			c->used = true;
		} else {
			md_lb_add(first, spaces, (size_t)mw, (uint8_t)r->base, 0, mw);
		}
		md_lb_add(cont, spaces, (size_t)mw, (uint8_t)r->base, 0, mw);
	}
}

/* Build the prefixes of the current containers; list markers only where use_markers. */
static void
prefixes_init(struct render *r, struct prefixes *p, bool use_markers)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->first.text, 0);
	buf_init(&p->cont.text, 0);
	make_prefixes(r, &p->first, &p->cont, use_markers);
}

static void
prefixes_done(struct prefixes *p)
{
	md_lb_done(&p->first);
	md_lb_done(&p->cont);
}

/* Wrap a block into lines under the current containers' prefixes (hard at characters for pre). */
static void
wrap_block(struct render *r, const struct block *bk, bool use_markers, bool pre)
{
	struct prefixes p;

	prefixes_init(r, &p, use_markers);
	md_wrap(r->d, bk, &p.first, &p.cont, NULL, r->width, pre);
	prefixes_done(&p);
}

/* Emit the blank line owed between blocks, if anything came before. */
static void
pay_blank(struct render *r)
{
	struct prefixes p;

	if (r->blank && (r->after || r->d->nlines > r->first_line)) {
		prefixes_init(r, &p, false);
		md_lb_emit(r->d, &p.cont);
		prefixes_done(&p);
	}
	r->blank = false;
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
	md_blk_add(&r->blk, s, n, slot, attrs);
}

/*
 * Add text with each tab a space, and in prose (collapse) each run of blanks
 * one space. md4c's own collapsing (MD_FLAG_COLLAPSEWHITESPACE, 0.4.8) drops
 * a run that starts with a tab, which joined the words the tab parted.
 */
static void
put_text(struct render *r, const char *s, size_t n, bool collapse)
{
	size_t i = 0, start;

	while (i < n) {
		for (start = i; i < n && s[i] != '\t' && (!collapse || s[i] != ' '); i++)
			;
		if (i > start)
			put(r, s + start, i - start);
		if (i == n)
			break;
		put(r, " ", 1);
		i++;
		while (collapse && i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
	}
}

/* Wrap the pending paragraph-like text into lines. */
static void
flush(struct render *r)
{
	if (r->blk.text.len == 0)
		return;
	pay_blank(r);
	wrap_block(r, &r->blk, true, false);
	md_blk_reset(&r->blk);
}

/* Emit one line of a frame piece ("┌ [1] c", "└") with the container prefixes. */
static void
frame_line(struct render *r, const char *s, bool markers)
{
	struct prefixes p;
	size_t n = 0, clen;
	int w = 0, cw;

	prefixes_init(r, &p, markers);
	/* the frame's label is cut, whole characters only, to what the screen has left */
	while (s[n] != '\0') {
		cw = md_char_width(s + n, strlen(s + n), &clen);
		if (p.first.width + w + cw > r->width)
			break;
		w += cw;
		n += clen;
	}
	md_lb_add(&p.first, s, n, THEME_DIM, 0, w);
	md_lb_emit(r->d, &p.first);
	prefixes_done(&p);
}

/* Record the code block and emit it set apart (a numbered header, a bar, a foot), closing it. */
static void
flush_code(struct render *r)
{
	struct md_doc *d = r->d;
	struct prefixes p;
	struct lb wrap = { 0 };
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
	prefixes_init(r, &p, false);
	/* a row that goes on a line cut at the width says so: a dotted bar, not the solid one */
	buf_init(&wrap.text, 0);
	md_lb_copy(&wrap, &p.cont);
	md_lb_add(&wrap, MD_CODE_WRAP_BAR, 4, THEME_DIM, 0, 2);
	md_lb_add(&p.cont, "\xe2\x94\x82 ", 4, THEME_DIM, 0, 2);
	if (n > 0 && r->blk.text.data[n - 1] == '\n')
		r->blk.text.len--;
	md_wrap(d, &r->blk, &p.cont, &p.cont, &wrap, r->width, true);
	r->blk.text.len = 0;
	prefixes_done(&p);
	md_lb_done(&wrap);
	frame_line(r, "\xe2\x94\x94", false);
	md_blk_reset(&r->blk);
	r->code_no++;
	r->in_code = false;
	r->indent = 0;
	r->blank = true;
}

/* The bytes of a UTF-8 character cut short at the end of s[0..n): 0 if none. */
static size_t
cut_short(const char *s, size_t n)
{
	size_t i, need;
	unsigned char b;

	for (i = 1; i <= 3 && i <= n; i++) {
		b = (unsigned char)s[n - i];
		if ((b & 0xc0) == 0x80)
			continue;
		need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		return need > i ? i : 0;
	}
	return 0;
}

/*
 * Append the rows of a code line from column *col, as flush_code wraps it with
 * no container around: tabs to stops of four from the line's start, hard at
 * characters. A row is final once a character that is whole starts the next,
 * and not within a tab's spaces; so without last, a character cut short at the
 * end is left for later and only the rows before the last such start are kept.
 */
size_t
md_code_rows(struct md_doc *d, const char *s, size_t n, int width, int *col, bool last)
{
	struct render r;
	struct lb bar = { 0 }, wbar = { 0 }, l = { 0 };
	size_t i = 0, c = 1, kept = 0, kept_lines = d->nlines, end = last ? n : n - cut_short(s, n);
	int w, at = *col, kept_col = *col, spaces = 0;
	bool content = false;

	width = width < 8 ? 8 : width;
	md_count_laid(end);
	buf_init(&bar.text, 0);
	buf_init(&l.text, 0);
	buf_init(&wbar.text, 0);
	md_lb_add(&bar, "\xe2\x94\x82 ", 4, THEME_DIM, 0, 2);
	md_lb_add(&wbar, MD_CODE_WRAP_BAR, 4, THEME_DIM, 0, 2);
	/* rows laid out again from past a line's start go on that line */
	md_lb_copy(&l, at > 0 ? &wbar : &bar);
	while (i < end || spaces > 0) {
		if (spaces == 0 && s[i] == '\t') {
			spaces = 4 - at % 4;
			i++;
			continue;
		}
		w = spaces > 0 ? 1 : md_char_width(s + i, end - i, &c);
		if (w != 0 && l.width + w > width && content) {
			md_lb_emit(d, &l);
			md_lb_copy(&l, &wbar);
			content = false;
			if (spaces == 0) {
				kept = i;
				kept_col = at;
				kept_lines = d->nlines;
			}
			continue;
		}
		md_lb_add(&l, spaces > 0 ? " " : s + i, spaces > 0 ? 1 : c, THEME_CODE, 0, w);
		content = true;
		at += w;
		if (spaces > 0)
			spaces--;
		else
			i += c;
	}
	if (last) {
		if (content || n == 0)
			md_lb_emit(d, &l);
		memset(&r, 0, sizeof(r));
		r.d = d;
		r.width = width;
		frame_line(&r, "\xe2\x94\x94", false);
		kept = n;
		kept_col = at;
	} else {
		md_doc_truncate(d, kept_lines, d->ncodes);
	}
	md_lb_done(&bar);
	md_lb_done(&wbar);
	md_lb_done(&l);
	*col = kept_col;
	return kept;
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
	md_blk_init(&r->blk);
}

/* Append pad spaces in the base style. */
static void
add_pad(struct render *r, struct block *bk, int pad)
{
	static const char spaces[] = "                                ";

	for (; pad > 0; pad -= (int)sizeof(spaces) - 1)
		md_blk_add(bk, spaces, (size_t)(pad < (int)sizeof(spaces) - 1 ? pad :
		    (int)sizeof(spaces) - 1), (uint8_t)r->base, 0);
}

/*
 * Emit one row of a table: each cell wrapped at spaces to its column's width and
 * padded to it, the row as many lines as its tallest cell needs.
 */
static void
table_row(struct render *r, const struct trow *row, const int *widths, size_t ncols)
{
	struct md_doc *cells = xcalloc(ncols ? ncols : 1, sizeof(*cells));
	struct lb none = { 0 };
	struct block line;
	size_t c, k, i, tall = 1;
	int pad;

	buf_init(&none.text, 0);
	for (c = 0; c < ncols; c++) {
		if (c < row->n)
			md_wrap(&cells[c], &row->cells[c], &none, &none, NULL, widths[c], false);
		tall = cells[c].nlines > tall ? cells[c].nlines : tall;
	}
	md_blk_init(&line);
	for (k = 0; k < tall; k++) {
		md_blk_reset(&line);
		for (c = 0; c < ncols; c++) {
			const struct md_line *l = k < cells[c].nlines ? &cells[c].lines[k] : NULL;

			pad = widths[c];
			for (i = 0; l != NULL && i < l->nspans; i++)
				md_blk_add(&line, l->text + l->spans[i].off, l->spans[i].len,
				    l->spans[i].slot, l->spans[i].attrs);
			if (l != NULL)
				pad -= md_width(l->text, l->len);
			add_pad(r, &line, pad);
			if (c + 1 < ncols)
				md_blk_add(&line, " \xe2\x94\x82 ", 5, THEME_DIM, 0);
		}
		wrap_block(r, &line, true, true);
	}
	md_blk_done(&line);
	for (c = 0; c < ncols; c++)
		md_doc_done(&cells[c]);
	free(cells);
	md_lb_done(&none);
}

/*
 * Narrow the widest columns until the table fits the room its containers leave,
 * none below MD_TABLE_MIN_COL: their cells then wrap inside them, and the grid
 * holds. A table of too many columns for that keeps its widths and wraps hard,
 * as code does.
 */
static void
table_fit(struct render *r, int *widths, size_t ncols)
{
	struct prefixes p;
	int room, total = 0, *fit = xcalloc(ncols ? ncols : 1, sizeof(*fit));
	size_t c, widest;

	prefixes_init(r, &p, false);
	room = r->width - p.cont.width;
	prefixes_done(&p);
	for (c = 0; c < ncols; c++) {
		fit[c] = widths[c];
		total += widths[c] + (c + 1 < ncols ? 3 : 0);
	}
	while (total > room) {
		for (widest = 0, c = 1; c < ncols; c++)
			widest = fit[c] > fit[widest] ? c : widest;
		if (fit[widest] <= MD_TABLE_MIN_COL)
			break;
		fit[widest]--;
		total--;
	}
	if (total <= room)
		memcpy(widths, fit, ncols * sizeof(*fit));
	free(fit);
}

/* Emit the rule under a table's header: a line across each column, crossed between them. */
static void
table_rule(struct render *r, const int *widths, size_t ncols)
{
	struct block rule;
	size_t c;
	int w;

	md_blk_init(&rule);
	for (c = 0; c < ncols; c++) {
		for (w = 0; w < widths[c] + (c > 0) + (c + 1 < ncols); w++)
			md_blk_add(&rule, "\xe2\x94\x80", 3, THEME_DIM, 0);
		if (c + 1 < ncols)
			md_blk_add(&rule, "\xe2\x94\xbc", 3, THEME_DIM, 0);
	}
	wrap_block(r, &rule, false, true);
	md_blk_done(&rule);
}

/* Emit the gathered table with its columns lined up and a rule under the header, closing it. */
static void
table_end(struct render *r)
{
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
	table_fit(r, widths, ncols);
	pay_blank(r);
	for (i = 0; i < r->nrows; i++) {
		table_row(r, &r->rows[i], widths, ncols);
		if (i == 0 && r->nrows > 1)
			table_rule(r, widths, ncols);
	}
	for (i = 0; i < r->nrows; i++) {
		for (c = 0; c < r->rows[i].n; c++)
			md_blk_done(&r->rows[i].cells[c]);
		free(r->rows[i].cells);
	}
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
	free(widths);
	r->in_table = false;
	r->blank = true;
}

static int
on_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct render *r = arg;
	struct ctr *c;

	if (r->count_only) {
		if (type == MD_BLOCK_CODE)
			r->code_no++;
		return 0;
	}
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
		r->col = r->col_at = 0;
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
		md_blk_reset(&r->blk);
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
	if (r->count_only)
		return 0;
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

/* The depth a span type counts in, for the style of the text inside; NULL for others. */
static int *
span_depth(struct render *r, MD_SPANTYPE type)
{
	int *const depth[] = {
		[MD_SPAN_EM] = &r->em,
		[MD_SPAN_STRONG] = &r->strong,
		[MD_SPAN_CODE] = &r->code_span,
		[MD_SPAN_DEL] = &r->del,
		[MD_SPAN_U] = &r->under,
		[MD_SPAN_A] = &r->link,
		[MD_SPAN_IMG] = &r->link,
	};

	return (size_t)type < ARRAY_SIZE(depth) ? depth[type] : NULL;
}

/* Keep where a link goes, and where its text starts. */
static void
link_open(struct render *r, const MD_SPAN_A_DETAIL *a)
{
	free(r->href);
	r->href = xstrndup(a->href.text ? a->href.text : "", a->href.size);
	r->link_start = r->blk.text.len;
}

/* Show where a link goes unless its text already says it. */
static void
link_close(struct render *r)
{
	size_t n = r->blk.text.len - r->link_start;

	if (r->href != NULL && *r->href != '\0' && !(strlen(r->href) == n &&
	    memcmp(r->href, r->blk.text.data + r->link_start, n) == 0) &&
	    !(str_startswith(r->href, "mailto:") && strlen(r->href) - 7 == n)) {
		md_blk_add(&r->blk, " (", 2, THEME_DIM, 0);
		md_blk_add(&r->blk, r->href, strlen(r->href), THEME_DIM, 0);
		md_blk_add(&r->blk, ")", 1, THEME_DIM, 0);
	}
}

static int
on_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct render *r = arg;
	int *depth = span_depth(r, type);

	if (r->count_only)
		return 0;
	if (depth != NULL)
		(*depth)++;
	if (type == MD_SPAN_CODE && r->ticks)
		put(r, "`", 1);
	if (type == MD_SPAN_A)
		link_open(r, detail);
	else if (type == MD_SPAN_IMG)
		put(r, "[image: ", 8);
	return 0;
}

static int
on_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct render *r = arg;
	int *depth = span_depth(r, type);

	(void)detail;
	if (r->count_only)
		return 0;
	if (type == MD_SPAN_CODE && r->ticks)
		put(r, "`", 1);
	if (depth != NULL)
		(*depth)--;
	if (type == MD_SPAN_A)
		link_close(r);
	else if (type == MD_SPAN_IMG)
		put(r, "]", 1);
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

/*
 * Add code text, tabs expanded to stops of four from the line start, counted in
 * columns: a character of several bytes, or a wide one, before a tab moves it.
 */
static void
put_code(struct render *r, const char *s, size_t n)
{
	size_t i, col, start, len;
	const char *t;

	for (i = 0; i < n; i++) {
		if (s[i] != '\t') {
			put(r, s + i, 1);
			continue;
		}
		t = buf_str(&r->blk.text); /* never NULL, even before the first byte */
		len = r->blk.text.len;
		/* measured on from the last tab: a line of many is not measured again at each */
		for (start = len; start > r->col_at && t[start - 1] != '\n'; start--)
			;
		if (start > r->col_at)
			col = (size_t)md_width(t + start, len - start);
		else
			col = r->col + (size_t)md_width(t + r->col_at, len - r->col_at);
		put(r, "    ", 4 - col % 4);
		r->col = col + 4 - col % 4;
		r->col_at = r->blk.text.len;
	}
}

/* Whether s[0..n) is all spaces. */
static bool
all_spaces(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n == 0;
}

/*
 * The bytes as written of the last cols columns of indentation before the
 * code at s, in *len; NULL when they are not there whole (a tab that the
 * fence's own indentation took part of). Tabs stop every four columns from
 * the line's start, as md4c counts them.
 */
static const char *
source_indent(const struct render *r, const char *s, size_t cols, size_t *len)
{
	size_t off = (size_t)(s - r->src), line = off, ws = off, i, col = 0, want;

	while (line > 0 && r->src[line - 1] != '\n')
		line--;
	while (ws > line && (r->src[ws - 1] == ' ' || r->src[ws - 1] == '\t'))
		ws--;
	for (i = line; i < off; i++)
		col = r->src[i] == '\t' ? (col + 4) & ~(size_t)3 : col + 1;
	if (cols > col)
		return NULL;
	want = col - cols;
	for (i = line, col = 0; i < off && col < want; i++)
		col = r->src[i] == '\t' ? (col + 4) & ~(size_t)3 : col + 1;
	if (col != want || i < ws)
		return NULL;
	*len = off - i;
	return r->src + i;
}

/*
 * Add a piece of a code block. md4c hands a line's indentation over as spaces
 * of its own, tabs expanded; the block as saved (/save, /copy) keeps what was
 * written, so that a Makefile's tabs stay tabs.
 */
static void
code_text(struct render *r, const char *s, size_t n)
{
	static const char spaces[] = "        ";
	uintptr_t p = (uintptr_t)s, b = (uintptr_t)r->src;
	bool in_src = p >= b && p < b + r->srclen;
	const char *ind = NULL;
	size_t ilen = 0;

	if (!in_src && n > 0 && all_spaces(s, n)) {
		r->indent += n;
		return;
	}
	if (r->indent > 0 && in_src)
		ind = source_indent(r, s, r->indent, &ilen);
	if (ind != NULL) {
		buf_add(&r->raw, ind, ilen);
		put_code(r, ind, ilen);
		r->indent = 0;
	}
	for (; r->indent > 0; r->indent -= ilen) {
		ilen = r->indent < sizeof(spaces) - 1 ? r->indent : sizeof(spaces) - 1;
		buf_add(&r->raw, spaces, ilen);
		put_code(r, spaces, ilen);
	}
	buf_add(&r->raw, s, n);
	put_code(r, s, n);
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct render *r = arg;

	if (r->count_only)
		return 0;
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
		if (r->in_code)
			code_text(r, s, n);
		else
			put_text(r, s, n, false);
		break;
	default:
		put_text(r, s, n, true);
		break;
	}
	return 0;
}

/* The one parser of both md_render and md_count_code, so that they find the same code blocks. */
static const MD_PARSER parser = {
	.flags = MD_FLAG_NOHTML | MD_FLAG_TABLES |
	    MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS,
	.enter_block = on_enter_block,
	.leave_block = on_leave_block,
	.enter_span = on_enter_span,
	.leave_span = on_leave_span,
	.text = on_text,
};

/* Render Markdown into wrapped, styled lines appended to d. */
void
md_render(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot base,
    int first_code, unsigned flags)
{
	struct render r;

	memset(&r, 0, sizeof(r));
	r.ticks = (flags & MD_CODE_TICKS) != 0;
	r.after = r.blank = (flags & MD_AFTER) != 0;
	r.d = d;
	r.width = width < 8 ? 8 : width;
	r.base = base;
	r.code_no = first_code;
	r.first_line = d->nlines;
	md_blk_init(&r.blk);
	buf_init(&r.raw, 0);
	r.src = text;
	r.srclen = len;
	md_parse(text, (MD_SIZE)len, &parser, &r);
	/* Whatever a cut-short stream left open. */
	if (r.in_code)
		flush_code(&r);
	else if (r.in_table)
		table_end(&r);
	flush(&r);
	md_blk_done(&r.blk);
	buf_done(&r.raw);
	free(r.code_lang);
	free(r.href);
}

/* Count the code blocks in Markdown text. */
int
md_count_code(const char *text, size_t len)
{
	struct render r;

	memset(&r, 0, sizeof(r));
	r.count_only = true;
	md_parse(text, (MD_SIZE)len, &parser, &r);
	return r.code_no;
}
