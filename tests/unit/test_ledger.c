/* test_ledger: month bounds, reservations, expiry, the budget verdict and many processes at once. */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "ledger_pg.h"
#include "store.h"
#include "test_db.h"
#include "unit.h"
#include "util.h"

/*
 * With LLM_TEST_PG="SOCKET_DIR PORT BIN_DIR" (a cluster tests/sh/team_suite.sh
 * started) the ledger is the team's, in a PostgreSQL database of its own for
 * each test; SQL goes there through psql. The team's budget is the limit a
 * call names: it is set in the database before the call (pg_limit caches it).
 */
static char pg_sock[256], pg_bin[256], pg_port[16], pg_db[64];
static int64_t pg_limit = -1;

static bool
pg_on(void)
{
	return pg_port[0] != '\0';
}

/* Read LLM_TEST_PG's three words. */
static void
pg_setup(void)
{
	const char *s = getenv("LLM_TEST_PG"), *a, *b;

	if (s == NULL || (a = strchr(s, ' ')) == NULL || (b = strchr(a + 1, ' ')) == NULL)
		return;
	snprintf(pg_sock, sizeof pg_sock, "%.*s", (int)(a - s), s);
	snprintf(pg_port, sizeof pg_port, "%.*s", (int)(b - a - 1), a + 1);
	snprintf(pg_bin, sizeof pg_bin, "%s", b + 1);
}

/* A fresh database for this test's team ledger, its schema made; llm opens it from now on. */
static void
pg_fresh(void)
{
	static int n;
	struct ledger_team t = { .team = "default", .user = "tester", .timezone = "UTC",
	    .offline_allowance = 0, .fail_closed = true };
	struct ledger *l;
	char *cmd, *url, *cause = NULL;
	int v = 0;

	snprintf(pg_db, sizeof pg_db, "unit_%ld_%d", (long)getpid(), ++n);
	cmd = xstrfmt("'%s/createdb' -h '%s' -p %s -U llm %s", pg_bin, pg_sock, pg_port, pg_db);
	if (system(cmd) != 0)
		die("createdb %s", pg_db);
	free(cmd);
	url = xstrfmt("postgresql:///%s?host=%s&port=%s&user=llm", pg_db, pg_sock, pg_port);
	t.database = url;
	ledger_use_team(&t);
	free(url);
	if ((l = ledger_open(test_dir, &cause)) == NULL || ledger_pg_init(ledger_pg(l), &v, &cause) < 0)
		die("team ledger init: %s", cause);
	ledger_close(l);
	pg_limit = 0;
}

/* The team's budget is limit (PostgreSQL only; SQLite takes it with each call). */
static void
pg_budget(struct ledger *l, int64_t limit)
{
	char *cause = NULL;

	if (l == NULL || ledger_pg(l) == NULL || limit == pg_limit)
		return;
	if (ledger_pg_set_budget(ledger_pg(l), NULL, limit, NULL, &cause) < 0)
		die("set budget: %s", cause);
	pg_limit = limit;
}

static int
t_reserve(struct ledger *l, const struct ledger_entry *e, int64_t worst, int64_t limit,
    bool enforce, int64_t *id, struct meter *m, char **cause)
{
	pg_budget(l, limit);
	return ledger_reserve(l, e, worst, limit, enforce, id, m, cause);
}

static int
t_meter(struct ledger *l, int64_t limit, struct meter *m, char **cause)
{
	pg_budget(l, limit);
	return ledger_meter(l, limit, m, cause);
}

/* Set the team's budget before processes share the ledger (SQLite: nothing to do). */
static void
pg_budget_first(int64_t limit)
{
	struct ledger *l;
	char *cause = NULL;

	if (!pg_on())
		return;
	if ((l = ledger_open(test_dir, &cause)) == NULL)
		die("ledger_open: %s", cause);
	pg_budget(l, limit);
	ledger_close(l);
}

/* A fresh empty directory for this test's database (and a team database). */
static void
fresh_dir(void)
{
	test_db_fresh("ledger", "llm.db");
	if (pg_on())
		pg_fresh();
}

static void
set_now(int64_t t)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", (long long)t);
	setenv("LLM_NOW", s, 1);
}

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Epoch seconds of a UTC calendar time, computed apart from the code under test. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static struct ledger *
open_fresh(void)
{
	char *cause = NULL;
	struct ledger *l;

	fresh_dir();
	l = ledger_open(test_dir, &cause);
	if (l == NULL)
		die("ledger_open: %s", cause);
	return l;
}

/* One integer from SQL on the team's database (NULL: -1). */
static int64_t
pg_int(const char *sql)
{
	char *cmd, line[64] = "";
	int64_t v = -999;
	FILE *f;

	cmd = xstrfmt("'%s/psql' -X -q -A -t -h '%s' -p %s -U llm -d %s -c 'SET search_path = llm'"
	    " -c \"%s\"", pg_bin, pg_sock, pg_port, pg_db, sql);
	if ((f = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof line, f) != NULL)
			v = line[0] == '\n' ? -1 : strtoll(line, NULL, 10);
		pclose(f);
	}
	free(cmd);
	return v;
}

