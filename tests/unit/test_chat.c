/*
 * test_chat: the controller through a fake transport: routing, the budget,
 * retries, fallback, escalation, cancel, and the statuses it reports.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "chat.h"
#include "cli.h"
#include "config.h"
#include "http.h"
#include "learn.h"
#include "ledger.h"
#include "test_db.h"
#include "unit.h"
#include "util.h"

#define NSTATUS (CHAT_CANCELLED + 1)

/* Every status has its own name; a value out of range reads "unknown". */
static void
test_status_names(void)
{
	int i, j;

	CHECK_STR(chat_status_str(CHAT_OK), "ok");
	CHECK_STR(chat_status_str(CHAT_PROVIDER), "provider");
	CHECK_STR(chat_status_str(CHAT_USAGE), "usage");
	CHECK_STR(chat_status_str(CHAT_BUDGET), "budget");
	CHECK_STR(chat_status_str(CHAT_AUTH), "auth");
	CHECK_STR(chat_status_str(CHAT_CANCELLED), "cancelled");
	for (i = 0; i < NSTATUS; i++) {
		CHECK(strcmp(chat_status_str((enum chat_status)i), "unknown") != 0);
		for (j = i + 1; j < NSTATUS; j++)
			CHECK(strcmp(chat_status_str((enum chat_status)i),
			    chat_status_str((enum chat_status)j)) != 0);
	}
	CHECK_STR(chat_status_str((enum chat_status)NSTATUS), "unknown");
	CHECK_STR(chat_status_str((enum chat_status)-1), "unknown");
}

/* The exit codes llm(1) documents, one for each status. */
static void
test_status_exit_codes(void)
{
	CHECK_INT(cli_exit_code(CHAT_OK), 0);
	CHECK_INT(cli_exit_code(CHAT_PROVIDER), 1);
	CHECK_INT(cli_exit_code(CHAT_USAGE), 2);
	CHECK_INT(cli_exit_code(CHAT_BUDGET), 3);
	CHECK_INT(cli_exit_code(CHAT_AUTH), 4);
	CHECK_INT(cli_exit_code(CHAT_CANCELLED), 130);
	/* only success is 0: a failure never reads as success to a script */
	for (int i = 1; i < NSTATUS; i++)
		CHECK(cli_exit_code((enum chat_status)i) != 0);
}

/* Four models on Ollama's wire format (no key): two cheap, a mid and a frontier one. */
static const char config_text[] =
    "[llm]\n"
    "tier = auto\n"
    "budget = 0\n"
    "escalate = no\n"
    "[provider.ollama]\n"
    "base_url = http://127.0.0.1:9\n"
    "[model.t-cheap]\n"
    "provider = ollama\nid = cheap-1\ntier = cheap\ninput_price = 1\noutput_price = 2\n"
    "context = 100000\n"
    "[model.t-cheap2]\n"
    "provider = ollama\nid = cheap-2\ntier = cheap\ninput_price = 1\noutput_price = 2\n"
    "context = 100000\n"
    "[model.t-mid]\n"
    "provider = ollama\nid = mid-1\ntier = mid\ninput_price = 3\noutput_price = 15\n"
    "context = 100000\n"
    "[model.t-frontier]\n"
    "provider = ollama\nid = frontier-1\ntier = frontier\ninput_price = 5\noutput_price = 25\n"
    "context = 100000\n"
    "[tier.cheap]\nmodels = t-cheap, t-cheap2\n"
    "[tier.mid]\nmodels = t-mid\n"
    "[tier.frontier]\nmodels = t-frontier\n";

#define MAX_CALLS 16

/* The fake transport: answers in order (the last one again past the end), and what was asked. */
struct fake {
	struct http_canned answers[MAX_CALLS];
	size_t nanswers;
	size_t calls;
	char model[MAX_CALLS][32];   /* the model id each request named */
};

static struct fake fake;

