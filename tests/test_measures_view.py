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
from tests.test_app import APP, choose_mode, mode_control, plain, run, shown

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
