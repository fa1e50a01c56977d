"""Figures as data (issue 24): the vocabulary, reading figure sentences into measure records, and the
pure logic that lines councils up on a measure. No store and no model: the store's side is
tests/test_measure_store.py."""

from __future__ import annotations

from dataclasses import replace

from pathlib import Path

import pytest

from cqc.measures.ranking import (
    Threshold, against_comparator, compare_records, filter_rows, format_value, rank, representative, summary,
    threshold,
)
from cqc.measures.reading import read_sentence, read_text
from cqc.measures.record import Comparator, MeasureRecord
from cqc.measures.vocabulary import UNITS_OF_KIND, VocabularyError, load_vocabulary, vocabulary
from cqc.text.figures import UNIT_KINDS, read_figures
from evaluation.measure_table import TableError, load_table, read_labelled, score_table

VOCAB = vocabulary()
TABLE = load_table()


# -- the vocabulary, row by row ------------------------------------------------------------------------
@pytest.mark.parametrize("measure", VOCAB.measures, ids=lambda m: m.key)
def test_every_measure_is_described_and_read_from_its_labelled_sentences(measure):
    assert measure.name and measure.description and measure.unit in UNITS_OF_KIND
    assert measure.better in ("higher", "lower", "neither")
    assert all(u in UNIT_KINDS for u in measure.units)
    rows = [(item, want) for item in TABLE for want in item.expected if want.measure == measure.key]
    assert rows, f"{measure.key}: no sentence in tests/data/measure_sentences.txt is labelled with it"
    for item, want in rows:
        got = [(f.measure, f.value, f.unit) for f in read_labelled(item)]
        assert (measure.key, want.value, want.unit) in got, f"line {item.line}: {item.sentence}\n  read {got}"


def test_the_ascof_measures_the_reports_cite_carry_their_codes():
    codes = {m.key: m.ascof for m in VOCAB.measures if m.ascof}
    assert codes["direct_payments_uptake"] == "1C(2A)" and codes["reablement_91_days"] == "2B(1)"
    assert codes["satisfaction"] == "3A" and codes["carers_satisfaction"] == "3B"
    assert codes["long_term_admissions_65_plus"] == "2A(2)" and codes["long_term_admissions_18_64"] == "2A(1)"


