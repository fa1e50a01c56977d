"""Figures read as data at ingest, and read again when the reader or its vocabulary changes.

A report's measure records (`cqc.measures`) are read from its chunks when it is written, so each
cites its finding and sentence, and are written with the report in one transaction. The catalog
notes which version of the reader and vocabulary wrote them; a library written by another (or
before figures were data at all) has every report's records read again from its stored findings
by the next ingest or repair: no file and no embedding is needed.
"""

from __future__ import annotations

from cqc.measures.reading import read_report, reading_version
from cqc.measures.record import MeasureRecord
from cqc.models import Chunk, Report
from vectorstore.store import LibraryStore


def measure_records(report: Report, chunks: list[Chunk]) -> list[MeasureRecord]:
    return read_report(chunks, report.authority, report.report_id, report.published)


def measures_current(store: LibraryStore) -> bool:
    """Whether the library's records were read by this reader and vocabulary."""
    return store.catalog.get_meta("measures_version") == reading_version()


def refresh_measures(store: LibraryStore) -> int:
    """Read every report's records again if another reader or vocabulary wrote them; how many
    reports were read (0 when they are current)."""
    with store.writing():
        if measures_current(store):
            return 0
        records = {
            entry.report_id: read_report(store.catalog.report_chunks(entry.report_id), entry.authority,
                                         entry.report_id, entry.published)
            for entry in store.catalog.reports()
        }
        store.catalog.put_measures(records, reading_version())
        return len(records)
