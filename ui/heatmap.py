"""The nine quality statement scores across authorities as one grid; a click filters the chat.

Rows are the quality statements in the regulator's order, columns the authorities (their latest
report), colour and label the score 1–4. Clicking a cell (an Altair point selection, returned to
Python by `st.altair_chart(on_select=...)`) sets the sidebar's authority and quality statement
filters and switches to Ask; a pair of select boxes does the same without a pointer.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from cqc.framework import QUALITY_STATEMENTS
from cqc.records import ReportEntry

STATEMENTS = [qs.name for qs in QUALITY_STATEMENTS]
SCORE_COLOURS = ["#d7301f", "#fc8d59", "#91cf60", "#1a9850"]  # 1 (worst) .. 4 (best)
SCORE_MEANING = {1: "1: significant shortfalls", 2: "2: some shortfalls", 3: "3: good", 4: "4: exceptional"}

ROW_PX = 44
HEADER_PX = 190  # authority names over up to three lines above, the legend (four short rows) below
LABEL_PX = 150  # statement names wrap over two lines: the cells keep their width on a 390 px phone
Pick = Callable[[str, str], None]  # (authority, quality statement)


def latest_reports(reports: list[ReportEntry]) -> list[ReportEntry]:
    """One report per authority, the most recently published."""
    latest: dict[str, ReportEntry] = {}
    for r in reports:
        if r.authority and (r.authority not in latest or r.published > latest[r.authority].published):
            latest[r.authority] = r
    return [latest[a] for a in sorted(latest)]


def two_lines(name: str) -> list[str]:
    """A statement's name over two lines, split at the space nearest its middle."""
    words = name.split()
    if len(words) < 3:
        return [name]
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def short_authority(name: str) -> str:
    from ui.suggestions import short_name

    return short_name(name)


def heatmap_frame(reports: list[ReportEntry]) -> pd.DataFrame:
    rows = [
        {"authority": r.authority, "short": short_authority(r.authority), "statement": s, "score": r.scores[s],
         "meaning": SCORE_MEANING.get(r.scores[s], "")}
        for r in latest_reports(reports)
        for s in STATEMENTS
        if s in r.scores
    ]
    return pd.DataFrame(rows, columns=["authority", "short", "statement", "score", "meaning"])


def heatmap_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Statements down the side (long names read best horizontally), authorities across the top.

    Labels are short so the cells keep their size on a phone: statements over two lines, each
    authority by its short name (the tooltip gives the full one); the legend wraps under the grid.
    """
    pick = alt.selection_point(name="cell", fields=["authority", "statement"], on="click", clear="dblclick")
    statement_lines = json.dumps({s: two_lines(s) for s in STATEMENTS})
    short_names = json.dumps(dict(zip(frame["authority"], frame["short"])))
    base = alt.Chart(frame).encode(
        y=alt.Y("statement:N", sort=STATEMENTS, title=None, axis=alt.Axis(
            labelLimit=LABEL_PX, labelFontSize=12, labelLineHeight=14,
            labelExpr=f"{statement_lines}[datum.label] || datum.label")),
        x=alt.X("authority:N", title=None, axis=alt.Axis(
            # Short names at a slant: every column keeps its name even when a phone makes columns narrow
            # (level names wider than their column are hidden by Vega).
            orient="top", labelAngle=-35, labelAlign="left", labelBaseline="middle", labelOverlap=False,
            labelFontSize=12, labelFontWeight="bold", labelPadding=4, labelLimit=120,
            labelExpr=f"{short_names}[datum.label] || datum.label")),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=3, cursor="pointer").encode(
        color=alt.Color("score:O", title="Score", scale=alt.Scale(domain=[1, 2, 3, 4], range=SCORE_COLOURS),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=200, labelExpr="datum.label + ' = ' + "
                                          "['', 'significant shortfalls', 'some shortfalls', 'good', 'exceptional']"
                                          "[datum.value]")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("authority:N", title="Authority"), alt.Tooltip("statement:N", title="Quality statement"),
                 alt.Tooltip("meaning:N", title="Score")],
    ).add_params(pick)
    labels = base.mark_text(fontSize=16, fontWeight="bold", color="white").encode(text="score:Q")
    # Streamlit sizes the whole chart (axes and legend included) to this height.
    return (cells + labels).properties(height=HEADER_PX + ROW_PX * len(STATEMENTS))


def _picked_from_chart(on_pick: Pick) -> None:
    state = st.session_state.get("heatmap")
    cells = (state or {}).get("selection", {}).get("cell", [])
    if cells:
        on_pick(cells[0]["authority"], cells[0]["statement"])


def show_heatmap(reports: list[ReportEntry], on_pick: Pick) -> None:
    frame = heatmap_frame(reports)
    if frame.empty:
        st.caption("No quality statement scores in the library yet.")
        return
    st.altair_chart(heatmap_chart(frame), key="heatmap", on_select=lambda: _picked_from_chart(on_pick),
                    selection_mode="cell", width="stretch")
    st.caption("Click a cell to ask about that authority and quality statement.")
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    authority = left.selectbox("Authority", sorted(frame["authority"].unique()), key="pick_authority")
    statement = middle.selectbox("Quality statement", STATEMENTS, key="pick_statement")
    right.button("Filter the chat", key="pick_button", on_click=on_pick, args=(authority, statement))
