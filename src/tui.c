/* tui: the full-screen client: screen setup, signals, resizing and the main loop. */
#include <assert.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "cred.h"
#include "ledger_pg.h"
#include "spend.h"
#include "tui_priv.h"
#include "tui_usage.h"
#include "util.h"

#define FRAME_MS 33            /* redraws are coalesced to about 30 a second */

/* Only these cross into signal handlers. */
static volatile sig_atomic_t sig_winch, sig_int, sig_quit;
static int sig_fd = -1;
static int tty_fd = -1;
static struct termios tty_saved;
static bool tty_saved_ok;
static char tty_reset[256];
static size_t tty_reset_len;
static int saved_stderr = -1;
static struct tui *live_tui;

static void
on_wake_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGWINCH)
		sig_winch = 1;
	else
		sig_int = 1;
	if (sig_fd >= 0 && write(sig_fd, &c, 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

/* Give the terminal back using only async-signal-safe calls, then die of sig. */
static void
on_fatal_signal(int sig)
{
	if (tty_fd >= 0) {
		if (tty_reset_len > 0 && write(tty_fd, tty_reset, tty_reset_len) < 0) {
			/* nothing more can be done here */
		}
		if (tty_saved_ok)
			tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * SIGHUP (the terminal closed) or SIGTERM: the loop ends the turn as C-c
 * would, so the partial answer and its cost are kept and the reservation
 * settled, then the process dies of the signal. A second one while that is
 * under way does not wait.
 */
static void
on_quit_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig_quit != 0)
		on_fatal_signal(sig);
	sig_quit = sig;
	if (sig_fd >= 0 && write(sig_fd, &c, 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

/* Restore the terminal before die() prints. */
static void
die_hook(void)
{
	if (live_tui != NULL)
		tui_screen_stop(live_tui);
}

/* Append the terminfo string cap to the reset sequence the signal handler writes. */
static void
reset_add(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (tty_reset_len + n < sizeof(tty_reset)) {
		memcpy(tty_reset + tty_reset_len, s, n);
		tty_reset_len += n;
	}
}

/* Make seq give key, whatever curses took it for before. */
static void
key_rebind(const char *seq, int key)
{
	define_key(seq, 0);
	define_key(seq, key & ~TK_FN);
}

/*
 * Ctrl- and Alt-arrows and -Delete as codes of our own: curses gives them codes
 * it numbers anew for each terminal description (kLFT5), which no table can name.
 */
static void
word_keys_define(void)
{
	static const struct {
		const char *cap, *seq;
		int key;
	} keys[] = {
		{ "kLFT5", "\033[1;5D", TK_WORD_LEFT }, { "kRIT5", "\033[1;5C", TK_WORD_RIGHT },
		{ "kLFT3", "\033[1;3D", TK_WORD_LEFT }, { "kRIT3", "\033[1;3C", TK_WORD_RIGHT },
		{ "kDC5", "\033[3;5~", TK_WORD_DELETE }, { "kDC3", "\033[3;3~", TK_WORD_DELETE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char *s = tigetstr(keys[i].cap);

		if (s != NULL && s != (char *)-1 && s[0] != '\0')
			key_rebind(s, keys[i].key);
		key_rebind(keys[i].seq, keys[i].key);
	}
}

static void
signals_install(struct tui *t)
{
	static const int fatal[] = { SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_wake_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (t->headless)
		return;
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

static void
signals_remove(void)
{
	static const int all[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS,
		SIGFPE, SIGABRT, SIGILL };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		signal(all[i], SIG_DFL);
}

/* Show a message in the bottom border, wrapped above it when it does not fit. */
void
tui_status(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	tui_status_forms(t, error, (const char *[]){ s }, 1);
	free(s);
}

/*
 * Show a message that has shorter forms, longest first: the status holds them one a line
 * and the drawing shows the first that fits (see status_pick in tui_draw.c). Forms too
 * many for the status's room are dropped from the longest, the shortest kept.
 */
void
tui_status_forms(struct tui *t, bool error, const char *const *forms, size_t n)
{
	size_t i, first = 0, need = 0, l = 0;

	assert(n > 0);
	for (i = n; i-- > 0; ) {
		need += strlen(forms[i]) + 1;
		if (need <= sizeof(t->status) || i == n - 1)
			first = i;
	}
	t->status[0] = '\0';
	for (i = first; i < n; i++) {
		char *p = t->status + l;

		str_copy(p, sizeof(t->status) - l, forms[i]);
		/* Status text may quote the network or a file: no control character reaches the screen. */
		for (; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		l = (size_t)(p - t->status);
		if (i + 1 < n && l + 1 < sizeof(t->status))
			t->status[l++] = '\n';
		t->status[l] = '\0';
	}
	t->status_error = error;
	t->status_busy = false;
	t->dirty = true;
}

/* Apply a new terminal size and reflow; below TUI_MIN_W x TUI_MIN_H only a message is drawn. */
void
tui_resize(struct tui *t, int w, int h)
{
	/* curses must know the real size: a larger one would draw past the bottom row */
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	resizeterm(h, w);
	/* a question's lines wrapped anew: shown from its first again, none of them read yet */
	if (w != t->w && t->view.ask != NULL)
		t->view.ask_place = true;
	t->w = w;
	t->h = h;
	tui_view_scroll(&t->view, tui_trans_width(t), tui_trans_rows(t), 0);
	if ((t->mode == MODE_HELP && strcmp(t->pick.title, "help") == 0) ||
	    t->mode == MODE_PICK_MODEL || t->mode == MODE_PICK_CONV) {
		tui_pick_relayout(t);   /* wrapped, or its columns chosen, for the new width */
	} else if (t->mode == MODE_HELP && strcmp(t->pick.title, "usage") == 0 &&
	    w >= TUI_MIN_W && h >= TUI_MIN_H) {
		int top = t->pick.top;

		tui_usage_relayout(t);   /* the chart drawn again for the new width, not read again */
		t->pick.top = top;
	}
	t->dirty = true;
}

static void
tty_size(int *w, int *h)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	} else {
		*w = COLS;
		*h = LINES;
	}
}

/* Give the terminal back in the mode curses found it in, bracketed paste off. */
static void
tty_give_back(void)
{
	endwin();
	if (write(STDOUT_FILENO, "\033[?2004l", 8) < 0) {
		/* the terminal is gone; it will be redrawn if it comes back */
	}
}

/* Take the terminal again, at whatever size it has now, and redraw it all. */
static void
tty_take_again(struct tui *t)
{
	int w, h;

	if (write(STDOUT_FILENO, "\033[?2004h", 8) < 0)
		tui_status(t, true, "terminal: %s", strerror(errno));
	reset_prog_mode();
	clearok(curscr, TRUE);
	tty_size(&w, &h);
	tui_resize(t, w, h);
}

/* Stop the process as a shell's C-z would, giving the terminal back until it continues. */
void
tui_suspend(struct tui *t)
{
	struct sigaction sa, old;

	if (t->headless) {
		tui_status(t, false, "headless: nothing to suspend to");
		return;
	}
	tty_give_back();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, &old);
	kill(getpid(), SIGTSTP);
	/* continued */
	sigaction(SIGTSTP, &old, NULL);
	tty_take_again(t);
}

/* The signal that stopped a key_command while the terminal was given back to it. */
static volatile sig_atomic_t key_sig;

static void
on_key_signal(int sig)
{
	key_sig = sig;
}

/*
 * Around a key_command: the terminal given back as for C-z, with a line that
 * says what runs, so that a passphrase prompt shows and is answered in the
 * terminal's own mode, and Ctrl-C is the shell's: it stops the command, even
 * one that ignores it. A TERM or hang-up meanwhile stops it too, then quits.
 */
static void
key_command_around(void *arg, const char *provider, bool before)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static struct sigaction old[ARRAY_SIZE(sigs)];
	static int nul = -1;
	struct sigaction sa;
	size_t i;

	if (before) {
		tty_give_back();
		fflush(stderr);
		if (saved_stderr >= 0 && (nul = dup(STDERR_FILENO)) >= 0)
			dup2(saved_stderr, STDERR_FILENO);
		fprintf(stderr, "llm: running the key_command of provider %s (Ctrl-C stops it)\n",
		    provider);
		key_sig = 0;
		memset(&sa, 0, sizeof sa);
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_key_signal;
		for (i = 0; i < ARRAY_SIZE(sigs); i++)
			sigaction(sigs[i], &sa, &old[i]);
		cred_stop_on(&key_sig);
		return;
	}
	cred_stop_on(NULL);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	fflush(stderr);
	if (nul >= 0) {
		dup2(nul, STDERR_FILENO);
		close(nul);
		nul = -1;
	}
	tty_take_again(arg);
	if (key_sig == SIGTERM || key_sig == SIGHUP)
		raise(key_sig);   /* quit as the signal asked, now the terminal is curses' again */
}

/*
 * Write bytes straight to the terminal, past curses' buffer (empty between
 * frames), or headless to the screen's output; 0, or -1 with errno.
 */
int
tui_tty_write(struct tui *t, const char *s, size_t n)
{
	ssize_t w;

	if (t->headless) {
		fflush(t->out_fp);
		if (fwrite(s, 1, n, t->out_fp) != n || fflush(t->out_fp) != 0)
			return -1;
		return 0;
	}
	while (n > 0) {
		if ((w = write(STDOUT_FILENO, s, n)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * With the team's ledger out of reach, what the meter says in its place
 * (t->meter_down, which the caller has emptied):
 * under block, that only a free model goes; else how much of the offline
 * allowance the requests kept here hold.
 */
static void
meter_down(struct tui *t)
{
	struct ledger_pg *p = ledger_pg(t->ledger);
	char used[32], of[32];
	int64_t held, rows;

	if (!ledger_pg_down(p))
		return;
	if (t->cfg->budget_action == BUDGET_BLOCK) {
		snprintf(t->meter_down, sizeof t->meter_down, "team ledger offline: free models"
		    " only (block)");
	} else if (ledger_pg_offline(p, &held, &rows) == 0) {
		pricing_format(held, false, used, sizeof used);
		pricing_format_exact(t->cfg->ledger_offline_allowance, of, sizeof of);
		snprintf(t->meter_down, sizeof t->meter_down, "team ledger offline: %s of %s"
		    " allowance", used, of);
	}
}

/* Refresh the budget meter from the ledger. */
void
tui_meter_refresh(struct tui *t)
{
	char *cause = NULL;

	t->meter_ok = false;
	t->meter_down[0] = '\0';
	if (t->ledger == NULL)
		return;
	if (ledger_meter(t->ledger, t->cfg->budget, &t->meter, &cause) == 0)
		t->meter_ok = true;
	else
		tui_status(t, true, "budget: %s", cause ? cause : "cannot read the ledger");
	if (!t->meter_ok)
		meter_down(t);
	free(cause);
	t->meter_out_day = t->meter_ok ? spend_out_day(t->ledger, &t->meter, clock_now()) : 0;
	t->dirty = true;
}

/* Let the network and signals move on for up to timeout_ms. */
void
tui_pump(struct tui *t, int timeout_ms)
{
	int fds[4];
	size_t n = 0;
	char drain[64];

	if (!t->headless)
		fds[n++] = STDIN_FILENO;
	fds[n++] = t->sig_pipe[0];
	if (t->job.proc.pid != 0 && t->job.proc.out >= 0)
		fds[n++] = t->job.proc.out;
	if (tui_agent_fd(t) >= 0)
		fds[n++] = tui_agent_fd(t);
	chat_poll(t->chat, fds, n, timeout_ms);
	tui_job_poll(t);
	tui_agent_poll(t);
	while (read(t->sig_pipe[0], drain, sizeof(drain)) > 0)
		;
	if (sig_winch) {
		int w, h;

		sig_winch = 0;
		if (!t->headless) {
			tty_size(&w, &h);
			tui_resize(t, w, h);
		}
	}
	if (sig_int) {
		sig_int = 0;
		tui_act(t, ACT_CANCEL);
	}
	if (sig_quit)
		t->quit = true;
}

/* The headless screen's terminal type. */
static const char *
headless_term(void)
{
	/* A fixed terminal type keeps screens byte-stable; LLM_TUI_TERM tries another. */
	const char *term = getenv("LLM_TUI_TERM");

	return term != NULL && *term ? term : "xterm-256color";
}

/* Open a virtual screen of w x h writing to out (or /dev/null); NULL with *cause. */
static SCREEN *
open_headless(struct tui *t, int w, int h, const char *out, char **cause)
{
	char num[16];
	FILE *fo, *fi;

	/* ncurses takes the size from the environment when the output is no terminal. */
	snprintf(num, sizeof(num), "%d", h);
	setenv("LINES", num, 1);
	snprintf(num, sizeof(num), "%d", w);
	setenv("COLUMNS", num, 1);
	fo = fopen(out ? out : "/dev/null", "w");
	fi = fopen("/dev/null", "r");
	if (fo == NULL || fi == NULL) {
		xasprintf(cause, "%s: %s", out ? out : "/dev/null", strerror(errno));
		if (fo)
			fclose(fo);
		if (fi)
			fclose(fi);
		return NULL;
	}
	t->out_fp = fo;
	t->in_fp = fi;
	return newterm(headless_term(), fo, fi);
}

/* Prepare what the signal handler writes to give the terminal back, and take over it. */
static void
tty_takeover(struct tui *t)
{
	int nul;

	tty_reset_len = 0;
	reset_add("sgr0");
	reset_add("cnorm");
	reset_add("rmkx");
	reset_add("rmcup");
	if (tty_reset_len + 8 < sizeof(tty_reset)) {
		memcpy(tty_reset + tty_reset_len, "\033[?2004l", 8);
		tty_reset_len += 8;
	}
	/* Bracketed paste on: written straight to the terminal, past curses' buffer. */
	if (write(STDOUT_FILENO, "\033[?2004h", 8) < 0)
		tui_status(t, true, "terminal: %s", strerror(errno));
	/* Anything a library prints must not tear the screen. */
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	if ((nul = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		dup2(nul, STDERR_FILENO);
		close(nul);
	}
}

/* Start curses on the terminal, or headless on a virtual screen. */
int
tui_screen_start(struct tui *t, bool headless, int w, int h, const char *out, char **cause)
{
	SCREEN *scr;

	t->headless = headless;
	if (headless) {
		if ((scr = open_headless(t, w, h, out, cause)) == NULL && *cause != NULL)
			return -1;
	} else {
		tty_fd = STDOUT_FILENO;
		tty_saved_ok = tcgetattr(tty_fd, &tty_saved) == 0;
		scr = newterm(NULL, stdout, stdin);
	}
	if (scr == NULL) {
		xasprintf(cause, "cannot start the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") :
		    "");
		tty_fd = -1;
		return -1;
	}
	t->scr = scr;
	set_term(scr);
	live_tui = t;
	util_set_die_hook(die_hook);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	define_key("\033[200~", TK_PASTE_START & ~TK_FN);
	define_key("\033[201~", TK_PASTE_END & ~TK_FN);
	word_keys_define();
	/* the wheel only: a click or drag is not asked for, though the terminal sends them */
	if (t->cfg->mouse) {
		mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	tui_colors_start(t);
	if (headless) {
		resizeterm(h, w);
		t->w = w;
		t->h = h;
	} else {
		tty_size(&t->w, &t->h);
		tty_takeover(t);
		cred_around(key_command_around, t);
	}
	signals_install(t);
	t->dirty = true;
	return 0;
}

/* Stop curses and give the terminal back. */
void
tui_screen_stop(struct tui *t)
{
	if (t->scr == NULL)
		return;
	cred_around(NULL, NULL);
	endwin();
	if (!t->headless && write(STDOUT_FILENO, "\033[?2004l", 8) < 0) {
		/* the terminal is gone; nothing to restore */
	}
	if (!t->headless && saved_stderr >= 0) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
	delscreen(t->scr);
	t->scr = NULL;
	if (t->headless) {
		fclose(t->out_fp);
		fclose(t->in_fp);
	}
	signals_remove();
	tty_fd = -1;
	live_tui = NULL;
	util_set_die_hook(NULL);
}

/* Make a TUI over a loaded config; curses is not started. */
/*
 * What a budget refusal says to do from the client. The budget is read at
 * start: one set in a shell counts from the next start.
 */
static const struct chat_budget_how budget_how = {
	.left = "a cheaper tier or model may fit (/tier, /model); or raise it with llm budget set "
	    "USD in a shell, then start llm again",
	.spent = "nothing priced fits this month now, only a free model (a local one, /model); or "
	    "raise it with llm budget set USD in a shell, then start llm again",
};

struct tui *
tui_new(struct app *cli, const struct tui_opts *o)
{
	struct tui *t = xcalloc(1, sizeof(*t));
	const char *theme = o->theme ? o->theme : cli->cfg.theme;
	char *cause = NULL;

	t->cli = cli;
	t->cfg = &cli->cfg;
	t->cat = cli->cat;
	t->unicode = MB_CUR_MAX > 1;
	t->row_goal = -1;
	tui_view_init(&t->view);
	buf_init(&t->scratch, 0);
	buf_init(&t->paste_buf, 1 << 20);
	visible_init(&t->vis);
	t->tier = o->tier;
	t->pin = o->model ? xstrdup(o->model) : NULL;
	t->system = o->system ? xstrdup(o->system) : NULL;
	t->route_dirty = true;
	t->input_rows = 1;
	t->sig_pipe[0] = t->sig_pipe[1] = -1;
	t->job.proc.in = t->job.proc.out = -1;
	t->ag.ev = t->ag.ans = -1;
	if (pipe(t->sig_pipe) == 0) {
		fcntl(t->sig_pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(t->sig_pipe[1], F_SETFL, O_NONBLOCK);
		fcntl(t->sig_pipe[0], F_SETFD, FD_CLOEXEC);
		fcntl(t->sig_pipe[1], F_SETFD, FD_CLOEXEC);
		sig_fd = t->sig_pipe[1];
	}
	if (theme_load(&t->theme, theme, t->cfg->dir, &cause) != 0) {
		tui_theme_error(t, theme, cause);
		free(cause);
		cause = NULL;
		theme_init(&t->theme);
	}
	if (t->cfg->data_dir != NULL) {
		mkdir_p(t->cfg->data_dir);
		t->ledger = ledger_open(t->cfg->data_dir, &cause);
		if (t->ledger == NULL)
			tui_status(t, true, "ledger: %s", cause ? cause : "cannot open");
		free(cause);
		t->history_path = xstrfmt("%s/history", t->cfg->data_dir);
	}
	t->chat = chat_new(t->cfg, t->cat, t->ledger);
	chat_set_budget_how(t->chat, &budget_how);
	tui_bind_load(t);
	return t;
}

/* Free the TUI; accepts NULL. */
void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	tui_job_kill(t);
	tui_agent_kill(t);
	tui_agent_forget(t);
	chat_free(t->chat);
	chat_free(t->step_chat);
	ledger_close(t->ledger);
	tui_view_done(&t->view);
	buf_done(&t->scratch);
	buf_done(&t->paste_buf);
	tui_attach_free(t);
	tui_attach_sent_free(t);
	free(t->att);
	tui_pick_close(t);
	tui_usage_free(t->usage);
	free(t->confirm_cmd);
	free(t->pin);
	free(t->system);
	free(t->role);
	free(t->route_err);
	free(t->last_input);
	free(t->binds);
	free(t->cells);
	free(t->history_path);
	free(t->where);
	if (sig_fd == t->sig_pipe[1])
		sig_fd = -1;
	if (t->sig_pipe[0] >= 0) {
		close(t->sig_pipe[0]);
		close(t->sig_pipe[1]);
	}
	free(t);
}

static void
loop(struct tui *t)
{
	while (!t->quit) {
		int timeout = 1000;
		int64_t since = clock_ms() - t->last_frame;

		if (t->dirty)
			timeout = since >= FRAME_MS ? 0 : (int)(FRAME_MS - since);
		else if (chat_busy(t->chat) || tui_job_busy(t) || tui_agent_busy(t))
			timeout = 250;
		tui_pump(t, timeout);
		/* the elapsed seconds shown while a reply streams */
		if (t->streaming != NULL && (clock_ms() - t->stream_start) / 1000 != t->stream_secs)
			t->dirty = true;
		tui_read_keys(t);
		if (t->dirty && clock_ms() - t->last_frame >= FRAME_MS)
			tui_draw(t);
	}
}

/* A first start with no key anywhere: say how to give one, above everything else. */
static void
tui_welcome(struct tui *t)
{
	char *hint = chat_keyless_hint(t->chat);

	if (hint == NULL)
		return;
	tui_view_add(&t->view, TUI_NOTE, hint, strlen(hint));
	free(hint);
	t->dirty = true;
}

/*
 * Stop what still runs as the client closes: a streaming reply (its partial answer
 * and cost kept) or a task's step. Return what to say once the terminal is given
 * back, else NULL: ended by a signal, the words name it ("terminated"); a task's
 * step stopped by quitting is said too, with how to go on with the task.
 */
static char *
quit_stop(struct tui *t)
{
	const char *why = sig_quit ? signal_words(sig_quit) : "quit";
	char *said = NULL;

	if (chat_busy(t->chat)) {
		chat_cancel_why(t->chat, why);
		if (sig_quit && chat_last(t->chat)->error != NULL)
			said = xstrdup(chat_last(t->chat)->error);
	}
	if (t->ag.pid != 0) {
		free(said);   /* the task is what the user was waiting on */
		said = t->ag.task_id > 0 ? xstrfmt("%s: the task's step was stopped, what is done is "
		    "kept; llm do --resume %lld goes on with it", why, (long long)t->ag.task_id) :
		    xstrfmt("%s: the task's step was stopped, what is done is kept", why);
		tui_agent_kill_by(t, sig_quit ? sig_quit : SIGINT);
	}
	return said;
}

/* Run the TUI until the user quits. */
enum chat_status
tui_run(struct app *cli, const struct tui_opts *o)
{
	struct tui *t;
	char *cause = NULL;
	int64_t id = 0;
	size_t i;
	enum chat_status rc;
	char *said;

	if (tui_term_capable(o->script != NULL ? headless_term() : NULL, &cause) != 0) {
		fprintf(stderr, "llm: chat: %s\n", cause);
		free(cause);
		return CHAT_USAGE;
	}
	setlocale(LC_CTYPE, ""); /* characters only: numbers and dates keep one format */
	t = tui_new(cli, o);
	t->unicode = MB_CUR_MAX > 1;
	if (o->resume_latest && t->ledger != NULL)
		id = ledger_conv_latest(t->ledger);
	else if (o->resume > 0)
		id = o->resume;
	if (tui_screen_start(t, o->script != NULL, o->width, o->height, o->out, &cause) != 0) {
		fprintf(stderr, "llm: chat: %s\n", cause);
		free(cause);
		tui_free(t);
		return CHAT_USAGE;
	}
	tui_rl_start(t);
	tui_meter_refresh(t);
	if (o->resume > 0 && t->ledger != NULL && !ledger_conv_exists(t->ledger, id)) {
		/* said as what was typed: --cid, not /resume */
		char key[32];

		tui_key_or_cmd(t, ACT_RESUME, key, sizeof(key));
		tui_status(t, true, "--cid: no conversation %lld: starting a new one (%s lists them)",
		    (long long)id, key);
		id = 0;
	}
	if (id > 0 && tui_resume(t, id) == 0 && o->system != NULL) {
		/* -s given with -c or --cid replaces the conversation's prompt */
		free(t->system);
		t->system = xstrdup(o->system);
	} else if (id <= 0 && o->resume_latest) {
		tui_status(t, false, "no earlier conversation: starting a new one");
	}
	if (o->role != NULL && tui_role_apply(t, o->role, true, false, &cause) != 0) {
		tui_status(t, true, "--role: %s", cause);
		free(cause);
		cause = NULL;
	}
	for (i = 0; i < o->nfiles; i++)
		tui_attach_file(t, "--file", o->files[i]);
	if (o->agent)
		tui_agent_enable(t);
	if (o->script != NULL) {
		if (id <= 0)
			tui_welcome(t);
		rc = tui_script_run(t, o->script);
	} else {
		tui_draw(t);
		/* after the first frame: finding whether any key exists may ask the keyring */
		if (id <= 0)
			tui_welcome(t);
		loop(t);
		rc = t->rc;
	}
	said = quit_stop(t);
	tui_rl_stop(t);
	tui_screen_stop(t);
	if (t->headless && rc != 0 && t->status[0] && !sig_quit)
		fprintf(stderr, "llm: chat: %.*s\n", (int)strcspn(t->status, "\n"), t->status);
	if (said != NULL)
		fprintf(stderr, "llm: chat: %s\n", said);
	free(said);
	tui_free(t);
	if (sig_quit) {
		/* what was spent is booked: now die of the signal, as the one-shot CLI exits 128+N */
		signal(sig_quit, SIG_DFL);
		raise(sig_quit);
	}
	return rc;
}
