"""Draft an improvement plan for one authority (optionally one quality statement or topic) from
its latest report, worded as a council words its own plan.

With no model, actions come first from what the report says must happen or is planned (next
steps, "the local authority needed to ...", the priorities of a plan the council agreed), then
from the shortfalls it records, each turned into the action that answers it
(`assistant.actions.wording`). Every action cites the finding(s) it rests on and quotes their
sentences; a measure gives the report's own baseline figure and the direction of change; the
owner is suggested by the action's subject and the timescale is the report's date where it gives
one (`assistant.actions.measures`). With a chat model the model writes the plan from the same
findings, planned ones first, and every action is checked as answers are (`assistant.actions.model_draft`).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.actions.improvement_plan import (  # noqa: F401 (ActionItem, ActionPlan: the API)
    EXTRACTIVE, ActionItem, ActionPlan, Shortfall, usable,
)
from assistant.actions.measures import (
    area_of, measurable_figure, measure_for, measure_from, shortfall_cues,  # noqa: F401 (re-exported for callers)
    shows_shortfall, suggested_owner, suggested_timescale, timescale_from,
)
from assistant.actions.request import ActionsError, _Request, _read_request  # noqa: F401 (ActionsError: the API)
from assistant.actions.shortfall_wording import area_action, shortfall_wording
from assistant.actions.wording import Wording, dangling, introduces_list, leans_on_another, planned_wordings
from assistant.check.claims import unsupported_figures
from assistant.evidence.sentences import Selected
from assistant.models import Citation, RetrievedFinding
from cqc import framework
from cqc.text.sentences import split_sentences, split_wording
from cqc.models import Chunk
from cqc.text.tokens import tokenize
from cqc.records import SearchFilter

MAX_ACTIONS = 8
# Enough candidates to hold every finding of one quality statement (about ten in a report) and a
# broad sample of a whole report when no statement is named.
EVIDENCE_K = 25
SAME_ACTION = 0.5  # share of words two actions have in common for the later one to add nothing


# -- gathering evidence ----------------------------------------------------------------------------
def _shortfalls(retrieved: list[RetrievedFinding], ranked: list[Selected]) -> list[Shortfall]:
    """One entry per finding that records a shortfall, in the evidence's order (best first)."""
    by_finding: dict[str, list[str]] = {}
    for s in ranked:  # best first
        by_finding.setdefault(s.finding.chunk.chunk_id, []).append(s.sentence)
    out: list[Shortfall] = []
    seen: set[str] = set()
    for finding in filter(usable, retrieved):
        sentences = by_finding.get(finding.chunk.chunk_id) or split_sentences(finding.chunk.text)
        # The sentence naming most of what fell short leads; ties keep the evidence's order.
        short = sorted((s for s in sentences if shows_shortfall(s)), key=lambda s: -min(shortfall_cues(s), 3))
        if not short or short[0] in seen:
            continue  # the same sentence quoted in a summary and a statement makes one action
        basis = [short[0]]
        if leans_on_another(short[0]):  # "This was low ..." is quoted with the sentence it leans on
            earlier = [s for s in split_sentences(finding.chunk.text) if s != short[0]]
            before = [s for s in earlier if finding.chunk.text.find(s) < finding.chunk.text.find(short[0])]
            if before:
                basis.insert(0, before[-1])
        figured = [s for s in short if measurable_figure(s)]
        if not any(measurable_figure(b) for b in basis) and figured:
            basis.append(figured[0])  # the figure says how far short; it becomes the measure
        # Only a figure that says how far short counts: "17% of concerns led to an enquiry" in the same
        # paragraph is no measure of whether thresholds became consistent.
        measure_source = next((s for s in basis if measurable_figure(s)), "")
        seen.update(basis)
        out.append(Shortfall(finding, basis, measure_source, short[0], [x for x in short[1:3] if x not in seen]))
    return out


# -- what the report says must happen ---------------------------------------------------------------
@dataclass
class _Planned:
    wording: Wording
    chunk: Chunk
    sentence: str


def _words(text: str) -> set[str]:
    return set(tokenize(text))


def _on_topic(text: str, chunk: Chunk, statements: tuple[str, ...], topic_words: set[str]) -> bool:
    """A planned action belongs in a plan on these statements (or this topic): it sits under one of
    them, or, from the summary, it speaks of one."""
    if statements:
        if chunk.quality_statement in statements:
            return True
        return any(_words(s) & _words(text) for s in statements)  # "strengthen safeguarding quality assurance"
    if topic_words:
        return bool(topic_words & _words(f"{text} {chunk.heading}"))
    return True


