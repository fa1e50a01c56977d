"""Authorities side by side as a table, on one measure where the topic names one, else on the
sentences of their reports that give a figure on it.

**On a measure** ("direct payment uptake", "waiting times"): the topic is read to the vocabulary's
measures by the one reader (`cqc.measures.reading.measures_of_topic`), and every column is the same
measure, each council's figure read from its measure records (`assistant.evidence.measure_figures`):
value, unit, qualifier, the date it is as at, the sentence and its finding. A broad topic naming
several measures takes the one most of the councils give, and a note names the others. A council
whose report gives no figure for the measure says "no figure on <measure>", then quotes its report's
closest finding on it, marked as context and not as a figure. Two measures never share a column.

**On findings** (a topic that names no measure of the vocabulary: "safeguarding culture"): a
terse topic is not a question, so no answerer is asked to find a figure for it. The table takes,
per authority, the best-scored sentence with a figure among that authority's own evidence for the
topic, and then prefers, among each authority's few best, the sentence that speaks of the same
thing as the other authorities' (a Care Act assessment wait beside Care Act assessment waits, not
a safeguarding triage wait).

Either way nothing is computed: figures are quoted, and where one authority gives a median and
another an average, or their units or dates differ, a note says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.answers.closest import CLOSEST, lowered, nearest
from assistant.evidence.measure_figures import MeasureFigures, measure_figures
from assistant.evidence.sentences import Selected
from assistant.models import Citation
from cqc.measures.vocabulary import Measure
from cqc.records import SearchFilter, newest_per_authority
from cqc.text.dates import period_words
from cqc.text.figures import quoted_figures, stated_date
from cqc.text.tokens import tokenize

CANDIDATES = 5  # each authority's best figure sentences considered for agreement with the others
AGREEMENT_WEIGHT = 0.15  # how much talking of the same thing as the other columns counts

_UNIT = re.compile(r"\b(working days|days|weeks|months|years|hours)\b", re.IGNORECASE)
MEDIAN, AVERAGE = "median", "average"


class CompareError(ValueError):
    """A comparison that cannot be made: fewer than two authorities, or one the library does not hold."""


@dataclass(frozen=True)
class ComparisonRow:
    """One authority's column. On a measure: the council's figure for it (`value`, a number, with
    its unit, qualifier and date) and the sentence it was read from; or, when its report gives
    none, the closest finding quoted as context (`closest`). On findings: the sentence quoted and
    its figures, and whether they are a median or an average."""

    authority: str
    sentence: str = ""  # quoted from the authority's report; empty when it gives nothing on the topic
    figures: tuple[str, ...] = ()
    qualifier: str = ""  # median | average | longest | total ... | "" (a count, a share, a single figure)
    as_at: str = ""  # the date or period the figure is for, else the report's publication
    unit: str = ""  # the figure's unit ("percent", "days", "count" ...); on findings, a wait's unit of time
    citation: Citation | None = None
    measure: str = ""  # the vocabulary key of the measure every column is of; "" when compared on findings
    value: float | None = None  # the figure alone, as a number; None when the report gives none on the measure
    closest: bool = False  # `sentence` is the closest finding, quoted as context: the report gives no figure

    @property
    def gives_figure(self) -> bool:
        return bool(self.sentence) and not self.closest

    def as_json(self) -> dict:
        """One row for `--json`: null where the report gives nothing; the closest finding apart."""
        figure = self.gives_figure
        out = {
            "authority": self.authority, "measure": self.measure or None, "value": self.value,
            "unit": self.unit or None, "qualifier": self.qualifier or None, "as_at": self.as_at or None,
            "sentence": self.sentence if figure else None, "figures": list(self.figures),
            "citation": _cited(self.citation) if figure else None,
        }
        if self.closest:
            out["closest"] = {"sentence": self.sentence, "citation": _cited(self.citation)}
        return out


def _cited(citation: Citation | None) -> dict | None:
    return citation.as_json() | {"quote": citation.quote} if citation else None


@dataclass
class Comparison:
    topic: str
    rows: list[ComparisonRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    measure: Measure | None = None  # the one measure every column is of; None when compared on findings
    others: tuple[tuple[Measure, int], ...] = ()  # the topic's other measures, and how many of the councils give each

    @property
    def citations(self) -> list[Citation]:
        return [r.citation for r in self.rows if r.citation is not None]

    def as_json(self) -> dict:
        out = {"topic": self.topic, "measure": None, "rows": [r.as_json() for r in self.rows], "notes": list(self.notes)}
        if self.measure is not None:
            out["measure"] = {"key": self.measure.key, "name": self.measure.name, "unit": self.measure.unit,
                              "better": self.measure.better}
            out["other_measures"] = [{"key": m.key, "name": m.name, "councils": n} for m, n in self.others]
        return out


def measure_of(sentence: str) -> str:
    if re.search(r"\bmedian\b", sentence, re.IGNORECASE):
        return MEDIAN
    if re.search(r"\b(average|mean|on average)\b", sentence, re.IGNORECASE):
        return AVERAGE
    return ""


def _words(sentence: str) -> set[str]:
    return set(tokenize(sentence))


def _figure_sentences(ranked: list[Selected]) -> list[Selected]:
    """Sentences with a figure, best first, at most one per distinct sentence."""
    seen: set[str] = set()
    out = []
    for s in sorted(ranked, key=lambda s: -s.relevance):
        if s.sentence not in seen and quoted_figures(s.sentence):
            seen.add(s.sentence)
            out.append(s)
    return out


def choose_figures(per_authority: dict[str, list[Selected]]) -> dict[str, Selected | None]:
    """Each authority's sentence for the table: its best-scored figure sentence, unless one of its
    next best speaks much more of what the other authorities' chosen sentences speak of."""
    candidates = {a: _figure_sentences(r)[:CANDIDATES] for a, r in per_authority.items()}
    first = {a: (c[0] if c else None) for a, c in candidates.items()}
    chosen: dict[str, Selected | None] = {}
    for authority, options in candidates.items():
        others = [_words(s.sentence) for a, s in first.items() if a != authority and s is not None]
        if not options or not others:
            chosen[authority] = options[0] if options else None
            continue

        def agreement(s: Selected) -> float:
            mine = _words(s.sentence)
            return sum(len(mine & o) / max(len(mine | o), 1) for o in others) / len(others)

        chosen[authority] = max(options, key=lambda s: s.relevance + AGREEMENT_WEIGHT * agreement(s))
    return chosen


