"""Paths in, reports in the store out, with a summary of what happened to every file.

files -> pages -> reports (pages placed with the library's own, see `ingest.assembly`) ->
structure -> chunks (and the figures they state, as measure records) -> store. This sits above both ingest (which reads) and the store (which
keeps): neither of them knows the other.

A run holds the store's write lock throughout and starts by reconciling the store, so a run
killed at any point leaves nothing half present to queries, and the next run (any run) repairs
what it left behind. One bad file never stops the others: each failure is named and collected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cqc.measures.record import MeasureRecord
from cqc.models import Chunk, Page, Report
from ingest.assembly import Assembly, Library, ReportKey, place_pages
from ingest.chunking import chunk_report
from ingest.discovery import discover
from ingest.errors import IngestError
from ingest.page_authority import hold_conflicting
from ingest.pages import read_page
from ingest.reading import load_file, report_from_pages
from ingest.summary import IngestSummary, IngestedReport
from library.measures import measure_records, refresh_measures
from library.removals import forget_removal, removed_files
from vectorstore.store import LibraryStore, StoreError

__all__ = ["IngestSummary", "IngestedReport", "ingest_paths"]

Progress = Callable[[int, int, str], None]  # (done, total, current name)


class StoreLibrary(Library):
    """The store's catalog as assembly sees it."""

    def __init__(self, store: LibraryStore):
        self.catalog = store.catalog

    def held_reports(self) -> list[tuple[str, ReportKey, str]]:
        out = []
        for e in self.catalog.reports():
            key = (e.authority, e.published, e.edition) if e.authority else ("", e.source, e.edition)
            out.append((e.report_id, key, e.title))
        return out

    def pages_of(self, report_id: str) -> list[Page]:
        return self.catalog.report_pages(report_id)

    def holder_of(self, sha: str) -> tuple[str, str] | None:
        return self.catalog.page_holder(sha)

    def report_of_file(self, file: str) -> str | None:
        return self.catalog.report_of_file(file)


@dataclass
class Prepared:
    """A report read from its pages, cut into findings and its figures read: everything before the
    store, which needs nothing from it (so the next report is prepared while this one is embedded)."""

    report: Report | None = None
    chunks: list[Chunk] = field(default_factory=list)
    records: list[MeasureRecord] = field(default_factory=list)
    warning: str = ""  # the figures could not be read
    error: Exception | None = None  # raised when the report is written, in its turn


def _prepare(pages: list[Page], key: ReportKey, chunk_max_tokens: int, note_source: str) -> Prepared:
    try:
        report = report_from_pages(pages, key)
        chunks = chunk_report(report, chunk_max_tokens)
        if not chunks:
            raise IngestError(note_source, "no paragraphs found to index")
    except Exception as exc:  # noqa: BLE001  (kept for `_write` to raise, in the report's turn)
        return Prepared(error=exc)
    try:
        return Prepared(report, chunks, measure_records(report, chunks))
    except Exception as exc:  # noqa: BLE001  (a reader bug on one odd sentence must not cost the report)
        return Prepared(report, chunks, warning=f"{report.source}: its figures could not be read as data "
                                                f"({type(exc).__name__}: {exc}); the report is in the library without them")


def _write(store: LibraryStore, pages: list[Page], key: ReportKey, absorbs: list[str], summary: IngestSummary,
           added: list[str], note_source: str, prepared: Prepared | None = None) -> IngestedReport | None:
    ready = prepared or _prepare(pages, key, store.settings.ingest.chunk_max_tokens, note_source)
    if ready.error is not None:
        raise ready.error
    report, chunks, records = ready.report, ready.chunks, ready.records
    if ready.warning:
        summary.warnings.append(ready.warning)
    result = store.upsert_report(report, chunks, pages, absorbs, records)
    summary.warnings += [w for p in pages if p.file in added for w in p.warnings]
    summary.warnings += [f"{report.source}: {c}" for c in report.conflicts]
    summary.set_aside += [p for p in report.set_aside if p not in summary.set_aside]
    return IngestedReport(
        report_id=result.report_id, authority=report.authority, source=report.source, chunks=len(chunks),
        added=result.added, removed=result.removed, embedded=result.embedded, published=report.published,
        layout=report.edition, pages=len(pages), pages_added=len(added), files=[p.file for p in pages],
        figures=len(records),
    )


def _prepared_ahead(store: LibraryStore, steps: list[Assembly]) -> Iterator[Prepared]:
    """Each assembly prepared one step ahead, in a thread of its own: reading the next report (Python,
    one core) overlaps embedding this one (onnxruntime, which lets go of the GIL), so ingest keeps
    both cores busy. Results come in the assemblies' order; an error is kept for its own turn."""
    limit = store.settings.ingest.chunk_max_tokens
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare") as ahead:
        pending = None
        for step, assembly in enumerate(steps):
            current = pending or ahead.submit(_prepare, assembly.pages, assembly.key, limit, assembly.added[0])
            if step + 1 < len(steps):
                nxt = steps[step + 1]
                pending = ahead.submit(_prepare, nxt.pages, nxt.key, limit, nxt.added[0])
            yield current.result()


