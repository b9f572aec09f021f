/* tui_priv: the state and functions the TUI's files share (transcript, keys, commands, drawing). */
/*
 * Where things are:
 *   tui.c         start and stop, the main loop, signals, the status line and budget meter
 *   tui_draw.c    drawing: transcript, input, status bar, pickers, colours
 *   tui_draw_bar.c  the route and budget meter rows under the transcript
 *   tui_view.c    the transcript model, wrapped lazily
 *   tui_keys.c    key names, bindings (defaults from the verb table, then [keys]), readline
 *   tui_cmd.c     the verb table: every key action and slash command, /help, completion
 *   tui_turn.c    sending a message and showing its reply; retry one tier up; resume
 *   tui_job.c     /run's command in the background and its output attached
 *   tui_agent.c   agent mode: a task in a child process, its events read
 *   tui_agent_step.c  the task's steps in the transcript: calls, output, prices
 *   tui_agent_ask.c   the task's questions: approvals, the cap's, and their answers
 *   tui_agent_cmd.c  /agent (on, off, cap, resume), /undo and /advise
 *   tui_agent_child.c  the task's child process: agent_run, its events and questions on pipes
 *   tui_attach.c  /file attachments and /copy to the clipboard
 *   tui_pick.c    the model and conversation pickers, the help list, the /run confirmation
 *   tui_usage.c   /usage's chart
 *   tui_script.c  headless scripts and screen dumps for the tests
 *   tui_term.c    whether the terminal can show the TUI
 */
#ifndef LLM_TUI_PRIV_H
#define LLM_TUI_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "chat.h"
#include "fmt.h"
#include "ledger.h"
#include "md.h"
#include "pricing.h"
#include "proc.h"
#include "theme.h"
#include "tui.h"
#include "visible.h"

struct app;
struct config;

/* Who a transcript entry is from. */
enum tui_role {
	TUI_USER,
	TUI_ASSISTANT,
	TUI_NOTE,
	TUI_ERROR,
	TUI_STEP,      /* an agent task's step: its calls, diffs and price */
};

/* One transcript entry; text is already made visible. */
struct tui_msg {
	enum tui_role role;
	struct buf text;
	char *info;            /* assistant: tier · model · tokens · cost lines, or NULL */
	int code_base;         /* its first code block's number */
	int ncodes;
	struct md_doc doc;     /* the wrapped lines */
	int width;             /* doc is valid for this width; 0: stale */
	int last_width;        /* the width doc was last wrapped to */
	int hang;              /* >0: lines as they are (a command), a long one going on this far in */
	size_t text_lines;     /* doc's lines of the text, before a step's price and the blank */
	/* assistant: its text's whole blocks are drawn once, only the rest again as it grows */
	struct md_cut cut;     /* where the text splits into blocks drawn alone */
	size_t done;           /* text before this is drawn in doc's first done_lines lines */
	size_t done_lines, done_codes, body0; /* ... with done_codes code blocks; body0: info's lines */
	int done_width;        /* the width of those lines; 0: none kept */
	int done_base;         /* ... and the code number they start from */
	bool done_ticks;       /* ... and whether inline code kept its backticks */
	/* ... and of an open fence after done: its lines before fence_done, code as written */
	size_t fence_done, fence_lines;
	struct buf fence_raw;
	/*
	 * ... and of that fence's last line while it comes in, from line_at: its rows
	 * before line_done, line_col columns, end doc's first line_lines lines; the
	 * block's code as written so far is line_raw bytes of a line_cap buffer
	 */
	size_t line_at, line_done, line_lines, line_raw, line_cap;
	int line_col;
	size_t counted;        /* code blocks in text before this are counted in count_done */
	int count_done;
	struct pricing_est *est; /* its tokens as it streams in, or NULL */
};

/* The transcript: entries and a scroll position counted from the bottom. */
struct tui_view {
	struct tui_msg **msgs;
	size_t n, cap;
	int scroll;            /* lines hidden below; 0 follows the end */
	/* scrolled back: the entry on the top row, the ink of its lines above it, at a size */
	const struct tui_msg *anchor;  /* NULL: none */
	long anchor_ink;
	int anchor_width, anchor_rows;
	int codes;             /* code blocks numbered so far */
	bool code_ticks;       /* inline code keeps its backticks (no colour sets it apart) */
	/* a question's entry (a command to allow): shown from its start, read whole before y */
	struct tui_msg *ask;   /* NULL: none */
	bool ask_place;        /* put its first line on the screen when next drawn */
	unsigned char *seen;   /* which of its lines were on the screen */
	size_t nseen;          /* its lines (not the blank after it), as last wrapped */
	int seen_width;        /* ... to this width */
	int ask_rows;          /* the rows it was last shown in: their first is kept when they change */
};

