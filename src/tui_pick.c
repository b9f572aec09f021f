/* tui_pick: the lists shown over the transcript: models to pin, conversations, help. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "cred.h"
#include "history.h"
#include "ledger.h"
#include "store.h"
#include "tui_priv.h"
#include "util.h"
#include "visible.h"

#define CONV_LIST_MAX 200
#define HELP_MIN_TEXT 20   /* the fewest columns a help text is wrapped to beside its lead */

/* Add an item to the open picker; it takes item (malloc'd). */
void
tui_pick_add(struct tui_picker *p, char *item, int64_t id)
{
	p->all = xreallocarray(p->all, p->nall + 1, sizeof(*p->all));
	p->all_ids = xreallocarray(p->all_ids, p->nall + 1, sizeof(*p->all_ids));
	p->all[p->nall] = item;
	p->all_ids[p->nall] = id;
	p->nall++;
}

/* Show the items that hold the query, ignoring case (all of them for ""). */
void
tui_pick_filter(struct tui_picker *p)
{
	size_t i;

	p->items = xreallocarray(p->items, p->nall ? p->nall : 1, sizeof(*p->items));
	p->ids = xreallocarray(p->ids, p->nall ? p->nall : 1, sizeof(*p->ids));
	p->n = 0;
	for (i = 0; i < p->nall; i++) {
		if (p->query[0] && strcasestr(p->all[i], p->query) == NULL)
			continue;
		p->items[p->n] = p->all[i];
		p->ids[p->n] = p->all_ids[i];
		p->n++;
	}
	if (p->sel >= (int)p->n)
		p->sel = p->n > 0 ? (int)p->n - 1 : 0;
}

/*
 * Return s in cols columns: cut at a character boundary and ending in an ellipsis
 * ("..." without UTF-8) when longer, so that a cut title does not read as whole;
 * padded with blanks to cols.
 */
static char *
fit_cols(const struct tui *t, const char *s, int cols)
{
	const char *ell = t->unicode ? "\xe2\x80\xa6" : "...";
	size_t i = 0, n = strlen(s), c, keep = 0, el = 0;
	int w = 0, cw, kept = 0, ew = md_width(ell, strlen(ell));
	char *out;

	while (i < n) {
		for (c = 1; i + c < n && ((unsigned char)s[i + c] & 0xc0) == 0x80; c++)
			;
		cw = md_width(s + i, c);
		if (w + cw > cols)
			break;
		w += cw;
		i += c;
		if (w <= cols - ew) {
			keep = i;
			kept = w;
		}
	}
	if (i < n && cols >= ew) {
		i = keep;
		w = kept + ew;
		el = strlen(ell);
	}
	out = xmalloc(i + el + (size_t)(cols - w) + 1);
	memcpy(out, s, i);
	memcpy(out + i, ell, el);
	memset(out + i + el, ' ', (size_t)(cols - w));
	out[i + el + (size_t)(cols - w)] = '\0';
	return out;
}

/* A price per million tokens: "$0.10", "$0.025", "?". */
static void
per_m(int64_t pico, char *out, size_t n)
{
	int64_t d, frac;
	int digits = 2;

	if (pico < 0) {
		snprintf(out, n, "?");
		return;
	}
	/* pico-dollars per token is micro-dollars per million */
	d = pico / 1000000;
	frac = pico % 1000000;
	while (digits < 6) {
		int64_t div = 1;
		int i;

		for (i = 0; i < 6 - digits; i++)
			div *= 10;
		if (frac % div == 0)
			break;
		digits++;
	}
	{
		int64_t div = 1;
		int i;

		for (i = 0; i < 6 - digits; i++)
			div *= 10;
		snprintf(out, n, "$%lld.%0*lld", (long long)d, digits, (long long)(frac / div));
	}
}

/* Where m's key would come from, found without reading it: "key: env", "no key", ... */
static const char *
model_key(const struct tui *t, const struct model *m)
{
	const struct provider_conf *pc = config_provider(t->cfg, m->provider);

	if (pc == NULL)
		return "no provider";
	if (!pc->requires_key)
		return "no key needed";
	switch (cred_probe(pc)) {
	case CRED_ENV:
		return "key: env";
	case CRED_KEYRING:
		return "key: keyring";
	case CRED_COMMAND:
		return "key: command";
	case CRED_NONE:
		break;
	}
	return "no key";
}

