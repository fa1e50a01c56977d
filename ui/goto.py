"""Going to the Measures view from elsewhere in the app: a ranking answer's "See every council"
button, a figure in a source card, or a Compare table on a measure. Kept apart from
`ui.measures_view` so the cards can offer it without importing the view (which shows cards itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from assistant.models import Citation
    from vectorstore.store import LibraryStore

MEASURES = "Measures"  # the mode's name, as app.py lists it
PICK = "measure_pick"  # the Measures view's measure box
SOURCE = "measure_source"  # its "Show the source of" box
GOTO = "goto_mode"  # a mode to switch to at the next run (app.py reads it)
FIGURE_MEASURES = "_figure_measures"  # app.py: citation -> the measures its sentence gives a council's figure of


def open_measure(key: str) -> None:
    """Show this measure (a vocabulary key) in the Measures view."""
    st.session_state[PICK] = key
    st.session_state.pop(SOURCE, None)
    st.session_state[GOTO] = MEASURES


def figure_measures(store: LibraryStore) -> Callable[[Citation], list[str]]:
    """For a source card: the measures its cited sentence gives the council's own figure of."""
    def measures_of(c: Citation) -> list[str]:
        report_id = c.chunk_id.split(":")[0]
        records = store.measures([c.authority], [], [report_id]) if c.authority else []
        found = [r.measure for r in records if r.chunk_id == c.chunk_id and r.measure != "other" and r.role == "value"
                 and not r.part and (not c.quote or r.sentence in c.quote or c.quote in r.sentence)]
        return list(dict.fromkeys(found))
    return measures_of
