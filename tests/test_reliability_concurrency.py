"""Concurrency: 8 threads asking questions while another thread ingests, all on one store and one
assistant, as Streamlit sessions share a cached resource. No errors, no answer mixing sessions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.chain import Assistant
from cqc.records import SearchFilter
from library.ingesting import ingest_paths
from tests.conftest import DEMO
from config import Settings
from vectorstore.store import LibraryStore

AUTHORITIES = ["Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council"]
NEW_AUTHORITY = "Brackenford County Council"  # ingested while the questions run


def questions(authority: str) -> list[tuple[str, SearchFilter]]:
    """Questions about one authority: named in the question, or chosen in the interface."""
    short = authority.split()[0]
    return [
        (f"What is {authority}'s overall rating?", SearchFilter()),
        (f"How long did people wait for an assessment in {short}?", SearchFilter()),
        ("What did unpaid carers tell us about their support?", SearchFilter(authorities=(authority,))),
        (f"What score did {short} get for Safeguarding?", SearchFilter()),
    ]


pytestmark = pytest.mark.usefixtures("fake_embedder_module")  # the model is incidental here: no test needs it


@pytest.fixture(scope="module")
def shared(tmp_path_factory, fake_embedder_module):
    folder = tmp_path_factory.mktemp("concurrency")
    store = LibraryStore(Settings(store_dir=folder / "store"))
    assert not ingest_paths(sorted(DEMO.iterdir()), store).failed
    newcomer = folder / "brackenford.md"
    newcomer.write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace("Fenmarsh", "Brackenford"),
                        encoding="utf-8")
    yield store, Assistant(store), newcomer
    store.close()


def test_eight_sessions_ask_while_another_ingests(shared):
    store, assistant, newcomer = shared
    assert {r.authority for r in store.reports()} == set(AUTHORITIES)
    # One answer each, asked alone first: catalog answers must come out the same under load.
    alone = {q: assistant.ask(q, scope=s).answer for a in AUTHORITIES for q, s in questions(a)[:1]}

    start = threading.Barrier(9)
    ingest_result = {}

    def session(n: int) -> list[tuple[str, str, SearchFilter, object]]:
        authority = AUTHORITIES[n % len(AUTHORITIES)]
        start.wait()
        out = []
        for question, scope in questions(authority)[n % 2:] + questions(authority)[: n % 2]:
            out.append((authority, question, scope, assistant.ask(question, scope=scope)))
        return out

    def ingest() -> None:
        start.wait()
        ingest_result["summary"] = ingest_paths([newcomer], store)

    with ThreadPoolExecutor(max_workers=9) as pool:
        writer = pool.submit(ingest)
        sessions = [pool.submit(session, n) for n in range(8)]
        results = [r for s in sessions for r in s.result(timeout=900)]  # re-raises any thread's error
        writer.result(timeout=900)

    assert len(results) == 8 * 4
    for authority, question, scope, answer in results:
        assert answer.question == question  # each answer is to its own session's question
        assert answer.citations, (question, answer.answer)
        assert {c.authority for c in answer.citations} == {authority}, (question, answer.answer)
        assert answer.filters["authorities"] == [authority]
        if question in alone:
            assert answer.answer == alone[question]

    # The ingest finished whole and is visible to the next question.
    summary = ingest_result["summary"]
    assert not summary.failed and [r.authority for r in summary.reports] == [NEW_AUTHORITY]
    assert store.vector_count() == len(store.catalog.all_chunk_ids())
    answer = assistant.ask("How long did people wait for an assessment in Brackenford?")
    assert {c.authority for c in answer.citations} == {NEW_AUTHORITY}


def test_keyword_index_reload_keeps_the_answerers_reference(shared):
    """The answerer weighs words with the index it was given; a reload must update that index, not
    swap in another object the answerer never sees."""
    store, assistant, _ = shared
    index = store.keywords
    # Another process changes the catalog and saves its rebuilt index; this one reloads that.
    other = LibraryStore(store.settings)
    other.catalog.set_meta({"generation": str(other.catalog.generation() + 1)})
    other.refresh_keyword_index()
    other.catalog.close()
    store.keyword_search("waiting list", 5, SearchFilter())
    assert store.keywords is index and index.generation == store.catalog.generation()
    assert assistant.selector.idf.__self__ is store.keywords


def test_a_reader_thread_never_sees_a_report_half_replaced(tmp_path, monkeypatch):
    """Readers on other threads read the database on connections of their own while the writer
    replaces a report: a read made meanwhile must see the old version or the new one (both hold
    `total` findings), never the gap between (the old rows deleted, the new not yet written)."""
    import database.catalog as catalog

    report = tmp_path / "fenmarsh.md"
    text = (DEMO / "fenmarsh.md").read_text(encoding="utf-8")
    report.write_text(text, encoding="utf-8")
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    (entry,) = ingest_paths([report], store).reports
    rid, total = entry.report_id, entry.chunks
    report.write_text(text.replace("1,274 people", "1,301 people"), encoding="utf-8")

    seen: list[int] = []
    real = catalog.chunk_to_json

    def read_mid_transaction(chunk):
        if not seen:  # the old rows are deleted, the new ones not yet written
            reader = threading.Thread(target=lambda: seen.append(len(store.catalog.report_chunks(rid))))
            reader.start()
            reader.join(timeout=0.5)  # a reader that is made to wait (correctly) is still waiting here
            seen.append(-1)
        return real(chunk)

    monkeypatch.setattr(catalog, "chunk_to_json", read_mid_transaction)
    ingest_paths([report], store)
    for _ in range(100):
        if len(seen) == 2:
            break
        threading.Event().wait(0.05)
    # The reader saw the whole report, whether it finished before the writer or waited for it.
    assert sorted(seen) == [-1, total], seen
    store.close()


def test_questions_are_answered_while_an_ingest_waits_for_another_process(shared, tmp_path):
    """An upload in the app waits while `python -m ingest` runs in a terminal (one writer at a
    time, across processes); the app's other sessions keep getting answers meanwhile."""
    import subprocess
    import sys

    from database.store import lock_file

    store, assistant, _ = shared
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(120)",
         str(lock_file(store.db.url, "library"))],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        report = tmp_path / "kestrel.md"
        report.write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace("Fenmarsh", "Kestrel"),
                          encoding="utf-8")
        done = threading.Event()
        waiting = threading.Thread(target=lambda: (ingest_paths([report], store), done.set()), daemon=True)
        waiting.start()
        threading.Event().wait(1.0)
        assert not done.is_set()  # the ingest is waiting for the other process ...
        answer = assistant.ask("How long did people wait for an assessment in Larkbridge?")
        assert answer.citations and not done.is_set()  # ... and questions are answered meanwhile
    finally:
        holder.kill()
        holder.wait()
    assert done.wait(300)  # the other process is gone: the waiting ingest goes ahead
    assert "Kestrel County Council" in {r.authority for r in store.reports()}
