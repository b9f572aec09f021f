/* tui_cmd: the verb table: what every key action and slash command does, /help, completion. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <readline/readline.h>

#include "app.h"
#include "config.h"
#include "pricing.h"
#include "proc.h"
#include "store.h"
#include "tui_priv.h"
#include "tui_usage.h"
#include "util.h"

#define ATTACH_MAX (1 << 20)
#define RUN_MAX (256 * 1024)
/* How long the clipboard tool may take to read what it is given. */
#define CLIP_TIMEOUT_MS (10 * 1000)


/* Cycle the tier override. */
void
tui_tier_cycle(struct tui *t)
{
	t->tier = t->tier == TIER_FRONTIER ? TIER_AUTO : (enum tier)(t->tier + 1);
	t->route_dirty = true;
	if (t->pin != NULL)
		tui_status(t, false, "tier: %s (the pinned model %s still wins)", t->tier == TIER_AUTO ?
		    "auto" : tier_str(t->tier), t->pin);
	else
		tui_status(t, false, "tier: %s", t->tier == TIER_AUTO ? "auto" : tier_str(t->tier));
}

static void
cmd_help(struct tui *t, char *arg)
{
	(void)arg;
	tui_pick_open(t, MODE_HELP);
}

static void
cmd_tier(struct tui *t, char *arg)
{
	enum tier tr;

	if (*arg == '\0') {
		tui_tier_cycle(t);
		return;
	}
	if (!tier_parse(arg, &tr)) {
		tui_status(t, true, "/tier: '%s' is not auto, cheap, mid or frontier", arg);
		return;
	}
	t->tier = tr;
	t->route_dirty = true;
	tui_status(t, false, "tier: %s%s", tr == TIER_AUTO ? "auto" : tier_str(tr),
	    t->pin ? " (the pinned model still wins)" : "");
}

static void
cmd_model(struct tui *t, char *arg)
{
	bool off;

	if (*arg == '\0') {
		tui_pick_open(t, MODE_PICK_MODEL);
		return;
	}
	off = strcmp(arg, "off") == 0 || strcmp(arg, "none") == 0 || strcmp(arg, "auto") == 0;
	/* A name not known leaves the pin as it was: a typo must not reroute the next message. */
	if (!off && strchr(arg, '/') == NULL && catalog_find(t->cat, arg) == NULL) {
		struct buf near;

		buf_init(&near, 0);
		if (catalog_near(t->cat, arg, &near))
			tui_status(t, true, "/model: unknown model '%s'; did you mean %s?%s", arg,
			    buf_str(&near), t->pin ? " The pin stays." : "");
		else
			tui_status(t, true, "/model: unknown model '%s' (%s lists them)%s", arg, "/model",
			    t->pin ? "; the pin stays" : "");
		buf_done(&near);
		return;
	}
	free(t->pin);
	t->pin = NULL;
	t->route_dirty = true;
	if (off) {
		tui_status(t, false, "unpinned: messages are routed by tier");
		return;
	}
	t->pin = xstrdup(arg);
	tui_status(t, false, "pinned %s: every message goes to it", arg);
}

static void
cmd_retry(struct tui *t, char *arg)
{
	(void)arg;
	tui_retry_up(t);
}

static void
cmd_compact(struct tui *t, char *arg)
{
	(void)arg;
	tui_compact(t);
}

static void
cmd_budget(struct tui *t, char *arg)
{
	char spent[32], amount[32], res[48] = "", lim[32], *s;
	const struct meter *m = &t->meter;

	(void)arg;
	tui_meter_refresh(t);
	if (!t->meter_ok)
		return;
	pricing_format(m->spent, m->estimated, spent, sizeof(spent));
	/* only a live reservation is named: "~$0.00 reserved" would claim one that is not there */
	if (m->reserved > 0) {
		pricing_format(m->reserved, true, amount, sizeof(amount));
		snprintf(res, sizeof(res), ", %s reserved", amount);
	}
	if (m->limit > 0) {
		pricing_format_exact(m->limit, lim, sizeof(lim));
		/* what happens at the limit, as llm budget's "at limit": never a claim that it is passed */
		s = xstrfmt("budget %s: %s spent%s, of %s (%lld%%); %lld request%s, %lld of "
		    "unknown cost; at the limit: %s", m->month, spent, res, lim,
		    (long long)(m->spent * 100 / m->limit), (long long)m->requests,
		    m->requests == 1 ? "" : "s", (long long)m->unknown_count,
		    budget_action_str(t->cfg->budget_action));
	} else {
		s = xstrfmt("budget %s: %s spent%s, no monthly budget set; %lld request%s, "
		    "%lld of unknown cost", m->month, spent, res, (long long)m->requests,
		    m->requests == 1 ? "" : "s", (long long)m->unknown_count);
	}
	tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
	free(s);
	t->view.scroll = 0;
}

