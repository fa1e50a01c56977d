"""Load a PDF report into Blocks: glyphs read with pdfium where it gives pdfplumber's lines, with
pdfplumber (MIT licence) on pages with ruled tables (`pdfium_page.py` says which; both readers
give the same blocks, `tests/test_pdf_readers.py`).

A PDF has no paragraphs, headings or lists, only positioned glyphs, so the structure is
recovered from layout, with nothing specific to one report:

* running headers/footers: lines found at the same height on most pages (digits ignored,
  so "Page 3 of 22" matches "Page 4 of 22"), and page-number lines in the top/bottom margins;
* headings: whole lines in a style (font, size) other than the body's, bold or larger;
  levels come from ranking those styles by size, upright before oblique;
* paragraphs: consecutive body lines closer than the body line pitch allows, joined across a
  page break when the sentence clearly runs on;
* list items: a line with a small drawn bullet (or a bullet glyph) to its left starts an item;
  other indented lines are items of their own unless they are the wrapped end of the line above;
* tables: pdfplumber's ruled-table finder; each data row is written out with its column headers
  so that a row still makes sense when it is retrieved on its own.
"""

from __future__ import annotations

import re
import statistics
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from cqc.models import Block
from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.loaders.pdf_lines import Line, Table, check_file, explain, read_page

_PAGE_NUMBER = re.compile(r"^(page\s*)?\d+(\s*(of|/)\s*\d+)?$", re.IGNORECASE)
# ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ: fonts emit these as one glyph; quotes and search terms spell the letters out.
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_MARGIN = 0.1  # share of the page height at top and bottom where headers and footers live
_MAX_HEADING_CHARS = 150


@dataclass
class _Open:
    """The block being built, kept open while following lines may still join it."""

    kind: str
    lines: list[str]
    page: int
    x0s: tuple[float, ...]  # left edges that a continuation line may have
    last: Line | None  # None for a table
    level: int = 0
    table: Table | None = None
    rows: list[list[str]] = field(default_factory=list)


READERS = ("pdfium", "pdfplumber")
_PDFIUM = threading.Lock()  # pdfium is not safe to call from two threads at once


def load_pdf(path: Path, reader: str = "pdfium") -> LoadedDocument:
    """Read a PDF report into headings, paragraphs, list items and tables, boilerplate dropped.
    `reader="pdfplumber"` reads every page with pdfplumber (the test of the two readers)."""
    path = Path(path)
    check_file(path)
    pages: dict[int, list] = {}
    heights: dict[int, float] = {}
    if reader == "pdfium":
        _read_with_pdfium(path, pages, heights)
    try:
        with pdfplumber.open(path) if not pages or len(pages) < len(heights) else _nothing() as pdf:
            if pdf is not None:
                if not pdf.pages:
                    raise IngestError(str(path), "the PDF has no pages")
                for page in pdf.pages:
                    if page.page_number not in pages:  # the pages pdfium left to pdfplumber
                        pages[page.page_number] = read_page(page)
                        heights[page.page_number] = float(page.height)
    except IngestError:
        raise
    except (PdfminerException, MalformedPDFException, PSException) as exc:
        raise IngestError(str(path), explain(path, exc)) from exc

    items = [item for number in sorted(pages) for item in pages[number]]
    if not any(isinstance(item, (Line, Table)) for item in items):
        raise IngestError(str(path), "no text layer (scanned PDF?); OCR is not supported")
    items = _drop_running_lines(items, heights)
    blocks = _assemble(items)
    if not blocks:
        raise IngestError(str(path), "no readable text after removing page headers and footers")
    return LoadedDocument(source=str(path), format="pdf", blocks=blocks, files=[str(path)])


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        return None


def _read_with_pdfium(path: Path, pages: dict[int, list], heights: dict[int, float]) -> None:
    """The pages pdfium can read into `pages` (numbered from 1), every page's height into
    `heights`; nothing at all when pdfium cannot open the file (pdfplumber then names what is
    wrong with it)."""
    import pypdfium2 as pdfium

    from ingest.loaders.pdfium_page import read_lines

    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            return
        try:
            for index in range(len(document)):
                page = document[index]
                try:
                    heights[index + 1] = float(page.get_height())
                    lines = read_lines(page, index + 1)
                finally:
                    page.close()
                if lines is not None:
                    pages[index + 1] = lines
        finally:
            document.close()


# --- boilerplate ---------------------------------------------------------------------------


