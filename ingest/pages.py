"""One file as a page of a report: what it says about the report it belongs to.

The regulator's site publishes a report as an overall summary page, an "About" page and one page
per quality statement (older saved copies: one page per theme); a PDF or a whole saved report is a
single page that holds everything. Each page names its authority in its title; only the summary
and About pages carry the publication date. `read_page` works this out from the page's blocks,
whatever format they were loaded from, so assembly never looks at a file format's details.
"""

from __future__ import annotations

import hashlib
import re

from cqc import framework
from cqc.models import Block, Page, PageKind
from ingest.document import LoadedDocument
from ingest.report_lines import published_date
from ingest.authority import authority_of
from ingest.structure import title_of

_SUMMARY_HEADINGS = re.compile(
    r"^(overall summary|local authority (indicative )?rating( and score)?|quality statement scores|"
    r"summary of people's experiences)$",
    re.IGNORECASE,
)
_ABOUT_HEADING = re.compile(r"^about\b", re.IGNORECASE)
_STATEMENT_ORDER = {qs.name: i for i, qs in enumerate(framework.QUALITY_STATEMENTS)}


def content_digest(blocks: list[Block] | tuple[Block, ...]) -> str:
    h = hashlib.sha256()
    for b in blocks:
        h.update(f"{b.kind}\x1f{b.level}\x1f{b.text}\x1e".encode("utf-8"))
    return h.hexdigest()[:32]


def _kind(blocks: list[Block]) -> tuple[PageKind, int]:
    headings = [b.text for b in blocks if b.kind == "heading"]
    statements = [qs for qs in (framework.quality_statement_for_heading(h) for h in headings) if qs]
    themes = [t for t in (framework.theme_for_heading(h) for h in headings) if t]
    summary = any(_SUMMARY_HEADINGS.match(h.strip()) for h in headings)
    about = any(_ABOUT_HEADING.match(h) for h in headings)
    theme_first = {qs.theme: _STATEMENT_ORDER[qs.name] for qs in reversed(framework.QUALITY_STATEMENTS)}
    position = min([_STATEMENT_ORDER[s] for s in statements] + [theme_first[t] for t in themes] + [99])
    if summary and len(set(statements)) >= 2:
        return "full", 0
    if summary:
        return "summary", 0
    if statements or themes:
        return "content", position
    if about:
        return "about", 0
    return "other", 0


def read_page(doc: LoadedDocument) -> Page:
    """A loaded file as a page: its title, authority, date, kind and content digest."""
    blocks = list(doc.blocks)
    title, name = title_of(blocks)
    published = next((d for d in (published_date(b.text) for b in blocks) if d), "")
    kind, position = _kind(blocks)
    return Page(
        file=doc.source,
        format=doc.format,
        blocks=tuple(blocks),
        title=title,
        title_name=name,
        council=authority_of(name, blocks),
        published=published,
        kind=kind,
        position=position,
        sha=content_digest(blocks),
        warnings=tuple(doc.warnings),
    )


def as_document(pages: list[Page], source: str = "") -> LoadedDocument:
    """The pages of one report as one document, in report order, each page marked where it starts."""
    ordered = sorted(pages, key=Page.order_key)
    blocks: list[Block] = []
    starts: list[int] = []
    for page in ordered:
        starts.append(len(blocks))
        blocks.extend(page.blocks)
    fmt = ordered[0].format if ordered else "text"
    return LoadedDocument(
        source=source or (ordered[0].file if ordered else ""),
        format=fmt,
        blocks=blocks,
        files=[p.file for p in ordered],
        warnings=[w for p in ordered for w in p.warnings],
        page_starts=starts or [0],
    )
