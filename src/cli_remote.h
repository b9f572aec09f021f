/* cli_remote: llm models --remote PROVIDER and llm models add: what a server serves, into the config. */
#ifndef LLM_CLI_REMOTE_H
#define LLM_CLI_REMOTE_H

struct app;

/* llm models --remote PROVIDER [--json], options in any order: argv[0] is "models". An exit code. */
int cli_models_remote(struct app *cli, int argc, char **argv);
/* llm models add PROVIDER ID --tier T --price IN/OUT [--name NAME]: argv[0] is "add". */
int cli_models_add(struct app *cli, int argc, char **argv);

#endif
