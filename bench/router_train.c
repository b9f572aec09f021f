/* router_train: fit the router's two logistic heads on the routing data and write src/router_weights.h. */
/*
 * The loader and the fitting code here are shared with router_eval.c, which
 * includes this file with ROUTER_TRAIN_LIB defined; both use router.c's own
 * feature code, so what is trained is what runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router.h"
#include "util.h"

enum bench_set { SET_GSM8K, SET_MMLU, SET_MTBENCH, SET_COUNT };

static const char *const set_names[SET_COUNT] = { "gsm8k", "mmlu", "mtbench" };

/* One prompt of routellm_2tier.tsv with its features. */
struct row {
	int set;
	int group;                    /* index into data.groups: MMLU domain, MT-Bench category */
	double weak, strong;          /* scores: 0/1, or MT-Bench's 1-10 */
	double in_chars, weak_out, strong_out;
	double x[RF_COUNT];
};

#define MAX_GROUPS 96

struct data {
	struct row *rows;
	size_t n;
	char groups[MAX_GROUPS][48];
	int ngroups;
	size_t skipped;               /* contaminated or unscored */
};

/* Tuning knobs, overridable from the environment for experiments. */
static double train_l2 = 1.0;          /* ROUTER_L2: ridge, times the total row weight */
static int train_weighting = 0;        /* ROUTER_WEIGHT: 0 rows, 1 sets equal, 2 sqrt(set size) */
static int train_label = 2;            /* ROUTER_LABEL: 0 weak failed, 1 strong beat weak, 2 gain (least squares) */
static unsigned long train_mask = ~0ul; /* ROUTER_MASK: features in use (bit per RF_*) */
static int train_signs = 1;            /* ROUTER_SIGNS: 1 keep weights to their sign */
static int train_cleaning = 1;         /* ROUTER_CLEAN: 1 leave out artefact MMLU domains */
static double train_anchor_chosen;     /* what the last top-level fit chose */
static int train_anchoring = 1;        /* ROUTER_ANCHOR: 1 choose a length anchor by nested leave-one-set-out */

static void
train_knobs(void)
{
	const char *v;

	if ((v = getenv("ROUTER_L2")) != NULL)
		train_l2 = strtod(v, NULL);
	if ((v = getenv("ROUTER_WEIGHT")) != NULL)
		train_weighting = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_LABEL")) != NULL)
		train_label = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_SIGNS")) != NULL)
		train_signs = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_CLEAN")) != NULL)
		train_cleaning = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_ANCHOR")) != NULL)
		train_anchoring = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_MASK")) != NULL)
		train_mask = strtoul(v, NULL, 0);
}
#define TRAIN_CHEAP_SHARE 0.60    /* target mix on the training prompts */
#define TRAIN_FRONTIER_SHARE 0.10
#define MTBENCH_GOOD 8.0          /* a judge score below this is "not enough" */

/* Undo the TSV escaping of README.md: \\, \t, \r, \n. In place. */
static void
tsv_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*w++ = *s == 't' ? '\t' : *s == 'r' ? '\r' : *s == 'n' ? '\n' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* Split a line on tabs into at most max fields; return how many. */
static size_t
tsv_split(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	for (; *line && n < max; line++) {
		if (*line == '\t') {
			*line = '\0';
			f[n++] = line + 1;
		}
	}
	return n;
}

static bool
parse_num(const char *s, double *out)
{
	char *end;

	if (*s == '\0')
		return false;
	*out = strtod(s, &end);
	return *end == '\0';
}

static int
data_group(struct data *d, const char *name)
{
	int g;

	for (g = 0; g < d->ngroups; g++)
		if (strcmp(d->groups[g], name) == 0)
			return g;
	if (d->ngroups == MAX_GROUPS)
		return MAX_GROUPS - 1;
	str_copy(d->groups[d->ngroups], sizeof(d->groups[0]), name);
	return d->ngroups++;
}

