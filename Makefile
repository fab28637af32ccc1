# CanCuoc: the two set-up commands are `make run` and `make test`.
DB ?= ./data/cancuoc.sqlite
DEMO_PEOPLE ?= 100000
HOST ?= 127.0.0.1
PORT ?= 8080
# Demo only: the passphrase of the demo card PKI in ./data/pki (production keeps its own out of any file).
DEMO_PKI_PASSPHRASE ?= CanCuoc-demo-pki-2026

.PHONY: run test deps build test-swift test-ha test-e2e test-peer bench clean

## Build, create ./data/cancuoc.sqlite with the demo province if it is missing, serve the console.
run: build
	@if [ ! -f "$(DB)" ]; then \
	  echo "Creating $(DB) with a synthetic Thanh Hóa of $(DEMO_PEOPLE) residents (DEMO_PEOPLE=3700000 for the whole province)"; \
	  .build/release/cancuoc seed --province 38 --people $(DEMO_PEOPLE) --db "$(DB)"; \
	fi
	@if [ ! -d ./data/pki ]; then \
	  echo "Creating the demo card PKI in ./data/pki (CSCA and Document Signer)"; \
	  CANCUOC_PKI_PASSPHRASE="$(DEMO_PKI_PASSPHRASE)" .build/release/cancuoc pki init --pki ./data/pki; \
	fi
	@echo "Console: http://localhost:$(PORT)  (sign in with one of the demo accounts below)"
	CANCUOC_PKI_PASSPHRASE="$(DEMO_PKI_PASSPHRASE)" .build/release/cancuoc serve --db "$(DB)" --host $(HOST) --port $(PORT) --demo-accounts \
	  --pki ./data/pki --batches ./data/batches

## Everything, from a fresh Debian machine with the Swift toolchain.
test: deps test-swift test-ha test-e2e test-peer

deps:
	@scripts/install-deps.sh

build:
	@WITH_BROWSER=0 scripts/install-deps.sh
	swift build -c release --product cancuoc

test-swift:
	swift build --build-tests
	scripts/with-postgres.sh swift test --skip-build

## PostgreSQL system tests: failover to a synchronous standby, two servers on one database.
test-ha:
	swift build --product cancuoc
	.venv/bin/pytest -q ha

test-e2e:
	swift build --product cancuoc
	scripts/e2e.sh

## Cards made by `cancuoc card issue` read back by independent implementations (cryptography, asn1crypto, zxing-cpp, mrz).
test-peer:
	swift build --product cancuoc
	.venv/bin/pytest -q peer

## Speed and memory figures (release build), printed as a markdown table.
bench:
	@WITH_BROWSER=0 WITH_BENCH=1 scripts/install-deps.sh
	swift build -c release --product cancuoc
	scripts/bench.sh

clean:
	rm -rf .build .venv
