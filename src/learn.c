/* learn: the router learns from its user: labels kept in llm.db, a per-user correction to its heads. */
#include "learn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "ledger.h"
#include "store.h"
#include "util.h"

/* Gradient steps of the fit and their size; the loss is smooth and the data small. */
#define LEARN_ITERS 400
#define LEARN_RATE 0.5
/* A kept fit is refitted once the labels have grown by 1/LEARN_REFIT (SQL text). */
#define LEARN_REFIT "10"
/* A probability is kept this far from 0 and 1 before its logit is taken. */
#define LEARN_P_EPS 1e-6
/* The longest features text read back: ~40 features of ~30 bytes. */
#define LEARN_FEATURES_MAX 4096

static const char *const kind_names[LEARN_KINDS] = {
	[LEARN_RETRY] = "retry",
	[LEARN_OVERRIDE] = "override",
	[LEARN_ESCALATION] = "escalation",
	[LEARN_PIN] = "pin",
};

const char *
learn_kind_str(enum learn_kind k)
{
	return kind_names[k];
}

static bool
learn_kind_parse(const char *s, enum learn_kind *k)
{
	int i;

	for (i = 0; s != NULL && i < LEARN_KINDS; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum learn_kind)i;
			return true;
		}
	return false;
}

/* Prepare sql on the ledger's database; NULL with *cause. */
static sqlite3_stmt *
learn_stmt(struct ledger *l, const char *sql, char **cause)
{
	sqlite3 *db = store_db(ledger_store(l));
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_cause(cause, "%s: %s", store_path(ledger_store(l)), sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

/* Finish a statement run to its end: 0, or -1 with *cause. */
static int
learn_done(struct ledger *l, sqlite3_stmt *st, int rc, char **cause)
{
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	store_cause(cause, "%s: %s", store_path(ledger_store(l)),
	    sqlite3_errmsg(store_db(ledger_store(l))));
	return -1;
}

/* Keep a label with the turn's features by name. */
int
learn_record(struct ledger *l, enum learn_kind k, enum tier router, enum tier wanted,
    const struct route_input *in, int64_t usage_id, int64_t *id, char **cause)
{
	double x[RF_COUNT];
	struct buf b;
	sqlite3_stmt *st;
	int i, rc;

	router_features(in, x);
	buf_init(&b, 0);
	for (i = 0; i < RF_COUNT; i++)
		buf_addf(&b, "%s%s=%.6g", i ? " " : "", router_feature_names[i], x[i]);
	st = learn_stmt(l, "INSERT INTO route_labels (time, kind, router_tier, wanted_tier,"
	    " features, usage_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", cause);
	if (st == NULL) {
		buf_done(&b);
		return -1;
	}
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_text(st, 2, kind_names[k], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, tier_str(router), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, tier_str(wanted), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, buf_str(&b), -1, SQLITE_TRANSIENT);
	if (usage_id > 0)
		sqlite3_bind_int64(st, 6, usage_id);
	rc = sqlite3_step(st);
	buf_done(&b);
	if (id != NULL)
		*id = rc == SQLITE_DONE ? sqlite3_last_insert_rowid(store_db(ledger_store(l))) : 0;
	return learn_done(l, st, rc, cause);
}

/* Take back label id. */
int
learn_drop(struct ledger *l, int64_t id, char **cause)
{
	sqlite3_stmt *st = learn_stmt(l, "DELETE FROM route_labels WHERE id = ?1", cause);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return learn_done(l, st, sqlite3_step(st), cause);
}

/* Forget every label. */
int
learn_forget(struct ledger *l, int64_t *n, char **cause)
{
	sqlite3_stmt *st = learn_stmt(l, "UPDATE route_labels SET forgotten = 1 WHERE forgotten = 0",
	    cause);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (n != NULL)
		*n = sqlite3_changes(store_db(ledger_store(l)));
	return learn_done(l, st, rc, cause);
}

/*
 * Read "name=value ..." into x. Every feature is kept with a label, so one it
 * does not name did not exist then: it stays at the shipped mean (z = 0).
 */
static void
learn_parse_features(const char *s, double x[RF_COUNT])
{
	char *copy = xstrndup(s, strnlen(s, LEARN_FEATURES_MAX)), *p = copy, *next, *eq, *end;
	int i;

	memcpy(x, router_default_model.mean, sizeof router_default_model.mean);
	for (; p != NULL && *p != '\0'; p = next) {
		next = strchr(p, ' ');
		if (next != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		for (i = 0; i < RF_COUNT; i++)
			if (strcmp(p, router_feature_names[i]) == 0)
				break;
		if (i < RF_COUNT) {
			double v = strtod(eq + 1, &end);

			if (end != eq + 1 && isfinite(v))
				x[i] = v;
		}
	}
	free(copy);
}

/* Labels as the fit sees them. */
struct learn_data {
	double (*z)[RF_COUNT];
	double *o1, *o2;        /* the shipped heads' logits: the prior the correction adds to */
	int *wanted;
	size_t n;
};

static double
learn_sigmoid(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

/*
 * Fit w for one head: logistic loss on the labels that speak to it, each with
 * the shipped logit as its offset, and an L2 pull towards the shipped head
 * worth LEARN_PRIOR labels. No intercept: only prompts of the labels' kind move.
 */
static void
learn_fit_head(const struct learn_data *d, int head, double w[RF_COUNT])
{
	double g[RF_COUNT];
	size_t i, n = 0;
	int it, j;

	memset(w, 0, sizeof(double) * RF_COUNT);
	for (i = 0; i < d->n; i++)
		n += head == 1 || d->wanted[i] >= TIER_MID;
	if (n == 0)
		return;
	for (it = 0; it < LEARN_ITERS; it++) {
		for (j = 0; j < RF_COUNT; j++)
			g[j] = LEARN_PRIOR * w[j] / (double)n;
		for (i = 0; i < d->n; i++) {
			double s = head == 1 ? d->o1[i] : d->o2[i], y, e;

			/* head 2 speaks only where cheap was not enough */
			if (head == 2 && d->wanted[i] < TIER_MID)
				continue;
			y = head == 1 ? d->wanted[i] > TIER_CHEAP : d->wanted[i] > TIER_MID;
			for (j = 0; j < RF_COUNT; j++)
				s += w[j] * d->z[i][j];
			e = (learn_sigmoid(s) - y) / (double)n;
			for (j = 0; j < RF_COUNT; j++)
				g[j] += e * d->z[i][j];
		}
		for (j = 0; j < RF_COUNT; j++)
			w[j] -= LEARN_RATE * g[j];
	}
}

/* Add one label read from the database to d. */
static void
learn_add(struct learn_data *d, sqlite3_stmt *st)
{
	const char *feats = (const char *)sqlite3_column_text(st, 1);
	enum tier w;
	double x[RF_COUNT];
	size_t i = d->n;
	int j;

	if (!tier_parse((const char *)sqlite3_column_text(st, 0), &w) || w == TIER_AUTO)
		return;
	learn_parse_features(feats ? feats : "", x);
	for (j = 0; j < RF_COUNT; j++)
		d->z[i][j] = router_z(&router_default_model, x, j);
	router_logits(&router_default_model, x, &d->o1[i], &d->o2[i]);
	d->wanted[i] = (int)w;
	d->n++;
}

/* Count the labels that teach, by kind and move, and the last one's id. 0 or -1. */
static int
learn_count(struct ledger *l, struct learn *lm, int64_t *upto, char **cause)
{
	sqlite3_stmt *st = learn_stmt(l, "SELECT kind, router_tier, wanted_tier, count(*), max(id)"
	    " FROM route_labels WHERE forgotten = 0 GROUP BY 1, 2, 3", cause);
	enum learn_kind k;
	enum tier r, w;
	int rc;

	*upto = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_int64(st, 3);

		if (sqlite3_column_int64(st, 4) > *upto)
			*upto = sqlite3_column_int64(st, 4);
		if (!learn_kind_parse((const char *)sqlite3_column_text(st, 0), &k) ||
		    !tier_parse((const char *)sqlite3_column_text(st, 1), &r) || r == TIER_AUTO ||
		    !tier_parse((const char *)sqlite3_column_text(st, 2), &w) || w == TIER_AUTO)
			continue;
		lm->n += n;
		lm->kinds[k] += n;
		lm->moves[r][w] += n;
	}
	return learn_done(l, st, rc, cause);
}

/* Fit both heads on the most recent labels. 0 or -1. */
static int
learn_fit(struct ledger *l, struct learn *lm, char **cause)
{
	struct learn_data d = { 0 };
	/* newest first by id, stopping at the limit: +forgotten keeps the counts' index out */
	sqlite3_stmt *st = learn_stmt(l, "SELECT wanted_tier, features FROM route_labels"
	    " WHERE +forgotten = 0 ORDER BY id DESC LIMIT ?1", cause);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, LEARN_MAX_LABELS);
	d.z = xcalloc(LEARN_MAX_LABELS, sizeof *d.z);
	d.o1 = xcalloc(LEARN_MAX_LABELS, sizeof *d.o1);
	d.o2 = xcalloc(LEARN_MAX_LABELS, sizeof *d.o2);
	d.wanted = xcalloc(LEARN_MAX_LABELS, sizeof *d.wanted);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && d.n < LEARN_MAX_LABELS)
		learn_add(&d, st);
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;
	rc = learn_done(l, st, rc, cause);
	if (rc == 0) {
		learn_fit_head(&d, 1, lm->w1);
		learn_fit_head(&d, 2, lm->w2);
	}
	free(d.z);
	free(d.o1);
	free(d.o2);
	free(d.wanted);
	return rc;
}

/*
 * The kept fit, if it still stands for the labels there are now: true with
 * lm's weights filled. It stands while none of the labels it was made on is
 * forgotten and fewer than a tenth more have come since (LEARN_REFIT), so a
 * user who pins a model in every call does not pay a refit on each one.
 * Weights are "name=w1,w2 ...".
 */
static bool
learn_cached(struct ledger *l, struct learn *lm)
{
	sqlite3_stmt *st = learn_stmt(l, "SELECT weights FROM route_learnt k WHERE id = 1"
	    " AND n <= ?1 AND (?1 - n) * " LEARN_REFIT " < n AND n = (SELECT count(*)"
	    " FROM route_labels WHERE forgotten = 0 AND id <= k.upto)", NULL);
	char *copy, *p, *next, *eq, *end;
	bool hit = false;
	int i;

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, (int64_t)lm->n);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL) {
		hit = true;
		copy = xstrdup((const char *)sqlite3_column_text(st, 0));
		for (p = copy; p != NULL && *p != '\0'; p = next) {
			if ((next = strchr(p, ' ')) != NULL)
				*next++ = '\0';
			if ((eq = strchr(p, '=')) == NULL)
				continue;
			*eq = '\0';
			for (i = 0; i < RF_COUNT && strcmp(p, router_feature_names[i]) != 0; i++)
				;
			if (i == RF_COUNT)
				continue;
			lm->w1[i] = strtod(eq + 1, &end);
			lm->w2[i] = *end == ',' ? strtod(end + 1, NULL) : 0;
		}
		free(copy);
	}
	sqlite3_finalize(st);
	return hit;
}

