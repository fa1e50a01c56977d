"""Everyday words for what each quality statement covers, as people ask about it ("direct
payments" is Supporting people to lead healthier lives). They point a search at a statement's
findings; they never filter.

A word matches at a word start; "*" lets it run on ("inequalit*" matches "inequality"), and a
plain word may take a plural "s" ("fee" matches "fees", never "feedback").
"""

from __future__ import annotations

STATEMENT_TOPICS: dict[str, tuple[str, ...]] = {
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
        "equity", "inequalit*", "ethnic*", "deaf", "protected characteristic", "interpret*",
        "accessible", "seldom-heard", "minority", "minorities",
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
        "vacanc*", "financial position", "strategy",
    ),
    "Learning, improvement and innovation": (
        "complaint", "ombudsman", "lgsco", "co-production", "coproduction", "learning", "innovation",
        "training", "feedback",
    ),
}
