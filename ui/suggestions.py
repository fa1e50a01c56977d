"""Follow-up questions offered under the latest answer, built from what it cites: the same
question about another council, the score of the quality statement it drew on, improvement
actions for it, and a briefing on the council's report. Each is a question the assistant answers from the library (a score is read from
the catalog, actions from the report's findings), never a guess about what the reports hold.
Clicking one asks it.
"""

from __future__ import annotations

import re

import streamlit as st

from ui.safe import escape

MAX_SUGGESTIONS = 4
_COUNCIL_WORDS = re.compile(
    r"\s+(Metropolitan Borough|Royal Borough|London Borough|County Borough|Borough|County|City|District)?\s*Council$"
)


def short_name(authority: str) -> str:
    """"Kingsmere Metropolitan Borough Council" -> "Kingsmere" (how people name a council in a question)."""
    return _COUNCIL_WORDS.sub("", authority).strip() or authority


def _named(question: str, authority: str) -> str | None:
    """The name the question uses for the authority (its full or short name), if any."""
    for name in (authority, short_name(authority)):
        if re.search(rf"\b{re.escape(name)}\b", question, re.IGNORECASE):
            return name
    return None


def suggestions_for(turn, authorities: list[str]) -> list[str]:
    """Up to three follow-ups for an Ask turn; none for a comparison or an answer with no source."""
    if turn.mode != "ask":
        return []
    answer = next(iter(turn.answers.values()))
    if answer.abstained or not answer.citations:
        return []
    cited = list(dict.fromkeys(c.authority for c in answer.citations if c.authority))
    if len(cited) != 1:
        return []
    authority = cited[0]
    short = short_name(authority)
    out: list[str] = []
    named = _named(turn.question, authority)
    others = [a for a in authorities if a != authority]
    if named and others:
        other = others[0]
        out.append(re.sub(rf"\b{re.escape(named)}\b", short_name(other), turn.question, count=1, flags=re.IGNORECASE))
    statements = [c.quality_statement for c in answer.citations if c.quality_statement]
    statement = max(set(statements), key=statements.count) if statements else ""
    if statement and answer.kind != "catalog":
        out.append(f"What was {short}'s score for {statement}?")
    if statement and answer.kind != "actions":
        out.append(f"Draft improvement actions for {short} on {statement}")
    out.append(f"Summarise {short}'s report")  # the briefing: the report's own summary, quoted
    return [q for q in dict.fromkeys(out) if q.strip().lower() != turn.question.strip().lower()][:MAX_SUGGESTIONS]


def _picked(key: str) -> None:
    st.session_state["asked_suggestion"] = st.session_state.get(key)
    st.session_state[key] = None  # a pill here is a button, not a lasting choice


def show_suggestions(turn) -> None:
    authorities = st.session_state.get("_library_authorities", [])
    options = suggestions_for(turn, authorities)
    if options:
        key = f"suggest-{turn.id}"
        st.pills("Ask next", options, key=key, on_change=_picked, args=(key,), format_func=escape)


def picked_suggestion() -> str | None:
    return st.session_state.pop("asked_suggestion", None)
