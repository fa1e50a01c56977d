"""Going to the Measures view from elsewhere in the app: a ranking answer's "See every council"
button, a figure in a source card, or a Compare table on a measure. Kept apart from
`ui.measures_view` so the cards can offer it without importing the view (which shows cards itself)."""

from __future__ import annotations

import streamlit as st

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
