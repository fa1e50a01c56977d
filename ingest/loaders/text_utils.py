"""Small text helpers every loader shares."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import IngestError
from ingest.normalise import normalise_text

_SPACE = re.compile(r"\s+")
# Site furniture around the report on the regulator's pages, whatever format the page was saved in.
_FURNITURE = re.compile(
    r"^(downloads?|how we assess local authorities|back to top|print this page|share this page|"
    r"skip to main content|on this page|contents|page last updated\b.*|last updated\b.*)$",
    re.IGNORECASE,
)


def is_furniture(line: str) -> bool:
    """A line that is the website's, not the report's ("Downloads", "Page last updated: ...")."""
    return bool(_FURNITURE.match(line.strip()))


def clean_text(text: str) -> str:
    """Collapse whitespace, and read the text as a person sees it (`ingest.normalise`: compatibility
    glyphs undone, invisible characters dropped, look-alike letters folded)."""
    return _SPACE.sub(" ", normalise_text(text)).strip()


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read the file ({exc.strerror})") from exc


def _utf16(raw: bytes) -> str | None:
    """UTF-16 text (what Windows' Notepad and PowerShell write as "Unicode"): by its byte order mark,
    or, without one, by the zero byte every ASCII letter carries beside it."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        sample = raw[:4000]
        even, odd = sample[0::2], sample[1::2]
        if len(sample) < 4 or (odd.count(0) < 0.3 * len(odd) and even.count(0) < 0.3 * len(even)):
            return None
        encoding = "utf-16-le" if odd.count(0) > even.count(0) else "utf-16-be"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t\ufeff" for ch in text) / max(len(text), 1)
    return text.lstrip("\ufeff") if printable >= 0.95 else None  # zero bytes in a binary file are not UTF-16


def decode_bytes(raw: bytes, path: Path, warnings: list[str] | None = None) -> str:
    """UTF-16 (with or without BOM); UTF-8 (with or without BOM); else Windows-1252 prose, said in
    `warnings` (never silently); else a clear error."""
    if not raw.strip():
        raise IngestError(str(path), "the file is empty")
    utf16 = _utf16(raw)
    if utf16 is not None:
        return utf16
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1252 is what Office and older council systems write; it decodes almost any
        # byte string, so accept it only when the text looks like prose.
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise IngestError(
            str(path), f"not UTF-8 text (bad byte at offset {exc.start}) and not Windows-1252 either"
        ) from exc
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / max(len(text), 1)
    if printable < 0.95:
        raise IngestError(str(path), "not UTF-8 text, and not readable as Windows-1252 either: the file looks binary")
    if warnings is not None:
        warnings.append(f"{path}: not UTF-8; read as Windows-1252 text (check any accented letters and symbols)")
    return text


def table_lines(header: list[str], body: list[list[str]], keep_empty: bool = False) -> list[str]:
    """Each data row on a line, each cell named by its column header ("Team: North; Waiting: 812"),
    so a row reads alone when it is quoted. A row whose cells do not match the header keeps its cells.
    Empty cells and headers are left out unless `keep_empty` (Markdown tables have always kept them,
    and changing that would change stored finding texts)."""
    def cell(h: str, v: str) -> str:
        return f"{h}: {v}" if h or keep_empty else v
    return ["; ".join(cell(h, v) for h, v in zip(header, row) if v or keep_empty) if len(row) == len(header)
            else "; ".join(row) for row in body]
