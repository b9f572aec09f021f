/* tools_ask: the approval question on the terminal: one key, y, n, a(lways), d(iff) or e(dit). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "fmt.h"
#include "tools.h"
#include "util.h"
#include "visible.h"

#define ASK_COMMAND_MAX 240  /* bytes of a command shown on the question's line */
#define ASK_DIFF_LINES 40    /* diff lines shown before the question, as the client shows them */
#define ASK_DIFF_LINE_MAX 500 /* bytes of one of them (a minified line): d shows the rest */

/* Write s to fd whole (a terminal); errors leave the question unanswered, which is no. */
static void
put(int fd, const char *s, size_t n)
{
	(void)fd_write_all(fd, s, n);
}

/*
 * The command on one line, as the question shows it just above its answer:
 * a newline as "⏎" and a run of blanks as "␣×N" ("^J" and "<N blanks>"
 * outside a UTF-8 locale), so that no part of what would run can scroll out
 * of sight above a screenful of blank lines or spaces; cut at
 * ASK_COMMAND_MAX bytes, then said how long it is in all.
 */
static void
command_line(struct buf *b, const char *cmd)
{
	const struct fmt_glyphs *g = fmt_glyphs();
	const char *p = cmd;
	size_t start = b->len, n;

	while (*p != '\0') {
		if (b->len - start >= ASK_COMMAND_MAX && ((unsigned char)*p & 0xc0) != 0x80) {
			buf_addf(b, "%s (%zu bytes in all: d shows it whole)", g->ellipsis, strlen(cmd));
			return;
		}
		n = strspn(p, " \t");
		if (*p == '\n') {
			buf_adds(b, g->newline);
			p++;
		} else if (n > 3) {
			buf_addf(b, g->utf8 ? " \u2423\u00d7%zu " : " <%zu blanks> ", n);
			p += n;
		} else {
			buf_addc(b, *p++);
		}
	}
}

/* The first line asked: the command, or the file and counts a diff shows. */
static void
headline(struct buf *b, const char *tool, const char *preview)
{
	const char *file = strstr(preview, "\n+++ b/"), *p;
	int added = 0, removed = 0;

	if (strcmp(tool, "run") == 0 || file == NULL) {
		buf_addf(b, "llm: %s: ", tool);
		command_line(b, preview);
		buf_addc(b, '\n');
		return;
	}
	file += 7;
	/* counted below the header: a removed "-- x" is "--- x", an added "++ x" is "+++ x" */
	for (p = strchr(file, '\n'); p != NULL && *++p != '\0'; p = strchr(p, '\n')) {
		if (*p == '+')
			added++;
		else if (*p == '-')
			removed++;
	}
	buf_addf(b, "llm: %s %.*s (+%d %s%d)\n", tool, (int)strcspn(file, "\n"), file, added,
	    fmt_glyphs()->minus, removed);
}

/*
 * The diff's first ASK_DIFF_LINES lines under the headline, which names its
 * file (its "---" and "+++" lines are left out), each cut at
 * ASK_DIFF_LINE_MAX bytes; whether any of it is left out for d to show.
 */
static bool
diff_head(struct buf *b, const char *preview)
{
	const char *p = preview, *nl, *more = fmt_glyphs()->ellipsis;
	size_t n, cut;
	int shown = 0, rest = 0;
	bool folded = false, hunk = false;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (!hunk && (str_startswith(p, "--- ") || str_startswith(p, "+++ ")))
			continue;   /* the header, not a removed "-- " or added "++ " line */
		hunk = true;
		if (shown++ >= ASK_DIFF_LINES) {
			rest++;
			continue;
		}
		cut = utf8_cut(p, n, ASK_DIFF_LINE_MAX);
		buf_addf(b, "%.*s%s\n", (int)cut, p, cut < n ? more : "");
		folded |= cut < n;
	}
	if (rest > 0)
		buf_addf(b, "%s %d more line%s: d shows the whole diff\n", more, rest,
		    rest == 1 ? "" : "s");
	else if (folded)
		buf_addf(b, "%s lines cut: d shows the whole diff\n", more);
	return folded || rest > 0;
}

/*
 * Put the terminal fd in one-key mode without echo, dropping what was typed
 * before the question (a key pressed earlier must not answer it); false if
 * it is not a terminal.
 */
static bool
tty_raw(int fd, struct termios *old)
{
	struct termios raw;

	if (tcgetattr(fd, old) != 0)
		return false;
	raw = *old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSAFLUSH, &raw) == 0;
}

/* Read one key; -1 at end of file, an error or a signal (Ctrl-C stays a signal: that is no). */
static int
read_key(int fd)
{
	unsigned char c;

	return read(fd, &c, 1) == 1 ? c : -1;
}

/*
 * Ask on the terminal before an edit, write or run: y yes, n no, a always
 * for this tool in this task, d shows the diff (or the whole command); why,
 * when not NULL, goes under the first line. arg is NULL for /dev/tty, or the
 * path of another terminal device.
 */
enum tool_answer
tools_ask_tty(void *arg, const char *tool, const char *preview, const char *why, char **edit)
{
	return tools_ask_tty_at(arg, NULL, tool, preview, why, edit, NULL);
}

