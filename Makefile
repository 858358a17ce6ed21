# The two commands a new machine needs are `make run` and `make test`; everything else is a step of theirs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
NPM     ?= npm
BIN     := bin/yqyb
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X yqyb/internal/platform/buildinfo.Version=$(VERSION)
ADDR    ?= 127.0.0.1:8080
# make run keeps its data here (SQLite database, generated secret, uploaded files).
DATA    ?= data

# In CI a missing PostgreSQL or browser fails the run instead of skipping the tests that need it.
ifeq ($(CI),true)
export YQYB_REQUIRE_PG := 1
export YQYB_REQUIRE_BROWSERS := 1
endif

GO_SOURCES := $(shell find api cmd internal pkg -name '*.go' -not -path '*/node_modules/*') go.mod go.sum $(wildcard internal/platform/database/migrations/*.sql)
FE_SOURCES := $(shell find frontend/src frontend/index.html frontend/public frontend/sw frontend/scripts/pwa.mjs frontend/vite.config.* frontend/tsconfig*.json frontend/package.json -type f 2>/dev/null)

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

.PHONY: run
run: build ## build everything, migrate, load demo data if empty, serve on http://127.0.0.1:8080
	YQYB_DATA_DIR=$(DATA) ./$(BIN) migrate up
	YQYB_DATA_DIR=$(DATA) ./$(BIN) seed --if-empty --history
	YQYB_DATA_DIR=$(DATA) ./$(BIN) serve --addr $(ADDR)

.PHONY: build
build: $(BIN) ## build the SPA and the binary that embeds it

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FE_SOURCES)
	cd frontend && $(NPM) run build

# The binary embeds internal/webui/dist; copy the fresh build there (keeping the committed .keep), without
# the build manifest (.vite/, read by the size budget test only).
$(BIN): $(GO_SOURCES) frontend/dist/index.html
	find internal/webui/dist -mindepth 1 -not -name .keep -delete
	cp -R frontend/dist/. internal/webui/dist/
	rm -rf internal/webui/dist/.vite
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/yqyb

.PHONY: test
test: test-go test-contract test-frontend test-e2e ## every test: Go (PostgreSQL), contract drift, frontend unit, browsers

.PHONY: test-go
test-go: ## Go unit and integration tests (PostgreSQL via YQYB_TEST_DATABASE_URL), go vet and the dberrcheck static check
	$(GO) vet ./...
	$(GO) build -o bin/dberrcheck ./internal/tools/dberrcheck/vettool
	$(GO) vet -vettool=$(CURDIR)/bin/dberrcheck ./...
	$(GO) test -count=1 -timeout 30m ./...

.PHONY: test-contract
test-contract: frontend/node_modules/.installed ## fail when openapi.yaml or the typed client drifted from the code, or the contract linter (Spectral) finds an error
	$(GO) run ./cmd/yqyb openapi --check
	cd frontend && $(NPM) run --silent check:api
	cd frontend && $(NPM) run --silent lint:api
	$(GO) generate ./internal/tools/apiclient
	git diff --quiet -- internal/tools/apiclient || { echo "internal/tools/apiclient differed from openapi.yaml (now regenerated): commit it"; exit 1; }

.PHONY: test-frontend
test-frontend: frontend/node_modules/.installed ## frontend type check and unit tests (Vitest)
	cd frontend && $(NPM) run --silent typecheck && $(NPM) run --silent test:unit

.PHONY: test-e2e
test-e2e: build ## browser tests: the real binary on a temporary SQLite database, Chromium and Firefox ESR
	cd frontend && YQYB_BIN=$(CURDIR)/$(BIN) $(NPM) run --silent test:e2e

.PHONY: openapi
openapi: frontend/node_modules/.installed ## regenerate openapi.yaml, the typed SPA client and the generated Go client from the annotations
	$(GO) run ./cmd/yqyb openapi
	cd frontend && $(NPM) run --silent gen:api
	$(GO) generate ./internal/tools/apiclient

# The spreadsheet targets take whole .xlsx files: minimizing each new interesting input for the default 60s
# would eat the whole run, so they minimize for a second. The importers need PostgreSQL (they skip without).
.PHONY: fuzz
fuzz: ## run each fuzz target for a while (FUZZTIME=30s)
	$(GO) test ./pkg/uscc -run '^$$' -fuzz FuzzValidate -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./pkg/mobile -run '^$$' -fuzz FuzzNormalize -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./internal/platform/sheet -run '^$$' -fuzz FuzzSheetRead -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 1s
	$(GO) test ./internal/standard -run '^$$' -fuzz FuzzChecklistImport -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 1s
	$(GO) test ./internal/enterprise -run '^$$' -fuzz FuzzEnterpriseImport -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 1s

.PHONY: fmt
fmt: ## format Go code
	gofmt -w api cmd internal pkg

.PHONY: clean
clean: ## remove build output (not the data directory)
	rm -rf bin frontend/dist frontend/node_modules/.installed
	find internal/webui/dist -mindepth 1 -not -name .keep -delete

# Load scenario (issue 8): the built binary on loopback against a fresh PostgreSQL database
# (yqyb_bench_load, dropped and recreated; YQYB_LOAD_PG picks the server), vegeta at 64 connections per
# endpoint, and pgbench's select-only rate on the same machine as the ceiling. Prints the table, with the CPU
# one request cost in the server, PostgreSQL and the client. YQYB_LOAD_PROFILE=DIR keeps a CPU profile per
# endpoint; YQYB_LOAD_ONLY=REGEXP runs some endpoints only.
.PHONY: bench
bench: build ## load scenario against PostgreSQL (vegeta) with the pgbench ceiling
	YQYB_LOAD=1 $(GO) test -count=1 -run TestLoadScenario -v -timeout 20m ./internal/suites/loadtest/

# City-scale statistics benchmarks (issue 7): a database on the local PostgreSQL, generated once (about
# 10 GB; it is kept for the next run — drop it with `dropdb yqyb_bench_city`), then the benchmarks of
# internal/stats against it, after the sizes of the inspection and hazard tables (internal/tools/generate/sizes.sql).
# BENCH_GENERATE_FLAGS sizes the data set, e.g. --scale 0.1.
BENCH_PG             ?= postgres://postgres@127.0.0.1:5432
BENCH_DB             ?= yqyb_bench_city
BENCH_URL            := $(BENCH_PG)/$(BENCH_DB)?sslmode=disable
BENCH_GENERATE_FLAGS ?=

.PHONY: bench-stats
bench-stats: ## city-scale statistics benchmarks on a generated database (PostgreSQL; needs psql, ~10 GB, ~15 min the first time)
	$(GO) build -o bin/yqyb-bench ./cmd/yqyb
	psql "$(BENCH_PG)/postgres?sslmode=disable" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
		|| psql "$(BENCH_PG)/postgres?sslmode=disable" -c 'CREATE DATABASE $(BENCH_DB)'
	DATABASE_URL='$(BENCH_URL)' YQYB_DATA_DIR=bin/bench-data ./bin/yqyb-bench migrate up
	DATABASE_URL='$(BENCH_URL)' YQYB_DATA_DIR=bin/bench-data ./bin/yqyb-bench generate --if-empty $(BENCH_GENERATE_FLAGS)
	psql '$(BENCH_URL)' -X -q -v ON_ERROR_STOP=1 -f internal/tools/generate/sizes.sql
	YQYB_BENCH_DATABASE_URL='$(BENCH_URL)' $(GO) test -count=1 -timeout 60m -run '^$$' -bench . -benchtime 10x ./internal/stats/
