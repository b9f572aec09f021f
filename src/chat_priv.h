/* chat_priv: the controller's state, shared by chat.c and chat_route.c only. */
#ifndef LLM_CHAT_PRIV_H
#define LLM_CHAT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "chat.h"
#include "provider.h"

#define DEFAULT_REPLY_CAP 4096          /* assumed reply length when nothing sets one */

struct http;
struct http_req;
struct sse;
struct ndjson;

struct chat {
	const struct config *cfg;
	struct catalog *cat;
	struct ledger *ledger;
	struct http *http;

	/* the conversation: texts owned, roles static */
	struct msg *hist;
	char **hist_text;
	size_t nhist;
	int64_t conv_id;
	enum tier prev_tier;
	bool system_saved;      /* system is what the database holds for conv_id */

	/* the running turn */
	struct chat_opts opts;
	char *system;
	char *prompt;
	struct chat_cb cb;
	struct chat_turn turn;
	bool busy;
	bool escalated;
	const struct model *failed[CHAT_MAX_STEPS];
	size_t nfailed;

	/* the running step */
	const struct model *model;
	const struct provider_conf *pc;
	const struct provider *prov;
	enum tier tier;
	char *key;
	struct http_req *req;
	struct sse *sse;
	struct ndjson *nd;
	struct pstate ps;
	struct buf body;        /* a non-streamed reply */
	struct buf text;        /* this step's answer */
	size_t emitted;         /* bytes of text handed to cb.text */
	bool may_escalate;
	bool holding;
	bool line_too_long;
	bool too_large;         /* the reply passed max_reply: stopped */
	size_t reply_bytes;     /* body bytes of this response so far */
	enum pev bad;           /* PEV_ERROR or PEV_BAD seen, else PEV_OK */
	int tries;
	int64_t retry_at;       /* clock_ms() when to try again; 0: none */
	int64_t step_start;
	int64_t ledger_id;
	long max_out;
	bool send_cap;
	int64_t input_est;
	int64_t progress_at;    /* clock_ms() of the last ledger_progress; 0: none this response */
	size_t progress_len;    /* text.len it recorded */
	const char *why;
};

/* Whether m's provider has (or needs no) key and m has not failed this turn; arg is the chat. */
bool chat_model_usable(void *arg, const struct model *m);
/* The reply cap used for the worst case, and in *send whether it must be sent. */
long chat_reply_cap(const struct chat *c, const struct chat_opts *o, const struct model *m,
    bool *send);
/* Decide tier and model for prompt: 0, or a chat_status with *cause. */
enum chat_status chat_decide(struct chat *c, const struct chat_opts *o, const char *prompt,
    struct chat_route *r, char **cause);

/*
 * Whether route r may take its worst case: 0 (reserved or fitting),
 * CHAT_BUDGET refused (*cause may say why), or another chat_status.
 */
typedef enum chat_status (*chat_fits_fn)(struct chat *c, const struct chat_route *r, char **cause);
/*
 * Apply --max-cost, then the budget through fits, to route r; under
 * downgrade walk down the tiers until fits admits one, and give r that
 * model's tier, estimates and reason. 0, or the refusal's chat_status.
 */
enum chat_status chat_admit_route(struct chat *c, const struct chat_opts *o, struct chat_route *r,
    chat_fits_fn fits, char **cause);

#endif
