/* cli_out: the commands' standard output: why a write failed, said once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * stdio forgets why a write failed: a buffer flushed while a command prints
 * meets the full disk, errno goes on to other calls, and the fflush at the
 * end finds nothing left to write and no reason to give. Stdout goes through
 * a stream of ours that keeps the reason.
 */
static FILE *libc_stdout;   /* the C library's stream, while ours stands in */
static int out_errno;       /* why a write to stdout first failed, or 0 */
static bool out_said;       /* its failure was said on stderr */

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
	done = write_all(STDOUT_FILENO, s, n);
	if (done < n && out_errno == 0)
		out_errno = errno != 0 ? errno : EIO;
	return (ssize_t)done;
}

/* Put stdout through a stream of ours, unless it is a terminal. */
void
cli_out_init(void)
{
	cookie_io_functions_t out = { .write = out_write };
	FILE *f;

	/* curses wants the C library's stream on a terminal */
	if (!isatty(STDOUT_FILENO) && (f = fopencookie(NULL, "w", out)) != NULL) {
		libc_stdout = stdout;
		stdout = f;
	}
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
