/* ndjson: an incremental splitter of newline-delimited JSON over a capped buffer; no I/O. */
#include "ndjson.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

struct ndjson {
	struct buf line;  /* the current line, without its '\n' */
	int rc;           /* sticky once nonzero: -1 over the cap, 1 stopped */
	ndjson_line_fn fn;
	void *arg;
};

/* Make a splitter whose lines are capped at max bytes. */
struct ndjson *
ndjson_new(size_t max, ndjson_line_fn fn, void *arg)
{
	struct ndjson *j = xcalloc(1, sizeof(*j));

	buf_init(&j->line, max);
	j->fn = fn;
	j->arg = arg;
	return j;
}

/* Free a splitter; accepts NULL. */
void
ndjson_free(struct ndjson *j)
{
	if (j == NULL)
		return;
	buf_done(&j->line);
	free(j);
}

/* Hand over the line in j->line unless it is blank; a trailing '\r' is a CRLF line end. */
static int
ndjson_line(struct ndjson *j)
{
	char *l = j->line.data;
	size_t len = j->line.len, i;
	int rc;

	if (len > 0 && l[len - 1] == '\r')
		l[--len] = '\0';
	for (i = 0; i < len && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'); i++)
		;
	if (i == len)
		rc = 0;
	else
		rc = j->fn(j->arg, l, len) != 0 ? 1 : 0;
	buf_reset(&j->line);
	return rc;
}

/* Split n more bytes, calling back per complete non-blank line. */
int
ndjson_feed(struct ndjson *j, const char *p, size_t n)
{
	const char *nl;
	size_t i;
	int rc;

	if (j->rc != 0)
		return j->rc;
	while (n > 0) {
		nl = memchr(p, '\n', n);
		i = nl != NULL ? (size_t)(nl - p) : n;
		if (buf_add(&j->line, p, i) != 0)
			return j->rc = -1;
		if (nl == NULL)
			break;
		p += i + 1;
		n -= i + 1;
		if ((rc = ndjson_line(j)) != 0)
			return j->rc = rc;
	}
	return 0;
}

/* End the stream, passing on a last line that has no line end. */
int
ndjson_finish(struct ndjson *j)
{
	if (j->rc != 0)
		return j->rc;
	if (j->line.len == 0)
		return 0;
	return j->rc = ndjson_line(j);
}
