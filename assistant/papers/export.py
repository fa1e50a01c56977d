"""Action plans and conversations as files staff can take to a meeting: Markdown, CSV and Word.

Every export carries the findings each action or answer cites, so a reader can check the draft
against the report without the assistant, and labels owners and timescales as suggestions.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.actions.draft import ActionItem, ActionPlan
from assistant.llm.calling import model_unreachable
from assistant.models import Answer, Citation
from assistant.papers.inert import escape_for_file

SUFFIXES = (".md", ".csv", ".docx")
# The plan's columns as the app's table shows them: every export uses the same headers, so a
# reader moving from screen to file finds the same words. Owners and timescales say in their own
# cells whether they are suggestions or the report's, so the headers do not.
PLAN_COLUMNS = ("Action", "Owner", "Timescale", "Measure of success", "Sources", "Evidence")
CSV_COLUMNS = ("#",) + PLAN_COLUMNS + ("Findings cited",)
# Word, landscape A4 (29.7 cm less 2 x 1.5 cm margins = 26.7 cm): widths in cm per column, in
# proportion to what each holds (long action and evidence, short owner, timescale and sources).
DOCX_WIDTHS_CM = {"#": 0.8, "Action": 6.0, "Owner": 3.2, "Timescale": 2.6, "Measure of success": 4.6,
                  "Sources": 1.5, "Evidence": 8.0}
DOCX_MARGIN_CM = 1.5
# Spreadsheet programs run a cell that starts with one of these as a formula (=HYPERLINK(...)).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """A file the plan cannot be written to (unknown suffix)."""


def describe(c: Citation) -> str:
    """"[2] Kingsmere Metropolitan Borough Council · Safeguarding (score 2) · Making safeguarding personal"."""
    score = f" (score {c.score})" if c.score is not None else ""
    parts = [c.authority or "Unnamed document", f"{c.quality_statement}{score}" if c.quality_statement else "", c.heading]
    return f"[{c.marker}] " + " · ".join(p for p in parts if p)


def _cited(item: ActionItem) -> str:
    return "; ".join(describe(c) for c in item.citations)


def _subtitle(plan: ActionPlan) -> str:
    date = f"report published {plan.report_date}" if plan.report_date else "report date not given"
    return f"{plan.authority}: {plan.topic} ({date})"


_SUGGESTION_NOTE = (
    "Each action rests on the finding(s) it cites. Timescales marked \"(from the report)\" are dates the report "
    "gives; owners and other timescales are suggestions for the council to confirm. Measures take the report's "
    "own figures as baselines and say which way they should move."
)


# -- Markdown ------------------------------------------------------------------------------------
def plan_markdown(plan: ActionPlan) -> str:
    lines = [
        f"# Improvement actions: {plan.authority}",
        "",
        f"**Focus:** {plan.topic}  ",
        f"**Report published:** {plan.report_date or 'not given'}  ",
        f"**Drafted by:** {drafted_by(plan)}",
        "",
        _SUGGESTION_NOTE,
        "",
    ]
    if not plan.items:
        lines += ["No actions: no finding in the report records a shortfall on this focus.", ""]
    for n, item in enumerate(plan.items, 1):
        lines += [f"## {n}. {escape_for_file(item.action)}", ""]
        lines.append(f"- **Rests on:** {escape_for_file(_cited(item))}")
        for sentence in item.basis:
            lines.append(f"- **Finding records:** \u201c{escape_for_file(sentence)}\u201d")
        lines.append(f"- **Measure of success:** {escape_for_file(item.measure) or 'none: the finding gives no figure'}")
        lines.append(f"- **Owner:** {escape_for_file(item.owner)}")
        lines.append(f"- **Timescale:** {escape_for_file(item.timescale)}")
        lines.append("")
    findings = _distinct_citations(plan.items)
    if findings:
        lines += ["## Findings cited", ""]
        for c in findings:
            lines += [f"**{escape_for_file(describe(c))}**", "", _quote_block(escape_for_file(c.text)), ""]
    if plan.notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in plan.notes] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _distinct_citations(items: list[ActionItem]) -> list[Citation]:
    seen: dict[str, Citation] = {}
    for item in items:
        for c in item.citations:
            seen.setdefault(c.chunk_id, c)
    return sorted(seen.values(), key=lambda c: c.marker)


def _quote_block(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


# -- CSV -----------------------------------------------------------------------------------------
def inert_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (the spreadsheet convention for "this is text"), so "=HYPERLINK(...)" from a
    report reaches Excel as the characters, never as a live formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _sources_cell(item: ActionItem) -> str:
    return " ".join(f"[{c.marker}]" for c in item.citations)


def plan_rows(plan: ActionPlan) -> list[dict[str, str]]:
    """One row per action under the headers the app shows (plus its number and what it cites)."""
    return [
        {
            "#": str(n),
            "Action": item.action,
            "Owner": item.owner,
            "Timescale": item.timescale,
            "Measure of success": item.measure,
            "Sources": _sources_cell(item),
            "Evidence": " / ".join(item.basis),
            "Findings cited": _cited(item),
        }
        for n, item in enumerate(plan.items, 1)
    ]


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """Rows as CSV with every cell made inert: the one way this project writes CSV."""
    out = io.StringIO()
    # CRLF between rows (RFC 4180): a line break of either kind inside a cell is then quoted.
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writerow({c: inert_cell(c) for c in columns})
    writer.writerows({c: inert_cell(str(row.get(c, ""))) for c in columns} for row in rows)
    return out.getvalue()


def plan_csv(plan: ActionPlan) -> str:
    return csv_text(plan_rows(plan), CSV_COLUMNS)


# -- Word ----------------------------------------------------------------------------------------
def write_docx(plan: ActionPlan, path: Path) -> None:
    """The plan as a Word document: landscape A4, the table under the app's headers with widths a
    reader can read, header row repeated on each page, then the findings cited in full."""
    from docx import Document  # python-docx; imported here so the rest needs no Word library
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(DOCX_MARGIN_CM))
    doc.add_heading(f"Improvement actions: {plan.authority}", level=0)
    doc.add_paragraph(f"Focus: {plan.topic}")
    doc.add_paragraph(f"Report published: {plan.report_date or 'not given'}")
    doc.add_paragraph(f"Drafted by: {drafted_by(plan)}")
    doc.add_paragraph(_SUGGESTION_NOTE)
    headers = ("#",) + PLAN_COLUMNS
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)  # the header row again at the top of every page
    for row in plan_rows(plan):
        cells = table.add_row().cells
        for cell, column in zip(cells, headers):
            cell.text = row[column]
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    for column, header in zip(table.columns, headers):
        for cell in column.cells:  # Word reads the cells' widths; LibreOffice the grid's
            cell.width = Cm(DOCX_WIDTHS_CM[header])
    grid = table._tbl.tblGrid
    for col, header in zip(grid.findall(qn("w:gridCol")), headers):
        col.set(qn("w:w"), str(int(DOCX_WIDTHS_CM[header] * 567)))  # twentieths of a point per cm
    if not plan.items:
        doc.add_paragraph("No actions: no finding in the report records a shortfall or a planned improvement on this focus.")
    findings = _distinct_citations(plan.items)
    if findings:
        doc.add_heading("Findings cited", level=1)
        for c in findings:
            doc.add_paragraph(describe(c)).runs[0].bold = True
            doc.add_paragraph(c.text)
    if plan.notes:
        doc.add_heading("Notes", level=1)
        for note in plan.notes:
            doc.add_paragraph(note, style="List Bullet")
    doc.save(str(path))


def drafted_by(plan: ActionPlan) -> str:
    """Who drafted the plan, in plain words."""
    if plan.backend.startswith("extractive"):
        return "the assistant from the report's own words (no language model)"
    return f"{plan.backend}, checked against the report"


# -- by suffix -----------------------------------------------------------------------------------
def export_plan(plan: ActionPlan, path: str | Path) -> Path:
    """Write the plan in the format the file name's suffix asks for."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExportError(f"{path}: cannot export to {suffix or 'a file without a suffix'}; use one of {', '.join(SUFFIXES)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        path.write_text(plan_markdown(plan), encoding="utf-8")
    elif suffix == ".csv":
        # utf-8-sig: Excel, which most councils open CSV files with, reads "£" and quotes correctly only with the BOM.
        path.write_text(plan_csv(plan), encoding="utf-8-sig", newline="")
    else:
        write_docx(plan, path)
    return path


