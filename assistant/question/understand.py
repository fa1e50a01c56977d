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
from assistant.question.query_plan import Intent, MeasureAskKind, QueryPlan, ScoreAsk, SummaryAsk
from assistant.question.score_asks import (
    EXTREME_AREAS, HIGHEST, LOWEST, PROVIDER_RATING, RATING_NAMES, SCORE_WORDS, UNSCORED, score_ask_kind, score_range,
)
from cqc import framework
from cqc.councils import council_spans
from cqc.text.dates import MONTHS
from cqc.text.tokens import tokenize
from cqc.topics import STATEMENT_TOPICS

__all__ = ["TOPICS", "WEAK_WORDS", "parts_of", "places_in", "split_outside", "understand"]

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
# A name in a council's place is capitalised ("Westshire") or written in capitals ("WESTSHIRE"; five
# letters or more, so most acronyms are not read as places).
_CAPITALISED = r"(?:[A-Z][\w'’-]*[a-z][\w'’-]*|[A-Z]{2}[A-Z'’-]{3,})"
_NAME = rf"{_CAPITALISED}(?:\s+(?:upon\s+|on\s+|and\s+)?{_CAPITALISED}){{0,3}}"
_PLACING = r"(?i:in|at|for|from|about|than|with|and|versus|vs\.?)"
_PLACE_RES = (
    re.compile(rf"\b({_NAME})(?:'s|’s)(?!\w)"),  # "Harrowfield's"
    re.compile(rf"\b({_NAME})\s+(?:(?i:county|city|borough|metropolitan borough|district)\s+)?(?i:council)\b"),
    re.compile(rf"\b{_PLACING}\s+({_NAME})(?=\s*(?:[?.!,;:—–]|\s-\s|$|\b(?:and|or|compared|versus|vs)\b))"),
    re.compile(rf"\bthe\s+({_NAME})\s+(?:report|assessment)\b"),
    re.compile(rf"^\s*({_NAME})\s*(?::|\s[-—–]\s|[—–])"),  # a label opening the question: "Westshire: how many ..."
    re.compile(rf"^\s*(?i:in|at|for)\s+({_NAME})\s+(?=(?i:{_WH}))"),  # "In Westshire how many ..."
    re.compile(rf"\(\s*({_NAME})\s*\)"),  # "carers waiting (Westshire)"
    re.compile(rf",\s*({_NAME})\s*[?.!]*\s*$"),  # "how many carers were waiting, Westshire?"
)
_LABEL = _PLACE_RES[4]
# A name written in lower case is a place only as the question's last word after "in" ("... waiting
# in westshire"; "for pets" is not a place), and not with an ending place names do not have
# ("in poverty", "in training"). Whether the library's text holds the word is for the caller to check.
_LOWER_PLACE = re.compile(r"\bin\s+([a-z][a-z'’-]{3,})\s*[?.!]*\s*$")
_NOT_PLACE_ENDING = re.compile(
    r"(tion|sion|ment|ness|ity|ty|ance|ence|ism|ing|ics|ship|hood|ure|acy|ous|ive|ful|less|ies|ed|ers|ists|als|ly)$")
