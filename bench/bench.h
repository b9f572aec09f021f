/* bench: the clock and the median every benchmark program measures with. */
#ifndef LLM_BENCH_H
#define LLM_BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* Microseconds on the monotonic clock. */
static inline int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Microseconds of CPU time, user and system, the process has used. */
static inline int64_t
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The median of n samples (sorts them in place). */
static inline int64_t
median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_i64);
	return v[n / 2];
}

#endif
