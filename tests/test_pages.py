"""Reports assembled from the regulator's page files, in every layout and variant real pages show.

The report is ours (tests/site_pages.py); each test writes it in the layout it needs.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from ingest.__main__ import main as ingest_main
from library.ingesting import ingest_paths
from tests import site_pages as sp
from config import Settings
from vectorstore.store import LibraryStore


def _store(path: Path) -> LibraryStore:
    return LibraryStore(Settings(store_dir=path))


def _facts(store: LibraryStore) -> list[tuple]:
    return sorted(
        (e.authority, e.published, e.rating, e.rating_is_indicative, e.overall_score, tuple(e.scores.items()), e.pages)
        for e in store.reports()
    )


def _chunk_texts(store: LibraryStore) -> Counter:
    return Counter(c.text for c in store.catalog.all_chunks())


def _expected(v: sp.Variant) -> tuple:
    overall = None if v.pilot or v.overall == "none" else sp.OVERALL
    return (sp.AUTHORITY, sp.PUBLISHED_ISO, sp.RATING, v.pilot, overall, tuple(sp.SCORES.items()), 11)


# Ingest and catalog mechanics: the fake embedder, except where a test is marked real_model.
pytestmark = pytest.mark.usefixtures("fake_embedder")

VARIANTS = {
    "one block per line": sp.Variant(layout="lines"),
    "blank-line blocks, 'Score 2', overall 'Score: 56'": sp.Variant(layout="blank", score_style="bare", overall="score"),
    "hard-wrapped at 72, doubled score lines, overall 'NN%'": sp.Variant(layout="wrapped", score_style="doubled",
                                                                       overall="percent"),
    "en dashes, no sub-headings, no overall score": sp.Variant(score_style="endash", subheadings=False, overall="none"),
    "pilot: '<Name> assessment', indicative rating": sp.Variant(pilot=True),
    "no summary list: scores from the statement pages": sp.Variant(summary_scores=False),
    "'live healthier lives' on its own page": sp.Variant(live_title=True),
    "area title, council named in the text": sp.Variant(area_title=True),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_each_page_variant_gives_the_report_exactly(tmp_path, name):
    v = VARIANTS[name]
    sp.write_pages(tmp_path / "pages", v)
    store = _store(tmp_path / "store")
    summary = ingest_paths([tmp_path / "pages"], store)
    assert summary.ok and not summary.skipped, summary.lines()
    assert _facts(store) == [_expected(v)]
    assert f"{sp.AUTHORITY} ({sp.PUBLISHED_ISO}, text) — 11 pages" in "\n".join(summary.lines())
    texts = set(_chunk_texts(store))
    for findings in sp.FINDINGS.values():
        for _, paragraph in findings:
            assert paragraph in texts  # each paragraph whole: not merged with the next, not cut at a wrap
    furniture = {"Downloads", "How we assess local authorities"}
    assert not any(t in furniture or t.startswith("Page last updated") for t in texts)
    chunks = store.catalog.all_chunks()
    table = next(c for c in chunks if "People waiting: 402" in c.text)
    assert table.kind == "table" and "Locality: East" in table.text
    store.close()


def test_reports_json_gives_indicative_and_pages(tmp_path, capsys):
    from assistant.__main__ import main as assistant_main

    sp.write_pages(tmp_path / "pages", sp.Variant(pilot=True))
    assert ingest_main(["--store", str(tmp_path / "store"), str(tmp_path / "pages")]) == 0
    capsys.readouterr()
    assert assistant_main(["reports", "--store", str(tmp_path / "store"), "--json"]) == 0
    out = capsys.readouterr().out.strip()
    rows = json.loads(out) if out.startswith("[") else [json.loads(line) for line in out.splitlines()]
    (row,) = rows
    assert row["indicative"] is True and row["pages"] == 11 and row["rating"] == sp.RATING
    assert row["overall_score"] is None and row["published"] == sp.PUBLISHED_ISO


def _orders(names: list[str]) -> dict[str, list[list[str]]]:
    shuffled = names[:]
    random.Random(12).shuffle(shuffled)
    statement_first = names[2:] + names[:2]
    return {
        "page files in one run": [names],
        "shuffled, one run": [shuffled],
        "one page per run, in order": [[n] for n in names],
        "one page per run, statements before the summary": [[n] for n in statement_first],
        "one page per run, shuffled": [[n] for n in shuffled],
    }


def test_the_same_report_as_one_file_page_files_shuffled_or_one_page_per_run_is_the_same(tmp_path):
    """Property: however the pages arrive, the library ends with the same catalog and the same chunk texts."""
    whole = _store(tmp_path / "whole")
    assert ingest_paths([sp.write_one_file(tmp_path / "one" / "calderholt.txt")], whole).ok
    expected_facts = [(*_expected(sp.Variant())[:-1], 1)]
    assert _facts(whole) == expected_facts
    expected_texts = _chunk_texts(whole)
    whole.close()

    pages = sp.write_pages(tmp_path / "pages")
    names = [p.name for p in pages]
    for label, runs in _orders(names).items():
        store = _store(tmp_path / f"store-{label.replace(' ', '-')}")
        for run in runs:
            summary = ingest_paths([tmp_path / "pages" / n for n in run], store)
            assert not summary.failed, (label, summary.lines())
        assert _facts(store) == [_expected(sp.Variant())], label
        assert _chunk_texts(store) == expected_texts, label
        # Every page is in the one report, each finding citing the page file it came from.
        (entry,) = store.reports()
        assert sorted(Path(f).name for f in entry.files) == sorted(names), label
        safeguarding = [c for c in store.catalog.all_chunks() if c.quality_statement == "Safeguarding"]
        assert {Path(c.source).name for c in safeguarding} == {"calderholt-09-safeguarding.txt"}, label
        assert {c.location for c in safeguarding} == {"calderholt-09-safeguarding.txt"}, label
        store.close()


def test_a_page_with_no_report_to_join_waits_and_is_named_with_a_failing_exit(tmp_path, capsys):
    pages = sp.write_pages(tmp_path / "pages")
    store_dir = tmp_path / "store"
    statement = next(p for p in pages if "09-safeguarding" in p.name)
    assert ingest_main(["--store", str(store_dir), str(statement)]) == 1
    out = capsys.readouterr().out
    assert f"WAITING {statement}" in out and "carries no publication date" in out
    # Nothing was lost: when the summary arrives, the waiting page joins the dated report.
    assert ingest_main(["--store", str(store_dir), str(pages[0])]) == 0
    capsys.readouterr()
    store = _store(store_dir)
    (entry,) = store.reports()
    assert entry.published == sp.PUBLISHED_ISO and entry.pages == 2 and entry.scores["Safeguarding"] == 1
    store.close()


def test_adding_a_page_in_a_later_run_keeps_the_pages_held(tmp_path):
    pages = sp.write_pages(tmp_path / "pages")
    store = _store(tmp_path / "store")
    ingest_paths([pages[0]], store)  # the summary: rating, overall score, nine scores
    summary = ingest_paths([pages[8]], store)  # one statement page, in a later run
    assert summary.ok, summary.lines()
    (entry,) = store.reports()
    assert (entry.rating, entry.overall_score, entry.pages) == (sp.RATING, sp.OVERALL, 2)
    assert "1 page added, 2 in all" in "\n".join(summary.lines())
    store.close()


def test_pages_of_several_authorities_mixed_in_one_folder_and_a_folder_per_report(tmp_path):
    mixed = tmp_path / "mixed"
    sp.write_pages(mixed)
    other = {name.replace("calderholt", "brackwater"): text.replace(sp.AUTHORITY, "Brackwater City Council")
             .replace("Calderholt", "Brackwater").replace(sp.PUBLISHED, "2 June 2025")
             for name, text in sp.page_texts().items()}
    for name, text in other.items():
        (mixed / name).write_text(text, encoding="utf-8")
    store = _store(tmp_path / "store")
    summary = ingest_paths([mixed], store)
    assert summary.ok, summary.lines()
    assert sorted((e.authority, e.published, e.pages) for e in store.reports()) == [
        ("Brackwater City Council", "2025-06-02", 11), (sp.AUTHORITY, sp.PUBLISHED_ISO, 11)]
    store.close()

    per_report = tmp_path / "per-report"
    sp.write_pages(per_report / "calderholt")
    for name, text in other.items():
        (per_report / "brackwater").mkdir(parents=True, exist_ok=True)
        (per_report / "brackwater" / name).write_text(text, encoding="utf-8")
    store = _store(tmp_path / "store2")
    assert ingest_paths([per_report], store).ok
    assert sorted(e.pages for e in store.reports()) == [11, 11]
    store.close()


def test_a_duplicate_is_a_page_whose_content_is_held_and_is_named(tmp_path):
    pages = sp.write_pages(tmp_path / "pages")
    copy = tmp_path / "pages" / "copy-of-safeguarding.txt"
    copy.write_text(pages[8].read_text(encoding="utf-8"), encoding="utf-8")
    store = _store(tmp_path / "store")
    summary = ingest_paths([tmp_path / "pages"], store)
    assert summary.ok
    ((path, why),) = summary.skipped
    assert Path(path).name in ("copy-of-safeguarding.txt", pages[8].name) and "same content as" in why
    assert store.reports()[0].pages == 11
    store.close()


def test_a_summary_page_with_another_date_starts_a_new_version(tmp_path):
    pages = sp.write_pages(tmp_path / "old")
    store = _store(tmp_path / "store")
    ingest_paths(pages, store)
    newer = tmp_path / "new"
    newer.mkdir()
    text = sp.page_texts()["calderholt-01-overall-summary.txt"].replace(sp.PUBLISHED, "9 February 2026")
    (newer / "calderholt-2026-summary.txt").write_text(text.replace("Score: 1", "Score: 2"), encoding="utf-8")
    later_page = sp.page_texts()["calderholt-09-safeguarding.txt"].replace("96 concerns", "12 concerns")
    (newer / "calderholt-2026-safeguarding.txt").write_text(later_page.replace("Score: 1", "Score: 2"), encoding="utf-8")
    assert ingest_paths([newer], store).ok
    versions = sorted((e.published, e.pages) for e in store.reports())
    assert versions == [(sp.PUBLISHED_ISO, 11), ("2026-02-09", 2)]
    store.close()


def test_a_score_line_inside_findings_cannot_change_a_score(tmp_path):
    """Scores come from score positions only (the statement's score lines, the summary list)."""
    v = sp.Variant(summary_scores=False)
    folder = tmp_path / "pages"
    sp.write_pages(folder, v)
    page = folder / "calderholt-09-safeguarding.txt"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "Making safeguarding personal\n", "Making safeguarding personal\nScore: 4\n"), encoding="utf-8")
    store = _store(tmp_path / "store")
    assert ingest_paths([folder], store).ok
    assert store.reports()[0].scores["Safeguarding"] == 1
    store.close()


