"""What the library holds about each report, which findings a search may return, and which report
of each authority answers use."""

from __future__ import annotations

from dataclasses import dataclass

from cqc.models import Chunk


@dataclass(frozen=True)
class ReportEntry:
    """A report as the catalog lists it: its identity, rating, scores and where it was read from."""

    report_id: str
    authority: str
    title: str
    published: str
    rating: str
    rating_is_indicative: bool
    overall_score: int | None
    scores: dict[str, int]
    source: str
    files: list[str]
    chunks: int
    edition: str = ""  # the layout family: "pdf", "html" or "text"
    pages: int = 1  # page files the report was assembled from

    def as_json(self) -> dict:
        """The shape `assistant reports --json` promises."""
        return {
            "authority": self.authority,
            "published": self.published,
            "rating": self.rating,
            "indicative": self.rating_is_indicative,
            "overall_score": self.overall_score,
            "scores": dict(self.scores),
            "chunks": self.chunks,
            "pages": self.pages,
            "layout": self.edition,
            "source": self.source,
        }

    def completeness(self) -> tuple:
        """How much of the report this entry holds, to choose one of the same report's layouts:
        rating, the nine scores, then findings."""
        return (bool(self.rating), len(self.scores), self.overall_score is not None, self.chunks)


@dataclass(frozen=True)
class SearchFilter:
    """Which findings a search may return. Empty tuples mean no restriction."""

    authorities: tuple[str, ...] = ()
    quality_statements: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()

    def accepts(self, chunk: Chunk) -> bool:
        return (
            (not self.authorities or chunk.authority in self.authorities)
            and (not self.quality_statements or chunk.quality_statement in self.quality_statements)
            and (not self.themes or chunk.theme in self.themes)
            and (not self.report_ids or chunk.report_id in self.report_ids)
        )


def newest_per_authority(reports: list[ReportEntry], report_ids: tuple[str, ...] = ()) -> dict[str, ReportEntry]:
    """Each authority's report that answers use: its newest among `report_ids` (the versions a
    question or the user's filters chose), or its newest when none are chosen. Of the same report
    kept in two layouts (one date), the more complete entry."""
    chosen: dict[str, ReportEntry] = {}
    for entry in reports:
        if not entry.authority or (report_ids and entry.report_id not in report_ids):
            continue
        held = chosen.get(entry.authority)
        if held is None or _newer(entry, held):
            chosen[entry.authority] = entry
    return chosen


def _newer(entry: ReportEntry, than: ReportEntry) -> bool:
    if entry.published != than.published:
        return entry.published > than.published
    return (entry.completeness(), entry.report_id) > (than.completeness(), than.report_id)
