"""Action plans and conversations as files staff can take to a meeting: Markdown, CSV and Word.

Every export carries the findings each action or answer cites, so a reader can check the draft
against the report without the assistant, and labels owners and timescales as suggestions.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.actions import ActionItem, ActionPlan
from assistant.inert import escape_for_file
from assistant.models import Answer, Citation

SUFFIXES = (".md", ".csv", ".docx")
CSV_COLUMNS = ("number", "action", "findings cited", "basis", "measure of success", "suggested owner", "suggested timescale")


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
    "Each action rests on the finding(s) it cites. Owners and timescales are suggestions for the council "
    "to confirm; measures quote the report's own figures as baselines."
)


# -- Markdown ------------------------------------------------------------------------------------
def plan_markdown(plan: ActionPlan) -> str:
    lines = [
        f"# Improvement actions: {plan.authority}",
        "",
        f"**Focus:** {plan.topic}  ",
        f"**Report published:** {plan.report_date or 'not given'}  ",
        f"**Drafted by:** {plan.backend}",
        "",
        _SUGGESTION_NOTE,
        "",
    ]
    if not plan.items:
        lines += ["No actions: no finding in the report records a shortfall on this focus.", ""]
    for n, item in enumerate(plan.items, 1):
        lines += [f"## {n}. {escape_for_file(item.action)}", ""]
        lines.append(f"- **Addresses:** {escape_for_file(_cited(item))}")
        for sentence in item.basis:
            lines.append(f"- **Finding records:** \u201c{escape_for_file(sentence)}\u201d")
        lines.append(f"- **Measure of success:** {escape_for_file(item.measure) or 'none: the finding gives no figure'}")
        lines.append(f"- **Owner:** {item.owner}")
        lines.append(f"- **Timescale:** {item.timescale}")
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
def plan_rows(plan: ActionPlan) -> list[dict[str, str]]:
    return [
        {
            "number": str(n),
            "action": item.action,
            "findings cited": _cited(item),
            "basis": " / ".join(item.basis),
            "measure of success": item.measure,
            "suggested owner": item.owner,
            "suggested timescale": item.timescale,
        }
        for n, item in enumerate(plan.items, 1)
    ]


def plan_csv(plan: ActionPlan) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(plan_rows(plan))
    return out.getvalue()


# -- Word ----------------------------------------------------------------------------------------
def write_docx(plan: ActionPlan, path: Path) -> None:
    from docx import Document  # python-docx; imported here so the rest needs no Word library
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(f"Improvement actions: {plan.authority}", level=0)
    doc.add_paragraph(f"Focus: {plan.topic}")
    doc.add_paragraph(f"Report published: {plan.report_date or 'not given'}")
    doc.add_paragraph(f"Drafted by: {plan.backend}")
    doc.add_paragraph(_SUGGESTION_NOTE)
    headers = ("#", "Action", "Finding(s) addressed", "Finding records", "Measure of success", "Suggested owner", "Suggested timescale")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in plan_rows(plan):
        cells = table.add_row().cells
        values = (row["number"], row["action"], row["findings cited"], row["basis"], row["measure of success"],
                  row["suggested owner"], row["suggested timescale"])
        for cell, text in zip(cells, values):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    if not plan.items:
        doc.add_paragraph("No actions: no finding in the report records a shortfall on this focus.")
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
def answer_markdown_lines(answer: Answer) -> list[str]:
    """One answer for a Markdown file: its text, who wrote it, its sources with the cited sentences,
    and what checking removed. Report text is escaped (`assistant.inert`) so it stays text."""
    lines = [escape_for_file(line) for line in answer.answer.strip().splitlines()] + [""]
    if answer.backend:
        lines += [f"*Answered by: {escape_for_file(answer.backend)}*", ""]
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
