"""The Streamlit app, driven headless with AppTest over a store holding the three demo reports.

Each mode (Ask, Compare, Draft actions, Library), the filters and their chips, upload, removal,
exports and feedback. The browser tests in tests/e2e/ cover what AppTest cannot see: links,
the heatmap's clicks, and that nothing in a report runs or loads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from config import Settings, get_settings

from streamlit.testing.v1 import AppTest

from assistant.models import NOT_IN_REPORTS
from database import LOCAL
from tests.fakes import Upload as FakeUpload
from vectorstore.store import copy_library

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DEMO = ROOT / "demo_reports"
AUTHORITIES = ["Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council"]

# A figure from demo_reports/larkbridge.html, "Timeliness of assessments, care planning and reviews".
QUESTION = "How many people were waiting for a Care Act assessment in Larkbridge?"
SENTENCE = ("On 30 September 2024 the Care Act assessment waiting list held 187 people, "
            "who had waited an average of 23 days since first contact.")
HOSTILE = ('<script>window.__pwned=1</script> <img src="http://127.0.0.1:9/x"> ![x](http://127.0.0.1:9/md) '
           "[link](http://x) **bold** $x$ :red[y] # h www.example.org someone@example.org")


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it: escapes, bold, highlights and marker links undone."""
    text = re.sub(r'\[\\\[(\d+)\\\]\]\(#[a-z0-9-]+(?: "[^"]*")?\)', r"[\1]", markdown)  # [\[1\]](#src-... "preview") -> [1]
    text = re.sub(r':color\[(.*?)\]\{background="#[0-9a-f]+"\}', r"\1", text, flags=re.S)
    return unescape(text.replace("**", "").replace("\u2060", ""))


def inert_violations(markdown: str) -> list[str]:
    """Constructs that would render from report text: an unescaped <, a link or image to a URL,
    emphasis, maths or a directive. Backslash-escaped characters render as themselves."""
    unescaped = r"(?<!\\)<|(?<!\\)\]\((?!#)|(?<!\\)\*\*bold|(?<!\\)\$x|(?<!\\):red"
    autolinks = r"https?\\?://|www\\?\.|@example"  # bare URLs and emails become links even when escaped
    return re.findall(f"{unescaped}|{autolinks}", markdown)


def shown(block) -> str:
    return "\n".join(plain(str(e.value)) for kind in ("markdown", "info", "text", "caption") for e in getattr(block, kind))


# App mechanics: the fake embedder, except where a test is marked real_model (its answer's wording
# depends on the real model's ranking).
pytestmark = pytest.mark.usefixtures("fake_embedder")


def _demo_store(folder: Path) -> Path:
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    store = LibraryStore(Settings(store_dir=folder))
    summary = ingest_paths(sorted(DEMO.iterdir()), store)
    assert len(summary.reports) == 3 and not summary.failed, summary.lines()
    store.close()
    return folder


@pytest.fixture(scope="module")
def fake_demo_store(tmp_path_factory, fake_model) -> Path:
    from tests.fake_embedder import using_fake_embedder

    with using_fake_embedder(fake_model):
        return _demo_store(tmp_path_factory.mktemp("app-store") / "store")


@pytest.fixture(scope="module")
def real_demo_store(tmp_path_factory) -> Path:
    return _demo_store(tmp_path_factory.mktemp("app-store-real-model") / "store")


@pytest.fixture()
def demo_store(request) -> Path:
    """The three demo reports: embedded by the fake, or by the real model for a real_model test."""
    real = request.node.get_closest_marker("real_model")
    return request.getfixturevalue("real_demo_store" if real else "fake_demo_store")


@dataclass
class Running:
    at: AppTest
    feedback: Path


def start_app(monkeypatch, folder: Path) -> Running:
    feedback = folder.parent / "feedback-test.jsonl"
    feedback.unlink(missing_ok=True)
    monkeypatch.setenv("CQC_STORE_DIR", str(folder))
    monkeypatch.setenv("CQC_FEEDBACK_FILE", str(feedback))
    get_settings.cache_clear()  # nothing may keep a store folder from an earlier test
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return Running(at, feedback)


def forget_conversations(store_dir: Path) -> None:
    with database_of(store_dir).writing() as conn:
        conn.exec_driver_sql("DELETE FROM conversations")


def database_of(store_dir: Path):
    """The database the app uses for a store folder (SQLite beside it, unless CQC_DATABASE_URL says otherwise)."""
    from database import Database

    return Database.for_settings(Settings(store_dir=store_dir))


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question)
    return run(at)


def mode_control(at: AppTest):
    """The mode switch (its key changes when code switches the mode, so it is found by its label)."""
    (control,) = [w for w in at.segmented_control if w.label == "Mode"]
    return control


def choose_mode(at: AppTest, mode: str) -> AppTest:
    mode_control(at).set_value(mode)
    return run(at)


def answer_markdown_of(message) -> str:
    return plain(message.markdown[0].value)