static void
fake_answer(void *arg, const struct http_spec *spec, struct http_canned *out)
{
	struct fake *f = arg;
	cJSON *j = cJSON_Parse(spec->body ? spec->body : "");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "model");
	size_t i = f->calls < f->nanswers ? f->calls : f->nanswers - 1;

	if (f->calls < MAX_CALLS)
		str_copy(f->model[f->calls], sizeof f->model[0],
		    cJSON_IsString(m) ? m->valuestring : "?");
	cJSON_Delete(j);
	f->calls++;
	if (f->nanswers > 0)
		*out = f->answers[i];
}

/* Add an answer: status and body, after n earlier ones. */
static void
answer(long status, const char *body)
{
	struct http_canned *a = &fake.answers[fake.nanswers++];

	memset(a, 0, sizeof *a);
	a->result = HTTP_OK;
	a->status = status;
	a->body = body;
	a->retry_after_ms = status >= 400 ? 0 : -1;   /* retry at once: the test does not wait */
}

#define REPLY(text) \
	"{\"message\":{\"role\":\"assistant\",\"content\":\"" text "\"},\"done\":false}\n" \
	"{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true," \
	"\"done_reason\":\"stop\",\"prompt_eval_count\":100,\"eval_count\":20}\n"
#define BUSY "{\"error\":\"server busy\"}"

/* A controller over a fresh config and ledger; what its callbacks heard. */
struct rig {
	struct config cfg;
	struct catalog *cat;
	struct ledger *ledger;
	struct chat *chat;
	struct chat_opts o;  /* how the test sends */
	struct buf text;
	int notes, done;
};

static void
on_text(void *arg, const char *s, size_t n)
{
	struct rig *r = arg;

	buf_add(&r->text, s, n);
}

static void
on_note(void *arg, const char *line)
{
	struct rig *r = arg;

	(void)line;
	r->notes++;
}

static void
on_done(void *arg, const struct chat_turn *t)
{
	struct rig *r = arg;

	(void)t;
	r->done++;
}

static struct chat_opts
opts(enum tier t)
{
	struct chat_opts o;

	memset(&o, 0, sizeof o);
	o.tier = t;
	o.stream = true;
	return o;
}

/* Set up with config_text plus extra (appended to [llm] settings at the end), to send at tier t. */
static void
rig_open(struct rig *r, const char *extra, enum tier t)
{
	char *path, *cause = NULL;
	FILE *f;

	memset(r, 0, sizeof *r);
	memset(&fake, 0, sizeof fake);
	test_db_fresh("chat", "llm.db");
	setenv("LLM_CONFIG_DIR", test_dir, 1);
	setenv("LLM_DATA_DIR", test_dir, 1);
	path = xstrfmt("%s/config.ini", test_dir);
	f = fopen(path, "w");
	if (f == NULL)
		die("cannot write %s", path);
	fprintf(f, "%s%s", config_text, extra ? extra : "");
	fclose(f);
	free(path);
	if (config_load(&r->cfg, &cause) != 0)
		die("config: %s", cause);
	r->cat = catalog_new(&r->cfg, &cause);
	if (r->cat == NULL)
		die("catalog: %s", cause);
	r->ledger = ledger_open(r->cfg.data_dir, &cause);
	if (r->ledger == NULL)
		die("ledger: %s", cause);
	r->chat = chat_new(&r->cfg, r->cat, r->ledger);
	r->o = opts(t);
	r->o.escalate = r->cfg.escalate;   /* as the command line takes it */
	buf_init(&r->text, 1 << 20);
	http_set_fake(fake_answer, &fake);
}

static void
rig_close(struct rig *r)
{
	http_set_fake(NULL, NULL);
	chat_free(r->chat);
	ledger_close(r->ledger);
	catalog_free(r->cat);
	config_done(&r->cfg);
	buf_done(&r->text);
	test_db_cleanup();
}