def planned_actions(chunks: list[Chunk], statements: tuple[str, ...], topic_words: set[str]) -> list[_Planned]:
    """What the report says must happen or is planned, in report order (the summary's next steps first)."""
    out: list[_Planned] = []
    for chunk in chunks:
        if chunk.kind != "paragraph" or framework.is_standard_wording(chunk.heading):
            continue
        listing = False
        for sentence in split_wording(chunk.text):
            is_item = sentence.lstrip().startswith(("-", "\u2022", "*"))
            if is_item and not listing:
                continue  # a list that no plan introduces: strengths, examples
            listing = introduces_list(sentence) or (listing and is_item)
            for w in planned_wordings(sentence):
                if _on_topic(w.action, chunk, statements, topic_words):
                    out.append(_Planned(w, chunk, sentence))
    return out


def _same(a: str, b: str) -> bool:
    wa, wb = _words(a) - _COMMON, _words(b) - _COMMON
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= SAME_ACTION


def _related_figure(action: str, shortfalls: list[Shortfall], chunk: Chunk) -> tuple[str, Chunk] | None:
    """A sentence with a figure that says how far from the planned action things are: from the
    action's own finding, else from a shortfall finding about the same thing."""
    words = _words(action) - _COMMON
    options = [(s, chunk) for s in split_sentences(chunk.text) if measurable_figure(s)]
    options += [(s.measure_source, s.finding.chunk) for s in shortfalls if s.measure_source]
    scored = [(len(words & _words(sentence)), -i, sentence, c) for i, (sentence, c) in enumerate(options)]
    best = max(scored, default=None)
    return (best[2], best[3]) if best and best[0] >= RELATED_WORDS else None


# Words every finding shares: two actions or a figure are not about the same thing because of them.
_COMMON = set(tokenize("people local authority council care social adult adults services service support make sure "
                       "improve increase reduce the and of for to in"))
RELATED_WORDS = 3


# -- drafting --------------------------------------------------------------------------------------
def draft_actions(
    assistant,
    authority: str | None = None,
    quality_statement: str | None = None,
    question: str | None = None,
    chat_model=None,
    *,
    backend_name: str | None = None,
    max_actions: int = MAX_ACTIONS,
) -> ActionPlan:
    """An action plan for one authority from its latest report.

    `assistant` is an `assistant.chain.Assistant`; `chat_model` a LangChain chat model, or None to
    draft without a model.
    """
    request, planned, shortfalls, retrieved = plan_evidence(assistant, authority, quality_statement, question)
    plan = ActionPlan(
        authority=request.authority, quality_statement=", ".join(request.statements), topic=request.topic,
        report_date=request.report_date, question=request.question, notes=list(request.notes),
    )
    if chat_model is None:
        _fill_without_model(plan, planned, shortfalls, max_actions)
        return plan
    from assistant.actions.model_draft import draft_with_model
    from assistant.llm.calling import model_name, plan_drafted_without

    name = backend_name or model_name(chat_model)
    items, notes = draft_with_model(chat_model, plan, planned_findings(planned), shortfalls, retrieved,
                                    assistant.store.settings, max_actions)
    plan.notes.extend(notes)
    if items:
        plan.items, plan.backend = items, name
    else:
        plan.notes.append(plan_drafted_without(name))
        _fill_without_model(plan, planned, shortfalls, max_actions)
    return plan


def plan_evidence(assistant, authority: str | None = None, quality_statement: str | None = None,
                  question: str | None = None) -> tuple[_Request, list[_Planned], list[Shortfall], list[RetrievedFinding]]:
    """What a plan is drafted from: the request as read, what the report says must happen or is
    planned, the shortfall findings (best first) and the rest of the evidence."""
    request = _read_request(assistant, authority, quality_statement, question)
    scope = SearchFilter(
        authorities=(request.authority,), quality_statements=request.statements, report_ids=(request.report_id,)
    )
    _, _, retrieved, ranked = assistant.evidence(request.question, scope=scope, k=EVIDENCE_K)
    topic_words = set() if request.statements or request.topic == "the whole report" else _words(request.topic)
    planned = planned_actions(assistant.store.catalog.report_chunks(request.report_id), request.statements, topic_words)
    return request, planned, _shortfalls(retrieved, ranked), retrieved


