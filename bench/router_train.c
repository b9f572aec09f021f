/* router_train: fit the router's two logistic heads on the routing data and write src/router_weights.h. */
/*
 * The data: RouteLLM's GSM8K, MMLU and MT-Bench results (routing/derived/
 * routellm_2tier.tsv) and Arena-300, real chat prompts with judge scores for
 * the same weak (Mixtral-8x7B) and strong (GPT-4-1106) models
 * (bench/data/arena300_3tier.tsv; ROUTER_ARENA names another file, or an
 * empty one leaves it out). Each is one set below.
 *
 * Each head is a plain L2 logistic regression on standardised features, one
 * intercept per benchmark while fitting. Head 1's label (weak model fails,
 * strong model better, strong model fails, or the first and last together),
 * the ridge and how much extra weight the word count gets are scored by
 * leave-one-set-out cross-validation on the training sets alone, and the
 * AVG_TOP_K best configurations are averaged (each logit scaled to unit
 * spread) rather than the single best picked. Head 2 is fitted to "the
 * weak model fails": that model, Mixtral-8x7B, is a mid-tier one.
 *
 * The loader and the fitting code here are shared with router_eval.c, which
 * includes this file with ROUTER_TRAIN_LIB defined; both use the router's own
 * feature code, so what is trained is what runs.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router.h"
#include "util.h"

enum bench_set { SET_GSM8K, SET_MMLU, SET_MTBENCH, SET_ARENA, SET_COUNT };

static const char *const set_names[SET_COUNT] = { "gsm8k", "mmlu", "mtbench", "arena" };

#define ARENA_DEFAULT "bench/data/arena300_3tier.tsv"

/* One prompt of the routing data with its features. */
struct row {
	int set;
	int group;                    /* index into data.groups: MMLU domain, MT-Bench category */
	double weak, strong;          /* scores: 0/1, or a judge's 1-10 (MT-Bench, Arena-300) */
	double cheap;                 /* Arena-300: the cheap model's (Mistral-7B) score; else -1 */
	double in_chars, weak_out, strong_out;
	double cheap_out;             /* Arena-300: the cheap model's answer length */
	char *text;                   /* Arena-300: the prompt, for the three-tier replay; else NULL */
	char qid[40];                 /* Arena-300: the question's id */
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

/*
 * What head 1 is fitted to; the choice is a hyperparameter, made like the
 * others by cross-validation on the training sets.
 */
enum label {
	LAB_WEAK_FAIL,     /* the weak model's answer is not enough */
	LAB_GAP,           /* the strong model scores higher than the weak one */
	LAB_STRONG_FAIL,   /* even the strong model's answer is not enough: a hard prompt */
	LAB_BOTH,          /* the sum of the first and third heads, each scaled to unit spread */
	LAB_COUNT
};

static const char *const label_names[LAB_COUNT] = {
	"weak model fails", "strong model scores higher", "strong model fails", "weak fails + strong fails",
};

/* The grids searched; an anchor adds that many head norms to the word count's weight. */
static const double grid_l2[] = { 0.01, 0.1, 1 };
static const double grid_anchor[] = { 0, 0.5, 1, 2, 4 };

/* One configuration of the grids. */
struct hconf {
	int label;
	double l2;          /* ridge per row, on standardised features */
	double anchor;
	double inner;       /* its inner cross-validated APGR */
};

/*
 * How many configurations a fit averages. Picking the single best of some
 * sixty inner scores, each from two or three held-out sets, mostly picks the
 * one the noise favoured; the k best are averaged instead. k is fixed here,
 * before any transfer score was seen, and is the same for every transfer
 * row and for the shipped weights: 5 is about a tenth of the grid, few
 * enough to leave out what the training sets reject (the gap label, say)
 * and enough to span the neighbours of the best along the ridge and anchor
 * axes, so that no single noisy maximum decides. Equal weights: weighting
 * by the inner score would bring back a temperature to choose.
 */
#define AVG_TOP_K 5

/* Hyperparameters of one fit: the k configurations averaged, best first. */
struct hparams {
	int k;
	struct hconf c[AVG_TOP_K];
};

/* Features left out of every fit: they tell the benchmarks apart rather than the prompts. */
#define TRAIN_MASK_DEFAULT (~((1ul << RF_DIGITS) | (1ul << RF_CHOICE)) & ((1ul << RF_DEV_FIRST) - 1))

/* Knobs, overridable from the environment for experiments: a negative value means "choose". */
static int knob_label = -1;                   /* ROUTER_LABEL: enum label */
static double knob_l2 = -1;                   /* ROUTER_L2 */
static double knob_anchor = -1;               /* ROUTER_ANCHOR */
static unsigned long train_mask = TRAIN_MASK_DEFAULT; /* ROUTER_MASK: features in use (bit per RF_*) */
static int knob_setw = 0;                     /* ROUTER_SETW: set weighting, enum set_weighting */
static int knob_foldw = 0;                    /* ROUTER_FOLDW: 0 held-out sets by prompts, 1 equal */
static int knob_inner = 0;                    /* ROUTER_INNER: 0 leave one set out, 1 folds by group */
static int knob_avg = AVG_TOP_K;              /* ROUTER_AVG: configurations averaged (1: the best alone) */
/*
 * ROUTER_HEAD2: what head 2, P(the mid tier's answer is not enough), is
 * fitted to. 0: the weak model fails (wrong, or judged CLEARLY_WORSE points
 * or more below the strong one). In every set the weak model is Mixtral-8x7B,
 * a mid-tier model, so that is the event itself, measured on all four sets. 1: the
 * strong model fails, a proxy that only says a prompt is hard; a prompt
 * even the frontier model fails gains nothing from going there.
 */
static int knob_head2 = 0;
#define INNER_FOLDS 5

/* How much each training set weighs in a fit. */
enum set_weighting {
	SETW_ROWS,   /* every row the same: the largest set dominates */
	SETW_SQRT,   /* a set weighs the square root of its rows */
	SETW_SETS,   /* every set the same in total */
};

static void
train_knobs(void)
{
	const char *v;

	if ((v = getenv("ROUTER_LABEL")) != NULL)
		knob_label = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_L2")) != NULL)
		knob_l2 = strtod(v, NULL);
	if ((v = getenv("ROUTER_ANCHOR")) != NULL)
		knob_anchor = strtod(v, NULL);
	if ((v = getenv("ROUTER_MASK")) != NULL)
		train_mask = strtoul(v, NULL, 0);
	if ((v = getenv("ROUTER_SETW")) != NULL)
		knob_setw = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_FOLDW")) != NULL)
		knob_foldw = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_INNER")) != NULL)
		knob_inner = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_HEAD2")) != NULL)
		knob_head2 = (int)strtol(v, NULL, 10);
	if ((v = getenv("ROUTER_AVG")) != NULL)
		knob_avg = (int)strtol(v, NULL, 10);
	if (knob_avg < 1 || knob_avg > AVG_TOP_K)
		knob_avg = knob_avg < 1 ? 1 : AVG_TOP_K;
}
#define TRAIN_CHEAP_SHARE 0.60    /* target mix on the training prompts */
#define TRAIN_FRONTIER_SHARE 0.10
#define MTBENCH_GOOD 8.0          /* a judge score below this is "not enough" (MT-Bench, Arena-300) */
#define CLEARLY_WORSE 2.0         /* judge points below the frontier answer: "clearly worse" */

/* The set is scored 1-10 by a judge rather than right or wrong. */
static bool
judged(int set)
{
	return set == SET_MTBENCH || set == SET_ARENA;
}

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

/* Compute r's features from prompt (unescaped in place) and append it to d. */
static void
data_push(struct data *d, size_t *rcap, struct row *r, char *prompt)
{
	struct route_input in = { 0 };

	tsv_unescape(prompt);
	in.prompt = prompt;
	in.len = strlen(prompt);
	in.prev_tier = TIER_AUTO;
	router_features(&in, r->x);
	if (d->n == *rcap) {
		*rcap = *rcap ? *rcap * 2 : 1024;
		d->rows = xreallocarray(d->rows, *rcap, sizeof(*d->rows));
	}
	d->rows[d->n++] = *r;
}

/*
 * Append the rows of Arena-300 (README.md of bench/data) from path: weak =
 * Mixtral-8x7B (mid_score), strong = GPT-4-1106 (frontier_score); rows
 * without all three scores are skipped. Quiet when the file is absent.
 */
static void
data_load_arena(struct data *d, size_t *rcap, const char *path)
{
	char *line = NULL, *f[9];
	size_t cap = 0;
	ssize_t got;
	FILE *fp = fopen(path, "r");
	int group;

	if (fp == NULL)
		return;
	group = data_group(d, "arena");
	if (getline(&line, &cap, fp) < 0) {
		fclose(fp);
		free(line);
		return;
	}
	while ((got = getline(&line, &cap, fp)) > 0) {
		struct row r;
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		if (tsv_split(line, f, 9) != 9)
			continue;
		memset(&r, 0, sizeof(r));
		if (!parse_num(f[1], &r.cheap) || !parse_num(f[2], &r.weak) || !parse_num(f[3], &r.strong) ||
		    !parse_num(f[4], &r.in_chars) || !parse_num(f[5], &r.cheap_out) || !parse_num(f[6], &r.weak_out) ||
		    !parse_num(f[7], &r.strong_out)) {
			d->skipped++;
			continue;
		}
		r.set = SET_ARENA;
		r.group = group;
		str_copy(r.qid, sizeof(r.qid), f[0]);
		data_push(d, rcap, &r, f[8]);
		d->rows[d->n - 1].text = xstrdup(f[8]);
	}
	free(line);
	fclose(fp);
}

/*
 * Load derived/routellm_2tier.tsv from dir, skipping contaminated and
 * unscored rows, then Arena-300 (ROUTER_ARENA, else ARENA_DEFAULT relative to
 * the working directory; empty: none). 0, or -1 without routellm_2tier.tsv.
 */
static int
data_load(const char *dir, struct data *d)
{
	char *path = xstrfmt("%s/derived/routellm_2tier.tsv", dir), *line = NULL, *f[10];
	const char *arena = getenv("ROUTER_ARENA");
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
		int s;

		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		if (tsv_split(line, f, 10) != 10)
			continue;
		memset(&r, 0, sizeof(r));
		for (s = 0; s < SET_ARENA && strcmp(f[1], set_names[s]) != 0; s++)
			;
		if (s == SET_ARENA || strcmp(f[3], "0") != 0 || !parse_num(f[4], &r.weak) ||
		    !parse_num(f[5], &r.strong) || !parse_num(f[6], &r.in_chars) ||
		    !parse_num(f[7], &r.weak_out) || !parse_num(f[8], &r.strong_out)) {
			d->skipped++;
			continue;
		}
		r.set = s;
		r.cheap = -1;
		r.group = data_group(d, f[2]);
		data_push(d, &rcap, &r, f[9]);
	}
	free(line);
	fclose(fp);
	if (d->n == 0)
		return -1;
	if (arena == NULL)
		arena = ARENA_DEFAULT;
	if (*arena != '\0')
		data_load_arena(d, &rcap, arena);
	return 0;
}

