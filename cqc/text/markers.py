"""The citation marker: "[3]" after a sentence names the finding it rests on.

Only the assistant writes markers. Report text that holds one ("see note [3]") is defused at
ingest to "(3)", so a reader never mistakes the report's bracket for a citation, and every marker
in an answer is one the assistant wrote.
"""

from __future__ import annotations

import re

MARKER_TEXT = r"\[\d+\]"
MARKER = re.compile(r"\[(\d+)\]")  # group 1: the finding's number
# The forms a chat model writes a marker in: "[2]", "[2, 5]", "[ Finding 2 ]".
MODEL_MARKER = re.compile(r"\s*\[\s*(?:findings?\s*)?\d+(?:\s*[,;]\s*\d+)*\s*\]", re.IGNORECASE)


def marker(number: int) -> str:
    return f"[{number}]"


def cited_numbers(text: str) -> list[int]:
    """The finding numbers a text cites, in order, repeats kept."""
    return [int(m) for m in MARKER.findall(text)]


# An answer cites at most a few hundred findings, so a bracketed year ("[2024]") in a report is left
# as written: it could never be taken for one of the answer's markers.
_FORGEABLE_MARKER = re.compile(r"\[(\d{1,3})\]")


def defuse_markers(text: str) -> str:
    """'[3]' in a report becomes '(3)': only the assistant writes citation markers."""
    return _FORGEABLE_MARKER.sub(r"(\1)", text)
