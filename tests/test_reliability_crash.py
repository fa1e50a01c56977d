"""Crash safety: an ingest killed with SIGKILL at any point, then run again, leaves the store whole.

Each case runs a real `ingest` in a child process that is killed (by itself at a chosen point
inside the write path, or from outside once the first report is stored). The test then opens the
store as a reader would and checks that nothing half written is visible, runs the ingest again,
and checks that catalog, Chroma and BM25 hold exactly what a clean ingest holds.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cqc.records import SearchFilter
from ingest.chunking import chunk_report
from ingest.reading import read_reports
from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from config import Settings
from vectorstore.store import LibraryStore

# The child: ingest, after arranging to SIGKILL itself at one point of the write path.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from config import Settings
    import database.catalog as catalog
    import vectorstore.keyword_index as keyword_index
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore
    from tests.fake_embedder import use_fake_in_child_process

    use_fake_in_child_process()  # the parent test's embedder
    mode, store_dir, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    calls = {"put": 0, "json": 0}
    put_report = catalog.Catalog.put_report

    def put(self, entry, chunks, *rest):
        calls["put"] += 1
        if mode == "after_vectors" and calls["put"] == 2:
            die()  # the second report's vectors are in Chroma, its catalog rows are not
        put_report(self, entry, chunks, *rest)
        if mode == "after_commit" and calls["put"] == 1:
            die()  # the changed report is committed; its stale vectors are not yet deleted

    to_json = catalog.chunk_to_json

    def chunk_json(chunk):
        calls["json"] += 1
        if mode == "mid_transaction" and calls["put"] == 2 and calls["json"] > 5:
            die()  # inside the catalog transaction of the second report
        return to_json(chunk)

    replace = os.replace

    def swap(src, dst):
        if mode == "keyword_index" and str(dst).endswith("current.json"):
            die()  # the new keyword index is written, the pointer to it is not
        return replace(src, dst)

    catalog.Catalog.put_report = put
    catalog.chunk_to_json = chunk_json
    keyword_index.os.replace = swap
    if mode == "slow":  # for the outside kill: give the killer time to strike mid-run
        import time
        def slow_put(self, entry, chunks, *rest, _put=catalog.Catalog.put_report):
            _put(self, entry, chunks, *rest)
            print("stored", entry.report_id, flush=True)
            time.sleep(30)
        catalog.Catalog.put_report = slow_put
    summary = ingest_paths(paths, LibraryStore(Settings(store_dir=store_dir)))
    print("finished", len(summary.reports), flush=True)
    """
)

# Write-path mechanics: the fake embedder, in the test and (through its environment) in the child.
pytestmark = pytest.mark.usefixtures("fake_embedder")

SOURCES = [DEMO / "fenmarsh.md", DEMO / "larkbridge.html"]  # written in this order (reports in file-name order)