def ingest_paths(
    paths: Iterable[str | Path],
    store: LibraryStore,
    progress: Progress | None = None,
    rebuild_of: Path | None = None,
) -> IngestSummary:
    """Ingest every readable report; failures are collected, never raised, so one bad file loses
    nothing else. Only a store that cannot be written (a Chroma server that is down, a store of
    another version) stops the run, with StoreError: every later file would fail the same way.
    A rebuild (`rebuild_of` the library's folder: `store` is the library being built beside it)
    leaves out the files a user removed from the library (`library.removals`); any other run that
    files one takes it off that list."""
    summary = IngestSummary()
    found = discover(paths, int(store.settings.ingest.max_file_mb * 1e6), Path(rebuild_of or store.folder).resolve())
    summary.failed += found.failed
    summary.skipped += found.skipped
    files = found.files
    if rebuild_of is not None:
        left_out = removed_files(Path(rebuild_of), files)
        summary.skipped += [(str(path), why) for path, why in left_out]
        files = [f for f in files if f not in {path for path, _ in left_out}]
    total = 2 * len(files)  # reading, then writing (one step per report, rescaled once they are known)
    with store.writing():
        summary.repaired = store.reconcile()
        summary.measures_reread = refresh_measures(store)
        pages: list[Page] = []
        for done, path in enumerate(files):
            if progress:
                progress(done, total, path.name)
            try:
                pages.append(read_page(load_file(path)))
            except IngestError as exc:
                summary.failed.append(exc)
        known = [e.authority for e in store.catalog.reports() if e.authority]
        pages, held = hold_conflicting(pages, known)
        summary.held += [(c.file, c.problem) for c in held]
        placement = place_pages(pages, StoreLibrary(store))
        summary.unchanged += placement.unchanged
        for file in placement.unchanged:
            entry = store.catalog.report(store.catalog.report_of_file(file) or "")
            name = entry.authority if entry and entry.authority else Path(file).name
            if name not in summary.unchanged_reports:
                summary.unchanged_reports.append(name)
        summary.skipped += placement.skipped
        steps = placement.assemblies
        total = len(files) + len(steps) + len(placement.shrinks)
        for step, (assembly, prepared) in enumerate(zip(steps, _prepared_ahead(store, steps))):
            if progress:
                progress(len(files) + step, total, Path(assembly.added[0]).name)
            _write_assembly(store, assembly, summary, prepared)
        for step, (report_id, left) in enumerate(placement.shrinks.items()):
            if progress:
                progress(len(files) + len(steps) + step, total, report_id)
            _shrink(store, report_id, left, summary)
        store.refresh_keyword_index()
    if rebuild_of is None:
        forget_removal(Path(store.settings.store.dir), [Path(f) for r in summary.reports for f in r.files])
    if progress:
        progress(total, total, "")
    return summary


def _write_assembly(store: LibraryStore, assembly: Assembly, summary: IngestSummary, prepared: Prepared) -> None:
    source = assembly.added[0]
    try:
        ingested = _write(store, assembly.pages, assembly.key, assembly.absorbs, summary, assembly.added, source, prepared)
    except IngestError as exc:
        summary.failed.append(exc)
        return
    except StoreError:
        raise
    except Exception as exc:  # a parser bug on one odd file must not cost the others
        summary.failed.append(IngestError(source, f"could not be processed ({type(exc).__name__}: {exc})"))
        return
    summary.warnings += assembly.notes
    summary.warnings += [f"{f}: replaced by the whole report in {source}" for f in assembly.replaced]
    if ingested.authority and not ingested.published:
        summary.waiting += [
            (f, f"names {ingested.authority} but carries no publication date, and no dated report of it is in "
                "the library to join; kept aside in an undated report until its summary or About page (which "
                "carry the date) is ingested")
            for f in assembly.added
        ]
    summary.reports.append(ingested)


def _shrink(store: LibraryStore, report_id: str, left: list[Page], summary: IngestSummary) -> None:
    """A report a file moved out of (read again with another date): written without it, or
    removed when nothing is left."""
    if not left:
        store.remove_report(report_id)
        summary.warnings.append(f"{report_id}: removed, its only file now belongs to another report")
        return
    entry = store.catalog.report(report_id)
    key: ReportKey = (entry.authority, entry.published, entry.edition) if entry else ("", left[0].file, "")
    try:
        _write(store, left, key, [], summary, [], left[0].file)
    except IngestError as exc:
        summary.failed.append(exc)
