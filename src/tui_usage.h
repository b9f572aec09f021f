/* tui_usage: the /usage view, this month's spend chart over the transcript, scrollable. */
#ifndef LLM_TUI_USAGE_H
#define LLM_TUI_USAGE_H

struct tui;

/* Open the usage view (arg unused): the conversation's cost, then the month's chart. */
void tui_usage_cmd(struct tui *t, char *arg);

#endif
