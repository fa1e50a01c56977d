"""No silent degradation, no hazard (issue 16, item 9).

- A library whose vectors are gone (its chroma folder deleted, or part of its collection lost)
  says so, with the repair command, instead of answering from keywords alone; the repair works.
- `--rebuild` under a model that cannot be loaded checks the model first and changes nothing.
- Ingesting with another embedding backend into a library embedded with int8 is refused with the
  fix, and writes nothing.
Before, the first answered keyword-only without a word, the second emptied the store and then
crashed, the third was accepted silently (and stored no sentence vectors).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from config import Settings, get_settings, packaged_model_path

from streamlit.testing.v1 import AppTest

from assistant.chain import Assistant
from cqc.records import SearchFilter
from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from vectorstore import keyword_index
from vectorstore.store import LibraryStore, StoreError

QUESTION = "How many people were waiting for a Care Act assessment in Fenmarsh?"


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **env))


@pytest.fixture()
def built(tmp_path):
    folder = tmp_path / "store"
    store = LibraryStore(Settings(store_dir=folder))
    (entry,) = ingest_paths([DEMO / "fenmarsh.md"], store).reports
    store.close()
    return folder, entry.chunks


def lose_vectors(folder, how: str) -> int:
    """Damage the vector index as a user or a disk might; returns how many vectors are left."""
    if how == "folder deleted":
        shutil.rmtree(folder / "chroma")
        return 0
    store = LibraryStore(Settings(store_dir=folder))
    ids = sorted(store.vector_ids())
    store.collection.delete(ids=ids[: len(ids) // 2])
    left = store.vector_count()
    store.close()
    return left


def refused_with_the_repair_command(folder, left: int, chunks: int, ask) -> None:
    with pytest.raises(StoreError) as caught:
        ask()
    message = str(caught.value)
    assert f"holds {left} of the {chunks} findings" in message and "keyword" in message
    assert f"python -m ingest --repair --store {folder}" in message


def repair_then_answer(folder, missing: int) -> None:
    asked = cli("assistant", "ask", "--store", str(folder), QUESTION)
    assert asked.returncode == 2 and "Traceback" not in asked.stderr and "--repair" in asked.stderr, asked.stderr
    repaired = cli("ingest", "--repair", "--store", str(folder))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert f"{missing} missing vector(s) embedded again" in repaired.stdout
    asked = cli("assistant", "ask", "--store", str(folder), QUESTION)
    assert asked.returncode == 0 and "1,274" in asked.stdout


def test_a_deleted_vector_folder_is_said_with_the_repair_command_and_the_repair_works(built):
    folder, chunks = built
    lose_vectors(folder, "folder deleted")
    store = LibraryStore(Settings(store_dir=folder))
    refused_with_the_repair_command(folder, 0, chunks, lambda: Assistant(store).ask(QUESTION))
    store.close()
    repair_then_answer(folder, chunks)


def test_a_collection_that_lost_vectors_is_said_by_every_search_that_would_use_them(built, monkeypatch):
    """Each search checks the vectors it uses. The exact search holds its own copy of every
    finding's vector (`vectorstore.keyword_index`): while that copy is whole its answers are the
    library's, so they are given. Chroma's graph (a search over more findings than the exact one
    takes) holds only half: it refuses. Once the copy is made again from the damaged collection it
    lacks the same vectors, and the question is refused too, until the repair."""
    folder, chunks = built
    left = lose_vectors(folder, "half the collection lost")
    store = LibraryStore(Settings(store_dir=folder))
    assert "1,274" in Assistant(store).ask(QUESTION).answer
    vector = store.embeddings.embed_query(QUESTION)
    with monkeypatch.context() as larger:
        larger.setattr(keyword_index, "EXACT_LIMIT", chunks - 1)  # as in a library too large to search exactly
        refused_with_the_repair_command(folder, left, chunks, lambda: store.dense_search(vector, 10, SearchFilter()))
    store.close()

    shutil.rmtree(folder / "bm25")  # the copy is made again, from what the collection holds now
    store = LibraryStore(Settings(store_dir=folder))
    refused_with_the_repair_command(folder, left, chunks, lambda: Assistant(store).ask(QUESTION))
    store.close()
    repair_then_answer(folder, chunks - left)


@pytest.mark.usefixtures("fake_embedder")  # app mechanics: the model is incidental
def test_the_app_says_the_vectors_are_missing_instead_of_answering(monkeypatch, built):
    folder, _ = built
    lose_vectors(folder, "folder deleted")
    monkeypatch.setenv("CQC_STORE_DIR", str(folder))
    monkeypatch.setenv("CQC_FEEDBACK_FILE", str(folder.parent / "feedback.jsonl"))
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.chat_input(key="question").set_value(QUESTION)
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "search vectors are missing" in shown and "--repair" in shown
    assert not any("1,274" in str(m.value) for m in at.markdown)  # no keyword-only answer


def test_rebuild_under_a_model_that_cannot_load_changes_nothing(built, tmp_path):
    folder, chunks = built
    broken = tmp_path / "broken-model"
    shutil.copytree(packaged_model_path(), broken)
    for weights in list(broken.glob("*.safetensors")) + list(broken.glob("*.bin")):
        weights.write_bytes(b"not a weight file")
    for model in (str(tmp_path / "no-such-model"), str(broken)):
        done = cli("ingest", "--rebuild", "--store", str(folder), CQC_EMBEDDING_MODEL=model)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-3000:]
        assert f"The embedding model at {model} cannot be used" in done.stderr and "Rebuilding" not in done.stdout
        listed = cli("assistant", "reports", "--store", str(folder), "--json")
        assert [json.loads(line)["chunks"] for line in listed.stdout.splitlines()] == [chunks]
    store = LibraryStore(Settings(store_dir=folder))
    assert store.vector_count() == chunks and "1,274" in Assistant(store).ask(QUESTION).answer
    store.close()


def test_ingesting_with_another_backend_into_an_int8_library_is_refused_with_the_fix(built, tmp_path):
    folder, chunks = built
    assert LibraryStore(Settings(store_dir=folder)).catalog.get_meta("embedding_backend") == "onnx-int8"
    newcomer = tmp_path / "kestrel.md"
    newcomer.write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace("Fenmarsh", "Kestrel"),
                        encoding="utf-8")
    done = cli("ingest", "--store", str(folder), str(newcomer), CQC_EMBEDDING_BACKEND="torch")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "embedded with the 'onnx-int8' backend" in done.stderr and "'torch'" in done.stderr
    assert "unset CQC_EMBEDDING_BACKEND" in done.stderr
    assert f"CQC_EMBEDDING_BACKEND=torch python -m ingest --rebuild --store {folder}" in done.stderr
    store = LibraryStore(Settings(store_dir=folder))
    assert [r.authority for r in store.reports()] == ["Fenmarsh County Council"]
    assert store.vector_count() == chunks
    store.close()
    # With the library's own backend the same file goes in.
    assert cli("ingest", "--store", str(folder), str(newcomer)).returncode == 0
