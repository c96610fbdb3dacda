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
	openssh-server openssh-client python3-aiosmtpd makedumpfile binutils file

.PHONY: all build release deps test check install uninstall demo bench fuzz fuzz-build robustness clean

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

release:
	$(SWIFT) build -c release

# Builds with our own warnings treated as errors, then runs the whole suite.
test: deps
	@$(SWIFT) build --build-tests 2>&1 | tee .build-warnings.log; \
	status=$${PIPESTATUS[0]}; [ $$status -eq 0 ] || exit $$status; \
	if grep -E "^$(CURDIR)/(Sources|Tests)/.*: warning:" .build-warnings.log; then \
		echo "error: warnings in our sources (fix them)"; exit 1; fi
	$(SWIFT) test --no-parallel

check: test

install: release
	install -d "$(BINDIR)" "$(SHAREDIR)/snippets"
	install -m 0755 .build/release/cas .build/release/cas-admin "$(BINDIR)/"
	install -m 0644 Snippets/* "$(SHAREDIR)/snippets/"
	install -m 0644 Config/cas.conf $(SHAREDIR)/cas.conf
	install -d "$(DESTDIR)$(SYSCONFDIR)"
	@if [ -e "$(DESTDIR)$(SYSCONFDIR)/cas.conf" ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/cas.conf (sample at $(SHAREDIR)/cas.conf)"; \
	else install -m 0644 Config/cas.conf "$(DESTDIR)$(SYSCONFDIR)/cas.conf" && \
		echo "installed sample $(DESTDIR)$(SYSCONFDIR)/cas.conf: edit kernels, debugs, workDirectory, database"; fi

uninstall:
	rm -f $(BINDIR)/cas $(BINDIR)/cas-admin
	rm -rf $(SHAREDIR)

demo: deps release
	.build/release/cas-admin check || true

# Benchmarks against the tools a user would otherwise run (see README); results are printed as tables.
bench: release
	Scripts/bench
	Scripts/bench-index
	Scripts/bench-purge 10000 5

# Concurrency and fault suites (real jobs, kills, tmpfs, as root where needed); last line "N passed, N failed".
robustness: deps
	@$(SWIFT) build --build-tests 2>&1 | grep -E "error|warning:" || true
	@set -o pipefail; CAS_ROBUSTNESS=1 $(SWIFT) test --no-parallel --filter 'Robustness' 2>&1 | tee .robustness.log; \
	status=$$?; \
	passed=$$(grep -E '^.{0,4}Test .* passed after' .robustness.log | grep -cv 'Test run with'); \
	failed=$$(grep -E '^.{0,4}Test .* failed after' .robustness.log | grep -cv 'Test run with'); \
	echo "$$passed passed, $$failed failed"; exit $$status

# libFuzzer over the parsers: each target for FUZZ_RUNS inputs (or FUZZ_SECONDS), seeds in .build/fuzz-corpus.
# Leak detection is off: Foundation's NSRegularExpression leaks its C buffer on an invalid pattern (not ours).
FUZZ_RUNS ?= 1000000
FUZZ_SECONDS ?= 900
FUZZ_TARGETS ?= dump ini rpm deb
FUZZ_BIN = .build/fuzz/release/CASFuzz
fuzz-build:
	$(SWIFT) build -c release --scratch-path .build/fuzz --product CASFuzz -Xswiftc -sanitize=fuzzer,address \
		-Xswiftc -parse-as-library -Xswiftc -DCAS_FUZZ

fuzz: fuzz-build
	@Tests/Fuzz/make-seeds .build/fuzz-corpus
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p .build/fuzz-crashers/$$t; \
		echo "fuzz $$t: $(FUZZ_RUNS) runs"; \
		ASAN_OPTIONS=detect_leaks=0 CAS_FUZZ_TARGET=$$t $(FUZZ_BIN) -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -detect_leaks=0 \
			-artifact_prefix=.build/fuzz-crashers/$$t/ -print_final_stats=1 .build/fuzz-corpus/$$t \
			2> .build/fuzz-$$t.log || { tail -40 .build/fuzz-$$t.log; exit 1; }; \
		grep -E "stat::number_of_executed_units" .build/fuzz-$$t.log; \
	done

clean:
	rm -rf .build .build-warnings.log demo
