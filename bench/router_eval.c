/* router_eval: replay RouteLLM's per-prompt results and score the router against baselines. */
/*
 * Protocol (routing.md section 4): for each set (GSM8K, MMLU, MT-Bench,
 * Arena-300) the router is fitted on the OTHER sets only and scored on this
 * one (transfer), head 1 the mean of the best configurations (label, ridge,
 * length anchor) by leave-one-set-out among those other sets, never scored
 * on the set reported. So Arena-300 helps fit the first three rows, and its own row is
 * fitted on RouteLLM's three sets alone. 5-fold cross-validation within the
 * set is shown for comparison, and so is a plain standardised L2 logistic
 * regression with nothing chosen. Beside them:
 * random routing (mean of 20 seeds), prompt length only, and the oracle.
 * Metrics: APGR, CPT(50%), CPT(80%), and the cost saved against always-strong
 * at 95% of the strong model's quality. Costs use 2024 list prices
 * (GPT-4-1106 $10/$30, Mixtral $0.60/$0.60 per million), tokens = chars/4,
 * MMLU +600 prompt tokens for its 5-shot prefix and one output token.
 * Arena-300 costs include each tier's real answer (output tokens are most of the cost).
 * "head 2 only" ranks by head 2's logit (P(mid model not enough)) on the
 * same mid-to-strong gap. Arena-300 is also routed on all three tiers with
 * its transfer model, both thresholds swept (section 4, point 4).
 */
#define ROUTER_TRAIN_LIB
#include "router_train.c"

#define EVAL_SEEDS 20
#define EVAL_FOLDS 5
#define EVAL_BOOT 300

static uint64_t xorshift(uint64_t *st);

struct item {
	double score;
	double dq;        /* strong - weak quality */
	double dc;        /* strong - weak cost */
};

struct metrics {
	double apgr, cpt50, cpt80, saved95;
};

static double
row_cost(const struct row *r, bool strong)
{
	double in = r->in_chars / 4, out = (strong ? r->strong_out : r->weak_out) / 4;

	if (r->set == SET_MMLU) {
		in += 600;
		out = 1;
	}
	return strong ? in * 10 + out * 30 : in * 0.6 + out * 0.6;
}

static int
cmp_item(const void *a, const void *b)
{
	double x = ((const struct item *)a)->score, y = ((const struct item *)b)->score;

	return x > y ? -1 : x < y;
}

/*
 * Sweep the share of strong calls from 0 to all, best scores first. Ties are
 * averaged: a tied group moves the curve linearly, as random tie-breaking
 * would on average.
 */
static struct metrics
curve(struct item *it, size_t n, double sum_weak, double sum_strong, double cost_weak, double cost_strong)
{
	struct metrics m = { 0, -1, -1, -1 };
	double gap = sum_strong - sum_weak, q = 0, c = 0, prev_pgr = 0, best_cost = -1;
	size_t i, j, k;

	qsort(it, n, sizeof(*it), cmp_item);
	for (i = 0; i < n; i = j) {
		double gq = 0, gc = 0;

		for (j = i; j < n && it[j].score == it[i].score; j++) {
			gq += it[j].dq;
			gc += it[j].dc;
		}
		for (k = i; k < j; k++) {
			double pgr;

			q += gq / (double)(j - i);
			c += gc / (double)(j - i);
			pgr = q / gap;
			m.apgr += (prev_pgr + pgr) / 2 / (double)n;
			prev_pgr = pgr;
			if (m.cpt50 < 0 && pgr >= 0.5)
				m.cpt50 = (double)(k + 1) / (double)n;
			if (m.cpt80 < 0 && pgr >= 0.8)
				m.cpt80 = (double)(k + 1) / (double)n;
			if (sum_weak + q >= 0.95 * sum_strong && (best_cost < 0 || cost_weak + c < best_cost))
				best_cost = cost_weak + c;
		}
	}
	if (sum_weak >= 0.95 * sum_strong)
		best_cost = cost_weak;
	m.saved95 = best_cost < 0 ? 0 : 1 - best_cost / cost_strong;
	return m;
}