static void
cmd_new(struct tui *t, char *arg)
{
	bool stopped = chat_busy(t->chat), partial = false;
	int64_t conv = 0;
	size_t i;

	(void)arg;
	if (stopped) {
		/* stopped as C-c stops it: what came and its cost stay in the old conversation */
		chat_cancel(t->chat);
		conv = chat_conversation(t->chat);
		for (i = t->view.n; i-- > 0; ) {
			if (t->view.msgs[i]->role == TUI_ASSISTANT) {
				partial = t->view.msgs[i]->text.len > 0;
				break;
			}
		}
	}
	chat_reset(t->chat);
	tui_agent_forget(t);
	tui_view_clear(&t->view);
	tui_attach_free(t);
	t->streaming = NULL;
	t->route_dirty = true;
	if (stopped && conv > 0)
		tui_status(t, false, "new conversation; the reply was stopped: %s (/resume %lld)",
		    partial ? "its partial answer and cost are kept" : "its cost is kept",
		    (long long)conv);
	else if (stopped)
		tui_status(t, false, "new conversation; the reply was stopped: %s",
		    partial ? "its partial answer and cost are kept" : "its cost is kept");
	else
		tui_status(t, false, "new conversation");
}

static void
cmd_resume(struct tui *t, char *arg)
{
	char key[32];
	int64_t id;

	if (*arg == '\0') {
		tui_pick_open(t, MODE_PICK_CONV);
		return;
	}
	if (*arg == '#')
		arg++;
	if (!str_to_i64(arg, &id) || id <= 0) {
		tui_key_or_cmd(t, ACT_RESUME, key, sizeof(key));
		tui_status(t, true, "/resume: '%s' is not a conversation number: %s lists them", arg,
		    key);
		return;
	}
	tui_resume(t, id);
}

/* A path as typed, with a leading "~/" made the home directory as a shell would; malloc'd. */
static char *
typed_path(const char *arg)
{
	const char *home = getenv("HOME");

	if (arg[0] == '~' && (arg[1] == '/' || arg[1] == '\0') && home != NULL && *home)
		return xstrfmt("%s%s", home, arg + 1);
	return xstrdup(arg);
}

static void
cmd_file(struct tui *t, char *arg)
{
	char *path;

	if (*arg == '\0') {
		tui_status(t, true, "/file PATH: which file?");
		return;
	}
	path = typed_path(arg);
	tui_attach_file(t, "/file", path);
	free(path);
}

static void
cmd_run(struct tui *t, char *arg)
{
	if (*arg == '\0') {
		tui_status(t, true, "/run CMD: which command?");
		return;
	}
	tui_confirm(t, xstrdup(arg), NULL);
}

/* /save PATH: the last reply, as the model wrote it, to a new file. */
static void
save_reply(struct tui *t, const char *arg)
{
	const struct msg *msgs;
	size_t n = chat_history(t->chat, &msgs);
	const char *text = NULL;
	char *path, *cause = NULL, *data;

	while (n > 0 && text == NULL)
		if (strcmp(msgs[--n].role, "assistant") == 0)
			text = msgs[n].text;
	if (text == NULL) {
		tui_status(t, true, "/save: there is no reply yet");
		return;
	}
	path = typed_path(str_trim((char *)arg));
	data = xstrfmt("%s%s", text, *text && text[strlen(text) - 1] != '\n' ? "\n" : "");
	if (file_write_new(path, data, strlen(data), 0644, &cause) != 0) {
		tui_status(t, true, "/save: %s%s", cause, strstr(cause, "exists") ?
		    " (not overwritten)" : "");
		free(cause);
	} else {
		tui_status(t, false, "saved the last reply to %s", path);
	}
	free(data);
	free(path);
}

