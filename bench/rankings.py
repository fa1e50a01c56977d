"""Ranking questions over the synthetic national set, with the figures the generator wrote as gold.

Each synthetic report is one of the shared reports with its figures varied (`bench.synthetic`,
which records every figure as the template writes it and as the copy does). The template's facts
file (`../shared/corpus/facts/<slug>.json`) says what its figure is for each measure ("direct
payments uptake: 22.4% (March 2024)"); the copy's figure for that measure is the varied one. So
every synthetic council's value on a measure is known without reading its report, and a ranking of
150 councils can be checked row by row (`evaluation.rankings`).

The questions are those of `eval/gold/ranking-questions.jsonl` that ask across every council
(rankings, thresholds, averages, a measure only one template gives), with their rows worked out
here from the known values; each is asked as written.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

from bench.synthetic import SyntheticReport
from evaluation.measure_facts import METRICS, gold_value
from evaluation.rankings import RankingGold, load_ranking_gold

# Measures only some of the shared reports give a figure for (checked by reading the four reports: only
# Severn Marches gives a number waiting for a DoLS assessment); their other copies are asked as having none.
ONLY_SOME = {"dols_waiting"}
_FIGURE = re.compile(r"(?P<pound>£)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<pct>%)?")
# Durations are ranked in days (cqc.measures.ranking): a wait the template gives in weeks counts 7 a week.
_IN_DAYS = {"weeks": 7.0, "days": 1.0}


def _number(text: str) -> tuple[float, bool, bool]:
    m = _FIGURE.fullmatch(text)
    if not m:
        raise ValueError(f"not a figure: {text!r}")
    return float(m.group("num").replace(",", "")), bool(m.group("pct")), bool(m.group("pound"))


def known_values(reports: list[SyntheticReport], facts_dir: Path) -> dict[str, dict[str, float]]:
    """{measure: {authority: value in the unit ranked}} for every synthetic report whose template's
    facts file gives the measure's figure as the report's own (value) figure."""
    facts = {}
    for path in sorted(facts_dir.glob("*.json")):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            facts[loaded["authority"]] = loaded
    out: dict[str, dict[str, float]] = {}
    for report in reports:
        fact = facts.get(report.template_authority)
        if fact is None:
            continue
        varied = dict(report.figures)
        by_number = {}
        for written, new in varied.items():
            by_number.setdefault(_number(written), new)
        for key, text in (fact.get("metrics") or {}).items():
            target = METRICS.get(key)
            gold = gold_value(text)
            if not target or target[2] != "value" or gold is None:
                continue
            measure = target[0]
            value, unit = gold
            scale = 1e6 if unit == "GBP" and value >= 1e6 and re.search(r"million", text) else 1.0
            original = (value / scale, unit == "percent", unit == "GBP")
            new_text = by_number.get(original)
            new_value = _number(new_text)[0] * scale if new_text else value  # a figure the generator kept as it was
            out.setdefault(measure, {})[report.authority] = new_value * _IN_DAYS.get(unit, 1.0)
    return out


def ranking_gold(reports: list[SyntheticReport], facts_dir: Path, corpus_gold: Path) -> list[RankingGold]:
    """The corpus gold's questions across every council, with rows from the synthetic set's known values."""
    values = known_values(reports, facts_dir)
    everyone = sorted(r.authority for r in reports)
    templates = {r.template_authority for r in reports}
    templates_with: dict[str, set[str]] = {}
    for r in reports:
        for measure, by_council in values.items():
            if r.authority in by_council:
                templates_with.setdefault(measure, set()).add(r.template_authority)
    out = []
    for item in load_ranking_gold(corpus_gold):
        if item.kind not in ("rank", "threshold", "average") or item.home or item.set_aside \
                or _names_a_council(item, reports):
            continue  # (a council named, or figures set aside as not like for like: the corpus's own councils)
        known = values.get(item.measure, {})
        if not known or (len(templates_with.get(item.measure, ())) < len(templates) and item.measure not in ONLY_SOME):
            continue  # a template whose facts file does not give the measure: its copies' values are not known
        bound = _bound(item) if item.kind == "threshold" else None
        descending = bound[0] in (">", ">=") if bound else len(item.rows) < 2 or item.rows[0][1] >= item.rows[-1][1]
        ordered = sorted(known.items(), key=lambda kv: (-kv[1] if descending else kv[1], kv[0]))
        # councils with no figure: the answer names them (the first of them: a long list is cut short)
        missing = tuple(a for a in everyone if a not in known)[:3]
        if item.kind == "threshold":
            if bound is None:
                continue
            op, limit = bound
            rows = tuple(kv for kv in ordered if _passes(kv[1], op, limit))
            others = tuple(sorted(a for a, _ in ordered if not _passes(known[a], op, limit)))
            out.append(RankingGold(f"national-{item.qid}", item.question, item.measure, "threshold", rows,
                                   missing=missing, others=others[:3]))
        elif item.kind == "average":
            out.append(RankingGold(f"national-{item.qid}", item.question, item.measure, "average", tuple(ordered),
                                   missing=missing, mean=statistics.fmean(known.values())))
        else:
            top = _TOP.search(item.question)
            shown = tuple(ordered[: int(top.group(1))] if top else ordered)
            out.append(RankingGold(f"national-{item.qid}", item.question, item.measure, "rank", shown,
                                   missing=missing))
    return out


def _names_a_council(item: RankingGold, reports: list[SyntheticReport]) -> bool:
    templates = {r.template_authority for r in reports}
    return any(a.split()[0] in item.question for a in templates)


_TOP = re.compile(r"\btop (\d+)\b", re.IGNORECASE)
_BOUND = re.compile(r"\b(more than|over|at least|fewer than|under|less than)\s+(\d[\d,]*(?:\.\d+)?)")
_OPS = {"more than": ">", "over": ">", "at least": ">=", "fewer than": "<", "under": "<", "less than": "<"}


def _bound(item: RankingGold) -> tuple[str, float] | None:
    m = _BOUND.search(item.question)
    return (_OPS[m.group(1)], float(m.group(2).replace(",", ""))) if m else None


def _passes(value: float, op: str, limit: float) -> bool:
    return {">": value > limit, ">=": value >= limit, "<": value < limit, "<=": value <= limit}[op]


def write_gold(items: list[RankingGold], path: Path) -> Path:
    lines = [json.dumps({"id": g.qid, "question": g.question, "measure": g.measure, "kind": g.kind,
                         "rows": [list(r) for r in g.rows], "ordered": g.ordered, "missing": list(g.missing),
                         "others": list(g.others), "mean": g.mean}) for g in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
