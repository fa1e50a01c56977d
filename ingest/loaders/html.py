"""Saved web pages: the report inside the page, without the site around it.

Real pages carry a cookie banner, site navigation, breadcrumbs, a downloads box and a footer.
We drop those by element and by role/class, then walk what remains in document order.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.errors import IngestError
from ingest.loaders.text_utils import clean_text, decode_bytes, read_file
from ingest.models import Block, LoadedDocument

# Elements that are never report content.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "form", "button", "header",
              "footer", "nav", "svg", "canvas", "object", "embed", "head")
# Class, id, role or aria-label words that mark site furniture rather than report text.
_FURNITURE = re.compile(
    r"cookie|consent|banner|breadcrumb|skip|download|share|feedback|related|sidebar|menu|navigation|footer|header",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "blockquote", "dt", "dd", "pre"}


def _is_furniture(tag: Tag) -> bool:
    if tag.name == "aside":
        return True
    attrs = " ".join(
        str(v) if not isinstance(v, list) else " ".join(v)
        for k, v in tag.attrs.items()
        if k in ("class", "id", "role", "aria-label")
    )
    return bool(attrs) and bool(_FURNITURE.search(attrs))


def _table_text(table: Tag) -> str:
    """Each row on a line, each cell prefixed by its column header, so a row reads alone."""
    rows = table.find_all("tr")
    header: list[str] = []
    lines: list[str] = []
    for row in rows:
        cells = row.find_all(["th", "td"])
        values = [clean_text(c.get_text(" ")) for c in cells]
        if not header and cells and all(c.name == "th" for c in cells):
            header = values
            continue
        if header and len(header) == len(values):
            lines.append("; ".join(f"{h}: {v}" for h, v in zip(header, values)))
        else:
            lines.append("; ".join(v for v in values if v))
    caption = table.find("caption")
    if caption is not None:
        lines.insert(0, clean_text(caption.get_text(" ")))
    return "\n".join(line for line in lines if line)


def _blocks_from(root: Tag, location: str) -> list[Block]:
    blocks: list[Block] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _BLOCK_TAGS:
                if name == "table":
                    text = _table_text(child)
                    if text:
                        blocks.append(Block("table", text, 0, location))
                    continue
                if name == "li" and child.find(["ul", "ol", "p"]):
                    walk(child)  # a list item that holds its own blocks
                    continue
                text = clean_text(child.get_text(" "))
                if not text:
                    continue
                if name[0] == "h" and name[1:].isdigit():
                    blocks.append(Block("heading", text, int(name[1]), location))
                elif name == "li":
                    blocks.append(Block("list_item", text, 0, location))
                else:
                    blocks.append(Block("paragraph", text, 0, location))
            else:
                walk(child)

    walk(root)
    return blocks


def parse_html(raw: bytes, path: Path, warnings: list[str] | None = None) -> tuple[str, list[Block]]:
    """The page's title and its report blocks."""
    soup = BeautifulSoup(decode_bytes(raw, path, warnings), "lxml")
    title_tag = soup.find("title")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.parent is not None and _is_furniture(tag):
            tag.decompose()
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article") or soup.body or soup
    blocks = _blocks_from(root, path.name)
    h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), "")
    title = h1 or (clean_text(title_tag.get_text(" ")) if title_tag else "")
    return title, blocks


def _natural_key(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name.lower())]


def _starts_report(blocks: list[Block]) -> bool:
    return any(b.kind == "heading" and b.text.lower() == "overall summary" for b in blocks)


def load_html_files(paths: list[Path]) -> list[LoadedDocument | IngestError]:
    """Saved pages to reports: pages in one folder with the same title are one report.

    The regulator's site splits a report over several pages (summary, then one per theme),
    each repeating the title; a folder may also hold pages of different reports.
    """
    groups: dict[tuple[Path, str], list[tuple[Path, list[Block]]]] = {}
    results: list[LoadedDocument | IngestError] = []
    warnings: dict[Path, list[str]] = {}
    for path in sorted(paths, key=_natural_key):
        try:
            title, blocks = parse_html(read_file(path), path, warnings.setdefault(path, []))
        except IngestError as exc:
            results.append(exc)
            continue
        except Exception as exc:  # a damaged page can break the parser in many ways; name it and go on
            results.append(IngestError(str(path), f"cannot read the page ({type(exc).__name__}: {exc})"))
            continue
        key = (path.parent, title.strip().lower() or path.name)
        groups.setdefault(key, []).append((path, blocks))
    for (folder, _title), pages in groups.items():
        # The summary page leads; theme pages follow in their natural order.
        pages.sort(key=lambda page: (not _starts_report(page[1]), _natural_key(page[0])))
        try:
            doc = _assemble([p for p, _ in pages], [b for _, b in pages])
        except IngestError as exc:
            results.append(exc)
            continue
        doc.warnings = [w for p, _ in pages for w in warnings.get(p, [])]
        results.append(doc)
    return results


def load_html_pages(paths: list[Path]) -> LoadedDocument:
    """One report from the pages given, in that order."""
    return _assemble(paths, [parse_html(read_file(path), path)[1] for path in paths])


def _assemble(paths: list[Path], pages: list[list[Block]]) -> LoadedDocument:
    blocks: list[Block] = []
    seen_title = False
    for page_blocks in pages:
        for block in page_blocks:
            # Every page of a split report repeats the title and publication line; keep the first.
            if block.kind == "heading" and block.level == 1:
                if seen_title:
                    continue
                seen_title = True
            elif block.text.lower().startswith("published") and any(b.text == block.text for b in blocks):
                continue
            blocks.append(block)
    source = str(paths[0]) if len(paths) == 1 else str(paths[0].parent)
    if not any(b.kind != "heading" for b in blocks):
        raise IngestError(source, "no report text found in the page (only site navigation or an empty page)")
    return LoadedDocument(source=source, format="html", blocks=blocks, files=[str(p) for p in paths])
