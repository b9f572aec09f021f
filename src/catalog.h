/* catalog: the models llm knows, their tiers, prices and context windows. */
#ifndef LLM_CATALOG_H
#define LLM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

enum tier {
	TIER_AUTO = -1,
	TIER_CHEAP = 0,
	TIER_MID = 1,
	TIER_FRONTIER = 2,
};
#define TIER_COUNT 3

/* A price that is not known; never treated as zero. */
#define PRICE_UNKNOWN ((int64_t)-1)

/*
 * Prices are whole pico-dollars per token, which is the same number as
 * micro-dollars per million tokens: $0.14/M is 140000.
 */
struct model {
	const char *name;       /* catalog name: "deepseek-v4-flash" */
	const char *provider;   /* provider section name: "deepseek" */
	const char *id;         /* id on the wire */
	enum tier tier;
	int64_t in_price;
	int64_t out_price;
	int64_t cached_price;        /* cache reads; PRICE_UNKNOWN: charged as input */
	int64_t cache_write_price;   /* 5-minute writes */
	int64_t cache_write_1h_price;
	int64_t context;             /* tokens; 0 unknown */
	int64_t max_output;          /* tokens; 0 unknown */
};

const char *tier_str(enum tier t);
/* Parse "auto", "cheap", "mid" or "frontier". */
bool tier_parse(const char *s, enum tier *out);

#endif
