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

import re
from dataclasses import dataclass, replace

from assistant.actions.improvement_plan import (  # noqa: F401 (ActionItem, ActionPlan: the API)
    EXTRACTIVE, ActionItem, ActionPlan, Shortfall, usable,
)
from assistant.actions.measures import (
    area_of, measurable_figure, measure_for, measure_from, measure_of_record, record_for, shortfall_cues,  # noqa: F401 (re-exported for callers)
    shows_shortfall, suggested_owner, suggested_timescale, timescale_from,
)
from assistant.actions.request import ActionsError, _Request, _read_request  # noqa: F401 (ActionsError: the API)
from assistant.actions.shortfall_wording import area_action, shortfall_wording
from assistant.actions.wording import Wording, dangling, introduces_list, leans_on_another, planned_wordings, tidy
from assistant.answers.summaries import Quote, development_points
from assistant.check.claims import unsupported_figures
from assistant.evidence.sentences import Selected
from assistant.models import Citation, RetrievedFinding
from cqc import framework
from cqc.text.sentences import split_sentences, split_wording
from cqc.measures.record import MeasureRecord
from cqc.models import Chunk
from cqc.text.tokens import tokenize
from cqc.records import SearchFilter

MAX_ACTIONS = 8
# Enough candidates to hold every finding of one quality statement (about ten in a report) and a
# broad sample of a whole report when no statement is named.
EVIDENCE_K = 25
# A whole-report plan also reads each statement's own best findings, so a report whose shortfalls
# are mostly about one statement still gives each other statement its candidates.
PER_STATEMENT_K = 6
WHOLE_REPORT = "the whole report"
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
    """Two wordings of one action: half the smaller one's own words shared, and at least three of them
    (or all of a one- or two-word one): "wait" and "assessment" alone do not make a carer's assessment
    wait the Care Act assessment wait."""
    wa, wb = _words(a) - _COMMON, _words(b) - _COMMON
    if not (wa and wb):
        return False
    shared = len(wa & wb)
    return shared / min(len(wa), len(wb)) >= SAME_ACTION and shared >= min(3, len(wa), len(wb))


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
    entry = assistant.store.catalog.report(request.report_id)
    scores = dict(entry.scores) if entry else {}
    areas = report_areas(assistant, request) if whole_report(request) else []
    records = assistant.store.measures(report_ids=[request.report_id])
    if chat_model is None:
        _fill_without_model(plan, planned, shortfalls, max_actions, areas, scores)
        return measured(plan, records)
    from assistant.actions.model_draft import draft_with_model
    from assistant.llm.calling import model_name, plan_drafted_without

    name = backend_name or model_name(chat_model)
    items, notes = draft_with_model(chat_model, plan, planned_findings(planned), shortfalls, retrieved,
                                    assistant.store.settings, max_actions)
    plan.notes.extend(notes)
    if items:
        plan.items, plan.backend = items, name
        plan.number_rows()
    else:
        plan.notes.append(plan_drafted_without(name))
        _fill_without_model(plan, planned, shortfalls, max_actions, areas, scores)
    return measured(plan, records)


def measured(plan: ActionPlan, records: list[MeasureRecord]) -> ActionPlan:
    """Each action's measure of success from the measure records of the sentences it rests on
    (value read as data, direction from the measure's better direction, the England average as a
    suggested target where the sentence gives it); an action whose sentences hold no figure of a
    known measure keeps the one read from its sentence's own figure."""
    for item in plan.items + plan.more:
        record = record_for(item.basis, records, {c.chunk_id for c in item.citations}, item.measure)
        if record is not None:
            item.measure = measure_of_record(record, item.action) or item.measure
    return plan


def report_areas(assistant, request: _Request) -> list[Quote]:
    """The areas for development the report's summary names (a list's items, the areas a
    sentence announces, each development point), in report order."""
    chunks = assistant.store.catalog.report_chunks(request.report_id)
    areas = []
    for point in development_points([RetrievedFinding(c, 1.0) for c in chunks]):
        # "Adaptations took too long, and the quality of some care homes had declined." is two areas.
        parts = [x.strip(" .") for x in _TWO_AREAS.split(point.sentence)]
        if len(parts) > 1 and all(len(x.split()) >= 3 and _VERB.search(x) for x in parts):
            areas += [replace(point, sentence=x) for x in parts]
        else:
            areas.append(point)
    return areas