/* Score the rows idx[0..k) (repeats allowed) with scores sc (indexed like the rows). */
static struct metrics
evaluate_idx(const struct data *d, const size_t *idx, size_t k, const double *sc)
{
	struct item *it = xcalloc(k ? k : 1, sizeof(*it));
	double sw = 0, ss = 0, cw = 0, cs = 0;
	size_t i, n = 0;
	struct metrics m;

	for (i = 0; i < k; i++) {
		size_t r = idx[i];
		const struct row *row = &d->rows[r];

		it[n].score = sc[r];
		it[n].dq = row->strong - row->weak;
		it[n].dc = row_cost(row, true) - row_cost(row, false);
		sw += row->weak;
		ss += row->strong;
		cw += row_cost(row, false);
		cs += row_cost(row, true);
		n++;
	}
	m = curve(it, n, sw, ss, cw, cs);
	free(it);
	return m;
}

/* The rows of set s, as indices; *k gets their number. */
static size_t *
set_rows(const struct data *d, int s, size_t *k)
{
	size_t *idx = xcalloc(d->n, sizeof(size_t)), r;

	for (*k = 0, r = 0; r < d->n; r++)
		if (d->rows[r].set == s)
			idx[(*k)++] = r;
	return idx;
}

/* Score the rows of set s with scores sc (indexed like the rows). */
static struct metrics
evaluate(const struct data *d, int s, const double *sc)
{
	size_t k, *idx = set_rows(d, s, &k);
	struct metrics m = evaluate_idx(d, idx, k, sc);

	free(idx);
	return m;
}

/* The router's score for going past cheap: head 1's logit, topic rules first. */
static double
router_score(const struct router_model *rm, const double x[RF_COUNT])
{
	double l1, l2;

	router_logits(rm, x, &l1, &l2);
	return router_rule_score(x, l1);
}

static void
score_model(const struct data *d, const struct router_model *rm, int s, const bool *only, double *sc)
{
	size_t r;

	for (r = 0; r < d->n; r++)
		if (d->rows[r].set == s && (only == NULL || only[r]))
			sc[r] = router_score(rm, d->rows[r].x);
}

/*
 * Fit on the other sets (hyperparameters chosen on them alone), score set s;
 * *hp gets the choice, *rm the model.
 */
static struct metrics
eval_transfer(const struct data *d, int s, double *sc, struct hparams *hp, struct router_model *rm)
{
	bool *use = xcalloc(d->n, sizeof(bool));
	size_t r;

	for (r = 0; r < d->n; r++)
		use[r] = d->rows[r].set != s;
	*hp = fit_model(d, use, rm);
	score_model(d, rm, s, NULL, sc);
	free(use);
	return evaluate(d, s, sc);
}

/* Score set s by head 2's logit alone: how well it finds where the mid model falls short of the strong one. */
static struct metrics
eval_head2(const struct data *d, int s, const struct router_model *rm, double *sc)
{
	size_t r;

	for (r = 0; r < d->n; r++) {
		double l1, l2;

		if (d->rows[r].set != s)
			continue;
		router_logits(rm, d->rows[r].x, &l1, &l2);
		sc[r] = l2;
	}
	return evaluate(d, s, sc);
}

#define SWEEP_STEPS 50

/* The tier of row r under thresholds t1, t2 on its scores, with router_decide_with's topic rules. */
static int
tier3(const struct row *r, double p1, double p2, double t1, double t2)
{
	int t = p1 < t1 ? 0 : p2 < t2 ? 1 : 2;

	if (t == 0 && (r->x[RF_CODE_FENCE] > 0 || r->x[RF_DIFF] > 0 || r->x[RF_TRACE] > 0))
		t = 1;
	if (t == 2 && r->in_chars < 200 && r->x[RF_KW_SIMPLE] > 0 && r->x[RF_KW_REASON] == 0 &&
	    r->x[RF_KW_MATH] == 0 && r->x[RF_KW_CODE] == 0 && r->x[RF_CODE_FENCE] == 0 && r->x[RF_TRACE] == 0 &&
	    r->x[RF_MATH_OPS] == 0)
		t = 1;
	return t;
}

/* The i-th of SWEEP_STEPS + 1 thresholds on the sorted scores v[0..n): none below, ..., all below. */
static double
sweep_threshold(const double *v, size_t n, int i)
{
	return i == SWEEP_STEPS ? v[n - 1] + 1 : v[(size_t)i * (n - 1) / SWEEP_STEPS];
}

/*
 * Three tiers on the rows of set s that have a cheap score (Arena-300):
 * cheap Mistral-7B, mid Mixtral-8x7B, frontier GPT-4-1106, each prompt's
 * quality the judge's score of its tier's answer and its cost the prompt's
 * tokens plus its real answer's at the catalog prices ($0.25/$0.25,
 * $0.70/$0.70, $10/$30 per million). Sweep both thresholds over a (SWEEP_STEPS + 1)^2 grid of score
 * quantiles (routing.md section 4) and give the largest share of
 * always-frontier cost saved at 95% and at 90% of its quality.
 */
