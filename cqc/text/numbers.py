"""Figures as a text states them, in digits or in words, normalised so they can be compared.

"£1,200" and "1200" are one figure; so are "Nine thousand" and "9,000", and "four out of four"
states 4 twice. A model may write a figure either way whatever the finding did, and a check that
read only digits would let "Nine thousand people" through uncited.
"""

from __future__ import annotations

import re

# Counts, percentages, money, years, ranges' ends: "£1,200", "17%", "3.5", "2023/24" -> 1200, 17, 3.5, 2023, 24
_DIGITS = re.compile(r"(?<![\w.])£?(\d+(?:,\d{3})*(?:\.\d+)?)%?")

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, *_SCALES])
# A run of number words: "nine thousand", "twenty-three", "one hundred and twelve", "a thousand".
_WORD_RUN = re.compile(
    rf"\b(?:a\s+(?=(?:hundred|thousand|million)\b))?(?:{_NUMBER_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_NUMBER_WORD}))*\b",
    re.IGNORECASE,
)


def _value(run: str) -> int | None:
    """The value of a run of number words, or None for a lone "one" (usually not a figure:
    "one of the teams", "no one")."""
    words = [w for w in re.split(r"[\s-]+", run.lower()) if w and w != "and"]
    if words and words[0] == "a":
        words[0] = "one"
    if words == ["one"]:
        return None
    total, current = 0, 0
    for w in words:
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        else:  # thousand, million
            total += max(current, 1) * _SCALES[w]
            current = 0
    return total + current


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def number_word_runs(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of each figure written in words: "Twelve core organisations" -> 12."""
    out = []
    for m in _WORD_RUN.finditer(text):
        value = _value(m.group(0))
        if value is not None:
            out.append((m.start(), m.end(), value))
    return out


def word_figures(text: str) -> list[str]:
    """Figures written in words, as digits, in order: "Nine thousand" -> "9000"."""
    out = []
    for m in _WORD_RUN.finditer(text):
        value = _value(m.group(0))
        if value is not None:
            out.append(_format(value))
    return out


def digit_figures(text: str) -> list[str]:
    return [m.replace(",", "") for m in _DIGITS.findall(text)]


def stated_figures(text: str) -> list[str]:
    """Every figure the text states, digits and words alike, in order of first appearance."""
    found: list[tuple[int, str]] = [(m.start(), m.group(1).replace(",", "")) for m in _DIGITS.finditer(text)]
    for m in _WORD_RUN.finditer(text):
        value = _value(m.group(0))
        if value is not None:
            found.append((m.start(), _format(value)))
    return list(dict.fromkeys(v for _, v in sorted(found)))


_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTHS}(?:\s+\d{{4}})?\b|\b(?:19|20)\d\d(?:/\d\d(?:\d\d)?)?\b",
    re.IGNORECASE,
)


def key_figures(text: str) -> list[str]:
    """The figures a text states other than its dates: what an answer to a figure question carries."""
    return stated_figures(_DATE.sub(" ", text))


def date_figures(text: str) -> list[str]:
    """The parts of the dates a text states: "in 2022/23" -> 2022, 23; "31 March 2024" -> 31, March, 2024."""
    out: list[str] = []
    for m in _DATE.finditer(text):
        out += stated_figures(m.group(0)) + [w.capitalize() for w in re.findall(_MONTHS, m.group(0), re.IGNORECASE)]
    return list(dict.fromkeys(out))
