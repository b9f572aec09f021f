/* router: pick the cheapest capable tier for a prompt from ~20 features and two logistic heads. */
#ifndef LLM_ROUTER_H
#define LLM_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/* What the router sees of a turn; prompt is the last user message. */
struct route_input {
	const char *prompt;
	size_t len;
	int turn;                /* 0 for the first turn of a conversation */
	enum tier prev_tier;     /* TIER_AUTO: none */
	int64_t context_tokens;  /* tokens of earlier turns sent along */
	double quality;          /* share of frontier quality aimed at; 0: ROUTER_QUALITY_DEFAULT */
};

/*
 * The quality aimed at unless configured ([llm] quality). A tier is good
 * enough when 1 - P(it is clearly worse) * (its mean relative loss when it
 * is) reaches the share; bench/router_tiers.c shows how the share trades
 * quality for cost on Arena-300 and on the developer prompts.
 */
#define ROUTER_QUALITY_DEFAULT 0.85

/* One feature's share of a decision; name is a static string. */
struct route_feature {
	const char *name;
	double value;            /* the raw feature value */
	double contribution;     /* its term in the deciding head's logit */
};

struct route_decision {
	enum tier tier;
	double p_cheap_fail;     /* P(cheap is not enough) */
	double p_mid_fail;       /* P(mid is not enough) */
	char reason[160];        /* "code block, stack trace, 1.8k tokens" */
	struct route_feature top[3];
	size_t ntop;
	bool sticky;             /* held up by the previous turn's tier */
};

/* The features, in the order of the weights. */
enum router_feat {
	RF_LENGTH,        /* log1p(characters) */
	RF_WORDS,         /* log1p(words) */
	RF_LINES,         /* log1p(newlines) */
	RF_CODE_FENCE,    /* a ``` block */
	RF_CODE_CHARS,    /* share of code punctuation */
	RF_DIFF,          /* a unified diff */
	RF_TRACE,         /* a stack trace or compiler error */
	RF_DIGITS,        /* share of digits (not fitted: it tells benchmarks apart) */
	RF_NUMBERS,       /* log1p(numbers, at most ROUTER_NUMBERS_CAP); not dates, times, versions */
	RF_MATH_OPS,      /* log1p(operators between operands, TeX commands) */
	RF_QUESTIONS,     /* log1p('?') */
	RF_CHOICE,        /* multiple-choice shape: lines "A." "B)" ... (not fitted) */
	RF_SENTENCES,     /* log1p(sentences) */
	RF_WORD_LEN,      /* mean word length, at least ROUTER_WORD_LEN_FLOOR */
	RF_NON_ASCII,     /* share of non-ASCII bytes */
	RF_KW_REASON,     /* log1p(keyword hits) per group */
	RF_KW_MATH,
	RF_KW_CODE,
	RF_KW_CREATIVE,
	RF_KW_SIMPLE,     /* greetings and lookups */
	RF_KW_FORMAT,     /* format constraints */
	RF_TURN,          /* log1p(turn) */
	RF_CONTEXT,       /* log1p(context tokens / 1000) */
	RF_PREV_TIER,     /* previous tier, 0 none or cheap .. 2 frontier */
	/* What developer work is in the prompt: fitted on developer prompts (RF_DEV_FIRST on). */
	RF_CODE_LINES,    /* log1p(lines shaped like code, fenced or not: ends, starters, shebangs, file shapes) */
	RF_ASK_WORK,      /* log1p(keyword hits) per group: asks to write, convert, fix, explain, test */
	RF_ASK_DEEP,      /* asks for review, audit, design, verification */
	RF_CONCURRENCY,   /* subjects: concurrency and memory ordering */
	RF_SECURITY,
	RF_DISTRIBUTED,   /* distributed systems and consensus */
	RF_PERFORMANCE,
	RF_BUILD,         /* build, deployment and tooling */
	RF_DATA_FORMAT,
	RF_FORMAL,        /* proofs, complexity, undefined behaviour */
	RF_FEW_WORDS,     /* log1p(ROUTER_FEW_WORDS) - log1p(words), 0 from that many words on or with math */
	RF_ASK_SMALL,     /* the first or last line asks how to, for a command or syntax, or a small edit */
	RF_COUNT
};

