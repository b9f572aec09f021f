/* tools_diff: the unified diff of an edit or write, shortest (Myers) where that is affordable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools_priv.h"
#include "util.h"

#define DIFF_CONTEXT 3
/* Past this many differing lines the middle is shown as one change. */
#define DIFF_MAX_D 1000

/* A text cut into lines: starts and lengths, the newline not counted. */
struct lines {
	const char **at;
	size_t *len;
	size_t n;
	bool last_nl;     /* the last line ends with a newline */
};

/* One line of the diff: kept, removed or added, with where it is in each text. */
struct op {
	char kind;        /* ' ', '-' or '+' */
	size_t a, b;      /* the line of the old and the new text at this point */
};

static void
lines_split(struct lines *l, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *nl;

	memset(l, 0, sizeof(*l));
	l->last_nl = true;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l->at = xreallocarray(l->at, l->n + 1, sizeof(*l->at));
		l->len = xreallocarray(l->len, l->n + 1, sizeof(*l->len));
		l->at[l->n] = p;
		l->len[l->n++] = (size_t)((nl != NULL ? nl : end) - p);
		if (nl == NULL)
			l->last_nl = false;
		p = nl != NULL ? nl + 1 : end;
	}
}

static void
lines_done(struct lines *l)
{
	free(l->at);
	free(l->len);
}

static bool
line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->at[i], b->at[j], a->len[i]) == 0 &&
	    (i + 1 < a->n || a->last_nl) == (j + 1 < b->n || b->last_nl);
}

/* The middle both texts do not share at their ends: a[a0, a0+n) and b[b0, b0+m). */
struct middle {
	const struct lines *a, *b;
	size_t a0, b0;
	int n, m;
	bool *del, *ins;  /* per line of the middle: removed, added */
};

/* Myers' snapshots: V at the start of each round d, its keys -(d-1)..d-1. */
struct trace {
	int *v;
	size_t len;
	size_t *start;    /* where round d's snapshot begins in v */
};

static int
trace_get(const struct trace *t, int d, int k)
{
	return t->v[t->start[d] + (size_t)(k + d - 1)];
}

/* Walk back from the end through the snapshots, marking what was removed and added. */
static void
backtrack(struct middle *md, const struct trace *t, int dmax)
{
	int x = md->n, y = md->m, d, k, pk, px, py;

	for (d = dmax; d > 0; d--) {
		k = x - y;
		pk = k == -d || (k != d && trace_get(t, d, k - 1) < trace_get(t, d, k + 1)) ?
		    k + 1 : k - 1;
		px = trace_get(t, d, pk);
		py = px - pk;
		/* the lines between (px, py) after the move and (x, y) are a shared run */
		if (pk == k + 1)
			md->ins[py] = true;   /* a step down: b[py] added */
		else
			md->del[px] = true;   /* a step across: a[px] removed */
		x = px;
		y = py;
	}
}

/* Snapshot V's keys -(d-1)..d-1 at the start of round d. */
static void
trace_push(struct trace *t, const int *v, int off, int d)
{
	size_t n = d > 0 ? (size_t)(2 * d - 1) : 0;

	t->start = xreallocarray(t->start, (size_t)d + 1, sizeof(*t->start));
	t->start[d] = t->len;
	t->v = xreallocarray(t->v, t->len + n + 1, sizeof(*t->v));
	if (n > 0)
		memcpy(t->v + t->len, v + off - (d - 1), n * sizeof(*v));
	t->len += n;
}

/* The shortest edit of the middle (Myers); false when it differs in more than DIFF_MAX_D lines. */
static bool
shortest(struct middle *md)
{
	int off = md->n + md->m + 1, d, k, x, y, found = -1;
	int *v = xcalloc((size_t)(2 * off + 1), sizeof(*v));
	struct trace t = { 0 };

	for (d = 0; d <= DIFF_MAX_D && found < 0; d++) {
		trace_push(&t, v, off, d);
		for (k = -d; k <= d && found < 0; k += 2) {
			x = k == -d || (k != d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] :
			    v[off + k - 1] + 1;
			y = x - k;
			while (x < md->n && y < md->m &&
			    line_eq(md->a, md->a0 + (size_t)x, md->b, md->b0 + (size_t)y))
				x++, y++;
			v[off + k] = x;
			if (x >= md->n && y >= md->m)
				found = d;
		}
	}
	if (found >= 0)
		backtrack(md, &t, found);
	free(v);
	free(t.v);
	free(t.start);
	return found >= 0;
}

