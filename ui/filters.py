"""The sidebar's filters (authority, theme, quality statement, overall score, date) and their chips.

Authority, theme and quality statement go to the search as a `SearchFilter`. Score and date are
properties of a report, so they become the list of reports the search may read from: exact, and
nothing the store has to know about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from ingest.cqc import QUALITY_STATEMENTS, THEMES
from ui.safe import escape
from vectorstore.catalog import ReportEntry
from vectorstore.store import SearchFilter

FULL_SCORE = (0, 100)


def report_date(entry: ReportEntry) -> date | None:
    try:
        return date.fromisoformat(entry.published)
    except ValueError:
        return None  # a report whose date was not found


@dataclass(frozen=True)
class Scope:
    """What the user chose in the sidebar; empty means no restriction."""

    authorities: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    score: tuple[int, int] | None = None  # overall score range, inclusive
    dates: tuple[date, date] | None = None  # publication date range, inclusive

    def report_passes(self, entry: ReportEntry) -> bool:
        if self.score is not None:
            if entry.overall_score is None or not self.score[0] <= entry.overall_score <= self.score[1]:
                return False
        if self.dates is not None:
            published = report_date(entry)
            if published is None or not self.dates[0] <= published <= self.dates[1]:
                return False
        return True

    def report_ids(self, reports: list[ReportEntry]) -> tuple[str, ...] | None:
        """The reports score and date leave in, or None when neither is restricted."""
        if self.score is None and self.dates is None:
            return None
        return tuple(r.report_id for r in reports if self.report_passes(r))

    def search_filter(self, reports: list[ReportEntry]) -> SearchFilter | None:
        """The filter for the search, or None when the choices leave no report at all (an empty
        report list in a SearchFilter would mean *no* restriction, the opposite)."""
        ids = self.report_ids(reports)
        if ids is not None and not ids:
            return None
        return SearchFilter(
            authorities=self.authorities, quality_statements=self.statements, themes=self.themes,
            report_ids=ids or (),
        )

    def report_chips(self) -> list[str]:
        """Chips for the restrictions the answer's own `filters` does not record."""
        chips = []
        if self.score is not None:
            chips.append(f"Overall score {self.score[0]}–{self.score[1]}")
        if self.dates is not None:
            chips.append(f"Published {self.dates[0].isoformat()} to {self.dates[1].isoformat()}")
        return chips


def answer_chips(filters: dict, extra: list[str]) -> list[str]:
    """What was applied to an answer, one chip each: the assistant's own record plus score/date."""
    chips = [f"Authority: {a}" for a in filters.get("authorities", [])]
    chips += [f"Theme: {t}" for t in filters.get("themes", [])]
    chips += [f"Quality statement: {q}" for q in filters.get("quality_statements", [])]
    return chips + list(extra)


def chips_markdown(chips: list[str]) -> str:
    # Streamlit's badge directive; the label is escaped like any other text.
    return " ".join(f":blue-badge[{escape(c)}]" for c in chips)


def choose_scope(reports: list[ReportEntry]) -> Scope:
    st.header("Filters")
    authorities = sorted({r.authority for r in reports if r.authority})
    chosen = st.multiselect("Authorities", authorities, key="authorities", placeholder="All authorities")
    themes = st.multiselect("Themes", list(THEMES.values()), key="themes", placeholder="All themes")
    statements = st.multiselect("Quality statements", [qs.name for qs in QUALITY_STATEMENTS],
                                key="statements", placeholder="All quality statements")
    low, high = st.slider("Overall score", *FULL_SCORE, value=FULL_SCORE, key="score_range")
    score = None if (low, high) == FULL_SCORE else (low, high)

    dates = None
    known = sorted(d for d in (report_date(r) for r in reports) if d is not None)
    if known and known[0] < known[-1]:
        chosen_dates = st.date_input("Published between", value=(known[0], known[-1]),
                                     min_value=known[0], max_value=known[-1], key="date_range")
        # While the user is picking, the widget holds only the start date: no restriction yet.
        if isinstance(chosen_dates, tuple) and len(chosen_dates) == 2 and chosen_dates != (known[0], known[-1]):
            dates = (chosen_dates[0], chosen_dates[1])
    return Scope(tuple(chosen), tuple(themes), tuple(statements), score, dates)
