"""An answer and its source cards: each [n] in the answer links to the card of finding n.

A card shows where the finding comes from (authority, quality statement and its score, heading),
the whole paragraph with the cited sentence highlighted, where it sits in the original (page of
the PDF, page of the saved web site) and a button that hands over the original file.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.models import Answer, Citation
from ui.filters import answer_chips, chips_markdown
from ui.safe import anchor_id, answer_markdown, escape, finding_markdown

MIME = {".pdf": "application/pdf", ".md": "text/markdown", ".txt": "text/plain"}


def card_title(c: Citation) -> str:
    statement = c.quality_statement or "Overview"
    score = f" (score {c.score})" if c.score is not None else ""
    return f"[{c.marker}] {c.authority or 'Unknown authority'} · {statement}{score}"


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
    return None


def where_text(c: Citation) -> str:
    name = Path(c.source).name if c.source else ""
    if c.location and name and c.location != name:
        return f"{c.location} of {name}"
    return c.location or name


def card_anchor(turn_id: str, column: int, marker: int) -> str:
    return anchor_id("src", turn_id, column, marker)


def show_card(c: Citation, anchor: str, key: str) -> None:
    # The anchor is our own id (validated by anchor_id), the only HTML the app writes itself.
    st.markdown(f'<div id="{anchor}" class="source-anchor"></div>', unsafe_allow_html=True)
    with st.container(border=True, key=f"card-{anchor}"):
        st.markdown(f"**{escape(card_title(c))}**")
        if c.heading:
            st.caption(escape(c.heading))
        st.markdown(finding_markdown(c.text, c.quote))
        where = where_text(c)
        st.caption(escape(f"Where: {where}" if where else "Where: not recorded"))
        path = original_file(c)
        if path is None:
            st.caption("Original file not found")
        else:
            # Handed over as a download, never rendered in the app's own page.
            st.download_button(
                f"Open the original ({path.suffix.lstrip('.').upper() or 'file'})",
                data=lambda p=path: p.read_bytes(), file_name=path.name,
                mime=MIME.get(path.suffix.lower(), "application/octet-stream"),
                key=f"open-{key}", on_click="ignore", icon=":material/download:", type="tertiary",
            )


def show_answer(answer: Answer, turn_id: str, column: int = 0, extra_chips: list[str] | None = None,
                cards: bool = True) -> None:
    def link(n: int) -> str:
        return "#" + card_anchor(turn_id, column, n)

    text = answer_markdown(answer.answer, link if cards else None)
    if answer.abstained:
        st.info(text)
    else:
        st.markdown(text)
    chips = answer_chips(answer.filters, extra_chips or [])
    if chips:
        st.markdown(chips_markdown(chips))
    notes = []
    if answer.standalone_question and answer.standalone_question != answer.question:
        notes.append(f"Answered as: {answer.standalone_question}")
    notes.append(f"Answered by: {getattr(answer, 'backend', '') or answer.kind}")
    st.caption(escape(" · ".join(notes)))
    if cards:
        for c in answer.citations:
            show_card(c, card_anchor(turn_id, column, c.marker), f"{turn_id}-{column}-{c.marker}")

