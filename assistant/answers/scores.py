"""Rating and score questions, answered exactly from the catalog with a citation to the score line.

A score is a fact in a table, not something to find by similarity: "Which authorities scored 1
on Safeguarding?" is a lookup, and so are rankings, counts by rating, averages and how an
authority's scores moved between its reports. Each kind of question (`ScoreAsk`) has one
function here; what they share (which report of each authority, which lines to cite) is below.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answers.score_lines import Lines, ScoreResult, band, join_items, range_words
from assistant.question.query_plan import QueryPlan, ScoreAsk
from cqc import framework
from cqc.records import ReportEntry, newest_per_authority
from vectorstore.store import LibraryStore

# Asks for the number out of 100, not only the rating word.
_ASKS_OVERALL_SCORE = re.compile(r"\b(overall score|score out of 100|out of 100|percentage|%|overall scores?)\b|"
                                 r"\bscore\b(?!.*\brating\b)", re.IGNORECASE)


class ScoreAnswerer:
    def __init__(self, store: LibraryStore):
        self.store = store

    def answer(self, plan: QueryPlan, authorities: list[str], report_ids: tuple[str, ...] = ()) -> ScoreResult | None:
        """`authorities` empty means every authority in the library (within `report_ids`)."""
        reports = newest_per_authority(self.store.reports(), report_ids)
        targets = [reports[a] for a in authorities if a in reports] if authorities else list(reports.values())
        out = Lines(self.store, batch=targets)
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
            out.add(f"{entry.authority} scored {range_words(lo, hi)} on none of its {len(entry.scores)} quality "
                    f"statements; its scores were {join_items([str(v) for v in values], 'or')}.{refs}")
            continue
        if lo == hi:
            out.add(f"{entry.authority} scored {lo} ({lo} - {band(lo)}) on {len(hits)} of its {len(entry.scores)} "
                    f"quality statements: {join_items([s for s, _ in hits])}.{refs}")
        else:
            out.add(f"{entry.authority} scored {range_words(lo, hi)} on {len(hits)} of its {len(entry.scores)} "
                    f"quality statements: {join_items([f'{s} ({n})' for s, n in hits])}.{refs}")


def _extremes(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    pick = min if plan.extremes == "lowest" else max
    for entry in targets:
        if not entry.scores:
            out.none_given(f"{entry.authority}'s report gives no quality statement scores.")
            continue
        value = pick(entry.scores.values())
        names = [s for s, n in entry.scores.items() if n == value]
        refs = out.cite(out.scores(entry, names)[:1])
        out.add(f"{entry.authority} scored {plan.extremes or 'lowest'} on {join_items(names)}, each scored {value} "
                f"({value} - {band(value)}).{refs}")
        others = sorted({n for s, n in entry.scores.items() if s not in names})
        if others:
            out.add(f"Its other quality statements scored {join_items([str(n) for n in others], 'or')}.")


def _authorities_at(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    lo, hi = plan.score_range or (1, 4)
    if plan.wants_overall and hi > 4 or (plan.wants_overall and not plan.quality_statements and plan.score_range
                                         and plan.score_range[1] > 4):
        hits = [e for e in targets if e.overall_score is not None and lo <= e.overall_score <= hi]
        out.read(hits, ("rating",))  # the hits' lines only, not every target's
        for entry in sorted(hits, key=lambda e: -(e.overall_score or 0)):
            out.add(f"{entry.authority} scored {entry.overall_score} out of 100 overall ({entry.rating})."
                    + out.cite(out.rating(entry)))
        if not hits:
            out.add(f"No authority among the {len(targets)} in the library scored {range_words(lo, hi, 100)} overall.")
        return
    if not plan.quality_statements:
        _statements_at(plan, targets, out)
        return
    for statement in plan.quality_statements:
        scored = [(e, e.scores[statement]) for e in targets if statement in e.scores]
        hits = [(e, n) for e, n in scored if lo <= n <= hi]
        out.read([e for e, _ in hits], ("score",))  # the hits' lines only, not every target's
        for entry, n in sorted(hits, key=lambda item: (item[1], item[0].authority)):
            out.add(f"{entry.authority} scored {n} for {statement} ({n} - {band(n)})."
                    + out.cite(out.scores(entry, [statement])))
        rest = [n for e, n in scored if not lo <= n <= hi]
        asked = range_words(lo, hi)
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
        out.add(f"No overall score in the report of {join_items(unscored)}.")


def _rating_counts(plan: QueryPlan, targets: list[ReportEntry], out: Lines) -> None:
    wanted = [r for r in framework.RATINGS if re.search(rf"\b{re.escape(r)}\b", plan.content, re.IGNORECASE)]
    for rating in wanted or list(framework.RATINGS):
        rows = sorted((e for e in targets if e.rating == rating), key=lambda e: e.authority)
        if not rows and not wanted:
            continue
        names = [e.authority + (" (indicative)" if e.rating_is_indicative else "") + out.cite(out.rating(e)[:1])
                 for e in rows]
        verb = "was" if len(rows) == 1 else "were"
        out.add(f"{len(rows)} of the {len(targets)} authorities in the library {verb} rated {rating}"
                + (f": {join_items(names)}." if rows else "."))
    unrated = [e.authority for e in targets if not e.rating]
    if unrated:
        out.add(f"No rating in the report of {join_items(unrated)}.")


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
                    f"out of 100: {join_items(parts)}.")
        return
    for statement in plan.quality_statements:
        scored = sorted(((e, e.scores[statement]) for e in targets if statement in e.scores), key=lambda x: x[1])
        if not scored:
            out.add(f"No report in the library gives a score for {statement}.")
            continue
        mean = sum(n for _, n in scored) / len(scored)
        parts = [f"{e.authority} {n}" + out.cite(out.scores(e, [statement])[-1:]) for e, n in scored]
        out.add(f"The average {statement} score across the {len(scored)} authorities in the library is {mean:.2f} "
                f"out of 4: {join_items(parts)}.")


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
    wanted = [r for r in framework.RATINGS if re.search(rf"\b{re.escape(r)}\b", plan.content, re.IGNORECASE)]
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
        out.add(f"None of the authorities in the library was rated {join_items(wanted, 'or')}.")
    if plan.comparative and not plan.extremes and 2 <= len(rows) <= 6 and all(e.scores for e in rows):
        # Side by side, statement by statement: what a topic-less "how do we compare" is after.
        refs = {e.authority: out.cite(out.scores(e, list(e.scores))[:1]) for e in rows}
        for statement in (qs.name for qs in framework.QUALITY_STATEMENTS):
            cells = [f"{e.authority} {e.scores[statement]}" for e in rows if statement in e.scores]
            if cells:
                out.add(f"{statement}: {join_items(cells)}.")
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