/* One visible transcript line. */
struct tui_vline {
	const struct md_line *line;
};

/* tui_view.c: the transcript, wrapped lazily and only where it changed. */
void tui_view_init(struct tui_view *v);
void tui_view_done(struct tui_view *v);
/* Remove every entry. */
void tui_view_clear(struct tui_view *v);
/* Add an entry with text (made visible here); return it (owned by the view). */
struct tui_msg *tui_view_add(struct tui_view *v, enum tui_role role, const char *text, size_t len);
/* Add an entry just before entry m (at the end if m is not in the view); return it. */
struct tui_msg *tui_view_insert(struct tui_view *v, struct tui_msg *m, enum tui_role role,
    const char *text, size_t len);
/* Append already-visible text to an entry; its lines are rewrapped when next drawn. */
void tui_view_append(struct tui_view *v, struct tui_msg *m, const char *text, size_t len);
/* Replace an entry's text (made visible here). */
void tui_view_set(struct tui_view *v, struct tui_msg *m, const char *text, size_t len);
/*
 * Append head and a command to b, the command's lines after its first set under
 * its first; return the indent, for the entry's hang.
 */
int tui_view_hung(struct buf *b, const char *head, const char *cmd);
/* Set an entry's info lines (copied; NULL clears). */
void tui_view_set_info(struct tui_msg *m, const char *info);
/* Wrap an entry for width if needed; return its line count. */
size_t tui_view_wrap(struct tui_view *v, struct tui_msg *m, int width);
/* Fill out (rows long) with the lines to show at width, top first; return how many. */
size_t tui_view_visible(struct tui_view *v, int width, int rows, struct tui_vline *out);
/* Scroll by delta lines (positive: back in time), clamped at both ends. */
void tui_view_scroll(struct tui_view *v, int width, int rows, int delta);
/* Watch entry m (NULL: none) as a question: shown from its first line, its lines read counted. */
void tui_view_ask(struct tui_view *v, struct tui_msg *m);
/* Scroll to the question's first line if it was just asked (all of it, where it fits). */
void tui_view_ask_place(struct tui_view *v, int width, int rows);
/* Count the question's lines among the n shown as read. */
void tui_view_ask_read(struct tui_view *v, const struct tui_vline *vl, size_t n);
/* How many of the question's lines have not been on the screen since it was asked. */
size_t tui_view_ask_unread(const struct tui_view *v);
/* Keep inline code's backticks or not; every entry is wrapped again when that changes. */
void tui_view_code_ticks(struct tui_view *v, bool on);
/* Find code block number n; return its text (borrowed until the next change) or NULL. */
const struct md_code *tui_view_code(struct tui_view *v, int n);

/* Key codes: Unicode code points, or curses key codes with TK_FN, plus TK_META for Alt. */
#define TK_FN (1 << 22)
#define TK_META (1 << 23)
#define TK_PASTE_START (TK_FN | 0x3f0)
#define TK_PASTE_END (TK_FN | 0x3f1)
/* Ctrl- or Alt-Left and -Right: curses numbers them anew for each terminal description. */
#define TK_WORD_LEFT (TK_FN | 0x3f2)
#define TK_WORD_RIGHT (TK_FN | 0x3f3)
/* Ctrl- or Alt-Delete: the word after the cursor goes, as M-d takes it. */
#define TK_WORD_DELETE (TK_FN | 0x3f4)

/* The verbs: what keys and slash commands do; tui_verbs (tui_cmd.c) describes each. */
enum tui_action {
	ACT_NONE,
	ACT_HELP,
	ACT_TIER,
	ACT_MODEL,
	ACT_RETRY,
	ACT_BUDGET,
	ACT_USAGE,
	ACT_NEW,
	ACT_RESUME,
	ACT_COMPACT,
	ACT_FILE,
	ACT_RUN,
	ACT_SAVE,
	ACT_COPY,
	ACT_SYSTEM,
	ACT_ROLE,
	ACT_SEARCH,
	ACT_CMD,
	ACT_THEME,
	ACT_DETACH,
	ACT_AGENT,
	ACT_UNDO,
	ACT_EXPAND,
	ACT_ADVISE,
	ACT_CANCEL,
	ACT_QUIT,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_LINE_UP,
	ACT_LINE_DOWN,
	ACT_TOP,
	ACT_END,
	ACT_NEWLINE,
	ACT_REDRAW,
	ACT_SUSPEND,
	ACT_COUNT,
};

