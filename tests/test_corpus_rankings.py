"""Rankings on the shared corpus, checked against its facts files (never against figures written
here): the ranking gold `make eval` scores agrees with the facts, and a national-style ranking lists
every council in the order its facts give, each figure cited to a sentence of its own report."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from evaluation.measure_facts import METRICS, gold_value
from evaluation.rankings import load_ranking_gold

ROOT = Path(__file__).resolve().parents[1]
_IN_DAYS = {"weeks": 7.0}  # a ranking counts weeks in days, as its rows do


def _facts_values(facts: dict[str, dict]) -> dict[str, dict[str, float]]:
    """{measure: {authority: the figure its facts file gives as the report's own}}."""
    out: dict[str, dict[str, float]] = {}
    for authority, fact in facts.items():
        for key, text in (fact.get("metrics") or {}).items():
            target, read = METRICS.get(key), gold_value(text)
            if target and target[2] == "value" and read is not None:
                out.setdefault(target[0], {})[authority] = read[0] * _IN_DAYS.get(read[1], 1.0)
    return out


def test_the_ranking_gold_agrees_with_the_corpus_facts(facts):
    values = _facts_values(facts)
    checked = 0
    for item in load_ranking_gold(ROOT / "eval" / "gold" / "ranking-questions.jsonl"):
        for authority, value in item.rows:
            known = values.get(item.measure, {}).get(authority)
            if known is not None:
                assert math.isclose(known, value, abs_tol=0.05), (item.qid, authority, value, known)
                checked += 1
    assert checked >= 50, checked  # most gold rows have a facts figure to be checked against


@pytest.mark.parametrize("question, order", [
    ("Which councils had the highest direct payment uptake?", "highest"),
    ("Which council has the lowest proportion of people using direct payments?", "lowest"),
])
def test_a_corpus_ranking_follows_the_facts_and_cites_each_figure(corpus_assistant, facts, question, order):
    expected = _facts_values(facts)["direct_payments_uptake"]
    assert len(expected) >= 4
    answer = corpus_assistant.ask(question, home="")
    assert answer.kind == "measures" and answer.measure == "direct_payments_uptake" and not answer.abstained
    rows = [(r.authority, r.value) for r in answer.rows if r.group == ""]
    assert rows == sorted(expected.items(), key=lambda kv: kv[1], reverse=order == "highest")
    by_marker = {c.marker: c for c in answer.citations}
    for row in answer.rows:
        cited = by_marker[row.marker]
        assert cited.authority == row.authority and row.figure in cited.quote and cited.quote in cited.text, row
        assert f"[{row.marker}]" in answer.answer
