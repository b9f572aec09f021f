/* ndjson: an incremental splitter of newline-delimited JSON over a capped buffer; no I/O. */
#ifndef LLM_NDJSON_H
#define LLM_NDJSON_H

#include <stddef.h>

struct ndjson;

/*
 * Called per non-empty line, without its line end (NUL-terminated, len bytes).
 * Return nonzero to stop feeding.
 */
typedef int (*ndjson_line_fn)(void *arg, const char *line, size_t len);

/* Make a splitter; max caps one line, in bytes. */
struct ndjson *ndjson_new(size_t max, ndjson_line_fn fn, void *arg);
/* Split n more bytes: 0 ok; -1 over the cap; 1 the callback asked to stop. */
int ndjson_feed(struct ndjson *j, const char *p, size_t n);
/* End the stream: pass on a last line that has no line end, same returns. */
int ndjson_finish(struct ndjson *j);
/* Free a splitter; accepts NULL. */
void ndjson_free(struct ndjson *j);

#endif
