"""Draft actions: an action plan for one authority (optionally one quality statement), edited in a
table and exported as CSV, Word or Markdown.

The plan comes from `assistant.actions.draft.draft_actions`; each action keeps the finding(s) it rests
on, shown as source cards under the table. The user's edits (wording, owner, timescale, rows added
or deleted) are what gets exported.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.papers.export import PLAN_COLUMNS, inert_cell
from cqc.framework import QUALITY_STATEMENTS
from cqc.records import ReportEntry
from ui.cards import show_card
from ui.filters import Scope
from ui.safe import anchor_id, escape

ALL_STATEMENTS = "All quality statements"
COLUMNS = list(PLAN_COLUMNS)  # the same headers in the table and in every export
EDITABLE = ["Action", "Measure of success", "Owner", "Timescale"]
# Widths (px) that fit the main column of a 1400 px window beside the sidebar (about 1,000 px):
# every header in view, the long texts wrapping in tall rows.
WIDTHS = {"Action": 230, "Owner": 130, "Timescale": 110, "Measure of success": 180, "Sources": 64, "Evidence": 180}


def plan_frame(plan) -> pd.DataFrame:
    """One row per action; Sources and Evidence are what the report says, not editable."""
    rows = [
        {
            "Action": item.action,
            "Measure of success": item.measure,
            "Owner": item.owner,
            "Timescale": item.timescale,
            "Sources": " ".join(f"[{c.marker}]" for c in item.citations),
            # Report text: the grid's own copy and download must not hand a spreadsheet a formula.
            "Evidence": inert_cell(" / ".join(item.basis)),
        }
        for item in plan.items
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def edited_plan(plan, frame: pd.DataFrame):
    """The plan as the user left the table: rows edited, deleted or added (an added row cites nothing)."""
    from assistant.actions.draft import ActionItem

    by_sources = {" ".join(f"[{c.marker}]" for c in item.citations): item for item in plan.items}
    items = []
    for row in frame.fillna("").to_dict("records"):
        action = str(row["Action"]).strip()
        if not action:
            continue  # an emptied or blank added row
        original = by_sources.get(str(row["Sources"]))
        items.append(ActionItem(
            action=action,
            citations=list(original.citations) if original else [],
            basis=list(original.basis) if original else [],
            measure=str(row["Measure of success"]).strip(),
            owner=str(row["Owner"]).strip(),
            timescale=str(row["Timescale"]).strip(),
            origin=original.origin if original else "added",
        ))
    out = deepcopy(plan)
    out.items = items
    return out


def export_files(plan) -> list[tuple[str, bytes, str, str]]:
    """(label, data, file name, mime) for each format `assistant.papers.export` writes."""
    from assistant.papers import export

    stem = "actions-" + "-".join(plan.authority.lower().split())[:60]
    with tempfile.TemporaryDirectory() as folder:  # python-docx writes files; the button wants bytes
        docx = export.export_plan(plan, Path(folder) / f"{stem}.docx").read_bytes()
    return [
        # utf-8-sig: Excel reads "£" and quotes correctly only with the byte order mark.
        ("CSV", export.plan_csv(plan).encode("utf-8-sig"), f"{stem}.csv", "text/csv"),
        ("Word", docx, f"{stem}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Markdown", export.plan_markdown(plan).encode("utf-8"), f"{stem}.md", "text/markdown"),
    ]


def show_plan(plan) -> None:
    from assistant.papers.export import drafted_by

    what = plan.topic or plan.quality_statement or "the whole report"
    st.markdown(f"#### {escape(f'Actions for {plan.authority}: {what}')}")
    st.caption(escape(f"From the report published {plan.report_date or '(date not found)'} · drafted by {drafted_by(plan)}. "
                      "Timescales marked (from the report) are the report's own dates; owners and other timescales "
                      "are suggestions for the council to confirm."))
    if not plan.items:
        st.info(escape(f"No finding in the report on {what} records a shortfall or a planned improvement to act on."))
        for note in plan.notes:
            st.caption(escape(note))
        return
    with st.container(key="plan-grid"):
        frame = st.data_editor(
            plan_frame(plan), key="draft_table", num_rows="dynamic", hide_index=True, width="stretch",
            row_height=96,  # tall rows wrap the long action and evidence text instead of cutting it off
            height=min(680, 40 + 96 * (len(plan.items) + 1)),  # every action in view, and the row for adding one
            disabled=["Sources", "Evidence"],
            column_config={
                "Action": st.column_config.TextColumn("Action", width=WIDTHS["Action"], required=True),
                "Owner": st.column_config.TextColumn("Owner", width=WIDTHS["Owner"]),
                "Timescale": st.column_config.TextColumn("Timescale", width=WIDTHS["Timescale"]),
                "Measure of success": st.column_config.TextColumn("Measure of success", width=WIDTHS["Measure of success"]),
                "Sources": st.column_config.TextColumn("Sources", width=WIDTHS["Sources"], help="Source cards below the table"),
                "Evidence": st.column_config.TextColumn("Evidence", width=WIDTHS["Evidence"],
                                                        help="The sentence(s) of the report the action rests on"),
            },
        )
    final = edited_plan(plan, frame)
    with st.container(key="plan-cards"):  # on a phone, in place of the grid (ui.layout)
        st.caption("On a wider screen the plan is an editable table; here it is one card per action.")
        for n, item in enumerate(final.items, 1):
            with st.container(border=True):
                st.markdown(f"**{n}\\. {escape(item.action)}** " + escape(" ".join(f"[{c.marker}]" for c in item.citations)))
                st.caption(escape(f"Owner: {item.owner or '-'} · Timescale: {item.timescale or '-'}"))
                if item.measure:
                    st.markdown(escape(f"Measure of success: {item.measure}"))
    st.markdown("**Export the plan as edited**")
    with st.container(horizontal=True, gap="small"):
        for label, data, name, mime in export_files(final):
            st.download_button(label, data, file_name=name, mime=mime, key=f"export_{label.lower()}",
                               on_click="ignore", icon=":material/download:")
    for note in plan.notes:
        st.caption(escape(note))
    with st.expander(f"The findings these actions rest on ({len({c.chunk_id for i in plan.items for c in i.citations})})"):
        seen: set[int] = set()
        for item in plan.items:
            for c in item.citations:
                if c.marker not in seen:
                    seen.add(c.marker)
                    show_card(c, anchor_id("action", c.marker), f"action-{c.marker}")


def draft_view(get_assistant: Callable[[], object], reports: list[ReportEntry], scope: Scope) -> None:
    try:
        from assistant.actions.draft import ActionsError, draft_actions
    except ImportError:
        st.info("Drafting actions is not available in this version of the assistant.")
        return
    names = sorted({r.authority for r in reports if r.authority})
    if not names:
        st.info("No report in the library names its authority.")
        return
    # Start from the council chosen in the sidebar, as a user of that council would.
    start = names.index(scope.authorities[0]) if scope.authorities and scope.authorities[0] in names else 0
    left, right = st.columns(2)
    authority = left.selectbox("Authority", names, index=start, key="draft_authority")
    statements = [ALL_STATEMENTS] + [qs.name for qs in QUALITY_STATEMENTS]
    statement = right.selectbox("Quality statement (optional)", statements, key="draft_statement")
    question = st.text_input("What should the actions address? (optional)", key="draft_question",
                             placeholder="e.g. waiting times for assessments")
    if st.button("Draft actions", type="primary", key="draft_button"):
        assistant = get_assistant()
        answerer = getattr(assistant, "answerer", None)
        try:
            with st.spinner("Reading the report's plans and shortfalls…"):
                plan = draft_actions(
                    assistant, authority=authority,
                    quality_statement=None if statement == ALL_STATEMENTS else statement,
                    question=question.strip() or None,
                    chat_model=getattr(answerer, "model", None), backend_name=getattr(answerer, "name", None),
                )
        except ActionsError as exc:
            st.error(escape(str(exc)))
            return
        st.session_state["draft_plan"] = plan
        st.session_state.pop("draft_table", None)  # a new plan starts with no edits
    plan = st.session_state.get("draft_plan")
    if plan is not None:
        show_plan(plan)