/*
 * The weak model's answer is not enough. That model (Mixtral-8x7B) is a mid
 * tier one: head 2's event itself, and head 1's stand-in for the cheap tier.
 * Where a judge scores the answers, "not enough" is "clearly worse than the
 * strong model's", not "below a fixed score": a prompt the strong model
 * fails as well gains nothing from going up.
 */
static double
label_weak_fail(const struct row *r)
{
	if (judged(r->set))
		return r->strong - r->weak >= CLEARLY_WORSE;
	return r->weak < 0.5;
}

/* The strong model does better than the weak one. */
static double
label_gap(const struct row *r)
{
	return r->strong > r->weak;
}

/* Even the strong model's answer is not enough, so the prompt is hard. */
static double
label_strong_fail(const struct row *r)
{
	if (judged(r->set))
		return r->strong < MTBENCH_GOOD;
	return r->strong < 0.5;
}

/*
 * The weight of one row of each set in a fit on the rows with use[r], by
 * knob_setw; scaled so that the weights of those rows add up to their number
 * (so a ridge per row means the same whatever the weighting).
 */
static void
set_weights(const struct data *d, const bool *use, double ws[SET_COUNT])
{
	double n[SET_COUNT] = { 0 }, tot = 0, sum = 0;
	size_t r;
	int s;

	for (r = 0; r < d->n; r++)
		if (use[r])
			n[d->rows[r].set]++;
	for (s = 0; s < SET_COUNT; s++) {
		tot += n[s];
		ws[s] = n[s] == 0 ? 0 : knob_setw == SETW_SETS ? 1 / n[s] : knob_setw == SETW_SQRT ? 1 / sqrt(n[s]) : 1;
		sum += ws[s] * n[s];
	}
	for (s = 0; s < SET_COUNT; s++)
		ws[s] *= sum > 0 ? tot / sum : 0;
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
 * features (rm's mean and scale); rows weigh by set_weights (by default all
 * the same). Each set gets its own intercept while fitting (a stratified
 * fit), so the weights learn what makes a prompt harder than others of its
 * kind, not which benchmark it came from; the returned bias is the
 * row-weighted mean of the intercepts.
 */
static void
fit_head(const struct data *d, const bool *use, const struct router_model *rm,
    double (*label)(const struct row *), double l2, double w[RF_COUNT], double *bias)
{
	enum { D = SET_COUNT + RF_COUNT };
	double beta[D] = { 0 }, h[D * D], g[D], step[D], z[D], setn[SET_COUNT] = { 0 }, ws[SET_COUNT];
	double ntot = 0, b = 0;
	int it, i, j;
	size_t r;

	set_weights(d, use, ws);
	for (r = 0; r < d->n; r++) {
		if (use[r]) {
			ntot += ws[d->rows[r].set];
			setn[d->rows[r].set] += ws[d->rows[r].set];
		}
	}
	for (it = 0; it < 30 && ntot > 0; it++) {
		double change = 0;

		memset(h, 0, sizeof(h));
		memset(g, 0, sizeof(g));
		for (r = 0; r < d->n; r++) {
			double eta, p, y, v, wr;

			if (!use[r])
				continue;
			wr = ws[d->rows[r].set];
			for (i = 0; i < SET_COUNT; i++)
				z[i] = d->rows[r].set == i;
			for (i = 0; i < RF_COUNT; i++)
				z[SET_COUNT + i] = (train_mask >> i & 1) ? router_z(rm, d->rows[r].x, i) : 0;
			for (eta = 0, i = 0; i < D; i++)
				eta += beta[i] * z[i];
			p = 1 / (1 + exp(-eta));
			y = label(&d->rows[r]);
			v = wr * p * (1 - p);
			for (i = 0; i < D; i++) {
				if (z[i] == 0)
					continue;
				g[i] += wr * (p - y) * z[i];
				for (j = 0; j <= i; j++)
					h[i * D + j] += v * z[i] * z[j];
			}
		}
		for (i = 0; i < D; i++)
			for (j = i + 1; j < D; j++)
				h[i * D + j] = h[j * D + i];
		for (i = 0; i < D; i++) {
			double lam = i < SET_COUNT ? 1e-6 : l2;

			h[i * D + i] += lam * ntot + 1e-9;
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
		b += ntot > 0 ? beta[i] * setn[i] / ntot : 0;
	*bias = b;
	for (i = 0; i < RF_COUNT; i++)
		w[i] = beta[SET_COUNT + i];
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

/* Set rm's mean and scale from the rows with use[r], weighted as in the fit. */
static void
standardise(const struct data *d, const bool *use, struct router_model *rm)
{
	double ws[SET_COUNT], n = 0;
	size_t r;
	int i;

	set_weights(d, use, ws);
	for (r = 0; r < d->n; r++)
		n += use[r] ? ws[d->rows[r].set] : 0;
	for (i = 0; i < RF_COUNT; i++) {
		double m = 0, v = 0;

		for (r = 0; r < d->n; r++)
			if (use[r])
				m += ws[d->rows[r].set] * d->rows[r].x[i];
		m /= n > 0 ? n : 1;
		for (r = 0; r < d->n; r++)
			if (use[r])
				v += ws[d->rows[r].set] * (d->rows[r].x[i] - m) * (d->rows[r].x[i] - m);
		v /= n > 0 ? n : 1;
		rm->mean[i] = m;
		rm->scale[i] = v > 1e-12 ? sqrt(v) : 0;
	}
}

/* The spread (standard deviation) of w . z over the rows with use[r], weighted as in the fit. */
static double
head_spread(const struct data *d, const bool *use, const struct router_model *rm, const double w[RF_COUNT])
{
	double m = 0, q = 0, n = 0, ws[SET_COUNT];
	size_t r;
	int i;

	set_weights(d, use, ws);
	for (r = 0; r < d->n; r++) {
		double l = 0, wr;

		if (!use[r])
			continue;
		wr = ws[d->rows[r].set];
		for (i = 0; i < RF_COUNT; i++)
			l += w[i] * router_z(rm, d->rows[r].x, i);
		m += wr * l;
		q += wr * l * l;
		n += wr;
	}
	if (n == 0)
		return 1;
	m /= n;
	q = q / n - m * m;
	return q > 1e-12 ? sqrt(q) : 1;
}

/* The three fitted heads at one ridge: weak fails, gap, strong fails. */
struct heads {
	double w[3][RF_COUNT];
	double b[3];
	double spread[3];
};

static void
fit_heads(const struct data *d, const bool *use, const struct router_model *rm, double l2, struct heads *hd)
{
	double (*const labels[3])(const struct row *) = { label_weak_fail, label_gap, label_strong_fail };
	int k;

	for (k = 0; k < 3; k++) {
		fit_head(d, use, rm, labels[k], l2, hd->w[k], &hd->b[k]);
		hd->spread[k] = head_spread(d, use, rm, hd->w[k]);
	}
}

/* Head 1 for label lab with anchor a from the fitted heads, into rm->w1 and rm->b1. */
static void
head_for(const struct heads *hd, int lab, double a, struct router_model *rm)
{
	double norm = 0;
	int i;

	for (i = 0; i < RF_COUNT; i++) {
		switch (lab) {
		case LAB_BOTH:
			rm->w1[i] = hd->w[0][i] / hd->spread[0] + hd->w[2][i] / hd->spread[2];
			break;
		case LAB_GAP:
			rm->w1[i] = hd->w[1][i];
			break;
		case LAB_STRONG_FAIL:
			rm->w1[i] = hd->w[2][i];
			break;
		default:
			rm->w1[i] = hd->w[0][i];
			break;
		}
	}
	rm->b1 = lab == LAB_BOTH ? hd->b[0] / hd->spread[0] + hd->b[2] / hd->spread[2] :
	    lab == LAB_GAP ? hd->b[1] : lab == LAB_STRONG_FAIL ? hd->b[2] : hd->b[0];
	/*
	 * Prompt length is the one signal that holds on every benchmark
	 * (routing.md section 5.3); the anchor trusts it more than the fit does.
	 */
	for (i = 0; i < RF_COUNT; i++)
		norm += rm->w1[i] * rm->w1[i];
	if (train_mask >> RF_WORDS & 1)
		rm->w1[RF_WORDS] += a * sqrt(norm);
}

/*
 * The score that orders prompts for going past cheap: head 1's logit, with
 * code, diffs and stack traces first whatever it says, as router_decide_with
 * sends them to mid at least. Logits of clipped features stay far below 1000.
 */
static double
router_rule_score(const double x[RF_COUNT], double l1)
{
	if (x[RF_CODE_FENCE] > 0 || x[RF_DIFF] > 0 || x[RF_TRACE] > 0)
		return 1000 + l1;
	return l1;
}

/*
 * Score every combination of the grids on one inner split: fit on the rows
 * with fit_on, add the APGR of each combination on the rows with test, set
 * by set (each weighing its prompts, or 1 with knob_foldw), to
 * sum[label][l2][anchor]; return the total weight added.
 */
static double
inner_split(const struct data *d, const bool *fit_on, const bool *test,
    double sum[LAB_COUNT][ARRAY_SIZE(grid_l2)][ARRAY_SIZE(grid_anchor)])
{
	struct router_model rm;
	struct heads hd;
	double *sc = xcalloc(d->n, sizeof(double)), wf[SET_COUNT] = { 0 }, wtot = 0;
	bool *sel = xcalloc(d->n, sizeof(bool));
	size_t li, ai, r;
	int lab, s;

	for (r = 0; r < d->n; r++)
		wf[d->rows[r].set] += test[r];
	for (s = 0; s < SET_COUNT; s++) {
		/* Each held-out set counts by its prompts: 72 chat turns say less than 14,000 questions. */
		if (knob_foldw && wf[s] > 0)
			wf[s] = 1;
		wtot += wf[s];
	}
	memset(&rm, 0, sizeof(rm));
	standardise(d, fit_on, &rm);
	for (li = 0; li < ARRAY_SIZE(grid_l2); li++) {
		if (knob_l2 >= 0 && grid_l2[li] != knob_l2)
			continue;
		fit_heads(d, fit_on, &rm, grid_l2[li], &hd);
		for (lab = 0; lab < LAB_COUNT; lab++) {
			if (knob_label >= 0 && lab != knob_label)
				continue;
			for (ai = 0; ai < ARRAY_SIZE(grid_anchor); ai++) {
				if (knob_anchor >= 0 && grid_anchor[ai] != knob_anchor)
					continue;
				head_for(&hd, lab, grid_anchor[ai], &rm);
				for (r = 0; r < d->n; r++) {
					double l1, l2;

					if (!test[r])
						continue;
					router_logits(&rm, d->rows[r].x, &l1, &l2);
					sc[r] = router_rule_score(d->rows[r].x, l1);
				}
				for (s = 0; s < SET_COUNT; s++) {
					if (wf[s] == 0)
						continue;
					for (r = 0; r < d->n; r++)
						sel[r] = test[r] && d->rows[r].set == s;
					sum[lab][li][ai] += wf[s] * apgr(d, sel, sc);
				}
			}
		}
	}
	free(sc);
	free(sel);
	return wtot;
}

/* The inner fold of row r: its group's, so no domain is both fitted and scored; a set of one group by row. */
static int
inner_fold(const struct data *d, size_t r, const int *set_groups, int nfolds)
{
	const struct row *row = &d->rows[r];
	uint64_t h = set_groups[row->set] > 1 ? (uint64_t)row->group : (uint64_t)r;

	/* A fixed hash, so groups spread over the folds the same way every run. */
	h = (h + 1) * 0x9E3779B97F4A7C15ull;
	return (int)((h >> 32) % (uint64_t)nfolds);
}

/*
 * Choose the label, ridge and anchor by cross-validation on the rows with
 * use[r] only. ROUTER_INNER 0: leave one set out when they hold two sets or
 * more (the held-out APGRs averaged weighted by their prompts), else three
 * folds within the set. ROUTER_INNER 1: INNER_FOLDS folds by group (MMLU
 * domain, MT-Bench category; rows of a one-group set one by one), each fit
 * on the same mix of sets as the final fit, scored set by set on domains it
 * has not seen. A knob set in the environment pins its value.
 */
static struct hparams
choose_hparams(const struct data *d, const bool *use)
{
	static double sum[LAB_COUNT][ARRAY_SIZE(grid_l2)][ARRAY_SIZE(grid_anchor)];
	bool have[SET_COUNT] = { false }, *fit_on = xcalloc(d->n, sizeof(bool)), *test = xcalloc(d->n, sizeof(bool));
	bool seen[SET_COUNT][MAX_GROUPS];
	struct hparams hp;
	size_t r, li, ai, k;
	int s, lab, nsets = 0, f, set_groups[SET_COUNT] = { 0 }, j;
	double folds = 0;

	memset(sum, 0, sizeof(sum));
	memset(seen, 0, sizeof(seen));
	for (r = 0; r < d->n; r++) {
		if (!use[r])
			continue;
		have[d->rows[r].set] = true;
		if (!seen[d->rows[r].set][d->rows[r].group]) {
			seen[d->rows[r].set][d->rows[r].group] = true;
			set_groups[d->rows[r].set]++;
		}
	}
	for (s = 0; s < SET_COUNT; s++)
		nsets += have[s];
	if (knob_inner == 1) {
		for (f = 0; f < INNER_FOLDS; f++) {
			for (r = 0; r < d->n; r++) {
				test[r] = use[r] && inner_fold(d, r, set_groups, INNER_FOLDS) == f;
				fit_on[r] = use[r] && !test[r];
			}
			folds += inner_split(d, fit_on, test, sum);
		}
	} else if (nsets >= 2) {
		for (s = 0; s < SET_COUNT; s++) {
			if (!have[s])
				continue;
			for (r = 0; r < d->n; r++) {
				fit_on[r] = use[r] && d->rows[r].set != s;
				test[r] = use[r] && d->rows[r].set == s;
			}
			folds += inner_split(d, fit_on, test, sum);
		}
	} else {
		for (f = 0; f < 3; f++) {
			for (k = 0, r = 0; r < d->n; r++) {
				fit_on[r] = test[r] = false;
				if (!use[r])
					continue;
				test[r] = k % 3 == (size_t)f;
				fit_on[r] = !test[r];
				k++;
			}
			folds += inner_split(d, fit_on, test, sum);
		}
	}
	/* The knob_avg best, in grid order among equals (the first of a tie wins, as before). */
	memset(&hp, 0, sizeof(hp));
	for (lab = 0; lab < LAB_COUNT; lab++) {
		for (li = 0; li < ARRAY_SIZE(grid_l2); li++) {
			for (ai = 0; ai < ARRAY_SIZE(grid_anchor); ai++) {
				double v = sum[lab][li][ai] / (folds ? folds : 1);

				if (sum[lab][li][ai] == 0)
					continue;
				for (j = hp.k; j > 0 && v > hp.c[j - 1].inner + 1e-12; j--)
					if (j < knob_avg)
						hp.c[j] = hp.c[j - 1];
				if (j < knob_avg) {
					hp.c[j] = (struct hconf){ lab, grid_l2[li], grid_anchor[ai], v };
					if (hp.k < knob_avg)
						hp.k++;
				}
			}
		}
	}
	if (hp.k == 0) {
		hp.c[0] = (struct hconf){ LAB_WEAK_FAIL, grid_l2[0], grid_anchor[0], -1 };
		hp.k = 1;
	}
	free(fit_on);
	free(test);
	return hp;
}

/*
 * Turn head h's (1 or 2) score s into P(the weak model's answer is not
 * enough): p = sigmoid(a + b (s - m)), m the mean score on the rows, a and
 * b by a one-dimensional logistic fit (centred, so that a logit far from
 * zero, as an average of scaled heads can be, does not throw Newton's
 * method off). The ranking, and so every routing curve, is that of s (b is
 * kept positive).
 */
static void
calibrate(const struct data *d, const bool *use, struct router_model *rm, int h)
{
	double a = 0, b = 1, ws[SET_COUNT], *w = h == 1 ? rm->w1 : rm->w2, *bias = h == 1 ? &rm->b1 : &rm->b2;
	double m = 0, n = 0;
	size_t r;
	int it, i;

	set_weights(d, use, ws);
	for (r = 0; r < d->n; r++) {
		double l1, l2;

		if (!use[r])
			continue;
		router_logits(rm, d->rows[r].x, &l1, &l2);
		m += ws[d->rows[r].set] * (h == 1 ? l1 : l2);
		n += ws[d->rows[r].set];
	}
	m /= n > 0 ? n : 1;
	for (it = 0; it < 50; it++) {
		double g0 = 0, g1 = 0, h00 = 1e-9, h01 = 0, h11 = 1e-9, det, da, db;

		for (r = 0; r < d->n; r++) {
			double l1, l2, l, p, y, wr;

			if (!use[r])
				continue;
			wr = ws[d->rows[r].set];
			router_logits(rm, d->rows[r].x, &l1, &l2);
			l = (h == 1 ? l1 : l2) - m;
			p = 1 / (1 + exp(-(a + b * l)));
			y = label_weak_fail(&d->rows[r]);
			g0 += wr * (p - y);
			g1 += wr * (p - y) * l;
			h00 += wr * p * (1 - p);
			h01 += wr * p * (1 - p) * l;
			h11 += wr * p * (1 - p) * l * l;
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
	if (!(b > 0) || !isfinite(a))
		return;
	*bias = a + b * (*bias - m);
	for (i = 0; i < RF_COUNT; i++)
		w[i] *= b;
}

/*
 * Fit a whole model on the rows with use[r] and the hyperparameters hp:
 * standardisation; head 1, the mean of hp's k configurations, each logit
 * scaled to unit spread on those rows (all are linear in the same
 * standardised features, so the mean is one linear head); head 2, the mid
 * model fails, averaged over the same configurations' ridges; both
 * calibrated; thresholds for the target tier mix on those rows.
 */
static void
fit_model_with(const struct data *d, const bool *use, const struct hparams *hp, struct router_model *rm)
{
	double *p1 = xcalloc(d->n, sizeof(double)), *p2 = xcalloc(d->n, sizeof(double));
	double w1[RF_COUNT] = { 0 }, w2[RF_COUNT] = { 0 }, b1 = 0, b2 = 0;
	struct heads hd[ARRAY_SIZE(grid_l2) + 1];
	double fitted_l2[ARRAY_SIZE(grid_l2) + 1];
	size_t r, n = 0, nf = 0, li;
	int i, c, h2 = knob_head2 == 1 ? 2 : 0;

	memset(rm, 0, sizeof(*rm));
	standardise(d, use, rm);
	for (c = 0; c < hp->k; c++) {
		const struct hconf *hc = &hp->c[c];
		double sp;

		/* One fit per ridge: the labels and anchors of a ridge share it. */
		for (li = 0; li < nf && fitted_l2[li] != hc->l2; li++)
			;
		if (li == nf && nf < ARRAY_SIZE(fitted_l2)) {
			fit_heads(d, use, rm, hc->l2, &hd[nf]);
			fitted_l2[nf++] = hc->l2;
		}
		head_for(&hd[li], hc->label, hc->anchor, rm);
		sp = head_spread(d, use, rm, rm->w1);
		for (i = 0; i < RF_COUNT; i++) {
			w1[i] += rm->w1[i] / sp / hp->k;
			w2[i] += hd[li].w[h2][i] / hd[li].spread[h2] / hp->k;
		}
		b1 += rm->b1 / sp / hp->k;
		b2 += hd[li].b[h2] / hd[li].spread[h2] / hp->k;
	}
	memcpy(rm->w1, w1, sizeof(rm->w1));
	memcpy(rm->w2, w2, sizeof(rm->w2));
	rm->b1 = b1;
	rm->b2 = b2;
	calibrate(d, use, rm, 1);
	calibrate(d, use, rm, 2);
	for (i = 0; i < RF_COUNT; i++) {
		/* Constant over the training data (or left out): no weight, an identity scale. */
		if (rm->scale[i] == 0 || !(train_mask >> i & 1)) {
			rm->scale[i] = 1;
			rm->mean[i] = 0;
			rm->w1[i] = rm->w2[i] = 0;
		}
	}
	for (r = 0; r < d->n; r++) {
		double l1, l2;

		if (!use[r])
			continue;
		router_logits(rm, d->rows[r].x, &l1, &l2);
		p1[n] = 1 / (1 + exp(-l1));
		p2[n] = 1 / (1 + exp(-l2));
		n++;
	}
	if (n > 0) {
		rm->t1 = quantile(p1, n, TRAIN_CHEAP_SHARE);
		rm->t2 = quantile(p2, n, 1 - TRAIN_FRONTIER_SHARE);
	}
	free(p1);
	free(p2);
}

/* One developer prompt. */
struct dev {
	int tier;
	char id[16];
	char why[160];
	char *text;
	double x[RF_COUNT];
};

/* Read bench/data/dev/prompts.txt (README.md there): "@@@ ID TIER WHY" then the prompt. */
static size_t
dev_load(const char *path, struct dev **out)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, dcap = 0;
	ssize_t got;
	struct dev *v = NULL;
	struct buf_s {
		char *p;
		size_t len, cap;
	} b = { NULL, 0, 0 };

	*out = NULL;
	if (fp == NULL)
		return 0;
	for (;;) {
		got = getline(&line, &cap, fp);
		if (got < 0 || strncmp(line, "@@@ ", 4) == 0) {
			if (n > 0) {
				while (b.len > 0 && b.p[b.len - 1] == '\n')
					b.len--;
				v[n - 1].text = xcalloc(b.len + 1, 1);
				memcpy(v[n - 1].text, b.p ? b.p : "", b.len);
			}
			b.len = 0;
			if (got < 0)
				break;
			if (n == dcap) {
				dcap = dcap ? dcap * 2 : 256;
				v = xreallocarray(v, dcap, sizeof(*v));
			}
			{
				char id[16], tier[16];
				int off = 0;
				struct dev *e = &v[n++];

				memset(e, 0, sizeof(*e));
				if (sscanf(line + 4, "%15s %15s %n", id, tier, &off) < 2)
					tier[0] = '\0';
				str_copy(e->id, sizeof(e->id), id);
				e->tier = strcmp(tier, "cheap") == 0 ? 0 : strcmp(tier, "mid") == 0 ? 1 : 2;
				str_copy(e->why, sizeof(e->why), line + 4 + off);
				e->why[strcspn(e->why, "\n")] = '\0';
			}
			continue;
		}
		if (n == 0)
			continue;
		if (b.len + (size_t)got + 1 > b.cap) {
			b.cap = (b.len + (size_t)got + 1) * 2;
			b.p = xrealloc(b.p, b.cap);
		}
		memcpy(b.p + b.len, line, (size_t)got);
		b.len += (size_t)got;
	}
	free(line);
	free(b.p);
	fclose(fp);
	for (size_t i = 0; i < n; i++) {
		struct route_input in = { 0 };

		in.prompt = v[i].text;
		in.len = strlen(v[i].text);
		in.prev_tier = TIER_AUTO;
		router_features(&in, v[i].x);
	}
	*out = v;
	return n;
}


#define DEV_DEFAULT "bench/data/dev/prompts.txt"
#define OTHERS_DEFAULT "bench/data/dev/others.txt"
/* Ridges of the developer stage tried, per prompt; each fit picks one in inner folds of its own prompts. */
static const double dev_l2s[] = { 0.1, 0.3, 1, 3 };
#define DEV_INNER_FOLDS 5
#define DEV_SCALE_MIN 0.25   /* the benchmark heads keep at least this share of their logit */

/* The developer prompts a fit uses (dev_use[i]); none when dev_n is 0. */
static struct dev *dev_rows;
static size_t dev_n;
static const bool *dev_use;
/* The ridge the last developer stage used (for the weights' header). */
static double dev_l2_used;
/*
 * The held-out prompts of other sets (bench/data/dev/others.txt) a fit
 * uses (others_use[i]): they set head 2's intercept, never a weight.
 */
static struct dev *others_rows;
static size_t others_n;
static const bool *others_use;

/* The features the developer stage fits: what the benchmarks hardly hold. */
static bool
dev_feature(int i)
{
	return i >= RF_DEV_FIRST || i == RF_CODE_FENCE || i == RF_DIFF || i == RF_TRACE;
}

/* Add one prompt, weighing wt, to the gradient and curvature of head 2's intercept. */
static void
intercept_add(const struct router_model *rm, const struct dev *v, double wt, double *g, double *hh)
{
	double l1, l2, p;

	router_logits(rm, v->x, &l1, &l2);
	p = 1 / (1 + exp(-l2));
	*g += wt * (p - (v->tier == 2));
	*hh += wt * p * (1 - p);
}

/*
 * Refit head 2's intercept alone, by Newton's method, on the developer
 * prompts in use and the others' prompts in use, the two sources weighing
 * the same in all: the weights, and so the order of prompts on every
 * benchmark, stay as fitted; where the line between mid and frontier falls
 * follows many engineers' labels as much as one set's. Head 1 keeps the
 * developer prompts' line: refitted the same way it sends short asks for
 * work ("write a Go CSV parser") to cheap. Without others' prompts nothing
 * changes.
 */
static void
dev_intercept(struct router_model *rm)
{
	double wt;
	size_t r, mine = 0, theirs = 0;
	int it;

	for (r = 0; r < dev_n; r++)
		mine += dev_use[r];
	for (r = 0; r < others_n; r++)
		theirs += others_use[r];
	if (mine == 0 || theirs == 0)
		return;
	wt = (double)mine / (double)theirs;
	for (it = 0; it < 30; it++) {
		double g = 0, hh = 1e-6;

		for (r = 0; r < dev_n; r++)
			if (dev_use[r])
				intercept_add(rm, &dev_rows[r], 1, &g, &hh);
		for (r = 0; r < others_n; r++)
			if (others_use[r])
				intercept_add(rm, &others_rows[r], wt, &g, &hh);
		rm->b2 -= g / hh;
		if (fabs(g / hh) < 1e-9)
			break;
	}
}

/*
 * The developer stage of head h (1: cheap not enough, label mid or
 * frontier; 2: mid not enough, label frontier): on the developer prompts,
 * y ~ sigmoid(a * l + c + sum v[j] z[j]), l the benchmark head's logit, z the
 * developer features, by Newton's method with the ridge on v. The head becomes
 * a * (benchmark weights) + v, its bias a * b + c; a is kept at least
 * DEV_SCALE_MIN so that on benchmark prompts, where the developer features
 * are mostly zero, the order of prompts stays the benchmark head's.
 */
static void
dev_stage(struct router_model *rm, int h, double ridge)
{
	int idx[RF_COUNT], k = 0, K, i, j, it;
	double *w = h == 1 ? rm->w1 : rm->w2, *bias = h == 1 ? &rm->b1 : &rm->b2;
	double beta[RF_COUNT + 2] = { 0 };
	size_t r;

	for (i = 0; i < RF_COUNT; i++)
		if (dev_feature(i))
			idx[k++] = i;
	K = k + 2; /* a, c, v[0..k) */
	beta[0] = 1;
	for (it = 0; it < 30; it++) {
		double H[(RF_COUNT + 2) * (RF_COUNT + 2)] = { 0 }, g[RF_COUNT + 2] = { 0 }, step[RF_COUNT + 2];

		for (r = 0; r < dev_n; r++) {
			double l1, l2, f[RF_COUNT + 2], e, p, y;

			if (!dev_use[r])
				continue;
			router_logits(rm, dev_rows[r].x, &l1, &l2);
			f[0] = h == 1 ? l1 : l2;
			/* The developer features' own terms are in the logit: take them out. */
			for (j = 0; j < k; j++) {
				f[j + 2] = router_z(rm, dev_rows[r].x, idx[j]);
				f[0] -= w[idx[j]] * f[j + 2];
			}
			f[1] = 1;
			e = 0;
			for (j = 0; j < K; j++)
				e += beta[j] * f[j];
			p = 1 / (1 + exp(-e));
			y = h == 1 ? dev_rows[r].tier >= 1 : dev_rows[r].tier == 2;
			for (i = 0; i < K; i++) {
				g[i] += (p - y) * f[i];
				for (j = 0; j < K; j++)
					H[i * K + j] += p * (1 - p) * f[i] * f[j];
			}
		}
		for (j = 2; j < K; j++) {
			g[j] += ridge * beta[j];
			H[j * K + j] += ridge;
		}
		H[0] += 1e-6;
		H[K + 1] += 1e-6;
		if (solve(H, g, step, K) != 0)
			break;
		for (j = 0; j < K; j++)
			beta[j] -= step[j];
		if (beta[0] < DEV_SCALE_MIN)
			beta[0] = DEV_SCALE_MIN;
	}
	for (i = 0; i < RF_COUNT; i++)
		w[i] = dev_feature(i) ? 0 : w[i] * beta[0];
	for (j = 0; j < k; j++)
		w[idx[j]] = beta[j + 2];
	*bias = *bias * beta[0] + beta[1];
	if (h == 2)
		dev_intercept(rm);
}

/* Load the prompts of path into *rows (*n of them), every one in use (*use). */
static void
load_in_use(const char *path, struct dev **rows, size_t *n, const bool **use)
{
	bool *u;
	size_t i;

	*n = dev_load(path, rows);
	u = xcalloc(*n ? *n : 1, sizeof(bool));
	for (i = 0; i < *n; i++)
		u[i] = true;
	*use = u;
}

/* Load the developer prompts for every fit that follows, all of them in use. */
static void
dev_load_all(const char *path)
{
	load_in_use(path, &dev_rows, &dev_n, &dev_use);
}

/* Load the others' prompts for every fit that follows, all of them in use. */
static void
others_load_all(const char *path)
{
	load_in_use(path, &others_rows, &others_n, &others_use);
}

/* Give the developer features an identity scale and fit both heads' developer stage. */
static void
dev_fit_with(struct router_model *rm, double l2)
{
	int i;

	for (i = RF_DEV_FIRST; i < RF_COUNT; i++) {
		rm->mean[i] = 0;
		rm->scale[i] = 1;
	}
	dev_stage(rm, 1, l2);
	dev_stage(rm, 2, l2);
	rm->t1 = rm->t2 = 0.5;
}

/*
 * The ridge of the developer stage, chosen among dev_l2s on the prompts in
 * use alone: each is fitted in DEV_INNER_FOLDS folds of them, and each
 * held-out prompt routed at the default quality (thresholds 0.5 when the fit
 * has no Arena-300 rows to measure the tiers' losses) scores 1 when it reaches
 * its label and -1 when it lands two tiers away. Ties go to the larger ridge.
 */
static double
dev_choose_l2(const struct router_model *base)
{
	const bool *keep = dev_use;
	bool *inner = xcalloc(dev_n, sizeof(bool));
	int *fold = xcalloc(dev_n, sizeof(int));
	double best_l2 = dev_l2s[ARRAY_SIZE(dev_l2s) - 1];
	long best = LONG_MIN;
	size_t r, k, used = 0;
	int f;

	for (r = 0; r < dev_n; r++)
		fold[r] = keep[r] ? (int)(used++ % DEV_INNER_FOLDS) : -1;
	for (k = ARRAY_SIZE(dev_l2s); k-- > 0;) {
		long score = 0;

		for (f = 0; f < DEV_INNER_FOLDS; f++) {
			struct router_model m = *base;

			for (r = 0; r < dev_n; r++)
				inner[r] = keep[r] && fold[r] != f;
			dev_use = inner;
			dev_fit_with(&m, dev_l2s[k]);
			for (r = 0; r < dev_n; r++) {
				struct route_input in = { 0 };
				struct route_decision dec;

				if (fold[r] != f)
					continue;
				in.prompt = dev_rows[r].text;
				in.len = strlen(dev_rows[r].text);
				in.prev_tier = TIER_AUTO;
				router_decide_with(&m, &in, &dec);
				score += (int)dec.tier == dev_rows[r].tier ? 1 :
				    abs((int)dec.tier - dev_rows[r].tier) == 2 ? -1 : 0;
			}
		}
		if (score > best) {
			best = score;
			best_l2 = dev_l2s[k];
		}
	}
	dev_use = keep;
	free(inner);
	free(fold);
	return best_l2;
}

/*
 * After the benchmark fit and the tiers' losses: the developer stage, its
 * ridge chosen in inner folds of the prompts in use, and the thresholds 0.5
 * on probabilities now calibrated to the developer labels (the likelier of
 * "enough" and "not enough"); [llm] quality moves them from there. Without
 * developer prompts nothing changes.
 */
static void
dev_fit(struct router_model *rm)
{
	if (dev_n == 0)
		return;
	dev_l2_used = dev_choose_l2(rm);
	dev_fit_with(rm, dev_l2_used);
}

/*
 * The mean relative loss, 1 - score / frontier score, of the cheap (loss1)
 * and mid (loss2) answers where they are clearly worse than the frontier's,
 * over the Arena-300 rows with use[r]; both 0 when there are none.
 */
static void
arena_losses(const struct data *d, const bool *use, double *loss1, double *loss2)
{
	double s1 = 0, s2 = 0, n1 = 0, n2 = 0;
	size_t r;

	for (r = 0; r < d->n; r++) {
		const struct row *w = &d->rows[r];

		if (!use[r] || w->set != SET_ARENA || w->cheap < 0 || w->strong <= 0)
			continue;
		if (w->strong - w->cheap >= CLEARLY_WORSE) {
			s1 += 1 - w->cheap / w->strong;
			n1++;
		}
		if (w->strong - w->weak >= CLEARLY_WORSE) {
			s2 += 1 - w->weak / w->strong;
			n2++;
		}
	}
	*loss1 = n1 > 0 && n2 > 0 ? s1 / n1 : 0;
	*loss2 = n1 > 0 && n2 > 0 ? s2 / n2 : 0;
}

/* Fit a whole model on the rows with use[r], its hyperparameters chosen on those rows alone. */
static struct hparams
fit_model(const struct data *d, const bool *use, struct router_model *rm)
{
	struct hparams hp;

	train_knobs();
	hp = choose_hparams(d, use);
	fit_model_with(d, use, &hp, rm);
	/* the losses first: the developer stage's ridge is chosen by routing at the default quality */
	if (dev_n > 0)
		arena_losses(d, use, &rm->loss1, &rm->loss2);
	dev_fit(rm);
	return hp;
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
write_weights(FILE *f, const struct router_model *rm, const struct data *d, const size_t *setn,
    const struct hparams *hp)
{
	char day[16];
	time_t now = time(NULL);
	int c;

	strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&now));
	fprintf(f, "/* router_weights: the router's fitted model; generated by bench/router_train.c, do not edit. */\n");
	fprintf(f, "/*\n * Trained %s on routing/derived/routellm_2tier.tsv (RouteLLM: Mixtral-8x7B weak,\n", day);
	if (setn[SET_ARENA] > 0) {
		fprintf(f, " * GPT-4-1106 strong) and bench/data/arena300_3tier.tsv (the same pair on real chat\n");
		fprintf(f, " * prompts), contaminated or unscored rows skipped (%zu): GSM8K %zu, MMLU %zu, MT-Bench %zu,\n",
		    d->skipped, setn[SET_GSM8K], setn[SET_MMLU], setn[SET_MTBENCH]);
		fprintf(f, " * Arena-300 %zu prompts, every row weighing the same, one intercept per set while fitting.\n",
		    setn[SET_ARENA]);
	} else {
		fprintf(f, " * GPT-4-1106 strong), contaminated rows skipped (%zu): GSM8K %zu, MMLU %zu, MT-Bench %zu\n",
		    d->skipped, setn[SET_GSM8K], setn[SET_MMLU], setn[SET_MTBENCH]);
		fprintf(f, " * prompts, every row weighing the same, one intercept per set while fitting.\n");
	}
	fprintf(f, " * Plain L2 logistic regression on standardised, clipped features (digit share and\n");
	fprintf(f, " * the multiple-choice shape left out). Head 1 (cheap not enough): the mean of the\n");
	fprintf(f, " * %d best configurations (label, ridge per row, word-count anchor) by leave-one-set-out\n", hp->k);
	fprintf(f, " * APGR, each logit scaled to unit spread, then calibrated to P(weak model fails):\n");
	for (c = 0; c < hp->k; c++)
		fprintf(f, " *   %s, ridge %g, anchor %g (APGR %.3f)\n", label_names[hp->c[c].label], hp->c[c].l2,
		    hp->c[c].anchor, hp->c[c].inner);
	fprintf(f, " * Head 2 (mid not enough): %s\n * (judged sets: %g points or more below the strong model),\n",
	    knob_head2 == 1 ? "the strong model fails" : "the weak (mid-tier) model fails", CLEARLY_WORSE);
	fprintf(f, " * averaged over the same ridges and calibrated the same way.\n");
	if (dev_n > 0) {
		fprintf(f, " * Then a developer stage on bench/data/dev/prompts.txt (%zu prompts): on each head,\n", dev_n);
		fprintf(f, " * a logistic fit (ridge %g, chosen in %d inner folds) of the labels (head 1: mid or\n"
		    " * frontier; head 2: frontier)\n", dev_l2_used, DEV_INNER_FOLDS);
		fprintf(f, " * on the benchmark logit, scaled (at least %g), and the developer features\n", DEV_SCALE_MIN);
		fprintf(f, " * (code_lines .. ask_small, code_fence, diff, stack_trace).\n");
		if (others_n > 0)
			fprintf(f, " * Head 2's intercept then refitted alone on those prompts and the %zu of\n"
			    " * bench/data/dev/others.txt, sets held out of the developer set, each source weighing\n"
			    " * the same in all.\n", others_n);
		fprintf(f, " * Thresholds follow [llm] quality\n");
		fprintf(f, " * (router_thresholds) with the mean relative losses of cheap and mid answers judged\n");
		fprintf(f, " * at least %g points below the frontier's on Arena-300 (loss1, loss2).\n", CLEARLY_WORSE);
	} else {
		fprintf(f, " * Thresholds give %.0f%% cheap and %.0f%% frontier on the training prompts.\n",
		    TRAIN_CHEAP_SHARE * 100, TRAIN_FRONTIER_SHARE * 100);
	}
	fprintf(f, " * Features: router_scan.c's router_features(); in order: RF_* of router.h.\n */\n");
	fprintf(f, "const struct router_model router_default_model = {\n");
	write_array(f, "mean", rm->mean);
	write_array(f, "scale", rm->scale);
	write_array(f, "w1", rm->w1);
	fprintf(f, "\t.b1 = %.6g,\n", rm->b1);
	write_array(f, "w2", rm->w2);
	fprintf(f, "\t.b2 = %.6g,\n", rm->b2);
	fprintf(f, "\t.t1 = %.6g,\n\t.t2 = %.6g,\n", rm->t1, rm->t2);
	fprintf(f, "\t.loss1 = %.6g,\n\t.loss2 = %.6g,\n};\n", rm->loss1, rm->loss2);
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
	const char *arena = getenv("ROUTER_ARENA");
	FILE *f;
	struct data d;
	struct router_model rm;
	struct hparams hp;
	size_t setn[SET_COUNT] = { 0 }, r;
	bool *use;
	int i;

	if (data_load(dir, &d) != 0) {
		fprintf(stderr, "router_train: no routing data under %s (derived/routellm_2tier.tsv)\n", dir);
		return 1;
	}
	dev_load_all(getenv("ROUTER_DEV") != NULL ? getenv("ROUTER_DEV") : DEV_DEFAULT);
	others_load_all(getenv("ROUTER_OTHERS") != NULL ? getenv("ROUTER_OTHERS") : OTHERS_DEFAULT);
	use = xcalloc(d.n, sizeof(bool));
	for (r = 0; r < d.n; r++) {
		use[r] = true;
		setn[d.rows[r].set]++;
	}
	if (setn[SET_ARENA] == 0 && (arena == NULL || *arena != '\0'))
		fprintf(stderr, "router_train: no Arena-300 rows in %s; fitting without them\n",
		    arena != NULL ? arena : ARENA_DEFAULT);
	hp = fit_model(&d, use, &rm);
	f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
	if (f == NULL || write_weights(f, &rm, &d, setn, &hp) != 0 || (f != stdout && fclose(f) != 0)) {
		fprintf(stderr, "router_train: cannot write %s\n", out);
		return 1;
	}
	fprintf(stderr, "router_train: %zu prompts, wrote %s\n", d.n, strcmp(out, "-") == 0 ? "stdout" : out);
	fprintf(stderr, "  head 1 averages the %d best by leave-one-set-out:\n", hp.k);
	for (i = 0; i < hp.k; i++)
		fprintf(stderr, "    %s, ridge %g, anchor %g (mean APGR %.3f)\n", label_names[hp.c[i].label],
		    hp.c[i].l2, hp.c[i].anchor, hp.c[i].inner);
	for (i = 0; i < RF_COUNT; i++)
		fprintf(stderr, "  %-12s w1 %+7.3f  w2 %+7.3f\n", router_feature_names[i], rm.w1[i], rm.w2[i]);
	fprintf(stderr, "  bias         b1 %+7.3f  b2 %+7.3f   t1 %.3f  t2 %.3f\n", rm.b1, rm.b2, rm.t1, rm.t2);
	free(use);
	free(d.rows);
	return 0;
}

#endif
