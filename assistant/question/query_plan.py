"""The plan a question is read into (assistant/question/understand.py makes it): who it is about, what it asks
for, and the words to search with. A frozen value, so every later stage reads the same plan."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cqc.measures.ranking import Threshold


class Intent(str, Enum):
    FINDINGS = "findings"  # quote what the reports found
    SCORES = "scores"  # ratings and scores, from the catalog
    SUMMARY = "summary"  # the report's own summary sections
    GOOD_PRACTICE = "good_practice"  # what councils scoring 3-4 on a statement do
    ACTIONS = "actions"  # draft improvement actions from shortfalls
    MEASURES = "measures"  # councils lined up on one measure, from the measure records


class ScoreAsk(str, Enum):
    LOOKUP = "lookup"  # the rating, or named statements' scores (lowest / highest among them)
    STATEMENTS_AT = "statements_at"  # which statements an authority scored N (or <= N, >= N) on
    EXTREMES = "extremes"  # an authority's lowest / highest scoring statements
    AUTHORITIES_AT = "authorities_at"  # which authorities scored N (or <= N) on a statement, or overall
    RANK = "rank"  # authorities ranked by overall score
    RATING_COUNTS = "rating_counts"  # how many authorities have each rating
    AVERAGE = "average"  # a statement's (or the overall) average across the library
    CHANGE = "change"  # how an authority's scores changed between its reports


class SummaryAsk(str, Enum):
    OVERVIEW = "overview"
    STRENGTHS = "strengths"
    DEVELOPMENT = "development"
    NEXT_STEPS = "next_steps"
    VOICES = "voices"  # what people (or carers, partners, providers ...) said


class MeasureAskKind(str, Enum):
    RANK = "rank"  # councils ordered on the measure: "Which councils had the highest direct payment uptake?"
    THRESHOLD = "threshold"  # those past a figure: "... more than 500 people waiting for a Care Act assessment?"
    AVERAGE = "average"  # the average across councils: "the average share of the budget spent on adult social care"
    COMPARATOR = "comparator"  # against the England (regional, neighbours') figure the reports give
    SIDE_BY_SIDE = "side_by_side"  # named councils' figures, like for like: "Compare vacancy rates at A and B"


@dataclass(frozen=True)
class MeasureAsk:
    """What a question asks of one measure of the vocabulary (`cqc/measures/vocabulary.toml`)."""

    kind: MeasureAskKind
    measure: str  # the vocabulary key; "" when the question names a kind of measure but not which (see candidates)
    order: str = "highest"  # highest | lowest | best | worst (by the measure's better direction)
    limit: int | None = None  # "the top 5": rows shown (every council is still counted)
    qualifier: str | None = None  # "median" asked for; None: the qualifier most councils give
    bound: Threshold | None = None  # "more than 500"
    comparator: str = ""  # england | regional | neighbours
    side: str = ""  # "above" | "below" the comparator, for councils across the library
    across: bool = False  # every council in scope, not only those named
    # "our median wait": a wait, but for what? The measures it may mean; the answer lists what the
    # reports give of each and asks which, rather than guess
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryPlan:
    question: str
    authorities: tuple[str, ...] = ()  # library authorities named in the question (canonical names)
    all_authorities: bool = False  # asks across councils: "which authorities ...", rank, average
    quality_statements: tuple[str, ...] = ()  # named outright
    topic_statements: tuple[str, ...] = ()  # implied by the subject, for boosting
    themes: tuple[str, ...] = ()
    intent: Intent = Intent.FINDINGS
    wants_overall: bool = False
    comparative: bool = False  # compares authorities ("compare", "higher than", "which ... most")
    extremes: str = ""  # "lowest" | "highest" when the question asks for one
    content: str = ""  # the question with authority names taken out, for retrieval
    first_person: bool = False  # "we", "our", "the council": the user's own council
    score_ask: ScoreAsk | None = None
    score_range: tuple[int, int] | None = None  # scores asked for, inclusive (1-4, or 0-100 overall)
    summary_ask: SummaryAsk | None = None
    voices: str = ""  # whose words a VOICES summary wants: "people", "carers", "providers" ...
    parts: tuple[str, ...] = ()  # the separate things asked, when more than one (as worded, names kept)
    absent: tuple[str, ...] = ()  # councils on the national list named, not in the library
    places: tuple[str, ...] = ()  # other names standing where a council would, to check against the library
    unscored_measure: bool = False  # ASCOF, provider ratings: measures the reports do not score
    subject: str = ""  # what a good-practice question is about, its asking words taken out ("carers' assessments")
    measure_ask: MeasureAsk | None = None  # councils lined up on one measure (Intent.MEASURES)

    @property
    def wants_score(self) -> bool:
        return self.intent is Intent.SCORES

    @property
    def wants_actions(self) -> bool:
        return self.intent is Intent.ACTIONS

    @property
    def is_comparison(self) -> bool:
        return len(self.authorities) >= 2 or self.all_authorities
