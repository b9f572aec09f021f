/* tui_keys: key names, configurable bindings, and readline driven through its callback interface. */
#include <curses.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "config.h"
#include "tui_priv.h"
#include "util.h"

#define HISTORY_MAX 1000
/*
 * What starts the history file's timestamp lines (and a digit after it):
 * readline's '#' would take a message's line such as "#42 fails" for one.
 * A record separator is never typed.
 */
#define HISTORY_STAMP '\x1e'
#define WHEEL_LINES 3     /* lines a notch of the mouse wheel scrolls */

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Up", TK_FN | KEY_UP }, { "Down", TK_FN | KEY_DOWN }, { "Left", TK_FN | KEY_LEFT },
	{ "Right", TK_FN | KEY_RIGHT }, { "Home", TK_FN | KEY_HOME }, { "End", TK_FN | KEY_END },
	{ "PageUp", TK_FN | KEY_PPAGE }, { "PageDown", TK_FN | KEY_NPAGE },
	{ "Insert", TK_FN | KEY_IC }, { "Delete", TK_FN | KEY_DC },
	{ "Backspace", TK_FN | KEY_BACKSPACE }, { "S-Tab", TK_FN | KEY_BTAB },
	{ "S-Up", TK_FN | KEY_SR }, { "S-Down", TK_FN | KEY_SF },
	{ "S-Left", TK_FN | KEY_SLEFT }, { "S-Right", TK_FN | KEY_SRIGHT },
	{ "C-Left", TK_WORD_LEFT }, { "C-Right", TK_WORD_RIGHT }, { "C-Delete", TK_WORD_DELETE },
	{ "Enter", '\r' }, { "Tab", '\t' }, { "Esc", 27 }, { "Space", ' ' },
	{ "PasteStart", TK_PASTE_START }, { "PasteEnd", TK_PASTE_END },
};