def like_for_like_notes(rows: list[ComparisonRow], measure: str = "") -> list[str]:
    """Where the figures side by side are not the same kind of figure, or not from the same time.
    `measure`: the name of the measure every column is of, when compared on one."""
    notes = []
    given = [r for r in rows if r.gives_figure]
    # On a measure a plain figure beside a median is a difference too; on findings a sentence naming
    # neither is a count or a share, not a kind of summary
    kinds = {r.qualifier for r in given if r.qualifier or r.measure}
    if len(kinds) > 1:
        by_kind = "; ".join(f"{k or 'no qualifier'}: {', '.join(r.authority for r in given if r.qualifier == k)}"
                            for k in sorted(kinds))
        notes.append(f"Not like for like: some figures are medians and some averages ({by_kind})."
                     if kinds == {MEDIAN, AVERAGE} else f"Not like for like: the figures are of different kinds ({by_kind}).")
    units = {r.unit for r in given if r.unit}
    if len(units) > 1:
        notes.append("Not like for like: the figures are given in different units ("
                     + "; ".join(f"{r.authority}: {r.unit}" for r in given if r.unit) + ").")
    dates = {r.as_at for r in given if r.as_at}
    if len(dates) > 1:
        notes.append("The figures are from different dates: " + "; ".join(f"{r.authority}: {r.as_at}" for r in given) + ".")
    missing = [r.authority for r in rows if not r.gives_figure]
    if missing and measure:
        context = " (its closest finding is quoted as context, not as a figure)" if any(r.closest for r in rows) else ""
        notes.append(f"No figure on {lowered(measure)} in the report of {', '.join(missing)}{context}.")
    elif missing:
        notes.append(f"No figure on this topic in the report of {', '.join(missing)}.")
    return notes


def build(topic: str, per_authority: dict[str, list[Selected]], published: dict[str, str] | None = None) -> Comparison:
    """The table from each authority's scored sentences (as the assistant's evidence ranks them)."""
    published = published or {}
    rows: list[ComparisonRow] = []
    for authority, chosen in choose_figures(per_authority).items():
        if chosen is None:
            rows.append(ComparisonRow(authority))
            continue
        marker = sum(1 for r in rows if r.citation is not None) + 1
        sentence = chosen.sentence
        unit = _UNIT.search(sentence)
        date = stated_date(sentence)
        rows.append(ComparisonRow(
            authority=authority, sentence=sentence, figures=quoted_figures(sentence), qualifier=measure_of(sentence),
            as_at=date or _published(published, authority),
            unit=unit.group(1).lower() if unit and measure_of(sentence) else "",
            citation=Citation.of(marker, chosen.finding.chunk, quote=sentence),
        ))
    return Comparison(topic, rows, like_for_like_notes(rows))


def _published(published: dict[str, str], authority: str) -> str:
    return f"report published {published[authority]}" if published.get(authority) else ""


