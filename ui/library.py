"""The library view: the reports held, adding reports by upload, removing one, and the audit log
of changes to the library.

Uploads and removals go through `library.changes.LibraryChanges`, which checks the person's role
where the change happens and records it; the forms are shown only to those who may use them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant.papers.export import inert_cell
from cqc.records import ReportEntry
from database import Action, Database, NotAllowed, Person
from database.audit import AuditEntry
from ingest.summary import IngestSummary, quoted
from ui.safe import escape

if TYPE_CHECKING:  # every page shows the sidebar from here: pandas and the readers load with the tables
    import pandas as pd

    from library.changes import LibraryChanges

UPLOAD_TYPES = ["pdf", "html", "htm", "txt", "md"]
AUDIT_SHOWN = 20  # the most recent changes listed in the Library view


# -- layout ------------------------------------------------------------------------------------
def rating_text(r: ReportEntry) -> str:
    return (r.rating or "no rating") + (" (indicative)" if r.rating_is_indicative else "")


def report_name(r: ReportEntry) -> str:
    """A report as people name it: its authority and publication date, never its file or folder."""
    who = r.authority or f"(no authority found in {Path(r.source).name})"
    return f"{who}, published {r.published}" if r.published else who


def source_text(r: ReportEntry) -> str:
    """What the report was read from: one file's name, or how many page files (and, for pages
    with no date yet, that they wait for their summary page)."""
    pages = getattr(r, "pages", 0) or len(r.files)
    read = f"{pages} pages" if pages > 1 else Path(r.files[0] if r.files else r.source).name
    return f"{read}, waiting for its summary or About page" if waiting(r) else read


def reports_frame(reports: list[ReportEntry]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            # Report text: the grid's own CSV download must not hand a spreadsheet a formula.
            {"Authority": inert_cell(r.authority or "(no authority found)"), "Rating": rating_text(r),
             "Overall score": r.overall_score, "Published": r.published or "", "Findings": r.chunks,
             "Read from": source_text(r)}
            for r in reports
        ],
        columns=["Authority", "Rating", "Overall score", "Published", "Findings", "Read from"],
    )


def show_reports(reports: list[ReportEntry]) -> None:
    # A dataframe shows cell text as text: report-derived names cannot render as markup there.
    st.dataframe(
        reports_frame(reports), hide_index=True, width="stretch",
        column_config={"Overall score": st.column_config.ProgressColumn(
            "Overall score", min_value=0, max_value=100, format="%d")},
    )


def library_sidebar(reports: list[ReportEntry]) -> None:
    st.header("Library")
    if not reports:
        st.caption("No reports yet.")
    for r in reports:
        score = f"{r.overall_score}/100" if r.overall_score is not None else "no score"
        st.markdown(f"**{escape(r.authority or '(no authority found)')}**  \n"
                    f"{escape(r.published or 'no date')} · {escape(rating_text(r))} · {escape(score)}")


def upload_form(changes: Callable[[], LibraryChanges], on_done: Callable[[IngestSummary], None]) -> None:
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader("Report files (PDF, HTML, text, Markdown)", type=UPLOAD_TYPES,
                                 accept_multiple_files=True, key="upload_files")
        submitted = st.form_submit_button("Add to library")
    if submitted and files:
        bar = st.progress(0.0, text="Reading files…")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total if total else 1.0, text=f"Indexing {name}" if name else "Done")

        try:
            summary = changes().upload(files, progress)
        except NotAllowed as exc:
            bar.empty()
            st.error(escape(str(exc)))
            return
        on_done(summary)


LAYOUT_WORDS = {"pdf": "PDF", "html": "saved web page", "text": "text file"}


def waiting(r: ReportEntry) -> bool:
    """Pages that name their council but carry no date: kept aside until the summary or About
    page (which carries the report's date) arrives (ingest's WAITING)."""
    return bool(r.authority) and not r.published


def layout_text(edition: str, pages: int) -> str:
    """"11 saved web pages", "1 PDF", "1 text file"."""
    word = LAYOUT_WORDS.get(edition, "file")
    return f"{pages} {word}{'s' if pages != 1 else ''}"


def _date(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%-d %B %Y")
    except ValueError:
        return iso


def ingest_outcome(summary: IngestSummary, before: list[ReportEntry]) -> list[str]:
    """What an upload did, report by report, named by authority, about this upload's files only:
    added (a new report; the same report again in another layout, beside the one held; a report
    its waiting pages joined), updated, pages waiting for their summary page, or already in the
    library unchanged (every finding kept, none added or removed)."""
    held = {r.report_id: r for r in before}
    added, again, updated, waits, unchanged = [], [], [], [], []
    for r in summary.reports:
        if r.pages_added == 0:
            continue  # rewritten because a file moved out of it: none of this upload's files is in it
        name = r.authority or f"(no authority found in {Path(r.source).name})"
        if r.authority and not r.published:
            waits.append(f"{r.pages_added} page{'s' if r.pages_added != 1 else ''} of {name}")
        elif r.added == 0 and r.removed == 0:
            unchanged.append(name)
        elif r.report_id in held:
            updated.append(f"{name} ({r.added} findings new, {r.removed} removed)")
        elif layouts := [e for e in before if e.authority == r.authority and e.published == r.published and e.published]:
            again.append(f"{name}: the report published {_date(r.published)} again, as {layout_text(r.layout, r.pages)}, "
                         f"kept beside the one already held as {layout_text(layouts[0].edition, layouts[0].pages)} "
                         "(answers use one of them, the more complete)")
        elif joined := [e for e in before if e.authority == r.authority and waiting(e)]:
            added.append(f"{name} ({r.pages} pages: the {sum(e.pages for e in joined)} waiting joined it)")
        else:
            added.append(name)
    lines = []
    if added:
        lines.append(f"Added {len(added)} report{'s' if len(added) > 1 else ''}: {', '.join(added)}.")
    lines += [f"Added {a}." for a in again]
    if updated:
        lines.append(f"Updated: {', '.join(updated)}.")
    for w in waits:
        lines.append(f"{w[0].upper()}{w[1:]} {'are' if not w.startswith('1 page ') else 'is'} waiting for their summary or "
                     "About page, which carries the report's date: kept aside, they join their report when it is added.")
    unchanged += [name for name in summary.unchanged_reports if name not in unchanged]
    if unchanged:
        lines.append(f"Already in the library, unchanged: {', '.join(unchanged)}.")
    if not lines:
        lines.append("No report was added.")
    return lines


def show_ingest_summary(outcome: tuple[IngestSummary, list[ReportEntry]] | None) -> None:
    if outcome is None:
        return
    summary, before = outcome
    message = escape(" ".join(ingest_outcome(summary, before)))
    fine = summary.reports or summary.unchanged
    (st.warning if summary.failed or summary.held or summary.waiting or not fine else st.success)(message)
    for err in summary.failed:
        st.error(escape(f"{Path(err.path).name}: {err.problem}"))
    for path, why in summary.held:  # a page whose title and text name different councils: not filed
        st.error(escape(f"{Path(path).name}: {why}"))
    for passage in summary.set_aside:  # text addressed to a machine: named, never indexed
        st.warning(escape(f"{Path(passage.file).name} ({passage.place}): set aside, {passage.why}: "
                          f"\"{quoted(passage.text)}\""))
    for path, why in summary.skipped:  # every file of an upload is accounted for
        st.info(escape(f"{Path(path).name}: {why}"))


def remove_form(reports: list[ReportEntry], on_remove: Callable[[ReportEntry], None]) -> None:
    labels = {f"{report_name(r)} ({source_text(r)})": r for r in reports}
    with st.form("remove", clear_on_submit=True):
        label = st.selectbox("Report", list(labels), index=None, placeholder="Choose a report to remove",
                             key="remove_choice")
        sure = st.checkbox("Yes, remove this report and its findings from the library", key="remove_sure")
        submitted = st.form_submit_button("Remove report")
    if submitted:
        if label is None or not sure:
            st.warning("Choose a report and tick the box to confirm.")
        else:
            on_remove(labels[label])


def may_change(person: Person) -> bool:
    return person.may(Action.UPLOAD)


def audit_frame(entries: list[AuditEntry]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        # st.table renders Markdown in cells: names of people, files and reports are escaped to show as typed.
        [{"When (UTC)": e.time.replace("T", " ")[:16], "Who": escape(e.actor_label), "Did": e.action,
          "What": escape(e.target), "Outcome": escape(e.outcome)} for e in entries],
        columns=["When (UTC)", "Who", "Did", "What", "Outcome"],
    )


def show_audit(database: Database) -> None:
    """Every change to the library, newest first: who, when, what, and how it ended."""
    entries = database.audit.recent(AUDIT_SHOWN)
    if not entries:
        st.caption("No change to the library has been recorded yet.")
        return
    # A plain table (text in the page, read by screen readers), not the canvas grid: a short list.
    st.table(audit_frame(entries), hide_index=True, alt="Changes to the library: when, who, what, outcome")


def feedback_review(export: Callable[[], bytes]) -> None:
    st.download_button("Export everyone's feedback (JSON lines)", export, file_name="cqc-feedback.jsonl",
                       mime="application/jsonl", key="export_feedback", on_click="ignore",
                       icon=":material/download:",
                       help="Every thumbs up or down and comment, with who gave it and on which answer, for review.")
