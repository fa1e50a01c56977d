"""Which authority a page, a file or a report is of, from its title and its text.

The national list of councils comes first (`cqc.councils`): a title naming a council on it, by
any of its names ("Hammersmith and Fulham", "Royal Borough of Windsor & Maidenhead", "County
Durham"), gives that council's official name, so every page of a report is stored under one whole
name whatever each page calls it. A title the list does not know (our fictional councils, a
council formed after the list was written) keeps the older rules: a title that names a council
stands, and an area title ("Calderholt") takes the council the text names for that area
("Calderholt Metropolitan Borough Council").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cqc.councils import council_named
from cqc.models import Block

__all__ = ["authority_of", "authority_in_text"]

# A council named in a report's text: "Durham County Council", "Hammersmith & Fulham Council",
# "Blackburn with Darwen Borough Council", "Stockton-on-Tees Borough Council".
_COUNCIL_NAME = re.compile(
    r"\b((?:[A-Z][\w'’-]+(?:\s*&\s*|\s+(?:(?:and|upon|on|of|the|with)\s+)?)){1,6}"
    r"(?:County Council|City Council|Metropolitan Borough Council|Borough Council|District Council|Council))\b"
)
_LEADING = re.compile(r"^(?:The|In|At|By|For|From|With|And)\s+")
_FRAMING_WORDS = {"county", "city", "borough", "of", "the", "and", "upon", "on", "with", "royal", "london",
                  "metropolitan", "council"}
_NAMES_A_COUNCIL = re.compile(r"\b(council|borough of|city of|corporation)\b", re.IGNORECASE)


def authority_of(title_name: str, blocks: Iterable[Block]) -> str:
    """The official name of the council the title names when it is on the national list, else
    the council the text names for an area title; empty when neither (the title then stands)."""
    if not title_name:
        return ""
    council = council_named(title_name, typos=False)  # a fictional council one letter from a real one stays itself
    if council is not None:
        return council.name
    return authority_in_text(title_name, blocks)


def _distinctive(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z']+", name)} - _FRAMING_WORDS


def authority_in_text(area: str, blocks: Iterable[Block]) -> str:
    """The council a page's text names for an area title ("Calderholt" -> "Calderholt
    Metropolitan Borough Council"): the council name used most often that carries every
    distinctive word of the area (so "Eastholm & Westholm Council", never its tail "Westholm
    Council"), as the national list names it when it is on the list. Empty when the title
    already names a council, or the text names none."""
    if _NAMES_A_COUNCIL.search(area):
        return ""
    words = _distinctive(area)
    if not words:
        return ""
    counts: dict[str, int] = {}
    for block in blocks:
        for m in _COUNCIL_NAME.finditer(block.text):
            name = _LEADING.sub("", m.group(1)).strip()
            if words <= _distinctive(name):
                listed = council_named(name, typos=False)
                name = listed.name if listed is not None else name
                counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda n: (counts[n], len(n))) if counts else ""
