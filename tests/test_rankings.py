"""Councils lined up on one measure (issue 24 item 3): read from the question, answered from the
measure records, every row cited to the sentence its figure was read from; what cannot stand
together is said; the user's filters apply; a question naming no known measure is left to the
quoted answer; no model writes a ranking.

Five councils' reports of our own (tests/ranking_reports.py), ingested once with the fake embedder:
a ranking never searches, so the model is incidental.
"""

from __future__ import annotations

import json
import re

import pytest

from assistant.models import Answer
from assistant.question.names import AuthorityNames
from assistant.question.measure_asks import measure_ask
from assistant.question.query_plan import Intent, MeasureAskKind
from assistant.question.understand import understand
from cqc.records import SearchFilter
from tests.ranking_reports import BRACKWATER, MOSSBECK, RAVENSMOOR, TILLINGFORD, WENDLECOMBE, write_reports

NAMES = AuthorityNames.from_authorities([BRACKWATER, MOSSBECK, RAVENSMOOR, TILLINGFORD, WENDLECOMBE])


# -- reading the question ------------------------------------------------------------------------------
@pytest.mark.parametrize("question, kind, measure, extra", [
    ("Which councils had the highest direct payment uptake?", MeasureAskKind.RANK, "direct_payments_uptake",
     dict(order="highest", across=True)),
    ("Which council had the lowest direct payments uptake?", MeasureAskKind.RANK, "direct_payments_uptake",
     dict(order="lowest")),
    ("Rank the councils by the number of people waiting for a Care Act assessment", MeasureAskKind.RANK,
     "care_act_assessment_waiting", {}),
    ("Top 3 councils for carers' satisfaction", MeasureAskKind.RANK, "carers_satisfaction", dict(limit=3)),
    ("Where is the waiting list for Care Act assessments longest?", MeasureAskKind.RANK, "care_act_assessment_waiting",
     dict(across=True)),
    ("Which councils have the shortest average waits for Care Act assessments?", MeasureAskKind.RANK,
     "care_act_assessment_wait", dict(order="lowest")),
    ("Which councils had more than 500 people waiting for a Care Act assessment?", MeasureAskKind.THRESHOLD,
     "care_act_assessment_waiting", dict(order="highest")),
    ("Which councils have a vacancy rate under 10%?", MeasureAskKind.THRESHOLD, "vacancy_rate", dict(order="lowest")),
    ("What is the average share of budget spent on adult social care?", MeasureAskKind.AVERAGE, "asc_budget_share",
     dict(across=True)),
    ("How does our direct payment uptake compare with the England average?", MeasureAskKind.COMPARATOR,
     "direct_payments_uptake", dict(comparator="england", across=False)),
    ("Is our direct payments take-up above or below the national average?", MeasureAskKind.COMPARATOR,
     "direct_payments_uptake", dict(across=False)),
    ("Which councils are below the England average for direct payments?", MeasureAskKind.COMPARATOR,
     "direct_payments_uptake", dict(side="below", across=True)),
    ("Did Mossbeck or Ravensmoor have a higher vacancy rate?", MeasureAskKind.RANK, "vacancy_rate",
     dict(order="highest", across=False)),
    ("Which councils had the fewest Ombudsman investigations?", MeasureAskKind.RANK, "ombudsman_investigations",
     dict(order="lowest")),
    ("Which councils had the most complaints upheld by the Ombudsman?", MeasureAskKind.RANK, "ombudsman_upheld", {}),
    # a wait is a duration, "people waiting" a count, whichever the vocabulary lists first
    ("Where are waits for home care longest?", MeasureAskKind.RANK, "home_care_wait", {}),
    ("Which council had the longest DoLS waits?", MeasureAskKind.RANK, "dols_wait", {}),
    ("Rank the councils by waits for financial assessments", MeasureAskKind.RANK, "financial_assessment_wait", {}),
    ("How many days did people wait for a Care Act assessment, ranked?", MeasureAskKind.RANK,
     "care_act_assessment_wait", {}),
    ("Which councils had the most DoLS applications waiting?", MeasureAskKind.RANK, "dols_waiting", {}),
])
def test_a_question_lining_councils_up_on_a_measure_is_read_as_one(question, kind, measure, extra):
    plan = understand(question, NAMES)
    assert plan.intent is Intent.MEASURES, question
    ask = plan.measure_ask
    assert (ask.kind, ask.measure) == (kind, measure), question
    for field, value in extra.items():
        assert getattr(ask, field) == value, (question, field)