static void
cmd_save(struct tui *t, char *arg)
{
	char *sp = strchr(arg, ' ');
	const struct md_code *c;
	char *path;
	int64_t n;
	size_t len;
	int fd;

	if (*arg == '\0' || (sp == NULL && str_to_i64(arg, &n))) {
		tui_status(t, true, "/save [N] PATH: which code block (none: the whole reply), and "
		    "where?");
		return;
	}
	if (sp != NULL)
		*sp = '\0';
	if (sp == NULL || !str_to_i64(arg, &n)) {
		if (sp != NULL)
			*sp = ' ';
		save_reply(t, arg);
		return;
	}
	if (!str_to_i64(arg, &n) || n <= 0 || n > 1000000) {
		tui_status(t, true, "/save: '%s' is not a code block number", arg);
		return;
	}
	if ((c = tui_view_code(&t->view, (int)n)) == NULL) {
		tui_no_code(t, "/save", (long long)n);
		return;
	}
	path = typed_path(str_trim(sp + 1));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0) {
		tui_status(t, true, "/save: %s: %s%s", path, strerror(errno), errno == EEXIST ?
		    " (not overwritten)" : "");
		free(path);
		return;
	}
	len = strlen(c->text);
	if (write(fd, c->text, len) != (ssize_t)len)
		tui_status(t, true, "/save: %s: %s", path, strerror(errno));
	else
		tui_status(t, false, "saved code block %lld%s%s to %s", (long long)n, *c->lang ? " " :
		    "", c->lang, path);
	close(fd);
	free(path);
}

static void
cmd_copy(struct tui *t, char *arg)
{
	int64_t n = 0;

	if (*arg && (!str_to_i64(arg, &n) || n <= 0 || n > 1000000)) {
		tui_status(t, true, "/copy: '%s' is not a code block number", arg);
		return;
	}
	tui_copy(t, (int)n);
}

/* /system: show the system prompt; TEXT sets it, --clear drops it. */
static void
cmd_system(struct tui *t, char *arg)
{
	char *s;

	if (*arg == '\0') {
		if (t->system == NULL) {
			tui_status(t, false, "no system prompt (/system TEXT sets one)");
			return;
		}
		s = xstrfmt("system prompt: %s", t->system);
		tui_view_add(&t->view, TUI_NOTE, s, strlen(s));
		free(s);
		t->view.scroll = 0;
		tui_status(t, false, "system prompt shown above (/system --clear drops it)");
		return;
	}
	free(t->system);
	t->system = NULL;
	if (strcmp(arg, "--clear") == 0) {
		tui_status(t, false, "system prompt cleared");
		return;
	}
	t->system = xstrdup(arg);
	tui_status(t, false, "system prompt set");
}

/* /cmd REQUEST: one shell command proposed, run only on y. */
static void
cmd_cmd(struct tui *t, char *arg)
{
	if (*arg == '\0') {
		tui_status(t, true, "/cmd REQUEST: what should the command do?");
		return;
	}
	tui_cmd_request(t, arg);
}

/* /search TEXT: find conversations by their words, and resume one. */
static void
cmd_search(struct tui *t, char *arg)
{
	if (*arg == '\0') {
		tui_status(t, true, "/search TEXT: which words?");
		return;
	}
	tui_pick_search(t, arg);
}

/* /role: show the role; NAME takes its prompt and defaults, off drops them. */
static void
cmd_role(struct tui *t, char *arg)
{
	char *cause = NULL;

	if (*arg == '\0') {
		if (t->role == NULL)
			tui_status(t, false, "no role (/role NAME takes one; llm roles lists them)");
		else
			tui_status(t, false, "role %s (/role off drops it)", t->role);
		return;
	}
	if (strcmp(arg, "off") == 0) {
		tui_role_clear(t);
		tui_status(t, false, "role dropped; the system prompt stays (/system --clear)");
		return;
	}
	if (tui_role_apply(t, arg, false, true, &cause) != 0) {
		tui_status(t, true, "/role: %s", cause);
		free(cause);
		return;
	}
	tui_status(t, false, "role %s: its system prompt and defaults apply", t->role);
}

/* A theme that did not load: the whole reason (it lists the places searched) above the input. */
void
tui_theme_error(struct tui *t, const char *name, const char *cause)
{
	tui_view_add(&t->view, TUI_ERROR, cause, strlen(cause));
	t->view.scroll = 0;
	tui_status(t, true, "theme: '%s' not loaded (the reason is above)", name);
}

