# Two entry points, both doing their own set-up on a fresh machine:
#   make run   - environment, demo reports (when the library is empty), the app on 127.0.0.1:8501
#   make test  - environment, the test suite, then the eval on ../shared/corpus against its floors
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/corpus
PORT ?= 8501
EVAL_STORE := build/eval-store

.PHONY: venv run test eval eval-baseline clean

# torch first and pinned: pip takes the CPU build from this machine's disk; unpinned, a package
# asking for torch pulls a multi-GB CUDA build.
$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

run: venv
	$(BIN)/python -m ingest --if-empty demo_reports
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: venv
	$(BIN)/python -m pytest
	$(MAKE) eval

# Retrieval and answer quality on the shared gold questions; fails below tests/eval_floors.json.
eval: venv
	rm -rf $(EVAL_STORE)
	$(BIN)/python -m ingest --store $(EVAL_STORE) $(SHARED)/reports $(SHARED)/seed
	$(BIN)/python -m assistant eval --store $(EVAL_STORE) --baseline --floors tests/eval_floors.json $(SHARED)/qa/*.jsonl

clean:
	rm -rf build data $(VENV)
