/* cli_keys: `llm keys set|list|rm|check`: API keys in the OS keyring, read from a prompt or stdin, never argv. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cred.h"
#include "fmt.h"
#include "keyring.h"
#include "report.h"
#include "util.h"

/* The longest key line read from the prompt or stdin. */
#define KEYS_LINE_MAX (16 * 1024)
/* Keys shorter than this show no characters at all in a listing. */
#define KEYS_SHOW_MIN 8
/* A word this long where a provider's name goes is more likely a key than a name. */
#define KEYS_WORD_MAX 24

const char cli_keys_usage[] =
    "usage: llm keys set PROVIDER\n"
    "       llm keys list [--json]\n"
    "       llm keys rm PROVIDER\n"
    "       llm keys check PROVIDER\n"
    "\n"
    "  set     store PROVIDER's key in the keyring; the key is read from a prompt\n"
    "          that does not echo, or from stdin\n"
    "  list    where each provider's key comes from, and its last four characters\n"
    "          (or ls; --json: one JSON object)\n"
    "  rm      delete PROVIDER's key from the keyring (or remove)\n"
    "  check   find PROVIDER's key as a request would (key_env, keyring,\n"
    "          key_command) and say where it came from\n";

/* The terminal as it was before echo was turned off, for the signal handlers. */
static struct termios keys_saved_tty;
static volatile sig_atomic_t keys_tty_off;

static const int keys_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT };

static int
keys_usage(void)
{
	cli_usage_hint("keys", cli_keys_usage);
	return EXIT_USAGE;
}

/*
 * Whether a word of argv may be a key pasted in the wrong place: a long one,
 * or one with '=' in it (OPENAI_API_KEY=sk-...). An error does not copy such
 * a word to a terminal's scrollback or a CI log.
 */
bool
cli_keys_may_be_key(const char *word)
{
	return strlen(word) >= KEYS_WORD_MAX || strchr(word, '=') != NULL;
}

/* A word of argv as an error quotes it: in quotes, or not at all when it may be a key. */
static const char *
keys_word(const char *word, char *out, size_t n)
{
	if (cli_keys_may_be_key(word))
		return "(not shown: it may be a key)";
	snprintf(out, n, "'%s'", word);
	return out;
}

/* keys set|rm|check with no PROVIDER, or more than one word: say which, then the usage. */
static int
keys_no_provider(const char *cmd, int argc, char **argv)
{
	char quoted[KEYS_WORD_MAX + 2];

	if (argc < 3)
		fprintf(stderr, "llm: keys %s: which provider? (llm keys list names them)\n", cmd);
	else
		fprintf(stderr, "llm: keys %s: unexpected %s\n", cmd,
		    keys_word(argv[3], quoted, sizeof quoted));
	return keys_usage();
}

/* The configured providers' names, comma-separated, for error messages. */
static char *
keys_known(const struct app *cli)
{
	char *out = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < cli->cfg.nproviders; i++) {
		next = xstrfmt("%s%s%s", out, i > 0 ? ", " : "", cli->cfg.providers[i].name);
		free(out);
		out = next;
	}
	return out;
}

/* The configured provider called name, or NULL after saying which ones exist. */
static const struct provider_conf *
keys_provider(const struct app *cli, const char *cmd, const char *name)
{
	/* The team ledger's database password: kept like a key, asked for by libpq's login. */
	static const struct provider_conf ledger = { .name = "ledger", .key_env = "PGPASSWORD" };
	const struct provider_conf *p = config_provider(&cli->cfg, name);
	char *known, quoted[KEYS_WORD_MAX + 2];

	if (p != NULL)
		return p;
	if (strcmp(name, "ledger") == 0)
		return &ledger;
	known = keys_known(cli);
	/* ledger is no provider, and llm keys keeps it all the same */
	fprintf(stderr, "llm: keys %s: unknown provider %s (configured: %s; and ledger, the team "
	    "ledger's database password)\n", cmd, keys_word(name, quoted, sizeof quoted), known);
	free(known);
	return NULL;
}

/*
 * The masked form of a key: "…" ("..." outside a UTF-8 locale) and its last
 * four characters; "…" alone for one with control characters, whose last
 * four could be an escape sequence the terminal would obey.
 */
static void
keys_mask(const char *key, char *out, size_t n)
{
	size_t len = key != NULL ? strlen(key) : 0;

	if (len < KEYS_SHOW_MIN || !cred_key_valid(key))
		str_copy(out, n, fmt_glyphs()->ellipsis);
	else
		snprintf(out, n, "%s%s", fmt_glyphs()->ellipsis, key + len - 4);
}