/* One integer from SQL on the ledger's own connection. */
static int64_t
sql_int(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -999;

	if (pg_on())
		return pg_int(sql);
	if (sqlite3_prepare_v2(store_db(ledger_store(l)), sql, -1, &st, NULL) != SQLITE_OK)
		return -998;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const struct ledger_entry entry = {
	.provider = "deepseek", .model = "deepseek-v4-flash", .tier = "cheap",
	.route_mode = "auto", .route_reason = "short question",
};

/* Reserve worst and settle at cost; returns the row id. */
static int64_t
spend(struct ledger *l, int64_t worst, int64_t cost)
{
	struct usage u = { .input = 100, .output = 20, .reported = true };
	int64_t id = 0;
	char *cause = NULL;

	CHECK_INT(t_reserve(l, &entry, worst, 0, false, &id, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(ledger_settle(l, id, &u, cost, false, "ok", 120, &cause), 0);
	free(cause);
	return id;
}

static void
test_month_utc(void)
{
	int64_t s, e;
	char m[8];

	set_tz("UTC0");
	CHECK_INT(ledger_month(utc(2026, 11, 30, 23, 59, 59), &s, &e, m), 0);
	CHECK_STR(m, "2026-11");
	CHECK_INT(s, utc(2026, 11, 1, 0, 0, 0));
	CHECK_INT(e, utc(2026, 12, 1, 0, 0, 0));
	CHECK_INT(ledger_month(utc(2026, 12, 1, 0, 0, 0), &s, &e, m), 0);
	CHECK_STR(m, "2026-12");
	CHECK_INT(e, utc(2027, 1, 1, 0, 0, 0));
	CHECK_INT(ledger_month(utc(2028, 2, 29, 12, 0, 0), &s, &e, m), 0);
	CHECK_STR(m, "2028-02");
	CHECK_INT(e - s, 29 * 86400);
}

static void
test_month_zone(void)
{
	int64_t s, e;
	char m[8];

	/* New York: the month rolls at local midnight, 05:00 UTC in winter. */
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	CHECK_INT(ledger_month(utc(2026, 12, 1, 4, 59, 59), &s, &e, m), 0);
	CHECK_STR(m, "2026-11");
	CHECK_INT(s, utc(2026, 11, 1, 4, 0, 0));        /* still daylight time on Nov 1 */
	CHECK_INT(e, utc(2026, 12, 1, 5, 0, 0));
	CHECK_INT(e - s, 30 * 86400 + 3600);           /* the month holds the extra hour */
	CHECK_INT(ledger_month(utc(2026, 12, 1, 5, 0, 0), &s, &e, m), 0);
	CHECK_STR(m, "2026-12");
	/* Tokyo: ahead of UTC, so December starts on Nov 30 UTC. */
	set_tz("JST-9");
	CHECK_INT(ledger_month(utc(2026, 11, 30, 15, 0, 0), &s, &e, m), 0);
	CHECK_STR(m, "2026-12");
	CHECK_INT(s, utc(2026, 11, 30, 15, 0, 0));
	CHECK_INT(ledger_month_parse("2026-12", &s, &e), 0);
	CHECK_INT(s, utc(2026, 11, 30, 15, 0, 0));
	CHECK_INT(e, utc(2026, 12, 31, 15, 0, 0));
	CHECK_INT(ledger_month_parse("2026-13", &s, &e), -1);
	CHECK_INT(ledger_month_parse("2026-1", &s, &e), -1);
	CHECK_INT(ledger_month_parse("2026/11", &s, &e), -1);
	CHECK_INT(ledger_month_parse("", &s, &e), -1);
	set_tz("UTC0");
}

/* Spend just before and just after the local month rolls, then read both months. */
static void
test_meter_rolls_at_local_midnight(void)
{
	struct ledger *l;
	struct meter m;
	char *cause = NULL;

	set_tz("EST5EDT,M3.2.0,M11.1.0");
	l = open_fresh();
	set_now(utc(2026, 12, 1, 4, 59, 59));          /* Nov 30, 23:59:59 in New York */
	spend(l, 5000, 3000);
	set_now(utc(2026, 12, 1, 5, 0, 0));            /* Dec 1, 00:00:00 */
	spend(l, 9000, 7000);
	CHECK_INT(t_meter(l, 0, &m, &cause), 0);
	CHECK_STR(m.month, "2026-12");
	CHECK_INT(m.spent, 7000);
	CHECK_INT(m.requests, 1);
	set_now(utc(2026, 11, 15, 12, 0, 0));
	CHECK_INT(t_meter(l, 50000, &m, &cause), 0);
	CHECK_STR(m.month, "2026-11");
	CHECK_INT(m.spent, 3000);
	CHECK_INT(m.limit, 50000);
	CHECK_INT(m.reserved, 0);
	ledger_close(l);
	set_tz("UTC0");
}

static void
test_reserve_settle(void)
{
	struct ledger *l = open_fresh();
	struct usage u = { .input = 1200, .cached_input = 300, .cache_write = 40,
	    .output = 340, .reasoning = 100, .reported = true };
	struct meter m;
	int64_t id;
	char *cause = NULL;

	set_now(utc(2026, 11, 10, 8, 0, 0));
	CHECK_INT(t_reserve(l, &entry, 26000, 100000, true, &id, &m, &cause), LEDGER_RESERVED);
	CHECK(id > 0);
	CHECK_INT(m.reserved, 26000);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 26000);
	CHECK_INT(m.spent, 0);
	CHECK_INT(ledger_settle(l, id, &u, 2600, false, "ok", 850, &cause), 0);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 0);
	CHECK_INT(m.spent, 2600);
	CHECK(!m.estimated);
	CHECK_INT(sql_int(l, "SELECT input_tokens + 10 * cached_input_tokens FROM usage"), 4200);
	CHECK_INT(sql_int(l, "SELECT cache_write_tokens FROM usage"), 40);
	CHECK_INT(sql_int(l, "SELECT reasoning_tokens FROM usage"), 100);
	CHECK_INT(sql_int(l, "SELECT latency_ms FROM usage"), 850);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'ok' AND model ="
	    " 'deepseek-v4-flash' AND route_reason = 'short question'"), 1);
	/* Settled once; a second settle of the same row is refused. */
	CHECK_INT(ledger_settle(l, id, &u, 1, false, "ok", 1, &cause), -1);
	CHECK_CAUSE(cause, "no reservation");
	CHECK_INT(ledger_settle(l, id + 100, &u, 1, false, "ok", 1, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(t_reserve(l, &entry, 10, 0, false, &id, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(ledger_settle(l, id, &u, 1, false, "reserved", 1, &cause), -1);
	free(cause);
	cause = NULL;
	/* An estimate and a cancellation keep their cost; an unknown cost is never $0. */
	CHECK_INT(ledger_settle(l, id, &u, 5, true, "cancelled", 1, &cause), 0);
	CHECK_INT(t_reserve(l, &entry, -1, 0, false, &id, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(sql_int(l, "SELECT worst_case_pico FROM usage ORDER BY id DESC LIMIT 1"), -1);
	CHECK_INT(ledger_settle(l, id, &u, -1, false, "ok", 1, &cause), 0);
	CHECK_INT(t_meter(l, 0, &m, &cause), 0);
	CHECK_INT(m.spent, 2605);
	CHECK(m.estimated);
	CHECK_INT(m.unknown_count, 1);
	CHECK_INT(m.requests, 3);
	CHECK_INT(sql_int(l, "SELECT cost_pico FROM usage ORDER BY id DESC LIMIT 1"), -1);
	ledger_close(l);
}

/* Reserve and settle cost with warnings at 50, 80 and 100% of limit; the threshold passed. */
static int
settle_warn(struct ledger *l, int64_t cost, int64_t limit, struct meter *m)
{
	static const int at[] = { 50, 80, 100 };
	struct ledger_warn w = { .at = at, .n = 3, .limit = limit };
	struct usage u = { .input = 10, .output = 10, .reported = true };
	int64_t id = 0;
	char *cause = NULL;

	CHECK_INT(t_reserve(l, &entry, cost, 0, false, &id, NULL, &cause), LEDGER_RESERVED);
	pg_budget(l, limit);    /* a team's thresholds are of the budget in its database */
	CHECK_INT(ledger_settle_warn(l, id, &u, cost, false, "ok", 1, &w, &cause), 0);
	free(cause);
	if (m != NULL)
		*m = w.m;
	return w.passed;
}

/* Each threshold is warned of by the settlement that first reaches it, once a month. */
static void
test_warnings(void)
{
	struct ledger *l = open_fresh();
	struct meter m;

	set_now(utc(2026, 11, 10, 8, 0, 0));
	CHECK_INT(settle_warn(l, 499, 1000, NULL), 0);
	CHECK_INT(settle_warn(l, 1, 1000, &m), 50);     /* exactly 50% counts as passed */
	CHECK_INT(m.spent, 500);
	CHECK_STR(m.month, "2026-11");
	CHECK_INT(settle_warn(l, 100, 1000, NULL), 0);
	/* a request that passes two names the higher; the lower is not said later */
	CHECK_INT(settle_warn(l, 450, 1000, NULL), 100);
	CHECK_INT(settle_warn(l, 10, 1000, NULL), 0);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM budget_warnings WHERE month = '2026-11'"), 3);
	/* no budget, no warning */
	CHECK_INT(settle_warn(l, 10, 0, NULL), 0);
	CHECK_INT(settle_warn(l, 10, 0, NULL), 0);
	set_now(utc(2026, 12, 1, 0, 0, 0));
	CHECK_INT(settle_warn(l, 600, 1000, NULL), 50);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM budget_warnings"), 4);
	ledger_close(l);
}

/*
 * A process on another host that reserved and died: its worst case counts,
 * then expires into an estimate, kept apart from what was spent.
 */
static void
test_dead_reservation_expires(void)
{
	struct ledger *l;
	struct meter m;
	int64_t t0 = utc(2026, 11, 10, 8, 0, 0), id = 0;
	char *cause = NULL;
	int status;
	pid_t pid;

	/* The child opens its own connection: none may cross a fork. */
	fresh_dir();
	set_now(t0);
	pid = fork();
	if (pid == 0) {
		struct ledger *c = ledger_open(test_dir, &cause);

		if (c == NULL || t_reserve(c, &entry, 40000, 0, false, &id, NULL,
		    &cause) != LEDGER_RESERVED)
			_exit(1);
		/*
		 * No settle: the row stays reserved, as if the process had been killed,
		 * on another host, where no one can tell whether it lives.
		 */
		if (sqlite3_exec(store_db(ledger_store(c)), "UPDATE usage SET host = 'elsewhere',"
		    " owner = 'another-boot pid:[1]'", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		ledger_close(c);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if ((l = ledger_open(test_dir, &cause)) == NULL)
		die("ledger_open: %s", cause);
	set_now(t0 + LEDGER_EXPIRY - 1);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 40000);
	CHECK_INT(m.spent, 0);
	/* The hour is up: the meter already charges it, as an estimate. */
	set_now(t0 + LEDGER_EXPIRY);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 0);
	CHECK_INT(m.spent, 40000);
	CHECK_INT(m.expired, 40000);
	CHECK(m.estimated);
	/* The next reservation writes the expiry into the row, and it stays in the ledger. */
	CHECK_INT(t_reserve(l, &entry, 70000, 100000, true, &id, &m, &cause),
	    LEDGER_OVER_BUDGET);
	CHECK_INT(sql_int(l, "SELECT status = 'reserved' FROM usage"), 1);
	CHECK_INT(t_reserve(l, &entry, 60000, 100000, true, &id, &m, &cause),
	    LEDGER_RESERVED);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'expired' AND"
	    " cost_pico = 40000 AND estimated = 1 AND expires IS NULL"), 1);
	CHECK_INT(m.spent, 40000);
	CHECK_INT(m.expired, 40000);
	CHECK_INT(m.reserved, 60000);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.expired, 40000);
	/* A dead reservation of unknown price expires into an unknown cost, never $0. */
	CHECK_INT(t_reserve(l, &entry, -1, 0, false, &id, NULL, &cause), LEDGER_RESERVED);
	set_now(t0 + 3 * LEDGER_EXPIRY);
	/* This process lives: its own reservations never expire, however old. */
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 60000);
	CHECK_INT(m.expired, 40000);
	CHECK_INT(t_reserve(l, &entry, 0, 100000, true, &id, &m, &cause), LEDGER_RESERVED);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'reserved'"), 3);
	/* Written elsewhere, they can only expire. */
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "UPDATE usage SET host = 'elsewhere',"
	    " owner = 'another-boot pid:[1]' WHERE status = 'reserved'"
	    " AND coalesce(worst_case_pico, -1) <> 0", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.unknown_count, 1);
	CHECK_INT(t_reserve(l, &entry, 0, 100000, true, &id, &m, &cause), LEDGER_RESERVED);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'expired' AND"
	    " cost_pico IS NULL AND estimated = 1"), 1);
	CHECK_INT(m.unknown_count, 1);
	CHECK_INT(m.spent, 100000);
	/* A late settle still records the real cost of an expired reservation. */
	CHECK_INT(ledger_settle(l, 1, NULL, 1000, false, "ok", 4000000, &cause), 0);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.spent, 1000 + 60000);
	ledger_close(l);
}

