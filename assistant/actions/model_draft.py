"""The action plan written by a chat model and checked as answers are: every action must cite
findings that exist and state no figure its findings do not hold, must start with a verb and not
lean on a sentence it does not include. What fails is dropped and named in the plan's notes; no
action left means the caller drafts without the model.
"""

from __future__ import annotations

import json
import re

from assistant.actions.improvement_plan import ActionItem, ActionPlan, Shortfall, sources_of, usable
from assistant.actions.measures import labelled, shows_shortfall, suggested_owner, suggested_timescale, timescale_from
from assistant.actions.verbs import ACTION_VERBS, base_verb
from assistant.actions.wording import dangling, date_in
from assistant.check.claims import unsupported_figures
from assistant.check.grounds import closest_sentence
from assistant.llm import calling
from assistant.llm.prompts import load_prompt, number_findings, render_findings
from assistant.models import Citation, RetrievedFinding
from cqc.text.markers import MODEL_MARKER
from cqc.text.sentences import is_list_item, split_sentences


def best_basis(finding_text: str, action: str) -> str:
    """The shortfall sentence of a finding that an action (written by a model) rests on: the one
    sharing most words with it, shortfall sentences preferred."""
    sentences = [s for s in split_sentences(finding_text) if not is_list_item(s)] or [finding_text]
    return closest_sentence(sentences, action, prefer=shows_shortfall)


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


def model_order(planned: list[RetrievedFinding], shortfalls: list[Shortfall],
                retrieved: list[RetrievedFinding]) -> list[RetrievedFinding]:
    """The findings as the model sees them, numbered from 1: what the report says must happen,
    then the shortfall findings (best first), then the rest of the evidence as context."""
    ordered: list[RetrievedFinding] = []
    for f in planned + [s.finding for s in shortfalls] + [f for f in retrieved if usable(f)]:
        if f.chunk.chunk_id not in {g.chunk.chunk_id for g in ordered}:
            ordered.append(f)
    return ordered


def draft_with_model(
    model, plan: ActionPlan, planned: list[RetrievedFinding], shortfalls: list[Shortfall], retrieved: list[RetrievedFinding],
    settings, max_actions: int,
) -> tuple[list[ActionItem], list[str]]:
    """Actions a chat model writes from numbered findings, each checked against what it cites.

    Returns the actions that pass and notes on everything dropped; no actions means the caller
    falls back to drafting without a model.
    """
    prompt = load_prompt("actions")
    ordered = model_order(planned, shortfalls, retrieved)
    numbered = number_findings(ordered, calling.findings_budget(prompt, settings, plan.question))
    if not numbered:
        return [], [calling.NOTHING_FITTED]
    messages = calling.messages_for(prompt, dict(
        authority=plan.authority, topic=plan.topic, findings=render_findings(numbered), question=plan.question,
        max_actions=max_actions,
    ))
    reply = calling.invoke(model, messages)
    if reply.failed:  # a server that is down or refuses: draft without it, and say so
        return [], [calling.plan_call_failed(reply)]
    raw = parse_actions_reply(reply.text)
    if raw is None:
        return [], [f"The model's reply held no actions as JSON: {reply.text[:200]!r}"]

    by_number = {n.number: n.finding for n in numbered}
    notes: list[str] = []
    if len(raw) > max_actions:
        notes.append(f"The model wrote {len(raw)} actions; the first {max_actions} are kept.")
    items: list[ActionItem] = []
    markers: dict[str, int] = {}  # chunk_id -> marker in this plan, in order of first citation
    for entry in raw[:max_actions]:
        written = str(entry.get("action") or "").strip()
        action = MODEL_MARKER.sub("", written).strip().rstrip(".")
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
        sources = [t for n in valid for t in sources_of(by_number[n].chunk)]
        missing = unsupported_figures(action, sources)
        if missing:
            notes.append(f"Dropped an action with figure(s) {', '.join(missing)} not in its cited finding(s): {action}")
            continue
        first_word = action.split()[0].lower()
        if first_word not in ACTION_VERBS and base_verb(first_word) not in ACTION_VERBS:
            notes.append(f"Dropped an action that does not start with what to do: {action}")
            continue
        if dangling(action):
            notes.append(f"Dropped an action that leans on words it does not include: {action}")
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
            owner=labelled(str(entry.get("owner") or ""), suggested_owner(action, lead.quality_statement, lead.heading)),
            timescale=(timescale_from(date_in(action)) if date_in(action) else
                       labelled(str(entry.get("timescale") or ""), suggested_timescale(action, lead.score))),
        ))
    return items, notes
