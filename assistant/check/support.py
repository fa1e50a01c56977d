"""Does a sentence a model wrote say what the sentences it cites say? Not only their figures: their
sense. "People did not have to wait, and every one was completed promptly [1]" citing "612 people
were waiting ... the average wait was 74 days" holds no wrong figure and shares the finding's
words; it says the opposite.

No model judges this (none that could run here would be reliable, and a check must be explainable).
The sentence and the findings it cites are read clause by clause, and four things are compared:

- **Polarity of what is done.** A word a negation falls on ("did not have to *wait*", "there was no
  *waiting* list", "they rarely *received* feedback") against the same word in the findings, where
  the clauses are about the same thing (they share another content word). A claim is refuted when
  every such clause of the findings states it the other way, plainly (no negation in a clause
  means a plain statement; a clause with a negation that falls on another word is not counted).
- **Scales with two ends**, a short lexicon of how reports judge: timeliness ("promptly", "within
  target" | "delays", "overdue", "backlog", "waited too long"), judgement ("effective", "good",
  "clear" | "poor", "inconsistent", "gaps", "difficult") and direction ("rose", "above", "higher" |
  "fell", "below", "fewer"). A negation in the clause turns the end ("without delay" is timely,
  "not always clear" is unclear). A claim at one end of a scale needs the findings it cites at
  that end: at the other end only, it is refuted; nowhere on the scale, the judgement is the
  model's own ("completed promptly" citing a finding that states a wait of 74 days).
- **Absolute quantifiers.** "all", "every", "always", "fully" need an absolute in what is cited
  ("all four localities", "each", "100%"); "none", "nobody", "never" need one of theirs.
- **Many against few.** "most", "many", "usually" against findings that say only "a few",
  "a minority", "rarely" (and the reverse). "Most people said" for "many people told us" stands.

Words are compared as stems (`cqc.text.tokens.stem`), so "waiting", "waited" and "wait" are one.
A scale word in a proper name ("Better Care Fund", "Improving Together Plan") is a name, not a
judgement: a capitalised word inside a sentence is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cqc.text.tokens import STOPWORDS, stem

# -- negation -------------------------------------------------------------------------------------
NEGATORS = frozenset(
    "not no never cannot nobody none nothing neither nor without unable rarely seldom hardly barely scarcely".split()
)
# Negators that are not negations: "not only", "no more than 5", "no longer" is one (kept).
_NOT_NEGATION = re.compile(
    r"\b(?:not\s+(?:only|just|least|merely|until)|no\s+(?:more|less|fewer)\s+than|not\s+(?:more|less|fewer)\s+than"
    r"|whether\s+or\s+not|no\s+matter|if\s+not)\b"
)
# "failed to", "fails to": as much a negation of the verb after them as "did not".
_FAILED_TO = re.compile(r"\bfail(?:ed|s)?\s+to\b")
# Between a negator and the word it falls on: auxiliaries, determiners, pronouns, adverbs of degree
# and time ("did not *always* have *enough* time *to*"): the first word after them is the one negated.
_SKIP = frozenset(
    "a an the any some their its his her our my your this that these those them it they we you he she i "
    "be been being is are was were am have has had having do does did to of for get got getting "
    "always all yet also even fully really very quite so as much many more longer one ever enough "
    "need needs needed able consistently currently routinely properly sufficiently clearly well "
    "there here then just still sure".split()
)

# Past forms Snowball leaves apart from their verb: "met" is "meet", "rose" is "rise".
_IRREGULAR = {
    "met": "meet", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow",
    "took": "take", "taken": "take", "made": "make", "gave": "give", "given": "give", "found": "find", "left": "leave",
    "saw": "see", "seen": "see", "felt": "feel", "kept": "keep", "got": "get", "brought": "bring", "knew": "know",
    "known": "know", "began": "begin", "begun": "begin", "paid": "pay", "held": "hold", "sent": "send", "spent": "spend",
    "built": "build", "led": "lead", "heard": "hear", "understood": "understand", "chose": "choose", "chosen": "choose",
    "wrote": "write", "written": "write", "told": "tell", "said": "say", "thought": "think", "sought": "seek",
    "bought": "buy", "taught": "teach", "caught": "catch", "won": "win", "lost": "lose", "spoke": "speak",
    "spoken": "speak", "went": "go", "gone": "go", "came": "come", "did": "do", "done": "do", "ran": "run",
}


def base(word: str) -> str:
    """A word's stem, irregular past forms read as their verb."""
    return stem(_IRREGULAR.get(word, word))


