/*
 * fuzz_router: the router's scan on any bytes reads only the prompt, its
 * keyword lookup agrees with trying every keyword, and its decision stays in
 * range. The token estimate read as a text grows agrees with the whole's.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pricing.h"
#include "router.h"
#include "router_kw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes written after the prompt: letters, digits and marks that would change any count they reached. */
static const char junk[] = "abcdefghijklmnopqrstuvwxyz0123456789\n```\n?```+=*/ Traceback i can't help ";

/* The features of p[0..n) with conversation state drawn from the input's length. */
static void
features(const char *p, size_t n, double x[RF_COUNT])
{
	struct route_input in = { p, n, (int)(n % 4), (enum tier)((int)(n % 4) - 1), (int64_t)(n % 7) * 1000, 0 };

	router_features(&in, x);
}

/* Every run of ASCII letters in p[0..n) finds the keywords trying each one in turn finds. */
static void
keywords(const unsigned char *p, size_t n)
{
	size_t i = 0, start;
	unsigned p1, p2;

	while (i < n) {
		for (start = i; i < n && ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'); i++)
			;
		if (router_kw_groups(p + start, i - start, &p1) != router_kw_groups_slow(p + start, i - start, &p2) ||
		    p1 != p2)
			abort();
		i += i == start;
	}
}

/* The estimate of p[0..n) grown by pieces the input's bytes cut is, at each step, the whole's. */
static void
grow(const char *p, size_t n)
{
	struct pricing_est *e = NULL;
	size_t off = 0;

	while (off < n) {
		off += 1 + (unsigned char)p[off] % 7;
		if (off > n)
			off = n;
		if (pricing_est_grow(&e, p, off) != pricing_estimate_tokens(p, off))
			abort();
	}
	pricing_est_free(e);
}

/*
 * Scan the input where libFuzzer put it (an exact-size buffer: ASan stops a
 * read past it), then again from every alignment of a copy followed by
 * junk: the features, and what the answer checks (refusal, open code
 * fence) say of the same bytes as an answer, must not move, or a scan has
 * looked past its end. Then decide and check what the decision holds.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	double x[RF_COUNT], y[RF_COUNT];
	struct route_input in = { p, size, (int)(size % 3), TIER_AUTO, 0, 0 };
	struct route_decision d, again;
	char *copy;
	size_t off, i, tail = sizeof(junk) - 1;
	bool fence, refusal;

	keywords(data, size);
	grow(p, size);
	features(p, size, x);
	fence = router_fence_open(p, size);
	refusal = router_is_refusal(p, size);
	for (i = 0; i < RF_COUNT; i++)
		if (!isfinite(x[i]) || x[i] < 0)
			abort();
	copy = malloc(size + 8 + tail);
	if (copy == NULL)
		return 0;
	for (off = 1; off < 8; off++) {
		memcpy(copy + off, data, size);
		memcpy(copy + off + size, junk, tail);
		features(copy + off, size, y);
		if (memcmp(x, y, sizeof(x)) != 0)
			abort();
		/* the answer checks read only the answer too */
		if (router_fence_open(copy + off, size) != fence || router_is_refusal(copy + off, size) != refusal)
			abort();
	}
	free(copy);

	router_decide(&in, &d);
	router_decide(&in, &again);
	if (d.tier != TIER_CHEAP && d.tier != TIER_MID && d.tier != TIER_FRONTIER)
		abort();
	if (!(d.p_cheap_fail >= 0 && d.p_cheap_fail <= 1 && d.p_mid_fail >= 0 && d.p_mid_fail <= 1))
		abort();
	if (memchr(d.reason, '\0', sizeof(d.reason)) == NULL || d.ntop > 3)
		abort();
	if (d.tier != again.tier || strcmp(d.reason, again.reason) != 0 ||
	    memcmp(&d.p_cheap_fail, &again.p_cheap_fail, sizeof(double)) != 0)
		abort();
	for (i = 0; i < d.ntop; i++)
		if (d.top[i].name == NULL || !isfinite(d.top[i].contribution))
			abort();
	return 0;
}
