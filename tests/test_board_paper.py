"""Compare, summaries, action plans and upload messages a head of service can put in a board paper
(issue 25), driven through the app (AppTest) and the command line.

The library is the three demo reports plus three fictional reports written for these tests
(`tests/data/councils/`: Northbridge, Mercia Downs, Harrowfield), each built to hold a shape real
reports have and the app got wrong: a list of areas for development under a lead-in, a sentence
announcing "two areas" followed by them, a date already past when the report was published, a
figure written "1,184 in 2024", a heading worded "Ensuring quality of provision".
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from vectorstore.store import copy_library
from tests.test_app import APP, ask, choose_mode, plain, run, shown, start_app

ROOT = Path(__file__).resolve().parents[1]
COUNCILS = ROOT / "tests" / "data" / "councils"
DEMO = ROOT / "demo_reports"
NORTHBRIDGE, MERCIA, HARROWFIELD = "Northbridge Council", "Mercia Downs District Council", "Harrowfield Council"
FENMARSH, LARKBRIDGE, OAKHURST = "Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council"
EVERY = sorted([NORTHBRIDGE, MERCIA, HARROWFIELD, FENMARSH, LARKBRIDGE, OAKHURST])

pytestmark = pytest.mark.usefixtures("fake_embedder")


def _store(folder: Path) -> Path:
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    store = LibraryStore(Settings(store_dir=folder))
    summary = ingest_paths(sorted(DEMO.iterdir()) + sorted(COUNCILS.iterdir()), store)
    assert len(summary.reports) == 6 and not summary.failed, summary.lines()
    store.close()
    return folder


@pytest.fixture(scope="module")
def fake_councils_store(tmp_path_factory, fake_model) -> Path:
    from tests.fake_embedder import using_fake_embedder

    with using_fake_embedder(fake_model):
        return _store(tmp_path_factory.mktemp("councils-store") / "store")


@pytest.fixture(scope="module")
def real_councils_store(tmp_path_factory) -> Path:
    return _store(tmp_path_factory.mktemp("councils-store-real") / "store")


@pytest.fixture()
def councils_store(request, tmp_path) -> Path:
    """A copy per test (conversations and uploads are written into the store folder)."""
    real = request.node.get_closest_marker("real_model")
    source = request.getfixturevalue("real_councils_store" if real else "fake_councils_store")
    copy = tmp_path / "store"
    copy_library(source, copy, ignore=shutil.ignore_patterns("conversations"))
    return copy


def columns_of(reply) -> dict[str, str]:
    """A comparison's columns: authority -> what the column shows (answer, chips, notes, cards)."""
    out = {}
    for column in reply.columns:
        texts = [plain(m.value) for m in column.markdown] + [plain(i.value) for i in column.info]
        texts += [plain(c.value) for c in column.caption]
        if texts and texts[0].startswith("##### "):
            out[texts[0][6:]] = "\n".join(texts[1:])
    return out


# -- item 1: a compare topic is read on its own -------------------------------------------------------
def test_compare_topic_is_never_rewritten_from_the_chat_or_narrowed_by_my_council(monkeypatch, councils_store):
    monkeypatch.setenv("CQC_HOME_AUTHORITY", NORTHBRIDGE)
    at = start_app(monkeypatch, councils_store).at
    assert at.sidebar.selectbox(key="home_authority").value == NORTHBRIDGE
    ask(at, "How many people were waiting for a Care Act assessment in Northbridge?")
    choose_mode(at, "Compare")
    at.multiselect(key="compare_authorities").set_value(EVERY)
    run(at)
    ask(at, "waiting times")
    columns = columns_of(at.chat_message[3])
    assert sorted(columns) == EVERY
    for authority, text in columns.items():
        assert "outside your filters" not in text and "Read as" not in text, (authority, text)
        sources = re.findall(r"\[\d+\] ([^·\n]+?) ·", text)
        assert all(s == authority for s in sources), (authority, sources)


