"""Identities derived from what a thing is and where it sits, never from when it was ingested.

Re-ingesting the same report yields the same ids (nothing changes); an edited paragraph gets a
new id, so the old one can be found and removed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.models import Report


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def digest(*parts: object, length: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


def report_id(report: Report) -> str:
    """A CQC report is its authority on its publication date in one layout, whatever files it came
    from: the same report saved as a PDF and as pages is two library entries (answers use one)."""
    if report.authority:
        edition = f"-{report.edition}" if report.edition else ""
        return f"{slugify(report.authority)}-{report.published or 'undated'}{edition}"
    return f"doc-{slugify(Path(report.source).stem)}-{digest(report.source, length=8)}"


def chunk_id(report_id: str, quality_statement: str, heading: str, paragraph_no: int, part: int, text: str,
             repeat: int = 0) -> str:
    """`repeat` tells apart the same text at the same place twice in one report (two pages)."""
    parts: tuple = (quality_statement, heading, paragraph_no, part, text) + ((repeat,) if repeat else ())
    return f"{report_id}:{digest(*parts)}"
