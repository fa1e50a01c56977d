"""The nine quality statement scores across authorities as one grid; a click filters the chat.

Rows are the quality statements in the regulator's order, columns the authorities (their latest
report), colour and label the score 1–4. Clicking a cell (an Altair point selection, returned to
Python by `st.altair_chart(on_select=...)`) sets the sidebar's authority and quality statement
filters and switches to Ask; a pair of select boxes does the same without a pointer (or by keyboard).

The same scores follow as a table under an expander (`ui.text_alternatives`), for screen readers
and for anyone who cannot read the colours; each cell's number is printed in a colour that reads
on it (at least 4.5:1), and the chart names itself to assistive technology (`description`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from cqc.framework import QUALITY_STATEMENTS
from cqc.records import ReportEntry
from ui.text_alternatives import data_table

STATEMENTS = [qs.name for qs in QUALITY_STATEMENTS]
SCORE_COLOURS = ["#d7301f", "#fc8d59", "#91cf60", "#1a9850"]  # 1 (worst) .. 4 (best)
# The score printed on each cell: white on the dark red (4.9:1), near-black on the others (8.5, 10.5
# and 5.3:1). White on all four read at 2.3, 1.9 and 3.7:1 on the orange and the two greens.
LABEL_COLOURS = ["#ffffff", "#0b0c0c", "#0b0c0c", "#0b0c0c"]
TEXT = "#0b0c0c"  # axis and legend labels in the theme's text colour: Vega's default grey read 3.9:1 on white
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
            labelLimit=LABEL_PX, labelFontSize=12, labelLineHeight=14, labelColor=TEXT,
            labelExpr=f"{statement_lines}[datum.label] || datum.label")),
        x=alt.X("authority:N", title=None, axis=alt.Axis(
            # Short names at a slant: every column keeps its name even when a phone makes columns narrow
            # (level names wider than their column are hidden by Vega).
            orient="top", labelAngle=-35, labelAlign="left", labelBaseline="middle", labelOverlap=False,
            labelFontSize=12, labelFontWeight="bold", labelPadding=4, labelLimit=120, labelColor=TEXT,
            labelExpr=f"{short_names}[datum.label] || datum.label")),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=3, cursor="pointer").encode(
        color=alt.Color("score:O", title="Score", scale=alt.Scale(domain=[1, 2, 3, 4], range=SCORE_COLOURS),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=200, labelColor=TEXT, titleColor=TEXT, labelExpr="datum.label + ' = ' + "
                                          "['', 'significant shortfalls', 'some shortfalls', 'good', 'exceptional']"
                                          "[datum.value]")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("authority:N", title="Authority"), alt.Tooltip("statement:N", title="Quality statement"),
                 alt.Tooltip("meaning:N", title="Score")],
    ).add_params(pick)
    labels = base.mark_text(fontSize=16, fontWeight="bold").encode(
        text="score:Q",
        color=alt.Color("score:O", scale=alt.Scale(domain=[1, 2, 3, 4], range=LABEL_COLOURS), legend=None))
    # Streamlit sizes the whole chart (axes and legend included) to this height.
    return (alt.layer(cells, labels).resolve_scale(color="independent")  # the labels' colours are their own
            .properties(height=HEADER_PX + ROW_PX * len(STATEMENTS), description=chart_description(frame)))


def chart_description(frame: pd.DataFrame) -> str:
    """The chart's name for assistive technology: what it shows and where its numbers are as text."""
    count = frame["authority"].nunique()
    return (f"Heatmap of the nine quality statement scores, 1 to 4, for {count} "
            f"authorit{'y' if count == 1 else 'ies'}. The same scores are in the table that follows the chart.")


def scores_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The heatmap as a table, laid out as the chart is: a row per quality statement, a column per
    authority, each cell the score and what it means ("2: some shortfalls")."""
    table = frame.pivot(index="statement", columns="authority", values="meaning")
    table = table.reindex([s for s in STATEMENTS if s in table.index])
    table.index.name = "Quality statement"
    table.columns.name = None
    return table.fillna("no score")


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
    data_table(scores_table(frame), "The scores as a table",
               alt="Quality statement scores by authority: one row per quality statement, one column per authority")
    st.caption("Click a cell to ask about that authority and quality statement, or choose them here:")
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    authority = left.selectbox("Authority", sorted(frame["authority"].unique()), key="pick_authority")
    statement = middle.selectbox("Quality statement", STATEMENTS, key="pick_statement")
    right.button("Filter the chat", key="pick_button", on_click=on_pick, args=(authority, statement))