static void
cmd_theme(struct tui *t, char *arg)
{
	struct theme th;
	char *cause = NULL;

	if (*arg == '\0') {
		tui_status(t, false, "theme: %s (/theme NAME loads NAME.theme; llm config path lists "
		    "where)", t->theme.name);
		return;
	}
	if (theme_load(&th, arg, t->cfg->dir, &cause) != 0) {
		tui_theme_error(t, arg, cause);
		free(cause);
		return;
	}
	t->theme = th;
	tui_colors_start(t);
	clearok(curscr, TRUE);
	tui_status(t, false, "theme: %s", th.name);
}

static void
cmd_detach(struct tui *t, char *arg)
{
	size_t n = t->natt;

	(void)arg;
	if (n == 0) {
		tui_status(t, false, "nothing to detach: nothing is attached");
		return;
	}
	tui_attach_free(t);
	tui_status(t, false, "dropped %zu attachment%s", n, n == 1 ? "" : "s");
}

static void
cmd_quit(struct tui *t, char *arg)
{
	(void)arg;
	t->quit = true;
}

/* Cancel the reply or /run's command; when idle, arm quitting (twice quits). */
static void
verb_cancel(struct tui *t, char *arg)
{
	char k[16];
	int point;

	(void)arg;
	if (tui_agent_busy(t)) {
		tui_agent_cancel(t);
		t->quit_armed = false;
	} else if (chat_busy(t->chat)) {
		chat_cancel(t->chat);
		t->quit_armed = false;
	} else if (tui_job_busy(t)) {
		tui_job_stop(t);
		t->quit_armed = false;
	} else if (t->quit_armed) {
		t->quit = true;
	} else {
		/* a draft is not lost to a C-c meant for a reply that had just ended */
		bool draft = *tui_input(&point) != '\0';

		if (draft)
			tui_input_kill();
		t->quit_armed = true;
		tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
		tui_status(t, false, "%s again to quit%s", k, draft ? " (C-y brings the line back)" : "");
	}
}

/* Scroll the transcript by pages (page != 0) or lines; a page keeps a row, if it has two. */
static void
scroll_by(struct tui *t, int pages, int lines)
{
	int rows = tui_trans_rows(t);

	tui_view_scroll(&t->view, tui_trans_width(t), rows, pages * (rows > 1 ? rows - 1 : 1) +
	    lines);
}

static void
verb_page_up(struct tui *t, char *arg)
{
	(void)arg;
	scroll_by(t, 1, 0);
}

static void
verb_page_down(struct tui *t, char *arg)
{
	(void)arg;
	scroll_by(t, -1, 0);
}

static void
verb_line_up(struct tui *t, char *arg)
{
	(void)arg;
	scroll_by(t, 0, 1);
}

static void
verb_line_down(struct tui *t, char *arg)
{
	(void)arg;
	scroll_by(t, 0, -1);
}

static void
verb_top(struct tui *t, char *arg)
{
	(void)arg;
	scroll_by(t, 0, 1 << 28);
}

static void
verb_end(struct tui *t, char *arg)
{
	(void)arg;
	t->view.scroll = 0;
}

static void
verb_newline(struct tui *t, char *arg)
{
	(void)t;
	(void)arg;
	rl_insert_text("\n");
}

static void
verb_redraw(struct tui *t, char *arg)
{
	(void)t;
	(void)arg;
	clearok(curscr, TRUE);
}

static void
verb_suspend(struct tui *t, char *arg)
{
	(void)arg;
	tui_suspend(t);
}

/*
 * Every verb: its name after the slash and in [keys], the slash command's
 * arguments and help (no args: no slash command), the key's help (none: no
 * key runs it) and default keys, and what it does (a key passes "").
 * /help lists the commands in this order, and the keys after the function keys.
 */
