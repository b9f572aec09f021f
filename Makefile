# llm: a terminal client for large language models that routes by cost.
VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/llm
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR   ?=

PKGS      = ncursesw libcurl readline libcjson libsecret-1 sqlite3 md4c inih libpq
CC        ?= cc
CFLAGS    ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(CI),true)
WARN     += -Werror
endif
CPPFLAGS  += -D_GNU_SOURCE -DLLM_VERSION=\"$(VERSION)\" -DLLM_DATADIR=\"$(DATADIR)\"
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Where libpq looks for the system-wide pg_service.conf when PGSYSCONFDIR is
# unset, which llm reads as libpq does (src/pgservice.c); empty: not read.
PG_SYSCONFDIR := $(shell pg_config --sysconfdir 2>/dev/null)
# Two choices made for start-up time, both of which a packager can undo:
#
# Lazy loading (LAZY_LOAD=yes, the default). libsecret and the GLib stack
# under it are loaded with dlopen when a key is first wanted (src/keyring.c),
# and libcurl with its TLS, Kerberos, LDAP and HTTP/2 libraries when the first
# request is made (src/curl_load.c), so that a command which sends nothing
# pays for neither; libpq only when a team ledger (PostgreSQL) is configured
# (src/ledger_pg_conn.c), so a single user's llm runs without it installed.
# Their headers are still used at build time. With LAZY_LOAD=no all three
# are linked as well, so they appear in the binary's NEEDED entries (what
# dpkg-shlibdeps and ldd see) and are loaded at start-up;
# the dlopen calls then find the copy already loaded. The code still looks
# each function up through dlsym: removing that indirection would be a code
# change, not a build switch.
#
# Static SQLite and inih (STATIC_DEPS=yes, the default). They are linked in
# from their static archives when the -dev packages ship them (Debian's do):
# as shared libraries they cost every command half a millisecond of loading.
# Where no archive exists they stay shared. STATIC_DEPS=no links them shared
# always, as distributions that forbid bundled copies require.
LAZY_LOAD   ?= yes
STATIC_DEPS ?= yes
LAZY_PKGS  = libsecret-1 libcurl libpq
PKG_LIBS   := $(shell pkg-config --exists $(PKGS) 2>/dev/null && \
	pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS)))
ifeq ($(LAZY_LOAD),no)
# --no-as-needed: nothing calls them by name, and --as-needed would drop them.
PKG_LIBS   += -Wl,--no-as-needed $(shell pkg-config --libs $(LAZY_PKGS) 2>/dev/null) -Wl,--as-needed
endif
ifeq ($(STATIC_DEPS),no)
STATIC_A   :=
else
STATIC_A   := $(foreach l,sqlite3 inih,$(filter /%,$(shell $(CC) -print-file-name=lib$(l).a 2>/dev/null)))
endif
LDLIBS    += $(filter-out $(patsubst lib%.a,-l%,$(notdir $(STATIC_A))),$(PKG_LIBS)) $(STATIC_A) -lm

