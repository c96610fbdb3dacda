# CAS — build, test, install. `make test` installs what it needs (Debian/Ubuntu) and runs every test.
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# The config lives in /etc for the usual prefixes (where cas looks); elsewhere (a staging prefix) beside the prefix.
SYSCONFDIR ?= $(if $(filter /usr /usr/local,$(PREFIX)),/etc,$(PREFIX)/etc)
BINDIR = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share/cas

# System packages: libraries to build, and the real tools the tests run.
APT_PACKAGES = libarchive-dev libsqlite3-dev zlib1g-dev libbz2-dev liblzma-dev libzstd-dev libcurl4-openssl-dev \
	pkg-config crash rpm cpio dpkg-dev xz-utils zstd lz4 bzip2 gzip zip unzip findutils \
	openssh-server openssh-client python3-aiosmtpd makedumpfile binutils file man-db groff-base bc \
	pigz lbzip2 7zip debuginfod libarchive-tools liblzo2-dev libsnappy-dev

.PHONY: all build release release-programs deps test check stage-deps install uninstall man demo bench fuzz fuzz-build robustness clean

all: build

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $$missing; \
	fi

build:
	$(SWIFT) build

# Release binaries carry the Swift runtime and Foundation statically: a process starts in about a third of
# the time (no 15 Swift shared libraries to load and relocate), which is most of what `cas identify` costs.
# They are position-dependent unless PIE=yes: a PIE with a static Swift runtime has the loader write about
# 86,000 relocations into 230 pages at every start, a fifth of `cas identify` on a plain dump (see README,
# Benchmarks). The shared libraries (libc, SQLite, libarchive) are randomized either way. Our modules'
# symbols stay out of the dynamic symbol table (the Swift runtime's own link flags export 11,000 of them,
# which the loader and the runtime's start-up then search; nothing looks them up by name).
PIE ?= no
RELEASE_LINK = -Xlinker --no-export-dynamic $(if $(filter yes,$(PIE)),,-Xswiftc -Xclang-linker -Xswiftc -no-pie)
release:
	$(SWIFT) build -c release --static-swift-stdlib $(RELEASE_LINK)

# Builds with our own warnings treated as errors, then runs the whole suite.
test: deps
	@$(SWIFT) build --build-tests 2>&1 | tee .build-warnings.log; \
	status=$${PIPESTATUS[0]}; [ $$status -eq 0 ] || exit $$status; \
	if grep -E "^$(CURDIR)/(Sources|Tests)/.*: warning:" .build-warnings.log; then \
		echo "error: warnings in our sources (fix them)"; exit 1; fi
	$(SWIFT) test --no-parallel

# `check` also checks CASCore's folder dependencies against DESIGN's table, from the compiler's own
# dependency records of the build just made (Scripts/check-stage-deps; its self-test plants violations first).
check: test
	Scripts/check-stage-deps --self-test
	Scripts/check-stage-deps

stage-deps: build
	Scripts/check-stage-deps

