/* tui_script: the headless driver: keys and commands from a script, screens dumped as text. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tui_priv.h"
#include "util.h"

#define SCRIPT_MAX (1 << 20)
#define WAIT_MS 20000

/* Append row y of the screen as UTF-8, trailing blanks dropped. */
static void
row_text(int y, int w, struct buf *out)
{
	size_t start = out->len, keep = out->len;
	int x;

	for (x = 0; x < w; x++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t a;
		short pair;
		char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
		size_t n;
		int cw;

		if (mvwin_wch(stdscr, y, x, &cc) == ERR)
			break;
		memset(wch, 0, sizeof(wch));
		getcchar(&cc, wch, &a, &pair, NULL);
		if (wch[0] == 0)
			wch[0] = L' ';
		n = wcstombs(mb, wch, sizeof(mb));
		if (n == (size_t)-1) {
			mb[0] = '?';
			n = 1;
		}
		buf_add(out, mb, n);
		if (!(n == 1 && mb[0] == ' '))
			keep = out->len;
		cw = wcwidth(wch[0]);
		if (cw == 2)
			x++;
	}
	out->len = keep > start ? keep : start;
	if (out->data != NULL)
		out->data[out->len] = '\0';
}

/* Append the styles of row y as runs: "x-x2 slot fg=N bg=N bold; ...". */
static void
row_styles(const struct tui *t, int y, int w, struct buf *out)
{
	int x, run = 0, rs = THEME_NSLOTS, slot;
	attr_t ra = 0;
	short rp = 0;
	bool first = true;

	for (x = 0; x <= w; x++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t a = 0;
		short pair = 0;

		if (x < w && mvwin_wch(stdscr, y, x, &cc) != ERR)
			getcchar(&cc, wch, &a, &pair, NULL);
		a &= (A_BOLD | A_DIM | A_UNDERLINE | A_REVERSE | A_ITALIC);
		slot = x < w && t->cells != NULL ? t->cells[(size_t)y * (size_t)t->w + (size_t)x] :
		    THEME_NSLOTS;
		if (x < w && x > 0 && a == ra && pair == rp && slot == rs)
			continue;
		if (x > 0 && (ra != 0 || rp != 0 || rs != THEME_NSLOTS)) {
			short fg = -1, bg = -1;

			if (rp > 0)
				pair_content(rp, &fg, &bg);
			buf_addf(out, "%s%d-%d", first ? "" : "; ", run, x - 1);
			if (rs < THEME_NSLOTS)
				buf_addf(out, " %s", theme_slot_name((enum theme_slot)rs));
			if (rp > 0)
				buf_addf(out, " fg=%d bg=%d", fg, bg);
			if (ra & A_BOLD)
				buf_adds(out, " bold");
			if (ra & A_DIM)
				buf_adds(out, " dim");
			if (ra & A_UNDERLINE)
				buf_adds(out, " underline");
			if (ra & A_REVERSE)
				buf_adds(out, " reverse");
			if (ra & A_ITALIC)
				buf_adds(out, " italic");
			first = false;
		}
		run = x;
		ra = a;
		rp = pair;
		rs = slot;
	}
}

/* The screen as text, one line per row. */
static void
screen_text(struct tui *t, struct buf *out)
{
	int y;

	for (y = 0; y < t->h; y++) {
		row_text(y, t->w, out);
		buf_addc(out, '\n');
	}
}

/* Write the screen as text (colors: with each row's style runs) to path. */
int
tui_dump(struct tui *t, const char *path, bool colors, char **cause)
{
	struct buf b;
	FILE *f;
	int y;

	buf_init(&b, 0);
	screen_text(t, &b);
	if (colors) {
		buf_addf(&b, "-- styles (%s%s)\n", t->theme.name, t->color ? "" : ", no colour");
		for (y = 0; y < t->h; y++) {
			size_t mark = b.len, body;

			buf_addf(&b, "%2d: ", y);
			body = b.len;
			row_styles(t, y, t->w, &b);
			if (b.len == body) {
				b.len = mark;
				b.data[b.len] = '\0';
				continue;
			}
			buf_addc(&b, '\n');
		}
	}
	f = fopen(path, "w");
	if (f == NULL || fwrite(b.data ? b.data : "", 1, b.len, f) != b.len) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		buf_done(&b);
		return -1;
	}
	fclose(f);
	buf_done(&b);
	return 0;
}