/* Send prompt and run the turn to its end; chat_send's status. */
static enum chat_status
send_all(struct rig *r, const struct chat_opts *o, const char *prompt)
{
	struct chat_cb cb = { .text = on_text, .note = on_note, .done = on_done, .arg = r };
	enum chat_status rc = chat_send(r->chat, o, prompt, &cb);
	int i;

	for (i = 0; i < 1000 && chat_busy(r->chat); i++)
		chat_poll(r->chat, NULL, 0, 10);
	CHECK(!chat_busy(r->chat));
	return rc;
}

/* Send "hi" and run the turn to its end: chat_send says rc, the turn ends in status. */
static const struct chat_turn *
sent(struct rig *r, enum chat_status rc, enum chat_status status)
{
	const struct chat_turn *t;

	CHECK_INT(send_all(r, &r->o, "hi"), rc);
	t = chat_last(r->chat);
	CHECK_INT(t->status, status);
	return t;
}

/* The ledger's rows this month, in order: status and cost of each. */
struct rows {
	char status[8][12];
	int64_t cost[8];
	size_t n;
};

static int
add_row(void *arg, const struct ledger_row *row)
{
	struct rows *rs = arg;

	if (rs->n < 8) {
		str_copy(rs->status[rs->n], sizeof rs->status[0], row->status ? row->status : "?");
		rs->cost[rs->n] = row->cost;
		rs->n++;
	}
	return 0;
}

static void
ledger_read(struct rig *r, struct rows *rs)
{
	memset(rs, 0, sizeof *rs);
	CHECK_INT(ledger_rows(r->ledger, 0, INT64_MAX / 2, add_row, rs, NULL), 0);
}

/* A routed send: the router's tier and model, the answer, its cost, one row. */
static void
test_routed_send(void)
{
	const struct chat_turn *t;
	struct rows rs;
	struct rig r;

	rig_open(&r, NULL, TIER_AUTO);
	answer(200, REPLY("Hello there"));
	t = sent(&r, CHAT_OK, CHAT_OK);
	CHECK_INT(t->finish, CHAT_FINISH_STOP);
	CHECK_INT(t->route.mode, ROUTE_AUTO);
	CHECK_INT(t->route.tier, TIER_CHEAP);
	CHECK_STR(t->route.model ? t->route.model->name : NULL, "t-cheap");
	CHECK_INT(fake.calls, 1);
	CHECK_STR(fake.model[0], "cheap-1");
	CHECK_STR(t->text, "Hello there");
	CHECK_STR(buf_str(&r.text), "Hello there");
	CHECK_INT(r.done, 1);
	CHECK_INT(t->nsteps, 1);
	CHECK_INT(t->steps[0].status, CHAT_OK);
	CHECK_STR(t->steps[0].why, "routed");
	/* 100 tokens in at $1/M and 20 out at $2/M: 140 micro-dollars, reported, not estimated */
	CHECK_INT(t->cost, 140000000);
	CHECK(!t->estimated);
	CHECK(t->error == NULL);
	ledger_read(&r, &rs);
	CHECK_INT(rs.n, 1);
	CHECK_STR(rs.status[0], "ok");
	CHECK_INT(rs.cost[0], 140000000);
	rig_close(&r);
}

/*
 * Every pinned turn leaves a label, and what was learnt is read again before
 * the next turn is routed: in one conversation, the label that reaches the
 * threshold makes the correction apply.
 */
static void
test_labels_read_again(void)
{
	const struct learn *lm;
	struct rig r;
	int i;

	rig_open(&r, NULL, TIER_AUTO);
	answer(200, REPLY("ok"));
	r.o.model = "t-mid";
	for (i = 0; i < LEARN_MIN_LABELS - 1; i++)
		sent(&r, CHAT_OK, CHAT_OK);
	lm = chat_learnt(r.chat);
	CHECK(lm != NULL);
	if (lm != NULL) {
		CHECK_INT(lm->n, LEARN_MIN_LABELS - 1);
		CHECK(!lm->active);
	}
	sent(&r, CHAT_OK, CHAT_OK);
	lm = chat_learnt(r.chat);
	if (lm != NULL) {
		CHECK_INT(lm->n, LEARN_MIN_LABELS);
		CHECK_INT(lm->kinds[LEARN_PIN], LEARN_MIN_LABELS);
		CHECK(lm->active);
	}
	rig_close(&r);
}

