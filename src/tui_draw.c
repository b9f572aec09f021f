/* tui_draw: layout and drawing of every part of the screen, one doupdate per frame. */
#include <assert.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "config.h"
#include "pricing.h"
#include "tui_draw_priv.h"
#include "tui_priv.h"
#include "util.h"

#define INPUT_MAX_ROWS 6

/* Attributes added when there is no colour, so meanings still differ. */
static const unsigned mono_extra[THEME_NSLOTS] = {
	[THEME_USER] = THEME_BOLD,
	[THEME_ASSISTANT] = THEME_BOLD,
	[THEME_METER_WARN] = THEME_UNDERLINE,
	[THEME_METER_HIGH] = THEME_BOLD,
	[THEME_METER_OVER] = THEME_BOLD | THEME_REVERSE,
	[THEME_ERROR] = THEME_BOLD,
	[THEME_HEADING] = THEME_BOLD,
	[THEME_LINK] = THEME_UNDERLINE,
	[THEME_SELECTED] = THEME_REVERSE,
	[THEME_DIM] = THEME_DIM_ATTR,
};

static attr_t
attr_of(const struct tui *t, int slot, unsigned extra)
{
	unsigned a = t->theme.styles[slot].attrs | extra;
	attr_t r = 0;

	if (!t->color)
		a |= mono_extra[slot];
	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM_ATTR)
		r |= A_DIM;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
	if (t->color)
		r |= COLOR_PAIR(slot + 1);
	return r;
}

/*
 * Whether inline code would look like the prose around it: no colour (NO_COLOR, a
 * monochrome terminal) or a theme that gives both the same style. Then it keeps its
 * backticks: bold, italic, underline and dim already mean strong, emphasis, a link
 * and struck-out text.
 */
static bool
code_as_text(const struct tui *t)
{
	const struct theme_style *c = &t->theme.styles[THEME_CODE], *x = &t->theme.styles[THEME_TEXT];

	if (!t->color)
		return (c->attrs | mono_extra[THEME_CODE]) == (x->attrs | mono_extra[THEME_TEXT]);
	return c->fg == x->fg && c->bg == x->bg && c->fg8 == x->fg8 && c->bg8 == x->bg8 &&
	    c->attrs == x->attrs;
}

/* Start colour pairs for the theme's slots, unless NO_COLOR or the terminal says no. */
void
tui_colors_start(struct tui *t)
{
	bool def;
	int i;

	t->color = theme_color_allowed() && has_colors() && start_color() == OK && COLORS >= 8;
	tui_view_code_ticks(&t->view, code_as_text(t));
	if (!t->color)
		return;
	def = use_default_colors() == OK;
	for (i = 0; i < THEME_NSLOTS; i++) {
		const struct theme_style *s = &t->theme.styles[i];
		short fg = COLORS >= 256 ? s->fg : s->fg8, bg = COLORS >= 256 ? s->bg : s->bg8;

		if (fg >= COLORS)
			fg = s->fg8;
		if (bg >= COLORS)
			bg = s->bg8;
		if (!def && fg < 0)
			fg = COLOR_WHITE;
		if (!def && bg < 0)
			bg = COLOR_BLACK;
		init_pair((short)(i + 1), fg, bg);
	}
}

/* The columns of text the bottom border holds: less its corners, two blanks and a rule. */
static int
footer_cols(const struct tui *t)
{
	return t->w - 5 < 1 ? 1 : t->w - 5;
}

/* The rows n bytes of status text take, wrapped at the bottom border's width. */
static int
status_lines(const struct tui *t, const char *s, size_t n)
{
	struct md_doc d;
	int rows;

	if (md_width(s, n) <= footer_cols(t))
		return 1;
	md_doc_init(&d);
	md_plain(&d, s, n, footer_cols(t), THEME_STATUS, 0);
	rows = (int)d.nlines;
	md_doc_done(&d);
	return rows;
}

/*
 * The form of the status message to show (it holds one a line, longest first): the
 * first that fits whole in the rows a status can take, else the last; its length in *n.
 * A key hint that has shorter forms is never cut on a narrow screen.
 */
static const char *
status_pick(const struct tui *t, size_t *n)
{
	int rows = t->h - 6 - t->input_rows;
	const char *s = t->status, *nl;

	while ((nl = strchr(s, '\n')) != NULL && status_lines(t, s, (size_t)(nl - s)) > rows)
		s = nl + 1;
	*n = nl != NULL ? (size_t)(nl - s) : strlen(s);
	return s;
}

/*
 * Wrap the status message into d at the bottom border's width; return the rows it
 * takes above the border (0 when it fits in it). A narrow screen wraps a long one
 * rather than cutting it, taking rows from the transcript (which keeps one) and
 * never from the input.
 */
static int
status_wrap(const struct tui *t, struct md_doc *d)
{
	int most = t->h - 7 - t->input_rows, n;
	size_t len;
	const char *s = status_pick(t, &len);

	if (len == 0 || md_width(s, len) <= footer_cols(t))
		return 0;
	md_plain(d, s, len, footer_cols(t), THEME_STATUS, 0);
	n = (int)d->nlines - 1;
	return n < 0 ? 0 : n > most ? (most < 0 ? 0 : most) : n;
}

/* Rows a long status message takes above the bottom border. */
static int
status_rows(const struct tui *t)
{
	struct md_doc d;
	int n;

	md_doc_init(&d);
	n = status_wrap(t, &d);
	md_doc_done(&d);
	return n;
}

/* Rows the transcript has. */
int
tui_trans_rows(const struct tui *t)
{
	int r = t->h - 6 - t->input_rows - status_rows(t);

	return r < 1 ? 1 : r;
}

/* Columns transcript text wraps to. */
int
tui_trans_width(const struct tui *t)
{
	int w = t->w - 4;

	return w < 10 ? 10 : w;
}

