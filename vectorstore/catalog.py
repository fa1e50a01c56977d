"""The report catalog and the chunk table, in SQLite beside the Chroma folder.

Scores and ratings are data, answered by lookup rather than by similarity. The chunk table is
the source of truth for every finding's text and place: citations resolve here, and the keyword
index is built from it.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from cqc.measures.record import MeasureRecord
from cqc.models import Block, Chunk, Page
from cqc.records import ReportEntry
from vectorstore import measure_rows

# 2: reports are kept per layout (`edition`) with their page files (`pages` table); report ids
# carry the layout, so a library written by version 1 is rebuilt (the store says how).
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    authority TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT NOT NULL,
    rating TEXT NOT NULL,
    rating_is_indicative INTEGER NOT NULL,
    overall_score INTEGER,
    scores TEXT NOT NULL,
    source TEXT NOT NULL,
    files TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    edition TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(report_id),
    ord INTEGER NOT NULL,
    data TEXT NOT NULL,
    sentences BLOB  -- the answer sentences' vectors (float16, `pack_vectors`); NULL when not computed
);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id, ord);
-- Each report's pages as read, so a page added in a later run is assembled with them.
CREATE TABLE IF NOT EXISTS pages (
    report_id TEXT NOT NULL REFERENCES reports(report_id),
    file TEXT NOT NULL,
    sha TEXT NOT NULL,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (report_id, file)
);
CREATE INDEX IF NOT EXISTS pages_by_sha ON pages(sha);
CREATE INDEX IF NOT EXISTS pages_by_file ON pages(file);
"""


# -- rows ----------------------------------------------------------------------------------------
# Chunks and pages are stored field by field, so the stored form changes only when these functions
# do, never because a dataclass gained a field.
def chunk_to_json(chunk: Chunk) -> str:
    return json.dumps({
        "chunk_id": chunk.chunk_id, "report_id": chunk.report_id, "text": chunk.text, "embed_text": chunk.embed_text,
        "authority": chunk.authority, "published": chunk.published, "theme": chunk.theme,
        "quality_statement": chunk.quality_statement, "score": chunk.score, "heading": chunk.heading,
        "paragraph_no": chunk.paragraph_no, "part": chunk.part, "kind": chunk.kind, "location": chunk.location,
        "source": chunk.source, "order": chunk.order, "embed_hash": chunk.embed_hash,
    }, ensure_ascii=False)


