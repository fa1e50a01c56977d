"""Rating and score questions, answered exactly from the catalog with a citation to the score line.

A score is a fact in a table, not something to find by similarity: "Which authorities scored 1
on Safeguarding?" is a lookup, and so are rankings, counts by rating, averages and how an
authority's scores moved between its reports. Each kind of question (`ScoreAsk`) has one
function here; what they share (which report of each authority, which lines to cite) is below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.models import Citation, RetrievedFinding
from assistant.query import QueryPlan, ScoreAsk
from assistant.scope import report_per_authority
from ingest import cqc
from ingest.models import Chunk
from vectorstore.catalog import ReportEntry
from vectorstore.store import LibraryStore

# (text, citations, the findings cited, whether the report gives none of what was asked)
ScoreResult = tuple[str, list[Citation], list[RetrievedFinding], bool]
_SCORE_IN_LINE = re.compile(r"\bscore\s*:?\s*([1-4])\b|^([1-4])\s*[-–—]\s*evidence shows", re.IGNORECASE | re.MULTILINE)
# Asks for the number out of 100, not only the rating word.
_ASKS_OVERALL_SCORE = re.compile(r"\b(overall score|score out of 100|out of 100|percentage|%|overall scores?)\b|"
                                 r"\bscore\b(?!.*\brating\b)", re.IGNORECASE)


def newest_reports(store: LibraryStore, report_ids: tuple[str, ...] = ()) -> dict[str, ReportEntry]:
    """The report of each authority answers use (see `report_per_authority`)."""
    return report_per_authority(store.reports(), report_ids)


def band(n: int) -> str:
    return cqc.SCORE_BANDS.get(n, "")


def _join(items: list[str], word: str = "and") -> str:
    if not items:
        return ""
    sep = "; " if any("," in i for i in items) else ", "  # statement names have commas of their own
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + f" {word} " + items[-1]


def _range_words(lo: int, hi: int, top: int = 4) -> str:
    if lo == hi:
        return str(lo)
    if lo <= (0 if top == 100 else 1):
        return f"{hi} or lower"
    if hi >= top:
        return f"{lo} or higher"
    return f"between {lo} and {hi}"


@dataclass
class Lines:
    """The answer's lines and the score lines they cite, numbered in order of first citation."""

    store: LibraryStore
    lines: list[str] = field(default_factory=list)
    cited: list[Chunk] = field(default_factory=list)
    _score_lines: dict[str, list[Chunk]] = field(default_factory=dict)
    numbered: bool = False  # the lines are a numbered list of their own
    answered: int = 0  # lines that give a value asked for
    not_given: int = 0  # lines saying the report gives no such value

    def of(self, entry: ReportEntry) -> list[Chunk]:
        """A report's score and rating lines, read once."""
        if entry.report_id not in self._score_lines:
            chunks = self.store.catalog.report_chunks(entry.report_id)
            self._score_lines[entry.report_id] = [c for c in chunks if c.kind in ("score", "rating")]
        return self._score_lines[entry.report_id]

    def scores(self, entry: ReportEntry, statements: list[str]) -> list[Chunk]:
        """The summary list naming the statements' scores, then each statement's own score line."""
        chunks = [c for c in self.of(entry) if c.kind == "score"]
        listed = [c for c in chunks if not c.quality_statement and all(s in c.text for s in statements)]
        return listed[:1] + [c for c in chunks if c.quality_statement in statements]

    def rating(self, entry: ReportEntry) -> list[Chunk]:
        return [c for c in self.of(entry) if c.kind == "rating"]

    def cite(self, chunks: list[Chunk]) -> str:
        refs = []
        for chunk in chunks:
            if chunk not in self.cited:
                self.cited.append(chunk)
            refs.append(f" [{self.cited.index(chunk) + 1}]")
        return "".join(dict.fromkeys(refs))

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.answered += 1

    def none_given(self, line: str) -> None:
        """A value asked for that the report does not give: said, and counted as not answered."""
        self.lines.append(line)
        self.not_given += 1

    def statement_score(self, entry: ReportEntry, statement: str) -> int | None:
        """The catalog's score, else the one the statement's own score line in the library states."""
        if statement in entry.scores:
            return entry.scores[statement]
        for chunk in self.of(entry):
            if chunk.kind == "score" and chunk.quality_statement == statement:
                m = _SCORE_IN_LINE.search(chunk.text)
                if m:
                    return int(m.group(1) or m.group(2))
        return None

    def result(self) -> ScoreResult | None:
        if not self.lines:
            return None
        cites = [Citation.of(i, chunk, quote=chunk.text) for i, chunk in enumerate(self.cited, 1)]
        if self.numbered:
            text = "\n".join(self.lines)
        else:
            text = " ".join(self.lines) if len(self.lines) <= 2 else "\n".join(f"- {line}" for line in self.lines)
        gave_nothing = self.not_given > 0 and self.answered == 0
        return text, cites, [RetrievedFinding(chunk, 1.0) for chunk in self.cited], gave_nothing


