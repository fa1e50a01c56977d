"""What we know about the shape of a CQC local authority assessment.

The assessment framework is fixed: four themes, nine quality statements, scores 1-4, an overall
score out of 100 and a four-point rating. Keeping the names here (and the ways people and real
reports vary them) lets the parser and the question reader share one vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class QualityStatement:
    name: str
    theme: str
    # Other ways the statement is written in reports or asked about by users, lower case.
    aliases: tuple[str, ...] = ()


THEMES: dict[int, str] = {
    1: "How the local authority works with people",
    2: "Providing support",
    3: "How the local authority ensures safety within the system",
    4: "Leadership",
}

QUALITY_STATEMENTS: tuple[QualityStatement, ...] = (
    QualityStatement("Assessing needs", THEMES[1], ("assessing need", "assessment of needs")),
    QualityStatement(
        "Supporting people to lead healthier lives",
        THEMES[1],
        # Real reports title it "... live healthier lives" on its own page.
        ("supporting people to live healthier lives", "healthier lives"),
    ),
    QualityStatement(
        "Equity in experience and outcomes", THEMES[1], ("equity in experiences and outcomes", "equity")
    ),
    QualityStatement(
        "Care provision, integration and continuity",
        THEMES[2],
        ("care provision, integration and continuity of care", "care provision", "integration and continuity"),
    ),
    QualityStatement("Partnerships and communities", THEMES[2], ("partnership and communities",)),
    QualityStatement(
        "Safe pathways, systems and transitions",
        THEMES[3],
        ("safe pathways", "safe systems, pathways and transitions"),
    ),
    QualityStatement("Safeguarding", THEMES[3], ()),
    QualityStatement(
        "Governance, management and sustainability",
        THEMES[4],
        ("governance", "governance, management and sustainability of services"),
    ),
    QualityStatement(
        "Learning, improvement and innovation",
        THEMES[4],
        ("learning, innovation and improvement", "learning and improvement"),
    ),
)

QS_BY_NAME = {qs.name: qs for qs in QUALITY_STATEMENTS}

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")

SCORE_BANDS = {
    1: "Evidence shows significant shortfalls",
    2: "Evidence shows some shortfalls",
    3: "Evidence shows a good standard",
    4: "Evidence shows an exceptional standard",
}


# Sections whose text is the regulator's standard wording of a quality statement, the same in every
# report ("We work with people to understand ..."): it describes what is expected, not what was found.
STANDARD_WORDING_HEADINGS = frozenset({"the local authority commitment", "what people expect"})


def is_standard_wording(heading: str) -> bool:
    return _norm(heading) in STANDARD_WORDING_HEADINGS


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("&", "and")
    text = re.sub(r"[^a-z0-9',]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,")


_HEADING_TO_QS: dict[str, str] = {}
for _qs in QUALITY_STATEMENTS:
    _HEADING_TO_QS[_norm(_qs.name)] = _qs.name
    for _alias in _qs.aliases:
        # Only full-length variants identify a heading; short aliases are for questions.
        if len(_alias.split()) >= 3 or _alias == "safeguarding":
            _HEADING_TO_QS[_norm(_alias)] = _qs.name


def quality_statement_for_heading(heading: str) -> str | None:
    """The canonical quality statement a heading names, if it names one exactly."""
    text = _norm(heading)
    text = re.sub(r"^(quality statement|qs\d*)\s*:?\s*", "", text)
    return _HEADING_TO_QS.get(text)


_THEME_RE = re.compile(r"^theme\s*(\d)\s*[:.\-–—]?\s*(.*)$", re.IGNORECASE)


def theme_for_heading(heading: str) -> str | None:
    """The canonical theme a heading names ("Theme 2: Providing support" or the bare name)."""
    m = _THEME_RE.match(heading.strip())
    if m and int(m.group(1)) in THEMES:
        return THEMES[int(m.group(1))]
    text = _norm(heading)
    for name in THEMES.values():
        if text == _norm(name):
            return name
    return None


def theme_of(quality_statement: str) -> str:
    qs = QS_BY_NAME.get(quality_statement)
    return qs.theme if qs else ""


def canonical_rating(text: str) -> str | None:
    t = _norm(text)
    for r in RATINGS:
        if t == _norm(r):
            return r
    return None


AUTHORITY_SUFFIXES = (
    "metropolitan borough council",
    "royal borough council",
    "borough council",
    "county council",
    "city council",
    "district council",
    "city of",
    "council",
)


def short_names(authority: str) -> list[str]:
    """Ways people shorten an authority's name: "Kingsmere Metropolitan Borough Council" -> "Kingsmere"."""
    names = {authority}
    low = authority.lower()
    for suffix in AUTHORITY_SUFFIXES:
        if low.endswith(" " + suffix):
            names.add(authority[: -len(suffix) - 1].strip())
            break
    for prefix in ("london borough of ", "royal borough of ", "city of ", "borough of "):
        if low.startswith(prefix):
            names.add(authority[len(prefix):].strip())
    return sorted(names, key=len, reverse=True)