def test_conflicting_score_sources_are_named_at_ingest(tmp_path):
    folder = tmp_path / "pages"
    sp.write_pages(folder)
    page = folder / "calderholt-09-safeguarding.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("Score: 1\n1 - ", "Score: 3\n3 - "), encoding="utf-8")
    store = _store(tmp_path / "store")
    summary = ingest_paths([folder], store)
    assert any("Safeguarding" in w and "summary list says 1" in w for w in summary.warnings), summary.lines()
    store.close()


def test_saved_html_pages_one_file_per_page_give_the_report(tmp_path):
    """Score and rating widgets in boxes (no paragraph markup, no colon between name and rating)."""
    sp.write_html_pages(tmp_path / "html")
    store = _store(tmp_path / "store")
    summary = ingest_paths([tmp_path / "html"], store)
    assert summary.ok, summary.lines()
    assert _facts(store) == [_expected(sp.Variant())]
    assert store.reports()[0].edition == "html"
    store.close()


@pytest.fixture(scope="module")
def calderholt(tmp_path_factory):
    from assistant.chain import Assistant

    folder = tmp_path_factory.mktemp("calderholt")
    sp.write_pages(folder / "pages")
    store = _store(folder / "store")
    assert ingest_paths([folder / "pages"], store).ok
    yield Assistant(store)
    store.close()