const struct tui_verb tui_verbs[ACT_COUNT] = {
	[ACT_HELP] = { "help", "", "list every key and command", "list every key and command",
	    { "F1" }, cmd_help },
	[ACT_TIER] = { "tier", "[auto|cheap|mid|frontier]", "set or cycle the tier override",
	    "cycle the tier override: auto, cheap, mid, frontier", { "F2" }, cmd_tier },
	[ACT_MODEL] = { "model", "[NAME|off]", "pin a model, unpin, or pick one",
	    "pick a model to pin, or unpin", { "F3" }, cmd_model },
	[ACT_RETRY] = { "retry", "", "re-ask the last turn one tier up",
	    "re-ask the last turn one tier up", { "F4" }, cmd_retry },
	[ACT_BUDGET] = { "budget", "", "this month's spend against the budget", NULL, { NULL },
	    cmd_budget },
	[ACT_USAGE] = { "usage", "", "this month's spend drawn by day, tier and model", NULL, { NULL },
	    tui_usage_cmd },
	[ACT_NEW] = { "new", "", "start a new conversation", NULL, { NULL }, cmd_new },
	[ACT_RESUME] = { "resume", "[ID]", "continue an earlier conversation",
	    "continue an earlier conversation", { "F6" }, cmd_resume },
	[ACT_COMPACT] = { "compact", "", "summarise the older turns on the cheap tier", NULL,
	    { NULL }, cmd_compact },
	[ACT_FILE] = { "file", "PATH", "attach a file to the next message", NULL, { NULL }, cmd_file },
	[ACT_RUN] = { "run", "CMD", "run a command (after y) and attach its output", NULL, { NULL },
	    cmd_run },
	[ACT_SAVE] = { "save", "[N] PATH", "save code block N, or the last reply, to a new file", NULL, { NULL }, cmd_save },
	[ACT_COPY] = { "copy", "[N]", "copy code block N or the last reply",
	    "copy the last reply to the clipboard", { "F5" }, cmd_copy },
	[ACT_CMD] = { "cmd", "REQUEST", "ask for one shell command; y runs it, output attached",
	    NULL, { NULL }, cmd_cmd },
	[ACT_SEARCH] = { "search", "TEXT", "find conversations holding TEXT, and resume one", NULL,
	    { NULL }, cmd_search },
	[ACT_ROLE] = { "role", "[NAME|off]", "take a role: its system prompt and defaults", NULL,
	    { NULL }, cmd_role },
	[ACT_SYSTEM] = { "system", "[TEXT|--clear]", "show, set or clear the system prompt", NULL,
	    { NULL }, cmd_system },
	[ACT_THEME] = { "theme", "[NAME]", "show or switch the colour theme", NULL, { NULL },
	    cmd_theme },
	[ACT_DETACH] = { "detach", "", "drop the attachments", NULL, { NULL }, cmd_detach },
	[ACT_AGENT] = { "agent", "[on|off|cap USD|resume [ID] [MORE]]",
	    "tools on or off: a message becomes a coding task; resume goes on with a stopped one",
	    "turn agent mode (tools) on or off", { "F7" }, tui_agent_verb },
	[ACT_UNDO] = { "undo", "", "restore the files the last agent task changed", NULL, { NULL },
	    tui_agent_undo },
	[ACT_ADVISE] = { "advise", "QUESTION", "ask the advisor's model directly (charged like any turn)",
	    NULL, { NULL }, tui_agent_advise },
	[ACT_EXPAND] = { "expand", "", "show every agent step's full results, or fold them again",
	    "show every agent step's full results, or fold them", { "F8" }, tui_agent_expand },
	[ACT_CANCEL] = { "cancel", NULL, NULL, "cancel the streaming reply; twice when idle: quit",
	    { "C-c" }, verb_cancel },
	[ACT_QUIT] = { "quit", "", "quit", "quit", { "F10" }, cmd_quit },
	[ACT_PAGE_UP] = { "page-up", NULL, NULL, "scroll the transcript a page up", { "PageUp" },
	    verb_page_up },
	[ACT_PAGE_DOWN] = { "page-down", NULL, NULL, "scroll the transcript a page down",
	    { "PageDown" }, verb_page_down },
	[ACT_LINE_UP] = { "line-up", NULL, NULL, "scroll the transcript a line up", { "S-Up" },
	    verb_line_up },
	[ACT_LINE_DOWN] = { "line-down", NULL, NULL, "scroll the transcript a line down",
	    { "S-Down" }, verb_line_down },
	[ACT_TOP] = { "top", NULL, NULL, "jump to the start of the conversation", { "M-<" },
	    verb_top },
	[ACT_END] = { "end", NULL, NULL, "jump to the end of the conversation", { "M->" }, verb_end },
	[ACT_NEWLINE] = { "newline", NULL, NULL, "start a new line in the message",
	    { "M-Enter", "C-j" }, verb_newline },
	[ACT_REDRAW] = { "redraw", NULL, NULL, "redraw the screen", { "C-l" }, verb_redraw },
	[ACT_SUSPEND] = { "suspend", NULL, NULL, "suspend to the shell (fg comes back)", { "C-z" },
	    verb_suspend },
};

