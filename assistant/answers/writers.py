"""One answerer interface, two kinds of answerer: sentence selection (default) and a chat model.

The chain gathers the evidence (retrieval, or retrieval per authority for a comparison); an
answerer turns it into an `Answer`. `stream()` yields the text as it is written and returns the
finished, checked answer; `answer()` is the same without the pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from dataclasses import replace

from langchain_core.language_models import BaseChatModel

from assistant.answers.closest import CLOSEST, lowered, nearest
from assistant.answers.quoted import compose, compose_actions
from assistant.check.claims import MarkerStream, canonical_markers, check_claims
from assistant.check.grounds import Grounds, closest_sentence, missing_quoted_claims, report_lookup
from assistant.check.side_by_side import cross_citations_removed, fill_from_quoted
from assistant.evidence.bundle import AuthorityEvidence, Evidence
from assistant.evidence.measure_figures import MeasureFigures
from assistant.evidence.figures import figure_asked
from assistant.evidence.sentences import SentenceSelector, wants_figure
from assistant.llm import calling
from assistant.llm.prompts import (
    NumberedFinding, context_findings, excerpts, load_prompt, number_findings, render_findings,
)
from assistant.models import NOT_IN_REPORTS, Answer, Citation, FigureRow, Removal, RetrievedFinding
from cqc.measures.ranking import compare_records
from cqc.records import ReportEntry
from cqc.text.sentences import split_sentences
from config import Settings

AnswerStream = Generator[str, None, Answer]


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
        on = evidence.figures
        rows: list[FigureRow] = []
        if on is not None:
            lines.append(f"{on.measure.name}, from each report's own figure:")
        for group in evidence.groups:
            if on is not None:
                lines.append(f"- **{group.authority}**: {on_measure(on, group, citations, rows)}")
                continue
            chosen = self.selector.choose(group.ranked, figure, max_sentences=1 if figure else 2)
            if not chosen:
                lines.append(f"- **{group.authority}**: {NOT_IN_REPORTS}")
                continue
            text, cites = compose(chosen, first_marker=len(citations) + 1)
            citations.extend(cites)
            lines.append(f"- **{group.authority}**: {text}")
        # No council's figure (closest findings quoted as context at most): nothing asked for is given
        abstained = all(c.closest for c in citations)
        if on is not None and (difference := two_figures_apart(on, rows)):
            lines.append(difference)
        body = "\n".join(lines) if citations or on is not None else NOT_IN_REPORTS  # on a measure: whose report gives none
        return Answer(evidence.question, body, abstained, citations, evidence.findings, kind="comparison",
                      measure=on.measure.key if on is not None else "", rows=rows)


def on_measure(on: MeasureFigures, group: AuthorityEvidence, citations: list[Citation], rows: list[FigureRow]) -> str:
    """One council's line in a comparison on a measure: the sentence its figure was read from (its
    figure kept as a row of the answer, as a ranking's are); or that its report gives none, then its
    closest finding on the question, marked as context. The citation is added to `citations`,
    numbered after them."""
    found = on.figure(group.authority)
    marker = len(citations) + 1
    if found is not None:
        record, chunk = found
        citations.append(Citation.of(marker, chunk, quote=record.sentence))
        rows.append(FigureRow(record.authority, record.value, record.unit, record.figure, record.period,
                              record.qualifier, marker))
        return f"{record.sentence} [{marker}]"
    none = f"Its report gives no figure on {lowered(on.measure.name)}."
    near = nearest(group.ranked)
    if near is None:
        return none
    quote = " ".join(x for x in (near.lead, near.sentence) if x)
    citations.append(replace(Citation.of(marker, near.finding.chunk, quote=quote), closest=True))
    return f"{none} {CLOSEST} {quote} [{marker}]"



def two_figures_apart(on: MeasureFigures, rows: list[FigureRow]) -> str:
    """For two councils' figures that are like for like, how far apart they are, judged by the
    measure's better direction: "Ravensmoor City Council's figure is 11.5 percentage points lower
    (better) than Mossbeck County Council's." Empty for more or fewer, or figures not comparable."""
    if len(rows) != 2:
        return ""
    a, b = (on.figure(r.authority)[0] for r in rows)
    compared = compare_records(a, b)
    if isinstance(compared, str):
        return ""
    if compared.better is False:  # the better figure first, as a ranking puts it
        a, b = b, a
        compared = compare_records(a, b)
    return f"{a.authority}'s figure is {compared.describe()} than {b.authority}'s."

