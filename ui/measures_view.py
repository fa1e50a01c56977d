"""The Measures view: one measure, every council in the library, like for like, each figure cited.

Pick a measure (or arrive from a ranking answer, a figure in a source card or a Compare table on
a measure, whose chart is this view's, `show_chart`): every council's figure in a sortable table
and a bar chart, the England (regional, neighbours') figures
the reports give drawn as lines, the user's own council ("My council") in another colour and
marked "(your council)" in words, and each bar and row opening the source card of the sentence the
figure was read from. What cannot stand together is said as the ranking answers say it: councils
whose reports give no figure, figures of another qualifier set aside, different periods. A CSV of
the table, every text cell that would start a spreadsheet formula behind an apostrophe.

The numbers come from the measure records (`assistant.answers.measure_table.line_up`, the same
line-up the ranking answers use), never from a model, and need no embedding model loaded.

Accessibility: the chart names itself (`description`) and its axis labels are in the text colour
(as `ui.heatmap`); its data follows as a real table (`ui.text_alternatives.data_table`); a bar
responds to a pointer, and the "Show the source of" box does the same by keyboard.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from assistant.answers.measure_table import MeasureTable, describe_figure, line_up, period_words
from assistant.models import Citation
from assistant.papers.export import inert_cell
from cqc.measures.ranking import format_value
from cqc.measures.vocabulary import vocabulary
from cqc.records import SearchFilter, newest_per_authority
from ui.cards import show_card
from ui.goto import PICK, SOURCE
from ui.safe import anchor_id, escape
from ui.suggestions import short_name
from ui.text_alternatives import data_table
from vectorstore.store import LibraryStore

ORDER, FIGURES = "measure_order", "measure_figures"
TEXT = "#0b0c0c"  # axis labels in the theme's text colour (Vega's default grey read 3.9:1 on white)
YOURS = "#1d70b8"  # the user's council: 5.2:1 on white
OTHERS = "#505a5f"  # every other council: 7.0:1 on white (WCAG 1.4.11 asks 3:1 of a bar)
ROW_PX = 34  # a bar and the gap to the next
AXIS_PX = 60  # the value axis, its labels and title, under the bars
BENCHMARK_PX = 18  # each comparison line's label, over the bars
LABEL_PX = 130  # council names (short, "(your council)" after one): on a 390 px phone the bars keep 200 px
TABLE_COLUMNS = ("Rank", "Figure", "Period", "England average (its report)", "Source")  # the chart's table
ORDERS = {"Highest first": "highest", "Lowest first": "lowest", "Best first": "best", "Council, A to Z": "name"}
UNIT_WORDS = {"percent": "Per cent", "count": "Number", "days": "Days", "GBP": "£ million", "per 100,000": "Per 100,000",
              "hours per week": "Hours a week", "hours": "Hours", "score": "Score", "rank": "Rank"}


# -- what the library holds -------------------------------------------------------------------------
def measure_counts(store: LibraryStore, search: SearchFilter) -> dict[str, int]:
    """Each measure some council in scope gives its own whole-council figure of, with how many do."""
    chosen = newest_per_authority(store.reports(), search.report_ids)
    if search.authorities:
        chosen = {a: e for a, e in chosen.items() if a in search.authorities}
    ids = {e.report_id for e in chosen.values()}
    councils: dict[str, set[str]] = {}
    for r in store.measures(list(chosen), [], list(ids)):
        if r.measure != "other" and r.role == "value" and not r.part and r.report_id in ids:
            councils.setdefault(r.measure, set()).add(r.authority)
    order = {m.key: n for n, m in enumerate(vocabulary().measures)}
    return {k: len(v) for k, v in sorted(councils.items(), key=lambda kv: (-len(kv[1]), order.get(kv[0], 999)))}


def _qualifiers(store: LibraryStore, key: str, search: SearchFilter) -> dict[str, int]:
    """The qualifiers the councils' figures of a measure come in ("average": 3, "median": 1)."""
    chosen = newest_per_authority(store.reports(), search.report_ids)
    if search.authorities:
        chosen = {a: e for a, e in chosen.items() if a in search.authorities}
    ids = {e.report_id for e in chosen.values()}
    found: dict[str, set[str]] = {}
    for r in store.measures(list(chosen), [key], list(ids)):
        if r.role == "value" and not r.part and r.report_id in ids:
            found.setdefault(r.qualifier, set()).add(r.authority)
    return {q: len(a) for q, a in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


# -- the table, the chart, the file ----------------------------------------------------------------
def _scale(unit: str) -> float:
    return 1e6 if unit == "GBP" else 1.0  # money in £ million: an axis of 250,000,000 reads badly


def measure_frame(table: MeasureTable, home: str | None) -> pd.DataFrame:
    """One row per council with a comparable figure, in the ranking's order, then those set aside."""
    unit = table.ranking.unit
    rows = []
    for n, row in enumerate((*table.rows, *table.ranking.set_aside), 1):
        r = row.record
        england = table.england(r)
        rows.append({
            "Rank": row.position or None, "Council": row.authority, "Label": _label(row.authority, home),
            "Figure": describe_figure(row, unit), "Value": row.value / _scale(unit), "Unit": UNIT_WORDS.get(unit, unit),
            "Qualifier": r.qualifier, "Period": period_words(r.period),
            "England average (its report)": f"{format_value(england.value, england.unit)}"
                                            f"{f' ({period_words(england.period)})' if england.period else ''}"
                                            if england else "",
            "Source": f"[{n}]", "Yours": row.authority == home, "Ranked": bool(row.position),
        })
    return pd.DataFrame(rows, columns=["Rank", "Council", "Label", "Figure", "Value", "Unit", "Qualifier", "Period",
                                       "England average (its report)", "Source", "Yours", "Ranked"])


def _label(authority: str, home: str | None) -> str:
    return short_name(authority) + (" (your council)" if authority == home else "")


def sorted_frame(frame: pd.DataFrame, order: str) -> pd.DataFrame:
    ranked = frame[frame["Ranked"]]
    if order == "name":
        ranked = ranked.sort_values("Council", kind="stable")
    elif order == "lowest":
        ranked = ranked.sort_values(["Value", "Council"], ascending=[True, True], kind="stable")
    elif order == "highest":
        ranked = ranked.sort_values(["Value", "Council"], ascending=[False, True], kind="stable")
    return ranked  # "best": the ranking's own order


def benchmark_frame(table: MeasureTable) -> pd.DataFrame:
    unit = table.ranking.unit
    rows = [{"Value": b.value / _scale(unit), "Benchmark": b.label} for b in table.benchmarks if b.unit == unit]
    return pd.DataFrame(rows, columns=["Value", "Benchmark"])


def measure_chart(frame: pd.DataFrame, benchmarks: pd.DataFrame, table: MeasureTable) -> alt.LayerChart:
    """Councils down the side (long names read best horizontally), the value along; the England
    figures the reports give as dashed lines, each labelled; the user's council in blue."""
    pick = alt.selection_point(name="council", fields=["Council"], on="click", clear="dblclick")
    labels = json.dumps(dict(zip(frame["Council"], frame["Label"])))
    unit = table.ranking.unit
    base = alt.Chart(frame).encode(
        y=alt.Y("Council:N", sort=list(frame["Council"]), title=None, scale=alt.Scale(paddingInner=0.25), axis=alt.Axis(
            labelColor=TEXT, labelFontSize=12, labelLimit=LABEL_PX, labelExpr=f"{labels}[datum.label] || datum.label")),
        x=alt.X("Value:Q", title=UNIT_WORDS.get(unit, unit), axis=alt.Axis(labelColor=TEXT, titleColor=TEXT,
                                                                        gridColor="#dddddd")),
    )
    bars = base.mark_bar(cursor="pointer").encode(
        color=alt.condition(alt.datum.Yours, alt.value(YOURS), alt.value(OTHERS)),
        stroke=alt.condition(pick, alt.value(TEXT), alt.value(None), empty=False),
        strokeWidth=alt.condition(pick, alt.value(3), alt.value(0), empty=False),
        tooltip=[alt.Tooltip("Council:N"), alt.Tooltip("Figure:N"), alt.Tooltip("Source:N")],
    ).add_params(pick)
    layers = [bars]
    if not benchmarks.empty:
        layers.append(alt.Chart(benchmarks).mark_rule(color=TEXT, strokeDash=[6, 4], size=2).encode(
            x="Value:Q", tooltip=[alt.Tooltip("Benchmark:N", title="Given in the reports")]))
        for n, (_, line) in enumerate(benchmarks.iterrows()):  # one label a line, stacked, ending at its line
            layers.append(alt.Chart(pd.DataFrame([line])).mark_text(
                align="right", dx=-4, dy=-6 - BENCHMARK_PX * n, color=TEXT, fontSize=12, baseline="bottom").encode(
                x="Value:Q", y=alt.value(0), text="Benchmark:N"))
    # Streamlit sizes the whole chart, axis and its title included, to this height
    height = ROW_PX * max(len(frame), 1) + AXIS_PX + BENCHMARK_PX * len(benchmarks)
    return alt.layer(*layers).properties(height=height, description=chart_description(frame, benchmarks, table))


def chart_description(frame: pd.DataFrame, benchmarks: pd.DataFrame, table: MeasureTable) -> str:
    """The chart's name for assistive technology: what it shows and where its numbers are as text."""
    lines = f", with {len(benchmarks)} comparison line{'s' if len(benchmarks) != 1 else ''} the reports give" \
        if not benchmarks.empty else ""
    return (f"Bar chart of {table.measure.name} for {len(frame)} council{'s' if len(frame) != 1 else ''}{lines}. "
            "The same figures are in the table that follows the chart.")


def measure_csv(table: MeasureTable, home: str | None) -> bytes:
    """The table as CSV: every council, its figure as written and as a number, where it was read.
    Report text (names, figures as written, sentences) never reaches a spreadsheet as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Rank", "Council", "Figure as written", "Value", "Unit", "Qualifier", "Period",
                     "England average (its report)", "Your council", "Finding", "Sentence"])
    unit = table.ranking.unit
    for row in (*table.rows, *table.ranking.set_aside):
        r = row.record
        england = table.england(r)
        writer.writerow([row.position or "not ranked", inert_cell(row.authority), inert_cell(r.figure), f"{row.value:g}",
                         unit, r.qualifier, r.period, f"{england.value:g}" if england else "",
                         "yes" if row.authority == home else "", inert_cell(r.chunk_id), inert_cell(r.sentence)])
    for authority in table.missing:
        writer.writerow(["no figure", inert_cell(authority), "", "", "", "", "", "", "yes" if authority == home else "",
                         "", ""])
    return out.getvalue().encode("utf-8")


def show_chart(table: MeasureTable, home: str | None, order: str, key: str,
               on_select: Callable[[], None] | str = "ignore", sources: dict[str, str] | None = None,
               columns: tuple[str, ...] = TABLE_COLUMNS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chart of `table` in `order`, which council is the user's (in words), its figures as a
    table (of `columns`), and what it does not draw: the Measures view's, and Compare's under its
    table (where `sources` gives each council's marker in that table, in place of the view's own
    numbering). Returns every council's frame and the ranked ones in the chart's order."""
    frame = measure_frame(table, home)
    if sources is not None:
        frame = frame.assign(Source=[sources.get(c, "") for c in frame["Council"]])
    shown = sorted_frame(frame, order)
    benchmarks = benchmark_frame(table)
    st.altair_chart(measure_chart(shown, benchmarks, table), key=key, on_select=on_select,
                    selection_mode="council", width="stretch")
    if home and home in set(shown["Council"]):
        st.caption(escape(f"Your council, {home}, is the blue bar, marked \u201c(your council)\u201d."))
    data_table(shown.set_index("Council")[list(columns)],
               "The figures as a table",
               alt=f"{table.measure.name} by council: one row per council, in the chart's order")
    for note in measure_notes(table):
        st.caption(escape(note))
    return frame, shown


# -- the view ---------------------------------------------------------------------------------------
def _picked_bar() -> None:
    cells = (st.session_state.get("measure-chart") or {}).get("selection", {}).get("council", [])
    if cells:
        st.session_state[SOURCE] = cells[0]["Council"]


def _picked_row(councils: list[str]) -> None:
    rows = (st.session_state.get("measure-table") or {}).get("selection", {}).get("rows", [])
    if rows and rows[0] < len(councils):
        st.session_state[SOURCE] = councils[rows[0]]


def measures_view(store: LibraryStore, search: SearchFilter, home: str | None) -> None:
    counts = measure_counts(store, search)
    if not counts:
        st.info("No report in scope gives a figure the measure vocabulary knows. Widen the filters, or add reports.")
        return
    vocab = vocabulary()
    keys = list(counts)
    if st.session_state.get(PICK) not in keys:
        st.session_state[PICK] = keys[0]
    key = st.selectbox("Measure", keys, key=PICK, format_func=lambda k: f"{vocab.measure(k).name} "
                       f"({counts[k]} council{'s' if counts[k] != 1 else ''})",
                       help="Each council's own figure for the whole council, from its newest report in scope.")
    measure = vocab.measure(key)
    qualifiers = _qualifiers(store, key, search)
    qualifier = None
    left, right = st.columns([3, 2], vertical_alignment="bottom") if len(qualifiers) > 1 else (None, st.container())
    if left is not None:
        names = {q: f"{q or 'as given'} ({n})" for q, n in qualifiers.items()}
        picked = left.segmented_control("Figures", list(names), format_func=lambda q: names[q], key=FIGURES,
                                        help="Councils give this measure in more than one form (a median, an average): "
                                             "only figures of one form are ranked together.")
        qualifier = picked if picked in qualifiers else None
    orders = [o for o in ORDERS if o != "Best first" or measure.better != "neither"]
    order_name = right.selectbox("Order", orders, key=ORDER)
    order = ORDERS[order_name]
    table = line_up(store, key, "best" if order == "best" else "highest", search.authorities, search.report_ids, qualifier)
    better = {"higher": "higher is better", "lower": "lower is better", "neither": "neither higher nor lower is better"}
    st.caption(escape(f"{measure.description} ({better[measure.better]}"
                      f"{f'; ASCOF {measure.ascof}' if measure.ascof else ''}). {table.ranking.coverage(len(table.councils))}."))
    if not table.rows:
        st.info(escape(f"None of the {len(table.councils)} reports in scope gives a figure for {measure.name}."))
        return
    frame, shown = show_chart(table, home, order, "measure-chart", on_select=_picked_bar)
    councils = list(shown["Council"]) + [c for c in frame["Council"] if c not in set(shown["Council"])]
    st.dataframe(shown.drop(columns=["Label", "Yours", "Ranked"]), key="measure-table", hide_index=True,
                 on_select=lambda: _picked_row(list(shown["Council"])), selection_mode="single-row", width="stretch",
                 column_config={"Value": st.column_config.NumberColumn(format="%.4g")})
    st.download_button("Download the table (CSV)", measure_csv(table, home), file_name=f"{key}.csv", mime="text/csv",
                       key="measure-csv", on_click="ignore", icon=":material/download:")
    _sources(table, councils)


def measure_notes(table: MeasureTable) -> list[str]:
    """What the chart does not draw, or draws with a caveat: the councils whose reports give no
    figure (never drawn as zero), figures of another qualifier or unit set aside, different periods."""
    ranking = table.ranking
    notes = []
    if ranking.missing:
        notes.append(f"{len(ranking.missing)} of {len(table.councils)} reports give no figure for this: "
                     f"{', '.join(ranking.missing)}.")
    if ranking.set_aside:
        notes.append("Not ranked with the others (another qualifier or unit): " + "; ".join(
            f"{r.authority}, {describe_figure(r, ranking.unit)}" for r in ranking.set_aside) + ".")
    periods = {r.record.period for r in table.rows}
    if len(periods) > 1:
        notes.append("The figures are for different dates or periods, as each report gives them: "
                     + ", ".join(sorted(period_words(p) or "not stated" for p in periods)) + ".")
    return notes


def _sources(table: MeasureTable, councils: list[str]) -> None:
    """The source card of the council picked (a bar, a row, or the box), and every card under an expander."""
    rows = {r.authority: r for r in (*table.rows, *table.ranking.set_aside)}
    order = [c for c in councils if c in rows]
    markers = {a: n for n, a in enumerate([r.authority for r in (*table.rows, *table.ranking.set_aside)], 1)}
    if st.session_state.get(SOURCE) not in order:
        st.session_state.pop(SOURCE, None)
    st.subheader("Where each figure comes from")
    picked = st.selectbox("Show the source of", order, key=SOURCE, index=None, placeholder="Choose a council, a bar or a row",
                          help="The finding and the sentence the council's figure was read from.")
    if picked:
        _card(table, rows[picked], markers[picked], "picked")
    with st.expander(f"Every source ({len(order)})"):
        for authority in order:
            _card(table, rows[authority], markers[authority], "all")


def _card(table: MeasureTable, row, marker: int, where: str) -> None:
    chunk = table.chunks.get(row.record.chunk_id)
    if chunk is None:
        st.caption(escape(f"{row.authority}: the finding this figure was read from is no longer in the library."))
        return
    citation = Citation.of(marker, chunk, quote=row.record.sentence)
    show_card(citation, anchor_id("msrc", where, marker), f"msrc-{where}-{marker}", figures=False)