_PRONOUN_NEGATORS = frozenset({"nobody", "none", "nothing", "neither", "no one"})
_AUXILIARIES = frozenset("was were is are had has have did does do could would should will can may might".split())

# -- where a clause ends ----------------------------------------------------------------------------
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2013\u2014]|(?<=\w)[.!?](?=\s|$)|\s-\s|\b(?:and|but|while|whereas|although|though|however|"
    r"because|which|who|whom|whose|that|where|when|whilst|despite|unless)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")

# Words that say who spoke or which body: clauses sharing only these are not about the same thing.
_GENERIC = frozenset(base(w) for w in (
    "people person council local authority staff told tell said say says us also report reports "
    "adult adults social care service services leader leaders partner partners".split()
))

# -- scales with two ends --------------------------------------------------------------------------
# (pattern, scale, end): the end is +1 or -1; a negation in the clause before the word turns it.
_SCALES: list[tuple[re.Pattern, str, int]] = []


def _scale(name: str, end: int, *patterns: str) -> None:
    for p in patterns:
        _SCALES.append((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), name, end))


TIMELINESS, JUDGEMENT, DIRECTION, VARIATION = "timeliness", "judgement", "direction", "variation"
_scale(TIMELINESS, +1,
       r"prompt(?:ly)?", r"timely", r"quick(?:ly|er)?", r"swift(?:ly)?", r"rapid(?:ly)?", r"fast(?:er)?",
       r"immediate(?:ly)?", r"on\s+time", r"(?<!too\s)early(?!\s+(?:help|intervention|stages?|years|support|days|on|to))", r"in\s+good\s+time", r"(?:the\s+)?same\s+day", r"on\s+the\s+day",
       r"straight\s+away", r"within\s+(?:target|timescales?)", r"without\s+waiting")
_scale(TIMELINESS, -1,
       r"delay(?:s|ed|ing)?", r"late", r"slow(?:ly|er)?", r"lengthy", r"overdue", r"backlogs?", r"untimely",
       r"long\s+waits?", r"long\s+waiting", r"waited\s+(?:too\s+|so\s+|very\s+)?long", r"waiting\s+(?:too\s+)?long",
       r"too\s+long", r"(?:a\s+)?long\s+time", r"behind(?!\s+(?:the|this|it|them))", r"outside\s+(?:target|timescales?)")
_scale(JUDGEMENT, +1,
       r"good", r"positive(?:ly)?", r"effective(?:ly|ness)?", r"strong(?:ly)?", r"robust", r"excellent",
       r"(?<!as\s)well(?!\s+as|-?being)", r"helpful", r"helped", r"valued", r"praised", r"improved",
       r"better(?!\s+care\s+fund)", r"best", r"safe(?:ly)?", r"satisfied", r"happy", r"(?<!to\s)clear(?:ly)?(?!\s+(?:the|its|their|a)\b)",
       r"consistent(?:ly)?", r"sufficient(?:ly)?", r"adequate(?:ly)?", r"supportive", r"responsive", r"proactive(?:ly)?",
       r"confident", r"stable", r"thorough(?:ly)?", r"strengths?", r"easy", r"easier", r"easily", r"accessible",
       r"straightforward", r"successful(?:ly)?", r"worked\s+well", r"enough", r"fair(?:ly)?", r"transparent",
       r"(?:spoke|speak|spoken)\s+highly", r"highly\s+(?:valued|regarded|rated)", r"comprehensive",
       r"complete(?!d|s|\s+(?:a|an|the|their|its|this|these)\b)")
