/* tui_turn: a turn on the screen: sending, the streamed reply, retrying, resuming. */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "config.h"
#include "cmd_check.h"
#include "pricing.h"
#include "role.h"
#include "store.h"
#include "tui_priv.h"
#include "util.h"

/* The options a turn is sent with now. */
/* What re-asks the last turn one tier up, named in the options tui_opts fills. */
static char up_how[32];

void
tui_opts(const struct tui *t, struct chat_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tier = t->tier;
	o->model = t->pin;
	o->system = t->system != NULL ? t->system : "";   /* "": none, even after a resume */
	o->stream = true;
	o->escalate = t->cfg->escalate;
	o->max_tokens = t->role_max_tokens > 0 ? t->role_max_tokens : t->cfg->max_tokens;
	o->role = t->role != NULL ? t->role : "";
	o->temperature_set = t->temperature_set;
	o->temperature_milli = t->temperature_milli;
	o->tier_how = "/tier";
	/* the key that re-asks one tier up, as bound now */
	tui_key_or_cmd(t, ACT_RETRY, up_how, sizeof(up_how));
	o->up_how = up_how;
}

/*
 * Take role name's defaults: its tier or model where none is chosen (always,
 * with force), its temperature and output cap, and its system prompt unless
 * keep_system. 0, or -1 with *cause.
 */
int
tui_role_apply(struct tui *t, const char *name, bool keep_system, bool force, char **cause)
{
	struct role r;

	if (role_load(&r, name, t->cfg->dir, cause) != 0)
		return -1;
	free(t->role);
	t->role = xstrdup(r.name);
	t->temperature_set = r.temperature_set;
	t->temperature_milli = r.temperature_milli;
	t->role_max_tokens = r.max_tokens;
	if (!keep_system) {
		free(t->system);
		t->system = r.system != NULL ? xstrdup(r.system) : NULL;
	}
	if ((force || (t->tier == TIER_AUTO && t->pin == NULL)) && r.model != NULL) {
		free(t->pin);
		t->pin = xstrdup(r.model);
	} else if ((force || (t->tier == TIER_AUTO && t->pin == NULL)) && r.tier != TIER_AUTO) {
		t->tier = r.tier;
	}
	t->route_dirty = true;
	role_done(&r);
	return 0;
}

/* Forget the role: its defaults go; the system prompt stays until /system --clear. */
void
tui_role_clear(struct tui *t)
{
	free(t->role);
	t->role = NULL;
	t->temperature_set = false;
	t->role_max_tokens = 0;
	t->route_dirty = true;
}

/* The prompt for input: attachments first, then the text; malloc'd. */
char *
tui_compose(const struct tui *t, const char *input)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < t->natt; i++) {
		if (t->att[i].text == NULL)
			continue;   /* an image: it goes beside the text */
		buf_adds(&b, t->att[i].text);
		buf_adds(&b, "\n");
	}
	buf_adds(&b, input);
	return buf_detach(&b);
}

/* One line per request of a turn: tier · model · tokens · cost · why. */
static char *
turn_info(const struct chat_turn *turn)
{
	struct buf b;
	char in[16], out[16], money[32], note[96];
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < turn->nsteps; i++) {
		const struct chat_step *s = &turn->steps[i];
		int64_t input = s->usage.input + s->usage.cached_input + s->usage.cache_write +
		    s->usage.cache_write_1h;

		fmt_tokens(input, in, sizeof(in));
		fmt_tokens(s->usage.output, out, sizeof(out));
		pricing_format(s->cost, s->estimated, money, sizeof(money));
		buf_addf(&b, "%s%s \xc2\xb7 %s \xc2\xb7 %s%s\xe2\x86\x92%s tok \xc2\xb7 %s", i ? "\n" : "",
		    tier_str(s->tier), s->model ? s->model->name : "?", s->estimated ? "~" : "", in, out,
		    money);
		cache_note(&s->usage, s->cache_saved, s->cache_extra, s->estimated, note, sizeof note);
		if (*note != '\0')
			buf_addf(&b, " \xc2\xb7 %s", note);
		if (s->why != NULL && strcmp(s->why, "routed") != 0)
			buf_addf(&b, " \xc2\xb7 %s", s->why);
	}
	if (turn->nsteps > 1) {
		pricing_format(turn->cost, turn->estimated, money, sizeof(money));
		buf_addf(&b, "\ntotal %s", money);
	}
	if (turn->nsteps == 0 && turn->route.model != NULL)
		buf_addf(&b, "%s \xc2\xb7 %s", tier_str(turn->route.tier), turn->route.model->name);
	return buf_detach(&b);
}

