/* cache: what each wire format's prompt cache needs: minimum lengths, lifetimes, what a prefix saves. */
#ifndef LLM_CACHE_H
#define LLM_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog.h"
#include "provider.h"

/*
 * Tokens a prefix needs before the provider caches it, for a model id on a
 * wire format (published minimums; config's cache_min overrides them);
 * 0: the format has no cache llm can ask for or read (Ollama).
 */
int64_t cache_min_tokens(enum api api, const char *model_id);
/* Seconds an automatic cache keeps an unused prefix (OpenAI, Gemini, DeepSeek): about 5 minutes. */
#define CACHE_IMPLICIT_TTL 300

/*
 * What reading n cached tokens of a prompt of prompt tokens saves on model m
 * against paying full input for them, at that prompt's prices (pico-dollars;
 * 0 when a price is unknown).
 */
int64_t cache_saving(const struct model *m, int64_t n, int64_t prompt);
/*
 * What u's cache did on model m, in pico-dollars: *saved what the reads saved
 * against full input, *extra what the writes cost over full input (both 0
 * when a price is unknown).
 */
void cache_effect(const struct model *m, const struct usage *u, int64_t *saved, int64_t *extra);


/*
 * What the cache did for a reply, for its line: "1.5k cached, saved $0.0041",
 * "1.5k written, cache +$0.0011", or "" when it did nothing; saved and extra
 * as from cache_effect.
 */
void cache_note(const struct usage *u, int64_t saved, int64_t extra, bool estimated, char *out,
    size_t n);
/*
 * A true bound on a request of input tokens and max_output on model m when
 * the prefix may be written to the cache (ttl seconds): every input token at
 * the higher of the input and the cache-write price. PRICING_* code.
 */
int cache_worst_case(const struct model *m, int64_t input, int64_t max_output, long ttl,
    int64_t *pico);
#endif
