"""Report text made inert in Markdown files: what could fetch, run or link is escaped.

A downloaded Markdown file is read as plain text as often as it is rendered, so only what could
fetch, run or link is neutralised (HTML, links and images, code), keeping it readable. The app's
on-screen escaping (`ui.safe`) builds on the same autolink rule.
"""

from __future__ import annotations

import re

from cqc.text.markers import MARKER_TEXT

# GitHub-flavoured Markdown turns bare "http://...", "www.x" and "name@host.org" into links
# *after* escapes are undone, so backslashes cannot stop it. A word joiner (U+2060, invisible and
# zero-width) inside each trigger does: the text reads the same and nothing becomes a link.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\\?\.)|(?<=@)(?=[\w-])", re.IGNORECASE)
_FILE_SPECIAL = re.compile(r"([\\`<>\[\]])")
# Our own citation markers stay readable ("[2]", not "\[2\]") unless a "(" after one could make a link.
_MARKER = re.compile(rf"({MARKER_TEXT})(?!\()")


def break_autolinks(text: str) -> str:
    return _AUTOLINK.sub(WORD_JOINER, text)


def escape_for_file(text: str) -> str:
    parts = _MARKER.split(text)
    return "".join(p if _MARKER.fullmatch(p) else break_autolinks(_FILE_SPECIAL.sub(r"\\\1", p)) for p in parts)
