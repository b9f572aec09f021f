/* tools_ask: the approval question on the terminal: one key, y, n, a(lways) or d(iff). */
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "tools.h"
#include "util.h"

#define ASK_COMMAND_MAX 240  /* bytes of a command shown on the question's line */

/* Write s to fd whole (a terminal); errors leave the question unanswered, which is no. */
static void
put(int fd, const char *s, size_t n)
{
	(void)fd_write_all(fd, s, n);
}

/*
 * The command on one line, as the question shows it just above its answer:
 * a newline as "⏎" and a run of blanks as "␣×N", so that no part of what
 * would run can scroll out of sight above a screenful of blank lines or
 * spaces; cut at ASK_COMMAND_MAX bytes, then said how long it is in all.
 */
static void
command_line(struct buf *b, const char *cmd)
{
	const char *p = cmd;
	size_t start = b->len, n;

	while (*p != '\0') {
		if (b->len - start >= ASK_COMMAND_MAX && ((unsigned char)*p & 0xc0) != 0x80) {
			buf_addf(b, "… (%zu bytes in all: d shows it whole)", strlen(cmd));
			return;
		}
		n = strspn(p, " \t");
		if (*p == '\n') {
			buf_adds(b, "⏎");
			p++;
		} else if (n > 3) {
			buf_addf(b, " ␣×%zu ", n);
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
	for (p = preview; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (*p == '+' && !str_startswith(p, "+++ "))
			added++;
		else if (*p == '-' && !str_startswith(p, "--- "))
			removed++;
	}
	buf_addf(b, "llm: %s %.*s (+%d \u2212%d)\n", tool, (int)strcspn(file, "\n"), file, added,
	    removed);
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
	return tools_ask_tty_at(arg, NULL, tool, preview, why, edit);
}

/* Ask as tools_ask_tty does; a run's question says where the command runs, when root is given. */
enum tool_answer
tools_ask_tty_at(const char *dev, const char *root, const char *tool, const char *preview,
    const char *why, char **edit)
{
	int fd = open(dev != NULL ? dev : "/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	enum tool_answer a = TOOL_NO;
	struct termios old;
	struct buf q;
	int key;

	(void)edit;   /* one key here: a command is not edited on this terminal */
	if (fd < 0)
		return TOOL_NO;
	if (!tty_raw(fd, &old)) {
		close(fd);
		return TOOL_NO;
	}
	buf_init(&q, 0);
	headline(&q, tool, preview);
	if (root != NULL && strcmp(tool, "run") == 0)
		buf_addf(&q, "llm: it runs in the workspace's root, %s, not in this directory\n", root);
	if (why != NULL)
		buf_addf(&q, "llm: not allowed without asking: %s\n", why);
	/* a command has no diff: d shows it whole, which matters once it is cut */
	buf_addf(&q, "allow? [y]es [n]o [a]lways for %s in this task [d]%s ", tool,
	    strcmp(tool, "run") == 0 ? " whole command" : "iff");
	for (;;) {
		put(fd, q.data, q.len);
		key = read_key(fd);
		if (key == 'd' || key == 'D') {
			put(fd, "\n", 1);
			put(fd, preview, strlen(preview));
			put(fd, "\n", 1);
			continue;
		}
		a = key == 'y' || key == 'Y' ? TOOL_YES : key == 'a' || key == 'A' ? TOOL_ALWAYS :
		    TOOL_NO;
		break;
	}
	put(fd, a == TOOL_YES ? "yes\n" : a == TOOL_ALWAYS ? "always\n" : "no\n",
	    a == TOOL_YES ? 4 : a == TOOL_ALWAYS ? 7 : 3);
	tcsetattr(fd, TCSAFLUSH, &old);
	buf_done(&q);
	close(fd);
	return a;
}
