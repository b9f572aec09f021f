/* router_tiers: the router on three tiers, priced as the user pays, and on developer prompts. */
/*
 * Arena-300 (bench/data/arena300_3tier.tsv): cheap Mistral-7B, mid
 * Mixtral-8x7B, frontier GPT-4-1106, each prompt's quality the judge's score
 * of its tier's answer and its cost the prompt's tokens plus the tokens of
 * that tier's real answer (chars / 4), at the catalog prices of the pricing
 * reference (Mistral's own API: open-mistral-7b $0.25/$0.25, open-mixtral-8x7b
 * $0.70/$0.70; gpt-4-1106-preview $10/$30 per million).
 *
 * The router is scored as shipped, at the default quality, before any sweep:
 * router_decide_with() on each prompt, topic rules and all, with weights
 * fitted WITHOUT Arena-300 (transfer: the benchmark stage on GSM8K, MMLU and
 * MT-Bench, the developer stage on the developer prompts) and the tiers'
 * mean losses, which turn the quality into thresholds, measured in 5-fold
 * (each fold's from the other folds). The shipped weights, which saw these
 * prompts, are shown below it for reference only. Beside it: always-cheap,
 * always-mid, always-frontier, random routing with the same tier mix (20
 * seeds), length only with the same mix (shortest to cheap, longest to
 * frontier) and the oracle (the cheapest tier with the best score). Every
 * figure has a bootstrap 95% interval over the prompts (300 resamples).
 *
 * The developer prompts (bench/data/dev/prompts.txt) are routed in 5-fold,
 * each fold by a model whose developer stage was fitted on the other folds,
 * its ridge chosen in inner folds of those (the benchmark stage never sees
 * them); head 2's intercept also sees the others' prompts
 * (bench/data/dev/others.txt), which are routed set by set, each by a fit
 * that did not see it. Then the quality setting is swept
 * on both, and a cascade is measured on the real cheap and mid answers
 * (arena300/model_answer/ under the data directory).
 */
#define ROUTER_TRAIN_LIB
#include "router_train.c"

#include <cjson/cJSON.h>
#include <ctype.h>

#define T_SEEDS 20
#define T_BOOT 300

/* Dollars per million tokens, input and output, per tier. */
static const double t_price_in[3] = { 0.25, 0.70, 10 };
static const double t_price_out[3] = { 0.25, 0.70, 30 };

#define T_FOLDS 5

/* One Arena-300 prompt on three tiers. */
struct t3 {
	double q[3]; /* judge score per tier */
	double c[3]; /* dollars per tier */
	double len;  /* prompt characters */
	const char *text;
	size_t row;   /* its row in the data */
	char *ans[2]; /* the cheap and mid answers, for the cascade (NULL: not loaded) */
	double sim;   /* Jaccard of the two answers' words (casc_similarity) */
};

/* Per fold, the tiers' mean losses measured on the other folds' prompts. */
struct t3_losses {
	double l1[T_FOLDS], l2[T_FOLDS];
};

static uint64_t
t_rand(uint64_t *st)
{
	uint64_t x = *st;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *st = x;
}

static size_t
t3_load(const struct data *d, struct t3 **out)
{
	struct t3 *v = xcalloc(d->n ? d->n : 1, sizeof(*v));
	size_t n = 0, r;

	for (r = 0; r < d->n; r++) {
		const struct row *w = &d->rows[r];
		double in = w->in_chars / 4,
		       outs[3] = { w->cheap_out / 4, w->weak_out / 4, w->strong_out / 4 };
		int t;

		if (w->set != SET_ARENA || w->cheap < 0 || w->text == NULL)
			continue;
		v[n].q[0] = w->cheap;
		v[n].q[1] = w->weak;
		v[n].q[2] = w->strong;
		for (t = 0; t < 3; t++)
			v[n].c[t] = (in * t_price_in[t] + outs[t] * t_price_out[t]) / 1e6;
		v[n].len = w->in_chars;
		v[n].text = w->text;
		v[n].row = r;
		n++;
	}
	*out = v;
	return n;
}

/* Quality (share of always-frontier's) and cost saved against it, of tiers tier[] on prompts idx[0..k). */
static void
t3_score(const struct t3 *v, const size_t *idx, size_t k, const int *tier, double *qual, double *saved)
{
	double q = 0, qf = 0, c = 0, cf = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		const struct t3 *p = &v[idx[i]];

		q += p->q[tier[idx[i]]];
		qf += p->q[2];
		c += p->c[tier[idx[i]]];
		cf += p->c[2];
	}
	*qual = qf > 0 ? q / qf : 0;
	*saved = cf > 0 ? 1 - c / cf : 0;
}

static int
t_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Interval of one figure. */
struct t_ci {
	double v, lo, hi;
};

/*
 * Quality and saving of nt policies (tiers[j][i]) with bootstrap intervals,
 * the same resamples for every policy; the first nt_mean are averaged into
 * one figure (random's seeds), the rest printed each.
 */