/* What readline is fed for a function key: the ANSI sequences it binds by default. */
static const struct {
	int key;
	const char *seq;
} fn_seqs[] = {
	{ KEY_UP, "\033[A" }, { KEY_DOWN, "\033[B" }, { KEY_RIGHT, "\033[C" },
	{ KEY_LEFT, "\033[D" }, { KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
	{ KEY_DC, "\033[3~" }, { KEY_BACKSPACE, "\177" }, { KEY_ENTER, "\r" },
	{ KEY_SLEFT, "\033b" }, { KEY_SRIGHT, "\033f" },
	{ TK_WORD_LEFT & ~TK_FN, "\033[1;5D" }, { TK_WORD_RIGHT & ~TK_FN, "\033[1;5C" },
	{ TK_WORD_DELETE & ~TK_FN, "\033[3;5~" },
};

static struct tui *rl_tui;
static int rl_byte;
static bool rl_pending;
/* More bytes of the same key follow the one fed (an arrow's ESC [ D, Alt's ESC and a key). */
static bool rl_more;
static FILE *rl_null;

/* Parse a key name; -1 if unknown. */
int
tui_key_parse(const char *name)
{
	size_t i, n = strlen(name);
	int k;

	if (n > 2 && name[1] == '-' && (name[0] == 'M' || name[0] == 'm')) {
		k = tui_key_parse(name + 2);
		return k < 0 || (k & TK_META) ? -1 : k | TK_META;
	}
	if (n == 3 && name[1] == '-' && (name[0] == 'C' || name[0] == 'c')) {
		char c = name[2];

		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
		if (c >= '@' && c <= '_')
			return c - '@';
		return -1;
	}
	if ((name[0] == 'F' || name[0] == 'f') && n >= 2 && n <= 3) {
		int64_t f;

		if (str_to_i64(name + 1, &f) && f >= 1 && f <= 24)
			return TK_FN | KEY_F((int)f);
	}
	for (i = 0; i < ARRAY_SIZE(key_names); i++)
		if (str_ieq(key_names[i].name, name))
			return key_names[i].key;
	/* One character, given as itself. */
	if (n >= 1 && n <= 4) {
		wchar_t wc;
		mbstate_t st;

		memset(&st, 0, sizeof(st));
		if (mbrtowc(&wc, name, n, &st) == n)
			return (int)wc;
	}
	return -1;
}

/* Name a key. */
void
tui_key_name(int key, char *out, size_t n)
{
	char inner[32];
	size_t i;

	if (key < 0) {
		snprintf(out, n, "(none)");
		return;
	}
	if (key & TK_META) {
		tui_key_name(key & ~TK_META, inner, sizeof(inner));
		snprintf(out, n, "M-%s", inner);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(key_names); i++) {
		if (key_names[i].key == key) {
			snprintf(out, n, "%s", key_names[i].name);
			return;
		}
	}
	if ((key & TK_FN) && (key & ~TK_FN) >= KEY_F(1) && (key & ~TK_FN) <= KEY_F(24)) {
		snprintf(out, n, "F%d", (key & ~TK_FN) - KEY_F(0));
		return;
	}
	if (key < 32) {
		snprintf(out, n, "C-%c", key + 'a' - 1);
		return;
	}
	if (key & TK_FN) {
		snprintf(out, n, "key-%d", key & ~TK_FN);
		return;
	}
	{
		char mb[8];
		int len = wctomb(mb, (wchar_t)key);

		snprintf(out, n, "%.*s", len > 0 ? len : 1, len > 0 ? mb : "?");
	}
}

/* Return an action's name in [keys]. */
const char *
tui_action_name(enum tui_action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? tui_verbs[a].name : "";
}

/* Return an action's help text. */
const char *
tui_action_help(enum tui_action a)
{
	return a > ACT_NONE && a < ACT_COUNT && tui_verbs[a].key_help ? tui_verbs[a].key_help : "";
}

/* Name what runs action a into out: its key, or its slash command when no key is bound. */
void
tui_key_or_cmd(const struct tui *t, enum tui_action a, char *out, size_t n)
{
	int key = tui_action_key(t, a);

	if (key >= 0)
		tui_key_name(key, out, n);
	else
		snprintf(out, n, "/%s", tui_action_name(a));
}

/* Return the first key bound to an action, or -1. */
int
tui_action_key(const struct tui *t, enum tui_action a)
{
	size_t i;

	for (i = 0; i < t->nbinds; i++)
		if (t->binds[i].action == a)
			return t->binds[i].key;
	return -1;
}

static void
bind_add(struct tui *t, int key, enum tui_action a)
{
	size_t i;

	for (i = 0; i < t->nbinds; i++) {
		if (t->binds[i].key == key) {
			t->binds[i].action = a;
			return;
		}
	}
	t->binds = xreallocarray(t->binds, t->nbinds + 1, sizeof(*t->binds));
	t->binds[t->nbinds++] = (struct tui_binding){ .key = key, .action = a };
}

static void
unbind_action(struct tui *t, enum tui_action a)
{
	size_t i, j = 0;

	for (i = 0; i < t->nbinds; i++)
		if (t->binds[i].action != a)
			t->binds[j++] = t->binds[i];
	t->nbinds = j;
}

/* Bind one [keys] entry: action = KEY[, KEY...] or none. */
static void
bind_config(struct tui *t, const char *name, const char *value)
{
	char *copy, *p, *k;
	int a, key;

	for (a = ACT_NONE + 1; a < ACT_COUNT; a++)
		if (tui_verbs[a].key_help != NULL && strcmp(tui_verbs[a].name, name) == 0)
			break;
	if (a == ACT_COUNT) {
		tui_status(t, true, "%s: [keys] unknown action '%s'", t->cfg->path, name);
		return;
	}
	unbind_action(t, (enum tui_action)a);
	copy = xstrdup(value);
	for (p = copy; (k = strsep(&p, ", ")) != NULL;) {
		if (*k == '\0' || strcmp(k, "none") == 0)
			continue;
		if ((key = tui_key_parse(k)) < 0) {
			tui_status(t, true, "%s: [keys] %s: unknown key '%s'", t->cfg->path, name, k);
			continue;
		}
		bind_add(t, key, (enum tui_action)a);
	}
	free(copy);
}

/* Load the default bindings, then [keys] from the config. */
void
tui_bind_load(struct tui *t)
{
	size_t i, j;

	t->nbinds = 0;
	for (i = ACT_NONE + 1; i < ACT_COUNT; i++)
		for (j = 0; j < ARRAY_SIZE(tui_verbs[i].keys) && tui_verbs[i].keys[j]; j++)
			bind_add(t, tui_key_parse(tui_verbs[i].keys[j]), (enum tui_action)i);
	for (i = 0; i < t->cfg->nkeys; i++)
		bind_config(t, t->cfg->key_names[i], t->cfg->key_values[i]);
}

static enum tui_action
lookup(const struct tui *t, int key)
{
	size_t i;

	for (i = 0; i < t->nbinds; i++)
		if (t->binds[i].key == key)
			return t->binds[i].action;
	return ACT_NONE;
}

static int
rl_getc_fn(FILE *f)
{
	(void)f;
	if (!rl_pending)
		return EOF;
	rl_pending = false;
	return rl_byte;
}

/*
 * Whether input waits: readline asks after an ESC, to tell a key's sequence
 * from an Esc alone, which in vi's insert mode goes to command mode and in a
 * history search ends it without the key's own work being done.
 */
static int
rl_avail_fn(void)
{
	return rl_pending || rl_more;
}

static void
rl_redisplay_fn(void)
{
	if (rl_tui != NULL)
		rl_tui->dirty = true;
}

static void
rl_prep_fn(int meta)
{
	(void)meta;
}

static void
rl_deprep_fn(void)
{
}

/*
 * Load the history file at path and write it back, every entry after a
 * timestamp line and no more than HISTORY_MAX of them. A message of several
 * lines is one entry: readline reads it back whole only from a file that
 * starts with a timestamp, which history_truncate_file, cutting by lines,
 * does not keep, and which a file of older versions lacks.
 */
static void
history_rewrite(const char *path)
{
	HIST_ENTRY **list;
	int i;

	clear_history();
	read_history(path);
	list = history_list();
	for (i = 0; list != NULL && list[i] != NULL; i++) {
		if (list[i]->timestamp == NULL || list[i]->timestamp[0] != HISTORY_STAMP) {
			free(list[i]->timestamp);
			list[i]->timestamp = xstrdup("\x1e" "0");
		}
	}
	write_history(path);
}

/*
 * C-d on an empty line: end of input, as in a shell, so quit; but while a
 * reply streams or a task runs, only a second C-d quits, stopping it as C-c
 * would (a reply's partial answer and its cost are kept).
 */
static void
eof_key(struct tui *t)
{
	char k[16], a[160], b[160];
	bool reply = chat_busy(t->chat);

	if (t->eof_armed || (!reply && !tui_agent_busy(t) && !tui_job_busy(t))) {
		t->quit = true;
		return;
	}
	t->eof_armed = true;
	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	if (reply) {
		snprintf(a, sizeof a, "a reply is streaming: C-d again stops it and quits (the "
		    "partial answer and its cost are kept); %s stops it only", k);
		snprintf(b, sizeof b, "C-d again stops the reply and quits (its partial answer and "
		    "cost are kept); %s stops it only", k);
		tui_status_forms(t, false, (const char *[]){ a, b,
		    "C-d again quits (the partial answer and its cost are kept)" }, 3);
	} else
		tui_status(t, false, "%s is running: C-d again stops it and quits; %s stops it only",
		    tui_agent_busy(t) ? "an agent task" : "a command", k);
}

static void
rl_line_fn(char *line)
{
	struct tui *t = rl_tui;

	if (line == NULL) {
		eof_key(t);
		return;
	}
	if (!tui_blank(line)) {
		add_history(line);
		if (t->history_path != NULL)
			append_history(1, t->history_path);
	}
	tui_submit(t, line);
	free(line);
}

static void
feed_byte(int c)
{
	rl_byte = c;
	rl_pending = true;
	rl_callback_read_char();
	rl_pending = false;
	if (rl_tui != NULL && rl_tui->restore_input != NULL) {
		char *s = rl_tui->restore_input;

		rl_tui->restore_input = NULL;
		tui_input_set(s);
		free(s);
	}
}

/* Feed a key to readline as the bytes a terminal would send. */
static void
feed(int key)
{
	char mb[8];
	size_t i;
	int n;

	if (key & TK_META) {
		rl_more = true;
		feed_byte(27);
		rl_more = false;
		key &= ~TK_META;
	}
	if (key & TK_FN) {
		for (i = 0; i < ARRAY_SIZE(fn_seqs); i++) {
			if (fn_seqs[i].key == (key & ~TK_FN)) {
				const char *s;

				for (s = fn_seqs[i].seq; *s; s++) {
					rl_more = s[1] != '\0';
					feed_byte((unsigned char)*s);
				}
				rl_more = false;
				return;
			}
		}
		return;   /* a key readline would not know */
	}
	n = wctomb(mb, (wchar_t)key);
	if (n < 0 && key >= 0x80 && key <= 0xff)
		feed_byte(key);   /* a byte the locale cannot name (LANG=C): kept as typed */
	for (i = 0; n > 0 && i < (size_t)n; i++)
		feed_byte((unsigned char)mb[i]);
}

/* Complete command names after a leading slash, file names elsewhere. */
static char **
rl_complete_fn(const char *text, int start, int end)
{
	(void)end;
	if (start == 0 && text[0] == '/') {
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, tui_command_complete);
	}
	return NULL;
}

