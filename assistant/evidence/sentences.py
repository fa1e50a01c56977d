"""The sentences of the retrieved findings, scored by how well each answers the question (dense
similarity plus idf-weighted coverage of its terms), and the few chosen to quote. Retrieval reranks
findings by them, the answerers quote them (`assistant.answers.quoted`), and a model's prompt
carries them, so the default answer needs no model.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.evidence.figures import LEANS_BACK, figure_kinds, fits_kinds, with_measure_words
from assistant.models import RetrievedFinding
from cqc.text.sentences import answer_sentences
from cqc.text.tokens import tokenize

# Words that carry no evidence about the answer: every question about a report shares them, they
# ask for a comparison or a draft, or they name a measure that the figure itself answers.
GENERIC = frozenset(tokenize(
    "council councils local authority authorities cqc report reports team tell told say said "
    "find found show shows give gave get got receive received county city borough metropolitan "
    "compare compared comparison higher lower highest lowest more fewer most least better worse between "
    "draft suggest recommend improvement improvements action actions plan based findings "
    "uptake rate rates level levels number proportion percentage share figure"
))
# Questions whose answer is a figure: a sentence without one cannot answer them.
_FIGURE_QUESTION = re.compile(
    r"\b(how (many|much|long|often)|what (proportion|percentage|share|number)|"
    r"what\b[^?]*\b(rate|fee|fees|cost|costs|price|budget|uptake|overspend|spend|amount|total|vacancy|score|wait|time)\b)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# Words with which reports record a shortfall: what an improvement action has to answer.
SHORTFALL = re.compile(
    r"\b(however|but|not|only|no|lack\w*|delay\w*|wait\w*|backlog|below|inconsistent\w*|varied|"
    r"shortfall\w*|concern\w*|gap\w*|unclear|late|longer|fewer|fell|risk\w*|could not|did not|had not)\b",
    re.IGNORECASE,
)

# Relevance thresholds (0..1), set from the spread of scores over answerable and unanswerable
# questions alike, never from any single question. A figure question must find a sentence with a
# figure that covers most of what it asks about ("weekly fee ... residential care home bed" is not
# answered by an hourly home care rate); an open question needs a sentence on its subject.
MIN_SENTENCE_SCORE = 0.35
MIN_FIGURE_COVERAGE = 0.5
FOLLOW_ON_MARGIN = 0.1


@dataclass(frozen=True)
class Selected:
    finding: RetrievedFinding
    sentence: str
    relevance: float  # how well the sentence answers: similarity and coverage of the question's terms
    coverage: float
    lead: str = ""  # the sentence before it, when it leans on it ("Its actual spend ..."): quoted with it
    right_kind: bool = True  # for a figure question: it states a figure of the kind asked (money for a cost ...)




def wants_figure(question: str) -> bool:
    return bool(_FIGURE_QUESTION.search(question))


def answers_figure(s: Selected) -> bool:
    """The test for figure questions: the sentence states a figure of the kind asked for (money for
    a cost, a count or share for "how many", a percentage or ratio for a share, a duration for "how
    long": `evidence.figures.figure_kinds`) and covers most of what was asked. The kind does not
    move with the library's size, as the coverage's word weights do."""
    return bool(_DIGIT.search(s.sentence)) and s.right_kind and s.coverage >= MIN_FIGURE_COVERAGE


# Sentence vectors embedded at question time, kept between questions. Ingest stores every answer
# sentence's vector, so this serves only findings without them (a library written before they were
# stored, or by the torch backend, which gives no token states). 50,000 vectors are about 75 MB.
SENTENCE_CACHE_SIZE = 50_000


class SentenceVectors:
    """Embeds sentences once per process, least recently used dropped first; safe across threads."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]], size: int = SENTENCE_CACHE_SIZE):
        self.embed = embed
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, sentences: list[str]) -> np.ndarray:
        with self._lock:
            have = {s: self._vectors[s] for s in sentences if s in self._vectors}
            for s in have:
                self._vectors.move_to_end(s)
        missing = [s for s in dict.fromkeys(sentences) if s not in have]
        if missing:
            have.update(zip(missing, np.asarray(self.embed(missing), dtype=np.float32)))
            with self._lock:
                self._vectors.update((s, have[s]) for s in missing)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return np.stack([have[s] for s in sentences])


StoredVectors = Callable[[list[str]], dict[str, np.ndarray]]  # chunk ids -> their sentences' vectors


