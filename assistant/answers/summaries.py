"""Summaries from the report's own summary sections, quoted and cited.

A report opens with a "Summary of people's experiences" and a "Summary of strengths, areas for
development and next steps"; each quality statement opens its key findings with what matters
most. "Summarise X", "main strengths / areas for improvement / next steps", "what did people
say" and "summarise X on safeguarding" are answered from those, each point once, in report order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.evidence.bundle import AuthorityEvidence, Evidence
from assistant.models import Citation, RetrievedFinding
from assistant.question.query_plan import SummaryAsk
from cqc.framework import SCORE_BANDS, is_standard_wording
from cqc.records import ReportEntry
from cqc.text.sentences import answer_sentences

MAX_SENTENCES = 8  # per authority; a briefing, not the whole section (a list or an announced group is never cut)
SHORT_LEAD_WORDS = 8  # a paragraph's opening this short only introduces its point
MAX_VOICES = 6  # sentences of what a group said: the summary's first, then the findings quoting them

# What a sentence of the strengths / development / next-steps summary is about.
STRENGTH, DEVELOPMENT, NEXT, OTHER = "strength", "development", "next", "other"
_LEAD_LABELS = (
    (re.compile(r"^(however|there were (also )?(some )?(areas for development|shortfalls)|the most serious shortfalls)"
                r"|\bareas? of (particular |significant )?concern\b", re.I), DEVELOPMENT),
    (re.compile(r"^(to improve|next steps|leaders were aware of these issues)|\bneeded to take urgent action\b"
                r"|\bplans? to address\b", re.I), NEXT),
    (re.compile(r"\bstrengths? to build on\b|\b(clear|particular) strength\b|\bgood practice\b"
                r"|\bareas of particular strength\b", re.I), STRENGTH),
)
_NEXT_WORDS = re.compile(r"\bnext steps?\b|\bneeded to (?!improve\b,)|\bshould\b|\bmust\b|\burgent action\b|^to improve\b", re.I)
_DEVELOPMENT_WORDS = re.compile(
    r"\bnot\b|\bshortfalls?\b|\bconcerns?\b|\bweak\w*|\btoo (high|long|slow|early)\b|\binconsistent\w*|\bvar(ied|iable)\b"
    r"|\bunderdeveloped\b|\bincomplete\b|\blimited\b|\bdelays?\b|\black of\b|\bpressure\b|\bbelow\b|\binstability\b"
    r"|\bonly recently\b|\blong waits?\b|\bwaiting\b|\bbarriers?\b|\bunsupported\b|\bdifficult\b",
    re.I,
)
_STRENGTH_WORDS = re.compile(
    r"\bstrengths?\b|\bpositive\w*|\bgood\b|\bwell\b|\bstrong\w*|\bvalued\b|\bcommitted\b|\bhighly\b|\bproud\b"
    r"|\bclear\b|\bvisible\b|\binnovative\b|\bstable\b|\bmature\b|\bwarmly\b|\bkind\w*|\bimproved\b|\beffective\w*",
    re.I,
)
_REPORTED = re.compile(r"\b(told us|tell us|said|says|described|felt|feel|reported|spoke|gave|valued|praised|raised|"
                       r"would welcome|welcomed|were positive|were concerned|were mixed|mixed feedback)\b", re.I)
_VOICES = {"carers": r"\bcarers?\b", "partners": r"\bpartners?\b", "providers": r"\bproviders?\b",
           "families": r"\bfamil(y|ies)\b", "staff": r"\bstaff\b", "people": r"\bpeople\b|\bresidents?\b"}
_PEOPLE_SECTION = re.compile(r"\bexperiences?\b", re.I)
_STRENGTHS_SECTION = re.compile(r"\bstrengths\b|\bareas for development\b|\bnext steps\b", re.I)
_HEADER = re.compile(r":\s*$")
# A rating or score stated inside a paragraph ("Fenmarsh County Council: Outstanding", "Score: 4",
# "scored 99 out of 100"): the catalog states ratings and scores, from their own lines; a paragraph
# claiming one is never quoted as a summary of the report.
_RATING_CLAIM = re.compile(
    r"^[^.:]{0,100}:\s*(outstanding|good|requires improvement|inadequate)\.?$|\bscore\s*:?\s*[1-4]\b"
    r"|\bscored\s+\d+\s+out of 100\b|\b(is|was) rated (outstanding|good|requires improvement|inadequate)\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*[-•*]\s*")
# A sentence that announces how many points follow it: "... there were significant shortfalls in
# two areas." The count ends the sentence; where the areas are named in it ("in two areas:
# safeguarding and ...") it announces nothing.
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_ANNOUNCED_COUNT = re.compile(
    r"\b(?P<n>two|three|four|five|six|[2-6])\s+(?:(?:key|main|particular|specific|significant|important|distinct)\s+)?"
    r"(?:areas?|ways|things|respects|priorities|aspects|themes|issues|points|improvements|shortfalls|strengths|"
    r"concerns|risks|challenges|gaps)\W*$",
    re.I,
)
# What a list's lead-in says its items are, wherever in the lead-in it says it ("The main areas
# for development were:", "Areas of particular strength included:", "Its priorities were:").
_LIST_KIND = (
    (re.compile(r"\bareas? (?:for|of|needing) (?:development|improvement)\b|\bshortfalls?\b|\bweakness|\bconcerns?\b"
                r"|\bimprove(?:ment)?s? (?:were|was) needed\b", re.I), DEVELOPMENT),
    (re.compile(r"\bnext steps?\b|\bpriorit|\bplans?\b|\bneeded to\b|\bwould\b|\baims?\b", re.I), NEXT),
    (re.compile(r"\bstrengths?\b|\bgood practice\b|\bworked well\b", re.I), STRENGTH),
)
_TITLES = {
    SummaryAsk.OVERVIEW: "Summary", SummaryAsk.STRENGTHS: "Strengths", SummaryAsk.DEVELOPMENT: "Areas for development",
    SummaryAsk.NEXT_STEPS: "Next steps", SummaryAsk.VOICES: "What {voices} said",
}


@dataclass(frozen=True)
class Quote:
    finding: RetrievedFinding
    sentence: str
    label: str = OTHER
    header: str = ""  # for a list item, the sentence that introduces the list ("... including:")
    shown: str = ""  # what the answer says, when not the sentence itself (a score line in words)
    lead: str = ""  # what the paragraph's opening announces it is about ("There were some areas for development.")
    also: tuple[RetrievedFinding, ...] = ()  # further findings the line rests on (the rating and the score lines)


def _lead_label(sentence: str) -> str:
    return next((label for pattern, label in _LEAD_LABELS if pattern.search(sentence)), "")


def _list_label(lead_in: str) -> str:
    """What the items under a lead-in are: its opening's label, else what it names them anywhere."""
    return _lead_label(lead_in) or next((label for pattern, label in _LIST_KIND if pattern.search(lead_in)), "")


