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

from assistant.papers.inert import break_autolinks
from cqc.text.markers import MARKER_TEXT

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:=^\"])")
_MARKER = re.compile(rf"({MARKER_TEXT})")  # citation markers: [1]
_BULLET = re.compile(r"^- \*\*(.+?)\*\*( \([^()\n]*\))?: (.*)$")  # comparisons: - **Authority** (quoted): text
_HEADING = re.compile(r"^\*\*([^*\n]+)\*\*( \([^()\n]*\))?:?$")  # answers over several councils: **Authority** (strengths):
_NUMBERED = re.compile(r"^(\d+)\. (.*)$")  # action lists: 1. sentence [1]
_LISTED = re.compile(r"^(\s*)[-*\u2022]\s+(.*)$")  # score answers and model answers: - line; "  - " a list's item
_ANCHOR = re.compile(r"^[a-z0-9-]+$")

MarkerLink = Callable[[int], str]  # marker number -> "#anchor" of its source card
PREVIEW_CHARS = 240


def escape(text: str) -> str:
    return break_autolinks(_MD_SPECIAL.sub(r"\\\1", text))


def anchor_id(*parts: object) -> str:
    """An element id built only from our own values (turn ids, column and marker numbers)."""
    anchor = "-".join(re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts)
    if not _ANCHOR.match(anchor):
        raise ValueError(f"not a safe anchor id: {anchor!r}")
    return anchor


def link_title(text: str) -> str:
    """A citation's preview as a Markdown link title (shown by the browser on hover): one line,
    short, with nothing that could end the title early. A title is an attribute, never markup."""
    flat = " ".join(text.split()).replace("\\", "/").replace('"', "\u201d")
    return flat if len(flat) <= PREVIEW_CHARS else flat[:PREVIEW_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"


def escape_keeping_markers(text: str, link: MarkerLink | None = None, previews: dict[int, str] | None = None) -> str:
    """Escaped text in which each [n] stays a marker, linked to its source card when `link` is
    given, with the finding's preview as the link's hover title when `previews` has one."""
    out = []
    for part in _MARKER.split(text):
        if _MARKER.fullmatch(part):
            n = int(part[1:-1])
            if link is None:
                out.append(part)
                continue
            title = f' "{link_title(previews[n])}"' if previews and previews.get(n) else ""
            out.append(f"[\\[{n}\\]]({link(n)}{title})")
        else:
            out.append(escape(part))
    return "".join(out)


def answer_markdown(text: str, link: MarkerLink | None = None, previews: dict[int, str] | None = None) -> str:
    """The answer as Markdown in which only the assistant's own list items, numbers and markers
    render: list lines stay one list, other lines are paragraphs."""
    blocks: list[str] = []
    listing = False
    for line in text.splitlines():
        if not line.strip():
            listing = False
            continue
        item = True
        if m := _HEADING.match(line):
            blocks.append(f"##### {escape(m[1])}{escape(m[2] or '')}")
            listing = False
            continue
        if m := _BULLET.match(line):
            rendered = f"- **{escape(m[1])}**{escape(m[2] or '')}: {escape_keeping_markers(m[3], link, previews)}"
        elif m := _NUMBERED.match(line):
            rendered = f"{m[1]}. {escape_keeping_markers(m[2], link, previews)}"
        elif m := _LISTED.match(line):
            nested = "  " if m[1] and listing else ""  # under a list's lead-in, kept under it
            rendered = f"{nested}- {escape_keeping_markers(m[2], link, previews)}"
        else:
            rendered, item = escape_keeping_markers(line, link, previews), False
        if item and listing:
            blocks[-1] += "\n" + rendered
        else:
            blocks.append(rendered)
        listing = item
    return "\n\n".join(blocks)


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
