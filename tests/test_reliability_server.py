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
from ingest.__main__ import main as ingest_main
from ingest.pipeline import ingest_paths
from tests.conftest import DEMO
from vectorstore.settings import Settings
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