/* Feed UTF-8 text as keys. */
static void
type_text(struct tui *t, const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n = strlen(s), r;

	memset(&st, 0, sizeof(st));
	while (n > 0 && !t->quit) {
		r = mbrtowc(&wc, s, n, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			wc = 0xfffd;
			r = 1;
			memset(&st, 0, sizeof(st));
		}
		tui_key(t, (int)wc);
		s += r;
		n -= r;
	}
}

/* Turn "\n" and "\t" and "\\" in a script argument into the characters. */
static char *
unescape(const char *s)
{
	struct buf b;

	buf_init(&b, 0);
	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') {
			buf_addc(&b, '\n');
			s++;
		} else if (*s == '\\' && s[1] == 't') {
			buf_addc(&b, '\t');
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			buf_addc(&b, '\\');
			s++;
		} else {
			buf_addc(&b, *s);
		}
	}
	return buf_detach(&b);
}

static int
wait_idle(struct tui *t)
{
	int64_t end = clock_ms() + WAIT_MS;

	while (chat_busy(t->chat) || tui_job_busy(t) || tui_agent_busy(t)) {
		if (clock_ms() > end)
			return -1;
		tui_pump(t, 50);
	}
	tui_pump(t, 0);
	return 0;
}

static int
wait_text(struct tui *t, const char *text)
{
	int64_t end = clock_ms() + WAIT_MS;
	struct buf b;
	bool found;

	buf_init(&b, 0);
	for (;;) {
		tui_draw(t);
		buf_reset(&b);
		screen_text(t, &b);
		found = b.data != NULL && strstr(b.data, text) != NULL;
		if (found || clock_ms() > end)
			break;
		tui_pump(t, 20);
	}
	buf_done(&b);
	return found ? 0 : -1;
}

static int
sc_wait_file(struct tui *t, char *arg, char **why)
{
	int64_t end = clock_ms() + WAIT_MS;

	while (access(arg, F_OK) != 0) {
		if (clock_ms() > end) {
			xasprintf(why, "%s does not exist after %d ms", arg, WAIT_MS);
			return -1;
		}
		tui_pump(t, 20);
	}
	return 0;
}

static int
sc_type(struct tui *t, char *arg, char **why)
{
	(void)why;
	type_text(t, arg);
	return 0;
}

static int
sc_key(struct tui *t, char *arg, char **why)
{
	char *word;
	int k;

	while ((word = strsep(&arg, " ")) != NULL && !t->quit) {
		if (*word == '\0')
			continue;
		if ((k = tui_key_parse(word)) < 0) {
			xasprintf(why, "unknown key '%s'", word);
			return -1;
		}
		tui_key(t, k);
		tui_pump(t, 0);
	}
	return 0;
}

static int
sc_paste(struct tui *t, char *arg, char **why)
{
	char *text = unescape(arg);

	(void)why;
	tui_key(t, TK_PASTE_START);
	type_text(t, text);
	tui_key(t, TK_PASTE_END);
	free(text);
	return 0;
}

static int
sc_wait_idle(struct tui *t, char *arg, char **why)
{
	(void)arg;
	if (wait_idle(t) == 0)
		return 0;
	xasprintf(why, "still busy after %d ms", WAIT_MS);
	return -1;
}

static int
sc_wait_text(struct tui *t, char *arg, char **why)
{
	if (wait_text(t, arg) == 0)
		return 0;
	xasprintf(why, "'%s' not on the screen after %d ms", arg, WAIT_MS);
	return -1;
}

static int
sc_dump(struct tui *t, char *arg, char **why, bool colors)
{
	tui_draw(t);
	return tui_dump(t, arg, colors, why);
}

static int
sc_dump_screen(struct tui *t, char *arg, char **why)
{
	return sc_dump(t, arg, why, false);
}

static int
sc_dump_colors(struct tui *t, char *arg, char **why)
{
	return sc_dump(t, arg, why, true);
}

