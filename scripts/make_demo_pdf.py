"""Lay out a fictional demo CQC local authority assessment report as a PDF.

Regenerate the committed demo PDF from the project root with:

    . .venv/bin/activate && pip install fpdf2 && python scripts/make_demo_pdf.py scripts/demo_source/oakhurst.md demo_reports/oakhurst.pdf

The source is a small Markdown subset: "# " to "##### " headings, "- " list
items and plain paragraphs (one paragraph per line, blank lines between).
The layout mimics a published report: A4, a running header with the report
title on every page, a "Page N of M" footer, bold headings whose size falls
with their level, 11pt body text and space between paragraphs. Long
paragraphs are allowed to flow across page breaks (the script reports how
many did and fails if none did, because the demo PDF is meant to test that).

Fonts: DejaVu Sans is embedded when found (so "—", "–", "£" and curly quotes
survive); otherwise the core Helvetica font is used and characters outside
latin-1 are replaced with plain equivalents.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
]

HEADING_SIZES = {1: 20, 2: 16, 3: 14, 4: 12.5, 5: 12}
HEADING_GAPS = {1: 0, 2: 6, 3: 4.5, 4: 3, 5: 2.5}  # mm of space above a heading
BODY_SIZE = 11
LINE_HEIGHT = 5.6  # mm, for 11pt body text
PARA_GAP = 3.2  # mm between paragraphs
FIXED_DATE = datetime(2025, 1, 21, 9, 0, tzinfo=timezone.utc)


@dataclass
class Block:
    kind: str  # "heading" | "para" | "item"
    text: str
    level: int = 0


def parse_markdown(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append(Block("heading", line[level:].strip(), level))
        elif line.startswith("- "):
            blocks.append(Block("item", line[2:].strip()))
        else:
            blocks.append(Block("para", line))
    return blocks


def find_dejavu() -> tuple[Path, Path] | None:
    for d in FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


LATIN1_FALLBACK = {
    "\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\u2022": "-", "\u2026": "...",
}


class ReportPDF(FPDF):
    def __init__(self, title: str, unicode_font: tuple[Path, Path] | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report_title = title
        self.unicode = unicode_font is not None
        if unicode_font:
            self.add_font("Body", "", str(unicode_font[0]))
            self.add_font("Body", "B", str(unicode_font[1]))
            self.family = "Body"
        else:
            self.family = "Helvetica"
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def clean(self, text: str) -> str:
        if self.unicode:
            return text
        for a, b in LATIN1_FALLBACK.items():
            text = text.replace(a, b)
        return text.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, "", 8.5)
        self.set_text_color(90, 90, 90)
        self.set_xy(self.l_margin, 10)
        self.cell(self.epw, 5, self.clean(self.report_title), align="L")
        self.set_draw_color(0, 94, 184)
        self.set_line_width(0.3)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.family, "", 9)
        self.set_text_color(90, 90, 90)
        self.cell(self.epw, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def space_left(self) -> float:
        return self.page_break_trigger - self.get_y()

    @staticmethod
    def heading_space(level: int) -> float:
        """Rough vertical space (mm) a one- or two-line heading needs."""
        size = HEADING_SIZES.get(level, BODY_SIZE)
        return HEADING_GAPS.get(level, 2) + 2 * size * 0.5 + 2.5

    def heading(self, text: str, level: int, then: float = 0.0) -> None:
        """Write a heading; `then` is the space needed by headings that follow it directly."""
        size = HEADING_SIZES.get(level, BODY_SIZE)
        height = size * 0.5
        gap_before = HEADING_GAPS.get(level, 2)
        # keep a heading (and any headings right after it) with two lines of text
        if self.space_left() < self.heading_space(level) + then + 2 * LINE_HEIGHT:
            self.add_page()
        elif self.get_y() > self.t_margin + 0.1:
            self.ln(gap_before)
        self.set_font(self.family, "B", size)
        if level <= 2:
            self.set_text_color(0, 38, 62)
        self.multi_cell(self.epw, height, self.clean(text), align="L")
        self.set_text_color(0, 0, 0)
        self.ln(1.5 if level >= 4 else 2.5)

    def paragraph(self, text: str) -> bool:
        """Write a paragraph; return True if it flowed onto a new page."""
        self.set_font(self.family, "", BODY_SIZE)
        start = self.page_no()
        self.multi_cell(self.epw, LINE_HEIGHT, self.clean(text), align="L")
        self.ln(PARA_GAP)
        return self.page_no() != start

    def item(self, text: str) -> None:
        self.set_font(self.family, "", BODY_SIZE)
        bullet = "\u2022" if self.unicode else "-"
        x = self.l_margin
        self.set_x(x + 2)
        self.cell(5, LINE_HEIGHT, bullet)
        self.multi_cell(self.epw - 7, LINE_HEIGHT, self.clean(text), align="L")
        self.ln(0.8)


def build(source: Path, output: Path) -> dict:
    blocks = parse_markdown(source.read_text(encoding="utf-8"))
    if not blocks or blocks[0].kind != "heading" or blocks[0].level != 1:
        raise SystemExit(f"{source}: the first line must be a '# ' title")
    title = blocks[0].text
    font = find_dejavu()
    if font is None:
        print("DejaVu Sans not found: falling back to Helvetica (latin-1 only)", file=sys.stderr)
    pdf = ReportPDF(title, font)
    pdf.set_title(title)
    pdf.set_author("Fictional demo data")
    pdf.set_subject("Fictional local authority assessment report for demos and tests; not a real CQC publication")
    pdf.set_creator("scripts/make_demo_pdf.py")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()

    flowed: list[str] = []
    previous = None
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            then = 0.0
            for nxt in blocks[i + 1:]:
                if nxt.kind != "heading":
                    break
                then += ReportPDF.heading_space(nxt.level)
            pdf.heading(block.text, block.level, then)
        elif block.kind == "item":
            pdf.item(block.text)
        else:
            if previous is not None and previous.kind == "item":
                pdf.ln(PARA_GAP)
            if pdf.paragraph(block.text):
                flowed.append(block.text[:60])
        previous = block

    output.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(output))
    return {"pages": pdf.page_no(), "flowed": flowed, "unicode_font": font is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="Markdown source, e.g. scripts/demo_source/oakhurst.md")
    parser.add_argument("output", type=Path, help="PDF to write, e.g. demo_reports/oakhurst.pdf")
    args = parser.parse_args(argv)
    info = build(args.source, args.output)
    print(f"wrote {args.output}: {info['pages']} pages, unicode font: {info['unicode_font']}")
    for start in info["flowed"]:
        print(f"  paragraph continues across a page break: {start}...")
    if not info["flowed"]:
        print("error: no paragraph flowed across a page break", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