def test_compare_from_the_command_line_gives_one_row_per_authority(councils_store, capsys):
    from assistant.__main__ import main

    assert main(["ask", "--store", str(councils_store), "--mode", "compare", "--authority", "Northbridge",
                 "--authority", "Fenmarsh", "--authority", "mercia downs", "--json", "waiting times"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["topic"] == "waiting times"
    assert [r["authority"] for r in table["rows"]] == [NORTHBRIDGE, FENMARSH, MERCIA]
    for row in table["rows"]:
        # The shape measure records will fill: measure and value are null until figures are read as data.
        assert {"measure", "value", "unit", "qualifier", "as_at", "sentence", "citation"} <= set(row)
        if row["sentence"]:
            assert row["citation"]["authority"] == row["authority"] and row["sentence"] in row["citation"]["text"]
        else:
            assert row["citation"] is None and row["value"] is None
    assert main(["ask", "--store", str(councils_store), "--mode", "compare", "--authority", "Northbridge",
                 "waiting times"]) == 2
    assert "at least two authorities" in capsys.readouterr().err
    assert main(["ask", "--store", str(councils_store), "--mode", "compare", "--authority", "Northbridge",
                 "--authority", "Leeds", "waiting times"]) == 2
    assert "No report in the library for 'Leeds'" in capsys.readouterr().err


# -- item 2: summaries follow the report's structure -----------------------------------------------------
@pytest.fixture()
def councils_assistant(councils_store):
    from assistant.chain import Assistant
    from vectorstore.store import LibraryStore

    return Assistant(LibraryStore(Settings(store_dir=councils_store)))


def lines_of(text: str) -> list[str]:
    return [re.sub(r"(\s*\[\d+\])+$", "", line) for line in text.splitlines()]


def test_a_list_of_areas_for_development_is_given_whole_under_its_lead_in(councils_assistant):
    answer = councils_assistant.ask("What are the main areas for improvement?", home=MERCIA)
    lines = lines_of(answer.answer)
    at = lines.index("- The main areas for development were:")
    items = [line for line in lines[at + 1:] if line.startswith("  - ")]
    assert len(items) == 6, answer.answer  # was 1 of the 6
    assert items[0] == "  - reviews of care and support plans, which were overdue for many people"
    assert items[-1] == "  - the use of data to understand the experience of people who fund their own care"


def test_summarise_opens_with_rating_and_score_and_names_the_areas_it_announces(councils_assistant):
    answer = councils_assistant.ask("Summarise the Northbridge report", home="")
    lines = lines_of(answer.answer)
    assert lines[1] == "- Rated Requires improvement; overall score 50 out of 100.", lines
    opening = [c for c in answer.citations if c.heading == "Local authority rating and score"]
    assert {c.text for c in opening} == {"Northbridge Council: Requires improvement",
                                         "Northbridge Council scored 50 out of 100 overall, indicating some shortfalls"}
    at = next(i for i, line in enumerate(lines) if line.endswith("significant shortfalls in two areas."))
    assert lines[at + 1].startswith("  - Safeguarding concerns were not screened in good time, and 286 concerns")
    assert lines[at + 2].startswith("  - People also waited too long for a Care Act assessment: 731 people")


def test_summaries_keep_the_users_statement_and_theme_filters(councils_assistant):
    from cqc.records import SearchFilter

    equity = SearchFilter(authorities=(NORTHBRIDGE,), quality_statements=("Equity in experience and outcomes",))
    answer = councils_assistant.ask("What were the main shortfalls?", scope=equity, home="")
    assert answer.citations and {c.quality_statement for c in answer.citations} == {"Equity in experience and outcomes"}
    assert "triage" not in answer.answer and "safeguarding" not in answer.answer.lower()
    leadership = SearchFilter(authorities=(NORTHBRIDGE, FENMARSH), themes=("Leadership",))
    answer = councils_assistant.ask("What are the main areas for improvement?", scope=leadership, home="")
    assert answer.citations and {c.quality_statement for c in answer.citations} <= {
        "Governance, management and sustainability", "Learning, improvement and innovation"}


def test_after_a_heatmap_click_a_summary_question_stays_in_that_cell(monkeypatch, councils_store):
    at = start_app(monkeypatch, councils_store).at
    choose_mode(at, "Library")
    at.selectbox(key="pick_authority").set_value(NORTHBRIDGE)
    at.selectbox(key="pick_statement").set_value("Equity in experience and outcomes")
    run(at)
    at.button(key="pick_button").click()
    run(at)
    ask(at, "What were the main shortfalls?")
    reply = shown(at.chat_message[1])
    cards = re.findall(r"\[\d+\] [^\n]*", reply)
    assert cards and all("Northbridge Council · Equity in experience and outcomes" in c for c in cards), cards
    assert "triage" not in reply


def test_answers_over_several_councils_show_each_council_as_a_heading(monkeypatch, councils_store):
    at = start_app(monkeypatch, councils_store).at
    ask(at, "What are the main areas for improvement in Fenmarsh and Northbridge?")
    raw = "\n".join(m.value for m in at.chat_message[1].markdown)
    assert "##### Fenmarsh County Council" in raw and "##### Northbridge Council" in raw, raw
    assert "\\*\\*" not in raw  # no literal **Fenmarsh County Council**


# -- item 4: upload messages that say what happened ---------------------------------------------------------
def upload(at: AppTest, paths: list[Path]) -> str:
    choose_mode(at, "Library")
    at.get("file_uploader")[0].set_value([(p.name, p.read_bytes(), "text/plain") for p in paths])
    next(b for b in at.button if b.proto.label == "Add to library").click()
    run(at)
    return " ".join(plain(m.value) for kind in ("success", "warning", "info") for m in getattr(at, kind))


def test_upload_messages_say_what_happened_to_this_upload(monkeypatch, councils_store, tmp_path):
    from tests import site_pages

    at = start_app(monkeypatch, councils_store).at
    calder = site_pages.AUTHORITY
    said = upload(at, [site_pages.write_one_file(tmp_path / "calderholt.txt")])
    assert f"Added 1 report: {calder}." in said

    # The same report as the regulator's web pages: a second layout beside the one held, not "Updated".
    said = upload(at, site_pages.write_html_pages(tmp_path / "html"))
    assert "Updated" not in said, said
    assert f"{calder}: the report published 12 March 2025 again, as 11 saved web pages" in said, said
    assert "already held as 1 text file" in said and "answers use one of them" in said

    # Statement pages without their summary page wait for it, and say so; the Library shows them waiting.
    brack = site_pages.Variant(authority="Brackenridge Borough Council", area="Brackenridge", slug="brackenridge")
    pages = site_pages.write_pages(tmp_path / "brackenridge", brack)
    said = upload(at, pages[2:])
    assert "9 pages of Brackenridge Borough Council are waiting for their summary or About page" in said, said
    assert "Added" not in said
    listed = at.dataframe[0].value.set_index("Authority")
    assert "waiting for its summary or About page" in listed.loc["Brackenridge Borough Council", "Read from"]

    # Their summary page brings the report together: added, with the waiting pages, not "Updated".
    said = upload(at, pages[:1])
    assert "Added 1 report: Brackenridge Borough Council (10 pages: the 9 waiting joined it)." in said, said
    assert "Updated" not in said


def test_already_held_names_only_the_reports_of_this_upload():
    """A run can rewrite a report none of whose files it brought (a file moved out of it): the
    upload's message is about the upload's own files only."""
    from ingest.summary import IngestedReport, IngestSummary
    from ui.library import ingest_outcome

    summary = IngestSummary(reports=[
        IngestedReport("r1", "Oakhurst City Council", "oakhurst.pdf", 52, 52, 0, published="2025-01-21"),
        IngestedReport("r2", "Kingsmere Metropolitan Borough Council", "km/", 40, 0, 0, published="2024-11-08",
                       pages=10, pages_added=0),
    ])
    said = " ".join(ingest_outcome(summary, []))
    assert "Added 1 report: Oakhurst City Council." in said and "Kingsmere" not in said, said


# -- item 5: an unanswerable figure question shows its nearest evidence ------------------------------------
@pytest.mark.real_model
def test_a_figure_the_report_does_not_give_is_said_so_with_the_closest_finding_marked(councils_assistant):
    answer = councils_assistant.ask("How much did Northbridge spend on agency staff?", home="")
    assert answer.abstained  # nothing asked for is given
    assert answer.answer.startswith("The report gives no figure for spending on agency staff. Closest, which does not "
                                    "give that figure: "), answer.answer
    (closest,) = answer.citations
    assert closest.closest and closest.authority == NORTHBRIDGE and "agency staff" in closest.quote
    assert answer.as_json()["citations"][0]["closest"] is True
    # Nothing on the subject at all: the plain abstention, no "closest" stretched to fit.
    none = councils_assistant.ask("How many dentists were registered in Oakhurst?", home="")
    assert none.abstained and not none.citations


def test_an_abstention_with_a_closest_finding_still_scores_as_abstaining():
    """The eval's honesty rule: a closest finding is context, not the answer's evidence. It does not
    undo an abstention on an unanswerable question, and earns no cited support on an answerable one."""
    from assistant.models import Answer, Citation
    from evaluation.gold import GoldItem
    from evaluation.metrics import measure
    from evaluation.runners import outcome_of

    near = Citation(1, "n:1", NORTHBRIDGE, "2025-02-12", "Governance, management and sustainability", 2, "Governance",
                    "The local authority relied on agency staff.", quote="The local authority relied on agency staff.",
                    closest=True)
    closest = outcome_of(Answer("q", "The report gives no figure ... Closest: ... [1]", True, [near]), 0.1)
    assert closest.cited == [] and closest.closest == 1
    unanswerable = GoldItem("u", "unanswerable", "How much on agency staff?", "not in the report", [], [NORTHBRIDGE])
    answerable = GoldItem("a", "fact", "Who relied on agency staff?", "", ["The local authority relied on agency staff."],
                          [NORTHBRIDGE])
    table = measure([unanswerable, answerable], [closest, closest])
    assert table["unanswerable"]["abstention"] == 1.0 and table["unanswerable"]["closest_shown"] == 1.0
    assert table["fact"]["cited_support"] == 0.0 and table["fact"]["false_abstention"] == 1.0


# -- item 3: action plans a council would adopt (what needs no measure records) -------------------------------
def test_a_measure_reads_the_whole_figure():
    from assistant.actions.measures import measurable_figure, measure_for

    reviews = "The number of people waiting for a review of their care and support plan rose to 1,184 in 2024."
    assert measurable_figure(reviews) == "1,184"  # was "1" ("Reduce from 1")
    assert measure_for(reviews).startswith("Reduce from 1,184 (2024)")
    assert measurable_figure("There were 2,318 people waiting in 2024.") == "2,318"
    assert measurable_figure("Not every young person had a plan by their 18th birthday.") == ""  # not "18"
    assert measurable_figure("Only 1 in 3.5 people had a review.") == "1 in 3.5"


def test_a_heading_that_names_an_activity_is_not_improved_as_a_noun():
    from assistant.actions.shortfall_wording import area_action

    assert area_action("ensuring quality of provision") == "Ensure quality of provision"  # was "Improve ensuring ..."
    assert area_action("timeliness of assessments") == "Improve timeliness of assessments"


def test_a_report_date_already_past_at_publication_is_flagged_not_copied():
    from assistant.actions.measures import PAST, timescale_from

    assert timescale_from("the end of December 2024", "2025-02-12") == f"Set a new date: the end of December 2024 {PAST}"
    assert timescale_from("March 2025", "2025-02-12") == "By March 2025 (from the report)"
    assert timescale_from("2024/25", "2025-02-12") == "By 2024/25 (from the report)"  # ends 31 March 2025
    assert timescale_from("October 2024", "2024-11-14", start="from") == "From October 2024 (from the report)"


@pytest.fixture(scope="module")
def real_councils_assistant(real_councils_store):
    from assistant.chain import Assistant
    from vectorstore.store import LibraryStore

    return Assistant(LibraryStore(Settings(store_dir=real_councils_store)))


def assert_one_action_per_point(plan) -> None:
    leads = [i.citations[0].chunk_id for i in plan.items if i.citations and i.citations[0].quality_statement]
    assert len(leads) == len(set(leads)), [i.action for i in plan.items]  # no two actions on one statement finding
    sentences = [b for i in plan.items if i.origin != "planned" for b in i.basis]
    assert len(sentences) == len(set(sentences)), [i.action for i in plan.items]


@pytest.mark.real_model
def test_a_whole_report_plan_spreads_over_the_report_and_offers_more(real_councils_assistant):
    from assistant.actions.draft import draft_actions
    from assistant.actions.measures import PAST

    plan = draft_actions(real_councils_assistant, question="Draft improvement actions for Northbridge")
    actions = [i.action for i in plan.items]
    assert len(actions) == 8
    triage = next(i for i in plan.items if i.action == "Clear the triage backlog")
    assert PAST in triage.timescale and "the end of December 2024" in triage.timescale  # was "3 months (suggested)"
    safeguarding = [i for i in plan.items if i.citations[0].quality_statement == "Safeguarding"]
    assert len(safeguarding) <= 2, actions  # was 7 of 8 in the report
    topics = {i.citations[0].quality_statement or i.basis[0] for i in plan.items}
    assert len(topics) >= 6, actions
    said = " ".join(actions + [i.measure for i in plan.items])
    assert "23%" in said and "312" in said and "731" in said  # vacancies, carers waiting, Care Act waits
    assert_one_action_per_point(plan)
    assert plan.more and plan.more_note().startswith(f"The report's findings give {len(plan.more)} more action")
    whole = plan.with_more()
    assert [i.action for i in whole.items[:8]] == actions and len(whole.items) == 8 + len(plan.more)
    assert not whole.more and {c.marker for i in whole.items for c in i.citations} == set(
        range(1, len({c.chunk_id for i in whole.items for c in i.citations}) + 1))


@pytest.mark.real_model
def test_each_area_for_development_gets_an_action_and_no_action_repeats(real_councils_assistant):
    from assistant.actions.draft import draft_actions

    plan = draft_actions(real_councils_assistant, question="Draft improvement actions for Mercia Downs")
    said = [f"{i.action} | {i.measure}" for i in plan.items]
    for area in ("reviews", "occupational therapy", "nursing care beds", "mental capacity", "safeguarding concerns",
                 "fund their own care"):
        assert sum(area in s for s in said) == 1, (area, said)
    reviews = next(i for i in plan.items if "reviews" in i.action)
    assert reviews.measure.startswith("Reduce from 1,184"), reviews.measure  # was "Reduce from 1"
    assert_one_action_per_point(plan)
    harrowfield = draft_actions(real_councils_assistant, question="Draft improvement actions for Harrowfield")
    assert not [i for i in harrowfield.items if i.action.startswith("Improve ensuring")]
    adaptations = [i for i in harrowfield.items if "adaptation" in i.action.lower()]
    assert len(adaptations) == 1 and adaptations[0].measure.startswith("Reduce from 29 weeks"), adaptations


@pytest.mark.real_model
def test_every_shared_corpus_plan_flags_past_dates_and_keeps_one_action_per_point(corpus_assistant):
    """The issue's bar, for what needs no measure records: for each shared-corpus council, a plan
    with no date already past left unflagged, no two actions on one point, and a measure on every
    action whose own sentences give a figure a measure can start from."""
    from assistant.actions.draft import draft_actions
    from assistant.actions.measures import PAST, deadline, measurable_figure

    for council in ("Ashbourne Vale", "Kingsmere", "Eastholm", "Severn Marches"):
        plan = draft_actions(corpus_assistant, question=f"Draft improvement actions for {council}")
        assert plan.items, council
        assert_one_action_per_point(plan)
        for item in plan.items:
            if item.timescale.startswith("By "):
                by = deadline(item.timescale.removeprefix("By ").removesuffix(" (from the report)"))
                assert by is None or by.isoformat() >= plan.report_date, (council, item.timescale)
            assert item.measure or not any(measurable_figure(b) for b in item.basis), (council, item.action, item.basis)
            assert not re.match(r"^(Improve|Reduce) \w+ (?:was|were|had|is|are)\b", item.action), item.action


def test_edited_rows_keep_their_own_evidence_when_two_actions_cite_one_finding():
    """ui/drafting.py matched edited rows back by their Sources cell: two actions citing finding [1]
    both left with the last one's evidence in the CSV, Markdown and Word files."""
    from assistant.actions.improvement_plan import ActionItem, ActionPlan
    from assistant.models import Citation
    from ui.drafting import edited_plan, export_files, plan_frame

    text = "286 concerns were awaiting triage. Managers did not have a clear view of the risks."
    cite = Citation(1, "c1", NORTHBRIDGE, "2025-02-12", "Safeguarding", 1, "Systems", text)
    plan = ActionPlan(NORTHBRIDGE, "", "the whole report", "2025-02-12", items=[
        ActionItem("Clear the triage backlog", [cite], ["286 concerns were awaiting triage."], row="r1"),
        ActionItem("Give managers a clear view of the risks", [cite], ["Managers did not have a clear view of the risks."],
                   row="r2"),
    ])
    frame = plan_frame(plan)
    frame.loc[0, "Owner"] = "Head of adult safeguarding"
    edited = edited_plan(plan, frame)
    assert [i.basis for i in edited.items] == [["286 concerns were awaiting triage."],
                                               ["Managers did not have a clear view of the risks."]]
    csv_text = {label: data for label, data, _, _ in export_files(edited)}["CSV"].decode("utf-8-sig")
    assert csv_text.index("Clear the triage backlog") < csv_text.index("286 concerns were awaiting triage.") < \
        csv_text.index("Give managers") < csv_text.index("Managers did not have a clear view")


def test_draft_actions_opens_on_my_council_and_keeps_the_edited_plan_with_the_conversation(monkeypatch, councils_store):
    monkeypatch.setenv("CQC_HOME_AUTHORITY", NORTHBRIDGE)
    at = start_app(monkeypatch, councils_store).at
    choose_mode(at, "Draft actions")
    assert at.selectbox(key="draft_authority").value == NORTHBRIDGE  # was the first council in the list
    at.button(key="draft_button").click()
    run(at)
    plan = at.session_state["draft_plan"]
    assert plan.authority == NORTHBRIDGE and len(plan.items) == 8 and plan.more
    said = " ".join(plain(c.value) for c in at.caption)
    assert f"The report's findings give {len(plan.more)} more action" in said
    at.session_state["draft_table"] = {"edited_rows": {0: {"Owner": "Jo Bloggs, head of safeguarding"}},
                                       "added_rows": [], "deleted_rows": [7]}
    run(at)
    conversation = at.session_state["conversation_id"]
    assert at.query_params["c"] == conversation

    # A reload: the same conversation, its plan as last edited.
    again = AppTest.from_file(APP, default_timeout=180)
    again.query_params["c"] = conversation
    run(again)
    choose_mode(again, "Draft actions")
    kept = again.session_state["draft_plan"]
    assert [i.action for i in kept.items] == [i.action for i in plan.items[:7]]
    assert kept.items[0].owner == "Jo Bloggs, head of safeguarding"
    assert [i.citations for i in kept.items] == [i.citations for i in plan.items[:7]]  # each row its own evidence
    assert again.dataframe[0].value["Owner"][0] == "Jo Bloggs, head of safeguarding"
    chat_mode = choose_mode(again, "Ask")
    assert "Action plan for Northbridge Council" in shown(chat_mode.chat_message[1])

    # The further actions, drafted on request, after the plan as edited.
    choose_mode(again, "Draft actions")
    more = len(kept.more)
    next(b for b in again.button if b.proto.label.startswith(f"Draft {more} more")).click()
    run(again)
    grown = again.session_state["draft_plan"]
    assert len(grown.items) == 7 + more and grown.items[0].owner == "Jo Bloggs, head of safeguarding"
    assert len(again.dataframe[0].value) == 7 + more


# -- item 6: the Word files on A4 ---------------------------------------------------------------------
def test_every_word_file_is_on_a4(councils_assistant, tmp_path):
    from docx import Document
    from docx.shared import Cm

    from assistant.actions.improvement_plan import ActionPlan
    from assistant.papers.briefing import brief, export_briefing
    from assistant.papers.export import export_plan

    entry = next(r for r in councils_assistant.store.reports() if r.authority == NORTHBRIDGE)
    briefing = Document(str(export_briefing(brief(councils_assistant, entry), tmp_path / "briefing.docx"))).sections[0]
    assert (round(briefing.page_width / Cm(1), 1), round(briefing.page_height / Cm(1), 1)) == (21.0, 29.7)  # was Letter
    plan = Document(str(export_plan(ActionPlan(NORTHBRIDGE, "", "the whole report", "2025-02-12"),
                                    tmp_path / "plan.docx"))).sections[0]
    assert (round(plan.page_width / Cm(1), 1), round(plan.page_height / Cm(1), 1)) == (29.7, 21.0)  # landscape A4
