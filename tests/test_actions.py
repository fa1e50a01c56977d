"""Drafting improvement actions: with no model from cited shortfall findings, with a (fake) chat
model checked against what it cites, and the Markdown, CSV and Word exports."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.__main__ import main as assistant_main
from assistant.actions.draft import (
    ActionItem, ActionPlan, ActionsError, draft_actions, measurable_figure, measure_from, shows_shortfall,
)
from assistant.actions.measures import PAST
from assistant.actions.model_draft import parse_actions_reply
from assistant.actions.verbs import ACTION_VERBS
from assistant.check.claims import unsupported_figures
from assistant.evidence.sentences import SHORTFALL
from assistant.models import Answer, Citation
from assistant.papers.export import PLAN_COLUMNS, ExportError, conversation_markdown, export_plan, plan_csv

KINGSMERE = "Kingsmere Metropolitan Borough Council"
EASTHOLM = "Eastholm City Council"
REQUEST = "Draft improvement actions for Kingsmere on safeguarding"


LEANING = re.compile(r"\b(?:this|these|those|some told us|some said|others said|it)\b", re.IGNORECASE)


def assert_grounded(actions: list[dict], authority: str) -> None:
    """Every action cites a finding of the authority whose text holds its basis, and states no
    figure (in the action or its measure) that its cited findings do not; owners are labelled
    suggestions, timescales the report's date or a labelled suggestion."""
    for a in actions:
        assert a["citations"], a
        texts = [c["text"] for c in a["citations"]]
        sources = texts + [c["heading"] for c in a["citations"]]
        assert all(c["authority"] == authority for c in a["citations"]), a
        assert a["basis"] and all(any(b in t for t in texts) for b in a["basis"]), a
        assert not unsupported_figures(a["action"], sources), a
        assert not unsupported_figures(a["measure"], sources), a
        assert a["owner"].endswith("(suggested)"), a
        assert a["timescale"].endswith(("(suggested)", "(from the report)")) or PAST in a["timescale"], a
        if a["timescale"].endswith("(from the report)"):  # a date the cited finding gives
            date = re.sub(r"^(By|From|In|During) ", "", a["timescale"]).removesuffix(" (from the report)")
            assert any(date in t for t in texts), a
        if PAST in a["timescale"]:  # the report's own date, flagged: it had passed when the report was published
            date = a["timescale"].removeprefix("Set a new date: ").removesuffix(f" {PAST}")
            assert any(date in t for t in texts), a


def assert_council_style(actions: list[dict]) -> None:
    """What the issue asks of a plan's wording: each action starts with a verb, restates no
    finding ("Close the gaps in X: <finding>"), leans on no sentence it does not include."""
    for a in actions:
        first = a["action"].split()[0].lower()
        assert first in ACTION_VERBS, a["action"]
        assert ": " not in a["action"] and not a["action"].endswith("."), a["action"]
        assert not LEANING.search(a["action"]), a["action"]
        if a["measure"]:  # a baseline from the report and the direction it should move
            assert a["measure"].startswith(("Reduce from", "Raise from")), a["measure"]
    origins = [a["origin"] for a in actions]
    assert origins == sorted(origins, key=lambda o: o != "planned"), origins  # the report's own plan first


# -- the command the issue names ------------------------------------------------------------------
@pytest.fixture(scope="module")
def kingsmere_cli(corpus_store, tmp_path_factory):
    """The exact command, run once: its exit code, its JSON and the export files it wrote."""
    out = tmp_path_factory.mktemp("exports")
    files = [out / "plan.md", out / "plan.csv", out / "plan.docx"]
    args = ["ask", "--store", str(corpus_store.folder), "--mode", "actions", "--json"]
    for f in files:
        args += ["--export", str(f)]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = assistant_main(args + [REQUEST])
    return code, stdout.getvalue(), files


