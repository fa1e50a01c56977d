"""The values passed along the question path, each made by one stage and read by the next:

    Asked --ReadQuestion--> Reading --ResolveScope--> Scope --RetrieveEvidence--> Gathered
          --AnswerQuestion--> Answer --CheckAnswer--> Answer

Frozen, so no stage can change what an earlier one decided; a test can build any of them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.evidence.bundle import Evidence
from assistant.question.names import AuthorityNames
from assistant.question.query_plan import QueryPlan
from cqc.records import SearchFilter


@dataclass(frozen=True)
class Asked:
    """What the user gave: the question, their earlier questions, the filters they set, their council."""

    question: str
    history: tuple[str, ...] = ()
    filters: SearchFilter = SearchFilter()
    home: str = ""  # the user's own council ("My council", --as, CQC_HOME_AUTHORITY); "" when not set


@dataclass(frozen=True)
class Reading:
    asked: Asked
    standalone: str  # the question as it would be asked with no conversation before it
    plan: QueryPlan
    names: AuthorityNames  # the library's authorities and every name they go by


@dataclass(frozen=True)
class Exemplar:
    """An authority whose practice on a statement shows what good looks like (it scored 3 or 4)."""

    authority: str
    statement: str  # "" when chosen by its overall rating (no statement asked about)
    score: int


@dataclass(frozen=True)
class Scope:
    """Who and what the answer covers, and what it must say it leaves out."""

    reading: Reading
    where: SearchFilter  # authorities to answer for (empty: the whole library), filters, report versions
    grouped: bool = False  # answered per authority, each group naming its authority
    home_used: str = ""  # the user's council, answered for because the question said "we" or named none
    absent: tuple[str, ...] = ()  # councils (or names in a council's place) the library holds no report for
    filtered_out: tuple[str, ...] = ()  # named, held, but outside the user's filters
    clarify: str = ""  # a question back to the user instead of an answer
    exemplars: tuple[Exemplar, ...] = ()  # for what-good-looks-like questions
    notes: tuple[str, ...] = ()  # said before the answer: what it leaves out and why
    nothing_left: bool = False  # every council asked about is absent or filtered out: only the notes answer

    @property
    def plan(self) -> QueryPlan:
        return self.reading.plan

    @property
    def question(self) -> str:
        return self.reading.asked.question


@dataclass(frozen=True)
class Gathered:
    scope: Scope
    evidence: Evidence
    vector: tuple[float, ...] = ()  # the question's embedding, reused by every search of this turn
    notes: tuple[str, ...] = ()  # said after the answer: which authorities it covers when none were named
    # Evidence searched for only when an answer needs it: a score question is answered from the
    # catalog, and a search across every council is wasted when its score lines say it all.
    search_later: Callable[[], Evidence] | None = field(default=None, compare=False, repr=False)

    def searched(self) -> Evidence:
        """The evidence, searched for now if it was left for later."""
        return self.search_later() if self.search_later is not None else self.evidence
