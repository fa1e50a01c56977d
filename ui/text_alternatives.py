"""A chart's data as a table (WCAG 1.1.1 non-text content, 1.3.1 info and relationships): every
chart in the app is followed by its numbers in a real HTML table, under an expander.

Why an expander and not a table hidden off screen for screen readers only: the people who need
the numbers are not only screen reader users. Someone who cannot tell the heatmap's red from its
green, who reads with a magnifier, who drives the page by voice or who wants to copy the scores
into a paper needs them as much, and a hidden table gives them nothing; a table that a screen
reader meets but a sighted keyboard user cannot see is also confusing when the two work together.
An expander is a native disclosure (`<details>`/`<summary>`): one key press opens it, a screen
reader announces it as collapsed or expanded, and the page keeps its length until it is wanted.

`st.table` writes a real `<table>` with header cells, which screen readers navigate by row and
column (`st.dataframe` draws on a canvas, with a grid of its own for assistive technology). It
renders Markdown in cells, so every header and cell goes through `ui.safe.escape`: chart data
holds report text (authority names).

    data_table(frame, "The scores as a table", alt="Quality statement scores by authority")
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.safe import escape


def escaped_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every header, index label and cell shown as the characters it holds."""
    out = frame.map(lambda v: "" if pd.isna(v) else escape(str(v)))
    out.columns = [escape(str(c)) for c in frame.columns]
    out.index = pd.Index([escape(str(i)) for i in frame.index], name=escape(str(frame.index.name or "")) or None)
    return out


def data_table(frame: pd.DataFrame, summary: str, *, alt: str, expanded: bool = False,
               row_headers: bool = True) -> None:
    """`frame` as a table under an expander titled `summary`; `alt` names the table for screen
    readers. With `row_headers` the frame's index is the first column, read as each row's header
    (a chart's categories); without, the index is left out."""
    with st.expander(summary, expanded=expanded, icon=":material/table:"):
        st.table(escaped_frame(frame), alt=alt, hide_index=not row_headers)