static void
t3_boot(const struct t3 *v, size_t n, int **tiers, int np, struct t_ci *q, struct t_ci *s)
{
	size_t *all = xcalloc(n, sizeof(size_t)), *pick = xcalloc(n, sizeof(size_t)), i;
	double *bq = xcalloc((size_t)np * T_BOOT, sizeof(double)),
	       *bs = xcalloc((size_t)np * T_BOOT, sizeof(double));
	uint64_t st = 0x2545F4914F6CDD1Dull;
	int j, b;

	for (i = 0; i < n; i++)
		all[i] = i;
	for (j = 0; j < np; j++)
		t3_score(v, all, n, tiers[j], &q[j].v, &s[j].v);
	for (b = 0; b < T_BOOT; b++) {
		for (i = 0; i < n; i++)
			pick[i] = (size_t)(t_rand(&st) % n);
		for (j = 0; j < np; j++)
			t3_score(
			    v, pick, n, tiers[j], &bq[(size_t)j * T_BOOT + b], &bs[(size_t)j * T_BOOT + b]);
	}
	for (j = 0; j < np; j++) {
		double *a = bq + (size_t)j * T_BOOT, *c = bs + (size_t)j * T_BOOT;

		qsort(a, T_BOOT, sizeof(double), t_cmp);
		qsort(c, T_BOOT, sizeof(double), t_cmp);
		q[j].lo = a[T_BOOT * 25 / 1000];
		q[j].hi = a[T_BOOT * 975 / 1000];
		s[j].lo = c[T_BOOT * 25 / 1000];
		s[j].hi = c[T_BOOT * 975 / 1000];
	}
	free(all);
	free(pick);
	free(bq);
	free(bs);
}

static void
t3_mix(const int *tier, size_t n, double mix[3])
{
	size_t i;

	mix[0] = mix[1] = mix[2] = 0;
	for (i = 0; i < n; i++)
		mix[tier[i]] += 100.0 / (double)n;
}

static void
t3_print(const char *name, const int *tier, size_t n, struct t_ci q, struct t_ci s)
{
	double mix[3];

	t3_mix(tier, n, mix);
	printf("  %-28s %5.1f/%5.1f/%5.1f  %5.1f%% [%5.1f-%5.1f]  %5.1f%% [%5.1f-%5.1f]\n", name, mix[0],
	    mix[1], mix[2], q.v * 100, q.lo * 100, q.hi * 100, s.v * 100, s.lo * 100, s.hi * 100);
}

/* Tiers by rank of key[] with the mix of ref[]: the lowest keys to cheap, the highest to frontier. */
static void
t3_by_rank(const double *key, const int *ref, size_t n, int *out)
{
	size_t *ord = xcalloc(n, sizeof(size_t)), i, j, nc = 0, nm = 0;

	for (i = 0; i < n; i++) {
		ord[i] = i;
		nc += ref[i] == 0;
		nm += ref[i] == 1;
	}
	/* Insertion sort: a few hundred prompts. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && key[ord[j - 1]] > key[ord[j]]; j--) {
			size_t x = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = x;
		}
	for (i = 0; i < n; i++)
		out[ord[i]] = i < nc ? 0 : i < nc + nm ? 1 : 2;
	free(ord);
}

/* The losses of each fold's prompts, measured on the other folds (prompt i is in fold i % T_FOLDS). */
static void
t3_fold_losses(const struct data *d, const struct t3 *v, size_t n, struct t3_losses *fl)
{
	bool *use = xcalloc(d->n, sizeof(bool));
	size_t i;
	int f;

	for (f = 0; f < T_FOLDS; f++) {
		memset(use, 0, d->n * sizeof(bool));
		for (i = 0; i < n; i++)
			use[v[i].row] = (int)(i % T_FOLDS) != f;
		arena_losses(d, use, &fl->l1[f], &fl->l2[f]);
	}
	free(use);
}

/*
 * Route each prompt with model rm aiming at quality q (0: the model's own
 * thresholds); with fl, each fold's losses come from the other folds.
 * p1, p2 (may be NULL) get the heads.
 */
static void
t3_route(const struct router_model *rm, const struct t3 *v, size_t n, int *tier, double *p1, double *p2,
    double q, const struct t3_losses *fl)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct route_input in = { 0 };
		struct route_decision dec;
		struct router_model m = *rm;

		if (fl != NULL) {
			m.loss1 = fl->l1[i % T_FOLDS];
			m.loss2 = fl->l2[i % T_FOLDS];
		}
		in.prompt = v[i].text;
		in.len = strlen(v[i].text);
		in.prev_tier = TIER_AUTO;
		in.quality = q;
		router_decide_with(&m, &in, &dec);
		tier[i] = dec.tier;
		if (p1 != NULL)
			p1[i] = dec.p_cheap_fail;
		if (p2 != NULL)
			p2[i] = dec.p_mid_fail;
	}
}

