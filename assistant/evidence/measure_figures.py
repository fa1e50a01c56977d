"""Each named council's figure on the measure a topic names, read from the measure records.

What both comparisons use: the Compare table and the command line (`assistant.compare.table`) and
a chat question "Compare direct payment uptake in A and B" (the quoted comparison). The topic is
read to measures by the one reader (`cqc.measures.reading.measures_of_topic`); the councils are
lined up on one of them (`cqc.measures.side_by_side`), each from the report answers use (the
newest, or the one the user's filters and the question's dates choose), only figures whose
finding is inside the user's quality statement and theme filters; and the findings the figures
were read from come with them, to cite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cqc.measures.reading import measures_of_topic
from cqc.measures.record import MeasureRecord
from cqc.measures.side_by_side import SideBySide, side_by_side
from cqc.measures.vocabulary import Measure
from cqc.models import Chunk
from cqc.records import SearchFilter, newest_per_authority
from vectorstore.store import LibraryStore


# A question asking how councils act, or why, not only what their figures are ("Compare how A and B
# are tackling waiting times"): the findings answer it, with the figures among them.
_BEYOND_FIGURES = re.compile(r"\b(?:why|explain\w*|reasons?|because|approach\w*|tackl\w*|address\w*|doing|plans?|"
                             r"improv\w*|respond\w*|manag\w*|reduc\w*)\b"
                             r"|\bhow (?:do|does|did|are|is|were|was|have|has)\b(?![^?]*\bcompare)", re.IGNORECASE)


def beyond_figures(question: str) -> bool:
    """Whether a comparison asks more than the councils' figures (how they act, why)."""
    return bool(_BEYOND_FIGURES.search(question))


@dataclass(frozen=True)
class MeasureFigures:
    lined_up: SideBySide
    chunks: dict[str, Chunk] = field(default_factory=dict)  # the findings the figures were read from, by id

    @property
    def measure(self) -> Measure:
        return self.lined_up.measure

    def figure(self, authority: str) -> tuple[MeasureRecord, Chunk] | None:
        """The council's figure and the finding it was read from; None when its report gives none."""
        record = self.lined_up.figure(authority)
        return (record, self.chunks[record.chunk_id]) if record is not None else None


def inside_findings(records: Sequence[MeasureRecord], chunks: dict[str, Chunk],
                    where: SearchFilter) -> list[MeasureRecord]:
    """The records whose finding is held (`chunks`, by id) and inside `where`'s quality statement and
    theme filters. The councils and reports are chosen before; here only the findings are filtered."""
    inside = SearchFilter(quality_statements=where.quality_statements, themes=where.themes)
    return [r for r in records if r.chunk_id in chunks and inside.accepts(chunks[r.chunk_id])]


def measure_figures(store: LibraryStore, topic: str, authorities: Sequence[str],
                    where: SearchFilter | None = None) -> MeasureFigures | None:
    """The councils `authorities` on the measure `topic` names; None when it names none (the
    comparison is then of findings, not figures)."""
    candidates = measures_of_topic(topic)
    if not candidates or not authorities:
        return None
    where = where or SearchFilter()
    chosen = newest_per_authority(store.reports(), where.report_ids)
    report_of = {a: chosen[a].report_id for a in authorities if a in chosen}
    records = store.measures(list(report_of), [m.key for m in candidates], list(report_of.values())) if report_of else []
    chunks = {c.chunk_id: c for c in store.chunks(sorted({r.chunk_id for r in records}))} if records else {}
    records = inside_findings(records, chunks, where)
    lined_up = side_by_side(candidates, records, list(authorities), report_of)
    if lined_up is None:
        return None
    cited = {r.chunk_id for r in lined_up.figures.values()}
    return MeasureFigures(lined_up, {i: c for i, c in chunks.items() if i in cited})
