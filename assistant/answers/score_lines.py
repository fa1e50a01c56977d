"""What the score answers share: the lines an answer writes and the score lines it cites,
numbered in order of first citation, read from the catalog's findings of each report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Citation, RetrievedFinding
from cqc import framework
from cqc.models import Chunk
from cqc.records import ReportEntry
from vectorstore.store import LibraryStore

# (text, citations, the findings cited, whether the report gives none of what was asked)
ScoreResult = tuple[str, list[Citation], list[RetrievedFinding], bool]
LINE_KINDS = ("score", "rating")  # the findings a score answer cites: score lines and rating lines
_SCORE_IN_LINE = re.compile(r"\bscore\s*:?\s*([1-4])\b|^([1-4])\s*[-–—]\s*evidence shows", re.IGNORECASE | re.MULTILINE)


def band(n: int) -> str:
    return framework.SCORE_BANDS.get(n, "")


def join_items(items: list[str], word: str = "and") -> str:
    if not items:
        return ""
    sep = "; " if any("," in i for i in items) else ", "  # statement names have commas of their own
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + f" {word} " + items[-1]


def range_words(lo: int, hi: int, top: int = 4) -> str:
    if lo == hi:
        return str(lo)
    if lo <= (0 if top == 100 else 1):
        return f"{hi} or lower"
    if hi >= top:
        return f"{lo} or higher"
    return f"between {lo} and {hi}"


@dataclass
class Lines:
    """The answer's lines and the score lines they cite, numbered in order of first citation."""

    store: LibraryStore
    # The reports the answer may cite: a line missing for one is read for all of them in one go (a
    # lookup across the library cites a line of each of hundreds of reports), of that kind only.
    batch: list[ReportEntry] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    cited: list[Chunk] = field(default_factory=list)
    _lines: dict[tuple[str, str], list[Chunk]] = field(default_factory=dict)  # (report id, kind) -> its lines
    _numbers: dict[str, int] = field(default_factory=dict)  # chunk id -> its citation number
    numbered: bool = False  # the lines are a numbered list of their own
    answered: int = 0  # lines that give a value asked for
    not_given: int = 0  # lines saying the report gives no such value

    def read(self, entries: list[ReportEntry], kinds: tuple[str, ...] = LINE_KINDS) -> None:
        """Read these reports' lines of these kinds in one go, unless read already."""
        missing = [(e.report_id, kind) for e in entries for kind in kinds if (e.report_id, kind) not in self._lines]
        if not missing:
            return
        wanted_kinds = tuple(dict.fromkeys(kind for _, kind in missing))
        found = self.store.findings_of_kind(list(dict.fromkeys(rid for rid, _ in missing)), wanted_kinds)
        for rid, kind in missing:
            self._lines[(rid, kind)] = [c for c in found.get(rid, []) if c.kind == kind]

    def _of_kind(self, entry: ReportEntry, kind: str) -> list[Chunk]:
        if (entry.report_id, kind) not in self._lines:
            self.read([entry, *self.batch], (kind,))
        return self._lines[(entry.report_id, kind)]

    def scores(self, entry: ReportEntry, statements: list[str]) -> list[Chunk]:
        """The summary list naming the statements' scores, then each statement's own score line."""
        chunks = self._of_kind(entry, "score")
        listed = [c for c in chunks if not c.quality_statement and all(s in c.text for s in statements)]
        return listed[:1] + [c for c in chunks if c.quality_statement in statements]

    def rating(self, entry: ReportEntry) -> list[Chunk]:
        return self._of_kind(entry, "rating")

    def cite(self, chunks: list[Chunk]) -> str:
        refs = []
        for chunk in chunks:
            number = self._numbers.get(chunk.chunk_id)
            if number is None:  # numbered by id: a lookup across the library cites hundreds of lines
                self.cited.append(chunk)
                number = self._numbers[chunk.chunk_id] = len(self.cited)
            refs.append(f" [{number}]")
        return "".join(dict.fromkeys(refs))

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.answered += 1

    def none_given(self, line: str) -> None:
        """A value asked for that the report does not give: said, and counted as not answered."""
        self.lines.append(line)
        self.not_given += 1

    def statement_score(self, entry: ReportEntry, statement: str) -> int | None:
        """The catalog's score, else the one the statement's own score line in the library states."""
        if statement in entry.scores:
            return entry.scores[statement]
        for chunk in self._of_kind(entry, "score"):
            if chunk.quality_statement == statement:
                m = _SCORE_IN_LINE.search(chunk.text)
                if m:
                    return int(m.group(1) or m.group(2))
        return None

    def result(self) -> ScoreResult | None:
        if not self.lines:
            return None
        cites = [Citation.of(i, chunk, quote=chunk.text) for i, chunk in enumerate(self.cited, 1)]
        if self.numbered:
            text = "\n".join(self.lines)
        else:
            text = " ".join(self.lines) if len(self.lines) <= 2 else "\n".join(f"- {line}" for line in self.lines)
        gave_nothing = self.not_given > 0 and self.answered == 0
        return text, cites, [RetrievedFinding(chunk, 1.0) for chunk in self.cited], gave_nothing
