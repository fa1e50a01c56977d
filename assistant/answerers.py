"""One answerer interface, two kinds of answerer: sentence selection (default) and a chat model.

The chain gathers the evidence (retrieval, or retrieval per authority for a comparison); an
answerer turns it into an `Answer`. `stream()` yields the text as it is written and returns the
finished, checked answer; `answer()` is the same without the pieces.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel

from assistant.extractive import Selected, SentenceSelector, compose, compose_actions, wants_figure
from assistant.figures import figure_asked
from assistant.llm.checking import MarkerStream, Removal, check_claims
from assistant.llm.prompts import (
    NumberedFinding, load_prompt, number_findings, prompt_budget, render_findings, template_tokens,
)
from assistant.models import NOT_IN_REPORTS, Answer, Citation, RetrievedFinding
from assistant.query import QueryPlan
from cqc.text.sentences import split_sentences
from cqc.text.tokens import tokenize
from vectorstore.settings import Settings

AnswerStream = Generator[str, None, Answer]


@dataclass
class AuthorityEvidence:
    authority: str
    findings: list[RetrievedFinding]
    ranked: list[Selected]


@dataclass
class Evidence:
    """What an answer may be built from: findings best first, and their sentences scored."""

    question: str  # as the user asked it
    plan: QueryPlan
    findings: list[RetrievedFinding]
    ranked: list[Selected] = field(default_factory=list)
    groups: list[AuthorityEvidence] = field(default_factory=list)  # set for a comparison

    @property
    def is_comparison(self) -> bool:
        return bool(self.groups)


class ExtractiveAnswerer:
    """Quotes the sentences that answer, verbatim, each with its finding's marker."""

    name = "extractive"

    def __init__(self, selector: SentenceSelector):
        self.selector = selector

    def stream(self, evidence: Evidence) -> AnswerStream:
        answer = self.answer(evidence)
        yield answer.answer
        return answer

    def answer(self, evidence: Evidence) -> Answer:
        if evidence.is_comparison:
            return self._compare(evidence)
        plan = evidence.plan
        figure = wants_figure(plan.content) and not plan.wants_actions
        if plan.wants_actions:
            # One shortfall per finding, from as many findings as answer: breadth over depth.
            chosen = self.selector.choose(evidence.ranked, False, max_sentences=5, per_finding=1, margin=0.25)
        else:
            chosen = self.selector.choose(evidence.ranked, figure, max_sentences=2 if figure else 3)
        if not chosen:
            return Answer(evidence.question, NOT_IN_REPORTS, True, [], evidence.findings, kind="abstained")
        text, citations = compose_actions(chosen) if plan.wants_actions else compose(chosen)
        if figure:
            # A quoted sentence with several figures: say which one answers ("£146,300,000 — ...").
            top = chosen[0]
            quoted = [top.lead, top.sentence] if top.lead else [top.sentence]
            asked = figure_asked(self.selector.query_terms(plan.content), plan.content, quoted, self.selector.idf)
            text = f"{asked} — {text}" if asked else text
        kind = "actions" if plan.wants_actions else "extractive"
        return Answer(evidence.question, text, False, citations, evidence.findings, kind=kind)

    def _compare(self, evidence: Evidence) -> Answer:
        figure = wants_figure(evidence.plan.content)
        lines: list[str] = []
        citations: list[Citation] = []
        for group in evidence.groups:
            chosen = self.selector.choose(group.ranked, figure, max_sentences=1 if figure else 2)
            if not chosen:
                lines.append(f"- **{group.authority}**: {NOT_IN_REPORTS}")
                continue
            text, cites = compose(chosen, first_marker=len(citations) + 1)
            citations.extend(cites)
            lines.append(f"- **{group.authority}**: {text}")
        abstained = not citations
        body = NOT_IN_REPORTS if abstained else "\n".join(lines)
        return Answer(evidence.question, body, abstained, citations, evidence.findings, kind="comparison")


