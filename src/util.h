/* util: allocation that never fails, formatted strings, clocks and small string helpers. */
#ifndef LLM_UTIL_H
#define LLM_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef void (*die_hook_fn)(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/*
 * A copy of exactly the n bytes at s, NUL bytes among them, plus a terminator:
 * unlike strndup it does not stop at a NUL, so s must hold n readable bytes.
 */
char *xstrndup(const char *s, size_t n);
int xasprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xvasprintf(char **out, const char *fmt, va_list ap);
/* Format into a fresh string and return it. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "llm: message" on stderr, run the die hook (terminal restore) and exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Register what die() must undo first, such as curses. */
void util_set_die_hook(die_hook_fn fn);

/* Copy src into dst of size n, always terminated; return false if it was cut. */
bool str_copy(char *dst, size_t n, const char *src);
/* Trim ASCII white space at both ends in place and return s. */
char *str_trim(char *s);
bool str_startswith(const char *s, const char *prefix);
/* The bytes of s (n long) kept when it is cut to at most max: never inside a UTF-8 character. */
size_t utf8_cut(const char *s, size_t n, size_t max);
bool str_one_edit(const char *a, const char *b);
bool str_endswith(const char *s, const char *suffix);
/*
 * What a run stopped by signal sig is said to have been: "terminated" (SIGTERM),
 * "hung up" (SIGHUP), else "interrupted" (SIGINT, or a stop with no signal).
 */
const char *signal_words(int sig);
/* Compare ASCII case-insensitively. */
bool str_blank(const char *s, size_t n);
bool str_ieq(const char *a, const char *b);
/* Parse a whole decimal integer; false on junk, empty or overflow. */
bool str_to_i64(const char *s, int64_t *out);
/*
 * Parse a non-negative decimal such as "0.14" or "50" into an integer scaled by
 * 10^scale ("0.14", 6 -> 140000), with no floating point. False on junk, on more
 * fractional digits than scale allows (unless they are zeros), or on overflow.
 */
bool str_to_fixed(const char *s, int scale, int64_t *out);
/* Parse an amount in dollars ("0.05", "$0.05", as llm budget set takes it) into picodollars. */
bool str_to_usd(const char *s, int64_t *pico);

/* Zero memory in a way the compiler may not drop. */
void secure_clear(void *p, size_t n);
/* Clear and free a NUL-terminated secret; accepts NULL. */
void secret_free(char *s);
/*
 * Memory for a secret: n zeroed bytes on pages of their own, locked in
 * memory (never swapped out) and left out of core dumps as far as the system
 * allows. Free with free(), after secure_clear (or secret_free for a string).
 */
void *secret_alloc(size_t n);
/* A copy of the string s in secret_alloc memory; free with secret_free. */
char *secret_dup(const char *s);

/* Wall clock in seconds; LLM_NOW (epoch seconds) freezes it for tests. */
int64_t clock_now(void);
/* Monotonic milliseconds for timeouts and latency. */
int64_t clock_ms(void);
/* Make cv a condition whose timed waits count on clock_ms's (monotonic) clock. */
void cond_init_monotonic(pthread_cond_t *cv);
/* Set *ts to ms milliseconds from now on that clock: a deadline for pthread_cond_timedwait. */
void cond_deadline(struct timespec *ts, int64_t ms);

/* The width of the terminal on stdout: its window size, else $COLUMNS, else 80; at most 400. */
int tty_columns(void);
/* Free a NULL-terminated array of strings and the array; accepts NULL. */
void strv_free(char **v);
/* Add s (malloc'd, now the list's) to the NULL-terminated list *v of *n strings, unless it is there: then s is freed. */
void strv_add_unique(char ***v, size_t *n, char *s);
/* Write all of data to fd, again after EINTR; 0, or -1 with errno. */
int fd_write_all(int fd, const char *data, size_t len);
/* Read a whole file into a NUL-terminated buffer of at most max bytes. */
int file_read(const char *path, size_t max, char **out, size_t *len, char **cause);
/*
 * Replace path with data atomically: written to a new temporary file beside it
 * (mkstemp: never through a symlink), given mode, synced, renamed over path.
 * 0, or -1 with *cause.
 */
int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode, char **cause);
/*
 * As file_write_atomic, but only where path does not exist yet: -1 with errno
 * EEXIST (and *cause) when it does; a half-written file is never seen there.
 */
int file_write_new(const char *path, const char *data, size_t len, mode_t mode, char **cause);
/* Create a directory and its parents with mode 0700; 0 or -1 with errno. */
int mkdir_p(const char *path);
/* Whether prog is a program in a directory of $PATH (a regular file we may run). */
bool path_has(const char *prog);
/*
 * Fill dirs (at most max, each malloc'd) with the directories a kind of
 * shipped file ("themes", "roles") is searched in, in order: the config
 * directory's, the installed data directory's, then those of a build tree or
 * a moved install found from the binary's path (its own directory's first);
 * with near, last, ./KIND too. Return how many.
 */
size_t data_dirs(const char *config_dir, const char *kind, bool near, char **dirs, size_t max);

#endif
