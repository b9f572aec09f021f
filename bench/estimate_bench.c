/* estimate_bench: time the token estimate on 64 KiB of mixed text and print the median. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "pricing.h"

#define BENCH_RUNS 201
#define BENCH_BYTES 65536

/* Fill buf with n bytes of prose, code, a regex, a table in box drawing, JSON and Chinese. */
static void
make_text(char *buf, size_t n)
{
	static const char *const parts[] = {
		"Why does this function crash when the list is empty? I expected it to return zero. ",
		"```c\nint sum(const int *xs, size_t n)\n{\n\tint s = 0;\n\n\tfor (size_t i = 0; i <= n; i++)\n"
		"\t\ts += xs[i];\n\treturn s;\n}\n```\n",
		"^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@[a-z]{2,}$\n",
		"\xe2\x94\x82 cheap    \xe2\x94\x82 0.10 \xe2\x94\x82\n\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80"
		"\xe2\x94\x80\xe2\x94\x80\xe2\x94\xbc\xe2\x94\x80\xe2\x94\x80\xe2\x94\xa4\n",
		"{\"id\":\"010862caf69a\",\"tier\":\"mid\",\"usage\":{\"in\":15582,\"out\":2067},\"ok\":!0}\n",
		"\xe8\xaf\xb7\xe6\x80\xbb\xe7\xbb\x93\xe8\xbf\x99\xe4\xbb\xbd\xe6\x8a\xa5\xe5\x91\x8a\xe3\x80\x82\n",
	};
	size_t len = 0, i = 0, np = sizeof(parts) / sizeof(parts[0]);

	while (len < n) {
		size_t l = strlen(parts[i % np]);

		if (l > n - len)
			l = n - len;
		memcpy(buf + len, parts[i % np], l);
		len += l;
		i++;
	}
}

/* Print the median time of pricing_estimate_tokens and of the router's count on 64 KiB. */
int
main(void)
{
	static char text[BENCH_BYTES];
	static int64_t t[BENCH_RUNS], r[BENCH_RUNS];
	int64_t tokens = 0, script = 0, mt, mr;
	int i;

	make_text(text, sizeof(text));
	for (i = 0; i < BENCH_RUNS; i++) {
		int64_t t0 = now_us();

		tokens = pricing_estimate_tokens(text, sizeof(text));
		t[i] = now_us() - t0;
		t0 = now_us();
		script = pricing_estimate_script(text, sizeof(text));
		r[i] = now_us() - t0;
	}
	mt = median(t, BENCH_RUNS);
	mr = median(r, BENCH_RUNS);
	printf("pricing_estimate_tokens: %d bytes of mixed text, median %lld us (%.0f MB/s) over %d runs; "
	    "%lld tokens\n", BENCH_BYTES, (long long)mt, mt > 0 ? BENCH_BYTES / (double)mt : 0.0, BENCH_RUNS,
	    (long long)tokens);
	printf("pricing_estimate_script: the same, median %lld us (%.0f MB/s); %lld tokens\n", (long long)mr,
	    mr > 0 ? BENCH_BYTES / (double)mr : 0.0, (long long)script);
	return 0;
}
