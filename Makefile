# Two entry points, both doing their own set-up on a fresh machine:
#   make run   - environment, demo reports (when the library is empty), the app on 127.0.0.1:8501
#   make test  - environment, the test suite, then the eval on ../shared/corpus against its floors
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/corpus
PORT ?= 8501
EVAL_STORE := build/eval-store
# The per-report facts files (their `metrics` are the gold for figures read as data)
MEASURE_FACTS = $(filter-out %/site-text.json,$(wildcard $(SHARED)/facts/*.json))
# Ranking questions written from those facts: every council's figure right, in order, and cited
RANKING_GOLD = eval/gold/ranking-questions.jsonl

.PHONY: venv lock run test test-server test-browser eval eval-national eval-model eval-baseline bench bench-quick clean

# Every package, direct and transitive, comes from requirements.lock: exact versions and sha256
# hashes (pip refuses anything else), so one commit installs one set of packages on every machine.
# torch is locked to its CPU build (2.13.0+cpu): pip takes it from this machine's disk; elsewhere
# give PyTorch's CPU index, `make venv TORCH_INDEX=https://download.pytorch.org/whl/cpu`. Without it
# pip stops with "No matching distribution found for torch==2.13.0+cpu" (PyPI has no CPU build),
# never pulling the multi-GB CUDA one: its hash is not in the lock.
# The project itself goes in last, editable and with --no-deps: the lock already holds what it needs.
TORCH_INDEX ?=
PIP_LOCKED := $(BIN)/pip install -q --require-hashes $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(PIP_LOCKED) -r requirements.lock
	$(BIN)/pip check
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

# Regenerate requirements.lock from pyproject.toml (the dev extra and the build backend included;
# torch held to the CPU build by lock-constraints.txt). Run it when pyproject.toml's dependencies
# change or to move to newer releases on purpose; then `make test`, and put the eval tables from
# before and after in the commit message. pip-tools runs in a venv of its own under build/.
LOCK_TOOLS := build/lock-tools
lock:
	$(PY) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install -q pip-tools==7.7.0
	$(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps --extra dev \
		--strip-extras --no-emit-index-url --no-emit-find-links --newline LF \
		--constraint lock-constraints.txt --output-file requirements.lock pyproject.toml
	@echo "requirements.lock written; now: make test (and compare the eval tables)"

venv: $(BIN)/.installed

run: venv
	$(BIN)/python -m ingest --if-empty demo_reports
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: venv
	$(BIN)/python -m pytest --ignore=tests/e2e
	$(MAKE) test-server
	$(MAKE) test-browser
	$(MAKE) eval

# The real servers a team runs: `chroma run` and PostgreSQL (Debian's package, installed by
# .ci/postgres.sh when missing; a throw-away cluster in build/postgres, run as the postgres user
# when we are root), each on a free local port. Then the store, shared-library and end-to-end
# tests against Chroma (CQC_CHROMA_HOST/PORT), and the data-layer and team tests against
# PostgreSQL as well as SQLite (CQC_TEST_DATABASE_URL). Both servers are stopped whatever the outcome.
CHROMA_SERVER_DIR := build/chroma-server
POSTGRES_DIR := build/postgres
FREE_PORT := import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])
HEARTBEAT := import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/api/v2/heartbeat" % sys.argv[1], timeout=2)
SERVER_TESTS := tests/test_store.py tests/test_reliability_server.py tests/test_database.py tests/test_team.py
test-server: venv
	rm -rf $(CHROMA_SERVER_DIR) && mkdir -p $(CHROMA_SERVER_DIR)
	@port=$$($(BIN)/python -c '$(FREE_PORT)'); pgport=$$($(BIN)/python -c '$(FREE_PORT)'); \
	$(BIN)/chroma run --path $(CHROMA_SERVER_DIR)/data --host 127.0.0.1 --port $$port > $(CHROMA_SERVER_DIR)/server.log 2>&1 & \
	pid=$$!; trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; bash .ci/postgres.sh stop $(POSTGRES_DIR)' EXIT; \
	bash .ci/postgres.sh start $(POSTGRES_DIR) $$pgport || exit 1; \
	for i in $$(seq 1 200); do \
		$(BIN)/python -c '$(HEARTBEAT)' $$port 2>/dev/null && break; \
		kill -0 $$pid 2>/dev/null || { echo "chroma run exited:"; cat $(CHROMA_SERVER_DIR)/server.log; exit 1; }; \
		sleep 0.3; \
	done; \
	echo "Chroma server on 127.0.0.1:$$port (pid $$pid)"; \
	CQC_CHROMA_HOST=127.0.0.1 CQC_CHROMA_PORT=$$port CQC_TEST_DATABASE_URL=$$(cat $(POSTGRES_DIR)/url) \
		CQC_SERVER_REQUIRED=1 $(BIN)/python -m pytest $(SERVER_TESTS)

# The app in real headless Chromium (Debian's chromium + chromedriver, installed by
# .ci/browser-deps.sh when missing): ask, source cards, compare, heatmap, draft actions, and a
# hostile report that must neither run nor load anything. Screenshots go to screenshots/.
test-browser: venv
	bash .ci/browser-deps.sh
	CQC_E2E_REQUIRED=1 $(BIN)/python -m pytest tests/e2e

# Retrieval and answer quality on the shared gold questions, in three libraries, each against its
# floors in tests/eval_floors.json: the reports as PDF and saved pages (reports/), the same reports as
# the regulator's web pages read as text, one file per page (site-text/), and both together (each
# report kept in two layouts: answers must not double); and our own gold for the questions staff ask
# (eval/gold: first person, scores as data, summaries, good practice, multi-part, absent councils).
# In the three corpus libraries also the figures read as data: each report's records against the
# `metrics` of its facts file, and the reader on the labelled sentences (tests/data/measure_sentences.txt);
# and the ranking questions (eval/gold/ranking-questions.jsonl), each row checked and its citation.
eval: venv
	rm -rf $(EVAL_STORE)
	@status=0; \
	$(BIN)/python -m ingest --store $(EVAL_STORE)/reports $(SHARED)/reports $(SHARED)/seed || status=1; \
	$(BIN)/python -m assistant eval --store $(EVAL_STORE)/reports --baseline --floors tests/eval_floors.json \
		--library reports --measure-facts $(MEASURE_FACTS) --rankings $(RANKING_GOLD) -- $(SHARED)/qa/*.jsonl || status=1; \
	$(BIN)/python -m assistant eval --store $(EVAL_STORE)/reports --baseline --floors tests/eval_floors.json \
		--library staff eval/gold/staff-questions.jsonl || status=1; \
	$(BIN)/python -m ingest --store $(EVAL_STORE)/site-text $(SHARED)/site-text || status=1; \
	$(BIN)/python -m assistant eval --store $(EVAL_STORE)/site-text --baseline --floors tests/eval_floors.json \
		--library site-text --facts $(SHARED)/facts/site-text.json --measure-facts $(MEASURE_FACTS) \
		--rankings $(RANKING_GOLD) -- \
		$(SHARED)/qa-site-text/*.jsonl || status=1; \
	$(BIN)/python -m ingest --store $(EVAL_STORE)/both $(SHARED)/reports $(SHARED)/site-text || status=1; \
	$(BIN)/python -m assistant eval --store $(EVAL_STORE)/both --baseline --floors tests/eval_floors.json \
		--library both --facts $(SHARED)/facts/site-text.json --measure-facts $(MEASURE_FACTS) \
		--rankings $(RANKING_GOLD) -- \
		$(SHARED)/qa-site-text/*.jsonl || status=1; \
	exit $$status

# The same evals at national size (issue 26): each library of `make eval` (less the staff gold, whose
# questions across the library are about its four reports) twice, alone and among NATIONAL_SYNTHETIC
# synthetic reports (bench/synthetic.py: the shared reports re-issued under made-up authorities,
# figures varied), questions that select no authority asked with the gold's own selected in both.
# Exits 1 when a floor is missed or a metric moves by more than 0.01 between the two. The synthetic
# reports are ingested once and copied into each national library. About 25 minutes on 2 cores;
# not part of `make test`.
NATIONAL_DIR := build/eval-national
NATIONAL_SYNTHETIC ?= 146
NATIONAL_EVAL = $(BIN)/python -m assistant eval --among-gold --floors tests/eval_floors.json
eval-national: venv
	rm -rf $(NATIONAL_DIR) && mkdir -p $(NATIONAL_DIR)
	$(BIN)/python -m bench.synthetic --corpus $(SHARED)/reports --reports $(NATIONAL_SYNTHETIC) --out $(NATIONAL_DIR)/synthetic
	$(BIN)/python -m ingest --store $(NATIONAL_DIR)/synthetic-store $(NATIONAL_DIR)/synthetic > $(NATIONAL_DIR)/synthetic-ingest.log 2>&1 \
		|| { tail -20 $(NATIONAL_DIR)/synthetic-ingest.log; exit 1; }
	@status=0; \
	for lib in reports site-text both; do \
		case $$lib in \
			reports) files="$(SHARED)/reports $(SHARED)/seed"; gold="$(SHARED)/qa/*.jsonl"; facts="";; \
			site-text) files="$(SHARED)/site-text"; gold="$(SHARED)/qa-site-text/*.jsonl"; facts="--facts $(SHARED)/facts/site-text.json";; \
			both) files="$(SHARED)/reports $(SHARED)/site-text"; gold="$(SHARED)/qa-site-text/*.jsonl"; facts="--facts $(SHARED)/facts/site-text.json";; \
		esac; \
		echo "== $$lib: the shared reports alone"; \
		$(BIN)/python -m ingest --store $(NATIONAL_DIR)/small-$$lib $$files > $(NATIONAL_DIR)/small-$$lib.log 2>&1 || status=1; \
		$(NATIONAL_EVAL) --store $(NATIONAL_DIR)/small-$$lib --library $$lib $$facts \
			--save $(NATIONAL_DIR)/small-$$lib.json $$gold || status=1; \
		echo "== $$lib: the shared reports among $(NATIONAL_SYNTHETIC) synthetic ones"; \
		cp -a $(NATIONAL_DIR)/synthetic-store $(NATIONAL_DIR)/national-$$lib; \
		cp -a $(NATIONAL_DIR)/synthetic-store.sqlite3 $(NATIONAL_DIR)/national-$$lib.sqlite3; \
		$(BIN)/python -m ingest --store $(NATIONAL_DIR)/national-$$lib $$files > $(NATIONAL_DIR)/national-$$lib.log 2>&1 || status=1; \
		$(NATIONAL_EVAL) --store $(NATIONAL_DIR)/national-$$lib --library $$lib $$facts \
			--same-as $(NATIONAL_DIR)/small-$$lib.json $$gold || status=1; \
	done; \
	exit $$status

# The configured chat model (CQC_ANSWERER=local|openai and its settings) beside the quoted answers on a
# fixed, stratified sample of the gold: the same table for each, what only a model gets wrong, seconds
# to first word and per answer (README "Answers written by a language model"). Exits 1 when a target
# is not met. The local 1.5B model takes about a minute a question on 2 cores. Not part of `make test`.
EVAL_MODEL_DIR := build/eval-model
eval-model: venv
	rm -rf $(EVAL_MODEL_DIR)/store $(EVAL_MODEL_DIR)/store.sqlite3* $(EVAL_MODEL_DIR)/store.library.lock
	$(BIN)/python -m ingest --store $(EVAL_MODEL_DIR)/store $(SHARED)/reports $(SHARED)/seed
	$(BIN)/python -m evaluation.model_eval --store $(EVAL_MODEL_DIR)/store --out $(EVAL_MODEL_DIR) $(SHARED)/qa/*.jsonl

# Speed on a synthetic national set beside a plain LangChain pipeline (README "Benchmark"): 150
# reports beside the plain pipeline, then the library grown to 1,500 reports (or as many as 45
# minutes of ingest reach, said so) with the per-stage profile of each kind of question; about 80
# minutes on a quiet 2-core machine. The last run's numbers are printed beside this run's.
# make bench-quick: 20 and 60 reports, a few minutes. Options: make bench BENCH_ARGS="--large-minutes 20".
bench: venv
	$(BIN)/python -m bench --corpus $(SHARED)/reports $(BENCH_ARGS)

bench-quick: venv
	$(BIN)/python -m bench --corpus $(SHARED)/reports --quick --work build/bench-quick $(BENCH_ARGS)

clean:
	rm -rf build data $(VENV)