/* Field 22 of /proc/self/stat, read apart from the code under test. */
static int64_t
self_start(void)
{
	char buf[1024], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	int i;

	if (f == NULL || fgets(buf, sizeof buf, f) == NULL)
		die("/proc/self/stat");
	fclose(f);
	p = strrchr(buf, ')') + 2;
	for (i = 3; i < 22; i++)
		p = strchr(p, ' ') + 1;
	return strtoll(p, NULL, 10);
}

/* Whether pid has died and not been reaped yet. */
static bool
zombie(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | WNOHANG) == 0 && si.si_pid == pid;
}

/* A child that reserves (recording progress when u is not NULL), then waits to be killed. */
static pid_t
reserve_and_hang(const struct usage *u, int64_t cost)
{
	int fds[2];
	char c;
	pid_t pid;

	if (pipe(fds) != 0)
		die("pipe");
	pid = fork();
	if (pid == 0) {
		char *cause = NULL;
		struct ledger *k = ledger_open(test_dir, &cause);
		int64_t id;

		close(fds[0]);
		if (k == NULL || t_reserve(k, &entry, 40000, 0, false, &id, NULL,
		    &cause) != LEDGER_RESERVED)
			_exit(1);
		if (u != NULL && ledger_progress(k, id, u, cost) != 0)
			_exit(1);
		if (write(fds[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	CHECK(read(fds[0], &c, 1) == 1);
	close(fds[0]);
	return pid;
}

/*
 * A process on this machine that reserved and was killed: its reservation is
 * settled at once, at what it had received, or released when nothing came.
 */
static void
test_dead_process_settled(void)
{
	struct usage got = { .input = 120, .output = 35 };
	struct ledger *l;
	struct meter m;
	int64_t id = 0;
	char *cause = NULL, *sql, *machine = NULL;
	size_t len;
	int status;
	pid_t pid;

	fresh_dir();
	set_now(utc(2026, 11, 10, 8, 0, 0));
	if ((l = ledger_open(test_dir, &cause)) == NULL)
		die("ledger_open: %s", cause);
	/* Killed before any reply came; still a zombie when the meter looks. */
	pid = reserve_and_hang(NULL, 0);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'reserved'"), 1);
	kill(pid, SIGKILL);
	/* SIGKILL is asynchronous: wait until the child is a zombie, as a shell's job would be. */
	while (!zombie(pid))
		usleep(1000);
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 0);
	CHECK_INT(m.spent, 0);
	CHECK_INT(m.expired, 0);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'cancelled' AND"
	    " cost_pico = 0 AND estimated = 1 AND expires IS NULL"), 1);
	CHECK(waitpid(pid, &status, 0) == pid);
	/* Killed mid-reply: what it had received is booked, as an estimate. */
	pid = reserve_and_hang(&got, 1234);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK_INT(t_reserve(l, &entry, 500, 100000, true, &id, &m, &cause), LEDGER_RESERVED);
	CHECK_INT(m.spent, 1234);
	CHECK_INT(m.reserved, 500);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'cancelled' AND"
	    " cost_pico = 1234 AND input_tokens = 120 AND output_tokens = 35 AND estimated = 1"), 1);
	/* This process is alive: its own reservation stays. */
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, 500);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'reserved'"), 1);
	/* Its pid given to another process (another start time): gone. */
	sql = xstrfmt("INSERT INTO usage (time, worst_case_pico, status, pid, pid_start, owner, host,"
	    " expires) SELECT time, 7000, 'reserved', pid, %lld, owner, host, expires FROM usage"
	    " WHERE id = %lld", (long long)self_start() + 1, (long long)id);
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	/* The same host booted since: gone. Another host: cannot be told, kept. */
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "INSERT INTO usage (time, worst_case_pico,"
	    " status, pid, pid_start, owner, host, expires) SELECT time, 8000, 'reserved', 1, 1,"
	    " 'old-boot ' || substr(owner, instr(owner, ' ') + 1), host, expires FROM usage"
	    " WHERE id = 3; INSERT INTO usage (time, worst_case_pico, status, pid, pid_start, owner,"
	    " host, expires) SELECT time, 9000, 'reserved', 1, 1, 'other-boot pid:[1]', 'elsewhere',"
	    " expires"
	    " FROM usage WHERE id = 3", NULL, NULL, NULL), SQLITE_OK);
	/*
	 * Another machine of the same host name (its machine id differs), where a
	 * request is under way: alive for all anyone here knows, kept. This
	 * machine's id after another boot: gone.
	 */
	if (file_read("/etc/machine-id", 64, &machine, &len, &cause) == 0 && len > 1) {
		machine[strcspn(machine, "\n")] = '\0';
		sql = xstrfmt("INSERT INTO usage (time, worst_case_pico, status, pid, pid_start, owner,"
		    " host, expires) SELECT time, 500, 'reserved', 1, 1, 'twin-boot pid:[1] %s0', host,"
		    " expires FROM usage WHERE id = 3; INSERT INTO usage (time, worst_case_pico, status,"
		    " pid, pid_start, owner, host, expires) SELECT time, 6000, 'reserved', 1, 1,"
		    " 'old-boot pid:[1] %s', host, expires FROM usage WHERE id = 3", machine, machine);
		CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), sql, NULL, NULL, NULL), SQLITE_OK);
		free(sql);
	} else {
		printf("# skip: no /etc/machine-id to tell a machine of the same name apart\n");
	}
	free(machine);
	free(cause);
	cause = NULL;
	CHECK_INT(t_meter(l, 100000, &m, &cause), 0);
	CHECK_INT(m.reserved, sql_int(l, "SELECT 9500 + count(*) * 500 FROM usage WHERE"
	    " owner LIKE 'twin-boot %'"));
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE worst_case_pico IN (6000, 7000, 8000)"
	    " AND status = 'cancelled' AND cost_pico = 0"),
	    sql_int(l, "SELECT count(*) FROM usage WHERE worst_case_pico IN (6000, 7000, 8000)"));
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE worst_case_pico IN (500, 9000)"
	    " AND status = 'reserved'"), sql_int(l, "SELECT count(*) FROM usage WHERE"
	    " worst_case_pico IN (500, 9000)"));
	ledger_close(l);
	free(cause);
}

