"""Recover a CQC assessment's structure from a loaded document's blocks.

Works on meaning rather than markup: a heading that names a quality statement starts that
statement whatever its level, a "Score: n" line scores the statement it sits in. So the same
code reads the PDF, the saved pages and the text excerpt. What is not found stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cqc import framework
from cqc.models import Block, Finding, Report, SetAside
from cqc.text.markers import defuse_markers
from ingest.authority import authority_of
from ingest.document import LoadedDocument
from ingest.addressed import read_passage, reads_as_instructions
from ingest.report_lines import TITLE_LINES, published_date, title_name

__all__ = ["parse_report", "reads_as_instructions"]
# "Score: 3", "Score 3", "Score: 3 - Evidence shows a good standard"
_QS_SCORE = re.compile(r"^score\s*:?\s*(?P<n>[1-4])\b(?!\s*(?:%|out of|/))", re.IGNORECASE)
# "3 - Evidence shows a good standard", also with an en or em dash
_BAND = re.compile(r"^(?P<n>[1-4])\s*[-–—]\s*evidence shows\b", re.IGNORECASE)
# "Assessing needs — Score: 2" in the summary list
_SUMMARY_SCORE = re.compile(r"^(?P<qs>.+?)\s*[-–—:,]?\s*score\s*:?\s*(?P<n>[1-4])\b", re.IGNORECASE)
_OVERALL_SCORE = (
    re.compile(r"scored\s+(?P<n>\d{1,3})\s+out of 100", re.IGNORECASE),
    re.compile(r"^overall (?:rating|score)\b[^:]*:\s*(?P<n>\d{1,3})\s*%", re.IGNORECASE),
    re.compile(r"^(?:overall )?score\s*:?\s*(?P<n>\d{1,3})\s*(?:%|out of 100|/\s*100)?\s*$", re.IGNORECASE),
)
_RATING_WORDS = "|".join(re.escape(r) for r in framework.RATINGS)
_RATING = re.compile(
    rf"^(?:(?P<indicative>indicative)\s+)?(?:overall\s+)?(?:rating\b[^:]*|.+?)\s*:\s*(?P<rating>{_RATING_WORDS})\s*\.?$",
    re.IGNORECASE,
)
# The pilot's "Outstanding: Evidence shows an exceptional standard" under "Local authority indicative rating".
_BAND_RATING = re.compile(rf"^(?P<rating>{_RATING_WORDS})\s*[:\-–—]\s*evidence shows\b", re.IGNORECASE)
# In the rating section a widget may give the authority and its rating with no colon between them
# ("Kingsmere Metropolitan Borough Council Requires improvement" from a saved page's two boxes).
_RATING_TAIL = re.compile(rf"^(?P<who>.{{3,120}}?)\s*[:\-–—]?\s*(?P<rating>{_RATING_WORDS})\s*\.?$", re.IGNORECASE)
_RATING_SECTION = re.compile(r"rating", re.IGNORECASE)
_INDICATIVE_SECTION = re.compile(r"indicative", re.IGNORECASE)
# A copyright or licence line closing a page is furniture, not a finding.
_COPYRIGHT = re.compile(r"^(©|\(c\)\s|copyright\b)", re.IGNORECASE)
# A score or band line is a short line of its own ("Score: 3 - Evidence shows a good standard");
# a paragraph that merely starts "Score: 4" is text, whatever it claims.
_MAX_SCORE_LINE = 80


@dataclass
class _Place:
    """Where the parser is in the report while it walks the blocks."""

    section: str = ""
    theme: str = ""
    quality_statement: str = ""
    heading: str = ""
    paragraph_no: int = 0
    location: str = ""
    source: str = ""  # the file of the page being read
    statement_open: bool = False  # still at the top of a quality statement, where its score widget sits

    def enter_heading(self, heading: str) -> None:
        self.heading = heading
        self.paragraph_no = 0


@dataclass
class _Builder:
    report: Report
    place: _Place = field(default_factory=_Place)
    summary_scores: dict[str, int] = field(default_factory=dict)
    pending_list: list[Block] = field(default_factory=list)
    from_rating_section: set[str] = field(default_factory=set)  # "rating", "overall": read where they belong
    introduced: bool = False  # the block before was set aside and ended with ":" (it introduces this one)

    def add(self, text: str, kind: str, location: str) -> None:
        self.place.paragraph_no += 1
        p = self.place
        if kind != "score":
            p.statement_open = False
        self.report.findings.append(
            Finding(
                text=defuse_markers(text),
                theme=p.theme,
                quality_statement=p.quality_statement,
                heading=p.heading,
                paragraph_no=p.paragraph_no,
                kind=kind,  # type: ignore[arg-type]
                location=location,
                section=p.section,
                source=p.source,
            )
        )

    def flush_list(self) -> None:
        """A run of list items is one finding, with its lead-in sentence when it has one."""
        if not self.pending_list:
            return
        items = self.pending_list
        self.pending_list = []
        scores = [self._summary_score(b.text) for b in items]
        if all(scores) and not self.place.quality_statement:
            # The summary list of the nine scores: a score position, outside any statement.
            for qs, n in scores:  # type: ignore[misc]
                self.summary_scores.setdefault(qs, n)
            self.add("\n".join("- " + b.text for b in items), "score", items[0].location)
            return
        text = "\n".join("- " + b.text for b in items)
        last = self.report.findings[-1] if self.report.findings else None
        if (
            last is not None
            and last.kind == "paragraph"
            and last.text.rstrip().endswith(":")
            and last.heading == self.place.heading
            and last.quality_statement == self.place.quality_statement
            and last.source == self.place.source
        ):
            self.report.findings[-1] = Finding(**{**last.__dict__, "text": last.text + "\n" + text})
        else:
            self.add(text, "paragraph", items[0].location)

    @staticmethod
    def _summary_score(text: str) -> tuple[str, int] | None:
        m = _SUMMARY_SCORE.match(text)
        if not m:
            return None
        qs = framework.quality_statement_for_heading(m.group("qs"))
        return (qs, int(m.group("n"))) if qs else None


def title_of(blocks: list[Block]) -> tuple[str, str]:
    """The title line and the authority or area it names, from a page's first blocks; ("", "")
    when the page has no report title (a document with no such title has no authority)."""
    for block in blocks[:TITLE_LINES]:
        name = title_name(block.text)
        if name:
            return block.text, name
    return "", ""


def _read_rating(report: Report, text: str, in_rating_section: bool, settled: set[str],
                 indicative_section: bool = False) -> bool:
    """Rating and overall score lines; True when the line was one.

    The first value read stands, except that one read in the rating section replaces one read
    elsewhere. A line that contradicts the value standing is not a rating line: it stays a
    paragraph, so no answer cites it as the rating.
    """

    def take(name: str, current: object, value: object) -> bool:
        if in_rating_section and name not in settled:
            settled.add(name)
            return True  # set (or replace a value read outside the section)
        return current in (None, "") or current == value

    found = False
    m = _RATING.match(text) or (_RATING_TAIL.match(text) if in_rating_section else None)
    banded = _BAND_RATING.match(text) if in_rating_section else None
    if banded or (m and (in_rating_section or report.authority and text.lower().startswith(report.authority.lower())
                         or "rating" in text.lower())):
        rating = framework.canonical_rating((banded or m).group("rating")) or ""
        if take("rating", report.rating, rating):
            if report.rating != rating:
                report.rating, report.rating_is_indicative = rating, False
            indicative = bool(m and "indicative" in m.groupdict() and m.group("indicative")) or indicative_section
            report.rating_is_indicative = report.rating_is_indicative or indicative
            found = True
    for pattern in _OVERALL_SCORE:
        m2 = pattern.search(text)
        if m2 and (pattern is _OVERALL_SCORE[0] or in_rating_section or "overall" in text.lower()):
            n = int(m2.group("n"))
            if 0 <= n <= 100 and take("overall", report.overall_score, n):
                report.overall_score = n
                found = True
            break
    return found


def _read_statement_score(b: _Builder, text: str, location: str) -> bool:
    """A score line at the top of a quality statement (its score widget: "Score: 3", "Score 3",
    "3 - Evidence shows a good standard", or both); True when the line was one. A score line
    anywhere else in a statement's findings is text, whatever it claims."""
    place, report = b.place, b.report
    if not (place.quality_statement and place.statement_open and len(text) <= _MAX_SCORE_LINE):
        return False
    m = _QS_SCORE.match(text) or _BAND.match(text)
    if not m:
        return False
    n = int(m.group("n"))
    held = report.scores.get(place.quality_statement)
    if held is not None and held != n:
        report.conflicts.append(
            f"{place.quality_statement}: the score lines say both {held} and {n} ({location}); {held} kept"
        )
        return False
    report.scores[place.quality_statement] = n
    last = report.findings[-1] if report.findings else None
    if last is not None and last.kind == "score" and last.quality_statement == place.quality_statement:
        # "Score: 2" and "2 - Evidence shows some shortfalls" are one score line.
        report.findings[-1] = Finding(**{**last.__dict__, "text": last.text + "\n" + text})
    else:
        saved = place.heading
        place.enter_heading("Score")
        b.add(text, "score", location)
        place.enter_heading(saved)
    return True


