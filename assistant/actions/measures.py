"""What an action rests on and how its success is measured: which sentences record a shortfall,
the figure a measure starts from (a baseline and the direction it should move: from the measure
records where the sentence was read into one, else from the sentence's own figure), and the owner
and timescale suggested for it.

Owners go by what the action is about (a safeguarding backlog to the head of safeguarding,
training to the workforce lead), not one owner for a whole plan; timescales come from the dates
the report gives, and only where it gives none are they suggested, by the kind of action.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from assistant.answers.closest import lowered
from assistant.evidence.sentences import SHORTFALL
from cqc import framework
from cqc.measures.ranking import against_comparator, format_value
from cqc.measures.record import MeasureRecord
from cqc.measures.vocabulary import OTHER, Vocabulary, vocabulary
from cqc.text.dates import MONTH_NAMES, period_words
from cqc.text.sentences import is_list_item

SUGGESTED = "(suggested)"
FROM_REPORT = "(from the report)"

# Words SHORTFALL treats as cues that, in these phrases, name a process rather than a problem:
# "safeguarding concerns were received", "local risks", "risk assessment".
_NEUTRAL = re.compile(
    r"\bsafeguarding concerns?\b|\b(rais\w*|receiv\w*|triag\w*|report\w*)\b[^.;]{0,25}\bconcerns?\b"
    r"|\b(local|managing|manage|manages|identify|identified|understand\w*|known|potential)\s+risks?\b"
    r"|\brisks?[- ](assess\w*|ratings?|registers?|management|based)\b|\bat risk\b"
    # "the table below shows", needs that "did not meet the eligibility criteria", "not left without help"
    r"|\b(table|chart|figure|set out|shown|listed|see)\s+below\b|\bbelow (shows|sets out)\b"
    r"|\b(did|do|does) not (meet|qualify)\b[^.;]{0,30}\beligib\w*|\bnot (left )?without\b"
    # putting off a move into a care home is an outcome, not a delay
    r"|\bdelay\w* (a |their |the need for )?(move|admission|entry)\b",
    re.IGNORECASE,
)


# SHORTFALL's cues are broad on purpose (they favour sentences when ranking): "not" and "wait"
# also occur in "were not entitled to funded care" or "nobody should wait more than 28 days".
# An action needs a sentence that records something falling short, so one of these must be there too.
_FALLS_SHORT = re.compile(
    r"\b(lack\w*|delay\w*|backlog\w*|shortfall\w*|gaps?|inconsisten\w*|varied|variable|unclear|insufficient|"
    r"poor\w*|weak\w*|worse|below|lower than|too (?:early|long|late|few|slow)|longer than|"
    r"not (?:always|consistently|yet|clear\w*|embedded|shared|updated|analysed|refreshed|received|offered|"
    r"involved|consulted|confident|aware|know|able|met|sustain\w*|timely|recorded|completed|reviewed)|"
    r"did not|had not|could not|has not|have not|no (?:consistent|clear|formal|single)|area of concern|"
    r"concerns? (?:about|that|over)|(?:were|was) concerned|exceptions|only \d+|only (?:a|some|half)|"
    r"(?:were|was|been|are|is|still|left) waiting|struggl\w*|mixed|without help|"
    r"waited\b[^.;]{0,60}\b(?:\d+|several|many) (?:days?|weeks?|months?|years?)|"
    r"overdue|fallen behind|behind schedule|took too long|(?:rose|risen|grew|grown|increased) to|had declined|"
    r"not\b[^.;]{0,30}\b(?:in (?:good )?time|on time|promptly|quickly))\b",
    re.IGNORECASE,
)


def shortfall_cues(sentence: str) -> int:
    """How many distinct things a sentence says fell short (0 for none)."""
    text = _NEUTRAL.sub(" ", sentence)
    return len({m.group(0).lower() for m in _FALLS_SHORT.finditer(text)})


def shows_shortfall(sentence: str) -> bool:
    """A sentence that records something falling short: one of SHORTFALL's cues (neutral phrases
    aside) and a phrase that says what fell short.

    List items are left out: in these reports they are usually an authority's own priorities.
    """
    if is_list_item(sentence):
        return False
    text = _NEUTRAL.sub(" ", sentence)
    return bool((SHORTFALL.search(text) or _OWN_CUES.search(text)) and _FALLS_SHORT.search(text))


# Shortfalls SHORTFALL's words (which rank sentences for every question) do not cue: "were overdue",
# "had fallen behind", "took too long", "the quality of ... had declined".
_OWN_CUES = re.compile(r"\b(overdue|fallen behind|behind schedule|too long|declined)\b", re.IGNORECASE)


_PERIOD = re.compile(rf"\b(?:\d{{1,2}} )?(?:{MONTH_NAMES}) \d{{4}}\b|\b(?:19|20)\d\d/\d\d\b|\b(?:19|20)\d\d\b")
# A figure a measure can start from, best kind first: a share, money, "1 in 4", then a count.
_MEASURABLE = (
    re.compile(r"(?<![\w.])\d+(?:\.\d+)?%"),
    re.compile(r"£\d+(?:,\d{3})*(?:\.\d+)?(?: (?:million|billion|m|bn)\b)?"),  # not the comma after "£410,000,"
    re.compile(r"(?<![\d,.])\b\d+ in (?!(?:19|20)\d\d)\d+(?:\.\d+)?\b(?![/,]?\d)"),  # "1 in 4", never "184 in 2024" of "1,184 in 2024"
    re.compile(r"\b\d+(?:,\d{3})* of (?:the )?\d+(?:,\d{3})*\b"),  # "9 of the 26" ("112 of these" leans on another figure)
    # A count, not a date ("31 March"), year, legal reference ("Section 42") or list number.
    re.compile(
        rf"(?<![\w.£/-])(?<!Section )(?<!Part )(?<!Schedule )(?<!Article )(?<!Level )"
        # Read whole ("1,184", never its "1" or "184": `{{3}}` in this f-string, `{3}` read as the number 3
        # and left every thousands separator unread) and never an ordinal ("18th birthday").
        rf"(?!(?:19|20)\d\d\b)\d+(?:,\d{{3}})*(?:\.\d+)?(?![\d%/]|,\d|(?:st|nd|rd|th)\b)(?! (?:{MONTH_NAMES})\b)"
        r"(?! in (?!(?:19|20)\d\d)\d)"
        r"(?: (?:working )?(?:days?|weeks?|months?|years?|hours?)\b)?"  # "22 weeks" says more than "22"
    ),
)
_CLAUSE_SPLIT = re.compile(r",\s+(?=\D)|;\s+|\s+[–—]\s+")
_LEADING_LINK = re.compile(r"^(and|but|although|though|while|whereas|with|which|who|however)\b,?\s*", re.IGNORECASE)
_REDUCE = re.compile(
    r"\b(wait\w*|delay\w*|backlog\w*|overspen\w*|vacanc\w*|vacant|complain\w*|longer|late|awaiting|not|without|"
    r"lack\w*|fail\w*|unmet|missed|breach\w*|overdue|took|taken|"
    # a time a thing takes is shortened: "the average time from assessment to completion was 29 weeks"
    r"time (?:from|to|taken|between|it took))\b",
    re.IGNORECASE,
)
_RAISE = re.compile(r"\b(only|below|lower than|fell|dropped|declined)\b", re.IGNORECASE)


# A clause about what was put in (money spent, posts funded) is no outcome: the money a council spent
# on a backlog is not how the backlog is measured, so a measure never starts from it.
_INPUT = re.compile(r"\b(at a cost of|costing|funded|funding for|invest\w*|grants? of|spent on|additional posts?|"
                    r"commissioned)\b", re.IGNORECASE)


def measurable_figure(sentence: str) -> str:
    """The figure of a sentence a measure of success can start from, or "" when it has none."""
    outcome_clauses = [c for c in _CLAUSE_SPLIT.split(sentence) if not _INPUT.search(c)]
    for pattern in _MEASURABLE:
        for clause in outcome_clauses:
            m = pattern.search(clause)
            if m:
                return m.group(0)
    return ""


def measure_from(sentence: str) -> str:
    """A measure of success from a sentence's own figure: direction, baseline and its period.

    Nothing is computed and no target is set: the baseline is quoted as the report writes it.
    """
    figure = measurable_figure(sentence)
    if not figure:
        return ""
    body = sentence.rstrip(". ")
    clauses = [c for c in _CLAUSE_SPLIT.split(body) if c.strip()]
    clause = next((c for c in clauses if figure in c), body)
    clause = _LEADING_LINK.sub("", clause.strip())
    # The baseline's date, never a target's ("... by April 2026" is when it should be done).
    period = next((m for m in _PERIOD.finditer(sentence)
                   if not re.search(r"\b(?:by|before|until|within)\s+(?:the end of\s+)?$", sentence[:m.start()])), None)
    when = f" ({period.group(0)})" if period and period.group(0) not in figure else ""
    if _REDUCE.search(clause):
        direction = "Reduce from"
    elif _RAISE.search(clause) or _RAISE.search(sentence):  # "71% ..., still below the target of 85%"
        direction = "Raise from"
    else:
        direction = "Improve on"
    return f"{direction} {figure}{when}: \u201c{clause}\u201d"



def direction_for(action: str) -> str:
    """The way a measure should move when its sentence does not say: what the action asks for."""
    return "Reduce from" if re.match(r"^(Reduce|Shorten|Clear|Cut|Speed up|Bring down)\b", action) else "Raise from"


def measure_for(sentence: str, action: str = "") -> str:
    """A measure of success: the baseline figure the report gives, its date, and the direction of
    change ("Reduce from 96 (March 2024): ..."); empty when the sentence has no figure."""
    measure = measure_from(sentence)
    if measure.startswith("Improve on"):
        measure = direction_for(action) + measure[len("Improve on"):]
    target = re.search(r"\b(?:to|up to|down to) (\d+(?:\.\d+)?%|£[\d.,]+(?: (?:million|an hour|a week))?)", action)
    if measure and target and target.group(1) not in measure:
        by = re.search(r"\bby ((?:\w+ )?\d{4})\b", action)
        measure += f"; target {target.group(1)}" + (f" by {by.group(1)}" if by else "")
    return measure


# -- measures of success from the measure records ---------------------------------------------------
_DIRECTION = {"lower": "Reduce from", "higher": "Raise from"}
_COMPARATOR_WORDS = {"england": "the England average", "regional": "the regional average",
                     "neighbours": "the statistical neighbours' figure"}


def measure_of_record(record: MeasureRecord, action: str = "", vocab: Vocabulary | None = None) -> str:
    """A measure of success from the figure the report's sentence was read into: the measure, its
    baseline as the report writes it (with its qualifier and date), the direction the measure's own
    better direction gives (the action's wording only for a measure with none), and, where the
    sentence states the England (or regional) figure and the council is on the worse side of it,
    that figure as a suggested target."""
    measure = (vocab or vocabulary()).measure(record.measure)
    if measure is None:
        return ""
    direction = _DIRECTION.get(measure.better) or direction_for(action)
    about = ", ".join(x for x in (record.qualifier, period_words(record.period)) if x)
    out = f"{direction} {record.as_written}{f' ({about})' if about else ''}: {lowered(measure.name)}"
    compared = against_comparator(record, vocab)
    c = record.comparator
    if compared is not None and c is not None and c.kind in _COMPARATOR_WORDS:
        stated = f"{_COMPARATOR_WORDS[c.kind]} of {c.text or format_value(c.value, c.unit)}" + (
            f" ({period_words(c.period)})" if c.period else "")
        if compared.better is False:
            out += f"; suggested target: {stated}"
        elif compared.better is True:
            out += f"; already better than {stated}"
    return out


def record_for(basis: list[str], records: list[MeasureRecord], chunk_ids: set[str], current: str = "") -> MeasureRecord | None:
    """The council's own figure (of a known measure, for the whole council) that an action's
    sentences were read into: the one its current measure starts from where there is one, else the
    first of its first sentence that has one."""
    own = [r for r in records if r.chunk_id in chunk_ids and r.role == "value" and r.measure != OTHER and not r.part
           and any(r.sentence.strip() in b or b in r.sentence for b in basis)]
    if not own:
        return None
    order = {b: i for i, b in enumerate(basis)}
    own.sort(key=lambda r: (min((i for b, i in order.items() if r.sentence.strip() in b or b in r.sentence), default=99),
                            r.order))
    chosen = next((r for r in own if current and r.figure in current), own[0])
    # the same figure stated twice ("731 people were on the waiting list" in the summary, "On 30 September
    # 2024, 731 people were waiting" in the finding): the statement that gives its date
    return next((r for r in own if r.measure == chosen.measure and r.value == chosen.value and r.period), chosen)


# -- owners and timescales -------------------------------------------------------------------------
# Who in an English council usually leads on an action about each subject, most specific first:
# a starting point for the council to confirm, which is why it is labelled a suggestion.
OWNERS_BY_SUBJECT: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p, re.IGNORECASE), o) for p, o in (
    (r"^train\b", "Principal Social Worker and workforce lead"),  # training, whatever it is about
    (r"\bsafeguard|section 42|\benquir|\bmaking safeguarding personal|\bself-neglect|\bexploitation", "Head of adult safeguarding"),
    (r"\bcarers?\b|\bcarers'", "Carers' lead (commissioning)"),
    (r"\btransition|\byoung (?:people|adults)|preparing for adulthood|\b18th\b|children's (?:to|and) adult", "Head of transitions (preparing for adulthood)"),
    (r"\boccupational therap|\bequipment|\badaptation|\bdisabled facilities", "Head of occupational therapy"),
    (r"\bhospital|\bdischarge|\breablement|\bintermediate care|\bstep-down", "Head of hospital discharge and reablement"),
    (r"\bequalit|\bdivers|\bethnic|\binclusion|\binterpret|\blanguages?\b|\baccessib|\btraveller|\blgbt|\bcultural", "Equality, diversity and inclusion lead"),
    (r"\bhome care|\bcare homes?|\bmarket|\bproviders?\b|\bfees?\b|\bcommission|\bsupported living|\bextra care", "Head of commissioning"),
    (r"\btrain|\bworkforce|\brecruit|\bvacanc|\bagency|\bcaseloads?|\bsupervision|\bsocial workers?\b|\bpractitioners?\b", "Principal Social Worker and workforce lead"),
    (r"\bdata\b|\bperformance|\brecord|\bcase management|\bquality assurance|\baudits?\b|\bmeasur", "Head of performance and quality assurance"),
    (r"\bbudget|\boverspen|\bsavings|\bfinanc|\bcharg", "Director of Adult Social Services, with the finance business partner"),
    (r"\bcomplaint|\bfeedback|\bombudsman|\blived experience|\bco-produc|\bconsult|\bvoices", "Head of customer experience and co-production"),
    (r"\binformation\b|\badvice|\bleaflet|\bweb|\bcontact centre|\bfront door", "Head of information, advice and the front door"),
    (r"\bwait|\bassessments?\b|\breviews?\b|\bcare plan|\beligibility|\bdirect payments?", "Head of assessment and care management"),
    (r"\bpartner|\bintegrated care board|\bvoluntary|\bcommunit", "Head of partnerships and integration"),
    (r"\bprevention|\bhealthier|\bwellbeing", "Head of prevention and early intervention"),
    (r"\bimprovement plan|\bstrategy|\bgovernance|\bleadership|\bcabinet|\bboard\b|\brisk", "Director of Adult Social Services"),
))
OWNERS_BY_STATEMENT: dict[str, str] = {
    "Assessing needs": "Head of assessment and care management",
    "Supporting people to lead healthier lives": "Head of prevention and early intervention",
    "Equity in experience and outcomes": "Equality, diversity and inclusion lead",
    "Care provision, integration and continuity": "Head of commissioning",
    "Partnerships and communities": "Head of partnerships and integration",
    "Safe pathways, systems and transitions": "Head of hospital discharge and transitions",
    "Safeguarding": "Head of adult safeguarding",
    "Governance, management and sustainability": "Director of Adult Social Services",
    "Learning, improvement and innovation": "Principal Social Worker and quality assurance lead",
}


# Owners of cross-cutting subjects (records, data, information): where the finding sits under a
# statement with a lead of its own, that lead owns the action ("improve recording of decisions"
# under Safeguarding is the head of safeguarding's).
CROSS_CUTTING = {"Head of performance and quality assurance", "Head of information, advice and the front door",
                 "Head of partnerships and integration", "Director of Adult Social Services"}


def _subject_owner(text: str) -> str:
    return next((owner for pattern, owner in OWNERS_BY_SUBJECT if pattern.search(text)), "")


def suggested_owner(action: str, quality_statement: str = "", heading: str = "") -> str:
    """The role to own an action, by what the action is about; the statement's lead when no subject is named."""
    owner = _subject_owner(action)
    local = _subject_owner(heading) if heading else ""
    local = local or OWNERS_BY_STATEMENT.get(quality_statement, "")
    if not owner or (owner in CROSS_CUTTING and local and local not in CROSS_CUTTING):
        owner = local
    return f"{owner or 'Director of Adult Social Services'} {SUGGESTED}"


_QUICK = re.compile(r"\b(record|feedback|guidance|procedure|threshold|inform|explain|letters?|contact|tell|share|"
                    r"offer|ask|publish|agree|update|replace|clear the backlog)\w*", re.IGNORECASE)
_LONG = re.compile(r"\b(strategy|market|workforce|recruit|commission|develop|build|stabilise|supported living|"
                   r"extra care|culture|transform|redesign|inequalit|understanding|full picture)\w*", re.IGNORECASE)


def suggested_timescale(action: str, score: int | None = None) -> str:
    """When the report gives no date: procedural fixes in 3 months, waits and backlogs in 6,
    strategic change in 12; a statement scored 1 (significant shortfalls) brings each forward."""
    if _LONG.search(action):
        months = 12
    elif _QUICK.search(action):
        months = 3
    else:
        months = 6
    if score == 1 and months > 3:
        months //= 2
    return f"{months} months {SUGGESTED}"


PAST = "had passed when the report was published"
_SEASON_END = {"spring": (5, 31), "summer": (8, 31), "autumn": (11, 30), "winter": (2, 28)}
_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(MONTH_NAMES.split("|"), 1)}


