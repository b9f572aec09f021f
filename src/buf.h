/* buf: a growable byte buffer with a hard cap, always NUL-terminated. */
#ifndef LLM_BUF_H
#define LLM_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Plain data: data[len] is always '\0' once anything was added. max is the cap
 * in bytes (0 = no cap, for buffers not fed from outside); going over it fails
 * and leaves the buffer unchanged, never silently truncated.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *b, size_t max);
void buf_done(struct buf *b);
/* Clear secret contents before releasing them. */
void buf_done_secure(struct buf *b);
void buf_reset(struct buf *b);
/* Append n bytes; -1 if that would pass the cap. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Append s as one word for sh: bare when it holds only safe characters, else in single quotes. */
int buf_add_shell_word(struct buf *b, const char *s);
/* Drop the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* The contents as a string ("" when empty); borrowed. */
const char *buf_str(const struct buf *b);
/* Hand the contents to the caller (malloc'd, never NULL) and reset. */
char *buf_detach(struct buf *b);

#endif
