/* tui_usage: the /usage view, this month's spend chart over the transcript, scrollable. */
#ifndef LLM_TUI_USAGE_H
#define LLM_TUI_USAGE_H

struct tui;
struct tui_usage;

/* Open the usage view (arg unused): the conversation's cost, then the month's chart. */
void tui_usage_cmd(struct tui *t, char *arg);
/* Lay the open usage view out again for a new width, from the figures read when it opened. */
void tui_usage_relayout(struct tui *t);
/* Free the usage view's figures; accepts NULL. */
void tui_usage_free(struct tui_usage *u);

#endif
