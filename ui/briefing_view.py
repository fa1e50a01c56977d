"""The briefing on one report (Library mode): choose a report, read its rating, scores and summary
sections with their sources, take it away as Word or Markdown.

The briefing is kept in the session under its report's id, so it survives the reruns a download
or a source card's button causes, and is dropped when that report leaves the library.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.papers.briefing import NOT_COVERED, Asks, Briefing, brief, export_briefing
from cqc.ids import slugify
from ui.cards import show_answer
from ui.library import report_name
from ui.safe import escape
from cqc.records import ReportEntry

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file_bytes(b: Briefing, name: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return export_briefing(b, Path(tmp) / name).read_bytes()


def briefing_files(b: Briefing) -> list[tuple[str, Callable[[], bytes], str]]:
    """(file name, what writes it, mime) of the briefing as Word and Markdown. Written when a
    download is clicked, not on every rerun of the page that shows the briefing."""
    stem = f"briefing-{slugify(b.report.authority)}"
    return [(f"{stem}{suffix}", partial(_file_bytes, b, f"{stem}{suffix}"), mime)
            for suffix, mime in ((".docx", DOCX_MIME), (".md", "text/markdown"))]


def scores_frame(b: Briefing) -> pd.DataFrame:
    return pd.DataFrame([{"Theme": s.theme, "Quality statement": s.statement,
                          "Score": s.score, "What the score means": s.band} for s in b.scores])


def show_briefing(b: Briefing) -> None:
    st.markdown(f"#### {escape(b.title)}")
    st.markdown(escape(b.headline()))
    with st.container(horizontal=True, gap="small"):
        for name, data, mime in briefing_files(b):
            st.download_button(f"Download {Path(name).suffix.lstrip('.').upper()}", data, file_name=name, mime=mime,
                               key=f"brief-{name}", on_click="ignore", icon=":material/download:")
    st.dataframe(scores_frame(b), hide_index=True, width="stretch",
                 column_config={"Score": st.column_config.NumberColumn("Score", format="%d")})
    if low := b.lowest():
        st.caption(escape("Lowest scored: " + ", ".join(s.statement for s in low)))
    for n, section in enumerate(b.sections):
        st.markdown(f"##### {escape(section.title)}")
        if section.covered:
            show_answer(section.answer, f"brief-{n}", n, cards="collapsed")
        else:
            st.info(NOT_COVERED)


def briefing_view(get_assistant: Callable[[], Asks], reports: list[ReportEntry]) -> None:
    named = {report_name(r): r for r in reports if r.authority}
    if not named:
        st.caption("No report in the library names its authority, so none can be briefed on.")
        return
    with st.form("briefing_form"):
        label = st.selectbox("Report", list(named), index=None, placeholder="Choose a report", key="brief_choice")
        asked = st.form_submit_button("Write the briefing", icon=":material/summarize:")
    if asked and label is None:
        st.warning("Choose a report first.")
    elif asked:
        with st.spinner("Reading the report's summaries…"):
            st.session_state["briefing"] = brief(get_assistant(), named[label])
    b: Briefing | None = st.session_state.get("briefing")
    if b is not None and b.report.report_id in {r.report_id for r in reports}:
        show_briefing(b)
