/* history: finding and forgetting stored conversations (full-text search, deletion). */
#ifndef LLM_HISTORY_H
#define LLM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* One message that matched; strings malloc'd. */
struct history_hit {
	int64_t conv, msg, updated;
	char *title;           /* the conversation's; may be NULL */
	char *role;
	char *snippet;         /* the words around the match, matches in [ ] */
};

/*
 * The messages holding every word of text (whole words, any case, accents
 * ignored), newest conversation first, at most max; the git hook's drafts
 * only with all. Words are matched literally: no query syntax reaches the
 * index. 0, or -1 with *cause.
 */
int history_search(struct store *s, const char *text, size_t max, bool all,
    struct history_hit **out, size_t *n, char **cause);
/* Free a list from history_search; accepts NULL. */
void history_hits_free(struct history_hit *h, size_t n);
/*
 * Forget conversation conv: its messages and itself go; its ledger rows stay
 * (money was spent), no longer pointing at it. 0, or -1 with *cause.
 */
int history_forget(struct store *s, int64_t conv, char **cause);

#endif
