"""Stage 3, retrieve evidence: the findings an answer may be built from, for the scope resolved.

- One authority (or none in the library but one): hybrid search, reranked by how well each
  finding's best sentences answer the question.
- Several authorities, or the whole library: each authority searched on its own (a global top-k
  would answer from whichever ranks first), so the answer can say whose each finding is; named
  councils compared on a measure the question names also get their figures on it from the
  measure records (`measure_figures`).
- Summaries: the report's own summary sections, read from the catalog.
- What good looks like: each exemplar authority's findings on the statement asked about.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.evidence.bundle import AuthorityEvidence, Evidence
from assistant.evidence.measure_figures import beyond_figures, measure_figures
from assistant.evidence.search import RRF_K, HybridSearch
from assistant.evidence.sentences import Selected, SentenceSelector, wants_figure
from assistant.models import RetrievedFinding
from assistant.path import Gathered, Scope
from assistant.question.query_plan import Intent, QueryPlan
from cqc.framework import QUALITY_STATEMENTS, is_standard_wording
from cqc.models import Chunk
from cqc.records import SearchFilter, newest_per_authority
from vectorstore.store import LibraryStore

# Enough to move a finding below every one that is about the question, not out of the results.
STANDARD_WORDING_PENALTY = 0.5
_ASKS_FOR_STANDARD = re.compile(r"\b(commitment|expect\w*|standard|we statement|i statement)\b", re.IGNORECASE)
MAX_COMPARED = 12  # authorities answered side by side when the question names none
RERANK_CANDIDATES = 25  # fused candidates whose sentences are scored before the top k are kept
# The report's own summary: "Summary of people's experiences", "Summary of strengths, areas for
# development and next steps" (headings outside any quality statement).
SUMMARY_HEADING = re.compile(r"\bsummary\b|\bstrengths\b|\bareas for development\b|\bnext steps\b|\bexperiences\b", re.I)


class RetrieveEvidence:
    def __init__(self, store: LibraryStore, selector: SentenceSelector):
        self.store = store
        self.search = HybridSearch(store)
        self.selector = selector

    def run(self, scope: Scope) -> Gathered:
        plan = scope.plan
        if scope.clarify or scope.nothing_left or plan.intent is Intent.MEASURES:
            # nothing to search for; a measure's figures are read from its records, not searched
            return Gathered(scope, Evidence(scope.question, plan, []))
        if plan.intent is Intent.SCORES:  # answered from the catalog: searched only if the answer needs more
            return Gathered(scope, Evidence(scope.question, plan, []), search_later=lambda: self._search(scope).evidence)
        return self._search(scope)

    def _search(self, scope: Scope) -> Gathered:
        plan = scope.plan
        vector = self.store.embeddings.embed_query(plan.subject or plan.content or scope.reading.standalone)
        where = scope.where
        k = self.store.settings.retrieval.top_k
        exemplars = scope.exemplars
        if plan.intent is Intent.GOOD_PRACTICE and not exemplars:
            evidence = Evidence(scope.question, plan, [])
        elif plan.intent is Intent.SUMMARY or (plan.intent is Intent.GOOD_PRACTICE and not exemplars[0].statement):
            evidence = self._summaries(scope, vector)
        elif scope.grouped:
            evidence = self._per_authority(scope, vector)
            if not scope.where.authorities and evidence.groups:
                return Gathered(scope, evidence, tuple(vector), (self._unnamed_note(evidence),))
        else:
            found, ranked = self.retrieve(plan, scope.reading.standalone, where, k, vector)
            evidence = Evidence(scope.question, plan, found, ranked)
        return Gathered(scope, evidence, tuple(vector))

    # -- searching -----------------------------------------------------------------------------
    def fused(self, plan: QueryPlan, text: str, where: SearchFilter, k: int, vector: list[float]) -> list[RetrievedFinding]:
        """Dense + BM25 candidates for the question as read."""
        return self.search.search(
            text, where, k, keyword_text=plan.content, named_statements=plan.quality_statements,
            topic_statements=plan.topic_statements, query_vector=list(vector),
        )

    def retrieve(
        self, plan: QueryPlan, text: str, where: SearchFilter, k: int, vector: list[float], content: str | None = None
    ) -> tuple[list[RetrievedFinding], list[Selected]]:
        """Hybrid candidates, reranked by how well their best sentences answer the question.

        Fusion ranks whole paragraphs; the question is usually answered by one or two sentences
        in them, so a paragraph's best two sentences (scored as the answerer scores them) decide
        its place, with the fused rank as a prior.
        """
        content = plan.content if content is None else content
        candidates = self.search.search(
            text, where, max(k, RERANK_CANDIDATES), keyword_text=content, named_statements=plan.quality_statements,
            topic_statements=plan.topic_statements, query_vector=list(vector),
        )
        ranked = self.selector.rank(content, list(vector), candidates, shortfalls=plan.wants_actions)
        sentence_scores: dict[str, list[float]] = {}
        for s in ranked:  # best first, so each list is in descending order
            sentence_scores.setdefault(s.finding.chunk.chunk_id, []).append(s.relevance)
        asks_for_standard = bool(_ASKS_FOR_STANDARD.search(content))

        def value(item: tuple[int, RetrievedFinding]) -> float:
            rank, finding = item
            best = sentence_scores.get(finding.chunk.chunk_id, [0.0])[:2]
            prior = (RRF_K + 1) / (RRF_K + rank + 1)  # 1.0 for the top fused result, slowly falling
            return sum(best) / 2 + prior - off_topic_penalty(finding.chunk, plan, asks_for_standard)

        reranked = [f for _, f in sorted(enumerate(candidates), key=value, reverse=True)][:k]
        kept = {f.chunk.chunk_id for f in reranked}
        # The answerer reuses these sentence scores rather than embedding the sentences again.
        return reranked, [s for s in ranked if s.finding.chunk.chunk_id in kept]

    def _per_authority(self, scope: Scope, vector: list[float]) -> Evidence:
        """Each authority searched on its own. With none named, the authorities whose findings
        answer best (up to MAX_COMPARED), and of those only the ones whose findings answer at all."""
        plan, where = scope.plan, scope.where
        text = scope.reading.standalone
        named = list(where.authorities)
        authorities = named
        if not named:
            found = self.fused(plan, text, where, self.store.settings.retrieval.candidate_k, vector)
            authorities = list(dict.fromkeys(f.chunk.authority for f in found if f.chunk.authority))[:MAX_COMPARED]
        per = max(3, self.store.settings.retrieval.top_k // max(len(authorities), 1))
        figure = wants_figure(plan.content)
        groups = []
        subject = plan.subject or None  # what good looks like: ranked by the subject, not the asking words
        for authority in authorities:
            found, ranked = self.retrieve(plan, subject or text, replace(where, authorities=(authority,)), per, vector,
                                          content=subject)
            if not named and not self.selector.choose(ranked, figure, max_sentences=1):
                continue  # nothing of this authority answers: leave it out rather than say so for each
            groups.append(AuthorityEvidence(authority, found, ranked))
        # Councils named side by side on a measure the question names: their figures from the records
        compared = named and plan.comparative and plan.intent is Intent.FINDINGS and not beyond_figures(plan.content)
        figures = measure_figures(self.store, plan.content, named, where) if compared else None
        return Evidence(scope.question, plan, interleaved([g.findings for g in groups]),
                        [s for g in groups for s in g.ranked], groups, figures)

    def _unnamed_note(self, evidence: Evidence) -> str:
        shown = [g.authority for g in evidence.groups]
        total = len({r.authority for r in self.store.reports() if r.authority})
        which = f"the {len(shown)} of the {total} authorities in the library whose reports answer it best" \
            if total > MAX_COMPARED else "each authority whose report answers it"
        return (f"(The question names no council: answered for {which}. Name a council, or set your own, "
                "to ask about one.)")

    def _summaries(self, scope: Scope, vector: list[float]) -> Evidence:
        """The summary sections of each authority's report, in report order; the statement's own
        findings when the question names one; and for what people said, the findings that quote them."""
        plan, where = scope.plan, scope.where
        if not plan.quality_statements and (filtered := statements_in(where)):
            # The user's filter (a heatmap click on Equity, the sidebar's statements or themes) holds for
            # summaries as for any answer: "What were the main shortfalls?" stays in that statement.
            plan = replace(plan, quality_statements=filtered)
        authorities = list(where.authorities) or sorted({r.authority for r in self.store.reports() if r.authority})
        groups = []
        for authority in authorities:
            chunks = self._report_chunks(authority, where.report_ids)
            if plan.quality_statements:
                own = [c for c in chunks if c.quality_statement in plan.quality_statements]
            else:
                own = [c for c in chunks if not c.quality_statement and c.kind in ("paragraph", "rating")
                       and (c.kind == "rating" or SUMMARY_HEADING.search(c.heading))]
            findings = [RetrievedFinding(c, 1.0) for c in own]
            ranked: list[Selected] = []
            if plan.voices:  # what people said is also quoted in the findings on each subject
                found, ranked = self.retrieve(plan, scope.reading.standalone, replace(where, authorities=(authority,)),
                                              self.store.settings.retrieval.top_k, vector)
                findings = found + [f for f in findings if f.chunk.chunk_id not in {r.chunk.chunk_id for r in found}]
            groups.append(AuthorityEvidence(authority, findings, ranked))
        retrieved = [f for g in groups for f in g.findings]
        return Evidence(scope.question, plan, retrieved, [s for g in groups for s in g.ranked], groups)

    def _report_chunks(self, authority: str, report_ids: tuple[str, ...]) -> list[Chunk]:
        """The chunks of the authority's report answers use (its newest, if none of `report_ids` is its)."""
        reports = [r for r in self.store.reports() if r.authority == authority]
        newest = newest_per_authority(reports, report_ids).get(authority) or newest_per_authority(reports).get(authority)
        return self.store.catalog.report_chunks(newest.report_id) if newest else []


