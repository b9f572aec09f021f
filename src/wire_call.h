/* wire_call: tool calls assembled from a reply's fragments, and encoded back, for every adapter. */
#ifndef LLM_WIRE_CALL_H
#define LLM_WIRE_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "provider.h"

#define WIRE_CALL_ARGS_MAX (1u << 20)  /* bytes of one call's arguments */
#define WIRE_CALLS_MAX     64          /* calls kept from one reply; more are dropped */
#define WIRE_CALL_ID_MAX   256         /* bytes of an id, a name or (x64) a signature */

/* Free the calls being assembled; accepts NULL. */
void wire_calls_free(struct wire_calls *w);
/* How many calls st has begun in this reply. */
size_t wire_calls_count(const struct pstate *st);
/*
 * Begin, or go on with, the call keyed key (an index on the wire): the first
 * non-empty id and name are kept. false when the reply holds too many calls.
 */
bool wire_call_begin(struct pstate *st, long key, const char *id, const char *name);
/* Append a fragment to begun call key's arguments; over the cap, the call becomes an error. */
void wire_call_args(struct pstate *st, long key, const char *s, size_t n);
/* The call's arguments as a whole JSON value (an object, or anything a server sends). */
void wire_call_args_json(struct pstate *st, long key, const cJSON *v);
/* Keep the thought signature to echo back with the call. */
void wire_call_signature(struct pstate *st, long key, const char *sig);
/*
 * Hand every call begun to st->on_call, in the order they began, and forget
 * them: each with an error when it cannot be run (cut off when st->stop is
 * STOP_LENGTH, invalid JSON, over the cap, no name). Without an id from the
 * server, synth makes one (formats that match results by id), else it stays NULL.
 */
void wire_calls_flush(struct pstate *st, bool synth);

/* args as a JSON object (a new item): "{}" for anything that is not one. */
cJSON *wire_args_object(const char *args);
/* A tool's schema as a JSON object (a new item); {"type":"object"} when it is not one. */
cJSON *wire_schema(const char *schema);
/* A tool's declaration (a new item): name, description when it has one, its schema under key. */
cJSON *wire_tool_decl(const struct tool_decl *d, const char *key);
/* Add "tools" in the Chat Completions shape (OpenAI, Ollama) when req declares any. */
void wire_tools_chat(cJSON *root, const struct request *req);
/*
 * After wire_chat_messages: give the assistant turns their tool_calls and the
 * "tool" turns their ids, in the Chat Completions shape (args_text: arguments
 * as a JSON string, as OpenAI wants) or Ollama's (arguments as an object,
 * tool_name).
 */
void wire_chat_calls(cJSON *root, const struct request *req, bool args_text);
/* A tool result's text as the model reads it, "error: " first when it failed (malloc'd). */
char *wire_result_text(const struct msg *m);

#endif
