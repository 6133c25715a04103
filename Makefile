# JudgeLab: `make demo` runs the main job on built-in data; `make test` runs the tests.
# Each target first makes sure the C libraries JudgeLab links are installed.

SWIFT ?= swift
APT_PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev pkg-config libxml2-utils
BIN := .build/debug/judgelab

.PHONY: all deps build test demo clean

all: build

# Installs missing system packages with apt-get when run as root; otherwise prints the command.
deps:
	@if command -v dpkg >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "Installing:$$missing"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	      echo "JudgeLab needs these packages:$$missing"; \
	      echo "Run: sudo apt-get install -y$$missing"; \
	      exit 1; \
	    fi; \
	  fi; \
	elif ! pkg-config --exists libcurl libxml-2.0 sqlite3 2>/dev/null; then \
	  echo "JudgeLab needs libcurl, libxml2, SQLite and pkg-config (with their development headers)."; exit 1; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# The main job on built-in data: recorded real judges and baselines, offline, with reports.
demo: build
	$(BIN) demo

clean:
	rm -rf .build
