"""Chroma server mode: with a host and port set, the store talks to a `chroma run` server (same
code path otherwise; the catalog stays in the database, BM25 in the store folder). A server that
is down gives a clear error naming host:port, and what does not need the server keeps working.
A team's app machines share one PostgreSQL database and one Chroma server: real processes here.

`make test-server` starts a Chroma server and a PostgreSQL cluster and runs this file with
CQC_CHROMA_HOST/CQC_CHROMA_PORT and CQC_TEST_DATABASE_URL set; run on its own, this file starts a
Chroma server of its own (and a PostgreSQL cluster where Debian's package is installed).
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
from tests.conftest import DEMO, ROOT
from config import Settings
from vectorstore import keyword_index
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
    assert (tmp_path / "store.sqlite3").exists() and (tmp_path / "store" / "bm25").exists()
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
    # What lives in the database and the store folder still works: the library list, and a question
    # (searched exactly over this machine's copy of the vectors, kept with the keyword index: the
    # same answer as with the server up).
    assert [r.authority for r in store.reports()] == ["Fenmarsh County Council"]
    assert "1,274" in Assistant(store).ask(QUESTION).answer
    # What needs the server (its graph, in a library too large to search exactly) fails with one
    # clear, catchable error naming it.
    vector = store.embeddings.embed_query(QUESTION)
    monkeypatch.setattr(keyword_index, "EXACT_LIMIT", 0)
    with pytest.raises(StoreUnavailable, match=where) as caught:
        store.dense_search(vector, 10, SearchFilter())
    assert isinstance(caught.value, ConnectionError) and "chroma run" in str(caught.value)
    with pytest.raises(StoreUnavailable, match=where):
        ingest_paths([DEMO / "larkbridge.html"], store)
    store.close()

    monkeypatch.setenv("CQC_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CQC_CHROMA_PORT", str(dead))
    assert ingest_main(["--store", str(folder), str(DEMO / "larkbridge.html")]) == 2
    err = capsys.readouterr().err
    assert f"Cannot reach the Chroma server at {where}" in err and "Traceback" not in err


# -- one library shared by several app machines (issue 28, stage two) ------------------------------
# Each store folder stands for one machine: a cache (its keyword index). The catalog and measure
# records are in one PostgreSQL database, the vectors on one Chroma server: a change committed by
# one machine is seen by every other at once, and one writer at a time is the database's lock.
FENMARSH = "How many people were waiting for a Care Act assessment in Fenmarsh?"
LARKBRIDGE = "How many people were waiting for a Care Act assessment in Larkbridge?"


@pytest.fixture()
def team_database(postgres_url) -> str:
    """The team's PostgreSQL database, empty (every table dropped)."""
    from sqlalchemy import create_engine

    from database.schema import metadata

    engine = create_engine(postgres_url)
    metadata.drop_all(engine)
    engine.dispose()
    return postgres_url


def machine(server, folder: Path, database_url: str) -> LibraryStore:
    host, port = server
    return LibraryStore(Settings(store_dir=folder, chroma_host=host, chroma_port=port, database_url=database_url))


def team_env(server, folder: Path, database_url: str) -> dict[str, str]:
    """A process of another app machine: its own store folder, the team's database and server."""
    return dict(os.environ, CQC_STORE_DIR=str(folder), CQC_CHROMA_HOST=server[0], CQC_CHROMA_PORT=str(server[1]),
                CQC_DATABASE_URL=database_url, PYTHONPATH=str(ROOT))


# An app machine's process answering questions: it says when it first answers from the report.
ASKER = """
import sys, time
from tests.fake_embedder import use_fake_in_child_process
use_fake_in_child_process()
from assistant.chain import Assistant
from config import Settings
from vectorstore.store import LibraryStore

store = LibraryStore(Settings())
assistant = Assistant(store)
assistant.ask(sys.argv[1])  # nothing to answer from yet: the process is warm, as a running app is,
store.vector_count()  # and has its client of the Chroma server open
print("ready", flush=True)
deadline = time.time() + 300
while time.time() < deadline:
    if store.reports():  # what the app's library list reads: the catalog, in the shared database
        answer = assistant.ask(sys.argv[1])
        if sys.argv[2] in answer.answer:
            print("answered", repr(time.time()), flush=True)
            break
    time.sleep(0.01)
"""

# Another app machine's process uploading a report through the app's own path; it says when the
# report's catalog transaction committed, or kills itself inside that transaction ("kill").
UPLOADER = """
import os, signal, sys, time
from tests.fake_embedder import use_fake_in_child_process
use_fake_in_child_process()
import database.catalog as catalog
from config import Settings
from tests.fakes import Upload, upload_as_local
from vectorstore.store import LibraryStore

mode, path = sys.argv[1], sys.argv[2]
put_report, to_json, writing = catalog.Catalog.put_report, catalog.chunk_to_json, [False]

def put(self, *args, **kwargs):
    writing[0] = True
    put_report(self, *args, **kwargs)
    print("committed", repr(time.time()), flush=True)

def chunk_json(chunk):
    if mode == "kill" and writing[0]:
        print("dying", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9, inside the report's catalog transaction
    return to_json(chunk)

catalog.Catalog.put_report = put
catalog.chunk_to_json = chunk_json
store = LibraryStore(Settings())
with open(path, "rb") as f:
    upload_as_local([Upload(os.path.basename(path), f.read())], store)
print("finished", flush=True)
"""