/* How many bytes of s fit in maxw columns; the width used in *used. */
static size_t
fit(const char *s, size_t n, int maxw, int *used)
{
	size_t i = 0;
	int w = 0;

	while (i < n) {
		size_t c = 1;
		int cw;

		while (i + c < n && ((unsigned char)s[i + c] & 0xc0) == 0x80)
			c++;
		cw = md_width(s + i, c);
		if (w + cw > maxw)
			break;
		w += cw;
		i += c;
	}
	if (used != NULL)
		*used = w;
	return i;
}

/* Remember which slot drew cells [x, x+n) of row y, for the colour dumps. */
static void
mark(struct tui *t, int y, int x, int n, int slot)
{
	if (t->cells == NULL || y < 0 || y >= t->h || x < 0)
		return;
	if (x + n > t->w)
		n = t->w - x;
	if (n > 0)
		memset(t->cells + (size_t)y * (size_t)t->w + (size_t)x, slot, (size_t)n);
}

/* The ASCII that stands for a character of a few in a locale without UTF-8; NULL: none. */
static const char *
ascii_for(const char *s, size_t n)
{
	static const struct {
		const char *utf8, *ascii;
	} map[] = {
		{ "\xc2\xb7", "-" }, { "\xe2\x86\x92", ">" }, { "\xe2\x80\xa6", "." },
		{ "\xe2\x80\xa2", "*" }, { "\xe2\x80\x93", "-" }, { "\xe2\x80\x94", "-" },
		{ "\xe2\x80\x98", "'" }, { "\xe2\x80\x99", "'" }, { "\xe2\x80\x9c", "\"" },
		{ "\xe2\x80\x9d", "\"" }, { "\xe2\x94\x80", "-" }, { "\xe2\x94\x82", "|" },
		{ "\xe2\x94\x8a", ":" }, { "\xe2\x94\x8c", "+" }, { "\xe2\x94\x94", "+" },
		{ "\xe2\x86\xaa", "+" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (strlen(map[i].utf8) == n && memcmp(map[i].utf8, s, n) == 0)
			return map[i].ascii;
	return NULL;
}

/*
 * Write s[0..n), which fit() measured, at row y, column x. Without UTF-8 in
 * the locale each character other than ASCII becomes as many ASCII cells as
 * it is wide: its stand-in when it has one, else '?'; the columns fit()
 * counted stay right.
 */
static void
put(const struct tui *t, int y, int x, const char *s, size_t n)
{
	size_t i = 0;

	move(y, x);
	if (t->unicode) {
		/*
		 * U+200D (zero width joiner) makes one glyph of several emoji
		 * on some terminals (tmux, kitty, WezTerm) and not on others, so
		 * the columns they take differ from the ones counted here and
		 * the rest of the row lands elsewhere than curses thinks. Left
		 * out, the emoji show side by side on every terminal.
		 */
		while (n > 0) {
			const char *zwj = memmem(s, n, "\xe2\x80\x8d", 3);
			size_t k = zwj != NULL ? (size_t)(zwj - s) : n;

			if (k > 0)
				addnstr(s, (int)k);
			if (zwj == NULL)
				break;
			s += k + 3;
			n -= k + 3;
		}
		return;
	}
	while (i < n) {
		size_t c = 1;
		int cw;
		const char *a;

		if ((unsigned char)s[i] < 0x80) {
			addch((unsigned char)s[i++]);
			continue;
		}
		while (i + c < n && ((unsigned char)s[i + c] & 0xc0) == 0x80)
			c++;
		cw = md_width(s + i, c);
		a = ascii_for(s + i, c);
		while (cw-- > 0)
			addch(a != NULL ? (unsigned char)a[0] : '?');
		i += c;
	}
}

/* Write s at the cursor, clipped so the column stays within maxx; advance *x. */
void
tui_seg(struct tui *t, int y, int *x, int maxx, const char *s, int slot, unsigned extra)
{
	int used;
	size_t n;

	if (*x >= maxx)
		return;
	n = fit(s, strlen(s), maxx - *x, &used);
	if (n == 0)
		return;
	attrset(attr_of(t, slot, extra));
	put(t, y, *x, s, n);
	mark(t, y, *x, used, slot);
	*x += used;
}

/* What ends a row cut short: "…", or "..." in a locale without UTF-8. */
static const char *
ellipsis(const struct tui *t)
{
	return t->unicode ? "\xe2\x80\xa6" : "...";
}

/*
 * Write the n pieces at row y from *x, up to column maxx. When they do not
 * all fit, the row is cut at a character and ends in an ellipsis, so that
 * no cut text reads as whole.
 */
void
tui_pieces(struct tui *t, int y, int *x, int maxx, const struct tui_piece *p, size_t n)
{
	const char *cut = ellipsis(t);
	int total = 0, cw = md_width(cut, strlen(cut)), slot = THEME_DIM, x0, w;
	size_t i;

	for (i = 0; i < n; i++)
		total += md_width(p[i].s, strlen(p[i].s));
	if (*x + total <= maxx) {
		for (i = 0; i < n; i++)
			tui_seg(t, y, x, maxx, p[i].s, p[i].slot, p[i].extra);
		return;
	}
	for (i = 0; i < n && *x < maxx - cw; i++) {
		x0 = *x;
		w = md_width(p[i].s, strlen(p[i].s));
		slot = p[i].slot;
		tui_seg(t, y, x, maxx - cw, p[i].s, p[i].slot, p[i].extra);
		if (*x - x0 < w)
			break;    /* this piece was cut: nothing after it may show */
	}
	tui_seg(t, y, x, maxx, cut, slot, 0);
}

/* Write s at row y from *x up to column maxx, ending in an ellipsis if cut. */
void
tui_seg_cut(struct tui *t, int y, int *x, int maxx, const char *s, int slot, unsigned extra)
{
	struct tui_piece p = { s, slot, extra };

	tui_pieces(t, y, x, maxx, &p, 1);
}

static const char *
box_ch(const struct tui *t, int which)
{
	static const char *const uni[] = { "\xe2\x94\x8c", "\xe2\x94\x90", "\xe2\x94\x94",
		"\xe2\x94\x98", "\xe2\x94\x80", "\xe2\x94\x82", "\xe2\x94\x9c", "\xe2\x94\xa4" };
	static const char *const ascii[] = { "+", "+", "+", "+", "-", "|", "+", "+" };

	return t->unicode ? uni[which] : ascii[which];
}

enum { BOX_TL, BOX_TR, BOX_BL, BOX_BR, BOX_H, BOX_V, BOX_LT, BOX_RT };

/* A horizontal rule across row y with a left and right piece and text in it. */
static void
hrule(struct tui *t, int y, int left, int right, const char *text, int slot, unsigned extra)
{
	int x = 0, i;

	tui_seg(t, y, &x, t->w, box_ch(t, left), THEME_BORDER, 0);
	if (text != NULL && *text) {
		tui_seg(t, y, &x, t->w - 2, " ", THEME_BORDER, 0);
		tui_seg_cut(t, y, &x, t->w - 3, text, slot, extra);
		tui_seg(t, y, &x, t->w - 2, " ", THEME_BORDER, 0);
	}
	attrset(attr_of(t, THEME_BORDER, 0));
	for (i = x; i < t->w - 1; i++)
		mvaddstr(y, i, box_ch(t, BOX_H));
	mark(t, y, x, t->w - 1 - x, THEME_BORDER);
	x = t->w - 1;
	tui_seg(t, y, &x, t->w, box_ch(t, right), THEME_BORDER, 0);
}

/* The side borders of row y. */
static void
sides(struct tui *t, int y)
{
	int x = 0;

	tui_seg(t, y, &x, 1, box_ch(t, BOX_V), THEME_BORDER, 0);
	x = t->w - 1;
	tui_seg(t, y, &x, t->w, box_ch(t, BOX_V), THEME_BORDER, 0);
}

static void
draw_line(struct tui *t, int y, const struct md_line *l)
{
	int x = 2, maxx = t->w - 2;
	uint32_t i;

	for (i = 0; i < l->nspans && x < maxx; i++) {
		const struct md_span *sp = &l->spans[i];
		int used;
		size_t n = fit(l->text + sp->off, sp->len, maxx - x, &used);

		attrset(attr_of(t, sp->slot, sp->attrs));
		put(t, y, x, l->text + sp->off, n);
		mark(t, y, x, used, sp->slot);
		x += used;
	}
}

/* Narrower, an empty transcript stays empty. */
#define WELCOME_MIN_W 40

/* Draw the first of n forms of a line (longest first) that fits whole at row y; 0: none does. */
static int
welcome_line(struct tui *t, int y, const char *const *forms, int n)
{
	int i, x = 2, maxx = t->w - 2;

	for (i = 0; i < n; i++) {
		if (md_width(forms[i], strlen(forms[i])) <= maxx - x) {
			tui_seg(t, y, &x, maxx, forms[i], THEME_DIM, 0);
			return 1;
		}
	}
	return 0;
}

/* "Agent mode in ~/src/app" at row y, the path's start cut to fit. */
static void
welcome_where(struct tui *t, int y)
{
	const char *where = tui_agent_where(t), *lead = "Agent mode in ";
	const char *cut = ellipsis(t);
	int x = 2, maxx = t->w - 2, w = md_width(where, strlen(where)), room;

	if (*where == '\0') {
		tui_seg(t, y, &x, maxx, "Agent mode", THEME_DIM, 0);
		return;
	}
	tui_seg(t, y, &x, maxx, lead, THEME_DIM, 0);
	room = maxx - x;
	if (w > room) {
		/* the end of a path says most: keep it */
		room -= md_width(cut, strlen(cut));
		while (*where != '\0' && w > room) {
			size_t c = 1;

			while (where[c] != '\0' && ((unsigned char)where[c] & 0xc0) == 0x80)
				c++;
			w -= md_width(where, c);
			where += c;
		}
		tui_seg(t, y, &x, maxx, cut, THEME_DIM, 0);
	}
	tui_seg(t, y, &x, maxx, where, THEME_DIM, 0);
}

/* A row of the welcome: a line's forms (longest first), the workspace, or a blank. */
struct welcome_row {
	const char *const *forms;   /* NULL: the workspace's line (where), or a blank */
	int n;
	bool where;
	int drop;                   /* with too few rows, the lowest go first */
};

/* Draw the welcome's rows from top, those dropped first left out until they fit in rows. */
static void
welcome_rows(struct tui *t, int top, int rows, struct welcome_row *r, int n)
{
	bool keep[8];
	int shown = n, drop, i, y = top;

	assert(n <= (int)ARRAY_SIZE(keep));
	for (i = 0; i < n; i++)
		keep[i] = true;
	for (drop = 0; shown > rows; drop++)
		for (i = 0; i < n; i++)
			if (keep[i] && r[i].drop == drop) {
				keep[i] = false;
				shown--;
			}
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (r[i].where)
			welcome_where(t, y++);
		else if (r[i].forms == NULL)
			y++;
		else
			y += welcome_line(t, y, r[i].forms, r[i].n);
	}
}

/*
 * An empty transcript: what a message does, in agent mode where, and the first keys to
 * know. With few rows the blanks go first, then the workspace; on one row, what to type
 * and the help's key share it.
 */
static void
draw_welcome(struct tui *t, int top, int rows)
{
	char help[16], tier[16], model[16], agent[16], quit[16], k0[128], k1[128], k2[128];
	char o0[160], o1[128], o2[128], o3[32];
	const char *keys[] = { k0, k1, k2 }, *one[] = { o0, o1, o2, o3 };
	struct welcome_row r[5];
	int n = 0;
	static const char *const task[] = { "A message is a task: the model reads files here, and "
		"edits or runs commands after your y.", "A message is a task: edits and commands wait "
		"for your y.", "A message is a task." };
	static const char *const type[] = { "Type a message and press Enter. The line below shows "
		"where it will go and why.", "Type a message and press Enter." };

	if (t->w < WELCOME_MIN_W || rows < 1)
		return;
	tui_key_or_cmd(t, ACT_HELP, help, sizeof(help));
	tui_key_or_cmd(t, ACT_QUIT, quit, sizeof(quit));
	snprintf(k2, sizeof(k2), "%s help \xc2\xb7 %s quits", help, quit);
	snprintf(o3, sizeof(o3), "%s help", help);
	if (t->agent) {
		tui_key_or_cmd(t, ACT_AGENT, agent, sizeof(agent));
		snprintf(k0, sizeof(k0), "%s every key and command \xc2\xb7 %s turns agent mode off "
		    "\xc2\xb7 %s quits", help, agent, quit);
		snprintf(k1, sizeof(k1), "%s help \xc2\xb7 %s agent mode off \xc2\xb7 %s quits", help,
		    agent, quit);
		snprintf(o0, sizeof(o0), "A message is a task: edits and commands wait for your y "
		    "\xc2\xb7 %s help", help);
		snprintf(o1, sizeof(o1), "A message is a task \xc2\xb7 %s help \xc2\xb7 %s agent mode "
		    "off", help, agent);
		snprintf(o2, sizeof(o2), "A message is a task \xc2\xb7 %s help", help);
	} else {
		tui_key_or_cmd(t, ACT_TIER, tier, sizeof(tier));
		tui_key_or_cmd(t, ACT_MODEL, model, sizeof(model));
		snprintf(k0, sizeof(k0), "%s every key and command \xc2\xb7 %s tier \xc2\xb7 %s model "
		    "\xc2\xb7 %s quits", help, tier, model, quit);
		snprintf(k1, sizeof(k1), "%s every key and command \xc2\xb7 %s quits", help, quit);
		snprintf(o0, sizeof(o0), "Type a message and press Enter \xc2\xb7 %s every key and "
		    "command", help);
		snprintf(o1, sizeof(o1), "Type a message and press Enter \xc2\xb7 %s help", help);
		snprintf(o2, sizeof(o2), "Type a message \xc2\xb7 %s help", help);
	}
	if (rows == 1) {
		welcome_line(t, top, one, 4);
		return;
	}
	r[n++] = (struct welcome_row){ .drop = 0 };
	if (t->agent)
		r[n++] = (struct welcome_row){ .where = true, .drop = 2 };
	r[n++] = (struct welcome_row){ .forms = t->agent ? task : type, .n = t->agent ? 3 : 2,
	    .drop = 3 };
	r[n++] = (struct welcome_row){ .drop = 1 };
	r[n++] = (struct welcome_row){ .forms = keys, .n = 3, .drop = 4 };
	welcome_rows(t, top, rows, r, n);
}

static void
draw_transcript(struct tui *t, int top, int rows)
{
	struct tui_vline *vl = xcalloc((size_t)rows, sizeof(*vl));
	size_t n, i;

	tui_view_ask_place(&t->view, tui_trans_width(t), rows);
	n = tui_view_visible(&t->view, tui_trans_width(t), rows, vl);
	tui_view_ask_read(&t->view, vl, n);
	for (i = 0; i < n; i++)
		draw_line(t, top + (int)i, vl[i].line);
	free(vl);
	if (t->view.n == 0)
		draw_welcome(t, top, rows);
}

/*
 * A row of the input as drawn: bytes [off, off + len) of the line. wrap: the
 * line goes on in the next row, which starts at off + len; hang: the row's last
 * byte is a space that met the edge, drawn in the frame's blank column where
 * nothing shows of it; after_hang: the row above hangs.
 */
struct in_row {
	size_t off, len;
	bool wrap, hang, after_hang;
};

/* Columns a tab in the input takes: drawn as that many spaces, never as ^I or a tab stop. */
#define INPUT_TAB_W 4

/* Columns the character at s (of at most n bytes) takes in the input; its length to *clen. */
static int
input_char(const char *s, size_t n, size_t *clen)
{
	size_t c;

	for (c = 1; c < n && ((unsigned char)s[c] & 0xc0) == 0x80; c++)
		;
	*clen = c;
	return *s == '\t' ? INPUT_TAB_W : md_width(s, c);
}

/* Columns the n bytes at s take in the input, a tab as INPUT_TAB_W. */
static int
input_width(const char *s, size_t n)
{
	size_t i = 0, c;
	int w = 0;

	while (i < n) {
		w += input_char(s + i, n - i, &c);
		i += c;
	}
	return w;
}

/* Whether the word at s is wider than a row of w columns: it is cut where it meets the edge. */
static bool
input_long(const char *s, int w)
{
	return input_width(s, strcspn(s, " \n")) > w;
}

/*
 * Whether the cursor at offset p is drawn on row r: where p is in it, or at its
 * end where a line ends there (at a wrap, the end is the next row's start). On
 * a space that hangs it is drawn where the next row starts, not in the blank
 * column: what is typed there goes on that row (with the word the space ends).
 */
static bool
input_on(const struct in_row *r, size_t p)
{
	size_t end = r->off + r->len;

	if (r->after_hang && p + 1 == r->off)
		return true;
	return p >= r->off && (p + r->hang < end || (p == end && !r->wrap));
}

/* Row r of s: kept as row *nrows when there is room for it, and the cursor's row if on it. */
static void
input_row(const char *s, const struct in_row *r, int point, struct in_row *rows, int max,
    int *nrows, int *cy, int *cx)
{
	size_t p = (size_t)point;

	if (*nrows < max)
		rows[*nrows] = *r;
	if (input_on(r, p)) {
		*cy = *nrows;
		*cx = p < r->off ? 0 : input_width(s + r->off, p - r->off);
	}
	(*nrows)++;
}

/*
 * Wrap the input at spaces, as the transcript does, but as display only: every
 * byte stays on a row, where it is, so that the cursor and the editing keys
 * work on the line as typed. A row ends after its last space; a space that
 * meets the edge hangs at the end of its row; a word wider than a whole row is
 * cut by characters where it meets the edge. A line that fills its last row to
 * the edge goes on to an empty row, as on a terminal: the cursor at its end is
 * drawn there, where the next character goes, not in the frame's column. The
 * rows go to rows (max of them), the cursor's row and column to *cy and *cx;
 * returns the rows needed.
 */
static int
input_layout(const char *s, int point, int w, struct in_row *rows, int max, int *cy, int *cx)
{
	size_t i = 0, n = strlen(s), start = 0, brk = 0, c, end;
	int nrows = 0, col = 0, cw;
	bool hung = false;

	*cy = 0;
	*cx = 0;
	for (;;) {
		if (i >= n || s[i] == '\n') {
			if (col >= w && i > start) {
				input_row(s, &(struct in_row){ .off = start, .len = i - start, .wrap = true,
				    .after_hang = hung }, point, rows, max, &nrows, cy, cx);
				start = i;
				hung = false;
			}
			input_row(s, &(struct in_row){ .off = start, .len = i - start, .after_hang = hung },
			    point, rows, max, &nrows, cy, cx);
			if (i >= n)
				break;
			start = ++i;
			col = 0;
			brk = 0;
			hung = false;
			continue;
		}
		cw = input_char(s + i, n - i, &c);
		if (col + cw > w && i > start) {
			end = s[i] == ' ' ? i + 1 : brk > start && !input_long(s + brk, w) ? brk : i;
			input_row(s, &(struct in_row){ .off = start, .len = end - start, .wrap = true,
			    .hang = end > i, .after_hang = hung }, point, rows, max, &nrows, cy, cx);
			hung = end > i;
			start = end;
			brk = 0;
			col = 0;
			if (end > i) {
				i = end;
				continue;
			}
			col = input_width(s + start, i - start);
		}
		if (s[i] == ' ')
			brk = i + 1;
		col += cw;
		i += c;
	}
	return nrows;
}

/* The input as shown: readline's own prompt (a history search) before the line; malloc'd. */
static char *
input_shown(int *point, size_t *plen)
{
	const char *prompt = tui_input_prompt();
	const char *line = tui_input(point);

	*plen = strlen(prompt);
	*point += (int)*plen;
	return xstrfmt("%s%s", prompt, line);
}

/* Lay the input out in rows of w columns; a malloc'd array of *n rows. */
static struct in_row *
input_rows(const char *s, int point, int w, int *n, int *cy, int *cx)
{
	struct in_row *rows;

	*n = input_layout(s, point, w < 4 ? 4 : w, NULL, 0, cy, cx);
	rows = xcalloc((size_t)*n, sizeof(*rows));
	input_layout(s, point, w < 4 ? 4 : w, rows, *n, cy, cx);
	return rows;
}

/* Columns the input's text has on each row: the frame and the "> " take six. */
static int
input_cols(const struct tui *t)
{
	return t->w - 6 < 4 ? 4 : t->w - 6;
}

/*
 * Where Up (dir -1) or Down (+1) takes the cursor in an input of several rows,
 * as the drawing lays it out: the offset in the line on the row by (count)
 * rows above or below, the first or the last where there are fewer, at display
 * column *goal (set to the cursor's column when < 0), or that row's end where
 * it is shorter, never inside a wide character or before a combining mark. -1
 * on the first row for Up, the last for Down, and in a history search: there
 * the key is the history's. bare: the line alone, without readline's prompt
 * (a numeric argument's "(arg: 3) ", gone once the key is taken).
 */
int
tui_input_row_move(const struct tui *t, int dir, int by, bool bare, int *goal)
{
	int point = 0, n, cy, cx, col = 0, cw, to = -1, row;
	size_t plen, q, len, c = 1;
	char *s = bare ? xstrdup(tui_input(&point)) : input_shown(&point, &plen);
	struct in_row *rows = input_rows(s, point, input_cols(t), &n, &cy, &cx), *r;

	if (bare)
		plen = 0;
	row = cy + dir * (by < n ? by : n);
	row = row < 0 ? 0 : row >= n ? n - 1 : row;
	if (plen == 0 && row != cy) {
		if (*goal < 0)
			*goal = cx;
		r = &rows[row];
		len = strlen(s);
		/* each offset drawn on the row, left to right: the last at or left of goal */
		for (q = r->after_hang ? r->off - 1 : r->off;; q += c) {
			cw = q < len ? input_char(s + q, len - q, &c) : 0;
			if (col > *goal)
				break;
			if (input_on(r, q) && (q == len || s[q] == '\n' || cw > 0))
				to = (int)q;
			if (q >= r->off + r->len)
				break;
			if (q >= r->off)
				col += cw;   /* the hanging space above is drawn on no column of this row */
		}
	}
	free(rows);
	free(s);
	return to;
}

/* The n bytes of s with each tab as INPUT_TAB_W spaces; malloc'd. */
static char *
input_untab(const char *s, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		if (s[i] == '\t')
			buf_addf(&b, "%*s", INPUT_TAB_W, "");
		else
			buf_addc(&b, s[i]);
	return buf_detach(&b);
}

static void
draw_input(struct tui *t, int top, int *cur_y, int *cur_x)
{
	int point = 0, cy, cx, n, first, i, x;
	size_t plen, off, len, p;
	char *s = input_shown(&point, &plen), *vis;
	struct in_row *rows = input_rows(s, point, input_cols(t), &n, &cy, &cx);

	first = cy - t->input_rows + 1 > 0 ? cy - t->input_rows + 1 : 0;
	if (first + t->input_rows > n)
		first = n - t->input_rows > 0 ? n - t->input_rows : 0;
	for (i = 0; i < t->input_rows && first + i < n; i++) {
		x = 2;
		off = rows[first + i].off;
		len = rows[first + i].len;
		tui_seg(t, top + i, &x, 4, first + i == 0 && plen == 0 ? "> " : "  ", THEME_USER,
		    THEME_BOLD);
		/* a search prompt in front of the line is drawn dim */
		p = off < plen ? (plen - off < len ? plen - off : len) : 0;
		vis = input_untab(s + off, p);
		tui_seg(t, top + i, &x, t->w - 2, vis, THEME_DIM, 0);
		free(vis);
		vis = input_untab(s + off + p, len - p);
		tui_seg(t, top + i, &x, t->w - 2, vis, THEME_TEXT, 0);
		free(vis);
	}
	*cur_y = top + cy - first;
	*cur_x = 4 + cx;
	free(rows);
	free(s);
}

/*
 * The keys of the list open, as the bottom rule says them: the longest form that
 * fits whole (text runs from column 2 to w - 3), so that Esc and what typing does
 * are never cut off.
 */
static const char *
picker_keys(const struct tui *t)
{
	static const char *const filter[] = { "type to filter \xc2\xb7 Enter choose \xc2\xb7 Esc close",
		"type to filter \xc2\xb7 Enter \xc2\xb7 Esc", "Enter \xc2\xb7 Esc", NULL };
	static const char *const choose[] = { "Enter choose \xc2\xb7 Esc close", "Enter \xc2\xb7 Esc",
		NULL };
	static const char *const help[] = { "Up/Down/PgUp/PgDn scroll \xc2\xb7 Esc closes \xc2\xb7 "
		"typing goes to the input", "PgUp/PgDn \xc2\xb7 Esc closes \xc2\xb7 typing goes to the "
		"input", "Esc closes \xc2\xb7 typing goes to input", "Esc or typing closes", "Esc closes",
		NULL };
	static const char *const usage[] = { "Up/Down/PgUp/PgDn scroll \xc2\xb7 q or Esc closes "
		"\xc2\xb7 typing goes to the input", "PgUp/PgDn \xc2\xb7 q or Esc closes \xc2\xb7 typing "
		"goes to the input", "q or Esc closes \xc2\xb7 typing goes to input", "Esc closes \xc2\xb7 "
		"typing goes to input", "Esc or typing closes", "Esc closes", NULL };
	const char *const *forms = t->pick.filter ? filter : t->pick.sel >= 0 ? choose :
	    tui_pick_usage(t) ? usage : help;
	int i;

	for (i = 0; forms[i + 1] != NULL; i++)
		if (md_width(forms[i], strlen(forms[i])) <= t->w - 5)
			break;
	return forms[i];
}

static void
draw_picker(struct tui *t, int top, int rows)
{
	struct tui_picker *p = &t->pick;
	int i, x, inner = rows - 2;

	if (rows < 3)
		return;
	if (p->sel >= 0) {
		if (p->sel < p->top)
			p->top = p->sel;
		if (p->sel >= p->top + inner)
			p->top = p->sel - inner + 1;
	}
	if (p->top > (int)p->n - inner)
		p->top = (int)p->n - inner > 0 ? (int)p->n - inner : 0;
	for (i = 0; i < rows; i++) {
		move(top + i, 1);
		attrset(attr_of(t, THEME_TEXT, 0));
		hline(' ', t->w - 2);
		mark(t, top + i, 1, t->w - 2, THEME_TEXT);
	}
	if (p->filter && p->query[0]) {
		char head[192];

		snprintf(head, sizeof(head), "%s \xc2\xb7 filter: %s", p->title, p->query);
		/* what was typed comes first where the title would push it off the rule */
		if (md_width(head, strlen(head)) > t->w - 5)
			snprintf(head, sizeof(head), "filter: %s \xc2\xb7 %s", p->query, p->title);
		hrule(t, top, BOX_LT, BOX_RT, head, THEME_HEADING, 0);
	} else {
		hrule(t, top, BOX_LT, BOX_RT, p->title, THEME_HEADING, 0);
	}
	for (i = 0; i < inner && p->top + i < (int)p->n; i++) {
		int idx = p->top + i;

		x = 2;
		sides(t, top + 1 + i);
		if (idx == p->sel) {
			move(top + 1 + i, 1);
			attrset(attr_of(t, THEME_SELECTED, 0));
			hline(' ', t->w - 2);
			mark(t, top + 1 + i, 1, t->w - 2, THEME_SELECTED);
		}
		tui_seg_cut(t, top + 1 + i, &x, t->w - 2, p->items[idx], idx == p->sel ? THEME_SELECTED :
		    THEME_TEXT, 0);
	}
	if (p->n == 0) {
		x = 2;
		tui_seg(t, top + 1, &x, t->w - 2, "(nothing matches)", THEME_DIM, 0);
	}
	hrule(t, top + rows - 1, BOX_LT, BOX_RT, picker_keys(t), THEME_DIM, 0);
}

/* Rows the input needs now, at most INPUT_MAX_ROWS. */
static int
input_rows_needed(const struct tui *t)
{
	int point = 0, cy, cx, n;
	size_t plen;
	char *s = input_shown(&point, &plen);

	n = input_layout(s, point, input_cols(t), NULL, 0, &cy, &cx);
	free(s);
	if (n > INPUT_MAX_ROWS)
		n = INPUT_MAX_ROWS;
	if (n > t->h - 8)
		n = t->h - 8;
	return n < 1 ? 1 : n;
}

/*
 * In agent mode the message is a task: route its first step as the task
 * will send it, with the agent's system prompt and tool definitions and no
 * history, on a chat kept for that. 0, or a chat_status with *cause.
 */
static int
agent_route(struct tui *t, const char *task, char **cause)
{
	struct agent_opts o = { .task = task, .tier = t->tier, .model = t->pin };

	if (t->step_chat == NULL)
		t->step_chat = chat_new(t->cfg, t->cat, t->ledger);
	return agent_preview(t->step_chat, &o, &t->route, cause);
}

/* Preview the route for the input as it stands, if it changed. */
static void
route_update(struct tui *t)
{
	struct chat_opts o;
	char *cause = NULL, *prompt;
	int point, rc;
	const char *in = tui_input(&point), *msg;
	bool cmd;

	if (!t->route_dirty && t->last_input != NULL && strcmp(t->last_input, in) == 0)
		return;
	t->route_dirty = false;
	free(t->last_input);
	t->last_input = xstrdup(in);
	free(t->route_err);
	t->route_err = NULL;
	t->route_ok = false;
	/* "//" starts a message that starts with a slash, as tui_submit sends it */
	cmd = in[0] == '/' && in[1] != '/';
	msg = cmd ? "" : in[0] == '/' ? in + 1 : in;
	if (t->mode == MODE_APPROVE_EDIT || (tui_blank(msg) && t->natt == 0))
		return;
	prompt = tui_compose(t, msg);
	if (t->agent) {
		rc = agent_route(t, prompt, &cause);
	} else {
		tui_opts(t, &o);
		tui_attach_images(t, &o);
		rc = chat_preview(t->chat, &o, prompt, &t->route, &cause);
	}
	if (rc == 0)
		t->route_ok = true;
	else
		t->route_err = cause ? cause : xstrdup("no route");
	free(prompt);
}

/* Forget which slot drew each cell; resize the record with the screen. */
static void
cells_reset(struct tui *t)
{
	if (t->cells_w != t->w || t->cells_h != t->h) {
		free(t->cells);
		t->cells = xmalloc((size_t)t->w * (size_t)t->h);
		t->cells_w = t->w;
		t->cells_h = t->h;
	}
	memset(t->cells, THEME_NSLOTS, (size_t)t->w * (size_t)t->h);
}

/* The rule under the transcript: what is scrolled out below, or how a reply streams. */
static void
draw_divider(struct tui *t, int y)
{
	char hint[160], key[16], tok[16];

	if (t->view.scroll > 0) {
		/* a question to read on: a page at a time, not a jump past what is unread */
		tui_key_name(tui_action_key(t, t->view.ask != NULL ? ACT_PAGE_DOWN : ACT_END), key,
		    sizeof(key));
		snprintf(hint, sizeof(hint), "%d more %s below \xc2\xb7 %s", t->view.scroll,
		    t->view.scroll == 1 ? "line" : "lines", key);
		hrule(t, y, BOX_LT, BOX_RT, hint, THEME_STATUS, 0);
	} else if (t->streaming != NULL) {
		tui_key_name(tui_action_key(t, ACT_CANCEL), key, sizeof(key));
		/* read once as it grows: a long reply is not counted again at each redraw */
		fmt_tokens(pricing_est_grow(&t->streaming->est, t->streaming->text.data ?
		    t->streaming->text.data : "", t->streaming->text.len), tok, sizeof(tok));
		t->stream_secs = (clock_ms() - t->stream_start) / 1000;
		/*
		 * Nothing yet: the model is thinking, or a retry waits, and no tokens are
		 * counted. On a narrow screen the words go first, the key that cancels last.
		 */
		for (int form = 0; form < 3; form++) {
			const char *what = t->streaming->text.len == 0 ? (form == 0 ?
			    "waiting for the reply \xc2\xb7 " : "waiting \xc2\xb7 ") : form == 0 ?
			    "streaming \xc2\xb7 " : "";

			if (form == 2)
				snprintf(hint, sizeof(hint), "%s cancels", key);
			else if (t->streaming->text.len == 0)
				snprintf(hint, sizeof(hint), "%s%llds \xc2\xb7 %s cancels", what,
				    (long long)t->stream_secs, key);
			else
				snprintf(hint, sizeof(hint), "%s%llds \xc2\xb7 ~%s tok \xc2\xb7 %s cancels",
				    what, (long long)t->stream_secs, tok, key);
			if (md_width(hint, strlen(hint)) <= t->w - 5)
				break;
		}
		hrule(t, y, BOX_LT, BOX_RT, hint, THEME_DIM, 0);
	} else {
		hrule(t, y, BOX_LT, BOX_RT, NULL, THEME_BORDER, 0);
	}
}

/*
 * A status message too long for the bottom border: its lines in the rows above it, the
 * last in the border; when even those are too few, the last shown ends in an ellipsis.
 */
static void
draw_status_lines(struct tui *t)
{
	struct md_doc d;
	int extra, i, x, slot = t->status_error ? THEME_ERROR : THEME_STATUS;
	char *line;

	md_doc_init(&d);
	extra = status_wrap(t, &d);
	for (i = 0; i < extra; i++) {
		int y = t->h - 1 - extra + i;

		sides(t, y);
		x = 2;
		line = xstrndup(d.lines[i].text, d.lines[i].len);
		tui_seg(t, y, &x, t->w - 2, line, slot, 0);
		free(line);
	}
	line = xstrfmt("%.*s%s", (int)d.lines[extra].len, d.lines[extra].text,
	    (size_t)extra + 1 < d.nlines ? ellipsis(t) : "");
	hrule(t, t->h - 1, BOX_BL, BOX_BR, line, slot, 0);
	free(line);
	md_doc_done(&d);
}

/* A key the bottom border offers: its action and what it does, as few words as say it. */
struct footer_key {
	enum tui_action a;
	const char *what;
};

/*
 * The main keys of each mode, as the bottom border offers them. A task is not
 * re-asked (F2 sets the tier it starts on), so agent mode offers the way back
 * to chat and the unfolding of its steps instead.
 */
static const struct footer_key footer_chat[] = { { ACT_HELP, "help" }, { ACT_TIER, "tier" },
	{ ACT_MODEL, "model" }, { ACT_RETRY, "re-ask up" } };
static const struct footer_key footer_agent[] = { { ACT_HELP, "help" }, { ACT_TIER, "tier" },
	{ ACT_MODEL, "model" }, { ACT_AGENT, "chat" }, { ACT_EXPAND, "expand steps" } };

/*
 * The mode's main keys as bound, as many as fit whole, into hint (of size size): a key
 * left unbound is not offered.
 */
static void
footer_keys(const struct tui *t, char *hint, size_t size)
{
	const struct footer_key *keys = t->agent ? footer_agent : footer_chat;
	size_t i, l = 0, fit = 0, n = t->agent ? ARRAY_SIZE(footer_agent) : ARRAY_SIZE(footer_chat);
	int key;
	char k[16];

	hint[0] = '\0';
	for (i = 0; i < n && l < size; i++) {
		if ((key = tui_action_key(t, keys[i].a)) < 0)
			continue;
		tui_key_name(key, k, sizeof(k));
		snprintf(hint + l, size - l, "%s%s %s", l ? " \xc2\xb7 " : "", k, keys[i].what);
		l = strlen(hint);
		/* the rule's text has the frame's columns less its corners and two blanks */
		if (fit == 0 || md_width(hint, l) <= t->w - 5)
			fit = l;
	}
	hint[fit] = '\0';
}

/* The bottom border: the status message, or as many of the main keys as fit whole. */
static void
draw_footer(struct tui *t)
{
	char hint[160], *line;
	size_t n;
	const char *s = status_pick(t, &n);

	if (n > 0 && md_width(s, n) > footer_cols(t)) {
		draw_status_lines(t);
		return;
	}
	if (n > 0) {
		line = xstrndup(s, n);
		hrule(t, t->h - 1, BOX_BL, BOX_BR, line, t->status_error ? THEME_ERROR :
		    THEME_STATUS, 0);
		free(line);
		return;
	}
	footer_keys(t, hint, sizeof(hint));
	hrule(t, t->h - 1, BOX_BL, BOX_BR, hint[0] ? hint : NULL, THEME_DIM, 0);
}

/*
 * Below the smallest layout: only say so (as tmux and htop do) until the window grows;
 * narrower than that, the sizes alone, so that they are not what is cut.
 */
static void
draw_too_small(struct tui *t)
{
	char now[48], need[48];
	const char *lines[2] = { now, need };
	int i, x, y = t->h / 2 - (t->h > 1 ? 1 : 0);

	snprintf(now, sizeof(now), "too small: %dx%d", t->w, t->h);
	snprintf(need, sizeof(need), "llm needs %dx%d", TUI_MIN_W, TUI_MIN_H);
	if (md_width(now, strlen(now)) > t->w || md_width(need, strlen(need)) > t->w) {
		snprintf(now, sizeof(now), "%dx%d", t->w, t->h);
		snprintf(need, sizeof(need), "need %dx%d", TUI_MIN_W, TUI_MIN_H);
	}
	for (i = 0; i < 2 && y + i < t->h; i++) {
		int w = md_width(lines[i], strlen(lines[i]));

		x = w < t->w ? (t->w - w) / 2 : 0;
		tui_seg(t, y + i, &x, t->w, lines[i], i == 0 ? THEME_ERROR : THEME_STATUS, 0);
	}
}

/* Draw the whole screen and push it out with one doupdate. */
void
tui_draw(struct tui *t)
{
	int rows, y, cur_y = 0, cur_x = 0, i;
	char title[128];
	int64_t conv = chat_conversation(t->chat);

	if (t->w < TUI_MIN_W || t->h < TUI_MIN_H) {
		erase();
		cells_reset(t);
		draw_too_small(t);
		attrset(A_NORMAL);
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		t->dirty = false;
		t->last_frame = clock_ms();
		return;
	}
	route_update(t);
	t->input_rows = input_rows_needed(t);
	rows = tui_trans_rows(t);
	erase();
	cells_reset(t);
	if (conv > 0)
		snprintf(title, sizeof(title), "llm \xc2\xb7 conversation %lld", (long long)conv);
	else
		str_copy(title, sizeof(title), "llm");
	hrule(t, 0, BOX_TL, BOX_TR, title, THEME_BORDER, THEME_BOLD);
	for (y = 1; y <= rows; y++)
		sides(t, y);
	draw_transcript(t, 1, rows);
	y = rows + 1;
	draw_divider(t, y);
	sides(t, y + 1);
	tui_draw_route(t, y + 1);
	sides(t, y + 2);
	tui_draw_meter(t, y + 2);
	hrule(t, y + 3, BOX_LT, BOX_RT, NULL, THEME_BORDER, 0);
	for (i = 0; i < t->input_rows; i++)
		sides(t, y + 4 + i);
	draw_input(t, y + 4, &cur_y, &cur_x);
	draw_footer(t);
	if (t->mode == MODE_PICK_MODEL || t->mode == MODE_PICK_CONV || t->mode == MODE_HELP)
		draw_picker(t, 1, rows + 1 < t->h - 1 ? rows + 1 : t->h - 1);
	attrset(A_NORMAL);
	if (cur_y >= 0 && cur_y < t->h && cur_x < t->w)
		move(cur_y, cur_x);
	curs_set(t->mode == MODE_INPUT || t->mode == MODE_APPROVE_EDIT ? 1 : 0);
	wnoutrefresh(stdscr);
	doupdate();
	t->dirty = false;
	t->last_frame = clock_ms();
	tui_ask_drawn(t);
}
