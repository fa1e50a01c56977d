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


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "real_model: in a module that uses the fake embedder, this test needs the real model")


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
    """An empty store with the real model (for tests of retrieval and answers)."""
    from vectorstore.store import LibraryStore

    return LibraryStore(Settings(store_dir=tmp_path / "store"))


# -- the fake embedder: for tests of mechanics, where the model is incidental ---------------------
@pytest.fixture(scope="session")
def fake_model(tmp_path_factory) -> Path:
    from tests.fake_embedder import fake_model_folder

    return fake_model_folder(tmp_path_factory.mktemp("fake-model"))


@pytest.fixture()
def fake_embedder(request, fake_model):
    """For one test: every store it opens embeds with the fake (tests/fake_embedder.py); loading the
    real model fails the test. A test marked `real_model` (in a module that uses the fake for its
    other tests) is left with the real model."""
    from tests.fake_embedder import using_fake_embedder

    if request.node.get_closest_marker("real_model"):
        yield None
        return
    with using_fake_embedder(fake_model) as embedder:
        yield embedder


@pytest.fixture(scope="module")
def fake_embedder_module(fake_model):
    """The same for a whole module, so its module-scoped stores are the fake's too."""
    from tests.fake_embedder import using_fake_embedder

    with using_fake_embedder(fake_model) as embedder:
        yield embedder


@pytest.fixture()
def fake_store(fake_embedder, tmp_path):
    """An empty store embedding with the fake: no model is loaded."""
    from vectorstore.store import LibraryStore

    return LibraryStore(Settings(store_dir=tmp_path / "store"))
