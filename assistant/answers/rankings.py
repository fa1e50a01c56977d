"""Councils lined up on one measure, answered exactly from the measure records, each row cited to
the sentence its figure was read from: rankings, filters by a figure, averages, a council against
the England average, named councils side by side (`MeasureAskKind`).

Like scores, a ranking is data, not prose: whichever answerer is configured, these answers are
written here and never by a model. What cannot stand together is said, not hidden: councils whose
reports give no figure are counted and named, a figure of another qualifier (a median beside
averages) is set aside and named, figures of different periods are ranked together only with a
note, and a measure with no better direction is ranked by size with a note saying so.
"""

from __future__ import annotations

import math
from collections import Counter

from assistant.answers.measure_table import MeasureTable, Row, describe_figure, line_up, period_words
from assistant.models import Answer, Citation, FigureRow, RetrievedFinding
from assistant.path import Scope
from assistant.question.query_plan import MeasureAsk, MeasureAskKind
from assistant.question.scope import listing
from cqc.measures.ranking import compare_records, filter_rows, format_value, summary
from cqc.measures.record import MeasureRecord
from cqc.measures.vocabulary import vocabulary
from vectorstore.store import LibraryStore

_OPS_SHARE = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below", "=": "exactly"}
_COMPARATOR_NAMES = {"england": "England average", "regional": "regional average",
                     "neighbours": "statistical neighbours' figure"}
BETTER_WORDS = {"higher": "higher is better", "lower": "lower is better", "neither": "neither higher nor lower is better"}


class _Written:
    """The answer's lines and the sentences they cite, numbered in order of first citation."""

    def __init__(self, table: MeasureTable):
        self.table = table
        self.lines: list[str] = []
        self.records: list[MeasureRecord] = []
        self.markers: dict[MeasureRecord, int] = {}  # a national ranking cites 150 sentences: no list search
        self.rows: list[FigureRow] = []

    def cite(self, record: MeasureRecord) -> str:
        if record not in self.markers:
            self.records.append(record)
            self.markers[record] = len(self.records)
        return f" [{self.markers[record]}]"

    def row(self, row: Row, position: int = 0, group: str = "") -> str:
        """ "Kingsmere Metropolitan Borough Council: 21.8% (2023/24) [3]", kept as a row of the answer."""
        refs = self.cite(row.record)
        self.rows.append(FigureRow(row.authority, row.value, self.table.ranking.unit, row.record.figure,
                                   row.record.period, row.record.qualifier, self.markers[row.record],
                                   position, row.note, group))
        return f"{row.authority}: {describe_figure(row, self.table.ranking.unit)}{refs}"

    def citations(self) -> list[Citation]:
        out = []
        for n, record in enumerate(self.records, 1):
            chunk = self.table.chunks.get(record.chunk_id)
            if chunk is not None:
                out.append(Citation.of(n, chunk, quote=record.sentence))
        return out