/* Run a verb as a key does. */
void
tui_act(struct tui *t, enum tui_action a)
{
	char none[1] = "";

	t->dirty = true;
	if (a != ACT_CANCEL)
		t->quit_armed = false;
	if (a > ACT_NONE && a < ACT_COUNT && tui_verbs[a].fn != NULL)
		tui_verbs[a].fn(t, none);
}

/* List the commands in the help. */
void
tui_help_commands(struct tui *t)
{
	size_t i;

	for (i = ACT_NONE + 1; i < ACT_COUNT; i++) {
		char *c;

		if (tui_verbs[i].args == NULL)
			continue;
		c = xstrfmt("  /%s %s", tui_verbs[i].name, tui_verbs[i].args);
		tui_help_add(t, c, 27, tui_verbs[i].help);
		free(c);
	}
}

/* Whether verb i is a slash command whose name starts with the len bytes of name. */
static bool
cmd_prefix(size_t i, const char *name, size_t len)
{
	return tui_verbs[i].args != NULL && strncmp(tui_verbs[i].name, name, len) == 0;
}

/* The slash command name (len bytes) names: exactly, or as the only prefix; ACT_NONE if none. */
static enum tui_action
cmd_find(const char *name, size_t len, size_t *matches)
{
	enum tui_action found = ACT_NONE;
	size_t i;

	*matches = 0;
	for (i = ACT_NONE + 1; i < ACT_COUNT; i++) {
		if (!cmd_prefix(i, name, len))
			continue;
		found = (enum tui_action)i;
		if (strlen(tui_verbs[i].name) == len) {
			*matches = 1;
			return found;
		}
		++*matches;
	}
	return found;
}

/* Describe the command being typed in input: its use, or the commands it could still be. */
bool
tui_command_hint(const char *input, char *out, size_t n)
{
	size_t i, len = strcspn(input + 1, " \t"), matches, used = 0;
	enum tui_action a = cmd_find(input + 1, len, &matches);

	if (matches == 0)
		return false;
	if (matches == 1) {
		snprintf(out, n, "/%s %s  %s", tui_verbs[a].name, tui_verbs[a].args, tui_verbs[a].help);
		return true;
	}
	out[0] = '\0';
	for (i = ACT_NONE + 1; i < ACT_COUNT && used + 1 < n; i++) {
		if (!cmd_prefix(i, input + 1, len))
			continue;
		snprintf(out + used, n - used, "%s/%s", used ? "  " : "", tui_verbs[i].name);
		used = strlen(out);
	}
	return true;
}

/* Name the commands starting with text, one per call (readline's generator). */
char *
tui_command_complete(const char *text, int state)
{
	static size_t next;
	size_t len = strlen(text);

	if (state == 0)
		next = ACT_NONE + 1;
	while (next < ACT_COUNT) {
		size_t i = next++;

		if (cmd_prefix(i, len <= 1 ? "" : text + 1, len <= 1 ? 0 : len - 1))
			return xstrfmt("/%s", tui_verbs[i].name);
	}
	return NULL;
}

/* Run a slash command line. */
void
tui_command(struct tui *t, const char *line)
{
	char *copy = xstrdup(line + 1), *arg, *name = copy, hint[200];
	enum tui_action a;
	size_t matches;

	arg = name + strcspn(name, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = str_trim(arg);
	a = cmd_find(name, strlen(name), &matches);
	if (*name == '\0')
		matches = 0;
	if (matches == 1 && tui_verbs[a].args[0] == '\0' && *arg != '\0')
		tui_status(t, true, "/%s takes no argument: nothing done ('%s' was not used)",
		    tui_verbs[a].name, arg);
	else if (matches == 1)
		tui_verbs[a].fn(t, arg);
	else if (matches > 1 && tui_command_hint(line, hint, sizeof(hint)))
		tui_status(t, true, "ambiguous /%s: which of %s?", name, hint);
	else
		tui_status(t, true, "unknown /%s: /help lists the commands", name);
	free(copy);
}
