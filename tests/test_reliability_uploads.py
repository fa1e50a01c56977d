"""Uploads never overwrite (issue 16, item 2).

Two uploads whose names clean to the same file name, in one batch or across batches, are both
kept and both ingested; the same content uploaded twice is one file; every file of a batch is
accounted for in the summary (ingested, failed or skipped with the reason). Before, the second
upload overwrote the first, and the first authority's report left the library without a word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.uploads import save_upload
from tests.conftest import DEMO
from tests.fakes import upload_as_local as ingest_uploads
from config import Settings
from vectorstore.store import LibraryStore
from tests.fakes import Upload


def report(name: str, figure: str) -> bytes:
    """The Fenmarsh demo report re-issued for another council (a fixture we write)."""
    text = (DEMO / "fenmarsh.md").read_text(encoding="utf-8")
    return text.replace("Fenmarsh", name).replace("1,274", figure).encode("utf-8")


pytestmark = pytest.mark.usefixtures("fake_embedder")  # the model is incidental here: no test needs it


@pytest.fixture()
def store(tmp_path):
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    yield store
    store.close()


def authorities(store: LibraryStore) -> set[str]:
    return {r.authority for r in store.reports()}


def accounted(summary) -> int:
    return len(summary.reports) + len(summary.failed) + len(summary.skipped)


def test_two_uploads_cleaning_to_one_name_in_one_batch_are_both_kept(store):
    # "report?.md" and "report*.md" both clean to "report_.md"; folders in names are dropped too.
    batch = [Upload("report?.md", report("Brackenford", "2,468")), Upload("report*.md", report("Kestrel", "3,579")),
             Upload("a/b/report_.md", report("Wexley", "4,680"))]
    summary = ingest_uploads(batch, store)
    assert not summary.failed, summary.lines()
    assert authorities(store) == {"Brackenford County Council", "Kestrel County Council", "Wexley County Council"}
    files = sorted(p.name for p in (store.folder / "uploads").iterdir())
    assert len(files) == 3 and "report_.md" in files
    assert accounted(summary) == len(batch)


def test_an_upload_with_the_name_of_an_earlier_one_is_a_new_file_not_a_replacement(store):
    first = ingest_uploads([Upload("assessment.md", report("Brackenford", "2,468"))], store)
    assert [r.authority for r in first.reports] == ["Brackenford County Council"]
    kept = (store.folder / "uploads" / "assessment.md").read_bytes()

    second = ingest_uploads([Upload("assessment.md", report("Kestrel", "3,579"))], store)
    assert [r.authority for r in second.reports] == ["Kestrel County Council"] and not second.failed
    assert authorities(store) == {"Brackenford County Council", "Kestrel County Council"}
    assert (store.folder / "uploads" / "assessment.md").read_bytes() == kept  # the first file is untouched
    (entry,) = [r for r in store.reports() if r.authority == "Kestrel County Council"]
    assert Path(entry.source).name != "assessment.md" and Path(entry.source).exists()


def test_the_same_content_uploaded_twice_is_one_file_and_both_are_accounted_for(store):
    data = report("Brackenford", "2,468")
    summary = ingest_uploads([Upload("brackenford.md", data), Upload("brackenford.md", data)], store)
    assert [r.authority for r in summary.reports] == ["Brackenford County Council"]
    assert accounted(summary) == 2
    (name, why), = summary.skipped
    assert name == "brackenford.md" and "same" in why
    assert [p.name for p in (store.folder / "uploads").iterdir()] == ["brackenford.md"]

    again = ingest_uploads([Upload("brackenford.md", data)], store)  # a later batch: the file already held
    assert not again.failed and [p.name for p in (store.folder / "uploads").iterdir()] == ["brackenford.md"]
    assert authorities(store) == {"Brackenford County Council"}


def test_save_upload_never_writes_over_a_file(tmp_path):
    from ingest.uploads import store_upload

    uploads = tmp_path / "uploads"
    one = save_upload(uploads, "x.md", b"one")
    two = save_upload(uploads, "x.md", b"two")
    three = save_upload(uploads, "x.md", b"three")
    assert (one.read_bytes(), two.read_bytes(), three.read_bytes()) == (b"one", b"two", b"three")
    assert len({one, two, three}) == 3
    same = store_upload(uploads, "x.md", b"two")
    assert same.path == two and same.existing