/* The first of the features fitted on developer prompts rather than on the benchmarks. */
#define RF_DEV_FIRST RF_CODE_LINES

/* From this many lines shaped like code on, a prompt holds pasted code. */
#define ROUTER_CODE_LINES 3

/*
 * Below this many words a prompt is a quick ask: how few it has is a
 * feature of its own, zero on longer prompts (the benchmarks' word problems
 * and chat), so it can weigh on developer asks without moving those.
 */
#define ROUTER_FEW_WORDS 16

/*
 * A fitted model: standardisation, two logistic heads and the thresholds.
 * p1 = sigmoid(b1 + sum w1[i] * z[i]), likewise p2, where
 * z[i] = (x[i] - mean[i]) / scale[i] clipped to +-ROUTER_Z_CLIP, so a prompt
 * unlike anything in the training data (a page of code) cannot run away.
 */
#define ROUTER_Z_CLIP 3.0

/*
 * Topic signals saturate: numbers say "this is arithmetic" and short words
 * say "code or formulas", but among math problems more numbers, or among
 * code shorter words, do not make a prompt harder.
 */
#define ROUTER_NUMBERS_CAP 2
#define ROUTER_WORD_LEN_FLOOR 4.5

struct router_model {
	double mean[RF_COUNT];
	double scale[RF_COUNT];
	double w1[RF_COUNT];
	double b1;
	double w2[RF_COUNT];
	double b2;
	double t1;               /* cheap when p1 < t1 */
	double t2;               /* else mid when p2 < t2, else frontier */
	/*
	 * Mean relative loss of the cheap and the mid tier's answer against the
	 * frontier's where it is clearly worse (Arena-300's judged answers). When
	 * set, the thresholds follow the quality aimed at: t = (1 - quality) / loss.
	 */
	double loss1, loss2;
};

/* The thresholds of rm for the quality aimed at (0: ROUTER_QUALITY_DEFAULT). */
void router_thresholds(const struct router_model *rm, double quality, double *t1, double *t2);

/* The weights shipped in router_weights.h. */
extern const struct router_model router_default_model;
/* Feature names, for reports and the weights file. */
extern const char *const router_feature_names[RF_COUNT];

/* Decide the tier for a turn with the shipped weights; no heap allocation. */
void router_decide(const struct route_input *in, struct route_decision *out);
/* Decide with the given model (the trainer and evaluator use their own fits). */
void router_decide_with(const struct router_model *rm, const struct route_input *in,
    struct route_decision *out);
/* Compute the features of a turn into x[RF_COUNT], in one pass over the prompt. */
void router_features(const struct route_input *in, double x[RF_COUNT]);
/* Standardise feature i of x for model rm (clipped). */
double router_z(const struct router_model *rm, const double x[RF_COUNT], int i);
/* Compute both heads' logits for features x. */
void router_logits(const struct router_model *rm, const double x[RF_COUNT], double *l1, double *l2);

/*
 * Pick the first model of tier t (then higher tiers if none) for which
 * usable(arg, m) is true and whose context fits need_tokens (context plus
 * max output); NULL if none. *got (may be NULL) is the tier found.
 */
const struct model *router_pick(const struct catalog *cat, enum tier t, int64_t need_tokens,
    bool (*usable)(void *arg, const struct model *m), void *arg, enum tier *got);
/* Tell whether an answer is a refusal, a hedge or empty (for escalation). */
bool router_is_refusal(const char *text, size_t len);
/* Tell whether text ends inside a fenced code block, one left open (for escalation). */
bool router_fence_open(const char *text, size_t len);

#endif