/* Put echo back; only async-signal-safe calls, as the handlers use it too. */
static void
keys_tty_restore(void)
{
	if (keys_tty_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &keys_saved_tty);
		keys_tty_off = 0;
	}
}

/* Turn echo off on stdin, keeping line editing. */
static void
keys_tty_noecho(void)
{
	struct termios t = keys_saved_tty;

	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0)
		keys_tty_off = 1;
}

/*
 * Never leave the terminal without echo: restore it, then let the signal do
 * what it would have done. A stop (^Z) restores echo while stopped and takes
 * it away again on SIGCONT.
 */
static void
keys_on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGCONT) {
		keys_tty_noecho();
		errno = saved;
		return;
	}
	keys_tty_restore();
	if (write(STDERR_FILENO, "\n", 1) < 0) {
		/* nothing to do about it */
	}
	signal(sig, SIG_DFL);
	raise(sig);
	if (sig == SIGTSTP) {
		/* Back from the stop: catch the next one too. */
		signal(SIGTSTP, keys_on_signal);
	}
	errno = saved;
}

/* Catch (or, with on false, put back) the signals that would leave echo off. */
static void
keys_signals_set(bool on, struct sigaction *old)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = keys_on_signal;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(keys_signals); i++) {
		if (on)
			sigaction(keys_signals[i], &sa, &old[i]);
		else
			sigaction(keys_signals[i], &old[i], NULL);
	}
}

/*
 * Read one line from stdin with read(2), so that no stdio buffer keeps a copy,
 * into line (KEYS_LINE_MAX + 1 bytes). 0, or -1 with *cause.
 */
static int
keys_read_line(char *line, char **cause)
{
	size_t len = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			xasprintf(cause, "cannot read the key: %s", strerror(errno));
			return -1;
		}
		if (r == 0 || c == '\n')
			break;
		if (len == KEYS_LINE_MAX) {
			secure_clear(&c, 1);   /* a byte of the key, like the line */
			xasprintf(cause, "the key is longer than %d KiB", KEYS_LINE_MAX / 1024);
			return -1;
		}
		line[len++] = c;
	}
	secure_clear(&c, 1);   /* a byte of the key, like the line */
	line[len] = '\0';
	return 0;
}

/* Ask for the key on the terminal without echo; 0 or -1 with *cause. */
static int
keys_prompt(const char *provider, char *line, char **cause)
{
	struct sigaction old[ARRAY_SIZE(keys_signals)];
	int rc;

	if (tcgetattr(STDIN_FILENO, &keys_saved_tty) < 0) {
		xasprintf(cause, "cannot read the terminal's settings: %s", strerror(errno));
		return -1;
	}
	fprintf(stderr, "API key for %s (not shown): ", provider);
	fflush(stderr);
	keys_signals_set(true, old);
	keys_tty_noecho();
	rc = keys_read_line(line, cause);
	keys_tty_restore();
	keys_signals_set(false, old);
	fputc('\n', stderr);
	return rc;
}

/* Read the key from the prompt or stdin: a malloc'd key, or NULL after saying why. */
static char *
keys_read_key(const char *provider, int *rc)
{
	char *line = xmalloc(KEYS_LINE_MAX + 1);
	char *cause = NULL, *key = NULL, *t;
	const char *wrong;
	int r;

	if (isatty(STDIN_FILENO))
		r = keys_prompt(provider, line, &cause);
	else
		r = keys_read_line(line, &cause);
	if (r < 0) {
		fprintf(stderr, "llm: keys set: %s\n", cause);
		*rc = EXIT_USAGE;
		goto out;
	}
	t = str_trim(line);
	if (*t == '\0') {
		fprintf(stderr, "llm: keys set: no key given (type it at the prompt, or pipe it on "
		    "stdin)\n");
		*rc = EXIT_USAGE;
	} else if (!cred_key_valid(t)) {
		fprintf(stderr, "llm: keys set: the key holds control characters\n");
		*rc = EXIT_USAGE;
	} else if ((wrong = cred_not_a_key(t)) != NULL) {
		fprintf(stderr, "llm: keys set: %s: give the key alone, as the provider shows it\n",
		    wrong);
		*rc = EXIT_USAGE;
	} else {
		key = xstrdup(t);
	}
out:
	free(cause);
	secure_clear(line, KEYS_LINE_MAX + 1);
	free(line);
	return key;
}