/* Over the budget with block: refused before anything is sent, nothing billed. */
static void
test_budget_refusal(void)
{
	const struct chat_turn *t;
	struct chat_route pr;
	struct rows rs;
	struct rig r;
	char *cause = NULL;

	rig_open(&r, "[llm]\nbudget = 0.000001\nbudget_action = block\n", TIER_MID);
	answer(200, REPLY("never"));
	CHECK_INT(chat_preview(r.chat, &r.o, "hi", &pr, &cause), CHAT_OK);
	CHECK(pr.refused);
	free(cause);
	t = sent(&r, CHAT_BUDGET, CHAT_BUDGET);
	CHECK_INT(fake.calls, 0);
	CHECK_INT(r.text.len, 0);
	CHECK(t->error != NULL && strstr(t->error, "budget") != NULL);
	/* the preview said it in the request's words */
	CHECK(t->error != NULL && strcmp(t->error, pr.refusal) == 0);
	ledger_read(&r, &rs);
	CHECK_INT(rs.n, 0);
	CHECK_INT(cli_exit_code(t->status), 3);
	rig_close(&r);
}

/* A busy server: tried again, then the answer. */
static void
test_retry_then_answer(void)
{
	const struct chat_turn *t;
	struct rig r;

	rig_open(&r, NULL, TIER_CHEAP);
	answer(503, BUSY);
	answer(503, BUSY);
	answer(200, REPLY("at last"));
	t = sent(&r, CHAT_OK, CHAT_OK);
	CHECK_INT(fake.calls, 3);
	CHECK_STR(fake.model[2], "cheap-1");
	CHECK_STR(t->text, "at last");
	CHECK_INT(t->nsteps, 1);
	CHECK(r.notes >= 2);   /* each retry is said */
	rig_close(&r);
}

/* A provider that keeps failing: three tries, the tier's next model, then the failure. */
static void
test_provider_failure(void)
{
	const struct chat_turn *t;
	struct rows rs;
	struct rig r;
	size_t i;

	rig_open(&r, NULL, TIER_CHEAP);
	answer(503, BUSY);
	t = sent(&r, CHAT_OK, CHAT_PROVIDER);   /* under way: the failure comes later */
	CHECK_INT(t->finish, CHAT_FINISH_ERROR);
	CHECK_INT(fake.calls, 6);
	for (i = 0; i < 3; i++) {
		CHECK_STR(fake.model[i], "cheap-1");
		CHECK_STR(fake.model[i + 3], "cheap-2");
	}
	CHECK_INT(t->nsteps, 2);
	CHECK_INT(t->steps[0].status, CHAT_PROVIDER);
	CHECK_INT(t->steps[1].status, CHAT_PROVIDER);
	CHECK(t->steps[1].why != NULL && strncmp(t->steps[1].why, "fallback:", 9) == 0);
	CHECK(t->error != NULL && strstr(t->error, "503") != NULL);
	CHECK_INT(r.done, 1);
	ledger_read(&r, &rs);
	CHECK_INT(rs.n, 2);
	CHECK_STR(rs.status[0], "error");
	CHECK_STR(rs.status[1], "error");
	CHECK_INT(cli_exit_code(t->status), 1);
	rig_close(&r);
}

