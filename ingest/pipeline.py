"""Paths in, reports in the store out, with a summary of what happened to every file.

A run holds the store's write lock throughout and starts by reconciling the store, so a run
killed at any point leaves nothing half present to queries, and the next run (any run) repairs
what it left behind. One bad file never stops the others: each failure is named and collected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ingest.chunking import chunk_report
from ingest.errors import IngestError
from ingest.loaders.html import load_html_files
from ingest.loaders.text import load_text
from ingest.models import LoadedDocument, Report
from ingest.structure import parse_report
from vectorstore.store import LibraryStore, ReconcileResult, StoreError

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED = PDF_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES

Progress = Callable[[int, int, str], None]  # (done, total, current name)


@dataclass
class IngestedReport:
    report_id: str
    authority: str
    source: str
    chunks: int
    added: int
    removed: int
    embedded: int = 0  # of the added, texts embedded; the others reused a vector the store held


@dataclass
class IngestSummary:
    reports: list[IngestedReport] = field(default_factory=list)
    failed: list[IngestError] = field(default_factory=list)  # named files that could not be read
    skipped: list[tuple[str, str]] = field(default_factory=list)  # passed over: unsupported in a folder, or a duplicate
    warnings: list[str] = field(default_factory=list)  # ingested, with something the user should know
    repaired: ReconcileResult | None = None  # what an earlier, interrupted run had left behind

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.reports)

    def lines(self) -> list[str]:
        added, embedded = sum(r.added for r in self.reports), sum(r.embedded for r in self.reports)
        reused = f": {embedded} embedded, {added - embedded} reusing a stored vector" if added > embedded else ""
        out = [
            f"Ingested {len(self.reports)} report(s), {self.chunks} chunk(s) "
            f"({added} new{reused}; {sum(r.removed for r in self.reports)} removed); "
            f"{len(self.failed)} file(s) failed, {len(self.skipped)} skipped."
        ]
        for r in self.reports:
            out.append(f"  ok      {r.authority or '(no authority found)'} — {r.chunks} chunks — {r.source}")
        for err in self.failed:
            out.append(f"  FAILED  {err.path}: {err.problem}")
        for path, why in self.skipped:
            out.append(f"  skipped {path}: {why}")
        for warning in self.warnings:
            out.append(f"  warning {warning}")
        if self.repaired and (self.repaired.orphans_removed or self.repaired.vectors_restored):
            out.append(
                f"  repaired the store after an interrupted run: {self.repaired.orphans_removed} stray vector(s) "
                f"removed, {self.repaired.vectors_restored} missing vector(s) restored"
            )
        return out


@dataclass
class _Plan:
    pdf: list[Path] = field(default_factory=list)
    html: list[Path] = field(default_factory=list)
    text: list[Path] = field(default_factory=list)


def _discover(paths: Iterable[Path], summary: IngestSummary, max_bytes: int) -> _Plan:
    plan = _Plan()
    taken: set[Path] = set()  # a file named twice, or also inside a folder named, is read once

    def take(path: Path, named: bool) -> None:
        if path in taken:
            return
        taken.add(path)
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            why = f"unsupported file type '{suffix or '(none)'}' (PDF, HTML, text and Markdown are read)"
            if named:
                summary.failed.append(IngestError(str(path), why))
            else:
                summary.skipped.append((str(path), why))
            return
        try:
            size = path.stat().st_size
        except OSError as exc:
            summary.failed.append(IngestError(str(path), f"cannot be read ({exc.strerror or exc})"))
            return
        if size > max_bytes:
            summary.failed.append(IngestError(
                str(path), f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (CQC_MAX_FILE_MB)"
            ))
            return
        (plan.pdf if suffix in PDF_SUFFIXES else plan.html if suffix in HTML_SUFFIXES else plan.text).append(path)

    for path in paths:
        if not path.exists():
            summary.failed.append(IngestError(str(path), "no such file or folder"))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    take(child, named=False)
        else:
            take(path, named=True)
    return plan


def _load(path: Path, loader: Callable[[Path], LoadedDocument]) -> LoadedDocument:
    try:
        return loader(path)
    except IngestError:
        raise
    except Exception as exc:  # a damaged file can break a parser in many ways; name it and go on
        raise IngestError(str(path), f"cannot read the file ({type(exc).__name__}: {exc})") from exc


def _jobs(plan: _Plan, summary: IngestSummary) -> list[tuple[str, Callable[[], LoadedDocument]]]:
    """One loading step per report, run one at a time so progress follows the slow part (PDF parsing)."""
    jobs: list[tuple[str, Callable[[], LoadedDocument]]] = []
    if plan.pdf:
        from ingest.loaders.pdf import load_pdf  # pdfplumber is only imported when there are PDFs

        jobs += [(str(p), partial(_load, p, load_pdf)) for p in plan.pdf]
    # Saved pages are grouped into reports first (cheap): a report may span several files.
    for doc in load_html_files(plan.html):
        if isinstance(doc, IngestError):
            summary.failed.append(doc)
        else:
            jobs.append((doc.source, partial(lambda d: d, doc)))
    jobs += [(str(p), partial(_load, p, load_text)) for p in plan.text]
    return jobs


def _check_is_report(report: Report) -> None:
    """A document with no assessment title must at least be part of an assessment (the seed
    excerpt is one quality statement); anything else is not a report and stays out."""
    if report.authority or report.scores or any(f.quality_statement or f.theme for f in report.findings):
        return
    raise IngestError(
        report.source,
        "no CQC assessment report found in it (no '<authority>: local authority assessment' title, "
        "and no quality statement or theme of the assessment framework)",
    )


def ingest_paths(
    paths: Iterable[str | Path],
    store: LibraryStore,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest every readable report; failures are collected, never raised, so one bad file loses
    nothing else. Only a store that cannot be written (a Chroma server that is down, a store of
    another version) stops the run, with StoreError: every later file would fail the same way."""
    summary = IngestSummary()
    max_bytes = int(store.settings.max_file_mb * 1e6)
    plan = _discover([Path(p).expanduser().resolve() for p in paths], summary, max_bytes)
    with store.writing():
        summary.repaired = store.reconcile()
        jobs = _jobs(plan, summary)
        total = len(jobs)
        first_source: dict[str, str] = {}  # report id -> the file it was read from in this run
        for done, (name, load) in enumerate(jobs):
            if progress:
                progress(done, total, Path(name).name)
            source = name
            try:
                doc = load()
                source = doc.source
                report = parse_report(doc)
                _check_is_report(report)
                if report.report_id in first_source:
                    # The same report in another format (PDF and saved page): one report, read once.
                    summary.skipped.append((
                        doc.source,
                        f"same report as {first_source[report.report_id]} ({report.authority}, published "
                        f"{report.published or 'undated'}); read once",
                    ))
                    continue
                chunks = chunk_report(report, store.settings.chunk_max_tokens)
                if not chunks:
                    raise IngestError(doc.source, "no paragraphs found to index")
                result = store.upsert_report(report, chunks)
            except IngestError as exc:
                summary.failed.append(exc)
                continue
            except StoreError:
                raise
            except Exception as exc:  # a parser bug on one odd file must not cost the others
                summary.failed.append(IngestError(source, f"could not be processed ({type(exc).__name__}: {exc})"))
                continue
            first_source[result.report_id] = doc.source
            summary.warnings += doc.warnings
            summary.warnings += [
                f"{doc.source}: left out a passage addressed to an AI assistant, not to readers ({passage})"
                for passage in report.set_aside
            ]
            summary.reports.append(
                IngestedReport(result.report_id, report.authority, doc.source, len(chunks), result.added, result.removed,
                               result.embedded)
            )
        store.refresh_keyword_index()
    if progress:
        progress(total, total, "")
    return summary
