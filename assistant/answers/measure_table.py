"""One measure across the library: every council in scope lined up from its measure records, with
the England (regional, neighbours') figures its reports give and the findings to cite.

What the ranking answers (`rankings.py`) and the app's Measures view both read: one report per
council (its newest, or the one the user's filters and the question's dates choose), that report's
own whole-council figure (`cqc.measures.ranking.rank`: like for like, other qualifiers set aside,
councils with no figure counted and named), and the sentence each figure was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.evidence.measure_figures import inside_findings
from cqc.measures.ranking import Ranking, Row, format_value, rank
from cqc.measures.record import MeasureRecord
from cqc.measures.vocabulary import Measure, vocabulary
from cqc.models import Chunk
from cqc.records import SearchFilter, newest_per_authority
from cqc.text.dates import period_words  # noqa: F401 (the answers' and the Measures view's name for it)
from vectorstore.store import LibraryStore

_IN_RANKED_UNIT = {("weeks", "days"): 7.0}  # cqc.measures.ranking counts weeks in days
BENCHMARK_NAMES = {"england": "England average", "regional": "regional average", "neighbours": "statistical neighbours"}


@dataclass(frozen=True)
class Benchmark:
    """A comparator figure the reports give for the measure (the same figure stated in several
    reports is one benchmark, cited to each sentence that states it)."""

    kind: str  # england | regional | neighbours
    value: float
    unit: str
    period: str
    records: tuple[MeasureRecord, ...]  # the councils' records whose sentences state it

    @property
    def label(self) -> str:
        when = f" ({period_words(self.period)})" if self.period else ""
        return f"{BENCHMARK_NAMES.get(self.kind, self.kind)} {format_value(self.value, self.unit)}{when}"


@dataclass(frozen=True)
class MeasureTable:
    measure: Measure
    ranking: Ranking
    councils: tuple[str, ...]  # every council in scope: what "N of M reports" counts
    benchmarks: tuple[Benchmark, ...]
    chunks: dict[str, Chunk] = field(default_factory=dict)  # the findings its rows (and benchmarks) cite, by id

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.ranking.rows

    @property
    def missing(self) -> tuple[str, ...]:
        return self.ranking.missing

    def england(self, record: MeasureRecord) -> Benchmark | None:
        """The England figure a council's own sentence gives, else one the reports give for the same period."""
        england = [b for b in self.benchmarks if b.kind == "england"]
        own = next((b for b in england if record in b.records), None)
        return own or next((b for b in england if b.period and b.period == record.period), None)


def describe_figure(row: Row, unit: str) -> str:
    """A council's figure as the report gives it, with what it is and when: "74 days (average, 31 March
    2024)", "21 weeks (average, 28 February 2025, counted as 147 days)". `unit`: the unit ranked in."""
    r = row.record
    about = [w for w in (r.qualifier, period_words(r.period)) if w]
    if row.note:  # converted to the ranking's unit
        about.append(f"counted as {format_value(row.value, unit)}")
    return r.as_written + (f" ({', '.join(about)})" if about else "")


def line_up(store: LibraryStore, measure: str, order: str = "highest", authorities: tuple[str, ...] = (),
            report_ids: tuple[str, ...] = (), qualifier: str | None = None,
            findings: SearchFilter | None = None) -> MeasureTable:
    """Every council in scope on one measure. `authorities` empty: every council in the library
    (within `report_ids`, the reports the user's filters and the question's dates leave in).
    `findings`: only figures read from a finding inside its quality statement and theme filters,
    as Compare's table reads them (`assistant.evidence.measure_figures`), so a chart under that
    table draws the figures the table quotes."""
    m = vocabulary().measure(measure)
    if m is None:
        raise ValueError(f"unknown measure {measure!r}")
    chosen = newest_per_authority(store.reports(), report_ids)
    if authorities:
        chosen = {a: e for a, e in chosen.items() if a in authorities}
    councils = tuple(sorted(chosen))
    report_of = {a: e.report_id for a, e in chosen.items()}
    records = store.measures(list(councils), [measure], list(report_of.values())) if councils else []
    if findings is not None and records:
        held = {c.chunk_id: c for c in store.chunks(sorted({r.chunk_id for r in records}))}
        records = inside_findings(records, held, findings)
    # Asked councils the library does not hold (or the filters leave out) are the scope's to name.
    ranking = rank(records, measure, order, authorities=councils, qualifier=qualifier, report_ids=report_of)
    benchmarks = _benchmarks(records, ranking)
    cited = {r.record.chunk_id for r in (*ranking.rows, *ranking.set_aside)}
    cited |= {r.chunk_id for b in benchmarks for r in b.records}
    chunks = {c.chunk_id: c for c in store.chunks(sorted(cited))} if cited else {}
    return MeasureTable(m, ranking, councils, benchmarks, chunks)


def _benchmarks(records: list[MeasureRecord], ranking: Ranking) -> tuple[Benchmark, ...]:
    """The comparator figures the ranked councils' reports give: each row's own comparator, and an
    England figure a report states on its own (role "benchmark") in the same unit."""
    found: dict[tuple, list[MeasureRecord]] = {}
    for row in ranking.rows:
        c = row.record.comparator
        if c is not None and c.kind in BENCHMARK_NAMES and c.unit == row.record.unit:
            # in the ranking's unit, as its rows are ("an England average of 9 weeks" beside days: 63 days)
            factor = _IN_RANKED_UNIT.get((c.unit, ranking.unit), 1.0 if c.unit == ranking.unit else None)
            if factor is not None:
                found.setdefault((c.kind, c.value * factor, ranking.unit, c.period or row.record.period),
                                 []).append(row.record)
    ranked_reports = {r.record.report_id for r in ranking.rows}
    for r in records:
        if r.role == "benchmark" and r.report_id in ranked_reports and r.unit == ranking.unit and not r.part:
            kind = _stated_kind(r.sentence)
            if kind:
                found.setdefault((kind, r.value, r.unit, r.period), []).append(r)
    # One figure stated with a period in one report and without in another is one line, with its period.
    merged: dict[tuple, tuple[set[str], list[MeasureRecord]]] = {}
    for (kind, value, unit, period), held in found.items():
        periods, records_of = merged.setdefault((kind, value, unit), (set(), []))
        periods.add(period)
        records_of.extend(held)
    out = []
    for (kind, value, unit), (periods, held) in merged.items():
        named = sorted(p for p in periods if p)
        if len(named) > 1:  # the same figure for different periods: kept apart, each with its own
            out += [Benchmark(kind, value, unit, p, tuple(r for r in held if (r.comparator and r.comparator.period or r.period) == p))
                    for p in named]
        else:
            out.append(Benchmark(kind, value, unit, named[0] if named else "", tuple(held)))
    return tuple(sorted(out, key=lambda b: (b.kind, b.period, b.value)))


def _stated_kind(sentence: str) -> str:
    """Which comparator a sentence giving a figure on its own states it as ("the England average was
    26.2%"): the vocabulary's comparator words, "" for none of ours."""
    for kind, before, after, _ in vocabulary().comparators:
        if kind in BENCHMARK_NAMES and any(p.search(sentence) for p in before):
            return kind
    return ""