def _enter_heading(b: _Builder, text: str, level: int) -> None:
    place = b.place
    qs = framework.quality_statement_for_heading(text)
    theme = framework.theme_for_heading(text)
    if qs:
        place.quality_statement, place.theme = qs, framework.theme_of(qs)
        place.section = place.theme
        place.statement_open = True
        place.enter_heading("")
    elif theme:
        place.theme, place.quality_statement, place.section = theme, "", theme
        place.enter_heading("")
    elif level and level <= 2:
        place.section, place.theme, place.quality_statement = text, "", ""
        place.enter_heading("")
    else:
        place.statement_open = False
        place.enter_heading(text)


def parse_report(doc: LoadedDocument, authority: str | None = None) -> Report:
    """The report's structure from its blocks. `authority` names the report when the caller has
    resolved it across pages (an area title whose council another page names); by default it is
    read from the title, the national list of councils first (`ingest.authority`)."""
    title, named = title_of(doc.blocks)
    if authority is None:
        authority = authority_of(named, doc.blocks) or named if named else ""
    if not title:
        title = next((b.text for b in doc.blocks if b.kind == "heading"), "")
    report = Report(source=doc.source, authority=authority, title=title, files=list(doc.files))
    b = _Builder(report)
    place = b.place
    starts = set(doc.page_starts)
    for index, block in enumerate(doc.blocks):
        if index in starts:
            # A new page: it starts from its own headings, never inside the previous page's section.
            b.flush_list()
            b.place = place = _Place(source=doc.file_at(index))
        text = block.text.strip()
        # Text addressed to a machine rather than to a reader (ingest/addressed.py) is set aside,
        # named in the ingest summary, never indexed or quoted: from its first such sentence to the
        # end of the block, and the blocks a set-aside line ending in ":" introduces.
        text = _set_aside(b, block, text, doc.file_at(index) or doc.source, index in starts)
        if not text:
            continue
        # The rating box sits under "Local authority rating and score" (a section or a sub-heading,
        # by the page's heading levels).
        rating_heading = place.heading or place.section
        in_rating_section = bool(_RATING_SECTION.search(rating_heading)) and not place.quality_statement
        rating_item = block.kind == "list_item" and in_rating_section
        if block.kind != "list_item" or rating_item:
            b.flush_list()
        # A short line with no full stop reads as a heading in plain text, but "X scored 53 out of
        # 100 overall, indicating some shortfalls" is the overall score, not a section.
        if block.kind == "heading" and not _OVERALL_SCORE[0].search(text):
            if title_name(text) and index - max(s for s in starts if s <= index) < TITLE_LINES:
                continue  # the page's title, repeated on every page
            _enter_heading(b, text, block.level)
            continue

        date = published_date(text)
        if date:
            report.published = report.published or date
            continue
        if _COPYRIGHT.match(text) and len(text) < 120:
            continue
        if block.kind == "list_item" and not rating_item:
            b.pending_list.append(block)
            continue
        if block.kind == "table":
            b.add(text, "table", block.location)
            continue
        if _read_statement_score(b, text, block.location):
            continue
        indicative = bool(_INDICATIVE_SECTION.search(rating_heading))
        if not place.quality_statement and _read_rating(report, text, in_rating_section, b.from_rating_section,
                                                         indicative):
            b.add(text, "rating", block.location)
            continue
        b.add(text, "paragraph", block.location)
    b.flush_list()

    for qs, n in b.summary_scores.items():
        held = report.scores.setdefault(qs, n)
        if held != n:
            report.conflicts.append(f"{qs}: the summary list says {n}, the statement's own score line {held}; {held} kept")
    # Keep scores in the framework's order, whatever order the document gave them in.
    order = [qs.name for qs in framework.QUALITY_STATEMENTS]
    report.scores = {qs: report.scores[qs] for qs in order if qs in report.scores}
    if not report.authority:
        # Without the title we cannot know it is an assessment report: keep only its text.
        report.rating, report.overall_score = "", None
    report.findings = [_checked_kind(f, report) for f in report.findings]
    return report


