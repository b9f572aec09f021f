/* cli_opts: the options of a conversation, parsed one way for llm PROMPT, llm route and llm chat. */
#include "cli_opts.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "util.h"

enum {
	OPT_CID = 256,
	OPT_NO_STREAM,
	OPT_JSON,
	OPT_DRY_RUN,
	OPT_MAX_TOKENS,
	OPT_MAX_COST,
	OPT_NO_COLOR,
	OPT_THEME,
	OPT_HEADLESS,
	OPT_SIZE,
	OPT_OUT,
	OPT_EXPLAIN,
	OPT_FORGET,
	OPT_FORCE,
	OPT_AGENT,
};

#define ONE_SHOT (CLI_FACE_ASK | CLI_FACE_ROUTE)
#define ALL      (CLI_FACE_ASK | CLI_FACE_ROUTE | CLI_FACE_CHAT)

/* Every option of a conversation, and the faces that take it. */
static const struct opt_def {
	const char *name;
	int id;                /* the short letter, or an OPT_* above 255 */
	bool arg;
	unsigned faces;
	const char *dry_no;    /* why llm route and --dry-run, which send nothing, refuse it */
} opt_defs[] = {
	{ .name = "tier", .id = 't', .arg = true, .faces = ALL },
	{ .name = "model", .id = 'm', .arg = true, .faces = ALL },
	{ .name = "system", .id = 's', .arg = true, .faces = ALL },
	{ .name = "file", .id = 'f', .arg = true, .faces = ALL },
	{ .name = "continue", .id = 'c', .faces = ALL },
	{ .name = "cid", .id = OPT_CID, .arg = true, .faces = ALL },
	{ .name = "no-stream", .id = OPT_NO_STREAM, .faces = ONE_SHOT,
	  .dry_no = "no request is sent, so nothing streams" },
	{ .name = "json", .id = OPT_JSON, .faces = ONE_SHOT },
	{ .name = "dry-run", .id = OPT_DRY_RUN, .faces = ONE_SHOT },
	{ .name = "max-tokens", .id = OPT_MAX_TOKENS, .arg = true, .faces = ONE_SHOT },
	{ .name = "max-cost", .id = OPT_MAX_COST, .arg = true, .faces = ONE_SHOT },
	{ .name = "quiet", .id = 'q', .faces = ONE_SHOT,
	  .dry_no = "the decision is all that is printed; there is no summary line" },
	{ .name = "verbose", .id = 'v', .faces = ONE_SHOT,
	  .dry_no = "the decision is printed with its explanation already" },
	{ .name = "no-color", .id = OPT_NO_COLOR, .faces = ALL },
	{ .name = "theme", .id = OPT_THEME, .arg = true, .faces = CLI_FACE_CHAT },
	{ .name = "headless", .id = OPT_HEADLESS, .arg = true, .faces = CLI_FACE_CHAT },
	{ .name = "size", .id = OPT_SIZE, .arg = true, .faces = CLI_FACE_CHAT },
	{ .name = "out", .id = OPT_OUT, .arg = true, .faces = CLI_FACE_CHAT },
	{ .name = "agent", .id = OPT_AGENT, .faces = CLI_FACE_CHAT },
	{ .name = "role", .id = 'r', .arg = true, .faces = ALL },
	{ .name = "output", .id = 'o', .arg = true, .faces = ONE_SHOT,
	  .dry_no = "no answer comes to be written; the decision goes to stdout" },
	{ .name = "force", .id = OPT_FORCE, .faces = ONE_SHOT,
	  .dry_no = "no answer comes to be written; the decision goes to stdout" },
	{ .name = "help", .id = 'h', .faces = CLI_FACE_ROUTE | CLI_FACE_CHAT },
	{ .name = "explain", .id = OPT_EXPLAIN, .faces = CLI_FACE_ROUTE },
	{ .name = "forget", .id = OPT_FORGET, .faces = CLI_FACE_ROUTE },
};

/* "llm: ", "llm: route: " or "llm: chat: ", and the command named by "Try ..." */
static const char *
face_name(enum cli_face face)
{
	return face == CLI_FACE_ROUTE ? "route" : face == CLI_FACE_CHAT ? "chat" : NULL;
}

