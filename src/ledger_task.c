/* ledger_task: agent tasks in the local ledger: their rows, caps, holders and saved state. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "ledger_pg.h"
#include "ledger_priv.h"
#include "store.h"
#include "util.h"

/*
 * The task's steps: settled at their cost (unknown: worst case), reserved at
 * their worst case; *estimated (when not NULL): whether any is no exact cost.
 */
int
ledger_task_sum(struct ledger *l, int64_t task, int64_t *sum, bool *estimated)
{
	sqlite3_stmt *st;
	int rc;

	*sum = 0;
	if (estimated != NULL)
		*estimated = false;
	if (sqlite3_prepare_v2(l->db, "SELECT coalesce(sum(CASE WHEN status = 'reserved' THEN"
	    " coalesce(worst_case_pico, 0) ELSE coalesce(cost_pico, worst_case_pico, 0) END), 0),"
	    " coalesce(max(status = 'reserved' OR cost_pico IS NULL"
	    " OR (estimated <> 0 AND cost_pico IS NOT 0)), 0)"
	    " FROM usage WHERE task_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, task);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*sum = sqlite3_column_int64(st, 0);
		if (estimated != NULL)
			*estimated = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Give reservation id its task. */
int
ledger_task_mark(struct ledger *l, const struct ledger_entry *e, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	if (e->task_id <= 0)
		return 0;
	if (sqlite3_prepare_v2(l->db, "UPDATE usage SET task_id = ?1 WHERE id = ?2", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, e->task_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Bind this process as a task's holder to parameters i.. i + 4: pid, start, owner, host, until. */
static void
ledger_bind_holder(struct ledger *l, sqlite3_stmt *st, int i, int64_t now)
{
	sqlite3_bind_int64(st, i, (int64_t)getpid());
	if (l->start >= 0)
		sqlite3_bind_int64(st, i + 1, l->start);
	store_bind_str(st, i + 2, l->owner[0] != '\0' ? l->owner : NULL);
	store_bind_str(st, i + 3, l->host[0] != '\0' ? l->host : NULL);
	sqlite3_bind_int64(st, i + 4, ledger_add(now, LEDGER_EXPIRY));
}

int64_t
ledger_task_new(struct ledger *l, const char *title, int64_t cap)
{
	sqlite3_stmt *st;
	int64_t id = 0, now = clock_now();

	/* its key in a team's ledger: random, as the keys of the rows there are */
	if (sqlite3_prepare_v2(l->db, "INSERT INTO tasks (time, title, cap_pico, pid, pid_start,"
	    " owner, host, held_until, team_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " lower(hex(randomblob(16))))", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, now);
	store_bind_str(st, 2, title);
	if (cap > 0)
		sqlite3_bind_int64(st, 3, cap);
	ledger_bind_holder(l, st, 4, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(l->db);
	sqlite3_finalize(st);
	return id;
}

/* A task's holder as its row names it; strings borrowed from the row. */
struct ledger_holder {
	int64_t pid, start, until;      /* pid 0: none; start -1: not known */
	const char *owner, *host;
};

/* Whether h is this process. */
static bool
ledger_holder_self(const struct ledger *l, const struct ledger_holder *h)
{
	return h->pid == (int64_t)getpid() && h->start == l->start &&
	    strcmp(h->owner != NULL ? h->owner : "", l->owner) == 0;
}

/*
 * Whether task holder h may still run it, for all this process can tell: as
 * for a reservation, one on this boot and pid namespace with a start time
 * lives until ledger_gone says otherwise, however long its steps take; one
 * that cannot be checked from here lives until its held_until.
 */
static bool
ledger_holder_live(const struct ledger *l, const struct ledger_holder *h, int64_t now)
{
	if (h->pid == 0)
		return false;
	if (h->start >= 0 && ledger_gone(l, h->pid, h->start, h->owner, h->host))
		return false;
	if (h->start >= 0 && h->owner != NULL && l->owner[0] != '\0' &&
	    strcmp(h->owner, l->owner) == 0)
		return true;
	return h->until > now;
}

int
ledger_task_hold(struct ledger *l, int64_t id, int64_t *holder, char **cause)
{
	struct ledger_holder h = { .start = -1 };
	sqlite3_stmt *st = NULL;
	int64_t now = clock_now();
	int rc;

	*holder = 0;
	/* read and take in one write transaction: of two processes at once, one holds it */
	if (ledger_run(l, SQL_BEGIN) < 0)
		return ledger_fail(l, "task", cause);
	if (sqlite3_prepare_v2(l->db, "SELECT coalesce(pid, 0), coalesce(pid_start, -1), owner,"
	    " host, coalesce(held_until, 0) FROM tasks WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		rc = LEDGER_NO_TASK;
		goto done;
	}
	if (rc != SQLITE_ROW)
		goto fail;
	h.pid = sqlite3_column_int64(st, 0);
	h.start = sqlite3_column_int64(st, 1);
	h.owner = (const char *)sqlite3_column_text(st, 2);
	h.host = (const char *)sqlite3_column_text(st, 3);
	h.until = sqlite3_column_int64(st, 4);
	if (!ledger_holder_self(l, &h) && ledger_holder_live(l, &h, now)) {
		*holder = h.pid;
		rc = LEDGER_HELD_ELSEWHERE;
		goto done;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(l->db, "UPDATE tasks SET pid = ?2, pid_start = ?3, owner = ?4,"
	    " host = ?5, held_until = ?6 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	ledger_bind_holder(l, st, 2, now);
	if (sqlite3_step(st) != SQLITE_DONE || ledger_run(l, SQL_COMMIT) < 0)
		goto fail;
	sqlite3_finalize(st);
	return LEDGER_HELD;
done:
	sqlite3_finalize(st);
	ledger_run(l, SQL_ROLLBACK);
	return rc;
fail:
	ledger_fail(l, "task", cause);
	sqlite3_finalize(st);
	ledger_run(l, SQL_ROLLBACK);
	return -1;
}

void
ledger_task_release(struct ledger *l, int64_t id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(l->db, "UPDATE tasks SET pid = NULL, pid_start = NULL, owner = NULL,"
	    " host = NULL, held_until = NULL WHERE id = ?1 AND pid = ?2 AND pid_start IS ?3"
	    " AND owner IS ?4", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)getpid());
	if (l->start >= 0)
		sqlite3_bind_int64(st, 3, l->start);
	store_bind_str(st, 4, l->owner[0] != '\0' ? l->owner : NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

bool
ledger_task_mine(struct ledger *l, const struct ledger_row *r)
{
	const struct ledger_team *t = ledger_team();
	sqlite3_stmt *st;
	const char *k;
	bool mine = false;
	char *key;

	if (l->pg == NULL || r->task_id <= 0)
		return r->task_id > 0;
	if (sqlite3_prepare_v2(l->db, "SELECT team_key FROM tasks WHERE id = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, r->task_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if ((k = (const char *)sqlite3_column_text(st, 0)) != NULL) {
			key = xstrfmt("%s:%lld", k, (long long)r->task_id);
			mine = r->task != NULL && strcmp(r->task, key) == 0;
			free(key);
		} else {
			/* made before keys: no other host's, nor another user's on this one */
			mine = r->host != NULL && l->host[0] != '\0' && strcmp(r->host, l->host) == 0 &&
			    r->user != NULL && t != NULL && t->user != NULL && strcmp(r->user, t->user) == 0;
		}
	}
	sqlite3_finalize(st);
	return mine;
}

char *
ledger_task_title(struct ledger *l, int64_t id)
{
	sqlite3_stmt *st;
	const char *t;
	char *title = NULL;

	if (sqlite3_prepare_v2(l->db, "SELECT title FROM tasks WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && (t = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    *t != '\0')
		title = xstrdup(t);
	sqlite3_finalize(st);
	return title;
}

int
ledger_task_spent(struct ledger *l, int64_t id, int64_t *spent, bool *estimated, char **cause)
{
	if (l->pg != NULL)
		return ledger_pg_task_spent(l->pg, id, spent, estimated, cause);
	if (ledger_task_sum(l, id, spent, estimated) < 0)
		return ledger_fail(l, "task", cause);
	return 0;
}

/* Forget task id, unless a row of the ledger names it. */
void
ledger_task_drop(struct ledger *l, int64_t id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(l->db, "DELETE FROM tasks WHERE id = ?1 AND NOT EXISTS"
	    " (SELECT 1 FROM usage WHERE task_id = ?1)", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

int
ledger_task_set_cap(struct ledger *l, int64_t id, int64_t cap, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(l->db, "UPDATE tasks SET cap_pico = ?1 WHERE id = ?2", -1, &st,
	    NULL) != SQLITE_OK)
		return ledger_fail(l, "task", cause);
	sqlite3_bind_int64(st, 1, cap);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(l, "task", cause);
}

int
ledger_task_save(struct ledger *l, int64_t id, const char *root, const char *tier,
    const char *model, bool done, const char *history, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	/* a step made: a holder that cannot be checked from here is not taken as gone for a while */
	if (sqlite3_prepare_v2(l->db, "UPDATE tasks SET root = ?1, tier = ?2, done = ?3,"
	    " history = ?4, model = ?6, held_until = CASE WHEN pid = ?7 THEN ?8 ELSE held_until END"
	    " WHERE id = ?5", -1, &st, NULL) != SQLITE_OK)
		return ledger_fail(l, "task", cause);
	store_bind_str(st, 1, root);
	store_bind_str(st, 2, tier);
	sqlite3_bind_int(st, 3, done);
	store_bind_str(st, 4, history);
	sqlite3_bind_int64(st, 5, id);
	store_bind_str(st, 6, model);
	sqlite3_bind_int64(st, 7, (int64_t)getpid());
	sqlite3_bind_int64(st, 8, ledger_add(clock_now(), LEDGER_EXPIRY));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(l, "task", cause);
}

/* Column i of st as a malloc'd string, NULL for NULL. */
static char *
column_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return t != NULL ? xstrdup(t) : NULL;
}

int
ledger_task_get(struct ledger *l, int64_t id, const char *root, struct ledger_task *t,
    char **cause)
{
	sqlite3_stmt *st;
	int rc;

	memset(t, 0, sizeof *t);
	if (sqlite3_prepare_v2(l->db, id > 0 ? "SELECT id, root, tier, done, history, cap_pico,"
	    " model FROM tasks WHERE id = ?1" : "SELECT id, root, tier, done, history, cap_pico, model"
	    " FROM tasks WHERE root = ?2 ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return ledger_fail(l, "task", cause);
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	else
		store_bind_str(st, 2, root);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(st, 0);
		t->root = column_dup(st, 1);
		t->tier = column_dup(st, 2);
		t->done = sqlite3_column_int(st, 3) != 0;
		t->history = column_dup(st, 4);
		t->cap = sqlite3_column_int64(st, 5);
		t->model = column_dup(st, 6);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : ledger_fail(l, "task", cause);
}

void
ledger_task_done(struct ledger_task *t)
{
	if (t == NULL)
		return;
	free(t->root);
	free(t->tier);
	free(t->model);
	free(t->history);
	memset(t, 0, sizeof *t);
}
