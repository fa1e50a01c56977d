"""Finding the councils a text names: a question, a page title, a sentence of a report.

One resolver for every layer. It finds each council on the national list (`cqc.council_list`)
wherever it is named, by any name staff write: the official name, a short form with or without
"Council", "London Borough of", "City of" ..., "&" for "and", an abbreviation (LBHF, B&NES), and
with one letter wrong ("Hammersmith and Fulhm"). Every mention comes with its span, so a question
can be cut into parts without cutting a name, and a title is never read as the tail of a name.

How a mention is chosen:
- names are matched on whole words, longest first: "Hammersmith and Fulham" is one council, never
  "Fulham"; "Compare Brighton and Hove and Redcar and Cleveland" is two; "Kingston upon Hull" is
  Hull, not Kingston; a name joined on by a hyphen is another place ("Newcastle-under-Lyme",
  "Bolton-le-Sands");
- case does not matter, except for short forms that are everyday words: "reading", "bury",
  "bath", "hull" in lower case are the words, and "Reading", "Bury", "Bath", "Derby" ... with a
  capital still need something that places them as a name (a word such as "in", "at", "compare"
  before, "Council", "'s" or a title's colon after, or another council beside them: "Compare
  Bury and Wigan"),
  and are not a name when another capitalised word follows ("Bury St Edmunds", "Bath Spa");
- abbreviations are taken as written or in capitals ("B&NES", "BANES", "BaNES"; never "banes"),
  and not after "the", "a", "our" ... ("our BCP" is a business continuity plan);
- one typo (a letter wrong, missing, added, or two swapped: rapidfuzz's OSA distance of 1) is
  forgiven in names of seven letters or more whose first letter is right, never in an
  abbreviation or an everyday word, and a single word with a typo needs its capital; a typo that
  would fit two councils fits none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from cqc.council_list import COUNCILS, EVERYDAY_WORDS, LOWER_CASE_WORDS, Council, normalise

__all__ = ["CouncilMention", "find_councils", "council_spans", "council_named", "merged_spans"]

MIN_TYPO_LETTERS = 7  # a shorter name with a letter wrong is too often another word ("Kent", "Kept")
MAX_TYPOS = 1

_WORD = re.compile(r"[^\W_]+|&")
# Between the words of one name: spaces, a line break, a hyphen ("Stockton-on-Tees"), a full stop
# ("St. Helens") or a comma ("Bournemouth, Christchurch and Poole").
_JOINER = re.compile(r"[\s.,\-]*")
# A hyphen on to a place-name joining word makes another place: "Newcastle-under-Lyme".
_PLACE_JOIN = re.compile(r"-(under|upon|on|in|le|by|super|cum|next)\b", re.IGNORECASE)
_PREFIXES = (
    ("london", "borough", "of"), ("royal", "borough", "of"), ("metropolitan", "borough", "of"),
    ("council", "of", "the"), ("borough", "of"), ("city", "of"), ("county", "of"), ("lb", "of"), ("lb",),
)
_SUFFIXES = (
    ("metropolitan", "borough", "council"), ("metropolitan", "district", "council"), ("metropolitan", "council"),
    ("borough", "council"), ("county", "council"), ("city", "council"), ("district", "council"), ("council",),
    ("mbc",),
)
# Words that place an everyday word as a name when they come before it ("in Reading", "compare Bury").
_PLACING = frozenset({
    "in", "at", "for", "from", "of", "by", "with", "and", "or", "versus", "vs", "v", "than", "about", "compare",
    "compared", "comparing", "between", "to", "on", "across", "including", "like", "against", "beside",
})
# Capitalised words that may follow an everyday name without making it another place or thing.
_NAME_FOLLOWERS = frozenset({"adult", "adults", "asc", "social", "council", "borough", "local", "authority", "care"})
_LISTING = re.compile(r"^\s*(,|and|&|or|vs\.?|versus|/)?\s*(and\s+)?$", re.IGNORECASE)
# Before an abbreviation these make it a common noun: "the BCP", "our BCP", "a KCC-style".
_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "its", "your", "my", "his", "her", "this", "that", "each"})


@dataclass(frozen=True)
class CouncilMention:
    """A council named in a text: where (text[start:end] is the whole name as written, with any
    "London Borough of" or "County Council" around it) and which council."""

    council: Council
    start: int
    end: int
    said: str  # the words as written
    typo: bool = False  # matched with one letter wrong


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    norm: str  # lower case, "&" as "and"
    raw: str


@dataclass(frozen=True)
class _Candidate:
    council: Council
    first: int  # word indices, inclusive first, exclusive last
    last: int
    typo: bool
    core_words: int  # the name's own words, without a prefix or suffix round it
    core_norm: str
    abbreviation: bool = False


def _words(text: str) -> list[_Word]:
    return [_Word(m.start(), m.end(), "and" if m.group() == "&" else m.group().lower(), m.group())
            for m in _WORD.finditer(text)]


# The names a typo may reach, by (number of words, first letter), then by length in characters:
# one typo changes the length by at most one, so a window of words is compared with three short
# lists rather than every name of its size (a report's body has thousands of windows).
TypoIndex = dict[tuple[int, str], dict[int, list[tuple[str, Council]]]]


@lru_cache(maxsize=1)
def _index() -> tuple[dict[tuple[str, ...], Council], TypoIndex, int]:
    """Every name in words -> its council; the names a typo may reach (`TypoIndex`); the longest
    name in words."""
    exact: dict[tuple[str, ...], Council] = {}
    for council in COUNCILS:
        for name in council.names:
            if name not in council.abbreviations:  # matched as written, by `_abbreviations`
                exact.setdefault(tuple(normalise(name).split()), council)
    fuzzy: TypoIndex = {}
    for words, council in exact.items():
        joined = " ".join(words)
        if joined in LOWER_CASE_WORDS or joined in EVERYDAY_WORDS:
            continue
        if sum(len(w) for w in words) >= MIN_TYPO_LETTERS:
            fuzzy.setdefault((len(words), joined[0]), {}).setdefault(len(joined), []).append((joined, council))
    return exact, fuzzy, max(len(w) for w in exact)


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[re.Pattern, dict[str, Council]]:
    table = {a.upper(): c for c in COUNCILS for a in c.abbreviations}
    alternatives = "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w&-])({alternatives})(?![\w&]|-\w)", re.IGNORECASE), table


def _joins(text: str, words: list[_Word]) -> list[bool]:
    """For each word, whether the next one follows it as the next word of one name (read once per
    text: every window of words asks about the same gaps)."""
    return [bool(_JOINER.fullmatch(text, words[k].end, words[k + 1].start)) for k in range(len(words) - 1)]


def _stands_alone(text: str, start: int, end: int) -> bool:
    """A name is not the start or end of a hyphenated word: "non-Kent", "Newcastle-under-Lyme"."""
    before = text[start - 1] if start else " "
    if before == "-" and start >= 2 and text[start - 2].isalnum():
        return False
    return not _PLACE_JOIN.match(text, end)


def _spaced(text: str, words: list[_Word], first: int, last: int) -> bool:
    """True when words[first:last] are separated by spaces only (a frame is never across a full stop)."""
    return all(text[words[k].end:words[k + 1].start].isspace() for k in range(first, last - 1))


def _extend(text: str, words: list[_Word], first: int, last: int) -> tuple[int, int]:
    """The name with its framing: "London Borough of" before it, "County Council" after it."""
    for suffix in _SUFFIXES:
        end = last + len(suffix)
        if end <= len(words) and tuple(w.norm for w in words[last:end]) == suffix and _spaced(text, words, last - 1, end):
            last = end
            break
    for prefix in _PREFIXES:
        begin = first - len(prefix)
        if begin >= 0 and tuple(w.norm for w in words[begin:first]) == prefix and _spaced(text, words, begin, first + 1):
            if prefix[0] == "lb" and words[begin].raw != "LB":
                continue  # "lb" in lower case is a pound
            first = begin
            break
    return first, last


def _name_candidates(text: str, words: list[_Word], typos: bool) -> list[_Candidate]:
    exact, fuzzy, longest = _index()
    joins = _joins(text, words)
    out: list[_Candidate] = []
    for first in range(len(words)):
        key: tuple[str, ...] = ()
        for last in range(first + 1, min(first + longest, len(words)) + 1):
            if last - first > 1 and not joins[last - 2]:
                break  # the window's newest word does not follow on (the earlier gaps were checked)
            key += (words[last - 1].norm,)
            council = exact.get(key)
            typo = False
            if council is None and typos and not (last - first == 1 and _opens_sentence(text, words[first])):
                council = _one_typo(key, words[first].raw, fuzzy)
                typo = council is not None
            if council is None or not _stands_alone(text, words[first].start, words[last - 1].end):
                continue
            begin, end = _extend(text, words, first, last)
            out.append(_Candidate(council, begin, end, typo, last - first, " ".join(key)))
    return out


def _opens_sentence(text: str, word: _Word) -> bool:
    """A capital at the start of a sentence says nothing: "Hovering" there is not "Havering"."""
    at = word.start - 1
    while at >= 0 and text[at].isspace():  # back over the spaces only: never a copy of the text so far
        at -= 1
    return at < 0 or text[at] in ".?!:;"


def _one_typo(key: tuple[str, ...], first_raw: str, fuzzy: TypoIndex) -> Council | None:
    """The one council whose name is one typo away from these words, if there is exactly one."""
    query = " ".join(key)
    if len(key) == 1 and not first_raw[:1].isupper():
        return None  # a lower-case word one letter from a name is more often a word ("hovering")
    by_length = fuzzy.get((len(key), query[0]))
    if not by_length or len(query.replace(" ", "")) < MIN_TYPO_LETTERS - 1:
        return None
    choices = [choice for size in range(len(query) - MAX_TYPOS, len(query) + MAX_TYPOS + 1)
               for choice in by_length.get(size, ())]
    if not choices:
        return None
    found = process.extract(query, [name for name, _ in choices], scorer=OSA.distance, score_cutoff=MAX_TYPOS,
                            limit=None)
    councils = {choices[index][1] for _, _, index in found}
    return councils.pop() if len(councils) == 1 else None


def _abbreviation_candidates(text: str, words: list[_Word]) -> list[_Candidate]:
    pattern, table = _abbreviations()
    starts = {w.start: i for i, w in enumerate(words)}
    ends = {w.end: i for i, w in enumerate(words)}
    out = []
    for m in pattern.finditer(text):
        said = m.group(1)
        council = table[said.upper()]
        listed = said in council.abbreviations or said == said.upper()
        if not listed and not (said == said.lower() and len(said) >= 4 and said.isalpha() and said.upper() != "BANES"):
            continue  # "lbhf" is still LBHF; "banes" and "Bcp" are not written as names
        first, last = starts.get(m.start()), ends.get(m.end())
        if first is None or last is None:
            continue
        if first and words[first - 1].norm in _DETERMINERS and not _names_follow(words, last):
            continue
        begin, end = _extend(text, words, first, last + 1)
        out.append(_Candidate(council, begin, end, False, last + 1 - first, said.lower(), abbreviation=True))
    return out


def _names_follow(words: list[_Word], last: int) -> bool:
    """'the BCP Council': a council word after an abbreviation makes it a name whatever is before."""
    return last + 1 < len(words) and words[last + 1].norm in {"council", "area"}


def _choose(candidates: list[_Candidate], words: list[_Word]) -> list[_Candidate]:
    """Longest first (in characters), exact before a typo; no two overlapping."""
    def span(c: _Candidate) -> int:
        return words[c.last - 1].end - words[c.first].start

    chosen: list[_Candidate] = []
    taken: set[int] = set()
    for c in sorted(candidates, key=lambda c: (-span(c), c.typo, c.first)):
        if taken.isdisjoint(range(c.first, c.last)):
            chosen.append(c)
            taken.update(range(c.first, c.last))
    return sorted(chosen, key=lambda c: c.first)


def _everyday(c: _Candidate) -> bool:
    """A short form that is also an everyday word, written without a frame ("Bury", not "Bury Council")."""
    return not c.abbreviation and c.last - c.first == c.core_words and (
        c.core_norm in EVERYDAY_WORDS or c.core_norm in LOWER_CASE_WORDS)


def _read_as_names(chosen: list[_Candidate], text: str, words: list[_Word]) -> list[_Candidate]:
    """Short forms that are everyday words, kept only where they are written as names."""
    kept: list[_Candidate] = []
    pending: list[_Candidate] = []
    for c in chosen:
        if not _everyday(c):
            kept.append(c)
            continue
        word = words[c.first]
        if c.core_norm in LOWER_CASE_WORDS and not word.raw[:1].isupper():
            continue  # "reading", "bury", "hull": the words
        if c.core_norm not in EVERYDAY_WORDS:
            kept.append(c)  # "Hull", "Slough": with a capital, the place
            continue
        nxt = words[c.last] if c.last < len(words) else None
        if nxt is not None and nxt.raw[:1].isupper() and nxt.norm not in _NAME_FOLLOWERS \
                and text[word.end:nxt.start].isspace():
            continue  # "Bury St Edmunds", "Bath Spa", "Derby County": another place or thing
        k = c.first - 1
        while k >= 0 and words[k].norm == "the":
            k -= 1
        placed = k >= 0 and words[k].norm in _PLACING  # "in Reading", "compare the Bury ..."
        listed = c.first > 0 and text[words[c.first - 1].end:word.start].strip() in {",", "/"}
        labelled = text.startswith(":", word.end)  # "Bury: local authority assessment"
        if placed or listed or labelled or text.startswith(("'s", "’s"), word.end):
            kept.append(c)
        else:
            pending.append(c)
    # "Bury and Wigan ...": an everyday word listed beside a council is one too.
    for c in pending:
        if any(_listed_together(c, other, text, words) for other in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.first)


def _listed_together(a: _Candidate, b: _Candidate, text: str, words: list[_Word]) -> bool:
    left, right = (a, b) if a.first < b.first else (b, a)
    return bool(_LISTING.match(text[words[left.last - 1].end:words[right.first].start]))


def _mentions(chosen: list[_Candidate], text: str, words: list[_Word]) -> list[CouncilMention]:
    out = []
    for c in chosen:
        start, end = words[c.first].start, words[c.last - 1].end
        out.append(CouncilMention(c.council, start, end, text[start:end], c.typo))
    return out


def find_councils(text: str, typos: bool = True) -> list[CouncilMention]:
    """Every council the text names, in order, each with its span and the words that named it.

    `typos=False` matches names as they are listed only (for the regulator's own pages, where a
    fictional council one letter from a real one must stay itself)."""
    words = _words(text)
    candidates = _name_candidates(text, words, typos) + _abbreviation_candidates(text, words)
    return _mentions(_read_as_names(_choose(candidates, words), text, words), text, words)


def council_spans(text: str, also: Iterable[str] = ()) -> list[tuple[int, int]]:
    """The spans of text that are council names, to be kept whole when a question is cut into
    parts ("How many calls did Hammersmith and Fulham ...?" is not cut at its "and"). `also`
    adds names the caller knows (the library's own authorities, fictional or not), matched as
    whole words in any case with "&" for "and"; overlapping spans are merged."""
    spans = [(m.start, m.end) for m in find_councils(text)]
    for name in also:
        words = [re.escape(w) if w != "and" else r"(?:and|&)" for w in normalise(name).split()]
        if not words:
            continue
        pattern = re.compile(r"(?<![\w-])" + r"[\s.,\-]*".join(words) + r"(?![\w&]|-\w)", re.IGNORECASE)
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return merged_spans(spans)


def merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, those that overlap made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=4096)  # a pure function of the name; every question asks it of every library authority
def council_named(name: str, typos: bool = True) -> Council | None:
    """The council a whole name means ("County Durham", "Hull", "LBHF", "Leeds Council",
    "Royal Borough of Windsor & Maidenhead"), or None when the name is not one of them, or is
    more than one ("Kingsmere Metropolitan Borough Council", "London", "Leeds and Kent")."""
    text = re.sub(r"^\s*the\s+", "", name or "", flags=re.IGNORECASE)
    text = re.sub(r"(['’]s?)?[\s.,:;?!]*$", "", text)  # "Leeds's", "Kent?"
    words = _words(text)
    if not words:
        return None
    candidates = _name_candidates(text, words, typos) + _abbreviation_candidates(text, words)
    whole = [c for c in candidates if c.first == 0 and c.last == len(words)]
    whole.sort(key=lambda c: c.typo)
    return whole[0].council if whole else None
