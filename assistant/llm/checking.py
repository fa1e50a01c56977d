"""Checks on text a model wrote against the findings it cites: a figure must be in a cited finding."""

from __future__ import annotations

import re

# Counts, percentages, money, years, ranges' ends: "£1,200", "17%", "3.5", "2023/24" -> 1200, 17, 3.5, 2023, 24
_NUMBER = re.compile(r"(?<![\w.])£?(\d+(?:,\d{3})*(?:\.\d+)?)%?")
_WORD_NUMBERS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12",
}


def figures_in(text: str) -> set[str]:
    """The figures a text states, normalised so "£1,200" in an answer matches "1200" in a finding."""
    return {m.replace(",", "") for m in _NUMBER.findall(text)}


def _with_word_numbers(text: str) -> set[str]:
    # A finding may write "three weeks" where the model writes "3 weeks": both support the figure.
    found = figures_in(text)
    for word, digit in _WORD_NUMBERS.items():
        if re.search(rf"\b{word}\b", text, re.IGNORECASE):
            found.add(digit)
    return found


def unsupported_figures(sentence: str, sources: list[str]) -> list[str]:
    """Figures in `sentence` that none of `sources` contains, in the order they appear."""
    have: set[str] = set()
    for s in sources:
        have |= _with_word_numbers(s)
    return [f for f in dict.fromkeys(m.replace(",", "") for m in _NUMBER.findall(sentence)) if f not in have]