_scale(JUDGEMENT, -1,
       r"poor(?:ly)?", r"negative(?:ly)?", r"ineffective", r"weak(?:ness|nesses)?", r"bad(?:ly)?", r"criticis(?:ed|m)",
       r"complained", r"worse", r"worst", r"worsen(?:ed|ing)?", r"deteriorat(?:ed|ing|ion)", r"inadequate(?:ly)?",
       r"insufficient(?:ly)?", r"inconsistent(?:ly)?", r"unclear", r"unsafe", r"dissatisfied", r"unhappy",
       r"frustrat(?:ed|ing|ion)", r"lack(?:s|ed|ing)?", r"gaps?", r"shortfalls?", r"shortages?", r"struggl(?:e|ed|es|ing)",
       r"difficult(?:y|ies)?", r"hard(?:er)?(?!\s+work)", r"confus(?:ed|ing)", r"barriers?", r"problems?", r"unmet", r"fragile",
       r"unstable", r"inaccessible", r"unavailable", r"patchy", r"limited", r"concerns?\s+about", r"unfair(?:ly)?",
       r"critical(?!\s+(?:care|incidents?))", r"missing", r"absent", r"incomplete")
_scale(DIRECTION, +1,
       r"increas(?:e|ed|es|ing)", r"ris(?:e|es|en|ing)", r"rose", r"grew", r"grow(?:n|ing|th)", r"higher", r"up\s+from",
       r"rais(?:e|ed|es|ing)", r"doubled", r"exceed(?:ed|s|ing)?", r"above(?!\s*[:.,])")
# A change that is better, of a figure that may be better higher or lower: it moved, one way or the other.
_scale(DIRECTION, 0, r"improve(?:d|ment)\s+(?:from|on)", r"changed\s+from")
_scale(DIRECTION, -1,
       r"decreas(?:e|ed|es|ing)", r"fell", r"fallen", r"falling", r"(?<=to\s)fall", r"drop(?:ped|s)?", r"declin(?:e|ed|es|ing)", r"lower",
       r"fewer(?!\s+than)", r"reduced", r"reduction", r"down\s+from", r"halved", r"cut(?:s|ting)?",
       r"(?<!table\s)(?<!chart\s)(?<!out\s)(?<!shown\s)below(?!\s*(?:shows?|sets?|lists?|[:.,]))")

_scale(VARIATION, +1,
       r"vari(?:ed|es|ation|ations|able|ability)", r"differ(?:ed|s|ence|ences)", r"uneven(?:ly)?", r"unequal(?:ly)?",
       r"inconsistent(?:ly)?", r"depend(?:ed|s)?\s+on\s+where")
_scale(VARIATION, -1, r"similar(?:ly)?", r"uniform(?:ly)?", r"the\s+same\s+(?:across|everywhere|in\s+every)", r"even(?:ly)?\s+spread")

# -- quantifiers -----------------------------------------------------------------------------------
ALL, NONE, MANY, FEW = "all", "none", "many", "few"
_QUANTIFIERS = [
    (MANY, re.compile(r"\b(?:almost|nearly|virtually)\s+(?:all|every\w*|always)\b", re.IGNORECASE)),
    (ALL, re.compile(r"\b(?:all|every|everyone|everybody|everything|always|entirely|completely|fully|each)\b", re.IGNORECASE)),
    (NONE, re.compile(r"\b(?:none|nobody|no\s+one|nothing|never)\b", re.IGNORECASE)),
    (MANY, re.compile(r"\b(?:most|majority|many|mostly|usually|often|frequently|generally|widely|large\s+number)\b", re.IGNORECASE)),
    (FEW, re.compile(r"\b(?:few|minority|small\s+number|handful|rarely|seldom|occasionally|small\s+proportion)\b", re.IGNORECASE)),
]
# "every 8 weeks", "each year", "fully or partly", "at all", "above all": not a claim about everyone.
_NOT_ALL_AFTER = re.compile(r"\s+or\s+(?:partly|partially|in\s+part)\b", re.IGNORECASE)
_HOW_OFTEN = re.compile(r"\s+(?:[\d.]+\s+|few\s+|other\s+|single\s+)?(?:day|week|month|year|quarter|time|morning|weekday|hour|minute)s?\b",
                        re.IGNORECASE)
