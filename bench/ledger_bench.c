/* ledger_bench: time the budget meter over a million-row ledger and one reserve+settle cycle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "pricing.h"
#include "store.h"
#include "util.h"
#include "bench.h"

#define ROWS 1000000
#define METER_RUNS 51
#define CYCLES 501
#define COMMAND_RUNS 21

/* Fill the ledger with ROWS settled requests spread over this month so far. */
static void
fill(struct ledger *l, int64_t from, int64_t to)
{
	static const char *const models[] = { "deepseek-v4-flash", "gpt-5-mini",
	    "claude-sonnet-4-6", "gemini-3-pro" };
	static const char *const tiers[] = { "cheap", "cheap", "mid", "frontier" };
	sqlite3 *db = store_db(ledger_store(l));
	sqlite3_stmt *st;
	int64_t span = to - from > 1 ? to - from : 1;
	int i, k;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO usage (time, provider, model, tier, route_mode,"
	    " input_tokens, cached_input_tokens, output_tokens, cost_pico, worst_case_pico,"
	    " estimated, status, latency_ms, pid) VALUES (?, 'bench', ?, ?, 'auto', ?, ?, ?, ?, ?,"
	    " ?, 'ok', 500, 1)", -1, &st, NULL) != SQLITE_OK)
		die("fill: %s", sqlite3_errmsg(db));
	srand(1);
	for (i = 0; i < ROWS; i++) {
		k = rand() % 4;
		sqlite3_bind_int64(st, 1, from + (int64_t)i * span / ROWS);
		sqlite3_bind_text(st, 2, models[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, tiers[k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, 200 + rand() % 5000);
		sqlite3_bind_int64(st, 5, rand() % 1000);
		sqlite3_bind_int64(st, 6, 50 + rand() % 800);
		if (i % 500 == 0)
			sqlite3_bind_null(st, 7);
		else
			sqlite3_bind_int64(st, 7, 1000 + rand() % 100000);
		sqlite3_bind_int64(st, 8, 200000);
		sqlite3_bind_int(st, 9, i % 50 == 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("fill: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("fill: %s", sqlite3_errmsg(db));
}

/* The same figure the naive way, summing every row of the month, for comparison. */
static int64_t
scan_spent(struct ledger *l, int64_t from, int64_t to)
{
	sqlite3 *db = store_db(ledger_store(l));
	sqlite3_stmt *st;
	int64_t v = -1;

	/* A row of unknown cost counts at its worst case, as the meter counts it: never as $0. */
	if (sqlite3_prepare_v2(db, "SELECT sum(coalesce(cost_pico, worst_case_pico, 0)) FROM usage"
	    " WHERE time >= ? AND time < ? AND status <> 'reserved'", -1, &st, NULL) != SQLITE_OK)
		die("scan: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Time the whole `llm budget` command over the filled ledger, as a user meets
 * it: process start, config, catalog, the meter, the output. LLM_BIN names the
 * binary (bench/run.sh sets it); without it this row is left out.
 */
static void
command_bench(const char *dir)
{
	const char *bin = getenv("LLM_BIN");
	static int64_t t[COMMAND_RUNS];
	char *cmd;
	int i;

	if (bin == NULL || access(bin, X_OK) != 0)
		return;
	cmd = xstrfmt("LLM_DATA_DIR='%s' LLM_CONFIG_DIR='%s' '%s' budget >/dev/null 2>&1", dir, dir,
	    bin);
	for (i = 0; i < COMMAND_RUNS; i++) {
		int64_t t0 = now_us();

		if (system(cmd) != 0)
			die("llm budget failed over the benchmark ledger");
		t[i] = now_us() - t0;
	}
	printf("llm budget (the whole command, through sh): median %.3f ms over %d runs "
	    "(target < 50 ms)\n", (double)median(t, COMMAND_RUNS) / 1000.0, COMMAND_RUNS);
	free(cmd);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	struct ledger_entry e = { .provider = "bench", .model = "gpt-5-mini", .tier = "cheap",
	    .route_mode = "auto", .route_reason = "bench" };
	struct usage u = { .input = 1200, .output = 300, .reported = true };
	static int64_t t[CYCLES];
	char dir[256], money[64], *cause = NULL, *cmd;
	struct ledger *l;
	struct meter m;
	int64_t t0, fill_ms, now, id, scan;
	int i;

	snprintf(dir, sizeof dir, "%s/llm-bench-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp: %s", dir);
	if ((l = ledger_open(dir, &cause)) == NULL)
		die("%s", cause);
	now = clock_now();
	if (ledger_meter(l, 0, &m, &cause) < 0)
		die("%s", cause);
	/* Every row in the current month: the worst case for the meter. */
	t0 = now_us();
	fill(l, m.month_start, now);
	fill_ms = (now_us() - t0) / 1000;
	printf("fill: %d rows in this month in %lld ms\n", ROWS, (long long)fill_ms);

	for (i = 0; i < METER_RUNS; i++) {
		t0 = now_us();
		if (ledger_meter(l, 50000000000000LL, &m, &cause) < 0)
			die("%s", cause);
		t[i] = now_us() - t0;
	}
	pricing_format(m.spent, m.estimated, money, sizeof money);
	printf("ledger_meter: median %.3f ms over %d runs (target < 50 ms); spent %s, %lld requests,"
	    " %lld unknown\n", (double)median(t, METER_RUNS) / 1000.0, METER_RUNS, money,
	    (long long)m.requests, (long long)m.unknown_count);
	t0 = now_us();
	scan = scan_spent(l, m.month_start, m.month_end);
	printf("for comparison, summing every row: %.3f ms (%s)\n",
	    (double)(now_us() - t0) / 1000.0, scan == m.spent ? "same total" : "TOTALS DIFFER");
	if (scan != m.spent)
		return 1;

	command_bench(dir);
	for (i = 0; i < CYCLES; i++) {
		t0 = now_us();
		if (ledger_reserve(l, &e, 200000, 0, true, &id, NULL, &cause) != LEDGER_RESERVED ||
		    ledger_settle(l, id, &u, 150000, false, "ok", 1, &cause) < 0)
			die("cycle: %s", cause ? cause : "refused");
		t[i] = now_us() - t0;
	}
	printf("reserve+settle: median %.3f ms over %d cycles (target < 1 ms)\n",
	    (double)median(t, CYCLES) / 1000.0, CYCLES);
	ledger_close(l);
	cmd = xstrfmt("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return 0;
}
