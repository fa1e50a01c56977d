"""Small text helpers every loader shares."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.errors import IngestError

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
    """Collapse whitespace and undo compatibility glyphs (ligatures, non-breaking spaces)."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return _SPACE.sub(" ", text).strip()


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read the file ({exc.strerror})") from exc


def decode_bytes(raw: bytes, path: Path, warnings: list[str] | None = None) -> str:
    """UTF-8 (with or without BOM); else Windows-1252 prose, said in `warnings` (never silently);
    else a clear error."""
    if not raw.strip():
        raise IngestError(str(path), "the file is empty")
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
