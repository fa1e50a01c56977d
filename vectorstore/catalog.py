"""The report catalog and the chunk table, in SQLite beside the Chroma folder.

Scores and ratings are data, answered by lookup rather than by similarity. The chunk table is
the source of truth for every finding's text and place: citations resolve here, and the keyword
index is built from it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.models import Chunk

SCHEMA_VERSION = 1

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
    chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(report_id),
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id, ord);
"""


@dataclass(frozen=True)
class ReportEntry:
    report_id: str
    authority: str
    title: str
    published: str
    rating: str
    rating_is_indicative: bool
    overall_score: int | None
    scores: dict[str, int]
    source: str
    files: list[str]
    chunks: int

    def as_json(self) -> dict:
        """The shape `assistant reports --json` promises."""
        return {
            "authority": self.authority,
            "published": self.published,
            "rating": self.rating,
            "overall_score": self.overall_score,
            "scores": dict(self.scores),
            "chunks": self.chunks,
            "source": self.source,
        }


def chunk_to_json(chunk: Chunk) -> str:
    return json.dumps(chunk.__dict__, ensure_ascii=False)


def chunk_from_json(data: str) -> Chunk:
    return Chunk(**json.loads(data))


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
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
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
        rows = self._rows(
            "SELECT report_id, authority, title, published, rating, rating_is_indicative, overall_score,"
            " scores, source, files, chunks FROM reports ORDER BY authority, published"
        )
        return [
            ReportEntry(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], json.loads(r[7]), r[8], json.loads(r[9]), r[10])
            for r in rows
        ]

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
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            for cid, data in self._rows(f"SELECT chunk_id, data FROM chunks WHERE chunk_id IN ({marks})", batch):
                found[cid] = chunk_from_json(data)
        return [found[i] for i in ids if i in found]

    def all_chunks(self) -> list[Chunk]:
        rows = self._rows("SELECT data FROM chunks ORDER BY report_id, ord")
        return [chunk_from_json(r[0]) for r in rows]

    def report_chunks(self, report_id: str) -> list[Chunk]:
        rows = self._rows("SELECT data FROM chunks WHERE report_id = ? ORDER BY ord", (report_id,))
        return [chunk_from_json(r[0]) for r in rows]

    def report_ids_from_source(self, source: str) -> list[str]:
        rows = self._rows("SELECT report_id FROM reports WHERE source = ?", (source,))
        return [r[0] for r in rows]

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
                cur.execute("ROLLBACK")
                raise

    def put_report(self, entry: ReportEntry, chunks: list[Chunk]) -> None:
        """Replace a report and its chunk rows in one transaction: readers see old or new, never half."""
        with self._changing() as cur:
            cur.execute("DELETE FROM chunks WHERE report_id = ?", (entry.report_id,))
            cur.execute(
                "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    entry.report_id, entry.authority, entry.title, entry.published, entry.rating,
                    int(entry.rating_is_indicative), entry.overall_score, json.dumps(entry.scores),
                    entry.source, json.dumps(entry.files), entry.chunks,
                ),
            )
            cur.executemany(
                "INSERT INTO chunks(chunk_id, report_id, ord, data) VALUES (?,?,?,?)",
                [(c.chunk_id, c.report_id, c.order, chunk_to_json(c)) for c in chunks],
            )

    def delete_report(self, report_id: str) -> None:
        with self._changing() as cur:
            cur.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
            cur.execute("DELETE FROM reports WHERE report_id = ?", (report_id,))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
