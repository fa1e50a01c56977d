"""A page's authority is checked against its text (issue 27, item 3).

Before: Northbridge's Assessing needs page saved with Harrowfield's title lines (its text naming
Northbridge five times) was filed under Harrowfield without a word: Northbridge's 731 waiting was
answered as Harrowfield's, and Harrowfield's Assessing needs score changed 3 -> 2. Here Calderholt
(tests/site_pages.py) plays Harrowfield, and Northbridge is a council of our own.
"""

from __future__ import annotations

import shutil

import pytest

from config import Settings
from ingest.page_authority import authority_conflict
from ingest.pages import read_page
from ingest.reading import load_file
from library.ingesting import ingest_paths
from tests import site_pages
from tests.conftest import CORPUS, DEMO
from tests.fakes import Upload
from vectorstore.store import LibraryStore

pytestmark = pytest.mark.usefixtures("fake_embedder")

TITLE = f"{site_pages.AUTHORITY}: local authority assessment"
NORTHBRIDGE_PAGE = "\n".join([
    TITLE, TITLE, "Downloads", "Assessing needs", "Score: 2", "2 - Evidence shows some shortfalls",
    "What people expect", "I can get the support I need when I need it, and I know what is happening.",
    "The local authority commitment", "We work with people and partners to meet needs fairly and in good time.",
    "Key findings for this quality statement", "Timeliness of assessments",
    "At 31 January 2025, 731 people were waiting for a Care Act assessment in Northbridge, and Northbridge's "
    "median wait was 71 days.",
    "Staff in Northbridge told us the waiting list had grown since Northbridge Council merged its two "
    "assessment teams.",
    "Support for unpaid carers",
    "Carers told us the Northbridge Carers Centre was easy to reach.",
]) + "\n"


@pytest.fixture()
def library(tmp_path):
    pages = site_pages.write_pages(tmp_path / "calderholt")
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    assert ingest_paths(pages, store).ok
    (entry,) = store.reports()
    assert entry.scores["Assessing needs"] == 2 and site_pages.SCORES["Assessing needs"] == 2
    yield store, entry
    store.close()


def test_a_page_titled_with_one_council_whose_text_names_another_is_held_aside_not_filed(library, tmp_path):
    store, before = library
    page = tmp_path / "northbridge-03-assessing-needs.txt"
    page.write_text(NORTHBRIDGE_PAGE.replace("Score: 2", "Score: 3").replace("2 - Evidence shows some shortfalls",
                                                                               "3 - Evidence shows a good standard"))
    summary = ingest_paths([page], store)
    assert not summary.ok and not summary.reports
    (held,) = summary.held
    assert held[0] == str(page)
    assert site_pages.AUTHORITY in held[1] and "Northbridge" in held[1] and "5 times" in held[1]
    assert any(line.startswith("  HELD    ") and "northbridge-03" in line for line in summary.lines())
    (after,) = store.reports()
    assert after.scores == before.scores and after.files == before.files  # the score did not move 2 -> 3
    texts = " ".join(c.text for c in store.catalog.report_chunks(after.report_id))
    assert "731" not in texts


def test_the_command_line_exits_1_naming_the_conflict(library, tmp_path, capsys):
    from ingest.__main__ import main

    store, _ = library
    page = tmp_path / "northbridge-03-assessing-needs.txt"
    page.write_text(NORTHBRIDGE_PAGE)
    store.close()
    assert main(["--store", str(store.folder), str(page)]) == 1
    out = capsys.readouterr().out
    assert "HELD" in out and "its title names Calderholt Metropolitan Borough Council" in out


def test_the_app_upload_outcome_shows_the_conflict_and_keeps_no_copy(library):
    from tests.fakes import upload_as_local as ingest_uploads

    store, _ = library
    summary = ingest_uploads([Upload("northbridge-03-assessing-needs.txt", NORTHBRIDGE_PAGE.encode())], store)
    assert summary.held and not summary.reports
    assert not list((store.folder / "uploads").glob("northbridge*"))  # refused: not kept


def test_pages_whose_title_and_text_agree_are_never_held():
    files = [*sorted(DEMO.glob("*.*"))]
    if CORPUS.exists():
        files += [*CORPUS.glob("reports/*.*"), *CORPUS.glob("reports/*/*.html"), *CORPUS.glob("site-text/*.txt")]
    known = ["Kingsmere Metropolitan Borough Council", "Eastholm City Council", "Fenmarsh County Council",
             "Larkbridge Borough Council", site_pages.AUTHORITY]
    pages = [read_page(load_file(f)) for f in files]
    assert len(pages) >= 3 and [p.file for p in pages if authority_conflict(p, known)] == []


def test_a_page_naming_a_partner_council_once_or_twice_is_its_own(tmp_path):
    text = NORTHBRIDGE_PAGE.replace("Northbridge's median", "the median").replace("Northbridge Council", "the council")
    text = text.replace("Staff in Northbridge", "Staff").replace("Northbridge Carers Centre", "Carers Centre")
    path = tmp_path / "page.txt"
    path.write_text(text)
    assert "Northbridge" in text and authority_conflict(read_page(load_file(path))) is None


def test_a_national_council_named_in_the_text_counts_by_its_short_names(tmp_path):
    text = NORTHBRIDGE_PAGE.replace("Northbridge Council", "Leeds City Council").replace("Northbridge", "Leeds")
    path = tmp_path / "page.txt"
    path.write_text(text)
    conflict = authority_conflict(read_page(load_file(path)))
    assert conflict is not None and conflict.text_names == "Leeds City Council"


def test_the_demo_reports_stay_their_own(tmp_path):
    for name in ("fenmarsh.md", "larkbridge.html"):
        shutil.copy(DEMO / name, tmp_path / name)
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    assert ingest_paths([tmp_path], store).ok
    assert {r.authority for r in store.reports()} == {"Fenmarsh County Council", "Larkbridge Borough Council"}
    store.close()
