"""Compare: a table of each authority's figure on the topic (`assistant.compare.table`), notes where
the figures are not like for like, then each authority's own answer in a column of its own.

On a measure, the Measures view's chart of the compared councils' figures follows the table
(`ui.measures_view.show_chart`: the England average where the reports give it, My council in blue,
the chart named and its figures as a table, the councils with no figure named, never drawn), with
a button that opens the Measures view on that measure, every council in the user's filters.

Source cards sit in an expander under each column, so on a phone (where columns stack) an
authority takes a screen, not a thousand pixels.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from assistant.answers.measure_table import MeasureTable, line_up
from assistant.compare.table import Comparison, compare_topic, table_rows
from assistant.models import Answer
from cqc.records import SearchFilter
from ui.cards import card_anchor, preview, show_answer, show_card
from ui.goto import open_measure
from ui.measures_view import show_chart
from ui.safe import escape, escape_keeping_markers
from ui.turns import COMPARE, ChatTurn, answer_now

TABLE_HEADERS = ["Authority", "Figures", "Measure", "As at", "What the report says"]
# The chart's table of figures: fewer columns than the Measures view's, for it sits in a chat
# message, 266 px wide on a phone, where a wider table would scroll (and a scrolling region no
# keyboard can reach fails WCAG 2.1.1). The figure says its period; the Compare table above cites it.
CHART_COLUMNS = ("Figure", "England average (its report)")


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
            lined_up = chart_table(assistant.store, table, authorities, scope)
        for column, authority in zip(st.columns(len(authorities)), authorities):
            with column:
                st.markdown(f"**{escape(authority)}**")
                answers[authority] = answer_now(assistant, question, [], replace(scope, authorities=(authority,)), home="")
    return ChatTurn(question, COMPARE, answers, extra_chips, comparison=table, lined_up=lined_up)


def chart_table(store, comparison: Comparison, authorities: list[str], scope: SearchFilter) -> MeasureTable | None:
    """On a measure, the compared councils lined up as the Measures view lines them up (the reports
    and findings the table read, the group of figures most of them give): its chart's figures."""
    if comparison.measure is None:
        return None
    return line_up(store, comparison.measure.key, "highest", tuple(authorities), scope.report_ids, findings=scope)


def chart_sources(table: MeasureTable, comparison: Comparison) -> dict[str, str]:
    """Each charted council's marker in the Compare table ("[2]"), where the chart's figure is read
    from the sentence the table quotes; a council whose figures differ gets none, not another's."""
    quoted = {r.authority: r for r in comparison.rows if r.gives_figure and r.citation is not None}
    out = {}
    for row in (*table.rows, *table.ranking.set_aside):
        cited = quoted.get(row.authority)
        if cited is not None and cited.sentence == row.record.sentence and cited.value == row.record.value:
            out[row.authority] = f"[{cited.citation.marker}]"
    return out


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


def show_measure_chart(turn, home: str | None) -> None:
    """Under a table on a measure: the Measures view's chart of the compared councils, and the way there."""
    comparison: Comparison = turn.comparison
    measure = comparison.measure
    table: MeasureTable | None = turn.lined_up
    if table is not None and table.rows:
        with st.container(key=f"cmp-chart-{turn.id}"):
            show_chart(table, home, "highest", f"cmp-chart-{turn.id}-bars", sources=chart_sources(table, comparison),
                       columns=CHART_COLUMNS)
    elif table is not None:
        st.caption(escape(f"No chart: none of the {len(table.councils)} reports compared gives a figure for "
                          f"{measure.name}."))
    st.button(f"See every council's figures in Measures: {measure.name}", key=f"cmp-measure-{turn.id}",
              on_click=open_measure, args=(measure.key,), icon=":material/bar_chart:",
              help="This measure for every council in your filters: a chart, a sortable table and a CSV")


def show_compare(turn, home: str | None = None) -> None:
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
        if comparison.measure is not None:
            show_measure_chart(turn, home)
    columns = st.columns(len(turn.answers), border=True)
    for i, (column, (authority, answer)) in enumerate(zip(columns, turn.answers.items())):
        with column:
            st.markdown(f"##### {escape(authority)}")
            show_answer(answer, turn.id, i, turn.extra_chips, cards="collapsed")
    if comparison is not None and comparison.citations:
        with st.expander(f"Sources of the table ({len(comparison.citations)})"):
            for c in comparison.citations:
                show_card(c, card_anchor(turn.id, table_column, c.marker), f"{turn.id}-{table_column}-{c.marker}")
