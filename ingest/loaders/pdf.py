"""Load a PDF report into Blocks with pdfplumber (MIT licence).

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
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from cqc.models import Block
from ingest.document import LoadedDocument
from ingest.errors import IngestError

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")  # "BAAAAA+DejaVuSans-Bold" -> "DejaVuSans-Bold"
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d+(\s*(of|/)\s*\d+)?$", re.IGNORECASE)
# ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ: fonts emit these as one glyph; quotes and search terms spell the letters out.
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_BULLET_GLYPH = re.compile(r"^[•◦▪▫●○■□‣⁃∙·]\s+")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_MARGIN = 0.1  # share of the page height at top and bottom where headers and footers live
_MAX_HEADING_CHARS = 150


@dataclass
class _Line:
    page: int
    text: str
    x0: float  # where the words start, after any typed bullet
    x1: float
    top: float
    bottom: float
    style: tuple[str, float] | None  # (font, size) when every glyph shares it, else None
    main_style: tuple[str, float]  # the style of most glyphs
    first_word_width: float
    bullet: bool = False
    glyph_x0: float = 0.0  # where a typed bullet sits (continuation lines may align with it)


@dataclass
class _Table:
    page: int
    top: float
    header: list[str]
    rows: list[list[str]]


@dataclass
class _Open:
    """The block being built, kept open while following lines may still join it."""

    kind: str
    lines: list[str]
    page: int
    x0s: tuple[float, ...]  # left edges that a continuation line may have
    last: _Line | None  # None for a table
    level: int = 0
    table: _Table | None = None
    rows: list[list[str]] = field(default_factory=list)


def load_pdf(path: Path) -> LoadedDocument:
    """Read a PDF report into headings, paragraphs, list items and tables, boilerplate dropped."""
    path = Path(path)
    _check_file(path)
    try:
        with pdfplumber.open(path) as pdf:
            if not pdf.pages:
                raise IngestError(str(path), "the PDF has no pages")
            pages = [_read_page(page) for page in pdf.pages]
            heights = {page.page_number: float(page.height) for page in pdf.pages}
    except IngestError:
        raise
    except (PdfminerException, MalformedPDFException, PSException) as exc:
        raise IngestError(str(path), _explain(path, exc)) from exc

    items = [item for page_items in pages for item in page_items]
    if not any(isinstance(item, (_Line, _Table)) for item in items):
        raise IngestError(str(path), "no text layer (scanned PDF?); OCR is not supported")
    items = _drop_running_lines(items, heights)
    blocks = _assemble(items)
    if not blocks:
        raise IngestError(str(path), "no readable text after removing page headers and footers")
    return LoadedDocument(source=str(path), format="pdf", blocks=blocks, files=[str(path)])


# --- reading -------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    """Catch the cheap cases before pdfminer, whose own messages are cryptic."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise IngestError(str(path), f"cannot be opened ({exc.strerror or exc})") from exc
    if not head:
        raise IngestError(str(path), "the file is empty (0 bytes)")
    if b"%PDF-" not in head:
        raise IngestError(str(path), "not a PDF file (no %PDF header)")


def _explain(path: Path, exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError):
        return "the PDF is encrypted or password-protected"
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        if b"%%EOF" not in handle.read():
            return "the PDF is truncated (no end-of-file marker) and cannot be read"
    return f"the PDF is corrupt and cannot be read ({type(cause).__name__})"


def _read_page(page) -> list[_Line | _Table]:
    """One page's text lines and tables, in reading order (top to bottom)."""
    number = page.page_number
    tables = []
    for found in page.find_tables():
        rows = [[_clean(cell or "") for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            tables.append((found.bbox, _Table(number, found.bbox[1], rows[0], rows[1:])))

    def in_table(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return any(x0 <= cx <= x1 and top <= cy <= bottom for (x0, top, x1, bottom), _ in tables)

    # Table text is emitted by the table block, so its glyphs must not also make lines.
    text_page = page
    if tables:
        text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not in_table(obj))
    # Bullets in these reports are drawn shapes, not characters: small curves or squares.
    marks = [
        shape
        for shape in (*page.curves, *page.rects)
        if 0 < shape["width"] <= 8 and 0 < shape["height"] <= 8 and not in_table(shape)
    ]
    items: list[_Line | _Table] = [table for _, table in tables]
    for raw in text_page.extract_text_lines(return_chars=True, strip=True):
        line = _make_line(number, raw, marks)
        if line is not None:
            items.append(line)
    items.sort(key=lambda item: item.top)
    return items


def _make_line(number: int, raw: dict, marks: list[dict]) -> _Line | None:
    chars = [c for c in raw["chars"] if c["text"].strip()]
    if not chars:
        return None
    text = _clean(raw["text"])
    bullet = False
    if _BULLET_GLYPH.match(text):  # a typed bullet: drop the glyph, measure from the words
        bullet = True
        text = _BULLET_GLYPH.sub("", text)
        chars = chars[1:] or chars
    styles = Counter((_SUBSET_PREFIX.sub("", c["fontname"]), round(c["size"], 1)) for c in chars)
    first_word = chars[0]
    for a, b in zip(chars, chars[1:]):  # extend while the glyphs touch: stop at the first space
        if b["x0"] - a["x1"] > 0.15 * a["size"]:
            break
        first_word = b
    glyph_x0, x0, top, bottom = raw["x0"], chars[0]["x0"], raw["top"], raw["bottom"]
    bullet = bullet or any(  # a mark just left of the words, level with the line
        m["x1"] <= x0 + 1 and m["x0"] >= x0 - 40 and top <= (m["top"] + m["bottom"]) / 2 <= bottom
        for m in marks
    )
    return _Line(
        page=number,
        text=text,
        x0=x0,
        x1=raw["x1"],
        top=top,
        bottom=bottom,
        style=next(iter(styles)) if len(styles) == 1 else None,
        main_style=styles.most_common(1)[0][0],
        first_word_width=first_word["x1"] - chars[0]["x0"],
        bullet=bullet,
        glyph_x0=glyph_x0,
    )


def _clean(text: str) -> str:
    """Collapse whitespace (cells and lines wrap) and spell out typographic ligatures."""
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
    return " ".join(text.split())


# --- boilerplate ---------------------------------------------------------------------------


def _drop_running_lines(items: list, heights: dict[int, float]) -> list:
    """Drop running headers, footers and page numbers, which would otherwise split paragraphs."""

    def in_margin(line: _Line) -> bool:
        height = heights[line.page]
        return line.bottom < height * _MARGIN or line.top > height * (1 - _MARGIN)

    def key(line: _Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text.lower()), round(line.top / 2)

    pages_with = defaultdict(set)
    for item in items:
        if isinstance(item, _Line) and in_margin(item):
            pages_with[key(item)].add(item.page)
    needed = max(2, (len(heights) + 1) // 2)  # "on most pages"; two pages is the least that repeats
    return [
        item
        for item in items
        if not (
            isinstance(item, _Line)
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


def _measure(lines: list[_Line]) -> _Layout:
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
    lines = [item for item in items if isinstance(item, _Line)]
    layout = _measure(lines) if lines else None
    blocks: list[_Open] = []
    current: _Open | None = None  # the block that the next line may continue

    def start(kind: str, line: _Line, level: int = 0) -> _Open:
        block = _Open(kind, [line.text], line.page, (line.x0, line.glyph_x0), line, level)
        blocks.append(block)
        return block

    for item in items:
        if isinstance(item, _Table):
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


def _continues(block: _Open, line: _Line, layout: _Layout) -> bool:
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
