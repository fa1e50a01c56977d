"""Ranking questions scored row by row: every council's figure right, in the right order, and cited
to a sentence of that council's report that states it.

Gold (`eval/gold/ranking-questions.jsonl`, written from the shared corpus's facts files; the bench
writes its own for the synthetic national set from the figures it generated), one object a line:

    {"id", "question", "as" (the user's council, optional), "measure" (a vocabulary key),
     "kind": rank | threshold | average | comparator | side_by_side | none,
     "rows": [[authority, value], ...]  (the answer's own rows, in the unit ranked: weeks in days),
     "ordered": whether their order is asserted,
     "missing": councils the answer must name as giving no figure, "set_aside": councils named as not
     like for like, "others": the rest of a filter, "no_comparator": councils whose reports give no
     England figure, "side": the comparator group the rows are in ("below"), "mean": the average stated, "must_include": words the answer holds}

Kind "none": a question that is not a ranking (no measure the vocabulary knows, or more asked than
one measure's figures): right when it is not answered as one.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.models import Answer
from cqc.measures.ranking import format_value
from evaluation.gold import norm


@dataclass(frozen=True)
class RankingGold:
    qid: str
    question: str
    measure: str
    kind: str
    rows: tuple[tuple[str, float], ...]
    ordered: bool = True
    home: str = ""
    missing: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    no_comparator: tuple[str, ...] = ()
    side: str = ""  # the comparator group the rows are in ("below" the England average); "" the answer's own list
    mean: float | None = None
    must_include: tuple[str, ...] = ()


def load_ranking_gold(path: str | Path) -> list[RankingGold]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(RankingGold(
                qid=d["id"], question=d["question"], measure=d["measure"], kind=d["kind"],
                rows=tuple((a, float(v)) for a, v in d["rows"]), ordered=bool(d.get("ordered", True)), home=d.get("as", ""),
                missing=tuple(d.get("missing", ())), set_aside=tuple(d.get("set_aside", ())),
                others=tuple(d.get("others", ())), no_comparator=tuple(d.get("no_comparator", ())), side=d.get("side", ""),
                mean=d.get("mean"), must_include=tuple(d.get("must_include", ())),
            ))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise SystemExit(f"{path}:{n}: not a ranking gold item ({exc!r})") from exc
    return out


@dataclass
class Scored:
    gold: RankingGold
    read_as_ranking: bool
    rows_expected: int = 0
    rows_right: int = 0
    rows_given: int = 0
    rows_cited: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def right(self) -> bool:
        return not self.problems


def _cited(answer: Answer, marker: int, authority: str, figure: str) -> bool:
    """The row's marker resolves to a finding of that council whose sentence, in the finding, states the figure."""
    c = next((c for c in answer.citations if c.marker == marker), None)
    if c is None or c.authority != authority:
        return False
    return norm(figure) in norm(c.quote) and norm(c.quote) in norm(c.text)