_TWO_AREAS = re.compile(r",\s+and\s+(?=(?:the|a|an|some|many|most|its|their)\b)|;\s+", re.IGNORECASE)
_VERB = re.compile(r"\b(?:was|were|had|has|have|took|did|could|remained|declined|fell|rose)\b", re.IGNORECASE)


def plan_evidence(assistant, authority: str | None = None, quality_statement: str | None = None,
                  question: str | None = None) -> tuple[_Request, list[_Planned], list[Shortfall], list[RetrievedFinding]]:
    """What a plan is drafted from: the request as read, what the report says must happen or is
    planned, the shortfall findings (best first) and the rest of the evidence."""
    request = _read_request(assistant, authority, quality_statement, question)
    scope = SearchFilter(
        authorities=(request.authority,), quality_statements=request.statements, report_ids=(request.report_id,)
    )
    _, _, retrieved, ranked = assistant.evidence(request.question, scope=scope, k=EVIDENCE_K)
    if whole_report(request):
        for qs in framework.QUALITY_STATEMENTS:
            _, _, found, scored = assistant.evidence(
                request.question, scope=replace(scope, quality_statements=(qs.name,)), k=PER_STATEMENT_K)
            held = {f.chunk.chunk_id for f in retrieved}
            retrieved += [f for f in found if f.chunk.chunk_id not in held]
            ranked += [x for x in scored if x.finding.chunk.chunk_id not in held]
    topic_words = set() if request.statements or request.topic == WHOLE_REPORT else _words(request.topic)
    planned = planned_actions(assistant.store.catalog.report_chunks(request.report_id), request.statements, topic_words)
    return request, planned, _shortfalls(retrieved, ranked), retrieved


def whole_report(request: _Request) -> bool:
    return not request.statements and request.topic == WHOLE_REPORT


def planned_findings(planned: list[_Planned]) -> list[RetrievedFinding]:
    return [RetrievedFinding(p.chunk, 1.0) for p in planned]


def _item(action: str, chunks_and_quotes: list[tuple[Chunk, str]], measure_source: str, timescale: str,
          origin: str, markers: dict[str, int], published: str = "") -> ActionItem:
    citations, basis = [], []
    for chunk, quote in chunks_and_quotes:
        if chunk.chunk_id in {c.chunk_id for c in citations}:
            continue
        marker = markers.setdefault(chunk.chunk_id, len(markers) + 1)
        citations.append(Citation.of(marker, chunk, quote=quote))
        basis += [q for q in quote.split("\n") if q]
    lead = chunks_and_quotes[0][0]
    start = "by"
    if timescale:  # the date goes to the timescale column, where it is checked against publication
        dated = re.compile(rf",?\s+\b(by|before|within|from|in|during|due in|planned for)\s+(?:the end of\s+)?{re.escape(timescale)}\b",
                           re.IGNORECASE)
        if m := dated.search(action):
            start = m.group(1)
        action = dated.sub("", action).strip() or action
    return ActionItem(
        action=action, citations=citations, basis=basis,
        measure=measure_for(measure_source, action) if measure_source else "",
        owner=suggested_owner(action, lead.quality_statement, lead.heading),
        timescale=timescale_from(timescale, published, start) if timescale else suggested_timescale(action, lead.score),
        origin=origin,
    )