def deadline(when: str) -> date | None:
    """The last day a date the report gives for an action allows ("the end of December 2024" ->
    31 December 2024, "2024/25" -> 31 March 2025, "spring 2025" -> 31 May 2025); None when unread."""
    text = when.lower().strip()
    year = re.search(r"\b((?:19|20)\d\d)(?:/(\d\d))?\b", text)
    if not year:
        return None
    y = int(year.group(1))
    if year.group(2):  # a financial year ends on 31 March
        return date(y + 1, 3, 31)
    month = next((n for name, n in _MONTH_NUMBER.items() if re.search(rf"\b{name}\b", text)), None)
    day = re.search(r"\b(\d{1,2}) [a-z]+ \d{4}", text)
    starting = re.search(r"\b(?:start|beginning) of\b", text)
    if month:
        if day:
            return date(y, month, int(day.group(1)))
        return date(y, month, 1) if starting else date(y, month, calendar.monthrange(y, month)[1])
    if season := next((s for s in _SEASON_END if s in text), None):
        m, d = _SEASON_END[season]
        return date(y + 1 if season == "winter" else y, m, d)
    return date(y, 1, 1) if starting else date(y, 12, 31)


def timescale_from(when: str, published: str = "", start: str = "by") -> str:
    """The report's own date for an action, "By March 2025 (from the report)" ("From October 2024",
    "In 2024/25" as the report puts it); a deadline that had already passed on the day the report
    was published is flagged, not copied ("Clear the triage backlog by the end of December 2024" in
    a report of February 2025 needs a new date). A start date ("from October 2024") is never late."""
    start = start.lower()
    by = deadline(when)
    try:
        out = date.fromisoformat(published)
    except ValueError:
        out = None
    if start != "from" and by is not None and out is not None and by < out:
        return f"Set a new date: {when} {PAST}"  # short enough for the plan's Timescale column
    word = {"from": "From", "in": "In", "during": "During"}.get(start, "By")
    return f"{word} {when} {FROM_REPORT}"


def is_past(timescale: str) -> bool:
    return PAST in timescale


def labelled(text: str, fallback: str) -> str:
    """An owner or timescale a model wrote, labelled as a suggestion (or kept as the report's)."""
    text = (text or "").strip()
    if not text:
        return fallback
    return text if SUGGESTED in text.lower() or FROM_REPORT in text.lower() else f"{text} {SUGGESTED}"


# -- what an action is about -----------------------------------------------------------------------
_GENERIC_HEADING = re.compile(r"^(summary|overall|key findings|about|areas? for|next steps|findings)\b", re.IGNORECASE)


def area_of(chunk) -> str:
    """What a finding is about: its sub-heading, or its quality statement when the heading only
    says where it sits."""
    heading = chunk.heading.strip()
    if heading and not _GENERIC_HEADING.match(heading) and not framework.is_standard_wording(heading):
        words = heading.split()
        if len(words) > 1 and words[0][:1].isupper() and words[0][1:].islower() and not words[1][:1].isupper():
            heading = heading[0].lower() + heading[1:]
        return heading
    if chunk.quality_statement:
        return chunk.quality_statement[0].lower() + chunk.quality_statement[1:]
    return "adult social care"
