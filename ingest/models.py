"""Typed values that flow through ingestion: loader blocks -> report structure -> chunks.

Each stage takes the previous stage's value and nothing else, so a test can build any of
them by hand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table"]


@dataclass(frozen=True)
class Block:
    """One piece of a document as a loader recovered it, boilerplate already dropped."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level, 1 = title; 0 for anything that is not a heading
    location: str = ""  # where it sits in the original: "page 3", "theme-1.html"


Format = Literal["pdf", "html", "text", "markdown"]


@dataclass
class LoadedDocument:
    """Blocks read from one file, or the pages of one report put together in report order.

    `page_starts` marks where each file's blocks begin (the structure reader starts afresh at
    each page: a statement page never inherits the section of the page before it), and
    `files[i]` is the file whose blocks start at `page_starts[i]`.
    """

    source: str  # the file it was read from; for a report of several pages, its first page
    format: Format
    blocks: list[Block]
    files: list[str] = field(default_factory=list)  # every file that contributed
    warnings: list[str] = field(default_factory=list)  # read, but not as written (e.g. not UTF-8)
    page_starts: list[int] = field(default_factory=lambda: [0])

    def file_at(self, index: int) -> str:
        """The file the block at `index` came from."""
        if len(self.files) <= 1:
            return self.files[0] if self.files else self.source
        page = max(i for i, start in enumerate(self.page_starts) if start <= index)
        return self.files[min(page, len(self.files) - 1)]


@dataclass(frozen=True)
class Finding:
    """One paragraph (or table, or score line) of a report, with its place in the report."""

    text: str
    theme: str = ""
    quality_statement: str = ""
    heading: str = ""
    paragraph_no: int = 0  # 1-based position under its heading
    kind: Literal["paragraph", "table", "score", "rating"] = "paragraph"
    location: str = ""
    section: str = ""  # top-level section (e.g. "Overall summary") when outside a quality statement
    source: str = ""  # the file it was read from (a report of several pages has one per page)


@dataclass
class Report:
    """A recovered report. Fields the document does not give stay empty: never guessed."""

    source: str
    authority: str = ""
    title: str = ""
    published: str = ""  # ISO date, yyyy-mm-dd
    rating: str = ""
    rating_is_indicative: bool = False
    overall_score: int | None = None
    scores: dict[str, int] = field(default_factory=dict)  # quality statement -> 1..4
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # passages addressed to an AI, never indexed
    edition: str = ""  # the layout family it was read in ("pdf", "html", "text"): one report per layout
    conflicts: list[str] = field(default_factory=list)  # score sources that disagree, named at ingest

    @property
    def report_id(self) -> str:
        """Stable identity: the authority, date and layout for a CQC report, the source otherwise."""
        from ingest.ids import report_id

        return report_id(self)


@dataclass(frozen=True)
class Chunk:
    """What goes into the store: one finding (or a token-bounded part of one)."""

    chunk_id: str
    report_id: str
    text: str  # the finding's own text, shown and quoted
    embed_text: str  # text prefixed with its context, what is embedded and keyword-indexed
    authority: str
    published: str
    theme: str
    quality_statement: str
    score: int | None
    heading: str
    paragraph_no: int
    part: int
    kind: str
    location: str
    source: str
    order: int  # position in the report, for reading order

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma (no None values allowed there)."""
        return {
            "report_id": self.report_id,
            "authority": self.authority,
            "published": self.published,
            "theme": self.theme,
            "quality_statement": self.quality_statement,
            "score": self.score if self.score is not None else -1,
            "heading": self.heading,
            "paragraph_no": self.paragraph_no,
            "part": self.part,
            "kind": self.kind,
            "location": self.location,
            "source": self.source,
            "order": self.order,
            "embed_hash": self.embed_hash,
        }

    @property
    def embed_hash(self) -> str:
        """What the vector is made from, so a vector already in the store for the same text is reused
        instead of embedded again (the unchanged paragraphs of a reassessed authority's newer report,
        the same report saved again under another name)."""
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()[:32]