def pack_vectors(vectors: np.ndarray) -> bytes:
    """float16 is plenty to rank sentences by cosine, at half the size of float32."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(vectors, dtype=np.float16), allow_pickle=False)
    return buffer.getvalue()


def unpack_vectors(blob: bytes) -> np.ndarray:
    return np.load(io.BytesIO(blob), allow_pickle=False).astype(np.float32)


def chunk_from_json(data: str) -> Chunk:
    d = json.loads(data)
    return Chunk(
        chunk_id=d["chunk_id"], report_id=d["report_id"], text=d["text"], embed_text=d["embed_text"],
        authority=d["authority"], published=d["published"], theme=d["theme"],
        quality_statement=d["quality_statement"], score=d["score"], heading=d["heading"],
        paragraph_no=d["paragraph_no"], part=d["part"], kind=d["kind"], location=d["location"],
        source=d["source"], order=d["order"], embed_hash=d.get("embed_hash", ""),  # older rows: computed again
    )


def page_to_json(page: Page) -> str:
    """A page field by field, so the stored form changes only when this function does."""
    return json.dumps({
        "file": page.file, "format": page.format, "title": page.title, "title_name": page.title_name,
        "council": page.council, "published": page.published, "kind": page.kind, "position": page.position,
        "sha": page.sha, "warnings": list(page.warnings),
        "blocks": [[b.kind, b.text, b.level, b.location] for b in page.blocks],
    }, ensure_ascii=False)


def page_from_json(data: str) -> Page:
    d = json.loads(data)
    return Page(
        file=d["file"], format=d["format"], title=d["title"], title_name=d["title_name"], council=d["council"],
        published=d["published"], kind=d["kind"], position=d["position"], sha=d["sha"],
        warnings=tuple(d["warnings"]), blocks=tuple(Block(k, t, lv, loc) for k, t, lv, loc in d["blocks"]),
    )


class Catalog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # One connection shared by Streamlit's threads. Every statement, reads included, runs
        # under the lock: on one connection a reader would otherwise see another thread's
        # transaction half done (SQLite isolates connections, not threads). Other processes
        # (an ingest run beside the app) get SQLite's own isolation; the timeout waits out
        # their write transactions instead of failing.
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=60)
        self._lock = threading.RLock()
        self._reports_cache: tuple[int, list[ReportEntry]] | None = None
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
            self._conn.executescript(measure_rows.SCHEMA)  # a library written before it gains the table here
            columns = {r[1] for r in self._conn.execute("PRAGMA table_info(chunks)")}
            if "sentences" not in columns:  # a library written before sentence vectors were stored
                self._conn.execute("ALTER TABLE chunks ADD COLUMN sentences BLOB")
            fresh = self.get_meta("schema_version") is None
            self._conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            # Names this library's collection on a shared Chroma server, so two libraries never
            # see (or clean up) each other's vectors.
            self._conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?)", (uuid.uuid4().hex,))
        self.created = fresh

    def _rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))

    def generation(self) -> int:
        """Bumped on every change, so the keyword index can tell it is stale."""
        return int(self.get_meta("generation") or 0)

    # -- reads -----------------------------------------------------------------------------
    def reports(self) -> list[ReportEntry]:
        # A question reads the list several times (names, versions, scores); it changes only with
        # the generation, which every write (this process's or another's) moves on.
        generation = self.generation()
        with self._lock:
            if self._reports_cache is not None and self._reports_cache[0] == generation:
                return list(self._reports_cache[1])
            rows = self._rows(
                "SELECT report_id, authority, title, published, rating, rating_is_indicative, overall_score,"
                " scores, source, files, chunks, edition, pages FROM reports ORDER BY authority, published, report_id"
            )
            entries = [
                ReportEntry(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], json.loads(r[7]), r[8], json.loads(r[9]),
                            r[10], r[11], r[12])
                for r in rows
            ]
            self._reports_cache = (generation, entries)
            return list(entries)

    def report(self, report_id: str) -> ReportEntry | None:
        return next((r for r in self.reports() if r.report_id == report_id), None)

    def chunk_ids(self, report_id: str) -> set[str]:
        return {r[0] for r in self._rows("SELECT chunk_id FROM chunks WHERE report_id = ?", (report_id,))}

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT chunk_id FROM chunks")}

    def chunks(self, ids: list[str]) -> list[Chunk]:
        """Chunks in the order of the ids asked for; unknown ids are left out."""
        if not ids:
            return []
        found = {cid: chunk_from_json(data) for cid, data in self._rows_for_ids("chunk_id, data", ids)}
        return [found[i] for i in ids if i in found]

    def _rows_for_ids(self, columns: str, ids: list[str], condition: str = "") -> list[tuple]:
        """Rows of the chunk table for these chunk ids, 500 to a query (SQLite's variable limit)."""
        rows: list[tuple] = []
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows += self._rows(f"SELECT {columns} FROM chunks WHERE chunk_id IN ({marks}){condition}", batch)
        return rows

    def all_chunks(self) -> list[Chunk]:
        rows = self._rows("SELECT data FROM chunks ORDER BY report_id, ord")
        return [chunk_from_json(r[0]) for r in rows]

    def report_chunks(self, report_id: str) -> list[Chunk]:
        rows = self._rows("SELECT data FROM chunks WHERE report_id = ? ORDER BY ord", (report_id,))
        return [chunk_from_json(r[0]) for r in rows]

    def measures(self, authorities: list[str] = (), measures: list[str] = (), report_ids: list[str] = ()) -> list[MeasureRecord]:
        """The figures read as data (`cqc.measures`), in report order; empty filters mean all."""
        with self._lock:
            return measure_rows.select(self._conn, authorities, measures, report_ids)

    def measure_count(self, report_id: str) -> int:
        with self._lock:
            return measure_rows.count(self._conn, report_id)

    def put_measures(self, records_by_report: dict[str, list[MeasureRecord]], version: str) -> None:
        """Replace the records of these reports (read again under a newer reader or vocabulary) and note
        the version they were read with, in one transaction."""
        with self._changing() as cur:
            for report_id, records in records_by_report.items():
                measure_rows.replace(cur, [report_id], records)
            cur.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('measures_version', ?)", (version,))

    def report_pages(self, report_id: str) -> list[Page]:
        rows = self._rows("SELECT data FROM pages WHERE report_id = ? ORDER BY ord", (report_id,))
        return [page_from_json(r[0]) for r in rows]

    def page_holder(self, sha: str) -> tuple[str, str] | None:
        """(report id, file) of a stored page with this content."""
        rows = self._rows("SELECT report_id, file FROM pages WHERE sha = ? ORDER BY report_id, file LIMIT 1", (sha,))
        return (rows[0][0], rows[0][1]) if rows else None

    def report_of_file(self, file: str) -> str | None:
        rows = self._rows("SELECT report_id FROM pages WHERE file = ? ORDER BY report_id LIMIT 1", (file,))
        return rows[0][0] if rows else None

    # -- writes ----------------------------------------------------------------------------
    @contextmanager
    def _changing(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction that also moves the generation on, so other processes holding a
        keyword index or a report list know it is stale; rolled back whole on any error."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
                cur.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('generation', ?)", (str(self.generation() + 1),)
                )
                cur.execute("COMMIT")
            except BaseException:
                # SQLite rolls a transaction back itself on some errors (SQLITE_FULL among them);
                # a second ROLLBACK would then raise "no transaction is active" and hide the error
                # that matters ("database or disk is full").
                if self._conn.in_transaction:
                    cur.execute("ROLLBACK")
                raise

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored sentence vectors of these chunks (rows in `answer_sentences` order), where the
        ingest that wrote them had them."""
        rows = self._rows_for_ids("chunk_id, sentences", ids, " AND sentences IS NOT NULL")
        return {cid: unpack_vectors(blob) for cid, blob in rows}

    def set_sentence_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        """Fill in sentence vectors for chunk rows already written (a repair after a killed run)."""
        with self._lock:
            self._conn.executemany("UPDATE chunks SET sentences = ? WHERE chunk_id = ?",
                                   [(pack_vectors(v), cid) for cid, v in vectors.items()])

    def put_report(self, entry: ReportEntry, chunks: list[Chunk],
                   sentence_vectors: dict[str, np.ndarray] | None = None, pages: list[Page] | None = None,
                   removed: list[str] = (), measures: list[MeasureRecord] = ()) -> None:
        """Replace a report, its chunk rows, its pages and its measure records in one transaction (and
        remove the reports it absorbed): readers see old or new, never half."""
        sentence_vectors = sentence_vectors or {}
        with self._changing() as cur:
            for report_id in [entry.report_id, *removed]:
                cur.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
                cur.execute("DELETE FROM pages WHERE report_id = ?", (report_id,))
            for report_id in removed:
                cur.execute("DELETE FROM reports WHERE report_id = ?", (report_id,))
            measure_rows.replace(cur, [entry.report_id, *removed], measures)
            cur.execute(
                "INSERT OR REPLACE INTO reports(report_id, authority, title, published, rating, rating_is_indicative,"
                " overall_score, scores, source, files, chunks, edition, pages) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    entry.report_id, entry.authority, entry.title, entry.published, entry.rating,
                    int(entry.rating_is_indicative), entry.overall_score, json.dumps(entry.scores),
                    entry.source, json.dumps(entry.files), entry.chunks, entry.edition, entry.pages,
                ),
            )
            cur.executemany(
                "INSERT INTO pages(report_id, file, sha, ord, data) VALUES (?,?,?,?,?)",
                [(entry.report_id, p.file, p.sha, i, page_to_json(p)) for i, p in enumerate(pages or [])],
            )
            cur.executemany(
                "INSERT INTO chunks(chunk_id, report_id, ord, data, sentences) VALUES (?,?,?,?,?)",
                [(c.chunk_id, c.report_id, c.order, chunk_to_json(c),
                  pack_vectors(sentence_vectors[c.chunk_id]) if c.chunk_id in sentence_vectors else None)
                 for c in chunks],
            )

    def delete_report(self, report_id: str) -> None:
        with self._changing() as cur:
            measure_rows.delete(cur, report_id)
            cur.execute("DELETE FROM pages WHERE report_id = ?", (report_id,))
            cur.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
            cur.execute("DELETE FROM reports WHERE report_id = ?", (report_id,))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