/*
 * Say why the keyring could not take p's key (cause, freed), and where else the
 * key may be: the keyring's advice names key_env, which a built-in provider
 * already has, so the variable itself is named.
 */
static void
keys_set_failed(const struct provider_conf *p, char *cause)
{
	fprintf(stderr, "llm: keys set: %s\n", cause);
	free(cause);
	/* the ledger's password has its own places */
	if (strcmp(p->name, "ledger") == 0)
		fprintf(stderr, "llm: keys set: the team ledger's password may go in ~/.pgpass"
		    " (or the file PGPASSFILE names) or in PGPASSWORD instead\n");
	else if (p->key_env != NULL && *p->key_env != '\0')
		fprintf(stderr, "llm: keys set: without the keyring, put the key for %s in the "
		    "environment variable %s instead\n", p->name, p->key_env);
}

static int
keys_set(struct app *cli, int argc, char **argv)
{
	const struct provider_conf *p;
	char *cause = NULL, *key;
	char shown[16];
	int rc = EXIT_OK;

	if (argc > 3) {
		fprintf(stderr, "llm: keys set: too many arguments: the key is never taken from the "
		    "command line, where ps and the shell history would show it; type it at the "
		    "prompt or pipe it on stdin (llm keys set PROVIDER < file)\n");
		return EXIT_USAGE;
	}
	if (argc < 3)
		return keys_no_provider("set", argc, argv);
	if (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0) {
		fputs(cli_keys_usage, stdout);
		return EXIT_OK;
	}
	if ((p = keys_provider(cli, "set", argv[2])) == NULL)
		return EXIT_USAGE;
	/* Say the keyring is missing before the user types a key for nothing. */
	if (keyring_has(p->name, &cause) < 0) {
		keys_set_failed(p, cause);
		return EXIT_AUTH;
	}
	if ((key = keys_read_key(p->name, &rc)) == NULL)
		return rc;
	keys_mask(key, shown, sizeof shown);
	if (keyring_set(p->name, key, &cause) < 0) {
		keys_set_failed(p, cause);
		rc = EXIT_AUTH;
	} else {
		/* what was done is the command's answer: stdout; a note on it goes to stderr */
		printf("stored the key for %s in the keyring (%s)\n", p->name, shown);
		if (p->key_env != NULL && getenv(p->key_env) != NULL && *getenv(p->key_env) != '\0')
			fprintf(stderr, "llm: note: %s is set and is used before the keyring\n",
			    p->key_env);
	}
	secret_free(key);
	return rc;
}

static int
keys_rm(struct app *cli, int argc, char **argv)
{
	const struct provider_conf *p;
	char *cause = NULL;
	int r;

	if (argc != 3)
		return keys_no_provider("rm", argc, argv);
	p = config_provider(&cli->cfg, argv[2]);
	/* A provider no longer configured may still have a key worth removing. */
	if (p == NULL && keyring_has(argv[2], &cause) != 0) {
		free(cause);
		keys_provider(cli, "rm", argv[2]);
		return EXIT_USAGE;
	}
	r = keyring_rm(argv[2], &cause);
	if (r < 0) {
		fprintf(stderr, "llm: keys rm: %s\n", cause);
		free(cause);
		return EXIT_AUTH;
	}
	if (r == 1) {
		fprintf(stderr, "llm: keys rm: the keyring holds no key for %s\n", argv[2]);
		return EXIT_AUTH;
	}
	printf("removed the key for %s from the keyring\n", argv[2]);
	if (p != NULL && p->key_env != NULL && getenv(p->key_env) != NULL
	    && *getenv(p->key_env) != '\0')
		fprintf(stderr, "llm: note: %s is still set and provides a key\n", p->key_env);
	return EXIT_OK;
}

/* One row of the listing. */
struct keys_row {
	const char *provider;
	const struct provider_conf *p;  /* NULL: only in the keyring */
	enum cred_source src;
	bool in_keyring;
	bool locked;                     /* in the keyring, but it could not be read */
	bool bad;                        /* the key holds control characters: refused */
	char shown[16];                  /* "…abcd", or "" when nothing is shown */
};

