"""Draft actions: an action plan for one authority (optionally one quality statement), edited in a
table and exported as CSV, Word or Markdown.

The plan comes from `assistant.actions.draft.draft_actions`; each action keeps the finding(s) it rests
on, shown as source cards under the table. The user's edits (wording, owner, timescale, rows added
or deleted) are what gets exported: each row is matched back to its action by the action's row
identity (a hidden column), never by its text, so every exported row carries its own evidence.
The plan as last edited is kept with the conversation (`keep`), so a reload reopens it.
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
ROW = "Row"  # the action's identity, a hidden column of the table
EDITABLE = ["Action", "Measure of success", "Owner", "Timescale"]
# Widths (px) that fit the main column of a 1400 px window beside the sidebar (about 1,000 px):
# every header in view, the long texts wrapping in tall rows.
WIDTHS = {"Action": 230, "Owner": 130, "Timescale": 110, "Measure of success": 180, "Sources": 64, "Evidence": 180}


def plan_frame(plan) -> pd.DataFrame:
    """One row per action; Sources and Evidence are what the report says, not editable."""
    plan.number_rows()  # a plan built elsewhere (a test, an older conversation) gets its row identities
    rows = [
        {
            "Action": item.action,
            "Measure of success": item.measure,
            "Owner": item.owner,
            "Timescale": item.timescale,
            "Sources": " ".join(f"[{c.marker}]" for c in item.citations),
            # Report text: the grid's own copy and download must not hand a spreadsheet a formula.
            "Evidence": inert_cell(" / ".join(item.basis)),
            ROW: item.row,
        }
        for item in plan.items
    ]
    return pd.DataFrame(rows, columns=[*COLUMNS, ROW])


def edited_plan(plan, frame: pd.DataFrame):
    """The plan as the user left the table: rows edited, deleted or added (an added row cites nothing).

    Each row is its own action again by its row identity: two actions citing the same finding keep
    their own evidence (matching by the Sources cell gave both the last one's)."""
    from assistant.actions.draft import ActionItem

    plan.number_rows()
    by_row = {item.row: item for item in plan.items if item.row}
    items = []
    for row in frame.fillna("").to_dict("records"):
        action = str(row["Action"]).strip()
        if not action:
            continue  # an emptied or blank added row
        original = by_row.get(str(row.get(ROW, "")))
        items.append(ActionItem(
            action=action,
            citations=list(original.citations) if original else [],
            basis=list(original.basis) if original else [],
            measure=str(row["Measure of success"]).strip(),
            owner=str(row["Owner"]).strip(),
            timescale=str(row["Timescale"]).strip(),
            origin=original.origin if original else "added",
            row=original.row if original else "",
        ))
    out = deepcopy(plan)
    out.items = items
    out.number_rows()  # an added row gets the next identity
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


def show_plan(plan, keep: Callable[[object], None] | None = None) -> None:
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
                ROW: None,  # the row identity is kept in the frame, not shown
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
    if keep is not None:
        keep(final)  # with the conversation, as edited
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
    if final.more:
        st.caption(escape(final.more_note()))
        if st.button(f"Draft {len(final.more)} more action{'s' if len(final.more) != 1 else ''}", key="draft_more",
                     icon=":material/add:"):
            st.session_state["draft_plan"] = final.with_more()  # the edits so far, then the further actions
            st.session_state.pop("draft_table", None)
            st.rerun()
    with st.expander(f"The findings these actions rest on ({len({c.chunk_id for i in plan.items for c in i.citations})})"):
        seen: set[int] = set()
        for item in plan.items:
            for c in item.citations:
                if c.marker not in seen:
                    seen.add(c.marker)
                    show_card(c, anchor_id("action", c.marker), f"action-{c.marker}")


def draft_view(get_assistant: Callable[[], object], reports: list[ReportEntry], scope: Scope, home: str | None = None,
               kept: Callable[[], object | None] | None = None, keep: Callable[[object], None] | None = None) -> None:
    """`kept()` gives the plan this conversation holds (the latest, as last edited), `keep(plan)`
    keeps one with it; `home` is My council, which the Authority starts on."""
    try:
        from assistant.actions.draft import ActionsError, draft_actions
    except ImportError:
        st.info("Drafting actions is not available in this version of the assistant.")
        return
    names = sorted({r.authority for r in reports if r.authority})
    if not names:
        st.info("No report in the library names its authority.")
        return
    if "draft_plan" not in st.session_state and kept is not None and (held := kept()) is not None:
        st.session_state["draft_plan"] = held  # a reload, or a conversation reopened: its plan as last edited
    # Start from the council chosen in the sidebar, else My council, as a user of that council would.
    first = scope.authorities[0] if scope.authorities else (home or "")
    start = names.index(first) if first in names else 0
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
        st.session_state["draft_new"] = True  # kept as a new plan of the conversation, not over the last one
        st.session_state.pop("draft_table", None)  # a new plan starts with no edits
    plan = st.session_state.get("draft_plan")
    if plan is not None:
        show_plan(plan, keep)


# -- the plan kept with the conversation ------------------------------------------------------------
def follow_conversation(conversation_id: str) -> None:
    """Another conversation opened (or a new one): its own plan is shown, never the last one's."""
    if st.session_state.get("draft_conversation") != conversation_id:
        for key in ("draft_plan", "draft_turn", "draft_table", "draft_new"):
            st.session_state.pop(key, None)
        st.session_state["draft_conversation"] = conversation_id


def kept_plan(turns: list):
    """The latest plan this conversation holds, as last edited (None when it holds none)."""
    held = [t for t in turns if getattr(t, "plan", None) is not None]
    if not held:
        return None
    st.session_state["draft_turn"] = held[-1].id
    return held[-1].plan


def keep_plan(turns: list, plan, save: Callable[[list], None]) -> None:
    """Keep the plan with the conversation: a newly drafted plan as a turn of its own, an edited
    one in place of its turn; saved only when something changed."""
    from ui.turns import ACTIONS, ChatTurn

    new = st.session_state.pop("draft_new", False)
    turn = None if new else next((t for t in turns if t.id == st.session_state.get("draft_turn")), None)
    if turn is None:
        turn = ChatTurn(plan.question or f"Draft improvement actions for {plan.authority}", ACTIONS, {}, plan=plan)
        turns.append(turn)
        st.session_state["draft_turn"] = turn.id
    elif turn.plan is not None and turn.plan.to_record() == plan.to_record():
        return
    else:
        turn.plan = plan
    save(turns)
