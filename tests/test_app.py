"""The Streamlit app, driven headless with AppTest over a store holding the three demo reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vectorstore.settings import Settings, get_settings  # sets the offline environment first

from streamlit.testing.v1 import AppTest

from assistant.models import NOT_IN_REPORTS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DEMO = ROOT / "demo_reports"

# A figure from demo_reports/larkbridge.html, "Timeliness of assessments, care planning and reviews".
QUESTION = "How many people were waiting for a Care Act assessment in Larkbridge?"
SENTENCE = ("On 30 September 2024 the Care Act assessment waiting list held 187 people, "
            "who had waited an average of 23 days since first contact.")


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it: the app backslash-escapes report text and bolds quotes."""
    return unescape(markdown.replace("**", ""))


def shown(at: AppTest) -> str:
    return "\n".join(plain(str(e.value)) for kind in ("markdown", "info", "text", "caption") for e in getattr(at, kind))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    from ingest.pipeline import ingest_paths
    from vectorstore.store import LibraryStore

    folder = tmp_path_factory.mktemp("app-store")
    summary = ingest_paths(sorted(DEMO.iterdir()), LibraryStore(Settings(store_dir=folder)))
    assert len(summary.reports) == 3 and not summary.failed, summary.lines()
    return folder


def start_app(monkeypatch, folder: Path) -> AppTest:
    monkeypatch.setenv("CQC_STORE_DIR", str(folder))
    get_settings.cache_clear()  # nothing may keep a store folder from an earlier test
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_sidebar_lists_the_demo_reports_with_ratings(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store)
    sidebar = "\n".join(plain(m.value) for m in at.sidebar.markdown)
    for authority, rating, score in [
        ("Larkbridge Borough Council", "Good", "72/100"),
        ("Fenmarsh County Council", "Requires improvement", "47/100"),
        ("Oakhurst City Council", "Outstanding", "92/100"),
    ]:
        assert re.search(rf"{authority}\s+\S+ · {rating} · {score}", sidebar), sidebar
    assert at.sidebar.multiselect(key="authorities").options == [
        "Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council",
    ]


def test_question_shows_answer_with_source_cards_and_follow_up(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store)
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    answer = plain(at.chat_message[1].markdown[0].value)
    assert "187 people" in answer and "[1]" in answer
    card = "\n".join(plain(m.value) for m in at.chat_message[1].markdown[1:])
    assert "[1] Larkbridge Borough Council · Assessing needs (3) · Timeliness of assessments" in card
    assert SENTENCE in card
    assert "**" + SENTENCE.replace(".", "\\.") + "**" in at.chat_message[1].markdown[2].value  # quote in bold
    assert "larkbridge.html" in shown(at)

    # The follow-up is rewritten from the earlier question, which the app passes as history.
    at.chat_input[0].set_value("And in Fenmarsh?").run()
    assert not at.exception, at.exception
    assert len(at.chat_message) == 4  # both turns survive the rerun
    follow_up = plain(at.chat_message[3].markdown[0].value)
    assert "1,274 people" in follow_up
    assert "Fenmarsh County Council" in shown(at)


def test_question_the_reports_do_not_answer(monkeypatch, demo_store):
    at = start_app(monkeypatch, demo_store)
    at.chat_input[0].set_value("What do the reports say about dental surgeries for pets?").run()
    assert not at.exception, at.exception
    assert [plain(i.value) for i in at.chat_message[1].info] == [NOT_IN_REPORTS]


def test_empty_library_explains_how_to_add_reports(monkeypatch, tmp_path):
    at = start_app(monkeypatch, tmp_path / "empty")
    assert "python -m ingest PATH..." in at.info[0].value
    assert "Upload" in at.info[0].value
    assert len(at.chat_input) == 0


def test_report_text_cannot_render_as_markdown_or_html():
    import app

    hostile = "<script>alert(1)</script> **bold** [link](http://x) $x$ :red[y] # h"
    out = app.answer_markdown(f"{hostile} [1]\n- **A & B**: {hostile} [2]")
    assert "<script>" not in out and "**bold**" not in out and "[link](" not in out
    assert "[1]" in out and "- **A \\& B**: " in out and "[2]" in out
    assert unescape(out.split("\n\n")[0]) == f"{hostile} [1]"  # shown as typed, not rendered
    assert app.safe_name("../../etc/passwd.md") == "passwd.md"
    assert app.safe_name("..\\..\\x.pdf") == "x.pdf"
    assert app.safe_name("..") == "upload"
