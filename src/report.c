/* report: formatting shared by the report commands (llm budget, usage and logs). */
#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ledger.h"
#include "report.h"
#include "util.h"

/* Add name as an exact JSON integer. */
void
report_json_int(cJSON *o, const char *name, int64_t v)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", (long long)v);
	cJSON_AddItemToObject(o, name, cJSON_CreateRaw(s));
}

/* Add a money field as an exact JSON number of dollars, with its pico-dollar twin. */
void
report_json_money(cJSON *o, const char *name, int64_t pico)
{
	char v[48], key[64];

	ledger_usd(pico, v, sizeof v);
	snprintf(key, sizeof key, "%s_usd", name);
	cJSON_AddItemToObject(o, key, cJSON_CreateRaw(v));
	snprintf(key, sizeof key, "%s_pico", name);
	report_json_int(o, key, pico);
}

/* Print o as one line of JSON. */
void
report_json_print(const cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	printf("%s\n", s);
	cJSON_free(s);
}

/* Write the time of a thing (a conversation, a request) in the user's own zone, or the fallback. */
void
report_when(int64_t t, const char *fmt, const char *fallback, char *out, size_t n)
{
	struct tm tm;

	if (ledger_user_time(t, &tm) == NULL || strftime(out, n, fmt, &tm) == 0)
		str_copy(out, n, fallback);
}

/* Write t as local time, or the fallback. */
void
report_time(int64_t t, const char *fmt, const char *fallback, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(out, n, fmt, &tm) == 0)
		str_copy(out, n, fallback);
}