def _fill_without_model(plan: ActionPlan, planned: list[_Planned], shortfalls: list[Shortfall], max_actions: int,
                        areas: list[Quote] | None = None, scores: dict[str, int] | None = None) -> None:
    plan.backend = EXTRACTIVE
    plan.items, plan.more = [], []
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
                                "planned", markers, plan.report_date))
    for s in shortfalls:
        chunk = s.finding.chunk
        cited = {c.chunk_id for item in candidates for c in item.citations}
        # The lead sentence first, then a shortfall it leans on ("Some people stayed in hospital longer
        # ... as a result" after "Home care was not available in time ..."), then the finding's others.
        leaned_on = [b for b in s.basis if b != s.sentence and shows_shortfall(b)]
        worded = [(x, shortfall_wording(x)) for x in [s.sentence, *leaned_on, *s.others]]
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
            if not figure and s.measure_source and (_words(sentence) - _COMMON) & _words(s.measure_source):
                figure = s.measure_source  # the finding's own figure on the same thing ("rose to 1,184" for overdue reviews)
                basis = f"{basis}\n{figure}"
            candidates.append(_item(action, [(chunk, basis)], figure, "", "shortfall", markers))
            made += 1
    checked = [item for item in candidates if _supported(item, plan)]
    chosen = _spread(checked, areas or [], scores or {}, shortfalls, markers, plan)
    # The report's own plan first, then the shortfalls, each in the order the spread chose them.
    shown = chosen[:max_actions]
    plan.items = [i for i in shown if i.origin == "planned"] + [i for i in shown if i.origin != "planned"]
    plan.more = chosen[max_actions:]
    _renumber(plan.items + plan.more)
    plan.number_rows()
    if not plan.items:
        plan.notes.append(f"No finding in the report on {plan.topic} records a shortfall or a planned improvement to act on.")


def _supported(item: ActionItem, plan: ActionPlan) -> bool:
    """Built from the report's own words, so these hold by construction; checked all the same."""
    sources = [t for c in item.citations for t in (c.heading, c.text)]
    if unsupported_figures(item.action, sources) or dangling(item.action):
        plan.notes.append(f"Left out an action whose wording its finding does not support on its own: {item.action}")
        return False
    if item.measure and unsupported_figures(item.measure, sources):
        plan.notes.append(f"Dropped a measure with a figure not in its finding: {item.measure}")
        item.measure = ""
    return True


# -- spreading a plan over the report ---------------------------------------------------------------
def _topic(item: ActionItem) -> str:
    """What an action is about, for spreading: its lead finding's quality statement, or for a
    summary finding the point it rests on."""
    lead = item.citations[0] if item.citations else None
    if lead is None:
        return item.action
    return lead.quality_statement or f"summary: {item.basis[0] if item.basis else item.action}"


def _same_point(a: ActionItem, b: ActionItem) -> bool:
    """Two actions on one point: the same wording, a shared sentence, or the same statement finding."""
    if _same(a.action, b.action):
        return True
    if set(a.basis) & set(b.basis) and not (a.origin == b.origin == "planned"):  # one sentence planning two things is two
        return True
    lead_a, lead_b = a.citations[0] if a.citations else None, b.citations[0] if b.citations else None
    return bool(lead_a and lead_b and lead_a.chunk_id == lead_b.chunk_id and lead_a.quality_statement)


COVERS_SHARE = 0.4  # of an area's own words an action (with its findings) must share to be on it


# Words that say how an area fell short, not what it is: "Adaptations took too long" is about adaptations.
_SAYING = set(tokenize("too long took taken also many some most still only often much more less very were was had"))