static void
cb_text(void *arg, const char *s, size_t n)
{
	struct tui *t = arg;

	if (t->streaming == NULL) {
		t->streaming = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
		visible_init(&t->vis);
	}
	buf_reset(&t->scratch);
	visible_feed(&t->vis, s, n, &t->scratch);
	if (t->scratch.len > 0)
		tui_view_append(&t->view, t->streaming, t->scratch.data, t->scratch.len);
	t->dirty = true;
}

/*
 * An escalation takes back the answer that streamed: the entry starts again
 * empty (so the note goes above it), and its info shows the request already
 * made, with its cost, above the one now streaming.
 */
static void
cb_retract(void *arg, enum tier tier, const struct model *m)
{
	struct tui *t = arg;
	char *made, *info;

	if (t->streaming == NULL)
		return;
	tui_view_set(&t->view, t->streaming, "", 0);
	visible_init(&t->vis);
	made = turn_info(chat_last(t->chat));
	info = xstrfmt("%s%s%s \xc2\xb7 %s \xc2\xb7 \xe2\x80\xa6", made, *made ? "\n" : "",
	    tier_str(tier), m->name);
	tui_view_set_info(t->streaming, info);
	free(info);
	free(made);
	t->dirty = true;
}

static void
cb_note(void *arg, const char *line)
{
	struct tui *t = arg;

	/* Retries, downgrades and escalations read best above the answer they led to. */
	if (t->streaming != NULL && t->streaming->text.len == 0)
		tui_view_insert(&t->view, t->streaming, TUI_NOTE, line, strlen(line));
	else
		tui_view_add(&t->view, TUI_NOTE, line, strlen(line));
	t->dirty = true;
}

/*
 * A budget threshold first passed this month: said once, so in the transcript,
 * whole; the status line would cut it to the width and drop it at the next key.
 */
static void
cb_warn(void *arg, const char *line)
{
	cb_note(arg, line);
}

/*
 * /cmd's reply: the command waits for y, as /run's does, marked if it
 * destroys; none from a reply cut off before its command ended.
 */
static void
cmd_proposed(struct tui *t, const struct chat_turn *turn)
{
	bool cut = turn->finish == CHAT_FINISH_LENGTH || turn->finish == CHAT_FINISH_FILTER;
	char *explain = NULL, *cmd = cmd_parse_reply(turn->text, cut, &explain), why[200];

	free(explain);
	if (cmd == NULL) {
		tui_status(t, true, cut ? "/cmd: the reply was cut off before its command ended" :
		    "/cmd: the reply held no command");
		return;
	}
	tui_confirm(t, cmd, cmd_check(cmd, why, sizeof why) > 0 ? why : NULL);
}

/* Say why a reply streaming stops what was asked, until the reply ends. */
static void
busy_status(struct tui *t, const char *key)
{
	if (*key)
		tui_status(t, true, "a reply is still streaming: wait, or %s to cancel it", key);
	else
		tui_status(t, true, "a reply is still streaming");
	t->status_busy = true;
}

/* Add note s under the answer; below the frontier tier, with what asks the tier above. */
static void
note_up(struct tui *t, const struct chat_turn *turn, const char *s)
{
	bool up = turn->nsteps > 0 && turn->steps[turn->nsteps - 1].tier < TIER_FRONTIER;
	char key[32], *line;

	tui_key_or_cmd(t, ACT_RETRY, key, sizeof(key));
	line = up ? xstrfmt("%s; %s asks it again one tier up", s, key) : xstrdup(s);
	tui_view_add(&t->view, TUI_NOTE, line, strlen(line));
	free(line);
}

