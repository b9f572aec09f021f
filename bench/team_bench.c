/* team_bench: reserve+settle latency, 1 and 20 concurrent clients, SQLite beside PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger.h"
#include "util.h"
#include "bench.h"

/* Cycles each client runs; the first few are left out as warm-up. */
#define CYCLES 200
#define WARMUP 10
#define MAX_CLIENTS 20

/* One client: open its own ledger (its own process, as llm is), time each cycle into fd. */
static void
client(const char *dir, int go, int fd)
{
	struct ledger_entry e = { .provider = "bench", .model = "gpt-5-mini", .tier = "cheap",
	    .route_mode = "auto", .route_reason = "bench" };
	struct usage u = { .input = 1200, .output = 300, .reported = true };
	static int64_t t[CYCLES];
	struct ledger *l;
	char *cause = NULL, c;
	int64_t id, t0;
	int i;

	if ((l = ledger_open(dir, &cause)) == NULL)
		die("%s", cause);
	if (read(go, &c, 1) < 0)
		die("barrier");
	for (i = 0; i < CYCLES; i++) {
		t0 = now_us();
		if (ledger_reserve(l, &e, 2000000, 0, false, &id, NULL, &cause) != LEDGER_RESERVED ||
		    ledger_settle(l, id, &u, 1500000, false, "ok", 10, &cause) < 0)
			die("cycle: %s", cause ? cause : "refused");
		t[i] = now_us() - t0;
	}
	ledger_close(l);
	if (write(fd, t + WARMUP, sizeof t[0] * (CYCLES - WARMUP)) < 0)
		die("write");
	_exit(0);
}

/* n clients at once on the ledger in dir (a team ledger when one is in use): median, p99. */
static void
run(const char *what, const char *dir, int n)
{
	static int64_t all[MAX_CLIENTS * (CYCLES - WARMUP)];
	size_t per = CYCLES - WARMUP, got = 0;
	int go[2], out[2], i;
	int64_t t0, wall;
	char *sub;
	ssize_t k;

	if (pipe(go) < 0 || pipe(out) < 0)
		die("pipe");
	for (i = 0; i < n; i++) {
		sub = xstrfmt("%s/c%d", dir, i);
		if (fork() == 0) {
			close(go[1]);
			close(out[0]);
			/* One SQLite file for all (one machine); one local store each for the team. */
			client(ledger_team() != NULL ? sub : dir, go[0], out[1]);
		}
		free(sub);
	}
	close(go[0]);
	close(out[1]);
	sleep(1);       /* every client connected and waiting */
	t0 = now_us();
	close(go[1]);   /* the barrier falls: read() returns 0 in every client */
	while (got < (size_t)n * per &&
	    (k = read(out[0], (char *)all + got * sizeof all[0],
	    ((size_t)n * per - got) * sizeof all[0])) > 0)
		got += (size_t)k / sizeof all[0];
	wall = now_us() - t0;
	while (wait(NULL) > 0)
		;
	close(out[0]);
	if (got != (size_t)n * per)
		die("%s: a client failed", what);
	qsort(all, got, sizeof all[0], cmp_i64);
	printf("%s, %d client%s: reserve+settle median %.3f ms, p99 %.3f ms, %.0f cycles/s\n",
	    what, n, n == 1 ? "" : "s", (double)all[got / 2] / 1000.0,
	    (double)all[got * 99 / 100] / 1000.0, (double)got * 1e6 / (double)wall);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR"), *db = getenv("LLM_BENCH_DATABASE");
	struct ledger_team t = { .team = "bench", .user = "bench", .timezone = "UTC",
	    .offline_allowance = 0 };
	char dir[256], *cmd;
	int n;

	snprintf(dir, sizeof dir, "%s/llm-team-bench-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp: %s", dir);
	for (n = 1; n <= MAX_CLIENTS; n += MAX_CLIENTS - 1)
		run("SQLite (one machine)", dir, n);
	if (db == NULL || *db == '\0') {
		printf("PostgreSQL: not run (set LLM_BENCH_DATABASE to a database made with"
		    " llm ledger init and team \"bench\")\n");
	} else {
		t.database = db;
		ledger_use_team(&t);
		for (n = 1; n <= MAX_CLIENTS; n += MAX_CLIENTS - 1)
			run("PostgreSQL (loopback)", dir, n);
	}
	cmd = xstrfmt("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "team_bench: could not remove %s\n", dir);
	free(cmd);
	return 0;
}
