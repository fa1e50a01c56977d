"""What a generated answer must do besides citing findings that hold its figures.

- **Answer the question asked.** For a question whose answer is a figure, a claim stating figures
  must take one of them from a sentence of a cited finding that passes the quoted answerer's own
  coverage test (`evidence.sentences.answers_figure`); an answer with no such figure answers nothing.
- **Agree with the catalog.** A rating or score the model states ("rated Outstanding", "scored
  51 out of 100", "a score of 3 for safeguarding") must be the catalog's for the report it cites.
- **Keep what the quoted answer says.** The quoted (extractive) answer to the same evidence is the
  floor: a generated answer that leaves out a finding it cites, or a figure it states, is not
  shown; the quoted answer is, labelled as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.evidence.sentences import Selected, answers_figure
from cqc.text.numbers import key_figures, stated_figures
from assistant.models import Citation, RetrievedFinding
from cqc.framework import QUALITY_STATEMENTS, canonical_rating
from cqc.records import ReportEntry
from cqc.text.tokens import tokenize

_RATING = r"(outstanding|good|requires\s+improvement|inadequate)"
_RATING_CLAIMS = (
    re.compile(
        r"\b(?:rated|rating(?:\s+(?:of|was|is|as|remains?))?|judged|assessed\s+as|graded)\s*:?\s*(?:as\s+)?(?:an?\s+)?"
        rf"[\"'‘“]?{_RATING}\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{_RATING}[\"'’”]?\s+(?:overall\s+)?rating\b", re.IGNORECASE),
)
# "51 out of 100", "51/100", "overall score of 51", "scored 51", "3 out of 4", "a score of 3".
_OUT_OF = re.compile(r"\b(\d{1,3})\s*(?:out\s+of|/)\s*(100|4)\b", re.IGNORECASE)
_SCORE_OF = re.compile(
    r"\b(overall\s+)?(?:score[sd]?|rating)\s*(?:of|was|is|:|at)?\s*(?:just\s+|only\s+)?(\d{1,3})\b(?!\s*(?:out\s+of|/|%\s*of))",
    re.IGNORECASE,
)
_STATEMENT_NAMES = sorted(
    ((alias, qs.name) for qs in QUALITY_STATEMENTS for alias in (qs.name.lower(), *qs.aliases)),
    key=lambda pair: -len(pair[0]),
)


@dataclass(frozen=True)
class CatalogClaim:
    kind: str  # "rating", "overall" or "statement"
    value: str  # a canonical rating, or the score as digits


def catalog_claims(text: str) -> list[CatalogClaim]:
    """The ratings and scores a sentence states, as claims the catalog can confirm or refute."""
    claims = [CatalogClaim("rating", canonical_rating(m.group(1)) or m.group(1)) for r in _RATING_CLAIMS for m in r.finditer(text)]
    spans: list[tuple[int, int]] = []
    for m in _OUT_OF.finditer(text):
        claims.append(CatalogClaim("overall" if m.group(2) == "100" else "statement", m.group(1)))
        spans.append(m.span())
    for m in _SCORE_OF.finditer(text):
        if any(a <= m.start(2) < b for a, b in spans):
            continue
        if text[m.end(2):m.end(2) + 1] == "%" and not m.group(1):
            continue  # "a satisfaction score of 78%": a survey's score, not the regulator's
        value = int(m.group(2))
        overall = bool(m.group(1)) or value > 4
        if overall and value > 100:
            continue
        claims.append(CatalogClaim("overall" if overall else "statement", str(value)))
    return claims


def statements_named(text: str) -> list[str]:
    lowered = text.lower()
    return list(dict.fromkeys(name for alias, name in _STATEMENT_NAMES if alias in lowered))


def catalog_disagrees(claim: str, cited: list[RetrievedFinding], reports: dict[str, ReportEntry]) -> str | None:
    """Why a claim's rating or score is not the catalog's for the reports it cites; None when it is
    (or states none)."""
    stated = catalog_claims(claim)
    if not stated:
        return None
    entries = [reports[f.chunk.report_id] for f in cited if f.chunk.report_id in reports]
    if not entries:
        return "a rating or score the catalog cannot confirm"
    named = statements_named(claim)
    for c in stated:
        if c.kind == "rating":
            ok = any(e.rating == c.value for e in entries)
        elif c.kind == "overall":
            ok = any(e.overall_score is not None and str(e.overall_score) == c.value for e in entries)
        else:
            statements = named or [f.chunk.quality_statement for f in cited if f.chunk.quality_statement]
            ok = any(str(e.scores.get(s)) == c.value for e in entries for s in statements)
        if not ok:
            return f"{c.kind} {c.value} is not the catalog's"
    return None


@dataclass
class Grounds:
    """The evidence a generated answer is checked against, beyond its own citations."""

    by_number: dict[int, RetrievedFinding]
    ranked: list[Selected]
    figure_question: bool
    reports: dict[str, ReportEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._answering: dict[str, set[str]] = {}
        for s in self.ranked:
            if answers_figure(s):
                self._answering.setdefault(s.finding.chunk.chunk_id, set()).update(stated_figures(s.sentence))

    def answering_figures(self, cited: list[int]) -> set[str]:
        """Figures of the cited findings' sentences that answer the question (figure questions)."""
        out: set[str] = set()
        for n in cited:
            out |= self._answering.get(self.by_number[n].chunk.chunk_id, set())
        return out

    def verify(self, claim: str, cited: list[int]) -> str | None:
        """A `check_claims` hook: why a claim that cites findings holding its figures must still go."""
        if self.figure_question:
            figures = stated_figures(claim)
            if figures and not set(figures) & self.answering_figures(cited):
                return "its figures answer something other than the question (no cited sentence that answers it states them)"
        return catalog_disagrees(claim, [self.by_number[n] for n in cited], self.reports)

    def answers(self, markers: list[int], text: str) -> bool:
        """Whether a checked answer answers: for a figure question, it states a figure that does."""
        if not self.figure_question:
            return bool(markers)
        return bool(set(stated_figures(text)) & self.answering_figures(markers))


def missing_quoted_claims(quoted: list[Citation], text: str, cited_chunks: set[str]) -> list[str]:
    """What the quoted answer (its citations) says that the generated text leaves out: a finding it
    cites that the generated text does not cite, or a figure other than a date that it states and
    the generated text does not."""
    stated = set(stated_figures(text))
    missing: list[str] = []
    for c in quoted:
        if c.chunk_id not in cited_chunks:
            missing.append(f"the finding {c.heading or c.quality_statement or c.authority!r}")
        missing += [f"the figure {f}" for f in key_figures(c.quote) if f not in stated]
    return list(dict.fromkeys(missing))


def report_lookup(reports: Callable[[], list[ReportEntry]] | None) -> dict[str, ReportEntry]:
    return {e.report_id: e for e in reports()} if reports else {}


def closest_sentence(sentences: list[str], written: str, prefer: Callable[[str], bool] | None = None) -> str:
    """Of a cited finding's sentences, the one that text a model wrote rests on: the one sharing
    most words with it (the first of equals). A sentence `prefer` picks out counts one word more
    and wins a tie: an action's basis is a shortfall sentence where one is as close."""
    words = set(tokenize(written))

    def closeness(sentence: str) -> tuple[int, bool]:
        preferred = bool(prefer and prefer(sentence))
        return len(words & set(tokenize(sentence))) + preferred, preferred

    return max(sentences, key=closeness)
