"""The quoted answer's text: the chosen sentences in reading order, each followed by the marker of
the finding it came from, so every word of the answer is in a report by construction."""

from __future__ import annotations

from assistant.evidence.sentences import Selected
from assistant.models import Citation, RetrievedFinding


def compose_actions(chosen: list[Selected]) -> tuple[str, list[Citation]]:
    """Shortfalls as a numbered list to build improvement actions on, each quoted and cited.

    With no model the assistant does not invent actions: it lays out what the report records,
    so each action a user writes rests on a finding they can check.
    """
    lines = ["Shortfalls the report records, to build improvement actions on:"]
    citations: list[Citation] = []
    for i, c in enumerate(chosen, 1):
        lines.append(f"{i}. {c.sentence} [{i}]")
        citations.append(Citation.of(i, c.finding.chunk, quote=c.sentence))
    return "\n".join(lines), citations


def compose(chosen: list[Selected], first_marker: int = 1) -> tuple[str, list[Citation]]:
    """Sentences in reading order (finding by finding), each followed by its finding's marker."""
    order: list[RetrievedFinding] = []
    for c in chosen:
        if c.finding not in order:
            order.append(c.finding)
    citations: list[Citation] = []
    parts: list[str] = []
    for i, finding in enumerate(order):
        marker = first_marker + i
        sentences = [c.sentence for c in chosen if c.finding is finding]
        # A sentence that leans on the one before it is quoted with it.
        sentences += [c.lead for c in chosen if c.finding is finding and c.lead and c.lead not in sentences]
        # Keep the report's own order inside one finding.
        sentences.sort(key=finding.chunk.text.find)
        for s in sentences:
            parts.append(f"{s} [{marker}]")
        citations.append(Citation.of(marker, finding.chunk, quote="\n".join(sentences)))
    return " ".join(parts), citations