_NOT_ALL_BEFORE = re.compile(r"\b(?:at|above|first\s+of|almost|nearly|virtually)\s*$", re.IGNORECASE)
# "the most deprived", "most likely": a superlative, not "most people".
_SUPERLATIVE = re.compile(r"\s+(?:\w+(?:ly|ed|ive|al|ent|ant|ous|ful|ble|ic|ing)|likely|recent|common|deprived)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quantifier:
    kind: str  # all, none, many, few; "not all" is read as no quantifier at all
    word: str
    phrase: str  # with the word after it ("all safeguarding"): a claim that repeats it says what it cites


def quantifiers(text: str) -> list[Quantifier]:
    out: list[Quantifier] = []
    for _, part in _pieces(text):
        negations = _clause(part).negations
        taken: list[tuple[int, int]] = []
        for kind, pattern in _QUANTIFIERS:
            for m in pattern.finditer(part):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                before, after = part[:m.start()], part[m.end():]
                word = m.group(0).lower()
                how_often = word in ("every", "each") and _HOW_OFTEN.match(after)
                if kind == ALL and (any(n < m.start() for n in negations) or _NOT_ALL_AFTER.match(after)
                                    or _NOT_ALL_BEFORE.search(before) or how_often):
                    continue  # "not always", "not yet fully", "every 8 weeks", "at all"
                if word == "most" and (re.search(r"\b(?:the|at|its|their|our)\s*$", before, re.IGNORECASE)
                                       or _SUPERLATIVE.match(after)):
                    continue
                following = re.match(r"\s+([\w£%.,']*\w)", after)
                taken.append(m.span())
                out.append(Quantifier(kind, m.group(0), f"{word} {following.group(1).lower()}" if following else word))
    return out


@dataclass(frozen=True)
class Clause:
    text: str
    words: tuple[str, ...]  # stems of its content words
    negated: frozenset[str]  # stems a negation in it falls on
    negations: tuple[int, ...]  # where its negations are (character offsets)
    surface: dict[str, str] = field(default_factory=dict, compare=False)  # stem -> the word as written

    @property
    def plain(self) -> bool:
        return not self.negations

    @property
    def topic(self) -> set[str]:
        """What the clause is about: its content words, less who said it."""
        return set(self.words) - _GENERIC


def _negations(text: str) -> list[tuple[int, int]]:
    """(start, end) of each negation in a clause."""
    skip = [m.span() for m in _NOT_NEGATION.finditer(text.lower())]
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0).lower().replace("’", "'")
        if (word in NEGATORS or word.endswith("n't")) and not any(a <= m.start() < b for a, b in skip):
            one = re.match(r"\s+one\b", text[m.end():], re.IGNORECASE) if word == "no" else None
            out.append((m.start(), m.end() + one.end()) if one else m.span())
    for m in _FAILED_TO.finditer(text.lower()):
        out.append(m.span())
    return sorted(out)


def _clause(text: str) -> Clause:
    negations = _negations(text)
    words = [(m.start(), m.group(0).lower().replace("’", "'")) for m in _WORD.finditer(text)]
    negated: set[str] = set()
    for start_of, end in negations:
        after = [(start, word) for start, word in words if start >= end]
        if re.sub(r"\s+", " ", text[start_of:end].lower()) in _PRONOUN_NEGATORS:
            # "Nobody in Kingsmere was waiting": what nobody did is the verb after the auxiliary.
            auxiliary = next((i for i, (_, w) in enumerate(after[:6]) if w in _AUXILIARIES), None)
            if auxiliary is not None:
                after = after[auxiliary:]
        for start, word in after:
            if word in _SKIP or word in NEGATORS:
                continue
            negated.add(base(word))
            break
    kept = [w for _, w in words if w not in STOPWORDS and w not in NEGATORS and len(w) > 2]
    surface = {base(w): w for w in reversed(kept)}
    return Clause(text, tuple(base(w) for w in kept), frozenset(negated), tuple(s for s, _ in negations), surface)


def _pieces(text: str) -> list[tuple[int, str]]:
    """Where each clause of a text starts, and its text."""
    parts, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        parts.append((start, text[start:m.start()]))
        start = m.end()
    parts.append((start, text[start:]))
    return [(at, p) for at, p in parts if _WORD.search(p)]


def clauses(text: str) -> list[Clause]:
    """A text cut where one statement ends and another begins: punctuation and the words that join
    statements ("and", "but", "which", "that" ...)."""
    return [_clause(p) for _, p in _pieces(text)]


@dataclass(frozen=True)
class ScaleWord:
    scale: str
    end: int  # +1 or -1 once a negation before it is counted; 0 for a change either way
    word: str
    near: frozenset[str]  # the content words beside it: what it judges ("a *good* understanding")


