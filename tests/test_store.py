"""The library: catalog facts, idempotent re-ingest, replacement of changed reports, bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.__main__ import main as assistant_main
from ingest.__main__ import main as ingest_main
from library.ingesting import ingest_paths
from tests.conftest import DEMO


def test_reports_json_gives_exact_facts_for_all_four_authorities(corpus_store, facts, capsys):
    assert assistant_main(["reports", "--store", str(corpus_store.folder), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_authority = {r["authority"]: r for r in rows}
    for authority, fact in facts.items():
        row = by_authority[authority]
        assert row["rating"] == fact["rating"]
        assert row["overall_score"] == fact["overall_score"]
        assert row["scores"] == fact["scores"]
        assert row["published"] == fact["published"]
        assert row["chunks"] > 50 and row["source"]
    seed = by_authority[""]
    assert seed["rating"] == "" and seed["overall_score"] is None


@pytest.mark.usefixtures("fake_embedder")  # store mechanics: the model is incidental
def test_ingesting_the_same_folder_twice_changes_nothing(empty_store):
    first = ingest_paths([DEMO], empty_store)
    ids = {r.report_id: empty_store.catalog.chunk_ids(r.report_id) for r in first.reports}
    count = empty_store.collection.count()
    second = ingest_paths([DEMO], empty_store)
    assert second.reports == [] and not second.failed and not second.skipped
    assert sorted(Path(f).name for f in second.unchanged) == ["fenmarsh.md", "larkbridge.html", "oakhurst.pdf"]
    assert "3 unchanged" in second.lines()[0]
    assert empty_store.collection.count() == count == first.chunks
    assert {r.report_id: empty_store.catalog.chunk_ids(r.report_id) for r in empty_store.reports()} == ids


@pytest.mark.usefixtures("fake_embedder")  # store mechanics: the model is incidental
def test_a_changed_report_replaces_its_old_chunks(empty_store, tmp_path):
    copy = tmp_path / "fenmarsh.md"
    shutil.copy(DEMO / "fenmarsh.md", copy)
    (before,) = ingest_paths([copy], empty_store).reports
    old_ids = empty_store.catalog.chunk_ids(before.report_id)
    text = copy.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if len(p) > 200 and not p.startswith(("#", "-")))
    copy.write_text(text.replace(paragraph, paragraph + " This sentence was added in a correction."), encoding="utf-8")
    (after,) = ingest_paths([copy], empty_store).reports
    new_ids = empty_store.catalog.chunk_ids(after.report_id)
    assert after.report_id == before.report_id and after.added == 1 and after.removed == 1
    assert len(new_ids) == len(old_ids) and len(new_ids - old_ids) == 1
    assert empty_store.collection.count() == len(new_ids)
    assert empty_store.keyword_search("added in a correction", 5, __import__("vectorstore.store").store.SearchFilter())


@pytest.mark.usefixtures("fake_embedder")  # store mechanics: the model is incidental
def test_bad_files_are_named_and_the_rest_still_ingest(tmp_path, capsys):
    (tmp_path / "broken.pdf").write_bytes(b"this is not a pdf at all")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    shutil.copy(DEMO / "fenmarsh.md", tmp_path / "fenmarsh.md")
    store = tmp_path / "store"
    code = ingest_main(["--store", str(store), str(tmp_path / "broken.pdf"), str(tmp_path / "empty.txt"),
                        str(tmp_path / "fenmarsh.md"), str(tmp_path / "missing.html"), str(tmp_path / "notes.docx")])
    out = capsys.readouterr().out
    assert code == 1
    assert "Fenmarsh County Council" in out and "Ingested 1 report(s)" in out
    for name, why in (("broken.pdf", "not a PDF"), ("empty.txt", "empty"), ("missing.html", "no such file"),
                      ("notes.docx", "unsupported file type")):
        assert any(name in line and why in line for line in out.splitlines()), (name, out)


@pytest.mark.usefixtures("fake_embedder")  # store mechanics: the model is incidental
def test_a_text_already_embedded_reuses_its_stored_vector(empty_store, tmp_path):
    import numpy as np

    old = (DEMO / "fenmarsh.md").read_text(encoding="utf-8")
    newer = old.replace("Published: 4 September 2024", "Published: 4 March 2025")
    assert newer != old
    (tmp_path / "fenmarsh-2024.md").write_text(old, encoding="utf-8")
    (tmp_path / "fenmarsh-2025.md").write_text(newer, encoding="utf-8")
    first = ingest_paths([tmp_path / "fenmarsh-2024.md", DEMO / "larkbridge.html"], empty_store)
    second = ingest_paths([tmp_path / "fenmarsh-2025.md"], empty_store)
    assert not first.failed and not second.failed
    assert first.reports[1].embedded == first.reports[1].added  # two authorities share no embedded text
    # The newer report's paragraphs are unchanged: every vector is reused, none embedded again.
    assert second.reports[0].added == second.reports[0].chunks > 50
    assert second.reports[0].embedded == 0
    assert "reusing a stored vector" in second.lines()[0]
    # ...and a reused vector is the one the model gives for that text.
    newest = [c for c in empty_store.catalog.all_chunks() if c.published == "2025-03-04"][:5]
    got = empty_store.collection.get(ids=[c.chunk_id for c in newest], include=["embeddings"])
    text = {c.chunk_id: c.embed_text for c in newest}
    fresh = empty_store.embeddings.embed_documents([text[cid] for cid in got["ids"]])
    assert np.allclose(np.asarray(got["embeddings"]), np.asarray(fresh), atol=1e-5)


@pytest.mark.usefixtures("fake_embedder")  # store mechanics: the model is incidental
def test_ingest_stores_each_answer_sentence_vector_and_questions_use_them(empty_store):
    import numpy as np

    from assistant.chain import Assistant
    from cqc.text.sentences import answer_sentences

    ingest_paths([DEMO / "fenmarsh.md"], empty_store)
    chunks = empty_store.catalog.all_chunks()
    stored = empty_store.sentence_vectors([c.chunk_id for c in chunks])
    assert len(stored) == len(chunks)
    for c in chunks:
        matrix = stored[c.chunk_id]
        assert matrix.shape == (len(answer_sentences(c.text)), 384)
        assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-2)  # float16 on disk
    # A question scores the sentences of its findings without embedding any of them.
    assistant = Assistant(empty_store)
    embedded: list[str] = []
    real = assistant.selector.embed
    assistant.selector.embed = lambda texts: (embedded.extend(texts), real(texts))[1]
    answer = assistant.ask("How long did people wait for a Care Act assessment in Fenmarsh?")
    assert answer.citations and not answer.abstained
    assert embedded == []
    # Removing the stored vectors (a library written before them) falls back to embedding at question time.
    empty_store.catalog.set_sentence_vectors({})
    with empty_store.db.writing() as conn:
        conn.exec_driver_sql("UPDATE chunks SET sentences = NULL")
    again = assistant.ask("How long did people wait for a Care Act assessment in Fenmarsh?")
    assert embedded and again.citations and not again.abstained