/* Load derived/routellm_2tier.tsv from dir; skip contaminated and unscored rows. 0 or -1. */
static int
data_load(const char *dir, struct data *d)
{
	char *path = xstrfmt("%s/derived/routellm_2tier.tsv", dir), *line = NULL, *f[10];
	size_t cap = 0, rcap = 0;
	ssize_t got;
	FILE *fp = fopen(path, "r");

	memset(d, 0, sizeof(*d));
	free(path);
	if (fp == NULL)
		return -1;
	if (getline(&line, &cap, fp) < 0) {
		fclose(fp);
		free(line);
		return -1;
	}
	while ((got = getline(&line, &cap, fp)) > 0) {
		struct row r;
		struct route_input in = { 0 };
		int s;

		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		if (tsv_split(line, f, 10) != 10)
			continue;
		memset(&r, 0, sizeof(r));
		for (s = 0; s < SET_COUNT && strcmp(f[1], set_names[s]) != 0; s++)
			;
		if (s == SET_COUNT || strcmp(f[3], "0") != 0 || !parse_num(f[4], &r.weak) ||
		    !parse_num(f[5], &r.strong) || !parse_num(f[6], &r.in_chars) ||
		    !parse_num(f[7], &r.weak_out) || !parse_num(f[8], &r.strong_out)) {
			d->skipped++;
			continue;
		}
		r.set = s;
		r.group = data_group(d, f[2]);
		tsv_unescape(f[9]);
		in.prompt = f[9];
		in.len = strlen(f[9]);
		in.prev_tier = TIER_AUTO;
		router_features(&in, r.x);
		if (d->n == rcap) {
			rcap = rcap ? rcap * 2 : 1024;
			d->rows = xreallocarray(d->rows, rcap, sizeof(*d->rows));
		}
		d->rows[d->n++] = r;
	}
	free(line);
	fclose(fp);
	return d->n > 0 ? 0 : -1;
}

/* Head 1: the weak (cheap-class) model's answer is not enough. */
static double
label_cheap_fail(const struct row *r)
{
	if (train_label == 1)
		return r->strong > r->weak;
	if (r->set == SET_MTBENCH)
		return r->weak < MTBENCH_GOOD;
	return r->weak < 0.5;
}

/* The quality the strong model adds, on a common scale (MT-Bench's 1-10 over 9). */
static double
label_gain(const struct row *r)
{
	double g = r->strong - r->weak;

	return r->set == SET_MTBENCH ? g / 9 : g;
}

/* Head 2: even the strong model's answer is not enough, so only the frontier may do. */
static double
label_mid_fail(const struct row *r)
{
	if (r->set == SET_MTBENCH)
		return r->strong < MTBENCH_GOOD;
	return r->strong < 0.5;
}

/* Solve a (n x n) * s = b by Gaussian elimination with partial pivoting; a and b are destroyed. */
static int
solve(double *a, double *b, double *s, int n)
{
	int i, j, k;

	for (k = 0; k < n; k++) {
		int p = k;

		for (i = k + 1; i < n; i++)
			if (fabs(a[i * n + k]) > fabs(a[p * n + k]))
				p = i;
		if (fabs(a[p * n + k]) < 1e-12)
			return -1;
		if (p != k) {
			for (j = 0; j < n; j++) {
				double t = a[k * n + j];

				a[k * n + j] = a[p * n + j];
				a[p * n + j] = t;
			}
			double t = b[k];
			b[k] = b[p];
			b[p] = t;
		}
		for (i = k + 1; i < n; i++) {
			double m = a[i * n + k] / a[k * n + k];

			for (j = k; j < n; j++)
				a[i * n + j] -= m * a[k * n + j];
			b[i] -= m * b[k];
		}
	}
	for (i = n - 1; i >= 0; i--) {
		double v = b[i];

		for (j = i + 1; j < n; j++)
			v -= a[i * n + j] * s[j];
		s[i] = v / a[i * n + i];
	}
	return 0;
}