struct tui;

/* One verb, as tig's requests: read by the bindings, the slash commands, /help and completion. */
struct tui_verb {
	const char *name;      /* after the slash, and in [keys] */
	const char *args;      /* the slash command's arguments ("" none); NULL: not a slash command */
	const char *help;      /* the slash command's help */
	const char *key_help;  /* the key's help; NULL: no key runs it, [keys] does not know it */
	const char *keys[3];   /* the default keys */
	void (*fn)(struct tui *t, char *arg);   /* run it; a key passes "" */
};

extern const struct tui_verb tui_verbs[ACT_COUNT];

struct tui_binding {
	int key;
	enum tui_action action;
};

enum tui_mode {
	MODE_INPUT,
	MODE_PICK_MODEL,
	MODE_PICK_CONV,
	MODE_HELP,
	MODE_CONFIRM,
	MODE_APPROVE,          /* an agent task waits: an approval or its cap's question */
	MODE_AGENT_ASK,        /* turn agent mode on outside a workspace? */
	MODE_APPROVE_EDIT,     /* the input edits the pending command, or the cap's amount */
};

/* A list shown over the transcript: models, conversations or help. */
struct tui_picker {
	char title[96];
	char query[64];        /* typed filter; "" shows everything */
	bool filter;           /* typing filters (the model and conversation lists) */
	char **all;            /* every item, owned */
	int64_t *all_ids;      /* conversation ids; model index */
	size_t nall;
	char **items;          /* the items shown, borrowed from all */
	int64_t *ids;
	size_t n;
	int sel, top;
	char *search;          /* /search's text, searched again when the list is laid out anew */
};

/* A file or command output waiting to go with the next message. */
struct tui_attach {
	char *label;           /* "src/main.c" or "$ make" */
	char *text;            /* what is sent */
};

struct tui {
	struct app *cli;
	const struct config *cfg;
	struct catalog *cat;
	struct ledger *ledger;
	struct chat *chat;
	struct chat *step_chat; /* agent mode's route: a chat with no history, as a task's */
	struct theme theme;
	bool color;            /* colour pairs are in use */
	bool unicode;          /* box drawing characters can be shown */
	bool headless;
	void *scr;             /* SCREEN * */
	void *out_fp, *in_fp;  /* FILE * for newterm */
	int w, h;

	struct tui_view view;
	struct tui_msg *streaming;
	int64_t stream_start;  /* clock_ms() when the turn began */
	int64_t stream_secs;   /* the seconds shown */
	struct visible vis;
	struct buf scratch;

	enum tier tier;        /* override */
	char *pin;             /* pinned model name, or NULL */
	char *system;
	char *role;            /* the role's name, or NULL */
	bool temperature_set;  /* the role's temperature */
	int temperature_milli;
	long role_max_tokens;  /* the role's max tokens; 0: none */
	struct chat_route route;
	bool route_ok, route_dirty;
	char *route_err;
	char *last_input;      /* the text the route was previewed for */
	struct meter meter;
	bool meter_ok;
	int meter_out_day;     /* at this pace the budget is used up on this day; 0: it lasts */
	char meter_down[160];  /* the team's ledger out of reach: what goes on meanwhile; else "" */

	struct tui_attach *att;
	size_t natt;
	struct image *img;     /* the images among them, sent beside the text */
	size_t nimg;
	struct image *sent_img; /* the images of the turn sent last, kept while it may resend them */
	size_t nsent_img;

	char status[256];      /* one form a line, longest first (tui_status_forms) */
	bool status_error;
	bool status_busy;      /* the status says a reply streams: dropped when it ends */