/*
 * A key that answers nothing (a typo, Enter, an arrow key's sequence): said,
 * with the keys that do, and the question asked again, rather than taken for
 * no: the model would be told the user declined. What else was typed or
 * pasted with it is dropped.
 */
static void
no_answer(int fd, int key, bool run, bool editable, bool folded)
{
	struct buf b;

	tcflush(fd, TCIFLUSH);
	buf_init(&b, 0);
	if (key > ' ' && key < 0x7f)
		buf_addf(&b, "\nllm: '%c' answers nothing here: ", key);
	else
		buf_adds(&b, "\nllm: that key answers nothing here: ");
	buf_addf(&b, "y yes, n no, a always%s%s", run || folded ? ", d " : "",
	    run ? "the whole command" : folded ? "the whole diff" : "");
	if (editable)
		buf_adds(&b, ", e edit the command");
	else if (key == 'e' || key == 'E')
		buf_adds(&b, " (e edits a command only)");
	buf_adds(&b, "\n");
	put(fd, b.data, b.len);
	buf_done(&b);
}

/*
 * e: the command edited in the terminal's own mode (old); false when it is
 * left as it was, said on fd.
 */
static bool
edit_key(int fd, const struct termios *old, tool_edit_fn editor, const char *cmd, char **edit)
{
	char *line;

	put(fd, "\n", 1);
	tcsetattr(fd, TCSAFLUSH, old);
	line = editor(cmd);
	if (line != NULL && *str_trim(line) != '\0') {
		*edit = line;
		return true;
	}
	free(line);
	put(fd, "llm: the command is unchanged\n", 30);
	return false;
}

/*
 * Ask as tools_ask_tty does; a run's question says where the command runs,
 * when root is given, and offers e when editor is given: the command edited
 * runs in its place, and one left as it was asks again.
 */
enum tool_answer
tools_ask_tty_at(const char *dev, const char *root, const char *tool, const char *preview,
    const char *why, char **edit, tool_edit_fn editor)
{
	int fd = open(dev != NULL ? dev : "/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	enum tool_answer a = TOOL_NO;
	bool run = strcmp(tool, "run") == 0, folded = false, editable;
	struct termios old;
	struct buf q, diff;
	const char *nl, *ask;
	char *shown;
	size_t at;
	int key;

	editable = run && edit != NULL && editor != NULL;
	if (fd < 0)
		return TOOL_NO;
	if (!tty_raw(fd, &old)) {
		close(fd);
		return TOOL_NO;
	}
	/* made visible by the tools already: again here, since no caller's text reaches a terminal raw */
	preview = shown = visible_str(preview, strlen(preview));
	buf_init(&q, 0);
	buf_init(&diff, 0);
	headline(&q, tool, preview);
	/* what is approved is shown before the question, not only on d */
	if (!run && strstr(preview, "\n+++ b/") != NULL)
		folded = diff_head(&diff, preview);
	if (root != NULL && run)
		buf_addf(&q, "llm: it runs in the workspace's root, %s, not in this directory\n", root);
	if (why != NULL)
		buf_addf(&q, "llm: not allowed without asking: %s\n", why);
	/* a command has no diff: d shows it whole, which matters once it is cut */
	at = q.len;
	buf_addf(&q, "allow? [y]es [n]o [a]lways for %s in this task%s%s ", tool,
	    run ? " [d] whole command" : folded ? " [d] whole diff" : "", editable ? " [e]dit" : "");
	ask = q.data + at;   /* the question's own line, asked again alone */
	nl = strchr(q.data, '\n') + 1;   /* the headline's end: the diff goes under it */
	put(fd, q.data, (size_t)(nl - q.data));
	put(fd, diff.data != NULL ? diff.data : "", diff.len);
	put(fd, nl, strlen(nl));
	for (;;) {
		key = read_key(fd);
		if (key == 'y' || key == 'Y' || key == 'a' || key == 'A' || key == 'n' || key == 'N' ||
		    key == -1 || key == 4) {
			/* the end of input, a signal (Ctrl-C) and Ctrl-D are no */
			a = key == 'y' || key == 'Y' ? TOOL_YES : key == 'a' || key == 'A' ?
			    TOOL_ALWAYS : TOOL_NO;
			break;
		}
		if (key == 'd' || key == 'D') {
			put(fd, "\n", 1);
			put(fd, preview, strlen(preview));
			put(fd, "\n", 1);
			put(fd, q.data, q.len);
			continue;
		}
		if (editable && (key == 'e' || key == 'E')) {
			if (edit_key(fd, &old, editor, preview, edit)) {
				a = TOOL_EDITED;
				break;
			}
			if (!tty_raw(fd, &old))
				break;
			put(fd, ask, strlen(ask));
			continue;
		}
		no_answer(fd, key, run, editable, folded);
		put(fd, ask, strlen(ask));
	}
	if (a != TOOL_EDITED) {   /* an edit gave the terminal back, and showed its answer */
		put(fd, a == TOOL_YES ? "yes\n" : a == TOOL_ALWAYS ? "always\n" : "no\n",
		    a == TOOL_YES ? 4 : a == TOOL_ALWAYS ? 7 : 3);
		tcsetattr(fd, TCSAFLUSH, &old);
	}
	buf_done(&q);
	buf_done(&diff);
	free(shown);
	close(fd);
	return a;
}
