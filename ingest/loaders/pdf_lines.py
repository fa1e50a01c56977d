"""A PDF's pages read into positioned lines (with their fonts and any bullet drawn beside them)
and ruled tables, for the PDF loader to find headings, paragraphs and lists in."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils.exceptions import PdfminerException

from ingest.errors import IngestError

SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")  # "BAAAAA+DejaVuSans-Bold" -> "DejaVuSans-Bold"
LIGATURES = re.compile("[\ufb00-\ufb06]")
BULLET_GLYPH = re.compile(r"^[•◦▪▫●○■□‣⁃∙·]\s+")


@dataclass
class Line:
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
class Table:
    page: int
    top: float
    header: list[str]
    rows: list[list[str]]


def check_file(path: Path) -> None:
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


def explain(path: Path, exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError):
        return "the PDF is encrypted or password-protected"
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        if b"%%EOF" not in handle.read():
            return "the PDF is truncated (no end-of-file marker) and cannot be read"
    return f"the PDF is corrupt and cannot be read ({type(cause).__name__})"


def read_page(page) -> list[Line | Table]:
    """One page's text lines and tables, in reading order (top to bottom)."""
    number = page.page_number
    tables = []
    for found in page.find_tables():
        rows = [[clean(cell or "") for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            tables.append((found.bbox, Table(number, found.bbox[1], rows[0], rows[1:])))

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
    items: list[Line | Table] = [table for _, table in tables]
    for raw in text_page.extract_text_lines(return_chars=True, strip=True):
        line = make_line(number, raw, marks)
        if line is not None:
            items.append(line)
    items.sort(key=lambda item: item.top)
    return items


def make_line(number: int, raw: dict, marks: list[dict]) -> Line | None:
    chars = [c for c in raw["chars"] if c["text"].strip()]
    if not chars:
        return None
    text = clean(raw["text"])
    bullet = False
    if BULLET_GLYPH.match(text):  # a typed bullet: drop the glyph, measure from the words
        bullet = True
        text = BULLET_GLYPH.sub("", text)
        chars = chars[1:] or chars
    styles = Counter((SUBSET_PREFIX.sub("", c["fontname"]), round(c["size"], 1)) for c in chars)
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
    return Line(
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


def clean(text: str) -> str:
    """Collapse whitespace (cells and lines wrap) and spell out typographic ligatures."""
    text = LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
    return " ".join(text.split())
