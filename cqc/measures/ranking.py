"""Councils lined up on one measure, exactly and like for like, from their records alone.

Pure functions over `MeasureRecord`s (no store): the answering stage reads the records from the
catalog and calls these.

- `representative`: the record that stands for each council on a measure: the council's own figure
  (role "value"), for the whole council (no locality team), from its newest report, the newest
  period it states; of one period an actual figure before an estimate, else the first the report gives.
- `rank`: councils ordered on one measure, only records that can stand together: the same measure,
  qualifier (a median is never ranked with an average) and unit (weeks are counted in days, "1 in 4"
  as 25%, and each such row says so). The group ranked is the one most councils give (of groups as
  large, the one with more exact and dated figures). Records of another qualifier or unit are set aside, named;
  councils with no figure are counted and named; figures for different periods are ranked together
  only with a note saying so.
- `filter_rows` ("more than 500"), `summary` (average, median), `against_comparator` (a council's
  figure against the England average, a previous year or a target stated beside it) and
  `compare_records` (two councils' figures, or why they cannot be compared).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from cqc.measures.record import MeasureRecord
from cqc.measures.vocabulary import Measure, Vocabulary, vocabulary
from cqc.text.figures import read_figures

# Units ranked as another: (unit, factor) so that value * factor is in the unit a group ranks in.
_CONVERSIONS = {"weeks": ("days", 7.0)}
# Which qualifier group leads when two are the same size: the plain figure, then the usual summaries.
_QUALIFIER_ORDER = ("", "total", "actual", "average", "median", "estimated", "forecast", "longest")


def _period_key(period: str) -> str:
    """The month a period ends in, to tell newer from older: "2023/24" -> "2024-03", "31 March 2024"
    -> "2024-03" (the same month as "March 2024": the report's order decides between them)."""
    if not period:
        return ""
    if "/" in period:
        return f"{int(period[:4]) + 1}-03"
    if len(period) == 4:
        return f"{period}-12"
    return period[:7]


def representative(records: Iterable[MeasureRecord], measure: str, qualifier: str | None = None,
                   report_ids: dict[str, str] | None = None) -> dict[str, MeasureRecord]:
    """The record that stands for each council on a measure (see the module's note). `qualifier`
    keeps only records of that qualifier; `report_ids` names the report answers use per council
    (else each council's newest)."""
    own = [r for r in records if r.measure == measure and r.role == "value" and not r.part
           and (qualifier is None or r.qualifier == qualifier)]
    newest: dict[str, tuple[str, str]] = {}
    for r in own:
        if report_ids is not None:
            if report_ids.get(r.authority) == r.report_id:
                newest[r.authority] = (r.published, r.report_id)
        elif (r.published, r.report_id) > newest.get(r.authority, ("", "")):
            newest[r.authority] = (r.published, r.report_id)
    def preference(r: MeasureRecord) -> tuple:
        # the newest period; then an actual figure before an estimate; then the report's first
        qualifier = _QUALIFIER_ORDER.index(r.qualifier) if r.qualifier in _QUALIFIER_ORDER else len(_QUALIFIER_ORDER)
        return (_invert(_period_key(r.period)), qualifier, r.order)

    chosen: dict[str, MeasureRecord] = {}
    for r in own:
        if newest.get(r.authority, ("", ""))[1] != r.report_id:
            continue
        held = chosen.get(r.authority)
        if held is None or preference(r) < preference(held):
            chosen[r.authority] = r
    return chosen


def _invert(key: str) -> tuple:
    """A period key that sorts newest first ("" last)."""
    return tuple(-ord(c) for c in key) + (0,) if key else (1,)


@dataclass(frozen=True)
class Row:
    """One council's figure in a ranking: the record, its value in the ranking's unit, its place."""

    authority: str
    record: MeasureRecord
    value: float
    position: int = 0  # 1 is first; councils with the same value share a place
    note: str = ""  # "21 weeks, counted as 147 days"


@dataclass(frozen=True)
class Ranking:
    measure: Measure
    qualifier: str
    unit: str
    order: str  # "highest" or "lowest" first
    rows: tuple[Row, ...]
    missing: tuple[str, ...] = ()  # councils asked about with no figure for the measure
    set_aside: tuple[Row, ...] = ()  # councils whose figure is of another qualifier or unit: not ranked here
    notes: tuple[str, ...] = ()  # what the reader must know: periods that differ, conversions, no better direction

    @property
    def periods(self) -> tuple[str, ...]:
        return tuple(sorted({r.record.period for r in self.rows}))

    def coverage(self, of: int | None = None) -> str:
        """ "3 of 4 councils give a figure" ."""
        total = of if of is not None else len(self.rows) + len(self.missing) + len(self.set_aside)
        return f"{len(self.rows)} of {total} councils give a comparable figure"


def _normalised(record: MeasureRecord, measure: Measure) -> tuple[str, float, str]:
    """(unit, value, note) a record ranks in."""
    if record.unit in _CONVERSIONS:
        unit, factor = _CONVERSIONS[record.unit]
        value = record.value * factor
        return unit, value, f"{record.figure}, counted as {format_value(value, unit)}"
    if record.unit == "one in" and measure.unit == "percent" and record.value:
        value = 100.0 / record.value
        return "percent", value, f"{record.figure}, counted as {format_value(value, 'percent')}"
    return record.unit, record.value, ""


def _order(measure: Measure, order: str) -> tuple[str, str]:
    """("highest" | "lowest", note) for "highest", "lowest", "best" or "worst"."""
    if order in ("highest", "lowest"):
        return order, ""
    if order not in ("best", "worst"):
        raise ValueError(f"order must be highest, lowest, best or worst, not {order!r}")
    if measure.better == "neither":
        return "highest", f"{measure.name} has no better direction: ranked highest first"
    higher_first = (measure.better == "higher") == (order == "best")
    return ("highest" if higher_first else "lowest"), ""



def group_preference(rows: list[Row], qualifier: str) -> tuple:
    """How much a group of figures of one qualifier is preferred to line councils up on: the group
    most councils give; of groups as large, the one whose figures are stated exactly and dated (the
    council's own figure, not "people told us they waited more than 6 months"); then the plainer
    qualifier. Compare and rankings choose by it alike."""
    plain = _QUALIFIER_ORDER.index(qualifier) if qualifier in _QUALIFIER_ORDER else len(_QUALIFIER_ORDER)
    return (len(rows), sum(not r.record.approx for r in rows), sum(bool(r.record.period) for r in rows), -plain)

def rank(records: Iterable[MeasureRecord], measure: str, order: str = "highest", authorities: Iterable[str] = (),
         qualifier: str | None = None, report_ids: dict[str, str] | None = None,
         vocab: Vocabulary | None = None) -> Ranking:
    """Councils ordered on one measure. `authorities` are the councils asked about (a missing one is
    named); empty means those with records. `order`: highest, lowest, best or worst (by the
    measure's better direction). `qualifier` picks the group to rank (else the largest)."""
    vocab = vocab or vocabulary()
    m = vocab.measure(measure)
    if m is None:
        raise ValueError(f"unknown measure {measure!r}; the vocabulary has: {', '.join(vocab.keys)}")
    records = list(records)
    direction, order_note = _order(m, order)
    groups: dict[tuple[str, str], dict[str, Row]] = {}
    for q in sorted({r.qualifier for r in records if r.measure == measure}):
        if qualifier is not None and q != qualifier:
            continue
        for authority, record in representative(records, measure, q, report_ids).items():
            unit, value, note = _normalised(record, m)
            groups.setdefault((q, unit), {})[authority] = Row(authority, record, value, note=note)
    asked = list(dict.fromkeys(authorities))
    if asked:
        groups = {k: {a: row for a, row in g.items() if a in asked} for k, g in groups.items()}
        groups = {k: g for k, g in groups.items() if g}
    if not groups:
        return Ranking(m, qualifier or "", "", direction, (), tuple(asked), (), tuple(n for n in (order_note,) if n))

    main_key = max(groups, key=lambda k: group_preference(list(groups[k].values()), k[0]))
    main = groups[main_key]
    ordered = sorted(main.values(), key=lambda row: (-row.value if direction == "highest" else row.value, row.authority))
    rows, position, previous = [], 0, None
    for i, row in enumerate(ordered, 1):
        if previous is None or not math.isclose(row.value, previous):
            position, previous = i, row.value
        rows.append(Row(row.authority, row.record, row.value, position, row.note))
    set_aside: list[Row] = []
    for key, group in groups.items():
        if key != main_key:
            set_aside += [row for a, row in sorted(group.items()) if a not in main]
    seen = set(main) | {row.authority for row in set_aside}
    missing = tuple(a for a in asked if a not in seen)
    notes = [n for n in (order_note,) if n]
    periods = Counter(r.record.period or "not stated" for r in rows)
    if len(periods) > 1:
        notes.append("the figures are for different dates or periods: "
                     + ", ".join(f"{p} ({n})" for p, n in sorted(periods.items())))
    if any(r.note for r in rows):
        notes.append("some figures were converted to one unit: " + "; ".join(f"{r.authority}: {r.note}" for r in rows if r.note))
    if set_aside:
        notes.append("not ranked with these (another qualifier or unit): " + "; ".join(
            f"{r.authority}: {r.record.figure}{f' ({r.record.qualifier})' if r.record.qualifier else ''}" for r in set_aside))
    return Ranking(m, main_key[0], main_key[1], direction, tuple(rows), missing, tuple(set_aside), tuple(notes))


# -- filters and summaries --------------------------------------------------------------------------
_OPS = {"more than": ">", "at least": ">=", "less than": "<", "up to": "<="}


@dataclass(frozen=True)
class Threshold:
    op: str  # ">", ">=", "<", "<=", "="
    value: float
    unit: str

    def accepts(self, value: float) -> bool:
        return {">": value > self.value, ">=": value >= self.value, "<": value < self.value,
                "<=": value <= self.value, "=": math.isclose(value, self.value)}[self.op]


def threshold(text: str) -> Threshold | None:
    """The threshold a question states: "more than 500" -> > 500, "under 20%" -> < 20 percent,
    "at least 4 weeks" -> >= 4 weeks; None when it states no figure with a bound."""
    for figure in read_figures(text):
        op = _OPS.get(figure.approx)
        if op:
            return Threshold(op, figure.value, figure.unit)
    return None


def filter_rows(ranking: Ranking, bound: Threshold) -> tuple[Row, ...]:
    """The ranking's rows whose value passes the threshold (weeks asked about are counted in days,
    as the ranking counts them)."""
    limit = bound.value * _CONVERSIONS[bound.unit][1] if bound.unit in _CONVERSIONS else bound.value
    return tuple(r for r in ranking.rows if Threshold(bound.op, limit, ranking.unit).accepts(r.value))


@dataclass(frozen=True)
class Summary:
    unit: str
    n: int
    mean: float
    median: float
    lowest: Row
    highest: Row


def summary(ranking: Ranking) -> Summary | None:
    """The average (mean and median) of a ranking's comparable figures, with its lowest and highest."""
    if not ranking.rows:
        return None
    values = [r.value for r in ranking.rows]
    low = min(ranking.rows, key=lambda r: r.value)
    high = max(ranking.rows, key=lambda r: r.value)
    return Summary(ranking.unit, len(values), statistics.fmean(values), statistics.median(values), low, high)


# -- comparisons ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    value: float
    against: float
    unit: str
    kind: str  # the comparator's kind ("england", "previous", "target"), or "council"
    difference: float  # value - against, in the unit (percentage points for a percent)
    better: bool | None  # by the measure's better direction; None when it has none or they are equal
    note: str = ""

    def describe(self) -> str:
        """ "4.4 percentage points lower (worse)" ."""
        if math.isclose(self.difference, 0.0, abs_tol=1e-9):
            return "the same"
        size = abs(self.difference)
        unit = "percentage points" if self.unit == "percent" else self.unit if self.unit not in ("count", "GBP") else ""
        amount = format_value(size, "GBP") if self.unit == "GBP" else f"{size:,.1f}".rstrip("0").rstrip(".")
        judged = "" if self.better is None else " (better)" if self.better else " (worse)"
        return f"{amount}{' ' + unit if unit else ''} {'higher' if self.difference > 0 else 'lower'}{judged}"


def _better(measure: Measure | None, difference: float) -> bool | None:
    if measure is None or measure.better == "neither" or math.isclose(difference, 0.0, abs_tol=1e-9):
        return None
    return (difference > 0) == (measure.better == "higher")


def against_comparator(record: MeasureRecord, vocab: Vocabulary | None = None) -> Comparison | None:
    """A council's figure against the comparator its sentence states (England or regional average,
    neighbours, a previous value, a target); None when it states none or the units differ."""
    c = record.comparator
    if c is None or c.unit != record.unit:
        return None
    m = (vocab or vocabulary()).measure(record.measure)
    difference = record.value - c.value
    return Comparison(record.value, c.value, record.unit, c.kind, difference, _better(m, difference))


def compare_records(a: MeasureRecord, b: MeasureRecord, vocab: Vocabulary | None = None) -> Comparison | str:
    """Council a's figure against council b's, or the reason they cannot be compared."""
    if a.measure != b.measure or a.measure == "other":
        return f"not the same measure ({a.measure} and {b.measure})"
    if a.qualifier != b.qualifier:
        return f"a {a.qualifier or 'plain figure'} and a {b.qualifier or 'plain figure'} are not like for like"
    m = (vocab or vocabulary()).measure(a.measure)
    unit_a, value_a, note_a = _normalised(a, m)
    unit_b, value_b, note_b = _normalised(b, m)
    if unit_a != unit_b:
        return f"different units ({a.unit} and {b.unit})"
    notes = [n for n in (note_a, note_b) if n]
    if a.period != b.period:
        notes.append(f"different periods ({a.period or 'not stated'} and {b.period or 'not stated'})")
    difference = value_a - value_b
    return Comparison(value_a, value_b, unit_a, "council", difference, _better(m, difference), "; ".join(notes))


def format_value(value: float, unit: str) -> str:
    """A value as a reader expects it: "21.8%", "£4.3 million", "74 days", "1 in 4", "612"."""
    number = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{number}%"
    if unit.startswith("GBP"):
        per = unit[len("GBP"):]
        magnitude = abs(value)
        sign = "-" if value < 0 else ""
        body = (f"£{magnitude / 1e9:,.2f}".rstrip("0").rstrip(".") + " billion" if magnitude >= 1e9 else
                f"£{magnitude / 1e6:,.2f}".rstrip("0").rstrip(".") + " million" if magnitude >= 1e6 else
                f"£{magnitude:,.2f}".replace(".00", ""))
        return f"{sign}{body}{per}"
    if unit == "one in":
        return f"1 in {number}"
    if unit == "rank":
        return f"ranked {number}"
    if unit in ("count", "score"):
        return number
    return f"{number} {unit}"