def child(tmp_path: Path, name: str, code: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    script = tmp_path / f"{name}.py"
    script.write_text(code, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def said(proc: subprocess.Popen, word: str) -> str:
    """The rest of the first line the process printed starting with `word` (its output up to there)."""
    for line in proc.stdout:
        if line.startswith(word):
            return line[len(word):].strip()
    proc.wait(60)
    raise AssertionError(f"the process never said {word!r}: {proc.stderr.read()[-3000:]}")


def test_a_report_uploaded_on_one_machine_is_answered_on_another_within_a_second(server, tmp_path, team_database):
    """Two app processes on one PostgreSQL and Chroma server, each with its own (new, empty) store
    folder: what one uploads, the other answers from as soon as it is committed."""
    asker = child(tmp_path, "asker", ASKER, [FENMARSH, "1,274"], team_env(server, tmp_path / "one", team_database))
    uploader = None
    try:
        assert said(asker, "ready") == ""
        uploader = child(tmp_path, "uploader", UPLOADER, ["upload", str(DEMO / "fenmarsh.md")],
                         team_env(server, tmp_path / "two", team_database))
        committed = float(said(uploader, "committed"))
        answered = float(said(asker, "answered"))
        assert uploader.wait(300) == 0, uploader.stderr.read()[-3000:]
    finally:
        for proc in (asker, uploader):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    delay = answered - committed
    print(f"\ncross-process delay, commit on one machine to an answer on another: {delay:.3f} s")
    assert delay < 1.0
    # The third machine, new, sees the same library: reports, figures as data, every vector.
    three = machine(server, tmp_path / "three", team_database)
    assert [r.authority for r in three.reports()] == ["Fenmarsh County Council"]
    assert three.measures() and three.vector_ids() == three.catalog.all_chunk_ids()
    assert not (tmp_path / "three" / "catalog.sqlite3").exists() and not (tmp_path / "three.sqlite3").exists()
    three.close()


def test_a_writer_killed_mid_upload_leaves_the_library_as_it_was(server, tmp_path, team_database):
    one = machine(server, tmp_path / "one", team_database)
    assert not ingest_paths([DEMO / "fenmarsh.md"], one).failed
    before = (one.reports(), one.catalog.all_chunk_ids(), one.measures(), one.catalog.generation())
    held = one.vector_ids()
    uploader = child(tmp_path, "uploader", UPLOADER, ["kill", str(DEMO / "larkbridge.html")],
                     team_env(server, tmp_path / "two", team_database))
    assert said(uploader, "dying") == ""
    assert uploader.wait(60) == -9
    # Its vectors reached the server (they go first); its catalog rows never committed.
    assert one.vector_ids() > held
    assert (one.reports(), one.catalog.all_chunk_ids(), one.measures(), one.catalog.generation()) == before
    answer = Assistant(one).ask(LARKBRIDGE)
    assert "Larkbridge Borough Council" not in {c.authority for c in answer.citations}  # orphans never shown
    assert "1,274" in Assistant(one).ask(FENMARSH).answer
    # The killed writer's lock went with its connection: the next writer goes on at once, and
    # its run clears the orphan vectors.
    with one.db.writer_lock("library", wait_s=5):
        pass
    assert not ingest_paths([DEMO / "larkbridge.html"], one).failed
    assert one.vector_ids() == one.catalog.all_chunk_ids()
    assert "187 people" in Assistant(one).ask(LARKBRIDGE).answer
    one.close()


def test_writers_on_two_machines_take_turns(server, tmp_path, team_database):
    import threading

    one = machine(server, tmp_path / "one", team_database)
    two = machine(server, tmp_path / "two", team_database)
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
    assert order == ["one starts"]  # the second machine waits for the first one's advisory lock
    release.set()
    for t in threads:
        t.join(120)
    assert order == ["one starts", "one ends", "two wrote"]
    assert [r.authority for r in one.reports()] == ["Fenmarsh County Council"]
    one.close()
    two.close()


def test_a_rebuild_on_one_machine_is_followed_by_the_others(server, tmp_path, team_database, monkeypatch):
    one = machine(server, tmp_path / "one", team_database)
    two = machine(server, tmp_path / "two", team_database)
    asks_two = Assistant(two)
    ingest_paths([DEMO / "fenmarsh.md"], one)
    assert "1,274" in asks_two.ask(FENMARSH).answer
    old_collection = two.collection_name
    one.close()
    for key, value in team_env(server, tmp_path / "one", team_database).items():
        monkeypatch.setenv(key, value)
    assert ingest_main(["--rebuild", "--store", str(tmp_path / "one")]) == 0
    answer = asks_two.ask(FENMARSH)
    assert "1,274" in answer.answer and [r.authority for r in two.reports()] == ["Fenmarsh County Council"]
    assert two.collection_name != old_collection  # the switch named the new vectors, for every machine
    two.close()