/* The policies of the Arena-300 table, router's tiers in tier[]. */
static void
t3_table(const char *title, const struct t3 *v, size_t n, const int *router)
{
	enum { P_ROUTER, P_CHEAP, P_MID, P_FRONT, P_LEN, P_ORACLE, P_RAND, P_COUNT = P_RAND + T_SEEDS };
	int *tiers[P_COUNT];
	struct t_ci q[P_COUNT], s[P_COUNT], rq = { 0, 0, 0 }, rs = { 0, 0, 0 };
	double *len = xcalloc(n, sizeof(double));
	uint64_t st;
	size_t i;
	int j;

	for (j = 0; j < P_COUNT; j++)
		tiers[j] = xcalloc(n, sizeof(int));
	for (i = 0; i < n; i++) {
		double best = fmax(v[i].q[0], fmax(v[i].q[1], v[i].q[2]));

		tiers[P_ROUTER][i] = router[i];
		tiers[P_CHEAP][i] = 0;
		tiers[P_MID][i] = 1;
		tiers[P_FRONT][i] = 2;
		tiers[P_ORACLE][i] = v[i].q[0] >= best ? 0 : v[i].q[1] >= best ? 1 : 2;
		len[i] = v[i].len;
	}
	t3_by_rank(len, router, n, tiers[P_LEN]);
	for (j = 0; j < T_SEEDS; j++) {
		double *key = xcalloc(n, sizeof(double));

		st = 0x9E3779B97F4A7C15ull * (uint64_t)(j + 1);
		for (i = 0; i < n; i++)
			key[i] = (double)(t_rand(&st) >> 11);
		t3_by_rank(key, router, n, tiers[P_RAND + j]);
		free(key);
	}
	t3_boot(v, n, tiers, P_COUNT, q, s);
	for (j = P_RAND; j < P_COUNT; j++) {
		rq.v += q[j].v / T_SEEDS;
		rq.lo += q[j].lo / T_SEEDS;
		rq.hi += q[j].hi / T_SEEDS;
		rs.v += s[j].v / T_SEEDS;
		rs.lo += s[j].lo / T_SEEDS;
		rs.hi += s[j].hi / T_SEEDS;
	}
	if (*title != '\0')
		printf("%s\n", title);
	printf(
	    "  %-28s %17s  %-22s %s\n", "policy", "cheap/mid/front %", "quality (of frontier)", "cost saved");
	t3_print("llm", tiers[P_ROUTER], n, q[P_ROUTER], s[P_ROUTER]);
	t3_print("always-frontier", tiers[P_FRONT], n, q[P_FRONT], s[P_FRONT]);
	t3_print("always-mid", tiers[P_MID], n, q[P_MID], s[P_MID]);
	t3_print("always-cheap", tiers[P_CHEAP], n, q[P_CHEAP], s[P_CHEAP]);
	t3_print("random, same mix (20 seeds)", tiers[P_RAND], n, rq, rs);
	t3_print("length only, same mix", tiers[P_LEN], n, q[P_LEN], s[P_LEN]);
	t3_print("oracle", tiers[P_ORACLE], n, q[P_ORACLE], s[P_ORACLE]);
	for (j = 0; j < P_COUNT; j++)
		free(tiers[j]);
	free(len);
}

/* How many prompts the router sends to cheap where frontier scores at least 5 points above cheap. */
static size_t
t3_bad_cheap(const struct t3 *v, size_t n, const int *tier, size_t *ncheap)
{
	size_t i, bad = 0;

	*ncheap = 0;
	for (i = 0; i < n; i++) {
		if (tier[i] != 0)
			continue;
		(*ncheap)++;
		bad += v[i].q[2] - v[i].q[0] >= 5;
	}
	return bad;
}

/* The transfer model and fold losses of the Arena-300 table, for the quality sweep. */
static struct router_model t3_rm;
static struct t3_losses t3_fl;

/* Load Arena-300's three tiers and print the table for the transfer model and the shipped one. */
static void
t3_eval(struct data *d)
{
	struct t3 *v;
	size_t n = t3_load(d, &v), r, bad, nc;
	struct router_model rm;
	bool *use = xcalloc(d->n, sizeof(bool));
	int *tier = xcalloc(n ? n : 1, sizeof(int));
	struct t3_losses fl[1];

	if (n == 0) {
		printf("router_tiers: no Arena-300 rows with answer lengths; three-tier table skipped\n");
		free(v);
		free(use);
		free(tier);
		return;
	}
	for (r = 0; r < d->n; r++)
		use[r] = d->rows[r].set != SET_ARENA;
	fit_model(d, use, &rm);
	t3_fold_losses(d, v, n, fl);
	t3_route(&rm, v, n, tier, NULL, NULL, ROUTER_QUALITY_DEFAULT, fl);
	printf(
	    "Arena-300, %zu prompts, three tiers priced with real answer lengths (tokens = chars / 4)\n", n);
	printf("at the shipped default, quality = %g: weights fitted without Arena-300 (transfer), the\n"
	       "tiers' losses in %d-fold; 95%% bootstrap intervals:\n",
	    ROUTER_QUALITY_DEFAULT, T_FOLDS);
	t3_table("", v, n, tier);
	bad = t3_bad_cheap(v, n, tier, &nc);
	printf("  to cheap: %zu prompts, %zu of them with frontier at least 5 points above cheap\n", nc, bad);
	t3_route(&router_default_model, v, n, tier, NULL, NULL, ROUTER_QUALITY_DEFAULT, NULL);
	t3_table("for reference, the shipped weights (fitted on these prompts too):", v, n, tier);
	t3_rm = rm;
	t3_fl = *fl;
	free(v);
	free(use);
	free(tier);
}

/* AUC of score s separating positives pos[i] from the rest, over rows with sel[i]. */
static double
dev_auc(const double *s, const bool *pos, const bool *sel, size_t n)
{
	double num = 0, den = 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!sel[i] || !pos[i])
			continue;
		for (j = 0; j < n; j++) {
			if (!sel[j] || pos[j])
				continue;
			num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
			den += 1;
		}
	}
	return den > 0 ? num / den : 0;
}

static const char *const t_names[3] = { "cheap", "mid", "frontier" };

