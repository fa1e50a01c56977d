"""Shared fixtures. The shared corpus is ingested once per test session into a temporary store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config import Settings, configure_offline

configure_offline()  # an entry point: before anything loads a model, Chroma or Streamlit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEMO = ROOT / "demo_reports"


def corpus_or_skip() -> Path:
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_or_skip()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, corpus):
    """A store holding every shared report and the seed excerpt."""
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    store = LibraryStore(Settings(store_dir=tmp_path_factory.mktemp("corpus-store")))
    summary = ingest_paths([corpus / "reports", corpus / "seed"], store)
    assert not summary.failed, summary.lines()
    return store


@pytest.fixture(scope="session")
def corpus_assistant(corpus_store):
    from assistant.chain import Assistant

    return Assistant(corpus_store)


@pytest.fixture(scope="session")
def facts(corpus) -> dict[str, dict]:
    """Per-report facts files ({slug}.json); facts/site-text.json (a list, for the page layout) is read
    by the tests of that layout."""
    loaded = [json.loads(p.read_text()) for p in sorted((corpus / "facts").glob("*.json"))]
    return {f["authority"]: f for f in loaded if isinstance(f, dict)}


@pytest.fixture()
def empty_store(tmp_path):
    from vectorstore.store import LibraryStore

    return LibraryStore(Settings(store_dir=tmp_path / "store"))
