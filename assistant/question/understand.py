"""Reading a question: the one place where English is turned into a plan.

Which authorities it names (from the library's catalog and the national list of councils),
whether it speaks for the user's own council ("we", "our"), which quality statements and topics
it is about, and what kind of answer it wants (`Intent`): findings quoted from the reports,
scores from the catalog, the report's own summary, what good looks like across councils, or
improvement actions. Every pattern is here, tested as (question, expected plan) rows in
tests/test_query_reading.py.
"""

from __future__ import annotations

import re

from assistant.question.measure_asks import measure_ask
from assistant.question.names import AuthorityNames
from assistant.question.query_plan import Intent, QueryPlan, ScoreAsk, SummaryAsk
from assistant.question.score_asks import (
    EXTREME_AREAS, HIGHEST, LOWEST, PROVIDER_RATING, RATING_NAMES, SCORE_WORDS, UNSCORED, score_ask_kind, score_range,
)
from cqc import framework
from cqc.text.dates import MONTHS
from cqc.text.tokens import tokenize
from cqc.topics import STATEMENT_TOPICS

__all__ = ["TOPICS", "WEAK_WORDS", "understand"]

# Everyday names for what a quality statement covers (cqc/topics.py): these boost retrieval, they do not filter.
TOPICS = STATEMENT_TOPICS


def _topic_pattern(word: str) -> str:
    return rf"\b{re.escape(word[:-1])}\w*" if word.endswith("*") else rf"\b{re.escape(word)}s?\b"


_TOPIC_RES = {qs: re.compile("|".join(_topic_pattern(w) for w in words)) for qs, words in TOPICS.items()}


# -- who the question is about --------------------------------------------------------------
_FIRST_PERSON = re.compile(
    r"\b(we|we're|we've|our|ours|us|ourselves|my (?:local )?(?:council|authority))\b"
    r"|\b(?:the|this) (?:local )?(?:council|authority)\b",
    re.IGNORECASE,
)
_ACROSS = re.compile(
    r"\b(which|what|all|each|every|any|the|other|how many)\s+(of the\s+)?(assessed\s+|other\s+)?(local\s+)?"
    r"(authorities|councils|las)\b"
    r"|\b(which|what)\s+(local\s+)?(authority|council|la)\b(?!'s)"
    r"|\bacross (the )?(authorities|councils|library|reports|country|england)\b|\bnational(ly)?\b"
    r"|\bin the library\b|\bleague table\b|\brank\w*\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(compare[sd]?|comparing|comparison|versus|vs\.?|differ\w*|benchmark\w*)\b"
    r"|\b(higher|lower|more|fewer|less|better|worse|bigger|smaller|longer|shorter|faster|slower)\b[^?]*\bthan\b"
    r"|\bwhich\b[^?]*\b(highest|lowest|most|fewest|least|best|worst|higher|lower|more|fewer|longest|shortest)\b"
    r"|\b(did|does|do|was|were|is|are|has|had)\b[^?]*\bor\b[^?]*\b(higher|lower|more|fewer|better|worse|longer|shorter)\b",
    re.IGNORECASE,
)