/* Print agreement, the confusion matrix, AUCs and every prompt two tiers away. */
static void
dev_report(const char *what, const struct dev *v, size_t n, const int *tier, const double *p1,
    const double *p2, const char *how)
{
	size_t conf[3][3] = { { 0 } }, i, agree = 0;
	bool *pos = xcalloc(n, sizeof(bool)), *sel = xcalloc(n, sizeof(bool));
	int a, b;

	for (i = 0; i < n; i++) {
		conf[v[i].tier][tier[i]]++;
		agree += v[i].tier == tier[i];
	}
	printf("%s, %zu, %s:\n  agreement %zu/%zu = %.1f%%\n", what, n, how, agree, n,
	    100.0 * (double)agree / (double)n);
	printf("  %-14s %7s %7s %9s\n", "label \\ routed", "cheap", "mid", "frontier");
	for (a = 0; a < 3; a++) {
		printf("  %-14s", t_names[a]);
		for (b = 0; b < 3; b++)
			printf(" %7zu", conf[a][b]);
		printf("\n");
	}
	for (i = 0; i < n; i++) {
		pos[i] = v[i].tier >= 1;
		sel[i] = true;
	}
	printf("  AUC cheap vs the rest (head 1) %.3f", dev_auc(p1, pos, sel, n));
	for (i = 0; i < n; i++) {
		pos[i] = v[i].tier == 2;
		sel[i] = v[i].tier >= 1;
	}
	printf("; mid vs frontier (head 2) %.3f\n", dev_auc(p2, pos, sel, n));
	if (getenv("ROUTER_VERBOSE") != NULL)
		for (i = 0; i < n; i++)
			if (v[i].tier != tier[i])
				printf("    (%s %s -> %s, p1 %.2f p2 %.2f: %s)\n", v[i].id,
				    t_names[v[i].tier], t_names[tier[i]], p1[i], p2[i], v[i].why);
	printf("  sent two tiers away from the label:\n");
	for (i = 0; i < n; i++)
		if (abs(v[i].tier - tier[i]) == 2)
			printf(
			    "    %s %s -> %s: %s\n", v[i].id, t_names[v[i].tier], t_names[tier[i]], v[i].why);
	free(pos);
	free(sel);
}

#define DEV_FOLDS 5

/* Per fold of the developer prompts (prompt i in fold i % DEV_FOLDS), the model fitted without it. */
static struct router_model dev_models[DEV_FOLDS];
/* The ridge of each fold's developer stage, chosen in inner folds of its training prompts. */
static double dev_fold_l2[DEV_FOLDS];

/* The benchmark stage fitted on every benchmark set, with the tiers' losses from Arena-300. */
static struct router_model dev_base;
static bool dev_base_done;

static void
dev_fit_base(struct data *d)
{
	size_t n = dev_n, r;
	bool *all;

	if (dev_base_done)
		return;
	all = xcalloc(d->n, sizeof(bool));
	for (r = 0; r < d->n; r++)
		all[r] = true;
	dev_n = 0;
	fit_model(d, all, &dev_base);
	arena_losses(d, all, &dev_base.loss1, &dev_base.loss2);
	dev_n = n;
	dev_base_done = true;
	free(all);
}

/*
 * Fit the fold models: the benchmark stage once on every benchmark set (no
 * developer prompt in it) with the tiers' losses from Arena-300, then each
 * fold's developer stage on the other folds.
 */
static void
dev_fit_folds(struct data *d)
{
	size_t n = dev_n, i;
	bool *use = xcalloc(n ? n : 1, sizeof(bool));
	const bool *keep = dev_use;
	int f;

	dev_fit_base(d);
	dev_use = use;
	for (f = 0; f < DEV_FOLDS; f++) {
		dev_models[f] = dev_base;
		for (i = 0; i < n; i++)
			use[i] = (int)(i % DEV_FOLDS) != f;
		dev_fit(&dev_models[f]);
		dev_fold_l2[f] = dev_l2_used;
	}
	dev_use = keep;
	free(use);
}

/* Route the developer prompts aiming at quality q, each by the model of its fold (or model, if set). */
static void
dev_route(const struct router_model *model, double q, int *tier, double *p1, double *p2)
{
	size_t i;

	for (i = 0; i < dev_n; i++) {
		struct route_input in = { 0 };
		struct route_decision dec;

		in.prompt = dev_rows[i].text;
		in.len = strlen(dev_rows[i].text);
		in.prev_tier = TIER_AUTO;
		in.quality = q;
		router_decide_with(model != NULL ? model : &dev_models[i % DEV_FOLDS], &in, &dec);
		tier[i] = dec.tier;
		p1[i] = dec.p_cheap_fail;
		p2[i] = dec.p_mid_fail;
	}
}

/* Route the developer prompts in DEV_FOLDS folds at the default quality, and with the shipped weights. */
static void
dev_eval(struct data *d)
{
	size_t n = dev_n;
	int *tier;
	double *p1, *p2;

	if (n == 0) {
		printf("router_tiers: no developer prompts\n");
		return;
	}
	tier = xcalloc(n, sizeof(int));
	p1 = xcalloc(n, sizeof(double));
	p2 = xcalloc(n, sizeof(double));
	dev_fit_folds(d);
	dev_route(NULL, ROUTER_QUALITY_DEFAULT, tier, p1, p2);
	dev_report("developer prompts", dev_rows, n, tier, p1, p2,
	    "5-fold (each fold routed by a fit without it), default quality");
	printf("  ridge of the developer stage, chosen in %d inner folds of each fit's own prompts:",
	    DEV_INNER_FOLDS);
	for (int f = 0; f < DEV_FOLDS; f++)
		printf(" %g", dev_fold_l2[f]);
	printf("\n");
	dev_route(&router_default_model, ROUTER_QUALITY_DEFAULT, tier, p1, p2);
	dev_report("developer prompts", dev_rows, n, tier, p1, p2,
	    "for reference, the shipped weights (fitted on these prompts too)");
	free(tier);
	free(p1);
	free(p2);
}

/* The set of one of the others' prompts: its ID up to the '-'. */
static size_t
others_set_len(const struct dev *v)
{
	return strcspn(v->id, "-");
}

/* Route with m, at the default quality, the others' prompts not in use now. */
static void
others_route(const struct router_model *m, int *tier, double *p1, double *p2)
{
	size_t j;

	for (j = 0; j < others_n; j++) {
		struct route_input in = { 0 };
		struct route_decision dec;

		if (others_use[j])
			continue;
		in.prompt = others_rows[j].text;
		in.len = strlen(others_rows[j].text);
		in.prev_tier = TIER_AUTO;
		router_decide_with(m, &in, &dec);
		tier[j] = dec.tier;
		p1[j] = dec.p_cheap_fail;
		p2[j] = dec.p_mid_fail;
	}
}

