"""Report text shown as text: Markdown escaping, citation links and highlighted quotes.

Answers and findings are sentences copied from reports, and a report may hold HTML, a script
tag, a Markdown image or link, LaTeX ($) or Streamlit directives (:red[...]). Every ASCII
punctuation mark that can start such a construct is backslash-escaped, so it renders as the
characters typed; only the structure the app itself adds (bold authority names, numbered
actions, citation links, highlights) is real Markdown. Nothing here uses unsafe_allow_html.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.inert import break_autolinks

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:=^\"])")
_MARKER = re.compile(r"(\[\d+\])")  # citation markers: [1]
_BULLET = re.compile(r"^- \*\*(.+?)\*\*: (.*)$")  # comparison answers: - **Authority**: text
_NUMBERED = re.compile(r"^(\d+)\. (.*)$")  # action lists: 1. sentence [1]
_ANCHOR = re.compile(r"^[a-z0-9-]+$")

MarkerLink = Callable[[int], str]  # marker number -> "#anchor" of its source card


def escape(text: str) -> str:
    return break_autolinks(_MD_SPECIAL.sub(r"\\\1", text))


def anchor_id(*parts: object) -> str:
    """An element id built only from our own values (turn ids, column and marker numbers)."""
    anchor = "-".join(re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts)
    if not _ANCHOR.match(anchor):
        raise ValueError(f"not a safe anchor id: {anchor!r}")
    return anchor


def escape_keeping_markers(text: str, link: MarkerLink | None = None) -> str:
    """Escaped text in which each [n] stays a marker, linked to its source card when `link` is given."""
    out = []
    for part in _MARKER.split(text):
        if _MARKER.fullmatch(part):
            n = int(part[1:-1])
            out.append(f"[\\[{n}\\]]({link(n)})" if link else part)
        else:
            out.append(escape(part))
    return "".join(out)


def answer_markdown(text: str, link: MarkerLink | None = None) -> str:
    """The answer as Markdown in which only the assistant's own bullets, numbers and markers render."""
    lines = []
    for line in text.splitlines():
        if m := _BULLET.match(line):
            lines.append(f"- **{escape(m[1])}**: {escape_keeping_markers(m[2], link)}")
        elif m := _NUMBERED.match(line):
            lines.append(f"{m[1]}. {escape_keeping_markers(m[2], link)}")
        else:
            lines.append(escape_keeping_markers(line, link))
    return "\n\n".join(lines)  # blank lines: each line its own paragraph or list item


def quoted_pieces(text: str, quote: str) -> list[str]:
    """The cited sentence(s) as they occur in the finding (a quote is one sentence per line)."""
    pieces = [quote] if quote and quote in text else quote.split("\n")
    return [p for p in pieces if p.strip() and p in text]


HIGHLIGHT = ":color[**{}**]{{background=\"#fff0a0\"}}"  # bold as well as coloured: readable without colour vision


def finding_markdown(text: str, quote: str) -> str:
    """The whole finding, escaped, with the quoted sentence(s) highlighted so the reader finds them."""
    body = escape(text)
    for piece in quoted_pieces(text, quote):
        if piece != text:
            body = body.replace(escape(piece), HIGHLIGHT.format(escape(piece)), 1)
        else:
            body = HIGHLIGHT.format(body)
    return body.replace("\n", "  \n")  # keep the report's own line breaks (score lists, tables)
