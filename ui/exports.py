"""The conversation as a Markdown document to take into a meeting: questions, answers, sources.

Report text goes into the file escaped, so a report's HTML, images or links stay text when the
file is opened in a Markdown viewer too.
"""

from __future__ import annotations

from datetime import datetime

from assistant.papers.export import answer_markdown_lines
from assistant.papers.inert import escape_for_file as escape
from ui.chat import ASK, ChatTurn


def conversation_markdown(turns: list[ChatTurn], title: str = "CQC report assistant: conversation") -> str:
    lines = [f"# {title}", "", f"Exported {datetime.now().strftime('%Y-%m-%d %H:%M')}.", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {escape(turn.question)}", ""]
        for authority, answer in turn.answers.items():
            if turn.mode != ASK:
                lines += [f"### {escape(authority)}", ""]
            applied = [f"{k.replace('_', ' ')}: {', '.join(v)}" for k, v in answer.filters.items() if v]
            applied += turn.extra_chips
            if applied:
                lines += [f"_Filters: {escape('; '.join(applied))}_", ""]
            lines += answer_markdown_lines(answer)
    return "\n".join(lines).rstrip() + "\n"
