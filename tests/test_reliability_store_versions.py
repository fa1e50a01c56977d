"""Store versions: the store records its schema and embedding model; a store made with another
says so, naming the command that rebuilds it, and that command works."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from ingest.__main__ import main as ingest_main
from library.ingesting import ingest_paths
from tests.conftest import DEMO
from vectorstore.catalog import SCHEMA_VERSION
from config import Settings, packaged_model_path
from vectorstore.store import LibraryStore, StoreVersionError, model_identity


def _database(folder):
    return folder.with_name(folder.name + ".sqlite3")  # the library's catalog is in the database beside it


def _meta(folder) -> dict[str, str]:
    with sqlite3.connect(_database(folder)) as conn:
        return dict(conn.execute("SELECT key, value FROM catalog_meta"))


def _set_meta(folder, **values: str) -> None:
    with sqlite3.connect(_database(folder)) as conn:
        conn.executemany("INSERT OR REPLACE INTO catalog_meta(key, value) VALUES (?, ?)", list(values.items()))


@pytest.fixture()
def built(tmp_path):
    """A store holding one report, closed again."""
    folder = tmp_path / "store"
    report = tmp_path / "fenmarsh.md"
    shutil.copy(DEMO / "fenmarsh.md", report)
    store = LibraryStore(Settings(store_dir=folder))
    (result,) = ingest_paths([report], store).reports
    store.close()
    return folder, report, result.chunks


def test_a_store_records_its_schema_and_embedding_model(built):
    folder, _, _ = built
    meta = _meta(folder)
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["embedding_model"] == "all-MiniLM-L6-v2"
    assert meta["embedding_dimension"] == "384"
    assert meta["embedding_fingerprint"] == model_identity(packaged_model_path()).fingerprint


@pytest.mark.parametrize(
    ("tampered", "says"),
    [
        ({"embedding_model": "e5-large-v2", "embedding_fingerprint": "0123456789ab", "embedding_dimension": "1024"},
         "built with the embedding model 'e5-large-v2'"),
        ({"embedding_dimension": "768"}, "768 dimensions"),
        ({"schema_version": "0"}, "schema version 0"),
    ],
)
def test_opening_a_store_of_another_model_or_schema_names_the_rebuild_command(built, tampered, says):
    folder, _, _ = built
    _set_meta(folder, **tampered)
    with pytest.raises(StoreVersionError) as caught:
        LibraryStore(Settings(store_dir=folder))
    message = str(caught.value)
    assert says in message
    assert f"python -m ingest --rebuild --store {folder}" in message


def test_a_different_model_folder_is_refused(built, tmp_path):
    """A real second model: the packaged one with another pooling size (as another model has)."""
    folder, _, _ = built
    other = tmp_path / "other-model"
    shutil.copytree(packaged_model_path(), other)
    pooling = other / "1_Pooling" / "config.json"
    pooling.write_text(pooling.read_text().replace('"word_embedding_dimension": 384', '"word_embedding_dimension": 768'))
    with pytest.raises(StoreVersionError, match="'other-model'"):
        LibraryStore(Settings(store_dir=folder, embedding_model=str(other)))


def test_rebuild_reads_the_files_again_and_the_store_opens(built, capsys):
    folder, report, chunks = built
    _set_meta(folder, embedding_model="e5-large-v2", embedding_fingerprint="0123456789ab", embedding_dimension="1024")
    with pytest.raises(StoreVersionError):
        LibraryStore(Settings(store_dir=folder))
    # Not naming the files: the store remembers which files it was built from.
    assert ingest_main(["--rebuild", "--store", str(folder)]) == 0
    assert "Rebuilding" in capsys.readouterr().out
    store = LibraryStore(Settings(store_dir=folder))
    (entry,) = store.reports()
    assert entry.authority == "Fenmarsh County Council" and entry.chunks == chunks
    assert store.vector_count() == chunks == len(store.catalog.all_chunk_ids())
    assert _meta(folder)["embedding_model"] == "all-MiniLM-L6-v2"
    store.close()


def test_the_ingest_command_reports_a_version_mismatch_without_a_traceback(built, capsys):
    folder, report, _ = built
    _set_meta(folder, schema_version="99")
    assert ingest_main(["--store", str(folder), str(report)]) == 2
    err = capsys.readouterr().err
    assert "schema version 99" in err and "--rebuild" in err and "Traceback" not in err


# The catalog as versions before stage two kept it, in `<store>/catalog.sqlite3` (their schema,
# written here as a fixture of ours).
OLD_CATALOG_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reports (report_id TEXT PRIMARY KEY, authority TEXT NOT NULL, title TEXT NOT NULL,
    published TEXT NOT NULL, rating TEXT NOT NULL, rating_is_indicative INTEGER NOT NULL, overall_score INTEGER,
    scores TEXT NOT NULL, source TEXT NOT NULL, files TEXT NOT NULL, chunks INTEGER NOT NULL,
    edition TEXT NOT NULL DEFAULT '', pages INTEGER NOT NULL DEFAULT 0);
CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, ord INTEGER NOT NULL, data TEXT NOT NULL,
    sentences BLOB);
CREATE TABLE pages (report_id TEXT NOT NULL, file TEXT NOT NULL, sha TEXT NOT NULL, ord INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (report_id, file));
CREATE TABLE measures (report_id TEXT NOT NULL, ord INTEGER NOT NULL, chunk_id TEXT NOT NULL, authority TEXT NOT NULL,
    published TEXT NOT NULL, measure TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, figure TEXT NOT NULL,
    qualifier TEXT NOT NULL, period TEXT NOT NULL, approx TEXT NOT NULL, role TEXT NOT NULL, part TEXT NOT NULL,
    out_of REAL, comparator TEXT, sentence TEXT NOT NULL, PRIMARY KEY (report_id, ord));
"""