	enum tui_mode mode;
	bool ask_shown;        /* the question's mode is on the screen: keys answer it */
	bool ask_refused;      /* y came before all of it was shown: the status says so ... */
	char ask_status[256];  /* ... in place of this, put back when the user scrolls on */
	bool ask_status_error;
	struct tui_picker pick;
	struct tui_usage *usage;   /* the /usage view's figures, as read when it last opened */
	char *confirm_cmd;     /* /run waiting for y */
	bool cmd_pending;      /* the streaming reply is /cmd's proposal */
	struct tui_job {       /* /run's command, while it runs */
		struct proc proc;  /* pid 0: none; out: its output, -1 after the end of it */
		struct buf out;
		bool cut, stopped;
		char *cmd;
	} job;
	char *restore_input;   /* put back into the input once readline is done with a line */
	struct tui_steprec {   /* an agent step's entry and what it is drawn from, for /expand */
		struct tui_msg *m;
		char *said;        /* what the model said with its calls, or NULL */
		struct cJSON **calls;  /* the calls' events, in order */
		size_t ncalls;
	} *steprecs;
	size_t nsteprecs;
	bool steps_full;       /* /expand: every step's results in full */
	bool agent;            /* agent mode: a message is a task with tools */
	int64_t agent_cap;     /* each task's cap, pico; 0: none */
	char *where;           /* the workspace as the empty transcript names it; NULL: not yet */
	struct tui_agent {     /* the running task, in a child process */
		struct proc proc;  /* the child: its stdin takes our answers, its stdout our events */
		pid_t pid;         /* 0: none */
		int ev, ans;       /* its events (read) and our answers (write); -1: closed */
		struct buf in;     /* a partial event line */
		struct tui_msg *step;  /* the entry the current step's calls go in */
		struct tui_msg *stream;  /* the entry the step's words stream into, or NULL */
		struct visible svis;
		char *answer_info; /* the answering step's price, for the reply's line */
		int64_t total, cap;    /* the task's cost so far and its cap, pico */
		bool estimated, unknown;
		bool asking_more;  /* the pending question is the cap's, not an approval */
		bool shown;        /* the next call's diff or command was shown with its question */
		char *ask_tool;
		char *ask_preview; /* the pending call's diff or command */
		char *ask_why;     /* why a rule set to allow it did not, or NULL */
		struct tui_msg *ask_entry;
		bool ask_full;     /* d: the whole diff, not its first lines */
		bool ask_held;     /* a key that answers nothing came: no key answers until Esc */
		bool edit_amount;  /* MODE_APPROVE_EDIT: the input is an amount, not the command */
		char *draft;       /* the input as it was before the edit, put back after it */
		int64_t cap0;      /* the cap the task started with: what the cap's y adds */
		int64_t spent;     /* the cap's question: what the task has spent */
		int64_t need;      /* and the least the next step needs more; 0 unknown */
		char *more_what;   /* and what would pass the cap: "the next step", "the fallback to MODEL" */
		char *priced_info; /* the line of the step whose calls run, priced before them */
		int priced_n;      /* its number */
		bool said_shown;   /* what that step said is on the screen, above its calls */
		struct tui_msg *price_at;  /* the entry showing that line: its calls or approval */
		int64_t task_id;
		struct tui_msg *task_note; /* the line giving its id, or NULL */
		struct buf out;    /* a running command's output so far (its tail), made visible */
		char *out_base;    /* the step's lines before the running block, or NULL */
		size_t out_cut;    /* the output the task left out of it (past what it sends whole) */
		struct visible vis;
		enum tier sent_tier;   /* the override and the pin the task works with */
		char *sent_pin;
	} ag;

	bool paste;
	bool paste_over;        /* the paste passed paste_buf's cap: none of it is kept */
	bool paste_cr;          /* the paste's last key was a carriage return */
	struct buf paste_buf;
	bool quit, quit_armed;
	bool eof_armed;         /* C-d was pressed on an empty line while something ran */
	int rc;
	bool dirty;
	int64_t last_frame;
	int input_rows;
	int row_goal;          /* the display column Up and Down keep across the input's rows, or -1 */

	unsigned char *cells;  /* the slot that drew each cell (THEME_NSLOTS: none), for dumps */
	int cells_w, cells_h;

	struct tui_binding *binds;
	size_t nbinds;
	char *history_path;
	int sig_pipe[2];
};

/* The smallest screen the layout fits; below it only a message is drawn. */
#define TUI_MIN_W 20
#define TUI_MIN_H 10