# -- conversations -------------------------------------------------------------------------------
def written_by(answer: Answer) -> str:
    """Who wrote an answer, in plain words."""
    backend = answer.backend or answer.kind
    if backend == "catalog":
        return "Scores as the reports give them"
    if backend == "measures":
        return "Figures as the reports give them, lined up from the measure records"
    if model_unreachable(backend):
        return "Quoted from the reports (the language model could not be reached)"
    if backend.startswith("extractive") or backend == answer.kind:
        return "Quoted from the reports"
    return f"Written by {backend}, checked against the reports"


def answer_markdown_lines(answer: Answer) -> list[str]:
    """One answer for a Markdown file: its text, who wrote it, its sources with the cited sentences,
    and what checking removed. Report text is escaped (`assistant.papers.inert`) so it stays text."""
    lines = [escape_for_file(line) for line in answer.answer.strip().splitlines()] + [""]
    if answer.backend:
        lines += [f"*{escape_for_file(written_by(answer))}*", ""]
    if answer.citations:
        lines += ["**Sources**", ""]
        for c in answer.citations:
            published = f", published {c.published}" if c.published else ""
            where = ", ".join(x for x in (c.location, Path(c.source).name if c.source else "") if x)
            lines.append(f"- {escape_for_file(describe(c))}{published}" + (f" — {escape_for_file(where)}" if where else ""))
            quote = (c.quote or c.text).strip()
            if quote:
                lines += ["", "\n".join(f"  > {escape_for_file(line)}" for line in quote.splitlines()), ""]
        lines.append("")
    if answer.removed:
        lines += ["**Removed by citation checks**", ""]
        lines += [f"- {escape_for_file(r.text)} ({escape_for_file(r.reason)})" for r in answer.removed] + [""]
    return lines


def conversation_markdown(answers: list[Answer], title: str = "Conversation with the CQC report assistant") -> str:
    """A conversation (answers oldest first) with each answer's sources."""
    lines = [f"# {title}", ""]
    for n, answer in enumerate(answers, 1):
        lines += [f"## {n}. {escape_for_file(answer.question)}", ""]
        lines += answer_markdown_lines(answer)
    return "\n".join(lines).rstrip() + "\n"


def export_conversation(answers: list[Answer], path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".md":
        raise ExportError(f"{path}: a conversation exports to Markdown (.md) only")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(conversation_markdown(answers), encoding="utf-8")
    return path
