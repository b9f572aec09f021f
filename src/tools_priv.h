/* tools_priv: what the workspace and the tool files share, kept out of the agent's view. */
#ifndef LLM_TOOLS_PRIV_H
#define LLM_TOOLS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"
#include "tools.h"

/* What the model is told at most, before controls are made visible. */
#define TOOLS_TEXT_MAX 16384
/* The largest file read whole, edited or written: a larger one is read and searched through. */
#define TOOLS_FILE_MAX (4u << 20)

/* One file the current task changed, or a directory it made, as its undo journal holds it. */
struct ws_change {
	char *rel;        /* path under the root */
	bool dir;         /* a directory the task made: removed when empty after the undo */
	bool created;     /* it did not exist before the task */
	unsigned mode;    /* its mode before the task */
	uint64_t hash;    /* of what the task last wrote */
	unsigned backup;  /* the backup file's number (when !created) */
};

/* The commands a task ran, as its journal keeps them for llm undo to name: not undone. */
#define WS_RUNS_KEPT 3
struct ws_runs {
	unsigned n;                  /* how many ran */
	size_t kept;                 /* the first of them, one line each (tools_oneline) */
	char *cmd[WS_RUNS_KEPT];
};

enum ws_tool { WS_EDIT, WS_WRITE, WS_RUN, WS_NTOOLS };

struct ws {
	char *root;       /* resolved, absolute, without a trailing slash ("/" alone stays) */
	size_t rootlen;
	int rootfd;       /* the root, opened once: every file is opened beneath it */
	bool walk;        /* open one component at a time even where the kernel has openat2 */
	char **deny, **allow_secret, **allow, **allow_run; /* NULL-terminated copies */
	char *undo_dir;
	char **writable, **protect;  /* run: see struct ws_opts */
	bool unix_sockets;        /* run: see struct ws_opts */
	struct confine *confine;  /* run: prepared at the task's first command, NULL before */
	bool confine_told;        /* run: what it lacks was said, at the task's first command */
	char **git_dots;          /* the .git entries (rel) as the last look found them (gitguard_dots),
	                             NULL before one: a write looks only above its path since */
	int run_timeout_ms;
	const volatile int *cancel;
	void (*output)(void *arg, const char *p, size_t n);
	void *output_arg;
	bool always[WS_NTOOLS];   /* answered "always" in this task */
	char *journal;            /* the task's journal directory, NULL before ws_task_begin */
	struct ws_change *changes;
	size_t nchanges;
	struct ws_runs runs;      /* the commands the task ran (owned) */
};

/* A path the model gave, resolved inside the workspace. */
struct ws_path {
	char *abs;        /* absolute, symbolic links resolved as far as it exists: for the
	                     checks; the file itself is reached by rel, beneath the root */
	const char *rel;  /* inside abs: the part under the root ("" for the root) */
	char *name;       /* rel as the tools show it and take it back (visible_name) */
	bool exists;
	struct stat st;   /* when it exists */
};

/*
 * Resolve path (relative to the root, or absolute) inside w: realpath as far
 * as it exists, then what is left must be plain names. 0, or -1 with *why,
 * a sentence for the model.
 */
int ws_resolve(const struct ws *w, const char *path, struct ws_path *p, char **why);
void ws_path_done(struct ws_path *p);
/* Whether path, resolved as far as it exists (through links), is outside the root. */
bool ws_leaves(const struct ws *w, const char *path);
/* Whether rel (under the root) is a secret file not allowed by name. */
bool ws_secret(const struct ws *w, const char *rel);
/* Whether the resolved path abs is in llm's own config or data directories (ws_opts protect). */
bool ws_protected(const struct ws *w, const char *abs);
/*
 * llm's own directories (ws_opts protect) that lie beneath the root, as paths
 * under it, resolved as far as they exist; NULL-terminated (strv_free).
 */
