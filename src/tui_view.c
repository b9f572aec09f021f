/* tui_view: the transcript: entries wrapped lazily per width, scrolled from the bottom. */
#include <stdlib.h>
#include <string.h>

#include "tui_priv.h"
#include "util.h"

#define LABEL_W 5
/* What starts a row that goes on a command's line cut at the width (U+21AA). */
#define TUI_HANG_MARK "\xe2\x86\xaa"

/* Start an empty transcript. */
void
tui_view_init(struct tui_view *v)
{
	memset(v, 0, sizeof(*v));
	v->codes = 1;
}

static void
msg_free(struct tui_msg *m)
{
	buf_done(&m->text);
	buf_done(&m->fence_raw);
	free(m->info);
	md_doc_done(&m->doc);
	pricing_est_free(m->est);
	free(m);
}

/* Remove every entry. */
void
tui_view_clear(struct tui_view *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		msg_free(v->msgs[i]);
	v->n = 0;
	v->scroll = 0;
	v->anchor = NULL;
	v->codes = 1;
	tui_view_ask(v, NULL);
}

/* Free the transcript. */
void
tui_view_done(struct tui_view *v)
{
	tui_view_clear(v);
	free(v->msgs);
	memset(v, 0, sizeof(*v));
}

/* Forget what was drawn or counted of an entry's text, after it was replaced. */
static void
forget(struct tui_msg *m)
{
	md_cut_init(&m->cut);
	m->done_width = 0;
	m->fence_done = 0;
	m->line_at = 0;
	m->counted = 0;
	m->count_done = 0;
}

/* The code blocks in an assistant's text: its whole blocks counted once, the rest each time. */
static int
count_codes(struct tui_msg *m)
{
	const char *text = m->text.data ? m->text.data : "";
	size_t cut = md_cut_find(&m->cut, text, m->text.len), body, kept;

	if (cut < m->counted) {
		m->counted = 0;
		m->count_done = 0;
	}
	if (cut > m->counted) {
		m->count_done += md_count_code(text + m->counted, cut - m->counted);
		m->counted = cut;
	}
	/* A fence open from the cut to the end is one code block. */
	if (m->counted == cut && md_cut_open(&m->cut, &body, &kept))
		return m->count_done + 1;
	return m->count_done + md_count_code(text + m->counted, m->text.len - m->counted);
}

/* Renumber code blocks from entry i on after its text changed. */
static void
recount(struct tui_view *v, size_t i)
{
	int next = i > 0 ? v->msgs[i - 1]->code_base + v->msgs[i - 1]->ncodes : 1;

	for (; i < v->n; i++) {
		struct tui_msg *m = v->msgs[i];
		int n = m->role == TUI_ASSISTANT ? count_codes(m) : 0;

		if (m->code_base != next || m->ncodes != n)
			m->width = 0;
		m->code_base = next;
		m->ncodes = n;
		next += n;
	}
	v->codes = next;
}

static size_t
index_of(const struct tui_view *v, const struct tui_msg *m)
{
	size_t i;

	for (i = v->n; i > 0; i--)
		if (v->msgs[i - 1] == m)
			return i - 1;
	return v->n;
}

/* Add an entry with text made visible; return it. */
struct tui_msg *
tui_view_add(struct tui_view *v, enum tui_role role, const char *text, size_t len)
{
	struct tui_msg *m = xcalloc(1, sizeof(*m));
	struct visible vis;

	m->role = role;
	buf_init(&m->text, 0);
	buf_init(&m->fence_raw, 0);
	visible_init(&vis);
	visible_feed(&vis, text, len, &m->text);
	visible_flush(&vis, &m->text);
	md_doc_init(&m->doc);
	forget(m);
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->msgs = xreallocarray(v->msgs, v->cap, sizeof(*v->msgs));
	}
	v->msgs[v->n++] = m;
	m->code_base = v->codes;
	if (role == TUI_ASSISTANT && len > 0) {
		m->ncodes = count_codes(m);
		v->codes += m->ncodes;
	}
	return m;
}