@pytest.mark.parametrize("question", [
    "Which councils do the most to support unpaid carers?",  # no measure the vocabulary knows
    "Which councils had the highest direct payment uptake and what did they do to achieve it?",  # more than figures
    "Which councils had the highest direct payment uptake, and why?",  # reasons: more than figures
    "Which councils have long waits for Care Act assessments?",  # "long": findings, not a ranking
    "What is Mossbeck's direct payment uptake?",  # one council's figure: the quoted answer
    "How did Mossbeck and Ravensmoor support people to use direct payments?",  # how, not how many
    "How many people were waiting for a Care Act assessment?",
    "Which council has the highest safeguarding score?",  # a score: the catalog
    "Draft improvement actions on direct payments for the council with the lowest uptake",
])
def test_a_question_that_is_not_only_a_measure_is_left_to_the_other_answers(question):
    assert understand(question, NAMES).intent is not Intent.MEASURES, question


# How quickly something is done, asked without a word for the wait: the wait, the way the speed word
# says (faster: the shortest wait first; slower: the longest), whatever the measure and the verb.
@pytest.mark.parametrize("question, measure, order, across", [
    ("Which council is fastest to start a carer's assessment?", "carers_assessment_wait", "lowest", True),
    ("Which councils take longest to complete financial assessments?", "financial_assessment_wait", "highest", True),
    ("Which council has the slowest occupational therapy assessments?", "ot_assessment_wait", "highest", True),
    ("Where do people get home care in place soonest?", "home_care_wait", "lowest", True),
    ("Which council is slowest to start safeguarding enquiries?", "safeguarding_wait", "highest", True),
    ("Which councils are quickest to deal with DoLS applications?", "dols_wait", "lowest", True),
    ("Which councils were quicker to begin Care Act assessments?", "care_act_assessment_wait", "lowest", True),
    ("Was Mossbeck or Ravensmoor quicker to start Care Act assessments?", "care_act_assessment_wait", "lowest", False),
    ("Did Mossbeck or Ravensmoor take longer to assess people under the Care Act?", "care_act_assessment_wait",
     "highest", False),
])
def test_a_question_asking_how_quickly_is_read_as_the_wait_lower_first_when_it_asks_the_fastest(
        question, measure, order, across):
    plan = understand(question, NAMES)
    assert plan.intent is Intent.MEASURES, question
    ask = plan.measure_ask
    assert (ask.kind, ask.measure, ask.order, ask.across) == (MeasureAskKind.RANK, measure, order, across), question


@pytest.mark.parametrize("question", [
    "Which councils take longest to review care plans?",  # no wait for reviews in the vocabulary: not guessed
    "Which council responds fastest to complaints?",  # no measure of complaint response times
    "Which councils are quickest at supporting carers?",  # how well, not a figure
])
def test_a_speed_word_about_no_wait_the_vocabulary_knows_is_not_a_ranking(question):
    assert understand(question, NAMES).intent is not Intent.MEASURES, question


def test_the_quickest_council_is_the_one_with_the_shortest_wait(ranker):
    answer = ranker.ask("Which council was fastest to begin Care Act assessments?", home="")
    assert answer.kind == "measures" and answer.measure == "care_act_assessment_wait"
    values = [v for _, v in _rows(answer)]
    assert values and values[0] == min(values), values
    _every_row_cited(answer)


# -- answering from the records ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ranking_store(tmp_path_factory, fake_embedder_module):
    from config import Settings
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    folder = tmp_path_factory.mktemp("rankings")
    store = LibraryStore(Settings(store_dir=folder / "store"))
    summary = ingest_paths(write_reports(folder / "reports"), store)
    assert summary.ok and len(store.reports()) == 6, summary.lines()
    return store


@pytest.fixture(scope="module")
def ranker(ranking_store):
    from assistant.chain import Assistant

    return Assistant(ranking_store)


def _rows(answer: Answer, group: str = "") -> list[tuple[str, float]]:
    return [(r.authority, r.value) for r in answer.rows if r.group == group]


def _every_row_cited(answer: Answer) -> None:
    """Each row's marker is a citation of that council's finding, quoting a sentence of it that states the figure."""
    by_marker = {c.marker: c for c in answer.citations}
    assert answer.rows
    for row in answer.rows:
        c = by_marker[row.marker]
        assert c.authority == row.authority and row.figure in c.quote and c.quote in c.text, row
        assert f"[{row.marker}]" in answer.answer


