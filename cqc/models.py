"""What a report is made of, as typed values: blocks -> pages -> findings -> a report -> chunks.

Each stage of ingest takes the previous stage's value and nothing else, so a test can build any of
them by hand; the store keeps pages and chunks, and the assistant quotes chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from cqc.ids import report_id, text_hash

BlockKind = Literal["heading", "paragraph", "list_item", "table"]
Format = Literal["pdf", "html", "text", "markdown"]
PageKind = Literal["full", "summary", "about", "content", "other"]
FindingKind = Literal["paragraph", "table", "score", "rating"]


@dataclass(frozen=True)
class Block:
    """One piece of a document as a loader recovered it, boilerplate already dropped."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level, 1 = title; 0 for anything that is not a heading
    location: str = ""  # where it sits in the original: "page 3", "theme-1.html"


def family_of(fmt: Format) -> str:
    """The layout family a report edition is kept under: Markdown and plain text are one."""
    return "text" if fmt in ("text", "markdown") else fmt


# Report order: the whole report, the summary, About, the statement (or theme) pages in the
# framework's order, then anything else.
_KIND_RANK = {"full": 0, "summary": 1, "about": 2, "content": 3, "other": 4}


@dataclass(frozen=True)
class Page:
    """One file's blocks with what they say about their report. Stored with the report, so a page
    added in a later run is assembled with the pages already held."""

    file: str
    format: Format
    blocks: tuple[Block, ...]
    title: str = ""  # the title line ("<Authority>: local authority assessment")
    title_name: str = ""  # what the title names: an authority, or an area such as "County Durham"
    council: str = ""  # the official name of the council the title names (national list), or the text names for an area title
    published: str = ""  # ISO date the page gives, "" for a page that carries none
    kind: PageKind = "other"
    position: int = 0  # the first quality statement it holds, in framework order
    sha: str = ""  # its content: a page whose content is already held is a duplicate
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def family(self) -> str:
        return family_of(self.format)

    @property
    def authority(self) -> str:
        return self.council or self.title_name

    def order_key(self) -> tuple:
        return (_KIND_RANK[self.kind], self.position, _natural(self.file))


def _natural(name: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name.lower())]


@dataclass(frozen=True)
class Finding:
    """One paragraph (or table, or score line) of a report, with its place in the report."""

    text: str
    theme: str = ""
    quality_statement: str = ""
    heading: str = ""
    paragraph_no: int = 0  # 1-based position under its heading
    kind: FindingKind = "paragraph"
    location: str = ""
    section: str = ""  # top-level section (e.g. "Overall summary") when outside a quality statement
    source: str = ""  # the file it was read from (a report of several pages has one per page)


@dataclass(frozen=True)
class SetAside:
    """Text of a report that is not a finding (addressed to a machine rather than to readers):
    never indexed, named at ingest with where it was and why."""

    file: str  # the file (page) it was in
    place: str  # where in the report: section or quality statement, heading, location
    why: str  # in plain words
    text: str


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
    set_aside: list[SetAside] = field(default_factory=list)  # text addressed to a machine, never indexed
    edition: str = ""  # the layout family it was read in ("pdf", "html", "text"): one report per layout
    conflicts: list[str] = field(default_factory=list)  # score sources that disagree, named at ingest

    @property
    def report_id(self) -> str:
        """Stable identity: the authority, date and layout for a CQC report, the source otherwise."""
        return report_id(self.authority, self.published, self.edition, self.source)


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
    score: int | None  # the quality statement's score (1-4) in the report, None outside a statement
    heading: str
    paragraph_no: int
    part: int
    kind: str
    location: str
    source: str
    order: int  # position in the report, for reading order
    # What the vector is made from, so a vector already in the store for the same text is reused
    # instead of embedded again (the unchanged paragraphs of a reassessed authority's newer report,
    # the same report saved again under another name). Filled in from embed_text when not given.
    embed_hash: str = ""

    def __post_init__(self) -> None:
        if not self.embed_hash:
            object.__setattr__(self, "embed_hash", text_hash(self.embed_text))
