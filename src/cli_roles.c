/* cli_roles: llm roles, the named system prompts -r NAME takes, and where each comes from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "role.h"
#include "util.h"

const char cli_roles_usage[] =
    "usage: llm roles [--paths]\n"
    "\n"
    "The roles -r NAME (and /role NAME in the full-screen client) take: a system\n"
    "prompt with defaults, from $LLM_CONFIG_DIR/roles/NAME.md, then the roles\n"
    "installed with llm. A file of the same name in the config directory wins.\n"
    "  --paths   show the file each role comes from\n";

/* "tier mid, temperature 0.2, max 400 tokens": a role's defaults, or "-". */
static void
defaults_str(const struct role *r, struct buf *b)
{
	buf_reset(b);
	if (r->tier != TIER_AUTO)
		buf_addf(b, "tier %s", tier_str(r->tier));
	if (r->model != NULL)
		buf_addf(b, "%smodel %s", b->len ? ", " : "", r->model);
	if (r->temperature_set) {
		char t[16];
		int n = snprintf(t, sizeof(t), "%d.%03d", r->temperature_milli / 1000,
		    r->temperature_milli % 1000);

		while (n > 0 && t[n - 1] == '0')
			t[--n] = '\0';
		if (n > 0 && t[n - 1] == '.')
			t[--n] = '\0';
		buf_addf(b, "%stemperature %s", b->len ? ", " : "", t);
	}
	if (r->max_tokens > 0)
		buf_addf(b, "%smax %ld tokens", b->len ? ", " : "", r->max_tokens);
	if (b->len == 0)
		buf_adds(b, "-");
}

/* llm roles: one line per role: name, defaults, description. */
int
cli_roles(struct app *cli, int argc, char **argv)
{
	struct role *list;
	struct buf b;
	char *warn = NULL;
	const char *p;
	bool paths = false;
	size_t i, n;
	int k;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
			fputs(cli_roles_usage, stdout);
			return EXIT_OK;
		} else if (strcmp(argv[k], "--paths") == 0) {
			paths = true;
		} else {
			if (cli_flag_value("roles", argv[k], (const char *const[]){ "--paths", NULL }))
				cli_usage_hint("roles", cli_roles_usage);
			else {
				fprintf(stderr, "llm: roles: %s '%s'%s\n", argv[k][0] == '-' ?
				    "unknown option" : "unexpected", argv[k], cli_option_hint("roles", argv[k]));
				cli_usage_hint("roles", cli_roles_usage);
			}
			return EXIT_USAGE;
		}
	}
	n = role_list(cli->cfg.dir, &list, &warn);
	/* one warning a line, each with its prefix */
	for (p = warn; p != NULL && *p != '\0'; p += *p == '\n') {
		size_t len = strcspn(p, "\n");

		fprintf(stderr, "llm: roles: %.*s\n", (int)len, p);
		p += len;
	}
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		defaults_str(&list[i], &b);
		printf("%-12s %-44s %s\n", list[i].name, buf_str(&b),
		    paths ? list[i].path : list[i].description ? list[i].description : "");
	}
	if (n == 0)
		fprintf(stderr, "llm: roles: none found (add %s/roles/NAME.md)\n", cli->cfg.dir);
	buf_done(&b);
	roles_free(list, n);
	free(warn);
	return EXIT_OK;
}