class SentenceSelector:
    def __init__(self, embed: Callable[[list[str]], list[list[float]]], idf: Callable[[str], float],
                 stored: StoredVectors | None = None):
        self.embed = SentenceVectors(embed)
        self.idf = idf
        self.stored = stored

    def sentence_vectors(self, findings: list[RetrievedFinding]) -> tuple[list[tuple[RetrievedFinding, str]], np.ndarray]:
        """Every answer sentence of the findings with its vector: the one ingest stored (pooled from
        the finding's own forward pass), else embedded now and kept in the cache."""
        stored = self.stored([f.chunk.chunk_id for f in findings]) if self.stored else {}
        pairs: list[tuple[RetrievedFinding, str]] = []
        rows: list[np.ndarray | None] = []
        for f in findings:
            sentences = answer_sentences(f.chunk.text)
            matrix = stored.get(f.chunk.chunk_id)
            if matrix is None or len(matrix) != len(sentences):  # none stored, or split otherwise then
                matrix = np.full((len(sentences), 1), np.nan, dtype=np.float32)
            for sentence, row in zip(sentences, matrix):
                pairs.append((f, sentence))
                rows.append(None if np.isnan(row).any() else row)
        missing = [s for (_, s), row in zip(pairs, rows) if row is None]
        if missing:
            fresh = iter(self.embed(missing))
            rows = [row if row is not None else next(fresh) for row in rows]
        return pairs, (np.stack(rows) if rows else np.empty((0, 0), dtype=np.float32))

    def query_terms(self, question: str) -> set[str]:
        return {t for t in tokenize(with_measure_words(question)) if t not in GENERIC}

    def coverage(self, terms: set[str], text: str) -> float:
        if not terms:
            return 0.0
        have = set(tokenize(text))
        total = sum(self.idf(t) for t in terms)
        return sum(self.idf(t) for t in terms if t in have) / total if total else 0.0

    def rank(
        self, question: str, query_vector: list[float], findings: list[RetrievedFinding], shortfalls: bool = False
    ) -> list[Selected]:
        """Every sentence of the findings, scored, best first."""
        terms = self.query_terms(question)
        figure = wants_figure(question)
        kinds = figure_kinds(question) if figure else frozenset()
        pairs, vectors = self.sentence_vectors(findings)
        if not pairs:
            return []
        similarity = vectors @ np.asarray(query_vector, dtype=np.float32)
        ranked = []
        previous: tuple[RetrievedFinding | None, str] = (None, "")
        for rank_in, ((finding, sentence), sim) in enumerate(zip(pairs, similarity)):
            lead = previous[1] if previous[0] is finding and LEANS_BACK.match(sentence) else ""
            previous = (finding, sentence)
            # The heading names what a paragraph is about ("Direct payments"): it counts as context.
            own = with_measure_words(f"{finding.chunk.heading} {sentence}")
            # A sentence quoted with the one it leans on covers the question with both.
            cov = self.coverage(terms, f"{own} {lead}" if lead else own)
            relevance = 0.5 * float(sim) + 0.5 * cov
            right_kind = fits_kinds(sentence, kinds)
            if figure:
                relevance += 0.06 if _DIGIT.search(sentence) else -0.06
            if shortfalls and SHORTFALL.search(sentence):
                relevance += 0.1
            ranked.append(Selected(finding, sentence, relevance, cov, lead, right_kind))
        ranked.sort(key=lambda s: -s.relevance)
        return ranked

    def choose(
        self, ranked: list[Selected], figure: bool, max_sentences: int = 3, per_finding: int = 2,
        margin: float = FOLLOW_ON_MARGIN,
    ) -> list[Selected]:
        """The best sentence, and the ones close behind it that are not repeats; none when nothing answers."""
        if not ranked or ranked[0].relevance < MIN_SENTENCE_SCORE:
            return []
        if figure and not any(answers_figure(s) for s in ranked[:3]):
            return []
        best = ranked[0].relevance
        chosen: list[Selected] = []
        for cand in ranked:
            if len(chosen) >= max_sentences or cand.relevance < max(MIN_SENTENCE_SCORE, best - margin):
                break
            if sum(c.finding is cand.finding for c in chosen) >= per_finding:
                continue
            if any(cand.sentence == c.sentence for c in chosen):
                continue
            chosen.append(cand)
        return chosen
