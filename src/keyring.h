/* keyring: API keys in the OS keyring (Secret Service through libsecret), never in a file. */
#ifndef LLM_KEYRING_H
#define LLM_KEYRING_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Items carry the attributes application=llm and provider=NAME and the label
 * "llm: NAME API key". Every function returns -1 with *cause (malloc'd, never
 * holding a key) when the keyring cannot be used; with no Secret Service on the
 * session bus the cause names the fixes (start one, or use key_env or
 * key_command). A locked collection is unlocked through the service's prompt.
 */

/* Fetch provider's key: 0 and *key (free with secret_free), 1 none, -1 error. */
int keyring_get(const char *provider, char **key, char **cause);
/* Tell whether provider has a key without reading it: 0 yes, 1 no, -1 error. */
int keyring_has(const char *provider, char **cause);
/* Store (or replace) provider's key: 0 or -1. */
int keyring_set(const char *provider, const char *key, char **cause);
/* Delete provider's key: 0 deleted, 1 there was none, -1 error. */
int keyring_rm(const char *provider, char **cause);
/*
 * List the providers that have a key, sorted, in *names (a malloc'd array of
 * *n malloc'd strings, free with keyring_list_free): 0 or -1.
 */
int keyring_list(char ***names, size_t *n, char **cause);
/*
 * Whether the last failure was for want of a keyring (no session bus, no
 * libsecret, no Secret Service on the bus), where "store a key or set
 * key_env" is the fix; false when one is there but did not answer or is
 * locked, where its own message says what to do.
 */
bool keyring_absent(void);
/* Free what keyring_list returned. */
void keyring_list_free(char **names, size_t n);

#endif
