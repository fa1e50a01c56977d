"""Named councils side by side on the one measure a topic names: every column the same measure.

A broad topic names several measures ("waiting times": the wait for a Care Act assessment, for a
carer's assessment, for home care ...). Two of them in one table would set one council's
assessment wait beside another's adaptation wait, so the table takes one: the measure most of the
councils give a figure for (of as many, the likeliest reading of the topic), and names the others
with how many of the councils give each, for the reader to ask about instead.

Each council's figure is one `ranking.rank` lines up: its own whole-council figure from the
report answers use, of the qualifier most of the councils give where it gives several (of as
many, the group stated exactly and dated); a council whose only figure is of another qualifier or
unit (a median beside averages) keeps it, and the caller says it is not like for like. A council with no figure for the measure has none here.
Pure logic over records: the caller reads them from the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cqc.measures.ranking import group_preference, rank
from cqc.measures.record import MeasureRecord
from cqc.measures.vocabulary import Measure


@dataclass(frozen=True)
class SideBySide:
    measure: Measure
    figures: dict[str, MeasureRecord]  # council -> its figure on the measure; a council giving none is not here
    qualifier: str  # the qualifier most of the councils' figures have ("" for a plain figure)
    others: tuple[tuple[Measure, int], ...] = ()  # the topic's other measures and how many of the councils give each

    def figure(self, authority: str) -> MeasureRecord | None:
        return self.figures.get(authority)


def side_by_side(candidates: Sequence[Measure], records: Iterable[MeasureRecord], authorities: Sequence[str],
                 report_ids: dict[str, str] | None = None) -> SideBySide | None:
    """The councils `authorities` on the one measure of `candidates` (likeliest first) that most of
    them give a figure for. `report_ids` names the report answers use per council (else its newest).
    None when there is no candidate: the topic names no measure."""
    if not candidates:
        return None
    records = list(records)
    given = {m.key: _figures(records, m.key, authorities, report_ids) for m in candidates}
    ordered = sorted(candidates, key=lambda m: -len(given[m.key][0]))  # stable: of as many, the likeliest
    chosen = ordered[0]
    figures, qualifier = given[chosen.key]
    others = tuple((m, len(given[m.key][0])) for m in ordered[1:] if given[m.key][0])
    return SideBySide(chosen, figures, qualifier, others)


def _figures(records: list[MeasureRecord], measure: str, authorities: Sequence[str],
             report_ids: dict[str, str] | None) -> tuple[dict[str, MeasureRecord], str]:
    """Each council's figure on one measure, and the qualifier most of them share.

    The group lined up is the qualifier (and unit) most councils give; of groups as large, the one
    whose figures are stated exactly and dated (the council's own "average wait of 74 days", not
    "people told us they had waited more than 6 months"). A council outside that group keeps its own
    figure of another qualifier, for the caller to say it is not like for like."""
    groups = []
    for q in sorted({r.qualifier for r in records if r.measure == measure}):
        ranking = rank(records, measure, authorities=authorities, qualifier=q, report_ids=report_ids)
        if ranking.rows:
            groups.append(ranking)
    if not groups:
        return {}, ""

    groups.sort(key=lambda ranking: group_preference(list(ranking.rows), ranking.qualifier), reverse=True)
    figures: dict[str, MeasureRecord] = {}
    for ranking in groups:
        for row in (*ranking.rows, *ranking.set_aside):
            figures.setdefault(row.authority, row.record)
    return {a: figures[a] for a in authorities if a in figures}, groups[0].qualifier