/*
 * Model m's row in layout k: 0 a column each for name, tier, prices, provider and
 * key; 1 without the provider; 2 without the key either; 3 the name (cut to wname
 * columns, with a sign) and its prices in/out alone.
 */
static char *
model_row(const struct tui *t, const struct model *m, int k, int wname)
{
	const char *mark = t->pin && strcmp(t->pin, m->name) == 0 ? "*" : " ";
	char in[32], out[32], *name, *row;

	per_m(m->in_price, in, sizeof(in));
	per_m(m->out_price, out, sizeof(out));
	if (k == 0)
		return xstrfmt("%s %-*s %-8s in %-8s out %-8s %-12s %s", mark, wname, m->name,
		    tier_str(m->tier), in, out, m->provider, model_key(t, m));
	if (k == 1)
		return xstrfmt("%s %-*s %-8s in %-8s out %-8s %s", mark, wname, m->name,
		    tier_str(m->tier), in, out, model_key(t, m));
	if (k == 2)
		return xstrfmt("%s %-*s %-8s in %-8s out %s", mark, wname, m->name, tier_str(m->tier),
		    in, out);
	name = fit_cols(t, m->name, wname);
	row = xstrfmt("%s %s %s/%s", mark, name, in, out);
	free(name);
	return row;
}

/*
 * The models, the names' column as wide as the longest (up to 26), in the first
 * layout whose rows fit the screen whole: a narrow one drops the provider, then
 * the key, then the tier, so that the prices, what a user picks by, stay.
 */
static void
pick_models(struct tui *t)
{
	size_t i, n = catalog_count(t->cat);
	int wname = 1, wprice = 1, k, most, avail = t->w - 4;
	char in[32], out[32];

	for (i = 0; i < n; i++) {
		const struct model *m = catalog_at(t->cat, i);
		size_t l = strlen(m->name);

		if ((int)l > wname)
			wname = l > 26 ? 26 : (int)l;
		per_m(m->in_price, in, sizeof(in));
		per_m(m->out_price, out, sizeof(out));
		if ((int)(strlen(in) + strlen(out) + 1) > wprice)
			wprice = (int)(strlen(in) + strlen(out) + 1);
	}
	for (k = 0; k < 3; k++) {
		for (i = 0, most = 0; i < n && most <= avail; i++) {
			char *row = model_row(t, catalog_at(t->cat, i), k, wname);
			int w = md_width(row, strlen(row));

			most = w > most ? w : most;
			free(row);
		}
		if (most <= avail)
			break;
	}
	if (k == 3 && wname > avail - 3 - wprice)
		wname = avail - 3 - wprice > 4 ? avail - 3 - wprice : 4;
	str_copy(t->pick.title, sizeof(t->pick.title), k == 3 ? "pin a model ($ per M tokens in/out)" :
	    t->w - 5 >= 39 ? "pin a model (prices per million tokens)" : "pin a model ($ per M tokens)");
	tui_pick_add(&t->pick, xstrfmt("%s (no pin: route by tier)", t->pin ? " " : "*"), -1);
	for (i = 0; i < n; i++) {
		const struct model *m = catalog_at(t->cat, i);

		tui_pick_add(&t->pick, model_row(t, m, k, wname), (int64_t)i);
		if (t->pin && strcmp(t->pin, m->name) == 0)
			t->pick.sel = (int)t->pick.nall - 1;
	}
}

