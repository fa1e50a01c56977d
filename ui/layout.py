"""Page-wide styles the app writes itself (no report text): what changes on a phone or a narrow
window, and what WCAG 2.2 AA needs beyond Streamlit's own styles. Streamlit gives each keyed
container the class `st-key-<key>`; the narrow-screen rules hang on them.

Under 640 px: the action plan shows as one card per action instead of the wide grid (which
showed one truncated column), the comparison as one short block per authority instead of its
table, other Markdown tables scroll sideways instead of squeezing their columns, and the title
takes less room.

Accessibility (checked by axe-core and the keyboard test in tests/e2e/test_accessibility.py):
- Focus: whatever the keyboard reaches gets a 3 px ring in the text colour, 2 px clear of it
  (at least 3:1 against the page and the widgets, WCAG 2.4.7 and 1.4.11). Streamlit's own ring
  is a half-transparent blue (2.2:1 on white), and text boxes, select boxes and the chat box only
  change their border's colour; those widgets ring their whole frame instead of the text field
  inside it, which the frame would clip.
- Target size: the day, month and year of the date filter and the text field of a multiselect
  are at least 24 x 24 px (WCAG 2.5.8; they were 18 x 20 and 12 x 28).
- Visually hidden text: read by screen readers, not drawn. The label of each conversation's
  rename/delete menu (an icon on screen, beside the conversation's title) is hidden so; Streamlit
  would otherwise name the icon-only button "more_vert icon".
"""

from __future__ import annotations

import streamlit as st

from ui.conversations import MENU_KEY

NARROW_PX = 640
FOCUS = "#0b0c0c"  # the theme's text colour (.streamlit/config.toml): 19:1 on white, 4.9:1 on the primary blue

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
:focus-visible {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
.react-aria-ComboBox > [role="group"]:has(input:focus-visible),
[data-testid="stTextInputRootElement"]:has(input:focus-visible),
[data-testid="stTextAreaRootElement"]:has(textarea:focus-visible),
[data-testid="stChatInput"] > div:has(textarea:focus-visible) {{
  outline: 3px solid {FOCUS} !important; outline-offset: 2px !important;
}}
.react-aria-ComboBox input:focus-visible, [data-testid="stTextInputField"]:focus-visible,
[data-testid="stTextAreaRootElement"] textarea:focus-visible, [data-testid="stChatInputTextArea"]:focus-visible {{
  outline: none !important;
}}
[data-testid="stDateInputField"] [role="spinbutton"] {{
  display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px; text-align: center;
}}
[data-testid="stDateInputField"] [role="spinbutton"]:focus-visible {{ outline-offset: -3px !important; }}
[data-testid="stMultiSelectTagsContainer"] input {{ min-width: 24px !important; }}
[class*="st-key-{MENU_KEY}"] [data-testid="stPopoverButton"] [data-testid="stMarkdownContainer"] {{
  position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px !important;
  padding: 0 !important; overflow: hidden !important; clip-path: inset(50%) !important; white-space: nowrap !important;
  border: 0 !important;
}}
</style>
"""


def page_styles() -> None:
    st.html(STYLES)
