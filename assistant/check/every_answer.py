"""Stage 5, check: what every answer must hold before anyone sees it, whoever wrote it.

- It cites only the authorities the scope allows: a sentence resting on another authority's
  finding is taken out (retrieval is filtered already; this holds whatever an answerer does).
- Every marker resolves to a citation, and every citation is used.
- Whose finding: an answer drawing on more than one authority names the authority of every
  sentence, grouped per authority as comparisons are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.models import NOT_IN_REPORTS, Answer, Citation
from assistant.path import Scope
from cqc.text.markers import MARKER as _MARKER
from cqc.text.sentences import split_answer

_GROUPED = re.compile(r"^\s*(?:[-*]\s*)?\*\*[^*]+\*\*", re.MULTILINE)
# Kinds whose text names the authority on every line already.
SELF_NAMING = ("catalog", "measures", "comparison", "summary", "good_practice", "clarify", "absent")


class CheckAnswer:
    def run(self, answer: Answer, scope: Scope) -> Answer:
        allowed = set(scope.where.authorities)
        text, citations = answer.answer, list(answer.citations)
        if allowed:
            foreign = {c.marker for c in citations if c.authority and c.authority not in allowed}
            if foreign:
                text = _without_markers(text, foreign)
                citations = [c for c in citations if c.marker not in foreign]
        used = {int(m) for m in _MARKER.findall(text)}
        known = {c.marker for c in citations}
        text = _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in known else "", text)
        citations = [c for c in citations if c.marker in used]
        if answer.citations and not citations:  # everything it rested on was taken out
            return replace(answer, answer=NOT_IN_REPORTS, abstained=True, citations=[], kind="abstained")
        owners = {c.authority for c in citations if c.authority}
        if len(owners) > 1 and answer.kind not in SELF_NAMING and not _GROUPED.search(text):
            text = grouped_by_authority(text, citations)
        return replace(answer, answer=text, citations=citations)


def _without_markers(text: str, markers: set[int]) -> str:
    """Sentences resting only on these markers taken out; other sentences lose just the markers."""
    lines = []
    for line in text.split("\n"):
        kept = []
        for sentence in split_answer(line):
            cited = {int(m) for m in _MARKER.findall(sentence)}
            if cited and cited <= markers:
                continue
            kept.append(_MARKER.sub(lambda m: "" if int(m.group(1)) in markers else m.group(0), sentence))
        if kept or not line.strip():
            lines.append(" ".join(kept))
    return "\n".join(lines).strip()


def grouped_by_authority(text: str, citations: list[Citation]) -> str:
    """The sentences of an answer regrouped under the authority whose findings they cite, in order
    of first appearance; a sentence citing none stays with the one before it."""
    owner = {c.marker: c.authority for c in citations}
    groups: dict[str, list[str]] = {}
    current = ""
    for sentence in split_answer(" ".join(text.split("\n"))):
        whose = list(dict.fromkeys(owner.get(int(m), "") for m in _MARKER.findall(sentence)))
        whose = [w for w in whose if w]
        if whose:
            current = "; ".join(whose)
        groups.setdefault(current, []).append(sentence.strip())
    return "\n".join(f"- **{a}**: {' '.join(s)}" if a else " ".join(s) for a, s in groups.items())
