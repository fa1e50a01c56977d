"""Figures as data in the library: measure records written and replaced with their report, kept
consistent with the findings through re-ingest, edits, pages arriving one by one, removal and
rebuild, read again when the reader changes, and listed by `python -m assistant measures`.

The report is ours (tests/site_pages.py). Store mechanics: the fake embedder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.__main__ import main as assistant_main
from cqc.measures.ranking import rank, representative
from cqc.measures.reading import read_report, reading_version
from config import Settings
from ingest.__main__ import main as ingest_main
from library.ingesting import ingest_paths
from library.measures import measures_current, refresh_measures
from tests import site_pages as sp
from vectorstore.store import LibraryStore

pytestmark = pytest.mark.usefixtures("fake_embedder")


def _store(path: Path) -> LibraryStore:
    return LibraryStore(Settings(store_dir=path))


def _consistent(store: LibraryStore) -> list:
    """The stored records are exactly what reading the stored findings gives, report by report, and
    cite only findings the catalog holds."""
    records = store.measures()
    chunk_ids = store.catalog.all_chunk_ids()
    assert {r.chunk_id for r in records} <= chunk_ids
    assert {r.report_id for r in records} <= {e.report_id for e in store.reports()}
    for entry in store.reports():
        mine = [r for r in records if r.report_id == entry.report_id]
        fresh = read_report(store.catalog.report_chunks(entry.report_id), entry.authority, entry.report_id,
                            entry.published)
        assert mine == fresh, entry.report_id
    return records


def _values(records, measure: str) -> list[float]:
    return [r.value for r in records if r.measure == measure and r.role == "value" and not r.part]


def test_ingest_writes_a_reports_figures_as_records_cited_to_their_findings(tmp_path):
    store = _store(tmp_path / "store")
    summary = ingest_paths(sp.write_pages(tmp_path / "pages"), store)
    assert summary.ok
    records = _consistent(store)
    (report,) = summary.reports
    assert report.figures == len(records) > 30 and f"{report.figures} figures" in "\n".join(summary.lines())
    chosen = {m: r for m in ("care_act_assessment_waiting", "care_act_assessment_wait", "direct_payments_uptake",
                             "council_budget", "asc_spend_variance", "vacancy_rate")
              for r in [representative(records, m).get(sp.AUTHORITY)]}
    assert (chosen["care_act_assessment_waiting"].value, chosen["care_act_assessment_waiting"].period) == (734, "2024-12-31")
    assert (chosen["care_act_assessment_wait"].value, chosen["care_act_assessment_wait"].qualifier) == (63, "median")
    assert chosen["direct_payments_uptake"].value == 24.6
    assert (chosen["council_budget"].value, chosen["council_budget"].qualifier) == (538_100_000, "actual")
    assert chosen["vacancy_rate"].comparator.value == 24.0
    citing = store.chunks([chosen["direct_payments_uptake"].chunk_id])[0]
    assert chosen["direct_payments_uptake"].sentence in citing.text
    assert measures_current(store)
    store.close()


def test_records_follow_their_report_through_re_ingest_an_edit_pages_arriving_later_and_removal(tmp_path):
    pages = sp.write_pages(tmp_path / "pages")
    store = _store(tmp_path / "store")
    # One statement page first: it waits in an undated report, figures and all.
    safeguarding = next(p for p in pages if "09-safeguarding" in p.name)
    ingest_paths([safeguarding], store)
    (undated,) = store.reports()
    assert _values(_consistent(store), "safeguarding_concerns") == [4410]
    # The rest arrive: the undated report is absorbed, its records with it.
    ingest_paths(pages, store)
    (entry,) = store.reports()
    records = _consistent(store)
    assert undated.report_id != entry.report_id and {r.report_id for r in records} == {entry.report_id}
    assert _values(records, "safeguarding_concerns") == [4410]
    before = len(records)
    # Ingesting the same files again changes nothing.
    ingest_paths(pages, store)
    assert len(_consistent(store)) == before
    # An edited page replaces its figures.
    page = next(p for p in pages if "03-assessing-needs" in p.name)
    page.write_text(page.read_text(encoding="utf-8").replace("734 people", "801 people"), encoding="utf-8")
    ingest_paths([page], store)
    records = _consistent(store)
    assert _values(records, "care_act_assessment_waiting") == [801] and len(records) == before
    # Removed with its report.
    store.remove_report(entry.report_id)
    assert store.measures() == [] and store.catalog.measure_count(entry.report_id) == 0
    store.close()


def test_a_rebuild_reads_the_same_records_again(tmp_path):
    folder = tmp_path / "store"
    store = _store(folder)
    ingest_paths(sp.write_pages(tmp_path / "pages"), store)
    before = [r.as_json() for r in store.measures()]
    store.close()
    # Built beside the live library and switched in whole (vectorstore.rebuild): the records too.
    assert ingest_main(["--rebuild", "--store", str(folder)]) == 0
    store = _store(folder)
    assert [r.as_json() for r in _consistent(store)] == before
    store.close()


def test_records_written_by_another_reader_are_read_again_by_the_next_ingest_or_repair(tmp_path, capsys):
    folder = tmp_path / "store"
    store = _store(folder)
    pages = sp.write_pages(tmp_path / "pages")
    ingest_paths(pages, store)
    expected = store.measures()
    # A library written before this reader: no records, another version noted.
    with store.db.writing() as conn:
        conn.exec_driver_sql("DELETE FROM measures")
    store.catalog.set_meta({"measures_version": "r0-old"})
    assert not measures_current(store)
    assert assistant_main(["measures", "--store", str(folder)]) == 0
    assert "read by another version of the reader" in capsys.readouterr().err
    summary = ingest_paths(pages, store)  # nothing changed in the files, and yet:
    assert summary.measures_reread == 1 and "figures read again as data for 1 report(s)" in "\n".join(summary.lines())
    assert store.measures() == expected and store.catalog.get_meta("measures_version") == reading_version()
    assert refresh_measures(store) == 0  # current: nothing to do
    store.close()


def test_the_measures_command_lists_records_as_a_table_or_json_and_names_bad_filters(tmp_path, capsys):
    folder = tmp_path / "store"
    store = _store(folder)
    ingest_paths(sp.write_pages(tmp_path / "pages"), store)
    store.close()
    assert assistant_main(["measures", "--store", str(folder), "--authority", "calderholt",
                           "--measure", "direct_payments_uptake", "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert (record["authority"], record["value"], record["unit"], record["period"]) == (
        sp.AUTHORITY, 24.6, "percent", "2023/24")
    assert record["chunk_id"] and "24.6%" in record["sentence"]

    assert assistant_main(["measures", "--store", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{sp.AUTHORITY} (report published {sp.PUBLISHED_ISO})")
    assert "care_act_assessment_waiting" in out and "734" in out and " other " not in out
    assert "vacancy_rate" in out and "previous 24%" in out

    assert assistant_main(["measures", "--store", str(folder), "--measure", "other"]) == 0
    assert "other" in capsys.readouterr().out

    assert assistant_main(["measures", "--store", str(folder), "--measure", "waiting_times"]) == 2
    err = capsys.readouterr().err
    assert "Unknown measure(s): waiting_times" in err and "care_act_assessment_wait" in err
    assert assistant_main(["measures", "--store", str(folder), "--authority", "Northbridge"]) == 2
    assert f"(it holds: {sp.AUTHORITY})" in capsys.readouterr().err
    assert assistant_main(["measures", "--vocabulary"]) == 0
    assert "direct_payments_uptake" in capsys.readouterr().out


def test_councils_line_up_on_a_measure_across_reports_in_the_library(tmp_path):
    """Two councils' reports in one library: a ranking reads both from the store's records."""
    store = _store(tmp_path / "store")
    ingest_paths(sp.write_pages(tmp_path / "calderholt"), store)
    other = tmp_path / "northbridge"
    other.mkdir()
    for name, text in sp.page_texts().items():
        text = text.replace(sp.AUTHORITY, "Northbridge City Council").replace("Calderholt", "Northbridge")
        (other / name.replace("calderholt", "northbridge")).write_text(text.replace("24.6%", "17.9%"), encoding="utf-8")
    ingest_paths([other], store)
    ranking = rank(store.measures(measures=["direct_payments_uptake"]), "direct_payments_uptake", "best",
                   authorities=[sp.AUTHORITY, "Northbridge City Council", "Eastholm City Council"])
    assert [(r.authority, r.value) for r in ranking.rows] == [(sp.AUTHORITY, 24.6), ("Northbridge City Council", 17.9)]
    assert ranking.missing == ("Eastholm City Council",)
    store.close()


def test_a_reader_failure_loses_the_figures_not_the_report(tmp_path, monkeypatch):
    import library.ingesting as ingesting

    def broken(report, chunks):
        raise ValueError("an odd sentence")

    monkeypatch.setattr(ingesting, "measure_records", broken)
    store = _store(tmp_path / "store")
    summary = ingest_paths(sp.write_pages(tmp_path / "pages"), store)
    assert summary.ok and len(store.reports()) == 1 and store.measures() == []
    assert any("its figures could not be read as data (ValueError: an odd sentence)" in w for w in summary.warnings)
    store.close()
