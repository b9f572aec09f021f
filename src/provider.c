/* provider: pick a wire format by name or enum; the formats themselves live in provider_*.c. */
#include "provider.h"

#include <stdlib.h>

#include "util.h"
#include "wire_call.h"

static const struct provider *const provider_all[] = {
	[API_OPENAI] = &provider_openai,
	[API_ANTHROPIC] = &provider_anthropic,
	[API_GEMINI] = &provider_gemini,
	[API_OLLAMA] = &provider_ollama,
};

/* Return the adapter for a wire format, NULL for a value outside the enum. */
const struct provider *
provider_for(enum api api)
{
	if ((size_t)api >= ARRAY_SIZE(provider_all))
		return NULL;
	return provider_all[api];
}

/* Parse a wire format name as written in config ("openai", ...), any case. */
bool
provider_api_parse(const char *s, enum api *out)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < ARRAY_SIZE(provider_all); i++) {
		if (str_ieq(s, provider_all[i]->name)) {
			*out = provider_all[i]->api;
			return true;
		}
	}
	return false;
}

/* Return the config name of a wire format. */
const char *
provider_api_str(enum api api)
{
	const struct provider *p = provider_for(api);

	return p != NULL ? p->name : "unknown";
}

/* Free what a parse left in st (the error), keeping the rest. */
void
pstate_done(struct pstate *st)
{
	free(st->error);
	st->error = NULL;
	wire_calls_free(st->calls);
	st->calls = NULL;
}

/* A short name for a fault. */
const char *
fault_str(enum fault f)
{
	static const char *const names[] = {
		[FAULT_NONE] = "error",
		[FAULT_AUTH] = "key rejected",
		[FAULT_RATE] = "rate limited",
		[FAULT_OVERLOADED] = "overloaded",
		[FAULT_QUOTA] = "out of quota",
		[FAULT_NOT_FOUND] = "not found",
		[FAULT_REQUEST] = "request refused",
	};

	return (size_t)f < sizeof names / sizeof names[0] ? names[f] : "error";
}

/* What an HTTP status says when the body names no known type. */
enum fault
fault_of_status(long status)
{
	if (status == 401 || status == 403)
		return FAULT_AUTH;
	if (status == 402)
		return FAULT_QUOTA;
	if (status == 404)
		return FAULT_NOT_FOUND;
	if (status == 429)
		return FAULT_RATE;
	if (status == 408 || status == 409 || status >= 500)
		return FAULT_OVERLOADED;
	if (status >= 400)
		return FAULT_REQUEST;
	return FAULT_NONE;
}
