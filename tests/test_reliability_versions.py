"""Duplicates and versions: one report in several formats is one report; a newer report of the same
authority is kept beside the older one, answers use the newest and say which date they use."""

from __future__ import annotations

import importlib.util
import re
import sys
from html import escape
from pathlib import Path

import pytest

from assistant.chain import Assistant
from cqc.records import SearchFilter
from cqc.text.dates import dates_named
from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from config import Settings
from vectorstore.store import LibraryStore

FENMARSH = DEMO / "fenmarsh.md"


def markdown_to_saved_page(markdown: str) -> str:
    """The report as the regulator's site would serve it: headings, paragraphs and lists inside
    site navigation and a footer."""
    body: list[str] = []
    in_list = False
    for line in markdown.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape(line[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{escape(line[level:].strip())}</h{level}>")
        else:
            body.append(f"<p>{escape(line)}</p>")
    if in_list:
        body.append("</ul>")
    return (
        "<html><head><title>Fenmarsh County Council: local authority assessment - CQC</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/assessments'>Assessments</a></nav><main>"
        + "\n".join(body)
        + "</main><footer>© Care Quality Commission</footer></body></html>"
    )


def markdown_to_pdf(source: Path, output: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_demo_pdf", ROOT / "scripts" / "make_demo_pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.build(source, output)


pytestmark = pytest.mark.usefixtures("fake_embedder_module")  # the model is incidental here: no test needs it


@pytest.fixture(scope="module")
def three_formats(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    (folder / "fenmarsh.md").write_text(FENMARSH.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "fenmarsh.html").write_text(markdown_to_saved_page(FENMARSH.read_text(encoding="utf-8")), encoding="utf-8")
    markdown_to_pdf(FENMARSH, folder / "fenmarsh.pdf")
    return folder


def test_the_same_report_as_pdf_html_and_text_is_read_once(three_formats, tmp_path):
    """The three files read to the same content: one is kept, the others are named duplicates."""
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    summary = ingest_paths([three_formats], store)
    assert not summary.failed, summary.lines()
    (entry,) = store.reports()
    assert (entry.authority, entry.published) == ("Fenmarsh County Council", "2024-09-04")
    duplicates = sorted(Path(p).name for p, why in summary.skipped if "same content as" in why)
    assert len(duplicates) == 2 and Path(entry.source).name not in duplicates
    one_set = len(store.catalog.all_chunk_ids())
    assert one_set == entry.chunks == store.vector_count()  # one set of chunks, not three

    # A later run with any of them changes nothing: its content is already held.
    again = ingest_paths([three_formats / "fenmarsh.html"], store)
    assert again.reports == [] and not again.failed
    assert len(store.reports()) == 1 and len(store.catalog.all_chunk_ids()) == entry.chunks == store.vector_count()
    store.close()


WAITING = "How many people were waiting for a Care Act assessment in Fenmarsh?"


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, fake_embedder_module):
    folder = tmp_path_factory.mktemp("versions")
    old = FENMARSH.read_text(encoding="utf-8")
    new = (
        old.replace("Published: 4 September 2024", "Published: 4 March 2025")
        .replace("scored 47 out of 100", "scored 55 out of 100")
        .replace("stood at 1,274 people on 31 March 2024", "stood at 812 people on 31 January 2025")
    )
    assert new.count("812 people") == 1
    (folder / "fenmarsh-2024.md").write_text(old, encoding="utf-8")
    (folder / "fenmarsh-2025.md").write_text(new, encoding="utf-8")
    store = LibraryStore(Settings(store_dir=folder / "store"))
    summary = ingest_paths([folder / "fenmarsh-2024.md", folder / "fenmarsh-2025.md", DEMO / "larkbridge.html"], store)
    assert not summary.failed
    yield store, Assistant(store)
    store.close()


def _ids(store: LibraryStore) -> dict[str, str]:
    return {r.published: r.report_id for r in store.reports() if r.authority == "Fenmarsh County Council"}


def test_a_newer_report_is_kept_beside_the_older(two_versions):
    store, _ = two_versions
    ids = _ids(store)
    assert sorted(ids) == ["2024-09-04", "2025-03-04"]
    assert all(store.catalog.report_chunks(rid) for rid in ids.values())
    assert store.vector_count() == len(store.catalog.all_chunk_ids())


def test_answers_use_the_newest_report_and_say_its_date(two_versions):
    store, assistant = two_versions
    answer = assistant.ask(WAITING)
    assert "812" in answer.answer and "1,274" not in answer.answer
    assert answer.citations and {c.published for c in answer.citations} == {"2025-03-04"}
    assert "published 2025-03-04 (the newest of 2 in the library)" in answer.answer

    score = assistant.ask("What was Fenmarsh's overall score?")
    assert "55 out of 100" in score.answer and "47" not in score.answer.split("(Reports used")[0]
    assert "published 2025-03-04 (the newest of 2 in the library)" in score.answer


def test_an_older_report_is_used_when_its_date_is_asked_or_it_is_chosen(two_versions):
    store, assistant = two_versions
    answer = assistant.ask(WAITING.rstrip("?") + " in the September 2024 report?")
    assert "1,274" in answer.answer and "812" not in answer.answer
    assert {c.published for c in answer.citations} == {"2024-09-04"}
    assert "published 2024-09-04 (an earlier report of 2 in the library)" in answer.answer

    chosen = assistant.ask(WAITING, scope=SearchFilter(report_ids=(_ids(store)["2024-09-04"],)))
    assert "1,274" in chosen.answer and {c.published for c in chosen.citations} == {"2024-09-04"}


def test_an_authority_with_one_report_gets_no_date_note(two_versions):
    _, assistant = two_versions
    answer = assistant.ask("How long did people wait for a home care package in Larkbridge?")
    assert "Reports used" not in answer.answer
    assert all(c.authority != "Fenmarsh County Council" for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("What did the 2024 report say?", ["2024"]),
        ("In the report of 4 September 2024, what ...", ["2024-09-04"]),
        ("Compare March 2025 with 2024-09-04", ["2024-09-04", "2025-03"]),
        ("How many people were waiting?", []),
    ],
)
def test_dates_named_in_a_question(question, dates):
    assert dates_named(question) == dates


def test_answer_markers_still_resolve_with_the_date_note(two_versions):
    _, assistant = two_versions
    answer = assistant.ask(WAITING)
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.marker for c in answer.citations}


def test_a_score_question_about_an_older_report_answers_from_that_report(two_versions):
    _, assistant = two_versions
    older = assistant.ask("What was Fenmarsh's overall score in the September 2024 report?")
    assert older.backend == "catalog"
    assert "47 out of 100" in older.answer and "55" not in older.answer.split("(Reports used")[0]
    assert {c.published for c in older.citations} == {"2024-09-04"}
