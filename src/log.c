/* log: a debug log of llm's requests and decisions (LLM_LOG=PATH, or -v -v); never a header or a key. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 1000

static int log_fd = -1;

void
log_init(void)
{
	const char *path = getenv("LLM_LOG");

	if (log_fd >= 0 || path == NULL || path[0] == '\0')
		return;
	if (strcmp(path, "-") == 0) {
		log_fd = STDERR_FILENO;
		return;
	}
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (log_fd < 0)
		fprintf(stderr, "llm: LLM_LOG: %s: %s; going on without a log\n", path,
		    strerror(errno));
}

void
log_to_stderr(void)
{
	if (log_fd < 0)
		log_fd = STDERR_FILENO;
}

bool
log_enabled(void)
{
	return log_fd >= 0;
}

/* "2026-11-05T14:03:09.123Z" */
static size_t
log_stamp(char *out, size_t size)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	if (gmtime_r(&tv.tv_sec, &tm) == NULL ||
	    (n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return 0;
	snprintf(out + n, size - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
	return strlen(out);
}

void
log_msg(const char *area, const char *fmt, ...)
{
	char line[LOG_LINE_MAX + 2];
	size_t n, i, start;
	va_list ap;
	ssize_t w;

	if (log_fd < 0)
		return;
	n = log_stamp(line, LOG_LINE_MAX);
	snprintf(line + n, LOG_LINE_MAX - n, " llm[%ld] %s: ", (long)getpid(), area);
	start = n;
	n = strlen(line);
	va_start(ap, fmt);
	vsnprintf(line + n, LOG_LINE_MAX - n, fmt, ap);
	va_end(ap);
	n = strlen(line);
	for (i = start; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	for (i = 0; i < n; i += (size_t)w) {
		w = write(log_fd, line + i, n - i);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			return;
	}
}

void
log_url(const char *url, char *out, size_t size)
{
	const char *p = strstr(url, "://"), *host = p != NULL ? p + 3 : url, *end, *at;
	size_t head = (size_t)(host - url), len;

	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at != NULL)
		host = at + 1;
	len = strcspn(host, "?#");
	snprintf(out, size, "%.*s%.*s", (int)head, url, (int)len, host);
}
