/* fuzz_fast: the OpenAI adapter with its fast path (scanner and template) on and off must do the same with any event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text handed over: every byte, and where each call began. */
struct seen {
	char *text;
	size_t len, cap;
	size_t calls;
	size_t bounds; /* a checksum of the call boundaries */
};

static void
on_text(void *arg, const char *s, size_t n)
{
	struct seen *w = arg;

	if (n == 0 || strlen(s) < n)
		abort();
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2;
		w->text = realloc(w->text, w->cap);
		if (w->text == NULL)
			abort();
	}
	memcpy(w->text + w->len, s, n);
	w->len += n;
	w->calls++;
	w->bounds = w->bounds * 31 + w->len;
}

/* One event through the adapter, from a state set by the first byte. */
static enum pev
run(bool fast, uint8_t how, const char *data, size_t len, struct pstate *st, struct seen *w)
{
	memset(st, 0, sizeof *st);
	memset(w, 0, sizeof *w);
	st->on_text = on_text;
	st->arg = w;
	if (how & 1)
		st->stop = STOP_ERROR; /* an earlier error must stay */
	if (how & 2)
		st->stop = STOP_LENGTH;
	if (how & 4) {
		st->usage.input = 5;
		st->usage.output = 3;
		st->usage.reported = true;
	}
	wire_fast = fast;
	return provider_openai.event(st, NULL, data, len);
}

static bool
same_usage(const struct usage *x, const struct usage *y)
{
	return x->input == y->input && x->cached_input == y->cached_input && x->cache_write == y->cache_write &&
	    x->cache_write_1h == y->cache_write_1h && x->output == y->output && x->reasoning == y->reasoning &&
	    x->reported == y->reported;
}

/* Abort unless the fast run (a, wa, ra) left what the cJSON run (b, wb, rb) did; free a's side. */
static void
check_same(struct pstate *a, struct seen *wa, enum pev ra, const struct pstate *b, const struct seen *wb,
    enum pev rb)
{
	if (ra != rb || a->stop != b->stop || a->done != b->done || !same_usage(&a->usage, &b->usage))
		abort();
	if ((a->error == NULL) != (b->error == NULL) || (a->error != NULL && strcmp(a->error, b->error) != 0))
		abort();
	if (wa->len != wb->len || wa->calls != wb->calls || wa->bounds != wb->bounds ||
	    (wa->len > 0 && memcmp(wa->text, wb->text, wa->len) != 0))
		abort();
	free(wa->text);
	pstate_done(a);
}

/* The first byte picks a starting state; the rest is one event's data. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pstate a, b;
	struct seen wa, wb;
	enum pev ra, rb;
	unsigned long before;
	const char *ev;
	size_t len;

	if (size < 1)
		return 0;
	ev = (const char *)data + 1;
	len = size - 1;
	before = wire_fast_count;
	ra = run(true, data[0], ev, len, &a, &wa);
	if (wire_fast_count != before && ra != PEV_OK)
		abort(); /* the fast path only ever delivers text */
	before = wire_fast_count;
	rb = run(false, data[0], ev, len, &b, &wb);
	if (wire_fast_count != before)
		abort(); /* off means off */
	check_same(&a, &wa, ra, &b, &wb, rb);
	/* again: an event the scanner took is now the template, and must read the same through it */
	ra = run(true, data[0], ev, len, &a, &wa);
	check_same(&a, &wa, ra, &b, &wb, rb);
	free(wb.text);
	pstate_done(&b);
	wire_fast = true;
	return 0;
}