def statements_in(where: SearchFilter) -> tuple[str, ...]:
    """The quality statements a filter leaves in, in the framework's order; () when it sets none."""
    if not where.quality_statements and not where.themes:
        return ()
    return tuple(qs.name for qs in QUALITY_STATEMENTS
                 if (not where.quality_statements or qs.name in where.quality_statements)
                 and (not where.themes or qs.theme in where.themes))


def interleaved(lists: list[list[RetrievedFinding]]) -> list[RetrievedFinding]:
    """Each authority's best finding, then each one's second, and so on: every list is already in
    the order its answer reads it (reranked by its sentences), and the fused scores of different
    authorities' searches do not compare, so sorting them together would bury one council's best
    finding under another's third."""
    out: list[RetrievedFinding] = []
    for rank in range(max((len(found) for found in lists), default=0)):
        out += [found[rank] for found in lists if rank < len(found)]
    return out


def off_topic_penalty(chunk: Chunk, plan: QueryPlan, asks_for_standard: bool) -> float:
    """Findings that match a question's words without saying anything about the authority.

    The regulator's standard wording of a statement repeats its name in every report, and a
    score list names every statement; neither records what was found, so neither can ground
    an answer about practice or an improvement action.
    """
    if is_standard_wording(chunk.heading) and not asks_for_standard:
        return STANDARD_WORDING_PENALTY
    if plan.intent in (Intent.ACTIONS, Intent.GOOD_PRACTICE) and chunk.kind in ("score", "rating"):
        return STANDARD_WORDING_PENALTY
    return 0.0