def test_ask_actions_json_kingsmere_safeguarding(kingsmere_cli, facts):
    code, out, _ = kingsmere_cli
    assert code == 0
    plan = json.loads(out)
    assert plan["authority"] == KINGSMERE
    assert plan["quality_statement"] == "Safeguarding"
    assert plan["report_date"] == facts[KINGSMERE]["published"]
    actions = plan["actions"]
    assert len(actions) >= 4
    assert_grounded(actions, KINGSMERE)
    assert_council_style(actions)
    # First what the report says the council needed to do about safeguarding quality assurance.
    assert actions[0]["origin"] == "planned" and "quality assurance" in actions[0]["action"]
    assert "needed to" in actions[0]["basis"][0]
    # Then its shortfalls turned round: the allocation backlog with its own figure as baseline.
    waiting = [a for a in actions if a["action"] == "Reduce the number of enquiries waiting to be allocated to a practitioner"]
    assert waiting and waiting[0]["measure"].startswith("Reduce from 96 (March 2024)")
    for a in actions:
        if a["origin"] == "shortfall":
            assert a["citations"][0]["quality_statement"] == "Safeguarding", a
            assert any(SHORTFALL.search(b) for b in a["basis"]), a["basis"]
    # Owners follow the subject of each action, not one owner for the whole plan.
    owners = {a["owner"] for a in actions}
    assert len(owners) >= 2, owners
    train = [a for a in actions if a["action"].startswith("Train ")]
    assert train and train[0]["owner"].startswith("Principal Social Worker")


def test_exports_open_with_one_row_per_action(kingsmere_cli):
    from docx import Document

    code, out, (md, csv_path, docx_path) = kingsmere_cli
    assert code == 0
    actions = json.loads(out)["actions"]

    text = md.read_text(encoding="utf-8")
    for a in actions:
        assert a["action"] in text
        assert a["citations"][0]["heading"] in text
    assert "(suggested)" in text and "Report published:** 2024" in text

    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["#", *PLAN_COLUMNS, "Findings cited"]  # the headers the app's table shows
    assert [r["Action"] for r in rows] == [a["action"] for a in actions]
    for row, a in zip(rows, actions):
        assert a["citations"][0]["heading"] in row["Findings cited"] and KINGSMERE in row["Findings cited"]
        assert row["Evidence"] == " / ".join(a["basis"])
        assert row["Measure of success"] == a["measure"]
        assert row["Owner"] == a["owner"] and row["Timescale"] == a["timescale"]

    doc = Document(str(docx_path))
    assert any(KINGSMERE in p.text for p in doc.paragraphs)
    assert any(p.text.startswith("Report published: 2024") for p in doc.paragraphs)
    assert_landscape_table(doc, len(actions))
    assert [row.cells[1].text for row in doc.tables[0].rows[1:]] == [a["action"] for a in actions]


