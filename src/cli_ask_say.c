/* cli_ask_say: what a one-shot turn says when it ends: the summary line, the route, --json's object. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "chat.h"
#include "cli.h"
#include "cli_ask_priv.h"
#include "fmt.h"
#include "ledger.h"
#include "pricing.h"
#include "report.h"

static const char *
month_abbr(const char *month)
{
	static const char *const names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };
	int m = (month[5] - '0') * 10 + (month[6] - '0');

	return m >= 1 && m <= 12 ? names[m - 1] : month;
}

static void
meter_str(const struct meter *m, bool color, struct buf *b)
{
	char spent[32], limit[32];
	int64_t used = m->spent;   /* settled: other requests' reservations are not spend */
	int pct;
	const char *on = "", *off = "";

	pricing_format(used, m->estimated, spent, sizeof spent);
	if (m->limit <= 0) {
		buf_addf(b, "%s %s", month_abbr(m->month), spent);
	} else {
		pricing_format_exact(m->limit, limit, sizeof limit);
		pct = (int)(used / (m->limit / 100 > 0 ? m->limit / 100 : 1));
		if (color) {
			on = meter_ansi(meter_level(pct));
			off = "\033[0m";
		}
		buf_addf(b, "%s%s %s of %s (%d%%)%s", on, month_abbr(m->month), spent, limit, pct,
		    off);
	}
	/* an unknown cost is never $0: named beside the figure, as the full-screen meter does */
	if (m->unknown_count > 0)
		buf_addf(b, " +%lld unknown", (long long)m->unknown_count);
}

static void
usage_totals(const struct chat_turn *t, int64_t *in, int64_t *cached, int64_t *out)
{
	size_t i;

	*in = *cached = *out = 0;
	for (i = 0; i < t->nsteps; i++) {
		const struct usage *u = &t->steps[i].usage;

		*in += u->input + u->cache_write + u->cache_write_1h;
		*cached += u->cached_input;
		*out += u->output;
	}
}

/* What the prompt cache did over the turn's requests, after dot; nothing when it did nothing. */
static void
turn_cache_note(const struct chat_turn *t, const char *dot, struct buf *b)
{
	struct usage u;
	int64_t saved = 0, extra = 0;
	char note[96];
	size_t i;

	memset(&u, 0, sizeof u);
	for (i = 0; i < t->nsteps; i++) {
		u.cached_input += t->steps[i].usage.cached_input;
		u.cache_write += t->steps[i].usage.cache_write;
		u.cache_write_1h += t->steps[i].usage.cache_write_1h;
		saved += t->steps[i].cache_saved;
		extra += t->steps[i].cache_extra;
	}
	cache_note(&u, saved, extra, t->estimated, note, sizeof note);
	if (*note != '\0')
		buf_addf(b, "%s%s", dot, note);
}

/* Say the turn's tier, model, tokens, cost and the month's meter on stderr, on one line. */
void
ask_summary(struct ask *a, struct chat *c, struct ledger *l)
{
	const struct chat_turn *t = chat_last(c);
	const struct chat_step *s;
	struct meter m;
	struct buf b;
	char in[32], out[32], cost[32];
	const char *dot = a->utf8 ? " · " : " | ";
	int64_t ti, tc, to;

	if (t->nsteps == 0)
		return;
	s = &t->steps[t->nsteps - 1];
	usage_totals(t, &ti, &tc, &to);
	fmt_tokens(ti + tc, in, sizeof in);
	fmt_tokens(to, out, sizeof out);
	pricing_format(t->cost, t->estimated, cost, sizeof cost);
	buf_init(&b, 0);
	/* "·" and "→" only where the locale can show them, as the full-screen client does */
	/* "~": the provider reported no usage, and the counts are llm's estimate */
	buf_addf(&b, "%s%s%s%s%s%s%s%s tok%s%s%s", tier_str(s->tier), dot, s->model->name, dot,
	    t->estimated ? "~" : "", in, a->utf8 ? "→" : "->", out, dot, cost,
	    t->cost < 0 ? " (unknown price)" : "");
	if (t->nsteps > 1)
		buf_addf(&b, " (%zu requests)", t->nsteps);
	turn_cache_note(t, dot, &b);
	if (chat_turn_window_cut(t))
		buf_adds(&b, " · cut off at the end of the context window");
	else if (t->finish == CHAT_FINISH_LENGTH)
		buf_adds(&b, " · cut off at the length limit");
	else if (t->finish == CHAT_FINISH_FILTER)
		buf_adds(&b, " · stopped by the provider's filter");
	if (l != NULL && ledger_meter(l, a->cli->cfg.budget, &m, NULL) == 0) {
		buf_adds(&b, dot);
		meter_str(&m, a->cli->color, &b);
	}
	fprintf(stderr, "%s%s%s\n", a->cli->color ? "\033[2m" : "", buf_str(&b),
	    a->cli->color ? "\033[0m" : "");
	buf_done(&b);
}

/* Say the route taken on stderr (-v). */
void
ask_explain(struct ask *a, const struct chat_route *r)
{
	char est[32];

	pricing_format(r->estimate, true, est, sizeof est);
	fprintf(stderr, "llm: route %s %s %s  %s  (%s)  %s\n", route_mode_str(r->mode),
	    a->utf8 ? "→" : "->", tier_str(r->tier), r->model ? r->model->name : "-", r->reason,
	    est);
}

