"""Which figure in a quoted sentence answers the question.

A report sentence often holds several figures: "Its actual spend for that year was £146,300,000,
which was £4,400,000 more than estimated." Quoting it answers "What was the actual spend?" and
"What was the overspend?" alike, so the answer also names the one figure asked for: the figure
of the kind the question wants (money for spend, days for "how long", a percentage for a rate)
whose own clause covers the question's words best. When no figure stands out, none is named.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cqc.text.figures import Figure, figures_in
from cqc.text.tokens import tokenize

# Ways reports say a measure without its usual word: the clause gets that word too.
_MEASURE_WORDS = (
    (re.compile(r"\bmore than (?:estimated|budgeted|planned|forecast)\b|\bover budget\b|\boverspen[dt]\w*", re.I),
     "overspend"),
    (re.compile(r"\bless than (?:estimated|budgeted|planned|forecast)\b|\bunder budget\b|\bunderspen[dt]\w*", re.I),
     "underspend"),
    (re.compile(r"\bspent\b", re.I), "spend"),
)


def wanted_kind(question: str) -> str | None:
    q = question.lower()
    if re.search(r"\bhow long\b|\bwait(ing)? times?\b|\bhow many (days|weeks|months)\b", q):
        return "duration"
    if re.search(r"\b(percentage|proportion|rate|share|%|per cent)\b", q):
        return "percent"
    if re.search(r"\b(spend|spent|overspend|underspend|cost|budget|fees?|£|how much money|funding|paid)\b", q):
        return "money"
    if re.search(r"\bhow many\b|\bnumber of\b", q):
        return "count"
    return None


# The kinds of figure a figure question asks for, whatever the library holds: a sentence answers
# it only when it states a figure of one of them (a cost is money, "how many" a count or a share of
# one, "what proportion" a percentage or a ratio, "how long" a duration). A question naming none
# of these ("what was the uptake?") takes any figure.
_MONEY_ASKED = re.compile(
    r"\b(costs?|costing|spend|spent|spending|overspends?|overspent|underspends?|budgets?|fees?|prices?|charges?|"
    r"funding|paid|pay|payments? of|savings?|income|expenditure|how much money|(hourly|weekly|daily|annual) rates?)\b|£",
    re.IGNORECASE)
_SHARE_ASKED = re.compile(r"\b(percentage|proportion|share|per cent|fraction)\b|%|\b(?<!(hourly|weekly|annual) )(?<!daily )rates?\b",
                          re.IGNORECASE)
_DURATION_ASKED = re.compile(
    r"\bhow long\b|\b(wait(ing)?|response|turnaround|processing) times?\b|\bhow many (days|weeks|months|years|hours)\b"
    r"|\baverage wait\b|\bhow quickly\b", re.IGNORECASE)
_COUNT_ASKED = re.compile(r"\bhow many\b(?! (days|weeks|months|years|hours)\b)|\bnumber of\b|\bhow often\b", re.IGNORECASE)
# A ratio answers a share ("1 in 4", "9 of the 26", "588 per 100,000"), as a percentage does.
_RATIO = re.compile(r"\b\d[\d,.]*\s+(?:in|out of|of(?: the)?|per)\s+(?:\d|every\b|head\b|person\b|cent\b)", re.IGNORECASE)


def figure_kinds(question: str) -> frozenset[str]:
    """The kinds of figure a question asks for: money, percent, duration, count (none: any)."""
    kinds = set()
    if _MONEY_ASKED.search(question):
        kinds.add("money")
    if _SHARE_ASKED.search(question):
        kinds.add("percent")
    if _DURATION_ASKED.search(question):
        kinds.add("duration")
    if _COUNT_ASKED.search(question):
        kinds |= {"count", "percent"}  # "how many were upheld": "78%" says how many of them
    return frozenset(kinds)


def fits_kinds(sentence: str, kinds: frozenset[str]) -> bool:
    """Whether the sentence states a figure of one of the kinds asked for (any figure when none is)."""
    if not kinds:
        return True
    if "percent" in kinds and _RATIO.search(sentence):
        return True
    return any(f.kind in kinds for f in figures_in(sentence))


def _clause_words(clause: str) -> set[str]:
    return set(tokenize(with_measure_words(clause)))


# "What was Calderholt's actual spend on adult social care in 2023/24?" asks for the "actual spend";
# the rest says whose and when, which every figure of the sentence shares.
_MEASURE_ASKED = re.compile(
    r"^(?:what|which)\s+(?:was|were|is|are)\s+(?:the\s+|an?\s+|[\w’'-]+['’]s\s+|its\s+|their\s+|our\s+)*"
    r"(?P<measure>[\w\s/’'-]+?)\s+(?:on|in|for|of|at|by|between|during|from|to|across|among|per)\b"
    r"|^how\s+(?:much|many)\s+(?P<measure2>[\w\s’'-]+?)\s+(?:did|was|were|had|have|has|are|is)\b",
    re.IGNORECASE,
)
MEASURE_WEIGHT = 3.0  # a word of the measure asked for outweighs the words saying whose and when


def measure_terms(question: str) -> set[str]:
    m = _MEASURE_ASKED.search(question.strip())
    if not m:
        return set()
    return set(tokenize(with_measure_words(m.group("measure") or m.group("measure2") or "")))


# A sentence that starts by pointing back ("Its actual spend for that year was ...") says only half of
# what it means alone: the sentence before it is read, and quoted, with it.
LEANS_BACK = re.compile(r"^(its|it|this|these|that|those|they|their|such|he|she|his|her)\b", re.IGNORECASE)


def figure_asked(question_terms: set[str], question: str, sentences: list[str], idf: Callable[[str], float]) -> str | None:
    """The one figure of the quoted sentences (in report order) that answers the question, or None
    when they hold one figure only (nothing to tell apart) or no figure stands out. The question's
    measure words ("actual spend", "overspend") weigh most; a sentence that leans on the one before
    it is read with that sentence's words too."""
    found: list[Figure] = []
    previous = ""
    for sentence in sentences:
        context = previous if LEANS_BACK.match(sentence) else ""
        found += [Figure(f.text, f.kind, f"{f.clause} {context}".strip()) for f in figures_in(sentence)]
        previous = sentence
    if len({f.text for f in found}) < 2:
        return None
    kind = wanted_kind(question)
    candidates = [f for f in found if kind is None or f.kind == kind] or found
    measure = measure_terms(question)
    terms = question_terms | set(tokenize(with_measure_words(question))) - set(tokenize(question)) | measure

    def weight(f: Figure) -> float:
        have = _clause_words(f.clause)
        return sum(idf(t) * (MEASURE_WEIGHT if t in measure else 1.0) for t in terms if t in have)

    scored = sorted(((weight(f), f.text) for f in candidates), reverse=True)
    if scored[0][0] <= 0 or (len(scored) > 1 and scored[1][0] == scored[0][0] and scored[1][1] != scored[0][1]):
        return None
    return scored[0][1]


def with_measure_words(text: str) -> str:
    """The text with the measure words its phrasing implies ("£4.4m more than estimated" also
    says "overspend"), for matching a question's words."""
    extra = [word for pattern, word in _MEASURE_WORDS if pattern.search(text)]
    return f"{text} {' '.join(extra)}" if extra else text