class MeasureAnswerer:
    def __init__(self, store: LibraryStore):
        self.store = store

    def answer(self, scope: Scope) -> Answer:
        ask = scope.plan.measure_ask
        assert ask is not None
        if not ask.measure:
            return self._which(ask, scope)
        where = scope.where
        order = ask.order if ask.kind in (MeasureAskKind.RANK, MeasureAskKind.THRESHOLD) else \
            "best" if ask.kind is MeasureAskKind.SIDE_BY_SIDE else "highest"
        table = line_up(self.store, ask.measure, order, where.authorities, where.report_ids, ask.qualifier)
        out = _Written(table)
        write = {MeasureAskKind.RANK: _rank, MeasureAskKind.THRESHOLD: _threshold, MeasureAskKind.AVERAGE: _average,
                 MeasureAskKind.COMPARATOR: _comparator, MeasureAskKind.SIDE_BY_SIDE: _side_by_side}[ask.kind]
        if not table.rows:
            _none_given(table, out)
        else:
            write(ask, table, out)
            if ask.kind is not MeasureAskKind.COMPARATOR:
                _benchmarks(table, out)
            _notes(table, out)
        citations = out.citations()
        cited = {c.chunk_id for c in citations}
        retrieved = [RetrievedFinding(table.chunks[i], 1.0) for i in dict.fromkeys(r.chunk_id for r in out.records)
                     if i in table.chunks and i in cited]
        return Answer(scope.question, "\n".join(out.lines), not table.rows, citations, retrieved, kind="measures",
                      backend="measures", measure=table.measure.key, rows=out.rows)


    def _which(self, ask: MeasureAsk, scope: Scope) -> Answer:
        """A kind of measure named but not which ("our median wait"): what the reports in scope give
        of each it may be, each cited, and a question back. Never one of them chosen for the user."""
        where = scope.where
        tables = [t for t in (line_up(self.store, key, "highest", where.authorities, where.report_ids)
                              for key in ask.candidates) if t.rows]
        kind = vocabulary().measure(ask.candidates[0]).unit
        what = {"duration": "wait", "count": "number waiting"}.get(kind, "measure")
        may_be = f"the {len(ask.candidates)} {what}s it may be" if what != "number waiting" else \
            f"the {len(ask.candidates)} measures it may be"
        if not tables:
            councils = where.authorities
            whose = f"{councils[0]}'s report gives" if len(councils) == 1 else "no report in scope gives"
            text = (f"The question asks about a {what} without saying of what, and {whose} "
                    f"{'no figure' if len(councils) == 1 else 'a figure'} for any of {may_be}.")
            return Answer(scope.question, text, True, [], [], kind="measures", backend="measures")
        chunks = {i: c for t in tables for i, c in t.chunks.items()}
        out = _Written(MeasureTable(tables[0].measure, tables[0].ranking, tables[0].councils, (), chunks))
        single = len(tables[0].councils) == 1
        whose = f"{tables[0].councils[0]}'s report gives" if single else "the reports in scope give"
        out.lines.append(f"Which {what} do you mean? The question does not say of what, and {whose} "
                         f"{'a figure' if single else 'figures'} for {len(tables)} of {may_be}:")
        for t in tables:
            if single:
                row = t.rows[0]
                found = _against(row, t, ask.comparator) if ask.comparator else None
                wanted = _COMPARATOR_NAMES.get(ask.comparator, "England average")
                versus = f", against the {wanted} of {found[1]} its report gives" if found else \
                    f" (its report gives no {wanted} for it)" if ask.comparator else ""
                other = row.record.qualifier if ask.qualifier and row.record.qualifier != ask.qualifier else ""
                kind_note = f"; {_article(other)} {other}, not the {ask.qualifier} the question asks for" if other else ""
                out.lines.append(f"- {t.measure.name}: {describe_figure(row, t.ranking.unit)}{out.cite(row.record)}"
                                 f"{versus}{kind_note}")
            else:
                out.lines.append(f"- {t.measure.name}: {len(t.rows)} of {len(t.councils)} councils")
        example = _lowered(tables[0].measure.name)
        top = "longest" if kind == "duration" else "highest"
        out.lines.append(f"Ask again naming one, for example \u201c... our {example} ...\u201d, or choose it in "
                         "the Measures view." if single else
                         f"Ask again naming one, for example \u201cWhich councils had the {top} {example}?\u201d, "
                         "or choose it in the Measures view.")
        citations = out.citations()
        return Answer(scope.question, "\n".join(out.lines), False, citations,
                      [RetrievedFinding(chunks[c.chunk_id], 1.0) for c in citations], kind="measures", backend="measures")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# -- one function per kind of question ---------------------------------------------------------------
def _lowered(name: str) -> str:
    """A measure's name inside a sentence: "People waiting ..." -> "people waiting ...", but a name that
    opens with a proper name stays as it is ("Deprivation of Liberty Safeguards ...")."""
    if any(word[:1].isupper() for word in name.split()[1:3]):
        return name
    return name[:1].lower() + name[1:]


def _name(table: MeasureTable) -> str:
    m = table.measure
    code = f", ASCOF {m.ascof}" if m.ascof else ""
    return f"{m.name} ({BETTER_WORDS[m.better]}{code})"


def _coverage(table: MeasureTable) -> str:
    n, total = len(table.rows), len(table.councils)
    what = "a comparable figure" if table.ranking.set_aside else "a figure"
    return f"{n} of {total} {'council gives' if total == 1 else 'councils give'} {what}"


def _numbered(rows: tuple[Row, ...], out: _Written, limit: int | None = None) -> None:
    for row in rows[:limit] if limit else rows:
        out.lines.append(f"{row.position}. {out.row(row, row.position)}")


def _rank(ask: MeasureAsk, table: MeasureTable, out: _Written) -> None:
    ranking = table.ranking
    first = [r for r in ranking.rows if r.position == 1]
    word = ask.order if ask.order in ("best", "worst") and table.measure.better != "neither" else ranking.order
    if table.measure.unit == "duration" and word in ("highest", "lowest"):
        word = "longest" if word == "highest" else "shortest"
    if len(ranking.rows) > 1:
        out.lines.append(f"{word.capitalize()}: " + "; ".join(
            f"{r.authority}, {describe_figure(r, ranking.unit)}{out.cite(r.record)}" for r in first) + ".")
    shown = ask.limit if ask.limit and ask.limit < len(ranking.rows) else None
    out.lines.append(f"{_name(table)}, {ranking.order} first; {_coverage(table)}"
                     + (f" (the first {shown} shown)" if shown else "") + ":")
    _numbered(ranking.rows, out, shown)


