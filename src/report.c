/* report: formatting shared by the report commands (llm budget, usage and logs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "ledger.h"
#include "report.h"
#include "util.h"
#include "visible.h"

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

/*
 * Return o as one line of JSON (malloc'd) with DEL, the C1 controls (U+0080
 * to U+009F) and the bidirectional ones (visible.h) written as \u escapes:
 * cJSON escapes only what JSON requires, a terminal takes U+009B in UTF-8 for
 * CSI as it takes ESC [, so a model's text printed raw could move the cursor
 * or set the clipboard, and a bidirectional control shows the text after it
 * in another order than it holds. Outside strings JSON holds no such bytes,
 * and a reader gets the same text.
 */
char *
report_json_str(const cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	struct buf b;
	size_t i, n, k;
	int32_t cp;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	buf_init(&b, 0);
	for (i = 0; i < n; i += k) {
		k = 1;
		if (s[i] == 0x7f) {
			buf_add(&b, "\\u007f", 6);
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			buf_add(&b, s + i, 1);
			continue;
		}
		k = visible_decode(s + i, n - i, &cp);
		if (cp >= 0 && ((cp >= 0x80 && cp <= 0x9f) || visible_is_bidi((uint32_t)cp)))
			buf_addf(&b, "\\u%04x", (unsigned)cp);
		else
			buf_add(&b, s + i, k);
	}
	cJSON_free(s);
	return buf_detach(&b);
}

/* Print o as one line of JSON. */
void
report_json_print(const cJSON *o)
{
	char *s = report_json_str(o);

	printf("%s\n", s != NULL ? s : "null");
	free(s);
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