/* Keep the fit for the next process; best effort. */
static void
learn_keep(struct ledger *l, const struct learn *lm, int64_t upto)
{
	sqlite3_stmt *st = learn_stmt(l, "INSERT OR REPLACE INTO route_learnt (id, upto, n, weights)"
	    " VALUES (1, ?1, ?2, ?3)", NULL);
	struct buf b;
	int i;

	if (st == NULL)
		return;
	buf_init(&b, 0);
	for (i = 0; i < RF_COUNT; i++)
		buf_addf(&b, "%s%s=%.17g,%.17g", i ? " " : "", router_feature_names[i], lm->w1[i],
		    lm->w2[i]);
	sqlite3_bind_int64(st, 1, upto);
	sqlite3_bind_int64(st, 2, (int64_t)lm->n);
	sqlite3_bind_text(st, 3, buf_str(&b), -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_finalize(st);
	buf_done(&b);
}

/* Read the labels and fit, or take the fit kept for them. */
int
learn_load(struct ledger *l, struct learn *lm, char **cause)
{
	int64_t upto;

	memset(lm, 0, sizeof *lm);
	if (learn_count(l, lm, &upto, cause) < 0) {
		memset(lm, 0, sizeof *lm);
		return -1;
	}
	if (lm->n < LEARN_MIN_LABELS)
		return 0;
	if (!learn_cached(l, lm)) {
		if (learn_fit(l, lm, cause) < 0) {
			memset(lm, 0, sizeof *lm);
			return -1;
		}
		learn_keep(l, lm, upto);
	}
	lm->active = true;
	return 0;
}

static double
learn_logit(double p)
{
	if (p < LEARN_P_EPS)
		p = LEARN_P_EPS;
	if (p > 1 - LEARN_P_EPS)
		p = 1 - LEARN_P_EPS;
	return log(p / (1 - p));
}

/* The features that moved head's logit most in the direction sign, as "a, b". */
static void
learn_why(const struct learn *lm, int head, const double z[RF_COUNT], double sign, char *out,
    size_t n)
{
	const double *w = head == 1 ? lm->w1 : lm->w2;
	int best[2] = { -1, -1 }, i, k;

	for (i = 0; i < RF_COUNT; i++) {
		double c = sign * w[i] * z[i];

		if (c <= 0.05)
			continue;
		for (k = 0; k < 2; k++)
			if (best[k] < 0 || c > sign * w[best[k]] * z[best[k]]) {
				if (k == 0)
					best[1] = best[0];
				best[k] = i;
				break;
			}
	}
	if (best[0] < 0)
		snprintf(out, n, "all features");
	else if (best[1] < 0)
		snprintf(out, n, "%s", router_feature_names[best[0]]);
	else
		snprintf(out, n, "%s, %s", router_feature_names[best[0]],
		    router_feature_names[best[1]]);
}

/* Apply the correction to a decision. */
bool
learn_apply(const struct learn *lm, const struct route_input *in, struct route_decision *d)
{
	const struct router_model *rm = &router_default_model;
	double x[RF_COUNT], z[RF_COUNT], s1 = 0, s2 = 0;
	char why[96];
	enum tier t;
	int i, head;

	if (lm == NULL || !lm->active)
		return false;
	router_features(in, x);
	for (i = 0; i < RF_COUNT; i++) {
		z[i] = router_z(rm, x, i);
		s1 += lm->w1[i] * z[i];
		s2 += lm->w2[i] * z[i];
	}
	d->p_cheap_fail = learn_sigmoid(learn_logit(d->p_cheap_fail) + s1);
	d->p_mid_fail = learn_sigmoid(learn_logit(d->p_mid_fail) + s2);
	t = d->p_cheap_fail < rm->t1 ? TIER_CHEAP : d->p_mid_fail < rm->t2 ? TIER_MID :
	    TIER_FRONTIER;
	if (in->prev_tier != TIER_AUTO && t < in->prev_tier)
		t = in->prev_tier;
	/* the correction moves a tier only the way it pushes: a rule the router applied stays */
	if (t == d->tier || (t > d->tier && s1 <= 0 && s2 <= 0) ||
	    (t < d->tier && s1 >= 0 && s2 >= 0))
		return false;
	head = (t > d->tier ? d->tier == TIER_CHEAP : t == TIER_CHEAP) ? 1 : 2;
	learn_why(lm, head, z, t > d->tier ? 1 : -1, why, sizeof why);
	snprintf(d->reason, sizeof d->reason, "learnt: you wanted %s for prompts like this (%s; %zu"
	    " labels)", tier_str(t), why, lm->n);
	d->tier = t;
	return true;
}

/* The largest terms of a head's correction. */
size_t
learn_top(const struct learn *lm, int head, int *idx, size_t n)
{
	const double *w = head == 1 ? lm->w1 : lm->w2;
	bool used[RF_COUNT] = { false };
	size_t k;
	int i, best;

	for (k = 0; k < n; k++) {
		best = -1;
		for (i = 0; i < RF_COUNT; i++)
			if (!used[i] && fabs(w[i]) >= 0.01 && (best < 0 || fabs(w[i]) > fabs(w[best])))
				best = i;
		if (best < 0)
			break;
		used[best] = true;
		idx[k] = best;
	}
	return k;
}

/* Call fn for each label of [from, to) with its request's usage. */
int
learn_rows(struct ledger *l, int64_t from, int64_t to, learn_row_fn fn, void *arg,
    char **cause)
{
	sqlite3_stmt *st = learn_stmt(l, "SELECT r.kind, r.router_tier, r.wanted_tier, u.model,"
	    " u.input_tokens, u.cached_input_tokens, u.cache_write_tokens, u.cache_write_1h_tokens,"
	    " u.output_tokens, u.reasoning_tokens, u.cost_pico, u.status"
	    " FROM route_labels r LEFT JOIN usage u ON u.id = r.usage_id"
	    " WHERE r.time >= ?1 AND r.time < ?2 ORDER BY r.id", cause);
	struct learn_row r;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		if (!learn_kind_parse((const char *)sqlite3_column_text(st, 0), &r.kind) ||
		    !tier_parse((const char *)sqlite3_column_text(st, 1), &r.router) ||
		    !tier_parse((const char *)sqlite3_column_text(st, 2), &r.wanted) ||
		    r.router == TIER_AUTO || r.wanted == TIER_AUTO)
			continue;
		r.model = (const char *)sqlite3_column_text(st, 3);
		r.usage.input = sqlite3_column_int64(st, 4);
		r.usage.cached_input = sqlite3_column_int64(st, 5);
		r.usage.cache_write = sqlite3_column_int64(st, 6);
		r.usage.cache_write_1h = sqlite3_column_int64(st, 7);
		r.usage.output = sqlite3_column_int64(st, 8);
		r.usage.reasoning = sqlite3_column_int64(st, 9);
		/* a request still in flight has no cost yet */
		r.cost = sqlite3_column_type(st, 10) == SQLITE_NULL ||
		    sqlite3_column_type(st, 11) == SQLITE_NULL ||
		    strcmp((const char *)sqlite3_column_text(st, 11), "reserved") == 0 ? -1 :
		    sqlite3_column_int64(st, 10);
		if (fn(arg, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return learn_done(l, st, rc, cause);
}

/* Count the requests the router placed, by tier. */
int
learn_routed(struct ledger *l, int64_t from, int64_t to, int64_t routed[TIER_COUNT],
    char **cause)
{
	sqlite3_stmt *st = learn_stmt(l, "SELECT tier, count(*) FROM usage WHERE route_mode = 'auto'"
	    " AND status <> 'reserved' AND time >= ?1 AND time < ?2 AND id NOT IN"
	    " (SELECT usage_id FROM route_labels WHERE usage_id IS NOT NULL) GROUP BY tier", cause);
	enum tier t;
	int rc;

	memset(routed, 0, sizeof(int64_t) * TIER_COUNT);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (tier_parse((const char *)sqlite3_column_text(st, 0), &t) && t != TIER_AUTO)
			routed[t] += sqlite3_column_int64(st, 1);
	return learn_done(l, st, rc, cause);
}
