"""The question path, stage by stage, each a small class with one `run()` and frozen values between:

    ReadQuestion -> ResolveScope -> RetrieveEvidence -> AnswerQuestion -> CheckAnswer
    question/read   question/scope  evidence/retrieve   answers/answer    check/every_answer

The first three are LangChain runnables piped together (so the path can be traced or swapped
piecewise); answering streams, and checking runs on the finished answer.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import replace

from langchain_core.runnables import RunnableLambda

from assistant.answers.answer import AnswerQuestion
from assistant.answers.parts import PartAnswerer
from assistant.answers.scores import ScoreAnswerer
from assistant.answers.writers import ExtractiveAnswerer, GenerativeAnswerer
from assistant.check.every_answer import CheckAnswer
from assistant.evidence.retrieve import RetrieveEvidence
from assistant.evidence.sentences import Selected, SentenceSelector
from assistant.llm.backends import backend_name, chat_model_for
from assistant.models import Answer, RetrievedFinding
from assistant.path import Asked, Gathered
from assistant.question.names import AuthorityNames
from assistant.question.query_plan import QueryPlan
from assistant.question.read import ReadQuestion
from assistant.question.scope import ResolveScope
from assistant.question.versions import choose_versions
from cqc.records import ReportEntry, SearchFilter
from config import Settings
from ingest.normalise import normalise_text
from vectorstore.store import LibraryStore


def question_text(question: str | bytes) -> str:
    """A question as the text a person sees, whatever bytes arrived.

    Bytes are read as UTF-8; a byte that is not UTF-8 (which Python keeps as a lone surrogate when
    a terminal's encoding could not read it), and a lone surrogate from a JSON escape ("\\ud800"),
    become U+FFFD, the replacement character, so nothing further down meets a string it cannot
    encode. Then the question is read as ingest reads a report (`ingest.normalise`): NFKC, nothing
    invisible, look-alike letters folded, so "Lark\u200bbridge" or "Larkbr\u0456dge" (a Cyrillic
    i) is the council the library holds under that name.
    """
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    return normalise_text("".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in question))


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
        self.selector = SentenceSelector(store.embeddings.embed_documents, store.keywords.idf, stored=store.sentence_vectors)
        self.scores = ScoreAnswerer(store)
        self.answerer = answerer or answerer_for(store.settings, self.selector, store.reports)
        self.read = ReadQuestion(store, model=getattr(self.answerer, "model", None))
        self.resolve = ResolveScope(store)
        self.gather = RetrieveEvidence(store, self.selector)
        self.search = self.gather.search
        parts = PartAnswerer(self.selector, self.gather.retrieve, store.embeddings.embed_query)
        self.respond = AnswerQuestion(store, self.answerer, parts)
        self.check = CheckAnswer()
        # Reading, scoping and gathering are cheap and deterministic; answering may stream from a model.
        self.prepare = (
            RunnableLambda(self.read.run, name="read_question")
            | RunnableLambda(self.resolve.run, name="resolve_scope")
            | RunnableLambda(self.gather.run, name="retrieve_evidence")
        )

    # -- public ----------------------------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None, scope: SearchFilter | None = None,
            home: str | None = None) -> Answer:
        """Answer one question.

        `history`: the user's earlier questions, oldest first (follow-ups are rewritten from them).
        `scope`: the filters the user set (authorities, statements, themes, reports by score or
        date); a council the question names outside them is said to be filtered out.
        `home`: the user's own council, what "we", "our" and a question naming no council mean;
        None reads `CQC_HOME_AUTHORITY`, "" means none.
        """
        return self.stream(question, history, scope, home).finish()

    def stream(self, question: str, history: list[str] | None = None, scope: SearchFilter | None = None,
               home: str | None = None) -> AnswerStream:
        """The same answer as `ask`, written piece by piece (for `st.write_stream`)."""
        earlier = tuple(question_text(q) for q in history or ())
        asked = Asked(question_text(question), earlier, scope or SearchFilter(), self.home(home))
        return AnswerStream(self._write(self.prepare.invoke(asked)))

    def home(self, home: str | None = None) -> str:
        """The home authority in force: the one given, else the configured default."""
        return question_text(self.store.settings.app.home_authority if home is None else home).strip()

    def evidence(
        self, question: str, scope: SearchFilter | None = None, k: int | None = None
    ) -> tuple[QueryPlan, SearchFilter, list[RetrievedFinding], list[Selected]]:
        """What an answer would be built from, for answerers other than the path's own (drafted
        actions): the question as read, the filter applied, the findings kept (best first) and
        their sentences scored (best first; shortfalls favoured when the question asks for actions)."""
        scope = scope or SearchFilter()
        reading = self.read.run(Asked(question_text(question), filters=scope))
        plan = reading.plan
        where = replace(scope, authorities=tuple(plan.authorities or scope.authorities))
        if not scope.report_ids:
            where = replace(where, report_ids=choose_versions(self.store.reports(), reading.standalone).report_ids)
        vector = self.store.embeddings.embed_query(plan.content or reading.standalone)
        retrieved, ranked = self.gather.retrieve(plan, reading.standalone, where, k or self.store.settings.retrieval.top_k, vector)
        return plan, where, retrieved, ranked

    def names(self) -> AuthorityNames:
        return self.read.names()

    # -- the last two stages, and what the answer says about its own scope ---------------------------
    def _write(self, gathered: Gathered) -> Generator[str, None, Answer]:
        scope = gathered.scope
        before = "\n\n".join(scope.notes)
        if before:
            yield before + ("" if scope.nothing_left else "\n\n")
        answer = yield from self.respond.run(gathered)
        answer = self.check.run(answer, scope)
        after = [note for note in self._after_notes(gathered, answer) if note]
        for note in after:
            yield f"\n\n{note}"
        text = "\n\n".join(p for p in [before, answer.answer, *after] if p)
        return replace(
            answer, answer=text, standalone_question=scope.reading.standalone,
            filters={
                "authorities": list(scope.where.authorities),
                "quality_statements": list(scope.where.quality_statements),
                "themes": list(scope.where.themes),
            },
        )

    def _after_notes(self, gathered: Gathered, answer: Answer) -> list[str]:
        scope = gathered.scope
        if answer.kind in ("clarify", "absent"):
            return []
        # Where the library holds several reports of an authority, say which one the answer used.
        notes = [choose_versions(self.store.reports(), scope.reading.standalone).note([(c.authority, c.published) for c in answer.citations])]
        if answer.abstained:
            return notes
        if scope.home_used:
            notes.append(f"(Answered for your council, {scope.home_used}.)")
        return notes + list(gathered.notes)


def answerer_for(
    settings: Settings, selector: SentenceSelector, reports: Callable[[], list[ReportEntry]] | None = None
) -> ExtractiveAnswerer | GenerativeAnswerer:
    """`reports` is the catalog: a model's answer is checked against it for ratings and scores."""
    extractive = ExtractiveAnswerer(selector)
    model = chat_model_for(settings)
    if model is None:
        return extractive
    return GenerativeAnswerer(model, settings, backend_name(settings), fallback=extractive, reports=reports)