/*
 * A ledger written by the first schema (no holders, totals without the worst
 * cases): opened, it is upgraded and its totals rebuilt, so an unknown cost
 * counts at its worst case and an expired reservation is kept apart at once.
 */
static void
test_upgrade_from_first_schema(void)
{
	struct ledger *l = open_fresh();
	struct meter m;
	char *cause = NULL;
	sqlite3 *db;
	int64_t t = utc(2026, 11, 10, 8, 0, 0);
	char *sql;

	ledger_close(l);
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	/* Back to version 1's shape: its columns, triggers (by name) and totals. */
	sql = xstrfmt("DROP TRIGGER usage_totals_insert; DROP TRIGGER usage_totals_delete;"
	    " DROP TRIGGER usage_totals_update;"
	    " DROP INDEX usage_task; ALTER TABLE usage DROP COLUMN task_id; DROP TABLE tasks;"
	    " ALTER TABLE usage DROP COLUMN pid_start; ALTER TABLE usage DROP COLUMN owner;"
	    " ALTER TABLE usage DROP COLUMN host; ALTER TABLE usage DROP COLUMN received_input;"
	    " ALTER TABLE usage DROP COLUMN received_output;"
	    " ALTER TABLE usage DROP COLUMN received_cost;"
	    " ALTER TABLE usage_totals DROP COLUMN unknown_worst;"
	    " ALTER TABLE usage_totals DROP COLUMN expired;"
	    " ALTER TABLE conversations DROP COLUMN system;"
	    " ALTER TABLE conversations DROP COLUMN kind;"
	    " DROP TABLE budget_warnings; DROP TABLE route_labels;"
	    " DROP TABLE route_learnt;"
	    " ALTER TABLE conversations DROP COLUMN role;"
	    " DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete;"
	    " DROP TRIGGER messages_fts_update; DROP TABLE messages_fts;"
	    " ALTER TABLE conversations DROP COLUMN summary;"
	    " ALTER TABLE conversations DROP COLUMN summary_upto;"
	    " ALTER TABLE conversations DROP COLUMN tier;"
	    " CREATE TRIGGER usage_totals_insert AFTER INSERT ON usage BEGIN SELECT 1; END;"
	    " CREATE TRIGGER usage_totals_delete AFTER DELETE ON usage BEGIN SELECT 1; END;"
	    " CREATE TRIGGER usage_totals_update AFTER UPDATE ON usage BEGIN SELECT 1; END;"
	    " INSERT INTO usage (time, cost_pico, worst_case_pico, estimated, status) VALUES"
	    " (%lld, 1000, 5000, 0, 'ok'), (%lld, NULL, 7000, 0, 'ok'),"
	    " (%lld, 3000, 3000, 1, 'expired');"
	    " INSERT INTO usage_totals (bucket, spent, unknown, estimated, requests)"
	    " VALUES (%lld / 900, 4000, 1, 1, 3);"
	    " PRAGMA user_version = 1;", (long long)t, (long long)t + 1, (long long)t + 2,
	    (long long)t);
	CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	sqlite3_close(db);
	set_now(t + 86400);
	if ((l = ledger_open(test_dir, &cause)) == NULL)
		die("ledger_open: %s", cause);
	CHECK_INT(store_version(ledger_store(l)), STORE_VERSION);
	CHECK_INT(t_meter(l, 0, &m, &cause), 0);
	CHECK_INT(m.spent, 1000 + 7000 + 3000);
	CHECK_INT(m.unknown_worst, 7000);
	CHECK_INT(m.expired, 3000);
	CHECK_INT(m.unknown_count, 1);
	CHECK_INT(m.requests, 3);
	/* The new triggers keep the totals from here on. */
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "UPDATE usage SET cost_pico = 6000"
	    " WHERE cost_pico IS NULL", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(t_meter(l, 0, &m, &cause), 0);
	CHECK_INT(m.spent, 1000 + 6000 + 3000);
	CHECK_INT(m.unknown_worst, 0);
	ledger_close(l);
	free(cause);
}

