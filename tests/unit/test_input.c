/* test_input: stdin and files are read whole as text within the cap, or refused with a reason. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "unit.h"
#include "util.h"
#include "tmpdir.h"

static char dir[] = "/tmp/llm-test-input.XXXXXX";

/* Write n bytes of s to dir/name; return the path (malloc'd). */
static char *
put(const char *name, const char *s, size_t n)
{
	char *path = xstrfmt("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, s, n) == (ssize_t)n);
	close(fd);
	return path;
}

/* Read n bytes of s through a pipe as stdin would be; return input_fd's result. */
static int
through_pipe(const char *s, size_t n, size_t max, struct input *in, char **cause)
{
	int p[2], rc;

	CHECK(pipe(p) == 0);
	CHECK(write(p[1], s, n) == (ssize_t)n);
	close(p[1]);
	rc = input_fd(p[0], "stdin", max, INPUT_UTF8, in, cause);
	close(p[0]);
	return rc;
}

static void
test_text(void)
{
	struct input in;
	char *cause = NULL, *path = put("a.c", "int main(void);\n", 16);

	CHECK_INT(input_file(path, INPUT_MAX, INPUT_UTF8, &in, &cause), 0);
	CHECK_INT(in.len, 16);
	CHECK_STR(in.data, "int main(void);\n");
	CHECK_INT(in.replaced, 0);
	CHECK(in.note == NULL);
	input_done(&in);
	CHECK_INT(through_pipe("caf\xc3\xa9 \033[1m\r\n", 12, 100, &in, &cause), 0);
	CHECK_STR(in.data, "caf\xc3\xa9 \033[1m\r\n");
	input_done(&in);
	free(path);
}

static void
test_nul(void)
{
	struct input in;
	char *cause = NULL, *path = put("nul.txt", "text\0more\n", 10);

	/* never cut at the NUL: refused, with where and what to do */
	CHECK_INT(input_file(path, INPUT_MAX, INPUT_UTF8, &in, &cause), -1);
	CHECK_CAUSE(cause, "nul.txt: binary data (a NUL byte at offset 4)");
	CHECK_INT(through_pipe("abc\0", 4, 100, &in, &cause), -1);
	CHECK(cause != NULL && str_startswith(cause, "stdin: binary data"));
	free(cause);
	free(path);
}

static void
test_binary(void)
{
	struct input in;
	char blob[256], *cause = NULL, *path;
	size_t i;

	/* no NUL, but bytes no text holds: an image or an archive */
	for (i = 0; i < sizeof blob; i++)
		blob[i] = (char)(0x80 + (i * 37) % 128);
	path = put("blob.bin", blob, sizeof blob);
	CHECK_INT(input_file(path, INPUT_MAX, INPUT_UTF8, &in, &cause), -1);
	CHECK_CAUSE(cause, "does not look like text");
	free(path);
}

static void
test_utf8(void)
{
	struct input in;
	char *cause = NULL;

	/* a Latin-1 e acute, a stray continuation byte, a sequence cut short at the end */
	CHECK_INT(through_pipe("caf\xe9 \x80 ok \xe4\xb8", 12, 100, &in, &cause), 0);
	CHECK_STR(in.data, "caf\xef\xbf\xbd \xef\xbf\xbd ok \xef\xbf\xbd");
	CHECK_INT(in.replaced, 3);
	CHECK_STR(in.note, "stdin: not valid UTF-8: 3 broken sequences replaced with U+FFFD \xef\xbf\xbd");
	input_done(&in);
}

static void
test_cap(void)
{
	struct input in;
	char *cause = NULL, *path = put("big.txt", "0123456789", 10);

	CHECK_INT(input_file(path, 10, INPUT_UTF8, &in, &cause), 0);
	input_done(&in);
	CHECK_INT(input_file(path, 9, INPUT_UTF8, &in, &cause), -1);
	CHECK_CAUSE(cause, "big.txt: over the 16 MiB input limit");
	CHECK_INT(through_pipe("0123456789", 10, 9, &in, &cause), -1);
	CHECK(cause != NULL && str_startswith(cause, "stdin: over the 16 MiB input limit"));
	free(cause);
	cause = NULL;
	/* no room left at all means none, not no cap */
	CHECK_INT(through_pipe("x", 1, 0, &in, &cause), -1);
	CHECK_CAUSE(cause, "with the prompt and the input before it");
	free(path);
}

static void
test_not_regular(void)
{
	struct input in;
	char *cause = NULL, *fifo = xstrfmt("%s/fifo", dir);

	/* a FIFO with no writer: refused at once, not waited on */
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK_INT(input_file(fifo, INPUT_MAX, 0, &in, &cause), -1);
	CHECK_CAUSE(cause, "fifo: a FIFO, not a regular file");
	CHECK_INT(input_file(dir, INPUT_MAX, 0, &in, &cause), -1);
	CHECK_CAUSE(cause, "a directory, not a regular file");
	CHECK_INT(input_file("/dev/zero", INPUT_MAX, 0, &in, &cause), -1);
	CHECK_CAUSE(cause, "a character device");
	CHECK_INT(input_file("/nonexistent/x", INPUT_MAX, 0, &in, &cause), -1);
	CHECK_CAUSE(cause, "No such file");
	unlink(fifo);
	free(fifo);
}

/* Prose by its name takes tildes, the rest backticks; one more than the text's longest run. */
static void
test_fence(void)
{
	char f[8];
	static const char *const prose[] = { "notes.txt", "a/b/README.md", "x.MARKDOWN", "doc.rst",
		"todo.org", "guide.adoc" };
	static const char *const other[] = { "main.c", "t.py", "Makefile", "data.json", ".txt",
		"txt", "notes.txt/main.c", "a.md.c" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prose); i++)
		CHECK(input_prose(prose[i]));
	for (i = 0; i < ARRAY_SIZE(other); i++)
		CHECK(!input_prose(other[i]));
	input_fence("a.c", "x", 1, f, sizeof f);
	CHECK_STR(f, "```");
	input_fence("a.md", "x", 1, f, sizeof f);
	CHECK_STR(f, "~~~");
	/* only the fence's own mark counts */
	input_fence("a.md", "````", 4, f, sizeof f);
	CHECK_STR(f, "~~~");
	input_fence("a.md", "a ~~~~ b ~~", 11, f, sizeof f);
	CHECK_STR(f, "~~~~~");
	input_fence("a.c", "``x````", 7, f, sizeof f);
	CHECK_STR(f, "`````");
	/* a run longer than the room: as long as fits */
	input_fence("a.c", "``````````", 10, f, sizeof f);
	CHECK_STR(f, "```````");
}

int
main(void)
{
	tmpdir_make(dir);
	RUN(test_text);
	RUN(test_nul);
	RUN(test_binary);
	RUN(test_utf8);
	RUN(test_cap);
	RUN(test_not_regular);
	RUN(test_fence);
	UNIT_EXIT();
}
