# swift-ssml: `make samples` renders Samples/ into out/; `make test` runs the whole test suite.
# Both install the Debian packages they need first (see `deps`).

SWIFT        ?= swift
BUILD_FLAGS  ?=
# The release binaries carry the Swift runtime and Foundation inside them: a start maps one file instead of a dozen
# shared libraries (measured: ssml --help 32 -> 21 MB peak RSS; with espeak-ng from its static archive, 87 -> 23
# shared libraries).
RELEASE_FLAGS ?= --static-swift-stdlib
RELEASE_BIN  := .build/release/ssml
PREFIX       ?= /usr/local
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# pkg-config name -> Debian package providing it.
PKGCONFIG_DEPS := espeak-ng:libespeak-ng-dev sndfile:libsndfile1-dev soxr:libsoxr-dev libxml-2.0:libxml2-dev libebur128:libebur128-dev
# Command-line tools used by `make bench` (the baseline pipeline) and by nothing else.
BENCH_TOOLS    := espeak-ng:espeak-ng sox:sox python3:python3 wrk:wrk
# Python packages of the server's checks (the OpenAPI validator, a DevTools client), in a virtual environment.
PY_VENV        := .build/openapi-venv
PY             := $(PY_VENV)/bin/python3
PY_TOOLS       := openapi-spec-validator==0.9.0 jsonschema==4.26.0 websocket-client==1.9.2 vonage==4.9.1

.PHONY: all deps bench-deps py-tools browser-deps build release test samples bench bench-serve browser-check voices-report format lint install clean fuzz fuzz-smoke fuzz-run test-asan test-tsan

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

## py-tools: the Python virtual environment (.build/openapi-venv) of the server's OpenAPI and browser checks, and of
## the twin tests (Vonage's Python SDK); it is brought up to date when this Makefile (the list) changes.
py-tools: $(PY_VENV)/.installed
$(PY_VENV)/.installed: Makefile
	test -x $(PY) || python3 -m venv $(PY_VENV) || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null \
	  && python3 -m venv $(PY_VENV); }
	$(PY_VENV)/bin/pip install -q $(PY_TOOLS)
	touch $@

## browser-deps: Debian's chromium for the preview page's check; where it cannot be installed, that check is skipped.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian package: chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium could not be installed: the browser check of the preview page is skipped"

## build: debug build of the library and the `ssml` command.
build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) $(BUILD_FLAGS)

## test: unit, engine and end-to-end tests (the command CI runs). The server's answers are checked against its
## OpenAPI document (required here); the preview page runs in headless Chromium when chromium is installed. The
## release build that `make samples` uses is built first: it compiles against other libraries (the static Swift
## runtime, no Testing module) and once broke while the debug tests passed.
test: deps py-tools browser-deps
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	$(SWIFT) build -c release $(RELEASE_FLAGS) $(BUILD_FLAGS)
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	SSML_REQUIRE_OPENAPI_CHECK=1 $(SWIFT) test --skip-build $(BUILD_FLAGS)

## samples: render every SSML / text file in Samples/ to out/ (16 kHz PCM and 8 kHz mu-law).
samples: release
	@scripts/render-samples.sh $(RELEASE_BIN) Samples out

## bench: time a ~25-minute and a ~60-minute document, and a 2,000-file `ssml batch`, against `espeak-ng -w` + `sox`, with
## peak memory. BENCH_ARGS="--only batch" (or "--only render") runs one part.
BENCH_ARGS   ?=
bench: release bench-deps
	@python3 scripts/bench.py --ssml $(RELEASE_BIN) $(BENCH_ARGS)
	@python3 scripts/bench-serve.py --ssml $(RELEASE_BIN)

## bench-serve: `ssml serve` under wrk: startup, renders/s and p50/p99 of a one-sentence prompt at 16 and 64 connections, 1 vs 2 workers, memory.
bench-serve: release bench-deps
	@python3 scripts/bench-serve.py --ssml $(RELEASE_BIN)

## browser-check: the preview page in headless Chromium on a release build: lint markers, a fix, Render, the
## player's duration, click to sound (< 150 ms for a one-sentence prompt); writes docs/serve-preview.png.
browser-check: release py-tools browser-deps
	$(PY) scripts/browser-check.py --ssml $(RELEASE_BIN) --screenshot docs/serve-preview.png

## voices-report: render one sentence per catalog voice, write Voices/REPORT.md, fail on silent or misordered voices.
voices-report: release
	$(RELEASE_BIN) voices --report Voices/REPORT.md

## install: the command, its render worker, its voice catalog and its dialect tables under $(PREFIX).
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/swift-ssml/Voices $(DESTDIR)$(PREFIX)/share/swift-ssml/Dialects
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/ssml
	install -m 755 .build/release/ssml-worker $(DESTDIR)$(PREFIX)/bin/ssml-worker
	install -m 644 Voices/catalog.json $(DESTDIR)$(PREFIX)/share/swift-ssml/Voices/catalog.json
	install -m 644 Voices/vonage-styles.json $(DESTDIR)$(PREFIX)/share/swift-ssml/Voices/vonage-styles.json
	install -m 644 Dialects/*.json $(DESTDIR)$(PREFIX)/share/swift-ssml/Dialects/
	install -d $(DESTDIR)$(PREFIX)/share/swift-ssml/server/web
	install -m 644 Sources/SSMLServer/Resources/openapi.json $(DESTDIR)$(PREFIX)/share/swift-ssml/server/openapi.json
	install -m 644 Sources/SSMLServer/Resources/web/* $(DESTDIR)$(PREFIX)/share/swift-ssml/server/web/

## fuzz: build the libFuzzer harnesses (Fuzz/, a package of its own: the main build never sees -sanitize=fuzzer).
FUZZ_TARGETS  := FuzzSSML FuzzNCCO FuzzLint FuzzAudio
FUZZ_BUILD    := .build-fuzz
FUZZ_BIN      := $(FUZZ_BUILD)/debug
FUZZ_SECONDS  ?= 600
fuzz: deps
	$(SWIFT) build --package-path Fuzz --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
	@echo "harnesses in $(FUZZ_BIN)/: $(FUZZ_TARGETS)"

## fuzz-run: each harness FUZZ_SECONDS on its corpus (Fuzz/Corpus/<target>, seeded from Samples/); crashes go to Fuzz/Findings/.
fuzz-run: fuzz
	@scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## fuzz-smoke: every harness for 60 s in total (15 s each), failing on any crash, leak or hang.
fuzz-smoke: fuzz
	@scripts/fuzz.sh $(FUZZ_BIN) 15 $(FUZZ_TARGETS)

## test-asan / test-tsan: the whole test suite under AddressSanitizer / ThreadSanitizer (own build folders).
test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan $(BUILD_FLAGS)
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan $(BUILD_FLAGS)

# The render worker forks only when it is the process's one running thread; ThreadSanitizer's runtime keeps a
# thread of its own, so the suites that need worker processes run under ASan and `make test`, not here.
TSAN_SKIP := --skip RenderWorkerPoolTests --skip ParallelRenderTests --skip SnapshotTestCommandTests --skip longNCCOsRenderInWorkerProcesses
test-tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan $(BUILD_FLAGS)
	TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/scripts/tsan-suppressions.txt" $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan $(TSAN_SKIP) $(BUILD_FLAGS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan out bench-out