/*
 * Route the others' prompts at the default quality, each set (the ID up to
 * its '-') by a fit whose head 2 intercept did not see it, the developer
 * prompts all in use; then with no others' prompts at all, that intercept
 * from the developer prompts alone.
 */
static void
others_eval(struct data *d)
{
	size_t n = others_n, i, j, sets = 0;
	int *tier, *alone;
	double *p1, *p2;
	bool *use;
	const bool *keep = others_use;
	struct router_model m;

	if (n == 0 || dev_n == 0)
		return;
	tier = xcalloc(n, sizeof(int));
	alone = xcalloc(n, sizeof(int));
	p1 = xcalloc(n, sizeof(double));
	p2 = xcalloc(n, sizeof(double));
	use = xcalloc(n, sizeof(bool));
	dev_fit_base(d);
	others_use = use;
	for (i = 0; i < n; i++) {
		size_t len = others_set_len(&others_rows[i]);

		if (i > 0 && others_set_len(&others_rows[i - 1]) == len &&
		    strncmp(others_rows[i - 1].id, others_rows[i].id, len) == 0)
			continue;
		sets++;
		for (j = 0; j < n; j++)
			use[j] = others_set_len(&others_rows[j]) != len ||
			    strncmp(others_rows[j].id, others_rows[i].id, len) != 0;
		m = dev_base;
		dev_fit(&m);
		others_route(&m, tier, p1, p2);
	}
	{
		char *how = xstrfmt("%zu sets held out of the developer set, each routed by a fit whose\n"
		    "mid-versus-frontier intercept did not see it, default quality", sets);

		dev_report("others' prompts", others_rows, n, tier, p1, p2, how);
		free(how);
	}
	for (j = 0; j < n; j++)
		use[j] = false;
	m = dev_base;
	dev_fit(&m);
	others_route(&m, alone, p1, p2);
	dev_report("others' prompts", others_rows, n, alone, p1, p2,
	    "for comparison, that intercept from the developer prompts alone");
	others_use = keep;
	free(use);
	free(tier);
	free(alone);
	free(p1);
	free(p2);
}

/*
 * What [llm] quality trades: for each share aimed at, Arena-300 (transfer
 * weights, losses in folds) quality and cost saved, and the developer
 * prompts' agreement in folds, with the prompts sent to cheap although
 * labelled frontier.
 */
static void
quality_sweep(struct data *d)
{
	static const double qs[] = { 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98 };
	struct t3 *v;
	size_t n = t3_load(d, &v), i, k;
	int *tier = xcalloc(n ? n : 1, sizeof(int)), *dt = xcalloc(dev_n ? dev_n : 1, sizeof(int));
	double *p1 = xcalloc(dev_n ? dev_n : 1, sizeof(double)),
	       *p2 = xcalloc(dev_n ? dev_n : 1, sizeof(double));

	printf("[llm] quality: what each share aimed at gives (Arena-300 transfer, losses and developer\n"
	       "stage in folds; quality and cost saved against always-frontier):\n");
	printf("  %-7s %17s %9s %8s   %-26s\n", "quality", "arena c/m/f %", "quality", "saved",
	    "developer agreement, f->cheap");
	for (k = 0; k < ARRAY_SIZE(qs); k++) {
		struct t_ci q[1], s[1];
		int *pol[1] = { tier };
		double mix[3];
		size_t agree = 0, f2c = 0;

		t3_route(&t3_rm, v, n, tier, NULL, NULL, qs[k], &t3_fl);
		t3_boot(v, n, pol, 1, q, s);
		t3_mix(tier, n, mix);
		dev_route(NULL, qs[k], dt, p1, p2);
		for (i = 0; i < dev_n; i++) {
			agree += dt[i] == dev_rows[i].tier;
			f2c += dev_rows[i].tier == 2 && dt[i] == 0;
		}
		printf("  %-7.2f %5.1f/%5.1f/%5.1f %8.1f%% %7.1f%%   %5.1f%%, %zu\n", qs[k], mix[0], mix[1],
		    mix[2], q[0].v * 100, s[0].v * 100, dev_n ? 100.0 * (double)agree / (double)dev_n : 0,
		    f2c);
	}
	free(v);
	free(tier);
	free(dt);
	free(p1);
	free(p2);
}

/* The answer texts of model_answer/<model>.jsonl under dir, into v[i].ans[slot] by question id. */
static size_t
casc_load(const char *dir, const char *model, struct t3 *v, size_t n, const struct data *d, int slot)
{
	char *path = xstrfmt("%s/arena300/model_answer/%s.jsonl", dir, model), *line = NULL;
	size_t cap = 0, got = 0, i;
	FILE *fp = fopen(path, "r");

	free(path);
	if (fp == NULL)
		return 0;
	while (getline(&line, &cap, fp) > 0) {
		cJSON *j = cJSON_Parse(line), *id, *t;

		if (j == NULL)
			continue;
		id = cJSON_GetObjectItemCaseSensitive(j, "question_id");
		t = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(
		        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0), "turns"),
		    0);
		if (cJSON_IsObject(t))
			t = cJSON_GetObjectItemCaseSensitive(t, "content");
		for (i = 0; cJSON_IsString(id) && cJSON_IsString(t) && i < n; i++)
			if (strcmp(d->rows[v[i].row].qid, id->valuestring) == 0 && v[i].ans[slot] == NULL) {
				v[i].ans[slot] = xstrdup(t->valuestring);
				got++;
			}
		cJSON_Delete(j);
	}
	free(line);
	fclose(fp);
	return got;
}

