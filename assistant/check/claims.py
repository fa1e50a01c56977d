"""Checks on text a model wrote against the findings it cites: a figure must be in a cited finding."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.check.support import unsupported_sense
from assistant.models import Removal
from cqc.text.dates import MONTH_NAMES
from cqc.text.numbers import date_figures, key_figures, stated_figures
from cqc.text.sentences import split_sentences
from cqc.text.tokens import tokenize

_MONTH = re.compile(rf"\b({MONTH_NAMES})\b")


def figures_in(text: str) -> set[str]:
    """The figures a text states, digits and words alike: "£1,200" and "Nine thousand" -> "1200", "9000"."""
    return set(stated_figures(text))


def unsupported_figures(sentence: str, sources: list[str]) -> list[str]:
    """Figures in `sentence` that none of `sources` contains, in the order they appear.

    Figures count however they are written: "Nine thousand" in an answer needs 9,000 (or "nine
    thousand") in a source. Months count as figures: "In May 2024" from a finding dated
    "31 March 2024" is a wrong date even though every digit matches.
    """
    have: set[str] = set()
    for s in sources:
        have |= figures_in(s) | set(_MONTH.findall(s))
    stated = stated_figures(sentence) + _MONTH.findall(sentence)
    return [f for f in dict.fromkeys(stated) if f not in have]


def misdated(sentence: str, sources: list[str]) -> list[str]:
    """Dates in `sentence` that are not in the source sentences its other figures come from.

    Every figure of "In 2023/24, 79.4% were still at home" may be somewhere in a finding that says
    "in 2022/23, 79.4% ..." and mentions 2023/24 elsewhere: the year belongs to the figure.
    """
    figures = set(key_figures(sentence))
    dates = date_figures(sentence)
    if not figures or not dates:
        return []
    beside = [s for src in sources for s in split_sentences(src) if figures & set(key_figures(s))]
    have = set().union(*(set(date_figures(s)) for s in beside)) if beside else set()
    return [d for d in dates if d not in have]


# -- citation markers -----------------------------------------------------------------------------
# "[2]", "[2, 5]", "[2][5]", "[Finding 2]": the forms models write. Anything else in brackets is text.
_MARKER = re.compile(r"\[\s*(?:findings?\s*)?(\d+(?:\s*[,;]\s*(?:findings?\s*)?\d+)*)\s*\]", re.IGNORECASE)
# Other ways models cite, rewritten as "[n]" before anything else reads the text: "[^2]",
# "【2】", "【2†source】", "[2†L3]", "(Finding 2)", "(see findings 2 and 3)". A bare "(2)" is not a
# marker: ingest writes report text's own "[2]" that way, so it must stay text.
_OTHER_MARKER = re.compile(
    r"【\s*(\d+)(?:†[^】]*)?】|\[\^\s*(\d+)\s*\]|\[\s*(\d+)\s*†[^\]]*\]"
    r"|\(\s*(?:see\s+)?findings?\s+\[?(\d+(?:\s*(?:,|;|and|&)\s*\[?\d+\]?)*)\]?\s*\)",
    re.IGNORECASE,
)
# A marker still being written at the end of a stream: "[", "[1", "[12,", "[Find".
_PARTIAL_MARKER = re.compile(r"\[\s*(?:f(?:i(?:n(?:d(?:i(?:n(?:g(?:s)?)?)?)?)?)?)?\s*)?[\d,;\s]*$", re.IGNORECASE)
# What a stream holds back until it closes: any bracket or parenthesis opened near the end, since
# any of them may still become a marker ("(Find", "【2†").
_OPEN_AT_END = re.compile(r"[\[(【][^\])】]{0,40}$")


def _numbers(group: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", group)]


def canonical_markers(text: str) -> str:
    """Every way of citing a finding written as "[n]" ("[n][m]" for several)."""
    text = _OTHER_MARKER.sub(lambda m: "".join(f"[{n}]" for n in _numbers(next(g for g in m.groups() if g))), text)
    return _MARKER.sub(lambda m: "".join(f"[{n}]" for n in _numbers(m.group(1))), text)


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

    return _MARKER.sub(replace, canonical_markers(text))


def markers_in(text: str) -> list[int]:
    return [n for m in _MARKER.finditer(canonical_markers(text)) for n in _numbers(m.group(1))]


class MarkerStream:
    """Filters a token stream so a reader never sees half a marker or a marker that resolves to nothing.

    Text is passed on as it arrives, except a trailing "[...", "(..." or "【..." that could still
    become a marker: that is held until it closes (then shown as "[n]" if valid, dropped if not,
    passed on if it is text).
    """

    def __init__(self, valid: set[int]):
        self.valid = valid
        self.pending = ""
        self.removed: list[int] = []

    def feed(self, piece: str) -> str:
        self.pending += piece
        held = _OPEN_AT_END.search(self.pending)
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


# A cited sentence must be about what it cites: at least this share of its words are the cited
# findings' words (a paraphrase keeps its subject's words: "carers", "helpline"; a claim the model
# made up and pinned to a finding shares almost none).
SUPPORT_OVERLAP = 1 / 3


def word_overlap(claim: str, sources: list[str]) -> float:
    words = set(tokenize(claim))
    if not words:
        return 1.0
    have = set().union(*(tokenize(s) for s in sources)) if sources else set()
    return len(words & have) / len(words)


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


# What a line may start with that is layout, not a claim: a bullet or list number, and in a
# side-by-side answer the authority's name in bold.
_LIST_PREFIX = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s+")
_LABEL = re.compile(r"^\*\*[^*\n]+\*\*\s*:?\s*")

# A further check on a claim that passed the figure check: its text (markers removed) and the
# findings it cites -> why it must go, or None to keep it.
ClaimCheck = Callable[[str, list[int]], "str | None"]


def _with_marker(claim: str, marker: int) -> str:
    """"Waits were long." -> "Waits were long [2].": the marker goes before the closing stop."""
    m = re.search(r"[.!?]+$", claim)
    return f"{claim[:m.start()]} [{marker}]{m.group(0)}" if m else f"{claim} [{marker}]"


def check_claims(
    text: str, sources: dict[int, str], attribute_uncited: bool = True, silent: str = "", verify: ClaimCheck | None = None
) -> CheckedText:
    """Keep what the cited findings support.

    Markers that resolve to no finding are removed. A sentence with no marker that restates one
    finding is given that finding's marker (and reported); any other uncited sentence is dropped,
    and so is one whose every marker resolved to nothing (a wrong marker is not mended). A
    sentence stating a figure that none of its cited findings contains is dropped whole: a claim
    with an invented number is worse than a shorter answer. `silent` (the "do not say" reply) is
    kept uncited; `verify` may drop more.
    """
    silent_key = silent.rstrip(".").casefold()
    text = canonical_markers(text)
    removed_markers: list[int] = []
    removals: list[Removal] = []
    attributed: list[Removal] = []
    lines_out: list[str] = []
    for line in text.splitlines():
        prefix_match = _LIST_PREFIX.match(line)
        prefix = prefix_match.group(0).lstrip() if prefix_match else ""
        kept: list[str] = []
        claims_kept = 0  # a line left with only its bullet or label is dropped
        for i, claim in enumerate(split_claims(line[len(prefix_match.group(0)):] if prefix_match else line)):
            label_match = _LABEL.match(claim) if i == 0 else None
            label = label_match.group(0) if label_match else ""
            body = claim[len(label):].strip()
            if not body:
                kept.append(label.strip())
                continue
            if silent_key and silent_key in body.casefold():
                kept.append(label + _MARKER.sub("", body).strip())
                claims_kept += 1
                continue
            clean = normalise_markers(body, set(sources), removed_markers)
            cited = markers_in(clean)
            if not cited:
                if markers_in(body):
                    removals.append(Removal(claim, "its only citation resolves to no finding"))
                    continue
                source = attribute(clean, sources) if attribute_uncited else None
                if source is None:
                    removals.append(Removal(claim, "no citation, and it restates no finding"))
                    continue
                clean, cited = _with_marker(clean, source), [source]
                attributed.append(Removal(claim, f"no marker; restates finding [{source}]"))
            bare = _MARKER.sub("", clean)
            missing = unsupported_figures(bare, [sources[n] for n in cited])
            if missing:
                removals.append(Removal(claim, f"figure not in any cited finding: {', '.join(missing)}"))
                continue
            wrong_dates = misdated(bare, [sources[n] for n in cited])
            if wrong_dates:
                removals.append(Removal(claim, f"date not the cited figure's: {', '.join(wrong_dates)}"))
                continue
            if word_overlap(bare, [sources[n] for n in cited]) < SUPPORT_OVERLAP:
                removals.append(Removal(claim, "shares few words with the findings it cites"))
                continue
            senseless = unsupported_sense(bare, [sources[n] for n in cited])
            if senseless:
                removals.append(Removal(claim, senseless))
                continue
            why = verify(bare, cited) if verify else None
            if why:
                removals.append(Removal(claim, why))
                continue
            kept.append(label + clean)
            claims_kept += 1
        if claims_kept or not line.strip():
            lines_out.append(prefix + " ".join(kept))
        # A line whose every claim was dropped leaves nothing behind, not an empty bullet or label.
    for n in dict.fromkeys(removed_markers):
        removals.append(Removal(f"[{n}]", "citation marker that resolves to no finding"))
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines_out)).strip()
    out = re.sub(r"[ \t]+([.,;:])", r"\1", out)
    out = re.sub(r"(?<=\S)[ \t]{2,}", " ", out)
    return CheckedText(out, list(dict.fromkeys(markers_in(out))), removals, attributed)
