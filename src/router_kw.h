/* router_kw: the keywords the router counts, by group, in one sorted table. */
#ifndef LLM_ROUTER_KW_H
#define LLM_ROUTER_KW_H

#include <stdbool.h>
#include <stddef.h>

enum kw_group {
	KW_REASON,
	KW_MATH,
	KW_CODE,
	KW_CREATIVE,
	KW_SIMPLE,
	KW_FORMAT,
	KW_TRACE,        /* counted only in a crash message's context */
	KW_WORK,         /* asks for everyday work: write, convert, fix, explain, test */
	KW_DEEP,         /* asks for judgement: review, audit, design, verify */
	KW_CONC,         /* subject: concurrency and memory ordering */
	KW_SEC,          /* subject: security */
	KW_DIST,         /* subject: distributed systems and consensus */
	KW_PERF,         /* subject: performance */
	KW_BUILD,        /* subject: build, deployment and tooling */
	KW_DATA,         /* subject: data formats */
	KW_FORMAL,       /* subject: proofs, complexity, undefined behaviour */
	KW_COUNT
};

#define KW_WORD_MAX 32 /* words this long are never looked up */

/* Set in router_kw_groups()'s groups for a subject word hard by itself ("lock-free", "Raft"). */
#define KW_HARD_WORD (1u << 31)

/*
 * The groups (bit 1 << group each) of the keywords the word w[0..n) is: equal
 * to, in any case, or for a stem, starting with. w is ASCII letters, 2 to
 * KW_WORD_MAX - 1 of them. *plain (if not NULL) gets the groups in which the
 * word is a plain one, with an everyday sense as common as the technical.
 */
unsigned router_kw_groups(const unsigned char *w, size_t n, unsigned *plain);
/* The same by trying every keyword in turn (for tests and the fuzzer). */
unsigned router_kw_groups_slow(const unsigned char *w, size_t n, unsigned *plain);
/* Keyword i of the table, NULL past its end (for tests). */
const char *router_kw_word(size_t i);
/* Whether the table is sorted and well formed (for tests). */
bool router_kw_valid(void);

#endif