def test_a_ranking_lines_up_every_council_from_its_newest_report_and_names_the_one_with_no_figure(ranker):
    answer = ranker.ask("Which councils had the highest direct payment uptake?", home="")
    assert answer.kind == "measures" and answer.backend == "measures" and answer.measure == "direct_payments_uptake"
    assert _rows(answer) == [(RAVENSMOOR, 31.0), (BRACKWATER, 27.4), (TILLINGFORD, 24.1), (MOSSBECK, 18.9)]
    assert [r.position for r in answer.rows] == [1, 2, 3, 4]  # Brackwater from its 2025 report, not its 22.0% of 2023
    _every_row_cited(answer)
    assert answer.answer.startswith("Highest: Ravensmoor City Council, 31.0% (2023/24) [1].")
    assert f"1 of 5 reports give no figure for this: {WENDLECOMBE}." in answer.answer
    assert "England average 26.2% (2023/24)" in answer.answer  # as the reports give it, cited
    assert not answer.abstained and {r.chunk.authority for r in answer.retrieved} == {RAVENSMOOR, BRACKWATER,
                                                                                         TILLINGFORD, MOSSBECK}


def test_figures_that_are_not_like_for_like_are_converted_or_set_aside_and_said_so(ranker):
    answer = ranker.ask("Which council has the longest wait for a Care Act assessment?", home="")
    # 19 weeks counted as 133 days; Ravensmoor's median is not ranked with averages; Tillingford gives no wait
    assert _rows(answer) == [(MOSSBECK, 133.0), (BRACKWATER, 48.0), (WENDLECOMBE, 35.0)]
    assert "19 weeks (average, 30 November 2024, counted as 133 days)" in answer.answer
    assert _rows(answer, "set_aside") == [(RAVENSMOOR, 21.0)]
    assert re.search(r"Not ranked with these average figures \(another qualifier or unit: not like for like\): "
                     r"Ravensmoor City Council: 21 days \(median, 30 September 2024\) \[\d\]", answer.answer)
    assert f"1 of 5 reports give no figure for this: {TILLINGFORD}." in answer.answer
    assert "Note: the figures are for different dates or periods" in answer.answer
    _every_row_cited(answer)


def test_a_threshold_lists_the_councils_past_it_and_the_rest(ranker):
    answer = ranker.ask("Which councils had more than 500 people waiting for a Care Act assessment?", home="")
    assert _rows(answer) == [(MOSSBECK, 1210.0), (BRACKWATER, 640.0), (WENDLECOMBE, 512.0)]
    assert _rows(answer, "other") == [(RAVENSMOOR, 305.0)]
    assert answer.answer.startswith("3 of the 4 councils with a figure for people waiting for a Care Act assessment are "
                                    "above 500:")
    low = ranker.ask("Which councils have a social work vacancy rate under 10%?", home="")
    assert _rows(low) == [(WENDLECOMBE, 7.0), (RAVENSMOOR, 9.5)]  # lowest first
    _every_row_cited(answer)
    _every_row_cited(low)


def test_an_average_across_the_councils_states_mean_median_and_range_each_figure_cited(ranker):
    answer = ranker.ask("What is the average direct payment uptake across the councils?", home="")
    assert "is 25.35% (the mean; the median is 25.75%)" in answer.answer
    assert "from 18.9% (2023/24) in Mossbeck County Council" in answer.answer
    assert len(_rows(answer)) == 4
    _every_row_cited(answer)


def test_our_figure_against_the_england_average_its_report_gives(ranker):
    answer = ranker.ask("How does our direct payment uptake compare with the England average?", home=MOSSBECK)
    assert _rows(answer) == [(MOSSBECK, 18.9)]
    assert "against the England average of 26.2% (2023/24) its report gives: 7.3 percentage points lower (worse)" \
        in answer.answer
    assert "Answered for your council, Mossbeck County Council" in answer.answer
    none = ranker.ask("How does our direct payment uptake compare with the England average?", home=RAVENSMOOR)
    assert "Its report gives no England average figure for it to be compared with." in none.answer
    across = ranker.ask("Which councils are below the England average for direct payments?", home="")
    assert _rows(across, "below") == [(MOSSBECK, 18.9)] and _rows(across, "above") == [(BRACKWATER, 27.4)]
    assert f"give no England average in their report to compare it with: {RAVENSMOOR} and {TILLINGFORD}" in across.answer
    _every_row_cited(across)


def test_named_councils_side_by_side_are_read_as_such_and_go_to_the_comparison_on_measures():
    # Side by side, each council's own figure, or its report's closest finding marked as such (issue 25):
    # the comparison's path (evidence/measure_figures), not a ranking's.
    question = "Compare the social work vacancy rates at Mossbeck and Ravensmoor."
    ask = measure_ask(question.replace("Mossbeck", " ").replace("Ravensmoor", " "), named=2, across=False,
                      first_person=False)
    assert (ask.kind, ask.measure) == (MeasureAskKind.SIDE_BY_SIDE, "vacancy_rate")
    plan = understand(question, NAMES)
    assert plan.intent is Intent.FINDINGS and plan.measure_ask is None and plan.comparative


