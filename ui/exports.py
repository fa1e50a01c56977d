"""The conversation as a Markdown document to take into a meeting: questions, answers, sources.

Report text goes into the file escaped, so a report's HTML, images or links stay text when the
file is opened in a Markdown viewer too.
"""

from __future__ import annotations

from datetime import datetime

from assistant.papers.export import answer_markdown_lines, describe
from assistant.papers.inert import escape_for_file as escape
from ui.chat import ASK, ChatTurn


def conversation_markdown(turns: list[ChatTurn], title: str = "CQC report assistant: conversation") -> str:
    lines = [f"# {title}", "", f"Exported {datetime.now().strftime('%Y-%m-%d %H:%M')}.", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {escape(turn.question)}", ""]
        if getattr(turn, "plan", None) is not None:
            lines += plan_lines(turn.plan)
        for authority, answer in turn.answers.items():
            if turn.mode != ASK:
                lines += [f"### {escape(authority)}", ""]
            applied = [f"{k.replace('_', ' ')}: {', '.join(v)}" for k, v in answer.filters.items() if v]
            applied += turn.extra_chips
            if applied:
                lines += [f"_Filters: {escape('; '.join(applied))}_", ""]
            lines += answer_markdown_lines(answer)
    return "\n".join(lines).rstrip() + "\n"


def plan_lines(plan) -> list[str]:
    """A plan kept with the conversation, as edited: each action with its owner, timescale, measure
    and the findings it rests on."""
    lines = [f"_Action plan for {escape(plan.authority)}: {escape(plan.topic)} (report published "
             f"{escape(plan.report_date or 'date not given')})_", ""]
    for n, item in enumerate(plan.items, 1):
        lines.append(f"{n}. {escape(item.action)}")
        for label, value in (("Owner", item.owner), ("Timescale", item.timescale), ("Measure of success", item.measure)):
            if value:
                lines.append(f"   - {label}: {escape(value)}")
        for c in item.citations:
            lines.append(f"   - Rests on {escape(describe(c))}: \u201c{escape(c.quote or c.text)}\u201d")
    return lines + [""]
