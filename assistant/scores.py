"""Rating and score questions, answered exactly from the catalog with a citation to the score line.

A score is a fact in a table, not something to find by similarity: "Which authorities scored 1
on Safeguarding?" is a lookup.
"""

from __future__ import annotations

import re

from assistant.models import Citation, RetrievedFinding
from assistant.query import QueryPlan
from ingest import cqc
from ingest.models import Chunk
from vectorstore.catalog import ReportEntry
from vectorstore.store import LibraryStore


def newest_reports(store: LibraryStore, report_ids: tuple[str, ...] = ()) -> dict[str, ReportEntry]:
    """The report of each authority answers use: among `report_ids` when the question or the user
    chose versions, otherwise (and for authorities they leave out) the newest."""
    newest: dict[str, ReportEntry] = {}
    chosen: dict[str, ReportEntry] = {}
    for entry in store.reports():
        if not entry.authority:
            continue
        if entry.authority not in newest or entry.published > newest[entry.authority].published:
            newest[entry.authority] = entry
        if entry.report_id in report_ids:
            chosen[entry.authority] = entry
    return {**newest, **chosen}


def _band(n: int) -> str:
    return cqc.SCORE_BANDS.get(n, "")


class ScoreAnswerer:
    def __init__(self, store: LibraryStore):
        self.store = store

    def answer(
        self, plan: QueryPlan, authorities: list[str], report_ids: tuple[str, ...] = ()
    ) -> tuple[str, list[Citation], list[RetrievedFinding]] | None:
        reports = newest_reports(self.store, report_ids)
        targets = [reports[a] for a in authorities if a in reports] or list(reports.values())
        if not targets:
            return None
        cited: list[Chunk] = []
        score_lines: dict[str, list[Chunk]] = {}  # report id -> its score and rating lines, read once

        def lines_of(entry: ReportEntry) -> list[Chunk]:
            if entry.report_id not in score_lines:
                chunks = self.store.catalog.report_chunks(entry.report_id)
                score_lines[entry.report_id] = [c for c in chunks if c.kind in ("score", "rating")]
            return score_lines[entry.report_id]

        def score_chunks(entry: ReportEntry, statements: list[str]) -> list[Chunk]:
            """The summary list naming the statements' scores, then each statement's own score line."""
            chunks = [c for c in lines_of(entry) if c.kind == "score"]
            listed = [c for c in chunks if not c.quality_statement and all(s in c.text for s in statements)]
            return listed[:1] + [c for c in chunks if c.quality_statement in statements]

        def cite(chunk: Chunk) -> str:
            if chunk not in cited:
                cited.append(chunk)
            return f" [{cited.index(chunk) + 1}]"

        lines: list[str] = []
        statements = list(plan.quality_statements)
        if statements:
            for statement in statements:
                scored = [(e, e.scores[statement]) for e in targets if statement in e.scores]
                missing = [e.authority for e in targets if statement not in e.scores]
                if plan.extremes and len(scored) > 1:
                    pick = min if plan.extremes == "lowest" else max
                    value = pick(n for _, n in scored)
                    winners = [e.authority for e, n in scored if n == value]
                    lines.append(f"{' and '.join(winners)} scored {plan.extremes} for {statement}, with {value}.")
                for entry, n in sorted(scored, key=lambda item: item[1]):
                    lines.append(
                        f"{entry.authority} scored {n} for {statement} ({n} - {_band(n)})."
                        + "".join(cite(c) for c in score_chunks(entry, [statement]))
                    )
                for authority in missing:
                    lines.append(f"{authority}'s report gives no score for {statement}.")
        elif plan.extremes and len(targets) == 1 and targets[0].scores:
            entry = targets[0]
            pick = min if plan.extremes == "lowest" else max
            value = pick(entry.scores.values())
            names = [s for s, n in entry.scores.items() if n == value]
            refs = "".join(cite(c) for c in score_chunks(entry, names)[:1])
            lines.append(
                f"{entry.authority} scored {plan.extremes} on {_join(names)}, each scored {value} ({value} - {_band(value)}).{refs}"
            )
            others = sorted({n for s, n in entry.scores.items() if s not in names})
            if others:
                lines.append(f"Its other quality statements scored {_join([str(n) for n in others], 'or')}.")
        else:
            wanted = [r for r in cqc.RATINGS if re.search(rf"\b{re.escape(r)}\b", plan.content, re.IGNORECASE)]
            rows = [e for e in targets if not wanted or e.rating in wanted] if len(targets) > 1 else targets
            if plan.extremes and len(rows) > 1:
                pick = min if plan.extremes == "lowest" else max
                scored = [e for e in rows if e.overall_score is not None]
                if scored:
                    top = pick(scored, key=lambda e: e.overall_score)
                    lines.append(f"{top.authority} had the {plan.extremes} overall score, {top.overall_score} out of 100.")
            for entry in sorted(rows, key=lambda e: -(e.overall_score or 0)):
                if not entry.rating and entry.overall_score is None:
                    lines.append(f"{entry.authority}'s report gives no overall rating or score.")
                    continue
                refs = "".join(cite(c) for c in lines_of(entry) if c.kind == "rating")
                rating = f"rated {entry.rating}" if entry.rating else "not given a rating in its report"
                if entry.rating_is_indicative:
                    rating = f"given an indicative rating of {entry.rating}"
                score = f", with an overall score of {entry.overall_score} out of 100" if entry.overall_score is not None else ""
                lines.append(f"{entry.authority} was {rating}{score}.{refs}")
            if wanted and not rows:
                lines.append(f"None of the authorities in the library was rated {_join(wanted, 'or')}.")
        if not lines:
            return None
        cites = [Citation.of(i, chunk, quote=chunk.text) for i, chunk in enumerate(cited, 1)]
        text = " ".join(lines) if len(lines) <= 2 else "\n".join(f"- {line}" for line in lines)
        return text, cites, [RetrievedFinding(chunk, 1.0) for chunk in cited]


def _join(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]