def on_measure(topic: str, figures: MeasureFigures, authorities: list[str], closest: dict[str, Selected | None],
               published: dict[str, str] | None = None) -> Comparison:
    """The table on one measure: each council's figure from its records, or "no figure" and the
    closest finding of its report (`closest`, by authority), marked as context."""
    published = published or {}
    measure = figures.measure
    rows: list[ComparisonRow] = []
    for authority in authorities:
        marker = sum(1 for r in rows if r.citation is not None) + 1
        found = figures.figure(authority)
        if found is not None:
            record, chunk = found
            rows.append(ComparisonRow(
                authority=authority, sentence=record.sentence, figures=(record.as_written,), qualifier=record.qualifier,
                as_at=period_words(record.period) or _published(published, authority), unit=record.unit,
                citation=Citation.of(marker, chunk, quote=record.sentence), measure=measure.key, value=record.value,
            ))
            continue
        near = closest.get(authority)
        if near is None:
            rows.append(ComparisonRow(authority, measure=measure.key))
            continue
        quote = " ".join(x for x in (near.lead, near.sentence) if x)
        rows.append(ComparisonRow(
            authority=authority, sentence=quote, citation=replace(Citation.of(marker, near.finding.chunk, quote=quote),
                                                                  closest=True),
            measure=measure.key, closest=True,
        ))
    notes = [f"Every column is one measure: {measure.name} ({_BETTER[measure.better]})."]
    notes += like_for_like_notes(rows, measure.name)
    others = figures.lined_up.others
    if others:
        notes.append("The topic also names " + "; ".join(
            f"{lowered(m.name)} ({n} of the {len(authorities)} reports {'gives' if n == 1 else 'give'} a figure)"
            for m, n in others)
            + ": ask about one by name to compare on it.")
    return Comparison(topic, rows, notes, measure, others)


_BETTER = {"higher": "higher is better", "lower": "lower is better", "neither": "neither higher nor lower is better"}


def _own_evidence(assistant, text: str, authority: str, scope: SearchFilter) -> list[Selected]:
    """The authority's sentences on `text`, best first, searched within its own reports only."""
    _, _, _, ranked = assistant.evidence(text, scope=SearchFilter(
        authorities=(authority,), quality_statements=scope.quality_statements, themes=scope.themes,
        report_ids=scope.report_ids))
    return [s for s in ranked if s.finding.chunk.authority == authority]


def compare_topic(assistant, topic: str, authorities: list[str], scope: SearchFilter | None = None) -> Comparison:
    """The table for `authorities` on `topic`: on the measure it names, else on each authority's
    own sentences for it."""
    scope = scope or SearchFilter()
    published = {a: e.published for a, e in newest_per_authority(assistant.store.reports()).items() if a in authorities}
    figures = measure_figures(assistant.store, topic, authorities, scope)
    if figures is not None:
        # the closest finding is searched for by the measure's name: "waiting times" read as the wait
        # for a Care Act assessment looks for that wait, not for any
        closest = {a: nearest(_own_evidence(assistant, figures.measure.name, a, scope))
                   for a in authorities if figures.figure(a) is None}
        return on_measure(topic, figures, authorities, closest, published)
    per = {a: _own_evidence(assistant, topic, a, scope) for a in authorities}
    return build(topic, per, published)


def compare_authorities(assistant, topic: str, names: list[str], scope: SearchFilter | None = None) -> Comparison:
    """The table for the authorities `names` call (full or short names), as the command line asks."""
    library = assistant.names()
    authorities: list[str] = []
    for name in names:
        found = library.canonical(name)
        if found is None:
            held = ", ".join(library.authorities) or "none"
            raise CompareError(f"No report in the library for {name!r}. Authorities held: {held}.")
        if found not in authorities:
            authorities.append(found)
    if len(authorities) < 2:
        raise CompareError("Name at least two authorities to compare (--authority A --authority B).")
    return compare_topic(assistant, topic, authorities, scope)


def table_rows(comparison: Comparison) -> list[dict[str, str]]:
    """The table as the app and exports show it."""
    if comparison.measure is not None:
        name = comparison.measure.name
        return [
            {
                "Authority": r.authority,
                "Figures": "; ".join(r.figures) if r.gives_figure else f"no figure on {lowered(name)}",
                "Measure": name + (f" ({r.qualifier})" if r.qualifier else ""),
                "As at": r.as_at,
                "What the report says": (f"{r.sentence} [{r.citation.marker}]" if r.gives_figure else
                                         f"{CLOSEST} {r.sentence} [{r.citation.marker}]" if r.citation else
                                         "The report gives no figure on this, nor a finding on it."),
            }
            for r in comparison.rows
        ]
    return [
        {
            "Authority": r.authority,
            "Figures": "; ".join(r.figures) if r.sentence else "not given",
            "Measure": r.qualifier or ("count or share" if r.sentence else ""),
            "As at": r.as_at,
            "What the report says": f"{r.sentence} [{r.citation.marker}]" if r.citation else "The report gives no figure on this.",
        }
        for r in comparison.rows
    ]
