"""Questions for the timing runs: templates over the synthetic set's authorities.

The mix follows how the app is used: most questions are asked with the user's council selected
(the question names none), some name an authority in the text, some ask for a score (answered
from the catalog), some for improvement actions, a few compare two named authorities. Questions
about every authority at once are timed separately (`NATIONAL`): their cost grows with the
library, by design, and a percentile over them would hide that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from cqc import framework

# {a}: the authority's short name. Subjects every shared report covers.
SCOPED = (
    "How many people were waiting for a Care Act assessment?",
    "How long did people wait for an assessment?",
    "How many unpaid carers were waiting for a carer's assessment?",
    "What proportion of people used direct payments?",
    "What did people say about reablement?",
    "How well did the council work with health partners?",
    "What were the concerns about Section 42 safeguarding enquiries?",
    "What was the social work vacancy rate?",
    "How were people supported when leaving hospital?",
    "How many people were waiting for home care?",
    "How did the council learn from complaints?",
    "What was the overspend on the adult social care budget?",
    "What did people say about advocacy?",
    "How were young people supported in the transition to adult services?",
)
NAMED = (
    "How many people were waiting for a Care Act assessment in {a}?",
    "What was the average wait for an assessment in {a}?",
    "How does {a} support unpaid carers?",
    "What did people in {a} say about the information and advice they received?",
    "How did {a} commission home care?",
    "What was the proportion of care providers rated good or outstanding in {a}?",
    "How did {a} manage safeguarding concerns?",
    "What did the report say about leadership and governance in {a}?",
)
SCORES = (
    "What was {a}'s overall rating?",
    "What score did {a} get for Safeguarding?",
    "What was {a}'s lowest scoring quality statement?",
)
ACTIONS = (
    "Draft improvement actions for {a} on assessment waiting times.",
    "Suggest improvement actions for {a} on safeguarding.",
)
COMPARE = (
    "Compare waiting times for Care Act assessments in {a} and {b}.",
    "Compare direct payments uptake in {a} and {b}.",
)
NATIONAL = (
    "Which authorities scored 1 for Safeguarding?",  # a catalog lookup
    "Compare direct payments uptake across the authorities.",  # figures of every authority
    "Which councils had the highest direct payment uptake?",  # a ranking over measure records
)
# What each kind is, as the profile's table names it.
KIND_LABELS = {
    "scoped": "fact, council selected",
    "named": "fact naming a council",
    "compare": "comparing two councils",
    "score": "score or rating (catalog)",
    "actions": "improvement actions",
}


@dataclass(frozen=True)
class BenchQuestion:
    text: str
    kind: str  # scoped | named | score | actions | compare
    scope: tuple[str, ...] = ()  # the authority selected in the app, for scoped questions
    authorities: tuple[str, ...] = ()  # the authorities it is about


def short_name(authority: str) -> str:
    return framework.short_names(authority)[-1]


def make_questions(authorities: list[str], n: int = 240, seed: int = 11) -> list[BenchQuestion]:
    """n questions: half scoped, a fifth naming one authority, then scores, actions, comparisons."""
    if not authorities:
        raise ValueError("no authorities to ask about: the store is empty")
    rng = random.Random(seed)
    kinds = ["scoped"] * 10 + ["named"] * 4 + ["score"] * 3 + ["actions"] * 2 + ["compare"] * 1
    out: list[BenchQuestion] = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        a = rng.choice(authorities)
        if kind == "scoped":
            out.append(BenchQuestion(rng.choice(SCOPED), kind, scope=(a,), authorities=(a,)))
        elif kind == "compare" and len(authorities) > 1:
            b = rng.choice([x for x in authorities if x != a])
            text = rng.choice(COMPARE).format(a=short_name(a), b=short_name(b))
            out.append(BenchQuestion(text, kind, authorities=(a, b)))
        else:
            pool = {"named": NAMED, "score": SCORES, "actions": ACTIONS}.get(kind, NAMED)
            out.append(BenchQuestion(rng.choice(pool).format(a=short_name(a)), kind, authorities=(a,)))
    return out
