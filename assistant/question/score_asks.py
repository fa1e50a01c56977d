"""How a question asks about scores: the words that make it a scores question, the range of
scores it wants ("2 or below", "above 70", "some shortfalls"), and which kind of scores answer
(`ScoreAsk`) it is. Measures the reports do not score are told apart, so they are never answered
with the authority's rating."""

from __future__ import annotations

import re

from assistant.question.query_plan import ScoreAsk

SCORE_WORDS = re.compile(r"\b(score[sd]?|scoring|ratings?|rated)\b", re.IGNORECASE)
# "care providers rated good or outstanding" is about providers, not the authority's rating.
PROVIDER_RATING = re.compile(
    r"\b(providers?|care homes?|agenc(?:y|ies)|services?)\b[^.?]*\brated\b|\brated\b[^.?]*\bby cqc\b", re.IGNORECASE
)
# Measures the assessment reports do not score: never answered with the authority's rating.
UNSCORED = re.compile(
    r"\bascof\b|\boutcomes? framework\b|\bquality of life\b|\bsurvey\b|\bsatisfaction\b|\bsalt\b|\bgp\b"
    r"|\bprovider ratings?\b|\bratings? of (care )?(providers|homes|services)\b",
    re.IGNORECASE,
)
_BANDS = (  # the regulator's band words, as people ask for them
    (re.compile(r"\bexceptional\b", re.I), (4, 4)),
    (re.compile(r"\bgood standard\b", re.I), (3, 3)),
    (re.compile(r"\bsignificant shortfalls?\b", re.I), (1, 1)),
    (re.compile(r"\bsome shortfalls?\b", re.I), (2, 2)),
    (re.compile(r"\bshortfalls?\b", re.I), (1, 2)),
)
_N = r"(100|[1-9]\d?)"
_RANGE_PATTERNS = (  # (pattern, how its numbers become an inclusive range)
    (re.compile(rf"\b{_N}\s+or\s+{_N}\b"), lambda a, b: (min(a, b), max(a, b))),
    (re.compile(rf"\b{_N}\s+or\s+(below|less|lower|under|fewer|worse)\b"), lambda a, _: (0, a)),
    (re.compile(rf"\b{_N}\s+or\s+(above|more|higher|over|better)\b"), lambda a, _: (a, 100)),
    (re.compile(rf"\b(?:below|less than|lower than|under|fewer than)\s+{_N}\b"), lambda a, _: (0, a - 1)),
    (re.compile(rf"\b(?:above|more than|higher than|over|better than)\s+{_N}\b"), lambda a, _: (a + 1, 100)),
    (re.compile(rf"\b(?:at least|no less than|a minimum of)\s+{_N}\b"), lambda a, _: (a, 100)),
    (re.compile(rf"\b(?:at most|no more than|a maximum of)\s+{_N}\b"), lambda a, _: (0, a)),
    (re.compile(rf"\b(?:score[sd]?|scoring|rated|got|get|received?)\s+(?:of\s+|as\s+|an?\s+|only\s+)?{_N}\b(?!\s*%)"),
     lambda a, _: (a, a)),
    (re.compile(r"\b([1-4])\s*(?:out of|/)\s*4\b"), lambda a, _: (a, a)),
)
_OUT_OF_100 = re.compile(r"\bout of 100\b|\boverall\b|%", re.IGNORECASE)
# "our weakest area", "strongest quality statements": the scores answer it.
EXTREME_AREAS = re.compile(r"\b(weakest|strongest|worst|best|lowest|highest)[- ](scoring |scored |rated )?"
                            r"(areas?|quality statements?|statements?)\b", re.IGNORECASE)
# A rating named as the thing asked about ("Which councils are inadequate?").
RATING_NAMES = re.compile(r"\b(outstanding|inadequate|requires improvement|good)\b", re.IGNORECASE)
_STATEMENTS_ASKED = re.compile(r"\b(which|what)\b[^?]*\b(quality statements|statements|areas)\b", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(change[sd]?|changing|improved|worsened|moved|went (up|down)|since (the|its|their) "
    r"(last|previous|earlier|first)|between (the|its|their|his) (reports|assessments|versions)|(previous|last|earlier|"
    r"first|older|newer|latest) (report|assessment|version)s?)\b",
    re.IGNORECASE,
)
_COUNTS = re.compile(
    r"\bhow many\b[^?]*\b(councils|authorities|las|reports)\b|\b(count|breakdown|distribution|split|spread|number)"
    r" (of|by)\b[^?]*\bratings?\b|\beach rating\b|\bby rating\b",
    re.IGNORECASE,
)
_RANK = re.compile(r"\brank\w*\b|\bleague table\b|\border(ed)? (of|by)\b|\bfrom (highest|lowest|best|worst) to\b|\bsort\w*\b", re.I)
_AVERAGE = re.compile(r"\b(average|median|typical)\b|\bmean (score|rating|of)\b", re.IGNORECASE)
LOWEST = re.compile(r"\b(lowest|worst|weakest)\b", re.IGNORECASE)
# "best interests assessors" and "best practice" ask for no extreme.
HIGHEST = re.compile(r"\b(highest|strongest)\b|\bbest\b(?!\s+(practice|interests?|ways?|examples?))", re.IGNORECASE)


def score_range(text: str) -> tuple[tuple[int, int] | None, bool]:
    """The scores a question asks for, and whether they are overall scores out of 100."""
    for pattern, band in _BANDS:
        if pattern.search(text):
            return band, False
    for pattern, make in _RANGE_PATTERNS:
        m = pattern.search(text)
        if m:
            numbers = [int(g) for g in m.groups() if g and g.isdigit()]
            lo, hi = make(numbers[0], numbers[-1])
            overall = max(numbers) > 4 or bool(_OUT_OF_100.search(text))
            return (max(lo, 0), min(hi, 100 if overall else 4)), overall
    return None, False


def score_ask_kind(content: str, across: bool, statements: list[str], extremes: str, wanted: tuple[int, int] | None) -> ScoreAsk:
    if _CHANGE.search(content):
        return ScoreAsk.CHANGE
    if _COUNTS.search(content) and not statements:
        return ScoreAsk.RATING_COUNTS
    if _RANK.search(content) and not statements:
        return ScoreAsk.RANK
    if _AVERAGE.search(content):
        return ScoreAsk.AVERAGE
    if EXTREME_AREAS.search(content) and not across and not statements:
        return ScoreAsk.EXTREMES
    if _STATEMENTS_ASKED.search(content) and not across:
        return ScoreAsk.STATEMENTS_AT if wanted else ScoreAsk.EXTREMES if extremes else ScoreAsk.LOOKUP
    if wanted and (across or not statements):
        return ScoreAsk.AUTHORITIES_AT if across else ScoreAsk.STATEMENTS_AT
    if extremes and not statements and not across:
        return ScoreAsk.EXTREMES
    return ScoreAsk.LOOKUP
