#!/bin/sh
# Check the libraries and tools llm needs; on Debian or Ubuntu install what is
# missing with apt-get (as root, or through sudo). On other systems, print what
# to install.
set -u
# pkg-config name : Debian package
libs="ncursesw:libncurses-dev libcurl:libcurl4-openssl-dev readline:libreadline-dev
libcjson:libcjson-dev libsecret-1:libsecret-1-dev sqlite3:libsqlite3-dev md4c:libmd4c-dev
inih:libinih-dev libpq:libpq-dev"
# command : Debian package (for the tests)
tools="cc:gcc make:make pkg-config:pkg-config python3:python3 git:git tmux:tmux
valgrind:valgrind dbus-run-session:dbus gnome-keyring-daemon:gnome-keyring
secret-tool:libsecret-tools groff:groff-base curl:curl sqlite3:sqlite3
zsh:zsh fish:fish mandoc:mandoc clang:clang shellcheck:shellcheck ssh-agent:openssh-client
gpgconf:gpgconf"

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
for pair in $libs; do
	pc=${pair%%:*}; deb=${pair#*:}
	pkg-config --exists "$pc" 2>/dev/null || missing="$missing $deb"
done
for pair in $tools; do
	cmd=${pair%%:*}; deb=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing="$missing $deb"
done
# the PostgreSQL server, for the team ledger's tests (not on PATH on Debian)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
	missing="$missing postgresql"
fi
# libFuzzer's runtime (make fuzz) is only a recommendation of clang's package
if ! ls "$(clang --print-runtime-dir 2>/dev/null)"/libclang_rt.fuzzer*.a >/dev/null 2>&1 &&
    ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
	missing="$missing libclang-rt-dev"
fi
# shellcheck disable=SC2086 # split to sort the names and drop repeats
missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -z "${missing% }" ] && exit 0

echo "llm: missing packages: $missing" >&2
if ! command -v apt-get >/dev/null 2>&1; then
	cat >&2 <<MSG
llm: install the development packages of ncursesw, libcurl, readline, cJSON,
libsecret-1, SQLite 3, md4c, inih and libpq, plus pkg-config, then run make again.
  Fedora: dnf install ncurses-devel libcurl-devel readline-devel cjson-devel libsecret-devel sqlite-devel md4c-devel inih-devel libpq-devel
  Arch:   pacman -S ncurses curl readline cjson libsecret sqlite md4c libinih postgresql-libs
  macOS:  brew install ncurses curl readline cjson libsecret sqlite md4c inih libpq
MSG
	exit 2
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "llm: run as root: apt-get install $missing" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null || exit 2
# shellcheck disable=SC2086
# with their recommendations, as a desktop would have them (the keyring daemon's among them)
$sudo apt-get install -y -qq $missing >/dev/null || exit 2
echo "llm: installed $missing" >&2
