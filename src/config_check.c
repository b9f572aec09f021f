/* config_check: what config.ini is refused for: secrets, keys out of place, names, syntax. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config_priv.h"
#include "router.h"
#include "util.h"
#include "visible.h"

/*
 * Whether name is one given to an API key. Keys are kept out of this file:
 * the error names where they go and never repeats the value.
 */
bool
config_secret_name(const char *name)
{
	static const char *const names[] = { "key", "api_key", "apikey", "api-key", "api_token",
	    "token", "secret", "secret_key" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (str_ieq(name, names[i]))
			return true;
	return false;
}

bool
config_env_name(const char *s)
{
	size_t run = 0;
	bool digit = false;

	if (*s >= '0' && *s <= '9')
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '_') {
			run = 0, digit = false;
			continue;
		}
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
		digit = digit || (*s >= '0' && *s <= '9');
		/* a name's words are short; a long run of letters and digits is a key (gsk_..., Mistral's) */
		if (++run >= 20 && digit)
			return false;
	}
	return true;
}

/* An API key written into the file: say where it belongs. */
void
config_secret_key(struct parse *p, const char *section, const char *name)
{
	const char *prov = section != NULL && str_startswith(section, "provider.") ?
	    section + 9 : NULL;

	if (prov != NULL)
		config_perr(p, "[%s]: '%s': an API key does not belong in config.ini; store it in the OS"
		    " keyring with llm keys set %s, or name where it is with key_env or key_command"
		    " under [%s]", section, name, prov, section);
	else
		config_perr(p, "%s%s%s'%s': an API key does not belong in config.ini; store it in the OS"
		    " keyring with llm keys set PROVIDER, or name where it is with key_env or"
		    " key_command under [provider.NAME]", section != NULL ? "[" : "",
		    section != NULL ? section : "", section != NULL ? "]: " : "", name);
}

/* An unknown key, with the keys section does have. */
void
config_unknown_key(struct parse *p, const char *section, const char *name)
{
	struct buf known;
	size_t i, n;
	const struct key *keys = config_section_keys(section, &n);

	if (config_secret_name(name)) {
		config_secret_key(p, section, name);
		return;
	}
	buf_init(&known, 0);
	for (i = 0; i < n; i++)
		buf_addf(&known, "%s%s", i ? ", " : "", keys[i].name);
	config_perr(p, "[%s]: unknown key '%s' (known: %s)", section, name, buf_str(&known));
	buf_done(&known);
}

/* Whether a libpq connection string (URI or key = value form) holds a password. */
bool
config_has_password(const char *s)
{
	const char *a, *end, *at, *q;

	if (str_startswith(s, "postgresql://") || str_startswith(s, "postgres://")) {
		a = strstr(s, "://") + 3;
		end = a + strcspn(a, "/?");
		for (at = NULL, q = a; q < end; q++)
			if (*q == '@')
				at = q;
		if (at != NULL && memchr(a, ':', (size_t)(at - a)) != NULL)
			return true;
		for (q = strchr(end, '?'); q != NULL; q = strchr(q + 1, '&'))
			if (str_startswith(q + 1, "password="))
				return true;
		return false;
	}
	for (q = s; (q = strstr(q, "password")) != NULL; q += 8) {
		a = q + 8;
		while (*a == ' ' || *a == '\t')
			a++;
		if (*a == '=' && (q == s || q[-1] == ' ' || q[-1] == '\t'))
			return true;
	}
	return false;
}

/* A key above the first [section] is read by nothing: say where it belongs. */
void
config_sectionless_key(struct parse *p, const char *name)
{
	static const char *const sections[] = { "llm", "git", "agent", "ledger" };
	const struct key *keys;
	size_t i, j, n;

	if (config_secret_name(name)) {
		config_secret_key(p, NULL, name);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		keys = config_section_keys(sections[i], &n);
		for (j = 0; j < n; j++) {
			if (strcmp(keys[j].name, name) == 0) {
				config_perr(p, "'%s' is above every [section], where nothing reads it: "
				    "put it under [%s]", name, sections[i]);
				return;
			}
		}
	}
	config_perr(p, "'%s' is above every [section], where nothing reads it: put it under the "
	    "section it belongs to (man llm-config)", name);
}

