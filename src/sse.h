/* sse: an incremental Server-Sent Events decoder over a capped buffer; no I/O. */
#ifndef LLM_SSE_H
#define LLM_SSE_H

#include <stddef.h>

struct sse;

/*
 * Called per complete event; event is NULL when no "event:" line; data is the
 * joined data lines (NUL-terminated, len bytes). Return nonzero to stop feeding.
 */
typedef int (*sse_event_fn)(void *arg, const char *event, const char *data, size_t len);

/* Make a decoder; max caps one line and one event's data, in bytes. */
struct sse *sse_new(size_t max, sse_event_fn fn, void *arg);
/* Decode n more bytes: 0 ok; -1 over the cap; 1 the callback asked to stop. */
int sse_feed(struct sse *s, const char *p, size_t n);
/* End the stream: dispatch pending data (no trailing blank line), same returns. */
int sse_finish(struct sse *s);
/* Free a decoder; accepts NULL. */
void sse_free(struct sse *s);

#endif
