/* router_tiers: the router on three tiers, priced as the user pays, and on developer prompts. */
/*
 * Arena-300 (bench/data/arena300_3tier.tsv): cheap Mistral-7B, mid
 * Mixtral-8x7B, frontier GPT-4-1106, each prompt's quality the judge's score
 * of its tier's answer and its cost the prompt's tokens plus the tokens of
 * that tier's real answer (chars / 4), at the catalog prices of the pricing
 * reference (Mistral's own API: open-mistral-7b $0.25/$0.25, open-mixtral-8x7b
 * $0.70/$0.70; gpt-4-1106-preview $10/$30 per million).
 *
 * The router is scored as shipped, at its thresholds, before any sweep:
 * router_decide_with() on each prompt, topic rules and all, with weights
 * fitted WITHOUT Arena-300 (transfer: fitted on GSM8K, MMLU and MT-Bench by
 * router_train's own procedure). The shipped weights, which saw these
 * prompts, are shown below it for reference only. Beside it: always-cheap,
 * always-mid, always-frontier, random routing with the same tier mix (20
 * seeds), length only with the same mix (shortest to cheap, longest to
 * frontier) and the oracle (the cheapest tier with the best score). Every
 * figure has a bootstrap 95% interval over the prompts (300 resamples).
 *
 * The developer set (bench/data/dev/prompts.txt) is routed with the shipped
 * weights when no fit used it (the file says so) and otherwise in 5-fold,
 * each fold by a model whose developer stage was fitted on the other folds.
 */
#define ROUTER_TRAIN_LIB
#include "router_train.c"

#define T_SEEDS 20
#define T_BOOT 300

/* Dollars per million tokens, input and output, per tier. */
static const double t_price_in[3] = { 0.25, 0.70, 10 };
static const double t_price_out[3] = { 0.25, 0.70, 30 };

/* One Arena-300 prompt on three tiers. */
struct t3 {
	double q[3];      /* judge score per tier */
	double c[3];      /* dollars per tier */
	double len;       /* prompt characters */
	const char *text;
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
		double in = w->in_chars / 4, outs[3] = { w->cheap_out / 4, w->weak_out / 4, w->strong_out / 4 };
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
	double *bq = xcalloc((size_t)np * T_BOOT, sizeof(double)), *bs = xcalloc((size_t)np * T_BOOT, sizeof(double));
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
			t3_score(v, pick, n, tiers[j], &bq[(size_t)j * T_BOOT + b], &bs[(size_t)j * T_BOOT + b]);
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
	printf("  %-28s %5.1f/%5.1f/%5.1f  %5.1f%% [%5.1f-%5.1f]  %5.1f%% [%5.1f-%5.1f]\n", name, mix[0], mix[1],
	    mix[2], q.v * 100, q.lo * 100, q.hi * 100, s.v * 100, s.lo * 100, s.hi * 100);
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

/* Route each prompt with model rm at its thresholds; p1, p2 (may be NULL) get the heads. */
static void
t3_route(const struct router_model *rm, const struct t3 *v, size_t n, int *tier, double *p1, double *p2)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct route_input in = { 0 };
		struct route_decision dec;