/* Add an entry just before entry m (at the end if m is not there); return it. */
struct tui_msg *
tui_view_insert(struct tui_view *v, struct tui_msg *before, enum tui_role role, const char *text,
    size_t len)
{
	struct tui_msg *m = tui_view_add(v, role, text, len);
	size_t at = index_of(v, before);

	if (at < v->n - 1) {
		memmove(&v->msgs[at + 1], &v->msgs[at], (v->n - 1 - at) * sizeof(*v->msgs));
		v->msgs[at] = m;
		recount(v, at);
	}
	return m;
}

int
tui_view_hung(struct buf *b, const char *head, const char *cmd)
{
	int hang = md_width(head, strlen(head));
	size_t len;

	buf_adds(b, head);
	for (const char *p = cmd; *p != '\0'; p += len + (p[len] == '\n')) {
		len = strcspn(p, "\n");
		if (p != cmd) {
			buf_addc(b, '\n');
			for (int i = 0; i < hang; i++)
				buf_addc(b, ' ');
		}
		buf_add(b, p, len);
	}
	return hang;
}

/* Append already-visible text to an entry. */
void
tui_view_append(struct tui_view *v, struct tui_msg *m, const char *text, size_t len)
{
	buf_add(&m->text, text, len);
	m->width = 0;
	/* Code blocks are counted when the entry is last, as it streams: cheap and exact. */
	recount(v, index_of(v, m));
}

/* Replace an entry's text, made visible here. */
void
tui_view_set(struct tui_view *v, struct tui_msg *m, const char *text, size_t len)
{
	struct visible vis;

	buf_reset(&m->text);
	pricing_est_free(m->est);
	m->est = NULL;
	visible_init(&vis);
	visible_feed(&vis, text, len, &m->text);
	visible_flush(&vis, &m->text);
	m->width = 0;
	forget(m);
	recount(v, index_of(v, m));
}

/* Set an entry's info lines. */
void
tui_view_set_info(struct tui_msg *m, const char *info)
{
	free(m->info);
	m->info = info ? xstrdup(info) : NULL;
	m->width = 0;
	m->done_width = 0;
}

/* Append src's lines to dst behind a label column ("you  ", then blanks). */
static void
labelled_from(struct md_doc *dst, const struct md_doc *src, size_t from, size_t to,
    const char *label, enum theme_slot slot)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		const struct md_line *s = &src->lines[i];
		struct md_line *d;
		const char *lab = i == from ? label : "";
		size_t ll = strlen(lab), pad = LABEL_W - ll;

		if (dst->nlines == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->lines = xreallocarray(dst->lines, dst->cap, sizeof(*dst->lines));
		}
		d = &dst->lines[dst->nlines++];
		d->len = (uint32_t)(LABEL_W + s->len);
		d->text = xmalloc(d->len + 1);
		memcpy(d->text, lab, ll);
		memset(d->text + ll, ' ', pad);
		memcpy(d->text + LABEL_W, s->text, s->len);
		d->text[d->len] = '\0';
		d->nspans = s->nspans + 1;
		d->spans = xreallocarray(NULL, d->nspans, sizeof(*d->spans));
		d->spans[0] = (struct md_span){ .off = 0, .len = LABEL_W,
		    .slot = (uint8_t)(ll ? slot : THEME_TEXT), .attrs = ll ? THEME_BOLD : 0 };
		for (j = 0; j < s->nspans; j++) {
			d->spans[j + 1] = s->spans[j];
			d->spans[j + 1].off += LABEL_W;
		}
		if (s->len == 0 && ll == 0) {
			d->len = 0;
			d->text[0] = '\0';
			d->nspans = 0;
		}
	}
}

static void
labelled(struct md_doc *dst, const struct md_doc *src, const char *label, enum theme_slot slot)
{
	labelled_from(dst, src, 0, src->nlines, label, slot);
}

/* Move src's code blocks to the end of dst's. */
static void
take_codes(struct md_doc *dst, struct md_doc *src)
{
	size_t i;

	for (i = 0; i < src->ncodes; i++) {
		if (dst->ncodes == dst->codecap) {
			dst->codecap = dst->codecap ? dst->codecap * 2 : 4;
			dst->codes = xreallocarray(dst->codes, dst->codecap, sizeof(*dst->codes));
		}
		dst->codes[dst->ncodes++] = src->codes[i];
	}
	src->ncodes = 0;
}