class GenerativeAnswerer:
    """A chat model writes the answer from numbered findings; every claim is then checked.

    The model sees findings best first, as many as fit its context. What it writes streams out
    through a filter that never shows half a marker; the finished text is checked claim by claim
    (`check_claims`) and what was taken out is reported on the answer.
    """

    def __init__(self, model: BaseChatModel, settings: Settings, name: str, fallback: ExtractiveAnswerer):
        self.model = model
        self.settings = settings
        self.name = name
        self.fallback = fallback

    def answer(self, evidence: Evidence) -> Answer:
        return finish(self.stream(evidence))

    def stream(self, evidence: Evidence) -> AnswerStream:
        task = "compare" if evidence.is_comparison else "answer"
        prompt = load_prompt(task)
        budget = prompt_budget(
            self.settings.llm_context_tokens, self.settings.llm_max_tokens, template_tokens(prompt), evidence.question
        )
        numbered = self._number(evidence, budget)
        if not numbered:
            return Answer(evidence.question, NOT_IN_REPORTS, True, [], evidence.findings, kind="abstained", backend=self.name)
        values = {
            "question": evidence.question, "findings": render_findings(numbered), "not_in_reports": NOT_IN_REPORTS,
            "max_sentences": 5 if evidence.plan.wants_actions else 4,
            "authorities": ", ".join(g.authority for g in evidence.groups),
        }
        messages = prompt.format_messages(**{k: v for k, v in values.items() if k in prompt.input_variables})
        by_number = {n.number: n.finding for n in numbered}
        filter_ = MarkerStream(set(by_number))
        written: list[str] = []
        try:
            for piece in self.model.stream(messages):
                text = piece.content if isinstance(piece.content, str) else ""
                written.append(text)
                shown = filter_.feed(text)
                if shown:
                    yield shown
        except Exception as exc:  # a model server that is down or refuses: answer without it, and say so
            answer = self.fallback.answer(evidence)
            answer.backend = f"extractive (the {self.name} backend failed: {type(exc).__name__}: {exc})"
            yield "\n\n" + answer.answer
            return answer
        tail = filter_.close()
        if tail:
            yield tail
        return self._checked(evidence, "".join(written), by_number, task)

    def _number(self, evidence: Evidence, budget: int) -> list[NumberedFinding]:
        if not evidence.is_comparison:
            return number_findings(evidence.findings, budget)
        # Each authority gets its share of the budget, so none is crowded out by another's findings.
        numbered: list[NumberedFinding] = []
        share = budget // max(len(evidence.groups), 1)
        for group in evidence.groups:
            for item in number_findings(group.findings, share):
                numbered.append(NumberedFinding(len(numbered) + 1, item.finding))
        return numbered

    def _checked(self, evidence: Evidence, written: str, by_number: dict[int, RetrievedFinding], task: str) -> Answer:
        removed: list[Removal] = []
        if task == "compare":
            written = _cross_citations_removed(written, by_number, removed)
        checked = check_claims(written, {n: f.chunk.text for n, f in by_number.items()})
        text = checked.text
        removed += checked.removals
        says_silent = NOT_IN_REPORTS.rstrip(".").lower() in written.lower()
        if not checked.markers:
            if text and not says_silent:
                removed.append(Removal(text, "no claim in the answer cites a finding"))
            return Answer(
                evidence.question, NOT_IN_REPORTS, True, [], evidence.findings, kind="abstained",
                backend=self.name, removed=removed,
            )
        citations = [
            Citation.of(n, by_number[n].chunk, quote=supporting_sentence(by_number[n].chunk.text, _claims_citing(text, n)))
            for n in checked.markers
        ]
        kind = "comparison" if task == "compare" else "actions" if evidence.plan.wants_actions else "generated"
        return Answer(
            evidence.question, text, False, citations, evidence.findings, kind=kind, backend=self.name,
            removed=removed, attributed=checked.attributed,
        )


_AUTHORITY_LINE = re.compile(r"^\s*[-*]\s*\*\*(?P<name>[^*]+)\*\*")


def _cross_citations_removed(written: str, by_number: dict[int, RetrievedFinding], removed: list[Removal]) -> str:
    """In a side-by-side answer, a line about one authority may cite only that authority's findings."""
    lines = []
    for line in written.splitlines():
        m = _AUTHORITY_LINE.match(line)
        if m:
            name = m.group("name").strip().rstrip(":").casefold()

            def keep_own(marker: re.Match) -> str:
                finding = by_number.get(int(marker.group(1)))
                if finding is None or finding.chunk.authority.casefold() == name:
                    return marker.group(0)
                removed.append(Removal(marker.group(0), f"cites {finding.chunk.authority} in the line about {m.group('name').strip()}"))
                return ""

            line = re.sub(r"\[(\d+)\]", keep_own, line)
        lines.append(line)
    return "\n".join(lines)


def finish(pieces: AnswerStream) -> Answer:
    """Run an answer stream to its end and return the answer it finishes with."""
    while True:
        try:
            next(pieces)
        except StopIteration as done:
            return done.value


def _claims_citing(text: str, marker: int) -> str:
    return " ".join(s for s in re.split(r"(?<=[.!?\]])\s+", text) if f"[{marker}]" in s)


def supporting_sentence(finding_text: str, claims: str) -> str:
    """The sentence of a finding that shares most words with the claims citing it: what the app highlights."""
    words = set(tokenize(claims))
    sentences = split_sentences(finding_text) or [finding_text]
    return max(sentences, key=lambda s: len(words & set(tokenize(s))))
