# swift-ssml: `make samples` renders Samples/ into out/; `make test` runs the whole test suite.
# Both install the Debian packages they need first (see `deps`).

SWIFT        ?= swift
BUILD_FLAGS  ?=
RELEASE_BIN  := .build/release/ssml
PREFIX       ?= /usr/local
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# pkg-config name -> Debian package providing it.
PKGCONFIG_DEPS := espeak-ng:libespeak-ng-dev sndfile:libsndfile1-dev soxr:libsoxr-dev libxml-2.0:libxml2-dev libebur128:libebur128-dev
# Command-line tools used by `make bench` (the baseline pipeline) and by nothing else.
BENCH_TOOLS    := espeak-ng:espeak-ng sox:sox python3:python3

.PHONY: all deps bench-deps build release test samples bench voices-report format lint install clean

all: build

## deps: install the C libraries (espeak-ng, libsndfile, libsoxr, libxml2, libebur128) when pkg-config cannot find them.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for pair in $(PKGCONFIG_DEPS); do \
	  name=$${pair%%:*}; pkg=$${pair#*:}; \
	  pkg-config --exists $$name 2>/dev/null || missing="$$missing $$pkg"; \
	done; \
	[ -d /usr/lib/x86_64-linux-gnu/espeak-ng-data ] || [ -d /usr/share/espeak-ng-data ] || ls /usr/lib/*/espeak-ng-data >/dev/null 2>&1 || missing="$$missing espeak-ng-data"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq pkg-config $$missing >/dev/null; \
	fi

bench-deps: deps
	@missing=""; \
	for pair in $(BENCH_TOOLS); do \
	  cmd=$${pair%%:*}; pkg=$${pair#*:}; \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

## build: debug build of the library and the `ssml` command.
build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

## test: unit, engine and end-to-end tests (the command CI runs).
test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

## samples: render every SSML / text file in Samples/ to out/ (16 kHz PCM and 8 kHz mu-law).
samples: release
	@scripts/render-samples.sh $(RELEASE_BIN) Samples out

## bench: time a ~25-minute and a ~60-minute document, and a 2,000-file `ssml batch`, against `espeak-ng -w` + `sox`, with
## peak memory. BENCH_ARGS="--only batch" (or "--only render") runs one part.
BENCH_ARGS   ?=
bench: release bench-deps
	@python3 scripts/bench.py --ssml $(RELEASE_BIN) $(BENCH_ARGS)

## voices-report: render one sentence per catalog voice, write Voices/REPORT.md, fail on silent or misordered voices.
voices-report: release
	$(RELEASE_BIN) voices --report Voices/REPORT.md

## install: the command, its voice catalog and its dialect tables under $(PREFIX).
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/swift-ssml/Voices $(DESTDIR)$(PREFIX)/share/swift-ssml/Dialects
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/ssml
	install -m 644 Voices/catalog.json $(DESTDIR)$(PREFIX)/share/swift-ssml/Voices/catalog.json
	install -m 644 Voices/vonage-styles.json $(DESTDIR)$(PREFIX)/share/swift-ssml/Voices/vonage-styles.json
	install -m 644 Dialects/*.json $(DESTDIR)$(PREFIX)/share/swift-ssml/Dialects/

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build out bench-out
