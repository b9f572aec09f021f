/* cli_opts: the options of a conversation, parsed one way for llm PROMPT, llm route and llm chat. */
#ifndef LLM_CLI_OPTS_H
#define LLM_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chat.h"
#include "role.h"
#include "config.h"

/* llm's own synopsis: llm --help starts with it, a usage error of its line repeats it. */
#define CLI_OPTS_SYNOPSIS \
    "usage: llm [OPTIONS] [PROMPT...]\n" \
    "       llm COMMAND [ARGS...]\n"

/* The help lines of the options llm PROMPT, llm route and llm chat take alike. */
#define CLI_OPTS_HELP_REQUEST \
    "  -m, --model NAME      pin a model: a catalog name or provider/model-id\n" \
    "  -s, --system TEXT     system prompt\n" \
    "  -r, --role NAME       a named system prompt with its defaults (see llm roles)\n" \
    "  -f, --file PATH       attach a file as context, or an image (repeatable)\n"

/* Who parses: each option says which of these accept it. */
enum cli_face {
	CLI_FACE_ASK = 1,      /* llm [OPTIONS] PROMPT... */
	CLI_FACE_ROUTE = 2,    /* llm route [OPTIONS] PROMPT... */
	CLI_FACE_CHAT = 4,     /* llm chat [OPTIONS] */
};

/* What the command line asked for; strings are borrowed from argv. */
struct cli_opts {
	struct chat_opts o;    /* tier, model, system, max_tokens, max_cost, stream, escalate */
	char **files;          /* -f, in order (the array is owned) */
	size_t nfiles;
	bool cont;             /* -c */
	int64_t cid;           /* --cid; 0: none */
	bool json, dry_run, quiet, verbose, help;
	const char *theme;     /* llm chat: --theme */
	const char *script;    /* llm chat: --headless SCRIPT */
	const char *out;       /* llm chat: --out FILE */
	int width, height;     /* llm chat: --size WxH */
	bool agent;            /* llm chat: --agent, tools on from the start */
	const char *output;    /* -o FILE: the answer goes there, not to stdout */
	const char *role_name; /* -r NAME, as given */
	struct role *role;     /* the role loaded (owned), or NULL */
	bool tier_set, model_set, system_set, max_tokens_set;  /* given on the command line */
	bool force;            /* --force: -o may replace an existing file */
	bool output_set;       /* -o was given (output NULL for "-", stdout) */
	bool explain, forget;  /* llm route: what the router learnt; forget it */
	char **words;          /* the operands (the prompt's words) in order; owned array */
	int nwords;
};

/* After a usage error of face's line: its synopsis and where the rest is, on stderr. */
void cli_opts_hint(enum cli_face face);
/*
 * Parse argv[1..argc-1] as face does: options anywhere, "--" ends them.
 * Returns -1 to go on, or an exit code after saying what is wrong on stderr.
 */
int cli_opts_parse(struct cli_opts *p, enum cli_face face, const struct config *cfg, int argc,
    char **argv);
/*
 * Tell how arg stands on llm's own line (llm PROMPT): -1 not one of its options,
 * 0 an option complete in itself ("-q", "--tier=mid"), 1 one that takes the
 * next word as its value ("-t").
 */
int cli_opts_arity(const char *arg);
/*
 * Load role name and take its defaults (system prompt, tier, model,
 * temperature, max tokens) where the command line gave none; keep_system:
 * leave the system prompt alone (a continued conversation has its own).
 * 0, or -1 after saying why on stderr.
 */
int cli_opts_role(struct cli_opts *p, const char *name, const struct config *cfg,
    bool keep_system);
/* Free what cli_opts_parse allocated. */
void cli_opts_done(struct cli_opts *p);

#endif
