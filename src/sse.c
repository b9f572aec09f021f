/* sse: an incremental Server-Sent Events decoder over a capped buffer; no I/O. */
#include "sse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

/*
 * Bytes arrive in arbitrary slices (curl write callbacks), so the decoder keeps
 * the line being read and the event being assembled between calls. A line
 * ending in '\r' ends at once; cr remembers it so that a '\n' opening the next
 * slice is taken as the second half of "\r\n", not as an empty line that would
 * dispatch early.
 */
struct sse {
	struct buf line;   /* the current line, without its line end */
	struct buf data;   /* the data lines of the pending event, joined with '\n' */
	struct buf event;  /* the last "event:" value of the pending event */
	bool has_data;     /* a data line arrived (even an empty one) */
	bool has_event;
	bool cr;           /* the last byte seen was '\r' */
	bool started;      /* a first line was seen (for the byte order mark) */
	int rc;            /* sticky once nonzero: -1 over the cap, 1 stopped */
	sse_event_fn fn;
	void *arg;
};

/* Make a decoder whose lines and event data are capped at max bytes. */
struct sse *
sse_new(size_t max, sse_event_fn fn, void *arg)
{
	struct sse *s = xcalloc(1, sizeof(*s));

	buf_init(&s->line, max);
	buf_init(&s->data, max);
	buf_init(&s->event, max);
	s->fn = fn;
	s->arg = arg;
	return s;
}

/* Free a decoder; accepts NULL. */
void
sse_free(struct sse *s)
{
	if (s == NULL)
		return;
	buf_done(&s->line);
	buf_done(&s->data);
	buf_done(&s->event);
	free(s);
}

static void
sse_clear(struct sse *s)
{
	buf_reset(&s->data);
	buf_reset(&s->event);
	s->has_data = false;
	s->has_event = false;
}

/* An empty line: hand over the pending event, if it has any data. */
static int
sse_dispatch(struct sse *s)
{
	int rc;

	if (!s->has_data) {
		sse_clear(s);
		return 0;
	}
	rc = s->fn(s->arg, s->has_event ? buf_str(&s->event) : NULL, buf_str(&s->data), s->data.len);
	sse_clear(s);
	return rc != 0 ? 1 : 0;
}

static int
sse_field(struct sse *s, const char *name, size_t nlen, const char *val, size_t vlen)
{
	if (nlen == 4 && memcmp(name, "data", 4) == 0) {
		if (s->has_data && buf_addc(&s->data, '\n') != 0)
			return -1;
		if (buf_add(&s->data, val, vlen) != 0)
			return -1;
		s->has_data = true;
	} else if (nlen == 5 && memcmp(name, "event", 5) == 0) {
		buf_reset(&s->event);
		if (buf_add(&s->event, val, vlen) != 0)
			return -1;
		s->has_event = vlen > 0;
	}
	/* id, retry and unknown fields mean nothing to a one-shot request */
	return 0;
}

/* One complete line, l[0..len), without its line end. */
static int
sse_line(struct sse *s, const char *l, size_t len)
{
	const char *colon, *val;
	size_t nlen, vlen;

	if (!s->started) {
		s->started = true;
		if (len >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) {
			l += 3;
			len -= 3;
		}
	}
	if (len == 0)
		return sse_dispatch(s);
	if (l[0] == ':')
		return 0; /* a comment: keep-alives such as ": OPENROUTER PROCESSING" */
	colon = memchr(l, ':', len);
	if (colon == NULL)
		return sse_field(s, l, len, "", 0);
	nlen = (size_t)(colon - l);
	val = colon + 1;
	vlen = len - nlen - 1;
	if (vlen > 0 && val[0] == ' ') {
		val++;
		vlen--;
	}
	return sse_field(s, l, nlen, val, vlen);
}

/* The length of the line starting at p: up to its first '\r' or '\n', else n. */
static size_t
sse_eol(const char *p, size_t n)
{
	/* memchr scans a word at a time: a long stream spent a tenth of its time here byte by byte */
	const char *nl = memchr(p, '\n', n);
	const char *cr = memchr(p, '\r', nl != NULL ? (size_t)(nl - p) : n);

	if (cr != NULL)
		return (size_t)(cr - p);
	return nl != NULL ? (size_t)(nl - p) : n;
}

/* Decode n more bytes, calling back per complete event. */
int
sse_feed(struct sse *s, const char *p, size_t n)
{
	size_t i;
	int rc;

	if (s->rc != 0)
		return s->rc;
	while (n > 0) {
		if (s->cr) {
			s->cr = false;
			if (*p == '\n') {
				p++;
				n--;
				continue;
			}
		}
		i = sse_eol(p, n);
		if (i == n) {
			if (buf_add(&s->line, p, i) != 0)
				return s->rc = -1;
			break;
		}
		s->cr = p[i] == '\r';
		if (s->line.len == 0) {
			/* the whole line is in this slice: read it where it is */
			if (s->line.max != 0 && i > s->line.max)
				return s->rc = -1;
			rc = sse_line(s, p, i);
		} else {
			if (buf_add(&s->line, p, i) != 0)
				return s->rc = -1;
			rc = sse_line(s, buf_str(&s->line), s->line.len);
			buf_reset(&s->line);
		}
		p += i + 1;
		n -= i + 1;
		if (rc != 0)
			return s->rc = rc;
	}
	return 0;
}

/* End the stream, dispatching an event left without its blank line. */
int
sse_finish(struct sse *s)
{
	int rc;

	if (s->rc != 0)
		return s->rc;
	if (s->line.len > 0) {
		rc = sse_line(s, buf_str(&s->line), s->line.len);
		buf_reset(&s->line);
		if (rc != 0)
			return s->rc = rc;
	}
	return s->rc = sse_dispatch(s);
}
