"""Compare on measures (issue 25 item 1): a terse topic is read to one measure of the vocabulary,
and every column is that measure's figure, from the council's measure records, or "no figure".

Checked per topic on two libraries: the demo library (the three demo reports and the three
councils written for issue 25) and the shared corpus. Each figure shown must be a record of that
measure in the catalog, read from the sentence the row quotes and cites; a council shown with no
figure must have no whole-council figure for the measure in its report; figures are checked
against the shared corpus's facts files, not against numbers written here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from config import Settings

ROOT = Path(__file__).resolve().parents[1]
COUNCILS = ROOT / "tests" / "data" / "councils"
DEMO = ROOT / "demo_reports"

pytestmark = pytest.mark.usefixtures("fake_embedder")

# Terse topics as staff type them in Compare: one names one measure, some name several ("waiting
# times": the wait for an assessment, for home care, for a DoLS decision ...).
TOPICS = ("direct payment uptake", "waiting times", "waiting times for assessments", "people waiting",
          "vacancy rate", "staff turnover", "complaints", "satisfaction")


@pytest.fixture(scope="module")
def demo_library(tmp_path_factory, fake_model):
    from library.ingesting import ingest_paths
    from tests.fake_embedder import using_fake_embedder
    from vectorstore.store import LibraryStore

    folder = tmp_path_factory.mktemp("compare-measures") / "store"
    with using_fake_embedder(fake_model):
        store = LibraryStore(Settings(store_dir=folder))
        summary = ingest_paths(sorted(DEMO.iterdir()) + sorted(COUNCILS.iterdir()), store)
        assert len(summary.reports) == 6 and not summary.failed, summary.lines()
        store.close()
    return folder


def _assistant(folder: Path):
    from assistant.chain import Assistant
    from vectorstore.store import LibraryStore

    return Assistant(LibraryStore(Settings(store_dir=folder)))


def every_column_one_measure(assistant, comparison, authorities: list[str]) -> None:
    """Every column the measure the table names, its figure a record of that measure, or "no figure"."""
    from assistant.answers.closest import lowered
    from assistant.compare.table import table_rows
    from cqc.records import newest_per_authority

    measure = comparison.measure
    assert measure is not None, comparison.topic
    held = assistant.store.measures(authorities, [measure.key])
    newest = {a: e.report_id for a, e in newest_per_authority(assistant.store.reports()).items()}
    assert [r.authority for r in comparison.rows] == authorities
    for row, shown in zip(comparison.rows, table_rows(comparison)):
        assert row.measure == measure.key and shown["Measure"].startswith(measure.name), (comparison.topic, row)
        if row.gives_figure:
            c = row.citation
            assert c.authority == row.authority and not c.closest and row.sentence in c.text
            assert any(r.authority == row.authority and r.chunk_id == c.chunk_id and r.value == row.value
                       and r.sentence == row.sentence and r.role == "value" and not r.part for r in held), row
            assert shown["Figures"] and shown["What the report says"].startswith(row.sentence)
        else:
            assert row.value is None and shown["Figures"] == f"no figure on {lowered(measure.name)}"
            assert not [r for r in held if r.authority == row.authority and r.report_id == newest[row.authority]
                        and r.role == "value" and not r.part], (comparison.topic, row.authority)
            if row.closest:  # context from its own report, marked as such
                assert row.citation.closest and row.citation.authority == row.authority
                assert "Closest, which does not give that figure:" in shown["What the report says"]
    as_json = comparison.as_json()
    assert as_json["measure"]["key"] == measure.key
    for row in as_json["rows"]:
        assert row["measure"] == measure.key
        assert (row["value"] is None) == (row["sentence"] is None) == (row["citation"] is None)


@pytest.mark.parametrize("topic", TOPICS)
def test_every_column_of_a_terse_topic_is_one_measure_in_the_demo_library(demo_library, topic):
    from assistant.compare.table import compare_topic

    assistant = _assistant(demo_library)
    authorities = sorted({r.authority for r in assistant.store.reports()})
    comparison = compare_topic(assistant, topic, authorities)
    every_column_one_measure(assistant, comparison, authorities)


@pytest.mark.real_model
@pytest.mark.parametrize("topic", TOPICS)
def test_every_column_of_a_terse_topic_is_one_measure_in_the_shared_library(corpus_assistant, topic):
    from assistant.compare.table import compare_topic

    authorities = sorted({r.authority for r in corpus_assistant.store.reports() if r.authority})
    comparison = compare_topic(corpus_assistant, topic, authorities)
    every_column_one_measure(corpus_assistant, comparison, authorities)


def _stated(metric: str) -> float:
    """The first figure of a facts file's metric: "21.8% (2023/24)" -> 21.8."""
    return float(re.match(r"[£]?([\d,.]+)", metric).group(1).replace(",", ""))


