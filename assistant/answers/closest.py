"""When the reports give no figure for what a question asks: say so, naming what was asked, and
quote the finding that comes closest, marked as context and not as an answer.

"How much did Northbridge spend on agency staff?" is not answered by a sentence about agency
staff that gives no cost; but that sentence is what a reader would look at next. The answer
stays abstained (nothing asked for is given), and its one citation is marked `closest`, so
neither the app nor the eval counts it as the answer's evidence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.evidence.bundle import Evidence
from assistant.evidence.sentences import MIN_SENTENCE_SCORE, Selected
from assistant.models import Answer, Citation
from cqc.framework import is_standard_wording

# "What was the cost of agency staff in 2023/24?" -> "the cost of agency staff"; "How many people
# were waiting for a DoLS assessment?" -> "the number of people waiting for a DoLS assessment".
_WHAT = re.compile(r"^(?:what|which)\s+(?:was|were|is|are)\s+(?P<x>.+?)(?:\s+(?:in|at|during|on|by|as at)\s+"
                   r"(?:\d{4}\S*|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*))*\s*\??$", re.IGNORECASE)
_HOW_MANY = re.compile(r"^how many\s+(?P<x>[\w' -]+?)\s+(?:were|was|are|is|had|have|did|do)\s+(?P<rest>[^?]+?)\s*\??$",
                       re.IGNORECASE)
_HOW_MUCH = re.compile(r"^how much\s+(?:money\s+)?(?:did|does|do|has|had|will)\s+(?P<who>.+?)\s+(?P<verb>spend|pay|save|receive|"
                       r"overspend|underspend|invest|charge)\s+(?P<x>[^?]+?)\s*\??$", re.IGNORECASE)
_SHARE = re.compile(r"^what\s+(?P<k>proportion|percentage|share|number)\s+of\s+(?P<x>[\w' -]+?)\s+(?:were|was|are|is|had|have|did)\s+"
                    r"(?P<rest>[^?]+?)\s*\??$", re.IGNORECASE)
_SPENT = {"spend": "spending", "pay": "payments", "save": "savings", "receive": "income", "overspend": "overspending",
          "underspend": "underspending", "invest": "investment", "charge": "charges"}
# Whose and where the question already says: the answer is about that council's report.
_TRAILING_PLACE = re.compile(r"(?:\s+(?:in|at|for|by)\s+(?:the\s+)?(?:council|local authority|area|borough|county"
                             r"|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*))+$")


def asked_about(question: str) -> str:
    """What a figure question asks the figure of, as a noun phrase, or "" when it cannot be said
    in a few words (the question is then quoted instead)."""
    q = " ".join(question.split()).rstrip("?. ")
    if m := _HOW_MUCH.match(q):
        subject = f"{_SPENT[m.group('verb').lower()]} {m.group('x')}"
    elif m := _SHARE.match(q):
        subject = f"the {m.group('k').lower()} of {m.group('x')} {m.group('rest')}"
    elif m := _HOW_MANY.match(q):
        rest = re.sub(r"^(?:still|there)\b\s*", "", m.group("rest"))
        subject = f"the number of {m.group('x')} {rest}"
    elif m := _WHAT.match(q + "?"):
        subject = m.group("x")
        if not re.match(r"^(?:the|an?|its|their)\b", subject, re.IGNORECASE):
            subject = f"the {subject}"
    else:
        return ""
    subject = _TRAILING_PLACE.sub("", subject.strip())
    return subject if len(subject.split()) <= 14 else ""


def no_figure_for(question: str, authorities: int) -> str:
    whose = "The report gives" if authorities == 1 else "The reports in the library give"
    subject = asked_about(question)
    return f"{whose} no figure for {subject}." if subject else f"{whose} no figure that answers \u201c{question.strip()}\u201d."


CLOSEST = "Closest, which does not give that figure:"


def lowered(name: str) -> str:
    """A measure's name inside a sentence: "Direct payments uptake" -> "direct payments uptake";
    "DoLS applications ..." keeps its capitals."""
    first = name.split(" ", 1)[0]
    return name if first[1:] != first[1:].lower() else name[:1].lower() + name[1:]


def nearest(ranked: list[Selected]) -> Selected | None:
    """The best-scored sentence on the subject (the open-question bar) from a finding of the
    report's own (a paragraph or table, not the regulator's standard wording); None when none is."""
    return next((s for s in ranked
                 if s.relevance >= MIN_SENTENCE_SCORE and s.finding.chunk.kind in ("paragraph", "table")
                 and not is_standard_wording(s.finding.chunk.heading)), None)


def with_closest(answer: Answer, evidence: Evidence, content: str) -> Answer:
    """An abstained figure answer with the nearest finding quoted after it, marked as such; the
    answer unchanged when no finding is on the question's subject at all (an open question's bar)."""
    near = nearest(evidence.ranked)
    if near is None:
        return answer
    authorities = len({f.chunk.authority for f in evidence.findings if f.chunk.authority}) or 1
    quote = "\n".join(x for x in (near.lead, near.sentence) if x)
    citation = replace(Citation.of(1, near.finding.chunk, quote=quote), closest=True)
    shown = " ".join(x for x in (near.lead, near.sentence) if x)
    text = (f"{no_figure_for(content or answer.question, authorities)} "
            f"{CLOSEST} {shown} [1]")
    return replace(answer, answer=text, citations=[citation])
