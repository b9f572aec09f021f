/* test_spend: a month read from the ledger, by day through the totals and row by row alike. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

#include "ledger.h"
#include "spend.h"
#include "store.h"
#include "test_db.h"
#include "unit.h"

#define USD 1000000000000LL
#define DEC1 1796083200LL   /* 2026-12-01 00:00:00 UTC */
#define DAY 86400LL

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void
sql(struct ledger *l, const char *q)
{
	char *err = NULL;

	if (sqlite3_exec(store_db(ledger_store(l)), q, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sql: %s\n", err);
		unit_bad = 1;
	}
	sqlite3_free(err);
}

/* A row of cost usd cents at t (cost < 0: unknown), on tier. */
static void
row(struct ledger *l, int64_t t, int64_t cents, const char *tier)
{
	char *q;

	if (cents < 0)
		q = xstrfmt("INSERT INTO usage (time, model, tier, status) VALUES (%lld, 'm', '%s', 'ok')",
		    (long long)t, tier);
	else
		q = xstrfmt("INSERT INTO usage (time, model, tier, cost_pico, status) VALUES (%lld,"
		    " 'm', '%s', %lld, 'ok')", (long long)t, tier, (long long)(cents * USD / 100));
	sql(l, q);
	free(q);
}

static struct ledger *
seeded(void)
{
	struct ledger *l;

	test_db_fresh("spend", "llm.db");
	l = ledger_open_path(test_db, NULL);
	CHECK(l != NULL);
	/* day 1: $1 cheap + $2 mid; the last second of day 3 and the first of day 4 */
	row(l, DEC1 + 3600, 100, "cheap");
	row(l, DEC1 + 7200, 200, "mid");
	row(l, DEC1 + 3 * DAY - 1, 50, "frontier");
	row(l, DEC1 + 3 * DAY, 25, "cheap");
	/* 15:30 UTC on the 4th: the 5th in Tokyo; unknown cost counts nowhere */
	row(l, DEC1 + 3 * DAY + 55800, 300, "mid");
	row(l, DEC1 + 4 * DAY, -1, "mid");
	/* at noon on the 5th (now): a live reservation is not spent; one past its expiry
	 * (10:00, expired 11:00) is, at its worst case */
	sql(l, "INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires) VALUES"
	    " (1796471940, 'm', 'cheap', 7000000000000, 'reserved', 1, 1796475540),"
	    " (1796464800, 'm', 'cheap', 40000000000, 'reserved', 1, 1796468400)");
	return l;
}

static void
test_days_match_rows(void)
{
	static const char *const zones[] = { "UTC0", "JST-9", "EST5EDT,M3.2.0,M11.1.0" };
	int64_t now = 1796472000, days[FORECAST_MAX_DAYS];   /* noon on the 5th */
	struct spend_month s;
	struct ledger *l = seeded();
	size_t z;
	int d, k;

	setenv("LLM_NOW", "1796472000", 1);   /* ledger_rows reads the clock for expiry */
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		int64_t start, end, sum;

		set_tz(zones[z]);
		CHECK_INT(ledger_month_parse("2026-12", &start, &end), 0);
		CHECK_INT(spend_load(l, start, end, now, NULL, &s, NULL), 0);
		CHECK_INT(ledger_days(l, start, end, now, days, s.days, NULL), 0);
		for (d = 0; d < s.days; d++) {
			for (sum = 0, k = 0; k < SPEND_NTIERS; k++)
				sum += s.day[d][k];
			if (sum != days[d])
				fprintf(stderr, "%s: day %d: rows %lld, totals %lld\n", zones[z], d + 1,
				    (long long)sum, (long long)days[d]);
			CHECK_INT(days[d], sum);
		}
		spend_done(&s);
	}
	set_tz("UTC0");
	CHECK_INT(ledger_days(l, DEC1, DEC1 + 31 * DAY, now, days, 31, NULL), 0);
	CHECK_INT(days[0], 3 * USD);
	CHECK_INT(days[2], USD / 2);
	CHECK_INT(days[3], USD / 4 + 3 * USD);
	CHECK_INT(days[4], 4 * USD / 100);   /* the dead reservation's worst case */
	set_tz("JST-9");
	CHECK_INT(ledger_days(l, DEC1 - 9 * 3600, DEC1 - 9 * 3600 + 31 * DAY, now, days, 31, NULL), 0);
	CHECK_INT(days[3], USD / 2 + USD / 4);
	CHECK_INT(days[4], 3 * USD + 4 * USD / 100);
	set_tz("UTC0");
	unsetenv("LLM_NOW");
	ledger_close(l);
	test_db_cleanup();
}

static void
test_forecast_from_totals(void)
{
	struct ledger *l = seeded();
	struct forecast f;
	char month[8];

	set_tz("UTC0");
	/* Noon on Saturday the 5th: $3, 0, 50c, $3.25, 4c = $6.79 over 5 days; $1.358 a day.
	 * $10: 6.79 + 1.358 x 3 = 10.864 on the 8th (9.506 on the 7th). */
	CHECK_INT(spend_forecast_ledger(l, DEC1, DEC1 + 31 * DAY, DEC1 + 4 * DAY + 43200, 10 * USD,
	    &f, month), 0);
	CHECK_STR(month, "2026-12");
	CHECK_INT(f.spent, 679 * USD / 100);
	CHECK_INT(f.method, FORECAST_MEAN);
	CHECK_INT(f.out_day, 8);
	/* 26 more days at 6.79/5: 6.79 + 35.308 */
	CHECK_INT(f.month_end, 42098 * USD / 1000);
	/* a month that is over has no forecast */
	CHECK_INT(spend_forecast_ledger(l, DEC1 - 30 * DAY, DEC1, DEC1 + DAY, 0, &f, month), -1);
	ledger_close(l);
	test_db_cleanup();
}

/* Each tier and model knows its own estimated and unknown-cost rows, apart from the month's. */
static void
test_marks_by_tier_and_model(void)
{
	struct ledger *l = seeded();
	struct spend_month s;
	size_t i;

	set_tz("UTC0");
	setenv("LLM_NOW", "1796472000", 1);
	sql(l, "INSERT INTO usage (time, model, tier, cost_pico, estimated, status) VALUES"
	    " (1796400000, 'guessed', 'frontier', 1000000, 1, 'ok'),"
	    " (1796400000, 'exact', 'mid', 1000000, 0, 'ok')");
	CHECK_INT(spend_load(l, DEC1, DEC1 + 31 * DAY, 1796472000, NULL, &s, NULL), 0);
	CHECK(s.estimated);
	/* the expired reservation is held at its worst case: an estimate */
	CHECK(s.tier_estimated[SPEND_CHEAP]);
	CHECK(!s.tier_estimated[SPEND_MID]);
	CHECK(s.tier_estimated[SPEND_FRONTIER]);
	CHECK_INT(s.tier_requests[SPEND_MID], 4);
	CHECK_INT(s.tier_unknown[SPEND_MID], 1);
	CHECK_INT(s.tier_unknown[SPEND_CHEAP], 0);
	CHECK_INT(s.nmodels, 3);
	for (i = 0; i < s.nmodels; i++)
		CHECK(s.models[i].estimated == (strcmp(s.models[i].name, "exact") != 0));
	spend_done(&s);
	unsetenv("LLM_NOW");
	ledger_close(l);
	test_db_cleanup();
}

int
main(void)
{
	RUN(test_days_match_rows);
	RUN(test_marks_by_tier_and_model);
	RUN(test_forecast_from_totals);
	test_db_cleanup();
	UNIT_EXIT();
}
