"""Rendering pieces of the Streamlit app (`app.py`): each module lays out one part of the page.

Report text is data from outside: every module here shows it through `ui.safe`, never as raw
Markdown or HTML.
"""
