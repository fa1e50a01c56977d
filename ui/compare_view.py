"""Compare: a table of each authority's figure on the topic (`assistant.compare.table`), notes where
the figures are not like for like, then each authority's own answer in a column of its own.

Source cards sit in an expander under each column, so on a phone (where columns stack) an
authority takes a screen, not a thousand pixels.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from assistant.compare.table import Comparison, compare_topic, table_rows
from assistant.models import Answer
from cqc.records import SearchFilter
from ui.cards import card_anchor, preview, show_answer, show_card
from ui.safe import escape, escape_keeping_markers
from ui.turns import COMPARE, ChatTurn, answer_now

TABLE_HEADERS = ["Authority", "Figures", "Measure", "As at", "What the report says"]


def compare(assistant, question: str, authorities: list[str], scope: SearchFilter, extra_chips: list[str]):
    """A compare topic is read on its own: never rewritten from the chat's earlier questions (which
    would make "waiting times" a follow-up about the council asked of before, outside every other
    column), and never narrowed by My council (the columns are the councils picked here)."""
    with st.chat_message("user"):
        st.text(question)
    answers: dict[str, Answer] = {}
    with st.chat_message("assistant"):
        with st.spinner("Finding each authority's figures on this…"):
            table = compare_topic(assistant, question, authorities, scope)
        for column, authority in zip(st.columns(len(authorities)), authorities):
            with column:
                st.markdown(f"**{escape(authority)}**")
                answers[authority] = answer_now(assistant, question, [], replace(scope, authorities=(authority,)), home="")
    return ChatTurn(question, COMPARE, answers, extra_chips, comparison=table)


def table_markdown(comparison: Comparison, turn_id: str, column: int) -> str:
    """The table as Markdown: report text escaped, each [n] a link to its card with a hover preview."""
    previews = {c.marker: preview(c) for c in comparison.citations}

    def link(n: int) -> str:
        return "#" + card_anchor(turn_id, column, n)

    lines = ["| " + " | ".join(TABLE_HEADERS) + " |", "|" + "---|" * len(TABLE_HEADERS)]
    for row in table_rows(comparison):
        cells = [escape(row[h]) if h != "What the report says" else escape_keeping_markers(row[h], link, previews)
                 for h in TABLE_HEADERS]
        lines.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)


def show_table_as_cards(comparison: Comparison, turn_id: str, column: int) -> None:
    """The same table, one short block per authority: what a 390 px screen can show."""
    previews = {c.marker: preview(c) for c in comparison.citations}

    def link(n: int) -> str:
        return "#" + card_anchor(turn_id, column, n)

    for row in table_rows(comparison):
        facts = ", ".join(x for x in (row["Measure"], row["As at"]) if x)
        st.markdown(f"**{escape(row['Authority'])}**: {escape(row['Figures'])}" + (f" ({escape(facts)})" if facts else "")
                    + "  \n" + escape_keeping_markers(row["What the report says"], link, previews))


def show_compare(turn) -> None:
    comparison: Comparison | None = turn.comparison
    table_column = len(turn.answers)  # the table's cards get their own anchors, after the columns'
    if comparison is not None and comparison.rows:
        st.markdown(f"**Side by side: {escape(comparison.topic)}**")
        with st.container(key=f"cmp-table-{turn.id}"):
            st.markdown(table_markdown(comparison, turn.id, table_column))
        with st.container(key=f"cmp-cards-{turn.id}"):  # on a phone, in place of the table (ui.layout)
            show_table_as_cards(comparison, turn.id, table_column)
        for note in comparison.notes:
            st.caption(":material/info: " + escape(note))
    columns = st.columns(len(turn.answers), border=True)
    for i, (column, (authority, answer)) in enumerate(zip(columns, turn.answers.items())):
        with column:
            st.markdown(f"##### {escape(authority)}")
            show_answer(answer, turn.id, i, turn.extra_chips, cards="collapsed")
    if comparison is not None and comparison.citations:
        with st.expander(f"Sources of the table ({len(comparison.citations)})"):
            for c in comparison.citations:
                show_card(c, card_anchor(turn.id, table_column, c.marker), f"{turn.id}-{table_column}-{c.marker}")
