"""The conversation as a Markdown document to take into a meeting: questions, answers, sources.

Report text goes into the file escaped, so a report's HTML, images or links stay text when the
file is opened in a Markdown viewer too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ui.chat import ASK, ChatTurn
from ui.safe import escape_for_file as escape


def _sources(answer, lines: list[str]) -> None:
    if not answer.citations:
        return
    lines.append("Sources:")
    lines.append("")
    for c in answer.citations:
        statement = c.quality_statement or "Overview"
        score = f" (score {c.score})" if c.score is not None else ""
        where = ", ".join(x for x in (c.location, Path(c.source).name if c.source else "") if x)
        lines.append(f"{c.marker}. {escape(c.authority)} · {escape(statement)}{score} · {escape(c.heading)}"
                     + (f" — {escape(where)}" if where else ""))
        lines.append(f"   > {escape(c.quote or c.text).replace(chr(10), ' ')}")
    lines.append("")


def conversation_markdown(turns: list[ChatTurn], title: str = "CQC report assistant: conversation") -> str:
    lines = [f"# {title}", "", f"Exported {datetime.now().strftime('%Y-%m-%d %H:%M')}.", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {escape(turn.question)}", ""]
        for authority, answer in turn.answers.items():
            if turn.mode != ASK:
                lines += [f"### {escape(authority)}", ""]
            for line in answer.answer.splitlines():
                lines += [escape(line), ""]
            applied = [f"{k.replace('_', ' ')}: {', '.join(v)}" for k, v in answer.filters.items() if v]
            applied += turn.extra_chips
            if applied:
                lines += [f"_Filters: {escape('; '.join(applied))}_", ""]
            _sources(answer, lines)
    return "\n".join(lines).rstrip() + "\n"