/* A fresh ledger on a November morning, and what the last reservation in it gave back. */
struct budget {
	struct ledger *l;
	struct meter m;
	int64_t id;
	char *cause;
};

static void
budget_open(struct budget *b)
{
	memset(b, 0, sizeof(*b));
	b->l = open_fresh();
	set_now(utc(2026, 11, 10, 8, 0, 0));
}

/* Reserve worst under a budget of limit, enforced or only warned about. */
static int
budget_reserve(struct budget *b, int64_t worst, int64_t limit, bool enforce)
{
	return t_reserve(b->l, &entry, worst, limit, enforce, &b->id, &b->m, &b->cause);
}

static void
test_over_budget(void)
{
	struct budget b;

	budget_open(&b);
	spend(b.l, 6000, 6000);
	CHECK_INT(budget_reserve(&b, 3000, 10000, true), LEDGER_RESERVED);
	/* 6000 spent + 3000 reserved + 1001 > 10000: refused, nothing written. */
	CHECK_INT(budget_reserve(&b, 1001, 10000, true), LEDGER_OVER_BUDGET);
	CHECK_INT(b.id, 0);
	CHECK_INT(b.m.spent, 6000);
	CHECK_INT(b.m.reserved, 3000);
	CHECK_INT(b.m.limit, 10000);
	CHECK_INT(sql_int(b.l, "SELECT count(*) FROM usage"), 2);
	/* Exactly at the limit fits. */
	CHECK_INT(budget_reserve(&b, 1000, 10000, true), LEDGER_RESERVED);
	/* Not enforced (warn), or no budget: recorded anyway. */
	CHECK_INT(budget_reserve(&b, 5000, 10000, false), LEDGER_RESERVED);
	CHECK_INT(budget_reserve(&b, 5000, 0, true), LEDGER_RESERVED);
	/* A worst case that would overflow is over any budget. */
	CHECK_INT(budget_reserve(&b, INT64_MAX, 10000, true), LEDGER_OVER_BUDGET);
	ledger_close(b.l);
}