def _proper_name(text: str, start: int) -> bool:
    """A capitalised word that does not begin its sentence: part of a name ("Better Care Fund")."""
    before = text[:start].rstrip()
    return text[start].isupper() and bool(before) and before[-1] not in ".!?:\"'“‘(-\u2022*"


NEIGHBOURS = 3  # words either side of a scale word that say what it judges


def scales(text: str) -> list[ScaleWord]:
    """Every scale word of a text, its end turned by a negation before it in its clause."""
    out: list[ScaleWord] = []
    for at, part in _pieces(text):
        negations = _clause(part).negations
        words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(part)]
        for pattern, name, end in _SCALES:
            for m in pattern.finditer(part):
                if _proper_name(text, at + m.start()):
                    continue
                turns = sum(1 for n in negations if n < m.start())
                before = [w for a, _, w in words if a < m.start()][-NEIGHBOURS:]
                after = [w for a, _, w in words if a >= m.end()][:NEIGHBOURS]
                near = {base(w) for w in before + after if w not in STOPWORDS and len(w) > 2} - _GENERIC
                out.append(ScaleWord(name, end if turns % 2 == 0 else -end, m.group(0), frozenset(near)))
    return out


# -- the check -------------------------------------------------------------------------------------
def _sentences(sources: list[str]) -> list[str]:
    return [s for src in sources for s in re.split(r"(?<=[.!?])\s+|\n", src) if _WORD.search(s)]


def _about(topic: set[str], sentences: list[str]) -> list[str]:
    """The sentences about what a clause is about: those sharing most of its content words (two at
    least, or one of a clause of two or three), the first of equals and any tied with it."""
    if not sentences:
        return []
    shared = [len(topic & _clause(s).topic) for s in sentences]
    best = max(shared)
    enough = 2 if len(topic) > 3 else 1
    return [s for s, n in zip(sentences, shared) if n == best] if best >= enough else []


def opposite_polarity(claim: str, sources: list[str]) -> str | None:
    """A word the claim negates that every clause of the findings about the same thing states
    plainly, or one the claim states plainly that the findings only ever negate."""
    theirs = [c for s in sources for c in clauses(s)]
    for mine in clauses(claim):
        for word in sorted(mine.topic):
            if word in mine.negated:
                polarity = -1
            elif mine.plain:
                polarity = +1
            else:
                continue
            others = mine.topic - {word}
            seen = [(-1 if word in c.negated else +1 if c.plain else 0, c) for c in theirs
                    if word in c.words and others & c.topic]
            if seen and all(p == -polarity for p, _ in seen):
                written, found = mine.surface[word], seen[0][1].text.strip()
                if polarity < 0:
                    return f"contradicts what it cites: it negates {written!r} where the finding says {found!r}"
                return f"contradicts what it cites: it says {written!r} where the finding says {found!r}"
    return None


def _judged(words: list[ScaleWord], mine: ScaleWord) -> str | None:
    """How `words` stand on `mine`'s scale: "same" (one at its end, or a change either way), "opposite"
    (only at the other end), or None (none on the scale)."""
    ends = {w.end for w in words if w.scale == mine.scale}
    if not ends:
        return None
    if mine.end in ends or 0 in ends or mine.end == 0:
        return "same"
    return "opposite"


# "inflexible" is "not flexible", "unsupportive" "not supportive": an adjective's negative prefix.
_PREFIXED = re.compile(r"\b(un|in|im|ir|il)([a-z]{3,}(?:ible|able|ive|ent|ant|ful|ous|ic|al|ear|ed|ing|ely))\b", re.IGNORECASE)
_NOT_PREFIXED = frozenset({"unpaid", "informal", "intended", "interested", "involved", "included", "increased",
                           "increasing", "independent", "individual", "initial", "internal", "integral", "invited",
                           "informed", "installed", "instructed", "immediate", "improved", "improving", "important",
                           "impressed", "imposed", "illegal", "unemployed"})


# "distrusted", "undervalued", "discouraged": prefixes that make an opposite of these words only
# ("discharged", "understood", "dismissed" are words of their own).
_DIS_UNDER = re.compile(r"\b(dis|under)((?:trust|agree|like|respect|engag|connect|organis|honest|empower|approv|valu|"
                        r"appreciat|resourc|courag)[a-z]*)\b", re.IGNORECASE)


