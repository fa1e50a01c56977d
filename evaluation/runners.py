"""Runners: our pipeline on every gold question, and the catalog against a facts file."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from assistant.chain import Assistant
from assistant.models import Answer
from cqc.records import SearchFilter
from evaluation.gold import GoldItem, Outcome
from config import Settings
from vectorstore.store import LibraryStore


def run_ours(settings: Settings, items: list[GoldItem]) -> list[Outcome]:
    store = LibraryStore(settings)
    assistant = Assistant(store)
    outcomes = []
    for item in items:
        start = time.perf_counter()
        answer = assistant.ask(item.question, scope=SearchFilter(authorities=tuple(item.scope)), home=item.home)
        outcomes.append(outcome_of(answer, time.perf_counter() - start))
    return outcomes


def outcome_of(answer: Answer, seconds: float) -> Outcome:
    """What the metrics read of an answer. A finding quoted as the closest context to a question the
    reports do not answer is not the answer's evidence: it earns no cited support and does not undo
    an abstention (`closest` counts it apart)."""
    evidence = [c for c in answer.citations if not c.closest]
    return Outcome(
        answer=answer.answer, abstained=answer.abstained,
        retrieved=[(f.chunk.authority, f.chunk.text) for f in answer.retrieved[:10]],
        cited=[(c.authority, c.text) for c in evidence],
        seconds=seconds,
        retrieved_reports=[f.chunk.report_id for f in answer.retrieved[:10]],
        cited_reports=[c.chunk_id.split(":")[0] for c in evidence],
        closest=sum(c.closest for c in answer.citations),
    )


def _facts_key(text: str | None) -> str:
    return re.sub(r"[^a-z]", "", (text or "").lower().replace("live healthier", "lead healthier"))


def catalog_exact(settings: Settings, facts_path: str) -> tuple[int, int, list[str]]:
    """How many authorities of a facts file the catalog holds exactly (rating, indicative, overall
    score, publication date, the nine scores) in at least one of its library entries."""
    facts = json.loads(Path(facts_path).read_text())
    facts = facts if isinstance(facts, list) else [facts]
    entries = LibraryStore(settings).reports()
    exact, misses = 0, []
    for fact in facts:
        want = (fact["rating"], fact.get("indicative", False), fact["overall_score"], fact["published"],
                {_facts_key(k): v for k, v in fact["scores"].items()})
        got = [(e.rating, e.rating_is_indicative, e.overall_score, e.published, {_facts_key(k): v for k, v in e.scores.items()})
               for e in entries if _facts_key(e.authority) == _facts_key(fact["authority"])]
        if want in got:
            exact += 1
        else:
            misses.append(f"{fact['authority']}: want {want[:4]}, have {[g[:4] for g in got] or 'no entry'}")
    return exact, len(facts), misses


def measure_accuracy(settings: Settings, facts_files: list[str]):
    """The library's figures read as data against the facts files' metrics (per report), and the
    reader on the labelled figure sentences (tests/data/measure_sentences.txt)."""
    from evaluation.measure_facts import score_facts
    from evaluation.measure_table import load_table, score_table

    records = LibraryStore(settings).measures()
    return score_facts(records, facts_files), score_table(load_table())
