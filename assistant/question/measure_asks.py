"""How a question asks to line councils up on one measure: ranked, filtered by a figure, averaged,
set against the England average, or side by side.

A question is read as one only when the vocabulary knows the measure it names
(`cqc.measures.reading.measures_asked`) and what it asks of that measure is one of the kinds in
`MeasureAskKind`. Anything else it asks about ("... and what are they doing about it?") leaves it
to the quoted answer: a ranking is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from assistant.question.query_plan import MeasureAsk, MeasureAskKind
from cqc.measures.ranking import threshold
from cqc.measures.reading import measures_asked
from cqc.measures.vocabulary import QUALIFIER_KINDS, Measure, vocabulary
from cqc.text.tokens import tokenize

# -- what is asked of the measure ------------------------------------------------------------------
_ORDERS = (  # first match wins; superlatives here, comparatives (for named councils) below
    ("best", re.compile(r"\b(best|strongest|top[- ]performing|best[- ]performing)\b", re.I)),
    ("worst", re.compile(r"\b(worst|weakest|poorest|worst[- ]performing)\b", re.I)),
    ("highest", re.compile(r"\b(highest|most|largest|biggest|greatest|longest|top|maximum)\b", re.I)),
    ("lowest", re.compile(r"\b(lowest|fewest|least|smallest|shortest|quickest|fastest|bottom|minimum)\b", re.I)),
)
_COMPARATIVES = (
    ("best", re.compile(r"\bbetter\b", re.I)),
    ("worst", re.compile(r"\bworse\b", re.I)),
    ("highest", re.compile(r"\b(higher|more|larger|bigger|greater|longer)\b", re.I)),
    ("lowest", re.compile(r"\b(lower|fewer|less|smaller|shorter|quicker|faster)\b", re.I)),
)
_RANK = re.compile(r"\b(rank\w*|league table|in order|order(?:ed)? by|sort(?:ed)? by|list (?:the |all )?(?:councils|"
                   r"authorities))\b", re.I)
# What kind of figure a question asks for: a wait ("the waits for ...", "how long") or a count
# ("how many", "people waiting", "the waiting list").
_ASKS_DURATION = re.compile(r"\b(waits?|how long|days|weeks|delays?)\b", re.I)
_ASKS_COUNT = re.compile(r"\b(how many(?! (?:days|weeks|months))|number of|backlogs?|waiting lists?|people waiting|\d[\d,]* people)\b", re.I)
# Asking for reasons or explanations: more than figures, whatever measure it names ("why" is a stop
# word, so the leftover-word check below cannot see it).
_BEYOND_FIGURES = re.compile(r"\b(why|explain\w*|reasons?|because)\b", re.I)
_WHERE = re.compile(r"^\s*where\b", re.I)
_AVERAGE = re.compile(r"\b(average|mean|typical)\b", re.I)
_ACROSS_AVERAGE = re.compile(r"\b(across|of all|of the|among|for all|nationally|national|in the library|councils|"
                             r"authorities)\b", re.I)
_COMPARATOR = (
    ("england", re.compile(r"\b(england|national)(?:'s)? (average|rate|figure|level|mean|median)\b"
                           r"|\b(average|rate|figure) (for|across|in) england\b|\bnationally\b|\bthe country\b", re.I)),
    ("regional", re.compile(r"\bregional (average|rate|figure|level)\b|\b(average|rate) (for|across|in) the region\b", re.I)),
    ("neighbours", re.compile(r"\b(statistical |comparator |nearest )?neighbours?\b|\bsimilar (councils|authorities)\b", re.I)),
)
_COMPARATOR_RE = re.compile("|".join(p.pattern for _, p in _COMPARATOR), re.I)
_ABOVE_BELOW = (
    ("above", re.compile(r"\b(above|over|higher than|more than|exceed\w*|better than)\b", re.I)),
    ("below", re.compile(r"\b(below|under|lower than|less than|fewer than|worse than|short of)\b", re.I)),
)
_COMPARE = re.compile(r"\b(compare[sd]?|comparing|comparison|versus|vs\.?|against|side by side|differ\w*|"
                      r"benchmark\w*|stack\w* up)\b", re.I)
_TOP_N = re.compile(r"\b(?:top|bottom|first|last)\s+(\d{1,2}|three|four|five|six|seven|eight|nine|ten)\b"
                    r"|\b(\d{1,2}|three|four|five|six|seven|eight|nine|ten)\s+(?:councils|authorities|highest|lowest|"
                    r"best|worst|most|fewest)\b", re.I)
_NUMBER_WORDS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_QUALIFIER_ASKED = (("median", re.compile(r"\bmedian\b", re.I)), ("average", re.compile(r"\b(average|mean)\b", re.I)))
_PERCENT_WORDS = re.compile(r"%|\b(percent(age)?|per cent|proportion|share|rate|uptake)\b", re.I)

# Words a question about one measure is made of besides the measure's own words: asking, ranking,
# comparing, the councils, dates. Anything else ("... and what did they do about it", "tackling")
# is a subject of its own, answered by the quoted path.
_FRAME_WORDS = frozenset(tokenize(
    "which what who whose where how is are was were has have had did do does show shows showed give gives "
    "the a an of in on at for to from by with and or than as its their our we us my your this that these those "
    "council councils authority authorities local la las area areas library reports report england national "
    "nationally country region regional neighbours statistical comparator nearest similar average mean median "
    "typical highest lowest most fewest least largest biggest greatest smallest longest shortest quickest fastest "
    "top bottom best worst strongest weakest poorest performing higher lower more fewer less larger bigger greater "
    "smaller longer shorter quicker faster better worse rank ranked ranking ranks league table order ordered sort "
    "sorted list compare compared comparing comparison versus vs against side by differ difference between "
    "benchmark stack stacks up across all each every among overall figure figures number numbers rate rates "
    "level levels proportion proportions percentage percentages share uptake value values count total amount "
    "people person adults residents above below over under exceed exceeded exceeds short latest current recent "
    "year years month months week weeks day days time times per cent percent please tell me give show name "
    "there any many one ones else other others there's it they them mean means get got received receive had see "
    "three four five six seven eight nine ten first last maximum minimum outcome outcomes result results performance "
    "still use used using uses take takeup social worker workers staff"
))


def _order(text: str, comparatives: bool) -> str:
    speed = vocabulary().speed(text)  # "quickest to start" asks for the shortest wait first
    if speed:
        return "lowest" if speed == "faster" else "highest"
    for order, pattern in _ORDERS + (_COMPARATIVES if comparatives else ()):
        if pattern.search(text):
            return order
    return ""


def _limit(text: str) -> int | None:
    m = _TOP_N.search(text)
    if not m:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _leftover(text: str, measure: Measure) -> list[str]:
    """The question's words that neither name the measure nor frame the asking."""
    vocab = vocabulary()
    for pattern in (*measure.words, *measure.context, *((*vocab.faster, *vocab.slower, *vocab.doing)
                                                         if measure.unit == "duration" else ())):
        text = re.sub(rf"(?:{pattern.pattern})\w*", " ", text, flags=re.IGNORECASE)  # the whole word: "assess" + "ment"
    return [t for t in tokenize(text) if t not in _FRAME_WORDS and not t[0].isdigit() and not _stem_of(t, measure)]


