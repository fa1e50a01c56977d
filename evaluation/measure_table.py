"""The labelled table of figure sentences (`tests/data/measure_sentences.txt`) and how the reader
scores on it: measure, value, unit and qualifier accuracy, "other" figures given a known measure,
and records the labels do not expect.

Each expected record is matched to a record read from the same sentence with the same value
(money in pounds, a fall negative); a figure not read at all counts against value, unit and
measure alike.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cqc.measures.reading import ReadFigure, read_text

TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "measure_sentences.txt"
_UNITS = {"one-in": "one in", "per-100k": "per 100,000", "working-days": "working days", "hours/week": "hours per week",
          "GBP/hour": "GBP per hour", "GBP/week": "GBP per week", "GBP/year": "GBP per year",
          "square-kilometres": "square kilometres"}


class TableError(ValueError):
    """A line of the labelled table that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Expected:
    measure: str
    value: float
    unit: str
    qualifier: str = ""
    role: str = "value"
    comparator: tuple[str, float] | None = None


@dataclass(frozen=True)
class Labelled:
    line: int
    sentence: str
    expected: tuple[Expected, ...]
    heading: str = ""
    before: str = ""


def _expected(path: Path, n: int, line: str) -> Expected:
    parts = line[1:].split()
    if len(parts) < 3:
        raise TableError(f"{path}:{n}: '= MEASURE VALUE UNIT [q=..] [role=..] [cmp=KIND:VALUE]' expected, got {line!r}")
    options = dict(p.split("=", 1) for p in parts[3:] if "=" in p)
    unknown = set(options) - {"q", "role", "cmp"}
    if unknown:
        raise TableError(f"{path}:{n}: unknown option(s) {sorted(unknown)}")
    try:
        value = float(parts[1])
        comparator = None
        if "cmp" in options:
            kind, _, number = options["cmp"].partition(":")
            comparator = (kind, float(number))
    except ValueError as exc:
        raise TableError(f"{path}:{n}: not a number ({exc})") from exc
    return Expected(parts[0], value, _UNITS.get(parts[2], parts[2]), options.get("q", ""), options.get("role", "value"),
                    comparator)


def load_table(path: Path = TABLE) -> list[Labelled]:
    """The labelled sentences, in file order."""
    out: list[Labelled] = []
    block: list[tuple[int, str]] = []

    def close() -> None:
        if not block:
            return
        heading = before = sentence = ""
        expected: list[Expected] = []
        first = block[0][0]
        for n, line in block:
            if line.startswith("heading: "):
                heading = line[len("heading: "):]
            elif line.startswith("before: "):
                before = line[len("before: "):]
            elif line.startswith("= "):
                expected.append(_expected(path, n, line))
            elif sentence:
                raise TableError(f"{path}:{n}: a second sentence in one block (separate blocks with a blank line)")
            else:
                sentence = line
        if not sentence:
            raise TableError(f"{path}:{first}: a block with no sentence")
        out.append(Labelled(first, sentence, tuple(expected), heading, before))
        block.clear()

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if line.startswith("#"):
            continue
        if not line.strip():
            close()
        else:
            block.append((n, line.strip() if not line.lstrip().startswith("- ") else line.lstrip()))
    close()
    return out


def read_labelled(item: Labelled) -> list[ReadFigure]:
    return read_text(item.sentence, heading=item.heading, before=item.before)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class TableScore:
    expected: int = 0
    sentences: int = 0
    value: int = 0
    unit: int = 0
    measure: int = 0
    qualifier: int = 0
    qualifier_n: int = 0
    others: int = 0
    others_mislabelled: int = 0
    comparator: int = 0
    comparator_n: int = 0
    role: int = 0
    read: int = 0
    unexpected: int = 0
    per_measure: Counter = field(default_factory=Counter)  # expected records per measure key
    misses: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float]:
        def rate(a: int, b: int) -> float:
            return a / b if b else 0.0

        return {
            "sentences": float(self.sentences), "expected": float(self.expected),
            "measure": rate(self.measure, self.expected), "value": rate(self.value, self.expected),
            "unit": rate(self.unit, self.expected), "qualifier": rate(self.qualifier, self.qualifier_n),
            "role": rate(self.role, self.expected), "comparator": rate(self.comparator, self.comparator_n),
            "other_mislabelled": rate(self.others_mislabelled, self.others),
            "unexpected": rate(self.unexpected, self.read),
        }


def score_table(items: list[Labelled]) -> TableScore:
    score = TableScore(sentences=len(items))
    for item in items:
        got = read_labelled(item)
        score.read += len(got)
        used: set[int] = set()
        for want in item.expected:
            score.expected += 1
            score.per_measure[want.measure] += 1
            same_value = [i for i, g in enumerate(got) if i not in used and _same(g.value, want.value)]
            pick = next((i for i in same_value if got[i].measure == want.measure and got[i].unit == want.unit),
                        same_value[0] if same_value else None)
            where = f"line {item.line}: {item.sentence[:90]}"
            if want.measure == "other":
                score.others += 1
            if pick is None:
                score.misses.append(f"{where}\n    not read: {want}")
                continue
            used.add(pick)
            g = got[pick]
            score.value += 1
            score.unit += g.unit == want.unit
            score.measure += g.measure == want.measure
            score.role += g.role == want.role
            if want.measure == "other" and g.measure != "other":
                score.others_mislabelled += 1
            if want.measure != "other":
                score.qualifier_n += 1
                score.qualifier += g.qualifier == want.qualifier
            if want.comparator:
                score.comparator_n += 1
                score.comparator += bool(g.comparator and g.comparator.kind == want.comparator[0]
                                         and _same(g.comparator.value, want.comparator[1]))
            wrong = [name for name, ok in (
                ("measure", g.measure == want.measure), ("unit", g.unit == want.unit),
                ("qualifier", want.measure == "other" or g.qualifier == want.qualifier), ("role", g.role == want.role),
                ("comparator", not want.comparator or (g.comparator and g.comparator.kind == want.comparator[0]
                                                       and _same(g.comparator.value, want.comparator[1]))),
            ) if not ok]
            if wrong:
                score.misses.append(f"{where}\n    {', '.join(wrong)}: want {want}\n    got {g.measure} {g.value} "
                                    f"{g.unit} q={g.qualifier} role={g.role} cmp={g.comparator}")
        extra = [g for i, g in enumerate(got) if i not in used]
        score.unexpected += len(extra)
        for g in extra:
            score.misses.append(f"line {item.line}: {item.sentence[:90]}\n    unexpected: {g.measure} {g.value} {g.unit} "
                                f"({g.figure.text!r})")
    return score


def format_score(score: TableScore) -> str:
    r = score.rates()
    return (f"labelled figure sentences: {score.sentences} sentences, {score.expected} records expected\n"
            f"  measure {r['measure']:.3f}  value {r['value']:.3f}  unit {r['unit']:.3f}  qualifier {r['qualifier']:.3f}  "
            f"role {r['role']:.3f}  comparator {r['comparator']:.3f}\n"
            f"  'other' given a known measure {r['other_mislabelled']:.3f} ({score.others_mislabelled} of {score.others})  "
            f"records not expected {r['unexpected']:.3f} ({score.unexpected} of {score.read})")