def announced(sentence: str) -> int:
    """How many points a sentence says follow it ("... in two areas." -> 2); 0 when it announces none."""
    m = _ANNOUNCED_COUNT.search(sentence.strip())
    if not m:
        return 0
    n = m.group("n").lower()
    return _NUMBER_WORDS.get(n) or int(n)


def _whole(points: list[list[Quote]], limit: int) -> list[Quote]:
    """Whole points, in order, until `limit` sentences are reached: the first point always, and a
    list or an announced group never cut part-way."""
    out: list[Quote] = []
    for point in points:
        if out and len(out) + len(point) > limit:
            break
        out += point
    return out


def _up_to(quotes: list[Quote], limit: int) -> list[Quote]:
    """The first `limit` quotes, and the rest of a list the cut would break off mid-way."""
    out = quotes[:limit]
    for q in quotes[limit:]:
        if not (out and q.header and q.header == out[-1].header):
            break
        out.append(q)
    return out


def label_sentences(finding: RetrievedFinding) -> list[Quote]:
    """Each answer sentence of a summary paragraph with what it is about: the paragraph's lead
    ("There were also areas for development.") sets the default, the sentence's own words win.

    The points of a list ("The main areas for development were:" and its bullets) and of a
    sentence announcing how many follow ("... shortfalls in two areas." and the next two) carry
    that lead-in as their `header`, so they are quoted whole and under it."""
    raw = answer_sentences(finding.chunk.text)
    sentences = [_BULLET.sub("", s) for s in raw]
    if not sentences:
        return []
    lead = _lead_label(sentences[0])
    out = []
    header, header_label = "", ""
    to_come = 0  # points an announcing sentence said follow it, still to come
    for original, s in zip(raw, sentences):
        if _RATING_CLAIM.search(s):
            continue
        bullet = bool(_BULLET.match(original))
        count = 0 if bullet else announced(s)
        if _HEADER.search(s) or count:
            header, to_come = s, count
            header_label = _list_label(s) or (NEXT if _NEXT_WORDS.search(s) else "")
            if count and not header_label and _DEVELOPMENT_WORDS.search(s):
                header_label = DEVELOPMENT
            item = False
        elif bullet:
            item = bool(header)
        elif to_come:
            item, to_come = True, to_come - 1
        else:
            header, header_label, item = "", "", False
        if item and header_label:
            # An item takes what its list is introduced as: under "needed to take urgent action to:",
            # "reduce waiting lists ..." is a next step; under "Areas of particular strength included:",
            # "assessments ... with very few people waiting" is a strength, whatever their own words.
            label = header_label
        elif _NEXT_WORDS.search(s) or (lead == NEXT and not _DEVELOPMENT_WORDS.search(s)):
            label = NEXT
        elif _DEVELOPMENT_WORDS.search(s) and not (lead == STRENGTH and _STRENGTH_WORDS.search(s)):
            label = DEVELOPMENT
        elif lead:
            label = lead
        else:
            label = STRENGTH if _STRENGTH_WORDS.search(s) else OTHER
        out.append(Quote(finding, s, label, header=header if item else "", lead=lead))
    return out


