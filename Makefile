# scanguard build and test entry points. `make demo` and `make test` are the
# two commands of the README.

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
BIN := bin/scanguard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
SAMPLE := testdata/lab/masscan_small.pcap

.PHONY: all build build-dpdk demo deps test test-unit test-dpdk lab bench clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/scanguard

# The DPDK data plane needs Debian's libdpdk-dev (pkg-config libdpdk).
build-dpdk:
	$(GO) build -tags dpdk -ldflags '$(LDFLAGS)' -o $(BIN)-dpdk ./cmd/scanguard

# The main job: find the scanner in a real capture made by the lab.
demo: build
	$(BIN) analyze $(SAMPLE)

deps:
	scripts/install-deps.sh

# Every test: unit tests, the DPDK layer, the corpus and the live lab.
# Tests that need root, DPDK or namespaces run here; CI runs as root.
test: deps
	$(GO) vet ./...
	$(GO) vet -tags dpdk ./...
	$(GO) test -count=1 -timeout 40m ./...
	$(GO) test -count=1 -timeout 20m -tags dpdk ./dpdk/... ./cmd/... ./engine/...

test-unit:
	$(GO) test ./...

lab: build
	scripts/lab.sh capture out/lab

bench: build
	$(BIN) bench

clean:
	rm -rf bin out
