"""Side-by-side answers a model writes: one line per authority, each citing only its own findings,
and none saying less than the quoted answer's line for the same authority.

The model is asked for "- **<authority>**: ..." lines. A line whose citations are another
authority's loses them; a line that leaves out what the quoted line for its authority says (a
finding it cites, or a figure other than a date that it states), or an authority the model left
out altogether, gets the quoted line, labelled "(quoted)".
"""

from __future__ import annotations

import re

from assistant.check.claims import markers_in
from assistant.check.grounds import missing_quoted_claims
from assistant.evidence.bundle import Evidence
from assistant.models import NOT_IN_REPORTS, Answer, Citation, Removal, RetrievedFinding
from cqc.framework import short_names
from cqc.text.markers import MARKER


_AUTHORITY_LINE = re.compile(r"^\s*[-*]\s*\*\*(?P<name>[^*]+)\*\*")


def authority_named(label: str, authorities: list[str]) -> str | None:
    """The authority a line's bold label names, in full or in the short form people use."""
    key = label.strip().rstrip(":").strip().casefold()
    for authority in authorities:
        if key in {n.casefold() for n in short_names(authority)}:
            return authority
    for authority in authorities:
        if key and authority.casefold().startswith(key):
            return authority
    return None


def cross_citations_removed(written: str, by_number: dict[int, RetrievedFinding], removed: list[Removal]) -> str:
    """In a side-by-side answer, a line about one authority may cite only that authority's findings."""
    authorities = sorted({f.chunk.authority for f in by_number.values() if f.chunk.authority})
    lines = []
    for line in written.splitlines():
        m = _AUTHORITY_LINE.match(line)
        about = authority_named(m.group("name"), authorities) if m else None
        if m:
            label = m.group("name").strip()

            def keep_own(marker: re.Match) -> str:
                finding = by_number.get(int(marker.group(1)))
                if finding is None or finding.chunk.authority == about:
                    return marker.group(0)
                removed.append(Removal(marker.group(0), f"cites {finding.chunk.authority} in the line about {label}"))
                return ""

            line = MARKER.sub(keep_own, line)
        lines.append(line)
    return "\n".join(lines)


def _quoted_lines(quoted: Answer) -> dict[str, tuple[str, list[Citation]]]:
    """The quoted comparison's line body and citations per authority."""
    by_marker = {c.marker: c for c in quoted.citations}
    out: dict[str, tuple[str, list[Citation]]] = {}
    for line in quoted.answer.splitlines():
        m = re.match(r"^- \*\*(?P<name>[^*]+)\*\*: (?P<body>.*)$", line)
        if m:
            cites = [by_marker[n] for n in markers_in(m.group("body")) if n in by_marker]
            out[m.group("name")] = (m.group("body"), cites)
    return out


def _renumbered(body: str, cites: list[Citation], by_number: dict[int, RetrievedFinding], evidence: Evidence) -> str:
    """A quoted line's markers rewritten into the model answer's numbering (new numbers added as needed)."""
    number_of = {f.chunk.chunk_id: n for n, f in by_number.items()}
    findings = {f.chunk.chunk_id: f for f in evidence.findings}
    mapping: dict[int, int] = {}
    for c in cites:
        if c.chunk_id not in number_of:
            n = max(by_number, default=0) + 1
            by_number[n] = findings[c.chunk_id]
            number_of[c.chunk_id] = n
        mapping[c.marker] = number_of[c.chunk_id]
    return MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", body)


def fill_from_quoted(
    text: str, evidence: Evidence, by_number: dict[int, RetrievedFinding], quoted: Answer
) -> tuple[str, list[int], list[str]]:
    """The checked side-by-side text with every authority's line at least as full as the quoted one.

    Returns the text, its markers in order, and the authorities whose quoted line stands in.
    `by_number` gains the findings quoted lines cite that the model was not shown.
    """
    authorities = [g.authority for g in evidence.groups]
    generated: dict[str, str] = {}
    other: list[str] = []
    for line in text.splitlines():
        m = _AUTHORITY_LINE.match(line)
        about = authority_named(m.group("name"), authorities) if m else None
        if about and about not in generated:
            generated[about] = line.strip()
        elif line.strip() and markers_in(line):
            other.append(line.strip())  # a cited sentence about the comparison as a whole
    quoted_lines = _quoted_lines(quoted)
    lines: list[str] = []
    filled: list[str] = []
    for authority in authorities:
        line = generated.get(authority)
        body, cites = quoted_lines.get(authority, (NOT_IN_REPORTS, []))
        if cites:
            cited_chunks = {by_number[n].chunk.chunk_id for n in markers_in(line or "") if n in by_number}
            if line is None or missing_quoted_claims(cites, line, cited_chunks):
                line = f"- **{authority}** (quoted): {_renumbered(body, cites, by_number, evidence)}"
                filled.append(authority)
        if line is None:
            line = f"- **{authority}**: {NOT_IN_REPORTS}"
        lines.append(line)
    out = "\n".join(lines + other)
    return out, list(dict.fromkeys(markers_in(out))), filled
