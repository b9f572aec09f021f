/* cli: what the subcommands of the command line share. */
#ifndef LLM_CLI_H
#define LLM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"
#include "chat.h"

struct buf;
struct catalog;
struct chat;
struct cJSON;
struct cli_opts;
struct ledger;

/* Exit codes scripts depend on; documented in llm(1). */
enum {
	EXIT_OK = 0,
	EXIT_PROVIDER = 1,   /* provider or network failure after retries */
	EXIT_USAGE = 2,      /* usage or config error, or the local ledger failed */
	EXIT_BUDGET = 3,     /* refused by the budget or --max-cost */
	EXIT_AUTH = 4,       /* no credentials, credentials rejected, or the account out of credit */
	EXIT_SIGHUP = 129,      /* hung up (128 + SIGHUP) */
	EXIT_INTERRUPT = 130,   /* SIGINT */
	EXIT_SIGPIPE = 141,     /* stdout went away (128 + SIGPIPE) */
	EXIT_SIGTERM = 143,     /* terminated (128 + SIGTERM) */
};

/* The exit code of a request that ended with status s. */
int cli_exit_code(enum chat_status s);
/* Print "llm: context: cause" on stderr if cause is not NULL, and free it. */
void cli_complain(const char *context, char *cause);
/* Say "option '--json' takes no value" if arg is --json=VALUE and --json one of flags. */
bool cli_flag_value(const char *context, const char *arg, const char *const *flags);
/*
 * Whether argv[*i] is -c or --name with its value (-cV, -c V, --name=V,
 * --name V): *val the value (NULL: argv ended), *i on the last word taken.
 */
bool cli_opt_value(int argc, char **argv, int *i, char c, const char *name, const char **val);
/* Whether stdin is a pipe, a file or a socket (not a terminal, nor /dev/null as under cron). */
bool cli_stdin_piped(void);
/*
 * Refuse what ("prompt", "request", "task") given with a pipe or file on stdin
 * that brought nothing (`git diff | llm review` with nothing to diff): sent
 * alone it would buy an answer about material that is not there. Says so on
 * stderr as context (NULL: llm's own line); the usage exit code.
 */
int cli_stdin_empty(const char *context, const char *what);

/*
 * Put stdout through a stream that keeps why a write failed and whether one
 * was made, and with json (--json on the line) stderr through one that keeps
 * what was said. Before anything is printed.
 */
void cli_out_init(bool json);
/* Give stdout back to the C library's own stream, for curses. */
void cli_out_release(void);
/* Flush stdout: 0 when it took all that was printed, else why not (an errno value). */
int cli_out_error(void);
/*
 * Flush stdout; when it did not take all, say "llm: stdout: REASON" and note
 * (may be NULL) once. The exit code: rc, EXIT_SIGPIPE (EPIPE) or EXIT_USAGE.
 */
int cli_out_end(int rc, const char *note);
/*
 * After a usage error of cmd (NULL: llm's own line): its synopsis from usage
 * (up to a blank line) and where the rest is.
 */
void cli_usage_hint(const char *cmd, const char *usage);
/*
 * Say line (a whole line: "llm: did you mean ...?\n") above the next usage
 * hint, under the error, rather than below the usage where it is missed; NULL
 * forgets it. Whether the line given before was not said yet.
 */
bool cli_usage_first(const char *line);
/* Add to b what cli_usage_hint prints. */
void cli_usage_hint_add(struct buf *b, const char *cmd, const char *usage);
/* Under --json, a failure rc that printed nothing on stdout: {"error", "exit_code"} there. */
void cli_out_json_error(int rc);

/*
 * Each command's usage: its synopsis (the "usage:" lines up to a blank one),
 * which a usage error repeats, then any more of its --help.
 */
extern const char cli_budget_usage[], cli_chat_usage[], cli_cmd_usage[], cli_config_usage[],
    cli_do_usage[], cli_git_usage[], cli_keys_usage[], cli_ledger_usage[], cli_logs_usage[],
    cli_models_usage[], cli_roles_usage[], cli_route_usage[], cli_undo_usage[],
    cli_usage_usage[];

/*
 * A subcommand: argv[0] is its name; it parses its own options and returns an
 * exit code. Errors go to stderr as "llm: context: reason".
 */
typedef int (*cli_cmd_fn)(struct app *cli, int argc, char **argv);