/* Show the candidates of an ambiguous completion on the status line. */
static void
rl_show_matches(char **matches, int n, int max)
{
	struct buf b;
	int i;

	(void)max;
	if (rl_tui == NULL)
		return;
	buf_init(&b, 0);
	for (i = 1; i <= n && b.len < 200; i++)
		buf_addf(&b, "%s%s", i > 1 ? "  " : "", matches[i]);
	tui_status(rl_tui, false, "%s", b.data ? b.data : "");
	buf_done(&b);
}

/*
 * Bind what readline would learn from the terminal's description, which it never
 * reads when another program draws: Delete; Ctrl-arrows, which readline
 * before 8.1 does not know; and Ctrl-Delete. A binding from ~/.inputrc stays.
 */
static void
rl_bind_fn_seqs(void)
{
	static const char *const maps[] = { "emacs", "vi-insert", "vi-command" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		Keymap m = rl_get_keymap_by_name(maps[i]);

		if (m == NULL)
			continue;
		rl_bind_keyseq_if_unbound_in_map("\033[3~", rl_delete, m);
		rl_bind_keyseq_if_unbound_in_map("\033[1;5D", rl_backward_word, m);
		rl_bind_keyseq_if_unbound_in_map("\033[1;5C", rl_forward_word, m);
		rl_bind_keyseq_if_unbound_in_map("\033[3;5~", rl_kill_word, m);
	}
}

