/* report: formatting shared by the report commands (llm budget, usage and logs). */
#ifndef LLM_REPORT_H
#define LLM_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* Add name as an exact JSON integer (a double would round past 2^53). */
void report_json_int(struct cJSON *o, const char *name, int64_t v);
/* Add pico-dollars as NAME_usd, an exact decimal number of dollars, and NAME_pico. */
void report_json_money(struct cJSON *o, const char *name, int64_t pico);
/* Return o as one line of JSON (malloc'd), DEL and C1 controls escaped; NULL if out of memory. */
char *report_json_str(const struct cJSON *o);
/* Print o on stdout as one line of JSON. */
void report_json_print(const struct cJSON *o);
/*
 * Write t as local time in strftime format fmt, or fallback if it cannot be:
 * with a team's ledger, in the team's zone, which counts its months and days.
 */
void report_time(int64_t t, const char *fmt, const char *fallback, char *out, size_t n);
/*
 * Write t as report_time does, but in the user's own zone whatever the
 * ledger: for the time of a thing (a conversation, a request).
 */
void report_when(int64_t t, const char *fmt, const char *fallback, char *out, size_t n);
/* Write a token count for people: 1234 -> "1234", 12345 -> "12k", 1234567 -> "1.2M". */

#endif
