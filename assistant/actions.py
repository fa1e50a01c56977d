"""Draft improvement actions for one authority (optionally one quality statement) from the
findings of its latest report that record shortfalls.

With no model each action is built from one shortfall finding: what the finding is about (its
sub-heading) and what it records (its shortfall sentence, quoted). With a chat model the model
writes the actions from numbered findings, and every action is checked afterwards: citations
must resolve and every figure must be in a cited finding, whatever the prompt asked for.

Owners and timescales are suggestions, always labelled so: the report says what fell short, not
who should fix it or by when.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from assistant.extractive import SHORTFALL, Selected
from assistant.llm.checking import unsupported_figures
from assistant.models import Citation, RetrievedFinding
from assistant.query import understand
from ingest import cqc
from ingest.chunking import split_sentences
from vectorstore.keyword_index import tokenize
from vectorstore.store import SearchFilter

SUGGESTED = "(suggested)"
EXTRACTIVE = "extractive (no model)"
MAX_ACTIONS = 6
# Enough candidates to hold every finding of one quality statement (about ten in a report) and a
# broad sample of a whole report when no statement is named.
EVIDENCE_K = 25


class ActionsError(ValueError):
    """The request cannot be drafted: no authority named, or one the library does not hold."""


# -- typed results -------------------------------------------------------------------------------
@dataclass
class ActionItem:
    action: str
    citations: list[Citation]  # the finding(s) the action addresses
    basis: list[str]  # the shortfall sentence(s), verbatim from the cited finding(s)
    measure: str = ""  # from the cited finding's own figures; empty when it has none
    owner: str = ""  # always ends "(suggested)"
    timescale: str = ""  # always ends "(suggested)"

    def as_json(self) -> dict:
        return {
            "action": self.action,
            "citations": [c.as_json() for c in self.citations],
            "basis": list(self.basis),
            "measure": self.measure,
            "owner": self.owner,
            "timescale": self.timescale,
        }


@dataclass
class ActionPlan:
    authority: str
    quality_statement: str  # empty when the request named none
    topic: str  # the quality statement, or what the request asked about
    report_date: str  # publication date of the report the findings come from
    items: list[ActionItem] = field(default_factory=list)
    backend: str = EXTRACTIVE
    notes: list[str] = field(default_factory=list)  # what was dropped or fell back, and why
    question: str = ""

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "authority": self.authority,
            "quality_statement": self.quality_statement,
            "topic": self.topic,
            "report_date": self.report_date,
            "backend": self.backend,
            "actions": [i.as_json() for i in self.items],
            "notes": list(self.notes),
        }


# -- reading shortfalls ----------------------------------------------------------------------------
# Words SHORTFALL treats as cues that, in these phrases, name a process rather than a problem:
# "safeguarding concerns were received", "local risks", "risk assessment".
_NEUTRAL = re.compile(
    r"\bsafeguarding concerns?\b|\b(rais\w*|receiv\w*|triag\w*|report\w*)\b[^.;]{0,25}\bconcerns?\b"
    r"|\b(local|managing|manage|manages|identify|identified|understand\w*|known|potential)\s+risks?\b"
    r"|\brisks?[- ](assess\w*|ratings?|registers?|management|based)\b|\bat risk\b"
    # "the table below shows", needs that "did not meet the eligibility criteria", "not left without help"
    r"|\b(table|chart|figure|set out|shown|listed|see)\s+below\b|\bbelow (shows|sets out)\b"
    r"|\b(did|do|does) not (meet|qualify)\b[^.;]{0,30}\beligib\w*|\bnot (left )?without\b"
    # putting off a move into a care home is an outcome, not a delay
    r"|\bdelay\w* (a |their |the need for )?(move|admission|entry)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*[-•*]\s")


# SHORTFALL's cues are broad on purpose (they favour sentences when ranking): "not" and "wait"
# also occur in "were not entitled to funded care" or "nobody should wait more than 28 days".
# An action needs a sentence that records something falling short, so one of these must be there too.
_FALLS_SHORT = re.compile(
    r"\b(lack\w*|delay\w*|backlog\w*|shortfall\w*|gaps?|inconsisten\w*|varied|variable|unclear|insufficient|"
    r"poor\w*|weak\w*|worse|below|lower than|too (?:early|long|late|few|slow)|longer than|"
    r"not (?:always|consistently|yet|clear\w*|embedded|shared|updated|analysed|refreshed|received|offered|"
    r"involved|consulted|confident|aware|know|able|met|sustain\w*|timely|recorded|completed|reviewed)|"
    r"did not|had not|could not|has not|have not|no (?:consistent|clear|formal|single)|area of concern|"
    r"concerns? (?:about|that|over)|(?:were|was) concerned|exceptions|only \d+|only (?:a|some|half)|"
    r"(?:were|was|been|are|is|still|left) waiting|struggl\w*|mixed|without help|"
    r"waited\b[^.;]{0,60}\b(?:\d+|several|many) (?:days?|weeks?|months?|years?))\b",
    re.IGNORECASE,
)


def shortfall_cues(sentence: str) -> int:
    """How many distinct things a sentence says fell short (0 for none)."""
    text = _NEUTRAL.sub(" ", sentence)
    return len({m.group(0).lower() for m in _FALLS_SHORT.finditer(text)})


def shows_shortfall(sentence: str) -> bool:
    """A sentence that records something falling short: one of SHORTFALL's cues (neutral phrases
    aside) and a phrase that says what fell short.

    List items are left out: in these reports they are usually an authority's own priorities.
    """
    if _LIST_ITEM.match(sentence):
        return False
    text = _NEUTRAL.sub(" ", sentence)
    return bool(SHORTFALL.search(text) and _FALLS_SHORT.search(text))


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_PERIOD = re.compile(rf"\b(?:\d{{1,2}} )?(?:{_MONTHS}) \d{{4}}\b|\b(?:19|20)\d\d/\d\d\b|\b(?:19|20)\d\d\b")
# A figure a measure can start from, best kind first: a share, money, "1 in 4", then a count.
_MEASURABLE = (
    re.compile(r"(?<![\w.])\d+(?:\.\d+)?%"),
    re.compile(r"£\d+(?:,\d{3})*(?:\.\d+)?(?: (?:million|billion|m|bn)\b)?"),  # not the comma after "£410,000,"
    re.compile(r"\b\d+ in \d+\b"),
    re.compile(r"\b\d+(?:,\d{3})* of (?:the )?\d+(?:,\d{3})*\b|\b\d+(?:,\d{3})* of (?:them|these|those)\b"),  # "9 of the 26"
    # A count, not a date ("31 March"), year, legal reference ("Section 42") or list number.
    re.compile(
        rf"(?<![\w.£/-])(?<!Section )(?<!Part )(?<!Schedule )(?<!Article )(?<!Level )"
        rf"(?!(?:19|20)\d\d\b)\d+(?:,\d{3})*(?:\.\d+)?(?![\d%/])(?! (?:{_MONTHS})\b)(?! in \d)"
        r"(?: (?:working )?(?:days?|weeks?|months?|years?|hours?)\b)?"  # "22 weeks" says more than "22"
    ),
)
_CLAUSE_SPLIT = re.compile(r",\s+(?=\D)|;\s+|\s+[–—]\s+")
_LEADING_LINK = re.compile(r"^(and|but|although|though|while|whereas|with|which|who|however)\b,?\s*", re.IGNORECASE)
_REDUCE = re.compile(
    r"\b(wait\w*|delay\w*|backlog\w*|overspen\w*|vacanc\w*|complain\w*|longer|late|awaiting|not|without|"
    r"lack\w*|fail\w*|unmet|missed|breach\w*)\b",
    re.IGNORECASE,
)
_RAISE = re.compile(r"\b(only|below|lower than|fell|dropped|declined)\b", re.IGNORECASE)


# A clause about what was put in (money spent, posts funded) is no outcome: "Improve on £410,000" read as a
# measure of success for a backlog that "8 additional posts funded at a cost of £410,000" had not reduced.
_INPUT = re.compile(r"\b(at a cost of|costing|funded|funding for|invest\w*|grants? of|spent on|additional posts?|"
                    r"commissioned)\b", re.IGNORECASE)


def measurable_figure(sentence: str) -> str:
    """The figure of a sentence a measure of success can start from, or "" when it has none."""
    outcome_clauses = [c for c in _CLAUSE_SPLIT.split(sentence) if not _INPUT.search(c)]
    for pattern in _MEASURABLE:
        for clause in outcome_clauses:
            m = pattern.search(clause)
            if m:
                return m.group(0)
    return ""


def measure_from(sentence: str) -> str:
    """A measure of success from a sentence's own figure: direction, baseline and its period.

    Nothing is computed and no target is set: the baseline is quoted as the report writes it.
    """
    figure = measurable_figure(sentence)
    if not figure:
        return ""
    body = sentence.rstrip(". ")
    clauses = [c for c in _CLAUSE_SPLIT.split(body) if c.strip()]
    clause = next((c for c in clauses if figure in c), body)
    clause = _LEADING_LINK.sub("", clause.strip())
    period = _PERIOD.search(sentence)
    when = f" ({period.group(0)})" if period and period.group(0) not in figure else ""
    if _REDUCE.search(clause):
        direction = "Reduce from"
    elif _RAISE.search(clause) or _RAISE.search(sentence):  # "71% ..., still below the target of 85%"
        direction = "Raise from"
    else:
        direction = "Improve on"
    return f"{direction} {figure}{when}: \u201c{clause}\u201d"


# -- wording an action from a finding --------------------------------------------------------------
_VERBS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(wait\w*|delay\w*|backlog\w*|timel\w*|longer|late|slow\w*)\b", re.IGNORECASE), "Reduce delays in {area}"),
    (re.compile(r"\b(inconsisten\w*|consisten\w*|varied|vary|varies|variable|differ\w*|not always)\b", re.IGNORECASE),
     "Make practice consistent in {area}"),
    (re.compile(r"\b(only|below|fewer|fell|lower|dropped|declined)\b", re.IGNORECASE), "Improve performance in {area}"),
    (re.compile(r"\b(not|no|lack\w*|gaps?|unclear|without|could not|did not|had not)\b", re.IGNORECASE),
     "Close the gaps in {area}"),
)
# Headings that say where a paragraph sits rather than what it is about.
_GENERIC_HEADING = re.compile(r"^(summary|overall|key findings|about|areas? for|next steps|findings)\b", re.IGNORECASE)
_CONTRAST = re.compile(r"(?:,|;)\s+(?:but|however,?)\s+|^however,?\s+|\.\s+however,?\s+", re.IGNORECASE)


def _lower_first(text: str) -> str:
    """Lower-case a leading ordinary word ("The timeliness" -> "the timeliness"), not a name
    ("Making Safeguarding Personal", "Section 42", "NHS")."""
    words = text.split()
    if len(words) < 2 or not words[0][:1].isupper() or not words[0][1:].islower():
        return text
    if words[1][:1].isupper() or words[1][:1].isdigit():
        return text
    return text[0].lower() + text[1:]


def area_of(chunk) -> str:
    """What the finding is about: its sub-heading, or its quality statement when the heading only
    says where it sits."""
    heading = chunk.heading.strip()
    if heading and not _GENERIC_HEADING.match(heading) and not cqc.is_standard_wording(heading):
        return _lower_first(heading)
    if chunk.quality_statement:
        return _lower_first(chunk.quality_statement)
    return "adult social care"


def what_it_records(sentence: str) -> str:
    """The shortfall part of a sentence: after "but"/"however" when it sets a strength against it."""
    parts = _CONTRAST.split(sentence, maxsplit=1)
    record = parts[-1] if len(parts) > 1 and len(parts[-1].split()) >= 4 else sentence
    record = record.strip()
    if not record.endswith((".", "!", "?")):
        record += "."
    return _lower_first(record)


def action_from(chunk, sentence: str) -> str:
    record = what_it_records(sentence)
    template = next((t for pattern, t in _VERBS if pattern.search(record)), "Address the shortfall in {area}")
    return f"{template.format(area=area_of(chunk))}: {record}"


# -- suggestions -----------------------------------------------------------------------------------
# The role that usually leads on each quality statement in an English council; a starting point
# for the council to confirm, which is why it is labelled a suggestion.
OWNERS: dict[str, str] = {
    "Assessing needs": "Head of assessment and care management",
    "Supporting people to lead healthier lives": "Head of prevention and early intervention",
    "Equity in experience and outcomes": "Equality, diversity and inclusion lead for adult social care",
    "Care provision, integration and continuity": "Head of commissioning",
    "Partnerships and communities": "Head of partnerships and integration",
    "Safe pathways, systems and transitions": "Head of hospital discharge and transitions",
    "Safeguarding": "Head of adult safeguarding",
    "Governance, management and sustainability": "Director of Adult Social Services",
    "Learning, improvement and innovation": "Principal Social Worker and quality assurance lead",
}
OWNERS_BY_THEME: dict[str, str] = {
    cqc.THEMES[1]: "Head of operations (adult social care)",
    cqc.THEMES[2]: "Head of commissioning",
    cqc.THEMES[3]: "Head of adult safeguarding",
    cqc.THEMES[4]: "Director of Adult Social Services",
}


def suggested_owner(quality_statement: str, theme: str = "") -> str:
    owner = OWNERS.get(quality_statement) or OWNERS_BY_THEME.get(theme or cqc.theme_of(quality_statement))
    return f"{owner or 'Director of Adult Social Services'} {SUGGESTED}"


def suggested_timescale(score: int | None) -> str:
    """Sooner where the regulator found more wrong: score 1 (significant shortfalls) -> 3 months."""
    months = {1: 3, 2: 6}.get(score or 0, 12)
    return f"{months} months {SUGGESTED}"


def _as_suggestion(text: str, fallback: str) -> str:
    text = (text or "").strip()
    if not text:
        return fallback
    return text if SUGGESTED in text.lower() else f"{text} {SUGGESTED}"


# -- gathering evidence ----------------------------------------------------------------------------
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
    latest = max(reports, key=lambda r: r.published or "")

    if plan and plan.quality_statements:
        statements: tuple[str, ...] = plan.quality_statements
    elif quality_statement:
        canonical = cqc.QS_BY_NAME.get(quality_statement) or next(
            (cqc.QS_BY_NAME[s] for s in understand(quality_statement, names).quality_statements), None
        )
        if canonical is None:
            known = "; ".join(qs.name for qs in cqc.QUALITY_STATEMENTS)
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


def _usable(finding: RetrievedFinding) -> bool:
    """Findings that record practice: not score lines, not the regulator's standard wording."""
    c = finding.chunk
    return c.kind not in ("score", "rating") and not cqc.is_standard_wording(c.heading)


