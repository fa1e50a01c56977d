"""What the assistant hands to the CLI and the app: answers whose every marker resolves."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqc.models import Chunk

# The fixed reply when the library's reports do not answer; tests and the app reuse it.
NOT_IN_REPORTS = "The reports in the library do not say."


@dataclass(frozen=True)
class Removal:
    """What a check took out of a generated answer (or gave a marker), and why."""

    text: str
    reason: str

    def as_json(self) -> dict:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class Citation:
    marker: int
    chunk_id: str
    authority: str
    published: str
    quality_statement: str
    score: int | None
    heading: str
    text: str  # the finding's own text
    quote: str = ""  # the sentence of it the answer relies on
    location: str = ""
    source: str = ""
    closest: bool = False  # quoted as the nearest context to a question the reports do not answer, not as its answer

    @classmethod
    def of(cls, marker: int, chunk: Chunk, quote: str = "") -> Citation:
        return cls(
            marker=marker, chunk_id=chunk.chunk_id, authority=chunk.authority, published=chunk.published,
            quality_statement=chunk.quality_statement, score=chunk.score, heading=chunk.heading,
            text=chunk.text, quote=quote, location=chunk.location, source=chunk.source,
        )

    def as_json(self) -> dict:
        keys = ("marker", "chunk_id", "authority", "published", "quality_statement", "score", "heading", "text")
        out = {k: getattr(self, k) for k in keys}
        if self.closest:
            out["closest"] = True
        return out


@dataclass(frozen=True)
class RetrievedFinding:
    chunk: Chunk
    rank_score: float  # the fused rank of retrieval (reciprocal rank fusion); higher is better
    dense: float = 0.0  # cosine similarity to the question, 0 when only BM25 found it

    def as_json(self) -> dict:
        c = self.chunk
        return {
            "chunk_id": c.chunk_id, "authority": c.authority, "quality_statement": c.quality_statement,
            "heading": c.heading, "text": c.text,
        }


@dataclass(frozen=True)
class FigureRow:
    """One council's figure in an answer that lines councils up on a measure (a ranking, a filter,
    an average, side by side): what the eval checks and the app's Measures view opens from."""

    authority: str
    value: float  # in the unit ranked (weeks counted in days, "1 in 4" as 25%)
    unit: str
    figure: str  # as the report writes it
    period: str
    qualifier: str
    marker: int  # the citation of the sentence it was read from
    position: int = 0  # its place in a ranking; 0 when not ranked
    note: str = ""  # a conversion ("21 weeks, counted as 147 days")
    # Which list of the answer it is in: "" the answer itself (the ranking, the councils past a figure);
    # "other" the rest of a filter; "set_aside" not like for like; "above"/"below"/"the same" a comparator
    group: str = ""

    def as_json(self) -> dict:
        return {"authority": self.authority, "value": self.value, "unit": self.unit, "figure": self.figure,
                "period": self.period, "qualifier": self.qualifier, "marker": self.marker, "position": self.position,
                "note": self.note, "group": self.group}


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[RetrievedFinding] = field(default_factory=list)
    standalone_question: str = ""  # the question after follow-up rewriting
    kind: str = "extractive"  # extractive | catalog | measures | comparison | actions | abstained
    filters: dict = field(default_factory=dict)
    backend: str = "extractive"  # what wrote the answer: extractive, catalog, or the chat model's name
    removed: list[Removal] = field(default_factory=list)  # what checking took out of a generated answer
    attributed: list[Removal] = field(default_factory=list)  # uncited sentences checking gave a finding's marker
    measure: str = ""  # the measure an answer lines councils up on (kind "measures"), a vocabulary key
    rows: list[FigureRow] = field(default_factory=list)  # its councils' figures, each cited

    def as_json(self, qid: str | None = None) -> dict:
        out: dict = {} if qid is None else {"id": qid}
        out.update(
            question=self.question,
            answer=self.answer,
            abstained=self.abstained,
            citations=[c.as_json() for c in self.citations],
            retrieved=[r.as_json() for r in self.retrieved[:10]],
        )
        out["backend"] = self.backend
        if self.removed:
            out["removed"] = [r.as_json() for r in self.removed]
        if self.attributed:
            out["attributed"] = [r.as_json() for r in self.attributed]
        if self.measure:
            out["measure"] = self.measure
            out["rows"] = [r.as_json() for r in self.rows]
        if self.standalone_question and self.standalone_question != self.question:
            out["standalone_question"] = self.standalone_question
        return out

