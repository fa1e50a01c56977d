"""The lines that say which report a page belongs to: its title and its publication date.

Every page of a report on the regulator's site repeats the title ("<Authority>: local authority
assessment"; the 2023 pilot reports "<Authority> assessment"); only the summary and About pages
carry a date ("Published: 8 November 2024 Page last updated: ...", "Assessment published: 16
August 2024"). The loaders, the page reader and the structure reader share these patterns.
"""

from __future__ import annotations

import re

from cqc.text.dates import parse_date

# "Kingsmere Metropolitan Borough Council: local authority assessment" (also "-" or a dash)
_TITLE = re.compile(r"^(?P<name>.+?)\s*[:\-–—]\s*local authority assessment\b", re.IGNORECASE)
# The pilot's "Severn Marches County Council assessment": only a name that reads as a council or
# an area ("... Council", "County ...", "... Borough", "City of ...") makes this a title, so a
# sub-heading such as "Care Act assessment" never does.
_PILOT_TITLE = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’.-]*\s+|(?:and|of|upon|on|the|in)\s+){0,7}[A-Z][\w'’.-]*)\s+assessment$"
)
_COUNCIL_WORD = re.compile(r"\b(council|county|borough|city|district|corporation|royal|metropolitan)\b", re.IGNORECASE)
TITLE_LINES = 4  # a page's title is among its first blocks, before any heading of the report

_DATE_LABEL = re.compile(
    r"^(?:assessment\s+)?(?:published|date published|publication date|date of publication)\s*:?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_DATE_TEXT = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b"
    r"|\b[A-Za-z]{3,9}\s+\d{1,2},\s+\d{4}\b"
)


def title_name(text: str) -> str | None:
    """The authority or area a title line names, or None when the line is not a report title."""
    text = text.strip()
    m = _TITLE.match(text)
    if m:
        return m.group("name").strip()
    m = _PILOT_TITLE.match(text)
    if m and _COUNCIL_WORD.search(m.group("name")):
        return m.group("name").strip()
    return None


def published_date(text: str) -> str:
    """The publication date a line gives ("Published: 8 November 2024 Page last updated: 9
    November 2024" gives the first), or empty."""
    m = _DATE_LABEL.match(text.strip())
    if not m:
        return ""
    found = _DATE_TEXT.search(m.group("rest"))
    return parse_date(found.group(0)) if found else ""
