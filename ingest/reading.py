"""Files in, reports out, without a store: a file read with the loader for its type, and the
report a set of pages makes.

files -> pages (one per file, any format) -> reports (pages placed together, see `assembly`) ->
structure. Writing them into the library (`library.ingesting`) uses these same steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from cqc.models import Page, Report
from ingest.assembly import Library, ReportKey, place_pages
from ingest.discovery import HTML_SUFFIXES, PDF_SUFFIXES, discover
from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.loaders.html import load_html
from ingest.loaders.text import load_text
from ingest.normalise import normalise_text
from ingest.page_authority import hold_conflicting
from ingest.pages import as_document, read_page
from ingest.structure import parse_report

__all__ = ["load_file", "read_reports", "report_from_pages"]


def _loader(path: Path) -> Callable[[Path], LoadedDocument]:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        from ingest.loaders.pdf import load_pdf  # pdfplumber is only imported when there are PDFs

        return load_pdf
    return load_html if suffix in HTML_SUFFIXES else load_text


def load_file(path: Path) -> LoadedDocument:
    """One file with the loader for its type, its text as a person sees it (`ingest.normalise`:
    before anything reads it); any parser failure becomes an IngestError naming it."""
    try:
        doc = _loader(path)(path)
    except IngestError:
        raise
    except Exception as exc:  # a damaged file can break a parser in many ways; name it and go on
        raise IngestError(str(path), f"cannot read the file ({type(exc).__name__}: {exc})") from exc
    blocks = [replace(b, text=normalise_text(b.text)) for b in doc.blocks]
    doc.blocks = [b for b in blocks if b.text.strip()]
    if not doc.blocks:
        raise IngestError(str(path), "no readable text in the file (only characters that draw nothing)")
    return doc


class EmptyLibrary(Library):
    def held_reports(self) -> list[tuple[str, ReportKey, str]]:
        return []

    def pages_of(self, report_id: str) -> list[Page]:
        return []

    def holder_of(self, sha: str) -> tuple[str, str] | None:
        return None

    def report_of_file(self, file: str) -> str | None:
        return None


def read_reports(paths: Iterable[str | Path], max_mb: float = 50.0) -> list[tuple[LoadedDocument, Report]]:
    """The reports files make, each with the document its pages make, put together as an ingest
    into an empty library would but without a store: for the benchmark's templates and for tests.
    Files and reports that cannot be read are left out."""
    found = discover(paths, int(max_mb * 1e6))
    pages = []
    for path in found.files:
        try:
            pages.append(read_page(load_file(path)))
        except IngestError:
            continue
    pages, _ = hold_conflicting(pages)
    out = []
    for assembly in place_pages(pages, EmptyLibrary()).assemblies:
        try:
            out.append((as_document(assembly.pages), report_from_pages(assembly.pages, assembly.key)))
        except IngestError:
            continue
    return out


def _check_is_report(report: Report) -> None:
    """A document with no assessment title must at least be part of an assessment (the seed
    excerpt is one quality statement); anything else is not a report and stays out."""
    if report.authority or report.scores or any(f.quality_statement or f.theme for f in report.findings):
        return
    raise IngestError(
        report.source,
        "no CQC assessment report found in it (no '<authority>: local authority assessment' or "
        "'<authority> assessment' title, and no quality statement or theme of the assessment framework)",
    )


def report_from_pages(pages: list[Page], key: ReportKey) -> Report:
    """The report a placed set of pages makes; IngestError when it is not an assessment report."""
    authority, _, family = key
    doc = as_document(pages)
    report = parse_report(doc, authority=authority or None)
    report.edition = family if authority else ""
    _check_is_report(report)
    return report