@dataclass
class _Shortfall:
    finding: RetrievedFinding
    basis: list[str]
    measure: str


def _shortfalls(retrieved: list[RetrievedFinding], ranked: list[Selected]) -> list[_Shortfall]:
    """One entry per finding that records a shortfall, in the evidence's order (best first)."""
    by_finding: dict[str, list[str]] = {}
    for s in ranked:  # best first
        by_finding.setdefault(s.finding.chunk.chunk_id, []).append(s.sentence)
    out: list[_Shortfall] = []
    seen: set[str] = set()
    for finding in filter(_usable, retrieved):
        sentences = by_finding.get(finding.chunk.chunk_id) or split_sentences(finding.chunk.text)
        # The sentence naming most of what fell short leads; ties keep the evidence's order.
        short = sorted((s for s in sentences if shows_shortfall(s)), key=lambda s: -min(shortfall_cues(s), 3))
        if not short or short[0] in seen:
            continue  # the same sentence quoted in a summary and a statement makes one action
        basis = [short[0]]
        figured = [s for s in short if measurable_figure(s)]
        if not measurable_figure(short[0]) and figured:
            basis.append(figured[0])  # the figure says how far short; it becomes the measure
        # Only a figure that says how far short counts: "17% of concerns led to an enquiry" in the same
        # paragraph is no measure of whether thresholds became consistent.
        measure_source = next((s for s in basis if measurable_figure(s)), "")
        seen.update(basis)
        out.append(_Shortfall(finding, basis, measure_from(measure_source) if measure_source else ""))
    return out


