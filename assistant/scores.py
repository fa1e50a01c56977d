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


def newest_reports(store: LibraryStore) -> dict[str, ReportEntry]:
    """The newest report of each authority: answers use it unless asked otherwise."""
    newest: dict[str, ReportEntry] = {}
    for entry in store.reports():
        if entry.authority and (entry.authority not in newest or entry.published > newest[entry.authority].published):
            newest[entry.authority] = entry
    return newest


def _band(n: int) -> str:
    return cqc.SCORE_BANDS.get(n, "")


class ScoreAnswerer:
    def __init__(self, store: LibraryStore):
        self.store = store

    def _score_chunks(self, entry: ReportEntry, statements: list[str]) -> list[Chunk]:
        """The summary list that names the statements' scores, then each statement's own score line."""
        chunks = self.store.catalog.report_chunks(entry.report_id)
        listed = [c for c in chunks if c.kind == "score" and not c.quality_statement and all(s in c.text for s in statements)]
        own = [c for c in chunks if c.kind == "score" and c.quality_statement in statements]
        return listed[:1] + own

    def _rating_chunks(self, entry: ReportEntry) -> list[Chunk]:
        return [c for c in self.store.catalog.report_chunks(entry.report_id) if c.kind == "rating"]

    def answer(self, plan: QueryPlan, authorities: list[str]) -> tuple[str, list[Citation], list[RetrievedFinding]] | None:
        reports = newest_reports(self.store)
        targets = [reports[a] for a in authorities if a in reports] or list(reports.values())
        if not targets:
            return None
        cites: list[Citation] = []

        def cite(chunk: Chunk) -> str:
            for c in cites:
                if c.chunk_id == chunk.chunk_id:
                    return f" [{c.marker}]"
            cites.append(Citation.of(len(cites) + 1, chunk, quote=chunk.text))
            return f" [{len(cites)}]"

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
                        + "".join(cite(c) for c in self._score_chunks(entry, [statement]))
                    )
                for authority in missing:
                    lines.append(f"{authority}'s report gives no score for {statement}.")
        elif plan.extremes and len(targets) == 1 and targets[0].scores:
            entry = targets[0]
            pick = min if plan.extremes == "lowest" else max
            value = pick(entry.scores.values())
            names = [s for s, n in entry.scores.items() if n == value]
            refs = "".join(cite(c) for c in self._score_chunks(entry, names)[:1])
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
                refs = "".join(cite(c) for c in self._rating_chunks(entry))
                rating = f"rated {entry.rating}" if entry.rating else "not given a rating in its report"
                if entry.rating_is_indicative:
                    rating = f"given an indicative rating of {entry.rating}"
                score = f", with an overall score of {entry.overall_score} out of 100" if entry.overall_score is not None else ""
                lines.append(f"{entry.authority} was {rating}{score}.{refs}")
            if wanted and not rows:
                lines.append(f"None of the authorities in the library was rated {_join(wanted, 'or')}.")
        if not lines:
            return None
        retrieved = [RetrievedFinding(self.store.chunks([c.chunk_id])[0], 1.0) for c in cites]
        return " ".join(lines) if len(lines) <= 2 else "\n".join(f"- {line}" for line in lines), cites, retrieved


def _join(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]
