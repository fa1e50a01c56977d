"""Changes to the library made by a person: uploading and removing reports, each checked against
the person's role where it happens and written to the audit log with its outcome.

The app calls these, never the store's writes directly, so a reader's request to upload or
remove is refused here even if a page were made to send it. Uploaded files are kept in the
database (`database.uploads`), the copy every app machine reaches; this machine's
`<store>/uploads/` folder is a cache of that table (the copies it reads at ingest, at a rebuild,
and to show the original), written from the database when it needs them.

What the library keeps of uploaded files follows what it holds, so a removal sticks:

* an upload that is refused (not a report, unreadable, held aside for a conflict, a duplicate of
  content already held) is not kept, in the database or on disk;
* an upload that replaces a report's earlier upload (an edited report saved as "name (2).pdf")
  supersedes the old file: it leaves the database (no machine's rebuild reads it again: its
  figures are superseded) and this machine's copy moves to `uploads/.superseded/<report id>/`;
* removing a report deletes every uploaded file of it, superseded ones included, and notes each
  file it was read from in `<store>/removed.json` (`library.removals`), so a rebuild never reads
  it back, even from a folder named on the command line.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cqc.records import ReportEntry
from database import Action, Database, Person
from database.imports import Imported, import_uploads
from ingest.errors import IngestError
from ingest.summary import IngestSummary
from ingest.uploads import safe_upload_name, safe_upload_path, upload_names, write_new
from library.ingesting import ingest_paths
from library.removals import note_removal
from vectorstore.store import LibraryStore

UPLOADS = "uploads"
SUPERSEDED = ".superseded"


class Upload(Protocol):
    """What st.file_uploader hands over (UploadedFile), or anything with a name and bytes."""

    name: str

    def getvalue(self) -> bytes: ...


@dataclass
class SavedUploads:
    paths: list[Path] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # names this upload added to the database
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, why not saved)
    repeated: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, why it is read once)


def uploads_folder(store: LibraryStore) -> Path:
    return Path(store.settings.store.dir) / UPLOADS


def local_copy(folder: Path, name: str, data: bytes) -> Path:
    """`data` as `folder/name`, written unless that file already holds it. Never through a link,
    never over a different file of that name (IngestError names it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IngestError(name, f"cannot be saved ({exc.strerror or exc})") from exc
    target = safe_upload_path(folder, name)
    if target.name != name:
        raise IngestError(name, "cannot be saved: not a plain file name")
    if write_new(target, name, data) is None:
        raise IngestError(name, f"cannot be saved: {target} holds another file of that name")
    return target


def save_uploads(files: Iterable[Upload], database: Database, folder: Path, person: Person) -> SavedUploads:
    """Keep each upload in the database under a name unique in the library, and a copy in `folder`
    to read; refused files are named, not raised, and nothing of a refused file is kept."""
    saved = SavedUploads()
    for f in files:
        data = f.getvalue()
        stored = database.uploads.add(upload_names(f.name), data, person)
        if stored is None:
            saved.refused.append((f.name, f"cannot be saved: too many files called {safe_upload_name(f.name)}"))
            continue
        try:
            path = local_copy(folder, stored.name, data)
        except IngestError as exc:
            if not stored.existing:
                database.uploads.remove([stored.name])
            saved.refused.append((f.name, exc.problem))
            continue
        if path in saved.paths:  # the same content twice in one batch: one file, read once, and said so
            saved.repeated.append((f.name, f"the same content as another file of this upload ({path.name}); read once"))
            continue
        saved.paths.append(path)
        if not stored.existing:
            saved.new.append(stored.name)
    return saved


def _outcome(summary: IngestSummary) -> str:
    parts = []
    for r in summary.reports:
        what = "unchanged" if r.unchanged else f"{r.added} findings added, {r.removed} removed"
        parts.append(f"{r.authority or Path(r.source).name}{' ' + r.published if r.published else ''}: {what}")
    parts += [f"{name}: unchanged" for name in summary.unchanged_reports]
    parts += [f"{Path(e.path).name}: failed, {e.problem}" for e in summary.failed]
    parts += [f"{Path(p).name}: {why}" for p, why in summary.skipped]
    return "; ".join(parts) or "nothing changed"


@dataclass(frozen=True)
class LibraryChanges:
    """The changes one person may make to one library, each checked and recorded."""

    store: LibraryStore
    database: Database
    person: Person

    def upload(self, files: Iterable[Upload], progress: Callable[[int, int, str], None] | None = None) -> IngestSummary:
        self.person.require(Action.UPLOAD)
        files = list(files)
        names = ", ".join(f.name for f in files)
        saved = save_uploads(files, self.database, uploads_folder(self.store), self.person)
        before = {e.report_id: list(e.files) for e in self.store.reports()}
        try:
            summary = ingest_paths(saved.paths, self.store, progress) if saved.paths else IngestSummary()
        except Exception as exc:  # the store could not be written: the attempt is on the record too
            self.database.audit.record(self.person, "upload", names, f"failed: {exc}")
            raise
        summary.failed += [IngestError(name, why) for name, why in saved.refused]
        summary.skipped += saved.repeated
        held_now = {str(Path(f).resolve()) for e in self.store.reports() for f in e.files}
        self._forget_unfiled(saved, summary, held_now)
        self._supersede(before, held_now, summary)
        self.database.audit.record(self.person, "upload", names, _outcome(summary))
        return summary

    def _forget_unfiled(self, saved: SavedUploads, summary: IngestSummary, held_now: set[str]) -> None:
        """A file this upload added that nothing was filed from (failed, held aside, content already
        held) is not kept: not in the database, not on disk."""
        folder = uploads_folder(self.store)
        failed = {Path(e.path).name for e in summary.failed}
        gone = [name for name in saved.new if str((folder / name).resolve()) not in held_now]
        self.database.uploads.remove(gone)
        for name in gone:
            (folder / name).unlink(missing_ok=True)
            if name not in failed:
                summary.warnings.append(f"{name}: not kept in the library's uploads (nothing of it was filed)")

    def _supersede(self, before: dict[str, list[str]], held_now: set[str], summary: IngestSummary) -> None:
        """An uploaded file its report no longer reads (an edited upload replaced it) leaves the
        database and moves aside here with its report: no rebuild reads its figures again."""
        folder = uploads_folder(self.store)
        for report_id, files in before.items():
            for name in files:
                path = Path(name)
                if str(path.resolve()) in held_now or path.parent.resolve() != folder.resolve() or not path.is_file():
                    continue
                self.database.uploads.remove([path.name])
                _move_aside(folder / SUPERSEDED / report_id, path)
                summary.warnings.append(f"{path.name}: superseded by the newer upload of the same report; kept aside "
                                        f"in {SUPERSEDED}/ and never read again unless named")

    def remove(self, entry: ReportEntry) -> int:
        """Remove a report's findings and every uploaded file of it (superseded ones too), from the
        database and this machine; note the files it was read from, so no rebuild reads them back."""
        self.person.require(Action.REMOVE)
        removed = self.store.remove_report(entry.report_id)
        folder = uploads_folder(self.store)
        note_removal(folder.parent, entry, [Path(name) for name in (entry.files or [entry.source]) if name])
        names = uploaded_names(entry, folder)
        self.database.uploads.remove(names)
        for name in names:
            path = folder / name
            if path.is_file() and not path.is_symlink():
                path.unlink()
        shutil.rmtree(folder / SUPERSEDED / entry.report_id, ignore_errors=True)
        files = f"; uploaded file(s) removed: {', '.join(names)}" if names else ""
        who = entry.authority or Path(entry.source).name
        self.database.audit.record(self.person, "remove", f"{who}{', ' + entry.published if entry.published else ''}",
                                   f"{removed} findings removed{files}")
        return removed


def _move_aside(folder: Path, path: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 2
    while target.exists():
        target = folder / f"{path.stem} ({n}){path.suffix}"
        n += 1
    os.replace(path, target)


def uploaded_names(entry: ReportEntry, folder: Path) -> list[str]:
    """The report's files that were uploads: in this machine's uploads folder, or in another
    machine's (an `uploads` folder this machine does not have: the catalog came from the server)."""
    local = folder.resolve()
    names = []
    for name in entry.files or [entry.source]:
        path = Path(name)
        if path.resolve().parent == local or (path.parent.name == UPLOADS and not path.exists()):
            names.append(path.name)
    return names


def copy_uploads_here(database: Database, folder: Path) -> tuple[list[Path], list[str]]:
    """Make this machine's uploads folder hold the database's uploaded files, exactly (a rebuild
    reads every file in it): each written; a file the database does not hold (removed or
    superseded on another machine) moved aside into `.superseded/not-in-library/`, never read back
    and never deleted. Files an earlier version kept only here are imported first. The paths, and
    each file that could not be written, named with why."""
    import_uploads(database, folder, Imported())
    paths, problems = [], []
    for held in database.uploads.list():
        data = database.uploads.content(held.name)
        try:
            paths.append(local_copy(folder, held.name, data or b""))
        except IngestError as exc:
            problems.append(f"{held.name}: {exc.problem}")
    kept = {p.name for p in paths} | {problem.split(":", 1)[0] for problem in problems}
    for stale in sorted(folder.iterdir()) if folder.is_dir() else ():
        if stale.is_file() and not stale.is_symlink() and not stale.name.startswith(".") and stale.name not in kept:
            _move_aside(folder / SUPERSEDED / "not-in-library", stale)
            problems.append(f"{stale.name}: not an upload of the library (removed or replaced); moved to "
                            f"{SUPERSEDED}/not-in-library/ and not read")
    return paths, problems


def original_here(database: Database, folder: Path, source: str) -> Path | None:
    """An uploaded file cited from another machine's uploads folder, copied here to be shown;
    None when it is not an uploaded file of the library."""
    path = Path(source)
    if path.parent.name != UPLOADS:
        return None
    data = database.uploads.content(path.name)
    if data is None:
        return None
    try:
        return local_copy(folder, path.name, data)
    except IngestError:
        return None
