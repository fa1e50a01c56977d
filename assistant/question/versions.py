"""Which report of each authority a question is answered from: the newest, unless the question
names the date of another; and what the answer says about it when the library holds several."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqc.records import ReportEntry
from cqc.text.dates import dates_named


@dataclass(frozen=True)
class ReportVersions:
    """Which report of each authority a question is answered from.

    `report_ids` is empty when no authority has more than one report (no restriction is needed);
    `used` maps each authority that has several reports to the one chosen, `counts` to how many
    the library holds.
    """

    report_ids: tuple[str, ...] = ()
    used: dict[str, ReportEntry] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    published: dict[str, list[str]] = field(default_factory=dict)  # every version's date, oldest first

    def note(self, cited: list[tuple[str, str]]) -> str:
        """Which report dates an answer rests on, for each authority with more than one report in
        the library, from the (authority, published) of what it cites:
        '(Reports used: Fenmarsh County Council, published 2025-03-04 (the newest of 2 in the library).)'"""
        dates: dict[str, list[str]] = {}
        for authority, published in cited:
            if authority in self.counts and published not in dates.setdefault(authority, []):
                dates[authority].append(published)
        parts = []
        for authority, used in dates.items():
            newest = max(self.published[authority])
            for date in sorted(used, reverse=True):
                which = "the newest" if date == newest else "an earlier report"
                parts.append(f"{authority}, published {date or 'undated'} ({which} of {self.counts[authority]} in the library)")
        return f"(Reports used: {'; '.join(parts)}.)" if parts else ""


def choose_versions(reports: list[ReportEntry], question: str = "") -> ReportVersions:
    """The report of each authority a question is answered from: the newest, unless the question
    names the date of another; of the same report kept in several layouts, the most complete one
    (so a report saved as a PDF and as pages is answered once, not twice)."""
    by_authority: dict[str, list[ReportEntry]] = {}
    for entry in reports:
        by_authority.setdefault(entry.authority, []).append(entry)
    if all(len(v) == 1 for a, v in by_authority.items() if a):
        return ReportVersions()
    asked = dates_named(question)
    ids: list[str] = []
    used: dict[str, ReportEntry] = {}
    counts: dict[str, int] = {}
    published: dict[str, list[str]] = {}
    for authority, entries in by_authority.items():
        if not authority or len(entries) == 1:  # documents with no authority are not versions
            ids += [e.report_id for e in entries]
            continue
        dates = sorted({e.published for e in entries})
        date = next((d for want in asked for d in reversed(dates) if d and d.startswith(want)), dates[-1])
        chosen = max((e for e in entries if e.published == date), key=lambda e: (e.completeness(), e.report_id))
        ids.append(chosen.report_id)
        if len(dates) > 1:
            used[authority], counts[authority] = chosen, len(dates)
            published[authority] = dates
    return ReportVersions(tuple(ids), used, counts, published)
