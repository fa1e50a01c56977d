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


# -- a national-size library: the shared reports among synthetic ones (issue 26) -------------------
NATIONAL_SIZE = 150  # reports, as many as the regulator's national set; the shared four among them
# Real councils whose names hold "and" or a comma, and a made-up one a letter from a real one
# (Bramley/Bromley): synthetic reports under these come first in the national library.
NATIONAL_NAMED = (
    "London Borough of Hammersmith and Fulham", "Brighton and Hove City Council",
    "Redcar and Cleveland Borough Council", "Bournemouth, Christchurch and Poole Council",
    "Bramley Borough Council",
)


@pytest.fixture(scope="session")
def national_reports(tmp_path_factory, corpus) -> Path:
    """The synthetic reports of the national library (bench/synthetic.py: the shared reports
    re-issued under other authorities, figures varied, as Markdown, HTML and text in turn)."""
    from bench.synthetic import build_set, load_templates

    folder = tmp_path_factory.mktemp("national-reports")
    shared = len([p for p in (corpus / "reports").iterdir()])
    build_set(load_templates(corpus / "reports"), NATIONAL_SIZE - shared - len(NATIONAL_NAMED), folder,
              names=list(NATIONAL_NAMED))
    return folder


def _fake_library(folder: Path, paths: list[Path], fake_model: Path):
    """A store of these files embedded by the fake, opened with the fake loaded: it keeps the
    fake's embedder, so it answers after the fake's patch is gone (nothing more is written to it)."""
    from library.ingesting import ingest_paths
    from tests.fake_embedder import using_fake_embedder
    from vectorstore.store import LibraryStore

    with using_fake_embedder(fake_model):
        store = LibraryStore(Settings(store_dir=folder))
        summary = ingest_paths(paths, store)
        assert not summary.failed, summary.lines()
        assert store.embeddings is not None  # loaded now, while the fake is the embedder
    return store


@pytest.fixture(scope="session")
def national_store(tmp_path_factory, corpus, national_reports, fake_model):
    """The shared reports and the seed among synthetic ones, about 150 reports, embedded by the fake
    embedder (tests/fake_embedder.py): ingesting 150 reports with the real model takes 5 to 10
    minutes on two cores, with the fake about 1.5. What these tests check is the question path
    (scope, abstention, figure kinds, names), not the model's ranking; the eval measures that at
    this size with the real model (`make eval-national`)."""
    return _fake_library(tmp_path_factory.mktemp("national-store"),
                         [national_reports, corpus / "reports", corpus / "seed"], fake_model)


@pytest.fixture(scope="session")
def small_fake_store(tmp_path_factory, corpus, fake_model):
    """The shared reports and the seed alone, embedded by the same fake: the national library's
    small twin, so a difference between their answers is the library's size, not the model."""
    return _fake_library(tmp_path_factory.mktemp("small-fake-store"), [corpus / "reports", corpus / "seed"], fake_model)


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