def _coverage(area: str, item: ActionItem) -> int:
    """How many of an area's own words an action and the sentences it rests on share; 0 when too
    few for the action to be on that area."""
    words = _words(area) - _COMMON - _SAYING
    if not words:
        return 0
    # The action and the statement findings it quotes; a summary sentence often names several areas
    # ("Adaptations took too long, and the quality of some care homes had declined"), so an action
    # quoting it is on the area its own words name.
    quoted = [c.quote for c in item.citations if c.quality_statement]
    shared = len(words & _words(" ".join([item.action, *quoted])))
    enough = shared >= max(2, -(-len(words) * COVERS_SHARE // 1)) or (len(words) <= 2 and shared == len(words))
    return shared if enough else 0


def _covers(area: str, item: ActionItem) -> bool:
    return _coverage(area, item) > 0


def _spread(candidates: list[ActionItem], areas: list[Quote], scores: dict[str, int], shortfalls: list[Shortfall],
            markers: dict[str, int], plan: ActionPlan) -> list[ActionItem]:
    """Every candidate, in the order a plan takes them: one action for each area for development
    the report's summary names (the best candidate on it, else one worded from the area itself),
    the report's own planned actions on topics not yet covered, then one action for each quality
    statement from the lowest scored, and only then a second action on a topic. Two actions on
    one point (a shared sentence, the same statement finding, the same wording) are one."""
    order: list[ActionItem] = []

    def free(item: ActionItem) -> bool:
        return all(item is not o for o in order) and not any(_same_point(item, o) for o in order)

    def on_a_covered_area(item: ActionItem) -> bool:  # "Shorten the time adaptations take" after "Improve ... adaptations"
        return any(_covers(a.sentence, item) and any(_covers(a.sentence, o) for o in order) for a in areas)

    def topics() -> set[str]:
        return {_topic(o) for o in order}

    for area in areas:
        if any(_covers(area.sentence, o) for o in order):
            continue
        on_it = max((c for c in candidates if free(c) and _covers(area.sentence, c)), default=None,
                    key=lambda c: (bool(c.measure), _coverage(area.sentence, c)))  # measured first; max keeps the first
        if on_it is None:
            on_it = _area_item(area, shortfalls, markers, plan)
            if on_it is None or not free(on_it) or not _supported(on_it, plan):
                continue
        order.append(on_it)
    for c in candidates:
        if c.origin == "planned" and free(c) and _topic(c) not in topics():
            order.append(c)
    rank = {qs.name: i for i, qs in enumerate(framework.QUALITY_STATEMENTS)}
    by_score = sorted({_topic(c) for c in candidates}, key=lambda t: (scores.get(t, 5), rank.get(t, 99), t))
    while True:
        before = len(order)
        for topic in by_score:  # a round: at most one more action per topic, lowest scored first
            nxt = next((c for c in candidates if _topic(c) == topic and free(c) and not on_a_covered_area(c)), None)
            if nxt is not None:
                order.append(nxt)
        if len(order) == before:
            return order


_AREA_TAIL = re.compile(r"\s*(?:,|;|\s[-\u2013\u2014])\s*(?:which|where|who|because|with|and|but|so|as)\b.*$|[.;:]+$", re.IGNORECASE)
_FINITE = re.compile(r"\b(?:was|were|is|are|had|has|have|did|does|do|remains?|remained|became|becomes|could|would|took|felt|"
                     r"said|varied|varies|related|relates|meant|included|includes|lacked|showed|needed|improved|declined|"
                     r"increased|fell|rose|continued|continues|seemed|appeared)\b", re.IGNORECASE)
_WAITS = re.compile(r"^(?:the\s+)?(?:time|times|wait|waits|waiting|delays?|length of time|backlogs?)\b", re.IGNORECASE)


def _area_item(area: Quote, shortfalls: list[Shortfall], markers: dict[str, int], plan: ActionPlan) -> ActionItem | None:
    """An action worded from an area for development itself, when no finding's shortfall gave one:
    "reviews of care and support plans, which were overdue" -> "Improve reviews of care and support
    plans"; a full sentence is turned round as a shortfall is. It cites the summary, and the
    statement finding with the figure that measures it when one is on the same thing."""
    sentence = area.sentence.strip()
    wording = shortfall_wording(sentence)
    if wording is not None:
        action = wording.action
    else:
        phrase = _AREA_TAIL.sub("", sentence).strip()
        if len(phrase.split()) < 2 or _FINITE.search(phrase):
            return None  # a sentence no rule turns round is left to the statement findings, never "Improve <sentence>"
        phrase = phrase[0].lower() + phrase[1:] if phrase[1:2].islower() else phrase
        action = tidy(("Reduce " if _WAITS.match(phrase) else "Improve ") + phrase, council_subject=False)
    # The area alone: its list's lead-in ("The main areas for development were:") is shared by every
    # area of the list, and is on the finding's card.
    cited: list[tuple[Chunk, str]] = [(area.finding.chunk, sentence)]
    words = _words(sentence) - _COMMON
    figures = [(len(words & _words(s.measure_source)), -i, s) for i, s in enumerate(shortfalls) if s.measure_source]
    best = max(figures, default=None, key=lambda x: x[:2])
    measure_source = ""
    if best and best[0] >= RELATED_WORDS - 1:
        measure_source = best[2].measure_source
        cited.append((best[2].finding.chunk, measure_source))
    return _item(action, cited, measure_source, "", "shortfall", markers, plan.report_date)


def _renumber(items: list[ActionItem]) -> None:
    """Markers 1, 2, 3 ... in the order the findings are first cited by the actions kept."""
    order: dict[str, int] = {}
    for item in items:
        item.citations = [Citation(**{**c.__dict__, "marker": order.setdefault(c.chunk_id, len(order) + 1)})
                          for c in item.citations]