/* Set up readline in callback mode, drawing through the TUI. */
void
tui_rl_start(struct tui *t)
{
	int fd;

	rl_tui = t;
	rl_null = fopen("/dev/null", "r+");
	rl_readline_name = "llm";
	rl_instream = rl_null;
	rl_outstream = rl_null;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_getc_function = rl_getc_fn;
	rl_input_available_hook = rl_avail_fn;
	rl_redisplay_function = rl_redisplay_fn;
	rl_prep_term_function = rl_prep_fn;
	rl_deprep_term_function = rl_deprep_fn;
	rl_attempted_completion_function = rl_complete_fn;
	rl_completion_display_matches_hook = rl_show_matches;
	rl_initialize();
	rl_bind_fn_seqs();
	/* Pastes are read by the TUI; readline must not wait for their end itself. */
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_variable_bind("bell-style", "none");
	if (!t->unicode) {
		/* else readline takes a byte over 127 for Meta and a key: é would be M-C M-) */
		rl_variable_bind("input-meta", "on");
		rl_variable_bind("convert-meta", "off");
		rl_variable_bind("output-meta", "on");
	}
	/* each entry after a timestamp line: a message of several lines stays one */
	history_comment_char = HISTORY_STAMP;
	history_write_timestamps = 1;
	using_history();
	stifle_history(HISTORY_MAX);
	if (t->history_path != NULL) {
		fd = open(t->history_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		history_rewrite(t->history_path);
	}
	rl_callback_handler_install("", rl_line_fn);
}

/* Stop readline and save the history. */
void
tui_rl_stop(struct tui *t)
{
	rl_callback_handler_remove();
	if (t->history_path != NULL)
		history_rewrite(t->history_path);
	clear_history();
	if (rl_null != NULL)
		fclose(rl_null);
	rl_null = NULL;
	rl_instream = rl_outstream = NULL;
	rl_tui = NULL;
}

/* The input being edited and the cursor offset. */
const char *
tui_input(int *point)
{
	*point = rl_line_buffer ? rl_point : 0;
	return rl_line_buffer ? rl_line_buffer : "";
}

/* Readline's prompt while it shows one of its own (a history search), else "". */
const char *
tui_input_prompt(void)
{
	return rl_display_prompt != NULL ? rl_display_prompt : "";
}

/* Replace the input. */
void
tui_input_set(const char *s)
{
	rl_replace_line(s, 0);
	rl_point = rl_end;
	if (rl_tui != NULL)
		rl_tui->dirty = true;
}

void
tui_input_kill(void)
{
	rl_kill_text(0, rl_end);
	rl_point = 0;
	if (rl_tui != NULL)
		rl_tui->dirty = true;
}

/* Collect a bracketed paste; at its end insert it as typed text, newlines kept. */
static void
paste_key(struct tui *t, int key)
{
	char mb[8];
	int n;

	if (key == TK_PASTE_END) {
		t->paste = false;
		/* the part that fitted would be sent as if it were the whole */
		if (t->paste_buf.len > 0 && !t->paste_over)
			rl_insert_text(t->paste_buf.data);
		buf_reset(&t->paste_buf);
		t->dirty = true;
		return;
	}
	if (key & (TK_FN | TK_META))
		return;
	/* a terminal pastes a line break as CR; text copied with CRLF ends its lines in both */
	if (key == '\n' && t->paste_cr) {
		t->paste_cr = false;
		return;
	}
	t->paste_cr = key == '\r';
	if (key == '\r')
		key = '\n';
	/* a tab stays a tab (a Makefile's recipe needs it); the input shows it as spaces */
	n = wctomb(mb, (wchar_t)key);
	if (n < 0 && key >= 0x80 && key <= 0xff) {
		mb[0] = (char)key;   /* a byte the locale cannot name: kept as pasted */
		n = 1;
	}
	if (n > 0 && !t->paste_over && buf_add(&t->paste_buf, mb, (size_t)n) != 0) {
		t->paste_over = true;
		tui_status(t, true, "paste: larger than 1 MiB, none of it kept; attach a file with "
		    "/file instead");
	}
}

/* Whether the mode is a question that a key answers: /run's, /cmd's, or the agent's. */
static bool
asking(const struct tui *t)
{
	return t->mode == MODE_CONFIRM || t->mode == MODE_APPROVE || t->mode == MODE_AGENT_ASK;
}

void
tui_ask_begin(struct tui *t)
{
	t->ask_shown = false;
	t->ask_refused = false;
}

/*
 * The keys waiting when the question first shows were typed before anyone could
 * read it (an Enter or a y meant for the input while a reply streamed): they are
 * dropped, as llm cmd drops them, so that none runs or allows what was not seen.
 */
void
tui_ask_drawn(struct tui *t)
{
	if (!asking(t) || t->ask_shown)
		return;
	if (!t->headless)
		flushinp();
	t->ask_shown = true;
}

/*
 * Whether a key over the help (or /usage) is the start of a message: a character
 * the view does not page or close with (/usage's q, as documented, closes it).
 * One opens the help, reads, and types a question: the help closes and what is
 * typed goes into the input, none lost.
 */
static bool
help_typed(const struct tui *t, int key)
{
	if (t->mode != MODE_HELP || key < 32 || key == 127 || (key & (TK_FN | TK_META)))
		return false;
	return key != 'q' || !tui_pick_usage(t);
}

/*
 * readline keeps the sign of a numeric argument (M--) apart from its value, in
 * a variable it exports but its header does not declare.
 */
extern int rl_arg_sign;

/*
 * Up and Down in an input that takes several rows move the cursor a row, as in
 * fish or zsh, keeping the column they started from; on the first row (Up) or
 * the last (Down), and in a history search, they go to readline: the history.
 * C-p and C-n stay the history's on any row, as readline has them. A numeric
 * argument (M-3 Up) is a count of rows, as it is of characters for Left and
 * Right, and moves as far as there are rows; a negative one goes the other
 * way. Taken here, the argument ends as readline ends it after a command.
 */
static bool
row_key(struct tui *t, int key)
{
	bool arg = RL_ISSTATE(RL_STATE_NUMERICARG) != 0;
	int to, dir = key == (TK_FN | KEY_UP) ? -1 : 1;

	if (key != (TK_FN | KEY_UP) && key != (TK_FN | KEY_DOWN))
		return false;
	if (arg && rl_arg_sign < 0)
		dir = -dir;
	if (rl_line_buffer == NULL || RL_ISSTATE(RL_STATE_ISEARCH) ||
	    (to = tui_input_row_move(t, dir, arg ? rl_numeric_arg : 1, arg, &t->row_goal)) < 0) {
		t->row_goal = -1;
		return false;
	}
	if (arg) {
		rl_restore_prompt();
		rl_clear_message();
		RL_UNSETSTATE(RL_STATE_NUMERICARG);
		rl_numeric_arg = rl_arg_sign = 1;
		rl_explicit_arg = 0;
	}
	/* vi's command mode keeps the cursor on a character, never past the last */
	if (to == rl_end && to > 0 && rl_editing_mode == 0 && rl_get_keymap() == vi_movement_keymap)
		to = rl_end - 1;
	rl_point = to;
	return true;
}

/* Handle one key: a paste, a picker, a binding, or readline's. */
void
tui_key(struct tui *t, int key)
{
	enum tui_action a;

	if (key != (TK_FN | KEY_UP) && key != (TK_FN | KEY_DOWN))
		t->row_goal = -1;   /* the column Up and Down keep is the one they started from */
	if (t->paste) {
		paste_key(t, key);
		return;
	}
	if (help_typed(t, key) || (key == TK_PASTE_START && t->mode == MODE_HELP))
		tui_pick_close(t);
	if (key == TK_PASTE_START) {
		t->paste = true;
		t->paste_over = false;
		t->paste_cr = false;
		buf_reset(&t->paste_buf);
		return;
	}
	if (key == TK_PASTE_END)
		return;
	/* quitting needs no answer first: the task's step stops as the client closes */
	if ((t->mode == MODE_APPROVE || t->mode == MODE_APPROVE_EDIT) && lookup(t, key) == ACT_QUIT) {
		tui_act(t, ACT_QUIT);
		return;
	}
	if (t->mode == MODE_APPROVE_EDIT) {
		if (!tui_agent_edit_key(t, key) && !row_key(t, key))
			feed(key);
		t->dirty = true;
		return;
	}
	/* a question about a command stays while the transcript is scrolled to read it whole */
	if ((t->mode == MODE_CONFIRM || t->mode == MODE_APPROVE) &&
	    (a = lookup(t, key)) >= ACT_PAGE_UP && a <= ACT_END) {
		if (t->ask_refused) {
			/*
			 * Reading on: the question's keys again, in place of what y was told.
			 * They take fewer rows on a small screen, so they go back first and the
			 * page is measured on the rows the transcript gets, its top line kept.
			 */
			str_copy(t->status, sizeof(t->status), t->ask_status);
			t->status_error = t->ask_status_error;
			t->ask_refused = false;
			tui_view_ask_place(&t->view, tui_trans_width(t), tui_trans_rows(t));
		}
		tui_act(t, a);
		return;
	}
	/* the tier changes for a task's next step while its question waits */
	if (t->mode == MODE_APPROVE && lookup(t, key) == ACT_TIER && tui_agent_tier(t))
		return;
	if (asking(t) && !t->ask_shown)
		return;   /* typed before the question showed: it answers nothing */
	if (t->mode != MODE_INPUT) {
		tui_pick_key(t, key);
		t->dirty = true;
		return;
	}
	if ((a = lookup(t, key)) != ACT_NONE) {
		tui_act(t, a);
		return;
	}
	t->quit_armed = false;
	if (key != 4)
		t->eof_armed = false;   /* C-d, C-d quits; C-d, anything else, C-d asks again */
	/* Typing moves on from a passing message; errors stay until the next send. */
	if (!t->status_error)
		t->status[0] = '\0';
	/*
	 * Alt and a key come at once (TK_META); an Esc alone would be taken by
	 * emacs keys for Meta of the next key, and a slash command's slash gone,
	 * its words sent as a message. In vi keys Esc leaves insert mode, and in
	 * a history search (C-r) it ends the search, as readline's own does: with
	 * nothing after it waiting, readline takes it for no prefix there.
	 */
	if (!row_key(t, key) && (key != 27 || rl_editing_mode != 1 || RL_ISSTATE(RL_STATE_ISEARCH)))
		feed(key);
	t->dirty = true;
}

/*
 * Read a key as wget_wch does. Without a multibyte locale (LANG=C) a byte at a
 * time: there wget_wch holds back a byte over 127, which no character of the
 * locale starts, and the keys typed after it.
 */
static int
get_key(const struct tui *t, wint_t *wc)
{
	int c;

	if (t->unicode)
		return wget_wch(stdscr, wc);
	if ((c = wgetch(stdscr)) == ERR)
		return ERR;
	*wc = (wint_t)c;
	return c >= KEY_MIN ? KEY_CODE_YES : OK;
}

/*
 * Whether an Enter is a line break in a paste the terminal did not bracket (the
 * Linux console, screen): more keys came with it at once, faster than anyone
 * types. Sent, the first line would go alone, and be paid for, and the next
 * lines run together. An LF right after it is the CR LF some terminals send; a
 * slash command typed ahead of a message still runs.
 */
static bool
enter_in_paste(struct tui *t)
{
	char hint[200];
	wint_t wc;
	int r;

	if (t->paste || t->mode != MODE_INPUT || RL_ISSTATE(RL_STATE_ISEARCH))
		return false;
	if (rl_line_buffer != NULL && rl_line_buffer[0] == '/' &&
	    tui_command_hint(rl_line_buffer, hint, sizeof(hint)))
		return false;
	if ((r = get_key(t, &wc)) == ERR) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

		/* a terminal writes a long paste in pieces: wait a moment for the next */
		if (poll(&pfd, 1, 10) > 0)
			r = get_key(t, &wc);
	}
	if (r == ERR || (r == OK && wc == '\n'))
		return false;
	if (r == KEY_CODE_YES || !t->unicode)
		ungetch((int)wc);
	else
		unget_wch((wchar_t)wc);
	return !(r == KEY_CODE_YES && wc == KEY_RESIZE);
}

