/* cli_json: the JSON money fields, real numbers and texts of the subcommands' --json output. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "input.h"
#include "ledger.h"

/*
 * Add pico-dollars as the exact decimal format writes, raw so that it is
 * never rounded through a double nor given an exponent; null when unknown.
 */
static void
json_amount(cJSON *o, const char *key, int64_t pico, void (*format)(int64_t, char *, size_t))
{
	char s[48];

	if (pico < 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	format(pico, s, sizeof s);
	cJSON_AddItemToObject(o, key, cJSON_CreateRaw(s));
}

/* Add an amount of pico-dollars as an exact number of dollars ("0.00039"), or null if < 0. */
void
cli_json_usd(cJSON *o, const char *key, int64_t pico)
{
	json_amount(o, key, pico, ledger_usd);
}

/* Add a price in pico-dollars a token as dollars a million tokens, or null if < 0. */
void
cli_json_price(cJSON *o, const char *key, int64_t pico)
{
	json_amount(o, key, pico, fmt_price);
}

/*
 * Add a real number (a score, a weight, a probability) as a plain decimal
 * of at most nine places, trailing zeros cut: never an exponent, which a
 * script reading the output with awk or jq's tostring would trip on. Null
 * when it is not finite.
 */
void
cli_json_real(cJSON *o, const char *key, double v)
{
	char s[64];
	size_t n;

	if (!isfinite(v) || fabs(v) >= 1e15) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	snprintf(s, sizeof s, "%.9f", v);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = '\0';
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	cJSON_AddItemToObject(o, key, cJSON_CreateRaw(strcmp(s, "-0") == 0 ? "0" : s));
}

/*
 * A JSON string of s with each sequence that is not UTF-8 made U+FFFD: a
 * model's or a server's text may hold any bytes, and JSON is UTF-8, so one
 * stray byte would make a strict reader (Python's json, jq) refuse it all.
 */
cJSON *
cli_json_string(const char *s)
{
	size_t len, replaced;
	char *u = input_utf8(s, strlen(s), &len, &replaced);
	cJSON *j = cJSON_CreateString(u != NULL ? u : s);

	free(u);
	return j;
}

/* Add text to o under key as cli_json_string makes it. */
void
cli_json_text(cJSON *o, const char *key, const char *text)
{
	cJSON_AddItemToObject(o, key, cli_json_string(text));
}
