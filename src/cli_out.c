/* cli_out: the commands' standard output: why a write failed, and --json's usage error. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "report.h"
#include "util.h"

/* What of stderr is kept for --json's error: its first lines are the message. */
#define SAID_MAX 4096

/*
 * stdio forgets why a write failed: a buffer flushed while a command prints
 * meets the full disk, errno goes on to other calls, and the fflush at the
 * end finds nothing left to write and no reason to give. Stdout goes through
 * a stream of ours that keeps the reason and whether anything was written;
 * under --json, stderr through one that keeps what was said.
 */
static FILE *libc_stdout;   /* the C library's stream, while ours stands in */
static int out_errno;       /* why a write to stdout first failed, or 0 */
static bool out_used;       /* something was written to stdout */
static bool out_said;       /* its failure was said on stderr */
static bool said_kept;      /* stderr goes through ours (--json) */
static struct buf said;     /* the start of what went to stderr */
static char *hint_first;    /* a did-you-mean line, said above the next usage hint */

/* Write the n bytes of s to fd whole, through EINTR; how many went, errno set if short. */
static size_t
write_all(int fd, const char *s, size_t n)
{
	size_t done = 0;
	ssize_t k;

	errno = 0;
	while (done < n) {
		k = write(fd, s + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	return done;
}

static ssize_t
out_write(void *cookie, const char *s, size_t n)
{
	size_t done;

	(void)cookie;
	out_used = true;
	done = write_all(STDOUT_FILENO, s, n);
	if (done < n && out_errno == 0)
		out_errno = errno != 0 ? errno : EIO;
	return (ssize_t)done;
}

static ssize_t
err_write(void *cookie, const char *s, size_t n)
{
	(void)cookie;
	if (said.len < SAID_MAX)
		buf_add(&said, s, n < SAID_MAX - said.len ? n : SAID_MAX - said.len);
	return (ssize_t)write_all(STDERR_FILENO, s, n);
}

/* Put stdout, and under --json (json) stderr too, through streams of ours. */
void
cli_out_init(bool json)
{
	cookie_io_functions_t out = { .write = out_write }, err = { .write = err_write };
	bool tty = isatty(STDOUT_FILENO);
	FILE *f;

	/* on a terminal, curses wants the C library's stream: ours only where --json needs it */
	if ((json || !tty) && (f = fopencookie(NULL, "w", out)) != NULL) {
		if (tty)
			setvbuf(f, NULL, _IOLBF, BUFSIZ);
		libc_stdout = stdout;
		stdout = f;
	}
	if (json && (f = fopencookie(NULL, "w", err)) != NULL) {
		setvbuf(f, NULL, _IONBF, 0);
		buf_init(&said, SAID_MAX);
		said_kept = true;
		stderr = f;
	}
}

/* Give stdout back to the C library's stream, which curses writes through. */
void
cli_out_release(void)
{
	if (libc_stdout == NULL)
		return;
	fflush(stdout);
	stdout = libc_stdout;
	libc_stdout = NULL;
}

/* Flush stdout: 0 when it took all that was printed, else why not (an errno value). */
int
cli_out_error(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (out_errno == 0)
		out_errno = errno != 0 ? errno : EIO;
	return out_errno;
}

/*
 * End a command that printed on stdout: flush it and, when it did not take
 * all, say why once ("llm: stdout: No space left on device", then note, if
 * any). The exit code: rc when all went out, EXIT_SIGPIPE when the reader
 * left (said by nobody, as a process SIGPIPE kills), else EXIT_USAGE.
 */
int
cli_out_end(int rc, const char *note)
{
	int err = cli_out_error();

	if (err == 0)
		return rc;
	if (err == EPIPE)
		return EXIT_SIGPIPE;
	if (!out_said)
		fprintf(stderr, "llm: stdout: %s%s\n", strerror(err), note != NULL ? note : "");
	out_said = true;
	return EXIT_USAGE;
}

/*
 * A usage error says what was wrong, then the synopsis and where the rest is:
 * a page of help under the one line that matters buries it.
 */
void
cli_usage_hint(const char *cmd, const char *usage)
{
	struct buf b;

	buf_init(&b, 0);
	if (hint_first != NULL) {
		buf_adds(&b, hint_first);
		free(hint_first);
		hint_first = NULL;
	}
	cli_usage_hint_add(&b, cmd, usage);
	fputs(buf_str(&b), stderr);
	buf_done(&b);
}

/*
 * Say line (a whole line: "llm: did you mean ...?\n") above the next usage
 * hint, under the error, rather than below the usage where it is missed; NULL
 * forgets it. Whether the line given before was not said yet.
 */
bool
cli_usage_first(const char *line)
{
	bool pending = hint_first != NULL;

	free(hint_first);
	hint_first = line != NULL ? xstrdup(line) : NULL;
	return pending;
}

/* Add to b the synopsis of cmd (NULL: llm's own line) from usage, and the Try line. */
void
cli_usage_hint_add(struct buf *b, const char *cmd, const char *usage)
{
	size_t n = strlen(usage);
	const char *blank = strstr(usage, "\n\n");

	if (blank != NULL)
		n = (size_t)(blank - usage) + 1;
	buf_add(b, usage, n);
	buf_addf(b, "Try 'llm %s%s--help'.\n", cmd != NULL ? cmd : "", cmd != NULL ? " " : "");
}

/*
 * The message of what was said on stderr: its lines up to a blank one, the
 * command's usage or the "Try 'llm --help'." after it, without "llm: ".
 */
static char *
said_message(void)
{
	const char *s = buf_str(&said), *nl;
	struct buf b;
	size_t n;

	buf_init(&b, 0);
	for (; *s != '\0'; s = *nl != '\0' ? nl + 1 : nl) {
		nl = s + strcspn(s, "\n");
		n = (size_t)(nl - s);
		if (n == 0 || strncmp(s, "usage:", 6) == 0 || strncmp(s, "Try '", 5) == 0)
			break;
		if (strncmp(s, "llm: ", 5) == 0) {
			s += 5;
			n -= 5;
		}
		if (b.len > 0)
			buf_addc(&b, '\n');
		buf_add(&b, s, n);
	}
	return buf_detach(&b);
}

/*
 * Under --json, a usage or config error (rc) that printed nothing on stdout:
 * what stderr said of it, as {"error": "...", "exit_code": 2}, the members a
 * one-shot's failed answer has, so that a script reading stdout reads JSON.
 */
void
cli_out_json_error(int rc)
{
	char *msg, *s;
	cJSON *o;

	/* not our stream: whether anything was printed is not known */
	if (libc_stdout == NULL || !said_kept || cli_out_error() != 0 || out_used)
		return;
	msg = said_message();
	o = cJSON_CreateObject();
	cli_json_text(o, "error", *msg != '\0' ? msg : "usage or config error");
	cJSON_AddNumberToObject(o, "exit_code", rc);
	s = report_json_str(o);
	printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	free(msg);
}
