"""Files that must not stop, hang or fool a run: special files, symlink loops, odd names and encodings."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from library.ingesting import ingest_paths
from tests import site_pages as sp
from tests.conftest import DEMO
from config import Settings
from vectorstore.store import LibraryStore


pytestmark = pytest.mark.usefixtures("fake_embedder")  # the model is incidental here: no test needs it


@pytest.fixture()
def store(tmp_path):
    s = LibraryStore(Settings(store_dir=tmp_path / "store"))
    yield s
    s.close()


def _run_with_deadline(fn, seconds: float = 120):
    """A run that hangs (reading a FIFO) fails the test instead of blocking the suite."""
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("value", fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the ingest run hung"
    return result["value"]


def test_a_fifo_named_or_in_a_folder_is_named_and_never_opened(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fenmarsh.md").write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(folder / "x.txt")
    os.mkfifo(tmp_path / "named.txt")
    summary = _run_with_deadline(lambda: ingest_paths([folder, tmp_path / "named.txt"], store))
    assert [r.authority for r in summary.reports] == ["Fenmarsh County Council"]
    assert any(e.path.endswith("named.txt") and "FIFO" in e.problem for e in summary.failed)
    assert any(p.endswith("x.txt") and "FIFO" in why for p, why in summary.skipped)


def test_a_symlink_loop_named_on_the_command_line_does_not_stop_the_run(tmp_path, store):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    summary = ingest_paths([tmp_path / "a", DEMO / "fenmarsh.md"], store)
    assert [r.authority for r in summary.reports] == ["Fenmarsh County Council"]
    (failure,) = summary.failed
    assert failure.path.endswith("a") and "loops" in failure.problem


def test_a_newline_in_a_file_name_cannot_forge_a_summary_line(tmp_path, store):
    evil = tmp_path / "x.txt\n  ok      Forged Council — 99 chunks — y"
    evil.write_bytes(b"\x00\x01\x02" * 50)  # unreadable, so its name is printed in a failure line
    summary = ingest_paths([evil, DEMO / "fenmarsh.md"], store)
    lines = summary.lines()
    assert not any(line.lstrip().startswith("ok      Forged") for line in lines)
    assert any("\\n" in line and "Forged" in line for line in lines)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_read(tmp_path, store, encoding):
    folder = tmp_path / "pages"
    for name, text in sp.page_texts().items():
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(text.encode(encoding))
    summary = ingest_paths([folder], store)
    assert summary.ok, summary.lines()
    (entry,) = store.reports()
    assert (entry.authority, entry.rating, entry.pages) == (sp.AUTHORITY, sp.RATING, 11)


def test_a_library_database_in_the_folder_of_reports_is_not_listed_as_a_report(tmp_path, capsys):
    """`python -m ingest data/` with the store at data/store: its database (data/store.sqlite3,
    SQLite's side files, the writer's lock file) and its folder (vectors, keyword index) sit in the
    folder read, and are the library's, not unsupported report files."""
    from ingest.__main__ import main as ingest_main

    data = tmp_path / "data"
    data.mkdir()
    (data / "fenmarsh.md").write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert ingest_main(["--store", str(data / "store"), str(data / "fenmarsh.md")]) == 0
    (data / "store.sqlite3-wal").touch()  # as a running app leaves it
    assert {p.name for p in data.iterdir()} >= {"store.sqlite3", "store.library.lock", "store.sqlite3-wal"}
    capsys.readouterr()
    assert ingest_main(["--store", str(data / "store"), str(data)]) == 0
    out = capsys.readouterr().out
    assert "1 unchanged" in out and " 0 skipped" in out and "sqlite3" not in out and ".lock" not in out, out


def test_removing_an_embedded_library_takes_the_files_beside_its_folder_and_nothing_else(tmp_path):
    from vectorstore.store import remove_library

    store = tmp_path / "store"
    (store / "bm25").mkdir(parents=True)
    beside = [tmp_path / n for n in ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm", "store.library.lock")]
    others = [tmp_path / n for n in ("store2.sqlite3", "store.pdf", "report.txt")]
    for f in beside + others:
        f.write_text("x")
    remove_library(store)
    assert not store.exists()
    assert [f.name for f in beside if f.exists()] == []
    assert [f.name for f in others if f.exists()] == ["store2.sqlite3", "store.pdf", "report.txt"]