/* The wheel scrolls the transcript, or the list open, three lines a notch; the rest is dropped. */
static void
wheel(struct tui *t)
{
	MEVENT ev;
	int rows = tui_trans_rows(t);

	if (getmouse(&ev) != OK)
		return;
	if (t->mode == MODE_PICK_MODEL || t->mode == MODE_PICK_CONV || t->mode == MODE_HELP) {
		/* over a list or the help, the wheel moves in it */
		for (int i = 0; i < WHEEL_LINES && (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)); i++)
			tui_pick_key(t, TK_FN | (ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN));
		t->dirty = true;
		return;
	}
	if (ev.bstate & BUTTON4_PRESSED)
		tui_view_scroll(&t->view, tui_trans_width(t), rows, WHEEL_LINES);
	else if (ev.bstate & BUTTON5_PRESSED)
		tui_view_scroll(&t->view, tui_trans_width(t), rows, -WHEEL_LINES);
	t->dirty = true;
}

/* Read and handle every key waiting on the terminal. */
void
tui_read_keys(struct tui *t)
{
	wint_t wc, wc2;
	int r, r2;

	while (!t->quit && (r = get_key(t, &wc)) != ERR) {
		if (r == KEY_CODE_YES && wc == KEY_RESIZE) {
			/* resizeterm queues this too: act only on a size not applied yet */
			if (COLS != t->w || LINES != t->h)
				tui_resize(t, COLS, LINES);
			t->dirty = true;
			continue;
		}
		if (r == KEY_CODE_YES && wc == KEY_MOUSE) {
			wheel(t);
			continue;
		}
		if (r == KEY_CODE_YES) {
			tui_key(t, TK_FN | (int)wc);
			continue;
		}
		if (wc == 27 && !t->paste) {
			/* ESC followed at once by a key is Alt and that key. */
			r2 = get_key(t, &wc2);
			if (r2 == OK) {
				tui_key(t, TK_META | (int)wc2);
				continue;
			}
			/* Alt-Backspace: curses took the DEL after the ESC for a function key */
			if (r2 == KEY_CODE_YES && wc2 == KEY_BACKSPACE) {
				tui_key(t, TK_META | 127);
				continue;
			}
			if (r2 == KEY_CODE_YES) {
				tui_key(t, 27);
				tui_key(t, TK_FN | (int)wc2);
				continue;
			}
		}
		if (r == OK && wc == '\r' && enter_in_paste(t)) {
			rl_insert_text("\n");
			t->quit_armed = false;
			t->dirty = true;
			continue;
		}
		tui_key(t, (int)wc);
	}
}
