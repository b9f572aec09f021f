/* cli_logs: llm logs: what its files share (cli_logs.c, cli_logs_task.c). */
#ifndef LLM_CLI_LOGS_H
#define LLM_CLI_LOGS_H

#include <stdbool.h>

struct app;
struct cJSON;

/* Print s made visible, continuation lines indented under the first. */
void logs_print_text(const char *s);
/* Print a stored word (a role) made visible, on one line, padded to width. */
void logs_print_word(const char *s, int width);
/* Add s to o under name as text, or null when s is NULL. */
void logs_json_str(struct cJSON *o, const char *name, const char *s);
/* Show agent task arg (llm logs --task ID) in JSON or as text: an exit code. */
int logs_task(struct app *cli, const char *arg, bool json);

#endif