class GenerativeAnswerer:
    """A chat model writes the answer from numbered findings; every claim is then checked, and the
    quoted answer is the floor.

    The model sees the few findings whose sentences answer best (always those the quoted answer
    quotes). What it writes streams out through a filter that never shows half a marker; the
    finished text is checked claim by claim (`check_claims`, with `Grounds.verify`) and what was
    taken out is reported on the answer. A checked answer that says less than the quoted answer
    to the same evidence is replaced by it, labelled as quoted; in a comparison, authority by
    authority.
    """

    def __init__(self, model: BaseChatModel, settings: Settings, name: str, fallback: ExtractiveAnswerer,
                 reports: Callable[[], list[ReportEntry]] | None = None):
        self.model = model
        self.settings = settings
        self.name = name
        self.fallback = fallback
        self.reports = reports  # the catalog, to check ratings and scores the model states

    def answer(self, evidence: Evidence) -> Answer:
        return finish(self.stream(evidence))

    def stream(self, evidence: Evidence) -> AnswerStream:
        if evidence.figures is not None:
            # Councils side by side on a measure: their figures are quoted from the records, as scores
            # are from the catalog, never written by a model.
            return (yield from self.fallback.stream(evidence))
        task = "compare" if evidence.is_comparison else "answer"
        prompt = load_prompt(task)
        budget = calling.findings_budget(prompt, self.settings, evidence.question)
        quoted = self.fallback.answer(evidence)
        numbered = self._number(evidence, budget, quoted)
        if not numbered:
            return Answer(evidence.question, NOT_IN_REPORTS, True, [], evidence.findings, kind="abstained", backend=self.name)
        messages = calling.messages_for(prompt, {
            "question": evidence.question, "findings": render_findings(numbered), "not_in_reports": NOT_IN_REPORTS,
            "max_sentences": 5 if evidence.plan.wants_actions else 3,  # in the user message: the system one stays
            # the same for every question, so llama.cpp reuses its evaluated prefix
            "authorities": ", ".join(g.authority for g in evidence.groups),
        })
        by_number = {n.number: n.finding for n in numbered}
        filter_ = MarkerStream(set(by_number))
        reply = yield from calling.stream(self.model, messages, show=filter_.feed)
        if reply.failed:  # a model server that is down or refuses: answer without it, and say so
            quoted.backend = calling.answer_call_failed(self.name, reply)
            yield "\n\n" + quoted.answer
            return quoted
        tail = filter_.close()
        if tail:
            yield tail
        answer = self._checked(evidence, reply.text, by_number, task, quoted)
        if answer.backend != self.name:  # what was streamed is not what stands: say so before the final text
            yield f"\n\n({answer.backend})\n\n{answer.answer}"
        return answer

    def _number(self, evidence: Evidence, budget: int, quoted: Answer) -> list[NumberedFinding]:
        """The findings the model sees, and of each the sentences that answer best: few and good,
        since every token is read before the first word is written."""
        quoted_ids = {c.chunk_id for c in quoted.citations}
        quoted_sentences = {s for c in quoted.citations for s in c.quote.splitlines()}
        figure = wants_figure(evidence.plan.content) and not evidence.plan.wants_actions
        shown = excerpts(evidence.ranked, 1 if figure else EXCERPT_SENTENCES, quoted_sentences)
        if not evidence.is_comparison:
            limit = ACTION_FINDINGS if evidence.plan.wants_actions else FIGURE_FINDINGS if figure else OPEN_FINDINGS
            return number_findings(context_findings(evidence.ranked, evidence.findings, limit, quoted_ids), budget, shown)
        # Each authority gets its share of the budget, so none is crowded out by another's findings.
        numbered: list[NumberedFinding] = []
        share = budget // max(len(evidence.groups), 1)
        for group in evidence.groups:
            chosen = context_findings(group.ranked, group.findings, COMPARED_FINDINGS, quoted_ids)
            for item in number_findings(chosen, share, shown):
                numbered.append(NumberedFinding(len(numbered) + 1, item.finding, item.excerpt))
        return numbered

    def _checked(
        self, evidence: Evidence, written: str, by_number: dict[int, RetrievedFinding], task: str, quoted: Answer
    ) -> Answer:
        removed: list[Removal] = []
        written = canonical_markers(written)
        if task == "compare":
            written = cross_citations_removed(written, by_number, removed)
        figure = wants_figure(evidence.plan.content) and not evidence.plan.wants_actions
        grounds = Grounds(by_number, evidence.ranked, figure, report_lookup(self.reports))
        checked = check_claims(
            written, {n: f.chunk.text for n, f in by_number.items()}, silent=NOT_IN_REPORTS, verify=grounds.verify
        )
        removed += checked.removals
        text, markers = checked.text, checked.markers
        if task == "compare":
            text, markers, filled = fill_from_quoted(text, evidence, by_number, quoted)
            backend = self.name if not filled else f"{self.name}; quoted for {', '.join(filled)}"
        else:
            backend = self.name
            why = None
            if not grounds.answers(markers, text):
                why = "cites no finding that answers the question" if text else "was empty"
            elif missing := missing_quoted_claims(quoted.citations, text, {by_number[n].chunk.chunk_id for n in markers}):
                why = f"left out {'; '.join(missing[:3])}"
            if why and not quoted.abstained:
                return self._quoted(quoted, why, removed, checked.attributed)
            if why:
                text, markers = "", []
        if not markers:
            if written.strip() and NOT_IN_REPORTS.rstrip(".").lower() not in written.lower():
                removed.append(Removal(written.strip(), "no claim in the answer cites a finding that answers the question"))
            return Answer(
                evidence.question, NOT_IN_REPORTS, True, [], evidence.findings, kind="abstained",
                backend=self.name, removed=removed, attributed=checked.attributed,
            )
        citations = [
            Citation.of(n, by_number[n].chunk, quote=supporting_sentence(by_number[n].chunk.text, _claims_citing(text, n)))
            for n in markers
        ]
        kind = "comparison" if task == "compare" else "actions" if evidence.plan.wants_actions else "generated"
        return Answer(
            evidence.question, text, False, citations, evidence.findings, kind=kind, backend=backend,
            removed=removed, attributed=checked.attributed,
        )

    def _quoted(self, quoted: Answer, why: str, removed: list[Removal], attributed: list[Removal]) -> Answer:
        """The quoted answer, standing in for a generated one that said less, and saying so."""
        quoted.backend = calling.answer_set_aside(self.name, why)
        quoted.removed = removed
        quoted.attributed = attributed
        return quoted


# How many findings the model sees. Each finding is a paragraph (up to 300 tokens) the model must
# read before writing a word: on 2 cores a 1.5B model reads about 100 tokens a second.
FIGURE_FINDINGS = 3
OPEN_FINDINGS = 4
ACTION_FINDINGS = 5
COMPARED_FINDINGS = 2
EXCERPT_SENTENCES = 2  # of each finding, besides any the quoted answer quotes; 1 for a figure question


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
    return closest_sentence(split_sentences(finding_text) or [finding_text], claims)