/* Render text as the reply's blocks after those already in m->doc, behind the label column. */
static void
render_more(struct tui_view *v, struct tui_msg *m, const char *text, size_t len, int width)
{
	struct md_doc body;
	bool after = m->doc.nlines > m->body0;
	unsigned flags = (v->code_ticks ? MD_CODE_TICKS : 0) | (after ? MD_AFTER : 0);

	md_doc_init(&body);
	md_render(&body, text, len, width - LABEL_W, THEME_TEXT, m->code_base + (int)m->doc.ncodes,
	    flags);
	labelled(&m->doc, &body, after ? "" : "llm", THEME_ASSISTANT);
	/* The code blocks go with the entry, for /save and /copy. */
	take_codes(&m->doc, &body);
	md_doc_done(&body);
}

/*
 * Lines of code of the open fence whose opening line is text[0..open): the body
 * lines of code[0..len) (and the foot, with foot) as drawing the whole fence
 * gives them after a line that is not blank. They are drawn after such a line
 * of their own, which is then left out, so that a block's first or last blank
 * lines are drawn as they are within it; the code as written goes to raw.
 */
static void
fence_more(struct tui_view *v, struct tui_msg *m, const char *open, size_t olen,
    const char *code, size_t len, int width, bool foot, struct buf *raw)
{
	struct md_doc body;
	struct buf src;
	const char *t;

	buf_init(&src, 0);
	buf_add(&src, open, olen);
	buf_add(&src, "x\n", 2);
	buf_add(&src, code, len);
	md_doc_init(&body);
	md_render(&body, buf_str(&src), src.len, width - LABEL_W, THEME_TEXT,
	    m->code_base + (int)m->doc.ncodes, v->code_ticks ? MD_CODE_TICKS : 0);
	/* the head, the line of its own, the code, the foot */
	if (body.nlines >= 3)
		labelled_from(&m->doc, &body, 2, body.nlines - (foot ? 0 : 1), "", THEME_ASSISTANT);
	if (body.ncodes == 1) {
		t = body.codes[0].text;
		if (t != NULL && strlen(t) >= 2)
			buf_adds(raw, t + 2);
		if (foot) {
			/* the whole block as written: the kept lines', then these */
			struct buf all;

			buf_init(&all, 0);
			buf_add(&all, buf_str(&m->fence_raw), m->fence_raw.len);
			buf_add(&all, raw->data ? raw->data : "", raw->len);
			free(body.codes[0].text);
			body.codes[0].text = buf_detach(&all);
			take_codes(&m->doc, &body);
		}
	}
	md_doc_done(&body);
	buf_done(&src);
}

/* Append the rows of a fence's line in rows to m's doc, behind the label column. */
static void
line_append(struct tui_msg *m, struct md_doc *rows)
{
	labelled_from(&m->doc, rows, 0, rows->nlines, "", THEME_ASSISTANT);
	md_doc_clear(rows);
}

/* Put s[0..n) and the line's end after the open fence's code as written so far (line_raw). */
static void
line_code(struct tui_msg *m, const char *s, size_t n)
{
	struct md_code *c = &m->doc.codes[m->done_codes];

	if (m->line_raw + n + 2 > m->line_cap) {
		m->line_cap = (m->line_raw + n + 2) * 2;
		c->text = xrealloc(c->text, m->line_cap);
	}
	memcpy(c->text + m->line_raw, s, n);
	memcpy(c->text + m->line_raw + n, "\n", 2);
}

/*
 * Start keeping the rows of the open fence's last line, which starts at text[at]
 * and has k bytes in whole rows: draw the fence up to there (the block's head and
 * the lines before it, as whole; its foot left out) and keep its code as written.
 */
