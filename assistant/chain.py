"""The answering chain: rewrite -> understand -> gather (catalog | per-authority | hybrid retrieval) -> answerer.

Each step is a LangChain runnable so the chain can be traced, streamed or swapped piecewise; the
steps themselves are plain functions over typed values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, replace

from langchain_core.runnables import RunnableLambda

from assistant.answerers import AuthorityEvidence, Evidence, ExtractiveAnswerer, GenerativeAnswerer
from assistant.extractive import Selected, SentenceSelector
from assistant.followup import rewrite, rewrite_with_model
from assistant.llm.backends import backend_name, chat_model_for
from assistant.models import Answer, RetrievedFinding
from assistant.query import AuthorityNames, QueryPlan, understand
from assistant.retrieval import RRF_K, HybridSearch
from assistant.scores import ScoreAnswerer
from ingest.cqc import is_standard_wording
from vectorstore.catalog import ReportEntry
from vectorstore.settings import Settings
from vectorstore.store import LibraryStore, SearchFilter


@dataclass
class Turn:
    """What one step of the chain has worked out so far."""

    question: str
    history: list[str] = field(default_factory=list)
    scope: SearchFilter = SearchFilter()
    standalone: str = ""
    plan: QueryPlan | None = None
    where: SearchFilter = SearchFilter()
    vector: list[float] | None = None
    answer: Answer | None = None  # set early by the catalog for score and rating questions
    evidence: Evidence | None = None
    notes: list[str] = field(default_factory=list)  # said after the answer: what it covers
    names: AuthorityNames = field(default_factory=AuthorityNames)


# Enough to move a finding below every one that is about the question, not out of the results.
STANDARD_WORDING_PENALTY = 0.5
_ASKS_FOR_STANDARD = re.compile(r"\b(commitment|expect\w*|standard|we statement|i statement)\b", re.IGNORECASE)
MAX_COMPARED = 12  # authorities answered side by side when the question names none
RERANK_CANDIDATES = 25  # fused candidates whose sentences are scored before the top k are kept


class AnswerStream:
    """The pieces of an answer as they are written; `.answer` holds the checked answer once exhausted."""

    def __init__(self, pieces: Generator[str, None, Answer]):
        self._pieces = pieces
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        self.answer = yield from self._pieces

    def finish(self) -> Answer:
        for _ in self:
            pass
        assert self.answer is not None
        return self.answer


class Assistant:
    def __init__(self, store: LibraryStore, answerer: ExtractiveAnswerer | GenerativeAnswerer | None = None):
        self.store = store
        self.search = HybridSearch(store)
        self.selector = SentenceSelector(store.embeddings.embed_documents, store.keywords.idf, stored=store.sentence_vectors)
        self.scores = ScoreAnswerer(store)
        self.answerer = answerer or answerer_for(store.settings, self.selector, store.reports)
        # Reading the question is cheap and deterministic; answering may stream from a model.
        self.prepare = (
            RunnableLambda(self._rewrite, name="rewrite_follow_up")
            | RunnableLambda(self._understand, name="understand_question")
            | RunnableLambda(self._gather, name="gather_evidence")
        )

    # -- public ----------------------------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None, scope: SearchFilter | None = None) -> Answer:
        """Answer one question. `history` is the user's earlier questions, oldest first; `scope`
        is what the user chose in the interface (their own council, a quality statement)."""
        return self.stream(question, history, scope).finish()

    def stream(self, question: str, history: list[str] | None = None, scope: SearchFilter | None = None) -> AnswerStream:
        """The same answer as `ask`, written piece by piece (for `st.write_stream`)."""
        turn = self.prepare.invoke(Turn(question=question, history=list(history or []), scope=scope or SearchFilter()))
        return AnswerStream(self._write(turn))

    def evidence(
        self, question: str, scope: SearchFilter | None = None, k: int | None = None
    ) -> tuple[QueryPlan, SearchFilter, list[RetrievedFinding], list[Selected]]:
        """What an answer would be built from, for answerers other than the chain's own: the
        question as read, the filter applied, the findings kept (best first) and their sentences
        scored (best first; shortfalls favoured when the question asks for actions)."""
        turn = self._understand(self._rewrite(Turn(question=question, scope=scope or SearchFilter())))
        assert turn.plan is not None
        retrieved, ranked = self._retrieve(turn, turn.where, k or self.store.settings.top_k)
        return turn.plan, turn.where, retrieved, ranked

    def names(self) -> AuthorityNames:
        return AuthorityNames.from_authorities(sorted({r.authority for r in self.store.reports() if r.authority}))

    # -- steps -----------------------------------------------------------------------------
    def _rewrite(self, turn: Turn) -> Turn:
        turn.names = self.names()  # read from the catalog once per question
        model = getattr(self.answerer, "model", None)
        if model is not None and self.store.settings.llm_rewrite:
            turn.standalone = rewrite_with_model(model, turn.question, turn.history, turn.names)
        else:
            turn.standalone = rewrite(turn.question, turn.history, turn.names)
        return turn

    def _understand(self, turn: Turn) -> Turn:
        plan = understand(turn.standalone, turn.names)
        turn.plan = plan
        # Authorities named in the question win over the interface's choice.
        authorities = plan.authorities or turn.scope.authorities
        turn.where = replace(turn.scope, authorities=tuple(authorities))
        if not turn.scope.report_ids:  # one report per authority: the newest, or the one whose date is asked
            turn.where = replace(turn.where, report_ids=self.store.versions(turn.standalone).report_ids)
        return turn

    def _gather(self, turn: Turn) -> Turn:
        """A catalog answer when the question asks for ratings or scores, else the evidence to answer from."""
        plan = turn.plan
        assert plan is not None
        if plan.wants_score:
            turn.answer = self._answer_from_catalog(turn)
        if turn.answer is None:
            if plan.is_comparison or len(turn.where.authorities) > 1:
                turn.evidence = self._evidence_per_authority(turn)
            else:
                retrieved, ranked = self._retrieve(turn, turn.where, self.store.settings.top_k)
                turn.evidence = Evidence(turn.question, plan, retrieved, ranked)
        return turn

    def _write(self, turn: Turn) -> Generator[str, None, Answer]:
        if turn.answer is not None:
            answer = turn.answer
            yield answer.answer
        else:
            assert turn.evidence is not None
            answer = yield from self.answerer.stream(turn.evidence)
        # Where the library holds several reports of an authority, say which one the answer used.
        dates = self.store.versions(turn.standalone).note([(c.authority, c.published) for c in answer.citations])
        for note in [dates, *turn.notes] if not answer.abstained else [dates]:
            if note:
                answer.answer += f"\n\n{note}"
                yield f"\n\n{note}"
        answer.standalone_question = turn.standalone
        answer.filters = {
            "authorities": list(turn.where.authorities),
            "quality_statements": list(turn.where.quality_statements),
            "themes": list(turn.where.themes),
        }
        return answer

    # -- answerers -------------------------------------------------------------------------
    def _fused(self, turn: Turn, where: SearchFilter, k: int) -> list[RetrievedFinding]:
        """Dense + BM25 candidates for the question as read, the query embedded once per turn."""
        plan = turn.plan
        assert plan is not None
        if turn.vector is None:
            turn.vector = self.store.embeddings.embed_query(plan.content or turn.standalone)
        return self.search.search(
            turn.standalone, where, k, keyword_text=plan.content, named_statements=plan.quality_statements,
            topic_statements=plan.topic_statements, query_vector=turn.vector,
        )

    def _retrieve(self, turn: Turn, where: SearchFilter, k: int) -> tuple[list[RetrievedFinding], list[Selected]]:
        """Hybrid candidates, reranked by how well their best sentences answer the question.

        Fusion ranks whole paragraphs; the question is usually answered by one or two sentences
        in them, so a paragraph's best two sentences (scored as the answerer scores them) decide
        its place, with the fused rank as a prior.
        """
        plan = turn.plan
        assert plan is not None
        candidates = self._fused(turn, where, max(k, RERANK_CANDIDATES))
        ranked = self.selector.rank(plan.content, turn.vector, candidates, shortfalls=plan.wants_actions)
        sentence_scores: dict[str, list[float]] = {}
        for s in ranked:  # best first, so each list is in descending order
            sentence_scores.setdefault(s.finding.chunk.chunk_id, []).append(s.score)

        asks_for_standard = bool(_ASKS_FOR_STANDARD.search(plan.content))

        def value(item: tuple[int, RetrievedFinding]) -> float:
            rank, finding = item
            best = sentence_scores.get(finding.chunk.chunk_id, [0.0])[:2]
            prior = (RRF_K + 1) / (RRF_K + rank + 1)  # 1.0 for the top fused result, slowly falling
            return sum(best) / 2 + prior - self._off_topic_penalty(finding, plan, asks_for_standard)

        reranked = [f for _, f in sorted(enumerate(candidates), key=value, reverse=True)][:k]
        kept = {f.chunk.chunk_id for f in reranked}
        # The answerer reuses these sentence scores rather than embedding the sentences again.
        return reranked, [s for s in ranked if s.finding.chunk.chunk_id in kept]

    @staticmethod
    def _off_topic_penalty(finding: RetrievedFinding, plan: QueryPlan, asks_for_standard: bool) -> float:
        """Findings that match a question's words without saying anything about the authority.

        The regulator's standard wording of a statement repeats its name in every report, and a
        score list names every statement; neither records what was found, so neither can ground
        an answer about practice or an improvement action.
        """
        chunk = finding.chunk
        if is_standard_wording(chunk.heading) and not asks_for_standard:
            return STANDARD_WORDING_PENALTY
        if plan.wants_actions and chunk.kind in ("score", "rating"):
            return STANDARD_WORDING_PENALTY
        return 0.0

    def _answer_from_catalog(self, turn: Turn) -> Answer | None:
        plan = turn.plan
        assert plan is not None
        # With no authority named or selected, the catalog answers for every one, side by side.
        result = self.scores.answer(plan, list(turn.where.authorities), turn.where.report_ids)
        if result is None:
            return None
        text, citations, cited = result
        rest, _ = self._retrieve(turn, turn.where, self.store.settings.top_k)
        retrieved = cited + [f for f in rest if f.chunk.chunk_id not in {c.chunk_id for c in citations}]
        return Answer(
            turn.question, text, False, citations, retrieved[: max(10, len(cited))], kind="catalog", backend="catalog"
        )

    def _evidence_per_authority(self, turn: Turn) -> Evidence:
        """Retrieve for each authority on its own: a global top-k would answer a comparison from
        whichever authority ranks first."""
        plan = turn.plan
        assert plan is not None
        authorities = list(turn.where.authorities) or sorted(set(turn.names.names.values()))
        if not turn.where.authorities and len(authorities) > MAX_COMPARED:
            # "Which authorities ..." over a national library: one search picks the authorities
            # whose findings answer best, rather than one search per authority (minutes at 150).
            found = self._fused(turn, turn.where, self.store.settings.candidate_k)
            total = len(authorities)
            authorities = list(dict.fromkeys(f.chunk.authority for f in found if f.chunk.authority))[:MAX_COMPARED]
            turn.notes.append(
                f"(The {len(authorities)} authorities whose findings match the question best, of {total} in the "
                "library; name authorities to compare others.)"
            )
        per = max(3, self.store.settings.top_k // max(len(authorities), 1))
        groups = []
        for authority in authorities:
            found, ranked = self._retrieve(turn, replace(turn.where, authorities=(authority,)), per)
            groups.append(AuthorityEvidence(authority, found, ranked))
        retrieved = sorted((f for g in groups for f in g.findings), key=lambda f: -f.score)
        return Evidence(turn.question, plan, retrieved, [s for g in groups for s in g.ranked], groups)


def answerer_for(
    settings: Settings, selector: SentenceSelector, reports: Callable[[], list[ReportEntry]] | None = None
) -> ExtractiveAnswerer | GenerativeAnswerer:
    """`reports` is the catalog: a model's answer is checked against it for ratings and scores."""
    extractive = ExtractiveAnswerer(selector)
    model = chat_model_for(settings)
    if model is None:
        return extractive
    return GenerativeAnswerer(model, settings, backend_name(settings), fallback=extractive, reports=reports)