static void
test_unknown_and_free(void)
{
	struct budget b;

	budget_open(&b);
	/* Unknown price under an enforced budget: refused even with the month empty. */
	CHECK_INT(budget_reserve(&b, -1, 10000, true), LEDGER_OVER_BUDGET);
	CHECK_INT(sql_int(b.l, "SELECT count(*) FROM usage"), 0);
	spend(b.l, 20000, 20000);   /* well over the budget */
	/* Free is never refused, even over budget. */
	CHECK_INT(budget_reserve(&b, 0, 10000, true), LEDGER_RESERVED);
	CHECK_INT(b.m.spent, 20000);
	CHECK_INT(ledger_settle(b.l, b.id, NULL, 0, false, "ok", 5, &b.cause), 0);
	CHECK_INT(budget_reserve(&b, 1, 10000, true), LEDGER_OVER_BUDGET);
	/* Unknown without enforcement is recorded, and counted as unknown while in flight. */
	CHECK_INT(budget_reserve(&b, -1, 10000, false), LEDGER_RESERVED);
	CHECK_INT(b.m.unknown_count, 1);
	CHECK_INT(t_meter(b.l, 10000, &b.m, &b.cause), 0);
	CHECK_INT(b.m.unknown_count, 1);
	CHECK_INT(b.m.reserved, 0);
	ledger_close(b.l);
}

/*
 * The month is an estimate only where a row's cost is estimated at more than
 * $0: an estimated $0 (nothing reached the server, or no reply came) is off by
 * nothing. The edges of the month are read from rows, the rest from totals.
 */
static void
test_estimated_zero(void)
{
	struct budget b;
	int64_t t = utc(2026, 11, 10, 8, 0, 0);
	size_t i;

	budget_open(&b);
	/* a whole bucket in the middle of the month, then one at its first second */
	for (i = 0; i < 2; i++) {
		set_now(i == 0 ? t : utc(2026, 11, 1, 0, 0, 0));
		CHECK_INT(budget_reserve(&b, 1000, 0, false), LEDGER_RESERVED);
		CHECK_INT(ledger_settle(b.l, b.id, NULL, 0, true, "error", 5, &b.cause), 0);
	}
	set_now(t + 86400);
	CHECK_INT(t_meter(b.l, 0, &b.m, &b.cause), 0);
	CHECK_INT(b.m.requests, 2);
	CHECK(!b.m.estimated);
	CHECK_INT(budget_reserve(&b, 1000, 0, false), LEDGER_RESERVED);
	CHECK_INT(ledger_settle(b.l, b.id, NULL, 7, true, "cancelled", 5, &b.cause), 0);
	CHECK_INT(t_meter(b.l, 0, &b.m, &b.cause), 0);
	CHECK(b.m.estimated);
	ledger_close(b.l);
}

/* The bucketed totals agree with a plain sum over the rows, in an odd zone too. */
static void
test_totals_match_rows(void)
{
	static const char *const zones[] = { "UTC0", "AMT-0:19:32", "NPT-5:45" };
	struct ledger *l;
	struct meter m;
	int64_t t, sum, cnt, id, s0, e0;
	char *cause = NULL, *sql;
	size_t z;
	int i;

	for (z = 0; z < ARRAY_SIZE(zones); z++) {
		set_tz(zones[z]);
		l = open_fresh();
		srand(7);
		for (i = 0; i < 400; i++) {
			t = utc(2026, 10, 28, 0, 0, 0) + (int64_t)(rand() % (40 * 86400));
			set_now(t);
			CHECK_INT(t_reserve(l, &entry, 100, 0, false, &id, NULL, &cause),
			    LEDGER_RESERVED);
			if (i % 7 != 0)
				CHECK_INT(ledger_settle(l, id, NULL, i % 11 == 0 ? -1 : rand() % 1000,
				    i % 3 == 0, i % 5 == 0 ? "error" : "ok", 1, &cause), 0);
		}
		/* Rows on both sides of both edges of the month, to the second. */
		CHECK_INT(ledger_month(utc(2026, 11, 20, 0, 0, 0), &s0, &e0, NULL), 0);
		for (i = 0; i < 4; i++) {
			set_now((i < 2 ? s0 : e0) - 1 + i % 2);
			spend(l, 100000, 100000 * (i + 1));
		}
		/* Rows deleted or moved by hand keep the totals right (the triggers follow). */
		sqlite3_exec(store_db(ledger_store(l)), "DELETE FROM usage WHERE id % 13 = 0;"
		    "UPDATE usage SET time = time + 3000 WHERE id % 17 = 0", NULL, NULL, NULL);
		/* Reservations from a host where no one can tell whether their process lives. */
		sqlite3_exec(store_db(ledger_store(l)), "UPDATE usage SET host = 'elsewhere',"
		    " owner = 'another-boot pid:[1]' WHERE status = 'reserved'", NULL, NULL, NULL);
		set_now(utc(2026, 11, 20, 0, 0, 0));
		CHECK_INT(t_meter(l, 0, &m, &cause), 0);
		/* A reservation past its expiry counts at its worst case. */
		/* A request of unknown cost counts at its worst case. */
		sql = xstrfmt("SELECT sum(CASE WHEN status <> 'reserved'"
		    " THEN coalesce(cost_pico, worst_case_pico, 0)"
		    " WHEN expires <= %lld THEN worst_case_pico ELSE 0 END) FROM usage"
		    " WHERE time >= %lld AND time < %lld", (long long)clock_now(),
		    (long long)m.month_start, (long long)m.month_end);
		sum = sql_int(l, sql);
		free(sql);
		sql = xstrfmt("SELECT count(*) FROM usage WHERE status <> 'reserved' AND cost_pico IS NULL"
		    " AND time >= %lld AND time < %lld", (long long)m.month_start,
		    (long long)m.month_end);
		cnt = sql_int(l, sql);
		free(sql);
		CHECK(sum > 0);
		CHECK_INT(m.spent, sum);
		/* Live reservations of unknown price count as unknown too (none here). */
		CHECK_INT(m.unknown_count, cnt);
		ledger_close(l);
	}
	set_tz("UTC0");
}

