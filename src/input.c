/* input: read what the user hands llm (stdin, attached files, price lists) whole, as text, within one cap. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"
#include "visible.h"

#define INPUT_CHUNK 65536
#define INPUT_PIPEFS 0x50495045  /* statfs f_type of a pipe (linux/magic.h PIPEFS_MAGIC) */
#define INPUT_SNIFF 8192     /* bytes looked at to tell text from binary */

/* Free what in holds; accepts one never filled. */
void
input_done(struct input *in)
{
	free(in->data);
	free(in->note);
	memset(in, 0, sizeof(*in));
}

/* The cause for input over max; a smaller max means earlier input took part of the cap. */
static void
input_over(const char *name, size_t max, char **cause)
{
	xasprintf(cause, "%s: over the %s input limit%s; send less (the part that matters, "
	    "or a piece at a time)", name, INPUT_MAX_TEXT,
	    max < INPUT_MAX ? " with the prompt and the input before it" : "");
}

/* Wait until fd is readable: stdin may come non-blocking from the parent. */
static void
input_wait(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

/* Read fd to its end into b, at most max bytes (0: none). 0, or -1 with *cause. */
static int
input_slurp(int fd, const char *name, size_t max, struct buf *b, char **cause)
{
	char *chunk = xmalloc(INPUT_CHUNK);
	ssize_t n;
	int rc = -1;

	for (;;) {
		n = read(fd, chunk, INPUT_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			input_wait(fd);
			continue;
		}
		if (n < 0) {
			xasprintf(cause, "%s: %s", name, strerror(errno));
			break;
		}
		if (n == 0) {
			rc = 0;
			break;
		}
		/* max itself, not the buffer's cap: a cap of 0 would mean none */
		if ((size_t)n > max - b->len || buf_add(b, chunk, (size_t)n) != 0) {
			input_over(name, max, cause);
			break;
		}
	}
	free(chunk);
	return rc;
}

/* Whether code point cp (or -1, not UTF-8) is something text does not hold. */
static int
input_odd(int32_t cp)
{
	if (cp < 0 || cp == 0x7f)
		return 1;
	return cp < 0x20 && strchr("\t\n\r\f\v\b\033", (int)cp) == NULL;
}

/*
 * Refuse binary data: any NUL (it would end the text early) or a start that
 * is more than a quarter bytes no text holds (an image, an archive, a text
 * in a legacy encoding). 0, or -1 with *cause.
 */
static int
input_text(const char *name, const char *s, size_t len, char **cause)
{
	const char *nul = memchr(s, '\0', len);
	size_t n = len < INPUT_SNIFF ? len : INPUT_SNIFF, i = 0, odd = 0, k;
	int32_t cp;

	if (nul != NULL) {
		xasprintf(cause, "%s: binary data (a NUL byte at offset %zu); llm sends text: attach "
		    "a text file, or convert it first (strings, or iconv for UTF-16)", name,
		    (size_t)(nul - s));
		return -1;
	}
	while (i < n) {
		k = visible_decode(s + i, n - i, &cp);
		odd += input_odd(cp) ? k : 0;
		i += k;
	}
	if (n >= 32 && odd * 4 > n) {
		xasprintf(cause, "%s: does not look like text (%zu of its first %zu bytes are "
		    "neither UTF-8 nor printable); convert it to UTF-8 text first (iconv -t UTF-8)",
		    name, odd, n);
		return -1;
	}
	return 0;
}

/* Return s[0..n) with what is not UTF-8 as U+FFFD (malloc'd), or NULL if it all is UTF-8. */
char *
input_utf8(const char *s, size_t n, size_t *len, size_t *replaced)
{
	struct buf b;
	size_t i = 0, k;
	int32_t cp;

	*replaced = 0;
	buf_init(&b, 0);
	while (i < n) {
		k = visible_decode(s + i, n - i, &cp);
		if (cp < 0) {
			buf_adds(&b, "\xef\xbf\xbd");
			(*replaced)++;
		} else {
			buf_add(&b, s + i, k);
		}
		i += k;
	}
	if (*replaced == 0) {
		buf_done(&b);
		return NULL;
	}
	*len = b.len;
	return buf_detach(&b);
}

/* Return the note that tells the user what input_utf8 replaced in name (malloc'd). */
char *
input_note(const char *name, size_t replaced)
{
	return xstrfmt("%s: not valid UTF-8: %zu broken sequence%s replaced with U+FFFD \xef\xbf\xbd",
	    name, replaced, replaced == 1 ? "" : "s");
}

/* Replace what is not UTF-8 in in->data with U+FFFD, one per broken sequence. */
static void
input_fix_utf8(struct input *in, const char *name)
{
	size_t len;
	char *fixed = input_utf8(in->data, in->len, &len, &in->replaced);

	if (fixed == NULL)
		return;
	free(in->data);
	in->data = fixed;
	in->len = len;
	in->note = input_note(name, in->replaced);
}

/* Read all of fd into in: at most max bytes, text only. 0, or -1 with *cause. */
int
input_fd(int fd, const char *name, size_t max, unsigned flags, struct input *in, char **cause)
{
	char *data;
	size_t len;

	memset(in, 0, sizeof(*in));
	if (input_bytes(fd, name, max, &data, &len, cause) != 0)
		return -1;
	return input_take(name, data, len, flags, in, cause);
}

int
input_bytes(int fd, const char *name, size_t max, char **data, size_t *len, char **cause)
{
	struct buf b;

	buf_init(&b, 0);
	if (input_slurp(fd, name, max, &b, cause) != 0) {
		buf_done(&b);
		return -1;
	}
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}

int
input_take(const char *name, char *data, size_t len, unsigned flags, struct input *in,
    char **cause)
{
	memset(in, 0, sizeof(*in));
	if (input_text(name, data, len, cause) != 0) {
		free(data);
		return -1;
	}
	in->len = len;
	in->data = data;
	if (flags & INPUT_UTF8)
		input_fix_utf8(in, name);
	return 0;
}

/* What st is, for a message that refuses it. */
static const char *
input_kind(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return "a directory";
	if (S_ISFIFO(st->st_mode))
		return "a FIFO";
	if (S_ISCHR(st->st_mode))
		return "a character device";
	if (S_ISBLK(st->st_mode))
		return "a block device";
	if (S_ISSOCK(st->st_mode))
		return "a socket";
	return "not a regular file";
}

/*
 * Whether fd (st its stat) is a pipe that some command writes into, not stdin's:
 * what a shell's process substitution names (-f <(git diff), /dev/fd/63). It
 * has its writer already or had one, so reading it ends, unlike a named FIFO
 * with no writer yet; stdin's own pipe is the material, read once as that.
 */
static bool
input_command_pipe(int fd, const struct stat *st)
{
	struct statfs fs;
	struct stat in;

	if (!S_ISFIFO(st->st_mode) || fstatfs(fd, &fs) != 0 || fs.f_type != INPUT_PIPEFS)
		return false;
	return fstat(STDIN_FILENO, &in) != 0 || in.st_dev != st->st_dev || in.st_ino != st->st_ino;
}

/* Read the regular file (or command pipe) at path as input_bytes does; the rest is refused unread. */
int
input_file_bytes(const char *path, size_t max, char **data, size_t *len, char **cause)
{
	struct stat st;
	int fd, rc = -1;

	/* A FIFO with no writer would block open() and read() for good; a tty must not become ours. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
	} else if (input_command_pipe(fd, &st)) {
		rc = input_bytes(fd, path, max, data, len, cause);
	} else if (S_ISDIR(st.st_mode)) {
		xasprintf(cause, "%s: a directory, not a regular file: attach its files one by one "
		    "(-f %s/NAME), or let llm do read it", path, path);
	} else if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: %s, not a regular file; llm reads regular files and a "
		    "command's output (-f <(cmd)) only: save what it holds to a file first", path,
		    input_kind(&st));
	} else if ((uint64_t)st.st_size > max) {
		input_over(path, max, cause);
	} else {
		rc = input_bytes(fd, path, max, data, len, cause);
	}
	close(fd);
	return rc;
}

/* Read the file at path as input_file_bytes does, then take it as text. */
int
input_file(const char *path, size_t max, unsigned flags, struct input *in, char **cause)
{
	char *data;
	size_t len;

	memset(in, 0, sizeof(*in));
	if (input_file_bytes(path, max, &data, &len, cause) != 0)
		return -1;
	return input_take(path, data, len, flags, in, cause);
}

/* Name endings of prose: text and the lightweight markup formats written as text. */
static const char *const prose_exts[] = {
	"txt", "text", "md", "markdown", "mdown", "mkd", "mkdn", "rst", "org", "adoc", "asciidoc",
};

/* The names of prose files that have no ending: a project's notes to its readers. */
static const char *const prose_names[] = {
	"README", "LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS", "CONTRIBUTORS", "CHANGELOG",
	"CHANGES", "NEWS", "HISTORY", "CONTRIBUTING", "INSTALL", "TODO", "NOTES", "THANKS", "BUGS",
};

/* Whether path's name ends in a prose extension, or is one of those names. */
bool
input_prose(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t i;

	base = base != NULL ? base + 1 : path;
	if ((dot = strrchr(base, '.')) == NULL || dot == base) {
		for (i = 0; i < ARRAY_SIZE(prose_names); i++)
			if (strcasecmp(base, prose_names[i]) == 0)
				return true;
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(prose_exts); i++)
		if (strcasecmp(dot + 1, prose_exts[i]) == 0)
			return true;
	return false;
}

/*
 * The fence around an attached file shows the model where the file begins and
 * ends, and keeps its text apart from the prompt. CommonMark closes a fence
 * only with one of the same mark at least as long, so the fence is one longer
 * than any run of its mark in the text: a Markdown file's own fences cannot
 * end it early. Prose takes tildes: the router counts a ``` fence as code
 * pasted in (a sure sign of code work, which sends a prompt to mid at least),
 * and so would route a page of notes as code; a ~~~ fence frames the text
 * just as well for the model and leaves the router to judge what is inside,
 * as it judges the same text pasted. Code, data and any file not known to be
 * prose keep backticks.
 */
void
input_fence(const char *path, const char *text, size_t n, char *fence, size_t size)
{
	char mark = input_prose(path) ? '~' : '`';
	size_t i, run = 0, longest = 2;

	for (i = 0; i < n; i++) {
		run = text[i] == mark ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	if (longest + 2 > size)
		longest = size - 2;
	memset(fence, mark, longest + 1);
	fence[longest + 1] = '\0';
}