@pytest.mark.real_model
@pytest.mark.parametrize("topic,metric", [("direct payment uptake", "direct_payments_uptake"),
                                          ("complaints", "formal_complaints")])
def test_the_shared_councils_figures_are_the_reports_own(corpus_assistant, facts, topic, metric):
    from assistant.compare.table import compare_topic

    given = {a: f["metrics"][metric] for a, f in facts.items() if metric in f.get("metrics", {})}
    assert len(given) >= 2
    comparison = compare_topic(corpus_assistant, topic, sorted(given))
    for row in comparison.rows:
        assert row.value == pytest.approx(_stated(given[row.authority])), (row.authority, given[row.authority])


def chart_draws_the_table(assistant, comparison, authorities: list[str], scope) -> None:
    """The chart under a comparison (the Measures view's, `ui.compare_view.chart_table`) draws the
    figures the table quotes, each read from the sentence the table quotes; a council the table
    gives no figure is named as missing, never drawn; a bar's source is its row's marker."""
    from ui.compare_view import chart_sources, chart_table

    table = chart_table(assistant.store, comparison, authorities, scope)
    assert table.measure.key == comparison.measure.key
    quoted = {r.authority: r for r in comparison.rows if r.gives_figure}
    drawn = {r.authority: r for r in table.rows}
    aside = {r.authority: r for r in table.ranking.set_aside}
    assert set(drawn) | set(aside) == set(quoted), (comparison.topic, sorted(drawn), sorted(aside), sorted(quoted))
    assert set(table.missing) == set(authorities) - set(quoted)
    for authority, row in {**drawn, **aside}.items():
        assert (row.record.sentence, row.record.value) == (quoted[authority].sentence, quoted[authority].value)
    assert chart_sources(table, comparison) == {a: f"[{r.citation.marker}]" for a, r in quoted.items()}


@pytest.mark.parametrize("topic", TOPICS)
def test_the_chart_under_a_comparison_draws_the_figures_its_table_quotes(demo_library, topic):
    from assistant.compare.table import compare_topic
    from cqc.records import SearchFilter

    assistant = _assistant(demo_library)
    authorities = sorted({r.authority for r in assistant.store.reports()})
    comparison = compare_topic(assistant, topic, authorities)
    chart_draws_the_table(assistant, comparison, authorities, SearchFilter())


def test_the_chart_under_a_comparison_keeps_to_the_quality_statement_filter(demo_library):
    """With a quality statement filter, a figure read from a finding outside it is in neither the
    table nor its chart (the Measures view's line-up reads every finding)."""
    from assistant.compare.table import compare_topic
    from cqc.records import SearchFilter

    assistant = _assistant(demo_library)
    authorities = sorted({r.authority for r in assistant.store.reports()})
    whole = compare_topic(assistant, "vacancy rate", authorities)
    statements = Counter(r.citation.quality_statement for r in whole.rows if r.gives_figure)
    scope = SearchFilter(quality_statements=(statements.most_common(1)[0][0],))
    narrowed = compare_topic(assistant, "vacancy rate", authorities, scope)
    chart_draws_the_table(assistant, narrowed, authorities, scope)
    lost = {r.authority for r in whole.rows if r.gives_figure} - {r.authority for r in narrowed.rows if r.gives_figure}
    if narrowed.measure == whole.measure:
        assert lost, "the filter left every figure in: the test would not see a chart that ignores it"


