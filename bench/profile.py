"""Where a question's time goes, stage by stage: a timer keyed by stage, off unless the bench turns
it on, and the table it prints.

The bench wraps (in its own worker process only, before the store and the assistant are made) the
methods that do each stage's work: `install()` below names every one. Times are exclusive: a
catalog read made while choosing sentences counts as a catalog read, not twice, so a question's
stages add up to its time; what no stage claims (the glue between stages, the answer's notes) is
"other". The app never installs it: off, nothing is wrapped at all.

A method the profile expects but cannot find (renamed by later work) stops the bench with its
name, rather than leaving a stage silently at zero.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

# The stages, in the order of the question path (columns of the table).
STAGES = (
    "council names",       # the library's authority names read into the name matcher (question/names.py)
    "read question",       # follow-up rewrite, the plan (question/read.py, understand.py)
    "scope",               # your council, filters, absent councils (question/scope.py)
    "version choice",      # the report of each authority answered from (question/versions.py)
    "question embedding",  # the model's forward pass for the question (and any sentence it must embed)
    "keyword search",      # BM25 and its filter (vectorstore/keyword_index.py)
    "dense search",        # Chroma's filtered HNSW query (vectorstore/vectors.py)
    "catalog reads",       # every call into the catalog in the database (database/catalog.py)
    "retrieval glue",      # fusion, reranking, per-authority loops (evidence/search.py, retrieve.py)
    "sentence choice",     # sentences scored and chosen (evidence/sentences.py)
    "answer composition",  # the answerers, score lines, comparisons, the check (answers/, check/)
)
OTHER = "other"


class StageClock:
    """Exclusive time per stage: entering a stage stops its parent's clock until it leaves."""

    def __init__(self) -> None:
        self.on = False
        self._local = threading.local()
        self.current: dict[str, float] = defaultdict(float)

    def _stack(self) -> list[str]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
            self._local.mark = time.perf_counter()
        return stack

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if not self.on:
            yield
            return
        stack = self._stack()
        now = time.perf_counter()
        if stack:
            self.current[stack[-1]] += now - self._local.mark
        stack.append(name)
        self._local.mark = now
        try:
            yield
        finally:
            now = time.perf_counter()
            self.current[stack.pop()] += now - self._local.mark
            self._local.mark = now

    def take(self) -> dict[str, float]:
        """The seconds per stage since the last take, and start again."""
        taken, self.current = dict(self.current), defaultdict(float)
        return taken


CLOCK = StageClock()


def _timed_function(function, stage: str):
    if inspect.isgeneratorfunction(function):
        @functools.wraps(function)
        def generator(*args, **kwargs):
            inner = function(*args, **kwargs)
            while True:  # each resumption of the generator is the stage's work
                with CLOCK.stage(stage):
                    try:
                        piece = next(inner)
                    except StopIteration as done:
                        return done.value
                yield piece

        return generator

    @functools.wraps(function)
    def timed(*args, **kwargs):
        with CLOCK.stage(stage):
            return function(*args, **kwargs)

    timed.__bench_stage__ = stage
    return timed


def _wrap_method(cls, name: str, stage: str) -> None:
    original = cls.__dict__.get(name)
    if original is None or not callable(original):
        raise SystemExit(f"bench: the profile expects {cls.__module__}.{cls.__qualname__}.{name} "
                         "(renamed?); update bench/profile.py")
    if getattr(original, "__bench_stage__", None):
        return  # installed already
    setattr(cls, name, _timed_function(original, stage))


def _wrap_function(module_name: str, name: str, stage: str) -> None:
    """A module-level function, wherever it has been imported by name."""
    module = sys.modules[module_name]
    original = getattr(module, name, None)
    if original is None:
        raise SystemExit(f"bench: the profile expects {module_name}.{name} (renamed?); update bench/profile.py")
    if getattr(original, "__bench_stage__", None):
        return
    timed = _timed_function(original, stage)
    for other in list(sys.modules.values()):
        if getattr(other, name, None) is original:
            setattr(other, name, timed)


