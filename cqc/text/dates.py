"""Dates: month names, the ways reports write a date, and the dates a question names.

Month names are matched as written here (capitalised) unless the caller's pattern ignores case.
"""

from __future__ import annotations

import re
from datetime import datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONTH_NAMES = "|".join(MONTHS)  # a regular-expression alternation: "January|February|..."
# A year, or a financial year: "2024", "2022/23", "2022/2023".
YEAR = r"\b(?:19|20)\d\d(?:/\d\d(?:\d\d)?)?\b"

_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y", "%b %d, %Y")


def parse_date(text: str) -> str:
    """ISO date from the ways reports write it; empty when it is not a date."""
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


_ISO_DATE = re.compile(r"\b(20\d\d)-(\d\d)(?:-(\d\d))?\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({MONTH_NAMES})\s+(20\d\d)\b", re.IGNORECASE)
_YEAR_ALONE = re.compile(r"\b(20\d\d)\b")
_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(MONTHS, 1)}


def dates_named(text: str) -> list[str]:
    """Date prefixes a text names ("2024", "2024-09", "2024-09-04"), most precise first."""
    found: list[str] = []
    rest = text
    for m in _ISO_DATE.finditer(text):
        found.append("-".join(p for p in m.groups() if p))
    rest = _ISO_DATE.sub(" ", rest)
    for m in _DAY_MONTH_YEAR.finditer(rest):
        month = _MONTH_NUMBER[m.group(2).lower()]
        found.append(f"{m.group(3)}-{month:02d}" + (f"-{int(m.group(1)):02d}" if m.group(1) else ""))
    rest = _DAY_MONTH_YEAR.sub(" ", rest)
    found += _YEAR_ALONE.findall(rest)
    return sorted(dict.fromkeys(found), key=len, reverse=True)