/* Share of an answer's non-empty lines that repeat an earlier one (at most 256 lines looked at). */
static double
casc_repeats(const char *a)
{
	const char *ln[256];
	size_t len[256], n = 0, rep = 0, i;

	while (*a && n < 256) {
		const char *e = strchr(a, '\n');
		size_t l = e ? (size_t)(e - a) : strlen(a);

		if (l > 0) {
			for (i = 0; i < n; i++)
				if (len[i] == l && memcmp(ln[i], a, l) == 0)
					break;
			rep += i < n;
			ln[n] = a;
			len[n++] = l;
		}
		a += l + (e != NULL);
	}
	return n ? (double)rep / (double)n : 0;
}

/* Whether an answer ends inside a code block: an odd number of ``` fences. */
static bool
casc_open_fence(const char *a)
{
	size_t n = 0;

	for (; (a = strstr(a, "```")) != NULL; a += 3)
		n++;
	return n % 2 == 1;
}

/*
 * Whether an answer stops mid-sentence or inside a code block. The answers
 * carry no stop reason; in this data every one that ends inside a code block
 * stops mid-line, so this stands in for a cut-off answer.
 */
static bool
casc_cut(const char *a)
{
	size_t n = strlen(a);

	while (n > 0 && isspace((unsigned char)a[n - 1]))
		n--;
	if (casc_open_fence(a))
		return true;
	/* the last visible character ends no sentence, list item or block (nor a CJK sentence) */
	return n > 0 && strchr(".!?:)`*\"]}>|'", a[n - 1]) == NULL && (unsigned char)a[n - 1] < 0x80;
}

/*
 * The questions a prompt asks: each ASCII '?' outside ``` fences that is
 * followed by the end, white space or one of )]"'*! (so "??" counts once
 * and a URL's query does not count), and each fullwidth U+FF1F.
 */
static size_t
casc_questions(const char *p)
{
	size_t k = 0;
	bool code = false;

	for (; *p; p++) {
		if (strncmp(p, "```", 3) == 0) {
			code = !code;
			p += 2;
		} else if (!code && *p == '?' &&
		    (p[1] == '\0' || isspace((unsigned char)p[1]) || strchr(")]\"'*!", p[1]) != NULL))
			k++;
		else if (!code && strncmp(p, "\xEF\xBC\x9F", 3) == 0)
			k++;
	}
	return k;
}

/*
 * The parts of an answer: its non-empty lines outside ``` blocks (an
 * opening fence line counts as outside, so a block can be a part) that come
 * first, follow an empty line, or are a heading (#) or a list item (-, *,
 * + or digits and . or ), then a space), leading white space ignored.
 */
static size_t
casc_parts(const char *a)
{
	size_t k = 0;
	bool code = false, after_empty = true;

	while (*a) {
		const char *e = strchr(a, '\n'), *s = a;
		size_t l = e ? (size_t)(e - a) : strlen(a);

		while (s < a + l && isspace((unsigned char)*s))
			s++;
		if (s == a + l) {
			after_empty = true;
		} else {
			bool fence = strncmp(s, "```", 3) == 0, item = *s == '#';

			if ((*s == '-' || *s == '*' || *s == '+') && s + 1 < a + l && s[1] == ' ')
				item = true;
			for (; s < a + l && isdigit((unsigned char)*s); s++)
				item = item || (s + 2 < a + l && (s[1] == '.' || s[1] == ')') && s[2] == ' ');
			k += !code && (after_empty || item || fence);
			code = code != fence;
			after_empty = false;
		}
		a += l + (e != NULL);
	}
	return k;
}

/*
 * Whether a code block's text b..end fails to balance, read one way: (),
 * [] and {} must nest and balance outside "..." and `...` strings (and
 * '...' ones with squote; a backslash escapes, a string ends at the end of
 * its line) and, with comments, outside what follows // or a # followed by
 * a space, a tab or the end of the line, to the end of that line. Nesting
 * deeper than 64 fails.
 */
static bool
casc_unbalanced(const char *b, const char *end, bool comments, bool squote)
{
	char want[64], q = 0;
	size_t depth = 0;
	const char *o = "([{", *c = ")]}";

	for (; b < end; b++) {
		if (q != 0) {
			if (*b == '\\' && b + 1 < end && b[1] != '\n')
				b++;
			else if (*b == q || *b == '\n')
				q = 0;
		} else if (*b == '"' || *b == '`' || (squote && *b == '\'')) {
			q = *b;
		} else if (comments &&
		    ((*b == '/' && b + 1 < end && b[1] == '/') ||
		        (*b == '#' && (b + 1 == end || strchr(" \t\n", b[1]) != NULL)))) {
			while (b + 1 < end && b[1] != '\n')
				b++;
		} else if (*b != '\0' && strchr(o, *b) != NULL) {
			if (depth == sizeof(want))
				return true;
			want[depth++] = c[strchr(o, *b) - o];
		} else if (*b != '\0' && strchr(c, *b) != NULL) {
			if (depth == 0 || want[--depth] != *b)
				return true;
		}
	}
	return depth != 0;
}

/*
 * Whether an answer has a code block that does not parse, roughly: a closed
 * ``` block (its first line, the language tag, skipped) that fails to
 * balance (casc_unbalanced) however // and # (comments or Python's floor
 * division and CSS's ids) and ' (quotes or Coq's and Rust's primes) are
 * read. A block left open at the end is the cut-off signals' business.
 */
static bool
casc_bad_code(const char *a)
{
	const char *open, *close;

	while ((open = strstr(a, "```")) != NULL && (close = strstr(open + 3, "```")) != NULL) {
		const char *body = strchr(open + 3, '\n');
		int r;

		for (r = 0; body != NULL && body < close && r < 4; r++)
			if (!casc_unbalanced(body + 1, close, r & 1, r & 2))
				break;
		if (r == 4)
			return true;
		a = close + 3;
	}
	return false;
}