def run_child(tmp_path: Path, mode: str, store: Path, paths: list[Path], kill_after_first: bool = False) -> int:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    cmd = [sys.executable, str(script), mode, str(store), *map(str, paths)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    if kill_after_first:
        # From outside, as an operator's kill -9 would: once the first report is committed.
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None:
            if _catalog_reports(store) >= 1:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
    try:
        proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode


def _catalog_reports(store: Path) -> int:
    path = store.with_name(store.name + ".sqlite3")  # the catalog is in the database beside the store
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


def clean_chunk_ids(paths: list[Path]) -> dict[str, set[str]]:
    """What a clean ingest stores: report id -> chunk ids (ids depend on content alone)."""
    out: dict[str, set[str]] = {}
    for _, report in read_reports(paths):
        out[report.report_id] = {c.chunk_id for c in chunk_report(report)}
    return out


def assert_nothing_half_visible(store: LibraryStore, expected: dict[str, set[str]]) -> None:
    """What a reader can see is whole: each catalogued report has exactly the chunks of one
    complete version, and every one of them can be found by meaning (its vector is there)."""
    vectors = store.vector_ids()
    for entry in store.reports():
        ids = store.catalog.chunk_ids(entry.report_id)
        assert ids == expected[entry.report_id], f"{entry.report_id} is half present"
        assert entry.chunks == len(ids)
        assert ids <= vectors, f"{entry.report_id}: {len(ids - vectors)} chunk(s) have no vector"
    # Searches only ever return catalogued findings.
    catalogued = store.catalog.all_chunk_ids()
    hits = store.keyword_search("people waiting for an assessment", 50, SearchFilter())
    assert {cid for cid, _ in hits} <= catalogued


def assert_same_as_clean(store: LibraryStore, expected: dict[str, set[str]]) -> None:
    all_expected = set().union(*expected.values())
    assert {r.report_id for r in store.reports()} == set(expected)
    assert store.catalog.all_chunk_ids() == all_expected
    assert store.vector_ids() == all_expected  # no orphans, no duplicates, nothing missing
    assert store.vector_count() == len(all_expected)
    assert set(store.keywords.ids) == all_expected
    assert set(store.sentence_vectors(sorted(all_expected))) == all_expected  # every answer sentence has its vector


def rerun_and_check(store_dir: Path, paths: list[Path], expected: dict[str, set[str]]) -> None:
    store = LibraryStore(Settings(store_dir=store_dir))
    try:
        assert_nothing_half_visible(store, expected)
        # Any run repairs the store, even one that does not read the file that was cut off
        # (its vectors would otherwise stay behind as orphans for good).
        first = clean_chunk_ids(paths[:1])
        ingest_paths(paths[:1], store)
        assert_same_as_clean(store, first)
        summary = ingest_paths(paths, store)
        assert not summary.failed, summary.lines()
        assert_same_as_clean(store, expected)
        again = ingest_paths(paths, store)  # and safe to run yet again: nothing changes
        assert sum(r.added for r in again.reports) == 0
        assert_same_as_clean(store, expected)
    finally:
        store.close()


@pytest.mark.parametrize("mode", ["after_vectors", "mid_transaction", "keyword_index"])
def test_ingest_killed_inside_the_write_path_then_rerun_is_consistent(tmp_path, mode):
    store_dir = tmp_path / "store"
    assert run_child(tmp_path, mode, store_dir, SOURCES) == -signal.SIGKILL
    expected = clean_chunk_ids(SOURCES)
    if mode in ("after_vectors", "mid_transaction"):
        assert _catalog_reports(store_dir) == 1  # the kill came before the second report was visible
    rerun_and_check(store_dir, SOURCES, expected)


def test_ingest_killed_from_outside_after_the_first_report_then_rerun_is_consistent(tmp_path):
    store_dir = tmp_path / "store"
    assert run_child(tmp_path, "slow", store_dir, SOURCES, kill_after_first=True) == -signal.SIGKILL
    assert _catalog_reports(store_dir) == 1
    rerun_and_check(store_dir, SOURCES, clean_chunk_ids(SOURCES))


def test_killed_while_replacing_a_changed_report_then_rerun_is_consistent(tmp_path):
    """Old version stays whole until the new one commits; its stale vectors are cleaned up after."""
    folder = tmp_path / "reports"
    folder.mkdir()
    report = folder / "fenmarsh.md"
    shutil.copy(DEMO / "fenmarsh.md", report)
    store_dir = tmp_path / "store"
    assert run_child(tmp_path, "none", store_dir, [report]) == 0
    old = clean_chunk_ids([report])
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("1,274 people", "1,301 people").replace("97 days", "99 days"), encoding="utf-8")
    new = clean_chunk_ids([report])
    assert new != old
    assert run_child(tmp_path, "after_commit", store_dir, [report]) == -signal.SIGKILL
    store = LibraryStore(Settings(store_dir=store_dir))
    try:
        assert_nothing_half_visible(store, new)  # the new version is whole in the catalog
        stale = set().union(*old.values()) - set().union(*new.values())
        assert stale <= store.vector_ids()  # left behind by the kill ...
        summary = ingest_paths([report], store)
        assert summary.repaired is not None and summary.repaired.orphans_removed == len(stale)
        assert_same_as_clean(store, new)  # ... and removed by the next run
    finally:
        store.close()