def _sources(chunk) -> list[str]:
    # The heading belongs to the finding: "Section 42" in an action's area is the finding's own.
    return [chunk.heading, chunk.text]


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
    """An action plan for one authority from the shortfalls its latest report records.

    `assistant` is an `assistant.chain.Assistant`; `chat_model` a LangChain chat model, or None to
    derive each action from a cited finding without a model.
    """
    request = _read_request(assistant, authority, quality_statement, question)
    scope = SearchFilter(
        authorities=(request.authority,), quality_statements=request.statements, report_ids=(request.report_id,)
    )
    _, _, retrieved, ranked = assistant.evidence(request.question, scope=scope, k=EVIDENCE_K)
    shortfalls = _shortfalls(retrieved, ranked)
    plan = ActionPlan(
        authority=request.authority, quality_statement=", ".join(request.statements), topic=request.topic,
        report_date=request.report_date, question=request.question, notes=list(request.notes),
    )
    if chat_model is None:
        _fill_without_model(plan, shortfalls, max_actions)
        return plan
    name = backend_name or _model_name(chat_model)
    items, notes = _draft_with_model(chat_model, plan, shortfalls, retrieved, assistant.store.settings, max_actions)
    plan.notes.extend(notes)
    if items:
        plan.items, plan.backend = items, name
    else:
        plan.notes.append(f"The {name} model gave no usable actions; these are drafted without a model.")
        _fill_without_model(plan, shortfalls, max_actions)
    return plan