def _threshold(ask: MeasureAsk, table: MeasureTable, out: _Written) -> None:
    bound = ask.bound
    assert bound is not None
    ranking = table.ranking
    passing = filter_rows(ranking, bound)
    words = _OPS_SHARE
    limit = format_value(bound.value, ranking.unit if bound.unit == "count" else bound.unit)
    out.lines.append(f"{len(passing)} of the {len(ranking.rows)} councils with {'a comparable' if ranking.set_aside else 'a'} "
                     f"figure for {_lowered(table.measure.name)} "
                     f"{'are' if len(passing) != 1 else 'is'} {words[bound.op]} {limit}"
                     + (":" if passing else "."))
    for n, row in enumerate(passing, 1):
        out.lines.append(f"{n}. {out.row(row, row.position)}")
    others = [r for r in ranking.rows if r not in passing]
    if others:
        out.lines.append(f"The other {len(others)}: " + "; ".join(out.row(r, r.position, "other") for r in others) + ".")


def _average(ask: MeasureAsk, table: MeasureTable, out: _Written) -> None:
    ranking = table.ranking
    s = summary(ranking)
    assert s is not None
    qualifier = f" ({ranking.qualifier} figures)" if ranking.qualifier else ""
    if s.n == 1:
        out.lines.append(f"Only one council gives a figure for {_lowered(table.measure.name)}"
                         f"{qualifier}, so there is no average to give:")
    else:
        out.lines.append(
            f"The average {_lowered(table.measure.name)}{qualifier} across the {s.n} councils "
            f"with {'a comparable' if ranking.set_aside else 'a'} figure is {format_value(s.mean, s.unit)} (the mean; the "
            f"median is {format_value(s.median, s.unit)}), from {describe_figure(s.lowest, s.unit)} in "
            f"{s.lowest.authority}{out.cite(s.lowest.record)} to {describe_figure(s.highest, s.unit)} in "
            f"{s.highest.authority}{out.cite(s.highest.record)}. Each council's figure, {ranking.order} first:")
    _numbered(ranking.rows, out)


def _against(row: Row, table: MeasureTable, kind: str) -> tuple[float, str, MeasureRecord] | None:
    """(the comparator's value, its words, the record whose sentence states it) for a council's row:
    its own sentence's comparator of that kind, else one its report states on its own for the same period."""
    c = row.record.comparator
    if c is not None and c.kind == kind and c.unit == row.record.unit:
        when = period_words(c.period) if c.period else ""
        factor = 7.0 if row.record.unit == "weeks" and row.record.value != row.value else \
            1.0 if row.record.value == row.value else None  # weeks counted in days, as the row is
        if factor is not None:
            return c.value * factor, f"{format_value(c.value, c.unit)}{f' ({when})' if when else ''}", row.record
    for b in table.benchmarks:
        if b.kind == kind and b.unit == table.ranking.unit and b.period == row.record.period:
            own = [r for r in b.records if r.report_id == row.record.report_id]
            if own:
                when = f" ({period_words(b.period)})" if b.period else ""
                return b.value, f"{format_value(b.value, b.unit)}{when}", own[0]
    return None


def _difference(value: float, against: float, unit: str, better: str) -> str:
    gap = value - against
    if math.isclose(gap, 0.0, abs_tol=1e-9):
        return "the same"
    size = format_value(abs(gap), unit) if unit != "percent" else f"{abs(gap):,.1f}".rstrip("0").rstrip(".") + \
        " percentage points"
    judged = "" if better == "neither" else " (better)" if (gap > 0) == (better == "higher") else " (worse)"
    return f"{size} {'higher' if gap > 0 else 'lower'}{judged}"