def score(gold: RankingGold, answer: Answer, seconds: float = 0.0) -> Scored:
    # Named councils side by side are the comparison on measures (issue 25): scored by its rows, as a
    # ranking's are.
    is_ranking = answer.kind == "measures" or (gold.kind == "side_by_side" and answer.kind == "comparison"
                                               and bool(answer.measure))
    s = Scored(gold, is_ranking, seconds=seconds)
    if gold.kind == "none":
        if is_ranking:
            s.problems.append(f"answered as a ranking of {answer.measure}, which it does not ask for")
        return s
    if not is_ranking:
        s.problems.append(f"not answered as a ranking (answer kind {answer.kind})")
        s.rows_expected = len(gold.rows)
        return s
    if answer.measure != gold.measure:
        s.problems.append(f"measure {answer.measure}, want {gold.measure}")
    main = [r for r in answer.rows if r.group == gold.side]
    s.rows_expected = len(gold.rows)
    s.rows_given = len(answer.rows)
    s.rows_cited = sum(_cited(answer, r.marker, r.authority, r.figure) for r in answer.rows)
    if s.rows_cited < s.rows_given:
        s.problems.append(f"{s.rows_given - s.rows_cited} of {s.rows_given} rows not cited to a sentence stating the figure")
    got = [(r.authority, r.value) for r in main]
    want = list(gold.rows)
    s.rows_right = sum(1 for (a, v), (ga, gv) in zip(got, want) if a == ga and math.isclose(v, gv, rel_tol=1e-6)) \
        if gold.ordered else sum(1 for a, v in got if any(a == ga and math.isclose(v, gv, rel_tol=1e-6) for ga, gv in want))
    if len(got) != len(want) or s.rows_right != len(want):
        s.problems.append(f"rows {got}, want {want}{' in that order' if gold.ordered else ''}")
    text = norm(answer.answer)
    for name, group in (("missing", gold.missing), ("set aside", gold.set_aside), ("others", gold.others),
                        ("no England figure", gold.no_comparator)):
        for authority in group:
            if norm(authority) not in text:
                s.problems.append(f"{authority} not named ({name})")
    for authority in gold.set_aside:
        if not any(r.authority == authority and r.group == "set_aside" for r in answer.rows):
            s.problems.append(f"{authority} not set aside as not like for like")
    for authority in gold.others:
        if not any(r.authority == authority and r.group == "other" for r in answer.rows):
            s.problems.append(f"{authority} not among the rest of the filter")
    if gold.mean is not None and norm(format_value(gold.mean, main[0].unit if main else "")) not in text:
        s.problems.append(f"mean {gold.mean} not stated")
    for words in gold.must_include:
        if norm(words) not in text:
            s.problems.append(f"{words!r} not in the answer")
    return s


def run_rankings(assistant, items: list[RankingGold]) -> list[Scored]:
    out = []
    for item in items:
        start = time.perf_counter()
        answer = assistant.ask(item.question, home=item.home)
        out.append(score(item, answer, time.perf_counter() - start))
    return out


def summarise(scored: list[Scored]) -> dict[str, float]:
    asked = [s for s in scored if s.gold.kind != "none"]
    declined = [s for s in scored if s.gold.kind == "none"]
    expected = sum(s.rows_expected for s in asked)
    given = sum(s.rows_given for s in asked)
    return {
        "n": float(len(asked)),
        "questions_right": sum(s.right for s in asked) / len(asked) if asked else 0.0,
        "read_as_ranking": sum(s.read_as_ranking for s in asked) / len(asked) if asked else 0.0,
        "rows_right": sum(s.rows_right for s in asked) / expected if expected else 0.0,
        "rows_cited": sum(s.rows_cited for s in asked) / given if given else 0.0,
        "not_rankings_left_alone": sum(s.right for s in declined) / len(declined) if declined else 1.0,
    }


def format_rankings(scored: list[Scored], library: str = "") -> str:
    label = f" [{library}]" if library else ""
    summary = summarise(scored)
    times = sorted(s.seconds for s in scored)
    lines = [f"ranking questions{label}: {int(summary['n'])} asked, "
             f"{sum(1 for s in scored if s.gold.kind == 'none')} that are not rankings",
             f"  questions right (every row right and cited)  {summary['questions_right']:.3f}",
             f"  read as a ranking                            {summary['read_as_ranking']:.3f}",
             f"  rows right                                   {summary['rows_right']:.3f}",
             f"  rows cited to a sentence stating the figure  {summary['rows_cited']:.3f}",
             f"  not rankings, left to the quoted answer      {summary['not_rankings_left_alone']:.3f}",
             f"  seconds per question, median                 {times[len(times) // 2] if times else 0:.3f}"]
    for s in scored:
        if s.problems:
            lines.append(f"  wrong: {s.gold.qid} {s.gold.question!r}: " + "; ".join(s.problems))
    return "\n".join(lines)