static void
sweep3(const struct data *d, int s, const double *p1, const double *p2, double saved[2])
{
	static const double pin[3] = { 0.25, 0.70, 10 }, pout[3] = { 0.25, 0.70, 30 };
	double *v1 = xcalloc(d->n, sizeof(double)), *v2 = xcalloc(d->n, sizeof(double)), qf = 0, cf = 0;
	size_t r, n = 0;
	int i, j, k;

	saved[0] = saved[1] = 0;
	for (r = 0; r < d->n; r++) {
		if (d->rows[r].set != s || d->rows[r].cheap < 0)
			continue;
		v1[n] = p1[r];
		v2[n] = p2[r];
		qf += d->rows[r].strong;
		cf += d->rows[r].in_chars / 4 * pin[2] + d->rows[r].strong_out / 4 * pout[2];
		n++;
	}
	if (n > 0) {
		qsort(v1, n, sizeof(double), cmp_double);
		qsort(v2, n, sizeof(double), cmp_double);
	}
	for (i = 0; i <= SWEEP_STEPS && n > 0; i++) {
		for (j = 0; j <= SWEEP_STEPS; j++) {
			double t1 = sweep_threshold(v1, n, i), t2 = sweep_threshold(v2, n, j), q = 0, c = 0;

			for (r = 0; r < d->n; r++) {
				const struct row *row = &d->rows[r];
				int t;

				if (row->set != s || row->cheap < 0)
					continue;
				t = tier3(row, p1[r], p2[r], t1, t2);
				q += t == 0 ? row->cheap : t == 1 ? row->weak : row->strong;
				double out = t == 0 ? row->cheap_out : t == 1 ? row->weak_out : row->strong_out;

				c += row->in_chars / 4 * pin[t] + out / 4 * pout[t];
			}
			for (k = 0; k < 2; k++)
				if (q >= (k == 0 ? 0.95 : 0.90) * qf && 1 - c / cf > saved[k])
					saved[k] = 1 - c / cf;
		}
	}
	free(v1);
	free(v2);
}

/* The three-tier sweep of set s for the transfer model rm, length only and random scores; printed. */
static void
eval_3tier(const struct data *d, int s, const struct router_model *rm)
{
	double *p1 = xcalloc(d->n, sizeof(double)), *p2 = xcalloc(d->n, sizeof(double)), sv[2], rs[2] = { 0 };
	uint64_t st;
	size_t r;
	int seed;

	for (r = 0; r < d->n; r++) {
		double l1, l2;

		router_logits(rm, d->rows[r].x, &l1, &l2);
		p1[r] = l1;
		p2[r] = l2;
	}
	sweep3(d, s, p1, p2, sv);
	printf("  %-8s llm (transfer)      %5.1f%%  %5.1f%%\n", set_names[s], sv[0] * 100, sv[1] * 100);
	for (r = 0; r < d->n; r++)
		p1[r] = p2[r] = d->rows[r].x[RF_LENGTH];
	sweep3(d, s, p1, p2, sv);
	printf("  %-8s length only         %5.1f%%  %5.1f%%\n", "", sv[0] * 100, sv[1] * 100);
	for (seed = 1; seed <= EVAL_SEEDS; seed++) {
		st = 0x9E3779B97F4A7C15ull * (uint64_t)seed;
		for (r = 0; r < d->n; r++) {
			p1[r] = (double)(xorshift(&st) >> 11);
			p2[r] = (double)(xorshift(&st) >> 11);
		}
		sweep3(d, s, p1, p2, sv);
		rs[0] += sv[0] / EVAL_SEEDS;
		rs[1] += sv[1] / EVAL_SEEDS;
	}
	printf("  %-8s random (20 seeds)   %5.1f%%  %5.1f%%\n", "", rs[0] * 100, rs[1] * 100);
	free(p1);
	free(p2);
}

/*
 * The reference of routing.md section 5: a plain standardised L2 logistic
 * regression on "the weak model fails", fixed ridge (the middle of the grid),
 * no anchor, nothing chosen; fitted on the other sets.
 */
