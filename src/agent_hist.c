/* agent_hist: an agent task's history (the messages its steps are sent) as capped JSON, and back. */
#include "agent_hist.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util.h"

#define HIST_CUT "[cut from the task's kept history: run the call again if it is needed]"

static void
add_str(cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, key, s);
}

/* One message as a JSON object; a tool result's text replaced by HIST_CUT when cut. */
static cJSON *
msg_json(const struct msg *m, bool cut)
{
	cJSON *o = cJSON_CreateObject(), *calls, *c;
	size_t i;

	add_str(o, "role", m->role);
	add_str(o, "text", cut ? HIST_CUT : m->text);
	add_str(o, "reasoning", m->reasoning);
	add_str(o, "call_id", m->call_id);
	add_str(o, "call_name", m->call_name);
	if (m->call_error)
		cJSON_AddTrueToObject(o, "call_error");
	if (m->ncalls > 0) {
		calls = cJSON_AddArrayToObject(o, "calls");
		for (i = 0; i < m->ncalls; i++) {
			c = cJSON_CreateObject();
			add_str(c, "id", m->calls[i].id);
			add_str(c, "name", m->calls[i].name);
			add_str(c, "args", m->calls[i].args);
			add_str(c, "signature", m->calls[i].signature);
			cJSON_AddItemToArray(calls, c);
		}
	}
	return o;
}

/* The history with the tool results before msgs[upto] cut. */
static char *
dump_cut(const struct msg *msgs, size_t n, size_t upto)
{
	cJSON *a = cJSON_CreateArray();
	char *s;
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, msg_json(&msgs[i], i < upto && msgs[i].role != NULL &&
		    strcmp(msgs[i].role, "tool") == 0));
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	if (s == NULL)
		die("out of memory");
	return s;
}

char *
agent_hist_dump(const struct msg *msgs, size_t n, size_t max)
{
	char *s = dump_cut(msgs, n, 0);
	size_t upto = 0, over;

	/* cut the oldest results first, those the model is least likely to need again */
	while (strlen(s) > max && upto < n) {
		over = strlen(s) - max;
		for (; upto < n && over > 0; upto++)
			if (msgs[upto].role != NULL && strcmp(msgs[upto].role, "tool") == 0 &&
			    msgs[upto].text != NULL)
				over -= over < strlen(msgs[upto].text) ? over : strlen(msgs[upto].text);
		free(s);
		s = dump_cut(msgs, n, upto);
	}
	if (strlen(s) > max) {
		free(s);
		return NULL;
	}
	return s;
}

static char *
own_str(struct agent_hist *h, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v))
		return NULL;
	h->owned = xreallocarray(h->owned, h->nowned + 1, sizeof *h->owned);
	return h->owned[h->nowned++] = xstrdup(v->valuestring);
}

/* The calls of an assistant message o into m. */
static void
load_calls(struct agent_hist *h, const cJSON *o, struct msg *m)
{
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(o, "calls"), *c;
	struct tool_call *v;
	size_t i = 0, n = (size_t)cJSON_GetArraySize(calls);

	if (!cJSON_IsArray(calls) || n == 0)
		return;
	v = xcalloc(n, sizeof *v);
	h->owned = xreallocarray(h->owned, h->nowned + 1, sizeof *h->owned);
	h->owned[h->nowned++] = v;
	cJSON_ArrayForEach(c, calls) {
		v[i].id = own_str(h, c, "id");
		v[i].name = own_str(h, c, "name");
		v[i].args = own_str(h, c, "args");
		v[i].signature = own_str(h, c, "signature");
		i++;
	}
	m->calls = v;
	m->ncalls = n;
}

int
agent_hist_load(const char *json, struct agent_hist *h, char **cause)
{
	static const char *const roles[] = { "user", "assistant", "tool" };
	cJSON *a = cJSON_Parse(json);
	const cJSON *o, *role;
	struct msg *m;
	size_t k;

	memset(h, 0, sizeof *h);
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0) {
		cJSON_Delete(a);
		xasprintf(cause, "the kept history is not one this llm can read");
		return -1;
	}
	h->msgs = xcalloc((size_t)cJSON_GetArraySize(a), sizeof *h->msgs);
	cJSON_ArrayForEach(o, a) {
		role = cJSON_GetObjectItemCaseSensitive(o, "role");
		for (k = 0; k < ARRAY_SIZE(roles) && !(cJSON_IsString(role) &&
		    strcmp(role->valuestring, roles[k]) == 0); k++)
			;
		if (k == ARRAY_SIZE(roles)) {
			cJSON_Delete(a);
			agent_hist_done(h);
			xasprintf(cause, "the kept history has a message of no known role");
			return -1;
		}
		m = &h->msgs[h->nmsgs++];
		m->role = roles[k];   /* a literal, as the agent's own messages have */
		m->text = own_str(h, o, "text");
		if (m->text == NULL)
			m->text = "";
		m->reasoning = own_str(h, o, "reasoning");
		m->call_id = own_str(h, o, "call_id");
		m->call_name = own_str(h, o, "call_name");
		m->call_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "call_error"));
		load_calls(h, o, m);
	}
	cJSON_Delete(a);
	return 0;
}

void
agent_hist_done(struct agent_hist *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nowned; i++)
		free(h->owned[i]);
	free(h->owned);
	free(h->msgs);
	memset(h, 0, sizeof *h);
}