/* Say under an answer that it is not whole, as the one-shot client does, or that it is empty. */
static void
finish_note(struct tui *t, const struct chat_turn *turn)
{
	const char *s = chat_turn_window_cut(turn) ?
	    "the answer was cut off at the end of the model's context window (/compact or /new "
	    "makes room)" : turn->finish == CHAT_FINISH_LENGTH ?
	    "the answer was cut off at the length limit (max_tokens in config.ini raises it)" :
	    turn->finish == CHAT_FINISH_FILTER ? "the answer was stopped by the provider's filter" :
	    NULL;

	if (s != NULL)
		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
	else if (turn->len == 0 && turn->ncalls == 0)
		note_up(t, turn, "the model sent no text");
}

static void
cb_done(void *arg, const struct chat_turn *turn)
{
	struct tui *t = arg;
	struct tui_msg *m = t->streaming;
	char *info;

	if (t->status_busy) {
		t->status[0] = '\0';
		t->status_busy = false;
	}

	if (m == NULL)
		m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
	/* The answer kept is the last request's, whatever streamed before an escalation. */
	if (turn->text != NULL)
		tui_view_set(&t->view, m, turn->text, turn->len);
	info = turn_info(turn);
	tui_view_set_info(m, *info ? info : NULL);
	free(info);
	if (turn->cancelled && turn->len > 0) {
		const char *s = "cancelled: the partial answer and its cost are kept";

		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
	} else if (turn->cancelled) {
		note_up(t, turn, "cancelled before any answer came");
	} else if (turn->status != 0 && turn->error != NULL) {
		tui_view_add(&t->view, TUI_ERROR, turn->error, strlen(turn->error));
	} else if (turn->status == 0) {
		finish_note(t, turn);
	}
	t->streaming = NULL;
	t->route_dirty = true;
	tui_meter_refresh(t);
	t->dirty = true;
	if (t->cmd_pending) {
		t->cmd_pending = false;
		if (turn->status == 0 && !turn->cancelled && turn->text != NULL)
			cmd_proposed(t, turn);
	}
}

/* The callbacks turns report through. */
const struct chat_cb *
tui_callbacks(struct tui *t)
{
	/* the screen can take back what streamed: a cut-off answer is re-asked even so */
	static struct chat_cb cb = { .text = cb_text, .note = cb_note, .done = cb_done,
		.warn = cb_warn, .retract = cb_retract };

	cb.arg = t;
	return &cb;
}

/* After chat_send or chat_retry_up: the reply's entry, or the refusal. */
static void
started(struct tui *t, int rc)
{
	const struct chat_turn *turn = chat_last(t->chat);
	char *info;

	t->view.scroll = 0;
	if (rc == 0 && !chat_busy(t->chat))
		return;   /* it already ended, through cb_done */
	if (rc != 0) {
		const char *e = turn && turn->error ? turn->error : "the request was refused";

		tui_view_add(&t->view, TUI_ERROR, e, strlen(e));
		tui_meter_refresh(t);
		return;
	}
	if (t->streaming == NULL) {
		t->streaming = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
		visible_init(&t->vis);
	}
	t->stream_start = clock_ms();
	t->stream_secs = 0;
	if (turn != NULL && turn->route.model != NULL) {
		info = xstrfmt("%s \xc2\xb7 %s \xc2\xb7 \xe2\x80\xa6", tier_str(turn->route.tier),
		    turn->route.model->name);
		tui_view_set_info(t->streaming, info);
		free(info);
	}
	tui_meter_refresh(t);
}

bool
tui_blank(const char *line)
{
	return line[strspn(line, " \t\r\n")] == '\0';
}