/* A rejected key is not retried nor sent elsewhere. */
static void
test_auth_failure(void)
{
	struct rig r;

	rig_open(&r, NULL, TIER_CHEAP);
	answer(401, "{\"error\":\"unauthorized\"}");
	send_all(&r, &r.o, "hi");
	CHECK_INT(chat_last(r.chat)->status, CHAT_AUTH);
	CHECK_INT(fake.calls, 1);
	CHECK_INT(cli_exit_code(chat_last(r.chat)->status), 4);
	rig_close(&r);
}

/* A refusal from cheap is asked again one tier up; only the second answer is shown. */
static void
test_escalation(void)
{
	const struct chat_turn *t;
	struct rig r;

	rig_open(&r, "[llm]\nescalate = yes\n", TIER_AUTO);
	answer(200, REPLY("I'm sorry, but I can't help with that."));
	answer(200, REPLY("Here is how."));
	t = sent(&r, CHAT_OK, CHAT_OK);
	CHECK_INT(fake.calls, 2);
	CHECK_STR(fake.model[0], "cheap-1");
	CHECK_STR(fake.model[1], "mid-1");
	CHECK_INT(t->nsteps, 2);
	CHECK_INT(t->steps[0].tier, TIER_CHEAP);
	CHECK_INT(t->steps[1].tier, TIER_MID);
	CHECK_STR(t->steps[1].why, "escalated: refusal");
	CHECK_STR(t->text, "Here is how.");
	CHECK_STR(buf_str(&r.text), "Here is how.");
	/* both answers are paid: 140 micro-dollars on cheap, 600 on mid */
	CHECK_INT(t->cost, 140000000 + 600000000);
	rig_close(&r);
}

/* Cancel mid-answer: the partial text and its estimated cost are kept. */
static void
test_cancel_keeps_partial(void)
{
	struct chat_cb cb = { .text = on_text, .note = on_note, .done = on_done };
	const struct chat_turn *t;
	struct rows rs;
	struct rig r;
	int i;

	rig_open(&r, NULL, TIER_CHEAP);
	cb.arg = &r;
	answer(200, "{\"message\":{\"role\":\"assistant\",\"content\":\"The first half\"},"
	    "\"done\":false}\n");
	fake.answers[0].hold = true;
	CHECK_INT(chat_send(r.chat, &r.o, "hi", &cb), CHAT_OK);
	for (i = 0; i < 100 && r.text.len == 0; i++)
		chat_poll(r.chat, NULL, 0, 0);
	CHECK(chat_busy(r.chat));
	CHECK_STR(buf_str(&r.text), "The first half");
	chat_cancel(r.chat);
	CHECK(!chat_busy(r.chat));
	t = chat_last(r.chat);
	CHECK_INT(t->status, CHAT_CANCELLED);
	CHECK(t->cancelled);
	CHECK_INT(t->finish, CHAT_FINISH_CANCELLED);
	CHECK_STR(t->text, "The first half");
	CHECK_INT(t->nsteps, 1);
	CHECK_INT(t->steps[0].status, CHAT_CANCELLED);
	CHECK(t->estimated);
	CHECK(t->cost > 0);
	CHECK_INT(r.done, 1);
	ledger_read(&r, &rs);
	CHECK_INT(rs.n, 1);
	CHECK_STR(rs.status[0], "cancelled");
	CHECK_INT(rs.cost[0], t->cost);
	/* the kept answer is part of the conversation */
	{
		const struct msg *m;

		CHECK_INT(chat_history(r.chat, &m), 2);
	}
	CHECK_INT(cli_exit_code(t->status), 130);
	rig_close(&r);
}

int
main(void)
{
	RUN(test_status_names);
	RUN(test_status_exit_codes);
	RUN(test_routed_send);
	RUN(test_labels_read_again);
	RUN(test_budget_refusal);
	RUN(test_retry_then_answer);
	RUN(test_provider_failure);
	RUN(test_auth_failure);
	RUN(test_escalation);
	RUN(test_cancel_keeps_partial);
	UNIT_EXIT();
}