/*
 * Wait for the children of a concurrency test: each exits 0 if it reserved,
 * 3 if it was refused, anything else on error. Exactly fit must have reserved.
 */
static void
reap(const pid_t *pids, int procs, int fit)
{
	int i, status, reserved = 0, refused = 0, other = 0;

	for (i = 0; i < procs; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status))
			other++;
		else if (WEXITSTATUS(status) == 0)
			reserved++;
		else if (WEXITSTATUS(status) == 3)
			refused++;
		else
			other++;
	}
	CHECK_INT(other, 0);
	CHECK_INT(reserved, fit);
	CHECK_INT(refused, procs - fit);
}

/*
 * What the processes of a concurrency test share: the pipe that releases them
 * all at once, and for held reservations the pipes to report a verdict and to
 * wait on before settling (-1 when they do not hold).
 */
struct crowd {
	int64_t worst, budget, cost;
	int go[2], done[2], release[2];
};

/* Begin a concurrency test: a fresh ledger's directory and the budget every process shares. */
static void
crowd_start(struct crowd *w)
{
	if (pipe(w->go) < 0)
		die("pipe");
	fresh_dir();
	pg_budget_first(w->budget);
	set_now(utc(2026, 11, 10, 8, 0, 0));
}

/* Hand the parent a verdict, then wait until it releases every process. */
static bool
crowd_hold(const struct crowd *w, int v)
{
	char b = v == LEDGER_RESERVED ? 'r' : v == LEDGER_OVER_BUDGET ? 'o' : 'e';

	if (w->done[1] < 0)
		return true;
	return write(w->done[1], &b, 1) == 1 && read(w->release[0], &b, 1) == 0;
}

/*
 * One process: wait for go, reserve the worst case, maybe hold, settle at cost.
 * Exits 0 if it reserved, 3 if it was refused, anything else on error.
 */
static int
crowd_child(const struct crowd *w)
{
	struct usage u = { .input = 10, .output = 5, .reported = true };
	struct ledger *c;
	char *cause = NULL, b;
	int64_t id;
	int v;

	close(w->go[1]);
	if (w->done[1] >= 0) {
		close(w->done[0]);
		close(w->release[1]);
	}
	if (read(w->go[0], &b, 1) != 0)   /* wait until every child is ready */
		return 9;
	if ((c = ledger_open(test_dir, &cause)) == NULL) {
		fprintf(stderr, "child open: %s\n", cause);
		crowd_hold(w, -1);   /* a verdict all the same: the parent waits for every one */
		return 7;
	}
	v = t_reserve(c, &entry, w->worst, w->budget, true, &id, NULL, &cause);
	if (!crowd_hold(w, v))
		return 9;
	if (v == LEDGER_RESERVED)
		v = ledger_settle(c, id, &u, w->cost, false, "ok", 1, &cause) == 0 ? 0 : 6;
	else
		v = v == LEDGER_OVER_BUDGET ? 3 : 8;
	if (v > 3)
		fprintf(stderr, "child: %s\n", cause ? cause : "?");
	ledger_close(c);
	return v;
}

/* Fork procs processes of the test, each exiting with what crowd_child returns. */
static void
crowd_spawn(const struct crowd *w, pid_t *pids, int procs)
{
	int i;

	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(crowd_child(w));
	}
}

/*
 * Many processes open the ledger (creating it) and reserve at once against a
 * budget that fits exactly `fit` worst cases: exactly fit succeed.
 */
static void
test_concurrent_reservations(void)
{
	enum { PROCS = 32, FIT = 12, WORST = 1000 };
	struct crowd w = { .worst = WORST, .budget = FIT * WORST, .cost = WORST,
	    .done = { -1, -1 }, .release = { -1, -1 } };
	pid_t pids[PROCS];
	struct ledger *l;
	struct meter m;
	char *cause = NULL;

	crowd_start(&w);
	crowd_spawn(&w, pids, PROCS);
	close(w.go[0]);
	close(w.go[1]);   /* release them all */
	reap(pids, PROCS, FIT);
	l = ledger_open(test_dir, &cause);
	CHECK(l != NULL);
	if (l == NULL)
		return;
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage"), FIT);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'ok'"), FIT);
	CHECK_INT(sql_int(l, "SELECT sum(cost_pico) FROM usage"), FIT * WORST);
	CHECK_INT(sql_int(l, "SELECT count(DISTINCT pid) FROM usage"), FIT);
	CHECK_INT(t_meter(l, FIT * WORST, &m, &cause), 0);
	CHECK_INT(m.spent, FIT * WORST);
	CHECK_INT(m.reserved, 0);
	CHECK_INT(m.requests, FIT);
	ledger_close(l);
}

/*
 * Forty processes reserve at once and hold their reservations until every one
 * has its verdict: at the peak, exactly the budget is reserved and no more.
 * Then they settle below their worst case, and the meter shows what was spent.
 */