# -- summaries, good practice, actions -----------------------------------------------------------
_ACTIONS = re.compile(
    r"\b(draft|suggest|propose|recommend|write|list)\b[^?]*\b(actions?|improvements?|recommendations?|plan)\b"
    r"|\bimprovement actions?\b|\baction plan\b",
    re.IGNORECASE,
)
_GOOD_PRACTICE = re.compile(
    r"\bwhat (does|do|would) good( practice)? look like\b|\b(good|best|notable|effective|positive) practice\b"
    r"|\bexamples? of (good|effective|strong|outstanding|positive) (practice|work)\b|\blearn from\b"
    r"|\bwhat do (the )?(good|outstanding|best|strong|better)(-performing)? (councils|authorities) do\b",
    re.IGNORECASE,
)
_ASKING_WORDS = re.compile(
    r"\bwhat (does|do|would) good( practice)? look like\b|\b(good|best|notable|effective|positive) practice\b|\bexamples? of"
    r"|\blearn from\b|\b(which|what|the|other) (local )?(councils|authorities|las|council|authority)\b|\bwhat do they do\b"
    r"|\b(do|does|did|are|is|doing|perform\w*) (well|best|better|strongly|good)\b|\bin the library\b|\band\b\s*$"
    r"|^\s*(in|on|for|at|with|about)\b|\b(in|on|for|at|with|about)\s*$|[?.!]|\bpractice\b"
    r"|^\s*(what|how|who|where|which)\b(\s+(is|are|can|could|should|do|does|did|would))?(\s+(we|i|you))?",
    re.IGNORECASE,
)
_DOES_WELL = re.compile(r"\b(do|does|did|are|is|doing|perform\w*)\s+(well|best|better|strongly|good)\b", re.I)
_SUMMARY_ASKS = (  # first match wins
    (SummaryAsk.VOICES, re.compile(
        r"\bwhat (did|do|does|have|has)\s+(the\s+)?(people|unpaid carers|carers|partners|care providers|providers|"
        r"families|staff|residents|people who use services)\s+(say|said|tell|told|think|feel|felt|report|describe)\b"
        r"|\bpeople's experiences?\b|\bexperiences? of (people|carers)\b", re.I)),
    (SummaryAsk.NEXT_STEPS, re.compile(
        r"\bnext steps?\b|\bpriorities\b|\bwhat (does|do|did|should|must)\b[^?]{0,40}\b(need|needs|needed|have) to do\b"
        r"|\bwhat (should|must)\b[^?]{0,30}\bdo\b|\bfocus on\b|\bprioriti[sz]e\b", re.I)),
    (SummaryAsk.DEVELOPMENT, re.compile(
        r"\bareas? (for|of) (improvement|development)\b|\bweakness(es)?\b|\bshortfalls\b|\bgaps\b"
        r"|\b(main|key|biggest) (concerns|issues|problems|risks|challenges)\b|\bneeds? (to )?improv\w*\b"
        r"|\bnot (working|going) well\b|\bwhat (is|isn't|was|wasn't) working\b|\bimprovement areas\b", re.I)),
    (SummaryAsk.STRENGTHS, re.compile(
        r"\bstrengths?\b|\bstrong points\b|\b(doing|does|did|do) well\b|\bgood at\b|\bworking well\b|\bwent well\b"
        r"|\bpositives\b", re.I)),
    (SummaryAsk.OVERVIEW, re.compile(
        r"\bsummar(y|ise|ize|ised|ized)\b|\boverview\b|\bsum up\b|\bbrief(ing)? (me )?(on|about)\b"
        r"|\b(key|main) (points|messages|findings|themes)\b|\bheadlines?\b|\boverall picture\b"
        r"|\bwhat did (the )?(report|assessment|cqc|inspectors?|regulator)\b[^?]*\b(say|find|conclude)\b"
        r"|\btell me about\b|\bdescribe\b|\bhow (is|are|was|were)\b[^?]*\b(doing|performing|getting on)\b", re.I)),
)
_VOICE_GROUPS = (("unpaid carer", "carers"), ("carer", "carers"), ("partner", "partners"), ("provider", "providers"),
                 ("famil", "families"), ("staff", "staff"), ("resident", "people"), ("people", "people"))
# Words a summary question is made of; anything else it says is a topic, and a topic is
# answered from the findings on it, not from the report's summary.
_SUMMARY_WORDS = frozenset(tokenize(
    "summarise summarize summary summaries overview sum up brief briefing key main points messages findings themes "
    "headline headlines overall picture report reports assessment assessments cqc inspector inspectors regulator "
    "say said tell told think feel felt describe described report find found conclude concluded council councils "
    "local authority authorities people unpaid carers carer partners partner care providers provider families staff "
    "residents experience experiences working work with support from about services service adult social "
    "strength strengths strong good well doing does did do going went positives area areas improvement improve "
    "improving development weakness weaknesses shortfalls gaps concerns issues problems risks challenges need needs "
    "next step steps priorities what should must me please give us their them it its focus prioritise prioritize "
    "tell describe how is are was were performing getting on"
))

# "How do we compare with Eastholm?" names no subject: the catalog compares ratings and scores.
_COMPARE_WORDS = frozenset(tokenize(
    "how do does did we us our compare compared comparing comparison versus vs against with and differ difference "
    "between stack stacks up measure measures perform performs performance doing overall council councils authority "
    "authorities local other others each is are was were which who best worst top bottom highest lowest strongest "
    "weakest better worse"
))

