/* cli_json: the JSON money fields of the subcommands' --json output. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "fmt.h"
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