MANDIR = $(DESTDIR)$(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
CRONDIR ?= $(if $(filter /usr /usr/local,$(PREFIX)),/etc/cron.d,$(PREFIX)/etc/cron.d)
BASHCOMPDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

# What `install` builds and installs from: the two programs alone, in release (no fuzz harness, no test
# support, no test). INSTALL_FROM=DIR installs binaries already built there instead (nothing is built).
INSTALL_FROM ?=
BIN_SOURCE = $(if $(INSTALL_FROM),$(INSTALL_FROM),.build/release)
# The cron file only where systemd is absent (auto), or always (CRON=1), or never (CRON=0): with both, the
# purge would run twice.
CRON ?= auto
INSTALL_CRON = $(if $(filter 1 yes,$(CRON)),yes,$(if $(filter auto,$(CRON)),$(if $(wildcard /run/systemd/system),no,yes),no))
# The directories install may create; those it did create are listed in $(SHAREDIR)/installed-dirs, and
# uninstall removes them again when they are empty.
INSTALL_DIRS = "$(BINDIR)" "$(SHAREDIR)/snippets" "$(SHAREDIR)/rules" "$(MANDIR)/man1" "$(MANDIR)/man5" \
	"$(MANDIR)/man8" "$(BASHCOMPDIR)" "$(ZSHCOMPDIR)" "$(FISHCOMPDIR)" "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(SYSCONFDIR)" \
	$(if $(filter yes,$(INSTALL_CRON)),"$(DESTDIR)$(CRONDIR)")

# The toolchain's static Foundation calls mktemp(3) (FoundationEssentials' createTemporaryFile, which
# retries on EEXIST itself); glibc's link-time warning about it names no file of ours and cannot be fixed
# here, so that one line is dropped. Every other line, warning or not, is shown.
TOOLCHAIN_NOISE = 'swift_static/linux/libFoundationEssentials\.a.*the use of .mktemp. is dangerous'
release-programs:
	@for p in cas cas-admin; do \
		$(SWIFT) build -c release --static-swift-stdlib $(RELEASE_LINK) --product $$p 2>&1 \
			| { grep -Ev $(TOOLCHAIN_NOISE) || true; }; \
		[ $${PIPESTATUS[0]} -eq 0 ] || exit 1; \
	done

# Installs the two programs, snippets, rules, the sample config (never over an existing one), the systemd
# units, the cron file (see CRON), man pages (Docs/man, see `make man`) and shell completions (generated
# from the programs).
install: $(if $(INSTALL_FROM),,release-programs)
	@created=; for d in $(INSTALL_DIRS); do \
		while [ ! -d "$$d" ]; do created="$$created$$d"$$'\n'; d=$$(dirname "$$d"); done; \
	done; \
	install -d $(INSTALL_DIRS) && \
	{ cat "$(SHAREDIR)/installed-dirs" 2>/dev/null; printf '%s' "$$created"; } | sort -u | grep -v '^$$' \
		> "$(SHAREDIR)/installed-dirs.new" && mv "$(SHAREDIR)/installed-dirs.new" "$(SHAREDIR)/installed-dirs"
	install -m 0755 "$(BIN_SOURCE)/cas" "$(BIN_SOURCE)/cas-admin" "$(BINDIR)/"
	install -m 0644 Snippets/* "$(SHAREDIR)/snippets/"
	install -m 0644 Config/rules/*.rules "$(SHAREDIR)/rules/"
	install -m 0644 Config/cas.conf "$(SHAREDIR)/cas.conf"
	install -m 0644 Docs/man/cas.1 "$(MANDIR)/man1/cas.1"
	install -m 0644 Docs/man/cas.conf.5 Docs/man/cas-rules.5 "$(MANDIR)/man5/"
	install -m 0644 Docs/man/cas-admin.8 "$(MANDIR)/man8/cas-admin.8"
	for t in cas cas-admin; do \
		"$(BIN_SOURCE)/$$t" --generate-completion-script bash > "$(BASHCOMPDIR)/$$t" && \
		"$(BIN_SOURCE)/$$t" --generate-completion-script zsh > "$(ZSHCOMPDIR)/_$$t" && \
		"$(BIN_SOURCE)/$$t" --generate-completion-script fish > "$(FISHCOMPDIR)/$$t.fish" || exit 1; \
	done
	@for u in cas-purge.service cas-purge.timer; do \
		sed 's|/usr/local/bin/|$(PREFIX)/bin/|g' Config/$$u > "$(DESTDIR)$(UNITDIR)/$$u" && \
			chmod 0644 "$(DESTDIR)$(UNITDIR)/$$u" && echo "installed $(DESTDIR)$(UNITDIR)/$$u" || exit 1; \
	done
	@if [ "$(INSTALL_CRON)" = yes ]; then \
		sed 's|/usr/local/bin/|$(PREFIX)/bin/|g' Config/cas.cron > "$(DESTDIR)$(CRONDIR)/cas" && \
		chmod 0644 "$(DESTDIR)$(CRONDIR)/cas" && echo "installed $(DESTDIR)$(CRONDIR)/cas"; \
	else echo "systemd: enable the daily purge with: systemctl enable --now cas-purge.timer (or make install CRON=1)"; fi
	@if [ -e "$(DESTDIR)$(SYSCONFDIR)/cas.conf" ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/cas.conf (sample at $(SHAREDIR)/cas.conf)"; \
	else install -m 0644 Config/cas.conf "$(DESTDIR)$(SYSCONFDIR)/cas.conf" && \
		echo "installed sample $(DESTDIR)$(SYSCONFDIR)/cas.conf: edit kernels, debugs, workDirectory, database"; fi

# Removes everything `install` wrote, and the directories it created once they are empty. The configuration
# stays when it was edited (it is removed when it is still the sample).
uninstall:
	rm -f "$(BINDIR)/cas" "$(BINDIR)/cas-admin"
	rm -f "$(MANDIR)/man1/cas.1" "$(MANDIR)/man5/cas.conf.5" "$(MANDIR)/man5/cas-rules.5" "$(MANDIR)/man8/cas-admin.8"
	rm -f "$(BASHCOMPDIR)/cas" "$(BASHCOMPDIR)/cas-admin" "$(ZSHCOMPDIR)/_cas" "$(ZSHCOMPDIR)/_cas-admin" \
		"$(FISHCOMPDIR)/cas.fish" "$(FISHCOMPDIR)/cas-admin.fish"
	rm -f "$(DESTDIR)$(UNITDIR)/cas-purge.service" "$(DESTDIR)$(UNITDIR)/cas-purge.timer" "$(DESTDIR)$(CRONDIR)/cas"
	@if [ -e "$(DESTDIR)$(SYSCONFDIR)/cas.conf" ] && cmp -s Config/cas.conf "$(DESTDIR)$(SYSCONFDIR)/cas.conf"; then \
		rm -f "$(DESTDIR)$(SYSCONFDIR)/cas.conf"; \
	elif [ -e "$(DESTDIR)$(SYSCONFDIR)/cas.conf" ]; then echo "keeping $(DESTDIR)$(SYSCONFDIR)/cas.conf (edited)"; fi
	@dirs=$$(cat "$(SHAREDIR)/installed-dirs" 2>/dev/null); \
	rm -rf "$(SHAREDIR)/snippets" "$(SHAREDIR)/rules"; \
	rm -f "$(SHAREDIR)/cas.conf" "$(SHAREDIR)/installed-dirs"; \
	rmdir "$(SHAREDIR)" 2>/dev/null; \
	printf '%s\n' "$$dirs" | awk 'length { print length($$0) "\t" $$0 }' | sort -rn | cut -f2- | \
		while IFS= read -r d; do rmdir "$$d" 2>/dev/null || true; done

# Regenerates Docs/man/cas.1 and cas-admin.8 from the argument parsers (swift-argument-parser's
# generate-manual plugin); cas.conf.5 and cas-rules.5 are written by hand. The pages are committed so install works offline.
man: release
	mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --configuration release \
		--authors "CAS maintainers" --output-directory .build/man
	sed -e 's/^\.Dt CAS-ADMIN 1$$/.Dt CAS-ADMIN 8/' -e 's/^$$/.Pp/' .build/man/cas-admin.1 > Docs/man/cas-admin.8
	sed 's/^$$/.Pp/' .build/man/cas.1 > Docs/man/cas.1

# The whole pipeline on a real crash dump under demo/ (see Scripts/demo; Scripts/make-demo-crash builds a
# dump when ../shared/fixtures is not beside the checkout).
demo: deps release
	Scripts/demo .build/release

# Benchmarks against the tools a user would otherwise run (see README); results are printed as tables.
bench: release
	Scripts/bench
	Scripts/bench-index
	Scripts/bench-purge 10000 5
	Scripts/bench-job 3
	Scripts/bench-debuginfod 3

# Concurrency and fault suites (real jobs, kills, tmpfs, as root where needed); last line "N passed, N failed".
robustness: deps
	@$(SWIFT) build --build-tests 2>&1 | grep -E "error|warning:" || true
	@set -o pipefail; CAS_ROBUSTNESS=1 $(SWIFT) test --no-parallel --filter 'Robustness' 2>&1 | tee .robustness.log; \
	status=$$?; \
	passed=$$(grep -E '^.{0,4}Test .* passed after' .robustness.log | grep -cv 'Test run with'); \
	failed=$$(grep -E '^.{0,4}Test .* failed after' .robustness.log | grep -cv 'Test run with'); \
	echo "$$passed passed, $$failed failed"; exit $$status

# libFuzzer over the parsers: each target for FUZZ_RUNS inputs (or FUZZ_SECONDS), seeds in .build/fuzz-corpus.
# INI inputs stop at 8 KiB (a cas.conf is a few hundred bytes; longer inputs only slow the run down).
# Leak detection is off: Foundation's NSRegularExpression leaks its C buffer on an invalid pattern (not ours).
FUZZ_RUNS ?= 1000000
FUZZ_SECONDS ?= 2400
FUZZ_TARGETS ?= dump ini rpm deb dmesg
FUZZ_BIN = .build/fuzz/release/CASFuzz
fuzz-build:
	$(SWIFT) build -c release --scratch-path .build/fuzz --product CASFuzz -Xswiftc -sanitize=fuzzer,address \
		-Xswiftc -parse-as-library -Xswiftc -DCAS_FUZZ

fuzz: fuzz-build
	@Tests/Fuzz/make-seeds .build/fuzz-corpus
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p .build/fuzz-crashers/$$t; \
		echo "fuzz $$t: $(FUZZ_RUNS) runs"; \
		ASAN_OPTIONS=detect_leaks=0 CAS_FUZZ_TARGET=$$t $(FUZZ_BIN) -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) -max_len=$$(case $$t in ini) echo 8192;; *) echo 65536;; esac) -detect_leaks=0 \
			-artifact_prefix=.build/fuzz-crashers/$$t/ -print_final_stats=1 .build/fuzz-corpus/$$t \
			2> .build/fuzz-$$t.log || { tail -40 .build/fuzz-$$t.log; exit 1; }; \
		grep -E "stat::number_of_executed_units" .build/fuzz-$$t.log; \
	done

clean:
	rm -rf .build .build-warnings.log demo