def _drop_running_lines(items: list, heights: dict[int, float]) -> list:
    """Drop running headers, footers and page numbers, which would otherwise split paragraphs."""

    def in_margin(line: Line) -> bool:
        height = heights[line.page]
        return line.bottom < height * _MARGIN or line.top > height * (1 - _MARGIN)

    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text.lower()), round(line.top / 2)

    pages_with = defaultdict(set)
    for item in items:
        if isinstance(item, Line) and in_margin(item):
            pages_with[key(item)].add(item.page)
    needed = max(2, (len(heights) + 1) // 2)  # "on most pages"; two pages is the least that repeats
    return [
        item
        for item in items
        if not (
            isinstance(item, Line)
            and in_margin(item)
            and (_PAGE_NUMBER.match(item.text) or len(pages_with[key(item)]) >= needed)
        )
    ]


# --- structure -----------------------------------------------------------------------------


@dataclass
class _Layout:
    body: tuple[str, float]
    body_x0: float
    pitch: float  # top-to-top distance of consecutive lines in a paragraph
    right: float  # right edge of the text column
    levels: dict[tuple[str, float], int]


def _measure(lines: list[Line]) -> _Layout:
    weight = Counter()
    for line in lines:
        weight[line.main_style] += len(line.text)
    body = weight.most_common(1)[0][0]
    body_lines = [line for line in lines if line.main_style == body]
    body_x0 = Counter(round(line.x0) for line in body_lines).most_common(1)[0][0]
    gaps = [
        b.top - a.top
        for a, b in zip(body_lines, body_lines[1:])
        if a.page == b.page and 0 < b.top - a.top < 2.5 * body[1]
    ]
    pitch = statistics.median(gaps) if gaps else 1.4 * body[1]
    # The column's right edge. A high percentile, not the maximum: one overlong line must not
    # make every other line look short (underestimating only makes lines join more readily).
    ends = sorted(line.x1 for line in body_lines)
    right = ends[int(0.9 * (len(ends) - 1))]

    def is_bold(font: str) -> bool:
        return bool(re.search(r"bold|black|heavy|semibold|demi", font, re.IGNORECASE))

    def is_italic(font: str) -> bool:
        return bool(re.search(r"italic|oblique", font, re.IGNORECASE))

    heading_styles = {
        line.style
        for line in lines
        if line.style
        and line.style != body
        and (is_bold(line.style[0]) or line.style[1] > body[1] * 1.1)
        and len(line.text) <= _MAX_HEADING_CHARS
    }
    # Bigger is higher; at one size an upright bold face outranks an oblique or plain one.
    # Two fonts that tie on all three share a level.
    def rank(style: tuple[str, float]) -> tuple[float, bool, bool]:
        return -style[1], is_italic(style[0]), not is_bold(style[0])

    ranks = sorted({rank(style) for style in heading_styles})
    levels = {style: ranks.index(rank(style)) + 1 for style in heading_styles}
    return _Layout(body, body_x0, pitch, right, levels)


def _assemble(items: list) -> list[Block]:
    lines = [item for item in items if isinstance(item, Line)]
    layout = _measure(lines) if lines else None
    blocks: list[_Open] = []
    current: _Open | None = None  # the block that the next line may continue

    def start(kind: str, line: Line, level: int = 0) -> _Open:
        block = _Open(kind, [line.text], line.page, (line.x0, line.glyph_x0), line, level)
        blocks.append(block)
        return block

    for item in items:
        if isinstance(item, Table):
            last = blocks[-1] if blocks else None
            # A table broken over a page repeats its header: carry on the same block.
            if last and last.table and last.page < item.page and last.table.header == item.header:
                last.rows.extend(item.rows)
            else:
                blocks.append(_Open("table", [], item.page, (), None, table=item, rows=list(item.rows)))
            current = None
            continue

        line = item
        level = layout.levels.get(line.style, 0) if line.style else 0
        if level:
            if (
                current
                and current.kind == "heading"
                and current.level == level
                and current.page == line.page
                and line.top - current.last.bottom <= line.style[1]
            ):
                current.lines.append(line.text)
                current.last = line
            else:
                current = start("heading", line, level)
            continue

        indented = line.x0 > layout.body_x0 + layout.body[1] / 2
        kind = "list_item" if indented or line.bullet else "paragraph"
        # A list item may also run on at the margin, under a typed bullet with no hanging indent.
        same_kind = current and current.kind in (kind, "list_item")
        if not line.bullet and same_kind and _continues(current, line, layout):
            current.lines.append(line.text)
            current.last = line
        else:
            current = start(kind, line)

    return [_to_block(block) for block in blocks]


def _continues(block: _Open, line: Line, layout: _Layout) -> bool:
    """Does `line` carry on `block` (the block that ended with the previous line)?"""
    if all(abs(line.x0 - x0) > 2 for x0 in block.x0s):
        return False
    prev = block.last
    # Did the line above end only because the next word would not fit? Then it wrapped.
    # Otherwise the writer broke the line: a list of scores, say, one per line.
    wrapped = prev.x1 + 0.3 * layout.body[1] + line.first_word_width > layout.right
    if prev.page != line.page:
        # Only the last block of one page and the first line of the next get here. Text runs on
        # when the new page picks up mid-sentence, or the old one stopped mid-sentence on a full
        # line (a short last line, like "Score: 2", ended its paragraph).
        return line.text[:1].islower() or (wrapped and not _SENTENCE_END.search(block.lines[-1]))
    if line.top - prev.top > 1.35 * layout.pitch:
        return False  # a paragraph gap
    return wrapped


def _to_block(block: _Open) -> Block:
    location = f"page {block.page}"
    if block.table:
        header = block.table.header
        heads = header + [""] * max(map(len, block.rows), default=0)  # a row may be wider than its header
        rows = [
            "; ".join(f"{head}: {cell}" if head else cell for head, cell in zip(heads, row) if cell)
            for row in block.rows
        ]
        return Block("table", "\n".join(rows), 0, location)
    return Block(block.kind, _join(block.lines), block.level, location)


def _join(lines: list[str]) -> str:
    """Join wrapped lines with a space, except after a line-final hyphen inside a word.

    These reports do not hyphenate, so such a hyphen belongs to the word ("community-" +
    "based"): it stays, and no space is put after it.
    """
    text = lines[0]
    for line in lines[1:]:
        text += line if re.search(r"\w-$", text) else " " + line
    return text
