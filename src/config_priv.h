/* config_priv: what config's files share: the key tables' types and the parse's state. */
/*
 * Where things are:
 *   config.c         the built-in providers, the key tables, the file read section by
 *                    section, the paths, defaults, lookups and config show
 *   config_value.c   a key's value: read from its text into the struct, written back as text
 *   config_check.c   what is refused: secrets, keys out of place, model names, syntax errors
 */
#ifndef LLM_CONFIG_PRIV_H
#define LLM_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "config.h"

enum ktype {
	K_STR,
	K_BOOL,
	K_LONG,     /* long */
	K_SECONDS,  /* long, a wait: 1 to 86400 (0 would be no wait at all, not no limit) */
	K_I64,      /* int64_t */
	K_TIER,     /* cheap, mid, frontier (auto where allowed) */
	K_TIER_OR_AUTO,
	K_USD,      /* dollars -> pico-dollars */
	K_PRICE,    /* dollars per million tokens -> pico-dollars per token */
	K_ACTION,
	K_API,
	K_LIST,     /* a, b, c: a NULL-terminated char ** */
	K_TOOLS,    /* a K_LIST of edit, write and run */
	K_PATHS,    /* a K_LIST of absolute paths, or ~/ ones */
	K_PERCENTS, /* "50, 80, 100": struct config's warn_at; empty: none */
	K_QUALITY,  /* a share above 0, at most 1 (three decimals) */
	K_TTL,      /* 5m or 1h -> seconds */
	K_COMPACT,  /* a token count, or a fraction of the window: 0.7 or 70% */
	K_VISION,   /* yes or no -> enum model_vision; unset: unknown */
};

/*
 * One key of a section: how its value is read, where it goes, its default
 * (as it would be written in the file; NULL: none) and one line of help.
 * config_load, config show, config check and the man-page test read these.
 */
struct key {
	const char *name;
	enum ktype type;
	size_t off;
	const char *def;
	const char *help;
};

struct parse {
	struct config *cfg;
	struct buf errors;
	FILE *f;
	int line;
	int section_line;    /* the line of the last section header read */
	int unknown_said;    /* the header line of the last unknown section reported */
};

/* config_value.c: a key's value, read and written. */
/* Add an error at the parse's file and line (printf-like). */
void config_perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free an array of n strings; accepts NULL. */
void config_list_free(char **v, size_t n);
/* Split "a, b ,c" into a fresh array of trimmed words; their count. */
size_t config_list_parse(const char *v, char ***out);
/* Set key name of the table keys (n of them) in the struct at base; false when none is called so. */
bool config_set_from_table(struct parse *p, const struct key *keys, size_t n, void *base,
    const char *name, const char *value);
/* Set each key of keys that has a default to it, in the struct at base. */
void config_keys_default(struct config *cfg, const struct key *keys, size_t n, void *base);
/* Write every key of a table that is set, one a line; with help, each says what it is. */
void config_dump_keys(FILE *f, const struct key *keys, size_t n, const void *base, bool help);

/* config.c: the file read. */
/* Return the table of section's keys (*n of them), or NULL. */
const struct key *config_section_keys(const char *section, size_t *n);

/* config_check.c: what is refused. */
/* Tell whether name is one given to an API key. */
bool config_secret_name(const char *name);
/* Tell whether s is empty or the name of an environment variable. */
bool config_env_name(const char *s);
/* Refuse an API key written into the file, saying where it belongs. */
void config_secret_key(struct parse *p, const char *section, const char *name);
/* Refuse an unknown key, naming the keys section does have. */
void config_unknown_key(struct parse *p, const char *section, const char *name);
/* Refuse a key above the first [section], saying where it belongs. */
void config_sectionless_key(struct parse *p, const char *name);
/* Check what only makes sense once the whole file is read. */
void config_validate(struct parse *p);
/* Refuse model names and ids that are not one printable word. */
void config_check_model_words(struct parse *p);
/* Put inih's first syntax error, at line, before the other errors. */
void config_syntax_error(struct parse *p, int line);

#endif
