"""A briefing on one report, for a board paper: rating and scores, then what people said, the
strengths, the areas for development and the next steps, each in the report's own words and cited.

Nothing here writes new prose. The scores come from the catalog (the report's own score lines);
each section is the answer the assistant gives to the question a reader would ask of that report
("What are X's next steps?"), asked with that report alone in scope so an older edition is briefed
from its own findings. A section the report does not cover says so rather than borrowing another
section's sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.models import Answer
from assistant.papers.export import ExportError, describe, written_by
from assistant.papers.inert import escape_for_file
from cqc.framework import QUALITY_STATEMENTS, SCORE_BANDS, THEMES
from cqc.records import ReportEntry, SearchFilter

# (section title, the question that section answers); {name} is the authority's name.
SECTIONS = (
    ("What people said", "What did people say about {name}?"),
    ("Strengths", "What are {name}'s main strengths?"),
    ("Areas for development", "What are {name}'s main areas for improvement?"),
    ("Next steps", "What are {name}'s next steps?"),
)
NOT_COVERED = "The report does not cover this in its summary."


class Asks(Protocol):
    def ask(self, question: str, history: list[str] | None = None, scope: SearchFilter | None = None,
            home: str | None = None) -> Answer: ...


@dataclass(frozen=True)
class ScoreLine:
    theme: str
    statement: str
    score: int | None

    @property
    def band(self) -> str:
        return SCORE_BANDS.get(self.score, "No score given") if self.score is not None else "No score given"


@dataclass(frozen=True)
class BriefingSection:
    title: str
    answer: Answer

    @property
    def covered(self) -> bool:
        return not self.answer.abstained and bool(self.answer.citations)


@dataclass(frozen=True)
class Briefing:
    report: ReportEntry
    scores: tuple[ScoreLine, ...]
    sections: tuple[BriefingSection, ...]

    @property
    def title(self) -> str:
        return f"Briefing: {self.report.authority}"

    def headline(self) -> str:
        """Rating and overall score as the report states them, with its date."""
        r = self.report
        rating = (r.rating or "no rating given") + (" (indicative)" if r.rating_is_indicative else "")
        score = f"{r.overall_score} out of 100" if r.overall_score is not None else "no overall score given"
        return f"Rated {rating}; {score}. Report published {r.published or 'on a date not given'}."

    def lowest(self) -> tuple[ScoreLine, ...]:
        """The statements scored lowest, when the report scores them unevenly: where a board looks first."""
        scored = [s for s in self.scores if s.score is not None]
        if not scored or len({s.score for s in scored}) < 2:
            return ()
        low = min(s.score for s in scored)
        return tuple(s for s in scored if s.score == low)


def score_lines(report: ReportEntry) -> tuple[ScoreLine, ...]:
    """The nine statements in the framework's order, each with the score the report gives or None."""
    return tuple(ScoreLine(qs.theme, qs.name, report.scores.get(qs.name)) for qs in QUALITY_STATEMENTS)


def brief(assistant: Asks, report: ReportEntry) -> Briefing:
    """Ask each section's question of this report alone ("" home: the briefing is about the report
    chosen, whatever the reader's own council is)."""
    if not report.authority:
        raise ValueError(f"{Path(report.source).name}: no authority was found in this report, so it cannot be briefed on")
    scope = SearchFilter(authorities=(report.authority,), report_ids=(report.report_id,))
    sections = tuple(
        BriefingSection(title, assistant.ask(question.format(name=report.authority), scope=scope, home=""))
        for title, question in SECTIONS
    )
    return Briefing(report, score_lines(report), sections)


# -- files -----------------------------------------------------------------------------------------
def briefing_markdown(b: Briefing) -> str:
    e = escape_for_file
    lines = [f"# {e(b.title)}", "", e(b.headline()), "", "## Quality statement scores", "",
             "| Theme | Quality statement | Score | |", "|---|---|---|---|"]
    lines += [f"| {e(s.theme)} | {e(s.statement)} | {s.score if s.score is not None else '-'} | {e(s.band)} |"
              for s in b.scores]
    if low := b.lowest():
        lines += ["", f"Lowest scored: {e(', '.join(s.statement for s in low))}."]
    for section in b.sections:
        lines += ["", f"## {e(section.title)}", ""]
        if not section.covered:
            lines += [NOT_COVERED]
            continue
        lines += [e(line) for line in section.answer.answer.strip().splitlines()]
        lines += ["", f"*{e(written_by(section.answer))}. Sources:*", ""]
        lines += [f"- {e(describe(c))}" for c in section.answer.citations]
    return "\n".join(lines).rstrip() + "\n"


BRIEFING_SUFFIXES = (".docx", ".md")


def export_briefing(b: Briefing, path: str | Path) -> Path:
    """Write the briefing in the format the file name's suffix asks for (.docx or .md)."""
    path = Path(path)
    if path.suffix.lower() not in BRIEFING_SUFFIXES:
        raise ExportError(f"{path}: a briefing exports to {' or '.join(BRIEFING_SUFFIXES)}")
    if path.suffix.lower() == ".docx":
        return write_briefing_docx(b, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(briefing_markdown(b), encoding="utf-8")
    return path


A4_CM = (21.0, 29.7)  # portrait
MARGIN_CM = 2.0


def write_briefing_docx(b: Briefing, path: str | Path) -> Path:
    """The briefing as a Word document (portrait A4): headline, the scores table, then each section
    with its sources under it, so a reader can check every point against the report."""
    from docx import Document  # python-docx, as for action plans
    from docx.shared import Cm, Pt

    path = Path(path)
    doc = Document()
    section = doc.sections[0]  # python-docx's template is US Letter; councils print on A4
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    doc.add_heading(b.title, level=0)
    doc.add_paragraph(b.headline())
    doc.add_heading("Quality statement scores", level=1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Quality statement", "Score", "What the score means")):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for theme in THEMES.values():
        lines = [s for s in b.scores if s.theme == theme]
        if not lines:
            continue
        row = table.add_row().cells
        merged = row[0].merge(row[2])
        merged.text = theme
        merged.paragraphs[0].runs[0].italic = True
        for s in lines:
            cells = table.add_row().cells
            for cell, text in zip(cells, (s.statement, str(s.score) if s.score is not None else "-", s.band)):
                cell.text = text
    if low := b.lowest():
        doc.add_paragraph(f"Lowest scored: {', '.join(s.statement for s in low)}.")
    for section in b.sections:
        doc.add_heading(section.title, level=1)
        if not section.covered:
            doc.add_paragraph(NOT_COVERED)
            continue
        for line in section.answer.answer.strip().splitlines():
            text = line.strip()
            if text.startswith("- "):  # answers list their points as Markdown bullets, sub-points indented
                doc.add_paragraph(text[2:], style="List Bullet 2" if line.startswith("  ") else "List Bullet")
            elif text:
                doc.add_paragraph(text)
        note = doc.add_paragraph(f"{written_by(section.answer)}. Sources:")
        note.runs[0].italic = True
        for c in section.answer.citations:
            doc.add_paragraph(describe(c)).runs[0].font.size = Pt(9)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