/* After a usage error of face's line: its synopsis and where the rest is. */
void
cli_opts_hint(enum cli_face face)
{
	cli_usage_hint(face_name(face), face == CLI_FACE_ROUTE ? cli_route_usage :
	    face == CLI_FACE_CHAT ? cli_chat_usage : CLI_OPTS_SYNOPSIS);
}

/* Say what is wrong with the command line, then the synopsis; the usage exit code. */
static int
opt_error(enum cli_face face, const char *fmt, ...)
{
	const char *name = face_name(face);
	va_list ap;

	fprintf(stderr, "llm: %s%s", name ? name : "", name ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_opts_hint(face);
	return EXIT_USAGE;
}

static const struct opt_def *
opt_find(int id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_defs); i++)
		if (opt_defs[i].id == id)
			return &opt_defs[i];
	return NULL;
}

/* "-f" or "--cid": how the user wrote option id (short form where there is one). */
static void
opt_spelling(int id, char *out, size_t n)
{
	const struct opt_def *d = opt_find(id);

	if (id < 256)
		snprintf(out, n, "-%c", id);
	else
		snprintf(out, n, "--%s", d != NULL ? d->name : "?");
}

/* Parse "100x30". */
static bool
parse_size(const char *s, int *w, int *h)
{
	const char *x = strchr(s, 'x');
	int64_t a, b;
	char num[16];

	if (x == NULL || (size_t)(x - s) >= sizeof(num))
		return false;
	memcpy(num, s, (size_t)(x - s));
	num[x - s] = '\0';
	if (!str_to_i64(num, &a) || !str_to_i64(x + 1, &b) || a < 20 || b < 10 || a > 1000 ||
	    b > 1000)
		return false;
	*w = (int)a;
	*h = (int)b;
	return true;
}

/* Take the values that need checking; -1, or an exit code. */
static int
opt_value(struct cli_opts *p, enum cli_face face, int id, const char *arg)
{
	int64_t n;

	switch (id) {
	case 't':
		p->tier_set = true;
		if (!tier_parse(arg, &p->o.tier))
			return opt_error(face, "option --tier: unknown tier '%s'; tiers: auto, cheap, "
			    "mid, frontier", arg);
		break;
	case OPT_CID:
		if (!str_to_i64(arg, &p->cid) || p->cid <= 0)
			return opt_error(face, "option --cid: '%s' is not a conversation id (see llm "
			    "logs)", arg);
		break;
	case OPT_MAX_TOKENS:
		if (!str_to_i64(arg, &n) || n <= 0 || n > 10000000)
			return opt_error(face, "option --max-tokens: '%s' is not a number of tokens "
			    "from 1 to 10000000", arg);
		p->o.max_tokens = (long)n;
		p->max_tokens_set = true;
		break;
	case OPT_MAX_COST:
		if (!str_to_usd(arg, &n) || n <= 0)
			return opt_error(face, "option --max-cost: '%s' is not an amount in dollars "
			    "above 0, such as 0.05", arg);
		p->o.max_cost = n;
		break;
	case OPT_SIZE:
		if (!parse_size(arg, &p->width, &p->height))
			return opt_error(face, "option --size: '%s' is not WxH (at least 20x10)", arg);
		break;
	}
	return -1;
}

/* Apply option id with its argument (NULL for a flag); -1, or an exit code. */
static int
opt_apply(struct cli_opts *p, enum cli_face face, int id, char *arg)
{
	switch (id) {
	case 'm': p->o.model = arg; p->model_set = true; break;
	case 's': p->o.system = arg; p->system_set = true; break;
	case 'r': p->role_name = arg; break;
	case 'f':
		p->files = xreallocarray(p->files, p->nfiles + 1, sizeof(*p->files));
		p->files[p->nfiles++] = arg;
		break;
	case 'c': p->cont = true; break;
	case 'q': p->quiet = true; break;
	case 'v': if (p->verbose) log_to_stderr(); p->verbose = true; break;
	case 'h': p->help = true; break;
	case OPT_NO_STREAM: p->o.stream = false; break;
	case OPT_JSON: p->json = true; break;
	case OPT_DRY_RUN: p->dry_run = true; break;
	case OPT_NO_COLOR: setenv("NO_COLOR", "1", 1); break;
	case OPT_THEME: p->theme = arg; break;
	case OPT_HEADLESS: p->script = arg; break;
	case OPT_OUT: p->out = arg; break;
	case OPT_AGENT: p->agent = true; break;
	case OPT_EXPLAIN: p->explain = true; break;
	case OPT_FORGET: p->forget = true; break;
	case 'o':
		p->output = strcmp(arg, "-") == 0 ? NULL : arg;   /* -: stdout */
		p->output_set = true;
		break;
	case OPT_FORCE: p->force = true; break;
	default: return opt_value(p, face, id, arg);
	}
	return -1;
}