_NOT_LOWER_PLACES = frozenset(
    "total general particular practice future detail full brief short summary advance addition order turn return "
    "response time place person writing public private there here them that this these those which each every both "
    "either all other others time years months weeks days hospital hospitals place places reality principle "
    "theory common part whole example instance depth now future past crisis prison prisons care need needs work "
    "school schools education employment housing custody hand mind view touch line debt".split()
)
_OPENERS = frozenset(
    "summarise summarize compare list show describe give tell explain draft outline brief rank find please "
    "what which how why when where who whose is are was were did does do has have had can could should".split()
)
_NOT_PLACES = frozenset(
    ["england", "cqc", "nhs", "ascof", "lgsco", "care act", "section", "ombudsman", "the", "i", "council", "county",
     "city", "borough", "local", "overall", "quality", "theme", "score", "rating", "report", "please", "thanks",
     # words before "council" or opening a question that are not a council's name
     "our", "my", "your", "their", "this", "that", "each", "every", "a", "an", "any", "which", "what", "district",
     "parish", "town", "unitary", "metropolitan", "question", "quick", "query", "note", "re", "hi", "hello",
     "urgent", "fyi", "summary", "help", "question", "answer", "context", "background", "update", "request",
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


def parts_of(question: str, keep: list[tuple[int, int]] | None = None) -> tuple[str, ...]:
    """The separate things a question asks, when it asks more than one; each keeps enough words
    to be searched for. `keep`: spans never cut (council names: "How many calls did Hammersmith and
    Fulham ...?" is one question); by default every council on the national list."""
    keep = council_spans(question) if keep is None else keep
    pieces = [p.strip(" ,;?") for p in split_outside(question, _PART_BREAK, keep)]
    pieces = [p for p in pieces if len([t for t in tokenize(p) if not t.isdigit()]) >= 1]
    return tuple(pieces) if len(pieces) >= 2 else ()


def split_outside(text: str, pattern: re.Pattern, keep: list[tuple[int, int]]) -> list[str]:
    """The text cut at every match of the pattern that does not touch a kept span."""
    pieces, last = [], 0
    for m in pattern.finditer(text):
        if any(start < m.end() and m.start() < end for start, end in keep):
            continue
        pieces.append(text[last:m.start()])
        last = m.end()
    return pieces + [text[last:]]


def places_in(text: str) -> list[str]:
    """Names standing where a council's name would: "in Westshire", "in WESTSHIRE", "Harrowfield's",
    "Northbridge Council", "Westshire council", "For Westshire, ...", "Westshire: ...", "In Westshire
    how many ...", "(Westshire)", "..., Westshire?", and a last lower-case word after "in" ("... in
    westshire"). Whether the library knows them is for the
    caller to check."""
    found: list[str] = []
    for pattern in _PLACE_RES:
        for m in pattern.finditer(text):
            name = m.group(1).strip()
            first, _, rest = name.partition(" ")
            if first.lower() in _OPENERS:
                if not rest:
                    continue
                name = rest.strip()
            elif m.start(1) == 0 and pattern not in (_PLACE_RES[1], _LABEL) \
                    and not text[m.end(1):].startswith(("'s", "’s")):
                continue  # the question's first word is capitalised whatever it is
            if name.lower() in _NOT_PLACES or name.lower().split()[0] in _NOT_PLACES:
                continue
            if name not in found:
                found.append(name)
    lower = _LOWER_PLACE.search(text)
    word = lower.group(1) if lower else ""
    if word and word not in _NOT_PLACES | _NOT_LOWER_PLACES and not _NOT_PLACE_ENDING.search(word) and word not in found:
        found.append(word)
    return found


def understand(question: str, names: AuthorityNames) -> QueryPlan:
    named = names.read(question)
    authorities, content = list(named.authorities), named.content
    statements = _statements_named(content)
    low = content.lower()
    across = bool(_ACROSS.search(question)) and not authorities
    unscored = bool(UNSCORED.search(content) or PROVIDER_RATING.search(content))
    extremes = "lowest" if LOWEST.search(low) else "highest" if HIGHEST.search(low) else ""
    wanted, overall_range = score_range(content)
    comparative = bool(_COMPARE.search(question)) or len(authorities) >= 2
    absent = list(named.absent)
    # Other names in a council's place, read from what is left once every council is taken out.
    places = places_in(named.bare)
    unnamed = named.bare
    for name in places:
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
    elif lined_up is not None and lined_up.kind is not MeasureAskKind.SIDE_BY_SIDE:
        # Named councils side by side go to the comparison on measures (assistant/compare,
        # evidence/measure_figures): the same measure for each, and where a report gives no
        # figure, its closest finding quoted as context (issue 25).
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
        parts=parts_of(question, names.spans(question)) if intent is Intent.FINDINGS else (),
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