/*
 * Fit one L2-regularised logistic head by Newton's method on standardised
 * features; rows weigh wt[i]. Each set gets its own intercept while fitting
 * (a stratified fit), so the weights learn what makes a prompt harder than
 * others of its kind, not which benchmark it came from; the shipped bias is
 * the weighted mean of the intercepts.
 */
static void
fit_head(const struct data *d, const bool *use, const double *wt, const struct router_model *rm,
    double (*label)(const struct row *), unsigned long active, double w[RF_COUNT], double *bias)
{
	enum { D = SET_COUNT + RF_COUNT };
	double beta[D] = { 0 }, h[D * D], g[D], step[D], z[D], setw[SET_COUNT] = { 0 };
	double ntot = 0, b = 0;
	int it, i, j;
	size_t r;

	for (r = 0; r < d->n; r++) {
		if (use[r]) {
			ntot += wt[r];
			setw[d->rows[r].set] += wt[r];
		}
	}
	for (it = 0; it < 30; it++) {
		double change = 0;

		memset(h, 0, sizeof(h));
		memset(g, 0, sizeof(g));
		for (r = 0; r < d->n; r++) {
			double eta, p, y, v;

			if (!use[r])
				continue;
			for (i = 0; i < SET_COUNT; i++)
				z[i] = d->rows[r].set == i;
			for (i = 0; i < RF_COUNT; i++)
				z[SET_COUNT + i] = (active >> i & 1) ? router_z(rm, d->rows[r].x, i) : 0;
			for (eta = 0, i = 0; i < D; i++)
				eta += beta[i] * z[i];
			/* label_gain is fitted by least squares (identity link), the rest logistically. */
			p = label == label_gain ? eta : 1 / (1 + exp(-eta));
			y = label(&d->rows[r]);
			v = label == label_gain ? wt[r] : wt[r] * p * (1 - p);
			for (i = 0; i < D; i++) {
				if (z[i] == 0)
					continue;
				g[i] += wt[r] * (p - y) * z[i];
				for (j = 0; j <= i; j++)
					h[i * D + j] += v * z[i] * z[j];
			}
		}
		for (i = 0; i < D; i++)
			for (j = i + 1; j < D; j++)
				h[i * D + j] = h[j * D + i];
		for (i = 0; i < D; i++) {
			double lam = i < SET_COUNT ? 1e-6 : train_l2;

			h[i * D + i] += lam * ntot;
			g[i] += lam * ntot * beta[i];
		}
		if (solve(h, g, step, D) != 0)
			break;
		for (i = 0; i < D; i++) {
			beta[i] -= step[i];
			change += fabs(step[i]);
		}
		if (change < 1e-9)
			break;
	}
	for (i = 0; i < SET_COUNT; i++)
		b += beta[i] * setw[i] / ntot;
	*bias = b;
	for (i = 0; i < RF_COUNT; i++)
		w[i] = beta[SET_COUNT + i];
}

/*
 * The direction each feature may push, fixed beforehand from what makes a
 * request hard (routing.md section 6): +1 only up, -1 only down; 0 not
 * fitted (no prior direction: digit share, answer-choice shape, which mostly
 * tell benchmarks apart). A fitted weight against its sign is dropped and the
 * head refitted, so a quirk of one benchmark cannot turn, say, more code into
 * an easier prompt.
 */
static const int train_sign[RF_COUNT] = {
	[RF_LENGTH] = 1, [RF_WORDS] = 1, [RF_LINES] = 1, [RF_CODE_FENCE] = 1, [RF_CODE_CHARS] = 1,
	[RF_DIFF] = 1, [RF_TRACE] = 1, [RF_NUMBERS] = 1, [RF_MATH_OPS] = 1, [RF_QUESTIONS] = 1,
	[RF_SENTENCES] = 1, [RF_WORD_LEN] = 1, [RF_NON_ASCII] = 1, [RF_KW_REASON] = 1, [RF_KW_MATH] = 1, [RF_KW_CODE] = 1,
	[RF_KW_FORMAT] = 1, [RF_KW_CREATIVE] = -1, [RF_KW_SIMPLE] = -1,
};

