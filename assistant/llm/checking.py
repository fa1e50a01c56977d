"""Checks on text a model wrote against the findings it cites: a figure must be in a cited finding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def unsupported_figures(sentence: str, sources: list[str]) -> list[str]:
    """Figures in `sentence` that none of `sources` contains, in the order they appear.

    Months count as figures: "In May 2024" from a finding dated "31 March 2024" is a wrong date
    even though every digit matches.
    """
    have: set[str] = set()
    for s in sources:
        have |= _with_word_numbers(s) | set(_MONTH.findall(s))
    stated = [m.replace(",", "") for m in _NUMBER.findall(sentence)] + _MONTH.findall(sentence)
    return [f for f in dict.fromkeys(stated) if f not in have]


# -- citation markers -----------------------------------------------------------------------------
# "[2]", "[2, 5]", "[2][5]", "[Finding 2]": the forms models write. Anything else in brackets is text.
_MARKER = re.compile(r"\[\s*(?:findings?\s*)?(\d+(?:\s*[,;]\s*(?:findings?\s*)?\d+)*)\s*\]", re.IGNORECASE)
# A marker still being written at the end of a stream: "[", "[1", "[12,", "[Find".
_PARTIAL_MARKER = re.compile(r"\[\s*(?:f(?:i(?:n(?:d(?:i(?:n(?:g(?:s)?)?)?)?)?)?)?\s*)?[\d,;\s]*$", re.IGNORECASE)


def _numbers(group: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", group)]


def normalise_markers(text: str, valid: set[int], removed: list[int] | None = None) -> str:
    """Every marker written as "[n]" with valid numbers only; invalid numbers are collected in `removed`."""

    def replace(m: re.Match) -> str:
        keep = []
        for n in _numbers(m.group(1)):
            if n in valid:
                keep.append(f"[{n}]")
            elif removed is not None:
                removed.append(n)
        return "".join(keep)

    return _MARKER.sub(replace, text)


def markers_in(text: str) -> list[int]:
    return [n for m in _MARKER.finditer(text) for n in _numbers(m.group(1))]


class MarkerStream:
    """Filters a token stream so a reader never sees half a marker or a marker that resolves to nothing.

    Text is passed on as it arrives, except a trailing "[..." that could still become a marker:
    that is held until it closes (then shown if valid, dropped if not) or turns out to be text.
    """

    def __init__(self, valid: set[int]):
        self.valid = valid
        self.pending = ""
        self.removed: list[int] = []

    def feed(self, piece: str) -> str:
        self.pending += piece
        held = _PARTIAL_MARKER.search(self.pending)
        cut = held.start() if held else len(self.pending)
        ready, self.pending = self.pending[:cut], self.pending[cut:]
        return normalise_markers(ready, self.valid, self.removed)

    def close(self) -> str:
        rest, self.pending = self.pending, ""
        if _PARTIAL_MARKER.fullmatch(rest):
            return ""  # a marker the model never finished
        return normalise_markers(rest, self.valid, self.removed)


# -- whole-answer check -----------------------------------------------------------------------------
# A sentence ends at . ! or ? followed by any markers that belong to it, then space or the end.
_SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+\])*(?=\s|$)")


def split_claims(line: str) -> list[str]:
    """A line of an answer cut into sentences, each keeping the markers written after its full stop."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(line):
        out.append(line[start:m.end()].strip())
        start = m.end()
    tail = line[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


@dataclass(frozen=True)
class Removal:
    text: str
    reason: str

    def as_json(self) -> dict:
        return {"text": self.text, "reason": self.reason}


@dataclass
class CheckedText:
    text: str
    markers: list[int]  # the valid markers used, in order of first use
    removals: list[Removal] = field(default_factory=list)
    attributed: list[Removal] = field(default_factory=list)  # uncited sentences given the finding they restate


# An uncited sentence is given a finding's marker only when it restates that finding: most of its
# words are the finding's words, and every figure it states is the finding's.
ATTRIBUTION_OVERLAP = 0.6
MIN_ATTRIBUTION_WORDS = 4


def attribute(claim: str, sources: dict[int, str]) -> int | None:
    """The finding an uncited sentence restates, if one clearly does. Small models often copy a
    finding faithfully and forget the marker; this finds the source rather than losing the claim."""
    from cqc.text.tokens import tokenize

    words = set(tokenize(claim))
    if len(words) < MIN_ATTRIBUTION_WORDS:
        return None
    best, best_overlap = None, 0.0
    for n, text in sources.items():
        overlap = len(words & set(tokenize(text))) / len(words)
        if overlap > best_overlap and not unsupported_figures(claim, [text]):
            best, best_overlap = n, overlap
    return best if best_overlap >= ATTRIBUTION_OVERLAP else None


def check_claims(text: str, sources: dict[int, str], attribute_uncited: bool = True) -> CheckedText:
    """Keep what the cited findings support.

    Markers that resolve to no finding are removed. A sentence with no marker that restates one
    finding is given that finding's marker (and reported). A sentence stating a figure that none
    of its cited findings contains (or stating one with no citation at all) is dropped whole: a
    claim with an invented number is worse than a shorter answer.
    """
    removed_markers: list[int] = []
    removals: list[Removal] = []
    attributed: list[Removal] = []
    lines_out: list[str] = []
    for line in text.splitlines():
        kept: list[str] = []
        for claim in split_claims(line):
            clean = normalise_markers(claim, set(sources), removed_markers)
            cited = markers_in(clean)
            if not cited and attribute_uncited and not markers_in(claim):  # a wrong marker is not mended
                source = attribute(clean, sources)
                if source is not None:
                    clean, cited = f"{clean} [{source}]", [source]
                    attributed.append(Removal(claim, f"no marker; restates finding [{source}]"))
            bare = _MARKER.sub("", clean)
            missing = unsupported_figures(bare, [sources[n] for n in cited])
            if missing:
                why = "figure not in any cited finding" if cited else "figure with no citation"
                removals.append(Removal(claim, f"{why}: {', '.join(missing)}"))
                continue
            kept.append(clean)
        if kept or not line.strip():
            lines_out.append(" ".join(kept))
        # A line whose every sentence was dropped leaves nothing behind, not an empty bullet.
    for n in dict.fromkeys(removed_markers):
        removals.append(Removal(f"[{n}]", "citation marker that resolves to no finding"))
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines_out)).strip()
    out = re.sub(r"[ \t]+([.,;:])", r"\1", out)
    out = re.sub(r"(?<=\S)[ \t]{2,}", " ", out)
    return CheckedText(out, list(dict.fromkeys(markers_in(out))), removals, attributed)