static bool
line_start(struct tui_view *v, struct tui_msg *m, size_t body, size_t at, size_t k, int width)
{
	const char *text = m->text.data;
	struct buf raw;
	size_t raw_len;

	if (m->fence_done > 0) {
		md_doc_truncate(&m->doc, m->fence_lines, m->done_codes);
		buf_init(&raw, 0);
		fence_more(v, m, text + m->done, body - m->done, text + m->fence_done,
		    at + k - m->fence_done, width, true, &raw);
		buf_done(&raw);
	} else {
		md_doc_truncate(&m->doc, m->done_lines, m->done_codes);
		render_more(v, m, text + m->done, at + k - m->done, width);
	}
	if (m->doc.ncodes != m->done_codes + 1 || m->doc.nlines <= m->done_lines)
		return false;
	/* the code as written ends in the line's end, which comes after the rest of it */
	raw_len = strlen(m->doc.codes[m->done_codes].text);
	if (raw_len == 0 || m->doc.codes[m->done_codes].text[raw_len - 1] != '\n')
		return false;
	/* the foot: drawn again after the rest of the line */
	md_doc_truncate(&m->doc, m->doc.nlines - 1, m->doc.ncodes);
	m->line_at = at;
	m->line_done = at + k;
	m->line_lines = m->doc.nlines;
	m->line_raw = raw_len - 1;
	m->line_cap = raw_len + 1;
	return true;
}

/* Whether s[0..n) holds what md4c reads otherwise than as text of a code line. */
static bool
line_odd(const char *s, size_t n)
{
	return memchr(s, '\r', n) != NULL || memchr(s, '\0', n) != NULL;
}

/*
 * A long last line in a fence open to the end (minified JSON, base64): its rows
 * that more text cannot change are kept, and only its last row is drawn again,
 * so that each piece of it costs what the piece holds, not what the line does.
 * Return false where this does not apply: the line is shorter than a row, or
 * could still be the fence's close.
 */
static bool
line_rows(struct tui_view *v, struct tui_msg *m, int width)
{
	const char *text = m->text.data;
	size_t body, at, k, len = m->text.len, i;
	struct md_doc rows;
	int col = 0;

	if (text == NULL || !md_cut_open(&m->cut, &body, &at) || at >= len)
		return false;
	md_doc_init(&rows);
	if (m->line_at != at) {
		m->line_at = 0;
		if (line_odd(text + at, len - at))
			return false;
		k = md_code_rows(&rows, text + at, len - at, width - LABEL_W, &col, false);
		md_doc_done(&rows);
		/* what is kept holds text that no fence's close has */
		for (i = at; i < at + k && strchr(" \t`~", text[i]) != NULL; i++)
			;
		if (k == 0 || i == at + k || !line_start(v, m, body, at, k, width))
			return false;
		m->line_col = col;
	} else if (len > m->line_done) {
		if (line_odd(text + m->line_done, len - m->line_done)) {
			m->line_at = 0;
			return false;
		}
		md_doc_truncate(&m->doc, m->line_lines, m->done_codes + 1);
		k = md_code_rows(&rows, text + m->line_done, len - m->line_done, width - LABEL_W,
		    &m->line_col, false);
		line_append(m, &rows);
		line_code(m, text + m->line_done, k);
		m->line_raw += k;
		m->line_done += k;
		m->line_lines = m->doc.nlines;
	}
	md_doc_truncate(&m->doc, m->line_lines, m->done_codes + 1);
	col = m->line_col;
	md_code_rows(&rows, text + m->line_done, len - m->line_done, width - LABEL_W, &col, true);
	line_append(m, &rows);
	line_code(m, text + m->line_done, len - m->line_done);
	md_doc_done(&rows);
	return true;
}

/*
 * An assistant's reply: the whole blocks before its latest cut are kept from the
 * last time at this width, only the blocks after it are drawn again; the lines
 * are those of drawing the whole text at once (md_cut).
 */
