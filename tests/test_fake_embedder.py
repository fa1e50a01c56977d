"""The fake embedder (tests/fake_embedder.py): deterministic, similar texts closer than unrelated
ones, the whole embedding interface, a store identity of its own, and no model loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import DEMO, ROOT
from tests.fake_embedder import FAKE_BACKEND, FAKE_DIMENSION, FAKE_MODEL_TYPE, FakeEmbedder
from vectorstore.errors import StoreVersionError
from config import Settings, packaged_model_path

TEXTS = [
    "People waited an average of 23 days for a Care Act assessment.",
    "The Care Act assessments had a waiting time averaging 23 days.",
    "The safeguarding adults board met every quarter with its partners.",
    "",
]


def test_the_same_text_gives_the_same_unit_vector():
    fake = FakeEmbedder()
    first, again = fake.embed_documents(TEXTS), FakeEmbedder().embed_documents(TEXTS)
    assert first == again
    assert fake.embed_query(TEXTS[0]) == first[0]
    matrix = np.asarray(first)
    assert matrix.shape == (len(TEXTS), FAKE_DIMENSION) == (len(TEXTS), fake.dimension())
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0)  # the empty text too


def test_the_vectors_are_the_same_in_another_process():
    """blake2b, not Python's hash(): a vector stored by one process is found by another."""
    code = ("import json, sys; from tests.fake_embedder import FakeEmbedder; "
            "print(json.dumps(FakeEmbedder().embed_documents(json.loads(sys.argv[1]))))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", code, json.dumps(TEXTS)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == FakeEmbedder().embed_documents(TEXTS)


def test_similar_texts_are_closer_than_unrelated_ones():
    fake = FakeEmbedder()
    waiting, reworded, board, _ = (np.asarray(v) for v in fake.embed_documents(TEXTS))
    assert waiting @ reworded > 0.5
    assert waiting @ reworded > waiting @ board + 0.3
    assert reworded @ reworded > waiting @ reworded  # and identical is closest


def test_sentence_vectors_are_each_span_s_own_and_an_unseen_span_is_nan():
    fake = FakeEmbedder()
    text = TEXTS[0] + " " + TEXTS[2]
    spans = [(0, len(TEXTS[0])), (len(TEXTS[0]) + 1, len(text)), None]
    vectors, (rows,) = fake.embed_with_sentences([text], [spans])
    assert fake.gives_sentence_vectors and fake.backend == FAKE_BACKEND
    assert vectors == fake.embed_documents([text])
    assert rows.shape == (3, FAKE_DIMENSION)
    assert np.allclose(rows[0], fake.embed_query(TEXTS[0])) and np.allclose(rows[1], fake.embed_query(TEXTS[2]))
    assert np.isnan(rows[2]).all()


def test_a_fake_store_records_the_fake_as_its_model_and_backend(fake_store):
    from library.ingesting import ingest_paths
    from vectorstore.model_check import model_identity

    summary = ingest_paths([DEMO / "fenmarsh.md"], fake_store)
    assert summary.ok, summary.lines()
    meta = {k: fake_store.catalog.get_meta(k) for k in
            ("embedding_model", "embedding_fingerprint", "embedding_dimension", "embedding_backend")}
    assert meta["embedding_model"] == FAKE_MODEL_TYPE and meta["embedding_backend"] == FAKE_BACKEND
    assert meta["embedding_dimension"] == str(FAKE_DIMENSION)
    assert meta["embedding_fingerprint"] != model_identity(packaged_model_path()).fingerprint
    # The sentence-vector path ran: every chunk has its sentences' vectors.
    chunks = fake_store.catalog.all_chunks()
    assert len(fake_store.sentence_vectors([c.chunk_id for c in chunks])) == len(chunks)


def test_a_fake_store_and_a_real_model_store_never_open_as_each_other(fake_model, tmp_path):
    from tests.fake_embedder import using_fake_embedder
    from vectorstore.store import LibraryStore

    with using_fake_embedder(fake_model):
        LibraryStore(Settings(store_dir=tmp_path / "fake")).close()
    # Opening a store records the model without loading it, so neither side loads a model here.
    LibraryStore(Settings(store_dir=tmp_path / "real")).close()
    with pytest.raises(StoreVersionError, match=FAKE_MODEL_TYPE):
        LibraryStore(Settings(store_dir=tmp_path / "fake"))
    with using_fake_embedder(fake_model), pytest.raises(StoreVersionError, match="all-MiniLM-L6-v2"):
        LibraryStore(Settings(store_dir=tmp_path / "real"))
    with pytest.raises(ValueError, match="not a fake embedder's folder"):
        FakeEmbedder.from_folder(packaged_model_path())


def test_ingesting_and_asking_with_the_fake_never_calls_the_real_loaders(fake_store, monkeypatch):
    from assistant.chain import Assistant
    from library.ingesting import ingest_paths
    from vectorstore import embeddings

    called: list[str] = []
    for cls in (embeddings.SentenceTransformerEmbeddings, embeddings.OnnxEmbeddings):
        monkeypatch.setattr(cls, "__init__", lambda self, *a, _n=cls.__name__, **k: called.append(_n))
    ingest_paths([DEMO / "fenmarsh.md", DEMO / "larkbridge.html"], fake_store)
    answer = Assistant(fake_store).ask("How long did people wait for a Care Act assessment in Fenmarsh?")
    assert answer.citations
    assert called == []
    assert fake_store.embeddings.backend == FAKE_BACKEND


def test_a_process_using_only_the_fake_imports_no_model_runtime(tmp_path):
    """Run apart from the suite (whose other tests load the model): ingest and ask with the fake,
    then look for the model runtimes among the imported modules."""
    code = f"""
import json, sys
from pathlib import Path
from config import Settings, configure_offline
configure_offline()
from tests.fake_embedder import fake_model_folder, using_fake_embedder
from library.ingesting import ingest_paths
from vectorstore.store import LibraryStore
from assistant.chain import Assistant
tmp = Path(sys.argv[1])
with using_fake_embedder(fake_model_folder(tmp)):
    store = LibraryStore(Settings(store_dir=tmp / "store"))
    assert ingest_paths([Path({str(DEMO / "fenmarsh.md")!r})], store).ok
    cited = len(Assistant(store).ask("What did carers say about their support in Fenmarsh?").citations)
print(json.dumps({{"cited": cited, "loaded": sorted(m for m in ("torch", "sentence_transformers", "onnxruntime")
                                                  if m in sys.modules)}}))
"""
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["cited"] > 0 and out["loaded"] == []
