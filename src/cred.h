/* cred: find a provider's API key: its key_env variable, then the keyring, then key_command. */
#ifndef LLM_CRED_H
#define LLM_CRED_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum cred_source {
	CRED_NONE,
	CRED_ENV,
	CRED_KEYRING,
	CRED_COMMAND,
};

/* The most output key_command may print; more is an error. */
#define CRED_COMMAND_MAX (64 * 1024)

/* "none", "env", "keyring" or "command". */
const char *cred_source_str(enum cred_source s);

/*
 * Find p's key: the p->key_env variable (when set and not empty), then the
 * keyring (application=llm, provider=NAME), then p->key_command (its key
 * kept for the next requests, see cred_forget). A keyring error is passed
 * over when key_command is set. 0: found, *key malloc'd (free
 * with secret_free) and *src where from; 1: none anywhere; -1: error with
 * *cause (never containing the key).
 */
int cred_get(const struct provider_conf *p, char **key, enum cred_source *src, char **cause);

/*
 * Tell whether a key can be had for p without running key_command: the
 * variable is set, or the keyring holds an item (asked once per process).
 * True when !p->requires_key.
 */
bool cred_available(const struct provider_conf *p);

/*
 * Tell where p's key would come from without reading a secret or running a
 * command: CRED_ENV, CRED_KEYRING, CRED_COMMAND (configured, not run) or
 * CRED_NONE. A keyring that cannot be asked counts as holding nothing.
 */
enum cred_source cred_probe(const struct provider_conf *p);

/*
 * Why a keyring that is there could not be asked by cred_get, cred_available
 * or cred_probe (no answer, locked: a message saying what to do), or NULL
 * when it answered, was not asked, or is not there at all.
 */
const char *cred_keyring_error(void);

/*
 * Why text cannot be a key as it stands (a NAME=KEY line, "Bearer KEY", a key
 * in quotes or with a space, not ASCII), or NULL: llm keys set and
 * key_command's output are held to it. The reason never quotes the text.
 */
const char *cred_not_a_key(const char *key);

/* The message for a provider with no key: names key_env, `llm keys set NAME` and key_command. */
char *cred_missing_msg(const struct provider_conf *p);
/* That message, and why (when not NULL) in parentheses: what a request that has no key says. */
char *cred_fail_msg(const struct provider_conf *p, const char *why);

/*
 * Forget the key p's key_command printed: the provider rejected it, and the
 * next request runs the command again. (Such a key is otherwise kept for five
 * minutes, for the requests of a session or a task.)
 */
void cred_forget(const struct provider_conf *p);

/*
 * Get p's key as a request would (key_command run), and clear it: 0 when
 * one is there or none is needed, else -1 with *cause what the request would
 * fail with (never the key).
 */
int cred_check(const struct provider_conf *p, char **cause);

/*
 * Run cmd with /bin/sh -c, with an empty stdin, and return its first line of
 * output, trimmed, in *key (free with secret_free). 0 or -1 with *cause naming
 * the exit status, never the output. Output over CRED_COMMAND_MAX is an error.
 */
int cred_run_command(const char *cmd, char **key, char **cause);

/*
 * Have a key_command that is running stopped (killed, as at its time
 * limit) once *flag is set, by the caller's handler of SIGINT, SIGTERM
 * and SIGHUP: a command that ignores the terminal's Ctrl-C would otherwise
 * keep llm waiting. NULL: never.
 */
void cred_stop_on(const volatile sig_atomic_t *flag);
/*
 * Keep the keys key_command printed as long as the process lives, not five
 * minutes: for the full-screen client's task, which has no terminal to run a
 * command that prompts again (a rejected key is still forgotten).
 */
void cred_keep_for_life(void);
/* Whether the last key_command run failed for a stop (the flag of cred_stop_on was set). */
bool cred_stopped(void);

/*
 * Have fn(arg, provider, true) called before a key_command runs (not when
 * its key is still kept) and fn(arg, provider, false) after it: the
 * full-screen client gives the terminal back for the command's passphrase
 * prompt, and takes it again. NULL: nothing is called.
 */
void cred_around(void (*fn)(void *arg, const char *provider, bool before), void *arg);

/*
 * Keep keys out of core dumps and away from other processes' ptrace: no
 * core file (RLIMIT_CORE 0) and not dumpable. Called first thing in main,
 * since a key_env key is in the environment from the start; cred_get calls
 * it too, for programs that link cred without main.
 */
void cred_protect(void);

/* Tell whether key is usable in a header: not empty, no control characters. */
bool cred_key_valid(const char *key);

#endif