static int
casc_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The distinct words of an answer as sorted hashes (FNV-1a) into *out, their
 * count returned: runs of ASCII letters and digits and of non-ASCII bytes
 * (so other scripts make words too), ASCII lower-cased.
 */
static size_t
casc_words(const char *a, uint64_t **out)
{
	size_t cap = strlen(a) / 2 + 1, n = 0, i, u = 0;
	uint64_t *w = xcalloc(cap, sizeof(uint64_t));

	while (*a) {
		uint64_t h = 0xcbf29ce484222325ull;

		if (!isalnum((unsigned char)*a) && (unsigned char)*a < 0x80) {
			a++;
			continue;
		}
		for (; isalnum((unsigned char)*a) || (unsigned char)*a >= 0x80; a++)
			h = (h ^ (unsigned char)tolower((unsigned char)*a)) * 0x100000001b3ull;
		w[n++] = h;
	}
	qsort(w, n, sizeof(uint64_t), casc_cmp_u64);
	for (i = 0; i < n; i++)
		if (u == 0 || w[u - 1] != w[i])
			w[u++] = w[i];
	*out = w;
	return u;
}

/* Jaccard of two answers' distinct words (casc_words); 1 when both have none. */
static double
casc_similarity(const char *a, const char *b)
{
	uint64_t *x, *y;
	size_t nx = casc_words(a, &x), ny = casc_words(b, &y), i = 0, j = 0, both = 0;

	while (i < nx && j < ny) {
		if (x[i] == y[j]) {
			both++;
			i++;
			j++;
		} else if (x[i] < y[j]) {
			i++;
		} else {
			j++;
		}
	}
	free(x);
	free(y);
	return nx + ny > 0 ? (double)both / (double)(nx + ny - both) : 1;
}

/*
 * The cut-off of the disagreement signal, fixed before looking at any
 * outcome (not fitted on Arena-300): two answers to one prompt that share
 * fewer than a quarter of their distinct words disagree.
 */
#define CASC_DISAGREE 0.25

enum {
	SIG_REFUSAL,
	SIG_SHORT,
	SIG_REPEATS,
	SIG_OPEN_FENCE,
	SIG_CUT,
	SIG_PARTS,
	SIG_BAD_CODE,
	SIG_DISAGREE,
	SIG_COUNT
};

static const char *const sig_names[SIG_COUNT] = {
	"refusal or hedge (shipped)",
	"answer shorter than the prompt",
	"a fifth of its lines repeated",
	"ends inside a code block",
	"cut off mid-sentence or in code",
	"parts of a question left out",
	"a code block that does not parse",
	"cheap and mid answers disagree",
};

/*
 * Whether signal s flags prompt p's answer of tier t (cheap or mid): for
 * SIG_PARTS, the prompt asks k >= 2 questions (casc_questions) and the
 * answer has fewer than k parts (casc_parts); for SIG_DISAGREE, the cheap
 * and mid answers share less than CASC_DISAGREE of their words, whichever
 * tier answered.
 */
static bool
casc_flag(int s, const struct t3 *p, int t)
{
	const char *a = p->ans[t];
	size_t k;

	switch (s) {
	case SIG_REFUSAL:
		return router_is_refusal(a, strlen(a));
	case SIG_SHORT:
		return strlen(a) < strlen(p->text);
	case SIG_OPEN_FENCE:
		return casc_open_fence(a);
	case SIG_CUT:
		return casc_cut(a);
	case SIG_PARTS:
		k = casc_questions(p->text);
		return k >= 2 && casc_parts(a) < k;
	case SIG_BAD_CODE:
		return casc_bad_code(a);
	case SIG_DISAGREE:
		return p->sim < CASC_DISAGREE;
	default:
		return casc_repeats(a) >= 0.2;
	}
}

/*
 * What the routed tier t's attempt costs before any escalation: its own
 * answer and, for SIG_DISAGREE, which needs the cheap and the mid answer,
 * the other one's too.
 */
static double
casc_first_cost(int s, const struct t3 *p, int t)
{
	return p->c[t] + (s == SIG_DISAGREE && t < 2 ? p->c[1 - t] : 0);
}

/*
 * The cut-off cascade at other shares of quality aimed at: does it buy
 * quality more cheaply than a higher share does? (tier[] is scratch.)
 */
static void
casc_by_quality(const struct t3 *v, size_t n, int *tier)
{
	static const double qs[] = { 0.85, 0.9, 0.93, 0.94, 0.95, 0.96, 0.98 };
	size_t i, k;

	printf("  the cut-off cascade by [llm] quality (quality, saved; without it, then with it):\n");
	for (k = 0; k < ARRAY_SIZE(qs); k++) {
		double q0 = 0, c0 = 0, q1 = 0, c1 = 0, qf = 0, cf = 0;

		t3_route(&t3_rm, v, n, tier, NULL, NULL, qs[k], &t3_fl);
		for (i = 0; i < n; i++) {
			int t = tier[i];
			bool up = t < 2 && casc_flag(SIG_CUT, &v[i], t);

			qf += v[i].q[2];
			cf += v[i].c[2];
			q0 += v[i].q[t];
			c0 += v[i].c[t];
			q1 += up ? v[i].q[2] : v[i].q[t];
			c1 += v[i].c[t] + (up ? v[i].c[2] : 0);
		}
		printf("    %.2f   %5.1f%%, %5.1f%%   %5.1f%%, %5.1f%%\n", qs[k], 100 * q0 / qf,
		    100 * (1 - c0 / cf), 100 * q1 / qf, 100 * (1 - c1 / cf));
	}
}