# -- parts and places -----------------------------------------------------------------------------
_WH = r"(?:how|what|when|where|who|which|why|is|are|was|were|did|does|do|has|have|had)\b"
_PART_BREAK = re.compile(
    rf"\?\s+(?=\S)|[,;]\s*(?:and\s+)?(?={_WH})"
    r"|\s+and\s+(?=(?:how (?:many|much|long|often)|what (?:proportion|percentage|share|number|was|were|is|are|did))\b)",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w'’-]*[a-z][\w'’-]*(?:\s+(?:upon\s+|on\s+|and\s+)?[A-Z][\w'’-]*[a-z][\w'’-]*){0,3}"
_PLACE_RES = (
    re.compile(rf"\b({_NAME})(?:'s|’s)(?!\w)"),
    re.compile(rf"\b({_NAME})\s+(?:(?:County|City|Borough|Metropolitan Borough|District)\s+)?Council\b"),
    re.compile(rf"\b(?:in|at|for|from|about|than|with|and|versus|vs\.?)\s+({_NAME})(?=\s*(?:[?.!,;:]|$|\b(?:and|or|compared|versus|vs)\b))"),
    re.compile(rf"\bthe\s+({_NAME})\s+(?:report|assessment)\b"),
)
# Words that open a question or an instruction: capitalised there, never part of a council's name
# ("Summarise Harrowfield's report" names Harrowfield).
_OPENERS = frozenset(
    "summarise summarize compare list show describe give tell explain draft outline brief rank find please "
    "what which how why when where who whose is are was were did does do has have had can could should".split()
)
_NOT_PLACES = frozenset(
    ["england", "cqc", "nhs", "ascof", "lgsco", "care act", "section", "ombudsman", "the", "i", "council", "county",
     "city", "borough", "local", "overall", "quality", "theme", "score", "rating", "report", "please", "thanks",
     *(m.lower() for m in MONTHS), *(r.lower() for r in framework.RATINGS),
     *(qs.name.lower() for qs in framework.QUALITY_STATEMENTS)]
)


def _statements_named(text: str) -> list[str]:
    low = text.lower().replace("’", "'")
    named = []
    for qs in framework.QUALITY_STATEMENTS:
        for name in (qs.name.lower(), *qs.aliases):
            if len(name) > 6 and re.search(rf"\b{re.escape(name)}\b", low):
                named.append(qs.name)
                break
    return named


def _topics(text: str) -> list[str]:
    low = text.lower().replace("’", "'")
    return [qs for qs, pattern in _TOPIC_RES.items() if pattern.search(low)]


def _themes_named(text: str) -> list[str]:
    low = text.lower()
    named = [t for t in framework.THEMES.values() if t.lower() in low]
    named += [framework.THEMES[int(n)] for n in re.findall(r"\btheme\s*([1-4])\b", low)]
    return list(dict.fromkeys(named))


def _summary(content: str, statements: list[str]) -> tuple[SummaryAsk | None, str]:
    for ask, pattern in _SUMMARY_ASKS:
        m = pattern.search(content)
        if not m:
            continue
        topic = [t for t in tokenize(content) if t not in _SUMMARY_WORDS and not t[0].isdigit()]
        statement_words = set(tokenize(" ".join(statements)))
        if [t for t in topic if t not in statement_words]:
            return None, ""  # a subject of its own: answered from the findings on it
        voices = ""
        if ask is SummaryAsk.VOICES:
            said = m.group(0).lower()
            voices = next((group for stem, group in _VOICE_GROUPS if stem in said), "people")
        return ask, voices
    return None, ""


# Words that say what kind of thing a part asks for without naming its subject: a part made of
# these only ("and what is being done about them?") leans on the part before it.
WEAK_WORDS = frozenset(tokenize(
    "be being been done do doing happen happened happening about them it that this those these there show showed "
    "say said find found make made change changed affect affected impact how many much long often what which "
    "compare compared england average was were is are has have had still also"
))


def parts_of(question: str) -> tuple[str, ...]:
    """The separate things a question asks, when it asks more than one; each keeps enough words
    to be searched for."""
    pieces = [p.strip(" ,;?") for p in _PART_BREAK.split(question)]
    pieces = [p for p in pieces if len([t for t in tokenize(p) if not t.isdigit()]) >= 1]
    return tuple(pieces) if len(pieces) >= 2 else ()


