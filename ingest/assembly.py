"""Pages to reports: which report each page of a run belongs to, with the pages the library holds.

A report is one authority's assessment on one publication date, in one layout family (a PDF, saved
web pages, or text): the same report saved as a PDF and as page files is two library entries, and
answers use one of them. Pages arrive in any order, mixed with other authorities' pages, a folder
per report, or one at a time over several runs:

* a page with a date belongs to (its authority, that date);
* a page without one joins its authority's dated report of the same run (the newest, if the run
  brings two), else the library's newest report of that authority in the same layout, else it
  waits in an undated report of its own, which a dated page later absorbs;
* a page whose content the library (or the run) already holds under another file is a duplicate;
  the same file with new content replaces its old self;
* a whole report in one file replaces the pages of the same report and layout, and a page is
  not added to a report held whole (its content is already there).

Nothing is dropped silently: every page ends up in a report, or in `skipped` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from cqc.models import Page
from ingest.report_lines import title_name

ReportKey = tuple[str, str, str]  # (authority, published or "", layout family); ("", file, family) for a document


class Library(Protocol):
    """What assembly needs to know about the reports already held."""

    def held_reports(self) -> list[tuple[str, ReportKey, str]]: ...  # (report id, key, title)
    def pages_of(self, report_id: str) -> list[Page]: ...
    def holder_of(self, sha: str) -> tuple[str, str] | None: ...  # (report id, file) holding that content
    def report_of_file(self, file: str) -> str | None: ...


@dataclass
class Assembly:
    """One report to (re)write: all its pages, and what the run changed about it."""

    key: ReportKey
    pages: list[Page]
    added: list[str] = field(default_factory=list)  # files new to this report in this run
    absorbs: list[str] = field(default_factory=list)  # report ids whose pages moved here (then removed)
    replaced: list[str] = field(default_factory=list)  # files of this report a whole report replaced
    joined_library: bool = False  # undated pages that joined a report an earlier run stored
    notes: list[str] = field(default_factory=list)


@dataclass
class Placement:
    assemblies: list[Assembly] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # files held already, exactly as they are
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why): duplicates
    shrinks: dict[str, list[Page]] = field(default_factory=dict)  # report id -> pages left after a file moved out


def report_key(page: Page, authority: str) -> ReportKey:
    if not authority:
        return ("", page.file, page.family)
    return (authority, page.published, page.family)


def _area_names(pages: Iterable[Page], library: Library) -> dict[str, str]:
    """Area title -> council, learnt from any page (or held report) whose text names the council:
    a statement page titled "County Durham" may never name "Durham County Council" itself."""
    names: dict[str, str] = {}
    for page in pages:
        if page.council:
            names.setdefault(page.title_name, page.council)
    for _, (authority, _, _), title in library.held_reports():
        area = title_name(title) if title else None
        if area and authority and area != authority:
            names.setdefault(area, authority)
    return names


def place_pages(pages: list[Page], library: Library) -> Placement:
    out = Placement()
    areas = _area_names(pages, library)
    authority_of = {p.file: (areas.get(p.title_name, p.authority) if p.title_name else "") for p in pages}

    # Content already held: under the same file it is unchanged, under another file a duplicate.
    fresh: list[Page] = []
    seen: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: p.file):
        holder = library.holder_of(page.sha)
        if holder and holder[1] == page.file:
            out.unchanged.append(page.file)
        elif holder:
            out.skipped.append((page.file, f"same content as {holder[1]}, already in the library; read once"))
        elif page.sha in seen:
            out.skipped.append((page.file, f"same content as {seen[page.sha]}; read once"))
        else:
            seen[page.sha] = page.file
            fresh.append(page)

    held = library.held_reports()
    run_dated: dict[tuple[str, str], list[str]] = {}
    for page in fresh:
        authority = authority_of[page.file]
        if authority and page.published:
            run_dated.setdefault((authority, page.family), []).append(page.published)

    def home_for(page: Page) -> tuple[ReportKey, bool]:
        authority = authority_of[page.file]
        if not authority or page.published:
            return report_key(page, authority), False
        dates = run_dated.get((authority, page.family))
        if dates:
            return (authority, max(dates), page.family), False
        stored = sorted(key[1] for _, key, _ in held if key[0] == authority and key[2] == page.family)
        if stored:
            return (authority, stored[-1], page.family), True
        return (authority, "", page.family), False

    groups: dict[ReportKey, Assembly] = {}
    for page in sorted(fresh, key=Page.order_key):
        key, joined = home_for(page)
        assembly = groups.setdefault(key, Assembly(key, []))
        assembly.pages.append(page)
        assembly.added.append(page.file)
        assembly.joined_library |= joined
        if not page.published and len(set(run_dated.get((key[0], key[2]), []))) > 1:
            assembly.notes.append(
                f"{page.file}: carries no date and the run brings several reports of {key[0]}; joined the newest ({key[1]})"
            )

    ids = {key: rid for rid, key, _ in held}
    for assembly in groups.values():
        _merge_with_library(assembly, ids, library, out)
    out.assemblies = [a for a in groups.values() if a.added]
    return out


def _merge_with_library(assembly: Assembly, ids: dict[ReportKey, str], library: Library, out: Placement) -> None:
    """Add the report's stored pages (and an undated report's, when a dated page arrives) to the
    run's pages; a file that moved here from another report leaves that one."""
    authority, published, family = assembly.key
    stored: list[Page] = []
    if assembly.key in ids:
        stored += library.pages_of(ids[assembly.key])
    undated = (authority, "", family)
    if authority and published and undated in ids:
        stored += library.pages_of(ids[undated])
        assembly.absorbs.append(ids[undated])
    new_files = {p.file for p in assembly.pages}
    kept = [p for p in stored if p.file not in new_files]
    whole = [p for p in assembly.pages if p.kind == "full"]
    if whole:
        # A report in one file holds every page: the pages held separately go (said in the summary),
        # and anything else the run brings for the same report is already in it.
        first = whole[0]
        for page in (p for p in assembly.pages if p is not first):
            why = "same report as" if page.kind == "full" else "part of the report read whole from"
            out.skipped.append((page.file, f"{why} {first.file} ({authority}, {published or 'undated'}); read once"))
        assembly.replaced = [p.file for p in kept]
        assembly.pages, assembly.added = [first], [first.file]
        _leave_previous_reports(assembly, ids, library, out)
        return
    held_whole = next((p for p in kept if p.kind == "full"), None)
    if held_whole:
        for page in assembly.pages:
            out.skipped.append((page.file, f"part of the report already held whole from {held_whole.file}"))
        assembly.pages, assembly.added = [], []
        return
    assembly.pages = sorted(kept + assembly.pages, key=Page.order_key)
    _leave_previous_reports(assembly, ids, library, out)


def _leave_previous_reports(assembly: Assembly, ids: dict[ReportKey, str], library: Library, out: Placement) -> None:
    """A file read again with new content that now belongs elsewhere (its date changed) leaves the
    report it was in."""
    for file in assembly.added:
        previous = library.report_of_file(file)
        if previous and previous != ids.get(assembly.key) and previous not in assembly.absorbs:
            left = out.shrinks.get(previous, library.pages_of(previous))
            out.shrinks[previous] = [p for p in left if p.file != file]
