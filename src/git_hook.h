/* git_hook: the commit-message hook's pure parts: the hook script and the draft (git_diff: the diff). */
#ifndef LLM_GIT_HOOK_H
#define LLM_GIT_HOOK_H

#include <stdbool.h>
#include <stddef.h>

/* The line that marks a prepare-commit-msg hook as llm's own. */
#define GIT_HOOK_MARKER "# llm-git-hook: written by 'llm git install-hook'"

/* The longest subject line a draft may have, in characters. */
#define GIT_SUBJECT_MAX 72
/* The column a draft's body is wrapped at, in characters. */
#define GIT_BODY_WIDTH 72

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
 * The line husky 5 to 8 put below the #! line of each hook in .husky: it runs
 * the hook again under sh -e (and not at all when HUSKY=0).
 */
#define GIT_HUSKY_SOURCE ". \"$(dirname -- \"$0\")/_/husky.sh\"\n"
/*
 * The script text with GIT_HOOK_LINE added as its first command, below a
 * #! line and a line sourcing husky.sh (it would run the line twice), every
 * other line kept (malloc'd); NULL if the line is there.
 */
char *git_hook_line_add(const char *text);
/*
 * The script text without GIT_HOOK_LINE (malloc'd), "" when nothing but the
 * #! line install-hook writes (and GIT_HUSKY_SOURCE) would be left; NULL if
 * the line is not there.
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
 * (one longer than GIT_SUBJECT_MAX characters cut at a word boundary and
 * ended with "…", the rest opening the body after "…"), a blank line, the
 * body (prose lines wrapped at GIT_BODY_WIDTH), one final newline. No
 * line starts with comment (the comment prefix, or NULL for git's "auto"),
 * which git would drop: it joins the line above, or is kept behind a space.
 * NULL if nothing usable is left.
 */
char *git_msg_clean(const char *reply, const char *comment);
/* The message file's new text: the draft above everything git wrote (malloc'd). */
char *git_msg_insert(const char *msg, const char *draft);

#endif