def install() -> StageClock:
    """Wrap every stage's methods (classes, so objects made afterwards carry them). Off until
    `CLOCK.on` is set; call before the store and the assistant are made."""
    import assistant.chain as chain
    from assistant.answers.answer import AnswerQuestion
    from assistant.check.every_answer import CheckAnswer
    from assistant.evidence.retrieve import RetrieveEvidence
    from assistant.evidence.search import HybridSearch
    from assistant.evidence.sentences import SentenceSelector
    from assistant.question.read import ReadQuestion
    from assistant.question.scope import ResolveScope
    from database.catalog import Catalog
    from vectorstore.embeddings import OnnxEmbeddings, SentenceTransformerEmbeddings
    from vectorstore.store import LibraryStore

    _wrap_method(ReadQuestion, "names", "council names")
    _wrap_method(ReadQuestion, "run", "read question")
    _wrap_method(ResolveScope, "run", "scope")
    _wrap_function("assistant.question.versions", "choose_versions", "version choice")
    for embedder in (OnnxEmbeddings, SentenceTransformerEmbeddings):
        _wrap_method(embedder, "embed_query", "question embedding")
        _wrap_method(embedder, "embed_documents", "question embedding")
    _wrap_method(LibraryStore, "keyword_search", "keyword search")
    _wrap_method(LibraryStore, "dense_search", "dense search")
    for name, member in vars(Catalog).items():
        if not name.startswith("_") and inspect.isfunction(member):
            _wrap_method(Catalog, name, "catalog reads")
    _wrap_method(RetrieveEvidence, "run", "retrieval glue")
    _wrap_method(HybridSearch, "search", "retrieval glue")
    for name in ("rank", "choose", "sentence_vectors"):
        _wrap_method(SentenceSelector, name, "sentence choice")
    _wrap_method(AnswerQuestion, "run", "answer composition")
    _wrap_method(CheckAnswer, "run", "answer composition")
    _wrap_method(chain.Assistant, "_after_notes", "answer composition")
    return CLOCK


class Profile:
    """Stage times per question kind: the sum over questions, and how many."""

    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, float]] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, kind: str, total_s: float, stages: dict[str, float]) -> None:
        row = self.kinds.setdefault(kind, defaultdict(float))
        claimed = 0.0
        for stage, seconds in stages.items():
            row[stage] += seconds
            claimed += seconds
        row[OTHER] += max(total_s - claimed, 0.0)
        row["total"] += total_s
        self.counts[kind] += 1

    def as_dict(self) -> dict:
        """Milliseconds per question (means, so a row's stages add up to its total)."""
        return {kind: {"n": self.counts[kind],
                       **{stage: round(row.get(stage, 0.0) * 1000 / self.counts[kind], 1)
                          for stage in (*STAGES, OTHER, "total")}}
                for kind, row in self.kinds.items()}


@contextmanager
def profiling(profile: Profile, kind: str) -> Iterator[None]:
    """Time one question under `kind`, stage by stage."""
    CLOCK.take()
    CLOCK.on = True
    start = time.perf_counter()
    try:
        yield
    finally:
        total = time.perf_counter() - start
        CLOCK.on = False
        profile.add(kind, total, CLOCK.take())


# Column headings short enough for a terminal; the table's note says what each holds.
SHORT = {
    "council names": "names", "read question": "read", "scope": "scope", "version choice": "versions",
    "question embedding": "embed", "keyword search": "bm25", "dense search": "dense", "catalog reads": "catalog",
    "retrieval glue": "retrieve", "sentence choice": "sentences", "answer composition": "answer", OTHER: "other",
    "total": "total",
}


def profile_table(rows: dict[str, dict], title: str) -> list[str]:
    """Rows of kinds, columns of stages, mean ms per question."""
    if not rows:
        return []
    columns = (*STAGES, OTHER, "total")
    rows = {(kind if len(kind) <= 52 else kind[:51] + "…"): row for kind, row in rows.items()}
    label_width = max(len(k) for k in rows) + 8
    widths = [max(len(SHORT[c]), 7) + 1 for c in columns]
    head = f"{'kind (questions)':<{label_width}}" + "".join(f"{SHORT[c]:>{w}}" for c, w in zip(columns, widths))
    lines = [title, "  " + head]
    for kind, row in rows.items():
        label = f"{kind} ({row['n']})"
        lines.append("  " + f"{label:<{label_width}}" + "".join(f"{row[c]:>{w}.1f}" for c, w in zip(columns, widths)))
    return lines


STAGE_NOTE = ("  mean ms per question, exclusive (a catalog read inside sentence choice counts once, as catalog): "
              "names = the library's council names read for the question; embed = the question's forward pass; "
              "bm25 / dense = keyword and vector search with their filters; retrieve = fusion, reranking and "
              "per-authority loops; other = what no stage claims")
