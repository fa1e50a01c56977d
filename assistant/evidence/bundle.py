"""What an answerer is given: the findings best first, their sentences scored, and for a
comparison each authority's own (and, where the question names a measure, each one's figure on
it from the measure records). The answerers and the model's checks (`assistant.check`) share it."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.evidence.measure_figures import MeasureFigures
from assistant.evidence.sentences import Selected
from assistant.models import RetrievedFinding
from assistant.question.query_plan import QueryPlan


@dataclass
class AuthorityEvidence:
    authority: str
    findings: list[RetrievedFinding]
    ranked: list[Selected]


@dataclass
class Evidence:
    """What an answer may be built from: findings best first, and their sentences scored."""

    question: str  # as the user asked it
    plan: QueryPlan
    findings: list[RetrievedFinding]
    ranked: list[Selected] = field(default_factory=list)
    groups: list[AuthorityEvidence] = field(default_factory=list)  # set for a comparison
    # a comparison of named councils on a measure the question names: each council's figure on it
    figures: MeasureFigures | None = None

    @property
    def is_comparison(self) -> bool:
        return bool(self.groups)
