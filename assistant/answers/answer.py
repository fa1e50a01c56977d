"""Stage 4, answer: the answerer that fits what was asked.

- a question back, when "our" has no council to mean; the scope notes alone, when every council
  asked about is absent or filtered out;
- ratings and scores from the catalog (`scores.py`); councils lined up on one measure from its
  records (`rankings.py`: rankings, filters, averages, against the England average);
- the report's own summaries (`summaries.py`); what good looks like (`good_practice.py`);
- otherwise the configured answerer (quoted sentences, or a chat model checked claim by claim),
  with each part of a multi-part question answered or named as not covered (`parts.py`).

`run()` yields the answer's text as it is written and returns the finished `Answer`.
"""

from __future__ import annotations

from collections.abc import Generator

from assistant.answers.closest import with_closest
from assistant.answers.good_practice import GoodPracticeAnswerer
from assistant.answers.parts import PartAnswerer
from assistant.answers.rankings import MeasureAnswerer
from assistant.answers.scores import ScoreAnswerer
from assistant.answers.summaries import SummaryAnswerer
from assistant.answers.writers import ExtractiveAnswerer, GenerativeAnswerer
from assistant.evidence.sentences import wants_figure
from assistant.models import NOT_IN_REPORTS, Answer, RetrievedFinding
from assistant.path import Gathered
from assistant.question.query_plan import Intent
from cqc.records import newest_per_authority
from vectorstore.store import LibraryStore

AnswerPieces = Generator[str, None, Answer]


class AnswerQuestion:
    def __init__(self, store: LibraryStore, answerer: ExtractiveAnswerer | GenerativeAnswerer, parts: PartAnswerer):
        self.store = store
        self.answerer = answerer
        self.scores = ScoreAnswerer(store)
        self.measures = MeasureAnswerer(store)
        self.summaries = SummaryAnswerer(store.reports)
        self.good = GoodPracticeAnswerer(parts.selector)
        self.parts = parts

    def run(self, gathered: Gathered) -> AnswerPieces:
        scope, evidence = gathered.scope, gathered.evidence
        question = scope.question
        if scope.clarify:
            answer = Answer(question, scope.clarify, True, [], [], kind="clarify", backend="catalog")
        elif scope.nothing_left:
            answer = Answer(question, "", True, [], [], kind="absent", backend="catalog")
        elif scope.plan.intent is Intent.SCORES:
            answer = self._catalog(gathered)
        elif scope.plan.intent is Intent.MEASURES:
            answer = self.measures.answer(scope)  # from the records, whatever the answerer: never a model's
        elif scope.plan.intent is Intent.SUMMARY:
            answer = self._summary(gathered)
        elif scope.plan.intent is Intent.GOOD_PRACTICE:
            answer = self._good_practice(gathered)
        else:
            answer = None
        if answer is not None:
            if answer.answer:
                yield answer.answer
            return answer
        answer = yield from self.answerer.stream(evidence)
        plan = scope.plan
        # "No figure" only when there is none: an answerer that abstained for another reason (a model's
        # context too small for any finding) leaves a figure the quoted answer would give.
        if (answer.abstained and answer.kind == "abstained" and not evidence.is_comparison and not plan.parts
                and not plan.wants_actions and wants_figure(plan.content)
                and not self.parts.selector.choose(evidence.ranked, True, max_sentences=1)):
            closest = with_closest(answer, evidence, scope.reading.standalone)
            if closest is not answer:
                yield "\n\n" + closest.answer  # the caller shows the finished answer in place of the pieces
                return closest
        if scope.plan.parts and not evidence.is_comparison and isinstance(self.answerer, ExtractiveAnswerer):
            completed = self.parts.complete(gathered, answer)
            if completed is not answer:
                yield "\n\n" + completed.answer  # the caller shows the finished answer in place of the pieces
                answer = completed
        return answer

    # -- answerers -------------------------------------------------------------------------
    def _catalog(self, gathered: Gathered) -> Answer:
        scope = gathered.scope
        where = scope.where
        result = self.scores.answer(scope.plan, list(where.authorities), where.report_ids)
        if result is None:
            return self._declined(gathered)
        text, citations, cited, gave_nothing = result
        ids = {c.chunk_id for c in citations}
        # The findings shown beside the score lines: searched for only when the lines are fewer than ten
        # (a lookup across the library cites enough lines of its own and skips a search of every council).
        found = gathered.searched().findings if len(cited) < 10 else []
        retrieved = cited + [f for f in found if f.chunk.chunk_id not in ids]
        # "The report gives no overall score" is an answer that abstains: nothing asked for is given.
        return Answer(scope.question, text, gave_nothing, citations, retrieved[: max(10, len(cited))], kind="catalog",
                      backend="catalog")

    def _summary(self, gathered: Gathered) -> Answer:
        scope, evidence = gathered.scope, gathered.evidence
        plan = scope.plan
        assert plan.summary_ask is not None
        text, citations = self.summaries.answer(evidence, plan.summary_ask, plan.voices)
        if not text:
            return self._declined(gathered)
        # What people said was searched for: the search's order stands; a summary section is read whole.
        retrieved = evidence.findings if plan.voices else _cited_first(citations, evidence.findings)
        return Answer(scope.question, text, False, citations, retrieved, kind="summary", backend="extractive")

    def _good_practice(self, gathered: Gathered) -> Answer:
        scope, evidence = gathered.scope, gathered.evidence
        plan = scope.plan
        statement = (plan.quality_statements or plan.topic_statements or ("",))[0]
        chosen = {e.authority for e in scope.exemplars}
        others = []
        if statement:
            reports = newest_per_authority(self.store.reports(), scope.reading.asked.filters.report_ids)
            others = sorted(((a, r.scores[statement]) for a, r in reports.items()
                             if a not in chosen and statement in r.scores), key=lambda x: (x[1], x[0]))
        text, citations = self.good.answer(evidence, scope.exemplars, others, statement)
        if not text:
            if statement and not scope.exemplars:
                held = "; ".join(f"{a} {n}" for a, n in others)
                message = (f"No authority in the library scored 3 or 4 for {statement}, so its reports hold no "
                           f"example of good practice on it to quote." + (f" Scores held: {held}." if held else ""))
                return Answer(scope.question, message, True, [], evidence.findings, kind="good_practice",
                              backend="catalog")
            return self._declined(gathered)
        return Answer(scope.question, text, False, citations, _cited_first(citations, evidence.findings),
                      kind="good_practice", backend="extractive")

    @staticmethod
    def _declined(gathered: Gathered) -> Answer:
        return Answer(gathered.scope.question, NOT_IN_REPORTS, True, [], gathered.searched().findings, kind="abstained")


def _cited_first(citations, findings: list[RetrievedFinding]) -> list[RetrievedFinding]:
    """What the answer quotes first, then the rest in the order they were found."""
    by_id = {f.chunk.chunk_id: f for f in findings}
    cited = [by_id[c.chunk_id] for c in citations if c.chunk_id in by_id]
    ids = {f.chunk.chunk_id for f in cited}
    return list(dict.fromkeys(cited)) + [f for f in findings if f.chunk.chunk_id not in ids]
