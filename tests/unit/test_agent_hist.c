/* test_agent_hist: a task's history to capped JSON and back, as llm.db keeps it. */
#include <stdlib.h>
#include <string.h>

#include "agent_hist.h"
#include "unit.h"
#include "util.h"

static const struct tool_call calls[] = {
	{ .id = "c1", .name = "read", .args = "{\"path\":\"a.c\"}", .signature = "sig" },
	{ .id = "c2", .name = "run", .args = "{\"command\":\"make\"}" },
};

/* A task: the instruction, a reply with two calls, their results, an answer. */
static void
history(struct msg *m, const char *result1)
{
	memset(m, 0, 5 * sizeof *m);
	m[0].role = "user";
	m[0].text = "fix a.c\n\"quoted\" é";
	m[1].role = "assistant";
	m[1].text = "Looking.";
	m[1].reasoning = "first read it";
	m[1].calls = calls;
	m[1].ncalls = 2;
	m[2].role = "tool";
	m[2].text = result1;
	m[2].call_id = "c1";
	m[2].call_name = "read";
	m[3].role = "tool";
	m[3].text = "make: *** error";
	m[3].call_id = "c2";
	m[3].call_name = "run";
	m[3].call_error = true;
	m[4].role = "assistant";
	m[4].text = "Done.";
}

static void
test_round_trip(void)
{
	struct msg m[5];
	struct agent_hist h;
	char *json, *cause = NULL;

	history(m, "1\tint main;\n");
	json = agent_hist_dump(m, 5, AGENT_HIST_MAX);
	CHECK(json != NULL);
	CHECK_INT(agent_hist_load(json, &h, &cause), 0);
	CHECK(h.nmsgs == 5);
	CHECK_STR(h.msgs[0].role, "user");
	CHECK_STR(h.msgs[0].text, "fix a.c\n\"quoted\" é");
	CHECK_STR(h.msgs[1].reasoning, "first read it");
	CHECK(h.msgs[1].ncalls == 2);
	CHECK_STR(h.msgs[1].calls[0].args, "{\"path\":\"a.c\"}");
	CHECK_STR(h.msgs[1].calls[0].signature, "sig");
	CHECK(h.msgs[1].calls[1].signature == NULL);
	CHECK_STR(h.msgs[2].text, "1\tint main;\n");
	CHECK_STR(h.msgs[3].call_id, "c2");
	CHECK_STR(h.msgs[3].call_name, "run");
	CHECK(h.msgs[3].call_error && !h.msgs[2].call_error);
	CHECK(h.msgs[4].ncalls == 0 && h.msgs[4].reasoning == NULL);
	/* read back, it is dumped the same */
	CHECK_STR_FREE(agent_hist_dump(h.msgs, h.nmsgs, AGENT_HIST_MAX), json);
	agent_hist_done(&h);
	free(json);
}

/* Past the cap, the oldest results are cut to a line; what cannot fit even so is not kept. */
static void
test_cap(void)
{
	struct msg m[5];
	struct agent_hist h;
	char *big = xmalloc(5001), *json, *cause = NULL;
	size_t full;

	memset(big, 'x', 5000);
	big[5000] = '\0';
	history(m, big);
	json = agent_hist_dump(m, 5, AGENT_HIST_MAX);
	full = strlen(json);
	free(json);
	json = agent_hist_dump(m, 5, full - 1000);
	CHECK(json != NULL && strlen(json) <= full - 1000);
	CHECK_INT(agent_hist_load(json, &h, &cause), 0);
	CHECK_HAS(h.msgs[2].text, "cut from the task's kept history");
	CHECK_STR(h.msgs[2].call_id, "c1");
	CHECK_STR(h.msgs[3].text, "make: *** error");   /* a later one stays */
	CHECK_STR(h.msgs[0].text, "fix a.c\n\"quoted\" é");
	agent_hist_done(&h);
	free(json);
	CHECK(agent_hist_dump(m, 5, 100) == NULL);
	free(big);
}

static void
test_bad(void)
{
	struct agent_hist h;
	char *cause = NULL;

	CHECK_INT(agent_hist_load("", &h, &cause), -1);
	CHECK_CAUSE(cause, "not one this llm can read");
	CHECK_INT(agent_hist_load("[]", &h, &cause), -1);
	CHECK_CAUSE(cause, "not one this llm can read");
	CHECK_INT(agent_hist_load("[{\"role\":\"system\",\"text\":\"x\"}]", &h, &cause), -1);
	CHECK_CAUSE(cause, "no known role");
	CHECK(h.msgs == NULL && h.nowned == 0);
}

int
main(void)
{
	RUN(test_round_trip);
	RUN(test_cap);
	RUN(test_bad);
	UNIT_EXIT();
}
