/* router_priv: what the router's files share (the scan, the cheap rules, the decision). */
#ifndef LLM_ROUTER_PRIV_H
#define LLM_ROUTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "router.h"

/* Byte classes for the one pass. */
enum {
	CC_CODE = 1,     /* punctuation typical of code */
	CC_OP = 2,       /* an arithmetic or comparison operator */
	CC_SPACE = 4,
	CC_END = 8,      /* ends a sentence */
	CC_ALPHA = 16,   /* an ASCII letter */
	CC_DIGIT = 32,
	CC_HIGH = 64,    /* a byte of a non-ASCII UTF-8 character */
	CC_MARK = 128,   /* needs a look of its own: newline, backquote, question mark */
};

/* The class of each byte. */
extern const unsigned char router_class[256];

static inline bool
router_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline bool
router_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Whether p[0..n) starts with lit. */
static inline bool
router_starts(const unsigned char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(p, lit, l) == 0;
}

/* Longest stretch of a line read for a small ask, in bytes. */
#define ROUTER_SMALL_MAX 200

/* A request to write or build counts a mid answer's shortfall at this share of the usual. */
#define ROUTER_BUILD_LOSS 0.33

/* router_scan.c */

/* Features of a turn into x[RF_COUNT] in one pass; *hard (may be NULL): subject words hard by themselves. */
void router_scan(const struct route_input *in, double x[RF_COUNT], size_t *hard);
/* Whether the line p[0..n) opens like a log's: a time stamp or a client's address. */
bool router_line_starts_log(const unsigned char *p, size_t n);
/* Fold s[0..len) into low for matching (cap bytes with the NUL); the folded length. */
size_t router_fold(const char *s, size_t len, char *low, size_t cap);
/* Whether the word w[0..n) is one of the n_list words of list. */
bool router_word_in(const char *w, size_t n, const char *const *list, size_t n_list);
/* Whether a word of the folded low[0..n) (letters and the bytes of also) is in list. */
bool router_any_word_in(const char *low, size_t n, const char *also, const char *const *list,
    size_t n_list);
/* Whether one of the n_list phrases of list starts a word of the string low. */
bool router_phrase_in(const char *low, const char *const *list, size_t n_list);
/* Whether prompt[0..len) asks what something is ("what is a spinlock?"). */
bool router_definition_ask(const char *prompt, size_t len);

/* router_rules.c */

/* The rules that send a prompt to cheap whatever the score, in the order they are tried. */
enum router_rule {
	RULE_NONE,
	RULE_ARITH,
	RULE_COMMIT,
	RULE_CONVERT,
	RULE_SUMMARY,
	RULE_LOOKUP,
	RULE_THANKS,
	RULE_EDIT,
	RULE_COMMAND,
	RULE_HOWTO,
	RULE_TOOL,
};

/* What the reason calls each rule (arithmetic has two names, see router_decide_with). */
extern const char *const router_rule_names[];
/* Whether prompt[0..len) asks a question of fact: a value, a name, a count, a yes or no. */
bool router_fact_ask(const char *prompt, size_t len);
/* Whether a one-line question of few words asks nothing hard of its subject: mid at most. */
bool router_plain_question(const struct route_input *in, const double x[RF_COUNT]);
/* The first rule that holds for the prompt: plain arithmetic, a lookup, thanks... */
enum router_rule router_cheap_rule(const struct route_input *in, const double x[RF_COUNT]);
/* The length of the prompt without the blank lines and spaces it ends in. */
size_t router_text_len(const struct route_input *in);
/* True for a short greeting, lookup or textbook question with nothing that needs more. */
bool router_is_lookup(const struct route_input *in, const double x[RF_COUNT]);
/* Whether the prompt is a one-line how-to, command or difference question: a known answer. */
bool router_howto_ask(const struct route_input *in);
/* Whether the prompt asks to write or build something to a specification. */
bool router_is_build(const struct route_input *in);

#endif