def _stem_of(token: str, measure: Measure) -> bool:
    """A word of the measure's own name or description ("uptake", "vacancy", "reablement")."""
    return token in _own_words(measure.name, measure.description)


@lru_cache(maxsize=256)
def _own_words(name: str, description: str) -> frozenset[str]:
    return frozenset(tokenize(f"{name} {description}"))


def _pick(found: list[Measure], text: str) -> Measure | None:
    """Of the measures a question may name (likeliest first), the first that accounts for every word
    it asks with, those whose unit fits what it asks for first (a share, "proportion", "%", "rate",
    is a percent measure; "the waits for" a duration; "people waiting" a count): "complaints upheld
    by the Ombudsman" is the share upheld, not the count of investigations. None when no measure
    accounts for all its words."""
    wanted = ("percent", "rate") if _PERCENT_WORDS.search(text) else ("count",) if _ASKS_COUNT.search(text) else \
        ("duration",) if _ASKS_DURATION.search(text) or vocabulary().speed(text) else ()
    found = [m for m in found if m.unit in wanted] + [m for m in found if m.unit not in wanted]  # stable: likeliest first
    return next((m for m in found if not _leftover(text, m)), None)


def measure_ask(content: str, *, named: int, across: bool, first_person: bool) -> MeasureAsk | None:
    """What a question asks of one measure, or None when it is not a question of that kind.

    `content` is the question with the library's council names taken out; `named` how many councils
    it names (in the library or not), `across` whether it asks across the library ("which councils",
    "rank"), `first_person` whether it speaks for the user's council.
    """
    if _BEYOND_FIGURES.search(content):
        return None
    measure = _pick(measures_asked(content), content)
    if measure is not None:
        return _asked_of(measure, content, named=named, across=across, first_person=first_person)
    candidates = _loosely_named(content)
    if len(candidates) < 2:
        return None
    # One of them stands in for what is asked of it (they are all of one unit kind); the answer lists them.
    ask = _asked_of(candidates[0], content, named=named, across=across, first_person=first_person)
    return replace(ask, measure="", candidates=tuple(m.key for m in candidates)) if ask is not None else None