def _prefixed(text: str) -> list[tuple[str, str]]:
    """(word, the word it is the opposite of) for each negatively prefixed word of a text."""
    pairs = [(m.group(0).lower(), m.group(2).lower()) for m in _PREFIXED.finditer(text)
             if m.group(0).lower() not in _NOT_PREFIXED]
    for m in _DIS_UNDER.finditer(text):
        plain = m.group(2).lower()
        pairs.append((m.group(0).lower(), "en" + plain if plain.startswith("courag") else plain))
    return pairs


def prefixed_opposite(claim: str, sources: list[str]) -> str | None:
    """A claim saying "inflexible" of what the sentences it rests on call "flexible" (or the reverse)."""
    sentences = _sentences(sources)
    claim_topic = _clause(claim).topic
    for _, part in _pieces(claim):
        aligned = " ".join(_about(_clause(part).topic, sentences) or _about(claim_topic, sentences)).lower()
        if not aligned:
            continue
        mine = part.lower()
        for text, other in ((mine, aligned), (aligned, mine)):
            for word, plain in _prefixed(text):
                if re.search(rf"\b{word}\b", other):
                    continue
                if re.search(rf"(?<![a-z]){plain}\b", other):
                    said, found = (word, plain) if text is mine else (plain, word)
                    return f"contradicts what it cites: {said!r} where the finding says {found!r}"
    return None


# "21.8% ..., above the England average of 26.2%": a comparison two percentages decide themselves.
_COMPARED = re.compile(
    r"(\d+(?:\.\d+)?)\s*%[^%]*?\b(above|higher\s+than|more\s+than|exceed\w*|below|lower\s+than|"
    r"less\s+than|short\s+of)\b[^%\d]*?(\d+(?:\.\d+)?)\s*%", re.IGNORECASE)
_HIGHER = re.compile(r"above|higher|more|exceed", re.IGNORECASE)


def _figures_compared(claim: str) -> tuple[str | None, str]:
    """(why the claim contradicts its own figures, the comparing word its figures decide)."""
    m = _COMPARED.search(claim)
    if not m:
        return None, ""
    first, word, second = float(m.group(1)), m.group(2), float(m.group(3))
    if first == second or bool(_HIGHER.match(word)) == (first > second):
        return None, word.lower()
    return f"contradicts what it cites: {word!r}, but {m.group(1)}% is not {word} {m.group(3)}%", word.lower()


def opposite_scale(claim: str, sources: list[str]) -> str | None:
    """A judgement the claim makes ("promptly", "strong", "rose") against what the findings say of
    the same thing: at the other end of the scale, or nowhere on it.

    What the findings say of the same thing is, first, their scale words beside the same words ("a
    *good* understanding" for "a *poor* understanding"); else those of the sentences that share
    most of the claim's words; else anything in the findings. A sentence the claim rests on that
    states a shortfall by negation ("did not meet demand") counts as a judgement at the low end.
    """
    sentences = _sentences(sources)
    whole = scales(" \n".join(sources))
    claim_topic = _clause(claim).topic
    wrong, decided = _figures_compared(claim)
    for _, part in _pieces(claim):
        said = scales(part)
        if not said:
            continue
        if wrong:
            return wrong
        if decided:  # the figures it compares say it: "78.6%, below the England average of 83.8%"
            said = [w for w in said if not (w.scale == DIRECTION and decided.startswith(w.word.lower()))]
        aligned = _about(_clause(part).topic, sentences) or _about(claim_topic, sentences)
        near = [w for s in aligned for w in scales(s)]
        negated = any(c.negations for s in aligned for c in clauses(s))
        for mine in said:
            beside = [w for w in whole if w.scale == mine.scale and w.near & mine.near]
            for words in (beside, near):
                judged = _judged(words, mine)
                if judged == "same":
                    break
                if judged == "opposite":
                    other = next(w.word for w in words if w.scale == mine.scale)
                    return f"contradicts what it cites: {mine.word!r} where the finding says {other!r}"
            else:
                if mine.end < 0 and mine.scale == JUDGEMENT and negated:
                    continue
                if _judged(whole, mine) != "same":
                    return f"not supported by what it cites: {mine.word!r}, which the finding does not say"
    return None