/* The getopt tables for face: ":t:m:..." and the long options. */
static void
opt_tables(enum cli_face face, char *shorts, size_t n, struct option *longs)
{
	size_t i, k = 0, s = 0;

	shorts[s++] = ':';     /* a missing argument is told apart from an unknown option */
	for (i = 0; i < ARRAY_SIZE(opt_defs); i++) {
		const struct opt_def *d = &opt_defs[i];

		if (!(d->faces & face))
			continue;
		longs[k++] = (struct option){ d->name, d->arg ? required_argument : no_argument,
			NULL, d->id };
		if (d->id < 256 && s + 3 < n) {
			shorts[s++] = (char)d->id;
			if (d->arg)
				shorts[s++] = ':';
		}
	}
	shorts[s] = '\0';
	longs[k] = (struct option){ NULL, 0, NULL, 0 };
}

/* "; did you mean '--tier'?" when bad ("--tierr=cheap") misspells a long option of face, else "". */
static const char *
opt_hint(enum cli_face face, const char *bad)
{
	static char names[ARRAY_SIZE(opt_defs)][40];
	const char *opts[ARRAY_SIZE(opt_defs) + 1];
	size_t i, k = 0;

	for (i = 0; i < ARRAY_SIZE(opt_defs); i++)
		if (opt_defs[i].faces & face) {
			snprintf(names[k], sizeof names[k], "--%s", opt_defs[i].name);
			opts[k] = names[k];
			k++;
		}
	opts[k] = NULL;
	return cli_option_hint_in(opts, bad);
}

/* Report what getopt could not take: an unknown option or a missing argument. */
static int
opt_reject(enum cli_face face, int c, char **argv)
{
	char name[40];
	const char *bad = argv[optind - 1];

	if (c == ':') {
		opt_spelling(optopt, name, sizeof(name));
		if (optopt >= 256 || strncmp(bad, "--", 2) == 0)
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(bad, "="), bad);
		return opt_error(face, "option %s needs an argument", name);
	}
	/* getopt names the option in optopt when it was given a value it takes none of */
	if (optopt != 0 && strncmp(bad, "--", 2) == 0 && strchr(bad, '=') != NULL)
		return opt_error(face, "option '--%s' takes no value", opt_find(optopt)->name);
	if (optopt > 0 && optopt < 256 && strncmp(bad, "--", 2) != 0)
		return opt_error(face, "unknown option '-%c'", optopt);
	/* the name alone: a value given with "=" may be a key (--key=sk-...) */
	return opt_error(face, "unknown option '%.*s'%s", (int)strcspn(bad, "="), bad,
	    opt_hint(face, bad));
}

/*
 * A dry run (llm route, or --dry-run) sends nothing: an option that acts on
 * the request or its answer would be silently ignored, so it is refused.
 * d: the first such option given, as the user wrote it (name), or NULL.
 * -1, or the usage exit code.
 */
static int
opt_dry_check(const struct cli_opts *p, enum cli_face face, const struct opt_def *d,
    const char *name)
{
	if (d == NULL || p->help || (face != CLI_FACE_ROUTE && !p->dry_run))
		return -1;
	return opt_error(face, "option %s has no use %s: %s", name,
	    face == CLI_FACE_ROUTE ? "here" : "with --dry-run", d->dry_no);
}