def planned_findings(planned: list[_Planned]) -> list[RetrievedFinding]:
    return [RetrievedFinding(p.chunk, 1.0) for p in planned]


def _item(action: str, chunks_and_quotes: list[tuple[Chunk, str]], measure_source: str, timescale: str,
          origin: str, markers: dict[str, int]) -> ActionItem:
    citations, basis = [], []
    for chunk, quote in chunks_and_quotes:
        if chunk.chunk_id in {c.chunk_id for c in citations}:
            continue
        marker = markers.setdefault(chunk.chunk_id, len(markers) + 1)
        citations.append(Citation.of(marker, chunk, quote=quote))
        basis += [q for q in quote.split("\n") if q]
    lead = chunks_and_quotes[0][0]
    return ActionItem(
        action=action, citations=citations, basis=basis,
        measure=measure_for(measure_source, action) if measure_source else "",
        owner=suggested_owner(action, lead.quality_statement, lead.heading),
        timescale=timescale_from(timescale) if timescale else suggested_timescale(action, lead.score),
        origin=origin,
    )


def _fill_without_model(plan: ActionPlan, planned: list[_Planned], shortfalls: list[Shortfall], max_actions: int) -> None:
    plan.backend = EXTRACTIVE
    plan.items = []
    markers: dict[str, int] = {}
    candidates: list[ActionItem] = []
    for p in planned:
        if any(_same(p.wording.action, c.action) for c in candidates):
            continue  # the summary's next step repeated by the plan's priorities
        related = _related_figure(p.wording.action, shortfalls, p.chunk)
        cited = [(p.chunk, p.sentence.lstrip("-\u2022* ").strip())]
        if related and related[1].chunk_id != p.chunk.chunk_id:
            cited.append((related[1], related[0]))
        candidates.append(_item(p.wording.action, cited, related[0] if related else "", p.wording.timescale,
                                "planned", markers))
    for s in shortfalls:
        chunk = s.finding.chunk
        cited = {c.chunk_id for item in candidates for c in item.citations}
        worded = [(s.sentence, shortfall_wording(s.sentence))] + [(o, shortfall_wording(o)) for o in s.others]
        any_worded = any(w is not None for _, w in worded)
        made = 0
        for sentence, wording in worded:
            if wording is None:
                # Naming the area is all a fallback can do: once per finding, never for the summary
                # (its area is the whole service) or a finding the plan already acts on.
                if any_worded or made or sentence != s.sentence or not chunk.quality_statement or chunk.chunk_id in cited:
                    continue
                action = area_action(area_of(chunk))
            else:
                action = wording.action
            if any(_same(action, c.action) or _same(sentence, " ".join(c.basis)) for c in candidates):
                continue  # the report's own plan, or an earlier action, already answers this shortfall
            basis = "\n".join(s.basis) if sentence == s.sentence else sentence
            figure = sentence if measurable_figure(sentence) else (s.measure_source if sentence == s.sentence else "")
            candidates.append(_item(action, [(chunk, basis)], figure, "", "shortfall", markers))
            made += 1
    for item in candidates:
        if len(plan.items) >= max_actions:
            break
        sources = [t for c in item.citations for t in (c.heading, c.text)]
        # Built from the report's own words, so these hold by construction; checked all the same.
        if unsupported_figures(item.action, sources) or dangling(item.action):
            plan.notes.append(f"Left out an action whose wording its finding does not support on its own: {item.action}")
            continue
        if item.measure and unsupported_figures(item.measure, sources):
            plan.notes.append(f"Dropped a measure with a figure not in its finding: {item.measure}")
            item.measure = ""
        plan.items.append(item)
    _renumber(plan.items)
    if not plan.items:
        plan.notes.append(f"No finding in the report on {plan.topic} records a shortfall or a planned improvement to act on.")
    elif len(candidates) > len(plan.items):
        plan.notes.append(f"{len(candidates) - len(plan.items)} further action(s) left out (at most {max_actions}).")


def _renumber(items: list[ActionItem]) -> None:
    """Markers 1, 2, 3 ... in the order the findings are first cited by the actions kept."""
    order: dict[str, int] = {}
    for item in items:
        item.citations = [Citation(**{**c.__dict__, "marker": order.setdefault(c.chunk_id, len(order) + 1)})
                          for c in item.citations]