/* Check what only makes sense once the whole file is read. */
void
config_validate(struct parse *p)
{
	struct config *cfg = p->cfg;
	size_t i;

	if (cfg->max_reply < 1 || cfg->max_reply > 4096)
		buf_addf(&p->errors, "%s: [llm]: max_reply: expected 1 to 4096 (MiB), got %ld\n",
		    cfg->path, cfg->max_reply);
	for (i = 0; i < cfg->nproviders; i++) {
		struct provider_conf *pc = &cfg->providers[i];

		if (pc->base_url == NULL) {
			p->line = 0;
			buf_addf(&p->errors, "%s: [provider.%s]: base_url is required\n", cfg->path,
			    pc->name);
		}
	}
	for (i = 0; i < cfg->nmodels; i++) {
		struct model_conf *mc = &cfg->models[i];

		if (mc->provider == NULL)
			buf_addf(&p->errors, "%s:%d: [model.%s]: provider is required\n", cfg->path,
			    mc->line, mc->name);
		else if (config_provider(cfg, mc->provider) == NULL)
			buf_addf(&p->errors, "%s:%d: [model.%s]: unknown provider '%s'\n", cfg->path,
			    mc->line, mc->name, mc->provider);
		if (mc->id == NULL)
			mc->id = xstrdup(mc->name);
	}
}

/*
 * Model names and ids are printed by `llm models`, the route line and the TUI:
 * each must be one word that prints as itself (no controls, escapes, bidi
 * controls, white space or bytes that are not UTF-8).
 */
void
config_check_model_words(struct parse *p)
{
	struct config *cfg = p->cfg;
	const char *why = "must be one word of printable UTF-8 (no white space or controls)";
	size_t i;

	for (i = 0; i < cfg->nmodels; i++) {
		const struct model_conf *mc = &cfg->models[i];
		char *name = visible_str(mc->name, strlen(mc->name)), *id;

		if (!visible_word(mc->name))
			buf_addf(&p->errors, "%s:%d: [model.%s]: the model name %s\n", cfg->path,
			    mc->line, name, why);
		if (mc->id != NULL && strcmp(mc->id, mc->name) != 0 && !visible_word(mc->id)) {
			id = visible_str(mc->id, strlen(mc->id));
			buf_addf(&p->errors, "%s:%d: [model.%s]: id '%s' %s\n", cfg->path, mc->line,
			    name, id, why);
			free(id);
		}
		free(name);
	}
}

/*
 * inih gives the line of its first syntax error (on_key never fails), even
 * when keys have failed too: say it first, since the keys after an unclosed
 * section header fall into the section before it and fail for that reason.
 */
void
config_syntax_error(struct parse *p, int line)
{
	const char *why = "expected key = value, a [section] or a ; comment";
	char text[64];
	struct buf all;
	FILE *f = fopen(p->cfg->path, "r");
	bool start = true;
	int n = 0;

	/* only the line's start matters; a longer line is read on in pieces */
	while (f != NULL && fgets(text, sizeof text, f) != NULL) {
		if (start && n + 1 == line && text[strspn(text, " \t")] == '[') {
			why = "a section header needs its closing ]";
			break;
		}
		start = strchr(text, '\n') != NULL;
		if (start && ++n == line)
			break;
	}
	if (f != NULL)
		fclose(f);
	buf_init(&all, 0);
	buf_addf(&all, "%s:%d: syntax error: %s\n", p->cfg->path, line, why);
	if (p->errors.len > 0)
		buf_add(&all, p->errors.data, p->errors.len);
	buf_done(&p->errors);
	p->errors = all;
}

/* Whether [git] model is a provider/model-id pin of a configured provider. */
static bool
pin_provider_known(const struct config *cfg)
{
	const char *slash = strchr(cfg->git_model, '/');
	char *prov;
	bool ok;

	if (slash == NULL || slash == cfg->git_model || slash[1] == '\0')
		return false;
	prov = xstrndup(cfg->git_model, (size_t)(slash - cfg->git_model));
	ok = config_provider(cfg, prov) != NULL;
	free(prov);
	return ok;
}

int
config_check_models(const struct config *cfg, bool (*known)(void *arg, const char *name),
    void *arg, char **cause)
{
	struct buf errors;
	size_t i, j;

	buf_init(&errors, 0);
	for (i = 0; i < TIER_COUNT; i++)
		for (j = 0; j < cfg->tiers[i].n; j++)
			if (!known(arg, cfg->tiers[i].models[j]))
				buf_addf(&errors, "%s%s:%d: unknown model '%s' in [tier.%s] (see llm models)",
				    errors.len ? "\n" : "", cfg->path, cfg->tiers[i].line,
				    cfg->tiers[i].models[j], tier_str((enum tier)i));
	/* the hook is the only thing that reads it: an error there was said at every commit */
	if (cfg->git_model != NULL && !known(arg, cfg->git_model) && !pin_provider_known(cfg))
		buf_addf(&errors, "%s%s:%d: [git] model: unknown model '%s' (see llm models, or give"
		    " provider/model-id)", errors.len ? "\n" : "", cfg->path, cfg->git_model_line,
		    cfg->git_model);
	if (errors.len == 0) {
		buf_done(&errors);
		return 0;
	}
	if (cause != NULL)
		*cause = buf_detach(&errors);
	else
		buf_done(&errors);
	return -1;
}
