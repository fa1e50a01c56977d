"""Reading a report's sentences into measure records.

Each figure of a sentence (`cqc.text.figures.read_figures`: value, unit, how exact) is given:
- its measure: the vocabulary entry whose words are in the figure's own clause and whose context
  is nearest (`vocabulary.toml` says how), else "other" with its unit: never forced;
- its qualifier (median, average, longest, total, estimated, actual, forecast), its period (the
  date nearest it, or the one the sentence it leans on gives), the part of the area it is for
  ("in the Kingsmere Central locality team"), and its role: a figure that compares ("compared
  with an England average of 26.2%", "down from 21.0% in April 2023", "a target of 85%") is the
  comparator of the council's figure beside it, not a figure of its own (an earlier value is kept
  too, as role "earlier").
Tables arrive as rows of "Header: value; Header: value" (the loaders' form): each cell is read
with its header as its words, the row's label as its part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from cqc.measures.record import Comparator, MeasureRecord
from cqc.measures.vocabulary import OTHER, QUALIFIER_KINDS, Measure, Vocabulary, vocabulary
from cqc.models import Chunk
from cqc.text.dates import stated_periods
from cqc.text.figures import UNIT_KINDS, StatedFigure, read_figures
from cqc.text.sentences import split_sentences

# Bump when the reading (not the vocabulary) changes: stored records are read again.
READER_VERSION = 1


def reading_version() -> str:
    return f"r{READER_VERSION}-v{vocabulary().version}"


@dataclass(frozen=True)
class ReadFigure:
    """What a sentence says about one of its figures, before it is a record of a report."""

    measure: str
    figure: StatedFigure
    value: float
    unit: str
    qualifier: str = ""
    period: str = ""
    role: str = "value"
    part: str = ""
    comparator: Comparator | None = None
    sentence: str = ""


# -- clauses, dates, parts ------------------------------------------------------------------------
# Commas, semicolons and dashes always end a clause; a joining word ("and", "with", "which" ...) ends
# one only between two figures: "612 people were waiting and 238 carers were waiting" is two clauses,
# "84% of care homes and home care agencies" and "Carers' satisfaction with support fell to 29%" one.
_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+[–—]\s+|\s+-\s+")
_WORD_BREAK = re.compile(r"\s+(?:which|while|whilst|whereas|compared with|compared to|against|but|although|and|where|when|"
                         r"with)\s+", re.IGNORECASE)
_LEANS_BACK = re.compile(r"^(?:its|it|this|these|that|those|they|their|such|of (?:these|them|those|whom)|the same|"
                         r"in (?:that|the same) (?:year|period)|for that year|over the same period)\b", re.IGNORECASE)
_PART = re.compile(
    r"\b(?:in|for|within|across|at|of) (?:the )?(?P<name>[A-Z][\w’'()-]*(?: (?:and|of|&|[A-Z][\w’'()-]*))*) "
    r"(?:locality|team|area|ward|district|zone|hub|neighbourhood|patch|locality team|locality area)s?\b"
    r"|\b(?:in|across|for) (?:the )?(?P<side>(?:north|south|east|west)(?:[- ](?:east|west))?) of the "
    r"(?:county|borough|city|district|area)\b")
_PART_HEADER = re.compile(r"\b(?:locality|team|area|ward|district|zone|hub|patch|neighbourhood|place|service|provider)\b",
                          re.IGNORECASE)
_ROW = re.compile(r"^[^:;\n]{1,100}: [^;\n]+(?:; [^:;\n]{1,100}: [^;\n]+)+$")
_HEADER_UNIT = re.compile(r"\s*\((days|working days|weeks|months|hours|%|per cent|£|£m|number|no\.)\)", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*(?:about |around )?[\d,.]+\s*$")
_QUALIFIER_AFTER = re.compile(r"^\s*(?:on average|in total|altogether|at (?:the )?(?:most|longest))\b", re.IGNORECASE)
_LIST_BULLET = re.compile(r"^\s*[-\u2022*]\s+")


def _clauses(sentence: str, figure_starts: list[int]) -> list[tuple[int, int, int]]:
    """(start with the word that opened it, start of its own words, end) of each clause."""
    breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(sentence)]
    hard = sorted([0] + [b[1] for b in breaks] + [len(sentence)])
    for m in _WORD_BREAK.finditer(sentence):
        opened = max(h for h in hard if h <= m.start())
        closes = min([h for h in hard if h >= m.end()] + [w.start() for w in _WORD_BREAK.finditer(sentence, m.end())])
        if any(opened <= f < m.start() for f in figure_starts) and any(m.end() <= f < closes for f in figure_starts):
            breaks.append((m.start(), m.end()))
    bounds = [(0, 0)] + sorted(breaks)
    return [(opened, start, bounds[i + 1][0] if i + 1 < len(bounds) else len(sentence))
            for i, (opened, start) in enumerate(bounds)]


def _clause_of(clauses: list[tuple[int, int, int]], at: int) -> tuple[int, int, int]:
    return next((c for c in reversed(clauses) if c[1] <= at), clauses[0])


# -- what a figure is ----------------------------------------------------------------------------
def _match_measure(fig: StatedFigure, clause: str, scopes: tuple[str, str, str], vocab: Vocabulary,
                   memo: dict) -> Measure | None:
    """The measure a figure is: words in its clause, context nearest (clause, sentence, the sentence it
    leans on, heading), nothing in `unless` in the clause nor in any nearer text than the context (the
    heading is a label: its other words do not exclude); a measure with a context found beats one with
    none, except at heading distance."""
    def found(patterns: tuple[re.Pattern, ...], text: str) -> bool:
        key = (patterns, text)  # the same sentence, and heading, are asked about for every figure
        if key not in memo:
            memo[key] = any(p.search(text) for p in patterns)
        return memo[key]

    best: tuple[tuple[int, int], Measure] | None = None
    for measure in vocab.measures_for_unit(fig.unit):
        words = [m for m in (p.search(clause) for p in measure.words) if m]
        if not words or found(measure.unless, clause):
            continue
        if measure.context:
            rank = None
            for distance, text in zip((0, 1, 2, 4), (clause, *scopes)):
                if text and found(measure.context, text):
                    rank = distance
                    break
                if text and distance and found(measure.unless, text):
                    break  # the sentence (or the one it leans on) says it is about something else
            if rank is None or (rank in (1, 2) and found(measure.unless, scopes[rank - 1])):
                continue
        else:
            rank = 3
        key = (rank, -max(len(m.group(0)) for m in words))
        if best is None or key < best[0]:
            best = (key, measure)
    return best[1] if best else None


def _comparator_kind(before: str, after: str, vocab: Vocabulary) -> str:
    """The kind of comparison a figure is part of, from the words just before it and right after it."""
    for kind, before_patterns, after_patterns, _ in vocab.comparators:
        if any(p.search(before) for p in before_patterns) or any(p.search(after) for p in after_patterns):
            return kind
    return ""


def _comparator_column(header: str, vocab: Vocabulary) -> str:
    return next((kind for kind, _, _, headers in vocab.comparators if any(p.search(header) for p in headers)), "")


_FUNCTION_WORDS = frozenset("the a an of in to at for by from over on same period respectively".split())
_POINTS_BACK = re.compile(r"(?:it|this|that|the (?:figure|rate|number|proportion))\s+(?:was|is|had been|stood at|rose to|fell to)\b",
                          re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:a\s+)?(?:(?:position|level|figure|rate|high|low|peak) of\s+)?"
                          r"(?:(?:more|fewer|less) than\s+|over\s+|around\s+|about\s+|almost\s+|nearly\s+)?$", re.IGNORECASE)


def _qualifier(fig: StatedFigure, before: str, after: str, kind: str, vocab: Vocabulary) -> str:
    best, at = "", -1
    for qualifier, patterns in vocab.qualifiers:
        if kind not in QUALIFIER_KINDS[qualifier]:
            continue
        for pattern in patterns:
            for m in pattern.finditer(before):
                if m.end() > at:
                    best, at = qualifier, m.end()
    if not best and kind in ("duration", "count", "hours"):
        m = _QUALIFIER_AFTER.match(after)
        if m:
            word = m.group(0).strip().lower()
            best = "average" if "average" in word else "total" if ("total" in word or "altogether" in word) else "longest"
    return best


_RIGHT_AFTER = re.compile(r"^\s*(?:\(|,\s*)?(?:in|at|as at|by the end of|at the end of|for|during)?\s*(?:the\s+)?$", re.IGNORECASE)


def _nearest_period(fig: StatedFigure, dates: list[tuple[int, int, str]], clause: tuple[int, int, int],
                    text: str = "") -> str:
    """The date a figure is for: one right after it ("58 in 2022/23", "14.5% (April 2024)"), else the
    nearest in its clause, else the nearest in the sentence."""
    for d in dates:
        if d[0] >= fig.end and _RIGHT_AFTER.match(text[fig.end:d[0]]):
            return d[2]

    def distance(d: tuple[int, int, str]) -> int:
        return d[0] - fig.end if d[0] >= fig.end else fig.start - d[1]

    inside = [d for d in dates if d[0] >= clause[0] and d[1] <= clause[2]]
    pool = inside or dates
    return min(pool, key=distance)[2] if pool else ""


@dataclass
class _Figure:
    """A figure of the sentence being read, while its measure, role and comparator are worked out."""

    fig: StatedFigure
    clause: tuple[int, int, int]
    measure: Measure | None
    value: float
    unit: str
    compares: str  # the kind of comparison it is part of ("england", "previous" ...), "" for the council's own
    opens_range: bool  # "from 58 ... to 34": it compares with the figure after it
    qualifier: str
    period: str
    part: str

    @property
    def kind(self) -> str:
        return UNIT_KINDS.get(self.unit, self.fig.kind)

    def pairs_with(self, other: _Figure) -> bool:
        """Whether two figures are of one kind: a bare number ("the England figure of 19.0") goes with any."""
        return self.kind == other.kind or (self.fig.unit == "count" and self.fig.text.replace(".", "").isdigit())


def read_sentence(sentence: str, previous: str = "", heading: str = "", leans: bool | None = None,
                  vocab: Vocabulary | None = None, context: str = "") -> list[ReadFigure]:
    """The figures of one sentence as typed figures: measure, value, unit, qualifier, period, role
    and comparator. `previous` is the sentence before it (used, with its date, when this one leans on
    it: "Its actual spend for that year ..."; `leans` forces it either way), `heading` the finding's
    heading, `context` text that may say what the figures are of but not when (a table's paragraph)."""
    vocab = vocab or vocabulary()
    text = _LIST_BULLET.sub("", sentence)
    figures = read_figures(text)
    if not figures:
        return []
    leaning = bool(_LEANS_BACK.match(text)) if leans is None else leans
    before_text = previous if leaning else ""
    clauses = _clauses(text, [f.start for f in figures])
    dates = stated_periods(text) or (stated_periods(before_text)[:1] if before_text else [])
    parts = [(m.start(), m.group("name") or f"the {m.group('side')}") for m in _PART.finditer(text)]
    with_figures = sorted({_clause_of(clauses, f.start)[1] for f in figures})
    scopes = (text, before_text or context, heading)
    memo: dict = {}

    read: list[_Figure] = []
    for i, fig in enumerate(figures):
        clause = _clause_of(clauses, fig.start)
        clause_text = text[clause[1]:clause[2]]
        if fig.kind == "duration" and fig.approx in ("more than", "at least") and any(
                f.kind == "count" and clause[1] <= f.start < fig.start for f in figures):
            continue  # "118 enquiries had been open for more than 3 months": a threshold of the count
        window_start = max(clause[0], figures[i - 1].end if i else 0, fig.start - 60)
        before = text[window_start:fig.start]
        after = text[fig.end:min(figures[i + 1].start if i + 1 < len(figures) else len(text), fig.end + 45, clause[2])]
        compares = _comparator_kind(before, after, vocab)
        opens_range = bool(_FROM_BEFORE.search(before))
        if opens_range and not compares:
            compares = "previous"
        # A number under ten written as a word ("two senior practitioners"), or a count of staff, beds,
        # schemes ... ("a Review Team of 9 staff"), is incidental: never a measure's figure.
        incidental = fig.unit == "count" and (
            (fig.value <= 10 and not fig.text[:1].isdigit()) or bool(vocab.incidental.match(text, fig.end)))
        measure = None if incidental else _match_measure(fig, clause_text, scopes, vocab, memo)
        if measure is None and not incidental:
            # "84% of care homes, home care agencies and ... were rated good": the clause the figure
            # opens may end before what it is of; read on to the next clause with a figure of its own.
            following = [c for c in with_figures if c > clause[1]]
            preceding = [c for c in clauses if c[2] <= clause[0] and c[1] in with_figures]
            own_words = len(re.findall(r"[A-Za-z]+", clause_text.replace(fig.text, " ")))
            # back only from a clause too short to say anything itself ("with a value of 2%")
            start = (preceding[-1][2] if preceding else 0) if own_words <= 4 else clause[1]
            wider = text[start:following[0] if following else len(text)]
            if wider != clause_text:
                measure = _match_measure(fig, wider, scopes, vocab, memo)
                clause_text = wider if measure is not None else clause_text
        value, unit = fig.value, fig.unit
        if measure is not None:
            if measure.negative and any(p.search(clause_text) for p in measure.negative):
                value = -value
            if measure.unit == "score":
                unit = "score"
        read.append(_Figure(
            fig, clause, measure, value, unit, compares, opens_range,
            qualifier=_qualifier(fig, text[clause[1]:fig.start], after, UNIT_KINDS.get(unit, fig.kind), vocab),
            period=_nearest_period(fig, dates, clause, text),
            part=next((name for at, name in reversed(parts) if at < fig.start), ""),
        ))

    # "... the average wait was 14 weeks and the longest 58 weeks": a figure whose short clause says
    # only how it summarises is of the same measure as the figure before it.
    for i, r in enumerate(read):
        words = re.findall(r"[A-Za-z]+", text[r.clause[1]:r.clause[2]].replace(r.fig.text, " ").lower())
        says_only_how = len(words) <= 4 and (r.qualifier or set(words) <= _FUNCTION_WORDS)
        if r.measure is None and i and read[i - 1].measure is not None and read[i - 1].kind == r.kind and (
                says_only_how or _POINTS_BACK.match(text[r.clause[1]:])):
            r.measure = read[i - 1].measure

    # A comparing figure belongs to the council's figure of its kind nearest before it (else after); the
    # "from" figure of "from 58 ... to 34" to the figure after it.
    owners: dict[int, int] = {}
    for i, r in enumerate(read):
        if not r.compares:
            continue
        own = [j for j, o in enumerate(read) if j != i and not o.compares and r.pairs_with(o)]
        later = [j for j in own if j > i and read[j].clause[1] == r.clause[1]]
        earlier = [j for j in own if j < i]
        if r.opens_range and later:
            owners[i] = later[0]
        elif earlier or own:
            owners[i] = earlier[-1] if earlier else own[0]

    out: list[ReadFigure] = []
    for i, r in enumerate(read):
        measure, comparator, role = r.measure, None, "value"
        compared = [j for j, owner in owners.items() if owner == i]
        if compared:
            c = read[compared[0]]
            comparator = Comparator(c.compares, c.value, r.unit if c.pairs_with(r) and c.kind != r.kind else c.unit,
                                    c.period, c.fig.text)
        if r.compares:
            if i in owners:
                if r.compares != "previous":
                    continue  # an England or regional average, a target: the comparator of its council's figure
                owner = read[owners[i]]
                role, measure = "earlier", owner.measure
                r.qualifier = r.qualifier or owner.qualifier
                if r.pairs_with(owner) and r.kind != owner.kind:
                    r.unit = owner.unit  # "540.7 per 100,000 ..., down from 602.1": the same unit
            else:
                role = {"target": "target", "previous": "earlier"}.get(r.compares, "benchmark")
        out.append(ReadFigure(
            measure=measure.key if measure else OTHER, figure=r.fig, value=r.value, unit=r.unit, qualifier=r.qualifier,
            period=r.period, role=role, part=r.part, comparator=comparator, sentence=sentence,
        ))
    return out


# -- tables ---------------------------------------------------------------------------------------
def _read_row(row: str, context: str, heading: str, vocab: Vocabulary) -> list[ReadFigure]:
    """A table row "Locality team: Kingsmere Central; People waiting at 31 March 2024: 214; Average
    wait (days): 81": each figure cell read with its header as its words, the label as its part."""
    cells = [c.split(": ", 1) for c in row.split("; ")]
    part, labels, out = "", [], []
    for header, value in cells:
        if not read_figures(value):
            if _PART_HEADER.search(header) and not part:
                part = value.strip()
            else:
                labels.append(f"{header} {value}")
    owner: ReadFigure | None = None
    context = f"{'; '.join(h for h, _ in cells)} {context}"  # a cell reads with its row's other headers
    for header, value in cells:
        if not read_figures(value):
            continue
        unit = _HEADER_UNIT.search(header)
        if unit:
            header = _HEADER_UNIT.sub("", header)
            if _BARE_NUMBER.match(value):
                word = unit.group(1).lower()
                value = {"%": f"{value.strip()}%", "per cent": f"{value.strip()}%", "£": f"£{value.strip()}",
                         "£m": f"£{value.strip()} million", "number": value, "no.": value}.get(word, f"{value.strip()} {word}")
        elif _BARE_NUMBER.match(value) and re.search(r"\b(days|weeks|months)\b", header, re.IGNORECASE):
            value = f"{value.strip()} {re.search(r'(days|weeks|months)', header, re.IGNORECASE).group(1).lower()}"
        compares = _comparator_column(header, vocab) or _comparator_kind(header, "", vocab)
        cell = f"{part} {' '.join(labels)} {header}: {value}".strip()
        for figure in read_sentence(cell, heading=heading, vocab=vocab, context=context):
            if compares and owner is not None:  # an "England average" column: the comparator of the row's figure
                out[-1] = replace(owner, comparator=Comparator(compares, figure.value, figure.unit, figure.period,
                                                               figure.figure.text))
                continue
            owner = replace(figure, part=part, sentence=row)
            out.append(owner)
    return out


# -- findings and reports -------------------------------------------------------------------------
def read_text(text: str, heading: str = "", before: str = "", vocab: Vocabulary | None = None) -> list[ReadFigure]:
    """Every figure of a finding's text, sentence by sentence (a table row as a row). `before` is the
    text before the finding: a table reads with all of it, a first sentence that leans back ("Its
    actual spend ...") with its last sentence."""
    vocab = vocab or vocabulary()
    out: list[ReadFigure] = []
    earlier = split_sentences(before)
    previous = earlier[-1] if earlier else ""
    for sentence in split_sentences(text):
        if _ROW.match(sentence):
            out += _read_row(sentence, before, heading, vocab)
        else:
            out += read_sentence(sentence, previous=previous, heading=heading, vocab=vocab)
            previous = sentence
    return out


def read_report(chunks: Iterable[Chunk], authority: str = "", report_id: str = "", published: str = "",
                vocab: Vocabulary | None = None) -> list[MeasureRecord]:
    """The measure records of a report's findings, in report order, each cited to its finding and
    sentence. Score and rating lines are the catalog's, not figures."""
    vocab = vocab or vocabulary()
    records: list[MeasureRecord] = []
    before = ""
    for chunk in chunks:
        if chunk.kind in ("score", "rating"):
            continue
        for figure in read_text(chunk.text, chunk.heading, before, vocab):
            part = figure.part
            if part and authority and part.lower() in authority.lower():
                part = ""  # "across the Kingsmere area" is the whole council
            records.append(MeasureRecord(
                authority=authority or chunk.authority, report_id=report_id or chunk.report_id,
                published=published or chunk.published, measure=figure.measure, value=figure.value,
                unit=figure.unit, figure=figure.figure.text, qualifier=figure.qualifier, period=figure.period,
                approx=figure.figure.approx, role=figure.role, part=part, of=figure.figure.of,
                comparator=figure.comparator, chunk_id=chunk.chunk_id, sentence=figure.sentence, order=len(records),
            ))
        before = chunk.text
    return records


# -- the measure a question asks about ---------------------------------------------------------------
_ASKS_DURATION = re.compile(r"\bhow long\b|\bwait(?:ing)? times?\b|\b(?:median|average|mean|longest) waits?\b|"
                            r"\bdays\b|\bweeks\b", re.IGNORECASE)
_ASKS_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bpeople\b|\bcarers\b(?! assessments?)", re.IGNORECASE)


def measures_asked(question: str, vocab: Vocabulary | None = None) -> list[Measure]:
    """The measures a question may be about, likeliest first ("Which councils had the highest direct
    payment uptake?" -> direct_payments_uptake): a measure's words and context (nothing in `unless`)
    in the question (a speed word, "quickest to start", `[speed]` in the vocabulary, stands for a
    duration measure's words); one with a context before one without; a duration when it asks how
    long or how quickly, a count when it asks how many. Empty when it names none: the question is then not about a
    measure of the vocabulary, and the caller should say so rather than guess."""
    vocab = vocab or vocabulary()
    # "quickest to start", "take longest": how long it takes, a wait however it is worded
    speed = [x for x in (p.search(question) for p in (*vocab.faster, *vocab.slower)) if x]
    duration = bool(speed or _ASKS_DURATION.search(question))
    count = bool(_ASKS_COUNT.search(question))
    found: list[tuple[int, int, Measure]] = []
    for n, m in enumerate(vocab.measures):
        words = [x for x in (p.search(question) for p in m.words) if x] or (speed if m.unit == "duration" else [])
        if not words or any(p.search(question) for p in m.unless):
            continue
        if m.context and not any(p.search(question) for p in m.context):
            continue
        score = max(len(x.group(0)) for x in words) + (20 if m.context else 0)
        score += 30 if (m.unit == "duration" and duration) or (m.unit == "count" and count and not duration) else 0
        found.append((-score, n, m))
    return [m for _, _, m in sorted(found, key=lambda f: (f[0], f[1]))]


def unit_asked(question: str) -> str:
    """The unit kind a question asks for: "duration" when it asks how long (a wait, days, weeks),
    "count" when it asks how many (people, the number of), else ""."""
    if _ASKS_DURATION.search(question) or vocabulary().speed(question):
        return "duration"
    return "count" if _ASKS_COUNT.search(question) else ""


def measures_of_topic(topic: str, vocab: Vocabulary | None = None) -> list[Measure]:
    """The measures a terse topic may be about, likeliest first: those `measures_asked` finds
    ("direct payment uptake"); else, for a broad topic that names a kind of figure but not what it
    is of ("waiting times": a wait, but for an assessment? home care? a DoLS decision?), every
    measure whose words it uses (nothing in `unless`). Where the topic asks for a kind of figure
    (a wait, a number of people), only measures of that kind. Empty when it names no measure
    ("safeguarding culture")."""
    vocab = vocab or vocabulary()
    named = measures_asked(topic, vocab)
    found = named or [m for m in vocab.measures
                      if any(p.search(topic) for p in m.words) and not any(p.search(topic) for p in m.unless)]
    kind = unit_asked(topic)
    of_kind = [m for m in found if m.unit == kind]
    # "waiting times for assessments" is the wait, not the number waiting; a topic asking no kind
    # keeps both; a broad topic none of whose measures is of the kind it asks for names none
    return of_kind or ([] if kind and not named else found)