def _set_aside(b: _Builder, block: Block, text: str, file: str, page_start: bool) -> str:
    """The part of a block that stays report text; what is set aside is recorded with its place."""
    place = b.place
    if page_start:
        b.introduced = False
    if b.introduced and block.kind != "heading":
        # Introduced by a set-aside line ending in ":" ("Note for AI systems:"): a list's items
        # all, a paragraph alone.
        b.introduced = block.kind == "list_item"
        kept, aside, why = "", text, "introduced by a passage addressed to an AI model (set aside just before it)"
    else:
        b.introduced = False
        reading = read_passage(text, block.kind)
        kept, aside, why = reading.kept, reading.set_aside, reading.why
    if aside:
        where = " › ".join(x for x in (place.quality_statement or place.section, place.heading) if x)
        location = block.location if block.location and block.location != Path(file).name else ""
        b.report.set_aside.append(SetAside(file=file, place=", ".join(x for x in (where, location) if x) or "start",
                                           why=why, text=aside))
        b.introduced = b.introduced or aside.rstrip().endswith(":")
    return kept


def _checked_kind(finding: Finding, report: Report) -> Finding:
    """A rating line that disagrees with the report's rating or overall score (one read before the
    rating section replaced it) is a paragraph: answers cite rating lines as the rating's source."""
    if finding.kind != "rating":
        return finding
    probe = Report(source="", authority=report.authority)
    _read_rating(probe, finding.text, True, set())
    agrees = (not probe.rating or probe.rating == report.rating) and (
        probe.overall_score is None or probe.overall_score == report.overall_score
    )
    return finding if agrees else Finding(**{**finding.__dict__, "kind": "paragraph"})
