/* tui_agent_priv: what agent mode's files share: the task's events read, shown and answered. */
/*
 * Where things are:
 *   tui_agent.c        the task's child started, its events read and dispatched, stopped
 *   tui_agent_step.c   the steps in the transcript: calls, output, what the model said, prices
 *   tui_agent_ask.c    the task's questions (an approval, more under the cap) and their answers
 */
#ifndef LLM_TUI_AGENT_PRIV_H
#define LLM_TUI_AGENT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tui_priv.h"

struct cJSON;

#define TUI_AGENT_DIFF_LINES 40  /* diff lines shown under an edit */

/* tui_agent.c: the task and its events. */
/* Free a string the task's state holds, and forget it. */
void tui_agent_drop_str(char **p);
/* Write the task's total so far, "task $0.0012 of $0.05 cap", into out. */
void tui_agent_task_total(const struct tui *t, char *out, size_t n);
/* An event's string field key, or NULL. */
const char *tui_agent_jstr(const struct cJSON *o, const char *key);
/* An event's amount or count field key (a decimal string), or 0. */
int64_t tui_agent_jpico(const struct cJSON *o, const char *key);
/* Whether an event's field key is true. */
bool tui_agent_jbool(const struct cJSON *o, const char *key);
/* Send the task a tier or pin changed since it started, and say so in the transcript. */
void tui_agent_send_route(struct tui *t);

/* tui_agent_step.c: the steps in the transcript. */
/* Add lines of text to b, each after prefix, at most max of them. */
void tui_agent_add_lines(struct buf *b, const char *prefix, const char *text, int max);
/* Add text (made visible) as more lines of entry m. */
void tui_agent_entry_add(struct tui *t, struct tui_msg *m, const char *text);
/* Show the line of the running step under entry m, and only there. */
void tui_agent_show_price(struct tui *t, struct tui_msg *m);
/* Take the step's line off entry m, if it shows it. */
void tui_agent_hide_price(struct tui *t, struct tui_msg *m);
/* Show a running command's output (event "out"). */
void tui_agent_on_output(struct tui *t, const struct cJSON *e);
/* Show what the model says as it streams in (event "text"). */
void tui_agent_on_text(struct tui *t, const struct cJSON *e);
/* Show a call and its result (event "call"). */
void tui_agent_on_call(struct tui *t, const struct cJSON *e);
/* Show a worker step's answered request and its line (event "priced"). */
void tui_agent_on_priced(struct tui *t, const struct cJSON *e);
/* Show a step's end and its price (event "step"). */
void tui_agent_on_step(struct tui *t, const struct cJSON *e);

/* tui_agent_ask.c: the task's questions and their answers. */
/* Ask what the task asks: an approval for a call, or with more, more room under its cap. */
void tui_agent_on_ask(struct tui *t, const struct cJSON *e, bool more);
/* Leave the input's edit of the command or the amount: the draft typed before is back. */
void tui_agent_edit_end(struct tui *t);
/* Send the task answer line a, and end the question. */
void tui_agent_answer(struct tui *t, const char *a);

#endif