int cli_models(struct app *cli, int argc, char **argv);
int cli_route(struct app *cli, int argc, char **argv);
int cli_budget(struct app *cli, int argc, char **argv);
int cli_usage(struct app *cli, int argc, char **argv);
int cli_logs(struct app *cli, int argc, char **argv);
int cli_keys(struct app *cli, int argc, char **argv);
/* Whether a word of argv may be a key typed where a name goes: errors do not repeat it. */
bool cli_keys_may_be_key(const char *word);
int cli_git(struct app *cli, int argc, char **argv);
int cli_config(struct app *cli, int argc, char **argv);
int cli_chat(struct app *cli, int argc, char **argv);
int cli_ask(struct app *cli, int argc, char **argv);
int cli_complete(struct app *cli, int argc, char **argv);
/* Whether word names a command of llm ("budget"), help and version included. */
bool cli_command_name(const char *word);
/* Whether word is one of command cmd's own commands ("show" for logs). */
bool cli_command_word(const char *cmd, const char *word);
/* The word of command cmd's own that word misspells by one letter ("show" for "shwo"), or NULL. */
const char *cli_command_near(const char *cmd, const char *word);
/*
 * The long option among opts (NULL-terminated, "--by", "-n") that bad, an
 * option word ("--bye", "--jsn=1"), misspells by one letter ("--by"), or
 * NULL; only the name before "=" is read, never the value.
 */
const char *cli_option_near(const char *const *opts, const char *bad);
/*
 * What follows "unknown option 'BAD'": "; did you mean '--by'?" when bad
 * misspells one of opts (cli_option_near), or "". Borrowed until the next call.
 */
const char *cli_option_hint_in(const char *const *opts, const char *bad);
/* cli_option_hint_in for the options of command cmd (NULL: of a question). */
const char *cli_option_hint(const char *cmd, const char *bad);
/* Whether option opt of command cmd takes the next word as its value ("-n" for logs). */
bool cli_command_valued(const char *cmd, const char *opt);
/* How option opt (no "=VALUE") stands on command cmd's line: -1 not its, 0 a flag, 1 valued. */
int cli_command_arity(const char *cmd, const char *opt);
/* The options of command cmd, NULL: of llm's own line (a question), NULL-terminated. */
const char *const *cli_command_options(const char *cmd);
int cli_roles(struct app *cli, int argc, char **argv);
int cli_cmd(struct app *cli, int argc, char **argv);
/*
 * Edit command cmd on tty for llm who ("cmd", "do"): one line with
 * readline, prefilled; a script of several in $VISUAL or $EDITOR. The new
 * text (malloc'd), or NULL: cleared, unchanged, or the editor failed (said).
 */
char *cli_cmd_edit(FILE *tty, const char *who, const char *cmd);
/* llm do: one agent task. */
int cli_do(struct app *cli, int argc, char **argv);
/* llm undo: restore the files the last agent task changed in this workspace. */
int cli_undo(struct app *cli, int argc, char **argv);
/* Start the full-screen client with options already parsed. */
int cli_chat_start(struct app *cli, const struct cli_opts *p);
/* Print what llm route does and takes, on stdout. */
void cli_route_help(void);
/*
 * Show the decision chat c would make for msg, budget included (llm route,
 * --dry-run); l (may be NULL) gives the month's figures. An exit code.
 */
int cli_route_report(struct app *cli, const struct cli_opts *p, struct chat *c,
    struct ledger *l, const char *msg);

/* Add pico-dollars to o as an exact JSON number of dollars, or null when unknown (< 0). */
void cli_json_usd(struct cJSON *o, const char *key, int64_t pico);
/* Add a per-token price in pico-dollars as exact dollars per million tokens, or null (< 0). */
void cli_json_price(struct cJSON *o, const char *key, int64_t pico);
/* Add a real number as a plain decimal (nine places at most, no exponent), or null. */
void cli_json_real(struct cJSON *o, const char *key, double v);
/* A JSON string of s, each sequence that is not UTF-8 made U+FFFD. */
struct cJSON *cli_json_string(const char *s);
/* Add text to o under key as such a string. */
void cli_json_text(struct cJSON *o, const char *key, const char *text);

struct ledger;
/*
 * Open the ledger in cli's data directory, saying on stderr when a wait for its
 * lock lasts; NULL with *cause. A ledger failure exits EXIT_USAGE (it is local),
 * but for the team's database out of reach: see cli_ledger_rc.
 */
struct ledger *cli_ledger_open(const struct app *cli, char **cause);
/*
 * The exit code of a failed call on l (NULL: not opened): EXIT_PROVIDER when the
 * team's database was out of reach, a network failure; else EXIT_USAGE.
 */
int cli_ledger_rc(struct ledger *l);
/*
 * After cmd found the team's database out of reach on l: say on stderr what
 * requests here do meanwhile and what this machine keeps; else nothing.
 */
void cli_ledger_meanwhile(const struct app *cli, struct ledger *l, const char *cmd);
/*
 * With [ledger] database (or LLM_DATABASE), have every ledger opened be the
 * team's: its budgets are in the database, so cfg.budget becomes LEDGER_TEAM_LIMIT.
 */
void cli_ledger_team(struct app *cli);
/* llm ledger init: create or upgrade the ledger's schema. */
int cli_ledger(struct app *cli, int argc, char **argv);

#endif
