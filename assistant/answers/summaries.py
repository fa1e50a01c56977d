"""Summaries from the report's own summary sections, quoted and cited.

A report opens with a "Summary of people's experiences" and a "Summary of strengths, areas for
development and next steps"; each quality statement opens its key findings with what matters
most. "Summarise X", "main strengths / areas for improvement / next steps", "what did people
say" and "summarise X on safeguarding" are answered from those, each point once, in report order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence.bundle import AuthorityEvidence, Evidence
from assistant.models import Citation, RetrievedFinding
from assistant.question.query_plan import SummaryAsk
from cqc.framework import SCORE_BANDS, is_standard_wording
from cqc.text.sentences import answer_sentences

MAX_SENTENCES = 8  # per authority; a briefing, not the whole section
SHORT_LEAD_WORDS = 8
MAX_VOICES = 6  # sentences of what a group said: the summary's first, then the findings quoting them  # a paragraph's opening this short only introduces its point

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


def _lead_label(sentence: str) -> str:
    return next((label for pattern, label in _LEAD_LABELS if pattern.search(sentence)), "")


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
    ("There were also areas for development.") sets the default, the sentence's own words win."""
    raw = answer_sentences(finding.chunk.text)
    sentences = [_BULLET.sub("", s) for s in raw]
    if not sentences:
        return []
    lead = _lead_label(sentences[0])
    out = []
    header, header_label = "", ""
    for original, s in zip(raw, sentences):
        if _RATING_CLAIM.search(s):
            continue
        bullet = bool(_BULLET.match(original))
        if _HEADER.search(s):
            header, header_label = s, _lead_label(s) or (NEXT if _NEXT_WORDS.search(s) else "")
        elif not bullet:
            header, header_label = "", ""
        if bullet and header_label:
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
        out.append(Quote(finding, s, label, header=header if bullet else "", lead=lead))
    return out


_ANNOUNCES = re.compile(
    r"^(however,? )?there were (also )?(some )?(strengths to build on|areas for development|shortfalls( in several areas)?)"
    r"\.?$", re.I)


def _is_header(sentence: str) -> bool:
    """A lead that only announces what follows: "There were also areas for development.", "... including:"."""
    return bool(_HEADER.search(sentence) or _ANNOUNCES.search(sentence))


class SummaryAnswerer:
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
            for q in quotes:
                cid = q.finding.chunk.chunk_id
                quoted = [q.header, q.sentence] if q.header and q.header not in headers else [q.sentence]
                if cid not in markers:
                    markers[cid] = len(citations) + 1
                    citations.append(Citation.of(markers[cid], q.finding.chunk, quote="\n".join(quoted)))
                else:
                    i = markers[cid] - 1
                    old = citations[i]
                    citations[i] = Citation.of(old.marker, q.finding.chunk, quote="\n".join([old.quote, *quoted]))
                if q.header and q.header not in headers:
                    headers.add(q.header)
                    lines.append(f"- {q.header} [{markers[cid]}]")
                lines.append(f"{'  ' if q.header else ''}- {q.shown or q.sentence} [{markers[cid]}]")
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
            rating = [f for f in group.findings if f.chunk.kind == "rating"]
            out = [Quote(rating[-1], rating[-1].chunk.text)] if rating else []
            for f in summary:
                body = [q for q in label_sentences(f) if not _is_header(q.sentence)]
                out += body[:1]  # each paragraph's point, once
                if body and len(body[0].sentence.split()) < SHORT_LEAD_WORDS:  # "Not all experiences were as positive."
                    out += body[1:2]
                if body and body[0].header:  # a list: its items are the point
                    out += [q for q in body[1:4] if q.header == body[0].header]
            return out[:MAX_SENTENCES]
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
