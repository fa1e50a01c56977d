"""What good looks like: how the councils that scored a good or exceptional standard (3 or 4) on a
quality statement work, quoted from their reports, grouped by council with its score.

Improvement teams read other councils' reports to learn from them; this is that reading done
across the library. It compares practice, not numbers, and never quotes a shortfall as an example.
"""

from __future__ import annotations

import re

from assistant.answers.quoted import compose
from assistant.answers.summaries import SummaryAnswerer
from assistant.evidence.bundle import Evidence
from assistant.evidence.sentences import SHORTFALL, Selected, SentenceSelector
from assistant.models import Citation
from assistant.path import Exemplar
from assistant.question.query_plan import SummaryAsk
from assistant.question.scope import listing
from cqc import framework
from cqc.framework import is_standard_wording

SENTENCES_PER_AUTHORITY = 2
# Lower than a direct answer's bar: the findings are already those of the statement asked about,
# from authorities that scored well on it; what is wanted is their best description of practice.
MIN_PRACTICE_SCORE = 0.2
MIN_PRACTICE_CHARS = 60  # a description of practice, not a heading-like line
# A sentence that leans on the one before it ("This had ...", "Leaders acknowledged this") or is one
# item of a list means little quoted alone.
_LEANS_ON_CONTEXT = re.compile(r"^\s*([-•*]\s|(this|these|that|those|it|they|he|she|such)\b)|^\w+( \w+)? \w+ (this|these)\b",
                               re.IGNORECASE)


def practice(ranked: list[Selected]) -> list[Selected]:
    """An authority's best sentences describing what it does: no shortfalls, no score lines, one per finding."""
    chosen: list[Selected] = []
    # On the subject first (its words in the sentence or its heading), then best scored.
    for s in sorted(ranked, key=lambda s: (-round(s.coverage, 1), -s.relevance)):
        if len(chosen) >= SENTENCES_PER_AUTHORITY:
            break
        if (s.relevance < MIN_PRACTICE_SCORE or s.finding.chunk.kind != "paragraph" or is_standard_wording(s.finding.chunk.heading) or SHORTFALL.search(s.sentence) or len(s.sentence) < MIN_PRACTICE_CHARS
                or _LEANS_ON_CONTEXT.search(s.sentence)
                or any(c.finding is s.finding for c in chosen)):
            continue
        chosen.append(s)
    return chosen


class GoodPracticeAnswerer:
    def __init__(self, selector: SentenceSelector):
        self.selector = selector
        self.summaries = SummaryAnswerer()

    def answer(self, evidence: Evidence, exemplars: tuple[Exemplar, ...], others: list[tuple[str, int]],
               statement: str) -> tuple[str, list[Citation]]:
        """("", []) when no exemplar's findings describe practice on the question's subject.
        `others` are the authorities left out (and their scores), named so the user knows why."""
        if not exemplars:
            return "", []
        if not statement:  # no statement asked about: the strengths of the councils rated Good or Outstanding
            text, citations = self.summaries.answer(evidence, SummaryAsk.STRENGTHS)
            if not text:
                return "", []
            lead = "What the reports of the authorities rated Good or Outstanding give as their strengths:"
            return f"{lead}\n{text}", citations
        score_of = {e.authority: e.score for e in exemplars}
        lines: list[str] = []
        citations: list[Citation] = []
        for group in evidence.groups:
            chosen = practice(group.ranked)
            if not chosen:
                continue
            text, cites = compose(chosen, first_marker=len(citations) + 1)
            citations.extend(cites)
            n = score_of.get(group.authority)
            lines.append(f"- **{group.authority}** ({statement}: {n} - {framework.SCORE_BANDS.get(n, '')}): {text}")
        if not lines:
            return "", []
        lead = f"How authorities in the library that scored 3 or 4 for {statement} work, from their reports:"
        tail = []
        if others:
            left = listing([f"{a} ({n})" for a, n in others])
            tail.append(f"Not included, as they scored below 3 for {statement}: {left}.")
        return "\n".join([lead, *lines, *tail]), citations