static void
test_concurrent_held(void)
{
	enum { PROCS = 40, FIT = 15, WORST = 700, COST = 300 };
	struct crowd w = { .worst = WORST, .budget = FIT * WORST, .cost = COST };
	pid_t pids[PROCS];
	struct ledger *l;
	struct meter m;
	char *cause = NULL, b;
	int i;

	if (pipe(w.done) < 0 || pipe(w.release) < 0)
		die("pipe");
	crowd_start(&w);
	crowd_spawn(&w, pids, PROCS);
	close(w.go[0]);
	close(w.done[1]);
	close(w.release[0]);
	close(w.go[1]);
	for (i = 0; i < PROCS && read(w.done[0], &b, 1) == 1; i++)
		;
	CHECK_INT(i, PROCS);
	/* Every process has its verdict and none has settled: the peak. */
	l = ledger_open(test_dir, &cause);
	CHECK(l != NULL);
	if (l != NULL) {
		CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'reserved'"), FIT);
		CHECK_INT(sql_int(l, "SELECT sum(worst_case_pico) FROM usage"), FIT * WORST);
		CHECK_INT(t_meter(l, FIT * WORST, &m, &cause), 0);
		CHECK_INT(m.reserved, FIT * WORST);
		CHECK_INT(m.spent, 0);
	}
	close(w.release[1]);
	reap(pids, PROCS, FIT);
	close(w.done[0]);
	if (l == NULL)
		return;
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage WHERE status = 'ok'"), FIT);
	CHECK_INT(sql_int(l, "SELECT count(*) FROM usage"), FIT);
	CHECK_INT(t_meter(l, FIT * WORST, &m, &cause), 0);
	CHECK_INT(m.spent, FIT * COST);
	CHECK_INT(m.reserved, 0);
	ledger_close(l);
}

/* The database passes SQLite's own integrity check after all of the above. */
/* One integer from SQL on the local llm.db, which holds the tasks with a team ledger too. */
static int64_t
local_int(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -999;

	if (sqlite3_prepare_v2(store_db(ledger_store(l)), sql, -1, &st, NULL) != SQLITE_OK)
		return -998;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A child that starts a task (held by it), says its id on a pipe, then waits to be killed. */
static pid_t
task_and_hang(int64_t *task)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		die("pipe");
	pid = fork();
	if (pid == 0) {
		char *cause = NULL;
		struct ledger *k = ledger_open(test_dir, &cause);
		int64_t id;

		close(fds[0]);
		if (k == NULL || (id = ledger_task_new(k, "held", 0)) <= 0 ||
		    write(fds[1], &id, sizeof id) != (ssize_t)sizeof id)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	CHECK(read(fds[0], task, sizeof *task) == (ssize_t)sizeof *task);
	close(fds[0]);
	return pid;
}

/*
 * A task is held by one process at a time: another is refused while the
 * holder lives, and takes it over once it is killed, as a dead process's
 * reservation is settled; one held elsewhere, where it cannot be checked,
 * is taken over only when its time is up.
 */
static void
test_task_held(void)
{
	struct ledger *l;
	char *cause = NULL;
	int64_t task = 0, holder = 0;
	int status;
	pid_t pid;

	fresh_dir();
	set_now(utc(2026, 11, 10, 8, 0, 0));
	if ((l = ledger_open(test_dir, &cause)) == NULL)
		die("ledger_open: %s", cause);
	pid = task_and_hang(&task);
	CHECK(task > 0);
	CHECK_INT(ledger_task_hold(l, task, &holder, &cause), LEDGER_HELD_ELSEWHERE);
	CHECK_INT(holder, pid);
	/* letting go is the holder's alone */
	ledger_task_release(l, task);
	CHECK_INT(ledger_task_hold(l, task, &holder, &cause), LEDGER_HELD_ELSEWHERE);
	kill(pid, SIGKILL);
	while (!zombie(pid))
		usleep(1000);
	CHECK_INT(ledger_task_hold(l, task, &holder, &cause), LEDGER_HELD);
	CHECK_INT(holder, 0);
	CHECK_INT(local_int(l, "SELECT pid FROM tasks"), getpid());
	CHECK(waitpid(pid, &status, 0) == pid);
	/* held again by its holder: still its */
	CHECK_INT(ledger_task_hold(l, task, &holder, &cause), LEDGER_HELD);
	ledger_task_release(l, task);
	CHECK_INT(local_int(l, "SELECT count(*) FROM tasks WHERE pid IS NULL"), 1);
	CHECK_INT(ledger_task_hold(l, task + 1, &holder, &cause), LEDGER_NO_TASK);
	/* a holder on another host cannot be checked: it lives until its time is up */
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "UPDATE tasks SET pid = 1, pid_start = 5,"
	    " owner = 'another-boot another-ns', host = 'elsewhere', held_until = 1794297601",
	    NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(ledger_task_hold(l, task, &holder, &cause), LEDGER_HELD_ELSEWHERE);
	CHECK_INT(holder, 1);
	set_now(utc(2026, 11, 10, 8, 0, 2));
	CHECK_INT(ledger_task_hold(l, task, &holder, &cause), LEDGER_HELD);
	CHECK_INT(local_int(l, "SELECT pid FROM tasks"), getpid());
	ledger_close(l);
}

static void
test_integrity(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Run fn against SQLite only, saying why not against the team's database. */
#define RUN_SQLITE(fn, why) do { \
	if (pg_on()) \
		printf("# skip %s: %s\n", #fn, why); \
	else \
		RUN(fn); \
} while (0)

int
main(void)
{
	pg_setup();
	RUN(test_month_utc);
	RUN(test_month_zone);
	RUN_SQLITE(test_meter_rolls_at_local_midnight, "a team's month is its time zone's, not TZ's");
	RUN(test_reserve_settle);
	RUN(test_warnings);
	RUN_SQLITE(test_dead_reservation_expires, "moves rows to another host with SQLite's SQL");
	RUN_SQLITE(test_dead_process_settled, "writes rows with SQLite's SQL");
	RUN_SQLITE(test_upgrade_from_first_schema, "SQLite's first schema");
	RUN(test_over_budget);
	RUN(test_unknown_and_free);
	RUN(test_estimated_zero);
	RUN_SQLITE(test_totals_match_rows, "edits rows with SQLite's SQL, months in TZ's zones");
	RUN(test_concurrent_reservations);
	RUN(test_concurrent_held);
	RUN(test_task_held);
	RUN_SQLITE(test_integrity, "SQLite's integrity check");
	test_db_cleanup();
	UNIT_EXIT();
}