@pytest.mark.parametrize("change, problem", [
    (("unit = \"count\"", "unit = \"people\"", 1), "unit 'people' is not one of"),
    (("better = \"lower\"", "better = \"smaller\"", 1), "better 'smaller' is not one of"),
    (("words = ['\\bwait\\w*',", "words = ['\\bwait(',", 1), "does not compile"),
    (("key = \"carers_assessment_waiting\"", "key = \"care_act_assessment_waiting\"", 1), "is used twice"),
    (("description = \"How many people", "descriptio = \"How many people", 1), "'description' is missing"),
])
def test_a_mistake_in_the_vocabulary_names_the_file_the_entry_and_the_problem(tmp_path, change, problem):
    old, new, count = change
    text = (Path(__file__).parents[1] / "cqc" / "measures" / "vocabulary.toml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "vocabulary.toml"
    bad.write_text(text.replace(old, new, count), encoding="utf-8")
    with pytest.raises(VocabularyError) as err:
        load_vocabulary(bad)
    assert str(bad) in str(err.value) and problem in str(err.value)


def test_a_new_measure_is_a_vocabulary_entry_not_code(tmp_path):
    text = (Path(__file__).parents[1] / "cqc" / "measures" / "vocabulary.toml").read_text(encoding="utf-8")
    extra = ('\n[[measure]]\nkey = "shared_lives_placements"\nname = "Shared Lives placements"\n'
             'description = "People living with a Shared Lives carer."\nunit = "count"\nbetter = "neither"\n'
             "words = ['\\bShared Lives\\b']\n")
    path = tmp_path / "vocabulary.toml"
    path.write_text(text + extra, encoding="utf-8")
    vocab = load_vocabulary(path)
    sentence = "In March 2024, 64 people were living in Shared Lives arrangements."
    assert [(f.measure, f.value) for f in read_sentence(sentence, vocab=vocab)] == [("shared_lives_placements", 64)]
    assert [f.measure for f in read_sentence(sentence)] == ["other"]  # the project's vocabulary does not know it
    assert vocab.version != VOCAB.version  # records read under the old vocabulary are read again


# -- the labelled table ---------------------------------------------------------------------------------
def test_the_labelled_table_meets_the_floors_of_issue_24():
    score = score_table(TABLE)
    rates = score.rates()
    assert score.sentences >= 300
    assert rates["measure"] >= 0.95, "\n".join(score.misses)
    assert rates["value"] >= 0.98 and rates["unit"] >= 0.98, "\n".join(score.misses)
    assert rates["other_mislabelled"] <= 0.02, "\n".join(score.misses)
    assert score.others >= 50  # enough "other" figures for that rate to mean something
    assert rates["qualifier"] >= 0.95 and rates["comparator"] >= 0.9


def test_the_labelled_table_covers_the_unit_kinds_qualifiers_comparators_and_layouts():
    expected = [want for item in TABLE for want in item.expected]
    assert {UNIT_KINDS[w.unit] for w in expected} >= {"count", "percent", "duration", "money", "money rate", "rate",
                                                       "ratio", "hours", "score", "rank"}
    assert {w.qualifier for w in expected} >= {"median", "average", "longest", "total", "estimated", "actual", "forecast"}
    assert {w.comparator[0] for w in expected if w.comparator} >= {"england", "regional", "neighbours", "previous",
                                                                    "target"}
    assert {w.role for w in expected} >= {"value", "earlier", "target"}
    two_measures = [i for i in TABLE if len({w.measure for w in i.expected if w.measure != "other"}) >= 2]
    assert len(two_measures) >= 20
    assert sum(1 for i in TABLE if "; " in i.sentence and ": " in i.sentence) >= 6  # table rows
    assert sum(1 for i in TABLE if i.sentence.startswith("- ")) >= 10  # bullets
    assert sum(1 for i in TABLE if i.before) >= 8 and sum(1 for i in TABLE if not i.expected) >= 6


def test_a_malformed_table_line_is_named(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("In 2023/24, 12% of people were here.\n= other twelve percent\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"t.txt:2: not a number"):
        load_table(path)


# -- figures as numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("its total budget would be £161,777,000.", [(161777000, "GBP")]),
    ("the service overspent by £4.3 million", [(4300000, "GBP")]),
    ("a savings plan of £850k and a budget of £1.2bn", [(850000, "GBP"), (1.2e9, "GBP")]),
    ("around 1 in 3.5 people, and one in four carers", [(3.5, "one in"), (4, "one in")]),
    ("Nine thousand people and twenty-three carers", [(9000, "count"), (23, "count")]),
    ("Seven out of ten people", [(70, "percent")]),
    ("18.9 out of 24", [(18.9, "score")]),
    ("21.8 per cent, 46 days, 12 working days, 9 weeks, 5 months", [(21.8, "percent"), (46, "days"),
                                                                     (12, "working days"), (9, "weeks"), (5, "months")]),
    ("about 1,040 hours of home care a week", [(1040, "hours per week")]),
    ("612.4 per 100,000 population", [(612.4, "per 100,000")]),
    ("£24.10 per hour", [(24.1, "GBP per hour")]),
    ("ranked the 19th most deprived of 153", [(19, "rank")]),
    ("waited between 3 and 4 months", [(3, "months"), (4, "months")]),
])
def test_figures_are_read_as_numbers_with_their_units(text, want):
    assert [(f.value, f.unit) for f in read_figures(text)] == [(pytest.approx(v), u) for v, u in want]


@pytest.mark.parametrize("text", [
    "At 31 March 2024, in 2023/24 and 2023-24, during 2024, by March 2025 and in the 2020s.",
    "Under Section 42 of the Care Act 2014, Score: 2, and 2 - Evidence shows some shortfalls.",
    "People aged 65 and over, aged 18 to 64, the over-65s and 65+ residents.",
    "Completed within 28 days, within the target of 60 working days, still at home 91 days later.",
    "Reviewed in the previous 12 months, a 3-year strategy, a two-year plan, and 24/7 support.",
    "The 2023 to 2028 strategy; the team was on site from 9 to 12 September 2024.",
    "(IMD 1 is the most deprived, IMD 10 the least deprived); among the most deprived 10% nationally.",
    "Marlow Heath City Council scored 58 out of 100 overall.",
])
def test_dates_references_ages_and_thresholds_are_not_figures(text):
    assert read_figures(text) == []


def test_how_exact_the_report_says_a_figure_is_is_kept():
    figures = read_figures("around 60% of referrals, more than 190 people, fewer than 5 carers, up to 6 weeks")
    assert [f.approx for f in figures] == ["about", "more than", "less than", "up to"]


# -- reading sentences: roles, comparators, periods, parts ----------------------------------------------
def test_a_sentence_with_two_measures_gives_two_records_each_with_its_own_period_and_qualifier():
    got = read_sentence("At 31 March 2024, 612 people were waiting for a Care Act assessment, and the average "
                        "wait from referral to the start of an assessment was 74 days.")
    assert [(f.measure, f.value, f.unit, f.qualifier, f.period) for f in got] == [
        ("care_act_assessment_waiting", 612, "count", "", "2024-03-31"),
        ("care_act_assessment_wait", 74, "days", "average", "2024-03-31"),
    ]


def test_an_england_average_is_the_comparator_of_the_councils_figure_not_a_figure_of_its_own():
    got = read_sentence("In 2023/24, 21.8% of people receiving long-term community support used a direct payment, "
                        "which was below the England average of 26.2%.")
    assert len(got) == 1 and got[0].measure == "direct_payments_uptake" and got[0].value == 21.8
    assert got[0].comparator == Comparator("england", 26.2, "percent", "2023/24", "26.2%")


def test_an_earlier_value_is_kept_as_earlier_and_compared_with():
    got = read_sentence("The social work vacancy rate fell from 21.5% in April 2023 to 9.4% in September 2024.")
    assert [(f.value, f.role, f.period) for f in got] == [(21.5, "earlier", "2023-04"), (9.4, "value", "2024-09")]
    assert got[1].comparator.kind == "previous" and got[1].comparator.value == 21.5


def test_a_figure_of_a_locality_team_is_marked_as_a_part():
    got = read_sentence("Waits were longest in the Bramwick locality team, where people waited an average of 97 "
                        "days.", heading="Timeliness of assessments")
    assert got[0].measure == "care_act_assessment_wait" and got[0].part == "Bramwick"


def test_a_sentence_leaning_on_the_one_before_reads_its_subject_and_its_year():
    text = ("The local authority estimated that it would spend £55,640,000 of its total budget on adult social "
            "care in 2023/24. Its actual spend for that year was £57,090,000, which was £1,450,000 more than "
            "estimated.")
    got = read_text(text)
    assert [(f.measure, f.value, f.qualifier, f.period) for f in got] == [
        ("asc_spend", 55640000, "estimated", "2023/24"), ("asc_spend", 57090000, "actual", "2023/24"),
        ("asc_spend_variance", 1450000, "", "2023/24"),
    ]


def test_a_spend_below_the_estimate_is_a_negative_variance():
    got = read_text("The local authority estimated that in 2024/25, its total budget would be £412,006,000. Its "
                    "actual spend for that year was £405,870,000, which was £6,136,000 less than estimated.")
    assert ("council_spend_variance", -6136000) in [(f.measure, f.value) for f in got]


def test_a_figure_the_vocabulary_does_not_know_stays_other_with_its_unit():
    got = read_sentence("The hubs recorded 8,240 visits in 2024, and the average call took 9 minutes.")
    assert [(f.measure, f.value, f.unit) for f in got] == [("other", 8240, "count"), ("other", 9, "minutes")]


def test_a_table_row_is_read_cell_by_cell_with_its_label_as_the_part():
    got = read_text("Locality team: Oxley North; People waiting at 30 June 2024: 162; Average wait (days): 38",
                    before="Waiting times for Care Act assessments varied between the locality teams.")
    assert [(f.measure, f.value, f.unit, f.qualifier, f.part) for f in got] == [
        ("care_act_assessment_waiting", 162, "count", "", "Oxley North"),
        ("care_act_assessment_wait", 38, "days", "average", "Oxley North"),
    ]


# -- lining councils up --------------------------------------------------------------------------------
def _r(authority, measure, value, unit="percent", qualifier="", period="2023/24", published="2024-10-01",
       role="value", part="", order=0, report=None, comparator=None) -> MeasureRecord:
    return MeasureRecord(authority=authority, report_id=report or f"{authority}-{published}", published=published,
                         measure=measure, value=value, unit=unit, figure=format_value(value, unit), qualifier=qualifier,
                         period=period, role=role, part=part, comparator=comparator, chunk_id=f"{authority}:c{order}",
                         sentence=f"{authority} {value}", order=order)


DP = "direct_payments_uptake"


def test_the_record_that_stands_for_a_council_is_its_own_whole_figure_from_its_newest_report_and_period():
    records = [
        _r("A", DP, 20.0, published="2023-05-01"),  # an older report
        _r("A", DP, 24.0, period="2023/24", order=3),
        _r("A", DP, 19.0, period="2022/23", order=1),  # an older period in the newest report
        _r("A", DP, 30.0, period="2024-03", part="North locality", order=2),  # one team
        _r("A", DP, 22.0, period="2024-03", role="earlier", order=4),
        _r("B", DP, 26.0, order=1), _r("B", DP, 26.0, order=5),
    ]
    chosen = representative(records, DP)
    assert chosen["A"].value == 24.0 and chosen["B"].order == 1


def test_a_ranking_orders_by_the_better_direction_names_missing_councils_and_shares_tied_places():
    records = [_r("A", DP, 21.8), _r("B", DP, 29.3), _r("C", DP, 16.1), _r("D", DP, 29.3)]
    best = rank(records, DP, "best", authorities=["A", "B", "C", "D", "E"])
    assert [(r.authority, r.position) for r in best.rows] == [("B", 1), ("D", 1), ("A", 3), ("C", 4)]
    assert best.missing == ("E",) and best.coverage() == "4 of 5 councils give a comparable figure"
    wait = "care_act_assessment_wait"
    worst = rank([_r("A", wait, 74, "days", "average"), _r("B", wait, 27, "days", "average")], wait, "worst")
    assert worst.order == "highest" and worst.rows[0].authority == "A"  # lower is better: the worst waits longest


def test_medians_and_averages_are_never_ranked_together_and_weeks_are_counted_in_days():
    wait = "care_act_assessment_wait"
    records = [_r("A", wait, 74, "days", "average"), _r("B", wait, 21, "weeks", "average"),
               _r("C", wait, 27, "days", "average"), _r("D", wait, 112, "days", "median", period="2024-06")]
    ranking = rank(records, wait, "highest")
    assert ranking.qualifier == "average" and ranking.unit == "days"
    assert [(r.authority, r.value) for r in ranking.rows] == [("B", 147), ("A", 74), ("C", 27)]
    assert [r.authority for r in ranking.set_aside] == ["D"]
    notes = " ".join(ranking.notes)
    assert "21 weeks, counted as 147 days" in notes and "D: 112 days (median)" in notes
    assert "different dates or periods" not in notes
    medians = rank(records, wait, "highest", qualifier="median")
    assert [r.authority for r in medians.rows] == ["D"]


def test_of_groups_as_large_the_exact_dated_figures_are_ranked_not_what_people_told_inspectors():
    wait = "care_act_assessment_wait"
    told = [replace(_r(a, wait, 180, "days", period=""), approx="more than") for a in ("A", "B")]  # "more than 6 months"
    own = [_r("C", wait, 74, "days", "average", period="2024-03"), _r("D", wait, 27, "days", "average", period="2024-03")]
    ranking = rank(told + own, wait, "highest")
    assert ranking.qualifier == "average" and [r.authority for r in ranking.rows] == ["C", "D"]
    assert [r.authority for r in ranking.set_aside] == ["A", "B"]


def test_figures_of_different_periods_are_ranked_together_only_with_a_note():
    ranking = rank([_r("A", DP, 21.8, period="2023/24"), _r("B", DP, 22.4, period="2024-03")], DP)
    assert any("different dates or periods" in n and "2023/24 (1)" in n for n in ranking.notes)


def test_a_ratio_is_ranked_as_a_share():
    ranking = rank([_r("A", DP, 4, "one in"), _r("B", DP, 22.0)], DP)
    assert ranking.unit == "percent" and [(r.authority, r.value) for r in ranking.rows] == [("A", 25.0), ("B", 22.0)]


def test_filters_averages_and_comparisons():
    waiting = "care_act_assessment_waiting"
    records = [_r("A", waiting, 612, "count"), _r("B", waiting, 412, "count"), _r("C", waiting, 2140, "count")]
    ranking = rank(records, waiting, "highest")
    assert threshold("more than 500 people waiting") == Threshold(">", 500, "count")
    assert [r.authority for r in filter_rows(ranking, threshold("more than 500"))] == ["C", "A"]
    assert [r.authority for r in filter_rows(ranking, threshold("fewer than 500"))] == ["B"]
    stats = summary(ranking)
    assert stats.n == 3 and stats.mean == pytest.approx(1054.667, abs=1e-3) and stats.median == 612
    assert stats.lowest.authority == "B" and stats.highest.authority == "C"

    mine = _r("A", DP, 21.8, comparator=Comparator("england", 26.2, "percent"))
    against = against_comparator(mine)
    assert against.kind == "england" and against.better is False
    assert against.describe() == "4.4 percentage points lower (worse)"
    assert compare_records(_r("A", DP, 29.3), _r("B", DP, 21.8)).better is True
    wait = "care_act_assessment_wait"
    assert "not like for like" in compare_records(_r("A", wait, 74, "days", "average"), _r("B", wait, 112, "days", "median"))
    weeks = compare_records(_r("A", wait, 3, "weeks", "average"), _r("B", wait, 27, "days", "average", period="2024"))
    assert weeks.difference == -6 and "3 weeks, counted as 21 days" in weeks.note and "different periods" in weeks.note


def test_values_are_written_as_a_reader_expects():
    assert format_value(4300000, "GBP") == "£4.3 million" and format_value(-1230000, "GBP") == "-£1.23 million"
    assert format_value(21.8, "percent") == "21.8%" and format_value(74, "days") == "74 days"
    assert format_value(24.1, "GBP per hour") == "£24.10 per hour" and format_value(3.5, "one in") == "1 in 3.5"


@pytest.mark.parametrize("question, first", [
    ("Which councils had the highest direct payment uptake?", "direct_payments_uptake"),
    ("Which councils had more than 500 people waiting for a Care Act assessment?", "care_act_assessment_waiting"),
    ("How does our median wait for a Care Act assessment compare with the England average?", "care_act_assessment_wait"),
    ("What is the average share of budget spent on adult social care?", "asc_budget_share"),
    ("Which council has the lowest social work vacancy rate?", "vacancy_rate"),
    ("How long do people wait for an occupational therapy assessment?", "ot_assessment_wait"),
    ("Which councils overspent on adult social care?", "asc_spend_variance"),
])
def test_the_measure_a_question_asks_about(question, first):
    from cqc.measures.reading import measures_asked

    assert measures_asked(question)[0].key == first


def test_a_question_about_no_measure_of_the_vocabulary_names_none():
    from cqc.measures.reading import measures_asked

    assert measures_asked("What did carers say about the respite service?") == []
