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


# -- the shared database: SQLite and a real PostgreSQL -------------------------------------------
@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server for the data-layer tests: the one `make test-server` started
    (CQC_TEST_DATABASE_URL), else a throw-away cluster of Debian's package started here by
    .ci/postgres.sh and stopped at the end. Skipped where PostgreSQL is not installed, unless
    CQC_SERVER_REQUIRED=1 (make test-server), where that fails."""
    import glob
    import os
    import socket
    import subprocess

    given = os.environ.get("CQC_TEST_DATABASE_URL", "")
    if given:
        yield given
        return
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        message = "PostgreSQL is not installed (apt-get install postgresql; make test-server does)"
        if os.environ.get("CQC_SERVER_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Not under pytest's tmp (mode 700 to root): as root the server runs as the postgres user, who must reach it.
    folder = ROOT / "build" / f"postgres-tests-{os.getpid()}"
    script = str(ROOT / ".ci" / "postgres.sh")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = subprocess.run(["bash", script, "start", str(folder), str(port)], capture_output=True, text=True)
    assert started.returncode == 0, f"PostgreSQL did not start:\n{started.stdout}{started.stderr}"
    try:
        yield (folder / "url").read_text().strip()
    finally:
        subprocess.run(["bash", script, "stop", str(folder)], check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A new, empty database of each kind: SQLite in a file, PostgreSQL with every table dropped."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    from sqlalchemy import create_engine

    from database.schema import metadata

    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return url


@pytest.fixture()
def database(database_url):
    from database import Database

    db = Database(database_url)
    yield db
    db.close()
