"""Text alternatives and colours of the app's charts (WCAG 1.1.1, 1.4.3): the heatmap's scores as
a table holding exactly the chart's data, report text in it shown as text, and every colour the
chart writes text in readable on what it is written on."""

from __future__ import annotations

import pandas as pd
import pytest

from cqc.records import ReportEntry


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def report(authority: str, scores: dict[str, int], published: str = "2025-01-01") -> ReportEntry:
    return ReportEntry(report_id=f"{authority}-{published}", authority=authority, published=published,
                       source=f"{authority}.md", scores=scores, title=authority, rating=None,
                       rating_is_indicative=False, overall_score=None, files=[], chunks=1)


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#828180", "#ffffff") == pytest.approx(3.89, abs=0.01)  # the captions axe flagged


def test_each_score_is_printed_in_a_colour_that_reads_on_its_cell():
    from ui.heatmap import LABEL_COLOURS, SCORE_COLOURS, TEXT

    for cell, label in zip(SCORE_COLOURS, LABEL_COLOURS):
        assert contrast(cell, label) >= 4.5, (cell, label, contrast(cell, label))
    assert contrast(TEXT, "#ffffff") >= 4.5  # axis and legend labels


def test_the_theme_text_colour_gives_captions_4_5_to_1():
    """Streamlit draws captions in the text colour at 60% opacity: on white and on the sidebar's tint."""
    import tomllib
    from pathlib import Path

    theme = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())["theme"]
    text = theme["textColor"]
    for background in ("#ffffff", "#f8f8f7", "#f0f2f6"):
        mixed = "#" + "".join(f"{round(0.6 * int(text[i:i + 2], 16) + 0.4 * int(background[i:i + 2], 16)):02x}"
                              for i in (1, 3, 5))
        assert contrast(mixed, background) >= 4.5, (background, mixed)


def test_the_heatmap_table_holds_the_charts_scores_row_by_statement():
    from ui.heatmap import STATEMENTS, heatmap_frame, scores_table

    reports = [report("Fenmarsh County Council", {s: 1 + i % 4 for i, s in enumerate(STATEMENTS)}),
               report("Oakhurst City Council", {STATEMENTS[0]: 4, STATEMENTS[6]: 2}),
               report("Oakhurst City Council", {STATEMENTS[0]: 1}, published="2023-01-01")]  # older: not shown
    frame = heatmap_frame(reports)
    table = scores_table(frame)
    assert list(table.index) == STATEMENTS and table.index.name == "Quality statement"
    assert list(table.columns) == ["Fenmarsh County Council", "Oakhurst City Council"]
    for row in frame.itertuples():  # every cell of the chart is in the table, with what its score means
        assert table.loc[row.statement, row.authority] == row.meaning
    assert table.loc[STATEMENTS[0], "Oakhurst City Council"] == "4: exceptional"
    assert table.loc[STATEMENTS[1], "Oakhurst City Council"] == "no score"  # a gap says so, not a blank


def test_the_chart_names_itself_and_keeps_its_label_colours_apart_from_its_cells():
    from ui.heatmap import STATEMENTS, heatmap_chart, heatmap_frame

    frame = heatmap_frame([report("Fenmarsh County Council", {s: 2 for s in STATEMENTS})])
    spec = heatmap_chart(frame).to_dict()
    assert "1 authority" in spec["description"] and "table" in spec["description"]
    assert spec["resolve"]["scale"]["color"] == "independent"  # else the labels take the cells' colours and vanish


def test_escaped_frame_shows_report_text_as_text():
    from ui.text_alternatives import escaped_frame

    frame = pd.DataFrame({"<b>Name</b>": ["**bold** [x](http://e.test)", None]},
                         index=pd.Index(["# heading", "row"], name="Kind_of"))
    out = escaped_frame(frame)
    assert out.columns[0] == r"\<b\>Name\</b\>"
    assert out.iloc[0, 0].startswith(r"\*\*bold\*\* \[x\]\(http") and out.iloc[1, 0] == ""
    assert list(out.index) == [r"\# heading", "row"] and out.index.name == r"Kind\_of"


def test_the_measures_chart_bars_and_labels_read_on_white_and_the_chart_names_itself():
    """WCAG 1.4.11: a bar is a graphic the reader must see (3:1); 1.4.3: labels are text (4.5:1).
    The user's council differs from the others in colour and also in words ("(your council)")."""
    from assistant.answers.measure_table import MeasureTable
    from cqc.measures.ranking import rank
    from cqc.measures.record import MeasureRecord
    from cqc.measures.vocabulary import vocabulary
    from ui.measures_view import OTHERS, TEXT, YOURS, benchmark_frame, measure_chart, measure_frame

    for bar in (YOURS, OTHERS):
        assert contrast(bar, "#ffffff") >= 3.0, bar
    assert contrast(TEXT, "#ffffff") >= 4.5 and contrast(YOURS, OTHERS) > 1.0

    def record(authority: str, value: float) -> MeasureRecord:
        return MeasureRecord(authority, f"r-{authority[:3]}", "2025-01-01", "direct_payments_uptake", value, "percent",
                             f"{value}%", period="2023/24", chunk_id=f"r-{authority[:3]}:1", sentence=f"{value}% used one.")

    records = [record("Fenmarsh County Council", 24.0), record("Oakhurst City Council", 31.0)]
    ranking = rank(records, "direct_payments_uptake", authorities=[r.authority for r in records])
    table = MeasureTable(vocabulary().measure("direct_payments_uptake"), ranking,
                         tuple(r.authority for r in records), ())
    frame = measure_frame(table, "Fenmarsh County Council")
    assert list(frame["Label"]) == ["Oakhurst", "Fenmarsh (your council)"]
    spec = measure_chart(frame, benchmark_frame(table), table).to_dict()
    assert spec["description"].startswith("Bar chart of Direct payments uptake for 2 councils.")
    assert "table that follows" in spec["description"]
