"""What an action plan is asked for: the authority (named in the request, else chosen), the
quality statement or topic, and the authority's latest report, which the plan is drafted from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question.understand import understand
from cqc import framework
from cqc.records import newest_per_authority


class ActionsError(ValueError):
    """The request cannot be drafted: no authority named, or one the library does not hold."""


@dataclass
class _Request:
    authority: str
    statements: tuple[str, ...]
    question: str
    topic: str
    report_id: str
    report_date: str
    notes: list[str]


def _read_request(assistant, authority: str | None, quality_statement: str | None, question: str | None) -> _Request:
    """The authority and statement from the question as the assistant reads it; the arguments fill
    in what the question does not name (as the app's own choice of council does for a question).
    The authority's latest report is the one drafted from."""
    names = assistant.names()
    notes: list[str] = []
    plan = understand(question, names) if question else None
    chosen = plan.authorities[0] if plan and plan.authorities else None
    if plan and len(plan.authorities) > 1:
        notes.append(f"Actions are drafted for one authority at a time: {chosen}.")
    if chosen is None and authority:
        found, _ = names.find(authority)
        chosen = found[0] if found else authority
    if not chosen:
        raise ActionsError("Name an authority: in the request (\"... for Kingsmere\") or with --authority.")
    reports = [r for r in assistant.store.reports() if r.authority == chosen]
    if not reports:
        held = ", ".join(sorted({r.authority for r in assistant.store.reports() if r.authority})) or "none"
        raise ActionsError(f"No report in the library for {chosen!r}. Authorities held: {held}.")
    latest = newest_per_authority(reports)[chosen]

    if plan and plan.quality_statements:
        statements: tuple[str, ...] = plan.quality_statements
    elif quality_statement:
        canonical = framework.QS_BY_NAME.get(quality_statement) or next(
            (framework.QS_BY_NAME[s] for s in understand(quality_statement, names).quality_statements), None
        )
        if canonical is None:
            known = "; ".join(qs.name for qs in framework.QUALITY_STATEMENTS)
            raise ActionsError(f"Unknown quality statement {quality_statement!r}. Known: {known}.")
        statements = (canonical.name,)
    else:
        statements = ()
    if not question:
        question = f"Draft improvement actions for {chosen}" + (f" on {statements[0]}" if statements else "")
        plan = understand(question, names)
    assert plan is not None
    topic = ", ".join(statements) or _topic_of(plan.content)
    return _Request(chosen, statements, question, topic, latest.report_id, latest.published, notes)


_ASKING = re.compile(
    r"^\W*(please\s+)?(can you\s+)?(draft|suggest|propose|recommend|write|list|give)\s+(me\s+)?(some\s+)?"
    r"(improvement\s+)?(actions?|recommendations?|plans?|improvements?)(\s+plan)?\b",
    re.IGNORECASE,
)


def _topic_of(content: str) -> str:
    """What a request asks actions about, its asking words and authority taken out
    ("Draft improvement actions for to keep people safe" -> "keep people safe")."""
    rest = _ASKING.sub("", content).strip(" ?.!")
    while True:
        stripped = re.sub(r"^(for|on|about|to|in|around|regarding|covering|the council)\b\s*", "", rest, flags=re.IGNORECASE)
        if stripped == rest:
            break
        rest = stripped
    return rest or "the whole report"
