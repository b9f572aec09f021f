/* wire: the JSON helpers every wire-format adapter shares; no I/O. */
#ifndef LLM_WIRE_H
#define LLM_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "provider.h"

#define WIRE_MSG_MAX 300   /* bytes of server text kept in a one-line message */

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
cJSON *wire_parse(const char *data, size_t len);
/*
 * The JSON object of one streamed event or line, or NULL with *rc: PEV_OK for
 * a blank one (it carries nothing, no reason to fail the reply), PEV_BAD with
 * st->error set for one that is not an object.
 */
cJSON *wire_event_object(struct pstate *st, const char *data, size_t len, enum pev *rc);
/* Whether data[0..len) is nothing but white space (true for NULL). */
bool wire_blank(const char *data, size_t len);
/* Member key of object o; NULL when o is not an object or has no such member. */
const cJSON *wire_get(const cJSON *o, const char *key);
/* A string member (borrowed), or NULL when missing or not a string. */
const char *wire_str(const cJSON *o, const char *key);
/* Whether member key of o is the string want. */
bool wire_is(const cJSON *o, const char *key, const char *want);
/* A token count: a non-negative number below 9e15, else false and *out untouched. */
bool wire_int(const cJSON *o, const char *key, int64_t *out);
/*
 * The most tokens one request can report: more than any model's context window
 * and output together. A count above it is a malformed reply, not a figure to
 * price: priced, it would overflow into an unknown cost.
 */
#define WIRE_COUNT_MAX 1e9
/*
 * A usage count read strictly: 1 when member key of o is a whole number from 0
 * to WIRE_COUNT_MAX (in *out), 0 when it is absent or null (*out untouched),
 * -1 when it is anything else (a string, negative, fractional, too large).
 */
int wire_count(const cJSON *o, const char *key, int64_t *out);
/*
 * Up to max bytes of server text as one printable line (malloc'd): cut between
 * characters, line ends as spaces, controls made visible, trimmed.
 */
char *wire_line(const char *s, size_t n, size_t max);
/* "msg (kind)" as one line (malloc'd): kind alone when msg is empty; NULL when both are. */
char *wire_msg_kind(const char *msg, const char *kind);
/* Put msg (malloc'd, taken) in st->error, mark an error stop for PEV_ERROR, and return rc. */
enum pev wire_fail(struct pstate *st, enum pev rc, char *msg);
/* Fail with PEV_BAD, quoting the start of data as "malformed reply from the server: ...". */
enum pev wire_bad(struct pstate *st, const char *data, size_t len);
/* Fail with PEV_ERROR and msg (taken), or a generic message when msg is NULL or empty. */
enum pev wire_error_event(struct pstate *st, char *msg);
/* Hand s[0..n) to st->on_text when there is any text and a callback. */
void wire_emit(struct pstate *st, const char *s, size_t n);
/*
 * The message for an error body: msg (taken) when it is non-empty, else
 * "HTTP status: start of the body" (malloc'd, never NULL).
 */
char *wire_error_or(char *msg, int status, const char *body, size_t len);
/*
 * What an error document says by its type: {"error": {...}} (or an array of
 * them, as Gemini sends) with a code, status, type or detail reason that names
 * a known kind, or a flat {"type", "code"} (vLLM); a numeric code alone is
 * read as an HTTP status. FAULT_NONE when nothing is known.
 */
enum fault wire_fault(const cJSON *j);
/* wire_fault of a whole body; FAULT_NONE when it is not JSON. */
enum fault wire_fault_body(const char *body, size_t len);
/* base_url without trailing slashes, then path (malloc'd). */
char *wire_url(const char *base_url, const char *path);
/* Add "model" and a "messages" array, the system prompt first, to root: the chat shape. */
void wire_chat_messages(cJSON *root, const struct request *req);
/* Append {"role": role, "content": text} to arr. */
void wire_add_msg(cJSON *arr, const char *role, const char *text);
/* Print root compactly (malloc'd) and delete it. */
char *wire_print(cJSON *root);
/* The bytes at data in base64 (RFC 4648, padded); malloc'd. */
char *wire_base64(const char *data, size_t len);
/*
 * The message of req->msgs[i] in arr, an array built with one entry per
 * message after skip leading entries (a system message); NULL if none.
 */
cJSON *wire_msg_at(cJSON *arr, size_t skip, size_t i);
/* Add the request's temperature, if set, to obj (a body, generationConfig or options). */
void wire_add_temperature(cJSON *obj, const struct request *req);

#endif