/* Send a line: a slash command, or a message with the attachments. */
void
tui_submit(struct tui *t, const char *line)
{
	struct chat_opts o;
	struct buf shown;
	char *prompt;
	size_t i;
	int rc;

	t->status[0] = '\0';
	if (line[0] == '/' && line[1] != '/') {
		tui_command(t, line);
		return;
	}
	if (line[0] == '/')
		line++;   /* "//" sends a line that starts with a slash */
	if (tui_blank(line) && t->natt == 0)
		return;   /* blanks alone are no question, and some providers refuse them */
	if (chat_busy(t->chat) || tui_job_busy(t) || tui_agent_busy(t)) {
		char k[16];

		tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
		if (tui_agent_busy(t))
			tui_status(t, true, "an agent task is running: wait, or %s to stop its step", k);
		else if (chat_busy(t->chat))
			busy_status(t, k);
		else
			tui_status(t, true, "a /run command is still running: wait for its output, or %s "
			    "to stop it", k);
		t->restore_input = xstrdup(line);
		return;
	}
	buf_init(&shown, 0);
	for (i = 0; i < t->natt; i++)
		buf_addf(&shown, "[attached %s]\n", t->att[i].label);
	buf_adds(&shown, line);
	tui_view_add(&t->view, TUI_USER, shown.data ? shown.data : "", shown.len);
	buf_done(&shown);
	prompt = tui_compose(t, line);
	if (t->agent) {
		tui_agent_submit(t, prompt, NULL);
		if (tui_agent_busy(t))
			tui_attach_free(t);
		free(prompt);
		t->route_dirty = true;
		return;
	}
	tui_opts(t, &o);
	/* /cmd's proposal: the cheap tier is its own, no judgement of the router */
	o.cmd_turn = t->cmd_pending;
	/* no turn runs now: the last one's images are done with */
	tui_attach_sent_free(t);
	tui_attach_images(t, &o);
	rc = chat_send(t->chat, &o, prompt, tui_callbacks(t));
	free(prompt);
	if (rc == 0) {
		tui_attach_sent(t);
		tui_attach_free(t);
	}
	started(t, rc);
	t->route_dirty = true;
}

/* /cmd REQUEST: one command from the cheap tier, in this conversation, then the question. */
void
tui_cmd_request(struct tui *t, const char *request)
{
	char *sys = cmd_prompt("/bin/sh"), *msg;
	bool routed = t->tier == TIER_AUTO && t->pin == NULL;
	enum tier saved = t->tier;

	if (chat_busy(t->chat) || tui_job_busy(t)) {
		tui_status(t, true, "/cmd: wait for the reply or the /run command to end first");
		free(sys);
		return;
	}
	/* the instructions go with the message: the conversation's system prompt stays */
	msg = xstrfmt("%s\n\nRequest: %s", sys, request);
	if (routed)
		t->tier = TIER_CHEAP;
	t->cmd_pending = true;
	tui_submit(t, msg);
	t->tier = saved;
	if (!chat_busy(t->chat) && chat_last(t->chat)->status != 0)
		t->cmd_pending = false;
	free(msg);
	free(sys);
}

/* Re-ask the last turn one tier up. */
void
tui_retry_up(struct tui *t)
{
	enum tier last = chat_last_tier(t->chat);
	struct chat_opts o;
	int rc;

	if (chat_busy(t->chat)) {
		busy_status(t, "");
		return;
	}
	if (last == TIER_AUTO && t->agent) {
		char k[16], k2[16];

		/* a task is no turn to re-ask: its tier is chosen before it is sent */
		tui_key_name(tui_action_key(t, ACT_RETRY), k, sizeof(k));
		tui_key_name(tui_action_key(t, ACT_TIER), k2, sizeof(k2));
		tui_status(t, true, "%s re-asks a chat turn, not a task: %s sets the tier a task "
		    "starts on", k, k2);
		return;
	}
	if (last == TIER_AUTO) {
		tui_status(t, true, "nothing to re-ask yet");
		return;
	}
	if (last >= TIER_FRONTIER) {
		tui_status(t, true, "the last answer came from the frontier tier: there is no tier above");
		return;
	}
	tui_opts(t, &o);
	/* the last turn's images go with it again: it is the same question, asked higher */
	o.images = t->sent_img;
	o.nimages = t->nsent_img;
	rc = chat_retry_up(t->chat, &o, tui_callbacks(t));
	if (rc == CHAT_USAGE) {
		tui_status(t, true, "nothing to re-ask: the last turn asked no question");
		return;
	}
	if (rc == 0) {
		char *s = xstrfmt("re-asking one tier up: %s", tier_str(chat_last(t->chat)->route.tier));

		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
		free(s);
	}
	started(t, rc);
}

