"""The sidebar's filters (authority, theme, quality statement, overall score, date) and their chips.

Authority, theme and quality statement go to the search as a `SearchFilter`. Score and date are
properties of a report, so they become the list of reports the search may read from: exact, and
nothing the store has to know about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from cqc.framework import QUALITY_STATEMENTS, THEMES
from cqc.records import ReportEntry, SearchFilter
from ui.safe import escape

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


FILTER_KEYS = ("authorities", "themes", "statements", "score_range", "date_range")


def library_dates(reports: list[ReportEntry]) -> tuple[date, date] | None:
    """The first and last publication dates in the library, or None when fewer than two differ."""
    known = sorted(d for d in (report_date(r) for r in reports) if d is not None)
    return (known[0], known[-1]) if known and known[0] < known[-1] else None


def follow_library(reports: list[ReportEntry]) -> None:
    """Keep the sidebar's choices valid for the library as it is now.

    A date range left at the whole library's range means "no restriction": when reports are
    added or removed it moves with the library, so a new report is never hidden by the range of
    the library as it was. A range the user narrowed is kept (clamped to the library's), and
    shows in the scope banner. Chosen authorities that are no longer in the library are dropped.
    """
    state = st.session_state
    bounds = library_dates(reports)
    before = state.get("_date_bounds")
    if bounds != before:
        chosen = state.get("date_range")
        if bounds is None:
            state.pop("date_range", None)
        elif before is None or not isinstance(chosen, (tuple, list)) or len(chosen) != 2 or tuple(chosen) == before:
            state["date_range"] = bounds
        else:
            start, end = max(chosen[0], bounds[0]), min(chosen[1], bounds[1])
            state["date_range"] = (start, end) if start <= end else bounds
        state["_date_bounds"] = bounds
    names = {r.authority for r in reports if r.authority}
    if "authorities" in state:
        state["authorities"] = [a for a in state["authorities"] if a in names]


def clear_filters() -> None:
    """The banner's "Clear" button: every filter back to the whole library."""
    state = st.session_state
    for key in ("authorities", "themes", "statements"):
        state[key] = []
    state["score_range"] = FULL_SCORE
    if state.get("_date_bounds"):
        state["date_range"] = state["_date_bounds"]


def choose_scope(reports: list[ReportEntry]) -> Scope:
    follow_library(reports)
    st.header("Filters")
    authorities = sorted({r.authority for r in reports if r.authority})
    chosen = st.multiselect("Authorities", authorities, key="authorities", placeholder="All authorities")
    themes = st.multiselect("Themes", list(THEMES.values()), key="themes", placeholder="All themes")
    statements = st.multiselect("Quality statements", [qs.name for qs in QUALITY_STATEMENTS],
                                key="statements", placeholder="All quality statements")
    st.session_state.setdefault("score_range", FULL_SCORE)
    low, high = st.slider("Overall score", *FULL_SCORE, key="score_range")
    score = None if (low, high) == FULL_SCORE else (low, high)

    dates = None
    bounds = library_dates(reports)
    if bounds is not None:
        chosen_dates = st.date_input("Published between", min_value=bounds[0], max_value=bounds[1], key="date_range")
        # While the user is picking, the widget holds only the start date: no restriction yet.
        if isinstance(chosen_dates, tuple) and len(chosen_dates) == 2 and chosen_dates != bounds:
            dates = (chosen_dates[0], chosen_dates[1])
    return Scope(tuple(chosen), tuple(themes), tuple(statements), score, dates)


def scope_chips(scope: Scope) -> list[str]:
    """Every active filter, one chip each, in the sidebar's order."""
    chips = [f"Authority: {a}" for a in scope.authorities]
    chips += [f"Theme: {t}" for t in scope.themes]
    chips += [f"Quality statement: {q}" for q in scope.statements]
    return chips + scope.report_chips()


def scope_banner(scope: Scope, reports: list[ReportEntry]) -> None:
    """One line above the chat naming every active filter, with a button that clears them all:
    a filter the user forgot about must never silently hide a report."""
    chips = scope_chips(scope)
    if not chips:
        return
    ids = scope.report_ids(reports)
    held = len({r.authority for r in reports if r.authority})
    left = len({r.authority for r in reports if r.authority and (ids is None or r.report_id in ids)
                and (not scope.authorities or r.authority in scope.authorities)})
    with st.container(border=True, key="scope-banner", horizontal=True, vertical_alignment="center"):
        st.markdown(f"**Answers only from:** {chips_markdown(chips)}  \n"
                    + escape(f"{left} of the {held} authorities in the library are in scope."),
                    width="stretch")
        st.button("Clear", key="clear_filters", on_click=clear_filters, icon=":material/filter_alt_off:",
                  help="Remove every filter: answers from the whole library")


# -- my council ------------------------------------------------------------------------------------
NO_HOME = "(none)"


def resolve_authority(name: str, authorities: list[str]) -> str | None:
    """A configured council name matched to one in the library: exactly, or by its first words
    ("Kingsmere" for "Kingsmere Metropolitan Borough Council"), ignoring case."""
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        return None
    for a in authorities:
        if a.casefold() == wanted:
            return a
    starts = [a for a in authorities if a.casefold().startswith(wanted + " ")]
    return starts[0] if len(starts) == 1 else None


def choose_home(reports: list[ReportEntry], configured: str = "") -> str | None:
    """The user's own council: questions that say "our" or "we" are about it.

    Kept for the browser session (and in the page's address, so a reload keeps it); the first
    default is `configured` (CQC_HOME_AUTHORITY) when it names a council in the library.
    """
    authorities = sorted({r.authority for r in reports if r.authority})
    state = st.session_state
    if "home_authority" not in state:
        start = st.query_params.get("home") or configured
        state["home_authority"] = resolve_authority(start, authorities) or NO_HOME
    elif state["home_authority"] not in authorities:
        state["home_authority"] = NO_HOME

    def remember() -> None:
        home = st.session_state.get("home_authority")
        if home and home != NO_HOME:
            st.query_params["home"] = home
        else:
            st.query_params.pop("home", None)

    home = st.selectbox("My council", [NO_HOME] + authorities, key="home_authority", on_change=remember,
                        help="Questions that say \"our\" or \"we\" and name no council are about this one.")
    return None if home == NO_HOME else home
