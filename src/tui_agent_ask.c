/* tui_agent_ask: a task's questions (a call's approval, more under the cap) and their answers. */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "pricing.h"
#include "tui_agent_priv.h"
#include "tui_priv.h"
#include "util.h"

/* Whether the pending diff is longer than what is shown of it. */
static bool
ask_folded(const struct tui *t)
{
	const char *p = t->ag.ask_preview;
	int n = 0;

	if (p == NULL || strcmp(t->ag.ask_tool, "run") == 0)
		return false;
	for (; *p != '\0'; p++)
		n += *p == '\n';
	return n > TUI_AGENT_DIFF_LINES;
}

/* The pending call: "? run CMD", or "? edit" and its diff (its first lines unless d). */
static void
render_ask(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	struct buf x;

	buf_init(&x, 0);
	if (strcmp(g->ask_tool, "run") == 0)
		g->ask_entry->hang = tui_view_hung(&x, "? run ", g->ask_preview);
	else
		buf_addf(&x, "? %s", g->ask_tool);
	if (g->ask_why != NULL)
		buf_addf(&x, "\n  not allowed without asking: %s", g->ask_why);
	if (strcmp(g->ask_tool, "run") != 0)
		tui_agent_add_lines(&x, "  ", g->ask_preview, g->ask_full ? INT_MAX : TUI_AGENT_DIFF_LINES);
	tui_view_set(&t->view, g->ask_entry, x.data, x.len);
	buf_done(&x);
	t->dirty = true;
}

/* What the cap's y adds: the cap the task started with, or what it has now. */
static int64_t
more_default(const struct tui *t)
{
	int64_t first = t->ag.cap0 > 0 ? t->ag.cap0 : t->ag.cap;

	return t->ag.need > first ? t->ag.need : first;
}

/* Whether y offers what the next step needs, being more than the first cap. */
static bool
more_needed(const struct tui *t)
{
	return t->ag.need > (t->ag.cap0 > 0 ? t->ag.cap0 : t->ag.cap);
}

/*
 * The cap's question on the status line: y adds the default amount, or type another. On
 * a narrow screen it shortens, to the bare keys, rather than its keys being cut.
 */
