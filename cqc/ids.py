"""Identities derived from what a thing is and where it sits, never from when it was ingested.

Re-ingesting the same report yields the same ids (nothing changes); an edited paragraph gets a
new id, so the old one can be found and removed. Plain values in, so any layer can name a thing
without building it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def digest(*parts: object, length: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


def report_id(authority: str, published: str, edition: str, source: str) -> str:
    """A CQC report is its authority on its publication date in one layout, whatever files it came
    from: the same report saved as a PDF and as pages is two library entries (answers use one).
    A document with no authority is named by its file."""
    if authority:
        layout = f"-{edition}" if edition else ""
        return f"{slugify(authority)}-{published or 'undated'}{layout}"
    return f"doc-{slugify(Path(source).stem)}-{digest(source, length=8)}"


def chunk_id(report_id: str, quality_statement: str, heading: str, paragraph_no: int, part: int, text: str,
             repeat: int = 0) -> str:
    """`repeat` tells apart the same text at the same place twice in one report (two pages)."""
    parts: tuple = (quality_statement, heading, paragraph_no, part, text) + ((repeat,) if repeat else ())
    return f"{report_id}:{digest(*parts)}"


def text_hash(text: str) -> str:
    """What a vector is made from: the same text has the same hash, so its vector is embedded once."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