		in.prompt = v[i].text;
		in.len = strlen(v[i].text);
		in.prev_tier = TIER_AUTO;
		router_decide_with(rm, &in, &dec);
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
	printf("%s\n  %-28s %17s  %-22s %s\n", title, "policy", "cheap/mid/front %", "quality (of frontier)",
	    "cost saved");
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

/* Load Arena-300's three tiers and print the table for the transfer model and the shipped one. */
static void
t3_eval(struct data *d)
{
	struct t3 *v;
	size_t n = t3_load(d, &v), r, bad, nc;
	struct router_model rm;
	bool *use = xcalloc(d->n, sizeof(bool));
	int *tier = xcalloc(n ? n : 1, sizeof(int));

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
	t3_route(&rm, v, n, tier, NULL, NULL);
	printf("Arena-300, %zu prompts, three tiers priced with real answer lengths (tokens = chars / 4)\n", n);
	t3_table("at the shipped thresholds, weights fitted without Arena-300 (transfer); 95% bootstrap intervals:",
	    v, n, tier);
	bad = t3_bad_cheap(v, n, tier, &nc);
	printf("  to cheap: %zu prompts, %zu of them with frontier at least 5 points above cheap\n", nc, bad);
	t3_route(&router_default_model, v, n, tier, NULL, NULL);
	t3_table("for reference, the shipped weights (fitted on these prompts too):", v, n, tier);
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
dev_report(const struct dev *v, size_t n, const int *tier, const double *p1, const double *p2, const char *how)
{
	size_t conf[3][3] = { { 0 } }, i, agree = 0;
	bool *pos = xcalloc(n, sizeof(bool)), *sel = xcalloc(n, sizeof(bool));
	int a, b;

	for (i = 0; i < n; i++) {
		conf[v[i].tier][tier[i]]++;
		agree += v[i].tier == tier[i];
	}
	printf("developer prompts, %zu, %s:\n  agreement %zu/%zu = %.1f%%\n", n, how, agree, n,
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
	printf("  sent two tiers away from the label:\n");
	for (i = 0; i < n; i++)
		if (abs(v[i].tier - tier[i]) == 2)
			printf("    %s %s -> %s: %s\n", v[i].id, t_names[v[i].tier], t_names[tier[i]], v[i].why);
	free(pos);
	free(sel);
}

#define DEV_FOLDS 5

/*
 * Route the developer prompts in DEV_FOLDS folds: the benchmark stage is
 * fitted once on every benchmark set (no developer prompt in it), and each
 * fold is routed by that model with its developer stage fitted on the other
 * folds.
 */
static void
dev_eval(struct data *d)
{
	struct dev *v = dev_rows;
	size_t n = dev_n, i, r;
	int *tier, f;
	double *p1, *p2;
	bool *use, *all;
	struct router_model base;

	if (n == 0) {
		printf("router_tiers: no developer prompts\n");
		return;
	}
	tier = xcalloc(n, sizeof(int));
	p1 = xcalloc(n, sizeof(double));
	p2 = xcalloc(n, sizeof(double));
	use = xcalloc(n, sizeof(bool));
	all = xcalloc(d->n, sizeof(bool));
	for (r = 0; r < d->n; r++)
		all[r] = true;
	dev_n = 0;
	fit_model(d, all, &base);
	dev_n = n;
	dev_use = use;
	for (f = 0; f < DEV_FOLDS; f++) {
		struct router_model rm = base;

		for (i = 0; i < n; i++)
			use[i] = (int)(i % DEV_FOLDS) != f;
		dev_fit(&rm);
		for (i = 0; i < n; i++) {
			struct route_input in = { 0 };
			struct route_decision dec;

			if (use[i])
				continue;
			in.prompt = v[i].text;
			in.len = strlen(v[i].text);
			in.prev_tier = TIER_AUTO;
			router_decide_with(&rm, &in, &dec);
			tier[i] = dec.tier;
			p1[i] = dec.p_cheap_fail;
			p2[i] = dec.p_mid_fail;
		}
	}
	dev_report(v, n, tier, p1, p2, "5-fold (each fold routed by a fit without it)");
	for (i = 0; i < n; i++) {
		struct route_input in = { 0 };
		struct route_decision dec;

		in.prompt = v[i].text;
		in.len = strlen(v[i].text);
		in.prev_tier = TIER_AUTO;
		router_decide(&in, &dec);
		tier[i] = dec.tier;
		p1[i] = dec.p_cheap_fail;
		p2[i] = dec.p_mid_fail;
	}
	dev_report(v, n, tier, p1, p2, "for reference, the shipped weights (fitted on these prompts too)");
	free(tier);
	free(p1);
	free(p2);
	free(use);
	free(all);
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
	t3_eval(&d);
	dev_eval(&d);
	for (r = 0; r < d.n; r++)
		free(d.rows[r].text);
	free(d.rows);
	return 0;
}