def test_a_store_folder_of_an_earlier_version_has_its_catalog_imported_once(built):
    """A folder whose catalog is `catalog.sqlite3` (before the catalog moved into the database) opens
    with its library whole: reports, findings with their sentence vectors, pages, figures, and the
    collection its vectors are in; the file is kept, renamed, and not imported a second time."""
    folder, _, chunks = built
    database = _database(folder)
    with sqlite3.connect(database) as new, sqlite3.connect(folder / "catalog.sqlite3") as old:
        old.executescript(OLD_CATALOG_SCHEMA)
        old.executemany("INSERT INTO meta VALUES (?, ?)", new.execute("SELECT key, value FROM catalog_meta"))
        for table in ("reports", "chunks", "pages", "measures"):
            rows = new.execute(f"SELECT * FROM {table}").fetchall()
            old.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    store = LibraryStore(Settings(store_dir=folder))
    expected = (store.reports(), store.catalog.all_chunks(), store.measures(), store.catalog.get_meta("store_id"),
                store.sentence_vectors(sorted(store.catalog.all_chunk_ids())))
    store.close()
    for side in ("", "-wal", "-shm"):  # the library as a machine of the earlier version has it: no database
        database.with_name(database.name + side).unlink(missing_ok=True)

    store = LibraryStore(Settings(store_dir=folder))
    reports, all_chunks, measures, store_id, vectors = expected
    assert store.reports() == reports and store.catalog.all_chunks() == all_chunks and len(all_chunks) == chunks
    assert store.measures() == measures != [] and store.catalog.get_meta("store_id") == store_id
    imported = store.sentence_vectors(sorted(store.catalog.all_chunk_ids()))
    assert imported.keys() == vectors.keys() and all((imported[k] == vectors[k]).all() for k in vectors)
    assert store.vector_ids() == store.catalog.all_chunk_ids()  # the same collection: nothing to embed again
    assert not (folder / "catalog.sqlite3").exists() and (folder / "catalog.sqlite3.imported").exists()
    store.close()
    store = LibraryStore(Settings(store_dir=folder))  # opened again: nothing imported twice
    assert store.reports() == reports
    store.close()
