/* md: render Markdown through md4c's callbacks into styled lines wrapped on display width. */
#include "md.h"

#include <md4c.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "md_priv.h"
#include "util.h"

#define MD_DEPTH 32
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
	size_t link_start;
	char *href;
	struct trow *rows;
	size_t nrows;
	bool in_table;
	struct block blk;
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

/* Emit the blank line owed between blocks, if anything came before. */
static void
pay_blank(struct render *r)
{
	struct lb first = { 0 }, cont = { 0 };

	if (r->blank && r->d->nlines > r->first_line) {
		buf_init(&first.text, 0);
		buf_init(&cont.text, 0);
		make_prefixes(r, &first, &cont, false);
		md_lb_emit(r->d, &cont);
		md_lb_done(&first);
		md_lb_done(&cont);
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
	md_wrap(r->d, &r->blk, &first, &cont, r->width, false);
	md_lb_done(&first);
	md_lb_done(&cont);
	md_blk_reset(&r->blk);
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
		cw = md_char_width(s + n, strlen(s + n), &clen);
		if (first.width + w + cw > r->width)
			break;
		w += cw;
		n += clen;
	}
	md_lb_add(&first, s, n, THEME_DIM, 0, w);
	md_lb_emit(r->d, &first);
	md_lb_done(&first);
	md_lb_done(&cont);
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
	md_lb_add(&cont, "\xe2\x94\x82 ", 4, THEME_DIM, 0, 2);
	if (n > 0 && r->blk.text.data[n - 1] == '\n')
		r->blk.text.len--;
	md_wrap(d, &r->blk, &cont, &cont, r->width, true);
	r->blk.text.len = 0;
	md_lb_done(&first);
	md_lb_done(&cont);
	frame_line(r, "\xe2\x94\x94", false);
	md_blk_reset(&r->blk);
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
			md_blk_append(&line, &row->cells[c]);
			pad -= md_width(row->cells[c].text.data ? row->cells[c].text.data : "",
			    row->cells[c].text.len);
		}
		for (; pad > 0; pad -= (int)sizeof(spaces) - 1)
			md_blk_add(&line, spaces, (size_t)(pad < (int)sizeof(spaces) - 1 ? pad :
			    (int)sizeof(spaces) - 1), (uint8_t)r->base, 0);
		if (c + 1 < ncols)
			md_blk_add(&line, " \xe2\x94\x82 ", 5, THEME_DIM, 0);
	}
	buf_init(&first.text, 0);
	buf_init(&cont.text, 0);
	make_prefixes(r, &first, &cont, true);
	md_wrap(r->d, &line, &first, &cont, r->width, true);
	md_lb_done(&first);
	md_lb_done(&cont);
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
					md_blk_add(&rule, "\xe2\x94\x80", 3, THEME_DIM, 0);
				if (c + 1 < ncols)
					md_blk_add(&rule, "\xe2\x94\xbc", 3, THEME_DIM, 0);
			}
			buf_init(&first.text, 0);
			buf_init(&cont.text, 0);
			make_prefixes(r, &first, &cont, false);
			md_wrap(r->d, &rule, &first, &cont, r->width, true);
			md_lb_done(&first);
			md_lb_done(&cont);
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
			md_blk_add(&r->blk, " (", 2, THEME_DIM, 0);
			md_blk_add(&r->blk, r->href, strlen(r->href), THEME_DIM, 0);
			md_blk_add(&r->blk, ")", 1, THEME_DIM, 0);
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