def places_in(text: str) -> list[str]:
    """Capitalised names standing where a council's name would: "in Westshire", "Harrowfield's",
    "Northbridge Council". Whether the library knows them is for the caller to check."""
    found: list[str] = []
    for pattern in _PLACE_RES:
        for m in pattern.finditer(text):
            name = m.group(1).strip()
            first, _, rest = name.partition(" ")
            if first.lower() in _OPENERS:
                if not rest:
                    continue
                name = rest.strip()
            elif m.start(1) == 0 and pattern is not _PLACE_RES[1] and not text[m.end(1):].startswith(("'s", "’s")):
                continue  # the question's first word is capitalised whatever it is
            if name.lower() in _NOT_PLACES or name.lower().split()[0] in _NOT_PLACES:
                continue
            if name not in found:
                found.append(name)
    return found


def understand(question: str, names: AuthorityNames) -> QueryPlan:
    authorities, content = names.find(question)
    statements = _statements_named(content)
    low = content.lower()
    across = bool(_ACROSS.search(question)) and not authorities
    unscored = bool(UNSCORED.search(content) or PROVIDER_RATING.search(content))
    extremes = "lowest" if LOWEST.search(low) else "highest" if HIGHEST.search(low) else ""
    wanted, overall_range = score_range(content)
    comparative = bool(_COMPARE.search(question)) or len(authorities) >= 2
    absent = names.absent_councils(content)
    places = [p for p in places_in(content) if not names.absent_councils(p)]
    unnamed = content
    for name in [*absent, *places]:
        unnamed = unnamed.replace(name, " ")

    intent = Intent.FINDINGS
    score_ask = summary_ask = lined_up = None
    voices = ""
    topic_statements = tuple(s for s in _topics(content) if s not in statements)
    if not parts_of(question):  # one thing asked: it may be councils lined up on a measure
        lined_up = measure_ask(unnamed, named=len(authorities) + len(absent) + len(places), across=across,
                               first_person=bool(_FIRST_PERSON.search(content)))
    if _ACTIONS.search(content):
        intent = Intent.ACTIONS
    elif _GOOD_PRACTICE.search(content) or (across and _DOES_WELL.search(content) and not SCORE_WORDS.search(content)):
        intent = Intent.GOOD_PRACTICE
    elif lined_up is not None:
        intent = Intent.MEASURES
    elif (SCORE_WORDS.search(content) or EXTREME_AREAS.search(content)) and not unscored:
        intent = Intent.SCORES
        score_ask = score_ask_kind(content, across, statements, extremes, wanted)
    elif (comparative or across or RATING_NAMES.search(content)) and not unscored and not [
            t for t in tokenize(RATING_NAMES.sub(" ", unnamed)) if t not in _COMPARE_WORDS]:
        # Nothing asked about but councils, their standing or a rating: the catalog answers.
        intent, score_ask = Intent.SCORES, ScoreAsk.LOOKUP
    else:
        summary_ask, voices = _summary(content, statements)
        if summary_ask is not None:
            intent = Intent.SUMMARY
    return QueryPlan(
        question=question,
        authorities=tuple(authorities),
        all_authorities=across,
        quality_statements=tuple(statements),
        topic_statements=topic_statements,
        themes=tuple(_themes_named(content)),
        intent=intent,
        wants_overall=intent is Intent.SCORES and (not statements or "overall" in low or overall_range),
        comparative=comparative,
        extremes=extremes,
        content=content,
        first_person=bool(_FIRST_PERSON.search(content)),
        score_ask=score_ask,
        score_range=wanted if intent is Intent.SCORES else None,
        summary_ask=summary_ask,
        voices=voices,
        parts=parts_of(question) if intent is Intent.FINDINGS else (),
        absent=tuple(absent),
        places=tuple(places),
        unscored_measure=unscored,
        subject=_subject(content) if intent is Intent.GOOD_PRACTICE else "",
        measure_ask=lined_up if intent is Intent.MEASURES else None,
    )


def _subject(content: str) -> str:
    text = content
    for _ in range(3):  # asking words can sit on both sides of the subject
        text = re.sub(r"\s+", " ", _ASKING_WORDS.sub(" ", text)).strip(" ,;")
    return text
