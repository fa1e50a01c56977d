"""One writer, many readers, in any process (issue 16, item 1).

A long-lived process holding the embedded store (the app) must answer from what another process
(`python -m ingest` in a terminal) wrote since it opened the library: new reports, edited ones,
removed ones, a whole rebuild. Before, its next question failed with Chroma's `InternalError:
Error finding id` (its in-memory vector index did not know the other process's vectors).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.chain import Assistant
from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from config import Settings
from vectorstore.store import LibraryStore

WAITING = "How many people were waiting for a Care Act assessment in {}?"


def run(*args: str) -> subprocess.CompletedProcess:
    """Another process, as a terminal would run it (from the project folder)."""
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def variant(folder: Path, name: str, figure: str) -> Path:
    """The Fenmarsh demo report re-issued for another council, with its own waiting-list figure."""
    path = folder / f"{name.lower()}.md"
    text = (DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace("Fenmarsh", name).replace("1,274", figure)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def reader(tmp_path):
    """A long-lived process's store and assistant, which has already answered (its vector index is loaded)."""
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    own = tmp_path / "fenmarsh.md"
    own.write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert not ingest_paths([own], store).failed
    assistant = Assistant(store)
    assert "1,274" in assistant.ask(WAITING.format("Fenmarsh")).answer
    yield store, assistant, own
    store.close()


def authorities(answer) -> set[str]:
    return {c.authority for c in answer.citations}


def test_a_reader_answers_from_reports_another_process_ingested(reader, tmp_path):
    store, assistant, _ = reader
    newcomer = variant(tmp_path, "Brackenford", "2,468")
    done = run("-m", "ingest", "--store", str(store.folder), str(newcomer), str(DEMO / "larkbridge.html"))
    assert done.returncode == 0, done.stdout + done.stderr

    answer = assistant.ask(WAITING.format("Brackenford"))
    assert "2,468" in answer.answer and authorities(answer) == {"Brackenford County Council"}
    answer = assistant.ask(WAITING.format("Larkbridge"))
    assert "187 people" in answer.answer and authorities(answer) == {"Larkbridge Borough Council"}
    # The reader's own report is still answered, and unfiltered questions see all three.
    assert "1,274" in assistant.ask(WAITING.format("Fenmarsh")).answer
    assert {r.authority for r in store.reports()} == {
        "Fenmarsh County Council", "Brackenford County Council", "Larkbridge Borough Council"}
    found = assistant.search.search("unpaid carers waiting for a carer's assessment", k=30)
    assert {f.chunk.authority for f in found} >= {"Brackenford County Council", "Larkbridge Borough Council"}


def test_a_reader_follows_an_edit_and_a_removal_made_by_another_process(reader):
    store, assistant, own = reader
    own.write_text(own.read_text(encoding="utf-8").replace("1,274", "1,301"), encoding="utf-8")
    assert run("-m", "ingest", "--store", str(store.folder), str(own)).returncode == 0
    answer = assistant.ask(WAITING.format("Fenmarsh"))
    assert "1,301" in answer.answer and "1,274" not in answer.answer

    (entry,) = store.reports()
    removal = ("from config import Settings; from vectorstore.store import LibraryStore; import sys; "
               "LibraryStore(Settings(store_dir=sys.argv[1])).remove_report(sys.argv[2])")
    assert run("-c", removal, str(store.folder), entry.report_id).returncode == 0
    assert store.is_empty()
    answer = assistant.ask("What did unpaid carers tell us about their support?")
    assert not answer.citations


def test_a_reader_survives_a_rebuild_by_another_process(reader):
    store, assistant, _ = reader
    done = run("-m", "ingest", "--rebuild", "--store", str(store.folder))
    assert done.returncode == 0, done.stdout + done.stderr
    answer = assistant.ask(WAITING.format("Fenmarsh"))
    assert "1,274" in answer.answer and authorities(answer) == {"Fenmarsh County Council"}


def test_a_long_lived_writer_adds_to_what_another_process_wrote(reader, tmp_path):
    """An upload in the app after a terminal ingest: both reports stay, every finding has its vector."""
    store, assistant, _ = reader
    assert run("-m", "ingest", "--store", str(store.folder), str(variant(tmp_path, "Brackenford", "2,468"))).returncode == 0
    summary = ingest_paths([variant(tmp_path, "Kestrel", "3,579")], store)
    assert not summary.failed, summary.lines()
    assert {r.authority for r in store.reports()} == {
        "Fenmarsh County Council", "Brackenford County Council", "Kestrel County Council"}
    assert store.vector_ids() == store.catalog.all_chunk_ids()
    for name, figure in (("Brackenford", "2,468"), ("Kestrel", "3,579"), ("Fenmarsh", "1,274")):
        assert figure in assistant.ask(WAITING.format(name)).answer
    # A fresh process agrees with the long-lived one.
    done = run("-m", "assistant", "ask", "--store", str(store.folder), WAITING.format("Kestrel"))
    assert done.returncode == 0 and "3,579" in done.stdout
