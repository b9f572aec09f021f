/* test_learn: the router's labels in llm.db and the per-user correction fitted on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "learn.h"
#include "ledger.h"
#include "router.h"
#include "store.h"
#include "test_db.h"
#include "unit.h"
#include "util.h"

static struct ledger *
open_fresh(void)
{
	char *cause = NULL;
	struct ledger *l;

	test_db_fresh("learn", "llm.db");
	if ((l = ledger_open(test_dir, &cause)) == NULL)
		die("ledger_open: %s", cause);
	return l;
}

static int64_t
sql_int(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -999;

	if (sqlite3_prepare_v2(store_db(ledger_store(l)), sql, -1, &st, NULL) != SQLITE_OK)
		return -998;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Pasted C code number i, each a little different. */
static char *
code_prompt(int i)
{
	return xstrfmt("static int\nsum%d(const int *v, size_t n)\n{\n    int s = 0;\n"
	    "    for (size_t i = 0; i < n; i++)\n        s += v[i] * %d;\n    return s;\n}\n\n"
	    "why is this slow", i, i + 2);
}

static void
input_of(const char *p, struct route_input *in)
{
	memset(in, 0, sizeof *in);
	in->prompt = p;
	in->len = strlen(p);
	in->prev_tier = TIER_AUTO;
}

/* The tier the router gives code prompts, and the one a user wants instead. */
static enum tier
base_tier(enum tier *wanted)
{
	struct route_input in;
	struct route_decision d;
	char *p = code_prompt(100);

	input_of(p, &in);
	router_decide(&in, &d);
	free(p);
	*wanted = d.tier < TIER_FRONTIER ? d.tier + 1 : TIER_MID;
	return d.tier;
}

/* Keep n labels asking wanted for code prompts the router put on base. */
static void
teach(struct ledger *l, int from, int n, enum tier base, enum tier wanted)
{
	struct route_input in;
	char *cause = NULL;
	int i;

	for (i = from; i < from + n; i++) {
		char *p = code_prompt(i);

		input_of(p, &in);
		CHECK_INT(learn_record(l, LEARN_RETRY, base, wanted, &in, 0, NULL, &cause), 0);
		free(p);
	}
	free(cause);
}

/* The decision for prompt p with lm applied; the tier, with the reason in why. */
static enum tier
decide(const struct learn *lm, const char *p, char *why, size_t n)
{
	struct route_input in;
	struct route_decision d;

	input_of(p, &in);
	router_decide(&in, &d);
	learn_apply(lm, &in, &d);
	str_copy(why, n, d.reason);
	return d.tier;
}

static void
test_threshold_and_kind(void)
{
	struct ledger *l = open_fresh();
	struct learn lm;
	enum tier wanted, base = base_tier(&wanted);
	char why[160], *p = code_prompt(100);
	const char *hello = "hello, how are you today?";
	enum tier hello_tier = decide(NULL, hello, why, sizeof why);

	teach(l, 0, LEARN_MIN_LABELS - 1, base, wanted);
	CHECK_INT(learn_load(l, &lm, NULL), 0);
	CHECK_INT(lm.n, LEARN_MIN_LABELS - 1);
	CHECK(!lm.active);
	CHECK_INT(decide(&lm, p, why, sizeof why), base);
	teach(l, LEARN_MIN_LABELS - 1, 1, base, wanted);
	CHECK_INT(learn_load(l, &lm, NULL), 0);
	CHECK(lm.active);
	CHECK_INT(lm.kinds[LEARN_RETRY], LEARN_MIN_LABELS);
	CHECK_INT(lm.moves[base][wanted], LEARN_MIN_LABELS);
	CHECK_INT(decide(&lm, p, why, sizeof why), wanted);
	CHECK(strncmp(why, "learnt: you wanted ", 19) == 0);
	/* another kind of prompt keeps its tier */
	CHECK_INT(decide(&lm, hello, why, sizeof why), hello_tier);
	CHECK(strncmp(why, "learnt", 6) != 0);
	free(p);
	ledger_close(l);
}