static void
assistant_wrap(struct tui_view *v, struct tui_msg *m, int width)
{
	const char *text = m->text.data ? m->text.data : "";
	size_t cut = md_cut_find(&m->cut, text, m->text.len);

	size_t fbody, kept;
	struct buf tail;

	if (m->done_width != width || m->done_base != m->code_base ||
	    m->done_ticks != v->code_ticks || cut < m->done) {
		md_doc_clear(&m->doc);
		m->fence_done = 0;
		m->line_at = 0;
		if (m->info != NULL)
			md_plain(&m->doc, m->info, strlen(m->info), width, THEME_COST, 0);
		m->body0 = m->doc.nlines;
		m->done = 0;
		m->done_lines = m->doc.nlines;
		m->done_codes = 0;
		m->done_width = width;
		m->done_base = m->code_base;
		m->done_ticks = v->code_ticks;
	}
	if (cut > m->done) {
		md_doc_truncate(&m->doc, m->done_lines, m->done_codes);
		render_more(v, m, text + m->done, cut - m->done, width);
		m->done = cut;
		m->done_lines = m->doc.nlines;
		m->done_codes = m->doc.ncodes;
		m->fence_done = 0;
		m->line_at = 0;
	}
	if (!md_cut_fence(&m->cut, &fbody, &kept) || m->done != cut) {
		if (m->fence_done > 0)
			m->line_at = 0;
		m->fence_done = 0;
	} else {
		/* A fence open to the end: its lines drawn already are kept too. */
		if (m->fence_done == 0) {
			m->line_at = 0;
			md_doc_truncate(&m->doc, m->done_lines, m->done_codes);
			render_more(v, m, text + m->done, kept - m->done, width);
			buf_reset(&m->fence_raw);
			if (m->doc.ncodes == m->done_codes + 1 && m->doc.nlines > m->done_lines) {
				buf_adds(&m->fence_raw, m->doc.codes[m->done_codes].text);
				md_doc_truncate(&m->doc, m->doc.nlines - 1, m->done_codes);
				m->fence_done = kept;
				m->fence_lines = m->doc.nlines;
			}
		} else if (kept > m->fence_done) {
			m->line_at = 0;
			md_doc_truncate(&m->doc, m->fence_lines, m->done_codes);
			fence_more(v, m, text + m->done, fbody - m->done, text + m->fence_done,
			    kept - m->fence_done, width, false, &m->fence_raw);
			m->fence_done = kept;
			m->fence_lines = m->doc.nlines;
		}
	}
	if (line_rows(v, m, width)) {
		/* the fence's last line: its rows kept, only the last drawn again */
	} else if (m->fence_done > 0) {
		md_doc_truncate(&m->doc, m->fence_lines, m->done_codes);
		buf_init(&tail, 0);
		fence_more(v, m, text + m->done, fbody - m->done, text + m->fence_done,
		    m->text.len - m->fence_done, width, true, &tail);
		buf_done(&tail);
	} else {
		md_doc_truncate(&m->doc, m->done_lines, m->done_codes);
		render_more(v, m, text + m->done, m->text.len - m->done, width);
	}
	if (m->doc.nlines == m->body0) {
		struct md_doc body;

		md_doc_init(&body);
		md_plain(&body, "", 0, width - LABEL_W, THEME_TEXT, 0);
		labelled(&m->doc, &body, "llm", THEME_ASSISTANT);
		md_doc_done(&body);
	}
}

/* The style of a step's line: what a diff line adds, removes or keeps, a quote, a question. */
static enum theme_slot
step_slot(const char *s, size_t n, unsigned *attrs)
{
	*attrs = 0;
	if (n >= 3 && memcmp(s, "\xe2\x96\xb8", 3) == 0)
		return THEME_ROUTE;
	if (n >= 2 && s[0] == '?' && s[1] == ' ') {
		*attrs = THEME_BOLD;
		return THEME_METER_WARN;
	}
	if (n < 3 || s[0] != ' ' || s[1] != ' ')
		return THEME_TEXT;
	s += 2;
	n -= 2;
	if (n >= 3 && (memcmp(s, "+++", 3) == 0 || memcmp(s, "---", 3) == 0)) {
		*attrs = THEME_BOLD;
		return THEME_TEXT;
	}
	if (s[0] == '+')
		return THEME_METER_OK;
	if (s[0] == '-')
		return THEME_ERROR;
	if (n >= 2 && s[0] == '@' && s[1] == '@')
		return THEME_HEADING;
	if (n >= 3 && memcmp(s, "\xe2\x94\x82", 3) == 0)
		return THEME_QUOTE;
	if (n >= 3 && memcmp(s, "\xe2\x94\x8a", 3) == 0)
		return THEME_CODE;
	if (n >= 3 && memcmp(s, "\xe2\x86\x92", 3) == 0) {
		*attrs = THEME_BOLD;
		return THEME_STATUS;
	}
	return THEME_DIM;
}