def test_a_broad_topic_takes_the_measure_most_councils_give_and_names_the_others(demo_library):
    from assistant.compare.table import compare_topic
    from cqc.measures.reading import measures_of_topic

    assistant = _assistant(demo_library)
    authorities = sorted({r.authority for r in assistant.store.reports()})
    comparison = compare_topic(assistant, "waiting times", authorities)
    candidates = measures_of_topic("waiting times")
    assert len(candidates) > 1 and comparison.measure in candidates
    given = {m.key: {r.authority for r in assistant.store.measures(authorities, [m.key]) if r.role == "value" and not r.part}
             for m in candidates}
    assert len(given[comparison.measure.key]) == max(len(g) for g in given.values())
    others = dict((m.key, n) for m, n in comparison.others)
    assert others and comparison.measure.key not in others
    note = next(n for n in comparison.notes if n.startswith("The topic also names"))
    for m, n in comparison.others:
        assert f"({n} of the {len(authorities)} reports give" in note and n <= len(given[m.key])


def test_a_topic_naming_no_measure_is_compared_on_findings(demo_library):
    from assistant.compare.table import compare_topic

    assistant = _assistant(demo_library)
    authorities = sorted({r.authority for r in assistant.store.reports()})[:3]
    comparison = compare_topic(assistant, "safeguarding culture", authorities)
    assert comparison.measure is None and comparison.as_json()["measure"] is None
    assert all(r.measure == "" and r.value is None for r in comparison.rows)


def test_the_command_line_fills_measure_and_value(demo_library, capsys):
    from assistant.__main__ import main

    assert main(["ask", "--store", str(demo_library), "--mode", "compare", "--authority", "Northbridge",
                 "--authority", "Oakhurst", "--authority", "Larkbridge", "--json", "direct payment uptake"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["measure"]["key"] == "direct_payments_uptake"
    rows = table["rows"]
    assert all(r["measure"] == "direct_payments_uptake" for r in rows)
    for row in rows:
        if row["value"] is not None:
            assert row["unit"] in ("percent", "one in") and row["citation"]["authority"] == row["authority"]
            assert any(f.replace("%", "") in row["sentence"] for f in row["figures"])
        else:
            assert row["sentence"] is None and row["citation"] is None
    assert [r["value"] is None for r in rows] == [True, False, False]  # Northbridge's report gives none
    assert "closest" in rows[0] or rows[0]["figures"] == []


# -- the chat: "Compare <topic> in A and B" takes the same path -------------------------------------------
@pytest.mark.real_model
def test_a_chat_comparison_on_a_measure_quotes_each_councils_own_figure(corpus_assistant, facts):
    kingsmere, eastholm = "Kingsmere Metropolitan Borough Council", "Eastholm City Council"
    answer = corpus_assistant.ask("Compare direct payment uptake in Kingsmere and Eastholm", home="")
    lines = {line.split("**")[1]: line for line in answer.answer.splitlines() if line.startswith("- **")}
    for authority in (kingsmere, eastholm):
        figure = facts[authority]["metrics"]["direct_payments_uptake"].split(" ")[0]
        assert figure in lines[authority], (figure, answer.answer)
    assert {c.authority for c in answer.citations} == {kingsmere, eastholm}
    assert not any(c.closest for c in answer.citations)


def test_a_chat_comparison_says_which_council_gives_no_figure(demo_library):
    assistant = _assistant(demo_library)
    answer = assistant.ask("Compare direct payment uptake in Northbridge and Oakhurst.", home="")
    lines = {line.split("**")[1]: line for line in answer.answer.splitlines() if line.startswith("- **")}
    assert "no figure on direct payments uptake" in lines["Northbridge Council"]
    oakhurst = [r for r in assistant.store.measures(["Oakhurst City Council"], ["direct_payments_uptake"])
                if r.role == "value" and not r.part]
    assert oakhurst and oakhurst[0].figure in lines["Oakhurst City Council"]
    for c in answer.citations:  # the context quoted for Northbridge is marked, and is Northbridge's own
        assert c.closest == (c.authority == "Northbridge Council")


def test_a_chat_comparison_where_no_report_gives_the_figure_is_abstained(demo_library):
    assistant = _assistant(demo_library)
    answer = assistant.ask("Compare direct payment uptake in Northbridge and Fenmarsh.", home="")
    assert answer.abstained and all(c.closest for c in answer.citations)
    assert answer.answer.count("Its report gives no figure on direct payments uptake.") == 2
