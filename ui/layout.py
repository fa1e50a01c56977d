"""Page-wide styles the app writes itself (no report text): what changes on a phone or a narrow
window. Streamlit gives each keyed container the class `st-key-<key>`; these rules hang on them.

Under 640 px: the action plan shows as one card per action instead of the wide grid (which
showed one truncated column), the comparison as one short block per authority instead of its
table, other Markdown tables scroll sideways instead of squeezing their columns, and the title
takes less room.
"""

from __future__ import annotations

import streamlit as st

NARROW_PX = 640

STYLES = f"""
<style>
@media (max-width: {NARROW_PX}px) {{
  .st-key-plan-grid, [class*="st-key-cmp-table-"] {{ display: none; }}
  [data-testid="stMarkdownContainer"] table {{ display: block; overflow-x: auto; }}
  h1 {{ font-size: 1.5rem !important; }}
}}
@media (min-width: {NARROW_PX + 1}px) {{
  .st-key-plan-cards, [class*="st-key-cmp-cards-"] {{ display: none; }}
}}
</style>
"""


def narrow_screen_styles() -> None:
    st.html(STYLES)