/* Summarise the older turns now: later turns send the summary and the recent turns. */
void
tui_compact(struct tui *t)
{
	struct chat_opts o;
	int rc;

	if (chat_busy(t->chat)) {
		busy_status(t, "");
		return;
	}
	tui_opts(t, &o);
	rc = chat_compact(t->chat, &o, tui_callbacks(t));
	if (rc != 0 && chat_last(t->chat)->error == NULL) {
		tui_status(t, true, "/compact: too few turns to summarise yet");
		return;
	}
	if (rc == 0) {
		const char *s = "compacting: the older turns are summarised on the cheap tier";

		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
	}
	started(t, rc);
}

/* Load conversation id into the transcript and continue it. */
int
tui_resume(struct tui *t, int64_t id)
{
	struct store_msg *msgs = NULL;
	char *cause = NULL, in[16], out[16], money[32], key[32];
	size_t n = 0, i;

	if (t->ledger == NULL) {
		tui_status(t, true, "no ledger: conversations cannot be resumed");
		return -1;
	}
	if (!ledger_conv_exists(t->ledger, id)) {
		tui_key_or_cmd(t, ACT_RESUME, key, sizeof(key));
		tui_status(t, true, "/resume: no conversation %lld: %s lists them", (long long)id, key);
		return -1;
	}
	if (chat_busy(t->chat))
		chat_cancel(t->chat);
	if (chat_resume(t->chat, id, &cause) != 0 ||
	    store_msgs(ledger_store(t->ledger), id, &msgs, &n, &cause) != 0) {
		tui_status(t, true, "conversation %lld: %s", (long long)id, cause ? cause : "not found");
		free(cause);
		return -1;
	}
	tui_agent_forget(t);
	tui_view_clear(&t->view);
	for (i = 0; i < n; i++) {
		struct store_msg *s = &msgs[i];
		bool user = s->role && strcmp(s->role, "user") == 0;
		struct tui_msg *m = tui_view_add(&t->view, user ? TUI_USER : TUI_ASSISTANT,
		    s->text ? s->text : "", s->text ? strlen(s->text) : 0);

		if (!user && s->model != NULL) {
			char *info;
			bool cut;

			fmt_tokens(s->input, in, sizeof(in));
			fmt_tokens(s->output, out, sizeof(out));
			pricing_format(s->cost, s->estimated, money, sizeof(money));
			/* a cancelled answer is cut short: say so, as llm logs does */
			cut = s->status != NULL && strcmp(s->status, "ok") != 0;
			info = xstrfmt("%s \xc2\xb7 %s \xc2\xb7 %s%s\xe2\x86\x92%s tok \xc2\xb7 %s%s%s",
			    s->tier ? s->tier : "?", s->model, s->estimated ? "~" : "", in, out, money,
			    cut ? " \xc2\xb7 " : "", cut ? s->status : "");
			tui_view_set_info(m, info);
			free(info);
		}
	}
	store_msgs_free(msgs, n);
	/* the conversation's own system prompt carries on, and /system shows it */
	free(t->system);
	t->system = chat_system(t->chat) ? xstrdup(chat_system(t->chat)) : NULL;
	/* and its role's defaults; a role that is gone leaves the prompt, which is kept */
	tui_role_clear(t);
	if (chat_role(t->chat) != NULL &&
	    tui_role_apply(t, chat_role(t->chat), true, false, &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	t->streaming = NULL;
	t->route_dirty = true;
	tui_status(t, false, "conversation %lld: %zu messages", (long long)id, n);
	return 0;
}

