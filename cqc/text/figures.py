"""Figures: the numbers a sentence states, read the three ways the assistant needs them.

- `numbers_in` / `has_figure`: every number as a bare value ("£1,200" -> "1200", "17%" -> "17"),
  to check that an answer states a figure;
- `figures_in`: each figure with its kind (money, percent, duration, count) and the clause it
  belongs to, to tell apart the figures of one sentence ("£146,300,000, which was £4,400,000 more
  than estimated");
- `quoted_figures`: the figures a comparison table quotes, with their units ("63 days", "1 in 4",
  "9 of the 26"), never a date, a year or a legal reference ("Section 42").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cqc.text.dates import MONTH_NAMES, YEAR

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
_FIGURE = re.compile(
    r"(?P<value>£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|bn|m|k)\b)?|\d[\d,]*(?:\.\d+)?\s?%|\d[\d,]*(?:\.\d+)?)"
    r"(?P<unit>\s+(?:days?|weeks?|months?|years?|hours?|working days|people|carers|posts|complaints|enquiries)\b)?",
    re.IGNORECASE,
)
_DATE_AROUND = re.compile(
    rf"(?:\b\d{{1,2}}\s+)?(?:{MONTH_NAMES})\s+(?:\d{{1,2}},\s+)?\d{{4}}|\b\d{{1,2}}\s+(?:{MONTH_NAMES})\b|{YEAR}",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+(?:which|while|whereas|compared with|against|and|but)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    text: str  # as written: "£146,300,000", "63 days", "24.6%"
    kind: str  # "money" | "percent" | "duration" | "count"
    clause: str  # the part of the sentence the figure belongs to


def _kind(value: str, unit: str) -> str:
    if value.startswith("£"):
        return "money"
    if value.endswith("%"):
        return "percent"
    if unit and re.match(r"\s*(days?|weeks?|months?|years?|hours?|working days)", unit, re.I):
        return "duration"
    return "count"


def figures_in(sentence: str) -> list[Figure]:
    """The figures of a sentence with their clauses; dates and years are not figures."""
    masked = _DATE_AROUND.sub(lambda m: " " * len(m.group(0)), sentence)
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
    out = []
    for m in _FIGURE.finditer(masked):
        value, unit = m.group("value").strip().rstrip(",."), m.group("unit") or ""
        start = max(b for b in bounds if b <= m.start())
        end = min(b for b in bounds if b > m.start())
        out.append(Figure((value + unit).strip(), _kind(value, unit), sentence[start:end].strip(" ,;.")))
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
