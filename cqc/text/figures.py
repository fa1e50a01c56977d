"""Figures: the numbers a sentence states, read the three ways the assistant needs them.

- `numbers_in` / `has_figure`: every number as a bare value ("£1,200" -> "1200", "17%" -> "17"),
  to check that an answer states a figure;
- `figures_in`: each figure with its kind (money, percent, duration, count) and the clause it
  belongs to, to tell apart the figures of one sentence ("£146,300,000, which was £4,400,000 more
  than estimated");
- `quoted_figures`: the figures a comparison table quotes, with their units ("63 days", "1 in 4",
  "9 of the 26"), never a date, a year or a legal reference ("Section 42");
- `read_figures`: each figure as data: its value as a number ("£4.3 million" -> 4300000, "Twelve"
  -> 12, "1 in 3.5" -> 3.5 one in), its unit, what it is of ("14 of the 19"), how exact the report
  says it is ("around", "more than") and where it sits; the measure records are read from these
  (`cqc.measures`). `figures_in` is these figures with the clause each belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cqc.text.dates import MONTH_NAMES, YEAR
from cqc.text.numbers import number_word_runs

# -- bare numbers --------------------------------------------------------------------------------
NUMBER = re.compile(r"£?\d+(?:,\d{3})*(?:\.\d+)?%?")
_YEAR = re.compile(YEAR)


def _bare(raw: str) -> str:
    return raw.lstrip("£").rstrip("%").replace(",", "")


def numbers_in(text: str) -> list[str]:
    """Numbers a text states as bare values (counts, percentages, money), years left out, in order."""
    return list(dict.fromkeys(_bare(raw) for raw in NUMBER.findall(_YEAR.sub(" ", text))))


def has_figure(text: str, value: str) -> bool:
    """Whether a text states this bare value (years included)."""
    return value in {_bare(raw) for raw in NUMBER.findall(text)}


# -- figures with their kind and clause -----------------------------------------------------------
_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+(?:which|while|whereas|compared with|against|and|but)\s+", re.IGNORECASE)
# A count is named with what it counts where the report says ("734 people"), as an answer quotes it.
_COUNTED = re.compile(r"\s+(?:people|carers|posts|complaints|enquiries)\b", re.IGNORECASE)
_KIND_OF_UNIT = {"money": "money", "money rate": "money", "percent": "percent", "duration": "duration", "hours": "duration"}


@dataclass(frozen=True)
class Figure:
    text: str  # as written: "£146,300,000", "63 days", "24.6%", "734 people"
    kind: str  # "money" | "percent" | "duration" | "count"
    clause: str  # the part of the sentence the figure belongs to


def figures_in(sentence: str) -> list[Figure]:
    """The figures of a sentence (`read_figures`) with their clauses, to tell apart the figures of
    one sentence ("£146,300,000, which was £4,400,000 more than estimated")."""
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
    out = []
    for f in read_figures(sentence):
        end = f.end
        counted = _COUNTED.match(sentence, end) if f.kind == "count" else None
        if counted:
            end = counted.end()
        start = max(b for b in bounds if b <= f.start)
        stop = min(b for b in bounds if b > f.start)
        out.append(Figure(sentence[f.start:end].strip(), _KIND_OF_UNIT.get(f.kind, "count"),
                          sentence[start:stop].strip(" ,;.")))
    return out


# -- figures as a comparison quotes them ----------------------------------------------------------
_STATED_DATE = re.compile(
    rf"\b(?:\d{{1,2}} )?(?:{MONTH_NAMES}) \d{{4}}\b|\b(?:end|start|beginning) of (?:{MONTH_NAMES}) \d{{4}}\b"
    r"|\b(?:19|20)\d\d/\d\d\b|\b(?:in|during|for) (?:19|20)\d\d\b(?!/)"
)
_QUOTED_FIGURE = re.compile(
    r"(?<![\w./£-])(?<!Section )(?<!Part )(?<!Level )(?<!Article )(?:£\s?)?\d[\d,]*(?:\.\d+)?(?:%| per cent)?"
    r"(?: (?:in \d+|out of \d+|of (?:the )?\d[\d,]*))?"
    r"(?: (?:working )?(?:days?|weeks?|months?|years?|hours?|people|carers|adults|enquiries|concerns|"
    r"assessments|reviews|beds|homes|staff|posts|complaints|million|m|bn)\b)?(?![\d/])",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^(?:19|20)\d\d(?:/\d\d)?$")


def quoted_figures(sentence: str) -> tuple[str, ...]:
    """The figures of a sentence (counts, shares, money, durations), not its dates or years."""
    dates = " ".join(m.group(0) for m in _STATED_DATE.finditer(sentence))
    out = []
    for m in _QUOTED_FIGURE.finditer(sentence):
        text = m.group(0).strip().rstrip(",")
        number = re.match(r"(?:£\s?)?([\d,.]+)", text)
        if number is None or _YEARISH.match(number.group(1)) or (text.isdigit() and text in dates):
            continue
        if re.fullmatch(r"\d{1,2}", text) and re.search(rf"\b{text} (?:{MONTH_NAMES})\b", sentence):
            continue  # the day of a date ("31 March")
        out.append(text)
    return tuple(dict.fromkeys(out))


def stated_date(sentence: str) -> str:
    """The date or period a sentence gives its figures for ("31 March 2024", "2023/24"), else ""."""
    m = _STATED_DATE.search(sentence)
    return re.sub(r"^(?:in|during|for) ", "", m.group(0)) if m else ""


# -- figures as data -----------------------------------------------------------------------------
# A figure's unit, and the kind of quantity it is (what may be compared with what).
UNIT_KINDS = {
    "count": "count", "percent": "percent", "one in": "ratio", "per 100,000": "rate", "rank": "rank",
    "score": "score", "GBP": "money", "GBP per hour": "money rate", "GBP per week": "money rate",
    "GBP per month": "money rate", "GBP per year": "money rate", "GBP per person": "money rate",
    "days": "duration", "working days": "duration", "weeks": "duration", "months": "duration",
    "years": "duration", "minutes": "duration", "hours": "hours", "hours per week": "hours",
    "miles": "distance", "square kilometres": "area",
}


@dataclass(frozen=True)
class StatedFigure:
    """One figure of a sentence as a number: "£4.3 million" is 4300000 GBP, "1 in 3.5" is 3.5 one in."""

    text: str  # as written, from the sentence: "£4.3 million", "74 days", "1 in 3.5", "Twelve"
    value: float
    unit: str  # a key of UNIT_KINDS
    start: int  # where it sits in the sentence
    end: int
    approx: str = ""  # how exact the report says it is: "about", "more than", "less than", "almost", "up to", "at least"
    of: float | None = None  # what it is out of: "14 of the 19" -> 19, "18.9 out of 24" -> 24, "19th of 153" -> 153

    @property
    def kind(self) -> str:
        return UNIT_KINDS[self.unit]


_M = MONTH_NAMES
_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
         r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
_SPAN_UNITS = r"(?:day|week|month|year|hour|bed|bedded|point|minute|mile|place|page|person|strong|seat|tier|year-old)s?"
# Numbers that are not figures: dates, years, references ("Section 42", "Score 3"), ages, the
# thresholds a measure is defined by ("within 28 days", "91 days later", "in the previous 12
# months"), durations used as adjectives ("3-year funding"), times, list numbers, phone numbers.
# Each group is tried only when one of its trigger words is in the sentence: reading figures runs on
# every sentence at ingest, and one alternation of them all costs three times as much.
_NOT_FIGURE_GROUPS = tuple((triggers, re.compile("|".join(patterns), re.IGNORECASE | re.MULTILINE)) for triggers, patterns in (
    (tuple(m.lower() for m in MONTH_NAMES.split("|")), (
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:and|to|-|–)\s+\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_M})(?:,?\s+\d{{4}})?",
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_M})(?:,?\s+\d{{4}})?\b",
        rf"\b(?:{_M})\s+\d{{1,2}}(?:st|nd|rd|th)?,\s+\d{{4}}\b",
        rf"\b(?:{_M})\s+\d{{4}}\b",
    )),
    ((), (
        r"\b(?:19|20)\d\d(?:\s?[/–-]\s?(?:(?:19|20)\d\d|\d\d))?\b(?!\s?%|,\d|\.\d|\s(?:people|carers|adults|residents|"
        r"staff|hours|days|weeks|enquiries|concerns|contacts|referrals|assessments|reviews|beds|complaints)\b)",
        r"\b(?:19|20)\d0s\b",
        r"^\s*\d+[.)]\s",  # a list's own numbering
        r"\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b",  # a telephone number
        r"\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)\b", r"\b\d+:\d+\b", r"\b24/7\b",
    )),
    (("evidence shows", "out of 100", "overall rating"), (
        r"\b(?:score:?\s*)?[1-4]\s*[-–]\s*evidence shows\b", r"\bscored\s\d+\s(?:out\sof|/)\s?100\b",
        r"\boverall rating for [^:]{1,80}:\s*\d+%",
    )),
    (("section", "s.", "s42", "part", "level", "article", "schedule", "tier", "phase", "stage", "step", "band", "grade",
      "quarter", "wave", "cohort", "version", "chapter", "appendix", "table", "priority", "objective", "recommendation",
      "standard", "indicator", "ascof", "clause", "regulation", "paragraph", "para", "covid", "score"), (
        r"\b(?:section|s\.|part|level|article|schedule|tier|phase|stage|step|band|grade|quarter|wave|cohort|version|"
        r"chapter|appendix|table|priority|objective|recommendation|standard|indicator|ascof|clause|regulation|"
        r"paragraph|para|covid)[\s-]?\d+[a-z]?(?:\(\d+[a-z]?\))?(?!\.\d|,\d)\b",
        r"\bs42\b", r"\bscore:?\s?[1-4]\b(?!\.\d|\s?%)",
    )),
    (("aged", "over", "older", "above", "under", "+", "18", "16"), (
        r"\baged\s+(?:between\s+)?\d+(?:\s?(?:to|-|–|and)\s?\d+)?(?:\s?(?:and|or)\s(?:over|above|older|under))?",
        r"\b\d+\s?(?:and|or)\s(?:over|above|older)\b", r"\b(?:over|under)[- ]\d{2}s\b", r"\b\d{2}\+",
        r"\b(?:people|adults|residents|those|men|women|carers|anyone)\s(?:aged\s)?(?:over|under)\s\d{2}\b",
        r"\b1[68]\s?(?:to|-|–)\s?(?:2[45]|6[45])\b",
    )),
    (("within", "previous", "last", "past", "preceding", "next", "following", "later", "after", "on from",
      "at ", "earlier", "ago", "before", "age "), (
        r"\bwithin\s(?:[\w’']+\s){0,4}?(?:target\s(?:time\s|timescale\s)?(?:of\s)?)?\d+\s(?:working\s|calendar\s)?"
        r"(?:days?|weeks?|hours?|months?|minutes?)\b",
        r"\b(?:in|over|during|for)\sthe\s(?:previous|last|past|preceding|next|following)\s\d+\s(?:months?|years?|weeks?|days?)\b",
        r"\b\d+\s(?:days?|weeks?|months?)\s(?:later|after|on\sfrom)\b", r"\b(?:after|at)\s\d+\s(?:days?|weeks?)\b",
        rf"\b(?:\d+|{_WORD})\s(?:years?|months?)\s(?:earlier|ago|before|previously)\b",
        r"\bage\sof\s\d+(?:\sand\sa\shalf)?\b", r"\b(?:by|at|from|before|after|under)\s(?:the\s)?age\s\d+\b",
    )),
    (("-", "–"), (rf"\b\d+[-–]{_SPAN_UNITS}\b", rf"\b{_WORD}[-–](?:{_SPAN_UNITS}|off|to-one|stop)\b")),
    (("24 hours", "days a week", "days a year"), (
        r"\b24 hours a day\b", r"\b(?:7|seven) days a week\b", r"\b365 days a year\b",
    )),
    (("deprived", "imd"), (
        r"\b(?:most|least)\s+deprived\s+\d+(?:\.\d+)?\s?%", r"\b\d+(?:\.\d+)?\s?%\s+(?:most|least)\s+deprived\b",
        r"\b(?:IMD\s?)?\d+\s(?:is|=|being)\s(?:the\s)?(?:most|least)\s\w+", r"\bIMD\s?\d+\s(?:the\s)?(?:most|least)\b",
    )),
    (("half", "halves", "third", "quarter", "fifth"), (r"\b(?:a|one|two|three|four)[\s-](?:half|halves|thirds?|quarters?|fifths?)\b",)),
))


def _not_figures(sentence: str) -> str:
    """The sentence with every number that is not a figure blanked out (offsets kept)."""
    low = sentence.lower()
    for triggers, pattern in _NOT_FIGURE_GROUPS:
        if not triggers or any(t in low for t in triggers):
            sentence = pattern.sub(lambda m: " " * len(m.group(0)), sentence)
    return sentence


# "ranked 19th most deprived of 153": a rank; any other ordinal ("the 19th century") is no figure.
_ORDINAL = re.compile(
    r"(?<![\w.])(?P<n>\d+)(?:st|nd|rd|th)\b(?P<rest>(?:\s(?:most|least|highest|lowest|best|worst|largest|smallest)"
    r"(?:\s[\w-]+)?)?(?:\s(?:out\s)?of\s(?:the\s|all\s)?(?P<of>\d+)\b)?)", re.IGNORECASE)
_RANKED = re.compile(r"\b(?:rank\w*|placed|position\w*)\s+(?:as\s+|at\s+)?(?:the\s+)?$", re.IGNORECASE)
_RATIO = re.compile(rf"\b(?P<n>1|one)\s+in\s+(?:every\s+)?(?P<of>\d+(?:\.\d+)?|{_WORD})\b", re.IGNORECASE)
_TOKEN = re.compile(
    r"(?<![\w.,/£-])(?P<pound>£\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d/]|,\d{3}|\.\d)"
    r"(?:\s?(?P<scale>million|billion|thousand)\b|(?<=\d)(?P<short>m|bn|k)\b)?", re.IGNORECASE)
_SCALES = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}
_UNIT_AFTER = tuple((unit, re.compile(pattern, re.IGNORECASE)) for unit, pattern in (
    ("percent", r"\s?(?:%|per\s?cent\b|percent\b)"),
    ("per 100,000", r"\s(?:per|for\severy|in\severy|out\sof\severy)\s100,?000\b(?:\s(?:of\s(?:the\s)?)?"
                    r"(?:population|people|residents|adults|head)\b)?"),
    ("working days", r"\sworking\sdays?\b"),
    ("days", r"\s(?:calendar\s)?days?\b"),
    ("weeks", r"\sweeks?\b"),
    ("months", r"\smonths?\b"),
    ("years", r"\syears?\b"),
    ("hours per week", r"\shours?\b(?:\s(?:of\s)?[\w-]+(?:\s[\w-]+){0,2}?)?\s(?:a|per|each|every)\sweek\b"),
    ("hours", r"\shours?\b"),
    ("minutes", r"\sminutes?\b"),
    ("miles", r"\smiles?\b"),
    ("square kilometres", r"\ssquare\s(?:kilometres|km|miles)\b"),
))
_MONEY_PER = re.compile(r"\s?(?:per|a|an|each)\s(?P<per>hour|week|month|year|annum|person|head)\b", re.IGNORECASE)
_PER_100K_LATER = re.compile(r"^[^\d;,.]{1,60}?\bper\s100,?000\b", re.IGNORECASE)
_A_WEEK = re.compile(r"\s(?:a|per|each)\sweek\b", re.IGNORECASE)
_SHARE_OF = (2, 3, 4, 5, 10, 100)  # "seven out of ten": a share, whatever follows
_RANGE_TO = re.compile(r"\s(?:and|to|or)\s\d+(?:\.\d+)?|\s?[-–]\s?\d+(?:\.\d+)?", re.IGNORECASE)
_OUT_OF = re.compile(rf"\sout\sof\s(?:a\s(?:possible|maximum)\s(?:of\s)?)?(?P<of>\d{{1,3}}(?:,\d{{3}})*(?:\.\d+)?|{_WORD})\b"
                     r"(?P<noun>\s[a-z])?", re.IGNORECASE)
_OF_THE = re.compile(r"\s(?:of|from)\s(?:the\s|these\s|those\s|its\s|their\s|all\s)?(?P<of>\d{1,3}(?:,\d{3})*)\b(?!\s?%|\.\d)",
                     re.IGNORECASE)
_APPROX = (
    ("about", re.compile(r"\b(?:about|around|approximately|approx\.?|roughly|some|close\sto|an\sestimated|estimated|"
                         r"circa|c\.)\s*$", re.I)),
    ("more than", re.compile(r"\b(?:more\sthan|longer\sthan|over|in\sexcess\sof|just\sover|above)\s*$", re.I)),
    ("at least", re.compile(r"\bat\sleast\s*$", re.I)),
    ("less than", re.compile(r"\b(?:fewer\sthan|less\sthan|under|just\sunder|below)\s*$", re.I)),
    ("almost", re.compile(r"\b(?:almost|nearly|just\sshort\sof)\s*$", re.I)),
    ("up to", re.compile(r"\bup\sto\s*$", re.I)),
)
_PER_100K = re.compile(r"\b(?:per|every)\s$", re.IGNORECASE)
_WORD_VALUES = {w: v for v, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                                                "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}


def _number(raw: str) -> float:
    raw = raw.lower()
    return float(_WORD_VALUES[raw]) if raw in _WORD_VALUES else float(raw.replace(",", ""))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _approx(sentence: str, start: int) -> str:
    before = sentence[max(0, start - 24):start]
    return next((label for label, pattern in _APPROX if pattern.search(before)), "")


def _unit_after(masked: str, end: int, value: float, money: bool) -> tuple[str, int, float | None]:
    """(unit, where the figure ends, what it is out of) from the words after a number."""
    rest = masked[end:end + 80]
    if money:
        m = _MONEY_PER.match(rest)
        return (f"GBP per {'year' if m.group('per') == 'annum' else m.group('per').replace('head', 'person')}",
                end + m.end(), None) if m else ("GBP", end, None)
    for unit, pattern in _UNIT_AFTER:
        m = pattern.match(rest)
        if m:
            return unit, end + m.end(), None
    m = _PER_100K_LATER.match(rest)
    if m:
        return "per 100,000", end, None
    if _A_WEEK.match(rest) and "hour" in masked[max(0, end - 90):end].lower():
        return "hours per week", end + _A_WEEK.match(rest).end(), None  # "unmet hours fell from 2,400 a week"
    m = _RANGE_TO.match(rest)
    if m:
        for unit, pattern in _UNIT_AFTER:
            if pattern.match(rest, m.end()):
                return unit, end, None
    m = _OUT_OF.match(rest)
    if m:
        # "18.9 out of 24" is a score; "7 out of 10 people" a share (70%); "9 out of 26 homes" a count of 26
        of = _number(m.group("of"))
        if m.group("noun") and float(value).is_integer():
            return ("share" if of in _SHARE_OF else "count"), end + m.end("of"), of
        return "score", end + m.end("of"), of
    m = _OF_THE.match(rest)
    if m:
        return "count", end + m.end("of"), _number(m.group("of"))
    return "count", end, None


def _figure(sentence: str, value: float, unit: str, start: int, end: int, of: float | None) -> StatedFigure:
    if unit == "share":  # "7 out of 10 people": 70% of them
        return StatedFigure(sentence[start:end], round(value / of * 100, 6), "percent", start, end,
                            _approx(sentence, start), of)
    return StatedFigure(sentence[start:end], round(value, 6), unit, start, end, _approx(sentence, start), of)


_MAY_HAVE_FIGURE = re.compile(rf"\d|\b{_WORD}\b", re.IGNORECASE)


def read_figures(sentence: str) -> list[StatedFigure]:
    """Every figure of a sentence as a value with its unit, in order; dates, years, references,
    ages and the thresholds a measure is defined by are not figures."""
    if not _MAY_HAVE_FIGURE.search(sentence):
        return []
    masked = _not_figures(sentence)
    found: list[StatedFigure] = []
    taken: list[tuple[int, int]] = []
    for m in _ORDINAL.finditer(masked):
        taken.append((m.start(), m.end()))
        if m.group("rest").strip() or _RANKED.search(masked[max(0, m.start() - 30):m.start()]):
            of = float(m.group("of")) if m.group("of") else None
            found.append(StatedFigure(sentence[m.start():m.end()].strip(), float(m.group("n")), "rank", m.start(),
                                      m.end(), _approx(sentence, m.start()), of))
    for m in _RATIO.finditer(masked):
        taken.append((m.start(), m.end()))
        found.append(StatedFigure(sentence[m.start():m.end()], _number(m.group("of")), "one in", m.start(), m.end(),
                                  _approx(sentence, m.start())))
    masked = _blank(masked, taken)
    last = 0
    for m in _TOKEN.finditer(masked):
        if m.start() < last:
            continue  # the "19" of "14 of the 19": part of the figure before
        money = bool(m.group("pound"))
        scale = m.group("scale") or (m.group("short") if money else None)
        if m.group("short") and not money:
            continue  # "20m" of anything but money is a distance, not a figure
        value = _number(m.group("num")) * (_SCALES[scale.lower()] if scale else 1)
        if value == 100_000 and _PER_100K.search(masked[max(0, m.start() - 6):m.start()]):
            continue  # the "100,000" of "per 100,000" is part of a rate's unit
        end = m.end() if scale else m.end("num")
        unit, end, of = _unit_after(masked, end, value, money)
        found.append(_figure(sentence, value, unit, m.start(), end, of))
        taken.append((m.start(), end))
        last = end
    masked = _blank(masked, taken)
    last = 0
    for start, end, value in number_word_runs(masked):
        if start < last:
            continue  # the "ten" of "seven out of ten"
        unit, last, of = _unit_after(masked, end, value, False)
        found.append(_figure(sentence, value, unit, start, last, of))
    return sorted(found, key=lambda f: f.start)