static void
more_question(struct tui *t, int64_t spent)
{
	char a[32], b[32], c[32], *f[4];

	t->ag.spent = spent;
	pricing_format(spent, false, a, sizeof a);
	pricing_format_exact(t->ag.cap, b, sizeof b);
	/* exact, as the cap is: what y adds and the cap it makes add up on the screen */
	pricing_format_exact(more_default(t), c, sizeof c);
	f[0] = xstrfmt("%s could pass the task's cap %s (spent %s): y allows %s more%s, n stops",
	    t->ag.more_what, b, a, c, more_needed(t) ? " (what it needs)" : "");
	f[1] = xstrfmt("over the cap %s: y +%s \xc2\xb7 n stop", b, c);
	f[2] = xstrfmt("cap? y +%s \xc2\xb7 n", c);
	f[3] = xstrdup("cap? y n");
	tui_status_forms(t, true, (const char *const *)f, ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		free(f[i]);
}

/* The cap's question in the transcript, with every way to answer it. */
static void
more_entry(struct tui *t)
{
	char a[32], b[32], c[32], *q;

	pricing_format(t->ag.spent, false, a, sizeof a);
	pricing_format_exact(t->ag.cap, b, sizeof b);
	pricing_format_exact(more_default(t), c, sizeof c);
	q = xstrfmt("? more for this task: %s could pass its cap %s (spent %s)%s\n"
	    "  y continue +%s \xc2\xb7 + or a digit: another amount \xc2\xb7 n stop",
	    t->ag.more_what, b, a, more_needed(t) ? ": it needs that much" : "", c);
	t->ag.ask_entry = tui_view_add(&t->view, TUI_STEP, q, strlen(q));
	free(q);
	t->view.scroll = 0;
}

/*
 * A question held: the user is typing (a message, a /command), not answering,
 * and the letters that follow (the n of /undo, the a of "add", the e of "please")
 * must not decline, allow always or edit the command. Esc gives the question back.
 */
static void
held_status(struct tui *t)
{
	const char *keys = t->ag.asking_more ? "y, n or an amount" :
	    strcmp(t->ag.ask_tool, "run") == 0 ? "y, n, a or e" : "y, n or a";
	char *f[2];

	f[0] = xstrfmt("typed text answers no question, nor do the keys after it: Esc, then %s",
	    keys);
	f[1] = xstrfmt("held: Esc, then %s", keys);
	tui_status_forms(t, true, (const char *const *)f, ARRAY_SIZE(f));
	free(f[0]);
	free(f[1]);
}

/*
 * The approval's keys on the status line, after a note that e edits commands only when
 * refused; on a narrow screen the labels shorten, to the bare keys, rather than a key
 * being cut.
 */
static void
approve_status(struct tui *t, bool refused)
{
	const char *tool = t->ag.ask_tool, *note = refused ? "e edits a command only; " : "";
	bool e = strcmp(tool, "run") == 0, d = ask_folded(t);
	char *f[4];

	if (t->ag.ask_held) {
		held_status(t);   /* F2 while held: the question still waits for Esc */
		return;
	}
	f[0] = xstrfmt("%s? %sy yes \xc2\xb7 n no \xc2\xb7 a always (this task)%s%s", tool, note,
	    e ? " \xc2\xb7 e edit" : "", d ? " \xc2\xb7 d whole diff" : "");
	f[1] = xstrfmt("%s? %sy yes \xc2\xb7 n no \xc2\xb7 a always%s%s", tool, note,
	    e ? " \xc2\xb7 e edit" : "", d ? " \xc2\xb7 d diff" : "");
	f[2] = xstrfmt("%s? %sy n a%s%s", tool, refused ? "e: commands only; " : "",
	    e ? " e" : "", d ? " d" : "");
	f[3] = xstrfmt("%s? y n a%s%s", tool, e ? " e" : "", d ? " d" : "");
	tui_status_forms(t, false, (const char *const *)f, ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		free(f[i]);
}

/* The task asks: an approval for a call, or more room under its cap. */
void
tui_agent_on_ask(struct tui *t, const cJSON *e, bool more)
{
	const char *tool = tui_agent_jstr(e, "tool"), *preview = tui_agent_jstr(e, "preview"), *what = tui_agent_jstr(e, "what");
	const char *why = tui_agent_jstr(e, "why");

	t->ag.step = NULL;
	t->ag.asking_more = more;
	t->ag.ask_held = false;
	free(t->ag.ask_tool);
	t->ag.ask_tool = xstrdup(tool ? tool : "?");
	t->mode = MODE_APPROVE;
	tui_ask_begin(t);
	tui_meter_refresh(t);   /* the task waits: what it spent so far is settled */
	if (more) {
		t->ag.cap = tui_agent_jpico(e, "cap");
		t->ag.need = tui_agent_jpico(e, "need");
		free(t->ag.more_what);
		what = what != NULL ? what : "the next step";
		t->ag.more_what = visible_str(what, strlen(what));
		more_question(t, tui_agent_jpico(e, "spent"));
		more_entry(t);
		return;
	}
	t->ag.shown = true;
	free(t->ag.ask_preview);
	t->ag.ask_preview = xstrdup(preview ? preview : "");
	free(t->ag.ask_why);
	t->ag.ask_why = why != NULL ? visible_str(why, strlen(why)) : NULL;
	t->ag.ask_full = false;
	t->ag.ask_entry = tui_view_add(&t->view, TUI_STEP, "", 0);
	render_ask(t);
	tui_agent_show_price(t, t->ag.ask_entry);
	tui_view_ask(&t->view, t->ag.ask_entry);   /* from its first line, read before y */
	approve_status(t, false);
}

/*
 * The tier key while a call waits for its approval: the task takes the tier
 * from its next step on, and the question stays. Not under the cap's
 * question, whose amounts are the next step's on the tier it had.
 */
bool
tui_agent_tier(struct tui *t)
{
	if (t->mode != MODE_APPROVE || t->ag.asking_more)
		return false;
	tui_tier_cycle(t);
	tui_agent_send_route(t);
	approve_status(t, false);
	return true;
}

/* Leave the input's edit of the command or the amount: the draft typed before is back. */
void
tui_agent_edit_end(struct tui *t)
{
	struct tui_agent *g = &t->ag;

	if (t->mode != MODE_APPROVE_EDIT)
		return;
	tui_input_set(g->draft != NULL ? g->draft : "");
	tui_agent_drop_str(&g->draft);
	t->mode = MODE_APPROVE;
	t->route_dirty = true;
	tui_ask_begin(t);   /* the question is drawn again before a key answers it */
}

/* Edit in the input, prefilled with text: the pending command, or the cap's amount. */
static void
edit_start(struct tui *t, bool amount, const char *text)
{
	struct tui_agent *g = &t->ag;
	int point;

	free(g->draft);
	g->draft = xstrdup(tui_input(&point));
	g->edit_amount = amount;
	tui_input_set(text);
	t->mode = MODE_APPROVE_EDIT;
	t->route_dirty = true;
	if (amount)
		tui_status(t, false, "how much more to allow, in dollars: Enter allows it, Esc "
		    "goes back to the question");
	else
		tui_status(t, false, "edit the command: Enter runs it as it is then, Esc goes back "
		    "to the question");
}

/* Send the task an answer line. */
void
tui_agent_answer(struct tui *t, const char *a)
{
	struct tui_agent *g = &t->ag;
	char *line = xstrfmt("%s\n", a);
	size_t len = strlen(line), off = 0;
	ssize_t n;

	while (g->ans >= 0 && off < len) {
		n = write(g->ans, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* the task is gone; its end is read from the other pipe */
		off += (size_t)n;
	}
	free(line);
	tui_agent_edit_end(t);
	tui_view_ask(&t->view, NULL);
	tui_agent_hide_price(t, g->ask_entry);
	t->mode = MODE_INPUT;
	t->status[0] = '\0';
	t->dirty = true;
}

/* Allow more amount (pico) under the cap: the task goes on. */
static void
allow_more(struct tui *t, int64_t amount)
{
	struct tui_agent *g = &t->ag;
	char num[32], a[32], b[32], *said;

	snprintf(num, sizeof num, "%lld", (long long)amount);
	tui_agent_answer(t, num);
	g->cap += amount;
	pricing_format_exact(amount, a, sizeof a);
	pricing_format_exact(g->cap, b, sizeof b);
	if (g->ask_entry != NULL) {
		said = xstrfmt("  \xe2\x86\x92 +%s", a);
		tui_agent_entry_add(t, g->ask_entry, said);
		free(said);
	}
	said = xstrfmt("the cap is raised: the task goes on (+%s, the cap is now %s)", a, b);
	tui_view_add(&t->view, TUI_NOTE, said, strlen(said));
	free(said);
}

/* The edited command: run it in place of the model's. */
static void
edited_command(struct tui *t, const char *cmd)
{
	struct tui_agent *g = &t->ag;
	cJSON *j;
	char *enc, *line, *v;

	if (*cmd == '\0' || strlen(cmd) > TUI_AGENT_EDIT_MAX) {
		tui_status(t, true, *cmd == '\0' ? "the command is empty: Esc goes back to the "
		    "question (n declines it)" : "the command is longer than %d bytes", TUI_AGENT_EDIT_MAX);
		return;
	}
	j = cJSON_CreateString(cmd);
	enc = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	line = xstrfmt("e %s", enc != NULL ? enc : "\"\"");
	free(enc);
	v = visible_str(cmd, strlen(cmd));
	tui_agent_answer(t, line);
	free(line);
	if (g->ask_entry != NULL) {
		char *said = xstrfmt("  \xe2\x86\x92 edited: %s", v);

		tui_agent_entry_add(t, g->ask_entry, said);
		free(said);
	}
	free(v);
}

/* The amount typed at the cap's question: "0.10", "$0.10" or "+$0.10". */
static void
typed_amount(struct tui *t, const char *text)
{
	char *s = xstrdup(text), *p = str_trim(s);
	int64_t amount = 0;

	if (*p == '+')
		p = str_trim(p + 1);
	if (*p == '$')
		p++;
	if (!str_to_fixed(p, 12, &amount) || amount <= 0 || amount > INT64_MAX - t->ag.cap)
		tui_status(t, true, "'%s' is not an amount in dollars (e.g. 0.10): Esc goes back to "
		    "the question", str_trim(s));
	else
		allow_more(t, amount);
	free(s);
}

/* A key while the input edits the command or the amount: Enter, Esc, Ctrl-C; others edit. */
bool
tui_agent_edit_key(struct tui *t, int key)
{
	struct tui_agent *g = &t->ag;
	int point;
	char *text;

	if (key == 27) {
		tui_agent_edit_end(t);
		if (g->asking_more)
			more_question(t, g->spent);
		else
			approve_status(t, false);
		return true;
	}
	if (key == 3) {
		tui_agent_cancel(t);   /* the command is declined, the task stops */
		return true;
	}
	if ((key != '\r' && key != '\n' && key != (TK_FN | KEY_ENTER)) || *tui_input_prompt() != '\0')
		return false;
	text = xstrdup(tui_input(&point));
	if (g->edit_amount)
		typed_amount(t, text);
	else
		edited_command(t, text);
	free(text);
	return true;
}

/* Whether key is a character typed that answers nothing: neither question takes it. */
static bool
typed_no_answer(const struct tui_agent *g, int key)
{
	if (key < ' ' || key == 0x7f || (key & (TK_FN | TK_META)) != 0)
		return false;
	if (key < 0x80 && strchr(g->asking_more ? "yYnN+.$0123456789" : "yYnNaAeEdD", key) != NULL)
		return false;
	return true;
}

/* y/n/a/e for an approval, y/n or an amount for the cap's. */
static void
approve_key(struct tui *t, int key)
{
	struct tui_agent *g = &t->ag;
	const char *said = NULL;
	char digit[2] = { 0, 0 };

	if (key == 3) {
		tui_agent_answer(t, g->asking_more ? "0" : "n");
		tui_agent_cancel(t);
		return;
	}
	if (g->ask_held || typed_no_answer(g, key)) {
		g->ask_held = key != 27;
		if (!g->ask_held && g->asking_more)
			more_question(t, g->spent);
		else if (!g->ask_held)
			approve_status(t, false);
		else
			held_status(t);
		return;
	}
	if ((key == 'd' || key == 'D') && !g->asking_more && g->ask_entry != NULL) {
		g->ask_full = !g->ask_full;
		render_ask(t);
		tui_view_ask(&t->view, g->ask_entry);
		return;
	}
	if (g->asking_more) {
		if (key == '+' || (key >= '0' && key <= '9') || key == '.' || key == '$') {
			digit[0] = key == '+' ? '\0' : (char)key;
			edit_start(t, true, digit);
		} else if (key == 'y' || key == 'Y') {
			allow_more(t, more_default(t));
		} else if (key == 'n' || key == 'N' || key == 27) {
			tui_agent_answer(t, "0");
			if (g->ask_entry != NULL)
				tui_agent_entry_add(t, g->ask_entry, "  \xe2\x86\x92 stop");
			tui_view_add(&t->view, TUI_NOTE, "stopped at the cap", 18);
		}
		return;
	}
	if (key == 'e' || key == 'E') {
		if (strcmp(g->ask_tool, "run") == 0)
			edit_start(t, false, g->ask_preview ? g->ask_preview : "");
		else
			approve_status(t, true);
		return;
	}
	if ((key == 'y' || key == 'Y' || key == 'a' || key == 'A') && tui_ask_unread(t, g->ask_tool))
		return;   /* a command or a diff longer than the screen: read it all first */
	if (key == 'y' || key == 'Y')
		said = "yes";
	else if (key == 'n' || key == 'N')
		said = "no: the model is told";
	else if (key == 'a' || key == 'A')
		said = "always for this tool in this task";
	if (said == NULL)
		return;
	tui_agent_answer(t, key == 'y' || key == 'Y' ? "y" : key == 'n' || key == 'N' ? "n" : "a");
	if (g->ask_entry != NULL)
		tui_agent_entry_add(t, g->ask_entry, said[0] == 'n' ? "  \xe2\x86\x92 no" :
		    said[0] == 'y' ? "  \xe2\x86\x92 yes" : "  \xe2\x86\x92 always");
}

void
tui_agent_key(struct tui *t, int key)
{
	if (t->mode == MODE_APPROVE) {
		approve_key(t, key);
		return;
	}
	t->mode = MODE_INPUT;
	if (key == 'y' || key == 'Y')
		tui_agent_on(t);
	else
		tui_status(t, false, "agent mode stays off");
}
