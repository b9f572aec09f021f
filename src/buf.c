/* buf: a growable byte buffer with a hard cap, always NUL-terminated. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_done(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_done_secure(struct buf *b)
{
	secure_clear(b->data, b->cap);
	buf_done(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
buf_reserve(struct buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (n > SIZE_MAX - b->len - 1)
		return -1;
	want = b->len + n;
	if (b->max != 0 && want > b->max)
		return -1;
	if (want + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want + 1)
		cap = cap > SIZE_MAX / 2 ? want + 1 : cap * 2;
	/* a secret may live here: never leave a stale copy behind realloc */
	p = xmalloc(cap);
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		secure_clear(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_add_shell_word(struct buf *b, const char *s)
{
	size_t len = b->len;
	const char *p;
	int rc = 0;

	if (*s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_./+-:,@%=") == strlen(s))
		return buf_adds(b, s);
	rc |= buf_addc(b, '\'');
	for (p = s; *p; p++)
		rc |= *p == '\'' ? buf_adds(b, "'\\''") : buf_addc(b, *p);
	rc |= buf_addc(b, '\'');
	if (rc != 0) {
		/* whole or not at all, as every other append */
		b->len = len;
		if (b->data != NULL)
			b->data[len] = '\0';
		return -1;
	}
	return 0;
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_detach(struct buf *b)
{
	char *p = b->data != NULL ? b->data : xstrdup("");

	buf_init(b, b->max);
	return p;
}