def test_named_councils_side_by_side_and_a_council_not_in_the_library_named(ranker):
    answer = ranker.ask("Compare the social work vacancy rates at Mossbeck and Ravensmoor.", home="")
    assert sorted(_rows(answer)) == [(MOSSBECK, 21.0), (RAVENSMOOR, 9.5)]
    assert "Ravensmoor City Council's figure is 11.5 percentage points lower (better) than Mossbeck County Council's." \
        in answer.answer
    absent = ranker.ask("Compare direct payment uptake in Mossbeck and Barnsley.", home="")
    assert "Barnsley is not in the library" in absent.answer and _rows(absent) == [(MOSSBECK, 18.9)]
    assert {c.authority for c in absent.citations} == {MOSSBECK}


def test_the_users_filters_apply_to_a_ranking(ranker, ranking_store):
    two = ranker.ask("Which councils had the highest direct payment uptake?", home="",
                     scope=SearchFilter(authorities=(BRACKWATER, WENDLECOMBE)))
    assert _rows(two) == [(BRACKWATER, 27.4)] and f"1 of 2 reports give no figure for this: {WENDLECOMBE}." in two.answer
    assert MOSSBECK not in two.answer
    # a date filter arrives as the reports it leaves in: Brackwater's 2023 report, and nobody else's
    earlier = tuple(r.report_id for r in ranking_store.reports() if r.published < "2024-01-01")
    dated = ranker.ask("Which councils had the highest direct payment uptake?", home="", scope=SearchFilter(report_ids=earlier))
    assert _rows(dated) == [(BRACKWATER, 22.0)]
    assert "England average 26.7% (2022/23)" in dated.answer


def test_a_wait_not_saying_for_what_is_asked_back_with_each_wait_the_report_gives(ranker):
    question = "How does our median wait compare with the England average?"
    ask = understand(question, NAMES).measure_ask
    assert ask.measure == "" and {"care_act_assessment_wait", "carers_assessment_wait"} <= set(ask.candidates)
    answer = ranker.ask(question, home=MOSSBECK)  # a wait for what? never one chosen for the user
    assert answer.kind == "measures" and not answer.abstained and not answer.rows
    assert answer.answer.startswith("Which wait do you mean? The question does not say of what, and Mossbeck County "
                                    "Council's report gives a figure for 1 of the")
    assert re.search(r"- Wait for a Care Act assessment: 19 weeks \(average, 30 November 2024, counted as 133 days\) "
                     r"\[1\] \(its report gives no England average for it\); an average, not the median the question "
                     r"asks for", answer.answer)
    [cited] = answer.citations
    assert cited.authority == MOSSBECK and "19 weeks" in cited.quote
    none = ranker.ask(question, home=TILLINGFORD)
    assert none.abstained and not none.citations
    assert f"{TILLINGFORD}'s report gives no figure for any of the" in none.answer
    across = ranker.ask("Which councils have the longest waits?", home="")
    assert "- Wait for a Care Act assessment: 3 of 5 councils" in across.answer
    assert "\u201cWhich councils had the longest wait for a Care Act assessment?\u201d" in across.answer


def test_a_measure_no_report_gives_is_said_not_guessed(ranker):
    answer = ranker.ask("Which councils have the most people waiting for a DoLS assessment?", home="")
    assert answer.kind == "measures" and answer.abstained and not answer.citations and not answer.rows
    assert answer.answer.startswith("None of the 5 reports in scope gives a figure for Deprivation of Liberty Safeguards")


def test_no_model_writes_a_ranking(ranking_store):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.answers.writers import ExtractiveAnswerer, GenerativeAnswerer
    from assistant.chain import Assistant

    model = FakeListChatModel(responses=["Brackwater had the highest uptake at 99% [1]."])
    base = Assistant(ranking_store)
    generative = GenerativeAnswerer(model, ranking_store.settings, "fake", fallback=ExtractiveAnswerer(base.selector),
                                    reports=ranking_store.reports)
    answer = Assistant(ranking_store, answerer=generative).ask("Which councils had the highest direct payment uptake?",
                                                                home="")
    assert answer.backend == "measures" and "99%" not in answer.answer
    assert _rows(answer)[0] == (RAVENSMOOR, 31.0)
    assert model.i == 0  # never asked


def test_the_command_line_gives_the_rows_as_json(ranking_store, capsys):
    from assistant.__main__ import main

    assert main(["ask", "--store", str(ranking_store.settings.store.dir), "--as", "", "--json",
                 "Which council had the lowest direct payments uptake?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["measure"] == "direct_payments_uptake"
    assert [(r["authority"], r["value"], r["position"]) for r in out["rows"]][:2] == [(MOSSBECK, 18.9, 1),
                                                                                       (TILLINGFORD, 24.1, 2)]
    assert all(r["marker"] in {c["marker"] for c in out["citations"]} for r in out["rows"])
