/* log: a debug log of llm's requests and decisions (LLM_LOG=PATH, or -v -v); never a header or a key. */
#ifndef LLM_LOG_H
#define LLM_LOG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Open the log LLM_LOG names, appending, created with mode 0600; "-" is stderr.
 * Unset or empty: no log. A file that cannot be opened is said once on stderr
 * and the program goes on without a log. Call once at start-up.
 */
void log_init(void);
/* Log to stderr from now on (-v -v), unless a file was opened. */
void log_to_stderr(void);
/* Whether anything is logged: callers skip work that only feeds the log. */
bool log_enabled(void);
/*
 * One line: a UTC time to the millisecond, the process id, area and the message.
 * Control characters become '?'; a line is cut at 1,000 bytes. Never pass a
 * header, a key or a request body.
 */
void log_msg(const char *area, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* url as it may be logged: scheme, host, port and path; no user, password, query or fragment. */
void log_url(const char *url, char *out, size_t size);

#endif