/*
 * The cascade on Arena-300: the router's tier answers first; if that is
 * cheap or mid and the signal flags its answer, the frontier answers too
 * and its answer is used, the first attempt's cost charged as well. Per
 * signal: how often it flags each tier's answer, the share of flagged
 * answers that are clearly worse (CLEARLY_WORSE points below the
 * frontier's) against the base rate, and the cascade's quality and cost
 * (casc_first_cost: a signal that needs both cheap and mid answers pays for
 * both on every prompt routed to either).
 */
static void
casc_eval(struct data *d, const char *dir)
{
	struct t3 *v;
	size_t n = t3_load(d, &v), i, got;
	int *tier = xcalloc(n ? n : 1, sizeof(int)), s, t;

	got = casc_load(dir, "Mistral-7B-Instruct-v0.1", v, n, d, 0) +
	    casc_load(dir, "Mixtral-8x7B-Instruct-v0.1", v, n, d, 1);
	if (got < 2 * n) {
		printf("router_tiers: cascade skipped: %zu of %zu answers under %s/arena300/model_answer\n",
		    got, 2 * n, dir);
		goto out;
	}
	for (i = 0; i < n; i++)
		v[i].sim = casc_similarity(v[i].ans[0], v[i].ans[1]);
	t3_route(&t3_rm, v, n, tier, NULL, NULL, ROUTER_QUALITY_DEFAULT, &t3_fl);
	printf(
	    "cascade on Arena-300: the routed tier answers, a flagged cheap or mid answer goes to the\n"
	    "frontier (both attempts charged); clearly worse: %g or more judge points below the frontier:\n",
	    CLEARLY_WORSE);
	printf("  %-32s %-26s %-26s %-18s %s\n", "signal", "cheap: flagged, worse|flag",
	    "mid: flagged, worse|flag", "quality, saved", "random flags at the same rate");
	for (s = 0; s < SIG_COUNT; s++) {
		size_t fl[2] = { 0 }, fw[2] = { 0 }, w[2] = { 0 };
		double q = 0, qf = 0, c = 0, cf = 0;
		char rnd[32];

		for (i = 0; i < n; i++) {
			for (t = 0; t < 2; t++) {
				bool worse = v[i].q[2] - v[i].q[t] >= CLEARLY_WORSE,
				     f = casc_flag(s, &v[i], t);

				w[t] += worse;
				fl[t] += f;
				fw[t] += f && worse;
			}
			qf += v[i].q[2];
			cf += v[i].c[2];
			t = tier[i];
			c += casc_first_cost(s, &v[i], t);
			if (t < 2 && casc_flag(s, &v[i], t)) {
				q += v[i].q[2];
				c += v[i].c[2];
			} else {
				q += v[i].q[t];
			}
		}
		{
			/*
			 * As many escalations, drawn at random among prompts routed
			 * below frontier (needing no second answer).
			 */
			size_t nf = 0, nlow = 0;
			double rq = 0, rc = 0;
			int seed;

			for (i = 0; i < n; i++) {
				nlow += tier[i] < 2;
				nf += tier[i] < 2 && casc_flag(s, &v[i], tier[i]);
			}
			for (seed = 1; seed <= T_SEEDS; seed++) {
				uint64_t st = 0x9E3779B97F4A7C15ull * (uint64_t)seed;
				size_t left = nf, pool = nlow;

				for (i = 0; i < n; i++) {
					bool up = false;

					if (tier[i] < 2) {
						up = left > 0 && t_rand(&st) % pool < left;
						left -= up;
						pool--;
					}
					rq += (up ? v[i].q[2] : v[i].q[tier[i]]) / T_SEEDS;
					rc += (up ? v[i].c[tier[i]] + v[i].c[2] : v[i].c[tier[i]]) / T_SEEDS;
				}
			}
			snprintf(rnd, sizeof(rnd), "%5.1f%%, %5.1f%%", 100 * rq / qf, 100 * (1 - rc / cf));
		}
		printf("  %-32s %4.1f%%, %5.1f%% (base %4.1f%%)  %4.1f%%, %5.1f%% (base %4.1f%%)  %5.1f%%, "
		       "%5.1f%%   %s\n",
		    sig_names[s], 100.0 * (double)fl[0] / (double)n,
		    fl[0] ? 100.0 * (double)fw[0] / (double)fl[0] : 0, 100.0 * (double)w[0] / (double)n,
		    100.0 * (double)fl[1] / (double)n, fl[1] ? 100.0 * (double)fw[1] / (double)fl[1] : 0,
		    100.0 * (double)w[1] / (double)n, 100 * q / qf, 100 * (1 - c / cf), rnd);
	}
	casc_by_quality(v, n, tier);
out:
	for (i = 0; i < n; i++) {
		free(v[i].ans[0]);
		free(v[i].ans[1]);
	}
	free(v);
	free(tier);
}

/* router_tiers [DATA_DIR]: exit 0 with a message when the data is absent. */
int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("ROUTING_DATA");
	const char *dev = getenv("ROUTER_DEV");
	struct data d;
	size_t r;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/reference/routing";
	if (data_load(dir, &d) != 0) {
		printf("router_tiers: skipped: no routing data under %s (derived/routellm_2tier.tsv)\n", dir);
		return 0;
	}
	dev_load_all(dev != NULL ? dev : DEV_DEFAULT);
	others_load_all(getenv("ROUTER_OTHERS") != NULL ? getenv("ROUTER_OTHERS") : OTHERS_DEFAULT);
	t3_eval(&d);
	dev_eval(&d);
	others_eval(&d);
	quality_sweep(&d);
	casc_eval(&d, dir);
	for (r = 0; r < d.n; r++)
		free(d.rows[r].text);
	free(d.rows);
	return 0;
}
