"""The Measures view (issue 24 item 4), driven headless with AppTest over the demo reports: pick a
measure, every council's figure in a table and a chart with its text alternative, the source card
of a picked council, the CSV (formulas neutralised), arriving from a ranking answer, and the user's
council marked in words as well as colour. The browser test (tests/e2e/test_measures_browser.py)
covers the clicks on bars and axe-core at 1400 and 390 px.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from streamlit.testing.v1 import AppTest
from tests.test_app import APP, choose_mode, mode_control, plain, run, shown, unescape

pytestmark = pytest.mark.usefixtures("fake_embedder")
DEMO = Path(__file__).resolve().parents[1] / "demo_reports"
FENMARSH, LARKBRIDGE, OAKHURST = "Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council"


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory, fake_model) -> Path:
    from config import Settings
    from library.ingesting import ingest_paths
    from tests.fake_embedder import using_fake_embedder
    from vectorstore.store import LibraryStore

    folder = tmp_path_factory.mktemp("measures-view") / "store"
    with using_fake_embedder(fake_model):
        store = LibraryStore(Settings(store_dir=folder))
        assert len(ingest_paths(sorted(DEMO.iterdir()), store).reports) == 3
        store.close()
    return folder


def start(monkeypatch, folder: Path, home: str = "") -> AppTest:
    from config import get_settings

    monkeypatch.setenv("CQC_STORE_DIR", str(folder))
    monkeypatch.setenv("CQC_HOME_AUTHORITY", home)
    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=180)
    return run(at)


def test_the_measures_view_lines_every_council_up_on_the_picked_measure(monkeypatch, demo_folder):
    at = start(monkeypatch, demo_folder, home=LARKBRIDGE)
    assert "Measures" in mode_control(at).options
    choose_mode(at, "Measures")
    picker = at.selectbox(key="measure_pick")
    assert "People waiting for a Care Act assessment (3 councils)" in picker.options  # shown by name, with its coverage
    picker.set_value("care_act_assessment_waiting")
    run(at)
    assert at.get("vega_lite_chart"), "no chart"
    table = at.dataframe[0].value
    assert set(table["Council"]) == {FENMARSH, LARKBRIDGE, OAKHURST}
    assert list(table["Value"]) == sorted(table["Value"], reverse=True)  # highest first
    assert table.loc[table["Council"] == LARKBRIDGE, "Value"].item() == 187
    # the chart's data as a real table, escaped, under an expander
    assert any(e.label == "The figures as a table" for e in at.expander)
    text = shown(at)
    assert "Your council, Larkbridge Borough Council, is the blue bar" in text
    assert "3 of 3 councils give a comparable figure" in text
    # a council's source card: the finding with the sentence its figure was read from
    at.selectbox(key="measure_source").set_value(LARKBRIDGE)
    run(at)
    cards = "\n".join(plain(m.value) for m in at.markdown)
    assert "the Care Act assessment waiting list held 187 people" in cards
    assert "Larkbridge Borough Council · Assessing needs" in cards
    # ordered another way: the table follows
    at.selectbox(key="measure_order").set_value("Lowest first")
    run(at)
    values = list(at.dataframe[0].value["Value"])
    assert values == sorted(values)


def test_a_ranking_answer_opens_its_measure_in_the_view(monkeypatch, demo_folder):
    at = start(monkeypatch, demo_folder)
    at.chat_input(key="question").set_value("Which councils had the most people waiting for a Care Act assessment?")
    run(at)
    reply = at.chat_message[1]
    assert "Highest:" in shown(reply) and "Figures as the reports give them" in shown(reply)
    (button,) = [b for b in reply.button if b.label.startswith("See every council's figures in Measures")]
    button.click()
    run(at)
    assert mode_control(at).value == "Measures"
    assert at.selectbox(key="measure_pick").value == "care_act_assessment_waiting"


def test_a_cited_figure_in_a_source_card_opens_every_councils_figure(monkeypatch, demo_folder):
    at = start(monkeypatch, demo_folder)
    choose_mode(at, "Measures")
    at.selectbox(key="measure_pick").set_value("care_act_assessment_waiting")
    run(at)
    # the view's own cards do not offer the view again
    assert not [b for b in at.button if b.label.startswith("Every council's figure")]
    choose_mode(at, "Ask")
    at.chat_input(key="question").set_value("Which councils had the fewest people waiting for home care?")
    run(at)
    links = [b for b in at.chat_message[1].button if b.label == "Every council's figure: People waiting for home care"]
    assert links, [b.label for b in at.chat_message[1].button]
    links[0].click()
    run(at)
    assert mode_control(at).value == "Measures" and at.selectbox(key="measure_pick").value == "home_care_waiting"


def test_the_csv_names_every_council_and_never_hands_a_spreadsheet_a_formula():
    from assistant.answers.measure_table import MeasureTable
    from cqc.measures.ranking import rank
    from cqc.measures.record import MeasureRecord
    from cqc.measures.vocabulary import vocabulary
    from ui.measures_view import measure_csv

    def record(authority: str, value: float, sentence: str) -> MeasureRecord:
        return MeasureRecord(authority, f"r-{authority[:3]}", "2025-01-01", "direct_payments_uptake", value, "percent",
                             f"{value}%", period="2023/24", chunk_id=f"r-{authority[:3]}:1", sentence=sentence)

    records = [record("=HYPERLINK(\"http://x\")", 30.0, "+cmd|' /C calc'!A0 30.0% used a direct payment."),
               record("Quiet Council", 20.0, "In 2023/24, 20.0% used a direct payment.")]
    ranking = rank(records, "direct_payments_uptake", authorities=[r.authority for r in records] + ["Silent Council"])
    table = MeasureTable(vocabulary().measure("direct_payments_uptake"), ranking, tuple(sorted(
        [r.authority for r in records] + ["Silent Council"])), ())
    rows = list(csv.reader(io.StringIO(measure_csv(table, "Quiet Council").decode("utf-8"))))
    assert rows[0][:4] == ["Rank", "Council", "Figure as written", "Value"]
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[1][10].startswith("'+cmd")
    assert rows[2][1] == "Quiet Council" and rows[2][8] == "yes"
    assert rows[3][:2] == ["no figure", "Silent Council"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# -- Compare meets the Measures view (issue 25 item 1, issue 24 item 4) -----------------------------
def test_a_comparison_on_a_measure_draws_the_views_chart_under_its_table_and_opens_the_view(monkeypatch, demo_folder):
    import json

    at = start(monkeypatch, demo_folder, home=LARKBRIDGE)
    at.multiselect(key="authorities").set_value([FENMARSH, LARKBRIDGE])  # the user's filters: kept in Measures
    run(at)
    choose_mode(at, "Compare")
    at.multiselect(key="compare_authorities").set_value([FENMARSH, LARKBRIDGE, OAKHURST])
    run(at)
    at.chat_input(key="question").set_value("direct payment uptake")  # Fenmarsh's report gives no figure on it
    run(at)
    reply = at.chat_message[1]
    (chart,) = reply.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["description"].startswith("Bar chart of Direct payments uptake for 2 councils, with 1 comparison line")
    (table,) = [t for t in reply.table]  # the chart's data as a real table (escaped report text): one row per bar
    drawn = table.value.map(unescape)
    drawn.index = [unescape(c) for c in drawn.index]
    drawn.columns = [unescape(c) for c in drawn.columns]
    assert list(drawn.index) == [OAKHURST, LARKBRIDGE]  # highest first; no bar for Fenmarsh, never a zero
    assert list(drawn["Figure"]) == ["34.7% (2023/24)", "29.4% (2023/24)"]
    assert set(drawn["England average (its report)"]) == {"26.2% (2023/24)"}
    # the bars: a council each, and each bar's source its marker in the Compare table above it
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    (bars,) = [f for f in frames if "Council" in f.columns]
    assert list(bars["Council"]) == [OAKHURST, LARKBRIDGE] and list(bars["Yours"]) == [False, True]
    rows = plain(next(m.value for m in reply.markdown if m.value.startswith("| Authority |"))).splitlines()[2:]
    for council, source in zip(bars["Council"], bars["Source"]):
        (row,) = [r for r in rows if r.startswith(f"| {council} |")]
        assert source and source in row, (council, source, row)
    text = shown(reply)
    assert "Your council, Larkbridge Borough Council, is the blue bar" in text
    assert "1 of 3 reports give no figure for this: Fenmarsh County Council." in text
    (button,) = [b for b in reply.button if b.label.startswith("See every council's figures in Measures")]
    assert button.label.endswith("Direct payments uptake")
    button.click()
    run(at)
    assert mode_control(at).value == "Measures"
    assert at.selectbox(key="measure_pick").value == "direct_payments_uptake"
    assert at.multiselect(key="authorities").value == [FENMARSH, LARKBRIDGE]
    assert list(at.dataframe[0].value["Council"]) == [LARKBRIDGE]  # within the filters: Oakhurst is outside them


def test_a_comparison_on_findings_draws_no_chart(monkeypatch, demo_folder):
    at = start(monkeypatch, demo_folder)
    choose_mode(at, "Compare")
    at.chat_input(key="question").set_value("safeguarding culture")  # names no measure of the vocabulary
    run(at)
    reply = at.chat_message[1]
    assert not reply.get("vega_lite_chart")
    assert not [b for b in reply.button if "in Measures" in b.label]


def _record(authority: str, value: float, qualifier: str = "", period: str = "2023/24"):
    from cqc.measures.record import MeasureRecord

    return MeasureRecord(authority, f"r-{authority[:3]}", "2025-01-01", "care_act_assessment_wait", value, "days",
                         f"{value:g} days", qualifier=qualifier, period=period, chunk_id=f"r-{authority[:3]}:1",
                         sentence=f"The {qualifier or 'plain'} wait was {value:g} days.")


def test_the_chart_notes_name_the_councils_it_does_not_draw():
    from assistant.answers.measure_table import MeasureTable
    from cqc.measures.ranking import rank
    from cqc.measures.vocabulary import vocabulary
    from ui.measures_view import measure_notes

    records = [_record("Aston", 30, "average"), _record("Bexley", 20, "average", "2024/25"),
               _record("Crane", 12, "median")]
    councils = ("Aston", "Bexley", "Crane", "Dunmore", "Eston")
    table = MeasureTable(vocabulary().measure("care_act_assessment_wait"),
                         rank(records, "care_act_assessment_wait", authorities=councils), councils, ())
    assert [r.authority for r in table.rows] == ["Aston", "Bexley"]
    assert measure_notes(table) == [
        "2 of 5 reports give no figure for this: Dunmore, Eston.",
        "Not ranked with the others (another qualifier or unit): Crane, 12 days (median, 2023/24).",
        "The figures are for different dates or periods, as each report gives them: 2023/24, 2024/25.",
    ]


def test_a_bar_takes_the_compare_tables_marker_only_where_it_quotes_the_same_figure():
    from assistant.answers.measure_table import MeasureTable
    from assistant.compare.table import Comparison, ComparisonRow
    from assistant.models import Citation
    from cqc.measures.ranking import rank
    from cqc.measures.vocabulary import vocabulary
    from ui.compare_view import chart_sources

    records = [_record("Aston", 30, "average"), _record("Bexley", 20, "average"), _record("Crane", 12, "median")]
    table = MeasureTable(vocabulary().measure("care_act_assessment_wait"),
                         rank(records, "care_act_assessment_wait", authorities=("Aston", "Bexley", "Crane")),
                         ("Aston", "Bexley", "Crane"), ())

    def row(record, marker: int, sentence: str | None = None) -> ComparisonRow:
        citation = Citation(marker, record.chunk_id, record.authority, record.published, "", None, "", record.sentence)
        return ComparisonRow(record.authority, sentence or record.sentence, (record.figure,), record.qualifier,
                             citation=citation, measure=record.measure, value=record.value)

    comparison = Comparison("waits", [row(records[0], 1), row(records[1], 2, "Another sentence: 20 days."),
                                      row(records[2], 3)], measure=table.measure)
    # Bexley's table row quotes another sentence: its bar gets no marker rather than a wrong one
    assert chart_sources(table, comparison) == {"Aston": "[1]", "Crane": "[3]"}