def _loosely_named(content: str) -> list[Measure]:
    """Measures whose own words a question uses without what they are of ("How does our median wait
    compare ...": a wait, for a Care Act assessment? a carer's assessment? home care?), all of the unit
    kind it asks for, when nothing else it says is left unexplained."""
    found = [m for m in vocabulary().measures if m.context and any(p.search(content) for p in m.words)
             and not any(p.search(content) for p in (*m.context, *m.unless))]
    kind = "duration" if _ASKS_DURATION.search(content) else "count" if _ASKS_COUNT.search(content) else ""
    found = [m for m in found if m.unit == kind] if kind else []
    return found if found and not _leftover(content, found[0]) else []


def _asked_of(measure: Measure, content: str, *, named: int, across: bool, first_person: bool) -> MeasureAsk | None:
    councils = named + (1 if first_person else 0)
    qualifier = next((q for q, p in _QUALIFIER_ASKED if p.search(content)), None)
    if qualifier and qualifier not in _qualifiers_of(measure):
        qualifier = None  # "the average share of the budget": an average across councils, not a qualifier

    comparator = next((kind for kind, p in _COMPARATOR if p.search(content)), "")
    if comparator:
        side = next((s for s, p in _ABOVE_BELOW if p.search(_COMPARATOR_RE.sub(" ", content))), "")
        if councils != 1:  # every council ("which councils are below ..."), or those named
            return MeasureAsk(MeasureAskKind.COMPARATOR, measure.key, side=side, comparator=comparator,
                              qualifier=qualifier, across=not councils)
        return MeasureAsk(MeasureAskKind.COMPARATOR, measure.key, comparator=comparator, qualifier=qualifier)

    bound = threshold(content)
    if bound is not None and (across or councils != 1) and _bound_fits(bound.unit, measure):
        return MeasureAsk(MeasureAskKind.THRESHOLD, measure.key, order="highest" if bound.op in (">", ">=") else "lowest",
                          bound=bound, qualifier=qualifier, across=across or not councils)

    across = across or bool(_WHERE.match(content))  # "Where is the waiting list longest?"
    order = _order(content, comparatives=councils >= 2 or across)
    if _AVERAGE.search(content) and not order and (
            across or (qualifier is None and (not councils or _ACROSS_AVERAGE.search(content)))):
        # The average across councils: "the average share of the budget" (a share has no average of its
        # own), "the average wait across councils" (of the figures most councils give; only "median"
        # picks which). With an order word, "the shortest average waits", it is a ranking of averages.
        return MeasureAsk(MeasureAskKind.AVERAGE, measure.key, qualifier="median" if qualifier == "median" else None,
                          across=True)

    limit = _limit(content)
    ranked = _RANK.search(content) or limit or (across and _COMPARE.search(content))  # "compare X across the councils"
    if (order and (across or councils >= 2)) or (ranked and councils != 1):
        return MeasureAsk(MeasureAskKind.RANK, measure.key, order=order or "highest", limit=limit,
                          qualifier=qualifier, across=across or not councils)
    if councils >= 2 and _COMPARE.search(content):  # "compare", "versus": not "How did A and B support ...?"
        return MeasureAsk(MeasureAskKind.SIDE_BY_SIDE, measure.key, qualifier=qualifier)
    return None



def _qualifiers_of(measure: Measure) -> tuple[str, ...]:
    return tuple(q for q, kinds in QUALIFIER_KINDS.items() if measure.unit in kinds)


def _bound_fits(unit: str, measure: Measure) -> bool:
    """A bound of the measure's kind ("more than 20%" for a percent), or a bare number for any."""
    return unit == "count" or unit in measure.units or (unit == "weeks" and "days" in measure.units)
