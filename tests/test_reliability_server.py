"""Chroma server mode: with a host and port set, the store talks to a `chroma run` server (same
code path otherwise; catalog and BM25 stay in the store folder). A server that is down gives a
clear error naming host:port, and what does not need the server keeps working.

`make test-server` starts a server and runs this file and tests/test_store.py with
CQC_CHROMA_HOST/CQC_CHROMA_PORT set; run on its own, this file starts a server of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import chromadb
import pytest

from assistant.__main__ import main as assistant_main
from assistant.chain import Assistant
from cqc.records import SearchFilter
from ingest.__main__ import main as ingest_main
from library.ingesting import ingest_paths
from tests.conftest import DEMO
from config import Settings
from vectorstore.store import LibraryStore, StoreUnavailable

QUESTION = "How many people were waiting for a Care Act assessment in Fenmarsh?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def heartbeat(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=2) as response:
            return b"heartbeat" in response.read()
    except OSError:
        return False


# Server-mode mechanics: the fake embedder, except where a test is marked real_model.
pytestmark = pytest.mark.usefixtures("fake_embedder")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(host, port) of a running Chroma server: the one `make test-server` started, else our own."""
    host, port = os.environ.get("CQC_CHROMA_HOST"), os.environ.get("CQC_CHROMA_PORT")
    if host and port:
        assert heartbeat(host, int(port)), f"CQC_CHROMA_HOST/PORT set but no Chroma server answers at {host}:{port}"
        yield host, int(port)
        return
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not heartbeat("127.0.0.1", port):
            assert proc.poll() is None and time.time() < deadline, "chroma run did not start"
            time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def server_settings(server, folder: Path) -> Settings:
    host, port = server
    return Settings(store_dir=folder, chroma_host=host, chroma_port=port)


def test_server_mode_keeps_vectors_on_the_server_and_the_catalog_local(server, tmp_path):
    store = LibraryStore(server_settings(server, tmp_path / "store"))
    summary = ingest_paths([DEMO / "fenmarsh.md"], store)
    assert not summary.failed
    # The client is an HTTP client, and no embedded Chroma folder was made.
    assert store.client.get_settings().chroma_api_impl.endswith("FastAPI")
    assert not (tmp_path / "store" / "chroma").exists()
    assert (tmp_path / "store" / "catalog.sqlite3").exists() and (tmp_path / "store" / "bm25").exists()
    # The server itself holds this library's collection, with every catalogued finding.
    raw = chromadb.HttpClient(host=server[0], port=server[1], settings=chromadb.Settings(anonymized_telemetry=False))
    collection = raw.get_collection(store.collection_name)
    assert collection.count() == len(store.catalog.all_chunk_ids()) == summary.chunks
    answer = Assistant(store).ask(QUESTION)
    assert "1,274" in answer.answer and answer.citations
    store.close()


def test_two_libraries_on_one_server_are_kept_apart(server, tmp_path):
    one = LibraryStore(server_settings(server, tmp_path / "one"))
    two = LibraryStore(server_settings(server, tmp_path / "two"))
    ingest_paths([DEMO / "fenmarsh.md"], one)
    ingest_paths([DEMO / "larkbridge.html"], two)
    assert one.collection_name != two.collection_name
    assert one.vector_ids() == one.catalog.all_chunk_ids()
    assert two.vector_ids() == two.catalog.all_chunk_ids()
    ingest_paths([DEMO / "larkbridge.html"], two)  # a run reconciles: it must not touch the other library
    assert one.vector_ids() == one.catalog.all_chunk_ids()
    one.close()
    two.close()