def _fill_without_model(plan: ActionPlan, shortfalls: list[_Shortfall], max_actions: int) -> None:
    plan.backend = EXTRACTIVE
    plan.items = []
    for s in shortfalls:
        if len(plan.items) >= max_actions:
            break
        chunk = s.finding.chunk
        action = action_from(chunk, s.basis[0])
        measure = s.measure
        sources = _sources(chunk)
        # Built from the finding's own words, so these hold by construction; checked all the same.
        if unsupported_figures(action, sources):
            plan.notes.append(f"Dropped an action with a figure not in its finding: {action}")
            continue
        if measure and unsupported_figures(measure, sources):
            plan.notes.append(f"Dropped a measure with a figure not in its finding: {measure}")
            measure = ""
        marker = len(plan.items) + 1
        plan.items.append(ActionItem(
            action=action,
            citations=[Citation.of(marker, chunk, quote="\n".join(s.basis))],
            basis=list(s.basis),
            measure=measure,
            owner=suggested_owner(chunk.quality_statement, chunk.theme),
            timescale=suggested_timescale(chunk.score),
        ))
    if not plan.items:
        plan.notes.append(f"No finding in the report on {plan.topic} records a shortfall to act on.")
    elif len(shortfalls) > max_actions:
        plan.notes.append(f"{len(shortfalls) - max_actions} further shortfall finding(s) left out (at most {max_actions} actions).")


