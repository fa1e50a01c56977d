"""Questions that ask several things: each part found is answered, each part not found is named.

"How many formal complaints did Kingsmere receive, and how many DoLS applications were waiting?"
The answer to the whole question is kept; a part it does not cover is searched for on its own
(an elliptical part, "and how many were upheld?", borrows the words of the part before it);
what is still not found is said to be not in the reports, rather than the whole question
being declined because one part was.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answers.quoted import compose
from assistant.evidence.figures import figure_kinds, fits_kinds
from assistant.evidence.sentences import Selected, SentenceSelector, wants_figure
from assistant.models import NOT_IN_REPORTS, Answer
from assistant.path import Gathered
from assistant.question.understand import WEAK_WORDS, split_outside
from cqc.councils import council_spans
from cqc.text.sentences import split_sentences

_LEAD = re.compile(r"^\s*(how (many|much|long|often)|what (proportion|percentage|share|number) of)\s+", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+")
MIN_PART_COVERAGE = 0.5  # of a part's own subject words, in one sentence the answer quotes
WHOLE_PIECE = 0.99
MIN_STRONG_WORDS = 2  # fewer, and a part leans on the one before it


class PartAnswerer:
    def __init__(self, selector: SentenceSelector, retrieve, embed_query):
        self.selector = selector
        self.retrieve = retrieve  # RetrieveEvidence.retrieve
        self.embed_query = embed_query

    def strong_terms(self, part: str) -> set[str]:
        return {t for t in self.selector.query_terms(part) if t not in WEAK_WORDS and not t[0].isdigit()}

    def covered(self, part: str, sentences: list[str], least: float = MIN_PART_COVERAGE) -> bool:
        """Whether one of the sentences answers the part: covers its own words and, for a figure,
        states one of the kind it asks for."""
        terms = self.strong_terms(part)
        if not terms:
            return True  # nothing of its own to look for: it leans on the rest of the question
        figure = wants_figure(part)
        kinds = figure_kinds(part) if figure else frozenset()
        return any(
            self.selector.coverage(terms, s) >= least
            and (not figure or (any(ch.isdigit() for ch in s) and fits_kinds(s, kinds)))
            for s in sentences
        )

    def complete(self, gathered: Gathered, answer: Answer) -> Answer:
        """The answer with each part it missed answered on its own, or named as not in the reports."""
        scope = gathered.scope
        plan = scope.plan
        names = scope.reading.names
        split = {part: self.coordinated(part, names.spans(part)) for part in plan.parts}
        pieces = [(piece, len(split[part]) > 1) for part in plan.parts for piece in split[part]]
        shown = [piece for piece, _ in pieces]
        # One of two things asked together must be found whole: "formal complaints" is not
        # answered by a sentence about Ombudsman complaints.
        least = [WHOLE_PIECE if coordinated else MIN_PART_COVERAGE for _, coordinated in pieces]
        parts = [scope.reading.names.find(p)[1] for p in shown]  # names match every finding alike
        quoted = [] if answer.abstained else [s for c in answer.citations for s in split_sentences(c.quote or c.text)]
        added: list[Selected] = []
        missing: list[str] = []
        for i, (part, worded) in enumerate(zip(parts, shown)):
            if self.covered(part, quoted + [a.sentence for a in added], least[i]):
                continue
            context = part if len(self.strong_terms(part)) >= MIN_STRONG_WORDS or i == 0 else f"{parts[i - 1]} {part}"
            vector = self.embed_query(context)
            _, ranked = self.retrieve(plan, context, scope.where, self.selector_k(gathered), vector, content=context)
            chosen = [c for c in self.selector.choose(ranked, wants_figure(part), max_sentences=2)
                      if self.covered(part, [c.sentence], least[i])]
            if chosen:
                added += [c for c in chosen if c.sentence not in {a.sentence for a in added} and c.sentence not in quoted]
            else:
                missing.append(worded)
        if not added and not missing:
            return answer
        if not added and (answer.abstained or len(missing) == len(parts)):
            return answer  # no part found: the reports do not say, as the answer already says
        citations = [] if answer.abstained else list(answer.citations)
        body = [] if answer.abstained else [answer.answer]
        if added:
            text, cites = compose(added, first_marker=len(citations) + 1)
            body.append(text)
            citations += cites
        for part in missing:
            body.append(f"{NOT_IN_REPORTS[:-1]}: {_lower_first(part)}?")
        retrieved = list(answer.retrieved) + [s.finding for s in added if s.finding not in answer.retrieved]
        return replace(answer, answer=" ".join(body), abstained=False, citations=citations, retrieved=retrieved,
                       kind="extractive")

    def coordinated(self, part: str, keep: list[tuple[int, int]] | None = None) -> list[str]:
        """A figure part asking for two things at once ("how many formal complaints and Ombudsman
        investigations ...") as one piece per thing, each of which the answer must cover. Never
        cut inside a council's name (`keep`, spans of `part`; by default every council on the
        national list): "how many calls did Hammersmith and Fulham answer" asks one thing."""
        m = _LEAD.match(part)
        if not wants_figure(part) or not m:
            return [part]
        lead, rest = m.group(0), part[m.end():]
        keep = council_spans(part) if keep is None else keep
        inside_rest = [(start - m.end(), end - m.end()) for start, end in keep]
        sides = [x.strip() for x in split_outside(rest, _AND, inside_rest)]
        sides = sides if len(sides) < 2 else [sides[0], " and ".join(sides[1:])]  # the first "and" only
        if len(sides) < 2 or not all(self.strong_terms(x) for x in sides):
            return [part]
        return [f"{lead}{sides[0]}", f"{lead}{sides[1]}"]

    @staticmethod
    def selector_k(gathered: Gathered) -> int:
        return max(5, len(gathered.evidence.findings) // 2)


def _lower_first(text: str) -> str:
    text = text.strip().rstrip("?.")
    return text[:1].lower() + text[1:] if text[:2].upper() != text[:2] else text
