"""Removal removes every file of a report, and nothing removed comes back (issue 27, item 4).

Before: an edited upload was saved beside the old file ("fenmarsh (2).md"); removing the report
deleted only the newest file, and `--rebuild` read the old one again, bringing the removed report
back with its superseded figures. A refused upload was kept in the uploads folder too.
"""

from __future__ import annotations

import shutil

import pytest

from config import Settings
from ingest.__main__ import main as ingest_main
from library.ingesting import ingest_paths
from tests.conftest import DEMO
from tests.fakes import Upload
from tests.fakes import remove_as_local as remove_report
from tests.fakes import upload_as_local as ingest_uploads
from vectorstore.store import LibraryStore

pytestmark = pytest.mark.usefixtures("fake_embedder")
OLD, NEW = "1,274", "1,301"


def fenmarsh(figure: str = OLD) -> bytes:
    return (DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace(OLD, figure).encode()


def held_texts(store: LibraryStore) -> str:
    return " ".join(c.text for c in store.catalog.all_chunks())


def test_an_edited_upload_replaces_the_old_whose_file_moves_aside_and_removal_takes_both(tmp_path, capsys):
    folder = tmp_path / "store"
    store = LibraryStore(Settings(store_dir=folder))
    assert ingest_uploads([Upload("fenmarsh.md", fenmarsh())], store).ok
    summary = ingest_uploads([Upload("fenmarsh.md", fenmarsh(NEW))], store)  # the edited report
    assert summary.ok and (folder / "uploads" / "fenmarsh (2).md").is_file()
    (entry,) = store.reports()
    assert NEW in held_texts(store) and OLD not in held_texts(store)
    assert not (folder / "uploads" / "fenmarsh.md").exists()  # superseded: moved aside with its report
    assert list((folder / "uploads" / ".superseded" / entry.report_id).iterdir())
    assert any("superseded" in w for w in summary.warnings)

    remove_report(store, entry)
    assert not [p for p in (folder / "uploads").rglob("*") if p.is_file()]  # every file of it
    store.close()
    assert ingest_main(["--rebuild", "--store", str(folder)]) == 1  # nothing to read: said, and nothing back
    assert not (folder / "rebuild").exists()  # given up: no half-built library left to mention
    store = LibraryStore(Settings(store_dir=folder))
    assert store.reports() == [] and OLD not in held_texts(store)
    store.close()


def test_a_rebuild_of_the_old_kind_never_reads_a_superseded_upload(tmp_path):
    """Only the current file of a report is read by a rebuild: the old figures never come back."""
    folder = tmp_path / "store"
    store = LibraryStore(Settings(store_dir=folder))
    ingest_uploads([Upload("fenmarsh.md", fenmarsh())], store)
    ingest_uploads([Upload("fenmarsh.md", fenmarsh(NEW))], store)
    store.close()
    assert ingest_main(["--rebuild", "--store", str(folder)]) == 0
    store = LibraryStore(Settings(store_dir=folder))
    assert NEW in held_texts(store) and OLD not in held_texts(store)
    store.close()


def test_a_report_removed_is_left_out_of_a_rebuild_that_names_its_folder(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in ("fenmarsh.md", "larkbridge.html"):
        shutil.copy(DEMO / name, reports / name)
    folder = tmp_path / "store"
    store = LibraryStore(Settings(store_dir=folder))
    assert ingest_paths([reports], store).ok
    (fen,) = [r for r in store.reports() if r.authority.startswith("Fenmarsh")]
    remove_report(store, fen)
    assert (reports / "fenmarsh.md").is_file()  # a file of the user's own folder is never deleted
    store.close()
    capsys.readouterr()
    assert ingest_main(["--rebuild", "--store", str(folder), str(reports)]) == 0
    out = capsys.readouterr().out
    assert "fenmarsh.md: removed from the library on" in out
    store = LibraryStore(Settings(store_dir=folder))
    assert {r.authority for r in store.reports()} == {"Larkbridge Borough Council"}
    store.close()
    # Named again outside a rebuild: the user brings it back on purpose, and it stays.
    assert ingest_main(["--store", str(folder), str(reports / "fenmarsh.md")]) == 0
    assert ingest_main(["--rebuild", "--store", str(folder)]) == 0
    store = LibraryStore(Settings(store_dir=folder))
    assert {r.authority for r in store.reports()} == {"Larkbridge Borough Council", "Fenmarsh County Council"}
    store.close()


def test_a_refused_upload_is_not_kept(tmp_path):
    folder = tmp_path / "store"
    store = LibraryStore(Settings(store_dir=folder))
    summary = ingest_uploads([Upload("notes.txt", b"Shopping list: milk, bread, eggs.\n"),
                              Upload("fenmarsh.md", fenmarsh())], store)
    assert [e.path for e in summary.failed] and len(summary.reports) == 1
    assert sorted(p.name for p in (folder / "uploads").iterdir()) == ["fenmarsh.md"]
    again = ingest_uploads([Upload("fenmarsh-copy.md", fenmarsh())], store)  # a duplicate of held content
    assert again.skipped and sorted(p.name for p in (folder / "uploads").iterdir()) == ["fenmarsh.md"]
    store.close()