static struct metrics
eval_plain(const struct data *d, int s, double *sc)
{
	struct hparams hp = { 1, { { LAB_WEAK_FAIL, 0.1, 0, 0 } } };
	bool *use = xcalloc(d->n, sizeof(bool));
	struct router_model rm;
	size_t r;

	train_knobs();
	for (r = 0; r < d->n; r++)
		use[r] = d->rows[r].set != s;
	fit_model_with(d, use, &hp, &rm);
	score_model(d, &rm, s, NULL, sc);
	free(use);
	return evaluate(d, s, sc);
}

static struct metrics
eval_cv(const struct data *d, int s, double *sc)
{
	bool *use = xcalloc(d->n, sizeof(bool)), *test = xcalloc(d->n, sizeof(bool));
	struct router_model rm;
	size_t r, k;
	int fold;

	for (fold = 0; fold < EVAL_FOLDS; fold++) {
		for (k = 0, r = 0; r < d->n; r++) {
			use[r] = test[r] = false;
			if (d->rows[r].set != s)
				continue;
			test[r] = k % EVAL_FOLDS == (size_t)fold;
			use[r] = !test[r];
			k++;
		}
		fit_model(d, use, &rm);
		score_model(d, &rm, s, test, sc);
	}
	free(use);
	free(test);
	return evaluate(d, s, sc);
}

