"""Plain text and Markdown.

Plain text has no markup: a heading is a short line with no closing punctuation, standing as a
block of its own in whichever layout the file has (`layout.py`). Markdown headings carry their
level in '#'.
"""

from __future__ import annotations

import re
from pathlib import Path

from cqc import framework
from cqc.models import Block
from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.loaders.layout import plain_text_blocks
from ingest.loaders.text_utils import clean_text, decode_bytes, read_file, table_lines
from ingest.report_lines import title_name

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*)$")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Lines that are short but are content, not headings.
_NOT_HEADING = re.compile(
    r"^(©|\(c\) |(indicative\s+)?score\b|\d\s*[-–—]\s*evidence|(assessment\s+)?published\b|page \d+)"
    r"|^(outstanding|good|requires improvement|inadequate)\s*[:\-–—]\s*evidence\b"
    r"|:\s*(outstanding|good|requires improvement|inadequate|\d+\s*%)\s*$",
    re.IGNORECASE,
)
_SECTION_HEADINGS = {
    "overall summary": 2, "local authority indicative rating": 3, "what people expect": 4, "the local authority commitment": 4,
    "key findings for this quality statement": 4, "local authority rating and score": 3,
    "quality statement scores": 3, "summary of people's experiences": 3,
    "summary of strengths, areas for development and next steps": 3,
}


def guess_heading_level(text: str) -> int:
    """A level for a heading in a format that does not mark levels, from the report's vocabulary."""
    low = text.lower().strip()
    if title_name(text):
        return 1
    if framework.theme_for_heading(text) or low.startswith("about "):
        return 2
    if framework.quality_statement_for_heading(text):
        return 3
    return _SECTION_HEADINGS.get(low, 5)


def looks_like_heading(line: str) -> bool:
    """A short line standing alone with no closing punctuation, unless it is a score, band, date or
    rating line (those are content the structure reader needs as text)."""
    line = line.strip()
    if _NOT_HEADING.search(line) or _MD_LIST.match(line):
        return False
    words = line.split()
    return 0 < len(words) <= 14 and len(line) <= 120 and not re.search(r"[.;:,!?]$", line)


def _table_block(rows: list[str], location: str) -> Block:
    cells = [[clean_text(c) for c in row.strip().strip("|").split("|")] for row in rows]
    header, body = cells[0], [r for r in cells[1:] if not _MD_TABLE_RULE.match("|".join(r))]
    return Block("table", "\n".join(table_lines(header, body, keep_empty=True)), 0, location)


def _paragraphs(text: str) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def blocks_from_text(text: str, location: str, markdown: bool) -> list[Block]:
    if not markdown:
        return plain_text_blocks(text, location, looks_like_heading, guess_heading_level)
    blocks: list[Block] = []
    for para in _paragraphs(text):
        if len(para) >= 2 and para[0].lstrip().startswith("|") and _MD_TABLE_RULE.match(para[1]):
            blocks.append(_table_block(para, location))
            continue
        # Markdown may put a heading directly above its paragraph, without a blank line.
        pending: list[str] = []
        for line in para:
            heading = _MD_HEADING.match(line)
            listed = _MD_LIST.match(line)
            if heading or listed:
                if pending:
                    blocks.append(Block("paragraph", clean_text(" ".join(pending)), 0, location))
                    pending = []
                if heading:
                    blocks.append(Block("heading", clean_text(heading.group(2).strip("*_ ")), len(heading.group(1)), location))
                else:
                    blocks.append(Block("list_item", clean_text(listed.group(1)), 0, location))
            elif blocks and blocks[-1].kind == "list_item" and not pending and line.startswith((" ", "\t")):
                prev = blocks.pop()  # a wrapped list item
                blocks.append(Block("list_item", clean_text(prev.text + " " + line), 0, location))
            else:
                pending.append(line.lstrip("> "))
        if pending:
            blocks.append(Block("paragraph", clean_text(" ".join(pending)), 0, location))
    return blocks


def load_text(path: Path) -> LoadedDocument:
    raw = read_file(path)
    markdown = path.suffix.lower() in (".md", ".markdown")
    warnings: list[str] = []
    blocks = blocks_from_text(decode_bytes(raw, path, warnings), path.name, markdown)
    if not blocks:
        raise IngestError(str(path), "no text found in the file")
    return LoadedDocument(
        source=str(path), format="markdown" if markdown else "text", blocks=blocks, files=[str(path)], warnings=warnings
    )
