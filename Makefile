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

.PHONY: all build release deps test check install uninstall demo bench fuzz clean

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

clean:
	rm -rf .build .build-warnings.log demo