# -- Ask ---------------------------------------------------------------------------------------
def test_sidebar_lists_the_demo_reports_and_offers_filters(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    sidebar = "\n".join(plain(m.value) for m in at.sidebar.markdown)
    for authority, rating, score in [
        ("Larkbridge Borough Council", "Good", "72/100"),
        ("Fenmarsh County Council", "Requires improvement", "47/100"),
        ("Oakhurst City Council", "Outstanding", "92/100"),
    ]:
        assert re.search(rf"{authority}\s+\S+ · {rating} · {score}", sidebar), sidebar
    assert at.sidebar.multiselect(key="authorities").options == AUTHORITIES
    assert "Safeguarding" in at.sidebar.multiselect(key="statements").options
    assert len(at.sidebar.multiselect(key="themes").options) == 4
    assert at.sidebar.slider(key="score_range").value == (0, 100)
    assert at.sidebar.date_input(key="date_range").value == (date(2024, 9, 4), date(2025, 3, 12))
    assert mode_control(at).options == ["Ask", "Compare", "Draft actions", "Measures", "Library"]


@pytest.mark.real_model
def test_question_shows_answer_linked_to_source_cards_and_follow_up(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    ask(at, QUESTION)
    reply = at.chat_message[1]
    raw = reply.markdown[0].value
    assert "187 people" in answer_markdown_of(reply) and "[1]" in answer_markdown_of(reply)
    link = re.search(r'\[\\\[1\\\]\]\(#(src-[a-z0-9-]+) "([^"]+)"\)', raw)
    assert link, raw  # the marker is a link to its card, with a preview of the finding on hover ...
    assert link[2].startswith("[1] Larkbridge Borough Council · Assessing needs: On 30 September 2024")
    anchors = [m.value for m in reply.markdown if m.value.startswith("<div id=")]
    assert f'<div id="{link[1]}" class="source-anchor"></div>' in anchors  # ... and the card carries that id
    card = shown(reply)
    assert "[1] Larkbridge Borough Council · Assessing needs (score 3)" in card
    assert "Timeliness of assessments, care planning and reviews" in card  # heading
    assert SENTENCE in card
    highlighted = ':color[**' + SENTENCE.replace(".", "\\.") + '**]{background="#fff0a0"}'
    assert any(highlighted in m.value for m in reply.markdown)  # the cited sentence is highlighted
    assert "Where: larkbridge.html" in card
    downloads = [b for b in reply.get("download_button") if b.proto.label.startswith("Download")]
    assert downloads and "HTML" in downloads[0].proto.label
    assert any(b.proto.label == "Open in the original" for b in reply.button)  # the viewer, at the cited section
    assert "Quoted from the reports" in card and "extractive" not in card
    assert ":blue-badge[Authority\\: Larkbridge Borough Council]" in [m.value for m in reply.markdown]  # chip

    # The follow-up is rewritten from the earlier question, which the app passes as history.
    ask(at, "And in Fenmarsh?")
    assert len(at.chat_message) == 4  # both turns survive the rerun
    assert "1,274 people" in answer_markdown_of(at.chat_message[3])
    assert "Fenmarsh County Council" in shown(at.chat_message[3])


def test_question_the_reports_do_not_answer(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    ask(at, "What do the reports say about dental surgeries for pets?")
    assert [plain(i.value) for i in at.chat_message[1].info] == [NOT_IN_REPORTS]


def test_example_question_is_asked_when_clicked(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    pills = at.button_group(key="example")
    pills.set_value(pills.options[0])
    run(at)
    assert plain(at.chat_message[0].text[0].value) == pills.options[0]
    assert len(at.chat_message) == 2


STREAM_SCRIPT = """
import streamlit as st
from assistant.models import Answer
from ui.chat import answer_now
from cqc.records import SearchFilter

class Stream:
    def __init__(self):
        self.answer = None
    def __iter__(self):
        yield "Waits fell to **23 days** "
        yield "<img src=x> [1]"
        self.answer = Answer("q", "Waits fell to 23 days [1]", False, kind="extractive")

class Streaming:
    def stream(self, question, history=None, scope=None):
        return Stream()
    def ask(self, *args, **kwargs):
        raise AssertionError("ask() while stream() is there")

class AskOnly:
    def ask(self, question, history=None, scope=None):
        return Answer(question, "From ask [1]", False)

assistant = Streaming() if st.session_state.get("streaming", True) else AskOnly()
st.session_state["result"] = answer_now(assistant, "q", [], SearchFilter())
"""


def test_answers_stream_escaped_then_the_checked_answer_is_kept():
    at = AppTest.from_string(STREAM_SCRIPT, default_timeout=30)
    run(at)
    assert at.session_state["result"].answer == "Waits fell to 23 days [1]"  # the stream's final answer
    streamed = at.markdown[0].value
    assert "\\*\\*23 days\\*\\*" in streamed and "\\<img" in streamed  # pieces shown as text
    # Without stream() (an older assistant) the app asks and shows the answer in one go.
    at.session_state["streaming"] = False
    run(at)
    assert at.session_state["result"].answer == "From ask [1]"


# -- filters -----------------------------------------------------------------------------------
def test_filters_restrict_the_answer_and_show_as_chips(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    at.sidebar.multiselect(key="statements").set_value(["Safeguarding"])
    at.sidebar.slider(key="score_range").set_value((40, 80))  # Fenmarsh 47 and Larkbridge 72, not Oakhurst 92
    at.sidebar.date_input(key="date_range").set_value((date(2024, 9, 4), date(2024, 12, 31)))  # Fenmarsh only
    run(at)
    ask(at, "How quickly are safeguarding concerns screened?")
    reply = at.chat_message[1]
    cards = [plain(m.value) for m in reply.markdown if m.value.startswith("**\\[")]
    assert cards, shown(reply)
    assert all("Fenmarsh County Council · Safeguarding" in c for c in cards), cards
    chips = [m.value for m in reply.markdown if ":blue-badge[" in m.value]
    assert chips and "Quality statement\\: Safeguarding" in chips[0]
    assert "Overall score 40–80" in plain(chips[0]) and "Published 2024-09-04 to 2024-12-31" in plain(chips[0])


def test_filters_that_leave_no_report_say_so_instead_of_searching_everything(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    at.sidebar.slider(key="score_range").set_value((95, 100))  # no demo report scores that high
    run(at)
    ask(at, "How long do people wait for an assessment?")
    assert "No report matches" in at.warning[0].value
    assert len(at.chat_message) == 0


# -- Compare -----------------------------------------------------------------------------------
def test_compare_answers_each_authority_in_its_own_column(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    choose_mode(at, "Compare")
    assert at.multiselect(key="compare_authorities").value == AUTHORITIES
    at.multiselect(key="compare_authorities").set_value(["Fenmarsh County Council", "Oakhurst City Council"])
    run(at)
    ask(at, "How long do people wait for a Care Act assessment?")
    reply = at.chat_message[1]
    columns = [c for c in reply.columns if c.markdown and c.markdown[0].value.startswith("##### ")]
    assert [plain(c.markdown[0].value) for c in columns] == ["##### Fenmarsh County Council", "##### Oakhurst City Council"]
    for column, authority in zip(columns, ["Fenmarsh County Council", "Oakhurst City Council"]):
        cards = [plain(m.value) for m in column.markdown if m.value.startswith("**\\[")]
        assert cards and all(authority in c for c in cards), cards  # each column answers from its own report
    assert len(at.feedback) == 1  # one judgement for the whole comparison


def test_compare_needs_two_authorities(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    choose_mode(at, "Compare")
    at.multiselect(key="compare_authorities").set_value(["Fenmarsh County Council"])
    run(at)
    assert "at least two" in at.info[0].value
    assert at.chat_input(key="question").proto.disabled


# -- Draft actions -----------------------------------------------------------------------------
def test_draft_actions_gives_an_editable_table_and_exports(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    choose_mode(at, "Draft actions")
    at.selectbox(key="draft_authority").set_value("Fenmarsh County Council")
    at.selectbox(key="draft_statement").set_value("Safeguarding")
    at.button(key="draft_button").click()
    run(at)
    table = at.dataframe
    assert table, "no action table"
    frame = table[0].value
    assert list(frame.columns)[:4] == ["Action", "Owner", "Timescale", "Measure of success"]
    assert len(frame) >= 1 and all(frame["Sources"].str.match(r"^\[\d+\]"))  # every action cites a finding
    assert all(frame["Owner"].str.endswith("(suggested)"))
    labels = {b.proto.label: b for b in at.get("download_button")}
    assert {"CSV", "Word", "Markdown"} <= set(labels)
    state = at.session_state["draft_plan"]
    assert state.authority == "Fenmarsh County Council" and state.quality_statement == "Safeguarding"
    assert all(c.authority == "Fenmarsh County Council" for i in state.items for c in i.citations)


def test_edited_plan_follows_the_table():
    import pandas as pd

    from assistant.actions.draft import ActionItem, ActionPlan
    from assistant.models import Citation
    from ui.drafting import edited_plan, export_files, plan_frame

    cite = Citation(1, "c1", "Fenmarsh County Council", "2024-09-04", "Safeguarding", 1, "Backlog", "A backlog of 240 concerns.",
                    quote="A backlog of 240 concerns.")
    plan = ActionPlan("Fenmarsh County Council", "Safeguarding", "Safeguarding", "2024-09-04", items=[
        ActionItem("Clear the backlog", [cite], ["A backlog of 240 concerns."], "", "Head of safeguarding (suggested)",
                   "3 months (suggested)"),
    ])
    frame = plan_frame(plan)
    frame.loc[0, "Owner"] = "Jo Bloggs, safeguarding lead"
    frame = pd.concat([frame, pd.DataFrame([{"Action": "Report progress to the board", "Sources": ""}])], ignore_index=True)
    edited = edited_plan(plan, frame)
    assert [i.action for i in edited.items] == ["Clear the backlog", "Report progress to the board"]
    assert edited.items[0].owner == "Jo Bloggs, safeguarding lead" and edited.items[0].citations == [cite]
    assert edited.items[1].citations == []  # an added row cites nothing
    assert plan.items[0].owner == "Head of safeguarding (suggested)"  # the draft itself is untouched
    files = {label: data for label, data, _, _ in export_files(edited)}
    assert "Jo Bloggs, safeguarding lead" in files["CSV"].decode("utf-8-sig")
    assert files["Word"][:2] == b"PK"  # a .docx is a zip
    assert "Report progress to the board" in files["Markdown"].decode()


# -- Library -----------------------------------------------------------------------------------
def test_library_view_lists_reports_and_heatmap_cell_filters_the_chat(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    choose_mode(at, "Library")
    reports = at.dataframe[0].value
    assert list(reports["Authority"]) == AUTHORITIES
    assert list(reports["Overall score"]) == [47, 72, 92]
    assert list(reports["Rating"]) == ["Requires improvement", "Good", "Outstanding"]
    assert at.get("vega_lite_chart"), "no heatmap"
    # Its text alternative: the same scores as a table under an expander (a real HTML table).
    assert any(e.label == "The scores as a table" for e in at.expander)
    scores = at.table[0].value
    assert list(scores.columns) == AUTHORITIES and len(scores) == 9
    assert scores.loc["Safeguarding", "Fenmarsh County Council"] == "1\\: significant shortfalls"  # escaped Markdown

    # The heatmap's pointer-free twin: the same callback a clicked cell runs.
    at.selectbox(key="pick_authority").set_value("Fenmarsh County Council")
    at.selectbox(key="pick_statement").set_value("Safeguarding")
    run(at)
    at.button(key="pick_button").click()
    run(at)
    assert mode_control(at).value == "Ask"
    assert at.sidebar.multiselect(key="authorities").value == ["Fenmarsh County Council"]
    assert at.sidebar.multiselect(key="statements").value == ["Safeguarding"]
    # A toast (in view wherever the page was scrolled) and the scope banner above the chat.
    assert "Filtered to Fenmarsh County Council · Safeguarding" in plain(at.toast[0].value)
    banner = "\n".join(plain(m.value) for m in at.markdown)
    assert "Answers only from:" in banner and "Authority: Fenmarsh County Council" in banner


def test_briefing_on_a_report_shows_its_scores_and_cited_summaries(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    choose_mode(at, "Library")
    choice = at.selectbox(key="brief_choice")
    fenmarsh = next(o for o in choice.options if o.startswith("Fenmarsh County Council"))
    choice.set_value(fenmarsh)
    next(b for b in at.button if b.proto.label == "Write the briefing").click()
    run(at)
    text = "\n".join(plain(m.value) for m in at.markdown)
    assert "Briefing: Fenmarsh County Council" in text and "out of 100" in text
    scores = next(d.value for d in at.dataframe if "Quality statement" in d.value.columns)
    assert len(scores) == 9
    assert scores.set_index("Quality statement")["Score"]["Safeguarding"] == 1
    for title in ("What people said", "Strengths", "Areas for development", "Next steps"):
        assert title in text
    b = at.session_state["briefing"]
    assert all(c.authority == "Fenmarsh County Council" for s in b.sections for c in s.answer.citations)
    assert any(s.answer.citations for s in b.sections)
    labels = {btn.proto.label for btn in at.get("download_button")}
    assert {"Download DOCX", "Download MD"} <= labels


def test_heatmap_frame_holds_nine_scores_per_authority(demo_store):
    from ui.heatmap import STATEMENTS, heatmap_chart, heatmap_frame
    from vectorstore.store import LibraryStore

    store = LibraryStore(Settings(store_dir=demo_store))
    frame = heatmap_frame(store.reports())
    assert len(frame) == 27 and set(frame["statement"]) == set(STATEMENTS)
    fenmarsh = frame[frame.authority == "Fenmarsh County Council"].set_index("statement")["score"]
    assert fenmarsh["Safeguarding"] == 1 and fenmarsh["Partnerships and communities"] == 3
    spec = heatmap_chart(frame).to_dict()
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert [p["name"] for p in params] == ["cell"]  # the selection Streamlit returns on click
    assert params[0]["select"]["fields"] == ["authority", "statement"]


def test_remove_a_report(monkeypatch, demo_store, tmp_path):
    copy = tmp_path / "store"
    copy_library(demo_store, copy)
    at = start_app(monkeypatch, copy).at
    choose_mode(at, "Library")
    choice = at.selectbox(key="remove_choice")
    fenmarsh = next(o for o in choice.options if o.startswith("Fenmarsh County Council"))
    choice.set_value(fenmarsh)
    next(b for b in at.button if b.proto.label == "Remove report").click()  # not ticked: nothing removed
    run(at)
    assert "tick the box" in at.warning[0].value
    at.selectbox(key="remove_choice").set_value(fenmarsh)
    at.checkbox(key="remove_sure").check()
    next(b for b in at.button if b.proto.label == "Remove report").click()
    run(at)
    assert "Removed Fenmarsh County Council, published 2024-09-04" in plain(at.toast[0].value)
    assert at.sidebar.multiselect(key="authorities").options == AUTHORITIES[1:]
    from vectorstore.store import LibraryStore

    assert [r.authority for r in LibraryStore(Settings(store_dir=copy)).reports()] == AUTHORITIES[1:]


# -- upload ------------------------------------------------------------------------------------
def test_save_uploads_keeps_files_inside_the_uploads_folder(tmp_path):
    from database import LOCAL, Database
    from library.changes import save_uploads

    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    uploads = tmp_path / "deep" / "uploads"
    outside = tmp_path / "outside.md"
    uploads.mkdir(parents=True)
    (uploads / "planted.md").symlink_to(outside)  # a link left in the folder must not be written through
    saved = save_uploads([FakeUpload("../../evil.md", b"x"), FakeUpload("..\\..\\win.md", b"x"),
                          FakeUpload("..", b"x"), FakeUpload(".env", b"x"), FakeUpload("/etc/passwd", b"x"),
                          FakeUpload("planted.md", b"x"), FakeUpload("report.md", b"y")], database, uploads, LOCAL)
    names = [p.name for p in saved.paths]
    assert {"evil.md", "win.md", "passwd", "report.md"} <= set(names)
    assert all(p.parent == uploads and not p.name.startswith(".") for p in saved.paths)
    assert [name for name, _ in saved.refused] == ["planted.md"] and not outside.exists()
    assert not (tmp_path / "evil.md").exists() and not (tmp_path / "deep" / "evil.md").exists()
    # The database holds exactly what was saved: the refused file is not kept there either.
    assert sorted(u.name for u in database.uploads.list()) == sorted(names)


def test_upload_handler_ingests_and_names_bad_files(tmp_path):
    from database import LOCAL, Database
    from library.changes import LibraryChanges
    from vectorstore.store import LibraryStore

    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    steps = []
    summary = LibraryChanges(store, database, LOCAL).upload(
        [FakeUpload("fenmarsh.md", (DEMO / "fenmarsh.md").read_bytes()), FakeUpload("notes.docx", b"PK")],
        lambda done, total, name: steps.append((done, total)))
    assert [r.authority for r in summary.reports] == ["Fenmarsh County Council"]
    problems = {Path(e.path).name: e.problem for e in summary.failed}
    assert "unsupported file type" in problems["notes.docx"]
    assert steps[-1][0] == steps[-1][1]  # the progress bar reaches the end
    assert [r.authority for r in store.reports()] == ["Fenmarsh County Council"]
    # A file that could not be read is not kept; the change is on the record, with its outcome.
    assert [u.name for u in database.uploads.list()] == ["fenmarsh.md"]
    assert not (tmp_path / "store" / "uploads" / "notes.docx").exists()
    (entry,) = database.audit.recent()
    assert (entry.actor, entry.action, entry.target) == ("local", "upload", "fenmarsh.md, notes.docx")
    assert "Fenmarsh County Council 2024-09-04: " in entry.outcome and "notes.docx: failed" in entry.outcome


def test_empty_library_explains_and_uploads(monkeypatch, tmp_path):
    at = start_app(monkeypatch, tmp_path / "empty" / "store").at
    assert "python -m ingest PATH..." in at.info[0].value and "Upload" in at.info[0].value
    assert len(at.chat_input) == 0
    at.get("file_uploader")[0].set_value(("fenmarsh.md", (DEMO / "fenmarsh.md").read_bytes(), "text/markdown"))
    next(b for b in at.button if b.proto.label == "Add to library").click()
    run(at)
    assert "Added 1 report: Fenmarsh County Council." in plain(at.success[0].value)
    assert at.sidebar.multiselect(key="authorities").options == ["Fenmarsh County Council"]
    assert (tmp_path / "empty" / "store" / "uploads" / "fenmarsh.md").exists()


# -- exports and feedback ----------------------------------------------------------------------
def test_conversation_export_and_feedback(monkeypatch, demo_store):
    running = start_app(monkeypatch, demo_store)
    at = ask(running.at, QUESTION)
    export = at.sidebar.get("download_button")
    assert export and export[0].proto.label == "Export this conversation (Markdown)"
    from ui.exports import conversation_markdown

    markdown = conversation_markdown(at.session_state["turns"])
    assert QUESTION.replace("?", "") in unescape(markdown)
    assert "187 people" in markdown and "Larkbridge Borough Council · Assessing needs (score 3)" in unescape(markdown)

    at.feedback[0].set_value(1)
    run(at)
    lines = [r.as_json() for r in database_of(demo_store).feedback.mine(LOCAL)]
    assert len(lines) == 1
    record = lines[0]
    assert record["rating"] == "up" and record["question"] == QUESTION and "187 people" in record["answer"]
    answer = at.session_state["turns"][0].answers[""]
    assert record["chunk_ids"] == [c.chunk_id for c in answer.citations] and record["time"]
    assert record["owner"] == "local"  # who gave it

    at.text_input(key=f"fbc-{record['answer_id']}").input("Exactly the figure I needed")
    next(b for b in at.button if b.proto.label == "Send comment").click()
    run(at)
    lines = [r.as_json() for r in database_of(demo_store).feedback.mine(LOCAL)]
    assert lines[-1]["comment"] == "Exactly the figure I needed" and lines[-1]["rating"] == "up"
    assert "your comment was saved" in shown(at)


# -- safe rendering ----------------------------------------------------------------------------
def test_report_text_cannot_render_as_markdown_or_html():
    from ui.safe import anchor_id, answer_markdown, finding_markdown

    out = answer_markdown(f"{HOSTILE} [1]\n- **A & B**: {HOSTILE} [2]", link=lambda n: f"#src-t-0-{n}")
    assert not inert_violations(out)
    assert "[\\[1\\]](#src-t-0-1)" in out and "- **A \\& B**: " in out
    assert plain(out.split("\n\n")[0]) == f"{HOSTILE} [1]"  # shown as typed, not rendered
    card = finding_markdown(f"Before. {HOSTILE} After.", HOSTILE)
    assert not inert_violations(card) and plain(card) == f"Before. {HOSTILE} After."
    assert anchor_id("src", '"><script>', 1) == "src-script-1"  # only [a-z0-9-] reach the id attribute


def test_exported_conversation_keeps_report_text_inert():
    from assistant.models import Answer, Citation
    from ui.chat import ASK, ChatTurn
    from ui.exports import conversation_markdown

    cite = Citation(1, "c1", "Quillmoor", "2024-01-01", "Safeguarding", 2, "Heading", HOSTILE, quote=HOSTILE, source="/x/q.md")
    turn = ChatTurn("What happened?", ASK, {"": Answer("What happened?", f"{HOSTILE} [1]", False, [cite])})
    markdown = conversation_markdown([turn])
    # Nothing that fetches, runs or links; emphasis may stay (the file is meant to be readable as text).
    assert not re.findall(r"(?<!\\)<|(?<!\\)\]\(|https?://|www\.|@example", markdown)
    assert "window.__pwned=1" in markdown  # the report's words are all there, as text
    assert "Quillmoor · Safeguarding (score 2) · Heading" in unescape(markdown)


# -- scope you can see -----------------------------------------------------------------------------
def later_report(folder: Path, name: str = "Quillmoor", published: str = "2 June 2025") -> Path:
    """Fenmarsh's demo report re-issued as another council, published after every demo report."""
    text = (DEMO / "fenmarsh.md").read_text().replace("Fenmarsh", name).replace("4 September 2024", published)
    text = text.replace("1,274 people", "2,318 people")
    path = folder / f"{name.lower()}.md"
    path.write_text(text)
    return path


def test_date_filter_follows_the_library_after_an_upload(monkeypatch, demo_store, tmp_path):
    """Issue 15: the "Published between" range was the library's as it was; a report uploaded with
    a later date was then filtered out and questions about it answered "do not say"."""
    copy = tmp_path / "store"
    copy_library(demo_store, copy)
    at = start_app(monkeypatch, copy).at
    assert at.sidebar.date_input(key="date_range").value == (date(2024, 9, 4), date(2025, 3, 12))
    choose_mode(at, "Library")
    path = later_report(tmp_path)
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "text/markdown"))
    next(b for b in at.button if b.proto.label == "Add to library").click()
    run(at)
    assert "Added 1 report: Quillmoor County Council." in plain(at.success[0].value)
    assert at.sidebar.date_input(key="date_range").value == (date(2024, 9, 4), date(2025, 6, 2))
    choose_mode(at, "Ask")
    assert not [m for m in at.markdown if "Answers only from" in m.value]  # no filter is active
    ask(at, "How many people were waiting for a Care Act assessment in Quillmoor?")
    assert "2,318 people" in answer_markdown_of(at.chat_message[1])

    # The same file again changes nothing, and says so.
    choose_mode(at, "Library")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "text/markdown"))
    next(b for b in at.button if b.proto.label == "Add to library").click()
    run(at)
    assert "Already in the library, unchanged: Quillmoor County Council." in plain(at.success[0].value)


def test_a_narrowed_date_range_is_kept_shown_in_the_banner_and_cleared(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    at.sidebar.date_input(key="date_range").set_value((date(2024, 9, 4), date(2024, 12, 31)))
    at.sidebar.multiselect(key="statements").set_value(["Safeguarding"])
    run(at)
    banner = "\n".join(plain(m.value) for m in at.markdown if "Answers only from" in m.value)
    assert "Quality statement: Safeguarding" in banner and "Published 2024-09-04 to 2024-12-31" in banner
    assert "1 of the 3 authorities in the library are in scope." in banner
    at.button(key="clear_filters").click()
    run(at)
    assert at.sidebar.date_input(key="date_range").value == (date(2024, 9, 4), date(2025, 3, 12))
    assert at.sidebar.multiselect(key="statements").value == []
    assert not [m for m in at.markdown if "Answers only from" in m.value]


@pytest.mark.real_model
def test_my_council_defaults_from_the_environment_and_answers_our_questions(monkeypatch, demo_store):
    monkeypatch.setenv("CQC_HOME_AUTHORITY", "larkbridge")
    at = start_app(monkeypatch, demo_store).at
    assert at.sidebar.selectbox(key="home_authority").value == "Larkbridge Borough Council"
    ask(at, "How many people were waiting for a Care Act assessment in our area?")
    reply = at.chat_message[1]
    cards = [plain(m.value) for m in reply.markdown if m.value.startswith("**\\[")]
    assert cards and all("Larkbridge Borough Council" in c for c in cards), cards
    assert "187 people" in answer_markdown_of(reply)



@pytest.mark.real_model
def test_a_question_with_invisible_or_look_alike_letters_finds_the_council(monkeypatch, demo_store):
    """Issue 27, item 8: the chat reads a question as ingest reads a report. A zero-width space and
    a Cyrillic i inside "Larkbridge" still find Larkbridge, and the question is shown and kept as
    the text a person sees. (A lone surrogate cannot reach the app: Streamlit carries the chat input
    as UTF-8, which cannot hold one.)"""
    at = start_app(monkeypatch, demo_store).at
    ask(at, QUESTION.replace("Larkbridge", "Lark\u200bbr\u0456dge"))
    assert plain(at.chat_message[0].text[0].value) == QUESTION
    reply = at.chat_message[1]
    cards = [plain(m.value) for m in reply.markdown if m.value.startswith("**\\[")]
    assert cards and all("Larkbridge Borough Council" in c for c in cards), cards
    assert "187 people" in answer_markdown_of(reply)
    assert at.session_state["turns"][0].question == QUESTION

# -- conversations that last -----------------------------------------------------------------------
@pytest.mark.real_model
def test_conversation_is_kept_and_reopened_after_a_restart(monkeypatch, demo_store, tmp_path):
    copy = tmp_path / "store"
    copy_library(demo_store, copy)
    forget_conversations(copy)  # no other test's conversations
    at = start_app(monkeypatch, copy).at
    ask(at, QUESTION)
    conversation_id = at.session_state["conversation_id"]
    assert at.query_params["c"] == conversation_id  # a reload of this page reopens it
    from ui.conversation_store import ConversationStore

    kept = ConversationStore(database_of(copy), LOCAL)
    saved = kept.load(conversation_id)
    assert saved and saved.owner == "local" and saved.turns[0]["question"] == QUESTION

    # A new browser session (a reload, or the app restarted) with the page's address.
    again = AppTest.from_file(APP, default_timeout=180)
    again.query_params["c"] = conversation_id
    run(again)
    assert len(again.chat_message) == 2 and "187 people" in answer_markdown_of(again.chat_message[1])
    card = shown(again.chat_message[1])
    assert "[1] Larkbridge Borough Council · Assessing needs (score 3)" in card  # sources come back too

    # Without the address: a new conversation, the old one listed in the sidebar to reopen.
    fresh = run(AppTest.from_file(APP, default_timeout=180))
    assert len(fresh.chat_message) == 0
    fresh.sidebar.button(key=f"open-{conversation_id}").click()
    run(fresh)
    assert len(fresh.chat_message) == 2

    fresh.sidebar.text_input(key=f"rename-{conversation_id}").input("Larkbridge waits for the board")
    run(fresh)
    assert [s.title for s in kept.list()] == ["Larkbridge waits for the board"]
    fresh.sidebar.button(key=f"delete-{conversation_id}").click()
    run(fresh)
    assert kept.load(conversation_id) is None and len(fresh.chat_message) == 0


def test_conversation_store_ignores_ids_that_are_not_its_own(tmp_path):
    from database import Database, Person, Role
    from ui.conversation_store import ConversationError, ConversationStore

    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store = ConversationStore(database, LOCAL)
    assert store.load("../../etc/passwd") is None and store.load("") is None
    with pytest.raises(ConversationError):
        store.save("../x", [])
    someone = ConversationStore(database, Person("someone", "Someone", "someone@example.org", Role.READER))
    database.conversations.save("someone", "0123456789abcdef", [{"question": "theirs"}], "Theirs")
    assert store.load("0123456789abcdef") is None and store.list() == []  # another's is not there for us
    with pytest.raises(ConversationError, match="not yours"):
        store.save("0123456789abcdef", [])
    assert someone.load("0123456789abcdef").turns == [{"question": "theirs"}]  # and is unchanged


# -- compare as a table ----------------------------------------------------------------------------
def test_compare_a_short_topic_as_a_table_with_like_for_like_notes(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    choose_mode(at, "Compare")
    ask(at, "waiting times for assessments")
    reply = at.chat_message[1]
    table = next(m.value for m in reply.markdown if m.value.startswith("| Authority |"))
    rows = plain(table).splitlines()[2:]
    expected = {"Fenmarsh County Council": "1,274 people", "Larkbridge Borough Council": "187 people",
                "Oakhurst City Council": "58 people"}
    assert len(rows) == 3
    for row, (authority, figure) in zip(rows, expected.items()):
        assert row.startswith(f"| {authority} |") and figure in row, row  # each its Care Act assessment wait
    notes = " ".join(plain(c.value) for c in reply.caption)
    assert "The figures are from different dates: Fenmarsh County Council: 31 March 2024" in notes


def test_comparison_notes_median_against_average():
    from assistant.compare.table import ComparisonRow, like_for_like_notes

    rows = [ComparisonRow("A", "The median wait was 20 days at 31 March 2024.", ("20 days",), "median", "31 March 2024", "days"),
            ComparisonRow("B", "The average wait was 4 weeks at 31 March 2024.", ("4 weeks",), "average", "31 March 2024", "weeks"),
            ComparisonRow("C")]
    notes = like_for_like_notes(rows)
    assert "Not like for like: some figures are medians and some averages (average: B; median: A)." in notes
    assert any("different units" in n for n in notes) and not any("different dates" in n for n in notes)
    assert "No figure on this topic in the report of C." in notes


# -- plain words -----------------------------------------------------------------------------------
def test_lists_in_answers_render_as_lists_and_suggestions_follow():
    from ui.safe import answer_markdown

    md = answer_markdown("Scores:\n- A scored 1 [1]\n- B scored 2 [2]\nThat is all.", link=lambda n: f"#src-t-0-{n}")
    assert md.split("\n\n") == ["Scores\\:", "- A scored 1 [\\[1\\]](#src-t-0-1)\n- B scored 2 [\\[2\\]](#src-t-0-2)",
                                "That is all\\."]


def test_follow_up_suggestions_are_offered_and_asked(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store).at
    ask(at, QUESTION)
    pills = at.button_group(key=f"suggest-{at.session_state['turns'][0].id}")
    assert pills.options == [
        "How many people were waiting for a Care Act assessment in Fenmarsh?",
        "What was Larkbridge's score for Assessing needs?",
        "Draft improvement actions for Larkbridge on Assessing needs",
        "Summarise Larkbridge's report",
    ]
    pills.set_value(pills.options[1])
    run(at)
    assert len(at.chat_message) == 4
    assert "Larkbridge Borough Council scored 3 for Assessing needs" in answer_markdown_of(at.chat_message[3])


# -- sources ---------------------------------------------------------------------------------------
def test_viewer_opens_the_pdf_page_with_the_sentence_marked_and_an_html_section():
    from PIL import Image

    from ui.viewer import document_blocks, page_image, pdf_page, section_around

    assert pdf_page("page 3") == 3 and pdf_page("larkbridge.html") is None
    pdf = DEMO / "oakhurst.pdf"
    quote = "Only 58 people were on the Care Act assessment waiting list on 31 July 2024"
    marked = page_image(str(pdf), pdf.stat().st_mtime, 3, quote)
    plain_page = page_image(str(pdf), pdf.stat().st_mtime, 3, "no such sentence on the page")
    assert marked[:8] == b"\x89PNG\r\n\x1a\n" and marked != plain_page  # the sentence is marked
    image = Image.open(__import__("io").BytesIO(marked)).convert("RGB")
    assert sum(1 for r, g, b in image.get_flattened_data() if r > 240 and g > 220 and b < 200) > 1000  # yellow marking
    assert page_image(str(pdf), pdf.stat().st_mtime, 99, quote) is None
    html = DEMO / "larkbridge.html"
    blocks = document_blocks(str(html), html.stat().st_mtime)
    section, at = section_around(blocks, SENTENCE)
    assert section[0] == ("heading", "Timeliness of assessments, care planning and reviews")
    assert SENTENCE in section[at][1]


def test_the_users_council_is_passed_to_an_assistant_that_takes_it():
    """With an assistant whose ask/stream take `home` (the question path's), the sidebar's council
    goes to it as is and the scope is left alone; with one that does not, a question saying "our"
    is scoped to that council by the app."""
    from ui.chat import home_scope, takes_home
    from cqc.records import SearchFilter

    class Takes:
        def stream(self, question, history=None, scope=None, home=None): ...

    class Older:
        def stream(self, question, history=None, scope=None): ...

    assert takes_home(Takes().stream) and not takes_home(Older().stream)
    assert home_scope(SearchFilter(), "What is our wait?", "Larkbridge Borough Council").authorities == (
        "Larkbridge Borough Council",)
    assert home_scope(SearchFilter(), "What is the wait in Oakhurst?", "Larkbridge Borough Council").authorities == ()
    chosen = SearchFilter(authorities=("Oakhurst City Council",))
    assert home_scope(chosen, "What is our wait?", "Larkbridge Borough Council") == chosen


def test_a_finding_from_a_report_read_from_pages_is_placed_by_its_authority_not_its_folder(tmp_path):
    from assistant.models import Citation
    from ui.cards import where_text

    pages = tmp_path / "uploads"
    pages.mkdir()
    c = Citation(1, "c", "Severn Marches County Council", "2024-11-08", "Safeguarding", 4, "H", "T",
                 location="theme-3.html", source=str(pages))
    assert where_text(c) == "theme-3.html of the Severn Marches County Council report published 2024-11-08"
    assert "uploads" not in where_text(c)


# -- sign-in and roles (the browser tests sign in through a real provider; here, the app's own gate) --
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "cqc",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def test_with_sign_in_on_nothing_shows_until_a_person_with_a_role_signs_in(monkeypatch, demo_store):
    monkeypatch.setenv("CQC_SIGN_IN", "true")
    monkeypatch.setenv("CQC_EDITORS", "ed@kingsmere.gov.uk")
    at = start_app(monkeypatch, demo_store).at
    assert "no identity provider is set up" in at.error[0].value and not at.chat_input  # secrets.toml has no [auth]

    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    run(at)
    assert at.button(key="sign_in").proto.label == "Sign in" and not at.chat_input and not at.sidebar.button

    at.user = {"is_logged_in": True, "sub": "m-1", "email": "mallory@elsewhere.example", "name": "Mallory"}
    run(at)
    assert "have not been given access to this app" in unescape(at.error[0].value) and not at.chat_input

    at.user = {"is_logged_in": True, "sub": "r-1", "email": "rita@kingsmere.gov.uk", "name": "Rita", "roles": ["reader"]}
    run(at)
    assert "Signed in as **Rita** (reader)" in at.sidebar.caption[0].value and at.chat_input
    choose_mode(at, "Library")
    assert not at.get("file_uploader") and not [b for b in at.button if b.proto.label == "Remove report"]
    assert any("Only editors add or remove reports" in c.value for c in at.caption)
    assert not [b for b in at.get("download_button") if "feedback" in b.proto.label]

    at.user = {"is_logged_in": True, "sub": "e-1", "email": "ed@kingsmere.gov.uk", "name": "Ed"}
    run(at)
    choose_mode(at, "Library")
    assert at.get("file_uploader") and [b for b in at.button if b.proto.label == "Remove report"]