/* Parse argv as face does: options anywhere, -- ends them; -1 to go on, else an exit code. */
int
cli_opts_parse(struct cli_opts *p, enum cli_face face, const struct config *cfg, int argc,
    char **argv)
{
	struct option longs[ARRAY_SIZE(opt_defs) + 1];
	char shorts[2 * ARRAY_SIZE(opt_defs) + 2];
	const struct opt_def *dry_no = NULL;
	char dry_name[40] = "";
	int c, rc, i, li = -1;

	memset(p, 0, sizeof(*p));
	p->o.tier = face == CLI_FACE_CHAT ? cfg->tier : TIER_AUTO;
	p->o.stream = true;
	p->o.escalate = cfg->escalate;
	p->width = 100;
	p->height = 30;
	opt_tables(face, shorts, sizeof(shorts), longs);
	/* a long option cut short was made whole, or refused, by main: one rule for every command */
	optind = 0;            /* 0, not 1: glibc starts over, permutation state included */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, &li)) != -1) {
		if (c == '?' || c == ':')
			return opt_reject(face, c, argv);
		if ((rc = opt_apply(p, face, c, optarg)) >= 0)
			return rc;
		if (dry_no == NULL && opt_find(c)->dry_no != NULL) {
			dry_no = opt_find(c);
			if (li >= 0)
				snprintf(dry_name, sizeof(dry_name), "--%s", longs[li].name);
			else
				opt_spelling(c, dry_name, sizeof(dry_name));
		}
		li = -1;       /* getopt_long sets it for a long option only */
	}
	if ((rc = opt_dry_check(p, face, dry_no, dry_name)) >= 0)
		return rc;
	if (p->cont && p->cid > 0)
		return opt_error(face, "options -c and --cid both name the conversation to go on "
		    "with: give one (-c is the latest)");
	p->words = xreallocarray(NULL, (size_t)(argc - optind) + 1, sizeof(*p->words));
	for (i = optind; i < argc; i++)
		p->words[p->nwords++] = argv[i];
	p->words[p->nwords] = NULL;
	if (p->role_name != NULL && !p->help &&
	    cli_opts_role(p, p->role_name, cfg, false) != 0)
		return EXIT_USAGE;
	return -1;
}

/* The option of llm's own line (llm PROMPT) spelt name (n bytes, no dashes), or NULL. */
static const struct opt_def *
opt_ask(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_defs); i++)
		if ((opt_defs[i].faces & CLI_FACE_ASK) && strlen(opt_defs[i].name) == n &&
		    strncmp(opt_defs[i].name, name, n) == 0)
			return &opt_defs[i];
	return NULL;
}

/* Tell whether arg is an option of llm's own line, and whether it takes the next word. */
int
cli_opts_arity(const char *arg)
{
	const struct opt_def *d;
	size_t i, n;

	if (arg[0] != '-' || arg[1] == '\0')
		return -1;
	if (arg[1] == '-') {
		n = strcspn(arg + 2, "=");
		if ((d = opt_ask(arg + 2, n)) == NULL || (!d->arg && arg[2 + n] == '='))
			return -1;
		return d->arg && arg[2 + n] == '\0' ? 1 : 0;
	}
	/* -qv, -tcheap, -t cheap */
	for (i = 1; arg[i] != '\0'; i++) {
		if ((d = opt_find((unsigned char)arg[i])) == NULL || !(d->faces & CLI_FACE_ASK))
			return -1;
		if (d->arg)
			return arg[i + 1] == '\0' ? 1 : 0;
	}
	return 0;
}

int
cli_opts_role(struct cli_opts *p, const char *name, const struct config *cfg, bool keep_system)
{
	struct role *r = xcalloc(1, sizeof(*r));
	char *cause = NULL;

	if (role_load(r, name, cfg->dir, &cause) != 0) {
		fprintf(stderr, "llm: --role: %s\n", cause);
		free(cause);
		free(r);
		return -1;
	}
	if (p->role != NULL) {
		role_done(p->role);
		free(p->role);
	}
	p->role = r;
	p->o.role = r->name;
	if (!p->system_set && !keep_system)
		p->o.system = r->system != NULL ? r->system : "";
	if (!p->tier_set && !p->model_set && r->tier != TIER_AUTO)
		p->o.tier = r->tier;
	if (!p->model_set && !p->tier_set && r->model != NULL)
		p->o.model = r->model;
	if (!p->max_tokens_set && r->max_tokens > 0)
		p->o.max_tokens = r->max_tokens;
	p->o.temperature_set = r->temperature_set;
	p->o.temperature_milli = r->temperature_milli;
	return 0;
}

/* Free what cli_opts_parse allocated. */
void
cli_opts_done(struct cli_opts *p)
{
	free(p->files);
	free(p->words);
	if (p->role != NULL) {
		role_done(p->role);
		free(p->role);
		p->role = NULL;
	}
	p->files = NULL;
	p->words = NULL;
}
