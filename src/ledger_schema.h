/* ledger_schema: the team ledger's PostgreSQL schema, as versioned migrations. */
#ifndef LLM_LEDGER_SCHEMA_H
#define LLM_LEDGER_SCHEMA_H

#include <stddef.h>

/*
 * ledger_schema[i] takes the schema from version i to version i + 1; each runs
 * in the transaction that records the new version in llm.meta.
 */
extern const char *const ledger_schema[];
/* How many there are: the newest version. */
extern const size_t ledger_schema_count;

#endif