static void
fit_signed(const struct data *d, const bool *use, const double *wt, const struct router_model *rm,
    double (*label)(const struct row *), double w[RF_COUNT], double *bias)
{
	unsigned long active = train_mask;
	int i;

	for (i = 0; i < RF_COUNT; i++)
		if (train_signs && train_sign[i] == 0)
			active &= ~(1ul << i);
	for (;;) {
		int worst = -1;

		fit_head(d, use, wt, rm, label, active, w, bias);
		if (!train_signs)
			return;
		for (i = 0; i < RF_COUNT; i++)
			if (train_sign[i] != 0 && w[i] * train_sign[i] < 0 && (worst < 0 || fabs(w[i]) > fabs(w[worst])))
				worst = i;
		if (worst < 0)
			return;
		active &= ~(1ul << worst);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of the values v[0..n). */
static double
quantile(double *v, size_t n, double q)
{
	size_t k;

	qsort(v, n, sizeof(*v), cmp_double);
	k = (size_t)(q * (double)(n - 1) + 0.5);
	return v[k < n ? k : n - 1];
}

/*
 * Fit a whole model on the rows with use[i]: weighted standardisation, both
 * heads, and thresholds for the target tier mix on those rows.
 */
/*
 * Leave out training groups whose labels say more about the benchmark than
 * the prompt: MMLU domains where the strong model gets under half right
 * (generated with one output token, GPT-4 scores 3% on high-school
 * mathematics; routing.md section 3.4). Only training rows are touched; the
 * evaluation always scores every row. Returns a malloc'd copy of use.
 */
static bool *
train_clean(const struct data *d, const bool *use)
{
	double right[MAX_GROUPS] = { 0 }, all[MAX_GROUPS] = { 0 };
	bool *out = xcalloc(d->n, sizeof(bool));
	size_t r;

	for (r = 0; r < d->n; r++) {
		if (use[r] && d->rows[r].set == SET_MMLU) {
			right[d->rows[r].group] += d->rows[r].strong;
			all[d->rows[r].group]++;
		}
	}
	for (r = 0; r < d->n; r++) {
		const struct row *row = &d->rows[r];

		out[r] = use[r] && !(train_cleaning && row->set == SET_MMLU && right[row->group] < 0.5 * all[row->group]);
	}
	return out;
}

/*
 * Turn head 1's least-squares gain score s into a probability that the
 * strong model does better: p = sigmoid(a + b s), a and b by a
 * one-dimensional logistic fit. The ranking, and so every routing curve, is
 * that of s.
 */
static void
calibrate(const struct data *d, const bool *use, struct router_model *rm)
{
	double a = 0, b = 1;
	size_t r;
	int it, i;

	for (it = 0; it < 50; it++) {
		double g0 = 0, g1 = 0, h00 = 1e-9, h01 = 0, h11 = 1e-9, det, da, db;

		for (r = 0; r < d->n; r++) {
			double l1, l2, p, y;

			if (!use[r])
				continue;
			router_logits(rm, d->rows[r].x, &l1, &l2);
			p = 1 / (1 + exp(-(a + b * l1)));
			y = d->rows[r].strong > d->rows[r].weak;
			g0 += p - y;
			g1 += (p - y) * l1;
			h00 += p * (1 - p);
			h01 += p * (1 - p) * l1;
			h11 += p * (1 - p) * l1 * l1;
		}
		det = h00 * h11 - h01 * h01;
		if (fabs(det) < 1e-12)
			break;
		da = (h11 * g0 - h01 * g1) / det;
		db = (h00 * g1 - h01 * g0) / det;
		a -= da;
		b -= db;
		if (fabs(da) + fabs(db) < 1e-10)
			break;
	}
	rm->b1 = a + b * rm->b1;
	for (i = 0; i < RF_COUNT; i++)
		rm->w1[i] *= b;
}

static double choose_anchor(const struct data *d, const bool *use);
static void anchor_apply(struct router_model *rm, double a);

static void
fit_model_at(const struct data *d, const bool *use_in, struct router_model *rm, bool choose)
{
	const bool *use;
	double setn[SET_COUNT] = { 0 }, *wt = xcalloc(d->n, sizeof(double));
	double *p1 = xcalloc(d->n, sizeof(double)), *p2 = xcalloc(d->n, sizeof(double));
	double total = 0;
	size_t r, n = 0;
	int i, sets = 0;

	memset(rm, 0, sizeof(*rm));
	train_knobs();
	use = train_clean(d, use_in);
	for (r = 0; r < d->n; r++)
		if (use[r])
			setn[d->rows[r].set]++;
	for (i = 0; i < SET_COUNT; i++)
		sets += setn[i] > 0;
	for (r = 0; r < d->n; r++) {
		if (!use[r])
			continue;
		/* Each set weighs the same; the weights add up to the row count. */
		wt[r] = 0;
		for (i = 0; i < SET_COUNT; i++)
			if (d->rows[r].set == i)
				wt[r] = train_weighting == 0 ? 1.0 : train_weighting == 1 ? 1.0 / setn[i] : 1.0 / sqrt(setn[i]);
		total += wt[r];
		n++;
	}
	for (r = 0; r < d->n; r++)
		wt[r] *= (double)n / total;
	for (i = 0; i < RF_COUNT; i++) {
		double m = 0, v = 0;

		for (r = 0; r < d->n; r++)
			if (use[r])
				m += wt[r] * d->rows[r].x[i];
		m /= (double)n;
		for (r = 0; r < d->n; r++)
			if (use[r])
				v += wt[r] * (d->rows[r].x[i] - m) * (d->rows[r].x[i] - m);
		v /= (double)n;
		rm->mean[i] = m;
		rm->scale[i] = v > 1e-12 ? sqrt(v) : 0;
	}
	if (train_label == 2) {
		fit_signed(d, use, wt, rm, label_gain, rm->w1, &rm->b1);
		calibrate(d, use, rm);
	} else {
		fit_signed(d, use, wt, rm, label_cheap_fail, rm->w1, &rm->b1);
	}
	fit_signed(d, use, wt, rm, label_mid_fail, rm->w2, &rm->b2);
	for (i = 0; i < RF_COUNT; i++) {
		/* Constant over the training data (or left out): no weight, an identity scale. */
		if (rm->scale[i] == 0 || !(train_mask >> i & 1)) {
			rm->scale[i] = 1;
			rm->mean[i] = 0;
			rm->w1[i] = rm->w2[i] = 0;
		}
	}
	if (choose && train_anchoring) {
		train_anchor_chosen = choose_anchor(d, use);
		anchor_apply(rm, train_anchor_chosen);
	}
	for (n = 0, r = 0; r < d->n; r++) {
		double l1, l2;

		if (!use[r])
			continue;
		router_logits(rm, d->rows[r].x, &l1, &l2);
		p1[n] = 1 / (1 + exp(-l1));
		p2[n] = 1 / (1 + exp(-l2));
		n++;
	}
	rm->t1 = quantile(p1, n, TRAIN_CHEAP_SHARE);
	rm->t2 = quantile(p2, n, 1 - TRAIN_FRONTIER_SHARE);
	free((void *)use);
	free(wt);
	free(p1);
	free(p2);
}


static int
cmp_score(const void *a, const void *b)
{
	double x = ((const double *)a)[0], y = ((const double *)b)[0];

	return x > y ? -1 : x < y;
}

/*
 * APGR of ranking the rows with sel[r] by sc[r], highest first: the share of
 * the weak-to-strong quality gap recovered, averaged over every share of
 * strong calls. Ties move the curve linearly, as random tie-breaking would.
 */
static double
apgr(const struct data *d, const bool *sel, const double *sc)
{
	double (*it)[2] = xcalloc(d->n, sizeof(*it)), gap = 0, q = 0, prev = 0, area = 0;
	size_t r, n = 0, i, j, k;

	for (r = 0; r < d->n; r++) {
		if (!sel[r])
			continue;
		it[n][0] = sc[r];
		it[n][1] = d->rows[r].strong - d->rows[r].weak;
		gap += it[n][1];
		n++;
	}
	qsort(it, n, sizeof(*it), cmp_score);
	for (i = 0; i < n && gap != 0; i = j) {
		double g = 0;

		for (j = i; j < n && it[j][0] == it[i][0]; j++)
			g += it[j][1];
		for (k = i; k < j; k++) {
			q += g / (double)(j - i);
			area += (prev + q / gap) / 2 / (double)n;
			prev = q / gap;
		}
	}
	free(it);
	return area;
}

/* Strengthen head 1's length term by a times the size of the whole head. */
static void
anchor_apply(struct router_model *rm, double a)
{
	double norm = 0;
	int i;

	for (i = 0; i < RF_COUNT; i++)
		norm += rm->w1[i] * rm->w1[i];
	rm->w1[RF_WORDS] += a * sqrt(norm);
}

/*
 * Prompt length is the one signal that holds on every benchmark (routing.md
 * section 5.3); how much more to trust it than the fit does is chosen by
 * leave-one-set-out among the training sets only: fit on all but one, score
 * the one left out, keep the anchor with the best mean APGR.
 */
static double
choose_anchor(const struct data *d, const bool *use)
{
	static const double grid[] = { 0, 0.5, 1, 2, 4, 8 };
	struct router_model inner[SET_COUNT];
	bool have[SET_COUNT] = { false }, *in = xcalloc(d->n, sizeof(bool)), *sel = xcalloc(d->n, sizeof(bool));
	double *sc = xcalloc(d->n, sizeof(double)), best = -1, best_a = 0;
	size_t r, g;
	int s, nsets = 0;

	for (r = 0; r < d->n; r++)
		if (use[r])
			have[d->rows[r].set] = true;
	for (s = 0; s < SET_COUNT; s++)
		nsets += have[s];
	if (nsets < 2)
		goto out;
	for (s = 0; s < SET_COUNT; s++) {
		if (!have[s])
			continue;
		for (r = 0; r < d->n; r++)
			in[r] = use[r] && d->rows[r].set != s;
		fit_model_at(d, in, &inner[s], false);
	}
	for (g = 0; g < ARRAY_SIZE(grid); g++) {
		double sum = 0;

		for (s = 0; s < SET_COUNT; s++) {
			struct router_model m;

			if (!have[s])
				continue;
			m = inner[s];
			anchor_apply(&m, grid[g]);
			for (r = 0; r < d->n; r++) {
				double l1, l2;

				sel[r] = use[r] && d->rows[r].set == s;
				if (sel[r]) {
					router_logits(&m, d->rows[r].x, &l1, &l2);
					sc[r] = l1;
				}
			}
			sum += apgr(d, sel, sc);
		}
		if (sum / nsets > best + 1e-9) {
			best = sum / nsets;
			best_a = grid[g];
		}
	}
out:
	free(in);
	free(sel);
	free(sc);
	return best_a;
}

/* Fit a whole model on the rows with use[i], the length anchor chosen inside. */
static void
fit_model(const struct data *d, const bool *use, struct router_model *rm)
{
	fit_model_at(d, use, rm, true);
}

#ifndef ROUTER_TRAIN_LIB

static void
write_array(FILE *f, const char *name, const double *v)
{
	int i;

	fprintf(f, "\t.%s = {\n", name);
	for (i = 0; i < RF_COUNT; i++)
		fprintf(f, "\t\t%.6g,\t/* %s */\n", v[i], router_feature_names[i]);
	fprintf(f, "\t},\n");
}

/* Write the weights as a C data file included by router.c. */
static int
write_weights(FILE *f, const struct router_model *rm, const struct data *d, const size_t *setn)
{
	char day[16];
	time_t now = time(NULL);

	strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&now));
	fprintf(f, "/* router_weights: the router's fitted model; generated by bench/router_train.c, do not edit. */\n");
	fprintf(f, "/*\n * Trained %s on routing/derived/routellm_2tier.tsv (RouteLLM: Mixtral-8x7B weak,\n", day);
	fprintf(f, " * GPT-4-1106 strong), contaminated rows skipped (%zu): GSM8K %zu, MMLU %zu, MT-Bench %zu\n",
	    d->skipped, setn[SET_GSM8K], setn[SET_MMLU], setn[SET_MTBENCH]);
	fprintf(f, " * prompts, weighted %s. Head 1 (cheap not enough): %s;\n",
	    train_weighting == 0 ? "by row" : train_weighting == 1 ? "so each set counts the same" : "by sqrt(set size)",
	    train_label == 2 ? "least squares on the quality the strong model adds,\n * calibrated to P(strong scores higher)" :
	    train_label == 1 ? "the strong model scored higher than the weak one" : "the weak model failed");
	fprintf(f, " * head 2 (mid not enough): the strong model failed (MT-Bench: a judge score below %.0f).\n",
	    MTBENCH_GOOD);
	fprintf(f, " * L2 %g per row on standardised, clipped features; weights held to their prior sign;\n",
	    train_l2);
	fprintf(f, " * MMLU domains where the strong model scores under half left out; length anchor %g\n",
	    train_anchor_chosen);
	fprintf(f, " * (chosen by leave-one-set-out).\n");
	fprintf(f, " * Thresholds give %.0f%% cheap and %.0f%% frontier on the training prompts.\n",
	    TRAIN_CHEAP_SHARE * 100, TRAIN_FRONTIER_SHARE * 100);
	fprintf(f, " * Features: router.c's router_features(); in order: RF_* of router.h.\n */\n");
	fprintf(f, "const struct router_model router_default_model = {\n");
	write_array(f, "mean", rm->mean);
	write_array(f, "scale", rm->scale);
	write_array(f, "w1", rm->w1);
	fprintf(f, "\t.b1 = %.6g,\n", rm->b1);
	write_array(f, "w2", rm->w2);
	fprintf(f, "\t.b2 = %.6g,\n", rm->b2);
	fprintf(f, "\t.t1 = %.6g,\n\t.t2 = %.6g,\n};\n", rm->t1, rm->t2);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/*
 * Fit on every set and write the weights file to stdout (or OUT):
 * router_train [DATA_DIR [OUT]]; the fitted weights are summarised on stderr.
 */
int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/reference/routing";
	const char *out = argc > 2 ? argv[2] : "-";
	FILE *f;
	struct data d;
	struct router_model rm;
	size_t setn[SET_COUNT] = { 0 }, r;
	bool *use;
	int i;

	if (data_load(dir, &d) != 0) {
		fprintf(stderr, "router_train: no routing data under %s (derived/routellm_2tier.tsv)\n", dir);
		return 1;
	}
	use = xcalloc(d.n, sizeof(bool));
	for (r = 0; r < d.n; r++) {
		use[r] = true;
		setn[d.rows[r].set]++;
	}
	fit_model(&d, use, &rm);
	f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
	if (f == NULL || write_weights(f, &rm, &d, setn) != 0 || (f != stdout && fclose(f) != 0)) {
		fprintf(stderr, "router_train: cannot write %s\n", out);
		return 1;
	}
	fprintf(stderr, "router_train: %zu prompts, wrote %s\n", d.n, strcmp(out, "-") == 0 ? "stdout" : out);
	for (i = 0; i < RF_COUNT; i++)
		fprintf(stderr, "  %-12s w1 %+7.3f  w2 %+7.3f\n", router_feature_names[i], rm.w1[i], rm.w2[i]);
	fprintf(stderr, "  bias         b1 %+7.3f  b2 %+7.3f   t1 %.3f  t2 %.3f\n", rm.b1, rm.b2, rm.t1, rm.t2);
	free(use);
	free(d.rows);
	return 0;
}

#endif
