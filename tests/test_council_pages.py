"""A report of a council whose name has "and" in it, as the regulator's web pages: every page is
stored under the council's whole official name, whatever layout, order, run or spelling ("&")
its pages come in.

The pages are ours (tests/site_pages.py), written in the way real published pages of such a
council are: the title names the area ("Hammersmith and Fulham: local authority assessment"), the
rating box and the About heading name the area, and one sentence of the About page names the
council its own way ("Hammersmith & Fulham Council ..."), which older rules read as "Fulham
Council".
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from config import Settings
from cqc.councils import normalise
from ingest.pages import read_page
from ingest.reading import load_file, read_reports
from library.ingesting import ingest_paths
from tests import site_pages as sp
from vectorstore.store import LibraryStore

pytestmark = pytest.mark.usefixtures("fake_embedder")

LBHF = "London Borough of Hammersmith and Fulham"
HF = sp.Variant(area_title=True, authority=LBHF, area="Hammersmith and Fulham", slug="hammersmith-fulham",
                about_council="Hammersmith & Fulham Council")
# A council our list does not hold (fictional), named the same way: the older rules still read it,
# now whole.
EW = sp.Variant(area_title=True, authority="Eastholm and Westholm Council", area="Eastholm and Westholm",
                slug="eastholm-westholm", about_council="Eastholm & Westholm Council")


def _store(path: Path) -> LibraryStore:
    return LibraryStore(Settings(store_dir=path))


def _stored_names(store: LibraryStore) -> tuple[set[str], set[str], set[str]]:
    """Authorities of the reports, of every stored page, and of every chunk."""
    reports = store.reports()
    pages = {p.authority for e in reports for p in store.catalog.report_pages(e.report_id)}
    return {e.authority for e in reports}, pages, {c.authority for c in store.catalog.all_chunks()}


def test_the_fixture_reads_as_real_pages_of_such_a_council_do():
    pages = sp.page_texts(HF)
    about = pages["hammersmith-fulham-02-about.txt"]
    assert about.startswith("Hammersmith and Fulham: local authority assessment")
    assert "About Hammersmith and Fulham\n" in about and "Hammersmith & Fulham Council works with" in about
    assert not any(LBHF in text for text in pages.values())  # no page names the official name
    assert sum("Hammersmith & Fulham Council" in text for text in pages.values()) == 1


@pytest.mark.parametrize("layout", ["lines", "blank", "wrapped"])
def test_every_page_is_read_under_the_official_name(tmp_path, layout):
    v = sp.Variant(**{**HF.__dict__, "layout": layout})
    for path in sp.write_pages(tmp_path, v):
        assert read_page(load_file(path)).authority == LBHF, path.name


@pytest.mark.parametrize("layout", ["lines", "wrapped"])
def test_the_report_and_every_page_and_finding_are_stored_under_the_official_name(tmp_path, layout):
    v = sp.Variant(**{**HF.__dict__, "layout": layout})
    sp.write_pages(tmp_path / "pages", v)
    store = _store(tmp_path / "store")
    summary = ingest_paths([tmp_path / "pages"], store)
    assert summary.ok and not summary.skipped, summary.lines()
    assert _stored_names(store) == ({LBHF}, {LBHF}, {LBHF})
    (entry,) = store.reports()
    assert (entry.published, entry.rating, entry.overall_score, entry.pages) == (
        sp.PUBLISHED_ISO, sp.RATING, sp.OVERALL, 11)
    assert entry.scores == sp.SCORES
    assert f"{LBHF} ({sp.PUBLISHED_ISO}, text) — 11 pages" in "\n".join(summary.lines())
    store.close()


def test_pages_one_per_run_in_any_order_join_one_report_under_the_official_name(tmp_path):
    pages = sp.write_pages(tmp_path / "pages", HF)
    about = next(p for p in pages if "02-about" in p.name)
    orders = {
        "about page first": [about] + [p for p in pages if p != about],
        "about page last": [p for p in pages if p != about] + [about],
        "shuffled": random.Random(26).sample(pages, len(pages)),
    }
    for label, order in orders.items():
        store = _store(tmp_path / f"store-{label.replace(' ', '-')}")
        for page in order:
            ingest_paths([page], store)
        assert _stored_names(store) == ({LBHF}, {LBHF}, {LBHF}), label
        (entry,) = store.reports()
        assert (entry.published, entry.pages) == (sp.PUBLISHED_ISO, 11), label
        store.close()


def test_titles_spelling_the_name_any_way_staff_do_are_one_report(tmp_path):
    """Saved from different places, the pages' titles say "&", "and", the official name or LBHF."""
    titles = ["Hammersmith & Fulham", "London Borough of Hammersmith & Fulham", "LBHF", "Hammersmith and Fulham Council"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for i, (name, text) in enumerate(sp.page_texts(HF).items()):
        title = titles[i % len(titles)]
        (folder / name).write_text(text.replace("Hammersmith and Fulham: local authority assessment",
                                                f"{title}: local authority assessment"), encoding="utf-8")
    store = _store(tmp_path / "store")
    assert ingest_paths([folder], store).ok
    assert _stored_names(store) == ({LBHF}, {LBHF}, {LBHF})
    assert store.reports()[0].pages == 11
    store.close()


def test_the_report_in_one_file_or_saved_html_pages_is_under_the_official_name(tmp_path):
    one = sp.write_one_file(tmp_path / "one" / "hammersmith-fulham.txt", HF)
    html = sp.write_html_pages(tmp_path / "html", HF)
    assert [r.authority for _, r in read_reports([one])] == [LBHF]
    assert [r.authority for _, r in read_reports(html)] == [LBHF]


def test_a_council_not_on_the_list_is_stored_under_its_whole_name_never_a_tail(tmp_path):
    sp.write_pages(tmp_path / "pages", EW)
    store = _store(tmp_path / "store")
    assert ingest_paths([tmp_path / "pages"], store).ok
    reports, pages, chunks = _stored_names(store)
    assert len(reports) == 1 and reports == chunks
    (authority,) = reports
    assert normalise(authority) == normalise("Eastholm and Westholm Council")
    # A page that does not name the council itself keeps its title's area; none holds a tail.
    assert pages == {authority, "Eastholm and Westholm"}
    store.close()


def test_the_calderholt_report_and_its_area_title_variant_are_unchanged(tmp_path):
    """Fictional councils not on the list keep the older rules: a title naming the council, or an
    area title whose council the summary names."""
    for v in (sp.Variant(), sp.Variant(area_title=True)):
        assert [r.authority for _, r in read_reports(sp.write_pages(tmp_path / str(v.area_title), v))] == [sp.AUTHORITY]