/*
 * A long line of a tool's output or of advice wraps inside its gutter, and a
 * tool's line or a question under its words, not under its mark; tabs as one
 * space, as md_plain has them.
 */
static void
gutter_wrap(struct md_doc *d, const char *s, size_t n, int width, enum theme_slot slot,
    unsigned attrs)
{
	char *line = xstrndup(s, n);

	for (size_t i = 0; i < n; i++)
		if (line[i] == '\t')
			line[i] = ' ';
	if (slot == THEME_ROUTE || slot == THEME_METER_WARN)
		md_hang(d, line, n, width, slot, attrs, 2, NULL);
	else
		md_hang(d, line, n, width, slot, attrs, 4,
		    slot == THEME_CODE ? "\xe2\x94\x8a" : "\xe2\x94\x82");
	free(line);
}

/* An agent step: each line in the style of what it is, then its price. */
static void
step_wrap(struct tui_msg *m, int width)
{
	const char *p = m->text.data ? m->text.data : "", *end = p + m->text.len, *nl;
	enum theme_slot slot = THEME_TEXT;
	unsigned attrs = 0;
	bool under;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		/* a command's lines under its question's first keep the question's look */
		under = m->hang > 0 && slot == THEME_METER_WARN && nl - p > m->hang &&
		    strspn(p, " ") >= (size_t)m->hang;
		if (!under)
			slot = step_slot(p, (size_t)(nl - p), &attrs);
		if (under || (m->hang > 0 && p[0] == '?'))
			md_hang(&m->doc, p, (size_t)(nl - p), width, slot, attrs, m->hang, TUI_HANG_MARK);
		else if (slot == THEME_CODE || slot == THEME_QUOTE || slot == THEME_ROUTE ||
		    slot == THEME_METER_WARN)
			gutter_wrap(&m->doc, p, (size_t)(nl - p), width, slot, attrs);
		else
			md_plain(&m->doc, p, (size_t)(nl - p), width, slot, attrs);
		p = nl + 1;
	}
	m->text_lines = m->doc.nlines;
	if (m->info != NULL)
		md_plain(&m->doc, m->info, strlen(m->info), width, THEME_COST, 0);
}

/* Wrap entry m for width; return its line count. */
size_t
tui_view_wrap(struct tui_view *v, struct tui_msg *m, int width)
{
	struct md_doc body;
	const char *text = m->text.data ? m->text.data : "";
	size_t before = m->doc.nlines;
	bool same_width = m->last_width == width && before > 0;

	if (m->width == width)
		return m->doc.nlines;
	if (m->role != TUI_ASSISTANT)
		md_doc_clear(&m->doc);
	md_doc_init(&body);
	switch (m->role) {
	case TUI_USER:
		md_plain(&body, text, m->text.len, width - LABEL_W, THEME_TEXT, 0);
		labelled(&m->doc, &body, "you", THEME_USER);
		break;
	case TUI_ASSISTANT:
		assistant_wrap(v, m, width);
		break;
	case TUI_NOTE:
		if (m->hang > 0)
			md_hang(&m->doc, text, m->text.len, width, THEME_DIM, 0, m->hang, TUI_HANG_MARK);
		else
			md_plain(&m->doc, text, m->text.len, width, THEME_DIM, 0);
		break;
	case TUI_ERROR:
		md_plain(&m->doc, text, m->text.len, width, THEME_ERROR, 0);
		break;
	case TUI_STEP:
		step_wrap(m, width);
		break;
	}
	if (m->role != TUI_STEP)
		m->text_lines = m->doc.nlines;
	/* A blank line after each entry keeps turns apart. */
	md_plain(&m->doc, "", 0, width, THEME_TEXT, 0);
	md_doc_done(&body);
	m->width = width;
	m->last_width = width;
	/* Reading back while a reply grows: keep the same lines in view. */
	if (same_width && v->scroll > 0 && m->doc.nlines > before)
		v->scroll += (int)(m->doc.nlines - before);
	return m->doc.nlines;
}