def assert_landscape_table(doc, n_actions: int) -> None:
    """Landscape A4, the app's headers, every column wide enough to read and all within the page."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    usable = section.page_width - section.left_margin - section.right_margin
    table = doc.tables[0]
    assert len(table.rows) == n_actions + 1
    assert [c.text for c in table.rows[0].cells] == ["#", *PLAN_COLUMNS]
    widths = [table.rows[1].cells[i].width for i in range(len(PLAN_COLUMNS) + 1)]
    assert sum(widths) <= usable + Cm(0.1), (sum(widths), usable)
    named = dict(zip(["#", *PLAN_COLUMNS], widths))
    assert named["Action"] >= Cm(5) and named["Evidence"] >= Cm(5) and min(widths[1:]) >= Cm(1.4), named


# -- other authorities and requests: nothing tuned to one question -----------------------------------
def test_second_authority_by_argument_with_statement(corpus_assistant, facts):
    plan = draft_actions(corpus_assistant, authority="Eastholm", quality_statement="Safeguarding")
    assert plan.authority == EASTHOLM and plan.report_date == facts[EASTHOLM]["published"]
    assert len(plan.items) >= 3
    actions = [i.as_json() for i in plan.items]
    assert_grounded(actions, EASTHOLM)
    assert_council_style(actions)
    for item in plan.items:  # under Safeguarding, or the summary's next step about safeguarding
        assert item.citations[0].quality_statement == "Safeguarding" or "safeguarding" in item.action.lower(), item.action


def test_statement_less_request_draws_on_the_whole_report(corpus_assistant, facts):
    plan = draft_actions(corpus_assistant, question="Draft improvement actions for Ashbourne Vale")
    authority = "Ashbourne Vale County Council"
    assert plan.authority == authority and plan.quality_statement == ""
    assert len(plan.items) >= 3
    assert_grounded([i.as_json() for i in plan.items], authority)
    assert_council_style([i.as_json() for i in plan.items])
    statements = {c.quality_statement for i in plan.items for c in i.citations}
    assert len(statements) >= 2, statements  # not confined to one part of the report
    for item in plan.items:
        for c in item.citations:
            if c.score is not None:
                assert c.score == facts[authority]["scores"][c.quality_statement]


def test_authority_named_in_the_request_wins_and_bad_requests_are_named(corpus_assistant):
    plan = draft_actions(corpus_assistant, authority="Eastholm", question="Suggest improvement actions for Severn Marches on assessing needs")
    assert plan.authority == "Severn Marches County Council" and plan.quality_statement == "Assessing needs"
    assert all(i.citations[0].authority == plan.authority for i in plan.items)
    with pytest.raises(ActionsError, match="Name an authority"):
        draft_actions(corpus_assistant, question="Draft improvement actions on safeguarding")
    with pytest.raises(ActionsError, match="No report in the library for 'Nowhere Council'"):
        draft_actions(corpus_assistant, authority="Nowhere Council")
    with pytest.raises(ActionsError, match="Unknown quality statement"):
        draft_actions(corpus_assistant, authority="Kingsmere", quality_statement="Parking")


def test_cli_actions_without_an_authority_exits_2(corpus_store, capsys, tmp_path):
    code = assistant_main(["ask", "--store", str(corpus_store.folder), "--mode", "actions", "Draft improvement actions on safeguarding"])
    assert code == 2 and "Name an authority" in capsys.readouterr().err
    code = assistant_main(["ask", "--store", str(corpus_store.folder), "--mode", "actions", "--authority", "Kingsmere",
                           "--export", str(tmp_path / "plan.pdf"), "Draft improvement actions on safeguarding"])
    err = capsys.readouterr().err
    assert code == 2 and "plan.pdf" in err and ".docx" in err


# -- with a chat model (LangChain's fake models) ---------------------------------------------------
@pytest.fixture(scope="module")
def baseline(corpus_assistant):
    """The plan with no model, falling back to which a failed model plan must give the same."""
    return draft_actions(corpus_assistant, question=REQUEST)


@pytest.fixture(scope="module")
def model_findings(corpus_assistant):
    """The findings as the model is shown them, numbered from 1 (planned first, then shortfalls)."""
    from assistant.actions.draft import plan_evidence, planned_findings
    from assistant.actions.model_draft import model_order

    _, planned, shortfalls, retrieved = plan_evidence(corpus_assistant, question=REQUEST)
    return [f.chunk for f in model_order(planned_findings(planned), shortfalls, retrieved)]


def _figure_in(text: str) -> str:
    return re.search(r"\d+(?:\.\d+)?%|\d[\d,]*", text).group(0)


def test_model_actions_are_checked_against_the_findings_they_cite(corpus_assistant, model_findings):
    first, second = model_findings[:2]
    figure = _figure_in(first.text)
    reply = {"actions": [
        {"action": "Agree and publish thresholds for moving concerns to enquiries [1]", "findings": [1],
         "measure": f"Reduce from {figure}", "owner": "Head of adult safeguarding", "timescale": "6 months"},
        {"action": "Review every case named in finding 99", "findings": [99], "measure": "", "owner": "", "timescale": ""},
        {"action": "Cut the 9,999 open cases to zero", "findings": [2], "measure": "", "owner": "", "timescale": ""},
        {"action": "This needs fixing urgently", "findings": [1], "measure": "", "owner": "", "timescale": ""},
        {"action": "Safeguarding should improve", "findings": [1], "measure": "", "owner": "", "timescale": ""},
        {"action": "Train locality staff on exploitation", "findings": [2, 42], "measure": "Raise to 12345%",
         "owner": "", "timescale": ""},
    ]}
    model = FakeListChatModel(responses=["Here are the actions:\n```json\n" + json.dumps(reply) + "\n```"])
    plan = draft_actions(corpus_assistant, question=REQUEST, chat_model=model, backend_name="fake-model")

    assert plan.backend == "fake-model"
    assert [i.action for i in plan.items] == [
        "Agree and publish thresholds for moving concerns to enquiries", "Train locality staff on exploitation",
    ]
    kept, trained = plan.items
    assert kept.citations[0].chunk_id == first.chunk_id and kept.measure == f"Reduce from {figure}"
    assert kept.owner == "Head of adult safeguarding (suggested)" and kept.timescale == "6 months (suggested)"
    assert kept.basis[0] in first.text
    assert [c.chunk_id for c in trained.citations] == [second.chunk_id]  # [42] resolves to nothing
    assert trained.measure == ""  # a measure with an invented figure is dropped, the action kept
    assert trained.owner.endswith("(suggested)") and trained.timescale.endswith("(suggested)")
    notes = "\n".join(plan.notes)
    assert "[99]" in notes and "9999" in notes and "12345" in notes and "[42]" in notes
    assert "does not start with what to do: This needs fixing urgently" in notes
    assert "does not start with what to do: Safeguarding should improve" in notes
    assert_grounded([i.as_json() for i in plan.items], KINGSMERE)


def test_unusable_model_output_falls_back_to_the_no_model_plan(corpus_assistant, baseline):
    chatty = GenericFakeChatModel(messages=iter([AIMessage(content="Sure! Improve safeguarding and reduce waits.")]))
    plan = draft_actions(corpus_assistant, question=REQUEST, chat_model=chatty, backend_name="fake-model")
    assert plan.backend == baseline.backend
    assert [i.action for i in plan.items] == [i.action for i in baseline.items]
    assert any("no actions as JSON" in n for n in plan.notes)
    assert any("drafted without a model" in n for n in plan.notes)

    # Every action failing its checks is no better than no reply.
    invented = {"actions": [{"action": "Halve the 777 day wait", "findings": [1]}, {"action": "Fix it", "findings": [50]}]}
    plan = draft_actions(corpus_assistant, question=REQUEST, chat_model=FakeListChatModel(responses=[json.dumps(invented)]))
    assert plan.backend == baseline.backend and len(plan.items) == len(baseline.items)
    assert any("777" in n for n in plan.notes) and any("[50]" in n for n in plan.notes)


def test_parse_actions_reply_accepts_what_models_write():
    assert parse_actions_reply('[{"action": "a", "findings": [1]}]') == [{"action": "a", "findings": [1]}]
    assert parse_actions_reply('Sure.\n```json\n{"actions": [{"action": "b"}]}\n```') == [{"action": "b"}]
    assert parse_actions_reply('{"actions": []}') == []
    assert parse_actions_reply("No JSON here") is None
    assert parse_actions_reply('{"actions": "not a list"}') is None


# -- reading shortfalls and figures (sentences written for the test) --------------------------------
def test_shortfall_sentences_and_measures():
    assert shows_shortfall("Partners said decisions about thresholds were not always consistent.")
    assert shows_shortfall("Only 38% of enquiries were completed within the target of 60 working days in 2023/24.")
    assert not shows_shortfall("The council received 3,940 safeguarding concerns in 2023/24.")
    assert not shows_shortfall("The table below shows waits by locality.")
    assert not shows_shortfall("- reducing waiting times for assessments;")

    m = measure_from("Data showed that only 38% of enquiries were completed within the target of 60 working days in 2023/24.")
    assert m.startswith("Raise from 38% (2023/24)")
    m = measure_from("At 31 March 2024, 612 people were waiting for an assessment, and the average wait was 74 days.")
    assert m.startswith("Reduce from 612 (31 March 2024)") and "612 people were waiting" in m
    assert measurable_figure("The timeliness of Section 42 enquiries was an area of concern.") == ""
    assert measure_from("Staff did not always record outcomes.") == ""


# -- exports from plans and conversations built by hand ---------------------------------------------
def _citation(marker: int, text: str, heading: str = "Waiting, lists") -> Citation:
    return Citation(marker, f"r:{marker}", "Testshire Council", "2025-01-02", "Assessing needs", 1, heading, text,
                    quote=text.split(". ")[0])


def test_exports_keep_awkward_text_intact(tmp_path):
    from docx import Document

    c = _citation(1, 'People said "it took, frankly, ages".\nA second line of 40 words.')
    item = ActionItem('Reduce waits, "quickly"', [c], [c.text.splitlines()[0]], "Reduce from 40", "Head of X (suggested)",
                      "3 months (suggested)")
    plan = ActionPlan("Testshire Council", "Assessing needs", "Assessing needs", "2025-01-02", [item], notes=["one note"])
    rows = list(csv.DictReader(io.StringIO(plan_csv(plan))))
    assert len(rows) == 1 and rows[0]["Action"] == 'Reduce waits, "quickly"' and rows[0]["Evidence"] == c.text.splitlines()[0]
    export_plan(plan, tmp_path / "p.docx")
    cells = Document(str(tmp_path / "p.docx")).tables[0].rows[1].cells
    assert cells[1].text == item.action and cells[5].text == "[1]" and cells[6].text == c.text.splitlines()[0]
    md = export_plan(plan, tmp_path / "p.md").read_text(encoding="utf-8")
    assert "> A second line of 40 words." in md and "- one note" in md
    empty = ActionPlan("Testshire Council", "", "the whole report", "")
    assert "No actions" in export_plan(empty, tmp_path / "e.md").read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="p.txt"):
        export_plan(plan, tmp_path / "p.txt")


def test_conversation_markdown_lists_each_answer_with_its_sources():
    first = Answer("How long were waits?", "People waited 74 days [1].", False, [_citation(1, "The average wait was 74 days.")])
    second = Answer("Anything about parking?", "The reports in the library do not say.", True)
    md = conversation_markdown([first, second])
    assert md.index("## 1. How long were waits?") < md.index("## 2. Anything about parking?")
    assert "People waited 74 days [1]." in md
    assert "[1] Testshire Council · Assessing needs (score 1) · Waiting, lists, published 2025-01-02" in md
    assert "> The average wait was 74 days" in md


def test_a_measure_never_takes_the_comma_after_a_figure():
    from assistant.actions.draft import measure_from

    money = measure_from("Leaders reported an overspend of £410,000, which was worrying.")
    assert re.search(r"£410,000[:( ]", money) and "£410,000," not in money, money
    count = measure_from("In March, 1,486, people were still waiting for a review.")
    assert "1,486," not in count and "1,486" in count, count


def test_money_put_in_is_no_measure_of_success_but_an_overspend_is():
    # What was spent or funded is an input; the backlog it had not reduced has no figure here.
    assert measurable_figure("An action plan was in place, with 8 additional posts funded at a cost of £410,000, "
                             "but it had not yet reduced the backlog.") == ""
    assert measure_from("The council invested £1.2m in reablement, but only 61% of people were at home after 91 days."
                        ).startswith("Raise from 61%")
    assert measure_from("The adult social care budget was overspent by £2.1 million in 2023/24.").startswith(
        "Reduce from £2.1 million (2023/24)")


def test_markdown_exports_keep_report_text_inert():
    from assistant.papers.export import plan_markdown

    hostile = 'Waits grew. <script>window.__pwned=1</script> ![x](http://127.0.0.1:9/img) [3](http://evil.example) www.evil.example'
    c = _citation(1, hostile)
    plan = ActionPlan("Testshire Council", "", "Assessing needs", "2025-01-02", [ActionItem(f"Act on: {hostile}", [c], [hostile])])
    answer = Answer("What happened?", f"{hostile} [1]", False, [c])
    for md in (plan_markdown(plan), conversation_markdown([answer])):
        assert not re.findall(r"(?<!\\)<|(?<!\\)\]\(|https?://|www\.", md), md
        assert "window.__pwned=1" in md  # the words are kept, as text
    assert "[1]" in conversation_markdown([answer])  # our own markers stay readable


def test_csv_cells_that_would_run_as_formulas_are_neutralised():
    """Issue 16: a finding (or an edit) starting with = + - @, a tab or a carriage return reaches a
    spreadsheet as text, never as a live formula; ordinary text and our own headers are unchanged."""
    hostile = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    c = _citation(1, "A finding.")
    items = [ActionItem(h, [c], [h], measure=h, owner=h, timescale=h) for h in hostile]
    plan = ActionPlan("Testshire Council", "", "Assessing needs", "2025-01-02", items)
    rows = list(csv.reader(io.StringIO(plan_csv(plan))))
    assert rows[0][:2] == ["#", "Action"]
    for row, h in zip(rows[1:], hostile):
        for cell in row[1:6]:  # action, owner, timescale, measure, sources ("[1]", left alone) ...
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
        assert row[1] == "'" + h  # ... the text itself kept whole, behind the apostrophe
    plain = ActionItem("Reduce waits", [c], ["A finding."])
    assert list(csv.reader(io.StringIO(plan_csv(ActionPlan("T", "", "t", "", [plain])))))[1][1] == "Reduce waits"


def test_action_wording_rules_turn_shortfalls_round():
    """Sentences written for the test: each shortfall gives the action that answers it, verb first;
    a sentence that leans on another gives none."""
    from assistant.actions.shortfall_wording import shortfall_wording
    from assistant.actions.wording import leans_on_another, planned_wordings

    cases = {
        "At the end of June 2025, 140 referrals were waiting to be screened by the duty team.":
            "Reduce the number of referrals waiting to be screened by the duty team",
        "Only 41% of carers were offered a review within a year.": "Increase the proportion of carers offered a review within a year",
        "Partners told us they did not always receive minutes of the panel.": "Make sure partners always receive minutes of the panel",
        "The carers strategy had expired in 2021 and had not been refreshed.": "Refresh the carers strategy",
        "There was no agreed protocol for hospital discharge at weekends.": "Put in place an agreed protocol for hospital discharge at weekends",
        "Planning for discharge started too late.": "Start planning for discharge earlier",
        "Staff in two teams told us they had not received training on mental capacity.": "Train staff in two teams on mental capacity",
    }
    for sentence, action in cases.items():
        wording = shortfall_wording(sentence)
        assert wording is not None and wording.action == action, (sentence, wording)
    assert shortfall_wording("This was lower than in similar areas.") is None
    assert leans_on_another("This was lower than in similar areas.") and leans_on_another("Some told us they waited.")
    planned = planned_wordings("Next steps included recruiting 6 social workers by May 2026 and publishing a carers strategy.")
    assert [(w.action, w.timescale) for w in planned] == [
        ("Recruit 6 social workers by May 2026", "May 2026"), ("Publish a carers strategy", "")]
    needed = planned_wordings("To improve, the council needed to reduce its reliance on agency staff and update its "
                              "safeguarding procedures.")
    assert [w.action for w in needed] == ["Reduce the council's reliance on agency staff",
                                          "Update the council's safeguarding procedures"]
