/* fuzz_provider: each adapter's event(), whole() and error() on any bytes, framed as on the wire. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pstate.h"
#include "ndjson.h"
#include "provider.h"
#include "sse.h"
#include "../unit/stream_ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CAP (64 * 1024)

struct run {
	const struct provider *p;
	struct pstate st;
	enum pev last;
};

/* What every call must leave behind, whatever it was fed. */
static void
check_state(const struct pstate *st, enum pev rc)
{
	const struct usage *u = &st->usage;

	fuzz_check_cause(st, rc);
	if (rc == PEV_ERROR && st->stop != STOP_ERROR)
		abort();
	if (u->input < 0 || u->cached_input < 0 || u->cache_write < 0 || u->cache_write_1h < 0 ||
	    u->output < 0 || u->reasoning < 0 || u->reasoning > u->output)
		abort();
}

/* A one-line message: no line end and no raw control characters. */
static void
check_line(const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		abort();
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

static int
on_event(void *arg, const char *name, const char *data, size_t len)
{
	struct run *r = arg;

	r->last = r->p->event(&r->st, name, data, len);
	check_state(&r->st, r->last);
	if (r->st.error != NULL)
		check_line(r->st.error);
	return r->last != PEV_OK; /* stop reading, as the controller does */
}

/* The first byte picks the adapter and the entry point; the rest is the server's bytes. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct provider *const ps[] = {
		&provider_openai, &provider_anthropic, &provider_gemini, &provider_ollama,
	};
	const char *body;
	struct run r;
	char *msg;
	long retry;
	size_t len;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	len = size - 1;
	memset(&r, 0, sizeof r);
	r.p = ps[data[0] % 4];
	r.st.on_text = fuzz_on_text;
	switch ((data[0] / 4) % 3) {
	case 0: /* a stream through its framing */
		(void)stream_wire_decode(r.p->ndjson, FUZZ_CAP, on_event, &r, body, len, 0);
		break;
	case 1: /* a whole reply */
		r.last = r.p->whole(&r.st, body, len);
		check_state(&r.st, r.last);
		if (r.st.error != NULL)
			check_line(r.st.error);
		break;
	default: /* an error body */
		retry = 7;
		msg = r.p->error(400 + data[0], body, len, &retry);
		check_line(msg);
		if (*msg == '\0' || retry < -1)
			abort();
		free(msg);
		/* the error's type: any bytes give one of the kinds */
		if ((unsigned)r.p->fault(body, len) > FAULT_REQUEST)
			abort();
		break;
	}
	pstate_done(&r.st);
	return 0;
}