def _model_name(model) -> str:
    for attr in ("model_name", "model", "model_path"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def _tokens(text: str) -> set[str]:
    return set(tokenize(text))


def best_basis(finding_text: str, action: str) -> str:
    """The shortfall sentence of a finding that an action (written by a model) rests on: the one
    sharing most words with it, shortfall sentences preferred."""
    sentences = [s for s in split_sentences(finding_text) if not _LIST_ITEM.match(s)] or [finding_text]
    words = _tokens(action)
    return max(sentences, key=lambda s: (len(words & _tokens(s)) + (1 if shows_shortfall(s) else 0), shows_shortfall(s)))


def parse_actions_reply(text: str) -> list[dict] | None:
    """The list of actions in a model's reply, or None when it holds no usable JSON.

    Models wrap JSON in code fences, add a sentence before it, or return a bare list: all accepted.
    """
    text = re.sub(r"```(?:json)?", "", text or "").strip()
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if start == -1 or end <= start:
            continue
        try:
            value = json.loads(text[start:end + 1])
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            value = value.get("actions", value.get("items"))
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return value
    return None


def _cited_numbers(value, action: str) -> list[int]:
    """Finding numbers from the reply's "findings" field ([1, 3], "1, 3", "[2]") or, failing that,
    from markers written in the action itself."""
    numbers = [int(n) for n in re.findall(r"\d+", json.dumps(value))] if value not in (None, "", []) else []
    return list(dict.fromkeys(numbers or [int(n) for n in re.findall(r"\[\s*(\d+)\s*\]", action)]))


_MARKERS = re.compile(r"\s*\[\s*(?:findings?\s*)?\d+(?:\s*[,;]\s*\d+)*\s*\]", re.IGNORECASE)


def _draft_with_model(
    model, plan: ActionPlan, shortfalls: list[_Shortfall], retrieved: list[RetrievedFinding], settings, max_actions: int
) -> tuple[list[ActionItem], list[str]]:
    """Actions a chat model writes from numbered findings, each checked against what it cites.

    Returns the actions that pass and notes on everything dropped; no actions means the caller
    falls back to drafting without a model.
    """
    from assistant.llm.prompts import load_prompt, number_findings, prompt_budget, render_findings, template_tokens

    prompt = load_prompt("actions")
    # Shortfall findings first (best first), then the rest of the evidence as context.
    first = [s.finding for s in shortfalls]
    ordered = first + [f for f in retrieved if _usable(f) and f not in first]
    budget = prompt_budget(settings.llm_context_tokens, settings.llm_max_tokens, template_tokens(prompt), plan.question)
    numbered = number_findings(ordered, budget)
    if not numbered:
        return [], ["No finding fitted in the model's context window (CQC_LLM_CONTEXT_TOKENS)."]
    messages = prompt.format_messages(
        authority=plan.authority, topic=plan.topic, findings=render_findings(numbered), question=plan.question,
        max_actions=max_actions,
    )
    try:
        reply = model.invoke(messages)
    except Exception as exc:  # a server that is down or refuses: draft without it, and say so
        return [], [f"The model could not be reached: {type(exc).__name__}: {exc}"]
    content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
    raw = parse_actions_reply(content)
    if raw is None:
        return [], [f"The model's reply held no actions as JSON: {content[:200]!r}"]

    by_number = {n.number: n.finding for n in numbered}
    notes: list[str] = []
    if len(raw) > max_actions:
        notes.append(f"The model wrote {len(raw)} actions; the first {max_actions} are kept.")
    items: list[ActionItem] = []
    markers: dict[str, int] = {}  # chunk_id -> marker in this plan, in order of first citation
    for entry in raw[:max_actions]:
        written = str(entry.get("action") or "").strip()
        action = _MARKERS.sub("", written).strip()
        if not action:
            notes.append("Dropped an entry with no action text.")
            continue
        numbers = _cited_numbers(entry.get("findings", entry.get("citations", entry.get("cites"))), written)
        valid = [n for n in numbers if n in by_number]
        invalid = [n for n in numbers if n not in by_number]
        if not valid:
            why = f"cites finding(s) {invalid} that do not exist" if invalid else "cites no finding"
            notes.append(f"Dropped an action that {why}: {action}")
            continue
        if invalid:
            notes.append(f"Removed citation(s) {invalid} that resolve to no finding from: {action}")
        sources = [t for n in valid for t in _sources(by_number[n].chunk)]
        missing = unsupported_figures(action, sources)
        if missing:
            notes.append(f"Dropped an action with figure(s) {', '.join(missing)} not in its cited finding(s): {action}")
            continue
        measure = str(entry.get("measure") or "").strip()
        missing = unsupported_figures(measure, sources) if measure else []
        if missing:
            notes.append(f"Dropped the measure {measure!r} (figure(s) {', '.join(missing)} not in the cited finding(s)) of: {action}")
            measure = ""
        citations: list[Citation] = []
        basis: list[str] = []
        for n in valid:
            chunk = by_number[n].chunk
            sentence = best_basis(chunk.text, f"{action} {measure}")
            basis.append(sentence)
            citations.append(Citation.of(markers.setdefault(chunk.chunk_id, len(markers) + 1), chunk, quote=sentence))
        lead = by_number[valid[0]].chunk
        items.append(ActionItem(
            action=action, citations=citations, basis=basis, measure=measure,
            owner=_as_suggestion(str(entry.get("owner") or ""), suggested_owner(lead.quality_statement, lead.theme)),
            timescale=_as_suggestion(str(entry.get("timescale") or ""), suggested_timescale(lead.score)),
        ))
    return items, notes
