"""What a search may return: the filter on findings, and which report of each authority a
question is answered from (the newest, unless the question names the date of another)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Chunk
from vectorstore.catalog import ReportEntry


# -- filters -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchFilter:
    """Which findings a search may return. Empty tuples mean no restriction."""

    authorities: tuple[str, ...] = ()
    quality_statements: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()

    def chroma_where(self) -> dict | None:
        clauses = [
            {key: {"$in": list(values)}}
            for key, values in (
                ("authority", self.authorities),
                ("quality_statement", self.quality_statements),
                ("theme", self.themes),
                ("report_id", self.report_ids),
            )
            if values
        ]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, chunk: Chunk) -> bool:
        return (
            (not self.authorities or chunk.authority in self.authorities)
            and (not self.quality_statements or chunk.quality_statement in self.quality_statements)
            and (not self.themes or chunk.theme in self.themes)
            and (not self.report_ids or chunk.report_id in self.report_ids)
        )


# -- report versions -----------------------------------------------------------------------------
_MONTHS = "january february march april may june july august september october november december".split()
_ISO_DATE = re.compile(r"\b(20\d\d)-(\d\d)(?:-(\d\d))?\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({'|'.join(_MONTHS)})\s+(20\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d\d)\b")


def dates_named(text: str) -> list[str]:
    """Date prefixes a question names ("2024", "2024-09", "2024-09-04"), most precise first."""
    found: list[str] = []
    rest = text
    for m in _ISO_DATE.finditer(text):
        found.append("-".join(p for p in m.groups() if p))
    rest = _ISO_DATE.sub(" ", rest)
    for m in _DAY_MONTH_YEAR.finditer(rest):
        month = _MONTHS.index(m.group(2).lower()) + 1
        found.append(f"{m.group(3)}-{month:02d}" + (f"-{int(m.group(1)):02d}" if m.group(1) else ""))
    rest = _DAY_MONTH_YEAR.sub(" ", rest)
    found += _YEAR.findall(rest)
    return sorted(dict.fromkeys(found), key=len, reverse=True)


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
