/* router_bench: time router_decide on a 4 KB prompt and print the median in microseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router.h"

#define BENCH_RUNS 2001
#define BENCH_INNER 10

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Fill buf with n bytes of mixed prose, code and a stack trace. */
static void
make_prompt(char *buf, size_t n)
{
	static const char *const parts[] = {
		"Why does this function crash when the list is empty? I expected it to return zero. ",
		"```c\nint sum(const int *xs, size_t n) { int s = 0; for (size_t i = 0; i <= n; i++) s += xs[i]; return s; }\n```\n",
		"Traceback (most recent call last):\n  File \"main.py\", line 12, in <module>\n    total = sum(xs)\n",
		"Please explain step by step, compare the two approaches and give the complexity. ",
		"The numbers were 3, 14, 159 and 2653; 3*4 = 12 and x^2 + y^2 = z^2. ",
	};
	size_t len = 0, i = 0;

	while (len < n) {
		size_t l = strlen(parts[i % 5]);

		if (l > n - len)
			l = n - len;
		memcpy(buf + len, parts[i % 5], l);
		len += l;
		i++;
	}
	buf[n] = '\0';
}

/* Print the median time of router_decide on a 4 KB prompt. */
int
main(void)
{
	static char prompt[4097];
	static double t[BENCH_RUNS];
	struct route_input in = { prompt, 4096, 2, TIER_CHEAP, 1500, 0 };
	struct route_decision d;
	volatile int sink = 0;
	int i, j;

	make_prompt(prompt, 4096);
	for (i = 0; i < BENCH_RUNS; i++) {
		double t0 = now_us();

		for (j = 0; j < BENCH_INNER; j++) {
			router_decide(&in, &d);
			sink += d.tier;
		}
		t[i] = (now_us() - t0) / BENCH_INNER;
	}
	qsort(t, BENCH_RUNS, sizeof(t[0]), cmp_double);
	printf("router_decide: 4096-byte prompt, median %.2f us (min %.2f, p90 %.2f) over %d runs; tier %s\n",
	    t[BENCH_RUNS / 2], t[0], t[BENCH_RUNS * 9 / 10], BENCH_RUNS * BENCH_INNER, tier_str(d.tier));
	return sink < 0;
}
