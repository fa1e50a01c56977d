"""What an ingest run did with every file, as data (for the app) and as lines (for the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cqc.models import SetAside
from ingest.errors import IngestError


def shown(name: str) -> str:
    """A file name as printed: a newline or other control character in it is written as an escape,
    so a name can never forge a line of the summary."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(name))


def quoted(text: str, limit: int = 160) -> str:
    """A passage as named in a summary: on one line, cut at `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class IngestedReport:
    report_id: str
    authority: str
    source: str
    chunks: int
    added: int
    removed: int
    embedded: int = 0  # of the added, texts embedded; the others reused a vector the store held
    published: str = ""
    layout: str = ""
    pages: int = 1  # page files the report holds now
    pages_added: int = 1  # of them, files this run added or read anew
    files: list[str] = field(default_factory=list)
    figures: int = 0  # measure records read from its findings (known measures and "other")

    @property
    def unchanged(self) -> bool:
        return self.added == 0 and self.removed == 0

    def where(self) -> str:
        """The report's file, or the folder its pages are in."""
        folders = {str(Path(f).parent) for f in self.files}
        return self.source if len(self.files) <= 1 else (folders.pop() + "/" if len(folders) == 1 else f"{len(folders)} folders")


@dataclass
class IngestSummary:
    reports: list[IngestedReport] = field(default_factory=list)
    failed: list[IngestError] = field(default_factory=list)  # named files that could not be read
    skipped: list[tuple[str, str]] = field(default_factory=list)  # passed over: unsupported in a folder, or a duplicate
    waiting: list[tuple[str, str]] = field(default_factory=list)  # kept, but in no dated report yet
    held: list[tuple[str, str]] = field(default_factory=list)  # not filed: the page's title and text disagree
    unchanged: list[str] = field(default_factory=list)  # files the library already held exactly so
    unchanged_reports: list[str] = field(default_factory=list)  # the authorities (or files) of those reports
    warnings: list[str] = field(default_factory=list)  # ingested, with something the user should know
    set_aside: list[SetAside] = field(default_factory=list)  # text addressed to a machine: never indexed
    repaired: object | None = None  # what an earlier, interrupted run had left behind (ReconcileResult)
    measures_reread: int = 0  # reports whose figures were read again (another reader or vocabulary wrote them)

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.reports)

    @property
    def ok(self) -> bool:
        """Every file named ended up in a dated report (or was already there), none held aside."""
        return not self.failed and not self.waiting and not self.held

    def lines(self) -> list[str]:
        added, embedded = sum(r.added for r in self.reports), sum(r.embedded for r in self.reports)
        reused = f": {embedded} embedded, {added - embedded} reusing a stored vector" if added > embedded else ""
        unchanged = f", {len(self.unchanged)} unchanged" if self.unchanged else ""
        out = [
            f"Ingested {len(self.reports)} report(s), {self.chunks} chunk(s) "
            f"({added} new{reused}; {sum(r.removed for r in self.reports)} removed); "
            f"{len(self.failed)} file(s) failed, {len(self.skipped)} skipped{unchanged}."
        ]
        for r in self.reports:
            dated = f" ({r.published}{', ' + r.layout if r.layout else ''})" if r.authority else ""
            pages = f"{r.pages} page{'s' if r.pages != 1 else ''}"
            if r.pages_added != r.pages:
                pages = f"{r.pages_added} page{'s' if r.pages_added != 1 else ''} added, {r.pages} in all"
            out.append(
                f"  ok      {shown(r.authority or '(no authority found)')}{dated} — {pages}, {r.chunks} chunks, "
                f"{r.figures} figures — "
                f"{shown(r.where())}"
            )
        for err in self.failed:
            out.append(f"  FAILED  {shown(err.path)}: {shown(err.problem)}")
        for path, why in self.waiting:
            out.append(f"  WAITING {shown(path)}: {shown(why)}")
        for path, why in self.held:
            out.append(f"  HELD    {shown(path)}: {shown(why)}")
        for path, why in self.skipped:
            out.append(f"  skipped {shown(path)}: {shown(why)}")
        for passage in self.set_aside:
            out.append(f"  set aside {shown(passage.file)} ({shown(passage.place)}): {shown(passage.why)}: "
                       f"\"{shown(quoted(passage.text))}\"")
        for warning in self.warnings:
            out.append(f"  warning {shown(warning)}")
        if self.measures_reread:
            out.append(f"  figures read again as data for {self.measures_reread} report(s) in the library "
                       "(written by another version of the reader or its vocabulary)")
        repaired = self.repaired
        if repaired is not None and (getattr(repaired, "orphans_removed", 0) or getattr(repaired, "vectors_restored", 0)):
            out.append(
                f"  repaired the store after an interrupted run: {repaired.orphans_removed} stray vector(s) "
                f"removed, {repaired.vectors_restored} missing vector(s) restored"
            )
        return out