static uint64_t
xorshift(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static struct metrics
eval_random(const struct data *d, int s, double *sc)
{
	struct metrics sum = { 0 }, m;
	uint64_t st;
	size_t r;
	int seed;

	for (seed = 1; seed <= EVAL_SEEDS; seed++) {
		st = 0x9E3779B97F4A7C15ull * (uint64_t)seed;
		for (r = 0; r < d->n; r++)
			sc[r] = (double)(xorshift(&st) >> 11);
		m = evaluate(d, s, sc);
		sum.apgr += m.apgr / EVAL_SEEDS;
		sum.cpt50 += m.cpt50 / EVAL_SEEDS;
		sum.cpt80 += m.cpt80 / EVAL_SEEDS;
		sum.saved95 += m.saved95 / EVAL_SEEDS;
	}
	return sum;
}

static struct metrics
eval_length(const struct data *d, int s, double *sc)
{
	size_t r;

	/* The length the router sees: the prompt's characters (x is log1p of it). */
	for (r = 0; r < d->n; r++)
		sc[r] = d->rows[r].x[RF_LENGTH];
	return evaluate(d, s, sc);
}

static struct metrics
eval_oracle(const struct data *d, int s, double *sc)
{
	size_t r;

	for (r = 0; r < d->n; r++)
		sc[r] = d->rows[r].strong - d->rows[r].weak;
	return evaluate(d, s, sc);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Bootstrap over the prompts of set s (EVAL_BOOT resamples): the 95% interval
 * of the router's APGR (scores a) and of its difference from length only
 * (scores b), resampling the same prompts for both.
 */
static void
bootstrap(const struct data *d, int s, const double *a, const double *b, double ci[2], double diff[2])
{
	size_t k, *idx = set_rows(d, s, &k), *pick = xcalloc(k ? k : 1, sizeof(size_t)), i;
	double *va = xcalloc(EVAL_BOOT, sizeof(double)), *vd = xcalloc(EVAL_BOOT, sizeof(double));
	uint64_t st = 0x2545F4914F6CDD1Dull + (uint64_t)s;
	int j;

	for (j = 0; j < EVAL_BOOT; j++) {
		double x, y;

		for (i = 0; i < k; i++)
			pick[i] = idx[xorshift(&st) % k];
		x = evaluate_idx(d, pick, k, a).apgr;
		y = evaluate_idx(d, pick, k, b).apgr;
		va[j] = x;
		vd[j] = x - y;
	}
	qsort(va, EVAL_BOOT, sizeof(double), cmp_dbl);
	qsort(vd, EVAL_BOOT, sizeof(double), cmp_dbl);
	ci[0] = va[EVAL_BOOT * 25 / 1000];
	ci[1] = va[EVAL_BOOT * 975 / 1000];
	diff[0] = vd[EVAL_BOOT * 25 / 1000];
	diff[1] = vd[EVAL_BOOT * 975 / 1000];
	free(idx);
	free(pick);
	free(va);
	free(vd);
}

static void
print_row(const char *set, size_t n, const char *name, struct metrics m)
{
	char c50[16], c80[16];

	snprintf(c50, sizeof(c50), m.cpt50 < 0 ? "-" : "%.1f%%", m.cpt50 * 100);
	snprintf(c80, sizeof(c80), m.cpt80 < 0 ? "-" : "%.1f%%", m.cpt80 * 100);
	if (set != NULL)
		printf("%-8s %6zu  %-22s %6.3f %8s %8s %9.1f%%\n", set, n, name, m.apgr, c50, c80, m.saved95 * 100);
	else
		printf("%-8s %6s  %-22s %6.3f %8s %8s %9.1f%%\n", "", "", name, m.apgr, c50, c80, m.saved95 * 100);
}

/* Print the table: router_eval [DATA_DIR]; exit 0 with a message when the data is absent. */
int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("ROUTING_DATA");
	struct data d;
	double *sc, *tr, *len, ci[SET_COUNT][2], diff[SET_COUNT][2];
	struct hparams hp[SET_COUNT];
	struct router_model rms[SET_COUNT];
	size_t setn[SET_COUNT] = { 0 }, r;
	int s;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/reference/routing";
	if (data_load(dir, &d) != 0) {
		printf("router_eval: skipped: no routing data under %s (derived/routellm_2tier.tsv)\n", dir);
		return 0;
	}
	dev_load_all(getenv("ROUTER_DEV") != NULL ? getenv("ROUTER_DEV") : DEV_DEFAULT);
	others_load_all(getenv("ROUTER_OTHERS") != NULL ? getenv("ROUTER_OTHERS") : OTHERS_DEFAULT);
	for (r = 0; r < d.n; r++)
		setn[d.rows[r].set]++;
	sc = xcalloc(d.n, sizeof(double));
	tr = xcalloc(d.n, sizeof(double));
	len = xcalloc(d.n, sizeof(double));
	printf("router_eval: %zu prompts (%zu contaminated or unscored skipped); strong = GPT-4-1106, weak = Mixtral-8x7B\n",
	    d.n, d.skipped);
	printf("%-8s %6s  %-22s %6s %8s %8s %10s\n", "set", "n", "router", "APGR", "CPT50", "CPT80", "saved@95");
	for (s = 0; s < SET_COUNT; s++) {
		if (setn[s] == 0)
			continue;
		print_row(set_names[s], setn[s], "llm (transfer)", eval_transfer(&d, s, tr, &hp[s], &rms[s]));
		print_row(NULL, 0, "head 2 only (transfer)", eval_head2(&d, s, &rms[s], sc));
		print_row(NULL, 0, "llm (5-fold CV)", eval_cv(&d, s, sc));
		print_row(NULL, 0, "plain L2 LR (transfer)", eval_plain(&d, s, sc));
		print_row(NULL, 0, "length only", eval_length(&d, s, len));
		print_row(NULL, 0, "random (20 seeds)", eval_random(&d, s, sc));
		print_row(NULL, 0, "oracle", eval_oracle(&d, s, sc));
		bootstrap(&d, s, tr, len, ci[s], diff[s]);
	}
	printf("transfer: fitted on the other sets only; CPT: share of strong calls for that share of the gap;\n"
	    "saved@95: cost saved against always-strong at 95%% of its quality.\n"
	    "bootstrap (%d resamples of the prompts), 95%% intervals:\n", EVAL_BOOT);
	for (s = 0; s < SET_COUNT; s++)
		if (setn[s] > 0)
			printf("  %-8s transfer APGR [%.3f, %.3f]; transfer minus length only [%+.3f, %+.3f]\n",
			    set_names[s], ci[s][0], ci[s][1], diff[s][0], diff[s][1]);
	printf("head 1 of each transfer row: the mean of the %d best configurations by leave-one-set-out\n"
	    "among its training sets (label; ridge; anchor; inner APGR):\n", knob_avg);
	for (s = 0; s < SET_COUNT; s++) {
		int c;

		if (setn[s] == 0)
			continue;
		for (c = 0; c < hp[s].k; c++)
			printf("  %-8s %s; %g; %g; %.3f\n", c == 0 ? set_names[s] : "", label_names[hp[s].c[c].label],
			    hp[s].c[c].l2, hp[s].c[c].anchor, hp[s].c[c].inner);
	}
	if (setn[SET_ARENA] > 0) {
		printf("three tiers (cheap Mistral-7B, mid Mixtral, frontier GPT-4-1106), prompt and\n"
		    "real answer tokens priced, both thresholds swept ON THESE PROMPTS (a best case,\n"
		    "not a shipped setting); cost saved against always-frontier at 95%% and 90%% of\n"
		    "its quality:\n");
		eval_3tier(&d, SET_ARENA, &rms[SET_ARENA]);
	}
	free(tr);
	free(len);
	free(sc);
	free(d.rows);
	return 0;
}