@pytest.mark.real_model  # which sentence answers depends on the real model's ranking
@pytest.mark.parametrize("question, named, not_named", [
    ("What was Calderholt's actual spend on adult social care in 2023/24?", "£146,300,000", "£141,900,000 —"),
    ("How much more than estimated did Calderholt spend in total in 2023/24?", "£25,700,000", "£512,400,000 —"),
    ("How long did people wait for a Care Act assessment in Calderholt?", "63 days", "734 people —"),
    ("How many people were waiting for a Care Act assessment in Calderholt?", "734 people", "63 days —"),
])
def test_a_sentence_with_several_figures_is_quoted_and_the_figure_asked_for_named(calderholt, question, named, not_named):
    """The About page's financial facts give an estimate, the actual spend and the difference: the
    answer quotes the sentence(s) and names the figure that answers, not the estimate."""
    answer = calderholt.ask(question)
    assert not answer.abstained
    assert answer.answer.startswith(f"{named} — ")
    assert not_named not in answer.answer
    quoted = " ".join(c.quote for c in answer.citations)
    assert named.split()[0] in quoted  # the named figure is in what is quoted and cited


@pytest.mark.real_model  # which sentence answers depends on the real model's ranking
def test_a_cited_finding_names_its_page_file(calderholt):
    answer = calderholt.ask("How many safeguarding concerns were waiting to be screened in Calderholt?")
    assert "96 concerns" in answer.answer
    assert {Path(c.source).name for c in answer.citations} == {"calderholt-09-safeguarding.txt"}
    assert {c.location for c in answer.citations} == {"calderholt-09-safeguarding.txt"}


def test_an_overall_score_the_report_does_not_give_is_said_and_abstains(tmp_path):
    from assistant.chain import Assistant

    sp.write_pages(tmp_path / "pages", sp.Variant(overall="none"))
    store = _store(tmp_path / "store")
    ingest_paths([tmp_path / "pages"], store)
    answer = Assistant(store).ask("What was Calderholt's overall score?")
    assert answer.abstained and "gives no overall score" in answer.answer
    rated = Assistant(store).ask("What was Calderholt rated?")
    assert not rated.abstained and sp.RATING in rated.answer
    store.close()
