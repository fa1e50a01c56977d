"""Uploaded report files and removing a report: what the library keeps of the files behind it.

The uploads folder (`<store>/uploads`) holds the only copy of an uploaded report, so it must hold
exactly the files of the reports the library holds, and a removal must stick:

* an upload that is refused (not a report, unreadable, held aside for a conflict, a duplicate of
  content already held) is not kept;
* an upload that replaces a report's earlier upload (an edited report saved beside the old one as
  "name (2).pdf") moves the old file to `uploads/.superseded/<report id>/`: kept with the report
  it belonged to, never read again by a rebuild (its figures are superseded);
* removing a report deletes every uploaded file of it, superseded ones included, and notes each
  file it was read from (name and content digest) in `<store>/removed.json`, so a rebuild never
  reads it back, even from a folder named on the command line. Ingesting the file again by name
  (not in a rebuild) takes it off that list: the user brought it back on purpose.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cqc.records import ReportEntry
from ingest.errors import IngestError
from ingest.summary import IngestSummary
from ingest.uploads import store_upload
from library.ingesting import ingest_paths
from library.removals import note_removal
from vectorstore.store import LibraryStore

SUPERSEDED = ".superseded"


class Upload(Protocol):
    """What st.file_uploader hands over (UploadedFile), or anything with a name and bytes."""

    name: str

    def getvalue(self) -> bytes: ...


@dataclass
class SavedUploads:
    paths: list[Path] = field(default_factory=list)
    new: set[Path] = field(default_factory=set)  # of them, files this upload wrote (not already there)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, why not saved)
    repeated: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, why it is read once)


def uploads_folder(store: LibraryStore) -> Path:
    return Path(store.settings.store.dir) / "uploads"


def save_uploads(files: Iterable[Upload], uploads: Path) -> SavedUploads:
    """Write each upload directly inside `uploads` under a cleaned name (`ingest.uploads`: no
    folders, no hidden names, no following a planted symlink); refused files are named, not raised."""
    saved = SavedUploads()
    for f in files:
        try:
            kept = store_upload(uploads, f.name, f.getvalue())
        except IngestError as exc:
            saved.refused.append((f.name, exc.problem))
            continue
        if kept.path in saved.paths:  # the same content twice in one batch: one file, read once, and said so
            saved.repeated.append((f.name, f"the same content as another file of this upload ({kept.path.name}); read once"))
        else:
            saved.paths.append(kept.path)
            if not kept.existing:
                saved.new.add(kept.path)
    return saved


def ingest_uploads(files: Iterable[Upload], store: LibraryStore,
                   progress: Callable[[int, int, str], None] | None = None) -> IngestSummary:
    """Save uploads, ingest them, then keep only what the library now holds: a refused upload is
    deleted, an upload its report no longer reads moves aside with that report."""
    uploads = uploads_folder(store)
    saved = save_uploads(files, uploads)
    before = {e.report_id: list(e.files) for e in store.reports()}
    summary = ingest_paths(saved.paths, store, progress) if saved.paths else IngestSummary()
    summary.failed += [IngestError(name, why) for name, why in saved.refused]
    summary.skipped += saved.repeated
    held_now = {f for e in store.reports() for f in e.files}
    for path in sorted(saved.new):
        if str(path) not in held_now:
            path.unlink(missing_ok=True)
            summary.warnings.append(f"{path.name}: not kept in the library's uploads folder (nothing of it was filed)")
    for report_id, files in before.items():
        for name in files:
            path = Path(name)
            if name not in held_now and path.parent.resolve() == uploads.resolve() and path.is_file():
                _supersede(uploads, report_id, path)
                summary.warnings.append(f"{path.name}: superseded by the newer upload of the same report; kept aside "
                                        f"in {SUPERSEDED}/ and never read again unless named")
    return summary


def _supersede(uploads: Path, report_id: str, path: Path) -> None:
    folder = uploads / SUPERSEDED / report_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 2
    while target.exists():
        target = folder / f"{path.stem} ({n}){path.suffix}"
        n += 1
    os.replace(path, target)


# -- removing ------------------------------------------------------------------------------------
def remove_report(store: LibraryStore, entry: ReportEntry) -> int:
    """Remove a report's findings from the store and every uploaded file of it (superseded ones
    too); note the files it was read from so no rebuild reads them back."""
    removed = store.remove_report(entry.report_id)
    uploads = uploads_folder(store).resolve()
    files = [Path(name) for name in (entry.files or [entry.source]) if name]
    note_removal(uploads.parent, entry, files)
    for path in files:
        if path.resolve().parent == uploads and path.is_file():
            path.unlink()
    shutil.rmtree(uploads / SUPERSEDED / entry.report_id, ignore_errors=True)
    return removed