class ScoreAnswerer:
    def __init__(self, store: LibraryStore):
        self.store = store

    def answer(self, plan: QueryPlan, authorities: list[str], report_ids: tuple[str, ...] = ()) -> ScoreResult | None:
        """`authorities` empty means every authority in the library (within `report_ids`)."""
        reports = newest_reports(self.store, report_ids)
        targets = [reports[a] for a in authorities if a in reports] if authorities else list(reports.values())
        out = Lines(self.store)
        if plan.score_ask is ScoreAsk.CHANGE:
            _change(plan, authorities or sorted(reports), self.store.reports(), out)
            return out.result()
        if not targets:
            return None
        handler: Callable[[QueryPlan, list[ReportEntry], Lines], None] = _HANDLERS.get(plan.score_ask, _lookup)
        handler(plan, targets, out)
        return out.result()


# -- one function per kind of question ---------------------------------------------------------
def _statements_at(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    lo, hi = plan.score_range or (1, 4)
    for entry in targets:
        if not entry.scores:
            out.none_given(f"{entry.authority}'s report gives no quality statement scores.")
            continue
        hits = [(s, n) for s, n in entry.scores.items() if lo <= n <= hi]
        refs = out.cite(out.scores(entry, [s for s, _ in hits] or list(entry.scores))[:1])
        if not hits:
            values = sorted(set(entry.scores.values()))
            out.add(f"{entry.authority} scored {_range_words(lo, hi)} on none of its {len(entry.scores)} quality "
                    f"statements; its scores were {_join([str(v) for v in values], 'or')}.{refs}")
            continue
        if lo == hi:
            out.add(f"{entry.authority} scored {lo} ({lo} - {band(lo)}) on {len(hits)} of its {len(entry.scores)} "
                    f"quality statements: {_join([s for s, _ in hits])}.{refs}")
        else:
            out.add(f"{entry.authority} scored {_range_words(lo, hi)} on {len(hits)} of its {len(entry.scores)} "
                    f"quality statements: {_join([f'{s} ({n})' for s, n in hits])}.{refs}")


def _extremes(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    pick = min if plan.extremes == "lowest" else max
    for entry in targets:
        if not entry.scores:
            out.none_given(f"{entry.authority}'s report gives no quality statement scores.")
            continue
        value = pick(entry.scores.values())
        names = [s for s, n in entry.scores.items() if n == value]
        refs = out.cite(out.scores(entry, names)[:1])
        out.add(f"{entry.authority} scored {plan.extremes or 'lowest'} on {_join(names)}, each scored {value} "
                f"({value} - {band(value)}).{refs}")
        others = sorted({n for s, n in entry.scores.items() if s not in names})
        if others:
            out.add(f"Its other quality statements scored {_join([str(n) for n in others], 'or')}.")


def _authorities_at(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    lo, hi = plan.score_range or (1, 4)
    if plan.wants_overall and hi > 4 or (plan.wants_overall and not plan.quality_statements and plan.score_range
                                         and plan.score_range[1] > 4):
        hits = [e for e in targets if e.overall_score is not None and lo <= e.overall_score <= hi]
        for entry in sorted(hits, key=lambda e: -(e.overall_score or 0)):
            out.add(f"{entry.authority} scored {entry.overall_score} out of 100 overall ({entry.rating})."
                    + out.cite(out.rating(entry)))
        if not hits:
            out.add(f"No authority among the {len(targets)} in the library scored {_range_words(lo, hi, 100)} overall.")
        return
    if not plan.quality_statements:
        _statements_at(plan, targets, out)
        return
    for statement in plan.quality_statements:
        scored = [(e, e.scores[statement]) for e in targets if statement in e.scores]
        hits = [(e, n) for e, n in scored if lo <= n <= hi]
        for entry, n in sorted(hits, key=lambda item: (item[1], item[0].authority)):
            out.add(f"{entry.authority} scored {n} for {statement} ({n} - {band(n)})."
                    + out.cite(out.scores(entry, [statement])))
        rest = [n for e, n in scored if not lo <= n <= hi]
        asked = _range_words(lo, hi)
        if not hits:
            out.add(f"No authority among the {len(scored)} in the library with a {statement} score scored {asked}.")
        elif rest:
            above = all(n > hi for n in rest)
            out.add(f"The other {len(rest)} {'authority' if len(rest) == 1 else 'authorities'} in the library scored "
                    f"{'higher' if above else 'lower' if all(n < lo for n in rest) else 'otherwise'}.")


def _rank(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    scored = sorted((e for e in targets if e.overall_score is not None), key=lambda e: (-e.overall_score, e.authority))
    out.numbered = True
    out.add(f"The {len(scored)} authorities in the library with an overall score, highest first:")
    for n, entry in enumerate(scored, 1):
        refs = out.cite([c for c in out.rating(entry) if re.search(r"\d", c.text)][:1] or out.rating(entry)[:1])
        out.add(f"{n}. {entry.authority}: {entry.overall_score} out of 100, {entry.rating or 'no rating given'}.{refs}")
    unscored = [e.authority for e in targets if e.overall_score is None]
    if unscored:
        out.add(f"No overall score in the report of {_join(unscored)}.")


def _rating_counts(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    wanted = [r for r in cqc.RATINGS if re.search(rf"\b{re.escape(r)}\b", plan.content, re.IGNORECASE)]
    for rating in wanted or list(cqc.RATINGS):
        rows = sorted((e for e in targets if e.rating == rating), key=lambda e: e.authority)
        if not rows and not wanted:
            continue
        names = [e.authority + (" (indicative)" if e.rating_is_indicative else "") + out.cite(out.rating(e)[:1])
                 for e in rows]
        verb = "was" if len(rows) == 1 else "were"
        out.add(f"{len(rows)} of the {len(targets)} authorities in the library {verb} rated {rating}"
                + (f": {_join(names)}." if rows else "."))
    unrated = [e.authority for e in targets if not e.rating]
    if unrated:
        out.add(f"No rating in the report of {_join(unrated)}.")


def _average(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    if len(targets) == 1 and not plan.quality_statements:
        entry = targets[0]
        if entry.scores:
            mean = sum(entry.scores.values()) / len(entry.scores)
            out.add(f"{entry.authority}'s {len(entry.scores)} quality statement scores average {mean:.2f} out of 4"
                    + (f" (overall score {entry.overall_score} out of 100)" if entry.overall_score is not None else "")
                    + "." + out.cite(out.scores(entry, list(entry.scores))[:1]))
        return
    if not plan.quality_statements:
        scored = [e for e in targets if e.overall_score is not None]
        if scored:
            mean = sum(e.overall_score for e in scored) / len(scored)
            parts = [f"{e.authority} {e.overall_score}" + out.cite(out.rating(e)[-1:]) for e in scored]
            out.add(f"The average overall score across the {len(scored)} authorities in the library is {mean:.1f} "
                    f"out of 100: {_join(parts)}.")
        return
    for statement in plan.quality_statements:
        scored = sorted(((e, e.scores[statement]) for e in targets if statement in e.scores), key=lambda x: x[1])
        if not scored:
            out.add(f"No report in the library gives a score for {statement}.")
            continue
        mean = sum(n for _, n in scored) / len(scored)
        parts = [f"{e.authority} {n}" + out.cite(out.scores(e, [statement])[-1:]) for e, n in scored]
        out.add(f"The average {statement} score across the {len(scored)} authorities in the library is {mean:.2f} "
                f"out of 4: {_join(parts)}.")


def _change(plan: QueryPlan, authorities: list[str], reports: list[ReportEntry], out: Lines) -> None:
    for authority in authorities:
        versions = sorted((r for r in reports if r.authority == authority), key=lambda r: r.published)
        if len(versions) < 2:
            when = f" (published {versions[0].published})" if versions and versions[0].published else ""
            out.add(f"The library holds one report for {authority}{when}, so there is no earlier score to compare with.")
            continue
        old, new = versions[-2], versions[-1]
        refs_old, refs_new = out.cite(out.rating(old)), out.cite(out.rating(new))
        out.add(f"{authority}'s overall result went from {old.rating or 'no rating'}"
                f"{f', {old.overall_score} out of 100' if old.overall_score is not None else ''} (published "
                f"{old.published}){refs_old} to {new.rating or 'no rating'}"
                f"{f', {new.overall_score} out of 100' if new.overall_score is not None else ''} (published "
                f"{new.published}){refs_new}.")
        statements = [s for s in (plan.quality_statements or list(new.scores)) if s in new.scores or s in old.scores]
        moved = [s for s in statements if old.scores.get(s) != new.scores.get(s)]
        if moved:
            refs = out.cite(out.scores(old, moved)[:1] + out.scores(new, moved)[:1])
            out.add("Quality statements that changed: "
                    + "; ".join(f"{s} {old.scores.get(s, '-')} → {new.scores.get(s, '-')}" for s in moved) + f".{refs}")
        unchanged = len(statements) - len(moved)
        if unchanged:
            out.add(f"{'The other ' if moved else 'All '}{unchanged} quality statement{'s' if unchanged != 1 else ''} "
                    f"{'asked about ' if plan.quality_statements else ''}scored the same in both reports.")


def _lookup(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    """A rating, or the named statements' scores for each authority (with the lowest or highest among them)."""
    statements = list(plan.quality_statements)
    if statements:
        for statement in statements:
            found = [(e, out.statement_score(e, statement)) for e in targets]
            scored = [(e, n) for e, n in found if n is not None]
            missing = [e.authority for e, n in found if n is None]
            if plan.extremes and len(scored) > 1:
                pick = min if plan.extremes == "lowest" else max
                value = pick(n for _, n in scored)
                winners = [e.authority for e, n in scored if n == value]
                out.add(f"{' and '.join(winners)} scored {plan.extremes} for {statement}, with {value}.")
            for entry, n in sorted(scored, key=lambda item: item[1]):
                out.add(f"{entry.authority} scored {n} for {statement} ({n} - {band(n)})."
                        + out.cite(out.scores(entry, [statement])))
            for authority in missing:
                out.none_given(f"{authority}'s report gives no score for {statement}.")
        return
    if plan.extremes and len(targets) == 1 and targets[0].scores:
        _extremes(plan, targets, out)
        return
    wanted = [r for r in cqc.RATINGS if re.search(rf"\b{re.escape(r)}\b", plan.content, re.IGNORECASE)]
    rows = [e for e in targets if not wanted or e.rating in wanted] if len(targets) > 1 else targets
    if plan.extremes and len(rows) > 1:
        pick = min if plan.extremes == "lowest" else max
        scored = [e for e in rows if e.overall_score is not None]
        if scored:
            top = pick(scored, key=lambda e: e.overall_score)
            out.add(f"{top.authority} had the {plan.extremes} overall score, {top.overall_score} out of 100.")
    asks_number = bool(_ASKS_OVERALL_SCORE.search(plan.content))
    asks_rating = bool(re.search(r"\brat(ing|ed)\b", plan.content, re.IGNORECASE))
    for entry in sorted(rows, key=lambda e: -(e.overall_score or 0)):
        if not entry.rating and entry.overall_score is None:
            out.none_given(f"{entry.authority}'s report gives no overall rating or score.")
            continue
        if asks_number and entry.overall_score is None and not (asks_rating and entry.rating):
            # The pilot reports and some pages print no overall score: say so, and what they do give.
            given = f"; it gives {'an indicative' if entry.rating_is_indicative else 'a'} rating of {entry.rating}" \
                if entry.rating else ""
            out.none_given(f"{entry.authority}'s report gives no overall score out of 100{given}."
                           + out.cite(out.rating(entry)))
            continue
        rating = f"rated {entry.rating}" if entry.rating else "not given a rating in its report"
        if entry.rating_is_indicative:
            rating = f"given an indicative rating of {entry.rating}"
        score = f", with an overall score of {entry.overall_score} out of 100" if entry.overall_score is not None else (
            "; its report gives no overall score out of 100" if asks_number else "")
        out.add(f"{entry.authority} was {rating}{score}." + out.cite(out.rating(entry)))
    if wanted and not rows:
        out.add(f"None of the authorities in the library was rated {_join(wanted, 'or')}.")
    if plan.comparative and not plan.extremes and 2 <= len(rows) <= 6 and all(e.scores for e in rows):
        # Side by side, statement by statement: what a topic-less "how do we compare" is after.
        refs = {e.authority: out.cite(out.scores(e, list(e.scores))[:1]) for e in rows}
        for statement in (qs.name for qs in cqc.QUALITY_STATEMENTS):
            cells = [f"{e.authority} {e.scores[statement]}" for e in rows if statement in e.scores]
            if cells:
                out.add(f"{statement}: {_join(cells)}.")
        out.add("Quality statement scores from each report's summary list:" + "".join(refs.values()))


_HANDLERS: dict[ScoreAsk | None, Callable[[QueryPlan, list[ReportEntry], Lines], None]] = {
    ScoreAsk.LOOKUP: _lookup,
    ScoreAsk.STATEMENTS_AT: _statements_at,
    ScoreAsk.EXTREMES: _extremes,
    ScoreAsk.AUTHORITIES_AT: _authorities_at,
    ScoreAsk.RANK: _rank,
    ScoreAsk.RATING_COUNTS: _rating_counts,
    ScoreAsk.AVERAGE: _average,
}