_ANNOUNCES = re.compile(
    r"^(however,? )?there were (also )?(some )?(strengths to build on|areas for development|shortfalls( in several areas)?)"
    r"\.?$", re.I)


def _is_header(sentence: str) -> bool:
    """A lead that only announces what follows: "There were also areas for development.", "... including:",
    "... in two areas." (shown once, above the points it announces)."""
    return bool(_HEADER.search(sentence) or _ANNOUNCES.search(sentence) or announced(sentence))


def development_points(findings: list[RetrievedFinding]) -> list[Quote]:
    """The areas for development a report's summary names, in report order: each point of its
    strengths, areas for development and next steps section that is labelled one (a list's items
    under their lead-in, the areas a sentence announces), lead-ins themselves left out. What an
    action plan spreads its actions over first."""
    section = [f for f in findings if f.chunk.kind == "paragraph" and not f.chunk.quality_statement
               and _STRENGTHS_SECTION.search(f.chunk.heading) and not is_standard_wording(f.chunk.heading)]
    return [q for f in section for q in label_sentences(f) if q.label == DEVELOPMENT and not _is_header(q.sentence)]


class SummaryAnswerer:
    def __init__(self, reports: Callable[[], list[ReportEntry]] | None = None):
        self.reports = reports  # the catalog: "Summarise X" opens with the report's rating and overall score

    def answer(self, evidence: Evidence, ask: SummaryAsk, voices: str = "") -> tuple[str, list[Citation]]:
        """Quoted summary lines, grouped by authority when there are several; ("", []) when the
        reports hold nothing of the kind asked for."""
        blocks: list[tuple[str, list[Quote]]] = []
        for group in evidence.groups:
            quotes = self._quotes(group, evidence, ask, voices)
            if quotes:
                blocks.append((group.authority, quotes))
        if not blocks:
            return "", []
        citations: list[Citation] = []
        markers: dict[str, int] = {}
        title = _TITLES[ask].format(voices=voices or "people")
        lines: list[str] = []
        for authority, quotes in blocks:
            if len(evidence.groups) > 1:
                lines.append(f"**{authority}** ({title.lower()}):")
            else:
                lines.append(f"{title}, from {authority}'s report:")
            headers: set[str] = set()

            def cite(finding: RetrievedFinding, quoted: list[str]) -> int:
                cid = finding.chunk.chunk_id
                if cid not in markers:
                    markers[cid] = len(citations) + 1
                    citations.append(Citation.of(markers[cid], finding.chunk, quote="\n".join(quoted)))
                else:
                    i = markers[cid] - 1
                    old = citations[i]
                    citations[i] = Citation.of(old.marker, finding.chunk, quote="\n".join([old.quote, *quoted]))
                return markers[cid]

            for q in quotes:
                quoted = [q.header, q.sentence] if q.header and q.header not in headers else [q.sentence]
                marker = cite(q.finding, quoted)
                more = "".join(f" [{cite(f, [f.chunk.text])}]" for f in q.also)
                if q.header and q.header not in headers:
                    headers.add(q.header)
                    lines.append(f"- {q.header} [{marker}]")
                lines.append(f"{'  ' if q.header else ''}- {q.shown or q.sentence} [{marker}]{more}")
        return "\n".join(lines), citations

    def _quotes(self, group: AuthorityEvidence, evidence: Evidence, ask: SummaryAsk, voices: str) -> list[Quote]:
        statements = evidence.plan.quality_statements
        paragraphs = [f for f in group.findings if f.chunk.kind == "paragraph" and not is_standard_wording(f.chunk.heading)]
        if ask is SummaryAsk.VOICES:
            return self._voices(group, paragraphs, voices, statements)
        if statements:
            return self._statement(group, paragraphs, ask)
        summary = [f for f in paragraphs if not f.chunk.quality_statement]
        if ask is SummaryAsk.OVERVIEW:
            points: list[list[Quote]] = []
            for f in summary:
                body = [q for q in label_sentences(f) if not _is_header(q.sentence)]
                if not body:
                    continue
                point = body[:1]  # each paragraph's point, once
                if len(body[0].sentence.split()) < SHORT_LEAD_WORDS:  # "Not all experiences were as positive."
                    point += body[1:2]
                if body[0].header:  # a list, or the points a sentence announced: all of them are the point
                    point += [q for q in body[1:] if q.header == body[0].header and q not in point]
                points.append(point)
            return self._opening(group) + _whole(points, MAX_SENTENCES)
        wanted = {SummaryAsk.STRENGTHS: (STRENGTH,), SummaryAsk.DEVELOPMENT: (DEVELOPMENT,),
                  SummaryAsk.NEXT_STEPS: (NEXT,)}[ask]
        section = [f for f in summary if _STRENGTHS_SECTION.search(f.chunk.heading)] or summary
        quotes = [q for f in section for q in label_sentences(f) if not _is_header(q.sentence)]
        # "There were some areas for development. The council should ...": in a paragraph announced as
        # areas for development, what should change is an area for development as well as a next step.
        chosen = [q for q in quotes if q.label in wanted
                  or (ask is SummaryAsk.DEVELOPMENT and q.label == NEXT and q.lead == DEVELOPMENT)]
        if not chosen and ask is SummaryAsk.NEXT_STEPS:  # "should" points written as areas for development
            chosen = [q for q in quotes if q.label == DEVELOPMENT]
        if not chosen and ask is SummaryAsk.DEVELOPMENT:
            chosen = [q for q in quotes if q.label == NEXT]
        return _up_to(chosen, MAX_SENTENCES)

    def _opening(self, group: AuthorityEvidence) -> list[Quote]:
        """The report's rating and overall score, from the catalog, cited to the lines they were read from."""
        rating = [f for f in group.findings if f.chunk.kind == "rating"]
        if not rating:
            return []
        entry = next((r for r in (self.reports() if self.reports else []) if r.report_id == rating[0].chunk.report_id), None)
        if entry is None or not entry.rating:
            return [Quote(rating[-1], rating[-1].chunk.text)]
        rated = entry.rating + (" (indicative)" if entry.rating_is_indicative else "")
        score = (f"overall score {entry.overall_score} out of 100" if entry.overall_score is not None
                 else "the report gives no overall score")
        return [Quote(rating[0], rating[0].chunk.text, shown=f"Rated {rated}; {score}.", also=tuple(rating[1:]))]

    @staticmethod
    def _statement(group: AuthorityEvidence, paragraphs: list[RetrievedFinding], ask: SummaryAsk) -> list[Quote]:
        """A statement's own findings: its score line, then each sub-heading's opening point (or,
        for strengths and areas for development, the points of that kind)."""
        scores = [f for f in group.findings if f.chunk.kind == "score" and f.chunk.score is not None]
        out = []
        if scores and ask is SummaryAsk.OVERVIEW:
            c = scores[0].chunk
            said = f"{c.authority} scored {c.score} for {c.quality_statement} ({c.score} - {SCORE_BANDS.get(c.score, '')})."
            out.append(Quote(scores[0], c.text.split("\n")[0], shown=said))
        seen_headings: set[str] = set()
        for f in paragraphs:
            quotes = [q for q in label_sentences(f) if not _is_header(q.sentence)]
            if ask is SummaryAsk.OVERVIEW:
                if f.chunk.heading not in seen_headings and quotes:
                    seen_headings.add(f.chunk.heading)
                    out.append(quotes[0])
            else:
                wanted = {SummaryAsk.STRENGTHS: STRENGTH, SummaryAsk.DEVELOPMENT: DEVELOPMENT, SummaryAsk.NEXT_STEPS: NEXT}[ask]
                out += [q for q in quotes if q.label == wanted][:1]
        return out[:MAX_SENTENCES]

    @staticmethod
    def _voices(group: AuthorityEvidence, paragraphs: list[RetrievedFinding], voices: str,
                statements: tuple[str, ...]) -> list[Quote]:
        """What a group said: the summary of people's experiences first, then the findings that
        quote them on the question's subject (best first), each sentence once."""
        who = re.compile(_VOICES.get(voices, "."), re.I)
        # In the findings, the group must be the one speaking: "carers told us", not "carers' assessments".
        speaking = re.compile(rf"({_VOICES.get(voices, '.')})\W+(\w+\W+){{0,6}}?{_REPORTED.pattern}", re.I)
        summary = [f for f in paragraphs if not f.chunk.quality_statement and _PEOPLE_SECTION.search(f.chunk.heading)]
        if statements:
            words = re.compile("|".join(re.escape(s.split()[0]) for s in statements), re.I)
            out = [q for f in summary for q in label_sentences(f) if who.search(q.sentence) and words.search(q.sentence)]
        elif voices == "people":  # the whole summary of people's experiences is theirs: each paragraph's opening
            out = [q for f in summary for q in label_sentences(f)[:2]][:MAX_VOICES]
        else:
            out = [q for f in summary for q in label_sentences(f) if who.search(q.sentence)][:MAX_VOICES - 2]
        taken = {q.sentence for q in out}
        for s in group.ranked:
            if len(out) >= MAX_VOICES:
                break
            sentence = _BULLET.sub("", s.sentence)
            if sentence in taken or not speaking.search(sentence) or _RATING_CLAIM.search(sentence):
                continue
            if statements and s.finding.chunk.quality_statement not in statements and s.finding.chunk.quality_statement:
                continue
            taken.add(sentence)
            out.append(Quote(s.finding, sentence))
        return out