/* The diff as lines: the shared ends kept, the middle as the shortest edit found. */
static struct op *
script(const struct lines *a, const struct lines *b, size_t *nops)
{
	size_t pre = 0, suf = 0, i = 0, j = 0, n = 0;
	struct middle md = { .a = a, .b = b };
	struct op *ops;

	while (pre < a->n && pre < b->n && line_eq(a, pre, b, pre))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre && line_eq(a, a->n - 1 - suf, b, b->n - 1 - suf))
		suf++;
	md.a0 = md.b0 = pre;
	md.n = (int)(a->n - pre - suf);
	md.m = (int)(b->n - pre - suf);
	md.del = xcalloc((size_t)md.n + 1, sizeof(bool));
	md.ins = xcalloc((size_t)md.m + 1, sizeof(bool));
	if (!shortest(&md)) {
		memset(md.del, 1, (size_t)md.n);
		memset(md.ins, 1, (size_t)md.m);
	}
	ops = xcalloc(a->n + b->n + 1, sizeof(*ops));
	while (i < a->n || j < b->n) {
		bool in = i >= pre && i < a->n - suf, jn = j >= pre && j < b->n - suf;
		char kind = in && md.del[i - pre] ? '-' : jn && md.ins[j - pre] ? '+' : ' ';

		ops[n++] = (struct op){ .kind = kind, .a = i, .b = j };
		i += kind != '+';
		j += kind != '-';
	}
	free(md.del);
	free(md.ins);
	*nops = n;
	return ops;
}

/* Append line i of l with its mark, and git's note when it has no newline. */
static void
diff_line(struct buf *d, char mark, const struct lines *l, size_t i)
{
	buf_addc(d, mark);
	buf_add(d, l->at[i], l->len[i]);
	buf_addc(d, '\n');
	if (i + 1 == l->n && !l->last_nl)
		buf_adds(d, "\\ No newline at end of file\n");
}

/* The end (exclusive) of the hunk whose first change is ops[i]: changes closer than two contexts join. */
static size_t
hunk_end(const struct op *ops, size_t n, size_t i)
{
	size_t last = i, r;

	while (++i < n) {
		if (ops[i].kind != ' ') {
			last = i;
			continue;
		}
		for (r = i; r < n && ops[r].kind == ' '; r++)
			;
		if (r == n || r - i > 2 * DIFF_CONTEXT)
			break;
		i = r - 1;
	}
	return last + 1 + DIFF_CONTEXT < n ? last + 1 + DIFF_CONTEXT : n;
}

/* Append the hunk ops[s, e) with its header. */
static void
hunk(struct buf *d, const struct op *ops, size_t s, size_t e, const struct lines *a,
    const struct lines *b)
{
	size_t na = 0, nb = 0, i;

	for (i = s; i < e; i++) {
		na += ops[i].kind != '+';
		nb += ops[i].kind != '-';
	}
	buf_addf(d, "@@ -%zu,%zu +%zu,%zu @@\n", na ? ops[s].a + 1 : ops[s].a, na,
	    nb ? ops[s].b + 1 : ops[s].b, nb);
	for (i = s; i < e; i++)
		diff_line(d, ops[i].kind, ops[i].kind == '+' ? b : a,
		    ops[i].kind == '+' ? ops[i].b : ops[i].a);
}

/* A unified diff of old to new for rel, with its counts of added and removed lines. */
char *
tools_diff(const char *rel, const char *old, size_t oldlen, const char *new_text,
    size_t newlen, int *added, int *removed)
{
	struct lines a, b;
	size_t n, i, s, e = 0;
	struct op *ops;
	struct buf d;

	lines_split(&a, old, oldlen);
	lines_split(&b, new_text, newlen);
	ops = script(&a, &b, &n);
	buf_init(&d, 0);
	*added = *removed = 0;
	for (i = 0; i < n; i++) {
		*added += ops[i].kind == '+';
		*removed += ops[i].kind == '-';
	}
	if (*added > 0 || *removed > 0)
		buf_addf(&d, "--- %s%s\n+++ b/%s\n", a.n ? "a/" : "", a.n ? rel : "/dev/null", rel);
	for (i = 0; i < n; i++) {
		if (ops[i].kind == ' ' || i < e)
			continue;
		s = i > DIFF_CONTEXT && i - DIFF_CONTEXT > e ? i - DIFF_CONTEXT : e;
		e = hunk_end(ops, n, i);
		hunk(&d, ops, s, e, &a, &b);
	}
	free(ops);
	lines_done(&a);
	lines_done(&b);
	return buf_detach(&d);
}