/* The previous turn's tier holds: a correction never takes a turn below it. */
static void
test_sticky(void)
{
	struct ledger *l = open_fresh();
	struct learn lm;
	struct route_input in;
	struct route_decision d;
	char *p = code_prompt(100);

	/* the user keeps asking for less than the router: a downward correction */
	teach(l, 0, LEARN_MIN_LABELS, TIER_FRONTIER, TIER_CHEAP);
	CHECK_INT(learn_load(l, &lm, NULL), 0);
	input_of(p, &in);
	in.prev_tier = TIER_FRONTIER;
	in.turn = 1;
	router_decide(&in, &d);
	learn_apply(&lm, &in, &d);
	CHECK_INT(d.tier, TIER_FRONTIER);
	free(p);
	ledger_close(l);
}

/* Features are kept by name: unknown names are skipped, missing ones sit at the mean. */
static void
test_names(void)
{
	struct ledger *l = open_fresh();
	struct learn lm;
	int i;

	for (i = 0; i < LEARN_MIN_LABELS; i++)
		CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "INSERT INTO route_labels (time,"
		    " kind, router_tier, wanted_tier, features) VALUES (1, 'pin', 'cheap', 'mid',"
		    " 'no_such_feature=5 length=7.5 =3 lines')", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(learn_load(l, &lm, NULL), 0);
	CHECK(lm.active);
	CHECK_INT(lm.kinds[LEARN_PIN], LEARN_MIN_LABELS);
	/* only the one feature that varied from the mean can carry the correction */
	for (i = 0; i < RF_COUNT; i++)
		if (i != RF_LENGTH)
			CHECK(lm.w1[i] == 0 && lm.w2[i] == 0);
	CHECK(lm.w1[RF_LENGTH] != 0);
	ledger_close(l);
}

static int
count_row(void *arg, const struct learn_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/*
 * The fit is kept until a tenth more labels come (a pinned model in every
 * call must not refit on each); forgetting stops the teaching, not the report.
 */
static void
test_cache_and_forget(void)
{
	struct ledger *l = open_fresh();
	struct learn a, b;
	enum tier wanted, base = base_tier(&wanted);
	int64_t n = 0;
	int rows = 0, more = LEARN_MIN_LABELS / 10;

	teach(l, 0, LEARN_MIN_LABELS, base, wanted);
	CHECK_INT(learn_load(l, &a, NULL), 0);
	CHECK_INT(sql_int(l, "SELECT n FROM route_learnt"), LEARN_MIN_LABELS);
	CHECK_INT(learn_load(l, &b, NULL), 0);
	CHECK(memcmp(a.w1, b.w1, sizeof a.w1) == 0 && memcmp(a.w2, b.w2, sizeof a.w2) == 0);
	/* a kept fit stands for a few more labels: marked, it is read back as it is */
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "UPDATE route_learnt SET weights ="
	    " 'length=99,99'", NULL, NULL, NULL), SQLITE_OK);
	teach(l, 100, more - 1, base, wanted);
	CHECK_INT(learn_load(l, &b, NULL), 0);
	CHECK(b.w1[RF_LENGTH] == 99);
	CHECK_INT(b.n, LEARN_MIN_LABELS + more - 1);
	/* a tenth more, and it is fitted again */
	teach(l, 200, 1, base, wanted);
	CHECK_INT(learn_load(l, &b, NULL), 0);
	CHECK(b.w1[RF_LENGTH] != 99);
	CHECK_INT(sql_int(l, "SELECT n FROM route_learnt"), LEARN_MIN_LABELS + more);
	CHECK_INT(learn_forget(l, &n, NULL), 0);
	CHECK_INT(n, LEARN_MIN_LABELS + more);
	CHECK_INT(learn_load(l, &b, NULL), 0);
	CHECK(!b.active);
	CHECK_INT(b.n, 0);
	CHECK_INT(learn_rows(l, 0, INT64_MAX, count_row, &rows, NULL), 0);
	CHECK_INT(rows, LEARN_MIN_LABELS + more);
	/* labels after a forget never reuse a fit made on forgotten ones */
	CHECK_INT(sqlite3_exec(store_db(ledger_store(l)), "UPDATE route_learnt SET weights ="
	    " 'length=99,99'", NULL, NULL, NULL), SQLITE_OK);
	teach(l, 300, LEARN_MIN_LABELS + more, base, wanted);
	CHECK_INT(learn_load(l, &b, NULL), 0);
	CHECK(b.active);
	CHECK(b.w1[RF_LENGTH] != 99);
	ledger_close(l);
}

int
main(void)
{
	RUN(test_threshold_and_kind);
	RUN(test_sticky);
	RUN(test_names);
	RUN(test_cache_and_forget);
	test_db_cleanup();
	UNIT_EXIT();
}
