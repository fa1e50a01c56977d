"""Reading a question: which authorities, quality statements and themes it is about, and what kind
of answer it wants. Names come from the library's own catalog, so a new report's authority is
understood as soon as it is ingested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest import cqc

# Everyday names for what a quality statement covers: these boost, they do not filter.
TOPICS: dict[str, tuple[str, ...]] = {
    "Assessing needs": (
        "care act assessment", "carer's assessment", "carers' assessment", "carers assessment",
        "assessment", "waiting list", "review", "advocacy", "advocate", "financial assessment",
        "charging", "eligibility", "unpaid carer",
    ),
    "Supporting people to lead healthier lives": (
        "direct payment", "reablement", "prevention", "preventative", "equipment", "adaptation",
        "information and advice", "intermediate care", "occupational therapy",
    ),
    "Equity in experience and outcomes": (
        "equity", "inequalit", "ethnic", "deaf", "protected characteristic", "interpreter",
        "accessible", "seldom-heard", "minority",
    ),
    "Care provision, integration and continuity": (
        "home care", "care home", "market", "commissioning", "provider", "fee", "rated good or outstanding",
        "sufficiency",
    ),
    "Partnerships and communities": ("partnership", "voluntary", "community sector", "health partners", "nhs"),
    "Safe pathways, systems and transitions": (
        "transition", "hospital discharge", "discharge", "contingency", "preparing for adulthood",
        "children's to adult", "waiting well",
    ),
    "Safeguarding": ("safeguarding", "section 42", "making safeguarding personal", "deprivation of liberty", "dols"),
    "Governance, management and sustainability": (
        "governance", "budget", "overspend", "leadership", "director", "risk register", "workforce",
        "vacanc", "financial position", "strategy",
    ),
    "Learning, improvement and innovation": (
        "complaint", "ombudsman", "lgsco", "co-production", "coproduction", "learning", "innovation",
        "training", "feedback",
    ),
}

_ALL_AUTHORITIES = re.compile(
    r"\b(which|what|all|each|every|any|the)\s+(of the\s+)?(assessed\s+|other\s+)?(local\s+)?"
    r"(authorities|councils|las)\b|\bacross (the )?(authorities|councils)\b",
    re.IGNORECASE,
)
_SCORE_WORDS = re.compile(r"\b(score[sd]?|scoring|rating|rated)\b", re.IGNORECASE)
# "care providers rated good or outstanding" is about providers, not the authority's rating.
_PROVIDER_RATING = re.compile(
    r"\b(providers?|care homes?|agenc(?:y|ies)|services?)\b[^.?]*\brated\b|\brated\b[^.?]*\bby cqc\b", re.IGNORECASE
)
_ACTIONS = re.compile(
    r"\b(draft|suggest|propose|recommend|write|list)\b[^?]*\b(actions?|improvements?|recommendations?|plan)\b"
    r"|\bimprovement actions?\b|\baction plan\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(r"\b(compare|compared|comparison|versus|vs\.?|higher|lower|highest|lowest|more|fewer|better|worse|differ)\b", re.IGNORECASE)


@dataclass(frozen=True)
class QueryPlan:
    question: str
    authorities: tuple[str, ...] = ()  # named in the question (canonical names)
    all_authorities: bool = False  # "which authorities ..."
    quality_statements: tuple[str, ...] = ()  # named outright
    topic_statements: tuple[str, ...] = ()  # implied by the subject, for boosting
    themes: tuple[str, ...] = ()
    wants_score: bool = False  # a rating or score question, answered from the catalog
    wants_overall: bool = False
    comparative: bool = False
    extremes: str = ""  # "lowest" | "highest" when the question asks for one
    wants_actions: bool = False  # "Draft improvement actions for ..."
    content: str = ""  # the question with authority names taken out, for retrieval

    @property
    def is_comparison(self) -> bool:
        return len(self.authorities) >= 2 or self.all_authorities


@dataclass
class AuthorityNames:
    """Every way the library's authorities can be named, longest first so "Severn Marches County
    Council" wins over "Severn Marches"."""

    names: dict[str, str] = field(default_factory=dict)  # lower-case name -> canonical authority

    @classmethod
    def from_authorities(cls, authorities: list[str]) -> AuthorityNames:
        table: dict[str, str] = {}
        for authority in authorities:
            for name in cqc.short_names(authority):
                table.setdefault(name.lower(), authority)
        return cls(dict(sorted(table.items(), key=lambda kv: -len(kv[0]))))

    def find(self, text: str) -> tuple[list[str], str]:
        """Authorities named in text, in order of mention, and the text with the names removed."""
        if not self.names:
            return [], re.sub(r"\s+", " ", text).strip()
        pattern = _names_pattern(tuple(self.names))
        ordered: list[str] = []
        for m in pattern.finditer(text):
            authority = self.names.get(m.group(1).lower())
            if authority and authority not in ordered:
                ordered.append(authority)
        return ordered, re.sub(r"\s+", " ", pattern.sub(" ", text)).strip()


@lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One pattern for every name, longest first so "Severn Marches County Council" wins over
    "Severn Marches" (one pattern per name per question cost 265 ms at 350 reports)."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?:'s|’s|')?(?![\w-])", re.IGNORECASE)


def _statements_named(text: str) -> list[str]:
    low = text.lower().replace("’", "'")
    named = []
    for qs in cqc.QUALITY_STATEMENTS:
        for name in (qs.name.lower(), *qs.aliases):
            if len(name) > 6 and re.search(rf"\b{re.escape(name)}\b", low):
                named.append(qs.name)
                break
    return named


def _topics(text: str) -> list[str]:
    low = text.lower().replace("’", "'")
    return [qs for qs, words in TOPICS.items() if any(w in low for w in words)]


def _themes_named(text: str) -> list[str]:
    low = text.lower()
    named = [t for t in cqc.THEMES.values() if t.lower() in low]
    named += [cqc.THEMES[int(n)] for n in re.findall(r"\btheme\s*([1-4])\b", low)]
    return list(dict.fromkeys(named))


def understand(question: str, names: AuthorityNames) -> QueryPlan:
    authorities, content = names.find(question)
    statements = _statements_named(content)
    wants_score = bool(_SCORE_WORDS.search(content)) and not _PROVIDER_RATING.search(content)
    low = content.lower()
    extremes = "lowest" if re.search(r"\b(lowest|worst|weakest)\b", low) else (
        "highest" if re.search(r"\b(highest|best|strongest)\b", low) else ""
    )
    return QueryPlan(
        question=question,
        authorities=tuple(authorities),
        all_authorities=bool(_ALL_AUTHORITIES.search(question)) and not authorities,
        quality_statements=tuple(statements),
        topic_statements=tuple(s for s in _topics(content) if s not in statements),
        themes=tuple(_themes_named(content)),
        wants_score=wants_score,
        wants_overall=wants_score and (not statements or "overall" in low),
        comparative=bool(_COMPARE.search(question)) or len(authorities) >= 2,
        extremes=extremes,
        wants_actions=bool(_ACTIONS.search(content)),
        content=content,
    )
