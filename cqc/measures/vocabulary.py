"""The measure vocabulary: `vocabulary.toml` beside this file, read and checked once.

A measure is data, not code: its key, name, description, the words reports use for it, its unit
kind, which direction is better and its national indicator code. This module only loads and
validates the table; `cqc.measures.reading` applies it to sentences. A mistake in the table (an
unknown unit kind, a pattern that does not compile, a key used twice) is a `VocabularyError`
naming the file, the entry and the problem.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")
OTHER = "other"  # the measure of a figure the vocabulary does not know

# The figure units (`cqc.text.figures.UNIT_KINDS`) a measure of each unit kind takes.
UNITS_OF_KIND = {
    "count": ("count",),
    "percent": ("percent", "one in"),  # "1 in 4 carers" is a share, stated another way
    "duration": ("days", "working days", "weeks", "months", "years", "minutes"),
    "money": ("GBP",),
    "money rate": ("GBP per hour", "GBP per week", "GBP per month", "GBP per year", "GBP per person"),
    "rate": ("per 100,000",),
    "ratio": ("one in",),
    "hours": ("hours", "hours per week"),
    "score": ("score", "count"),  # "a score of 18.9", "the IMD decile is 3"
    "rank": ("rank",),
}
BETTER = ("higher", "lower", "neither")
COMPARATOR_KINDS = ("england", "regional", "neighbours", "previous", "target")
# Which unit kinds a qualifier can describe: a budget is "estimated", never a "median".
QUALIFIER_KINDS = {
    "median": ("duration", "count", "hours", "money rate", "score"),
    "average": ("duration", "count", "hours", "money rate", "score"),
    "longest": ("duration",),
    "total": ("count", "hours"),
    "estimated": ("money",),
    "actual": ("money",),
    "forecast": ("money",),
}


class VocabularyError(ValueError):
    """The vocabulary file has a mistake; the message names the file, the entry and what is wrong."""


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    description: str
    unit: str  # a unit kind, a key of UNITS_OF_KIND
    better: str  # "higher" | "lower" | "neither"
    ascof: str  # the Adult Social Care Outcomes Framework code, "" where there is none
    # Each a tuple of at most one pattern: the entry's regular expressions as one alternation.
    words: tuple[re.Pattern, ...]
    context: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    negative: tuple[re.Pattern, ...]

    @property
    def units(self) -> tuple[str, ...]:
        return UNITS_OF_KIND[self.unit]

    def as_json(self) -> dict:
        return {"key": self.key, "name": self.name, "description": self.description, "unit": self.unit,
                "better": self.better, "ascof": self.ascof}


@dataclass(frozen=True)
class Vocabulary:
    measures: tuple[Measure, ...]
    qualifiers: tuple[tuple[str, tuple[re.Pattern, ...]], ...]  # (qualifier, its words), in file order
    # (kind, words just before a figure, phrases right after it, table column headers), in file order
    comparators: tuple[tuple[str, tuple[re.Pattern, ...], tuple[re.Pattern, ...], tuple[re.Pattern, ...]], ...]
    version: str  # changes whenever the file does: records read under another version are read again
    incidental: re.Pattern  # matches right after a count of things no measure counts ("9 staff", "14 beds")
    # A question's words for how quickly something is done ([speed] in the file): "quickest", "take longest"
    faster: tuple[re.Pattern, ...] = ()
    slower: tuple[re.Pattern, ...] = ()
    doing: tuple[re.Pattern, ...] = ()  # the verb a speed word asks about: "to start", "to complete"

    def speed(self, text: str) -> str:
        """"faster" or "slower" when a question asks how quickly something is done, else "".
        Slower first: "take longer to start" is slower, whatever else it says."""
        if any(p.search(text) for p in self.slower):
            return "slower"
        return "faster" if any(p.search(text) for p in self.faster) else ""

    def measure(self, key: str) -> Measure | None:
        return next((m for m in self.measures if m.key == key), None)

    def measures_for_unit(self, unit: str) -> tuple[Measure, ...]:
        """The measures a figure of this unit can be, in file order."""
        return self._by_unit.get(unit, ())

    @property
    def _by_unit(self) -> dict[str, tuple[Measure, ...]]:
        cached = self.__dict__.get("_units")
        if cached is None:
            cached = {u: tuple(m for m in self.measures if u in m.units) for k in UNITS_OF_KIND.values() for u in k}
            object.__setattr__(self, "_units", cached)
        return cached

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.measures)


def _one(patterns: tuple[re.Pattern, ...]) -> tuple[re.Pattern, ...]:
    """Several patterns as one alternation: one search where there were several."""
    return (re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE),) if len(patterns) > 1 else patterns


def _patterns(where: str, values, field: str) -> tuple[re.Pattern, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise VocabularyError(f"{where}: '{field}' must be a list of regular expressions (strings)")
    out = []
    for value in values:
        try:
            out.append(re.compile(value, re.IGNORECASE))
        except re.error as exc:
            raise VocabularyError(f"{where}: '{field}' pattern {value!r} does not compile ({exc})") from exc
    return tuple(out)


def _measure(path: Path, n: int, entry: dict) -> Measure:
    where = f"{path}: measure {n} ({entry.get('key', 'no key')})"
    for required in ("key", "name", "description", "unit", "better", "words"):
        if not entry.get(required):
            raise VocabularyError(f"{where}: '{required}' is missing")
    unknown = set(entry) - {"key", "name", "description", "unit", "better", "ascof", "words", "context", "unless",
                            "negative"}
    if unknown:
        raise VocabularyError(f"{where}: unknown field(s) {sorted(unknown)}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", entry["key"]) or entry["key"] == OTHER:
        raise VocabularyError(f"{where}: key must be lower_case_with_underscores and not '{OTHER}'")
    if entry["unit"] not in UNITS_OF_KIND:
        raise VocabularyError(f"{where}: unit {entry['unit']!r} is not one of {sorted(UNITS_OF_KIND)}")
    if entry["better"] not in BETTER:
        raise VocabularyError(f"{where}: better {entry['better']!r} is not one of {BETTER}")
    if entry.get("negative") and entry["unit"] != "money":
        raise VocabularyError(f"{where}: 'negative' is for money measures only")
    return Measure(
        key=entry["key"], name=entry["name"], description=entry["description"], unit=entry["unit"],
        better=entry["better"], ascof=entry.get("ascof", ""),
        words=_one(_patterns(where, entry["words"], "words")),
        context=_one(_patterns(where, entry.get("context"), "context")),
        unless=_one(_patterns(where, entry.get("unless"), "unless")),
        negative=_one(_patterns(where, entry.get("negative"), "negative")),
    )


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: cannot be read as TOML ({exc})") from exc
    measures = tuple(_measure(path, n, entry) for n, entry in enumerate(data.get("measure", []), 1))
    if not measures:
        raise VocabularyError(f"{path}: no [[measure]] entries")
    seen: set[str] = set()
    for m in measures:
        if m.key in seen:
            raise VocabularyError(f"{path}: measure key {m.key!r} is used twice")
        seen.add(m.key)
    qualifiers = data.get("qualifiers", {})
    if set(qualifiers) - set(QUALIFIER_KINDS):
        raise VocabularyError(f"{path}: unknown qualifier(s) {sorted(set(qualifiers) - set(QUALIFIER_KINDS))}")
    comparators = data.get("comparators", {})
    if set(comparators) - set(COMPARATOR_KINDS):
        raise VocabularyError(f"{path}: unknown comparator kind(s) {sorted(set(comparators) - set(COMPARATOR_KINDS))}")
    for kind, entry in comparators.items():
        if not isinstance(entry, dict) or set(entry) - {"before", "after", "header"}:
            raise VocabularyError(f"{path}: comparator {kind} must be a table of 'before', 'after' and 'header' lists")
    speed = data.get("speed", {})
    if not isinstance(speed, dict) or set(speed) - {"faster", "slower", "doing"}:
        raise VocabularyError(f"{path}: [speed] must be a table of 'faster', 'slower' and 'doing' lists")
    nouns = data.get("incidental_nouns", [])
    if not isinstance(nouns, list) or not all(isinstance(n, str) and re.fullmatch(r"[\w' -]+", n) for n in nouns):
        raise VocabularyError(f"{path}: 'incidental_nouns' must be a list of words")
    incidental = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:%s)\b" % "|".join(map(re.escape, nouns)) if nouns else r"(?!)",
                            re.IGNORECASE)
    return Vocabulary(
        incidental=incidental,
        measures=measures,
        qualifiers=tuple((q, _patterns(f"{path}: qualifier {q}", words, "words")) for q, words in qualifiers.items()),
        comparators=tuple((k, _patterns(f"{path}: comparator {k}", e.get("before"), "before"),
                           _patterns(f"{path}: comparator {k}", e.get("after"), "after"),
                           _patterns(f"{path}: comparator {k}", e.get("header"), "header")) for k, e in comparators.items()),
        version=f"{data.get('version', 0)}-{hashlib.sha256(raw).hexdigest()[:12]}",
        **{kind: _one(_patterns(f"{path}: speed", speed.get(kind), kind)) for kind in ("faster", "slower", "doing")},
    )


@cache
def vocabulary() -> Vocabulary:
    """The project's vocabulary, read once."""
    return load_vocabulary()
