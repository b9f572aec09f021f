/* learn: the router learns from its user: labels kept in llm.db, a per-user correction to its heads. */
#ifndef LLM_LEARN_H
#define LLM_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "provider.h"
#include "router.h"

struct ledger;

/* Labels needed before the correction is applied. */
#define LEARN_MIN_LABELS 30
/* The most recent labels fitted; older ones are kept but no longer weigh. */
#define LEARN_MAX_LABELS 2000
/* How much the shipped router weighs against the user's labels, in labels. */
#define LEARN_PRIOR 10.0

/* What a label says about the user's work. */
enum learn_kind {
	LEARN_RETRY,        /* the turn was re-asked one tier up (F4, /retry) */
	LEARN_OVERRIDE,     /* a tier was chosen other than the router's */
	LEARN_ESCALATION,   /* the answer was refused, empty or cut off and went up */
	LEARN_PIN,          /* a model was pinned: its tier */
	LEARN_KINDS,
};

/*
 * What was learnt: plain data. The correction adds w1 . z to the logit of
 * P(cheap is not enough) and w2 . z to that of P(mid is not enough), z being
 * the prompt's features standardised as the shipped router does.
 */
struct learn {
	size_t n;                               /* labels kept */
	size_t kinds[LEARN_KINDS];
	size_t moves[TIER_COUNT][TIER_COUNT];   /* labels by [router's tier][wanted tier] */
	bool active;                            /* n >= LEARN_MIN_LABELS: the correction applies */
	double w1[RF_COUNT], w2[RF_COUNT];
};

/* One label with the request it led to, for reports; usage is zero when it has no row. */
struct learn_row {
	enum learn_kind kind;
	enum tier router, wanted;
	const char *model;          /* the request's model; NULL: none */
	struct usage usage;
	int64_t cost;               /* pico; < 0 unknown or no row */
};

typedef int (*learn_row_fn)(void *arg, const struct learn_row *r);

/* "retry", "override", "escalation" or "pin". */
const char *learn_kind_str(enum learn_kind k);
/*
 * Keep a label: the router said router, the user wanted wanted, for the turn in
 * (its features are kept by name); usage_id is the request's ledger row (0: none).
 * The label's id goes to *id (may be NULL). 0 or -1.
 */
int learn_record(struct ledger *l, enum learn_kind k, enum tier router, enum tier wanted,
    const struct route_input *in, int64_t usage_id, int64_t *id, char **cause);
/* Take back label id: a later one says what the user wanted of the same turn. 0 or -1. */
int learn_drop(struct ledger *l, int64_t id, char **cause);
/*
 * Forget every label: it no longer teaches, though learn_rows still reports it;
 * *n (may be NULL) is how many there were. 0 or -1.
 */
int learn_forget(struct ledger *l, int64_t *n, char **cause);
/* Read the labels and fit the correction into lm. 0 or -1 (lm then learns nothing). */
int learn_load(struct ledger *l, struct learn *lm, char **cause);
/*
 * Apply an active correction to the router's decision d for in: the heads'
 * probabilities, and the tier with a reason that says so when it moves (never
 * below the previous turn's tier). True when the tier moved.
 */
bool learn_apply(const struct learn *lm, const struct route_input *in, struct route_decision *d);
/*
 * The correction's n largest terms on head (1 or 2) into idx (feature indexes),
 * largest weight first; how many were filled.
 */
size_t learn_top(const struct learn *lm, int head, int *idx, size_t n);
/* Call fn for each label of [from, to), forgotten ones too, oldest first. 0 or -1. */
int learn_rows(struct ledger *l, int64_t from, int64_t to, learn_row_fn fn, void *arg,
    char **cause);
/* Count the requests of [from, to) sent where the router chose, by tier, labels left out. */
int learn_routed(struct ledger *l, int64_t from, int64_t to, int64_t routed[TIER_COUNT],
    char **cause);

#endif
