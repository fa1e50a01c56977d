"""Authorities side by side as a table: for each, the sentence of its report that gives a figure
on the topic asked about, quoted and cited, with notes where the figures are not like for like.

A terse topic ("waiting times for assessments") is not a question: no answerer is asked to find
a figure for it. The table takes, per authority, the best-scored sentence with a figure among that
authority's own evidence for the topic, and then prefers, among each authority's few best, the
sentence that speaks of the same thing as the other authorities' (a Care Act assessment wait
beside Care Act assessment waits, not a safeguarding triage wait). Nothing is computed: figures
are quoted, and where one authority gives a median and another an average, or their dates
differ, a note says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.evidence.sentences import Selected
from assistant.models import Citation
from cqc.records import SearchFilter, newest_per_authority
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
    """One authority's column. `measure` and `value` stay empty until figures are read as measure
    records (the measure the figure is of, its value alone); today a row quotes the sentence and
    its figures, and says whether they are a median or an average."""

    authority: str
    sentence: str = ""  # quoted from the authority's report; empty when it gives no figure on the topic
    figures: tuple[str, ...] = ()
    qualifier: str = ""  # median | average | "" (a count, a share, a single figure)
    as_at: str = ""  # the date or period the sentence gives, else the report's publication
    unit: str = ""  # the unit of time the figures are in, when they are waits or durations
    citation: Citation | None = None
    measure: str = ""  # the measure the figure is of (from measure records; not read yet)
    value: str = ""  # the figure alone (from measure records; not read yet)

    def as_json(self) -> dict:
        """One row for `--json`: every field a measure record will fill is there, null when not known."""
        return {
            "authority": self.authority, "measure": self.measure or None, "value": self.value or None,
            "unit": self.unit or None, "qualifier": self.qualifier or None, "as_at": self.as_at or None,
            "sentence": self.sentence or None, "figures": list(self.figures),
            "citation": self.citation.as_json() | {"quote": self.citation.quote} if self.citation else None,
        }


@dataclass
class Comparison:
    topic: str
    rows: list[ComparisonRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def citations(self) -> list[Citation]:
        return [r.citation for r in self.rows if r.citation is not None]

    def as_json(self) -> dict:
        return {"topic": self.topic, "rows": [r.as_json() for r in self.rows], "notes": list(self.notes)}


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


def like_for_like_notes(rows: list[ComparisonRow]) -> list[str]:
    """Where the figures side by side are not the same kind of figure, or not from the same time."""
    notes = []
    given = [r for r in rows if r.sentence]
    kinds = {r.qualifier for r in given if r.qualifier}
    if len(kinds) > 1:
        by_kind = "; ".join(f"{k}: {', '.join(r.authority for r in given if r.qualifier == k)}" for k in sorted(kinds))
        notes.append(f"Not like for like: some figures are medians and some averages ({by_kind}).")
    units = {r.unit for r in given if r.unit}
    if len(units) > 1:
        notes.append("Not like for like: the waits are given in different units ("
                     + "; ".join(f"{r.authority}: {r.unit}" for r in given if r.unit) + ").")
    dates = {r.as_at for r in given if r.as_at}
    if len(dates) > 1:
        notes.append("The figures are from different dates: " + "; ".join(f"{r.authority}: {r.as_at}" for r in given) + ".")
    missing = [r.authority for r in rows if not r.sentence]
    if missing:
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
            as_at=date or (f"report published {published[authority]}" if published.get(authority) else ""),
            unit=unit.group(1).lower() if unit and measure_of(sentence) else "",
            citation=Citation.of(marker, chosen.finding.chunk, quote=sentence),
        ))
    return Comparison(topic, rows, like_for_like_notes(rows))


def compare_topic(assistant, topic: str, authorities: list[str], scope: SearchFilter | None = None) -> Comparison:
    """The table for `authorities` on `topic`, each searched within its own reports only."""
    scope = scope or SearchFilter()
    per: dict[str, list[Selected]] = {}
    for authority in authorities:
        _, _, _, ranked = assistant.evidence(topic, scope=SearchFilter(
            authorities=(authority,), quality_statements=scope.quality_statements, themes=scope.themes,
            report_ids=scope.report_ids))
        per[authority] = [s for s in ranked if s.finding.chunk.authority == authority]
    published = {a: e.published for a, e in newest_per_authority(assistant.store.reports()).items() if a in per}
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