/*
 * Count lines from the bottom until those scrolled past and rows more are
 * known; return the total seen (capped). Wrapping a grown entry moves the
 * scroll, so the goal is read again after each entry.
 */
static long
lines_up_to(struct tui_view *v, int width, int rows)
{
	long total = 0;
	size_t i;

	for (i = v->n; i > 0 && total < (long)v->scroll + rows; i--)
		total += (long)tui_view_wrap(v, v->msgs[i - 1], width);
	return total;
}

/* The ink of m's first n lines: their bytes but spaces, the same however they wrap. */
static long
ink(const struct tui_msg *m, size_t n)
{
	long k = 0;
	size_t i;
	uint32_t j;

	for (i = 0; i < n; i++)
		for (j = 0; j < m->doc.lines[i].len; j++)
			k += m->doc.lines[i].text[j] != ' ';
	return k;
}

/*
 * Read back at another size (the terminal was resized): keep the line that
 * was on the top row there, where the reading is (at another width, the one
 * its first word went to), rather than as many lines from the end, which are
 * other lines once wrapped anew.
 */
static void
keep_anchor(struct tui_view *v, int width, int rows)
{
	const struct tui_msg *m;
	long below = 0, n, line, k = 0;
	size_t i;
	uint32_t j;

	for (i = v->n; i > 0 && v->msgs[i - 1] != v->anchor; i--)
		below += (long)tui_view_wrap(v, v->msgs[i - 1], width);
	if (i == 0)
		return;   /* no longer in the view */
	n = (long)tui_view_wrap(v, v->msgs[i - 1], width);
	m = v->msgs[i - 1];
	/* the line that holds the first byte of ink after those above the old top row */
	for (line = 0; line < n - 1; line++) {
		for (j = 0; j < m->doc.lines[line].len; j++)
			k += m->doc.lines[line].text[j] != ' ';
		if (k > v->anchor_ink)
			break;
	}
	v->scroll = below + n - line > rows ? (int)(below + n - line - rows) : 0;
}

/* Fill out with the visible lines, top first; return how many. */
size_t
tui_view_visible(struct tui_view *v, int width, int rows, struct tui_vline *out)
{
	long skip, total, room = rows;
	size_t i, k, j;

	if (rows <= 0)
		return 0;
	/* a question keeps its own place (tui_view_ask_place) */
	if (v->scroll > 0 && v->ask == NULL && v->anchor != NULL &&
	    (v->anchor_width != width || v->anchor_rows != rows))
		keep_anchor(v, width, rows);
	v->anchor = NULL;
	/* Never scroll past the first line. */
	total = lines_up_to(v, width, rows);
	if (total < (long)v->scroll + rows)
		v->scroll = total > rows ? (int)(total - rows) : 0;
	skip = v->scroll;
	/* Walk back from the end: skip the hidden lines, then take rows lines. */
	k = (size_t)rows;
	for (i = v->n; i > 0 && room > 0; i--) {
		struct tui_msg *m = v->msgs[i - 1];
		long n = (long)tui_view_wrap(v, m, width);

		if (skip >= n) {
			skip -= n;
			continue;
		}
		for (j = (size_t)(n - skip); j > 0 && room > 0; j--, room--)
			out[--k].line = &m->doc.lines[j - 1];
		if (v->scroll > 0 && room == 0) {   /* the top row */
			v->anchor = m;
			v->anchor_ink = ink(m, j);
			v->anchor_width = width;
			v->anchor_rows = rows;
		}
		skip = 0;
	}
	/* Move what was found to the top. */
	if (k > 0) {
		memmove(out, out + k, ((size_t)rows - k) * sizeof(*out));
		return (size_t)rows - k;
	}
	return (size_t)rows;
}