char **ws_protected_rels(const struct ws *w);
/* Whether rel is .git or inside a .git directory. */
bool ws_in_git_dir(const char *rel);
/* Whether data looks binary (a NUL byte in its first 8 KiB). */
bool ws_binary(const char *data, size_t len);
/*
 * Read the regular, non-secret text file at p (opened without following a
 * link): 0, or -1 with *why for the model.
 */
int ws_read(const struct ws *w, const struct ws_path *p, char **data, size_t *len, char **why);
/* Some lines of a file too large to read whole (ws_read_lines). */
struct ws_lines {
	char *data;  /* the lines asked for, as in the file */
	size_t len;
	long total;  /* the file's lines (a last line without a newline counts) */
	bool cut;    /* data stops inside a line, at TOOLS_FILE_MAX bytes */
};
/*
 * Lines from..to of the regular, non-secret text file at p, however large,
 * read through once; 0, or -1 with *why for the model. s->data is for free.
 */
int ws_read_lines(const struct ws *w, const struct ws_path *p, long from, long to,
    struct ws_lines *s, char **why);
/*
 * Open the regular file rel beneath the root for reading (no other hard link
 * to it); the descriptor, or -1 with errno.
 */
int ws_open_file(const struct ws *w, const char *rel);
/*
 * Open rel (under the root, plain names only) beneath w's root as openat(2)
 * would, never through a symbolic link, whatever is renamed meanwhile: with
 * openat2(2)'s RESOLVE_BENEATH where the kernel has it, else one component
 * at a time with O_NOFOLLOW. The descriptor, or -1 with errno.
 */
int ws_open_beneath(const struct ws *w, const char *rel, int flags, mode_t mode);
/* Read the rest of fd, at most TOOLS_FILE_MAX bytes; 0, or -1 with errno (EFBIG past it). */
int ws_read_fd(int fd, char **data, size_t *len);
/* Read the whole regular file rel beneath the root, never through a link; 0, or -1 with errno. */
int ws_read_raw(const struct ws *w, const char *rel, char **data, size_t *len);
/*
 * Whether p still resolves to the file it did when it was read, holding old
 * (or, when it did not exist, still to none): what the user approved is what
 * changes. 0, or -1 with *why for the model.
 */
int ws_unchanged(const struct ws *w, const struct ws_path *p, const char *old, size_t oldlen,
    char **why);
/*
 * Replace or create the file at p with data, atomically, its mode kept, its
 * parents created; the task's journal keeps what it held. 0, or -1 with *why.
 */
int ws_write(struct ws *w, const struct ws_path *p, const char *data, size_t len, char **why);
/* Replace the file rel beneath the root with data, atomically, with mode. 0, or -1 with *why. */
int ws_replace(const struct ws *w, const char *rel, const char *data, size_t len, mode_t mode,
    char **why);
/* Remove the file rel beneath the root; 0, or -1 with errno. */
int ws_remove(const struct ws *w, const char *rel);
/* Remove the empty directory rel beneath the root; 0, or -1 with errno (ENOTEMPTY). */
int ws_remove_dir(const struct ws *w, const char *rel);
/* The journal: note the file rel changed (old content, or created), now holding data. */
int ws_journal_note(struct ws *w, const char *rel, const struct stat *before, const char *old,
    size_t oldlen, const char *data, size_t len, char **why);
/* The journal: note that the task runs command, whose effects llm undo cannot take back. */
void ws_journal_run(struct ws *w, const char *command);
/* Forget the commands runs holds, freeing them. */
void ws_runs_clear(struct ws_runs *runs);
/*
 * The journal: note the directories in made (a line each, under the root)
 * as made by the task; they are saved with the next file noted.
 */
void ws_journal_dirs(struct ws *w, const char *made);
/* FNV-1a, 64 bits: what the journal compares files by. */
uint64_t ws_hash(const char *data, size_t len);