/* Fill r from the environment and the keyring (names: the keyring's providers). */
static void
keys_row_fill(struct keys_row *r, char **names, size_t nnames, bool kr_ok)
{
	const char *v = NULL;
	char *key = NULL, *cause = NULL;
	size_t i;

	for (i = 0; kr_ok && i < nnames; i++)
		if (strcmp(names[i], r->provider) == 0)
			r->in_keyring = true;
	if (r->p != NULL && r->p->key_env != NULL && *r->p->key_env != '\0')
		v = getenv(r->p->key_env);
	if (v != NULL && *v != '\0') {
		r->src = CRED_ENV;
		r->bad = !cred_key_valid(v);
		keys_mask(v, r->shown, sizeof r->shown);
	} else if (r->in_keyring) {
		r->src = CRED_KEYRING;
		if (keyring_get(r->provider, &key, &cause) == 0) {
			r->bad = !cred_key_valid(key);
			keys_mask(key, r->shown, sizeof r->shown);
		} else {
			r->locked = true;
		}
		secret_free(key);
		free(cause);
	} else if (r->p != NULL && r->p->key_command != NULL && *r->p->key_command != '\0') {
		r->src = CRED_COMMAND;
	} else {
		r->src = CRED_NONE;
	}
}

/* The SOURCE column: "env VAR", "keyring", "command (not run)", "none". */
static char *
keys_row_source(const struct keys_row *r)
{
	switch (r->src) {
	case CRED_ENV:
		return xstrfmt("env %s", r->p->key_env);
	case CRED_KEYRING:
		return xstrdup(r->locked ? "keyring (locked)" : "keyring");
	case CRED_COMMAND:
		return xstrdup("command (not run)");
	case CRED_NONE:
		break;
	}
	return xstrdup(r->p != NULL && !r->p->requires_key ? "none (not needed)" : "none");
}

static void
keys_print_text(const struct keys_row *rows, size_t n)
{
	char *src;
	size_t i;

	printf("%-14s %-28s %s\n", "PROVIDER", "SOURCE", "KEY");
	for (i = 0; i < n; i++) {
		src = keys_row_source(&rows[i]);
		printf("%-14s %-28s %s%s%s%s\n", rows[i].provider, src, rows[i].shown,
		    rows[i].bad ? "  (holds control characters: refused)" : "",
		    rows[i].src == CRED_ENV && rows[i].in_keyring ? "  (keyring also holds one)" : "",
		    rows[i].p == NULL ? "  (provider not configured)" : "");
		free(src);
	}
}

static void
keys_print_json(const struct keys_row *rows, size_t n, const char *kr_error)
{
	cJSON *root = cJSON_CreateObject(), *kr, *arr, *o;
	size_t i;

	kr = cJSON_AddObjectToObject(root, "keyring");
	cJSON_AddBoolToObject(kr, "available", kr_error == NULL);
	if (kr_error != NULL)
		cJSON_AddStringToObject(kr, "error", kr_error);
	arr = cJSON_AddArrayToObject(root, "providers");
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "provider", rows[i].provider);
		cJSON_AddStringToObject(o, "source", cred_source_str(rows[i].src));
		if (rows[i].p != NULL && rows[i].p->key_env != NULL)
			cJSON_AddStringToObject(o, "key_env", rows[i].p->key_env);
		else
			cJSON_AddNullToObject(o, "key_env");
		if (strlen(rows[i].shown) > strlen(fmt_glyphs()->ellipsis))
			cJSON_AddStringToObject(o, "last4", rows[i].shown + strlen(fmt_glyphs()->ellipsis));
		else
			cJSON_AddNullToObject(o, "last4");
		cJSON_AddBoolToObject(o, "in_keyring", rows[i].in_keyring);
		cJSON_AddBoolToObject(o, "locked", rows[i].locked);
		cJSON_AddBoolToObject(o, "key_command", rows[i].p != NULL
		    && rows[i].p->key_command != NULL && *rows[i].p->key_command != '\0');
		cJSON_AddBoolToObject(o, "requires_key", rows[i].p == NULL || rows[i].p->requires_key);
		cJSON_AddBoolToObject(o, "configured", rows[i].p != NULL);
		cJSON_AddItemToArray(arr, o);
	}
	report_json_print(root);
	cJSON_Delete(root);
}