/* tui_draw.c: the screen drawn from the state, one doupdate a frame. */
/* Draw the whole screen now and push it out with one doupdate. */
void tui_draw(struct tui *t);
/*
 * The offset Up (dir -1) or Down (+1) moves the input's cursor to, on the row
 * n above or below (as far as there are rows) at column *goal (the cursor's
 * when < 0); -1 where there is no such row (the key is the history's). bare:
 * the line laid out alone, without the prompt readline shows before it.
 */
int tui_input_row_move(const struct tui *t, int dir, int n, bool bare, int *goal);
/* Rows the transcript has at the current size. */
int tui_trans_rows(const struct tui *t);
/* Columns transcript text is wrapped to. */
int tui_trans_width(const struct tui *t);
/* Start colour pairs for the theme's slots, unless NO_COLOR or the terminal says no. */
void tui_colors_start(struct tui *t);

/* tui.c: start and stop, the main loop, the status line, the meter. */
/* Show a message in the bottom border (wrapped above it when too long); error colours it as one. */
void tui_status(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Show a message in n forms, longest first: the drawing shows the first that fits whole. */
void tui_status_forms(struct tui *t, bool error, const char *const *forms, size_t n);
/* Apply a new terminal size. */
void tui_resize(struct tui *t, int w, int h);
/* Write bytes straight to the terminal (headless: the screen's output); 0 or -1. */
int tui_tty_write(struct tui *t, const char *s, size_t n);
/* Make a TUI over a loaded config; curses is not started. */
struct tui *tui_new(struct app *cli, const struct tui_opts *o);
void tui_free(struct tui *t);
/* Start curses on the terminal, or on a virtual screen of w x h when headless. */
int tui_screen_start(struct tui *t, bool headless, int w, int h, const char *out, char **cause);
/* Stop curses and give the terminal back. */
void tui_screen_stop(struct tui *t);
/* Let the network and signals move on for up to timeout_ms. */
void tui_pump(struct tui *t, int timeout_ms);
/* Stop the process as a shell's C-z would, giving the terminal back until it continues. */
void tui_suspend(struct tui *t);
/* Refresh the budget meter from the ledger. */
void tui_meter_refresh(struct tui *t);

/* tui_agent.c: agent mode. */
/* Limits of the task's events and answers on its pipes (tui_agent_child.c writes them). */
#define TUI_AGENT_FIELD_MAX (64 * 1024)  /* a diff, a preview, a result or an answer in an event */
#define TUI_AGENT_EVENT_MAX (5 * 6 * TUI_AGENT_FIELD_MAX + 4096)  /* an event: five fields, escaped */
#define TUI_AGENT_EDIT_MAX (4 * 1024)    /* an edited command, in bytes */
/* Whether a task runs. */
bool tui_agent_busy(const struct tui *t);
/* The workspace a task works in, ~ for $HOME, made visible; "" when it cannot be opened. */
const char *tui_agent_where(struct tui *t);
/*
 * Run prompt as an agent task, or with resume (borrowed until it returns)
 * as more words for that stopped task (NULL: none); its steps show as they come.
 */
void tui_agent_submit(struct tui *t, const char *prompt, const struct ledger_task *resume);
/* The task's event descriptor to wait on, or -1. */
int tui_agent_fd(const struct tui *t);
/* Show what the task sent. */
void tui_agent_poll(struct tui *t);
/* Stop the task's current step (a running command's group is killed). */
void tui_agent_cancel(struct tui *t);
/* Stop the task and forget it at once (when the TUI closes). */
void tui_agent_kill(struct tui *t);
/* tui_agent_kill with the signal that ends the client (SIGTERM), which the task's words name. */
void tui_agent_kill_by(struct tui *t, int sig);
/* /agent cap during a task: the task takes the cap from its next step on. */
void tui_agent_send_cap(struct tui *t);
/* Act on one event line as if the task had sent it (benchmarks). */
void tui_agent_feed(struct tui *t, const char *line);

/* tui_agent_step.c: the task's steps in the transcript. */
/* /expand and its key: every step's full results, or folded again. */
void tui_agent_expand(struct tui *t, char *arg);
/* Forget the steps' records (before the transcript is cleared, and at the end). */
void tui_agent_forget(struct tui *t);

/* tui_agent_ask.c: the task's questions and their answers. */
/* A key while the task or agent mode asks. */
void tui_agent_key(struct tui *t, int key);
/* The tier key while a call waits for its approval; false when none waits. */
bool tui_agent_tier(struct tui *t);
/* A key while the input edits the pending command or an amount; false: readline's. */
bool tui_agent_edit_key(struct tui *t, int key);

/* tui_agent_cmd.c: agent mode's commands. */
/* /agent [on|off|cap USD|resume [ID] [MORE]] and its key: tools on or off, a cap, a task resumed. */
void tui_agent_verb(struct tui *t, char *arg);
/* Turn agent mode on, asking first outside a workspace. */
void tui_agent_enable(struct tui *t);
/* Turn agent mode on, and say so. */
void tui_agent_on(struct tui *t);
/* /undo: restore the files the last task changed. */
void tui_agent_undo(struct tui *t, char *arg);
/* /advise QUESTION: the advisor's model answers in the conversation, charged like any turn. */
void tui_agent_advise(struct tui *t, char *arg);

/* tui_term.c: whether the terminal can show the TUI. */
/* Whether terminal type term (NULL: $TERM) can move the cursor and clear; 0, or -1 with *cause. */
int tui_term_capable(const char *term, char **cause);

/* tui_keys.c: key names, bindings from the verb table and [keys], readline. */
/* Set up readline in callback mode, drawing through the TUI. */
void tui_rl_start(struct tui *t);
void tui_rl_stop(struct tui *t);
/* Handle one key: a binding, a picker, or readline's. */
void tui_key(struct tui *t, int key);
/* Read and handle every key waiting on the terminal. */
void tui_read_keys(struct tui *t);
/* A question is up (its mode set): no key answers it before it is drawn. */
void tui_ask_begin(struct tui *t);
/* A frame is out: a question drawn for the first time takes the keys typed from now on. */
void tui_ask_drawn(struct tui *t);
/* Parse a key name ("F2", "C-c", "M-Enter", "PageUp", "x"); -1 if unknown. */
int tui_key_parse(const char *name);
/* Name a key into out. */
void tui_key_name(int key, char *out, size_t n);
/* Load the default bindings, then [keys] from the config; errors go to the status line. */
void tui_bind_load(struct tui *t);
/* The name, help text and first bound key of an action. */
const char *tui_action_name(enum tui_action a);
const char *tui_action_help(enum tui_action a);
int tui_action_key(const struct tui *t, enum tui_action a);
/* Name what runs action a into out: its key, or its slash command when no key is bound. */
void tui_key_or_cmd(const struct tui *t, enum tui_action a, char *out, size_t n);
/* The input being edited (borrowed) and the cursor's byte offset. */
const char *tui_input(int *point);
/* Readline's prompt while it shows one of its own (a history search), else "". */
const char *tui_input_prompt(void);
/* Replace the input. */
void tui_input_set(const char *s);
/* Clear the input into the kill ring, where C-y finds it again. */
void tui_input_kill(void);

/* tui_turn.c: a turn on the screen. */
/* Send a line: a slash command, or a message with the attachments. */
void tui_submit(struct tui *t, const char *line);
/* Whether a line holds nothing but blanks and line breaks: no message to send. */
bool tui_blank(const char *line);
/* The prompt that would be sent for input (attachments first); malloc'd. */
char *tui_compose(const struct tui *t, const char *input);
/* Re-ask the last turn one tier up. */
void tui_retry_up(struct tui *t);
/* Summarise the conversation's older turns now, on the cheap tier. */
void tui_compact(struct tui *t);
/* Continue conversation id: load it into the transcript. */
int tui_resume(struct tui *t, int64_t id);
/* The options a turn is sent with now. */
void tui_opts(const struct tui *t, struct chat_opts *o);
/* /cmd REQUEST: ask the cheap tier for one command; its reply goes to /run's question. */
void tui_cmd_request(struct tui *t, const char *request);
/* Take role name's defaults (see tui_turn.c). 0, or -1 with *cause. */
int tui_role_apply(struct tui *t, const char *name, bool keep_system, bool force, char **cause);
/* Forget the role's defaults; the system prompt stays. */
void tui_role_clear(struct tui *t);
/* The callbacks turns report through. */
const struct chat_cb *tui_callbacks(struct tui *t);

/*
 * tui_agent_child.c: in the child forked for a task, run prompt as task, or
 * as more for task resume when not NULL (its events to stdout, the client's
 * answers on stdin; parent: the client), and exit; never touches the terminal.
 */
void tui_agent_child(struct tui *t, const char *prompt, const struct ledger_task *resume,
    pid_t parent) __attribute__((noreturn));

/* tui_job.c: /run's command in the background. */
/* Start a command with no terminal; what it prints is attached to the next message when it ends. */
void tui_run_attach(struct tui *t, const char *cmd);
/* Whether /run's command is still running. */
bool tui_job_busy(const struct tui *t);
/* Read what the command printed; attach it once the command is over. */
void tui_job_poll(struct tui *t);
/* Stop the command (its whole process group); nothing is attached. */
void tui_job_stop(struct tui *t);
/* Stop the command and forget it at once (when the TUI closes). */
void tui_job_kill(struct tui *t);

/* tui_attach.c: attachments and the clipboard. */
/* Attach a file to the next message; 0, or -1 with the reason on the status line. */
int tui_attach_file(struct tui *t, const char *who, const char *path);
/* Drop the attachments. */
void tui_attach_free(struct tui *t);
/* Put the attached images into o, for the route line and the message. */
void tui_attach_images(const struct tui *t, struct chat_opts *o);
/* The attached images go with the turn just sent: kept until the next is sent. */
void tui_attach_sent(struct tui *t);
/* Free the images of the turn sent last. */
void tui_attach_sent_free(struct tui *t);
/* A code fence longer than any run of backticks in text; malloc'd. */
char *tui_fence(const char *text);
/* Copy code block n (0: the last reply) to the clipboard. */
void tui_copy(struct tui *t, int n);
/* Say on the status line that cmd found no code block n, and which numbers there are. */
void tui_no_code(struct tui *t, const char *cmd, long long n);

/* tui_cmd.c: the verbs (keys and slash commands). */
/* Run a verb as a key does. */
void tui_act(struct tui *t, enum tui_action a);
/* Run a slash command line ("/tier mid"). */
void tui_command(struct tui *t, const char *line);
/* Describe the slash command being typed in input; false if none or several match. */
bool tui_command_hint(const char *input, char *out, size_t n);
/* Complete a slash command name (a readline generator: malloc'd names, then NULL). */
char *tui_command_complete(const char *text, int state);
/* Cycle the tier override auto -> cheap -> mid -> frontier. */
void tui_tier_cycle(struct tui *t);
/* Add the slash commands to the help list. */
void tui_help_commands(struct tui *t);
/* Report a theme that did not load, with the whole reason, in the transcript. */
void tui_theme_error(struct tui *t, const char *name, const char *cause);

/* tui_pick.c: the model and conversation pickers, the help, the /run confirmation. */
/* Add an item to a picker; it takes item (malloc'd). */
void tui_pick_add(struct tui_picker *p, char *item, int64_t id);
/* Whether the view open is /usage's. */
bool tui_pick_usage(const struct tui *t);
/* Add lead, then text from column col, wrapped to the width the help shows. */
void tui_help_add(struct tui *t, const char *lead, int col, const char *text);
/* Show the items that hold the query (all of them for ""). */
void tui_pick_filter(struct tui_picker *p);
/* Open the model or conversation picker, or the help. */
void tui_pick_open(struct tui *t, enum tui_mode mode);
void tui_pick_close(struct tui *t);
/* Open the resume picker on the conversations whose messages hold every word of text. */
void tui_pick_search(struct tui *t, const char *text);
/* Whether the question waiting was not all on the screen yet: the status then says so (what: "run"). */
bool tui_ask_unread(struct tui *t, const char *what);
/* Lay the open list out again for the screen's size, its filter, selection and place kept. */
void tui_pick_relayout(struct tui *t);
/* A key while a picker, the help or a confirmation is open. */
void tui_pick_key(struct tui *t, int key);
/* Ask whether to run cmd (taken, malloc'd); danger: why it deletes or overwrites, or NULL. */
void tui_confirm(struct tui *t, char *cmd, const char *danger);

/* tui_script.c: headless scripts and screen dumps for the tests. */
/* Run a headless script to its end: CHAT_OK, or CHAT_USAGE at the first line that fails. */
enum chat_status tui_script_run(struct tui *t, const char *path);
/* Write the screen as text (colors: with each cell run's style) to path. */
int tui_dump(struct tui *t, const char *path, bool colors, char **cause);

#endif
