"""An answer and its source cards: each [n] in the answer links to the card of finding n, and
shows a short preview of the finding when the pointer rests on it.

A card shows where the finding comes from (authority, quality statement and its score, heading),
the whole paragraph with the cited sentence highlighted, where it sits in the original (page of
the PDF, page of the saved web site), a button that opens the original at that place
(`ui.viewer`) and one that hands over the file.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.models import Answer, Citation
from assistant.papers.export import written_by as export_written_by
from cqc.measures.vocabulary import vocabulary
from ui.filters import answer_chips, chips_markdown
from ui.goto import FIGURE_MEASURES, open_measure
from ui.safe import anchor_id, answer_markdown, escape, finding_markdown
from ui.viewer import original_dialog, original_of

MAX_OPEN_CARDS = 12  # more sources than this (a national ranking) are listed under an expander
MIME = {".pdf": "application/pdf", ".md": "text/markdown", ".txt": "text/plain"}


def card_title(c: Citation) -> str:
    statement = c.quality_statement or "Overview"
    score = f" (score {c.score})" if c.score is not None else ""
    closest = " · the closest finding, not an answer" if c.closest else ""
    return f"[{c.marker}] {c.authority or 'Unknown authority'} · {statement}{score}{closest}"


def original_file(c: Citation) -> Path | None:
    """The file the finding was read from: the source itself, or the page of a folder of pages."""
    source = Path(c.source) if c.source else None
    if source is None:
        return None
    if source.is_file():
        return source
    if source.is_dir() and c.location:
        page = source / Path(c.location).name
        if page.is_file():
            return page
    # Uploaded on another app machine: the database holds the file (app.py sets where to ask).
    elsewhere = st.session_state.get("_original_elsewhere")
    if elsewhere is not None:
        upload = source / Path(c.location).name if source.name == "uploads" and c.location else source
        return elsewhere(str(upload))
    return None


def where_text(c: Citation) -> str:
    """Where the finding sits: "page 4 of oakhurst.pdf", "larkbridge.html", or for a report read
    from several page files, the page and the report's authority (never the folder's name)."""
    source = Path(c.source) if c.source else None
    name = source.name if source else ""
    from_pages = source is not None and (source.is_dir() or (c.location and Path(c.location).suffix and c.location != name))
    if from_pages and c.location:
        of = f"{c.authority} report" if c.authority else "report"
        return f"{c.location} of the {of}" + (f" published {c.published}" if c.published else "")
    if c.location and name and c.location != name:
        return f"{c.location} of {name}"
    return c.location or name


def preview(c: Citation) -> str:
    """What the pointer shows over [n]: whose finding, on what, and the sentence relied on."""
    statement = f" · {c.quality_statement}" if c.quality_statement else ""
    return f"[{c.marker}] {c.authority or 'Unknown authority'}{statement}: {c.quote or c.text}"


def written_by(answer: Answer) -> str:
    """Who wrote the answer, in words a reader needs no glossary for ("" for "the reports do not say")."""
    if answer.abstained and not answer.citations:
        return ""
    return export_written_by(answer)


def card_anchor(turn_id: str, column: int, marker: int) -> str:
    return anchor_id("src", turn_id, column, marker)


def show_card(c: Citation, anchor: str, key: str, figures: bool = True) -> None:
    """A finding's card. With `figures`, a cited sentence that gives the council's own figure of a
    measure offers every council's figure of it (the Measures view)."""
    # The anchor is our own id (validated by anchor_id), the only HTML the app writes itself.
    st.markdown(f'<div id="{anchor}" class="source-anchor"></div>', unsafe_allow_html=True)
    with st.container(border=True, key=f"card-{anchor}"):
        st.markdown(f"**{escape(card_title(c))}**")
        if c.heading:
            st.caption(escape(c.heading))
        st.markdown(finding_markdown(c.text, c.quote))
        where = where_text(c)
        st.caption(escape(f"Where: {where}" if where else "Where: not recorded"))
        if figures:
            _figure_links(c, key)
        path = original_file(c)
        if path is None:
            st.caption("Original file not found")
            return
        original = original_of(c, path)
        with st.container(horizontal=True, gap="small"):
            if original is not None and st.button(original.label, key=f"view-{key}", type="tertiary",
                                                  icon=":material/open_in_new:",
                                                  help="The original report, at the place this finding comes from"):
                original_dialog(c, original)
            # Handed over as a download, never rendered in the app's own page.
            st.download_button(
                f"Download ({path.suffix.lstrip('.').upper() or 'file'})",
                data=lambda p=path: p.read_bytes(), file_name=path.name,
                mime=MIME.get(path.suffix.lower(), "application/octet-stream"),
                key=f"open-{key}", on_click="ignore", icon=":material/download:", type="tertiary",
            )


def _figure_links(c: Citation, key: str) -> None:
    measures_of = st.session_state.get(FIGURE_MEASURES)
    for measure in (measures_of(c) if callable(measures_of) else [])[:2]:
        m = vocabulary().measure(measure)
        if m is not None:
            st.button(f"Every council's figure: {m.name}", key=f"fig-{measure}-{key}", on_click=open_measure,
                      args=(measure,), type="tertiary", icon=":material/bar_chart:",
                      help="Every council's figure for this measure, side by side, in the Measures view")


def show_answer(answer: Answer, turn_id: str, column: int = 0, extra_chips: list[str] | None = None,
                cards: bool | str = True) -> None:
    """The answer, its chips and who wrote it, then its source cards: shown (True), under an
    expander ("collapsed", for compare columns that stack on a phone) or not at all (False)."""
    def link(n: int) -> str:
        return "#" + card_anchor(turn_id, column, n)

    previews = {c.marker: preview(c) for c in answer.citations}
    text = answer_markdown(answer.answer, link if cards else None, previews)
    if answer.abstained:
        st.info(text)
    else:
        st.markdown(text)
    chips = answer_chips(answer.filters, extra_chips or [])
    if chips:
        st.markdown(chips_markdown(chips))
    notes = []
    if answer.standalone_question and answer.standalone_question != answer.question:
        notes.append(f"Read as: {answer.standalone_question}")
    if who := written_by(answer):
        notes.append(who)
    if notes:
        st.caption(escape(" · ".join(notes)))
    if answer.measure and answer.rows:
        m = vocabulary().measure(answer.measure)
        st.button(f"See every council's figures in Measures: {m.name if m else answer.measure}",
                  key=f"open-measure-{turn_id}-{column}", on_click=open_measure, args=(answer.measure,),
                  icon=":material/bar_chart:", help="The same figures as a chart and a sortable table, with CSV")
    if not cards or not answer.citations:
        return
    if cards is True and len(answer.citations) > MAX_OPEN_CARDS:
        cards = "collapsed"  # a ranking of every council cites each one: its cards wait under an expander
    box = st.expander(f"Sources ({len(answer.citations)})") if cards == "collapsed" else st.container()
    with box:
        for c in answer.citations:
            show_card(c, card_anchor(turn_id, column, c.marker), f"{turn_id}-{column}-{c.marker}")