def test_ingest_and_ask_end_to_end_through_the_command_lines(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CQC_CHROMA_HOST", server[0])
    monkeypatch.setenv("CQC_CHROMA_PORT", str(server[1]))
    store = tmp_path / "store"
    assert ingest_main(["--store", str(store), str(DEMO / "fenmarsh.md"), str(DEMO / "larkbridge.html")]) == 0
    assert "Ingested 2 report(s)" in capsys.readouterr().out
    assert assistant_main(["ask", "--store", str(store), QUESTION]) == 0
    out = capsys.readouterr().out
    assert "1,274" in out and "[1]" in out
    assert not (store / "chroma").exists()


def test_a_server_that_is_down_gives_a_clear_error_and_the_catalog_still_answers(server, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "store"
    up = LibraryStore(server_settings(server, folder))
    ingest_paths([DEMO / "fenmarsh.md"], up)
    up.close()

    dead = free_port()
    where = f"127.0.0.1:{dead}"
    store = LibraryStore(Settings(store_dir=folder, chroma_host="127.0.0.1", chroma_port=dead))
    # What lives in the store folder still works: the library list, keyword search.
    assert [r.authority for r in store.reports()] == ["Fenmarsh County Council"]
    # What needs the server fails with one clear, catchable error naming it.
    with pytest.raises(StoreUnavailable, match=where) as caught:
        Assistant(store).ask(QUESTION)
    assert isinstance(caught.value, ConnectionError) and "chroma run" in str(caught.value)
    with pytest.raises(StoreUnavailable, match=where):
        ingest_paths([DEMO / "larkbridge.html"], store)
    store.close()

    monkeypatch.setenv("CQC_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CQC_CHROMA_PORT", str(dead))
    assert ingest_main(["--store", str(folder), str(DEMO / "larkbridge.html")]) == 2
    err = capsys.readouterr().err
    assert f"Cannot reach the Chroma server at {where}" in err and "Traceback" not in err


# -- one library shared by several machines (issue 16, item 1) ------------------------------------
# Each store folder stands for one machine: its own catalog and keyword index, the same server and
# library name. The catalog of each follows the server's ledger; a write on one is answered on all.
FENMARSH = "How many people were waiting for a Care Act assessment in Fenmarsh?"
LARKBRIDGE = "How many people were waiting for a Care Act assessment in Larkbridge?"


def machine(server, folder: Path, library: str, **extra) -> LibraryStore:
    host, port = server
    return LibraryStore(Settings(store_dir=folder, chroma_host=host, chroma_port=port, library=library,
                                 sync_seconds=0, **extra))


@pytest.fixture()
def library() -> str:
    import uuid

    return f"team-{uuid.uuid4().hex[:8]}"


@pytest.mark.real_model  # runs `python -m ingest`, a process of its own
def test_machines_naming_one_library_answer_from_the_same_library(server, tmp_path, library):
    one = machine(server, tmp_path / "one", library)
    two = machine(server, tmp_path / "two", library)  # open (an app) before anything is written
    asks_two = Assistant(two)
    assert not ingest_paths([DEMO / "fenmarsh.md"], one).failed
    # The other machine's catalog and keyword index followed the server: a catalog answer, a figure.
    assert [r.authority for r in two.reports()] == ["Fenmarsh County Council"]
    assert "1,274" in asks_two.ask(FENMARSH).answer
    assert two.keyword_search("1,274 people waiting", 5, SearchFilter())

    # A third machine, new: its empty folder is filled from the server when it opens.
    three = machine(server, tmp_path / "three", library)
    assert [r.authority for r in three.reports()] == ["Fenmarsh County Council"]
    assert three.catalog.all_chunk_ids() == one.catalog.all_chunk_ids()
    assert three.measures() == two.measures() == one.measures() != []  # figures as data travel too

    # A terminal on the second machine ingests; the first machine's app answers from it.
    env = dict(os.environ, CQC_CHROMA_HOST=server[0], CQC_CHROMA_PORT=str(server[1]), CQC_LIBRARY=library)
    done = subprocess.run([sys.executable, "-m", "ingest", "--store", str(tmp_path / "two"), str(DEMO / "larkbridge.html")],
                          cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = Assistant(one).ask(LARKBRIDGE)
    assert "187 people" in answer.answer and {c.authority for c in answer.citations} == {"Larkbridge Borough Council"}

    # A removal on one machine is a removal on all; the server holds exactly the library's vectors.
    (fenmarsh,) = [r for r in three.reports() if r.authority == "Fenmarsh County Council"]
    three.remove_report(fenmarsh.report_id)
    assert [r.authority for r in two.reports()] == ["Larkbridge Borough Council"]
    assert {r.authority for r in two.measures()} == {"Larkbridge Borough Council"}
    assert "1,274" not in asks_two.ask(FENMARSH).answer
    assert one.vector_ids() == two.catalog.all_chunk_ids() == three.catalog.all_chunk_ids()
    for store in (one, two, three):
        store.close()


def test_writers_on_two_machines_take_turns(server, tmp_path, library):
    import threading

    one = machine(server, tmp_path / "one", library)
    two = machine(server, tmp_path / "two", library)
    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with one.writing():
            order.append("one starts")
            holding.set()
            release.wait(60)
            order.append("one ends")

    def second() -> None:
        holding.wait(60)
        ingest_paths([DEMO / "fenmarsh.md"], two)
        order.append("two wrote")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    holding.wait(60)
    time.sleep(2.0)
    assert order == ["one starts"]  # the second machine waits for the first one's lease
    release.set()
    for t in threads:
        t.join(120)
    assert order == ["one starts", "one ends", "two wrote"]
    assert [r.authority for r in one.reports()] == ["Fenmarsh County Council"]
    one.close()
    two.close()


def test_a_killed_writer_s_lease_lapses_and_the_next_writer_goes_on(server, tmp_path, library):
    from vectorstore.ledger import Lease, open_ledger

    store = machine(server, tmp_path / "one", library, lease_seconds=3)
    dead = Lease(open_ledger(store.client, store.collection_name), seconds=3)
    dead.acquire()
    dead._stop.set()  # killed: it never renews, never releases
    started = time.monotonic()
    assert not ingest_paths([DEMO / "fenmarsh.md"], store).failed
    assert time.monotonic() - started >= 2.0  # it waited for the lease to lapse
    assert [r.authority for r in machine(server, tmp_path / "two", library).reports()] == ["Fenmarsh County Council"]
    store.close()


def test_catalog_rows_travel_whatever_tables_and_columns_the_catalog_has(server, tmp_path, library):
    """A column or table the catalog gains later follows the server with no code in the replica."""
    import sqlite3

    for name in ("one", "two"):
        machine(server, tmp_path / name, library).close()  # creates each machine's catalog
        with sqlite3.connect(tmp_path / name / "catalog.sqlite3") as conn:
            conn.execute("ALTER TABLE chunks ADD COLUMN reviewer TEXT")
            conn.execute("CREATE TABLE report_notes (report_id TEXT NOT NULL, note TEXT NOT NULL)")
            conn.execute("CREATE TABLE glossary (term TEXT PRIMARY KEY, meaning TEXT NOT NULL)")
    one = machine(server, tmp_path / "one", library)
    two = machine(server, tmp_path / "two", library)
    with one.writing():
        (entry,) = ingest_paths([DEMO / "fenmarsh.md"], one).reports
        with one.catalog._lock:
            one.catalog._conn.execute("UPDATE chunks SET reviewer = 'A. Reviewer'")
            one.catalog._conn.execute("INSERT INTO report_notes VALUES (?, 'checked against the PDF')", (entry.report_id,))
            one.catalog._conn.execute("INSERT INTO glossary VALUES ('ASC', 'adult social care')")
    assert two.reports()  # pulls
    with two.catalog._lock:
        conn = two.catalog._conn
        assert conn.execute("SELECT DISTINCT reviewer FROM chunks").fetchall() == [("A. Reviewer",)]
        assert conn.execute("SELECT report_id, note FROM report_notes").fetchall() == [
            (entry.report_id, "checked against the PDF")]
        assert conn.execute("SELECT * FROM glossary").fetchall() == [("ASC", "adult social care")]
    # Sentence vectors (bytes) arrive intact.
    ids = sorted(one.catalog.all_chunk_ids())[:5]
    mine, theirs = one.sentence_vectors(ids), two.sentence_vectors(ids)
    assert mine.keys() == theirs.keys() and all((mine[i] == theirs[i]).all() for i in ids)
    one.close()
    two.close()


def test_a_rebuild_on_one_machine_is_followed_by_the_others(server, tmp_path, library, monkeypatch):
    one = machine(server, tmp_path / "one", library)
    two = machine(server, tmp_path / "two", library)
    asks_two = Assistant(two)
    ingest_paths([DEMO / "fenmarsh.md"], one)
    assert "1,274" in asks_two.ask(FENMARSH).answer
    one.close()
    monkeypatch.setenv("CQC_CHROMA_HOST", server[0])
    monkeypatch.setenv("CQC_CHROMA_PORT", str(server[1]))
    monkeypatch.setenv("CQC_LIBRARY", library)
    assert ingest_main(["--rebuild", "--store", str(tmp_path / "one")]) == 0
    answer = asks_two.ask(FENMARSH)
    assert "1,274" in answer.answer and [r.authority for r in two.reports()] == ["Fenmarsh County Council"]
    two.close()