static cJSON *
json_usage(const struct usage *u, bool estimated, int64_t saved, int64_t extra)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "input_tokens", (double)(u->input + u->cache_write +
	    u->cache_write_1h));
	cJSON_AddNumberToObject(o, "cached_input_tokens", (double)u->cached_input);
	cJSON_AddNumberToObject(o, "cache_write_tokens", (double)(u->cache_write +
	    u->cache_write_1h));
	cJSON_AddNumberToObject(o, "output_tokens", (double)u->output);
	cJSON_AddNumberToObject(o, "reasoning_tokens", (double)u->reasoning);
	/* what cache reads saved against full input, and what writes cost over it */
	cli_json_usd(o, "cache_saved_usd", saved);
	cli_json_usd(o, "cache_write_extra_usd", extra);
	cJSON_AddBoolToObject(o, "estimated", estimated);
	return o;
}

/* --json's one object; rc is the exit status llm ends with, said in it too. */
void
ask_print_json(struct ask *a, struct chat *c, struct ledger *l, int rc)
{
	const struct chat_turn *t = chat_last(c);
	const struct chat_route *r = &t->route;
	const struct chat_step *last = t->nsteps ? &t->steps[t->nsteps - 1] : NULL;
	const struct model *m = last ? last->model : r->model;
	cJSON *o = cJSON_CreateObject(), *ro, *steps, *b;
	struct usage sum;
	struct meter mt = { .limit = 0 };
	int64_t saved = 0, extra = 0;
	size_t i;
	char *s;

	memset(&sum, 0, sizeof sum);
	for (i = 0; i < t->nsteps; i++) {
		saved += t->steps[i].cache_saved;
		extra += t->steps[i].cache_extra;
		sum.input += t->steps[i].usage.input;
		sum.cached_input += t->steps[i].usage.cached_input;
		sum.cache_write += t->steps[i].usage.cache_write;
		sum.cache_write_1h += t->steps[i].usage.cache_write_1h;
		sum.output += t->steps[i].usage.output;
		sum.reasoning += t->steps[i].usage.reasoning;
	}
	cli_json_text(o, "text", t->text ? t->text : "");
	cJSON_AddStringToObject(o, "finish", chat_finish_str(t->finish));
	cJSON_AddStringToObject(o, "provider", m ? m->provider : "");
	cJSON_AddStringToObject(o, "model", m ? m->name : "");
	/* a pin that names no model has no tier: null, not the zero tier */
	if (last == NULL && r->model == NULL && r->mode == ROUTE_PINNED)
		cJSON_AddNullToObject(o, "tier");
	else
		cJSON_AddStringToObject(o, "tier", tier_str(last ? last->tier : r->tier));
	ro = cJSON_AddObjectToObject(o, "route");
	cJSON_AddStringToObject(ro, "mode", route_mode_str(r->mode));
	if (r->model == NULL && r->mode == ROUTE_PINNED)
		cJSON_AddNullToObject(ro, "tier");
	else
		cJSON_AddStringToObject(ro, "tier", tier_str(r->tier));
	/* the pin as it was asked, whether or not it named a model */
	if (r->mode == ROUTE_PINNED && (a->p.o.model != NULL || r->model != NULL))
		cli_json_text(ro, "model", a->p.o.model != NULL ? a->p.o.model : r->model->name);
	cJSON_AddStringToObject(ro, "reason", r->reason);
	cJSON_AddNumberToObject(ro, "score", r->score);
	cJSON_AddBoolToObject(ro, "budget_adjusted", r->budget_adjusted);
	cJSON_AddBoolToObject(ro, "context_adjusted", r->context_adjusted);
	cJSON_AddBoolToObject(ro, "vision_adjusted", r->vision_adjusted);
	cJSON_AddItemToObject(o, "usage", json_usage(&sum, t->estimated, saved, extra));
	cli_json_usd(o, "cost_usd", t->nsteps ? t->cost : -1);
	steps = cJSON_AddArrayToObject(o, "steps");
	for (i = 0; i < t->nsteps; i++) {
		const struct chat_step *st = &t->steps[i];
		cJSON *so = cJSON_CreateObject();

		cli_json_text(so, "why", st->why ? st->why : "");
		cJSON_AddStringToObject(so, "provider", st->model->provider);
		cJSON_AddStringToObject(so, "model", st->model->name);
		cJSON_AddStringToObject(so, "tier", tier_str(st->tier));
		cJSON_AddItemToObject(so, "usage", json_usage(&st->usage, st->estimated, st->cache_saved,
		    st->cache_extra));
		cli_json_usd(so, "cost_usd", st->cost);
		cJSON_AddItemToArray(steps, so);
	}
	b = cJSON_AddObjectToObject(o, "budget");
	if (l != NULL && ledger_meter(l, a->cli->cfg.budget, &mt, NULL) == 0) {
		cJSON_AddStringToObject(b, "month", mt.month);
		cli_json_usd(b, "spent_usd", meter_spent(&mt));
		cli_json_usd(b, "counted_usd", mt.spent);
		cli_json_usd(b, "reserved_usd", mt.reserved);
	}
	/* A team ledger's limit is the team's, read from its database with the meter. */
	cli_json_usd(b, "limit_usd", a->cli->cfg.budget != LEDGER_TEAM_LIMIT ?
	    a->cli->cfg.budget : l != NULL && mt.team ? mt.limit : 0);
	if (t->conversation_id)
		cJSON_AddNumberToObject(o, "conversation_id", (double)t->conversation_id);
	else
		cJSON_AddNullToObject(o, "conversation_id");
	cJSON_AddNumberToObject(o, "latency_ms", (double)t->latency_ms);
	if (t->error != NULL || a->fail != NULL)
		cli_json_text(o, "error", a->fail != NULL ? a->fail : t->error);
	cJSON_AddNumberToObject(o, "exit_code", rc);
	s = report_json_str(o);
	/* through out_write: a reader that left is told apart from a full disk */
	ask_out_write(a, s, strlen(s));
	ask_out_write(a, "\n", 1);
	ask_out_flush(a);
	free(s);
	cJSON_Delete(o);
}