static int
keys_list(struct app *cli, int argc, char **argv)
{
	struct keys_row *rows;
	char **names = NULL;
	char *kr_error = NULL;
	size_t nnames = 0, n = 0, i, j;
	bool json = false, kr_ok;

	for (i = 2; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			if (!cli_flag_value("keys list", argv[i], (const char *const[]){ "--json", NULL }))
				fprintf(stderr, "llm: keys list: %s '%s'%s\n", argv[i][0] == '-' ?
				    "unknown option" : "unexpected", argv[i], cli_option_hint("keys", argv[i]));
			return keys_usage();
		}
	}
	kr_ok = keyring_list(&names, &nnames, &kr_error) == 0;
	rows = xcalloc(cli->cfg.nproviders + nnames + 1, sizeof(*rows));
	for (i = 0; i < cli->cfg.nproviders; i++) {
		rows[n].provider = cli->cfg.providers[i].name;
		rows[n].p = &cli->cfg.providers[i];
		keys_row_fill(&rows[n++], names, nnames, kr_ok);
	}
	for (j = 0; j < nnames; j++) {
		if (config_provider(&cli->cfg, names[j]) != NULL)
			continue;
		rows[n].provider = names[j];
		keys_row_fill(&rows[n++], names, nnames, kr_ok);
	}
	if (json)
		keys_print_json(rows, n, kr_error);
	else
		keys_print_text(rows, n);
	if (!kr_ok && !json)
		fprintf(stderr, "llm: keys list: %s\n", kr_error);
	for (i = 0; i < n; i++)
		secure_clear(rows[i].shown, sizeof rows[i].shown);
	free(rows);
	free(kr_error);
	keyring_list_free(names, nnames);
	return EXIT_OK;
}

/* Find the key as a request would, running key_command if it comes to that. */
static int
keys_check(struct app *cli, int argc, char **argv)
{
	const struct provider_conf *p;
	enum cred_source src;
	char *key = NULL, *cause = NULL, *msg;
	char shown[16];
	int r;

	if (argc != 3)
		return keys_no_provider("check", argc, argv);
	if ((p = keys_provider(cli, "check", argv[2])) == NULL)
		return EXIT_USAGE;
	r = cred_get(p, &key, &src, &cause);
	if (r < 0) {
		fprintf(stderr, "llm: keys check: %s\n", cause);
		free(cause);
		return EXIT_AUTH;
	}
	if (r == 1 && strcmp(p->name, "ledger") == 0) {
		/* libpq reads ~/.pgpass itself, and a login may take no password */
		printf("ledger: no password in PGPASSWORD or the keyring; if the database asks"
		    " for one, it is looked for in ~/.pgpass (or the file PGPASSFILE names)\n");
		return EXIT_OK;
	}
	if (r == 1 && !p->requires_key) {
		printf("%s: no key, and none is needed\n", p->name);
		return EXIT_OK;
	}
	if (r == 1) {
		msg = cred_missing_msg(p);
		fprintf(stderr, "llm: keys check: %s\n", msg);
		free(msg);
		return EXIT_AUTH;
	}
	keys_mask(key, shown, sizeof shown);
	secret_free(key);
	if (src == CRED_ENV)
		printf("%s: key from env %s (%s)\n", p->name, p->key_env, shown);
	else
		printf("%s: key from %s (%s)\n", p->name, cred_source_str(src), shown);
	return EXIT_OK;
}

/* Refuse an option given to set, rm or check, which take none; -1 when there is none. */
static int
keys_no_option(int argc, char **argv)
{
	char quoted[KEYS_WORD_MAX + 2];
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "llm: keys %s: unknown option %s%s\n", argv[1],
			    keys_word(argv[i], quoted, sizeof quoted), cli_option_hint("keys", argv[i]));
			return keys_usage();
		}
	}
	return -1;
}

/* Run `llm keys set|list|rm|check`. */
int
cli_keys(struct app *cli, int argc, char **argv)
{
	char quoted[KEYS_WORD_MAX + 2];
	bool list;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "llm: keys: no command given (set, list, rm or check)\n");
		return keys_usage();
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0
	    || strcmp(argv[1], "help") == 0) {
		fputs(cli_keys_usage, stdout);
		return EXIT_OK;
	}
	list = strcmp(argv[1], "list") == 0 || strcmp(argv[1], "ls") == 0;
	if (!list && cli_command_word("keys", argv[1]) && (rc = keys_no_option(argc, argv)) >= 0)
		return rc;
	if (strcmp(argv[1], "set") == 0)
		return keys_set(cli, argc, argv);
	if (list)
		return keys_list(cli, argc, argv);
	if (strcmp(argv[1], "rm") == 0 || strcmp(argv[1], "remove") == 0)
		return keys_rm(cli, argc, argv);
	if (strcmp(argv[1], "check") == 0)
		return keys_check(cli, argc, argv);
	if (strcmp(argv[1], "--json") == 0)
		fprintf(stderr, "llm: keys: no command given (set, list, rm or check)\n");
	else
		fprintf(stderr, "llm: keys: unknown %s %s\n", argv[1][0] == '-' ? "option" :
		    "command", keys_word(argv[1], quoted, sizeof quoted));
	return keys_usage();
}