static int
sc_resize(struct tui *t, char *arg, char **why)
{
	int w, h;

	if (sscanf(arg, "%d %d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000) {
		xasprintf(why, "resize W H: from 1 x 1 to 1000 x 1000");
		return -1;
	}
	tui_resize(t, w, h);
	tui_draw(t);
	return 0;
}

static int
sc_touch(struct tui *t, char *arg, char **why)
{
	int fd = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	(void)t;
	if (fd < 0) {
		xasprintf(why, "%s: %s", arg, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int
sc_signal(struct tui *t, char *arg, char **why)
{
	if (strcmp(arg, "INT") != 0) {
		xasprintf(why, "signal: only INT (what Ctrl-C sends from outside)");
		return -1;
	}
	/* through the handler and the self-pipe, as a real one arrives */
	kill(getpid(), SIGINT);
	tui_pump(t, 0);
	return 0;
}

static int
sc_quit(struct tui *t, char *arg, char **why)
{
	(void)arg;
	(void)why;
	t->quit = true;
	return 0;
}

/*
 * The script's commands: keys in, screens out, and waits that need no sleeps.
 * Where need is set the argument it names cannot be left out: an empty one
 * would be taken for a file named "", or a text found on every screen.
 */
static const struct {
	const char *name;
	int (*fn)(struct tui *t, char *arg, char **why);
	const char *need, *what;
} script_cmds[] = {
	{ .name = ":type", .fn = sc_type },             /* TEXT: typed key by key */
	{ .name = ":key", .fn = sc_key },               /* NAME...: F2, C-c, M-Enter, PageUp */
	{ .name = ":paste", .fn = sc_paste },           /* TEXT: a bracketed paste; \n a newline */
	{ .name = ":wait-idle", .fn = sc_wait_idle },   /* until no transfer or /run command runs */
	/* TEXT: until TEXT is on the screen */
	{ .name = ":wait-text", .fn = sc_wait_text, .need = "TEXT", .what = "the text to wait for" },
	/* FILE: until FILE exists (a command got that far) */
	{ .name = ":wait-file", .fn = sc_wait_file, .need = "FILE", .what = "a file name" },
	/* FILE: the screen as text */
	{ .name = ":dump-screen", .fn = sc_dump_screen, .need = "FILE", .what = "a file name" },
	/* FILE: the text, then each run's slot and colours */
	{ .name = ":dump-colors", .fn = sc_dump_colors, .need = "FILE", .what = "a file name" },
	{ .name = ":resize", .fn = sc_resize },         /* W H */
	/* FILE: create it (releases a held fake reply) */
	{ .name = ":touch", .fn = sc_touch, .need = "FILE", .what = "a file name" },
	{ .name = ":signal", .fn = sc_signal },         /* INT: send the process SIGINT */
	{ .name = ":quit", .fn = sc_quit },
};

/* Run one script line; 0, or -1 with *why. */
static int
script_line(struct tui *t, char *line, char **why)
{
	char *arg = line + strcspn(line, " ");
	size_t i;

	if (*arg)
		*arg++ = '\0';
	for (i = 0; i < ARRAY_SIZE(script_cmds); i++) {
		if (strcmp(script_cmds[i].name, line) != 0)
			continue;
		if (script_cmds[i].need != NULL && *arg == '\0') {
			xasprintf(why, "%s %s: %s is needed", line + 1, script_cmds[i].need,
			    script_cmds[i].what);
			return -1;
		}
		if (script_cmds[i].fn(t, arg, why) != 0)
			return -1;
		tui_pump(t, 0);
		return 0;
	}
	xasprintf(why, "unknown command '%s'", line);
	return -1;
}

/* Run a headless script to its end: CHAT_OK, or CHAT_USAGE at the first line that fails. */
enum chat_status
tui_script_run(struct tui *t, const char *path)
{
	char *text = NULL, *cause = NULL, *p, *nl, *why = NULL;
	int lineno = 0;
	enum chat_status rc = CHAT_OK;

	if (file_read(path, SCRIPT_MAX, &text, NULL, &cause) != 0) {
		tui_status(t, true, "%s", cause);
		free(cause);
		return CHAT_USAGE;
	}
	tui_draw(t);
	for (p = text; p != NULL && !t->quit; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		lineno++;
		if (*p == '\0' || *p == '#')
			continue;
		if (script_line(t, p, &why) != 0) {
			tui_status(t, true, "%s:%d: %s", path, lineno, why);
			free(why);
			rc = CHAT_USAGE;
			break;
		}
		if (t->dirty)
			tui_draw(t);
	}
	free(text);
	return rc;
}
