"""The original of a cited finding, opened at the place it was cited from.

A PDF opens at the cited page, drawn as an image with the cited sentence marked on it (the page
exactly as the regulator published it). A saved web page or a text file opens at the cited
section: its text, read by the same loader as at ingest, with the cited paragraph highlighted.
Nothing of the original is rendered as HTML: a page is an image, text is escaped text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from assistant.models import Citation
from ui.safe import escape, finding_markdown

_PAGE = re.compile(r"^pages? (\d+)", re.IGNORECASE)
HIGHLIGHT = (255, 214, 0, 90)  # translucent yellow over the cited lines
AROUND = 3  # paragraphs shown after the cited one, for context


@dataclass(frozen=True)
class Original:
    path: Path
    page: int | None  # 1-based PDF page, None for other formats

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() == ".pdf"

    @property
    def label(self) -> str:
        return f"Open page {self.page}" if self.is_pdf and self.page else "Open in the original"


def pdf_page(location: str) -> int | None:
    m = _PAGE.match(location or "")
    return int(m.group(1)) if m else None


def original_of(c: Citation, path: Path | None) -> Original | None:
    if path is None:
        return None
    return Original(path, pdf_page(c.location) if path.suffix.lower() == ".pdf" else None)


def _phrase_pattern(sentence: str) -> str:
    """The sentence as a pattern that matches it across the page's line breaks."""
    return r"\s+".join(re.escape(w) for w in sentence.split())


@st.cache_data(show_spinner=False, max_entries=64)
def page_image(path: str, modified: float, page: int, quote: str) -> bytes | None:
    """One PDF page as a PNG, the cited sentence(s) marked line by line. None if the page is not there."""
    import pdfplumber
    from PIL import Image, ImageDraw

    with pdfplumber.open(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            return None
        p = pdf.pages[page - 1]
        shown = p.to_image(resolution=110)
        image = shown.original.convert("RGBA")
        scale = image.width / float(p.width)
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        for sentence in (s for s in quote.split("\n") if s.strip()):
            for match in p.search(_phrase_pattern(sentence), regex=True):
                lines: dict[int, list] = {}
                for ch in match.get("chars", []):
                    lines.setdefault(round(ch["top"]), []).append(ch)
                for chars in lines.values():
                    box = (min(c["x0"] for c in chars), min(c["top"] for c in chars),
                           max(c["x1"] for c in chars), max(c["bottom"] for c in chars))
                    draw.rectangle([v * scale for v in box], fill=HIGHLIGHT)
        out = io.BytesIO()
        Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG")
        return out.getvalue()


@st.cache_data(show_spinner=False, max_entries=32)
def document_blocks(path: str, modified: float) -> list[tuple[str, str, str]]:
    """(kind, text, location) of every block of a saved page or text file, read as at ingest."""
    from ingest.reading import load_file

    return [(b.kind, b.text, b.location) for b in load_file(Path(path)).blocks]


def section_around(blocks: list[tuple[str, str, str]], text: str) -> tuple[list[tuple[str, str]], int] | None:
    """The cited paragraph in its section: from the heading above it to a few paragraphs after,
    as (kind, text) with the cited one's index; None when the paragraph is not in the file."""
    start_of = " ".join(text.split())[:80]
    at = next((i for i, (_, t, _) in enumerate(blocks) if start_of and start_of in " ".join(t.split())), None)
    if at is None:
        return None
    first = next((i for i in range(at, -1, -1) if blocks[i][0] == "heading"), at)
    last = min(len(blocks), at + AROUND + 1)
    return [(k, t) for k, t, _ in blocks[first:last]], at - first


def show_original(c: Citation, original: Original) -> None:
    """The viewer's body (inside a dialog): the page or section, and where it is from."""
    where = f"page {original.page} of {original.path.name}" if original.page else original.path.name
    st.caption(escape(f"{c.authority or 'Unknown authority'} · {where}"))
    modified = original.path.stat().st_mtime
    if original.is_pdf:
        image = page_image(str(original.path), modified, original.page or 1, c.quote or c.text)
        if image is None:
            st.warning(escape(f"Page {original.page} is not in {original.path.name}."))
            return
        # The page is an image of text (the original as published); its alt text says what it is and
        # gives the cited sentence, which the source card also holds as text.
        cited = " ".join((c.quote or c.text).split())
        st.image(image, caption="The cited sentence is marked in yellow.", width="stretch",
                 alt=f"Page {original.page or 1} of {original.path.name} as published. Marked in yellow: {cited}")
        return
    section = section_around(document_blocks(str(original.path), modified), c.text)
    if section is None:
        st.warning("The cited paragraph was not found in this file: it may have changed since it was added.")
        return
    blocks, cited = section
    with st.container(height=480):
        for i, (kind, text) in enumerate(blocks):
            if i == cited:
                st.markdown(finding_markdown(text, c.quote or text))
            elif kind == "heading":
                st.markdown(f"**{escape(text)}**")
            else:
                st.markdown(escape(text).replace("\n", "  \n"))


@st.dialog("The original report", width="large")
def original_dialog(c: Citation, original: Original) -> None:
    show_original(c, original)
