#!/bin/sh
# install: make install puts the program, pages, completions and themes in place; make uninstall takes them all away; the build's switches and header dependencies hold.
. "${LLM_TOP:-.}/tests/lib.sh"
# It builds a plain copy of the tree and runs that: under the sanitizer suite
# (make check-asan) it would build and check again what make check does.
if [ -n "${LLM_ASAN:-}" ]; then
	echo "# skip: install: a plain build of a copy of the tree, which make check tests"
	exit 0
fi
t_setup

# A copy of the tree (without its builds), so that building with another
# PREFIX leaves the shared build alone.
SRC=$T/src
mkdir -p "$SRC"
tar -C "$LLM_TOP" --exclude=./.git --exclude='./build*' --exclude=./llm -cf - . | tar -C "$SRC" -xf -
check "the tree is copied" test -f "$SRC/Makefile"
jobs=$(nproc 2>/dev/null || echo 2)
# The copy builds as a user's checkout does, whatever build this suite runs
# under (make check-asan sets BUILD and passes its flags down through make).
unset BUILD MAKEFLAGS MFLAGS MAKELEVEL

check "make PREFIX=/usr builds" make -s -C "$SRC" -j"$jobs" PREFIX=/usr
ROOT=$T/root
check "make install DESTDIR PREFIX=/usr" make -s -C "$SRC" install DESTDIR="$ROOT" PREFIX=/usr

check "the program is in bin, executable" test -x "$ROOT/usr/bin/llm"
check_contains "the installed program runs" "$("$ROOT/usr/bin/llm" --version 2>&1)" "llm "
check "llm.1 is in man1" cmp -s "$LLM_TOP/man/llm.1" "$ROOT/usr/share/man/man1/llm.1"
check "llm-config.5 is in man5" cmp -s "$LLM_TOP/man/llm-config.5" \
    "$ROOT/usr/share/man/man5/llm-config.5"
check "bash completion in place" cmp -s "$LLM_TOP/completions/llm.bash" \
    "$ROOT/usr/share/bash-completion/completions/llm"
check "zsh completion in place" cmp -s "$LLM_TOP/completions/_llm" \
    "$ROOT/usr/share/zsh/site-functions/_llm"
check "fish completion in place" cmp -s "$LLM_TOP/completions/llm.fish" \
    "$ROOT/usr/share/fish/vendor_completions.d/llm.fish"
n=0
for th in "$LLM_TOP"/themes/*.theme; do
	[ -e "$th" ] || continue
	n=$((n + 1))
	check "theme $(basename "$th") in place" cmp -s "$th" "$ROOT/usr/share/llm/themes/$(basename "$th")"
done
check "there are themes to install" test "$n" -gt 0
for r in review explain commit shell translate; do
	check "role $r in place" cmp -s "$LLM_TOP/roles/$r.md" "$ROOT/usr/share/llm/roles/$r.md"
done
check_contains "the installed program finds the installed roles" \
    "$("$ROOT/usr/bin/llm" roles --paths 2>&1)" "$ROOT/usr/share/llm/roles/review.md"
check_contains "the installed program looks for themes where they were installed" \
    "$("$ROOT/usr/bin/llm" config path 2>&1)" "/usr/share/llm/themes"
if command -v man >/dev/null 2>&1; then
	check_contains "man finds the installed page" \
	    "$(MANPATH="$ROOT/usr/share/man" MANWIDTH=80 man llm-config 2>/dev/null)" "[git]"
fi

check "make uninstall DESTDIR PREFIX=/usr" make -s -C "$SRC" uninstall DESTDIR="$ROOT" PREFIX=/usr
check_eq "nothing is left after uninstall" "$(find "$ROOT" -type f -o -type l 2>&1)" ""

# Installing under another PREFIX than the build's: the program must still
# find its themes where they are installed.
ROOT2=$T/root2
check "make install PREFIX=/opt/llm after a PREFIX=/usr build" \
    make -s -C "$SRC" install DESTDIR="$ROOT2" PREFIX=/opt/llm
check "themes installed under /opt/llm" test -d "$ROOT2/opt/llm/share/llm/themes"
check_contains "the program installed under /opt/llm looks for its themes there" \
    "$("$ROOT2/opt/llm/bin/llm" config path 2>&1)" "/opt/llm/share/llm/themes"
check "make uninstall PREFIX=/opt/llm" make -s -C "$SRC" uninstall DESTDIR="$ROOT2" PREFIX=/opt/llm
check_eq "nothing is left after that uninstall" "$(find "$ROOT2" -type f -o -type l 2>&1)" ""

# A unit test is rebuilt when a header it includes changes, and only then.
check "a unit test builds" make -s -C "$SRC" PREFIX=/usr build/tests/test_buf
touch "$T/stamp"
check "built again unchanged" make -s -C "$SRC" PREFIX=/usr build/tests/test_buf
check_eq "nothing changed: not relinked" "$(find "$SRC/build/tests/test_buf" -newer "$T/stamp")" ""
touch "$SRC/tests/unit/unit.h"
check "built after its header changed" make -s -C "$SRC" PREFIX=/usr build/tests/test_buf
check_eq "its header changed: rebuilt" "$(find "$SRC/build/tests/test_buf" -newer "$T/stamp")" \
    "$SRC/build/tests/test_buf"

# The packager's switches: what the link line holds with and without them.
link() { make -n -B -C "$SRC" "$@" build/llm 2>/dev/null | grep -- ' -o build/llm'; }
check_contains "by default, SQLite is linked from its archive" "$(link)" "libsqlite3.a"
check_not_contains "by default, libcurl is not linked" "$(link)" "-lcurl"
check_not_contains "STATIC_DEPS=no: no archive" "$(link STATIC_DEPS=no)" "libsqlite3.a"
check_contains "STATIC_DEPS=no: SQLite shared" "$(link STATIC_DEPS=no)" "-lsqlite3"
check_contains "LAZY_LOAD=no: libcurl linked" "$(link LAZY_LOAD=no)" "-lcurl"
check_contains "LAZY_LOAD=no: libsecret linked" "$(link LAZY_LOAD=no)" "-lsecret-1"

# A page that cannot be read must fail the installation, not be skipped.
ln -s nowhere "$SRC/man/broken.1"
ROOT3=$T/root3
check "make install fails when a file cannot be installed" \
    sh -c '! make -s -C "$1" install DESTDIR="$2" PREFIX=/usr >/dev/null 2>&1' sh "$SRC" "$ROOT3"
rm -f "$SRC/man/broken.1"

[ "$T_FAIL" -eq 0 ]