/* Scroll by delta lines, clamped. */
void
tui_view_scroll(struct tui_view *v, int width, int rows, int delta)
{
	long total;

	if (delta != 0)
		v->anchor = NULL;   /* the top row is another: the next drawing says which */
	v->scroll += delta;
	if (v->scroll < 0)
		v->scroll = 0;
	total = lines_up_to(v, width, rows);
	if (total - rows < v->scroll)
		v->scroll = total > rows ? (int)(total - rows) : 0;
}

/* Keep inline code's backticks or not, wrapping every entry again when that changes. */
void
tui_view_code_ticks(struct tui_view *v, bool on)
{
	size_t i;

	if (v->code_ticks == on)
		return;
	v->code_ticks = on;
	for (i = 0; i < v->n; i++)
		v->msgs[i]->width = 0;
}

/* Find code block n; NULL if there is none. */
const struct md_code *
tui_view_code(struct tui_view *v, int n)
{
	size_t i, j;

	for (i = 0; i < v->n; i++) {
		struct tui_msg *m = v->msgs[i];

		if (m->ncodes == 0 || n < m->code_base || n >= m->code_base + m->ncodes)
			continue;
		if (m->width == 0)
			tui_view_wrap(v, m, 80);
		for (j = 0; j < m->doc.ncodes; j++)
			if (m->doc.codes[j].number == n)
				return &m->doc.codes[j];
	}
	return NULL;
}

/* Watch entry m as the question being asked (NULL: no question any more). */
void
tui_view_ask(struct tui_view *v, struct tui_msg *m)
{
	if (m == NULL && v->ask != NULL)
		v->scroll = 0;   /* answered: what follows it is followed again */
	v->ask = m;
	v->ask_place = m != NULL;
	free(v->seen);
	v->seen = NULL;
	v->nseen = 0;
	v->seen_width = 0;
	v->ask_rows = 0;
}

/*
 * When the question was just asked (or laid out anew), scroll so that its first
 * line shows: all of it at the bottom when it fits, else its first line at the
 * top and the rest below, to be scrolled to.
 */
void
tui_view_ask_place(struct tui_view *v, int width, int rows)
{
	long total = 0;
	size_t i;

	if (v->ask == NULL)
		return;
	/*
	 * Fewer rows (a longer status) or more: the scroll counts from the bottom, so it
	 * moves by as many for the top line, where the reading is, to stay.
	 */
	if (v->ask_rows > 0 && rows != v->ask_rows && !v->ask_place) {
		v->scroll += v->ask_rows - rows;
		if (v->scroll < 0)
			v->scroll = 0;
	}
	v->ask_rows = rows;
	if (!v->ask_place)
		return;
	v->ask_place = false;
	for (i = v->n; i > 0; i--) {
		total += (long)tui_view_wrap(v, v->msgs[i - 1], width);
		if (v->msgs[i - 1] == v->ask)
			break;
	}
	if (i > 0)
		v->scroll = total > rows ? (int)(total - rows) : 0;
}

/*
 * Mark the question's lines among the n shown (vl) as read. Wrapped anew (another
 * width, the whole diff), its lines are new ones: none read yet.
 */
void
tui_view_ask_read(struct tui_view *v, const struct tui_vline *vl, size_t n)
{
	struct tui_msg *m = v->ask;
	size_t lines, i;

	if (m == NULL)
		return;
	lines = m->text_lines < m->doc.nlines ? m->text_lines : m->doc.nlines;
	if (m->width != v->seen_width || lines != v->nseen) {
		free(v->seen);
		v->seen = xcalloc(lines ? lines : 1, 1);
		v->nseen = lines;
		v->seen_width = m->width;
	}
	for (i = 0; i < n; i++)
		if (vl[i].line >= m->doc.lines && vl[i].line < m->doc.lines + lines)
			v->seen[vl[i].line - m->doc.lines] = 1;
}

/* Lines of the question not on the screen since it was asked (or last wrapped anew). */
size_t
tui_view_ask_unread(const struct tui_view *v)
{
	size_t i, n = 0;

	if (v->ask == NULL)
		return 0;
	if (v->seen == NULL || v->seen_width != v->ask->width)
		return v->ask->text_lines > 0 ? v->ask->text_lines : 1;
	for (i = 0; i < v->nseen; i++)
		n += v->seen[i] == 0;
	return n;
}