/* One entry met by ws_walk. */
struct ws_entry {
	const char *rel;  /* under the root */
	const char *name; /* the last component */
	int dirfd;        /* the directory holding it, for openat */
	bool dir;
	bool own;         /* one of llm's own directories (ws_protected_rels): a walk that
	                     skips what git ignores skips it too, and none goes into it */
};
/* Called for each entry; return 0 to go on, 1 to skip a directory, -1 to stop. */
typedef int (*ws_walk_fn)(void *arg, const struct ws_entry *e);
/*
 * Walk the tree under rel (a resolved directory) in name order, never through
 * a link, skipping .git and what .gitignore files ignore. 0, or -1 when fn
 * stopped.
 */
int ws_walk(const struct ws *w, const char *rel, ws_walk_fn fn, void *arg);
/*
 * Whether the tree under rel (a resolved directory) holds a secret file or a
 * link to one, what git ignores too, or a .git whose config holds a
 * credential; one too large to look through does.
 */
bool ws_tree_secret(const struct ws *w, const char *rel);
/*
 * Whether the root's .git/config holds a credential (a URL with a password
 * or a token, an extraheader), which git config -l and git remote -v print.
 */
bool ws_git_credential(const struct ws *w);
/*
 * Whether git's history (what a branch, a tag, a stash or a reflog reaches)
 * or its index names a file that may hold secrets, which git show and git
 * log -p print though the work tree has it no more: 1 with *found (malloc'd),
 * 0 when none does (or the root is no repository's top), -1 when git could
 * not tell within RUN_HISTORY_MS. Asked of git, confined as a command is, in
 * dir (under the root: git -C dir) or, when NULL, the root.
 */
#define RUN_HISTORY_MS 5000
int run_history_secret(struct ws *w, const char *dir, char **found);

/* Tool bodies: fill r; -1 with *cause only when they could not run at all. */
int tools_read(struct ws *w, const char *path, long from, long to, long col,
    struct tool_result *r);
int tools_list(struct ws *w, const char *path, struct tool_result *r);
int tools_search(struct ws *w, const char *pattern, const char *path, struct tool_result *r);
int tools_edit(struct ws *w, const char *path, const char *old, const char *new_text,
    tool_ask_fn ask, void *arg, struct tool_result *r);
int tools_write(struct ws *w, const char *path, const char *content, bool overwrite,
    tool_ask_fn ask, void *arg, struct tool_result *r);
int tools_run(struct ws *w, const char *command, tool_ask_fn ask, void *arg,
    struct tool_result *r, char **cause);

/* Refuse or fail: r says why to the model, summary to the user. */
void tools_fail(struct tool_result *r, const char *summary, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set r's text to the visible form of b's contents, capped. */
void tools_text(struct tool_result *r, const struct buf *b);
/*
 * Whether tool t may go ahead: allowed, answered always, or asked now with
 * preview. false with *why for the model. With edited (a command), the user
 * may answer with another command: *edited (malloc'd) runs in its place.
 * must, when not NULL, says why it is asked whatever allows it (one line),
 * and refused where no one can be asked.
 */
bool tools_approve(struct ws *w, enum ws_tool t, const char *preview, const char *command,
    const char *must, tool_ask_fn ask, void *arg, char **edited, char **why);
/* A unified diff of old to new for rel, with its counts of added and removed lines. */
char *tools_diff(const char *rel, const char *old, size_t oldlen, const char *new_text,
    size_t newlen, int *added, int *removed);
/* A one-line, visible, capped form of untrusted s for a summary. */
char *tools_oneline(const char *s, size_t max);

/* What a tool call says of itself: why it failed, its argument on one line, its summary. */
struct tools_say {
	char *why;   /* a failure's reason, malloc'd; NULL until one is set */
	char *vis;   /* the argument as tools_oneline gives it */
	char *sum;   /* "verb ARG" */
};

/* Start what a call of verb on arg (cut at max columns) says. */
void tools_say_init(struct tools_say *say, const char *verb, const char *arg, size_t max);
/* Start it for a call on the file path (its bytes), named as the tools show it. */
void tools_say_path(struct tools_say *say, const char *verb, const char *path, size_t max);
/* Free what it holds. */
void tools_say_done(struct tools_say *say);

#endif