def _comparator(ask: MeasureAsk, table: MeasureTable, out: _Written) -> None:
    wanted = _COMPARATOR_NAMES.get(ask.comparator, "England average")
    better = table.measure.better
    lowered = _lowered(table.measure.name)
    if not ask.across and len(table.rows) == 1:
        row = table.rows[0]
        found = _against(row, table, ask.comparator or "england")
        text = f"{row.authority}'s {lowered} was {describe_figure(row, table.ranking.unit)}{out.cite(row.record)}"
        out.rows.append(FigureRow(row.authority, row.value, table.ranking.unit, row.record.figure, row.record.period,
                                  row.record.qualifier, out.markers[row.record]))
        if found is None:
            out.lines.append(f"{text}. Its report gives no {wanted} figure for it to be compared with.")
            return
        value, words, stated = found
        again = out.cite(stated) if stated is not row.record else ""  # stated in the same sentence: cited once
        out.lines.append(f"{text}, against the {wanted} of {words} its report gives{again}: "
                         f"{_difference(row.value, value, table.ranking.unit, better)}"
                         f"{'' if better == 'neither' else f'; {BETTER_WORDS[better]}'}.")
        return
    groups: dict[str, list[tuple[Row, float, str, MeasureRecord]]] = {"above": [], "below": [], "the same": []}
    without: list[str] = []
    for row in table.rows:
        found = _against(row, table, ask.comparator or "england")
        if found is None:
            without.append(row.authority)
            continue
        value = found[0]
        groups["above" if row.value > value else "below" if row.value < value else "the same"].append((row, *found))
    asked = [ask.side] if ask.side else []
    for side in asked + [s for s in ("above", "below", "the same") if s not in asked]:
        rows = groups[side]
        if not rows and side not in asked:
            continue
        out.lines.append(f"{len(rows)} {'council is' if len(rows) == 1 else 'councils are'} {side} the {wanted} "
                         f"their own report gives for {lowered} ({BETTER_WORDS[better]})" + (":" if rows else "."))
        for row, _, words, stated in rows:
            again = out.cite(stated) if stated is not row.record else ""
            out.lines.append(f"- {out.row(row, row.position, side)}, against {words}{again}")
    if without:
        out.lines.append(f"{len(without)} of the {len(table.rows)} councils with a figure give no {wanted} in "
                         f"their report to compare it with: {listing(sorted(without))}.")


def _side_by_side(ask: MeasureAsk, table: MeasureTable, out: _Written) -> None:
    ranking = table.ranking
    out.lines.append(f"{_name(table)}, {_coverage(table)}:")
    for row in ranking.rows:
        out.lines.append(f"- {out.row(row)}")
    if len(ranking.rows) == 2:
        a, b = ranking.rows
        compared = compare_records(a.record, b.record)
        if not isinstance(compared, str):  # its notes (periods, conversions) are said on the rows and below
            out.lines.append(f"{a.authority}'s figure is {_difference(a.value, b.value, ranking.unit, table.measure.better)}"
                             f" than {b.authority}'s.")


def _none_given(table: MeasureTable, out: _Written) -> None:
    total = len(table.councils)
    lowered = _lowered(table.measure.name)
    if total == 1:
        out.lines.append(f"{table.councils[0]}'s report gives no figure for {lowered}.")
    else:
        out.lines.append(f"None of the {total} reports in scope gives a figure for {lowered}"
                         + (f": {listing(list(table.councils))}." if total else "."))


def _notes(table: MeasureTable, out: _Written) -> None:
    ranking = table.ranking
    if ranking.missing:
        n, total = len(ranking.missing), len(table.councils)
        out.lines.append(f"{n} of {total} reports give no figure for this: {listing(list(ranking.missing))}.")
    if ranking.set_aside:
        ranked = f"{ranking.qualifier} figures" if ranking.qualifier else "figures"
        out.lines.append(f"Not ranked with these {ranked} (another qualifier or unit: not like for like): " + "; ".join(
            out.row(r, group="set_aside") for r in ranking.set_aside) + ".")
    for note in ranking.notes:
        if note.startswith(("not ranked with these", "some figures were converted", "the figures are for different")):
            continue  # said here with citations and dates in words; conversions are on each row
        out.lines.append(f"Note: {note}.")
    periods = Counter(r.record.period for r in ranking.rows)
    if len(periods) > 1:
        out.lines.append("Note: the figures are for different dates or periods, as each report gives them ("
                         + "; ".join(f"{period_words(p) or 'not stated'}: {n} {'council' if n == 1 else 'councils'}"
                                     for p, n in sorted(periods.items(), key=lambda kv: (-kv[1], kv[0]))) + ").")


def _benchmarks(table: MeasureTable, out: _Written) -> None:
    """The England (regional, neighbours') figures the ranked councils' reports give, each cited."""
    if table.benchmarks:
        out.lines.append("Given in the reports for comparison: " + "; ".join(
            f"{b.label}{''.join(dict.fromkeys(out.cite(r) for r in b.records))}" for b in table.benchmarks) + ".")

