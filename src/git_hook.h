/* git_hook: the commit-message hook's pure parts: diff filtering and cutting, hook script, draft. */
#ifndef LLM_GIT_HOOK_H
#define LLM_GIT_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The line that marks a prepare-commit-msg hook as llm's own. */
#define GIT_HOOK_MARKER "# llm-git-hook: written by 'llm git install-hook'"

/* The longest subject line a draft may have, in characters. */
#define GIT_SUBJECT_MAX 72
/* The column a draft's body is wrapped at, in characters. */
#define GIT_BODY_WIDTH 72

/* Roughly how many bytes of diff make one token. */
#define GIT_BYTES_PER_TOKEN 4

/* Longest diff line kept whole; longer ones are cut and marked. */
#define GIT_LINE_MAX 400

/*
 * Why a path stays out of the request, given by the caller (gitattributes):
 * return a reason such as "generated", "" to keep the file whatever the
 * built-in rules say, or NULL to let the built-in rules decide.
 */
typedef const char *(*git_skip_fn)(void *arg, const char *path);

/* One hunk: its @@ line and the first lines of its body. */
struct git_hunk {
	char *head;          /* "@@ -1,4 +1,5 @@ context", no newline */
	struct buf body;     /* the first lines, each ending in '\n' */
	size_t nlines;       /* lines in the whole hunk */
	size_t nkept;        /* lines held in body */
};

/* One file of the diff. */
struct git_file {
	char *path;          /* the new path (the old one for a deletion) */
	struct buf header;   /* "diff --git" plus new/deleted/rename/mode lines */
	const char *skip;    /* why it is left out ("lock file", "binary", ...), or NULL */
	struct git_hunk *hunks;
	size_t nhunks, hunkcap;
	size_t added, removed;
};

/* A unified diff being parsed from `git diff`, fed in pieces of any size. */
struct git_diff {
	struct git_file *files;
	size_t n, cap;
	size_t keep;         /* bytes of each hunk's body held */
	git_skip_fn skip_fn;
	void *skip_arg;
	struct buf line;     /* a line not yet complete */
	bool in_header;      /* between "diff --git" and the first hunk */
};

/* Tell why the built-in rules leave path out ("lock file", "generated", "vendored"), or NULL. */
const char *git_path_skip(const char *path);

/* Start parsing; keep bytes of each hunk are held; skip_fn may be NULL. */
void git_diff_init(struct git_diff *d, size_t keep, git_skip_fn skip_fn, void *arg);
/* Feed n bytes of the diff. */
void git_diff_feed(struct git_diff *d, const char *p, size_t n);
/* End the input (a last line without a newline counts). */
void git_diff_finish(struct git_diff *d);
/* Free everything the diff holds. */
void git_diff_done(struct git_diff *d);
/* The number of files whose changes would be shown. */
size_t git_diff_kept(const struct git_diff *d);
/*
 * Render the diff in at most max bytes (malloc'd): every kept file's name, then
 * as many of the first lines of every hunk as fit, each cut marked, and a list
 * of the files left out and why. *cut (may be NULL) says whether anything was
 * shortened. Only when the file names alone do not fit is the list shortened,
 * and then it says how many names are missing. Bytes that are not UTF-8 become '?'.
 */
char *git_diff_render(const struct git_diff *d, size_t max, bool *cut);

/* Whether prepare-commit-msg's SOURCE means the message is the user's own (a template is not). */
bool git_source_skips(const char *source);
/*
 * The hook script that runs llm (malloc'd): an absolute path, quoted for sh
 * as needed, or llm on PATH when that file is gone; or "llm", by name on
 * PATH. When it finds none, it says so on stderr.
 */
char *git_hook_script(const char *llm);
/* Whether a hook file's text is llm's hook. */
bool git_hook_is_ours(const char *text);

/*
 * The line install-hook adds to a script a hook manager runs (husky's
 * .husky/prepare-commit-msg): llm by name, since the file is shared with the
 * team, and never a failure, since husky runs it under sh -e.
 */
#define GIT_HOOK_LINE "command -v llm >/dev/null 2>&1 && llm git commit-msg \"$@\" </dev/null || true " \
	"# llm-git-hook: 'llm git uninstall-hook' removes this line"
/*
 * The script text with GIT_HOOK_LINE added as its first command, below a
 * #! line, every other line kept (malloc'd); NULL if the line is there.
 */
char *git_hook_line_add(const char *text);
/*
 * The script text without GIT_HOOK_LINE (malloc'd), "" when nothing but the
 * #! line install-hook writes would be left; NULL if the line is not there.
 */
char *git_hook_line_remove(const char *text);

/*
 * Whether a commit message file already holds text of its own: a non-blank
 * line before the first comment line (comment is the comment prefix, or NULL
 * for git's "auto" choice), but for trailers below a blank first line, which
 * are git's (commit -s, --trailer).
 */
bool git_msg_has_text(const char *msg, const char *comment);
/*
 * Keep only what may go into a commit message (malloc'd): escape sequences
 * (CSI, OSC, DCS...) and control characters but newline and tab are
 * removed (C0, DEL, C1), and the bidi controls (U+202A-202E, U+2066-2069,
 * U+200E, U+200F, U+061C) that make text read otherwise than it is stored;
 * each byte that is not UTF-8 becomes U+FFFD.
 */
char *git_msg_sanitize(const char *text);
/*
 * Turn a model's reply into a draft (malloc'd): escape sequences and control
 * characters removed (git_msg_sanitize), code fences and quotes dropped
 * (a message that opens with a fence is what the fence holds), the subject
 * cut at a word boundary to GIT_SUBJECT_MAX characters, a blank line, the
 * body (prose lines wrapped at GIT_BODY_WIDTH), one final newline. No
 * line starts with comment (the comment prefix, or NULL for git's "auto"),
 * which git would drop: it joins the line above, or is kept behind a space.
 * NULL if nothing usable is left.
 */
char *git_msg_clean(const char *reply, const char *comment);
/* The message file's new text: the draft above everything git wrote (malloc'd). */
char *git_msg_insert(const char *msg, const char *draft);

#endif
