"""Saved web pages: the report inside the page, without the site around it.

Real pages carry a cookie banner, site navigation, breadcrumbs, a downloads box and a footer.
We drop those by element and by role/class, then walk what remains in document order.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from cqc.models import Block
from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.loaders.text_utils import clean_text, decode_bytes, is_furniture, read_file

# Elements that are never report content.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "form", "button", "header",
              "footer", "nav", "svg", "canvas", "object", "embed", "head")
# Class, id, role or aria-label words that mark site furniture rather than report text.
_FURNITURE = re.compile(
    r"cookie|consent|banner|breadcrumb|skip|download|share|feedback|related|sidebar|menu|navigation|footer|header",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "blockquote", "dt", "dd", "pre"}
_LEAF_CONTAINERS = {"div", "section", "span", "strong", "b", "em", "article"}


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
            elif child.find(list(_BLOCK_TAGS)) is None and name in _LEAF_CONTAINERS:
                # A box with text and no paragraph markup (a score or rating widget): one block.
                text = clean_text(child.get_text(" "))
                if text:
                    blocks.append(Block("paragraph", text, 0, location))
            else:
                walk(child)

    walk(root)
    return [b for b in blocks if not is_furniture(b.text)]


# Deeper than this, elements carry no structure a report has (a saved page nests a dozen or two
# levels): their tags are dropped and their text kept, so a file nested thousands deep (by a broken
# tool or on purpose) parses in memory and time in proportion to its size. lxml itself gives up at
# 256 levels and loses what follows.
MAX_DEPTH = 48
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
# Elements that are never closed, or often left open: they do not nest in this count.
_OPEN_ENDED = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
               "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot", "colgroup"}


def flatten_deep_nesting(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """The page with the tags of elements nested deeper than `max_depth` dropped (their text
    kept), and how many were dropped. One pass over the text; the open elements are held as their
    names alone (8 bytes each), so even a page nested millions deep costs little beside its text."""
    out: list[str] = []
    stack: list[str] = []  # names of the open elements; those past max_depth are the dropped ones
    dropped = position = 0
    for m in _TAG.finditer(html):
        closing, name = m.group(1), m.group(2).lower()
        if name in _OPEN_ENDED or m.group(3):
            continue
        if not closing:
            keep = len(stack) < max_depth
            stack.append(sys.intern(name))
        else:
            if name not in stack[-64:]:
                continue  # a stray closing tag: the parser ignores it too
            while stack:
                depth = len(stack)
                if stack.pop() == name:
                    break
            keep = depth <= max_depth
        if not keep:
            if m.start() > position or not out:  # a run of dropped tags side by side is one space
                out.append(html[position:m.start()])
                out.append(" ")
            position = m.end()
            dropped += 1
    if not dropped:
        return html, 0
    out.append(html[position:])
    return "".join(out), dropped


def parse_html(raw: bytes, path: Path, warnings: list[str] | None = None) -> tuple[str, list[Block]]:
    """The page's title and its report blocks."""
    html, dropped = flatten_deep_nesting(decode_bytes(raw, path, warnings))
    if dropped and warnings is not None:
        warnings.append(f"{path}: {dropped} element(s) nested over {MAX_DEPTH} deep were read as plain text")
    soup = BeautifulSoup(html, "lxml")
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


def load_html(path: Path) -> LoadedDocument:
    """One saved page. A report split over several pages is put together by `ingest.assembly`,
    from what each page says (its title, its date), not from its file name or folder."""
    warnings: list[str] = []
    _title, blocks = parse_html(read_file(path), path, warnings)
    if not any(b.kind != "heading" for b in blocks):
        raise IngestError(str(path), "no report text found in the page (only site navigation or an empty page)")
    return LoadedDocument(source=str(path), format="html", blocks=blocks, files=[str(path)], warnings=warnings)


def load_html_pages(paths: list[Path]) -> LoadedDocument:
    """The pages of one report as one document, in report order (summary first), whatever order
    they are given in."""
    from ingest.pages import as_document, read_page

    return as_document([read_page(load_html(p)) for p in paths])