/* When a conversation was last used, in the user's own zone: the year left out when short. */
static void
conv_when(int64_t when, bool shorter, char *out, size_t n)
{
	time_t tt = (time_t)when;
	struct tm tm;

	/* the user's own zone, whatever a team's ledger counts its months in */
	if (ledger_user_time((int64_t)tt, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(out, n, shorter ? "%m-%d %H:%M" : "%Y-%m-%d %H:%M", &tm);
}

/*
 * Columns a conversation's title gets in a row of the resume picker: at most 40,
 * and what the screen leaves beside the number, the date (*shorter: without the
 * year) and, unless *bare, the count of messages; 0 when it is too narrow for one.
 */
static int
conv_title_cols(const struct tui *t, int rest, bool *shorter, bool *bare)
{
	int avail = t->w - 4, cols = avail - 7 - 16 - 2 - 2 - rest;

	*shorter = *bare = false;
	if (cols >= 20)
		return cols < 40 ? cols : 40;
	*shorter = *bare = true;
	cols = avail - 7 - 11 - 2;
	return cols > 4 ? cols : 4;
}

static void
pick_convs(struct tui *t)
{
	struct store_conv *c = NULL;
	char *cause = NULL, when[32], *shown;
	size_t n = 0, i;
	int tw;
	bool shorter, bare;

	str_copy(t->pick.title, sizeof(t->pick.title), "resume a conversation");
	if (t->ledger == NULL || store_conv_list(ledger_store(t->ledger), CONV_LIST_MAX, &c, &n,
	    &cause) != 0) {
		tui_status(t, true, "conversations: %s", cause ? cause : "no ledger");
		free(cause);
		return;
	}
	tw = conv_title_cols(t, 9, &shorter, &bare);   /* "9999 msgs" */
	for (i = 0; i < n; i++) {
		char *title = c[i].title ? visible_str(c[i].title, strlen(c[i].title)) :
		    xstrdup("(untitled)");

		/* A title is the start of a prompt: one line, made visible, cut to fit. */
		for (char *p = title; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		shown = fit_cols(t, title, tw);
		free(title);
		title = shown;
		conv_when(c[i].updated, shorter, when, sizeof(when));
		if (bare)
			tui_pick_add(&t->pick, xstrfmt("#%-5lld %s  %s", (long long)c[i].id, when, title),
			    c[i].id);
		else
			tui_pick_add(&t->pick, xstrfmt("#%-5lld %s  %s  %lld msgs", (long long)c[i].id,
			    when, title, (long long)c[i].nmsgs), c[i].id);
		free(title);
	}
	store_convs_free(c, n);
	if (n == 0)
		tui_status(t, false, "no conversations yet");
}

/*
 * Bytes of s[0..n) that fill at most w columns: up to the last space that fits,
 * else after the last | of a list of choices ([auto|cheap|mid|frontier]), if any.
 */
static size_t
help_cut(const char *s, size_t n, int w)
{
	size_t i = 0, c, space = 0, bar = 0;
	int used = 0, cw;

	while (i < n) {
		for (c = 1; i + c < n && ((unsigned char)s[i + c] & 0xc0) == 0x80; c++)
			;
		cw = md_width(s + i, c);
		if (used + cw > w)
			return space > 0 ? space : bar > 0 ? bar : i > 0 ? i : c;
		if (s[i] == ' ')
			space = i;
		else if (s[i] == '|' && used + cw < w)
			bar = i + 1;
		used += cw;
		i += c;
	}
	return n;
}

/*
 * Add a lead that does not share a row with its text. One wider than the row has
 * its padding squeezed to one space and is broken at spaces into rows of at most
 * cols columns, each as indented as the first, so that no key or name is cut.
 */
static void
help_lead(struct tui *t, const char *lead, int cols)
{
	char *s, *w;
	const char *r = lead, *p;
	size_t n, cut;
	int indent;

	if (md_width(lead, strlen(lead)) <= cols) {
		tui_pick_add(&t->pick, xstrdup(lead), 0);
		return;
	}
	s = w = xstrdup(lead);
	while (*r == ' ')
		*w++ = *r++;
	indent = (int)(w - s);
	for (; *r != '\0'; r++)
		if (*r != ' ' || w[-1] != ' ')
			*w++ = *r;
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	p = s + indent;
	n = strlen(p);
	do {
		cut = help_cut(p, n, cols - indent);
		tui_pick_add(&t->pick, xstrfmt("%*s%.*s", indent, "", (int)cut, p), 0);
		p += cut;
		n -= cut;
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
	} while (n > 0);
	free(s);
}

/* Columns of text's widest word. */
static int
help_longest_word(const char *text)
{
	int most = 0, w;
	size_t n;

	while (*text != '\0') {
		n = strcspn(text, " ");
		w = md_width(text, n);
		most = w > most ? w : most;
		text += n;
		text += strspn(text, " ");
	}
	return most;
}

/*
 * Add lead padded to col columns, then text broken at spaces into rows as wide
 * as the picker shows (columns 2 to w - 2), each row after the first starting
 * at col. A lead that leaves no blank before col gets a row of its own; so does
 * one on a screen too narrow for HELP_MIN_TEXT columns of text beside it, and
 * its text then starts 4 in (2 where a word of it is too wide for that).
 */
void
tui_help_add(struct tui *t, const char *lead, int col, const char *text)
{
	int cols = t->w - 4 > 8 ? t->w - 4 : 8, lw = md_width(lead, strlen(lead));
	size_t n = strlen(text), cut;

	if (col > cols / 2)
		col = cols / 2;
	if (lead[0] != '\0' && (lw >= col || cols - col < HELP_MIN_TEXT)) {
		help_lead(t, lead, cols);
		lead = "";
		lw = 0;
		/* a column too narrow for longer words: the text goes under the lead instead,
		 * less indented where a word of it would not fit whole */
		if (cols - col < HELP_MIN_TEXT)
			col = cols - help_longest_word(text) < 4 ? 2 : 4;
	}
	do {
		cut = help_cut(text, n, cols - col);
		tui_pick_add(&t->pick, xstrfmt("%s%*s%.*s", lead, col - lw, "", (int)cut, text), 0);
		lead = "";
		lw = 0;
		text += cut;
		n -= cut;
		while (n > 0 && *text == ' ') {
			text++;
			n--;
		}
	} while (n > 0);
}

/* Where action a's key comes in the help: function keys by number, then other keys, then none. */
static int
help_rank(const struct tui *t, enum tui_action a)
{
	int rank = 200, k;
	size_t j;

	for (j = 0; j < t->nbinds; j++) {
		if (t->binds[j].action != a)
			continue;
		k = t->binds[j].key & ~TK_FN;
		if ((t->binds[j].key & TK_FN) && k >= KEY_F(1) && k <= KEY_F(24))
			rank = rank < k - KEY_F(0) ? rank : k - KEY_F(0);
		else if (rank > 100)
			rank = 100;
	}
	return rank;
}

/* The help's line for action a: its keys, its name, what it does. */
static void
help_key_line(struct tui *t, enum tui_action a)
{
	char key[32], keys[96], *lead;
	size_t j;

	keys[0] = '\0';
	for (j = 0; j < t->nbinds; j++) {
		if (t->binds[j].action != a)
			continue;
		tui_key_name(t->binds[j].key, key, sizeof(key));
		if (keys[0])
			strncat(keys, " ", sizeof(keys) - strlen(keys) - 1);
		strncat(keys, key, sizeof(keys) - strlen(keys) - 1);
	}
	lead = xstrfmt("  %-14s %-10s", keys[0] ? keys : "(unbound)", tui_action_name(a));
	tui_help_add(t, lead, 28, tui_action_help(a));
	free(lead);
}

/*
 * The help: the keys in the order they are pressed by (F1, F2, ... as bound now, then
 * the others as the verb table has them, the unbound last), the commands, and notes.
 */
static void
pick_help(struct tui *t)
{
	enum tui_action order[ACT_COUNT];
	size_t i, j, n = 0;

	str_copy(t->pick.title, sizeof(t->pick.title), "help");
	tui_pick_add(&t->pick, xstrdup("Keys"), 0);
	for (i = ACT_NONE + 1; i < ACT_COUNT; i++) {
		if (tui_verbs[i].key_help == NULL)
			continue;
		/* an insertion sort, stable: equal ranks keep the table's order */
		for (j = n++; j > 0 && help_rank(t, order[j - 1]) > help_rank(t, (enum tui_action)i);
		    j--)
			order[j] = order[j - 1];
		order[j] = (enum tui_action)i;
	}
	for (i = 0; i < n; i++)
		help_key_line(t, order[i]);
	tui_pick_add(&t->pick, xstrdup(""), 0);
	tui_pick_add(&t->pick, xstrdup("Commands"), 0);
	tui_help_commands(t);
	tui_pick_add(&t->pick, xstrdup(""), 0);
	tui_help_add(t, "", 0, "Input is readline: history, emacs or vi keys from ~/.inputrc.");
	tui_help_add(t, "", 0, "Up and Down move between the rows of a long input; on its first "
	    "or last row they go through the history, as C-p and C-n do on any row.");
	tui_help_add(t, "", 0, "C-d on an empty line quits; while a reply streams, press it twice "
	    "(the partial answer and its cost are kept, as with C-c).");
	tui_help_add(t, "", 0, "Enter sends; pastes keep their newlines; [keys] in config.ini "
	    "rebinds (action = KEY).");
	tui_help_add(t, "", 0, "A line starting // is a message starting with one slash.");
	tui_help_add(t, "", 0, "An agent task's approval: y yes, n no, a always (this task), "
	    "d whole diff, e edit the command first.");
	tui_help_add(t, "", 0, "Its cap's question: y adds the first cap again, + or a digit "
	    "types another amount, n stops.");
	t->pick.sel = -1;
}

/* Open a picker or the help over the transcript. */
void
tui_pick_open(struct tui *t, enum tui_mode mode)
{
	tui_pick_close(t);
	t->pick.sel = 0;
	if (mode == MODE_PICK_MODEL)
		pick_models(t);
	else if (mode == MODE_PICK_CONV)
		pick_convs(t);
	else
		pick_help(t);
	if (t->pick.nall == 0) {
		tui_pick_close(t);
		return;
	}
	t->pick.filter = mode != MODE_HELP;
	tui_pick_filter(&t->pick);
	t->mode = mode;
	t->dirty = true;
}

/*
 * One line of text made visible, its line breaks spaces, cut to cols columns;
 * padded to them when pad (a column that others follow); malloc'd.
 */
static char *
one_line(const struct tui *t, const char *s, int cols, bool pad)
{
	char *v = visible_str(s, strlen(s)), *p, *cut;
	size_t n;

	for (p = v; *p; p++)
		if (*p == '\n' || *p == '\t' || *p == '\r')
			*p = ' ';
	cut = fit_cols(t, v, cols);
	free(v);
	for (n = strlen(cut); !pad && n > 0 && cut[n - 1] == ' '; n--)
		cut[n - 1] = '\0';
	return cut;
}

/* /search TEXT: the conversations whose messages hold every word, in the resume picker. */
void
tui_pick_search(struct tui *t, const char *text)
{
	struct history_hit *h = NULL;
	char *cause = NULL, when[32], *title, *snip;
	size_t n = 0, i, shown = 0;
	int tw, sw;
	bool shorter, bare;

	tui_pick_close(t);
	if (t->ledger == NULL || history_search(ledger_store(t->ledger), text, CONV_LIST_MAX * 4,
	    false, &h, &n, &cause) != 0) {
		tui_status(t, true, "/search: %s", cause ? cause : "no ledger");
		free(cause);
		return;
	}
	title = one_line(t, text, 60, false);
	snprintf(t->pick.title, sizeof(t->pick.title), "conversations holding: %s", title);
	free(title);
	/*
	 * The title's column, and the match's beside it where at least 12 columns are
	 * left; else the title alone, the year left out where even that is short.
	 */
	sw = t->w - 4 - 7 - 16 - 2 - 30 - 2;
	sw = sw > 60 ? 60 : sw;
	bare = sw < 12;
	shorter = t->w - 4 - 7 - 16 - 2 < 16;
	tw = !bare ? 30 : t->w - 4 - 7 - (shorter ? 11 : 16) - 2;
	tw = tw > 4 ? tw : 4;
	for (i = 0; i < n; i++) {
		if (i > 0 && h[i].conv == h[i - 1].conv)
			continue;   /* one line per conversation: its first match */
		conv_when(h[i].updated, shorter, when, sizeof(when));
		title = one_line(t, h[i].title ? h[i].title : "(untitled)", tw, !bare);
		if (bare) {
			tui_pick_add(&t->pick, xstrfmt("#%-5lld %s  %s", (long long)h[i].conv, when,
			    title), h[i].conv);
		} else {
			snip = one_line(t, h[i].snippet ? h[i].snippet : "", sw, false);
			tui_pick_add(&t->pick, xstrfmt("#%-5lld %s  %s  %s", (long long)h[i].conv, when,
			    title, snip), h[i].conv);
			free(snip);
		}
		free(title);
		shown++;
	}
	history_hits_free(h, n);
	if (shown == 0) {
		tui_pick_close(t);
		tui_status(t, false, "/search: no message holds that");
		return;
	}
	t->pick.sel = 0;
	t->pick.filter = true;
	t->pick.search = xstrdup(text);
	tui_pick_filter(&t->pick);
	t->mode = MODE_PICK_CONV;
	t->dirty = true;
}

/*
 * Each list's rows are laid out for the size it opened at (columns dropped, titles cut):
 * made again for a new one, the filter typed, the row chosen (by its id) and the place in
 * the list are kept. /search's list searches again for its text.
 */
void
tui_pick_relayout(struct tui *t)
{
	struct tui_picker *p = &t->pick;
	enum tui_mode mode = t->mode;
	char query[sizeof(p->query)], *search = p->search ? xstrdup(p->search) : NULL;
	int64_t id = p->sel >= 0 && p->sel < (int)p->n ? p->ids[p->sel] : 0;
	int sel = p->sel, top = p->top;

	str_copy(query, sizeof(query), p->query);
	if (search != NULL)
		tui_pick_search(t, search);
	else
		tui_pick_open(t, mode);
	free(search);
	if (t->mode != mode)
		return;   /* nothing left to list */
	str_copy(p->query, sizeof(p->query), query);
	tui_pick_filter(p);
	for (size_t i = 0; sel >= 0 && i < p->n; i++)
		if (p->ids[i] == id)
			sel = (int)i;
	if (sel >= 0)
		p->sel = sel < (int)p->n ? sel : 0;
	p->top = top;
}

/* Whether the view open is /usage's (kept in the help's mode, it scrolls as the help does). */
bool
tui_pick_usage(const struct tui *t)
{
	return t->mode == MODE_HELP && strcmp(t->pick.title, "usage") == 0;
}

/* Close the picker. */
void
tui_pick_close(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->pick.nall; i++)
		free(t->pick.all[i]);
	free(t->pick.all);
	free(t->pick.all_ids);
	free(t->pick.items);
	free(t->pick.ids);
	free(t->pick.search);
	memset(&t->pick, 0, sizeof(t->pick));
	t->mode = MODE_INPUT;
	t->dirty = true;
}

static void
pick_choose(struct tui *t)
{
	struct tui_picker *p = &t->pick;
	enum tui_mode mode = t->mode;
	int64_t id;

	if (p->sel < 0 || p->sel >= (int)p->n)
		return;
	id = p->ids[p->sel];
	tui_pick_close(t);
	if (mode == MODE_PICK_MODEL) {
		free(t->pin);
		t->pin = NULL;
		if (id >= 0)
			t->pin = xstrdup(catalog_at(t->cat, (size_t)id)->name);
		t->route_dirty = true;
		tui_status(t, false, t->pin ? "pinned %s: every message goes to it" :
		    "unpinned: messages are routed by tier%s", t->pin ? t->pin : "");
	} else if (mode == MODE_PICK_CONV) {
		tui_resume(t, id);
	}
}

/*
 * Whether some of the question waiting (a command, a diff) has not been on the
 * screen since it was asked: then y allows nothing, and the status says, for
 * what ("run"), how to read the rest.
 */
bool
tui_ask_unread(struct tui *t, const char *what)
{
	size_t n = tui_view_ask_unread(&t->view);
	char k[16], *f[3];

	if (n == 0)
		return false;
	if (!t->ask_refused) {
		str_copy(t->ask_status, sizeof(t->ask_status), t->status);
		t->ask_status_error = t->status_error;
		t->ask_refused = true;
	}
	tui_key_name(tui_action_key(t, ACT_PAGE_DOWN), k, sizeof(k));
	f[0] = xstrfmt("%s? %zu %s of it not on the screen yet: %s reads on, then y", what, n,
	    n == 1 ? "line" : "lines", k);
	f[1] = xstrfmt("%s? read it all first: %s, then y", what, k);
	f[2] = xstrfmt("%s? %s first", what, k);
	tui_status_forms(t, true, (const char *const *)f, ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		free(f[i]);
	return true;
}

/*
 * The command in the transcript, from its first line (the scroll keys move through it
 * while the question waits, and y waits until all of it was shown), and the keys on the
 * status line, short enough to fit the smallest screen: a command on the status line
 * would push them off it.
 */
void
tui_confirm(struct tui *t, char *cmd, const char *danger)
{
	struct tui_msg *m;
	struct buf q;
	int hang;

	free(t->confirm_cmd);
	t->confirm_cmd = cmd;
	t->mode = MODE_CONFIRM;
	tui_ask_begin(t);
	/* a script's lines under its first, as they are: the command stands apart, whole */
	buf_init(&q, 0);
	hang = tui_view_hung(&q, "? run ", cmd);
	if (danger != NULL)
		buf_addf(&q, "\n  !! deletes or overwrites (%s)", danger);
	m = tui_view_add(&t->view, TUI_NOTE, q.data, q.len);
	m->hang = hang;
	buf_done(&q);
	tui_view_ask(&t->view, m);
	tui_status(t, danger != NULL, "run it? y runs it, any other key does not");
}

/* A key for /run's question: y runs the command, anything else does not. */
static void
confirm_key(struct tui *t, int key)
{
	char *cmd = t->confirm_cmd;
	bool yes = key == 'y' || key == 'Y';
	static const char said[2][12] = { "\n  \xe2\x86\x92 no", "\n  \xe2\x86\x92 yes" };

	if (yes && tui_ask_unread(t, "run it"))
		return;
	t->confirm_cmd = NULL;
	t->mode = MODE_INPUT;
	/* the answer stays under the question, as an agent's does: read back, it says what was done */
	if (t->view.ask != NULL)
		tui_view_append(&t->view, t->view.ask, said[yes], strlen(said[yes]));
	tui_view_ask(&t->view, NULL);
	if (yes)
		tui_run_attach(t, cmd);
	else
		tui_status(t, false, "not run");
	free(cmd);
}

/* Typing in a list narrows it; Backspace widens it again. True if the key was used. */
static bool
filter_key(struct tui_picker *p, int key)
{
	size_t len = strlen(p->query);
	char mb[8];
	int n;

	if (!p->filter)
		return false;
	if (key == (TK_FN | KEY_BACKSPACE) || key == 127 || key == 8) {
		/* drop the last character, not just its last byte */
		while (len > 0 && ((unsigned char)p->query[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		p->query[len] = '\0';
	} else if (key >= 32 && !(key & (TK_FN | TK_META)) && key != 127) {
		n = wctomb(mb, (wchar_t)key);
		if (n <= 0 || len + (size_t)n >= sizeof(p->query))
			return true;
		memcpy(p->query + len, mb, (size_t)n);
		p->query[len + (size_t)n] = '\0';
	} else {
		return false;
	}
	p->sel = 0;
	p->top = 0;
	tui_pick_filter(p);
	return true;
}

/* A key while a picker, the help or a confirmation is open. */
void
tui_pick_key(struct tui *t, int key)
{
	struct tui_picker *p = &t->pick;
	int page = tui_trans_rows(t) - 2, *pos = p->sel >= 0 ? &p->sel : &p->top;

	if (t->mode == MODE_CONFIRM) {
		confirm_key(t, key);
		return;
	}
	if (t->mode == MODE_APPROVE || t->mode == MODE_AGENT_ASK) {
		tui_agent_key(t, key);
		return;
	}
	if (filter_key(p, key))
		return;
	if (page < 1)
		page = 1;
	if (key == (TK_FN | KEY_UP) || key == 16)
		(*pos)--;
	else if (key == (TK_FN | KEY_DOWN) || key == 14)
		(*pos)++;
	else if (key == (TK_FN | KEY_PPAGE))
		*pos -= page;
	else if (key == (TK_FN | KEY_NPAGE))
		*pos += page;
	else if (key == (TK_FN | KEY_HOME))
		*pos = 0;
	else if (key == (TK_FN | KEY_END))
		*pos = (int)p->n;
	else if (key == '\r' || key == '\n' || key == (TK_FN | KEY_ENTER)) {
		if (p->sel >= 0 && p->n > 0)
			pick_choose(t);
		else
			tui_pick_close(t);
		return;
	} else if (key == 27 || key == 3 || key == (TK_FN | KEY_F(1)) ||
	    (key == 'q' && tui_pick_usage(t))) {
		tui_pick_close(t);
		return;
	}
	if (*pos >= (int)p->n)
		*pos = (int)p->n - 1;
	if (*pos < 0)
		*pos = 0;
}