BUILD     ?= build
SRC       := $(wildcard src/*.c)
OBJ       := $(patsubst src/%.c,$(BUILD)/%.o,$(SRC))
LIBOBJ    := $(filter-out $(BUILD)/main.o,$(OBJ))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: all deps check test unit check-asan lint demo bench bench-router train-router install uninstall clean fuzz dist distcheck

ROUTING_DATA ?= ../shared/reference/routing

all: llm

# Binaries are written aside and renamed into place, so a running test never
# executes a half-written file.
llm: $(BUILD)/llm
	@cp $(BUILD)/llm llm.tmp && mv -f llm.tmp llm

# Bind every symbol at start-up, read-only after (full RELRO): it hardens the
# binary, and with the seven libraries left at start-up it costs no measurable
# time against lazy binding.
BIND_NOW  = -Wl,-z,relro,-z,now

$(BUILD)/llm: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(BIND_NOW) -o $@.tmp $(OBJ) $(LDLIBS) && mv -f $@.tmp $@

$(BUILD)/%.o: src/%.c | $(BUILD)
	@if [ -z "$(PKG_LIBS)" ]; then echo "llm: libraries missing: run 'make deps' (or scripts/deps.sh) first" >&2; exit 2; fi
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libllm.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# -MMD: a test or bench program is rebuilt when a header it includes changes.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libllm.a | $(BUILD)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) -Isrc -Itests/unit $(WARN) $(CFLAGS) -MMD -MP -MF $@.d -o $@ $< $(BUILD)/libllm.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libllm.a | $(BUILD)
	@mkdir -p $(BUILD)/bench
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) -Isrc $(WARN) $(CFLAGS) -MMD -MP -MF $@.d -o $@ $< $(BUILD)/libllm.a $(LDLIBS)

# The evaluator includes the trainer.
$(BUILD)/bench/router_eval $(BUILD)/bench/router_tiers: bench/router_train.c

$(BUILD):
	@mkdir -p $(BUILD)

# The installation paths compiled in: what uses them is rebuilt when they change.
$(BUILD)/paths: FORCE | $(BUILD)
	@echo '$(DATADIR) $(PG_SYSCONFDIR)' | cmp -s - $@ || echo '$(DATADIR) $(PG_SYSCONFDIR)' >$@
$(BUILD)/theme.o $(BUILD)/cli_config.o $(BUILD)/pgservice.o: $(BUILD)/paths
$(BUILD)/pgservice.o: CPPFLAGS += -DLLM_PG_SYSCONFDIR=\"$(PG_SYSCONFDIR)\"
FORCE:

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(BENCH_BIN:=.d)

# Check the libraries and test tools, and on Debian or Ubuntu install what is
# missing (apt-get, through sudo when not root). check, check-asan and demo
# run it first and say so; `make test` and `make llm` never install anything.
deps:
	@sh scripts/deps.sh

# check and check-asan build on every core (make's own -j, when given, is kept).
NPROC := $(shell nproc 2>/dev/null || echo 1)
BUILD_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

check:
	@echo "check: running 'make deps' first (installs missing Debian packages; 'make test' skips this)"
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(BUILD_JOBS) llm unit
	@$(MAKE) --no-print-directory test

test: llm unit
	@LLM_BIN=$(CURDIR)/$(BUILD)/llm BUILD=$(BUILD) sh tests/run.sh

unit: $(UNIT_BIN)

# gcc's null checks under -fsanitize=undefined make -Wformat-truncation see a
# NULL format that no caller passes; the warning is off in this build only.
ASAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -Wno-format-truncation

check-asan:
	@echo "check-asan: running 'make deps' first (installs missing Debian packages)"
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(BUILD_JOBS) BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" $(BUILD:build=build-asan)/llm unit
	@LLM_ASAN=1 ASAN_OPTIONS=detect_leaks=1:exitcode=99 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		LLM_BIN=$(CURDIR)/build-asan/llm BUILD=build-asan sh tests/run.sh

lint:
	@sh scripts/lint.sh

# libFuzzer targets of tests/fuzz (clang), each run FUZZ_SECONDS (default 60) on a copy of its corpus.
fuzz:
	@sh scripts/fuzz.sh

bench: llm $(BENCH_BIN)
	@LLM_BIN=$(CURDIR)/$(BUILD)/llm BUILD=$(BUILD) sh bench/run.sh

bench-router: $(BUILD)/bench/router_eval $(BUILD)/bench/router_tiers
	@$(BUILD)/bench/router_tiers $(ROUTING_DATA)
	@$(BUILD)/bench/router_eval $(ROUTING_DATA)

# Refit the router's weights from the routing data and rewrite src/router_weights.h.
train-router: $(BUILD)/bench/router_train
	$(BUILD)/bench/router_train $(ROUTING_DATA) > src/router_weights.h.new
	mv src/router_weights.h.new src/router_weights.h

# Open the full-screen client against the built-in fake provider: no key needed.
demo:
	@echo "demo: running 'make deps' first (installs missing Debian packages)"
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory llm
	@sh scripts/demo.sh

# Every file is installed or the target fails: a missing or unreadable file
# is an error, not something to skip.
install: llm
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/roles
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 llm $(DESTDIR)$(BINDIR)/llm
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	install -m 644 roles/*.md $(DESTDIR)$(DATADIR)/roles/
	install -m 644 completions/llm.bash $(DESTDIR)$(BASHCOMPDIR)/llm
	install -m 644 completions/_llm $(DESTDIR)$(ZSHCOMPDIR)/_llm
	install -m 644 completions/llm.fish $(DESTDIR)$(FISHCOMPDIR)/llm.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/llm
	for f in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$(basename $$f); done
	for f in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$f); done
	for f in themes/*.theme; do rm -f $(DESTDIR)$(DATADIR)/themes/$$(basename $$f); done
	for f in roles/*.md; do rm -f $(DESTDIR)$(DATADIR)/roles/$$(basename $$f); done
	-rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/roles $(DESTDIR)$(DATADIR) 2>/dev/null
	rm -f $(DESTDIR)$(BASHCOMPDIR)/llm $(DESTDIR)$(ZSHCOMPDIR)/_llm $(DESTDIR)$(FISHCOMPDIR)/llm.fish

# A source tarball of the committed tree: llm-$(VERSION).tar.gz.
DIST = llm-$(VERSION)
dist:
	git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST).tar.gz HEAD
	@echo "dist: $(DIST).tar.gz"

# Build the tarball in a scratch directory and run its tests there.
distcheck: dist
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/llm-dist.XXXXXX") && \
	tar -C "$$d" -xzf $(DIST).tar.gz && \
	$(MAKE) --no-print-directory -C "$$d/$(DIST)" llm unit && \
	$(MAKE) --no-print-directory -C "$$d/$(DIST)" test; \
	rc=$$?; rm -rf "$$d"; exit $$rc

clean:
	rm -rf build build-asan build-fuzz llm $(DIST).tar.gz