def _repeats(q: Quantifier, cited: str) -> bool:
    """The claim repeats the finding's own words ("all safeguarding concerns")."""
    return bool(re.search(rf"\b{re.escape(q.phrase)}(?!\w)", cited, re.IGNORECASE))


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b)")
_FRACTION = re.compile(r"\b(\d+)\s+(?:of|out\s+of)\s+(?:the\s+|all\s+|its\s+|their\s+)?(\d+)\b")


def _shares(text: str) -> list[tuple[float, str]]:
    """The shares a sentence states, as percentages, with how it states them ("38%", "14 of the 17")."""
    out = [(float(m.group(1)), m.group(0)) for m in _PERCENT.finditer(text)]
    out += [(100 * int(m.group(1)) / int(m.group(2)), m.group(0)) for m in _FRACTION.finditer(text)
            if 0 < int(m.group(2)) and int(m.group(1)) <= int(m.group(2))]
    return out
# What a quantifier says of a share: "all" is 100%, "most" over half, "a few" under half.
_SHARE_FITS = {ALL: lambda p: p >= 100, MANY: lambda p: p > 50, FEW: lambda p: p < 50}
_PARTIAL = re.compile(r"\bnot\s+(?:\w+\s+)?(?:all|every|everyone|always|entirely|completely|fully)\b", re.IGNORECASE)


def quantifier_against_figures(claim: str, sources: list[str]) -> str | None:
    """"All equipment was delivered within 7 days" citing "92% of standard items were delivered
    within 7 days"; "most staff had completed the training" citing "only 38% had": the share the
    finding's sentence about the same thing states is not the one the quantifier says."""
    if _PERCENT.search(claim):
        return None  # the claim states its own share, checked as a figure
    sentences = [s for s in _sentences(sources) if _shares(s)]
    cited = " ".join(sources).lower()
    for _, text in _pieces(claim):
        said = [q for q in quantifiers(text) if q.kind in _SHARE_FITS and not _repeats(q, cited)]
        aligned = _about(_clause(text).topic, sentences) if said else []
        if not aligned:
            continue
        shares = _shares(aligned[0])
        for q in said:
            if not any(_SHARE_FITS[q.kind](p) for p, _ in shares):
                return f"contradicts what it cites: {q.word!r} where the finding says {shares[0][1]!r}"
    return None


def unsupported_quantifier(claim: str, sources: list[str]) -> str | None:
    """"every", "none", "most" in a claim against the quantifiers of the sentences it rests on (those
    sharing most of its words; all it cites when none does)."""
    sentences = _sentences(sources)
    for _, part in _pieces(claim):
        said = quantifiers(part)
        if not said:
            continue
        cited = " ".join(_about(_clause(part).topic, sentences) or _about(_clause(claim).topic, sentences) or sources)
        why = _quantifiers_differ(said, cited, " ".join(sources).lower())
        if why:
            return why
    return None


def _quantifiers_differ(said: list[Quantifier], cited: str, everything: str) -> str | None:
    theirs = {q.kind for q in quantifiers(cited)}
    for q in said:
        if _repeats(q, everything) or q.kind in theirs:
            continue
        if q.kind == ALL:
            partial = _PARTIAL.search(cited)
            if partial:
                return f"contradicts what it cites: {q.word!r} where the finding says {partial.group(0)!r}"
            return f"not supported by what it cites: {q.word!r}, which the finding does not say"
        if q.kind == NONE and not re.search(r"\b(?:no|not|0|zero)\b", cited, re.IGNORECASE):
            return f"not supported by what it cites: {q.word!r}, which the finding does not say"
        other = {MANY: FEW, FEW: MANY}.get(q.kind)
        if other in theirs:
            word = next(t.word for t in quantifiers(cited) if t.kind == other)
            return f"contradicts what it cites: {q.word!r} where the finding says {word!r}"
    return None


def unsupported_sense(claim: str, sources: list[str]) -> str | None:
    """Why a claim does not say what the findings it cites say; None when nothing shows it does not."""
    return (opposite_polarity(claim, sources) or opposite_scale(claim, sources) or prefixed_opposite(claim, sources)
            or quantifier_against_figures(claim, sources) or unsupported_quantifier(claim, sources))
